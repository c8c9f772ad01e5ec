/**
 * One learning curve ready to draw: x transformed, smoothed on the full
 * series, then downsampled. Smoothing first means the smoothed line does
 * not change with the chart's width; downsampling picks indices on the raw
 * values so their spikes survive, and the smoothed line is taken at the
 * same indices (it is smooth, so that sampling loses nothing visible).
 */
import type { IMetricSeries } from '../run';
import { xValues, type XAxis } from './axis';
import { m4Indices } from './downsample';
import { emaSmooth } from './smoothing';

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

/** Columns of a prepared curve. `smoothed` equals `value` when off. */
export interface ICurvePoints {
  x: number[];
  step: number[];
  value: number[];
  smoothed: number[];
}

/** Transform, smooth and downsample one series. */
export function prepareCurve(
  series: IMetricSeries,
  options: ICurveOptions = {}
): ICurvePoints {
  const axis = options.xAxis ?? 'step';
  // Step and wall time are columns already; only relative time is computed.
  const x: readonly number[] =
    axis === 'step'
      ? series.step
      : axis === 'wall'
        ? series.time
        : xValues(series, axis, options.origin);
  const smoothing = options.smoothing ?? 0;
  const smoothed =
    smoothing > 0 ? emaSmooth(series.value, smoothing) : series.value;
  const n = series.value.length;
  if (!options.budget || n <= options.budget) {
    return {
      x: x.slice(),
      step: series.step.slice(),
      value: series.value.slice(),
      smoothed: smoothed.slice()
    };
  }
  const { indices } = m4Indices(x, series.value, options.budget);
  const take = (col: readonly number[]) => {
    const out = new Array<number>(indices.length);
    for (let k = 0; k < indices.length; k++) {
      out[k] = col[indices[k]];
    }
    return out;
  };
  return {
    x: take(x),
    step: take(series.step),
    value: take(series.value),
    smoothed: take(smoothed)
  };
}
