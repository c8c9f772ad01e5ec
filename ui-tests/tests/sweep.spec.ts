/**
 * An ordinary interactive sweep, as a user runs one: edit the `parameters`
 * cell, Run All, six times. Every run's lineage is the cells it depends on
 * (the same for run 1 and run 6, clean), its params are the parameters
 * cell's literals plus the experiment cell's own (never a computed result),
 * and a data file named by a variable of the parameters cell is an input.
 */
import { expect, test } from '@jupyterlab/galata';
import * as path from 'path';
import { kernelIdle } from './drillHelpers';
import { readRuns, type IRunFile } from './helpers';
import { openNotebook } from './historyHelpers';

interface ISweepRun extends IRunFile {
  params: Record<string, unknown>;
  lineage: {
    scope: string;
    entries: { cellId: string | null; state: string }[];
  };
  provenance: { state: string; issues: unknown[] };
  datasets?: { path: string; sha256: string | null }[];
}

test.use({ kernels: null });

test('a six-run sweep: lineage is the dependency slice, params are parameters', async ({
  page,
  tmpPath
}) => {
  await page.contents.uploadFile(
    path.resolve(__dirname, '../notebooks/sweep.ipynb'),
    `${tmpPath}/sweep.ipynb`
  );
  await openNotebook(page, `${tmpPath}/sweep.ipynb`);
  await kernelIdle(page);
  const rates = [0.1, 0.2, 0.3, 0.5, 0.8, 1.3];
  for (const [i, lr] of rates.entries()) {
    // Edit the parameters cell as a user does, then Run All.
    await page.evaluate(lr => {
      const panel = window.jupyterapp.shell.currentWidget as unknown as {
        content: {
          model: {
            cells: {
              get(i: number): {
                sharedModel: { setSource(s: string): void };
              };
            };
          };
        };
      };
      panel.content.model.cells
        .get(1)
        .sharedModel.setSource(
          `lr = ${lr}\nseed = 1\ndata_path = 'sweep-data.csv'`
        );
    }, lr);
    await page.menu.clickMenuItem('Run>Run All Cells');
    await expect
      .poll(
        async () =>
          (await readRuns(page, `${tmpPath}/sweep.runs`)).filter(
            r => r.status === 'ok'
          ).length,
        { timeout: 60_000 }
      )
      .toBe(i + 1);
    await kernelIdle(page);
  }
  const runs = (await readRuns(page, `${tmpPath}/sweep.runs`)) as ISweepRun[];
  expect(runs).toHaveLength(6);
  for (const [i, run] of runs.entries()) {
    expect(run.lineage.entries.map(e => e.cellId)).toEqual(['params', 'data']);
    expect(run.lineage.scope).toBe('slice');
    expect(run.provenance).toEqual({ state: 'clean', issues: [] });
    expect(run.params).toEqual({
      lr: rates[i],
      seed: 1,
      data_path: 'sweep-data.csv',
      batch: 16
    });
    // The file the data cell wrote and the experiment read, through a
    // variable of the parameters cell.
    expect(run.datasets?.map(d => d.path)).toContain('sweep-data.csv');
  }
});
