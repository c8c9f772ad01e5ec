/**
 * Benchmark of the pure "compare and explore" core.
 *
 *   npx tsx benchmarks/core-compare.ts
 *   (or `node --expose-gc --import tsx benchmarks/core-compare.ts`)
 *
 * Prints, with targets from the product issue:
 *  - query: parse + compile + filter over 100,000 generated run summaries
 *    (target ≤ 50 ms per query);
 *  - downsampling: M4 of 100 runs × 100,000 points to an 800 px budget,
 *    alone and with EMA smoothing (part of a ≤ 500 ms overlay budget);
 *  - spec building: each chart spec from prepared data, and Vega-Lite's
 *    compile of the overlay (rendering happens in the browser, not here).
 * Numbers only: nothing is asserted, the machine decides what they mean.
 */
import { compileQuery, filterRuns, parseQuery } from '../src/core/query';
import type { IMetricSeries, IRunSummary } from '../src/core/run';
import { budgetForWidth, m4Indices, prepareCurve } from '../src/core/series';
import { mulberry32, paramImportance } from '../src/core/stats';
import {
  learningCurveSpec,
  metricBarSpec,
  parallelCoordinatesSpec,
  scatterSpec
} from '../src/core/charts';

const rand = mulberry32(20261128);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/** Median wall time of `fn` over `repeat` runs after one warm-up. */
function time<T>(fn: () => T, repeat = 5): { ms: number; result: T } {
  let result = fn();
  const samples: number[] = [];
  for (let i = 0; i < repeat; i++) {
    gc();
    const t0 = performance.now();
    result = fn();
    samples.push(performance.now() - t0);
  }
  samples.sort((a, b) => a - b);
  return { ms: samples[Math.floor(samples.length / 2)], result };
}

const fmt = (ms: number) => `${ms.toFixed(1).padStart(8)} ms`;

function makeSummaries(n: number): IRunSummary[] {
  const models = ['cnn', 'mlp', 'resnet18', 'resnet50', 'vit-tiny', 'CNN-big'];
  const owners = ['ana', 'bob', 'chen', 'dara'];
  const statuses = ['ok', 'ok', 'ok', 'error', 'interrupted'] as const;
  const t0 = Date.UTC(2026, 0, 1);
  return Array.from({ length: n }, (_, i) => {
    const acc = rand();
    const loss = rand() * 3;
    const metric = (last: number) => ({
      last,
      min: last * rand(),
      max: last + rand(),
      count: 100,
      lastStep: 99
    });
    return {
      id: `01J${String(i).padStart(23, '0')}`,
      name: i % 3 ? `run-${i}` : undefined,
      notebookPath: `work/nb${i % 20}.ipynb`,
      experiment: `exp-${i % 50}`,
      status: pick(statuses),
      startedAt: new Date(t0 + i * 60_000).toISOString(),
      endedAt: null,
      durationMs: Math.floor(rand() * 3_600_000),
      executionCount: i,
      starred: rand() < 0.05,
      params: {
        lr: 10 ** (-5 + 4 * rand()),
        batch_size: pick([16, 32, 64, 128, 256]),
        model: pick(models),
        optimizer: pick(['adam', 'sgd', 'adamw']),
        dropout: rand() * 0.5,
        epochs: pick([10, 20, 50]),
        seed: Math.floor(rand() * 1e6),
        use_bn: rand() < 0.5,
        layers: [64, 32]
      },
      metrics: {
        acc: metric(acc),
        val_acc: metric(acc * 0.95),
        loss: metric(loss),
        val_loss: metric(loss * 1.1),
        'val loss': metric(loss),
        epoch_time: metric(rand() * 100)
      },
      tags: { owner: pick(owners), stage: pick(['dev', 'prod']) }
    };
  });
}

function makeSeries(points: number, k: number): IMetricSeries {
  const step = new Array<number>(points);
  const value = new Array<number>(points);
  const time = new Array<number>(points);
  for (let i = 0; i < points; i++) {
    step[i] = i;
    value[i] = Math.exp(-i / 20_000) * (1 + k / 100) + 0.05 * rand();
    time[i] = 1_700_000_000_000 + i * 250;
  }
  value[Math.floor(rand() * points)] = NaN;
  value[Math.floor(rand() * points)] = 50;
  return { step, value, time };
}

async function main(): Promise<void> {
  console.log('Query over 100,000 run summaries (parse + compile + filter)');
  const rows = makeSummaries(100_000);
  const queries = [
    'metrics.acc > 0.9',
    "metrics.acc > 0.9 and params.model = 'cnn'",
    "params.model ilike 'resnet%' and metrics.val_loss.min < 0.5",
    "params.optimizer in ('adam', 'adamw') and not params.use_bn = true",
    "(tags.owner = 'ana' or tags.owner = 'bob') and attributes.status != 'error'",
    "attributes.start >= '2026-02-01' and attributes.duration < 600000",
    "attributes.name like '%-1_3%' or metrics.`val loss` is null",
    'params.lr < 0.0001 and params.batch_size >= 64 and attributes.starred = true'
  ];
  for (const q of queries) {
    const { ms, result } = time(() => filterRuns(rows, q), 9);
    const n = result.ok ? result.rows.length : -1;
    console.log(`${fmt(ms)}  ${String(n).padStart(6)} rows  ${q}`);
  }
  const parse = time(() => queries.map(q => parseQuery(q)), 9);
  console.log(`${fmt(parse.ms)}  parse all ${queries.length} queries`);
  const made = parseQuery(queries[1]);
  if (made.ok) {
    const predicate = compileQuery(made.ast);
    const only = time(() => rows.filter(predicate), 9);
    console.log(`${fmt(only.ms)}  filter only (compiled predicate, query 2)`);
    const hand = time(
      () =>
        rows.filter(
          r => (r.metrics?.acc.last ?? 0) > 0.9 && r.params?.model === 'cnn'
        ),
      9
    );
    console.log(`${fmt(hand.ms)}  baseline: the same filter written by hand`);
  }

  console.log(
    '\nDownsampling 100 runs x 100,000 points to 800 px (M4, 3,200 points/run)'
  );
  const curves = Array.from({ length: 100 }, (_, k) => makeSeries(100_000, k));
  const budget = budgetForWidth(800);
  const m4 = time(
    () =>
      curves.reduce(
        (n, s) => n + m4Indices(s.step, s.value, budget).indices.length,
        0
      ),
    3
  );
  console.log(`${fmt(m4.ms)}  M4 indices, ${m4.result} points kept in total`);
  const prepared = time(
    () => curves.map(s => prepareCurve(s, { budget, smoothing: 0.6 })),
    3
  );
  console.log(
    `${fmt(prepared.ms)}  + EMA smoothing and column slicing (prepareCurve)`
  );
  const wall = time(
    () => curves.map(s => prepareCurve(s, { budget, xAxis: 'wall' })),
    3
  );
  console.log(`${fmt(wall.ms)}  by wall time, no smoothing`);

  console.log('\nSpec building');
  const named = curves.map((series, k) => ({
    run: { id: `r${k}`, name: `run ${k}` },
    series
  }));
  const overlay = time(
    () =>
      learningCurveSpec(named, { metric: 'loss', smoothing: 0.6, width: 800 }),
    3
  );
  const points = (overlay.result as { data: { values: unknown[] } }).data.values
    .length;
  console.log(
    `${fmt(overlay.ms)}  learning-curve overlay, 100 runs x 100,000 points (${points} rows)`
  );
  const some = rows.slice(0, 1000);
  const pc = time(() =>
    parallelCoordinatesSpec(some, {
      params: ['lr', 'batch_size', 'model', 'optimizer', 'dropout'],
      metric: 'val_acc',
      logAxes: ['lr']
    })
  );
  console.log(`${fmt(pc.ms)}  parallel coordinates, 1,000 runs x 6 axes`);
  const sc = time(() =>
    scatterSpec(rows, { param: 'lr', metric: 'acc', logX: true })
  );
  console.log(`${fmt(sc.ms)}  scatter, 100,000 runs`);
  const bar = time(() => metricBarSpec(some, { metric: 'acc' }));
  console.log(`${fmt(bar.ms)}  bar, 1,000 runs`);
  const vl = await import('vega-lite');
  const compiled = time(() => vl.compile(overlay.result), 3);
  console.log(`${fmt(compiled.ms)}  vega-lite compile of the overlay spec`);

  console.log('\nStats');
  const imp = time(() => paramImportance(some, 'val_acc', { trees: 100 }), 3);
  console.log(
    `${fmt(imp.ms)}  param importance, 1,000 runs x 9 params, 100 trees`
  );
}

void main();
