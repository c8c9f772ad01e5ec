/**
 * TensorBoard's smoothing: an exponential moving average debiased like
 * Adam's moments, so the curve starts at the first value instead of being
 * dragged toward zero. Same weight scale as TensorBoard's slider, so users
 * can carry their habits over.
 */

/** Largest accepted weight; at 1 the average would never move. */
export const MAX_SMOOTHING = 0.999;

/**
 * Smooth `values` with weight `weight` in [0, 0.999] (clamped; 0 returns
 * a copy). Non-finite values pass through unchanged and do not enter the
 * average, so a NaN stays visible where it happened without poisoning the
 * rest of the curve. A constant series is returned as is (TensorBoard does
 * the same, to avoid rounding noise on flat lines).
 */
export function emaSmooth(values: ArrayLike<number>, weight: number): number[] {
  const n = values.length;
  const out = new Array<number>(n);
  let constant = true;
  for (let i = 0; i < n; i++) {
    out[i] = values[i];
    constant &&= out[i] === out[0];
  }
  const w = Math.min(
    Math.max(Number.isFinite(weight) ? weight : 0, 0),
    MAX_SMOOTHING
  );
  if (w === 0 || constant) {
    return out;
  }
  let last = 0;
  // w^count, kept as a running product (Math.pow per point is slow).
  let power = 1;
  for (let i = 0; i < n; i++) {
    const v = out[i];
    if (v - v !== 0) {
      continue; // NaN or ±Infinity
    }
    last = last * w + (1 - w) * v;
    power *= w;
    out[i] = last / (1 - power);
  }
  return out;
}
