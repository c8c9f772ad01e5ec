import type { IMetricSummary, IRunSummary } from '../../run';

function m(last: number, min = last, max = last, count = 10): IMetricSummary {
  return { last, min, max, count, lastStep: count - 1 };
}

function run(id: string, over: Partial<IRunSummary>): IRunSummary {
  return {
    id,
    notebookPath: 'work/train.ipynb',
    experiment: 'mnist',
    status: 'ok',
    startedAt: '2026-11-01T10:00:00.000Z',
    endedAt: '2026-11-01T10:01:00.000Z',
    durationMs: 60000,
    executionCount: 1,
    ...over
  };
}

/** Five runs that between them exercise every kind of value. */
export const RUNS: IRunSummary[] = [
  run('r1', {
    name: 'baseline-cnn',
    starred: true,
    params: {
      model: 'cnn',
      lr: 0.1,
      epochs: 10,
      use_bn: true,
      layers: [64, 32]
    },
    metrics: {
      acc: m(0.95, 0.5, 0.96),
      'val loss': m(0.2, 0.15, 1.2),
      'a.b': m(1)
    },
    tags: { owner: 'ana', 'team.name': 'vision' }
  }),
  run('r2', {
    // Unnamed: called by its experiment and number (`RunList`).
    seq: 2,
    status: 'error',
    startedAt: '2026-11-02T09:00:00.000Z',
    endedAt: '2026-11-02T09:00:30.000Z',
    durationMs: 30000,
    params: { model: 'mlp', lr: '0.01', epochs: 5, use_bn: 'False' },
    metrics: { acc: m(0.8, 0.3, 0.85, 4) },
    tags: { owner: 'bob' }
  }),
  run('r3', {
    name: 'CNN big',
    experiment: 'cifar',
    notebookPath: 'work/cifar.ipynb',
    startedAt: '2026-11-03T08:30:00.000Z',
    endedAt: '2026-11-03T08:32:00.000Z',
    durationMs: 120000,
    params: { model: 'CNN', lr: 0.001, epochs: 20 },
    metrics: { acc: m(0.91, 0.4, 0.93), 'val loss': m(0.4, 0.35, 2) },
    tags: { owner: 'ana' }
  }),
  run('r4', {
    name: '50%_done',
    experiment: 'cifar',
    status: 'running',
    startedAt: '2026-11-04T00:00:00.000Z',
    endedAt: null,
    durationMs: null,
    params: { model: 'resnet', lr: 0.1, dropout: null },
    metrics: { acc: m(NaN), loss: m(Infinity) }
  }),
  run('r5', {
    name: "it's",
    status: 'interrupted',
    startedAt: '2026-10-31T23:59:59.000Z',
    endedAt: '2026-11-01T00:00:00.000Z',
    durationMs: 5,
    params: {},
    metrics: {},
    tags: { note: 'has_underscore' }
  })
];
