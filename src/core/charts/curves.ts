/**
 * Line charts of metric series: the learning-curve overlay (one color per
 * run, smoothed line over the faint raw one) and the mean ± std band per
 * group of runs.
 */
import { numberAxis } from '../numbers';
import type { IMetricSeries } from '../run';
import type { XAxis } from '../series/axis';
import { type ICurve, meanStdBand } from '../series/band';
import { type CurveCache, prepareCurve } from '../series/curve';
import { budgetForWidth, POINTS_PER_PIXEL } from '../series/downsample';
import {
  chartText,
  describeBy,
  colorScale,
  finiteOrNull,
  formatNumber,
  runScale,
  type IChartOptions,
  type INamed,
  seriesLabels,
  topLevel,
  type TopLevelSpec,
  uniqueLabels
} from './common';
import {
  type IHoverSeries,
  hiddenLegend,
  legendConfig,
  hiddenSeriesParam,
  hoverLayer,
  hoverRows,
  shownSeriesFilter,
  zoomParam
} from './interactive';

/** One run's series of the metric being drawn. */
export interface ICurveInput {
  run: INamed;
  series: IMetricSeries;
  /** Run start (ms since the epoch), the origin of the `relative` axis. */
  origin?: number;
}

/** Options of `learningCurveSpec`. */
export interface ILearningCurveOptions extends IChartOptions {
  /** y-axis title, usually the metric name. */
  metric?: string;
  /** Default `step`. */
  xAxis?: XAxis;
  /** TensorBoard smoothing weight in [0, 0.999]. Default 0 (off). */
  smoothing?: number;
  /** Log-scaled y; values ≤ 0 are left out (a log axis cannot show them). */
  logY?: boolean;
  /** Points per run at most. Default 4 per pixel of `width` (800 if unknown). */
  budget?: number;
  /** Opacity of the raw line under a smoothed one. Default 0.25. */
  rawOpacity?: number;
  /** Prepare curves through this memo (a view redrawing the same series). */
  cache?: CurveCache;
  /**
   * Zoom and pan, legend clicks that hide runs, the values of every run
   * at the pointer's x (`interactive.ts`). Default true.
   */
  interactive?: boolean;
}

function yScale(logY: boolean | undefined): { type: 'log' } | { zero: false } {
  return logY ? { type: 'log' } : { zero: false };
}

/**
 * The learning-curve overlay: each run's series, downsampled with M4 to the
 * pixel budget (spikes and NaN positions survive; NaN/±Inf become gaps),
 * drawn raw and, when smoothing is on, smoothed on top.
 *
 * Vega's cost is per row and per layer, and with the CSP-safe interpreter
 * every per-row expression is interpreted, so the spec keeps them few:
 * the rows are final (no transforms, no implicit parsing: `parse: null`),
 * kept in logging order (`order: null`: no sort per line), the lines are
 * `aria: false` (a per-point description is unused on a canvas and would
 * cost an expression per point and layer; the chart's figure carries the
 * label), and only the top layer has a tooltip, the run's name (the faint
 * raw line under a smoothed one is not what the pointer is on). The
 * smoothed line has its own dataset with one point per M4 bucket.
 */
export function learningCurveSpec(
  curves: readonly ICurveInput[],
  options: ILearningCurveOptions = {}
): TopLevelSpec {
  const axis = options.xAxis ?? 'step';
  const text = chartText(options);
  const smoothing = options.smoothing ?? 0;
  const budget =
    options.budget ??
    budgetForWidth(typeof options.width === 'number' ? options.width : 800);
  const labels = seriesLabels(curves.map(c => c.run));
  const keep = (v: number) =>
    options.logY ? (v > 0 && Number.isFinite(v) ? v : null) : finiteOrNull(v);
  const values: ICurveRow[] = [];
  const smoothedValues: ISmoothedRow[] = [];
  const interactive = options.interactive ?? true;
  const hover: IHoverSeries[] = [];
  curves.forEach((c, k) => {
    const curveOptions = { xAxis: axis, smoothing, budget, origin: c.origin };
    const p = options.cache
      ? options.cache.prepare(c.series, curveOptions)
      : prepareCurve(c.series, curveOptions);
    const label = labels[k];
    const n = p.x.length;
    // M4 keeps up to four points per pixel bucket (first, min, max, last)
    // for the raw line's spikes; the EMA has none, so one point per bucket
    // draws the same smoothed line with a quarter of the rows. Points that
    // cannot be drawn are always kept: they are the gaps.
    const every =
      smoothing > 0 ? (n < c.series.value.length ? POINTS_PER_PIXEL : 1) : 0;
    if (interactive) {
      // The hover table reads the line on top: smoothed when it is drawn.
      hover.push({
        label,
        x: p.x,
        y: Array.from(smoothing > 0 ? p.smoothed : p.value, keep)
      });
    }
    for (let i = 0; i < n; i++) {
      const smoothed = keep(p.smoothed[i]);
      values.push({
        series: label,
        x: p.x[i],
        step: p.step[i],
        value: keep(p.value[i]),
        smoothed
      });
      if (
        every > 0 &&
        (i % every === every - 1 || i === 0 || i === n - 1 || smoothed === null)
      ) {
        smoothedValues.push({
          series: label,
          x: p.x[i],
          step: p.step[i],
          smoothed
        });
      }
    }
  });
  const x = {
    field: 'x',
    type: axis === 'wall' ? ('temporal' as const) : ('quantitative' as const),
    title:
      axis === 'step'
        ? text.step
        : axis === 'wall'
          ? text.time
          : text.relativeTime,
    ...(axis === 'step' ? { axis: numberAxis('step') } : {})
  };
  const color = {
    field: 'series',
    type: 'nominal' as const,
    title: text.run,
    scale: runScale(
      curves.map(c => c.run),
      labels
    ),
    // The raw layer comes first and is faint; keep the legend solid.
    legend: {
      symbolOpacity: 1,
      ...(interactive ? hiddenLegend() : {})
    }
  };
  // A line is one path: Vega's hit test answers with its first point, so
  // a step or value in the tooltip would be that point's, wherever the
  // pointer is. The run is what hovering a line can tell.
  const tooltip = [
    { field: 'series', type: 'nominal' as const, title: text.run }
  ];
  const line = (
    field: 'value' | 'smoothed',
    opacity: number,
    top: boolean,
    first: boolean
  ) => ({
    ...(interactive ? { transform: [shownSeriesFilter()] } : {}),
    mark: {
      type: 'line' as const,
      opacity,
      strokeWidth: 1.5,
      aria: false,
      // Rows come in logging order: no sort per line.
      order: null
    },
    encoding: {
      x,
      y: {
        field,
        type: 'quantitative' as const,
        title: options.metric ?? text.value,
        scale: yScale(options.logY)
      },
      // The legend encoding only where the legend-bound param is: that
      // layer's explicit encoding is the one Vega-Lite keeps.
      color: first ? color : { ...color, legend: { symbolOpacity: 1 } },
      ...(top ? { tooltip } : {})
    }
  });
  // The params live on the first layer; Vega-Lite shares them (and the
  // scales they bind) with the others.
  const lines = [
    {
      ...line(
        'value',
        smoothing > 0 ? (options.rawOpacity ?? 0.25) : 1,
        !smoothing,
        true
      ),
      ...(interactive ? { params: [zoomParam(), hiddenSeriesParam()] } : {})
    },
    ...(smoothing > 0
      ? [
          {
            data: { values: smoothedValues, format: { parse: null } },
            ...line('smoothed', 1, true, false)
          }
        ]
      : [])
  ];
  const hoverTitle = (v: number) =>
    `${x.title}: ${axis === 'wall' ? new Date(v).toISOString() : formatNumber(v)}`;
  const top = topLevel(options);
  return {
    ...top,
    ...(interactive ? { config: legendConfig(top.config) } : {}),
    data: { values, format: { parse: null } },
    layer: interactive
      ? [...lines, hoverLayer(hoverRows(hover, hoverTitle), x)]
      : lines
  } as TopLevelSpec;
}

/** One row of the smoothed line (its own, sparser dataset). */
interface ISmoothedRow {
  series: string;
  x: number;
  step: number;
  smoothed: number | null;
}

/** One data row of the overlay (the raw line; `smoothed` for CSV). */
interface ICurveRow {
  series: string;
  x: number;
  step: number;
  value: number | null;
  smoothed: number | null;
}

/** A group of runs for the band chart: e.g. the seeds of one config. */
export interface IBandGroup {
  group: string;
  curves: readonly ICurve[];
}

/** Options of `meanStdBandSpec`. */
export interface IBandChartOptions extends IChartOptions {
  metric?: string;
  /** x-axis title; the curves' x are drawn as given. Default `Step`. */
  xTitle?: string;
  /** Bin x into this many bins (see `meanStdBand`). */
  bins?: number;
  logY?: boolean;
  /** Opacity of the ±1 std band. Default 0.2. */
  bandOpacity?: number;
  /** Zoom and pan, legend clicks that hide groups, values at the pointer. Default true. */
  interactive?: boolean;
}

/** Mean line and ±1 std band per group, one color per group. */
export function meanStdBandSpec(
  groups: readonly IBandGroup[],
  options: IBandChartOptions = {}
): TopLevelSpec {
  const text = chartText(options);
  const labels = uniqueLabels(groups.map(g => g.group));
  const positive = (v: number) => (options.logY && !(v > 0) ? null : v);
  const values = groups.flatMap((g, k) =>
    meanStdBand(g.curves, { bins: options.bins }).map(p => ({
      series: labels[k],
      x: p.x,
      mean: positive(p.mean),
      lo: positive(p.mean - p.std),
      hi: positive(p.mean + p.std),
      n: p.n
    }))
  );
  const x = {
    field: 'x',
    type: 'quantitative' as const,
    title: options.xTitle ?? text.step,
    axis: numberAxis(options.xTitle === undefined ? 'step' : 'value')
  };
  const interactive = options.interactive ?? true;
  // A hidden group's rows are filtered out: the domain is explicit so its
  // legend entry stays (to be clicked back), in Vega-Lite's own order for
  // a nominal domain (ascending), so every group keeps its colour.
  const shown = [...new Set(values.map(v => v.series))].sort();
  const color = {
    field: 'series',
    type: 'nominal' as const,
    title: text.group,
    scale: interactive
      ? { domain: shown, ...colorScale(options) }
      : colorScale(options)
  };
  const y = {
    type: 'quantitative' as const,
    title: options.metric ?? text.value,
    scale: yScale(options.logY)
  };
  const top = topLevel(options);
  return {
    ...top,
    ...(interactive ? { config: legendConfig(top.config) } : {}),
    data: { values },
    layer: [
      {
        ...(interactive
          ? {
              params: [zoomParam(), hiddenSeriesParam()],
              transform: [shownSeriesFilter()]
            }
          : {}),
        mark: { type: 'area', opacity: options.bandOpacity ?? 0.2 },
        encoding: {
          ...describeBy('series'),
          x,
          y: { ...y, field: 'lo' },
          y2: { field: 'hi' },
          color: interactive ? { ...color, legend: hiddenLegend() } : color
        }
      },
      {
        ...(interactive ? { transform: [shownSeriesFilter()] } : {}),
        mark: { type: 'line', strokeWidth: 2 },
        encoding: {
          ...describeBy('series'),
          x,
          y: { ...y, field: 'mean' },
          color,
          tooltip: [
            { field: 'series', type: 'nominal' },
            { field: 'x', type: 'quantitative' },
            { field: 'mean', type: 'quantitative' },
            { field: 'lo', type: 'quantitative' },
            { field: 'hi', type: 'quantitative' },
            { field: 'n', type: 'quantitative' }
          ]
        }
      },
      ...(interactive
        ? [
            hoverLayer(
              hoverRows(
                labels.map(label => {
                  const rows = values.filter(v => v.series === label);
                  return {
                    label,
                    x: rows.map(r => r.x),
                    y: rows.map(r => r.mean)
                  };
                }),
                v => `${x.title}: ${formatNumber(v)}`
              ),
              x
            )
          ]
        : [])
    ]
  } as TopLevelSpec;
}
