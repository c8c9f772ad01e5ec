/**
 * Descriptive statistics and Welch's t-test, for "is B really better than
 * A?" across groups of runs (seeds of two configurations, say).
 */
import { tTwoSided } from './tdist';

/** Only the finite values: NaN/Inf are anomalies, not samples. */
export function finite(values: Iterable<number>): number[] {
  return [...values].filter(Number.isFinite);
}

/** Arithmetic mean; NaN for no values. */
export function mean(values: readonly number[]): number {
  let s = 0;
  for (const v of values) {
    s += v;
  }
  return values.length ? s / values.length : NaN;
}

/** Sample variance (n - 1), two-pass; NaN below two values. */
export function sampleVariance(values: readonly number[]): number {
  if (values.length < 2) {
    return NaN;
  }
  const m = mean(values);
  let ss = 0;
  for (const v of values) {
    ss += (v - m) * (v - m);
  }
  return ss / (values.length - 1);
}

/** Sample standard deviation (n - 1); NaN below two values. */
export function sampleStd(values: readonly number[]): number {
  return Math.sqrt(sampleVariance(values));
}

/** Summary of one group. `std` is the sample std (0 for one value). */
export interface IGroupStats {
  group: string;
  n: number;
  mean: number;
  std: number;
  min: number;
  max: number;
}

/**
 * Mean, std, min and max of `value` per `group`, groups in first-seen
 * order. Rows whose group or value is missing (or non-finite) are skipped.
 */
export function groupStats<T>(
  rows: Iterable<T>,
  group: (row: T) => string | undefined,
  value: (row: T) => number | undefined
): IGroupStats[] {
  const groups = new Map<string, number[]>();
  for (const row of rows) {
    const g = group(row);
    const v = value(row);
    if (g === undefined || v === undefined || !Number.isFinite(v)) {
      continue;
    }
    const list = groups.get(g);
    if (list) {
      list.push(v);
    } else {
      groups.set(g, [v]);
    }
  }
  return [...groups].map(([g, vs]) => ({
    group: g,
    n: vs.length,
    mean: mean(vs),
    std: vs.length > 1 ? sampleStd(vs) : 0,
    min: Math.min(...vs),
    max: Math.max(...vs)
  }));
}

/** Welch's t-test result; `diff` = meanA - meanB. */
export interface ITTestResult {
  t: number;
  /** Welch–Satterthwaite degrees of freedom (not an integer). */
  df: number;
  /** Two-sided p-value. */
  p: number;
  diff: number;
  meanA: number;
  meanB: number;
  stdA: number;
  stdB: number;
  nA: number;
  nB: number;
}

/**
 * Welch's two-sample t-test (unequal variances), two-sided, the right
 * default for runs: two configurations rarely share a variance. Matches
 * `scipy.stats.ttest_ind(a, b, equal_var=False)`. Non-finite values are
 * dropped. With fewer than two values in a group, t and p are NaN; with
 * zero variance in both, t is ±Infinity (p = 0) or NaN for equal means.
 */
export function welchTTest(
  a: Iterable<number>,
  b: Iterable<number>
): ITTestResult {
  const xa = finite(a);
  const xb = finite(b);
  const [nA, nB] = [xa.length, xb.length];
  const [meanA, meanB] = [mean(xa), mean(xb)];
  const [va, vb] = [sampleVariance(xa), sampleVariance(xb)];
  const sa = va / nA;
  const sb = vb / nB;
  const diff = meanA - meanB;
  const t = diff / Math.sqrt(sa + sb);
  const df = (sa + sb) ** 2 / (sa ** 2 / (nA - 1) + sb ** 2 / (nB - 1));
  const p = Number.isFinite(t) ? tTwoSided(t, df) : Number.isNaN(t) ? NaN : 0;
  return {
    t,
    df,
    p,
    diff,
    meanA,
    meanB,
    stdA: Math.sqrt(va),
    stdB: Math.sqrt(vb),
    nA,
    nB
  };
}
