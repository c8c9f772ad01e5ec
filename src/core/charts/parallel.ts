/**
 * Parallel coordinates of params and a metric across runs.
 */
import type { MetricAggregate } from '../query/ast';
import type { IRunSummary, ParamValue } from '../run';
import { metricValue, numericParam } from '../stats/correlation';
import {
  colorScale,
  describeBy,
  finiteOrNull,
  formatNumber,
  type IChartOptions,
  paramText,
  seriesLabels,
  topLevel,
  type TopLevelSpec
} from './common';

/** Options of `parallelCoordinatesSpec`. */
export interface IParallelOptions extends IChartOptions {
  /** The params to show, one axis each, in this order. */
  params: readonly string[];
  /** The metric: the last axis, and the color of each line. */
  metric: string;
  aggregate?: MetricAggregate;
  /** Params (or the metric) drawn on a log axis (when all values > 0). */
  logAxes?: readonly string[];
}

interface IAxis {
  /** Normalized position in [0, 1] of each run, null when missing. */
  y: (number | null)[];
  /** Raw text of each run's value. */
  text: (string | null)[];
  /** Tick labels at their normalized positions. */
  ticks: { y: number; label: string }[];
}

/**
 * Lay out one axis: numeric when every present value is numeric (log10 if
 * asked and all are > 0), else categorical, categories spread evenly in
 * sorted order. Normalizing here keeps the spec free of expressions.
 */
function layoutAxis(raw: (ParamValue | undefined)[], log: boolean): IAxis {
  const present = raw.filter(
    (v): v is ParamValue => v !== undefined && v !== null
  );
  const nums = present.map(numericParam);
  if (present.length && nums.every(Number.isFinite)) {
    const useLog = log && nums.every(v => v > 0);
    const f = (v: number) => (useLog ? Math.log10(v) : v);
    const lo = Math.min(...nums);
    const hi = Math.max(...nums);
    const span = f(hi) - f(lo);
    const pos = (v: number) => (span > 0 ? (f(v) - f(lo)) / span : 0.5);
    const ticks =
      span > 0
        ? [
            { y: 0, label: formatNumber(lo) },
            { y: 1, label: formatNumber(hi) }
          ]
        : [{ y: 0.5, label: formatNumber(lo) }];
    return {
      y: raw.map(v =>
        v === undefined || v === null ? null : pos(numericParam(v))
      ),
      text: raw.map(v =>
        v === undefined || v === null ? null : formatNumber(numericParam(v))
      ),
      ticks
    };
  }
  const cats = [...new Set(present.map(paramText))].sort();
  const pos = (i: number) => (cats.length > 1 ? i / (cats.length - 1) : 0.5);
  const index = new Map(cats.map((c, i) => [c, i]));
  return {
    y: raw.map(v =>
      v === undefined || v === null ? null : pos(index.get(paramText(v)) ?? 0)
    ),
    text: raw.map(v => (v === undefined || v === null ? null : paramText(v))),
    ticks: cats.map((c, i) => ({ y: pos(i), label: c }))
  };
}

/**
 * Parallel coordinates: one vertical axis per param plus the metric, one
 * line per run colored by the metric. Axes are normalized in TypeScript and
 * labelled by text marks, so names and values never reach an expression.
 */
export function parallelCoordinatesSpec(
  runs: readonly IRunSummary[],
  options: IParallelOptions
): TopLevelSpec {
  const labels = seriesLabels(runs);
  const log = new Set(options.logAxes ?? []);
  const metricValues = runs.map(r =>
    metricValue(r, options.metric, options.aggregate)
  );
  const names = [...options.params, options.metric];
  const axes = names.map((name, a) =>
    layoutAxis(
      a < options.params.length
        ? runs.map(r =>
            r.params && Object.hasOwn(r.params, name)
              ? r.params[name]
              : undefined
          )
        : metricValues.map(v => (Number.isFinite(v) ? v : undefined)),
      log.has(name)
    )
  );
  const lines = runs.flatMap((_, i) =>
    axes.map((axis, a) => ({
      series: labels[i],
      axis: a,
      y: axis.y[i],
      value: axis.text[i],
      metric: finiteOrNull(metricValues[i])
    }))
  );
  const ticks = axes.flatMap((axis, a) =>
    axis.ticks.map(t => ({ axis: a, ...t }))
  );
  const titles = names.map((name, a) => ({ axis: a, y: 1.08, label: name }));
  const x = {
    field: 'axis',
    type: 'quantitative' as const,
    axis: null,
    scale: { domain: [0, Math.max(1, names.length - 1)], nice: false }
  };
  const y = {
    field: 'y',
    type: 'quantitative' as const,
    axis: null,
    scale: { domain: [0, 1.12], nice: false, zero: false }
  };
  const text = (
    align: 'left' | 'center',
    dx: number,
    values: object[],
    bold: boolean
  ) => ({
    data: { values },
    mark: {
      type: 'text' as const,
      align,
      dx,
      ...(bold ? { fontWeight: 'bold' as const } : {})
    },
    encoding: {
      ...describeBy('label'),
      x,
      y,
      text: { field: 'label', type: 'nominal' as const }
    }
  });
  return {
    ...topLevel(options),
    layer: [
      {
        data: { values: names.map((_, a) => ({ axis: a, y: 0, y2: 1 })) },
        mark: { type: 'rule', opacity: 0.5, aria: false },
        encoding: { x, y, y2: { field: 'y2' } }
      },
      {
        data: { values: lines },
        mark: { type: 'line', opacity: 0.7, strokeWidth: 1.5 },
        encoding: {
          ...describeBy('series'),
          x,
          y,
          detail: { field: 'series', type: 'nominal' },
          color: {
            field: 'metric',
            type: 'quantitative',
            title: options.metric,
            scale: colorScale(options),
            // Below, so it does not cover the metric axis on the right.
            legend: { orient: 'bottom', direction: 'horizontal' }
          },
          tooltip: [
            { field: 'series', type: 'nominal' },
            { field: 'value', type: 'nominal' },
            { field: 'metric', type: 'quantitative' }
          ]
        }
      },
      text('left', 4, ticks, false),
      text('center', 0, titles, true)
    ]
  };
}
