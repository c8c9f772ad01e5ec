import Ajv from 'ajv';
import { compile, type TopLevelSpec } from 'vega-lite';
import schema from 'vega-lite/vega-lite-schema.json';
import type { IMetricSeries, IRunSummary } from '../../run';
import { runColor } from '../../runs/names';
import {
  confusionMatrixSpec,
  externalReferences,
  fieldRef,
  learningCurveSpec,
  meanStdBandSpec,
  metricBarSpec,
  parallelCoordinatesSpec,
  prSpec,
  rocSpec,
  scatterSpec,
  seriesLabels,
  trapezoidAuc,
  uniqueLabels
} from '../index';

const EVIL_RUN = "a'+alert(1)+'";
const EVIL_METRIC = 'a.b[0]';
const EVIL_PARAM = 'p"]);alert(2);//';
const EVIL_VALUE = "'+datum.x+'";

function series(n: number, f: (i: number) => number): IMetricSeries {
  return {
    step: Array.from({ length: n }, (_, i) => i),
    value: Array.from({ length: n }, (_, i) => f(i)),
    time: Array.from({ length: n }, (_, i) => 1_700_000_000_000 + i * 1000)
  };
}

function run(id: string, name: string | undefined, i: number): IRunSummary {
  return {
    id,
    name,
    notebookPath: 'nb.ipynb',
    experiment: 'e',
    status: 'ok',
    startedAt: '2026-11-28T00:00:00Z',
    endedAt: null,
    durationMs: null,
    executionCount: i,
    params: {
      lr: 10 ** -(i + 1),
      model: i % 2 ? 'cnn' : EVIL_VALUE,
      [EVIL_PARAM]: i,
      ...(i === 2 ? {} : { depth: i + 2 })
    },
    metrics: {
      [EVIL_METRIC]: {
        last: 0.5 + i / 10,
        min: 0.1,
        max: 0.9,
        count: 5,
        lastStep: 4
      },
      loss: { last: 1 / (i + 1), min: 0.1, max: 2, count: 5, lastStep: 4 }
    }
  };
}

const RUNS = [
  run('01A', EVIL_RUN, 0),
  run('01B', 'plain', 1),
  run('01C', undefined, 2),
  run('01D', EVIL_RUN, 3)
];
const curves = RUNS.map((r, k) => ({
  run: r,
  series: series(5000, i => (i === 1234 ? NaN : Math.exp(-i / 1000) + k)),
  origin: 1_700_000_000_000
}));
const rocPoints = [
  { x: 0, y: 0 },
  { x: 0.1, y: 0.6 },
  { x: 0.4, y: 0.9 },
  { x: 1, y: 1 }
];

const SPECS: [string, () => TopLevelSpec][] = [
  [
    'learning curves by step',
    () =>
      learningCurveSpec(curves, {
        metric: EVIL_METRIC,
        smoothing: 0.6,
        width: 200
      })
  ],
  [
    'learning curves by wall time, log y',
    () => learningCurveSpec(curves, { xAxis: 'wall', logY: true, budget: 100 })
  ],
  [
    'learning curves, relative, unsmoothed, colors',
    () =>
      learningCurveSpec(curves, {
        xAxis: 'relative',
        colors: ['#111', '#222'],
        config: { axis: { labelColor: '#999' } }
      })
  ],
  [
    'parallel coordinates',
    () =>
      parallelCoordinatesSpec(RUNS, {
        params: ['lr', 'model', 'depth', EVIL_PARAM],
        metric: EVIL_METRIC,
        logAxes: ['lr']
      })
  ],
  [
    'scatter numeric, log x',
    () => scatterSpec(RUNS, { param: 'lr', metric: EVIL_METRIC, logX: true })
  ],
  [
    'scatter categorical',
    () =>
      scatterSpec(RUNS, {
        param: 'model',
        metric: 'loss',
        logY: true,
        colors: ['red']
      })
  ],
  [
    'bar',
    () => metricBarSpec(RUNS, { metric: EVIL_METRIC, title: EVIL_METRIC })
  ],
  [
    'bar unsorted',
    () =>
      metricBarSpec(RUNS, {
        metric: 'loss',
        sort: 'none',
        aggregate: 'min',
        height: 'container'
      })
  ],
  [
    'confusion matrix',
    () =>
      confusionMatrixSpec(
        [EVIL_RUN, 'cat', EVIL_METRIC],
        [
          [5, 1, 0],
          [2, 7, 1],
          [0, 0, 9]
        ]
      )
  ],
  [
    'confusion matrix normalized',
    () =>
      confusionMatrixSpec(
        ['a', 'b'],
        [
          [5, 1],
          [0, 0]
        ],
        { normalize: true, textColors: ['#000', '#fff'] }
      )
  ],
  [
    'ROC',
    () =>
      rocSpec([
        { name: EVIL_RUN, points: rocPoints },
        { name: 'b', points: rocPoints, auc: 0.5 }
      ])
  ],
  [
    'PR',
    () =>
      prSpec([
        {
          name: EVIL_RUN,
          points: [
            { x: 0, y: 1 },
            { x: 0.5, y: 0.8 },
            { x: 1, y: 0.4 }
          ]
        }
      ])
  ],
  [
    'mean ± std band',
    () =>
      meanStdBandSpec(
        [
          {
            group: EVIL_RUN,
            curves: curves.map(c => ({ x: c.series.step, y: c.series.value }))
          },
          { group: 'b', curves: [] }
        ],
        { metric: EVIL_METRIC, bins: 50 }
      )
  ],
  ['empty learning curves', () => learningCurveSpec([])]
];

/** Every string found under an expression-bearing key of a (Vega or VL) spec. */
function expressionStrings(
  node: unknown,
  out: string[] = [],
  key = ''
): string[] {
  const EXPR_KEYS = new Set([
    'expr',
    'calculate',
    'filter',
    'test',
    'update',
    'signal',
    'labelExpr',
    'init',
    'on',
    'events'
  ]);
  if (typeof node === 'string') {
    if (EXPR_KEYS.has(key)) {
      out.push(node);
    }
  } else if (Array.isArray(node)) {
    node.forEach(v => expressionStrings(v, out, key));
  } else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      // Data values are data: that is exactly where user text belongs.
      if (k === 'values') {
        continue;
      }
      expressionStrings(v, out, k);
    }
  }
  return out;
}

/** A logger that records Vega-Lite's warnings. */
function recordingLogger() {
  const messages: string[] = [];
  let level = 0;
  const logger = {
    level(l?: number) {
      if (l === undefined) {
        return level;
      }
      level = l;
      return logger;
    },
    error: (...args: readonly unknown[]) => (
      messages.push(`error: ${args.join(' ')}`),
      logger
    ),
    warn: (...args: readonly unknown[]) => (
      messages.push(`warn: ${args.join(' ')}`),
      logger
    ),
    info: () => logger,
    debug: () => logger
  };
  return { logger, messages };
}

describe('charts: specs', () => {
  const ajv = new Ajv({ allowUnionTypes: true, strict: false });
  const validate = ajv.compile(schema);

  it.each(SPECS)('%s validates against the Vega-Lite schema', (_, make) => {
    const spec = make();
    const ok = validate(spec);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it.each(SPECS)('%s compiles without warnings', (_, make) => {
    const { logger, messages } = recordingLogger();
    const { spec } = compile(make(), { logger });
    expect(messages).toEqual([]);
    expect(spec.marks?.length).toBeGreaterThan(0);
  });

  it.each(SPECS)(
    '%s carries its data inline, before and after compiling',
    (_, make) => {
      const spec = make();
      expect(externalReferences(spec)).toEqual([]);
      const compiled = compile(spec, { logger: recordingLogger().logger }).spec;
      expect(externalReferences(compiled)).toEqual([]);
    }
  );

  it.each(SPECS)('%s keeps user text out of expressions', (_, make) => {
    const spec = make();
    const compiled = compile(spec, { logger: recordingLogger().logger }).spec;
    const exprs = [...expressionStrings(spec), ...expressionStrings(compiled)];
    for (const e of exprs) {
      for (const evil of [
        EVIL_RUN,
        EVIL_METRIC,
        EVIL_PARAM,
        EVIL_VALUE,
        'alert',
        'a.b'
      ]) {
        expect(e).not.toContain(evil);
      }
    }
  });

  it('should carry the hostile names as data', () => {
    const json = JSON.stringify(learningCurveSpec(curves));
    expect(json).toContain(JSON.stringify(EVIL_RUN).slice(1, -1));
    const pc = JSON.stringify(
      parallelCoordinatesSpec(RUNS, {
        params: [EVIL_PARAM],
        metric: EVIL_METRIC
      })
    );
    expect(pc).toContain(JSON.stringify(EVIL_PARAM).slice(1, -1));
  });
});

describe('charts: data preparation', () => {
  it('should downsample each run to the budget and keep gaps for NaN', () => {
    const spec = learningCurveSpec(curves, { budget: 100 }) as {
      data: { values: { series: string; value: number | null }[] };
    };
    const rows = spec.data.values;
    const perRun = new Map<string, number>();
    rows.forEach(r => perRun.set(r.series, (perRun.get(r.series) ?? 0) + 1));
    expect([...perRun.values()].every(n => n <= 100)).toBe(true);
    expect(perRun.size).toBe(4);
    expect(rows.some(r => r.value === null)).toBe(true);
  });

  it('should draw the smoothed line from one point per bucket, gaps kept', () => {
    type Row = { series: string; x: number; smoothed: number | null };
    const spec = learningCurveSpec(curves, { budget: 100, smoothing: 0.6 }) as {
      data: { values: Row[] };
      layer: { data?: { values: Row[] }; encoding: { tooltip?: unknown } }[];
    };
    const raw = spec.data.values.filter(
      r => r.series === spec.data.values[0].series
    );
    const smooth = spec.layer[1].data!.values.filter(
      r => r.series === raw[0].series
    );
    // About a quarter of the raw rows (four per M4 bucket), never more
    // than a third, and every one of them a point of the raw line's x.
    expect(smooth.length).toBeLessThan(raw.length / 3);
    expect(smooth.length).toBeGreaterThanOrEqual(raw.length / 4);
    const rawX = new Set(raw.map(r => r.x));
    expect(smooth.every(r => rawX.has(r.x))).toBe(true);
    expect(smooth[0].x).toBe(raw[0].x);
    expect(smooth[smooth.length - 1].x).toBe(raw[raw.length - 1].x);
    // The NaN at step 1234 stays a gap in the smoothed line too.
    expect(smooth.some(r => r.x === 1234 && r.smoothed === null)).toBe(true);
    // The tooltip names the run: a line's hit test gives its first point,
    // so a per-point value would be wrong wherever the pointer is.
    expect(spec.layer[1].encoding.tooltip).toEqual([
      { field: 'series', type: 'nominal', title: 'Run' }
    ]);
    expect(spec.layer[0].encoding.tooltip).toBeUndefined();
  });

  it('should keep every smoothed point of a series that was not downsampled', () => {
    const spec = learningCurveSpec(
      [{ run: { id: 'r' }, series: series(50, i => i) }],
      { budget: 100, smoothing: 0.5 }
    ) as { layer: { data?: { values: unknown[] } }[] };
    expect(spec.layer[1].data!.values).toHaveLength(50);
  });

  it('should leave each line in logging order (no sort in Vega)', () => {
    const vg = JSON.stringify(
      compile(learningCurveSpec(curves, { smoothing: 0.5 })).spec.marks
    );
    expect(vg).toContain('"type":"line"');
    expect(vg).not.toContain('"sort"');
  });

  it('should label runs uniquely', () => {
    expect(
      seriesLabels([
        { id: '01AAAAAA1', name: 'x' },
        { id: '01AAAAAA2', name: 'x' },
        { id: 'r3' }
      ])
    ).toEqual(['x (AAAAA1)', 'x (AAAAA2)', 'r3']);
    expect(uniqueLabels(['a', 'a', 'a (2)', 'a'])).toEqual([
      'a',
      'a (2)',
      'a (2) (2)',
      'a (3)'
    ]);
  });

  it('should escape field references', () => {
    expect(fieldRef(EVIL_METRIC)).toBe('a\\.b\\[0\\]');
    expect(fieldRef('plain')).toBe('plain');
    expect(fieldRef('back\\slash')).toBe('back\\\\slash');
  });

  it('should compute AUC by the trapezoid rule', () => {
    expect(trapezoidAuc(rocPoints)).toBeCloseTo(0.03 + 0.225 + 0.57, 12);
    expect(
      trapezoidAuc([
        { x: 1, y: 1 },
        { x: 0, y: 0 }
      ])
    ).toBe(0.5);
    expect(trapezoidAuc([])).toBe(0);
  });

  it('should reject a matrix that does not fit the labels', () => {
    expect(() => confusionMatrixSpec(['a', 'b'], [[1, 2]])).toThrow(RangeError);
  });

  it('should put the AUC in the legend label', () => {
    const spec = JSON.stringify(
      rocSpec([{ name: 'm', points: rocPoints, auc: 0.9123 }])
    );
    expect(spec).toContain('m (AUC 0.9123)');
  });
});

describe('charts: run names, colors and numbers', () => {
  const numbered = [1, 2, 3].map(seq => ({
    ...run(`01E${seq}`, undefined, seq),
    experiment: 'logreg',
    seq
  }));
  type Scale = { domain: string[]; range: string[] };
  const colorOf = (scale: Scale, label: string) =>
    scale.range[scale.domain.indexOf(label)];
  const vegaAxes = (spec: TopLevelSpec) =>
    (compile(spec).spec.axes ?? []) as {
      scale: string;
      format?: string;
      labels?: boolean;
    }[];

  it('should call runs by name and give each its own color', () => {
    const spec = learningCurveSpec(
      numbered.map(r => ({ run: r, series: series(10, i => i) })),
      { width: 400 }
    );
    const scale = (
      spec as { layer: { encoding: { color: { scale: Scale } } }[] }
    ).layer[0].encoding.color.scale;
    expect(scale.domain).toEqual(['logreg #1', 'logreg #2', 'logreg #3']);
    expect(new Set(scale.range).size).toBe(3);
    numbered.forEach(r =>
      expect(colorOf(scale, `logreg #${r.seq}`)).toBe(runColor(r))
    );
  });

  it('should draw a run in the same color in curves, bars and scatter', () => {
    const curve = learningCurveSpec(
      numbered.map(r => ({ run: r, series: series(10, i => i) }))
    ) as { layer: { encoding: { color: { scale: Scale } } }[] };
    const bar = metricBarSpec(numbered, { metric: 'loss' }) as {
      encoding: { color: { scale: Scale } };
    };
    const scatter = scatterSpec(numbered, { param: 'lr', metric: 'loss' }) as {
      encoding: { color: { scale: Scale } };
    };
    for (const label of ['logreg #1', 'logreg #3']) {
      const c = colorOf(curve.layer[0].encoding.color.scale, label);
      expect(colorOf(bar.encoding.color.scale, label)).toBe(c);
      expect(colorOf(scatter.encoding.color.scale, label)).toBe(c);
    }
  });

  it('should color ROC curves by the colors given', () => {
    const spec = rocSpec([
      { name: 'a', points: rocPoints, auc: 0.5, color: '#111111' },
      { name: 'b', points: rocPoints, auc: 0.25, color: '#222222' }
    ]) as { layer: { encoding: { color?: { scale: Scale } } }[] };
    expect(spec.layer[1].encoding.color!.scale).toEqual({
      domain: ['a (AUC 0.5)', 'b (AUC 0.25)'],
      range: ['#111111', '#222222']
    });
  });

  it('should format axes with d3-format strings: SI steps, few-digit values', () => {
    const spec = learningCurveSpec(
      [{ run: numbered[0], series: series(20000, i => 2.5e275 + i) }],
      { width: 400 }
    );
    const formats = vegaAxes(spec)
      .filter(a => a.labels !== false)
      .map(a => `${a.scale}:${a.format}`);
    expect(formats).toContain('x:~s');
    expect(formats).toContain('y:.4~g');
  });
});
