/**
 * x-axis transforms for learning curves: by step, by wall-clock time, or
 * by time since the run (or its first point) started, as TensorBoard offers.
 */
import type { IMetricSeries } from '../run';

/** Which x a curve is drawn against. */
export type XAxis = 'step' | 'wall' | 'relative';

/**
 * The x value of every point of `series`:
 * - `step`: the logged step;
 * - `wall`: the logging time, ms since the epoch (a temporal axis);
 * - `relative`: seconds since `origin` (ms since the epoch; by default the
 *   time of the first point, so runs started at different times line up).
 */
export function xValues(
  series: IMetricSeries,
  axis: XAxis,
  origin?: number
): number[] {
  switch (axis) {
    case 'step':
      return series.step.slice();
    case 'wall':
      return series.time.slice();
    case 'relative': {
      const t0 = origin ?? firstFinite(series.time);
      return series.time.map(t => (t - t0) / 1000);
    }
  }
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

/** A human title for an x axis. */
export function xAxisTitle(axis: XAxis): string {
  return axis === 'step'
    ? 'Step'
    : axis === 'wall'
      ? 'Time'
      : 'Relative time (s)';
}
