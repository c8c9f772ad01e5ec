/**
 * The one definition of a metric's aggregates (`IMetricSummary`): what the
 * live sidebar (`LogStream`), the saved run file, the manifest, the runs
 * table and its exports show for a series. The kernel computes the same in
 * `jupyterlab_runs/_summary.py` (`Series.fold`) for the notebook's log
 * output; `src/core/__tests__/fixtures/aggregates.json` checks both.
 *
 * - `last`/`lastStep`: the point at the highest step; of several points at
 *   that step, the one logged latest (MLflow's "latest value" of a metric).
 *   A NaN or infinite value there is the last value: a run that ended on NaN
 *   must say so.
 * - `min`/`max`: over every value but NaN. ±Infinity are real extremes (a
 *   diverging loss shows as `max: Infinity`); NaN is never an extreme. With
 *   no value but NaN, both are NaN.
 * - `count`: every point logged, NaN and ±Infinity included.
 *
 * Written as a fold over points (`addPoint`) so that the live stream, which
 * sees points one message at a time, and `summarizeSeries`, which sees the
 * whole series, are the same code.
 */
import type { IMetricSeries, IMetricSummary } from '../run';

/** Aggregates of a series holding one point. */
export function firstPoint(step: number, value: number): IMetricSummary {
  return {
    last: value,
    min: value,
    max: value,
    count: 1,
    lastStep: step
  };
}

/** Fold one more point, logged after all the others, into `a` (in place). */
export function addPoint(a: IMetricSummary, step: number, value: number): void {
  a.count++;
  if (step >= a.lastStep) {
    a.last = value;
    a.lastStep = step;
  }
  if (!Number.isNaN(value)) {
    // `min` is NaN only while every value so far was NaN.
    if (value < a.min || Number.isNaN(a.min)) {
      a.min = value;
    }
    if (value > a.max || Number.isNaN(a.max)) {
      a.max = value;
    }
  }
}

/** Aggregate one series, points in logging order; null when it has none. */
export function summarizeSeries(series: IMetricSeries): IMetricSummary | null {
  const { step, value } = series;
  if (value.length === 0) {
    return null;
  }
  const a = firstPoint(step[0], value[0]);
  for (let i = 1; i < value.length; i++) {
    addPoint(a, step[i], value[i]);
  }
  return a;
}
