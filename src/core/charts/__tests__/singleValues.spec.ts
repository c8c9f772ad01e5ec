import Ajv from 'ajv';
import { compile, type TopLevelSpec } from 'vega-lite';
import schema from 'vega-lite/vega-lite-schema.json';
import { runColor } from '../../runs/names';
import {
  curveAreaText,
  groupBarsSpec,
  learningCurveSpec,
  loggedOnce,
  meanStdBandSpec,
  prSpec,
  rocSpec,
  runValuesSpec,
  specMarks,
  splitMetrics
} from '../index';

const run = { id: '01RUN7', experiment: 'logreg', seq: 7 };
const EVIL = "a'+alert(1)+'";

type Row = Record<string, unknown>;
type Layer = {
  mark: { type: string; color?: string };
  data?: { values: Row[] };
  encoding: Record<string, { field?: string; type?: string } | undefined>;
};
type Layered = { data: { values: Row[] }; layer: Layer[]; height: number };

let validate: ReturnType<Ajv['compile']> | null = null;

/** The Vega-Lite schema's validator, compiled once (it takes seconds). */
function validator() {
  validate ??= new Ajv({ allowUnionTypes: true, strict: false }).compile(
    schema
  );
  return validate;
}

function compiled(spec: TopLevelSpec) {
  const messages: string[] = [];
  const logger = {
    level: () => logger,
    error: (...a: unknown[]) => (messages.push(a.join(' ')), logger),
    warn: (...a: unknown[]) => (messages.push(a.join(' ')), logger),
    info: () => logger,
    debug: () => logger
  };
  return { spec: compile(spec, { logger: logger as never }).spec, messages };
}

describe('splitMetrics', () => {
  it('should tell curves (several points) from single values (one point)', () => {
    expect(
      splitMetrics({
        loss: { count: 100, last: 0.1 },
        accuracy: { count: 1, last: 0.93 },
        f1: { count: 1, last: 'NaN' },
        empty: { count: 0, last: 'NaN' }
      })
    ).toEqual({
      curves: ['loss'],
      values: [
        { metric: 'accuracy', value: 0.93 },
        { metric: 'f1', value: NaN }
      ]
    });
  });

  it('should read a run without metrics as nothing to draw', () => {
    expect(splitMetrics(undefined)).toEqual({ curves: [], values: [] });
  });
});

describe('loggedOnce', () => {
  const r = (
    count?: number
  ): { metrics: Record<string, { count: number }> } => ({
    metrics: count === undefined ? {} : { acc: { count } }
  });

  it.each([
    ['every run logged it once', [r(1), r(1)], true],
    ['one run logged it once, another not at all', [r(1), r()], true],
    ['one run logged a curve', [r(1), r(20)], false],
    ['no run logged it', [r(), r()], false],
    ['no runs', [], false]
  ])('%s', (_, runs, expected) => {
    expect(loggedOnce(runs, 'acc')).toBe(expected);
  });

  it('should not read inherited keys as metrics', () => {
    expect(loggedOnce([r(1)], 'constructor')).toBe(false);
  });
});

describe('runValuesSpec', () => {
  const spec = runValuesSpec(
    run,
    [
      { metric: 'accuracy', value: 0.30000000000000004 },
      { metric: EVIL, value: 12 },
      { metric: 'broken', value: NaN }
    ],
    { width: 300 }
  ) as unknown as Layered;

  it('should draw one bar per finite value, in the run colour, labelled', () => {
    expect(specMarks(spec as never)).toEqual(['bar', 'text']);
    expect(spec.layer[0].mark.color).toBe(runColor(run));
    expect(spec.data.values).toEqual([
      { metric: 'accuracy', value: 0.30000000000000004, label: '0.3' },
      { metric: EVIL, value: 12, label: '12' }
    ]);
    expect(spec.layer[0].encoding.x).toMatchObject({
      field: 'value',
      type: 'quantitative'
    });
    expect(spec.layer[0].encoding.y).toMatchObject({
      field: 'metric',
      type: 'nominal'
    });
    expect(spec.layer[1].encoding.text).toMatchObject({ field: 'label' });
  });

  it('should grow with the number of bars', () => {
    expect(spec.height).toBe(2 * 26);
  });

  it('should validate and compile without warnings', () => {
    expect(validator()(spec)).toBe(true);
    expect(compiled(spec as never).messages).toEqual([]);
  });

  it('should keep user text out of the compiled spec but as data', () => {
    const { spec: vega } = compiled(spec as never);
    const withoutData = JSON.stringify({ ...vega, data: undefined });
    expect(withoutData).not.toContain('alert');
  });
});

describe('groupBarsSpec', () => {
  const runs = [1, 2, 3, 4].map(seq => ({ ...run, id: `01G${seq}`, seq }));
  const spec = groupBarsSpec(
    [
      {
        group: 'C=1',
        runs: [
          { run: runs[0], value: 0.8 },
          { run: runs[1], value: 0.9 }
        ]
      },
      { group: 'C=10', runs: [{ run: runs[2], value: 0.7 }] },
      { group: 'none', runs: [{ run: runs[3], value: NaN }] }
    ],
    { metric: 'accuracy' }
  ) as unknown as Layered;

  it('should draw each group mean as a bar, its std as a rule, its runs as points', () => {
    expect(specMarks(spec as never)).toEqual(['bar', 'rule', 'point']);
    const [c1, c10] = spec.data.values as {
      series: string;
      mean: number;
      lo: number;
      hi: number;
      n: number;
    }[];
    expect(spec.data.values).toHaveLength(2);
    expect(c1.series).toBe('C=1');
    expect(c1.mean).toBeCloseTo(0.85);
    expect(c1.hi - c1.mean).toBeCloseTo(Math.sqrt(0.005));
    expect(c10).toMatchObject({ series: 'C=10', mean: 0.7, lo: 0.7, n: 1 });
    expect(spec.layer[2].data!.values).toEqual([
      { series: 'C=1', run: 'logreg #1', value: 0.8 },
      { series: 'C=1', run: 'logreg #2', value: 0.9 },
      { series: 'C=10', run: 'logreg #3', value: 0.7 }
    ]);
  });

  it('should validate and compile without warnings', () => {
    expect(validator()(spec)).toBe(true);
    expect(compiled(spec as never).messages).toEqual([]);
  });
});

describe('specMarks', () => {
  it('should name the line mark of learning curves (and their pointer rule)', () => {
    const series = { step: [0, 1, 2], value: [3, 2, 1], time: [0, 1, 2] };
    expect(specMarks(learningCurveSpec([{ run, series }]))).toEqual([
      'line',
      'rule'
    ]);
  });

  it('should name the marks of ROC curves', () => {
    expect(
      specMarks(
        rocSpec([
          {
            name: 'a',
            points: [
              { x: 0, y: 0 },
              { x: 1, y: 1 }
            ]
          }
        ])
      )
    ).toEqual(['line']);
  });
});

describe('curve areas', () => {
  const points = [
    { x: 0, y: 1 },
    { x: 1, y: 0.5 }
  ];

  it.each([
    ['roc', { points, auc: 0.91234 }, 'AUC 0.9123'],
    ['roc', { points }, 'AUC 0.75'],
    ['pr', { points, auc: 0.8 }, 'AP 0.8'],
    ['pr', { points }, 'AUC 0.75']
  ] as const)('%s %j reads %s', (kind, curve, text) => {
    expect(curveAreaText(curve, kind)).toBe(text);
  });

  it('should put the average precision in a PR legend', () => {
    expect(
      JSON.stringify(prSpec([{ name: 'logreg #7', points, auc: 0.8 }]))
    ).toContain('logreg #7 (AP 0.8)');
  });
});

describe('step axes', () => {
  const axes = (spec: TopLevelSpec) =>
    (compiled(spec).spec.axes ?? []) as {
      scale: string;
      format?: string;
      tickMinStep?: number;
      labels?: boolean;
    }[];

  it('should tick whole steps only in learning curves', () => {
    const series = { step: [0, 1, 2], value: [3, 2, 1], time: [0, 1, 2] };
    const x = axes(learningCurveSpec([{ run, series }])).filter(
      a => a.scale === 'x' && a.labels !== false
    );
    expect(x[0]).toMatchObject({ format: '~s', tickMinStep: 1 });
  });

  it('should tick whole steps in the mean ± std bands, values in few digits', () => {
    const spec = meanStdBandSpec([
      { group: 'a', curves: [{ x: [0, 1, 2], y: [1, 2, 3] }] }
    ]);
    const x = axes(spec).filter(a => a.scale === 'x' && a.labels !== false);
    expect(x[0]).toMatchObject({ format: '~s', tickMinStep: 1 });
  });
});

/** The items of each mark type Vega draws for `spec` (headless). */
async function drawnItems(spec: TopLevelSpec): Promise<Record<string, number>> {
  const { parse, View } = await import('vega');
  const view = new View(parse(compile(spec).spec), { renderer: 'none' });
  await view.runAsync();
  const counts: Record<string, number> = {};
  type Scene = { marktype?: string; role?: string; items?: Scene[] };
  const visit = (node: Scene) => {
    if (node.marktype && node.role === 'mark' && node.items) {
      counts[node.marktype] = (counts[node.marktype] ?? 0) + node.items.length;
    }
    for (const child of node.items ?? []) {
      visit(child);
    }
  };
  visit((view.scenegraph() as unknown as { root: Scene }).root);
  view.finalize();
  return counts;
}

describe('drawn by Vega', () => {
  it('should draw a bar and a label per single value', async () => {
    const values = await drawnItems(
      runValuesSpec(run, [
        { metric: 'accuracy', value: 0.93 },
        { metric: 'f1', value: 0.875 }
      ])
    );
    expect(values.rect).toBe(2);
    expect(values.text).toBe(2);
  });

  it('should draw a bar, a rule and the runs of each group', async () => {
    const other = { ...run, id: '01RUN8', seq: 8 };
    const items = await drawnItems(
      groupBarsSpec([
        {
          group: 'C=1',
          runs: [
            { run, value: 0.8 },
            { run: other, value: 0.9 }
          ]
        },
        { group: 'C=10', runs: [{ run, value: 0.7 }] }
      ])
    );
    expect(items).toMatchObject({ rect: 2, rule: 2, symbol: 3 });
  });
});
