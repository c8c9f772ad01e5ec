/**
 * Deterministic fixture runs for UI tests and benchmarks: plain data, no
 * I/O (see `make-fixture-runs.ts` for the writer). Every value comes from a
 * seeded generator, so a fixture folder is the same on every machine and a
 * test can know exactly which runs a query must leave.
 */
import type {
  IMetricSeries,
  IRunRecord,
  IRunSummary,
  ParamValue
} from '../src/core/run';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** Seeded PRNG (mulberry32). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A deterministic ULID for `time` (ms) with random bits from `rand`. */
export function fixtureUlid(time: number, rand: () => number): string {
  let t = time;
  let head = '';
  for (let i = 0; i < 10; i++) {
    head = CROCKFORD[t % 32] + head;
    t = Math.floor(t / 32);
  }
  let tail = '';
  for (let i = 0; i < 16; i++) {
    tail += CROCKFORD[Math.floor(rand() * 32)];
  }
  return head + tail;
}

/** Where fixture runs start (2026-11-01T00:00:00Z). */
export const T0 = Date.UTC(2026, 10, 1);

export const MODELS = ['cnn', 'mlp', 'rnn', 'vit'] as const;
export const LRS = [0.1, 0.03, 0.01, 0.003, 0.001, 0.0003] as const;
export const SPLITS = ['a', 'b', 'c'] as const;
export const EXPERIMENTS = ['baseline', 'augment', 'distill'] as const;

/** The compound query the UI test types, and its meaning in plain code. */
export const COMPOUND_QUERY =
  "metrics.acc > 0.94 and params.model = 'cnn' and (tags.split = 'b' or params.lr <= 0.001) and not attributes.status = 'error'";

export function matchesCompoundQuery(r: IRunSummary): boolean {
  const acc = r.metrics?.acc?.last;
  return (
    typeof acc === 'number' &&
    acc > 0.94 &&
    r.params?.model === 'cnn' &&
    (r.tags?.split === 'b' || (r.params?.lr as number) <= 0.001) &&
    r.status !== 'error'
  );
}

/** Options of `fixtureRun`. */
export interface IFixtureOptions {
  notebookPath: string;
  /** Total runs in the folder (run `i` of `total`). */
  total: number;
  seed?: number;
}

function round(v: number, digits = 5): number {
  return Number(v.toPrecision(digits));
}

/** The code of an experiment cell with these params. */
export function experimentCode(p: Record<string, ParamValue>): string {
  return [
    `model_name = ${JSON.stringify(p.model)}`,
    `lr = ${p.lr}`,
    `batch_size = ${p.batch_size}`,
    `dropout = ${p.dropout}`,
    'model = build(model_name, dropout=dropout)',
    'history = train(model, data, lr=lr, batch_size=batch_size, epochs=20)',
    'runs.log_confusion_matrix(y_val, model.predict(x_val))'
  ].join('\n');
}

/**
 * Run `i` of a folder: params, tags and metric aggregates from the seed;
 * status `error` every 37th run, `interrupted` every 53rd.
 */
export function fixtureRun(i: number, options: IFixtureOptions): IRunRecord {
  const rand = prng((options.seed ?? 7) * 1_000_003 + i);
  const start = T0 + i * 60_000;
  const id = fixtureUlid(start, rand);
  const model = MODELS[i % 4];
  const lr = LRS[i % 6];
  const params: Record<string, ParamValue> = {
    model,
    lr,
    batch_size: [32, 64, 128][Math.floor(i / 7) % 3],
    dropout: round(rand() * 0.5, 2),
    seed: i % 5,
    optimizer: i % 2 ? 'adam' : 'sgd'
  };
  const status = i % 37 === 0 ? 'error' : i % 53 === 0 ? 'interrupted' : 'ok';
  const acc = round(0.55 + 0.4 * rand() + (model === 'cnn' ? 0 : -0.05));
  const valAcc = round(acc - 0.02 - 0.05 * rand());
  const loss = round(0.05 + (1 - acc) * 1.5);
  const valLoss = round(loss + 0.05 + 0.2 * rand());
  const steps = 100;
  const metric = (last: number, lo: number, hi: number) => ({
    last,
    min: round(lo),
    max: round(hi),
    count: steps,
    lastStep: steps - 1
  });
  const duration = Math.round(20_000 + rand() * 600_000);
  return {
    schemaVersion: 2,
    id,
    notebookPath: options.notebookPath,
    cellId: 'train',
    experiment: EXPERIMENTS[i % 3],
    code: experimentCode(params),
    executionCount: i + 2,
    startedAt: new Date(start).toISOString(),
    endedAt: new Date(start + duration).toISOString(),
    durationMs: duration,
    status,
    ...(status === 'error'
      ? {
          error: {
            ename: 'ValueError',
            evalue: 'loss is NaN',
            traceback: ['ValueError: loss is NaN']
          }
        }
      : {}),
    outputs: [
      { output_type: 'stream', name: 'stdout', text: `epoch 20 acc ${acc}\n` }
    ],
    kernel: {
      name: 'python3',
      language: 'python',
      languageVersion: '3.12.3',
      implementation: 'cpython',
      implementationVersion: '3.12.3'
    },
    extensionVersion: '0.1.0',
    params,
    tags: { split: SPLITS[Math.floor(i / 3) % 3] },
    metrics: {
      acc: metric(acc, 0.1, Math.max(acc, valAcc)),
      val_acc: metric(valAcc, 0.1, valAcc),
      loss: metric(loss, loss, 2.3),
      val_loss: metric(valLoss, valLoss, 2.4)
    }
  } as IRunRecord;
}

/**
 * A long series: a decaying curve with noise, and optional spikes (a NaN at
 * 1/3 of the way for run 0, a single huge spike for run 1).
 */
export function fixtureSeries(
  steps: number,
  kind: 'loss' | 'acc',
  variant: number,
  start: number
): IMetricSeries {
  const rand = prng(1000 + variant * 17 + (kind === 'loss' ? 0 : 5));
  const step = new Array<number>(steps);
  const value = new Array<number>(steps);
  const time = new Array<number>(steps);
  const rate = 3 + variant;
  for (let s = 0; s < steps; s++) {
    const p = s / steps;
    const noise = (rand() - 0.5) * 0.04;
    const v =
      kind === 'loss'
        ? 0.1 + 2.2 * Math.exp(-rate * p) + noise
        : 0.95 - 0.5 * Math.exp(-rate * p) + noise / 2;
    step[s] = s;
    value[s] = round(v, 4);
    time[s] = start + s * 20;
  }
  if (kind === 'loss' && variant === 0) {
    value[Math.floor(steps / 3)] = NaN;
  }
  if (kind === 'loss' && variant === 1) {
    value[Math.floor(steps / 2)] = 25;
  }
  return { step, value, time };
}
