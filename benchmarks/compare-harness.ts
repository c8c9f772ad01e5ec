/**
 * Runs in Chromium (bundled by `compare-ui.ts`): the real runs table and
 * chart code on generated data, timed with `performance.now()`.
 */
import { learningCurveSpec, type ICurveInput } from '../src/core/charts/curves';
import type { IRunSummary } from '../src/core/run';
import { CurveCache } from '../src/core/series/curve';
import { ChartView, loadVega } from '../src/ui/compare/chart';
import { overlayBudget } from '../src/ui/compare/panes/curves';
import { RunsTableModel } from '../src/ui/table/model';
import { RunsTableView } from '../src/ui/table/view';
import {
  COMPOUND_QUERY,
  fixtureRun,
  fixtureSeries
} from '../scripts/fixtureRuns';
import { summarizeRun } from '../src/core/history/summary';
// The same untranslated bundle the UI tests use.
import { trans } from '../src/ui/__tests__/trans';

const frame = () => new Promise<void>(r => requestAnimationFrame(() => r()));

function summaries(n: number): IRunSummary[] {
  const out: IRunSummary[] = [];
  for (let i = n - 1; i >= 0; i--) {
    out.push(
      summarizeRun(fixtureRun(i, { notebookPath: 'big.ipynb', total: n }))
    );
  }
  return out;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** The median and 95th percentile of `xs`. */
function p95(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * 0.95))];
}

type TableViewClass = typeof RunsTableView;

async function table(n: number, View: TableViewClass = RunsTableView) {
  const runs = summaries(n);
  const host = document.createElement('div');
  host.style.cssText =
    'position:relative;width:900px;height:700px;display:flex;flex-direction:column';
  document.body.append(host);
  const model = new RunsTableModel();
  const view = new View({ model, trans });
  host.append(view.node);
  const t0 = performance.now();
  model.setRuns(runs);
  view.active = true;
  view.render();
  void view.node.offsetHeight;
  const ready = performance.now() - t0;
  await frame();
  const painted = performance.now() - t0;
  // Scrolling: jump through the table, one frame per jump.
  const scroller = view.node.querySelector(
    '.jp-RunsTable-scroller'
  ) as HTMLElement;
  const frames: number[] = [];
  for (let k = 1; k <= 30; k++) {
    const s = performance.now();
    scroller.scrollTop = (scroller.scrollHeight * k) / 31;
    await frame();
    await frame();
    frames.push(performance.now() - s);
  }
  // Wheel-like scrolling, 3 rows a frame from the middle of the table,
  // through the view's own scroll handling: the main-thread work of each
  // frame's render (row updates, then style and layout forced), and the
  // time from one frame to the next.
  scroller.scrollTop = scroller.scrollHeight / 2;
  view.render();
  await frame();
  const steps: number[] = [];
  const inner = view.render.bind(view);
  view.render = () => {
    const s = performance.now();
    inner();
    void view.node.offsetHeight;
    steps.push(performance.now() - s);
  };
  const wheelFrames: number[] = [];
  let last = performance.now();
  for (let k = 0; k < 120; k++) {
    scroller.scrollTop += 3 * 26;
    await frame();
    const now = performance.now();
    wheelFrames.push(now - last);
    last = now;
  }
  await frame();
  view.render = inner;
  // Let scrolling settle (rows go back into DOM order).
  await new Promise(r => setTimeout(r, 300));
  await frame();
  const rows = view.node.querySelectorAll('.jp-RunsPanel-run').length;
  // Query time over all runs (parse, compile, filter), alternating queries.
  const times: number[] = [];
  for (let k = 0; k < 7; k++) {
    const s = performance.now();
    model.setQuery(
      k % 2
        ? COMPOUND_QUERY
        : `${COMPOUND_QUERY} `.trim() + ' and metrics.loss < 5'
    );
    void model.filtered.length;
    times.push(performance.now() - s);
  }
  const matches = model.filtered.length;
  view.dispose();
  model.dispose();
  host.remove();
  return {
    runs: n,
    readyMs: ready,
    paintedMs: painted,
    scrollFrameMedianMs: median(frames),
    wheelStepMedianMs: median(steps),
    wheelStepP95Ms: p95(steps),
    wheelFrameMedianMs: median(wheelFrames),
    wheelFrameP95Ms: p95(wheelFrames),
    domRows: rows,
    queryMedianMs: median(times),
    matches
  };
}

/**
 * The overlay of `nRuns` runs × `points` points, drawn first in its page.
 *
 * - `cold`: every series in memory, nothing prepared: the draw runs M4 and
 *   the EMA over every point (as after switching to a metric not drawn
 *   yet);
 * - `arrival`: the series come in one at a time, as `CompareModel`'s
 *   `seriesLoaded` delivers them while the files load, and each is prepared
 *   then (`CurvesPane` does the same call); the draw after the last one is
 *   what the user waits for. The preparation time is printed too.
 *
 * The fixtures (240 MB of arrays for 100 × 100,000) are allocated at once
 * here, unlike files that load over seconds: the heap settles for a second
 * before anything is timed, so their garbage collection is not charged to
 * the chart.
 */
async function overlay(
  nRuns: number,
  points: number,
  mode: 'cold' | 'arrival' = 'cold'
) {
  await loadVega();
  const warm = new ChartView({ trans, name: 'warm', label: 'warm' });
  document.body.append(warm.node);
  await warm.setSpec(
    learningCurveSpec(
      [{ run: { id: 'w' }, series: fixtureSeries(100, 'loss', 0, 0) }],
      { width: 800 }
    )
  );
  warm.dispose();
  const curves: ICurveInput[] = [];
  for (let k = 0; k < nRuns; k++) {
    curves.push({
      run: { id: `run-${k}`, name: `run ${k}` },
      series: fixtureSeries(points, 'loss', k % 5, 0)
    });
  }
  const host = document.createElement('div');
  host.style.width = '1000px';
  document.body.append(host);
  const chart = new ChartView({ trans, name: 'overlay', label: 'overlay' });
  host.append(chart.node);
  const cache = new CurveCache();
  const options = {
    width: 800,
    height: 400,
    smoothing: 0.6,
    budget: overlayBudget(nRuns, 800),
    cache
  };
  await new Promise(r => setTimeout(r, 1000));
  let prepareMs = 0;
  if (mode === 'arrival') {
    for (const c of curves) {
      await new Promise(r => setTimeout(r, 0));
      const s = performance.now();
      cache.prepare(c.series, {
        xAxis: 'step',
        smoothing: options.smoothing,
        budget: options.budget,
        origin: c.origin
      });
      prepareMs += performance.now() - s;
    }
  }
  const t0 = performance.now();
  const spec = learningCurveSpec(curves, options);
  const specMs = performance.now() - t0;
  await chart.setSpec(spec);
  const totalMs = performance.now() - t0;
  const drawn = (spec as { data: { values: unknown[] } }).data.values.length;
  // A redraw after moving the smoothing slider (kept indices are cached)
  // and one after toggling log y (everything prepared is cached).
  let s = performance.now();
  await chart.setSpec(
    learningCurveSpec(curves, { ...options, smoothing: 0.8 })
  );
  const resmoothMs = performance.now() - s;
  s = performance.now();
  const again = learningCurveSpec(curves, {
    ...options,
    smoothing: 0.8,
    logY: true
  });
  const cachedSpecMs = performance.now() - s;
  await chart.setSpec(again);
  const relogMs = performance.now() - s;
  // What handing the raw series to a Web Worker would cost up front: the
  // structured clone alone (postMessage clones the same way), for 10 runs,
  // scaled to all of them.
  const some = curves.slice(0, 10).map(c => c.series);
  s = performance.now();
  structuredClone(some);
  const cloneMs = ((performance.now() - s) * curves.length) / some.length;
  chart.dispose();
  host.remove();
  return {
    runs: nRuns,
    pointsPerRun: points,
    ...(mode === 'arrival'
      ? { preparedOnArrivalMs: prepareMs, perRunMs: prepareMs / nRuns }
      : {}),
    specMs,
    embedAndRenderMs: totalMs - specMs,
    totalMs,
    pointsDrawn: drawn,
    resmoothMs,
    cachedSpecMs,
    relogMs,
    cloneMs
  };
}

export const bench = { table, overlay };
(window as unknown as { bench: unknown }).bench = bench;
