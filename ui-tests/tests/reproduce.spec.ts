/**
 * Reproduce Run with a real kernel (ui-tests/notebooks/sweep.ipynb): Run
 * All, reproduce the run → a new run file linked to it (`reproducedFrom`),
 * "reproduced exactly". Then the stale run — `seed` changed to 5 in the
 * parameters cell and that cell run, but the data cell not re-run, so the
 * experiment trained on data split with seed 1 — reproduces as "differs",
 * naming the metric: the rebuilt notebook runs top to bottom with seed 5.
 * Each reproduction runs in a kernel of its own, shut down at the end.
 */
import { expect, test, type IJupyterLabPageFixture } from './fixtures';
import * as path from 'path';
import { kernelIdle, runCell } from './drillHelpers';
import { readRuns, reproduce, type IRunFile } from './helpers';
import { openNotebook } from './historyHelpers';

interface IReproducedRun extends IRunFile {
  reproducedFrom?: string;
  params?: Record<string, unknown>;
  reproduction?: {
    of: string;
    verdict: 'exact' | 'tolerance' | 'differs';
    differences: {
      metrics: { name: string; original: unknown; reproduced: unknown }[];
    };
  };
}

test.use({ kernels: null });

/** Kernels running on the server now. */
async function kernelCount(page: IJupyterLabPageFixture): Promise<number> {
  const response = await page.request.get('/api/kernels');
  return ((await response.json()) as unknown[]).length;
}

test('Reproduce Run: exact after Run All, differs for the stale run', async ({
  page,
  tmpPath
}) => {
  const nb = `${tmpPath}/sweep.ipynb`;
  const folder = `${tmpPath}/sweep.runs`;
  await page.contents.uploadFile(
    path.resolve(__dirname, '../notebooks/sweep.ipynb'),
    nb
  );
  await openNotebook(page, nb);
  await kernelIdle(page);
  await page.menu.clickMenuItem('Run>Run All Cells');
  await expect
    .poll(async () => (await readRuns(page, folder)).length, {
      timeout: 60_000
    })
    .toBe(1);
  await kernelIdle(page);
  const kernelsBefore = await kernelCount(page);
  const [first] = (await readRuns(page, folder)) as IReproducedRun[];

  // 1. Reproduce the Run All run: exact.
  await reproduce(page, nb, first.id);
  await expect(
    page.getByRole('alert').filter({ hasText: 'reproduced exactly' })
  ).toContainText('reproduced exactly', { timeout: 120_000 });
  // The notification comes as the run is handed to the store; its file a
  // moment later.
  let runs: IReproducedRun[] = [];
  await expect
    .poll(async () => {
      runs = (await readRuns(page, folder)) as IReproducedRun[];
      return runs.some(r => r.reproducedFrom === first.id);
    })
    .toBe(true);
  const exact = runs.find(r => r.reproducedFrom === first.id)!;
  expect(exact.id).not.toBe(first.id);
  expect(exact.status).toBe('ok');
  expect(exact.params).toEqual(first.params);
  expect(exact.reproduction).toMatchObject({ of: first.id, verdict: 'exact' });
  // The reproduction's kernel was shut down.
  await expect.poll(() => kernelCount(page)).toBe(kernelsBefore);

  // The detail of the original lists its reproduction.
  await page.evaluate(
    ({ nb, runId }) =>
      window.jupyterapp.commands.execute('jupyterlab-runs:open-run', {
        notebookPath: nb,
        runId
      }),
    { nb, runId: first.id }
  );
  const section = page.locator(
    '.jp-RunDetail-section[data-section="reproduction"]'
  );
  await expect(section).toBeVisible();
  await expect(section.locator('[data-verdict="exact"]')).toBeVisible();
  await page.evaluate(() => window.jupyterapp.shell.currentWidget?.close());

  // 2. The stale run: seed = 5 in the parameters cell, the data cell not re-run.
  await page.evaluate(() => {
    const panel = window.jupyterapp.shell.currentWidget as unknown as {
      content: {
        model: {
          cells: {
            get(i: number): { sharedModel: { setSource(s: string): void } };
          };
        };
      };
    };
    panel.content.model.cells
      .get(1)
      .sharedModel.setSource(
        "lr = 0.1\nseed = 5\ndata_path = 'sweep-data.csv'"
      );
  });
  await runCell(page, 1);
  await runCell(page, 4);
  await expect
    .poll(async () => (await readRuns(page, folder)).length, {
      timeout: 60_000
    })
    .toBe(3);
  await kernelIdle(page);
  runs = (await readRuns(page, folder)) as IReproducedRun[];
  const stale = runs.find(r => !r.reproducedFrom && r.id !== first.id)!;
  expect(stale.params).toMatchObject({ seed: 5 });

  await reproduce(page, nb, stale.id);
  await expect(
    page.getByRole('alert').filter({ hasText: 'differs' })
  ).toContainText('differs', { timeout: 120_000 });
  await expect(
    page.getByRole('alert').filter({ hasText: 'differs' })
  ).toContainText('acc');
  await expect
    .poll(async () => {
      runs = (await readRuns(page, folder)) as IReproducedRun[];
      return runs.some(r => r.reproducedFrom === stale.id);
    })
    .toBe(true);
  const differs = runs.find(r => r.reproducedFrom === stale.id)!;
  expect(differs.reproduction?.verdict).toBe('differs');
  expect(differs.reproduction?.differences.metrics.map(m => m.name)).toEqual([
    'acc'
  ]);
  await expect.poll(() => kernelCount(page)).toBe(kernelsBefore);

  // The reproduction's detail shows the verdict and the metric.
  await page.evaluate(
    ({ nb, runId }) =>
      window.jupyterapp.commands.execute('jupyterlab-runs:open-run', {
        notebookPath: nb,
        runId
      }),
    { nb, runId: differs.id }
  );
  const verdict = page.locator(
    '.jp-RunDetail-section[data-section="reproduction"]'
  );
  await expect(verdict.locator('[data-verdict="differs"]')).toBeVisible();
  await expect(
    verdict.getByRole('table', { name: 'Metrics that differ' })
  ).toContainText('acc');
});
