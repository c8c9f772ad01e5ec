/**
 * Benchmark: what capturing a run costs, in a real JupyterLab, ipykernel and
 * Chromium. Prints numbers; asserts nothing. Run with `bash benchmarks/capture.sh`.
 *
 * - main thread: time the recorder spent on each run (signal handlers, live
 *   updates, assembling the record, the synchronous part of the store call),
 *   from `app.runsRecorder.timings`;
 * - kernel side: time `jupyterlab_runs._capture` spent per run (arming it and
 *   taking the snapshot: params, data-file hashes), from each run's
 *   `capture.kernelMs`; the first run also probes the environment and is
 *   reported on its own;
 * - end to end: wall time of executing the same cell tagged and untagged,
 *   interleaved, as the alternative in the same run.
 */
import { expect, test } from '@jupyterlab/galata';
import * as path from 'path';

const NOTEBOOK = 'capture-bench.ipynb';
const N = Number(process.env.BENCH_RUNS ?? 40);

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const i = Math.min(
    sorted.length - 1,
    Math.ceil((p / 100) * sorted.length) - 1
  );
  return sorted[Math.max(0, i)];
}

const fmt = (v: number) => v.toFixed(2).padStart(8);

test.use({ kernels: null });
test.setTimeout(600_000);

test('capture cost per tagged execution', async ({ page, tmpPath }) => {
  await page.contents.uploadFile(
    path.resolve(__dirname, NOTEBOOK),
    `${tmpPath}/${NOTEBOOK}`
  );
  await page.notebook.openByPath(`${tmpPath}/${NOTEBOOK}`);
  await page.notebook.activate(NOTEBOOK);
  await page.notebook.runCell(0);

  // Execute cell `index` and return the wall time until NotebookActions is done.
  const execute = (index: number) =>
    page.evaluate(async i => {
      const app = window.jupyterapp;
      const panel = app.shell.currentWidget as unknown as {
        content: { activeCellIndex: number };
      };
      panel.content.activeCellIndex = i;
      const t0 = performance.now();
      await app.commands.execute('notebook:run-cell');
      return performance.now() - t0;
    }, index);

  const tagged: number[] = [];
  const untagged: number[] = [];
  for (let i = 0; i < N + 1; i++) {
    const t = await execute(1);
    const u = await execute(2);
    if (i > 0) {
      tagged.push(t);
      untagged.push(u);
    }
  }
  const folder = `${tmpPath}/capture-bench.runs`;
  await expect
    .poll(
      async () =>
        page.evaluate(
          () =>
            (
              window.jupyterapp as unknown as {
                runsRecorder: { timings: number[] };
              }
            ).runsRecorder.timings.length
        ),
      { timeout: 60_000 }
    )
    .toBeGreaterThanOrEqual(N + 1);
  const mainThread = (
    await page.evaluate(
      () =>
        (
          window.jupyterapp as unknown as {
            runsRecorder: { timings: number[] };
          }
        ).runsRecorder.timings
    )
  ).slice(1);

  const parts = (
    await page.evaluate(
      () =>
        (
          window.jupyterapp as unknown as {
            runsRecorder: { timingParts: Record<string, number>[] };
          }
        ).runsRecorder.timingParts
    )
  ).slice(1);
  const phases = [...new Set(parts.flatMap(p => Object.keys(p)))];
  const slowest = [...mainThread]
    .sort((a, b) => b - a)
    .slice(0, 5)
    .map(v => v.toFixed(1))
    .join(', ');
  const breakdown = phases.map(
    phase =>
      `  ${phase.padEnd(28)}${fmt(
        percentile(
          parts.map(p => p[phase] ?? 0),
          50
        )
      )}  ${fmt(
        percentile(
          parts.map(p => p[phase] ?? 0),
          95
        )
      )}`
  );

  const listing = await (
    await page.request.get(`/api/contents/${encodeURI(folder)}?content=1`)
  ).json();
  const runFiles = (listing.content as { name: string; path: string }[])
    .filter(f => /^[0-9A-HJKMNP-TV-Z]{26}\.json$/.test(f.name))
    .sort((a, b) => a.name.localeCompare(b.name));
  const kernel: number[] = [];
  let first = NaN;
  for (const [i, file] of runFiles.entries()) {
    const res = await page.request.get(
      `/api/contents/${encodeURI(file.path)}?type=file&format=text&content=1`
    );
    const run = JSON.parse((await res.json()).content);
    const ms = run.capture?.kernelMs;
    if (typeof ms === 'number') {
      if (i === 0) {
        first = ms;
      } else {
        kernel.push(ms);
      }
    }
  }

  const lines = [
    `capture benchmark: ${N} tagged executions (plus 1 warm-up), each logging 100 metric points`,
    `                                   p50       p95    target`,
    `main thread per run (ms)      ${fmt(percentile(mainThread, 50))}  ${fmt(percentile(mainThread, 95))}    <= 2 (p95)`,
    ...breakdown,
    `  five slowest runs (ms): ${slowest}`,
    `kernel side per run (ms)      ${fmt(percentile(kernel, 50))}  ${fmt(percentile(kernel, 95))}    <= 5 (p95)`,
    `first run, with environment probe, kernel side: ${first.toFixed(1)} ms`,
    `wall time, tagged cell (ms)   ${fmt(percentile(tagged, 50))}  ${fmt(percentile(tagged, 95))}`,
    `wall time, same cell untagged ${fmt(percentile(untagged, 50))}  ${fmt(percentile(untagged, 95))}`,
    `overhead of tagging, p50: ${(percentile(tagged, 50) - percentile(untagged, 50)).toFixed(2)} ms`
  ];
  console.log('\n' + lines.join('\n') + '\n');
  expect(kernel.length).toBe(N);
});
