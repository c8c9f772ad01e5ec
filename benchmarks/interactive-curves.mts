/**
 * What interactivity costs the learning-curve overlay in Vega, in Node:
 * the spec compiled by Vega-Lite, parsed with `ast: true` and run by
 * `vega-interpreter` (as ChartView runs it), headless (`renderer: 'none'`:
 * the dataflow, scales and scenegraph, not the canvas paint), for the
 * overlay ChartView draws (about 12,000 rows in total, `overlayBudget`)
 * with and without `interactive` (zoom, legend filter, hover rule), raw
 * and smoothed. Then the cost of one legend toggle (the filter re-run).
 * Prints numbers; asserts nothing.
 *
 *   npx tsx benchmarks/interactive-curves.mts (ESM: vega-canvas has a top-level await)
 */
import { parse, View } from 'vega';
import { expressionInterpreter } from 'vega-interpreter';
import { compile } from 'vega-lite';
import { learningCurveSpec } from '../src/core/charts/curves.ts';
import type { IMetricSeries } from '../src/core/run';

/** A seeded PRNG (mulberry32), so every run draws the same series. */
let seed = 20261205;
function rand(): number {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

function series(n: number): IMetricSeries {
  let v = 1;
  const value: number[] = [];
  for (let i = 0; i < n; i++) {
    v = v * 0.9999 + (rand() - 0.5) * 0.01;
    value.push(v);
  }
  return {
    step: Array.from({ length: n }, (_, i) => i),
    value,
    time: Array.from({ length: n }, (_, i) => 1.7e12 + i * 100)
  };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** One draw: compile, parse and run; then, if interactive, a legend toggle. */
async function drawOnce(
  spec: ReturnType<typeof learningCurveSpec>,
  interactive: boolean
): Promise<{ ms: number; toggleMs: number }> {
  const t0 = performance.now();
  const view = new View(parse(compile(spec).spec, undefined, { ast: true }), {
    expr: expressionInterpreter,
    renderer: 'none'
  } as never);
  await view.runAsync();
  const t1 = performance.now();
  let toggleMs = NaN;
  if (interactive) {
    view.signal('hidden_toggle', true).signal('hidden_series_legend', 'run 0');
    await view.runAsync();
    toggleMs = performance.now() - t1;
  }
  view.finalize();
  return { ms: t1 - t0, toggleMs };
}

/** Static and interactive draws of the same curves, interleaved (a busy machine drifts). */
async function compare(runs: number, smoothing: number) {
  const curves = Array.from({ length: runs }, (_, i) => ({
    run: { id: `r${i}`, name: `run ${i}` },
    series: series(100_000)
  }));
  const budget = Math.max(64, Math.floor(12_000 / runs));
  const spec = (interactive: boolean) =>
    learningCurveSpec(curves, { budget, smoothing, width: 800, interactive });
  const off: number[] = [];
  const on: number[] = [];
  const toggles: number[] = [];
  for (let k = 0; k < 12; k++) {
    const a = await drawOnce(spec(false), false);
    const b = await drawOnce(spec(true), true);
    if (k > 1) {
      off.push(a.ms);
      on.push(b.ms);
      toggles.push(b.toggleMs);
    }
  }
  const rows = (spec(true) as { data: { values: unknown[] } }).data.values
    .length;
  return { rows, off: median(off), on: median(on), toggle: median(toggles) };
}

async function main() {
  console.log(
    'runs  smoothing  rows    static ms  interactive ms  legend toggle ms'
  );
  for (const runs of [3, 20, 100]) {
    for (const smoothing of [0, 0.6]) {
      const r = await compare(runs, smoothing);
      console.log(
        [
          String(runs).padEnd(5),
          String(smoothing).padEnd(10),
          String(r.rows).padEnd(7),
          r.off.toFixed(1).padEnd(10),
          r.on.toFixed(1).padEnd(15),
          r.toggle.toFixed(1)
        ].join(' ')
      );
    }
  }
}

void main();
