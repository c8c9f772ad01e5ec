/**
 * Charts of params against metrics across runs: a param-vs-metric scatter
 * and a metric-per-run bar chart.
 */
import type { MetricAggregate } from '../query/ast';
import type { IRunSummary, ParamValue } from '../run';
import { metricValue, numericParam } from '../stats/correlation';
import {
  chartText,
  describeBy,
  type IChartOptions,
  paramText,
  runScale,
  seriesLabels,
  topLevel,
  type TopLevelSpec
} from './common';

/** Options of `scatterSpec`. */
export interface IScatterOptions extends IChartOptions {
  param: string;
  metric: string;
  aggregate?: MetricAggregate;
  logX?: boolean;
  logY?: boolean;
}

/** A param (x) against a metric (y), one point per run. */
export function scatterSpec(
  runs: readonly IRunSummary[],
  options: IScatterOptions
): TopLevelSpec {
  const labels = seriesLabels(runs);
  const raw = runs.map(r =>
    r.params && Object.hasOwn(r.params, options.param)
      ? r.params[options.param]
      : undefined
  );
  const present = raw.filter(
    (v): v is ParamValue => v !== undefined && v !== null
  );
  const numeric = present.every(v => Number.isFinite(numericParam(v)));
  const values = runs.flatMap((r, i) => {
    const v = raw[i];
    const y = metricValue(r, options.metric, options.aggregate);
    const x =
      v === undefined || v === null
        ? null
        : numeric
          ? numericParam(v)
          : paramText(v);
    const ok = (n: number | string | null, log?: boolean) =>
      n !== null &&
      (typeof n === 'string' || (Number.isFinite(n) && (!log || n > 0)));
    return ok(x, numeric && options.logX) && ok(y, options.logY)
      ? [{ series: labels[i], x, y }]
      : [];
  });
  return {
    ...topLevel(options),
    data: { values },
    mark: {
      type: 'point',
      filled: true,
      tooltip: false
    },
    encoding: {
      ...describeBy('series'),
      // Each run in its color; the tooltip names it (a legend of every
      // run would crowd the chart).
      color: {
        field: 'series',
        type: 'nominal',
        scale: runScale(runs, labels),
        legend: null
      },
      x: numeric
        ? {
            field: 'x',
            type: 'quantitative',
            title: options.param,
            scale: options.logX ? { type: 'log' } : { zero: false }
          }
        : { field: 'x', type: 'nominal', title: options.param },
      y: {
        field: 'y',
        type: 'quantitative',
        title: options.metric,
        scale: options.logY ? { type: 'log' } : { zero: false }
      },
      tooltip: [
        { field: 'series', type: 'nominal' },
        { field: 'x', type: numeric ? 'quantitative' : 'nominal' },
        { field: 'y', type: 'quantitative' }
      ]
    }
  };
}

/** Options of `metricBarSpec`. */
export interface IBarOptions extends IChartOptions {
  metric: string;
  aggregate?: MetricAggregate;
  /** Bar order: by value (default descending) or as given. */
  sort?: 'descending' | 'ascending' | 'none';
}

/** A metric per run as bars; runs without the metric are left out. */
export function metricBarSpec(
  runs: readonly IRunSummary[],
  options: IBarOptions
): TopLevelSpec {
  const labels = seriesLabels(runs);
  const values = runs.flatMap((r, i) => {
    const v = metricValue(r, options.metric, options.aggregate);
    return Number.isFinite(v) ? [{ series: labels[i], value: v }] : [];
  });
  const sort = options.sort ?? 'descending';
  return {
    ...topLevel(options),
    data: { values },
    mark: { type: 'bar' },
    encoding: {
      ...describeBy('series'),
      color: {
        field: 'series',
        type: 'nominal',
        scale: runScale(runs, labels),
        legend: null
      },
      x: {
        field: 'series',
        type: 'nominal',
        title: chartText(options).run,
        sort: sort === 'none' ? null : sort === 'descending' ? '-y' : 'y'
      },
      // One bar per run: no stacking (with a color domain, Vega-Lite
      // would order a stack by an expression holding the run labels).
      y: {
        field: 'value',
        type: 'quantitative',
        title: options.metric,
        stack: null
      },
      tooltip: [
        { field: 'series', type: 'nominal' },
        { field: 'value', type: 'quantitative' }
      ]
    }
  };
}
