/**
 * Metrics a run logged once, drawn as what they are: values, not curves.
 *
 * A metric with one point has no line to draw (a Vega-Lite line needs two
 * points): drawn as a learning curve it gave an empty plot with a step axis
 * of one tick. `splitMetrics` tells the curves from the single values,
 * `loggedOnce` decides it for a metric across compared runs, and the specs
 * here draw single values as bars: one run's values (the run detail), and
 * each group's mean ± std with its runs as points (the Groups pane).
 * Compare's Curves pane draws one bar per run with `metricBarSpec`.
 */
import { formatNumber } from '../numbers';
import { fromJsonNumber } from '../run';
import { runColor } from '../runs/names';
import {
  chartText,
  colorScale,
  describeBy,
  type IChartOptions,
  type INamed,
  seriesLabels,
  topLevel,
  type TopLevelSpec,
  uniqueLabels
} from './common';

/** A metric's aggregates as records and summaries keep them. */
interface ICounted {
  count: number;
  last: unknown;
}

/** A metric and its one value. */
export interface ISingleValue {
  metric: string;
  value: number;
}

/**
 * A run's metrics by what can be drawn of them, names sorted: `curves`
 * (more than one point: a learning curve) and `values` (one point, its
 * value; non-finite values are kept, the specs leave them out).
 */
export function splitMetrics(
  metrics: Readonly<Record<string, ICounted>> | undefined
): { curves: string[]; values: ISingleValue[] } {
  const curves: string[] = [];
  const values: ISingleValue[] = [];
  for (const name of Object.keys(metrics ?? {}).sort()) {
    const m = metrics![name];
    if (m.count > 1) {
      curves.push(name);
    } else if (m.count === 1) {
      values.push({ metric: name, value: fromJsonNumber(m.last) });
    }
  }
  return { curves, values };
}

/**
 * Whether `metric` is a value per run rather than a curve: at least one
 * of `runs` logged it, and none more than once.
 */
export function loggedOnce(
  runs: readonly { metrics?: Readonly<Record<string, { count: number }>> }[],
  metric: string
): boolean {
  let seen = false;
  for (const r of runs) {
    const m =
      r.metrics && Object.hasOwn(r.metrics, metric)
        ? r.metrics[metric]
        : undefined;
    if (!m || m.count < 1) {
      continue;
    }
    if (m.count > 1) {
      return false;
    }
    seen = true;
  }
  return seen;
}

/** Pixels per bar of a horizontal bar chart. */
const BAR_STEP = 26;

/**
 * One run's single values as horizontal bars in the run's colour, one per
 * metric, each labelled with its value (`formatNumber`: the table's text).
 * Bars start at zero on one shared axis; the label says the value where
 * the metrics' scales differ. Non-finite values are left out.
 */
export function runValuesSpec(
  run: INamed & { experiment: string },
  values: readonly ISingleValue[],
  options: IChartOptions = {}
): TopLevelSpec {
  const text = chartText(options);
  const metrics = uniqueLabels(values.map(v => v.metric));
  const rows = values.flatMap((v, i) =>
    Number.isFinite(v.value)
      ? [{ metric: metrics[i], value: v.value, label: formatNumber(v.value) }]
      : []
  );
  const y = {
    field: 'metric',
    type: 'nominal' as const,
    // Data order (sorted names), no sort expression.
    sort: null,
    title: null
  };
  const x = {
    field: 'value',
    type: 'quantitative' as const,
    title: text.value
  };
  return {
    ...topLevel({
      ...options,
      height: options.height ?? Math.max(1, rows.length) * BAR_STEP
    }),
    data: { values: rows },
    layer: [
      {
        mark: { type: 'bar', color: runColor(run) },
        encoding: {
          ...describeBy('label'),
          y,
          x: { ...x, stack: null },
          tooltip: [
            { field: 'metric', type: 'nominal', title: text.metric },
            { field: 'label', type: 'nominal', title: text.value }
          ]
        }
      },
      {
        mark: { type: 'text', align: 'left', dx: 4 },
        encoding: {
          ...describeBy('label'),
          y,
          x,
          text: { field: 'label', type: 'nominal' }
        }
      }
    ]
  };
}

/** A group of runs and each run's value of the metric. */
export interface IGroupValues {
  group: string;
  runs: readonly { run: INamed; value: number }[];
}

/** Options of `groupBarsSpec`. */
export interface IGroupBarsOptions extends IChartOptions {
  /** y-axis title, usually the metric name. */
  metric?: string;
  /** Colour of the runs' points. Default gray, readable in both themes. */
  pointColor?: string;
}

/**
 * A metric logged once per run, by group: a bar at each group's mean, a
 * rule over mean ± sample std (groups of two runs or more), and each run
 * as a point (named in its tooltip). Non-finite values are left out.
 */
export function groupBarsSpec(
  groups: readonly IGroupValues[],
  options: IGroupBarsOptions = {}
): TopLevelSpec {
  const text = chartText(options);
  const names = uniqueLabels(groups.map(g => g.group));
  const bars: {
    series: string;
    mean: number;
    lo: number;
    hi: number;
    n: number;
  }[] = [];
  const points: { series: string; run: string; value: number }[] = [];
  groups.forEach((g, k) => {
    const kept = g.runs.filter(r => Number.isFinite(r.value));
    if (!kept.length) {
      return;
    }
    const labels = seriesLabels(kept.map(r => r.run));
    const n = kept.length;
    const mean = kept.reduce((s, r) => s + r.value, 0) / n;
    const std =
      n > 1
        ? Math.sqrt(
            kept.reduce((s, r) => s + (r.value - mean) ** 2, 0) / (n - 1)
          )
        : 0;
    bars.push({ series: names[k], mean, lo: mean - std, hi: mean + std, n });
    kept.forEach((r, i) =>
      points.push({ series: names[k], run: labels[i], value: r.value })
    );
  });
  const x = {
    field: 'series',
    type: 'nominal' as const,
    sort: null,
    title: text.group
  };
  const y = {
    type: 'quantitative' as const,
    title: options.metric ?? text.value
  };
  return {
    ...topLevel(options),
    data: { values: bars },
    layer: [
      {
        mark: { type: 'bar', opacity: 0.8 },
        encoding: {
          ...describeBy('series'),
          x,
          y: { ...y, field: 'mean', stack: null },
          color: {
            field: 'series',
            type: 'nominal',
            title: text.group,
            scale: colorScale(options),
            legend: null
          },
          tooltip: [
            { field: 'series', type: 'nominal', title: text.group },
            { field: 'mean', type: 'quantitative' },
            { field: 'n', type: 'quantitative' }
          ]
        }
      },
      {
        mark: { type: 'rule', strokeWidth: 2, aria: false },
        encoding: { x, y: { ...y, field: 'lo' }, y2: { field: 'hi' } }
      },
      {
        data: { values: points },
        mark: {
          type: 'point',
          filled: true,
          size: 50,
          color: options.pointColor ?? 'gray'
        },
        encoding: {
          ...describeBy('run'),
          x,
          y: { ...y, field: 'value' },
          tooltip: [
            { field: 'run', type: 'nominal', title: text.run },
            { field: 'value', type: 'quantitative' }
          ]
        }
      }
    ]
  };
}
