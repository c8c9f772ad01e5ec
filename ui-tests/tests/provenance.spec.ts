/**
 * Provenance on the dependency slice, with a real kernel
 * (ui-tests/notebooks/sweep.ipynb; cells: 0 intro, 1 parameters, 2 data,
 * 3 unrelated, 4 experiment:logreg):
 *
 * - "edit the parameters, Run All" twice: both runs clean;
 * - `seed` changed in the parameters cell and only the experiment cell run:
 *   the run is stale, and the flag names `seed` and the data cell, in the
 *   run file, the runs table and the run's detail;
 * - the path assigned in the parameters cell is an input; the file the
 *   experiment cell writes (`weights.npy`) is an output, not an input;
 * - a hand sweep queued in one go (edit, queue the parameters cell and the
 *   experiment, three times): every run clean, with its own parameters.
 */
import { expect, test, type IJupyterLabPageFixture } from './fixtures';
import { kernelIdle, openSweep, startCell } from './drillHelpers';
import { editCell, readRuns, type IRunFile } from './helpers';
import { openNotebook, putFile } from './historyHelpers';
import { codeCell, notebookJson } from './notebooks';

const TRAIN = 4;

interface IProvenanceRun extends IRunFile {
  lineage: {
    scope: string;
    entries: { cellId: string | null; provides?: string[] }[];
    historyCount: number;
  };
  provenance: { state: string; issues: Record<string, unknown>[] };
  datasets?: { path: string; sha256: string | null }[];
  outputFiles?: { path: string; sha256: string | null; size: number }[];
}

test.use({ kernels: null, viewport: { width: 1600, height: 1000 } });

async function finishedRuns(
  page: IJupyterLabPageFixture,
  folder: string,
  count: number
): Promise<IProvenanceRun[]> {
  await expect
    .poll(
      async () =>
        (await readRuns(page, folder)).filter(r => r.status === 'ok').length,
      { timeout: 60_000 }
    )
    .toBe(count);
  await kernelIdle(page);
  return (await readRuns(page, folder)) as IProvenanceRun[];
}

test('a sweep is clean, a stale seed is named, outputs are not inputs', async ({
  page,
  tmpPath
}) => {
  const folder = await openSweep(page, tmpPath);

  // 1. Edit the parameters, Run All; twice.
  for (const [i, lr] of [0.1, 0.2].entries()) {
    await editCell(
      page,
      1,
      `lr = ${lr}\nseed = 1\ndata_path = 'sweep-data.csv'`
    );
    await page.menu.clickMenuItem('Run>Run All Cells');
    await finishedRuns(page, folder, i + 1);
  }
  const sweep = await readRuns(page, folder);
  for (const run of sweep as IProvenanceRun[]) {
    expect(run.provenance).toEqual({ state: 'clean', issues: [] });
    expect(run.lineage.scope).toBe('slice');
    expect(run.lineage.entries.map(e => e.cellId)).toEqual(['params', 'data']);
    expect(typeof run.lineage.historyCount).toBe('number');
    // 3. The data file named by a variable of the parameters cell is an
    // input; the file the cell writes is an output, and only that.
    expect(run.datasets?.map(d => d.path)).toContain('sweep-data.csv');
    expect(run.datasets?.map(d => d.path)).not.toContain('weights.npy');
    expect(run.outputFiles?.map(f => f.path)).toEqual(['weights.npy']);
    expect(run.outputFiles?.[0].sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(run.outputFiles?.[0].size).toBeGreaterThan(0);
  }

  // 2. seed = 5 in the parameters cell, then only the experiment cell.
  await editCell(page, 1, "lr = 0.2\nseed = 5\ndata_path = 'sweep-data.csv'");
  await page.notebook.runCell(TRAIN);
  const runs = await finishedRuns(page, folder, 3);
  const stale = runs[2];
  expect(stale.provenance.state).toBe('stale');
  expect(stale.provenance.issues[0]).toMatchObject({
    kind: 'stale-param',
    name: 'seed',
    used: '1',
    now: '5',
    cell: { cellId: 'params' },
    usedBy: [{ cellId: 'data' }]
  });

  // The runs table shows it, with an accessible label (in its wide layout:
  // a narrow sidebar shows only the name, the status and pinned columns).
  await page.sidebar.openTab('jp-runs-panel');
  await page.sidebar.setWidth(700, 'right');
  const row = page
    .getByRole('region', { name: 'Experiment Runs' })
    .locator(`.jp-RunsPanel-run[data-run-id="${stale.id}"]`);
  const cell = row.locator('.jp-RunsTable-provenance');
  await expect(cell).toContainText('stale');
  await expect(cell.getByRole('img')).toHaveAttribute('aria-label', /^Stale/);
  await expect(
    page
      .getByRole('region', { name: 'Experiment Runs' })
      .locator(`.jp-RunsPanel-run[data-run-id="${runs[0].id}"]`)
      .locator('.jp-RunsTable-provenance')
  ).toContainText('clean');

  // The detail names the variable and the data cell.
  await row.locator('.jp-RunsTable-name').dblclick();
  const detail = page.getByRole('region', { name: 'Run details' });
  const issue = detail.locator(
    'section[data-section="provenance"] li[data-kind="stale-param"]'
  );
  await expect(issue).toContainText('`seed` is 5 in the parameters cell');
  await expect(issue).toContainText('used `seed = 1`');
  await expect(issue).toContainText('cell 3 (In [');
  await expect(issue).toContainText('import numpy as np');
  await expect(
    detail.locator('section[data-section="files-written"]')
  ).toContainText('weights.npy');
});

test('a hand sweep queued in one go: every run clean, with the parameters it ran with', async ({
  page,
  tmpPath
}) => {
  const folder = await openSweep(page, tmpPath);
  await page.menu.clickMenuItem('Run>Run All Cells');
  await finishedRuns(page, folder, 1);
  // The user edits lr and queues the parameters cell and the experiment,
  // three times, without waiting: each edit lands before the runs queued
  // ahead of it have even started.
  for (const lr of [0.3, 0.4, 0.5]) {
    await editCell(
      page,
      1,
      `lr = ${lr}\nseed = 1\ndata_path = 'sweep-data.csv'`
    );
    await startCell(page, 1);
    await startCell(page, TRAIN);
  }
  const runs = await finishedRuns(page, folder, 4);
  expect(runs.map(r => r.params?.lr)).toEqual([0.1, 0.3, 0.4, 0.5]);
  // Each ran with the values its parameters cell execution had: that the
  // cell says lr = 0.5 now is the sweep moving on, not a stale run.
  for (const run of runs) {
    expect(run.provenance).toEqual({ state: 'clean', issues: [] });
  }
});

test('an interactive sweep whose experiment cell seeds its generators: every run clean', async ({
  page,
  tmpPath
}) => {
  // A new user's notebook: imports once, then the parameters cell edited
  // and run with the experiment cell (Shift+Enter on each), the imports
  // not run again. The experiment seeds `random` and NumPy itself; every
  // run but the first was reported stale, "self-dependent" on them.
  const notebook = `${tmpPath}/seeded.ipynb`;
  const folder = `${tmpPath}/seeded.runs`;
  await putFile(
    page.request,
    notebook,
    notebookJson([
      codeCell('params', 'lr = 0.1\nseed = 1', ['parameters']),
      codeCell(
        'imports',
        'import random\nimport numpy as np\nimport jupyterlab_runs as runs'
      ),
      codeCell(
        'train',
        [
          'random.seed(seed)',
          'np.random.seed(seed)',
          'loss = lr * sum(random.random() for _ in range(10)) + np.random.rand()',
          "runs.log_metric('loss', loss)"
        ].join('\n'),
        ['experiment:seeded']
      )
    ])
  );
  await openNotebook(page, notebook);
  await kernelIdle(page);
  await page.menu.clickMenuItem('Run>Run All Cells');
  await finishedRuns(page, folder, 1);
  for (const [i, seed] of [2, 3, 4].entries()) {
    await editCell(page, 0, `lr = 0.${i + 2}\nseed = ${seed}`);
    await page.notebook.runCell(0);
    await page.notebook.runCell(2);
    await finishedRuns(page, folder, i + 2);
  }
  const runs = await finishedRuns(page, folder, 4);
  for (const run of runs) {
    expect(run.provenance).toEqual({ state: 'clean', issues: [] });
    expect(run.lineage.entries.map(e => e.cellId).sort()).toEqual([
      'imports',
      'params'
    ]);
  }
  expect(runs.map(r => r.params?.seed)).toEqual([1, 2, 3, 4]);

  // The table says so for each run.
  await page.sidebar.openTab('jp-runs-panel');
  await page.sidebar.setWidth(700, 'right');
  const table = page.getByRole('region', { name: 'Experiment Runs' });
  await expect(table.locator('.jp-RunsPanel-run[data-run-id]')).toHaveCount(4);
  await expect(table.locator('.jp-RunsTable-provenance')).toHaveText(
    Array(4).fill(/clean/)
  );
});

test('a cell tagged experiment after the others ran: its runs read those cells, clean', async ({
  page,
  tmpPath
}) => {
  // A new user explores first: imports, data and parameters run, the
  // training cell run untagged; then they decide it is an experiment, tag
  // it and run it again. The kernel side was set up only at that tag:
  // every name the run read was defined before it, and each run of the
  // session fell back to the whole session as its lineage (provenance
  // unknown; a rebuilt notebook held every cell ever run).
  const notebook = `${tmpPath}/later.ipynb`;
  const folder = `${tmpPath}/later.runs`;
  await putFile(
    page.request,
    notebook,
    notebookJson([
      codeCell('imports', 'import statistics'),
      codeCell('data', 'data = [1.0, 2.0, 3.0]'),
      codeCell('params', 'lr = 0.5'),
      codeCell('look', 'print(len(data))'),
      codeCell('train', 'score = statistics.mean(data) * lr\nprint(score)')
    ])
  );
  await openNotebook(page, notebook);
  await kernelIdle(page);
  await page.menu.clickMenuItem('Run>Run All Cells');
  await kernelIdle(page);
  await page.notebook.selectCells(4);
  await page.evaluate(() =>
    window.jupyterapp.commands.execute('jupyterlab-runs:toggle-experiment-tag')
  );
  await expect((await page.notebook.getCellLocator(4))!).toHaveClass(
    /jp-runs-experimentCell/
  );
  await page.notebook.runCell(4);
  await editCell(page, 2, 'lr = 0.25');
  await page.notebook.runCell(2);
  await page.notebook.runCell(4);
  const runs = await finishedRuns(page, folder, 2);
  runs.sort((a, b) => a.id.localeCompare(b.id));
  for (const run of runs) {
    expect(run.lineage.scope).toBe('slice');
    expect(run.lineage.entries.map(e => e.cellId)).toEqual([
      'imports',
      'data',
      'params'
    ]);
    expect(run.provenance).toEqual({ state: 'clean', issues: [] });
  }
  // Each read the lr of its own time.
  expect(runs.map(r => r.outputs?.[0])).toEqual([
    expect.objectContaining({ text: '1.0\n' }),
    expect.objectContaining({ text: '0.5\n' })
  ]);
});
