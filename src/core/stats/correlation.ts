/**
 * Correlation of params with a metric: the first, linear-and-monotone look
 * at "which knobs matter", next to the model-based importance.
 */
import type { IRunSummary, ParamValue } from '../run';
import type { MetricAggregate } from '../query/ast';

/** Pearson's r over pairs where both values are finite; NaN if undefined. */
export function pearson(x: readonly number[], y: readonly number[]): number {
  const xs: number[] = [];
  const ys: number[] = [];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    if (Number.isFinite(x[i]) && Number.isFinite(y[i])) {
      xs.push(x[i]);
      ys.push(y[i]);
    }
  }
  const n = xs.length;
  if (n < 2) {
    return NaN;
  }
  const mx = xs.reduce((s, v) => s + v, 0) / n;
  const my = ys.reduce((s, v) => s + v, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = xs[i] - mx;
    const dy = ys[i] - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  if (sxx === 0 || syy === 0) {
    return NaN;
  }
  return Math.max(-1, Math.min(1, sxy / Math.sqrt(sxx * syy)));
}

/** Ranks from 1, ties sharing their average rank (as SciPy's `rankdata`). */
export function ranks(values: readonly number[]): number[] {
  const order = values.map((_, i) => i).sort((a, b) => values[a] - values[b]);
  const out = new Array<number>(values.length);
  for (let i = 0; i < order.length;) {
    let j = i;
    while (j + 1 < order.length && values[order[j + 1]] === values[order[i]]) {
      j++;
    }
    for (let k = i; k <= j; k++) {
      out[order[k]] = (i + j) / 2 + 1;
    }
    i = j + 1;
  }
  return out;
}

/** Spearman's ρ: Pearson's r of the ranks, over finite pairs. */
export function spearman(x: readonly number[], y: readonly number[]): number {
  const keep = x
    .map((_, i) => i)
    .filter(i => Number.isFinite(x[i]) && Number.isFinite(y[i]));
  return pearson(ranks(keep.map(i => x[i])), ranks(keep.map(i => y[i])));
}

/**
 * A param as a number when it is one: numbers, booleans (0/1) and numeric
 * strings; NaN otherwise (categories are left to the importance model).
 */
export function numericParam(v: ParamValue | undefined): number {
  if (typeof v === 'number') {
    return v;
  }
  if (typeof v === 'boolean') {
    return v ? 1 : 0;
  }
  if (typeof v === 'string' && v.trim() !== '') {
    return Number(v);
  }
  return NaN;
}

/** The chosen aggregate of a run's metric, or NaN when missing. */
export function metricValue(
  run: IRunSummary,
  metric: string,
  aggregate: MetricAggregate = 'last'
): number {
  const m = run.metrics;
  return m && Object.hasOwn(m, metric) ? m[metric][aggregate] : NaN;
}

/** Correlation of one param with the metric. */
export interface IParamCorrelation {
  param: string;
  /** Runs with a numeric param and a finite metric. */
  n: number;
  pearson: number;
  spearman: number;
}

/**
 * Pearson and Spearman correlation of every numeric param with `metric`,
 * strongest |Spearman| first (NaN last). Params with fewer than three
 * usable runs or no variation are left out; Spearman is the one to read for
 * log-scaled params like learning rates, since it only assumes monotony.
 */
export function paramCorrelations(
  runs: readonly IRunSummary[],
  metric: string,
  aggregate: MetricAggregate = 'last'
): IParamCorrelation[] {
  const y = runs.map(r => metricValue(r, metric, aggregate));
  const names = new Set(runs.flatMap(r => Object.keys(r.params ?? {})));
  const out: IParamCorrelation[] = [];
  for (const param of names) {
    const x = runs.map(r => numericParam(r.params?.[param]));
    const n = x.filter(
      (v, i) => Number.isFinite(v) && Number.isFinite(y[i])
    ).length;
    if (n < 3) {
      continue;
    }
    const p = pearson(x, y);
    const s = spearman(x, y);
    if (Number.isNaN(p) && Number.isNaN(s)) {
      continue;
    }
    out.push({ param, n, pearson: p, spearman: s });
  }
  const key = (c: IParamCorrelation) =>
    Number.isNaN(c.spearman) ? -1 : Math.abs(c.spearman);
  return out.sort((a, b) => key(b) - key(a));
}
