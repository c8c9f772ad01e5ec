/**
 * Viewing a stranger's runs: a run whose outputs and note reference remote
 * images, CSS backgrounds and fonts makes no request to another origin while
 * its detail and a comparison are shown; and opening and closing twenty
 * detail and compare views (by the user and by command) leaves no error in
 * the console.
 */
import { expect, test, type IJupyterLabPageFixture } from './fixtures';
import * as path from 'path';
import {
  expectSidebarRuns,
  openNotebook,
  putFile,
  runFile,
  writeRuns
} from './historyHelpers';

const FIXTURE = path.resolve(__dirname, '../notebooks/history.ipynb');
const CANARY = 'runs-canary.invalid';

test.use({ viewport: { width: 1400, height: 900 } });

/** A run file whose outputs reach for a foreign host in every way. */
function hostileRun(id: string, notebookPath: string): string {
  const run = JSON.parse(runFile(id, notebookPath, 0));
  const remote = `http://${CANARY}`;
  run.outputs = [
    {
      output_type: 'display_data',
      metadata: {},
      data: {
        'text/html': [
          `<img src="${remote}/img.png" alt="x">`,
          `<div style="background:url(${remote}/bg.png)">bg</div>`,
          `<style>@font-face{font-family:f;src:url(${remote}/f.woff)} p{background-image:url('${remote}/p.png')}</style>`,
          `<picture><source srcset="${remote}/s.webp"><img src="${remote}/i2.png"></picture>`,
          `<video poster="${remote}/poster.png" src="${remote}/v.mp4"></video>`,
          `<link rel="stylesheet" href="${remote}/s.css">`
        ].join('\n')
      }
    },
    {
      output_type: 'display_data',
      metadata: {},
      data: {
        'text/markdown': `![m](${remote}/md.png) and <img src="${remote}/md2.png">`
      }
    }
  ];
  return JSON.stringify(run, null, 1);
}

function foreign(page: IJupyterLabPageFixture): string[] {
  const seen: string[] = [];
  const own = new URL(page.url()).origin;
  page.on('request', request => {
    const url = request.url();
    if (/^https?:/.test(url) && new URL(url).origin !== own) {
      seen.push(url);
    }
  });
  return seen;
}

test.describe('Hostile run content', () => {
  let notebook: string;
  let folder: string;

  test.beforeEach(async ({ page, tmpPath }) => {
    notebook = `${tmpPath}/history.ipynb`;
    folder = `${tmpPath}/history.runs`;
    await page.contents.uploadFile(FIXTURE, notebook);
  });

  test('a run reaching for a foreign host makes no request while shown', async ({
    page
  }) => {
    const requests = foreign(page);
    const ids = await writeRuns(page.request, folder, notebook, 2);
    const hostile = '01M6A6FT0000000000000000ZZ';
    await putFile(
      page.request,
      `${folder}/${hostile}.json`,
      hostileRun(hostile, notebook)
    );
    await openNotebook(page, notebook);
    await expectSidebarRuns(page.locator('#jp-runs-panel'), 3);
    await page.evaluate(
      ([notebookPath, runId]) =>
        window.jupyterapp.commands.execute('jupyterlab-runs:open-run', {
          notebookPath,
          runId
        }),
      [notebook, hostile]
    );
    const detail = page.getByRole('region', { name: 'Run details' });
    await expect(detail).toContainText('bg');
    await page.evaluate(
      ([notebookPath, a, b]) =>
        window.jupyterapp.commands.execute('jupyterlab-runs:compare-runs', {
          notebookPath,
          runIds: [a, b]
        }),
      [notebook, hostile, ids[0]]
    );
    const compare = page.getByRole('region', { name: 'Compare runs' });
    await expect(compare.locator('.jp-RunsCompare-run')).toHaveCount(2);
    // Every pane of the comparison (outputs among them) drawn once.
    for (const tab of await compare.getByRole('tab').all()) {
      await tab.click();
    }
    await page.waitForTimeout(1000);
    expect(requests).toEqual([]);
  });

  test('twenty detail and compare views opened and closed leave no console error', async ({
    page
  }) => {
    const errors: string[] = [];
    page.on('console', m => {
      if (m.type() === 'error') {
        errors.push(m.text());
      }
    });
    page.on('pageerror', e => errors.push(String(e)));
    const ids = await writeRuns(page.request, folder, notebook, 4);
    await openNotebook(page, notebook);
    await expectSidebarRuns(page.locator('#jp-runs-panel'), 4);
    for (let i = 0; i < 10; i++) {
      const viewId = (await page.evaluate(
        ([notebookPath, runId]) =>
          window.jupyterapp.commands.execute('jupyterlab-runs:open-run', {
            notebookPath,
            runId
          }),
        [notebook, ids[i % 4]]
      )) as string;
      await expect(
        page.getByRole('region', { name: 'Run details' })
      ).toBeVisible();
      const compareId = (await page.evaluate(
        ([notebookPath, a, b]) =>
          window.jupyterapp.commands.execute('jupyterlab-runs:compare-runs', {
            notebookPath,
            runIds: [a, b]
          }),
        [notebook, ids[i % 4], ids[(i + 1) % 4]]
      )) as string;
      await expect(
        page
          .getByRole('region', { name: 'Compare runs' })
          .locator('.jp-RunsCompare-run')
      ).toHaveCount(2);
      if (i % 2 === 0) {
        // By the user: the tabs' close buttons.
        for (const id of [compareId, viewId]) {
          await page
            .locator(`.lm-TabBar-tab[data-id="${id}"] .lm-TabBar-tabCloseIcon`)
            .click();
        }
      } else {
        // By code: another extension, or the user's Close All.
        await page.evaluate(
          ids => {
            for (const id of ids) {
              [...window.jupyterapp.shell.widgets('main')]
                .find(w => w.id === id)
                ?.close();
            }
          },
          [viewId, compareId]
        );
      }
      await expect
        .poll(() =>
          page.evaluate(
            () =>
              [...window.jupyterapp.shell.widgets('main')].filter(w =>
                w.id.startsWith('jp-runs-')
              ).length
          )
        )
        .toBe(0);
    }
    expect(errors).toEqual([]);
  });
});
