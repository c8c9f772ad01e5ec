import { filterRuns, makePredicate } from '../index';
import { RUNS } from './fixtures';

const ids = (text: string): string[] => {
  const result = filterRuns(RUNS, text);
  if (!result.ok) {
    throw new Error(result.error.message);
  }
  return result.rows.map(r => r.id);
};

const NOV_2 = Date.parse('2026-11-02T00:00:00Z');

describe('query: filtering runs', () => {
  it.each<[string, string[]]>([
    ['', ['r1', 'r2', 'r3', 'r4', 'r5']],
    ['   ', ['r1', 'r2', 'r3', 'r4', 'r5']],
    ['metrics.acc > 0.9', ['r1', 'r3']],
    ["metrics.acc > 0.9 and params.model = 'cnn'", ['r1']],
    ["params.model ilike 'cnn'", ['r1', 'r3']],
    ["params.model like 'c%'", ['r1']],
    ['metrics.acc.max >= 0.93', ['r1', 'r3']],
    ['metrics.acc.min < 0.35', ['r2']],
    ['metrics.acc.count = 4', ['r2']],
    ['metrics.acc.last > 0.9', ['r1', 'r3']],
    ['metrics.`val loss` < 0.3', ['r1']],
    ['metrics."val loss".max > 1.5', ['r3']],
    ['metrics.`a.b` = 1', ['r1']],
    ['metric.acc > 0.9', ['r1', 'r3']],
    ['metrics.loss > 1e300', ['r4']],
    ['metrics.acc != 0.95', ['r2', 'r3', 'r4']],
    ['params.lr = 0.1', ['r1', 'r4']],
    ['params.lr < 0.05', ['r2', 'r3']],
    ["params.lr = '0.01'", ['r2']],
    ["params.epochs = '10'", ['r1']],
    ['params.epochs >= 10 and params.epochs <= 20', ['r1', 'r3']],
    ['params.use_bn = true', ['r1']],
    ['params.use_bn = false', ['r2']],
    ["params.model in ('mlp', 'resnet')", ['r2', 'r4']],
    ["params.model not in ('mlp', 'resnet')", ['r1', 'r3']],
    ['params.epochs is null', ['r4', 'r5']],
    ['params.dropout is null', ['r1', 'r2', 'r3', 'r4', 'r5']],
    ['params.epochs is not null and not params.epochs > 5', ['r2']],
    ["params.layers = '[64,32]'", ['r1']],
    ["params.model < 'd'", ['r1', 'r3']],
    ["tags.owner = 'ana'", ['r1', 'r3']],
    ["tags.`team.name` = 'vision'", ['r1']],
    ["tags.owner != 'ana'", ['r2']],
    ["tags.note like 'has\\_%'", ['r5']],
    ["attributes.status = 'ok'", ['r1', 'r3']],
    ["attributes.status != 'ok'", ['r2', 'r4', 'r5']],
    [
      "attributes.experiment = 'cifar' or attributes.starred = true",
      ['r1', 'r3', 'r4']
    ],
    ["attributes.name like '50\\%%'", ['r4']],
    ["attributes.name like '%\\_%'", ['r4']],
    ["attributes.name = 'it''s'", ['r5']],
    ['attributes.name = "it\'s"', ['r5']],
    ["attributes.name = 'mnist #2'", ['r2']],
    ["attributes.name = 'r2'", []],
    [
      "attributes.start >= '2026-11-02' and attributes.start < '2026-11-04'",
      ['r2', 'r3']
    ],
    ["attributes.started < '2026-11-01'", ['r5']],
    [`attributes.start > ${NOV_2}`, ['r2', 'r3', 'r4']],
    ['attributes.duration > 50000', ['r1', 'r3']],
    ['attributes.duration is null', ['r4']],
    ['attributes.end is null', ['r4']],
    ['attributes.starred = false', ['r2', 'r3', 'r4', 'r5']],
    ["attributes.notebook like '%cifar%'", ['r3']],
    ["attributes.start like '2026-11-0_T%'", ['r1', 'r2', 'r3', 'r4']],
    ["params.duration like '1%' or tags.starred ilike 'x'", []],
    ["run.id in ('r1', 'r5')", ['r1', 'r5']],
    ["not (metrics.acc > 0.9 or attributes.status = 'error')", ['r4', 'r5']],
    [
      "(params.model = 'cnn' or params.model = 'CNN') and metrics.acc < 0.93",
      ['r3']
    ],
    ["METRICS.acc > 0.9 AND Params.model ILIKE 'CNN'", ['r1', 'r3']],
    ['not not attributes.starred = true', ['r1']],
    [
      "attributes.status in ('ok') and tags.owner = 'ana' and params.lr = 0.001",
      ['r3']
    ],
    [
      "params.model = 'cnn' or params.model = 'mlp' and metrics.acc > 0.9",
      ['r1']
    ],
    [
      'params.__proto__ is null and metrics.constructor is null',
      ['r1', 'r2', 'r3', 'r4', 'r5']
    ]
  ])('%s', (text, expected) => {
    expect(ids(text)).toEqual(expected);
  });

  it('should compare dates as instants whatever their spelling', () => {
    const rows = [
      { ...RUNS[0], id: 'a', startedAt: '2026-11-02T10:00:00Z' },
      { ...RUNS[0], id: 'b', startedAt: '2026-11-02T11:00:00+02:00' },
      { ...RUNS[0], id: 'c', startedAt: '2026-11-02T09:30:00.000Z' },
      { ...RUNS[0], id: 'd', startedAt: 'not a date' }
    ];
    const pick = (q: string) => {
      const result = filterRuns(rows, q);
      return result.ok ? result.rows.map(r => r.id) : result.error.message;
    };
    expect(pick("attributes.start > '2026-11-02T09:45:00Z'")).toEqual(['a']);
    expect(pick("attributes.start < '2026-11-02T09:45:00+00:00'")).toEqual([
      'b',
      'c'
    ]);
    expect(pick("attributes.start != '2026-11-02T10:00:00.000Z'")).toEqual([
      'b',
      'c',
      'd'
    ]);
    expect(pick("attributes.start >= '+010000-01-01T00:00:00Z'")).toEqual([]);
    expect(pick("attributes.start < '+010000-01-01T00:00:00Z'")).toEqual([
      'a',
      'b',
      'c'
    ]);
  });

  it('should keep the original row type', () => {
    const rows = RUNS.map(r => ({ ...r, extra: 1 }));
    const result = filterRuns(rows, "tags.owner = 'bob'");
    expect(result.ok && result.rows[0].extra).toBe(1);
  });

  it('should report an invalid query instead of throwing', () => {
    const result = filterRuns(RUNS, 'metrics.acc >');
    expect(result.ok).toBe(false);
  });

  it('should let one predicate be reused', () => {
    const made = makePredicate('metrics.acc > 0.9');
    expect(made.ok && RUNS.filter(made.predicate).length).toBe(2);
  });
});
