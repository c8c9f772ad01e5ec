/**
 * Benchmark: a 50-run interactive sweep (ui-tests/notebooks/sweep.ipynb) as
 * a user runs one: edit the `parameters` cell, Run All, 50 times. Prints the
 * run file's size at run 1 and run 50 (the lineage is the run's dependency
 * slice, so it must not grow with the session), the session's execution
 * count at run 50, and the share of runs that Reproduce Run reproduces
 * exactly (each in a fresh kernel). Asserts nothing but that the runs were
 * recorded. Run with `bash benchmarks/sweep.sh` (SWEEP_RUNS to change 50).
 */
import { expect, test, type IJupyterLabPageFixture } from '@jupyterlab/galata';
import * as os from 'os';
import * as path from 'path';
import { readRuns, readText, reproduce, type IRunFile } from '../tests/helpers';
import { kernelIdle } from '../tests/drillHelpers';
import { openNotebook } from '../tests/historyHelpers';

const RUNS = Number(process.env.SWEEP_RUNS ?? '50');

interface ISweepRun extends IRunFile {
  lineage?: { scope?: string; entries: unknown[]; historyCount?: number };
  reproducedFrom?: string;
  reproduction?: { verdict: string };
}

test.use({ kernels: null });

async function setParameters(page: IJupyterLabPageFixture, source: string) {
  await page.evaluate(source => {
    const panel = window.jupyterapp.shell.currentWidget as unknown as {
      content: {
        model: {
          cells: {
            get(i: number): { sharedModel: { setSource(s: string): void } };
          };
        };
      };
    };
    panel.content.model.cells.get(1).sharedModel.setSource(source);
  }, source);
}

async function recorded(page: IJupyterLabPageFixture, folder: string) {
  return (await readRuns(page, folder)) as ISweepRun[];
}

test(`a ${RUNS}-run sweep: run file size and reproductions`, async ({
  page,
  tmpPath
}) => {
  test.setTimeout(RUNS * 30_000 + 120_000);
  const nb = `${tmpPath}/sweep.ipynb`;
  const folder = `${tmpPath}/sweep.runs`;
  await page.contents.uploadFile(
    path.resolve(__dirname, '../notebooks/sweep.ipynb'),
    nb
  );
  await openNotebook(page, nb);
  await kernelIdle(page);
  for (let i = 0; i < RUNS; i++) {
    const lr = Math.round((0.05 + 0.05 * i) * 100) / 100;
    await setParameters(
      page,
      `lr = ${lr}\nseed = ${1 + (i % 3)}\ndata_path = 'sweep-data.csv'`
    );
    await page.menu.clickMenuItem('Run>Run All Cells');
    await expect
      .poll(async () => (await recorded(page, folder)).length, {
        timeout: 60_000
      })
      .toBe(i + 1);
    await kernelIdle(page);
  }
  const runs = await recorded(page, folder);
  const size = async (run: ISweepRun) =>
    Buffer.byteLength(await readText(page, `${folder}/${run.id}.json`));
  const first = runs[0];
  const last = runs[runs.length - 1];
  const t0 = Date.now();
  for (const [i, run] of runs.entries()) {
    await reproduce(page, nb, run.id);
    await expect
      .poll(
        async () =>
          (await recorded(page, folder)).filter(r => r.reproducedFrom).length,
        { timeout: 120_000 }
      )
      .toBe(i + 1);
  }
  const reproductionMs = (Date.now() - t0) / runs.length;
  const verdicts = new Map<string, number>();
  for (const r of (await recorded(page, folder)).filter(
    r => r.reproducedFrom
  )) {
    const v = r.reproduction?.verdict ?? 'none';
    verdicts.set(v, (verdicts.get(v) ?? 0) + 1);
  }
  const exact = verdicts.get('exact') ?? 0;
  console.log(
    [
      `\nSweep of ${RUNS} runs (edit parameters, Run All), load: ${os
        .loadavg()
        .map((l: number) => l.toFixed(1))
        .join(' ')}`,
      `  run file size, run 1:  ${await size(first)} bytes (lineage: ${first.lineage?.entries.length} executions of ${first.lineage?.historyCount} in the session)`,
      `  run file size, run ${RUNS}: ${await size(last)} bytes (lineage: ${last.lineage?.entries.length} executions of ${last.lineage?.historyCount} in the session)`,
      `  reproduced exactly: ${exact} of ${runs.length} (${((100 * exact) / runs.length).toFixed(0)}%); verdicts: ${JSON.stringify(Object.fromEntries(verdicts))}`,
      `  one reproduction (fresh kernel, ${5} cells, recorded): ${(reproductionMs / 1000).toFixed(1)} s`
    ].join('\n')
  );
});
