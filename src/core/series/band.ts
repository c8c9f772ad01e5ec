/**
 * Mean ± standard deviation across runs, per x: the "band" view that makes
 * a group of seeds readable where 20 overlaid curves are not.
 */

/** One curve: x and y columns of equal length. */
export interface ICurve {
  x: readonly number[];
  y: readonly number[];
}

/** One x of a band. */
export interface IBandPoint {
  x: number;
  mean: number;
  /** Sample standard deviation (n - 1); 0 when one run has a value. */
  std: number;
  /** Number of runs with a finite value at this x. */
  n: number;
}

/** Options of `meanStdBand`. */
export interface IBandOptions {
  /**
   * Group x into this many equal-width bins (x = bin centre); each run
   * counts once per bin with its mean there, so a run that logs more often
   * does not weigh more. Without it, points group by exact x, which suits
   * runs logged at the same steps.
   */
  bins?: number;
}

/**
 * Mean and sample std across `curves` at each x (or bin), ascending in x.
 * Non-finite values are skipped: use the anomaly flags to surface them.
 */
export function meanStdBand(
  curves: readonly ICurve[],
  options: IBandOptions = {}
): IBandPoint[] {
  const bins = options.bins && options.bins > 0 ? Math.floor(options.bins) : 0;
  let key = (x: number) => x;
  if (bins) {
    let lo = Infinity;
    let hi = -Infinity;
    for (const c of curves) {
      for (const x of c.x) {
        lo = Math.min(lo, x);
        hi = Math.max(hi, x);
      }
    }
    const width = hi > lo ? (hi - lo) / bins : 1;
    key = x =>
      lo + (Math.min(Math.floor((x - lo) / width), bins - 1) + 0.5) * width;
  }
  // Per x: the mean of each run that has a value there.
  const acc = new Map<number, number[]>();
  for (const c of curves) {
    const perRun = new Map<number, { sum: number; n: number }>();
    for (let i = 0; i < c.x.length; i++) {
      const x = c.x[i];
      const y = c.y[i];
      if (!Number.isFinite(x) || !Number.isFinite(y)) {
        continue;
      }
      const k = key(x);
      const s = perRun.get(k) ?? { sum: 0, n: 0 };
      s.sum += y;
      s.n++;
      perRun.set(k, s);
    }
    for (const [k, s] of perRun) {
      const list = acc.get(k);
      if (list) {
        list.push(s.sum / s.n);
      } else {
        acc.set(k, [s.sum / s.n]);
      }
    }
  }
  return [...acc.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([x, ys]) => {
      const n = ys.length;
      const mean = ys.reduce((s, y) => s + y, 0) / n;
      // Two passes: no cancellation when the spread is small next to the mean.
      const ss = ys.reduce((s, y) => s + (y - mean) * (y - mean), 0);
      return { x, mean, std: n > 1 ? Math.sqrt(ss / (n - 1)) : 0, n };
    });
}
