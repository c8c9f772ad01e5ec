/**
 * Benchmark: live compare of BENCH_LIVE_RUNS (default 4) runs in flight at
 * once, each logging BENCH_LIVE_RATE (default 1,000) points a second, with
 * the runs sidebar collapsed, as issue #14 asks: how often the learning
 * curves advance, and how many requests for series go out meanwhile.
 * Prints numbers; asserts nothing. Run with `bash benchmarks/live-compare.sh`.
 *
 * One run is the experiment cell on the kernel's main shell, the others
 * the same cell on kernel subshells (`tests/subshell.ts`); each logs `loss`
 * in the library's wire format, `per` steps every 50 ms, until a shared
 * deadline (the fixture `notebooks/live-compare.ipynb`). The four are
 * selected in the sidebar and compared; the sidebar is then closed and,
 * over BENCH_LIVE_SECONDS (default 10), the page records each redraw of
 * the learning-curves chart (its `data-draws`, set once a draw is on
 * screen): redraws a second, the gaps between them, the rows drawn (M4
 * downsampling caps them at the chart's width), the `.series.json`
 * requests, and the main thread's busy share (CDP `TaskDuration` and
 * `ThreadTime` over the window's wall time).
 */
import { expect, test } from '@jupyterlab/galata';
import { readFileSync } from 'fs';
import * as path from 'path';
import { mean, percentile } from '../tests/largeFolderHelpers';
import { runOnSubshell, subshellRunsDone } from '../tests/subshell';

const RUNS = Number(process.env.BENCH_LIVE_RUNS ?? 4);
const RATE = Number(process.env.BENCH_LIVE_RATE ?? 1000);
const SECONDS = Number(process.env.BENCH_LIVE_SECONDS ?? 10);
const EVERY_S = 0.05;
const NOTEBOOK = 'live-bench.ipynb';
// Cells of the fixture: 0 markdown, 1 setup, 2 deadline, 3 experiment:live.
const SETUP = 1;
const DEADLINE = 2;
const TRAIN = 3;

test.use({ kernels: null, viewport: { width: 1600, height: 1000 } });
test.setTimeout(600_000);

/** The fixture, its deadline and rate set for this benchmark. */
function benchNotebook(runFor: number): string {
  const nb = JSON.parse(
    readFileSync(
      path.resolve(__dirname, '../notebooks/live-compare.ipynb'),
      'utf-8'
    )
  ) as { cells: { source: string | string[] }[] };
  const per = Math.max(1, Math.round(RATE * EVERY_S));
  nb.cells[DEADLINE].source = `END = time.time() + ${runFor}`;
  nb.cells[TRAIN].source = `train(END, every=${EVERY_S}, per=${per})`;
  return JSON.stringify(nb);
}

test('live compare: running runs at 1,000 points/s each, sidebar collapsed', async ({
  page,
  tmpPath
}) => {
  const seriesRequests: string[] = [];
  page.on('request', request => {
    if (/\.series\.json/.test(request.url())) {
      seriesRequests.push(`${request.method()} ${request.url()}`);
    }
  });
  // Long enough to start the runs, compare them and measure.
  const runFor = 45 + SECONDS;
  await page.contents.uploadContent(
    benchNotebook(runFor),
    'text',
    `${tmpPath}/${NOTEBOOK}`
  );
  await page.notebook.openByPath(`${tmpPath}/${NOTEBOOK}`);
  await page.notebook.activate(NOTEBOOK);
  await page.sidebar.openTab('jp-runs-panel');
  await page.notebook.runCell(SETUP);
  await page.notebook.runCell(DEADLINE);
  await page.notebook.selectCells(TRAIN);
  const sidebar = page.getByRole('region', { name: 'Experiment Runs' });
  const running = sidebar.locator('.jp-RunsPanel-run[data-status="running"]');
  const mainRun = page.notebook.runCell(TRAIN);
  await expect(running).toHaveCount(1, { timeout: 30_000 });
  for (let i = 1; i < RUNS; i++) {
    test.skip(
      !(await runOnSubshell(page, TRAIN)),
      'The kernel has no subshells: runs cannot be in flight at once.'
    );
    await expect(running).toHaveCount(i + 1, { timeout: 30_000 });
  }
  await running.nth(0).locator('.jp-RunsTable-name').click();
  for (let i = 1; i < RUNS; i++) {
    await running
      .nth(i)
      .locator('.jp-RunsTable-name')
      .click({ modifiers: ['ControlOrMeta'] });
  }
  const ids = await running.evaluateAll(rows =>
    rows.map(r => (r as HTMLElement).dataset.runId!)
  );
  await sidebar.getByRole('button', { name: `Compare ${RUNS}` }).click();
  const compare = page.getByRole('region', { name: 'Compare runs' });
  await expect(compare).toBeVisible();
  await page.getByRole('tab', { name: 'Learning curves' }).click();
  const fig = compare.locator('figure[data-chart="learning-curves"]');
  await expect(fig).toHaveAttribute('data-state', 'ready', { timeout: 30_000 });
  await page.sidebar.close('right');
  // Settled into its rhythm.
  await page.waitForTimeout(2000);

  const cdp = await page.context().newCDPSession(page.page);
  await cdp.send('Performance.enable');
  const metrics = async () => {
    const { metrics: all } = await cdp.send('Performance.getMetrics');
    const get = (name: string) =>
      (all.find(m => m.name === name)?.value ?? 0) * 1000;
    return { task: get('TaskDuration'), thread: get('ThreadTime') };
  };
  const requestsBefore = seriesRequests.length;
  const before = await metrics();
  const draws = await page.evaluate(async seconds => {
    const figure = document.querySelector(
      'figure[data-chart="learning-curves"]'
    ) as HTMLElement;
    const seen: { t: number; draws: number; rows: number }[] = [];
    const note = () =>
      seen.push({
        t: performance.now(),
        draws: Number(figure.dataset.draws ?? 0),
        rows: Number(figure.dataset.rows ?? 0)
      });
    note();
    const observer = new MutationObserver(note);
    observer.observe(figure, {
      attributes: true,
      attributeFilter: ['data-draws']
    });
    await new Promise(resolve => setTimeout(resolve, seconds * 1000));
    observer.disconnect();
    note();
    return seen;
  }, SECONDS);
  const after = await metrics();
  const requests = seriesRequests.length - requestsBefore;
  // Recorded by this page until the end of the window (the collapsed
  // sidebar's rows are not drawn: ask the recorder).
  const stillRunning = await page.evaluate(
    runIds =>
      runIds.filter(id =>
        (
          window.jupyterapp as unknown as {
            runsRecorder: { isRecording(id: string): boolean };
          }
        ).runsRecorder.isRecording(id)
      ).length,
    ids
  );

  const window = draws[draws.length - 1].t - draws[0].t;
  const redraws = draws[draws.length - 1].draws - draws[0].draws;
  const gaps: number[] = [];
  for (let i = 2; i < draws.length - 1; i++) {
    gaps.push(draws[i].t - draws[i - 1].t);
  }
  const print = (label: string, value: string) =>
    console.log(`${label.padEnd(44)} ${value}`);
  console.log(
    `\nLive compare: ${RUNS} runs in flight, ${RATE} points/s each, sidebar collapsed, ${SECONDS} s window`
  );
  print('runs still in flight at the end', String(stillRunning));
  print(
    'redraws per second (target ≥ 2)',
    (redraws / (window / 1000)).toFixed(2)
  );
  print(
    'gap between redraws, ms (mean / p50 / p95)',
    gaps.length
      ? `${mean(gaps).toFixed(0)} / ${percentile(gaps, 50).toFixed(0)} / ${percentile(gaps, 95).toFixed(0)}`
      : 'n/a'
  );
  print(
    'rows drawn (first → last)',
    `${draws[0].rows} → ${draws[draws.length - 1].rows}`
  );
  print(
    'series requests during the window (target 0)',
    `${requests} (${(requests / (window / 1000)).toFixed(2)}/s)`
  );
  print(
    'main thread busy (tasks / CPU), % of wall',
    `${((100 * (after.task - before.task)) / window).toFixed(0)} / ${((100 * (after.thread - before.thread)) / window).toFixed(0)}`
  );

  // Let the runs end before the page goes (each is saved).
  await page.notebook.activate(NOTEBOOK);
  await mainRun;
  await subshellRunsDone(page);
});
