/**
 * Run views are tabs: a detail and a comparison come back after a reload,
 * opening a run's detail again focuses its tab, and "Open Run Details" on a
 * row of a runs-folder view opens that folder's run (it used to look the
 * run up under the sidebar's notebook).
 */
import { expect, test, type IJupyterLabPageFixture } from './fixtures';
import * as path from 'path';
import {
  expectSidebarRuns,
  openNotebook,
  putFile,
  reloadWith,
  runFile,
  runId,
  writeRuns
} from './historyHelpers';

const FIXTURE = path.resolve(__dirname, '../notebooks/history.ipynb');

test.use({ viewport: { width: 1600, height: 1000 } });

/** The ids of the main-area tabs of one kind of run view. */
async function viewIds(
  page: IJupyterLabPageFixture,
  kind: 'detail' | 'compare' | 'folder'
): Promise<string[]> {
  return page.evaluate(
    kind =>
      [...window.jupyterapp.shell.widgets('main')]
        .map(w => w.id)
        .filter(id => id.startsWith(`jp-runs-${kind}-`)),
    kind
  );
}

/** Open a run's detail from its row's context menu, as a user does. */
async function openDetailFromMenu(
  page: IJupyterLabPageFixture,
  row: ReturnType<IJupyterLabPageFixture['locator']>
): Promise<void> {
  await row.click({ button: 'right' });
  await page.getByRole('menuitem', { name: 'Open Run Details' }).click();
}

/** The run id the detail in view shows in its overview. */
function detailRunId(page: IJupyterLabPageFixture) {
  return page
    .getByRole('region', { name: 'Run details' })
    .getByRole('row', { name: /^Run id/ });
}

test.describe('Run views are tabs', () => {
  let notebook: string;
  let folder: string;

  test.beforeEach(async ({ page, tmpPath }) => {
    notebook = `${tmpPath}/history.ipynb`;
    folder = `${tmpPath}/history.runs`;
    await page.contents.uploadFile(FIXTURE, notebook);
  });

  test('a detail and a comparison come back after a reload', async ({
    page
  }) => {
    const ids = await writeRuns(page.request, folder, notebook, 3);
    await openNotebook(page, notebook);
    const sidebar = page.locator('#jp-runs-panel');
    await expectSidebarRuns(sidebar, 3);
    const row = (id: string) =>
      sidebar.locator(`.jp-RunsPanel-run[data-run-id="${id}"]`);

    await openDetailFromMenu(page, row(ids[0]));
    await expect(detailRunId(page)).toContainText(ids[0]);

    for (const [i, id] of [ids[1], ids[2]].entries()) {
      await row(id)
        .locator('.jp-RunsTable-name')
        .click({ modifiers: i ? ['ControlOrMeta'] : [] });
    }
    await page.getByRole('button', { name: 'Compare 2' }).click();
    const compare = page.getByRole('region', { name: 'Compare runs' });
    await expect(compare.locator('.jp-RunsCompare-run')).toHaveCount(2);
    const before = {
      detail: await viewIds(page, 'detail'),
      compare: await viewIds(page, 'compare')
    };
    expect(before.detail).toHaveLength(1);
    expect(before.compare).toHaveLength(1);

    // JupyterLab saves the layout a moment after it changes; a reload before
    // that starts from the layout before the comparison.
    await expect
      .poll(() =>
        page.evaluate(async () =>
          JSON.stringify(
            await window.jupyterapp.serviceManager.workspaces.fetch('default')
          )
        )
      )
      .toContain(before.compare[0]);
    await reloadWith(page, notebook);

    // Same tabs (same stable ids), showing the same runs.
    await expect.poll(() => viewIds(page, 'detail')).toEqual(before.detail);
    await expect.poll(() => viewIds(page, 'compare')).toEqual(before.compare);
    await page.evaluate(
      id => window.jupyterapp.shell.activateById(id),
      before.compare[0]
    );
    const restored = page.getByRole('region', { name: 'Compare runs' });
    await expect(restored.locator('.jp-RunsCompare-run')).toHaveCount(2);
    expect(
      (
        await restored
          .locator('.jp-RunsCompare-run')
          .evaluateAll(nodes =>
            nodes.map(n => (n as HTMLElement).dataset.runId)
          )
      ).sort()
    ).toEqual([ids[1], ids[2]].sort());
    await page.evaluate(
      id => window.jupyterapp.shell.activateById(id),
      before.detail[0]
    );
    await expect(detailRunId(page)).toContainText(ids[0]);
  });

  test('opening the detail of a run twice gives one tab, focused', async ({
    page
  }) => {
    const ids = await writeRuns(page.request, folder, notebook, 2);
    await openNotebook(page, notebook);
    const sidebar = page.locator('#jp-runs-panel');
    await expectSidebarRuns(sidebar, 2);
    const row = sidebar.locator(`.jp-RunsPanel-run[data-run-id="${ids[1]}"]`);

    await openDetailFromMenu(page, row);
    await expect(detailRunId(page)).toContainText(ids[1]);
    // Put the notebook in front, then ask for the same detail again.
    await page.evaluate(path => {
      const app = window.jupyterapp;
      const panel = [...app.shell.widgets('main')].find(
        w =>
          (w as unknown as { context?: { path: string } }).context?.path ===
          path
      );
      app.shell.activateById(panel!.id);
    }, notebook);
    await openDetailFromMenu(page, row);

    expect(await viewIds(page, 'detail')).toHaveLength(1);
    await expect(page.getByRole('region', { name: 'Run details' })).toHaveCount(
      1
    );
    await expect(detailRunId(page)).toBeVisible();
    expect(
      await page.evaluate(() => window.jupyterapp.shell.currentWidget?.id)
    ).toBe((await viewIds(page, 'detail'))[0]);
  });

  test('"Open Run Details" on a runs-folder row opens that folder’s run', async ({
    page,
    tmpPath
  }) => {
    // The sidebar lists history.ipynb; another notebook's folder holds
    // runs with other ids (writer 1), so a lookup in the wrong folder fails.
    await writeRuns(page.request, folder, notebook, 2);
    const other = `${tmpPath}/elsewhere.ipynb`;
    const otherFolder = `${tmpPath}/elsewhere.runs`;
    await putFile(page.request, otherFolder, null);
    const otherIds = [runId(0, 1), runId(1, 1)];
    for (const [i, id] of otherIds.entries()) {
      await putFile(
        page.request,
        `${otherFolder}/${id}.json`,
        runFile(id, other, i + 5)
      );
    }
    await openNotebook(page, notebook);
    await expectSidebarRuns(page.locator('#jp-runs-panel'), 2);

    await page.evaluate(
      notebookPath =>
        window.jupyterapp.commands.execute('jupyterlab-runs:open-runs-folder', {
          notebookPath
        }),
      other
    );
    const view = page.getByRole('region', { name: `Runs in ${otherFolder}` });
    const row = view.locator(`.jp-RunsPanel-run[data-run-id="${otherIds[1]}"]`);
    await expect(row).toBeVisible();

    await openDetailFromMenu(page, row);
    const detail = page.getByRole('region', { name: 'Run details' });
    await expect(detailRunId(page)).toContainText(otherIds[1]);
    await expect(detail).toContainText('lr = 6');
    await expect(detail).not.toContainText('could not be read');
  });
});
