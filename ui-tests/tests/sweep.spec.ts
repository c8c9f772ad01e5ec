/**
 * An ordinary interactive sweep, as a user runs one: edit the `parameters`
 * cell, Run All, six times. Every run's lineage is the cells it depends on
 * (the same for run 1 and run 6, clean), its params are the parameters
 * cell's literals plus the experiment cell's own (never a computed result),
 * and a data file named by a variable of the parameters cell is an input.
 * Reproduce Run on each gives "reproduced exactly". A failed experiment
 * cell carries no value from an earlier execution.
 */
import { expect, test } from './fixtures';
import { kernelIdle, openSweep } from './drillHelpers';
import { editCell, readRuns, reproduce, type IRunFile } from './helpers';

interface ISweepRun extends IRunFile {
  params: Record<string, unknown>;
  lineage: {
    scope: string;
    entries: { cellId: string | null; state: string }[];
  };
  provenance: { state: string; issues: unknown[] };
  datasets?: { path: string; sha256: string | null }[];
  reproducedFrom?: string;
  reproduction?: { of: string; verdict: string };
}

test.use({ kernels: null });

test('a six-run sweep: lineage is the dependency slice, params are parameters', async ({
  page,
  tmpPath
}) => {
  test.setTimeout(300_000);
  await openSweep(page, tmpPath);
  const rates = [0.1, 0.2, 0.3, 0.5, 0.8, 1.3];
  for (const [i, lr] of rates.entries()) {
    // Edit the parameters cell as a user does, then Run All.
    await editCell(
      page,
      1,
      `lr = ${lr}\nseed = 1\ndata_path = 'sweep-data.csv'`
    );
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

  // Reproduce Run on each, one after another: each exactly.
  for (const [i, run] of runs.entries()) {
    await reproduce(page, `${tmpPath}/sweep.ipynb`, run.id);
    await expect
      .poll(
        async () =>
          (await readRuns(page, `${tmpPath}/sweep.runs`)).filter(
            r => (r as ISweepRun).reproducedFrom
          ).length,
        { timeout: 90_000 }
      )
      .toBe(i + 1);
  }
  const reproductions = (
    (await readRuns(page, `${tmpPath}/sweep.runs`)) as ISweepRun[]
  ).filter(r => r.reproducedFrom);
  expect(reproductions.map(r => r.reproducedFrom).sort()).toEqual(
    runs.map(r => r.id).sort()
  );
  for (const r of reproductions) {
    expect(r.reproduction?.verdict).toBe('exact');
    expect(r.provenance.state).toBe('clean');
  }
});

test('a failed experiment cell carries no value from an earlier execution', async ({
  page,
  tmpPath
}) => {
  await openSweep(page, tmpPath);
  await page.menu.clickMenuItem('Run>Run All Cells');
  await expect
    .poll(async () => (await readRuns(page, `${tmpPath}/sweep.runs`)).length, {
      timeout: 60_000
    })
    .toBe(1);
  await kernelIdle(page);
  // The next try diverges: it fails before computing acc (the namespace
  // still holds the first run's acc, w and p).
  await editCell(
    page,
    4,
    "batch = 32\ndata = np.loadtxt(data_path, delimiter=',')\nraise FloatingPointError('diverged')"
  );
  await page.evaluate(() => {
    const panel = window.jupyterapp.shell.currentWidget as unknown as {
      content: { activeCellIndex: number };
    };
    panel.content.activeCellIndex = 4;
    return window.jupyterapp.commands.execute('notebook:run-cell');
  });
  await expect
    .poll(
      async () =>
        (await readRuns(page, `${tmpPath}/sweep.runs`)).map(r => r.status),
      { timeout: 60_000 }
    )
    .toEqual(['ok', 'error']);
  const [ok, failed] = (await readRuns(
    page,
    `${tmpPath}/sweep.runs`
  )) as (ISweepRun & { metrics?: Record<string, unknown> })[];
  expect(ok.params).toEqual({
    lr: 0.1,
    seed: 1,
    data_path: 'sweep-data.csv',
    batch: 16
  });
  // The literals of the code that ran; nothing read from the namespace.
  expect(failed.params).toEqual({
    lr: 0.1,
    seed: 1,
    data_path: 'sweep-data.csv',
    batch: 32
  });
  expect(failed.metrics ?? {}).toEqual({});
});
