/**
 * The sidebar's reaction to one new or live run over a notebook of 10,000
 * runs, before and after the incremental table (issue #14).
 *
 *   npx tsx benchmarks/runs-model.ts [runs=10000]
 *   (or `node --expose-gc --import tsx benchmarks/runs-model.ts`)
 *
 * "before" is what each new or live run cost until now: a copy of the runs
 * with the run in place (`upsertSummary`), `RunsTableModel.setRuns` (every
 * derived list dropped), then what a render reads: the rows (filter of
 * every run, sort, items), the columns (collected from every run) and the
 * visible columns. "after" is `RunList.upsert` and
 * `RunsTableModel.applyChanges` (the run filtered alone and put where it
 * sorts), then the same reads. Main thread only, no DOM. Numbers only:
 * nothing is asserted.
 *
 * Then, for scale, the storage work a save schedules in a 10,000-run folder
 * (not changed here): the folder's IndexedDB snapshot (at most once a
 * second of saves; `structuredClone` stands in for IndexedDB's
 * serialization, which runs on the main thread) and this tab's manifest
 * shard (once saves pause, at most every 30 s).
 */
import { makeShard, serializeShard } from '../src/core/history/manifest';
import type { IRunSummary } from '../src/core/run';
import { upsertSummary } from '../src/core/run';
import { RunList } from '../src/core/runs/runList';
import { mulberry32 } from '../src/core/stats';
import { RunsTableModel } from '../src/ui/table/model';

const N = Number(process.argv[2] ?? 10_000);
const REPEAT = 60;
const rand = mulberry32(20261205);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
let next = 0;

/** A run as the benchmark cell logs it: 10 params, 5 metrics, a tag. */
function summary(id = `01K${String(next++).padStart(23, '0')}`): IRunSummary {
  const metric = () => {
    const last = rand();
    return { last, min: last / 2, max: last * 2, count: 100, lastStep: 99 };
  };
  const params: Record<string, number | string> = {};
  for (let p = 0; p < 8; p++) {
    params[`p${p}`] = Math.round(rand() * 100) / 10;
  }
  params.model = pick(['cnn', 'mlp', 'vit']);
  params.optimizer = pick(['adam', 'sgd']);
  return {
    id,
    notebookPath: 'work/train.ipynb',
    experiment: 'train',
    status: pick(['ok', 'ok', 'error'] as const),
    startedAt: '2026-12-01T00:00:00.000Z',
    endedAt: '2026-12-01T00:00:01.000Z',
    durationMs: Math.floor(rand() * 10_000),
    executionCount: next,
    params,
    metrics: {
      loss: metric(),
      acc: metric(),
      val_loss: metric(),
      val_acc: metric(),
      lr: metric()
    },
    tags: { owner: pick(['ana', 'bob']) }
  };
}

/** What a render of the table reads. */
function read(table: RunsTableModel): number {
  return (
    table.items.length +
    table.filtered.length +
    table.allColumns.length +
    table.visibleColumns.length
  );
}

const SETUPS: [string, (t: RunsTableModel) => void][] = [
  ['default (newest first)', () => undefined],
  [
    'sorted by a metric',
    t => t.setSort({ column: 'metrics.loss', descending: false })
  ],
  [
    'query + sort',
    t => {
      t.setQuery("params.model = 'cnn' and metrics.acc > 0.2");
      t.setSort({ column: 'metrics.val_acc', descending: true });
    }
  ],
  ['grouped by a param', t => t.setGroupBy('params.model')]
];

function stats(samples: number[]): string {
  const s = [...samples].sort((a, b) => a - b);
  const q = (f: number) => s[Math.min(s.length - 1, Math.floor(f * s.length))];
  return `median ${q(0.5).toFixed(3).padStart(7)} ms   p95 ${q(0.95).toFixed(3).padStart(7)} ms`;
}

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

function bench(
  label: string,
  setup: (t: RunsTableModel) => void,
  kind: 'new' | 'live'
): void {
  const base = Array.from({ length: N }, () => summary());
  const before: number[] = [];
  const after: number[] = [];
  // Before: the list copied, the table given every run again.
  {
    let runs: IRunSummary[] = [...base].reverse();
    const table = new RunsTableModel();
    setup(table);
    table.setRuns(runs);
    read(table);
    const live = runs[0].id;
    gc();
    for (let i = 0; i < REPEAT; i++) {
      const run = kind === 'new' ? summary() : summary(live);
      const t0 = performance.now();
      runs = upsertSummary(runs, run);
      table.setRuns(runs);
      read(table);
      before.push(performance.now() - t0);
    }
  }
  // After: the change alone.
  {
    const list = new RunList();
    list.reset(base);
    const table = new RunsTableModel();
    setup(table);
    table.setRuns(list.runs);
    read(table);
    const live = list.runs[0].id;
    gc();
    for (let i = 0; i < REPEAT; i++) {
      const run = kind === 'new' ? summary() : summary(live);
      const t0 = performance.now();
      const change = list.upsert(run)!;
      table.applyChanges(list.runs, change);
      read(table);
      after.push(performance.now() - t0);
    }
  }
  console.log(
    `${label.padEnd(24)} ${kind.padEnd(5)} before: ${stats(before)}   after: ${stats(after)}`
  );
}

console.log(
  `One run's reaction in the table model over ${N.toLocaleString('en')} runs (${REPEAT} samples each)`
);
for (const [label, setup] of SETUPS) {
  bench(label, setup, 'new');
  bench(label, setup, 'live');
}

{
  const stamp = { size: 4000, lastModified: '2026-12-01T00:00:01.000Z' };
  const entries = Array.from({ length: N }, () => ({
    summary: summary(),
    run: stamp,
    series: stamp
  }));
  const clone: number[] = [];
  const shard: number[] = [];
  for (let i = 0; i < 10; i++) {
    gc();
    let t0 = performance.now();
    structuredClone({ folder: 'work/train.runs', entries, shards: [] });
    clone.push(performance.now() - t0);
    t0 = performance.now();
    serializeShard(makeShard('01JDQ7W0000000000000000001', entries));
    shard.push(performance.now() - t0);
  }
  console.log(
    `\nStorage per save, ${N.toLocaleString('en')} runs in the folder (not changed here):`
  );
  console.log(`folder snapshot (structured clone)  ${stats(clone)}`);
  console.log(`manifest shard (sort + JSON)        ${stats(shard)}`);
}
