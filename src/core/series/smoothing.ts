/**
 * TensorBoard's smoothing: an exponential moving average debiased like
 * Adam's moments, so the curve starts at the first value instead of being
 * dragged toward zero. Same weight scale as TensorBoard's slider, so users
 * can carry their habits over.
 */

/** Largest accepted weight; at 1 the average would never move. */
export const MAX_SMOOTHING = 0.999;

/** The weight clamped to [0, MAX_SMOOTHING]; NaN counts as 0. */
function clampWeight(weight: number): number {
  return Math.min(
    Math.max(Number.isFinite(weight) ? weight : 0, 0),
    MAX_SMOOTHING
  );
}

/**
 * Smooth `values` with weight `weight` in [0, 0.999] (clamped; 0 returns
 * a copy). Non-finite values pass through unchanged and do not enter the
 * average, so a NaN stays visible where it happened without poisoning the
 * rest of the curve. A constant series is returned as is (TensorBoard does
 * the same, to avoid rounding noise on flat lines).
 */
export function emaSmooth(values: ArrayLike<number>, weight: number): number[] {
  return emaSmoothAt(values, weight);
}

/**
 * `emaSmooth(values, weight)` read at `indices` only (ascending), without
 * allocating the full smoothed series: one pass up to the last index, so
 * a 100,000-point series downsampled to 120 points costs one loop and a
 * 120-element array. The result is exactly `emaSmooth(values, weight)[i]`
 * for every `i` of `indices` (same operations, same order), which is why
 * curves are smoothed on the full series and only then sampled: smoothing
 * the downsampled points would weigh M4's kept extremes as if they were
 * consecutive steps and pull the line toward the spikes.
 */
export function emaSmoothAt(
  values: ArrayLike<number>,
  weight: number,
  indices?: ArrayLike<number>
): number[] {
  const n = values.length;
  const m = indices ? indices.length : n;
  const out = new Array<number>(m);
  const w = clampWeight(weight);
  let constant = true;
  const v0 = values[0];
  for (let i = 1; i < n && constant; i++) {
    constant = values[i] === v0;
  }
  constant &&= v0 === v0; // a lone NaN is not "constant"
  if (w === 0 || constant || n === 0) {
    for (let k = 0; k < m; k++) {
      out[k] = values[indices ? indices[k] : k];
    }
    return out;
  }
  let last = 0;
  // w^count, kept as a running product (Math.pow per point is slow).
  let power = 1;
  if (!indices) {
    for (let i = 0; i < n; i++) {
      const v = values[i];
      if (v - v !== 0) {
        out[i] = v; // NaN or ±Infinity
        continue;
      }
      last = last * w + (1 - w) * v;
      power *= w;
      out[i] = last / (1 - power);
    }
    return out;
  }
  // Between kept indices only the running average moves; the debiasing
  // division is done at kept indices only.
  const a = 1 - w;
  let i = 0;
  let s = NaN;
  for (let k = 0; k < m; k++) {
    const target = Math.min(indices[k], n - 1);
    for (; i < target; i++) {
      const v = values[i];
      if (v - v === 0) {
        last = last * w + a * v;
        power *= w;
      }
    }
    if (i === target) {
      const v = values[i++];
      if (v - v === 0) {
        last = last * w + a * v;
        power *= w;
        s = last / (1 - power);
      } else {
        s = v;
      }
    }
    out[k] = s; // a repeated index repeats the value
  }
  return out;
}
