/**
 * One learning curve ready to draw: downsampled, smoothed and its x
 * transformed, in that order of cost but with the semantics of "smooth the
 * full series, then downsample":
 *
 * - M4 picks the indices to keep on the raw values (so their spikes
 *   survive), bucketing by step or by time; `relative` time is an affine
 *   transform of the logging time, so it buckets exactly like `wall` and
 *   is computed for the kept points only.
 * - The smoothed line is the EMA of the full series read at those indices
 *   (`emaSmoothAt`: one pass, no full-length array), so it does not change
 *   with the chart's width; smoothing the downsampled points instead would
 *   average M4's extremes as if they were neighbours.
 * - Nothing is copied when the series fits the budget and is not smoothed:
 *   the columns are returned as they are (read-only).
 *
 * `CurveCache` memoizes both steps per series object, so redrawing after a
 * change of log scale, reference run or width reuses the kept indices, and
 * moving the smoothing slider costs one EMA pass per run.
 */
import type { IMetricSeries } from '../run';
import type { XAxis } from './axis';
import { m4Indices } from './downsample';
import { emaSmoothAt } from './smoothing';

/** Options of `prepareCurve`. */
export interface ICurveOptions {
  /** Default `step`. */
  xAxis?: XAxis;
  /** TensorBoard smoothing weight in [0, 0.999]; default 0 (off). */
  smoothing?: number;
  /** At most this many points; default: no downsampling. */
  budget?: number;
  /** For `relative` x: ms since the epoch to count from (the run start). */
  origin?: number;
}

/**
 * Columns of a prepared curve. `smoothed` equals `value` when off. The
 * arrays may be the series' own columns: do not mutate them.
 */
export interface ICurvePoints {
  readonly x: readonly number[];
  readonly step: readonly number[];
  readonly value: readonly number[];
  readonly smoothed: readonly number[];
}

/** The column M4 buckets by for an axis (`relative` buckets like `wall`). */
function bucketColumn(series: IMetricSeries, axis: XAxis): readonly number[] {
  return axis === 'step' ? series.step : series.time;
}

/**
 * Indices kept for `budget` points on `axis`, or null when the whole
 * series fits.
 */
export function curveIndices(
  series: IMetricSeries,
  axis: XAxis,
  budget: number | undefined
): Int32Array | null {
  const n = series.value.length;
  if (!budget || n <= budget) {
    return null;
  }
  return m4Indices(bucketColumn(series, axis), series.value, budget).indices;
}

/** `col` at `indices`, or `col` itself when null. */
function take(
  col: readonly number[],
  indices: Int32Array | null
): readonly number[] {
  if (!indices) {
    return col;
  }
  const out = new Array<number>(indices.length);
  for (let k = 0; k < indices.length; k++) {
    out[k] = col[indices[k]];
  }
  return out;
}

/** The first finite value, or 0. */
function firstFinite(values: readonly number[]): number {
  for (const v of values) {
    if (Number.isFinite(v)) {
      return v;
    }
  }
  return 0;
}

/** The x column of the kept points. */
function xColumn(
  series: IMetricSeries,
  axis: XAxis,
  indices: Int32Array | null,
  origin: number | undefined
): readonly number[] {
  if (axis === 'step') {
    return take(series.step, indices);
  }
  const time = take(series.time, indices);
  if (axis === 'wall') {
    return time;
  }
  const t0 = origin ?? firstFinite(series.time);
  return time.map(t => (t - t0) / 1000);
}

/** Assemble a curve from kept indices and a smoothed column. */
function assemble(
  series: IMetricSeries,
  axis: XAxis,
  indices: Int32Array | null,
  origin: number | undefined,
  smoothed: readonly number[] | null
): ICurvePoints {
  const value = take(series.value, indices);
  return {
    x: xColumn(series, axis, indices, origin),
    step: take(series.step, indices),
    value,
    smoothed: smoothed ?? value
  };
}

/** Downsample, smooth and transform one series (see the module comment). */
export function prepareCurve(
  series: IMetricSeries,
  options: ICurveOptions = {}
): ICurvePoints {
  const axis = options.xAxis ?? 'step';
  const indices = curveIndices(series, axis, options.budget);
  const smoothing = options.smoothing ?? 0;
  return assemble(
    series,
    axis,
    indices,
    options.origin,
    smoothing > 0
      ? emaSmoothAt(series.value, smoothing, indices ?? undefined)
      : null
  );
}

/**
 * A memo of `prepareCurve` keyed by the series object (weakly: a series
 * replaced by a live refresh, or dropped with its compare view, is simply
 * recomputed or collected) and by axis, origin, budget and smoothing.
 * Kept indices are cached apart from the smoothing, so a new smoothing
 * weight reuses them. Results are the same objects until an input changes,
 * which is what lets callers cache what they build from them.
 */
export class CurveCache {
  /** `prepareCurve(series, options)`, memoized. */
  prepare(series: IMetricSeries, options: ICurveOptions = {}): ICurvePoints {
    const axis = options.xAxis ?? 'step';
    const smoothing = options.smoothing ?? 0;
    const budget =
      options.budget && series.value.length > options.budget
        ? options.budget
        : 0;
    const origin = axis === 'relative' ? options.origin : undefined;
    let entry = this._entries.get(series);
    if (!entry) {
      entry = { indices: new Map(), curves: new Map() };
      this._entries.set(series, entry);
    }
    const curveKey = `${axis}|${origin}|${budget}|${smoothing > 0 ? smoothing : 0}`;
    let curve = entry.curves.get(curveKey);
    if (curve) {
      this.hits++;
      return curve;
    }
    this.misses++;
    // Bucketing depends on the column M4 reads, not on the x transform.
    const indexKey = `${axis === 'step' ? 'step' : 'time'}|${budget}`;
    let indices = entry.indices.get(indexKey);
    if (indices === undefined) {
      indices = curveIndices(series, axis, budget || undefined);
      if (entry.indices.size >= 8) {
        entry.indices.delete(entry.indices.keys().next().value!);
      }
      entry.indices.set(indexKey, indices);
    }
    curve = assemble(
      series,
      axis,
      indices,
      origin,
      smoothing > 0
        ? emaSmoothAt(series.value, smoothing, indices ?? undefined)
        : null
    );
    // A view has a handful of settings at a time: keep the latest few.
    if (entry.curves.size >= 8) {
      entry.curves.delete(entry.curves.keys().next().value!);
    }
    entry.curves.set(curveKey, curve);
    return curve;
  }

  /** Calls answered from the cache (for tests and benchmarks). */
  hits = 0;
  /** Calls that prepared a curve. */
  misses = 0;

  private _entries = new WeakMap<
    IMetricSeries,
    {
      indices: Map<string, Int32Array | null>;
      curves: Map<string, ICurvePoints>;
    }
  >();
}
