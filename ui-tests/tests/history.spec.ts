import { expect, test } from '@jupyterlab/galata';
import type { Page, Route } from '@playwright/test';

/** The slice of a notebook panel these tests drive. */
interface INotebookLike {
  id: string;
  context?: { path: string };
  sessionContext: { ready: Promise<void> };
  content: { activeCellIndex: number };
}
import { execFileSync } from 'child_process';
import { mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import {
  countRunFileReads,
  expectSidebarRuns,
  isRunFileName,
  listNames,
  openNotebook,
  putFile,
  reloadWith,
  runId,
  runFile,
  writeRuns
} from './historyHelpers';

const FIXTURE = path.resolve(__dirname, '../notebooks/history.ipynb');

/** Execute the tagged cell (index 1) `count` times, as a user would. */
async function recordRuns(
  page: Page,
  notebookPath: string,
  count: number
): Promise<void> {
  await page.waitForFunction(
    path =>
      [...window.jupyterapp.shell.widgets('main')].some(
        w => (w as unknown as INotebookLike).context?.path === path
      ),
    notebookPath
  );
  await page.evaluate(
    async ([path, count]) => {
      const app = window.jupyterapp;
      const panel = [...app.shell.widgets('main')].find(
        w => (w as unknown as INotebookLike).context?.path === path
      ) as unknown as INotebookLike;
      app.shell.activateById(panel.id);
      await panel.sessionContext.ready;
      for (let i = 0; i < (count as number); i++) {
        panel.content.activeCellIndex = 1;
        await app.commands.execute('notebook:run-cell');
      }
    },
    [notebookPath, count] as const
  );
}

async function runFileNames(page: Page, folder: string): Promise<string[]> {
  return (await listNames(page.request, folder)).filter(isRunFileName);
}

test.describe('Durable run history', () => {
  let notebook: string;
  let folder: string;

  test.beforeEach(async ({ page, tmpPath }) => {
    notebook = `${tmpPath}/history.ipynb`;
    folder = `${tmpPath}/history.runs`;
    await page.contents.uploadFile(FIXTURE, notebook);
  });

  test('opens 200 runs from the cache after a reload, reading no run file', async ({
    page,
    browser
  }) => {
    await writeRuns(page.request, folder, notebook, 200);
    const sidebar = page.locator('#jp-runs-panel');

    // Cold: no shard, no cache, so every run file is read once...
    const coldReads = countRunFileReads(page, folder);
    await openNotebook(page, notebook);
    await expectSidebarRuns(sidebar, 200);
    expect(coldReads()).toBe(200);
    // ...and this tab writes its manifest shard.
    await expect
      .poll(async () =>
        (await listNames(page.request, folder)).filter(n =>
          n.startsWith('manifest-')
        )
      )
      .toHaveLength(1);

    // Warm: after a reload the sidebar is ready from IndexedDB.
    const warmReads = countRunFileReads(page, folder);
    await reloadWith(page, notebook);
    await expectSidebarRuns(sidebar, 200);
    expect(warmReads()).toBe(0);

    // Another browser (empty IndexedDB) opens from the shard alone.
    const context = await browser.newContext();
    const other = await context.newPage();
    const otherReads = countRunFileReads(other, folder);
    await other.goto(`${page.url().split('/lab')[0]}/lab`);
    await openNotebook(other, notebook);
    await expectSidebarRuns(other.locator('#jp-runs-panel'), 200);
    expect(otherReads()).toBe(0);
    await context.close();
  });

  test('keeps runs recorded while the server is unreachable, across a reload', async ({
    page
  }) => {
    await openNotebook(page, notebook);
    const sidebar = page.locator('#jp-runs-panel');
    const refuse = (route: Route) =>
      route.request().method() === 'PUT' ? route.abort() : route.continue();
    await page.route('**/api/contents/**', refuse);

    await recordRuns(page, notebook, 20);
    const banner = sidebar.locator('.jp-RunsPanel-pending');
    const status = page.locator('.jp-runs-PendingItem');
    await expect(banner).toContainText('20 runs not yet saved');
    await expect(banner).toContainText('cannot be reached');
    await expect(status).toContainText('20 runs not yet saved');
    expect(await runFileNames(page, folder)).toEqual([]);

    // Reloaded while they wait: still counted, still listed.
    await reloadWith(page, notebook);
    await expect(page.locator('.jp-runs-PendingItem')).toContainText(
      '20 runs not yet saved'
    );
    await expect(sidebar.locator('.jp-RunsPanel-pending')).toContainText(
      '20 runs not yet saved'
    );
    await expectSidebarRuns(sidebar, 20);

    // Back: writing resumes by itself (no click, no command).
    await page.unroute('**/api/contents/**', refuse);
    await expect
      .poll(async () => (await runFileNames(page, folder)).length, {
        timeout: 60_000
      })
      .toBe(20);
    await expect(page.locator('.jp-runs-PendingItem')).toBeHidden();
    await expect(sidebar.locator('.jp-RunsPanel-pending')).toBeHidden();
  });

  test('two pages recording into one folder at once lose nothing', async ({
    page,
    browser
  }) => {
    const base = page.url().split('/lab')[0];
    const contexts = [await browser.newContext(), await browser.newContext()];
    const pages = await Promise.all(contexts.map(c => c.newPage()));
    await Promise.all(
      pages.map(async p => {
        await p.goto(`${base}/lab`);
        await openNotebook(p, notebook);
      })
    );
    await Promise.all(pages.map(p => recordRuns(p, notebook, 8)));
    await expect
      .poll(async () => (await runFileNames(page, folder)).length, {
        timeout: 60_000
      })
      .toBe(16);
    // Each page writes its own manifest shard; a fresh reader sees all.
    await Promise.all(contexts.map(c => c.close()));
    await openNotebook(page, notebook);
    await expectSidebarRuns(page.locator('#jp-runs-panel'), 16);
  });

  test('renaming the notebook in the file browser takes its runs along', async ({
    page,
    tmpPath
  }) => {
    const ids = await writeRuns(page.request, folder, notebook, 3);
    await putFile(page.request, `${folder}/${ids[0]}.artifacts`, null);
    await putFile(page.request, `${folder}/${ids[0]}.artifacts/model.txt`, 'w');
    await openNotebook(page, notebook);
    await expectSidebarRuns(page.locator('#jp-runs-panel'), 3);

    await page.filebrowser.openDirectory(tmpPath);
    const item = page.locator('.jp-DirListing-item', {
      hasText: 'history.ipynb'
    });
    await item.click({ button: 'right' });
    await page
      .locator('.lm-Menu-item[data-command="filebrowser:rename"]')
      .click();
    const editor = page.locator('.jp-DirListing-editor');
    await editor.fill('renamed.ipynb');
    await editor.press('Enter');

    const moved = `${tmpPath}/renamed.runs`;
    await expect
      .poll(async () => runFileNames(page, moved))
      .toEqual([...ids].map(id => `${id}.json`).sort());
    expect(await listNames(page.request, folder)).toEqual([]);
    expect(
      await listNames(page.request, `${moved}/${ids[0]}.artifacts`)
    ).toEqual(['model.txt']);
    await expectSidebarRuns(page.locator('#jp-runs-panel'), 3);
  });

  test('skips corrupt files with a warning naming them, shows the rest', async ({
    page
  }) => {
    await writeRuns(page.request, folder, notebook, 5);
    const bad = {
      truncated: runId(100),
      notJson: runId(101),
      wrongType: runId(102),
      newer: runId(103)
    };
    await putFile(
      page.request,
      `${folder}/${bad.truncated}.json`,
      runFile(bad.truncated, notebook, 100).slice(0, 120)
    );
    await putFile(page.request, `${folder}/${bad.notJson}.json`, 'hello');
    await putFile(
      page.request,
      `${folder}/${bad.wrongType}.json`,
      runFile(bad.wrongType, notebook, 102).replace(
        '"durationMs": 500',
        '"durationMs": "slow"'
      )
    );
    await putFile(
      page.request,
      `${folder}/${bad.newer}.json`,
      runFile(bad.newer, notebook, 103).replace(
        '"schemaVersion": 1',
        '"schemaVersion": 99'
      )
    );
    await openNotebook(page, notebook);
    const sidebar = page.locator('#jp-runs-panel');
    await expectSidebarRuns(sidebar, 5);
    const warnings = sidebar.locator('.jp-RunsPanel-warning');
    await expect(warnings).toHaveCount(4);
    await expect(
      warnings.filter({ hasText: `${bad.truncated}.json` })
    ).toContainText('not valid JSON');
    await expect(
      warnings.filter({ hasText: `${bad.notJson}.json` })
    ).toContainText('not valid JSON');
    await expect(
      warnings.filter({ hasText: `${bad.wrongType}.json` })
    ).toContainText('durationMs');
    await expect(
      warnings.filter({ hasText: `${bad.newer}.json` })
    ).toContainText('newer');
  });

  test('exports a valid notebook with its runs and imports it identical', async ({
    page,
    tmpPath
  }) => {
    const ids = await writeRuns(page.request, folder, notebook, 4);
    await putFile(
      page.request,
      `${folder}/${ids[1]}.series.json`,
      JSON.stringify({
        format: 'jupyterlab-runs/series',
        version: 1,
        runId: ids[1],
        metrics: { loss: { step: [0, 1], value: [2, 'NaN'], time: [1, 2] } }
      })
    );
    await putFile(
      page.request,
      `${folder}/env-0123abcd.json`,
      '{"python": "3.12"}\n'
    );
    await putFile(page.request, `${folder}/${ids[2]}.artifacts`, null);
    await putFile(
      page.request,
      `${folder}/${ids[2]}.artifacts/model.bin`,
      'AP8BAg==',
      'base64'
    );
    await openNotebook(page, notebook);
    await expectSidebarRuns(page.locator('#jp-runs-panel'), 4);
    await page.evaluate(
      async ([runId, notebookPath]) => {
        await window.jupyterapp.commands.execute(
          'jupyterlab-runs:toggle-run-star',
          { runId, notebookPath }
        );
      },
      [ids[3], notebook]
    );

    const exported = `${tmpPath}/history-with-runs.ipynb`;
    await page.evaluate(
      notebookPath =>
        window.jupyterapp.commands.execute(
          'jupyterlab-runs:export-notebook-with-runs',
          { notebookPath }
        ),
      notebook
    );
    const response = await page.request.get(
      `/api/contents/${encodeURI(exported)}?type=file&format=text&content=1`
    );
    expect(response.ok()).toBe(true);
    const text = (await response.json()).content as string;

    // nbformat's own validator, in Python.
    const dir = mkdtempSync(path.join(tmpdir(), 'runs-export-'));
    const file = path.join(dir, 'exported.ipynb');
    writeFileSync(file, text);
    const python = process.env.RUNS_PYTHON ?? 'python';
    const out = execFileSync(python, [
      '-c',
      'import sys, nbformat; nb = nbformat.read(sys.argv[1], as_version=4); nbformat.validate(nb); print("valid", len(nb.metadata["jupyterlab-runs"]["runs"]))',
      file
    ]).toString();
    expect(out.trim()).toBe('valid 4');

    // Import into a fresh folder: opening it offers to restore the runs.
    const fresh = `${tmpPath}/fresh/history.ipynb`;
    await putFile(page.request, `${tmpPath}/fresh`, null);
    await putFile(page.request, fresh, text);
    await page.evaluate(
      path => window.jupyterapp.commands.execute('docmanager:open', { path }),
      fresh
    );
    const dialog = page.locator('.jp-Dialog');
    await expect(dialog).toContainText('4 runs');
    await dialog.getByRole('button', { name: 'Restore' }).click();

    const freshFolder = `${tmpPath}/fresh/history.runs`;
    const original = (await listNames(page.request, folder)).filter(
      n => !n.startsWith('manifest-')
    );
    await expect
      .poll(async () =>
        (await listNames(page.request, freshFolder)).filter(
          n => !n.startsWith('manifest-')
        )
      )
      .toEqual(original);
    const read = async (p: string) => {
      const r = await page.request.get(
        `/api/contents/${encodeURI(p)}?type=file&format=base64&content=1`
      );
      return Buffer.from((await r.json()).content, 'base64');
    };
    for (const name of original) {
      if (name.endsWith('.artifacts')) {
        expect(await read(`${freshFolder}/${name}/model.bin`)).toEqual(
          await read(`${folder}/${name}/model.bin`)
        );
        continue;
      }
      const [a, b] = [
        await read(`${folder}/${name}`),
        await read(`${freshFolder}/${name}`)
      ];
      // Run and series files: JSON-identical; every other file: bytes.
      if (isRunFileName(name) || name.endsWith('.series.json')) {
        expect([name, JSON.parse(b.toString())]).toEqual([
          name,
          JSON.parse(a.toString())
        ]);
      } else {
        expect([name, b.toString('base64')]).toEqual([
          name,
          a.toString('base64')
        ]);
      }
    }

    // The zip bundle carries the whole folder, byte for byte.
    await page.evaluate(
      notebookPath =>
        window.jupyterapp.commands.execute('jupyterlab-runs:export-runs-zip', {
          notebookPath
        }),
      notebook
    );
    await page.evaluate(
      ([p, target]) =>
        window.jupyterapp.commands.execute(
          'jupyterlab-runs:import-runs-bundle',
          { path: p, target }
        ),
      [`${tmpPath}/history-with-runs.zip`, `${tmpPath}/unzipped`]
    );
    const unzipped = `${tmpPath}/unzipped/history.runs`;
    await expect
      .poll(async () => listNames(page.request, unzipped))
      .toEqual(await listNames(page.request, folder));
    for (const name of original.filter(n => !n.endsWith('.artifacts'))) {
      expect([
        name,
        (await read(`${unzipped}/${name}`)).toString('base64')
      ]).toEqual([name, (await read(`${folder}/${name}`)).toString('base64')]);
    }
  });
});
