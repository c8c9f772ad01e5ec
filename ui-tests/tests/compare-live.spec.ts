/**
 * Compare view against a real kernel: a running run's learning curve grows
 * while its cell executes, and the restore commands (insert a run's code,
 * open a run as a notebook, set the parameters cell back) work from the UI.
 */
import { expect, test, type IJupyterLabPageFixture } from './fixtures';
import * as path from 'path';
import { waitForRuns } from './helpers';

const NOTEBOOK = 'compare-live.ipynb';
// Cells: 0 markdown, 1 parameters, 2 setup, 3 experiment:train.
const PARAMS = 1;
const SETUP = 2;
const TRAIN = 3;

// Galata's kernel mock is not wanted: a real ipykernel logs the metrics.
test.use({ kernels: null, viewport: { width: 1600, height: 1000 } });

function sidebarRows(page: IJupyterLabPageFixture) {
  return page
    .getByRole('region', { name: 'Experiment Runs' })
    .locator('[role="row"].jp-RunsPanel-run');
}

/**
 * The source of a cell of the current notebook, from its model. (Galata's
 * getCellTextInput goes through edit mode and the clipboard, 2–3 s a read,
 * too slow to poll.)
 */
function cellSource(page: IJupyterLabPageFixture, index: number) {
  return page.evaluate(i => {
    const panel = window.jupyterapp.shell.currentWidget as unknown as {
      content: {
        widgets: { model: { sharedModel: { getSource(): string } } }[];
      };
    };
    return panel.content.widgets[i].model.sharedModel.getSource();
  }, index);
}

/** Record one finished run with `steps` steps and learning rate `lr`. */
async function recordRun(
  page: IJupyterLabPageFixture,
  folder: string,
  count: number,
  steps: number,
  lr: number
) {
  await page.notebook.setCell(PARAMS, 'code', `steps = ${steps}\nlr = ${lr}`);
  await page.notebook.runCell(PARAMS);
  await page.notebook.runCell(TRAIN);
  await expect
    .poll(async () => (await waitForRuns(page, folder, count)).length, {
      timeout: 30_000
    })
    .toBe(count);
}

test.describe('Compare runs while they run, and restore them', () => {
  test.beforeEach(async ({ page, tmpPath }) => {
    await page.contents.uploadFile(
      path.resolve(__dirname, '../notebooks', NOTEBOOK),
      `${tmpPath}/${NOTEBOOK}`
    );
    await page.notebook.openByPath(`${tmpPath}/${NOTEBOOK}`);
    await page.notebook.activate(NOTEBOOK);
    await page.sidebar.openTab('jp-runs-panel');
    await page.notebook.runCell(SETUP);
  });

  test('a running run’s curve extends live in the compare view', async ({
    page,
    tmpPath
  }) => {
    const folder = `${tmpPath}/compare-live.runs`;
    const rows = sidebarRows(page);
    await recordRun(page, folder, 1, 5, 0.5);
    await expect(rows.first()).toHaveAttribute('data-status', 'ok');

    // A long run: 400 steps, 50 ms apart. Not awaited.
    await page.notebook.setCell(PARAMS, 'code', 'steps = 400\nlr = 0.1');
    await page.notebook.runCell(PARAMS);
    await page.notebook.selectCells(TRAIN);
    const done = page.notebook.runCell(TRAIN);
    const running = page
      .getByRole('region', { name: 'Experiment Runs' })
      .locator('.jp-RunsPanel-run[data-status="running"]');
    await expect(running).toHaveCount(1, { timeout: 30_000 });
    const runningId = (await running.getAttribute('data-run-id'))!;

    // Compare the finished run and the running one.
    await rows.nth(0).locator('.jp-RunsTable-name').click();
    await rows
      .nth(1)
      .locator('.jp-RunsTable-name')
      .click({ modifiers: ['ControlOrMeta'] });
    await page.getByRole('button', { name: 'Compare 2' }).click();
    const compare = page.getByRole('region', { name: 'Compare runs' });
    await expect(compare).toBeVisible();
    await page.getByRole('tab', { name: 'Learning curves' }).click();
    const fig = compare.locator('figure[data-chart="learning-curves"]');
    await expect(fig).toHaveAttribute('data-state', 'ready', {
      timeout: 30_000
    });

    // The chart is redrawn with more rows as points arrive.
    const drawn = async () =>
      Number((await fig.getAttribute('data-rows')) ?? 0);
    const first = await drawn();
    await expect.poll(drawn, { timeout: 30_000 }).toBeGreaterThan(first + 3);
    await expect(running).toHaveCount(1);

    // The drawn data is the running run's: steps past the finished run's 4.
    const download = page.waitForEvent('download');
    await fig.getByRole('button', { name: 'CSV' }).click();
    const csv = await (
      await (await download).createReadStream()
    )
      .toArray()
      .then(chunks => Buffer.concat(chunks).toString('utf-8'));
    const header = csv.split(/\r?\n/)[0].split(',');
    const stepAt = header.indexOf('step');
    const steps = csv
      .split(/\r?\n/)
      .slice(1)
      .filter(Boolean)
      .map(line => Number(line.split(',')[stepAt]));
    expect(Math.max(...steps)).toBeGreaterThan(4);

    // Once finished, the stored series (all 400 steps) replaces the live one.
    await expect(
      page
        .getByRole('region', { name: 'Experiment Runs' })
        .locator(`.jp-RunsPanel-run[data-run-id="${runningId}"]`)
    ).toHaveAttribute('data-status', 'ok', { timeout: 60_000 });
    await expect.poll(drawn, { timeout: 30_000 }).toBeGreaterThan(100);
    // runCell waits for the notebook's kernel status, shown when it is active.
    await page.notebook.activate(NOTEBOOK);
    await done;
  });

  test('restore commands: insert code, open as notebook, reset parameters', async ({
    page,
    tmpPath
  }) => {
    const folder = `${tmpPath}/compare-live.runs`;
    const rows = sidebarRows(page);
    await recordRun(page, folder, 1, 3, 0.25);
    await page.notebook.setCell(PARAMS, 'code', 'steps = 2\nlr = 0.9');
    const cellsBefore = await page.notebook.getCellCount();

    // Open the run's detail from its row (double-click).
    await rows.first().locator('.jp-RunsTable-name').dblclick();
    const detail = page.getByRole('region', { name: 'Run details' });
    await expect(detail).toBeVisible();
    const actions = detail.getByRole('toolbar', { name: 'Run actions' });
    // The code is shown read-only, and says so to screen readers.
    const code = detail.locator('section[data-section="code"] .cm-content');
    await expect(code).toHaveAttribute('aria-readonly', 'true');
    await expect(code).toHaveAccessibleName('Run code (read-only)');

    // 1. Set the parameters cell back to the run's values.
    await actions.getByRole('button', { name: 'Restore Parameters' }).click();
    await page.notebook.activate(NOTEBOOK);
    await expect
      .poll(async () => cellSource(page, PARAMS), { timeout: 15_000 })
      .toMatch(/steps = 3[\s\S]*lr = 0\.25/);

    // 2. Insert the run's code as a new cell below the active one.
    await rows.first().locator('.jp-RunsTable-name').dblclick();
    await expect(detail).toBeVisible();
    await page.notebook.activate(NOTEBOOK);
    await page.notebook.selectCells(SETUP);
    await rows.first().locator('.jp-RunsTable-name').dblclick();
    await detail
      .getByRole('toolbar', { name: 'Run actions' })
      .getByRole('button', { name: 'Insert Code as New Cell' })
      .click();
    await page.notebook.activate(NOTEBOOK);
    await expect
      .poll(async () => page.notebook.getCellCount())
      .toBe(cellsBefore + 1);
    expect(await page.notebook.getCellTextInput(SETUP + 1)).toContain(
      "runs.log_metric('loss'"
    );

    // 3. Open the run as a new notebook, from the row's context menu.
    await rows.first().click({ button: 'right' });
    await page
      .getByRole('menuitem', { name: /Open Run as New Notebook/ })
      .click();
    const rebuilt = page.locator(
      '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook'
    );
    await expect(rebuilt.locator('.jp-MarkdownCell').first()).toContainText(
      'Rebuilt from run',
      { timeout: 30_000 }
    );
    const sources = async () =>
      (
        await rebuilt.locator('.jp-CodeCell .cm-content').allTextContents()
      ).join('\n');
    // Cells render as they scroll in: wait for the last one, the run's code.
    await expect
      .poll(sources, { timeout: 30_000 })
      .toContain("runs.log_metric('loss'");
    const text = await sources();
    expect(text).toMatch(/steps = 3\s*lr = 0\.25/);
    expect(text).toContain('import jupyterlab_runs as runs');
    // The parameters cell ran in the lineage: kept there, not added twice.
    expect(text.match(/steps = 3/g)).toHaveLength(1);
  });
});
