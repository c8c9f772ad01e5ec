/**
 * Param importance for a metric: which knobs explain the metric across the
 * runs, linear or not. See `forest.ts` for the model and why.
 */
import type { MetricAggregate } from '../query/ast';
import type { IRunSummary, ParamValue } from '../run';
import { metricValue, numericParam } from './correlation';
import {
  mulberry32,
  permutationImportance,
  type IForestOptions
} from './forest';

/** Importance of one param. */
export interface IParamImportance {
  param: string;
  /**
   * Out-of-bag permutation importance divided by the metric's variance:
   * 0 (or below, by chance) means no detectable effect; 1 means scrambling
   * the param costs as much as predicting the mean for every run. It can
   * exceed 1, since scrambling can do worse than the mean.
   */
  importance: number;
  /** This param's share of the summed positive importances (0..1). */
  share: number;
  /** How the param entered the model. */
  kind: 'numeric' | 'categorical';
}

/** Options of `paramImportance`. */
export interface IImportanceOptions extends IForestOptions {
  /** Metric aggregate to explain. Default `last`. */
  aggregate?: MetricAggregate;
  /** Runs used at most (a seeded sample beyond). Default 2000. */
  maxRows?: number;
}

function text(v: ParamValue): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/**
 * Encode one param as a feature column. Numeric when every present value
 * is a number, boolean or numeric string (trees are insensitive to scale,
 * so no log transform is needed); otherwise categorical, coded by the
 * sorted distinct texts. Missing values become -Infinity: "below all".
 * Returns undefined for a param with fewer than two distinct values.
 */
function encode(
  runs: readonly IRunSummary[],
  param: string
): { column: Float64Array; kind: 'numeric' | 'categorical' } | undefined {
  const raw = runs.map(r =>
    r.params && Object.hasOwn(r.params, param) ? r.params[param] : undefined
  );
  const present = raw.filter(
    (v): v is ParamValue => v !== undefined && v !== null
  );
  const numeric = present.every(v => Number.isFinite(numericParam(v)));
  let column: Float64Array;
  if (numeric) {
    column = Float64Array.from(raw, v =>
      v === undefined || v === null ? -Infinity : numericParam(v)
    );
  } else {
    const codes = new Map(
      [...new Set(present.map(text))].sort().map((t, i) => [t, i])
    );
    column = Float64Array.from(raw, v =>
      v === undefined || v === null ? -Infinity : (codes.get(text(v)) ?? 0)
    );
  }
  return new Set(column).size < 2
    ? undefined
    : { column, kind: numeric ? 'numeric' : 'categorical' };
}

/**
 * Rank the params of `runs` by how much they explain `metric`, using a
 * random forest's out-of-bag permutation importance, most important
 * first. Runs without a finite metric value are ignored; with fewer than
 * five usable runs the result is empty (nothing can be learned).
 */
export function paramImportance(
  runs: readonly IRunSummary[],
  metric: string,
  options: IImportanceOptions = {}
): IParamImportance[] {
  const aggregate = options.aggregate ?? 'last';
  let usable = runs.filter(r =>
    Number.isFinite(metricValue(r, metric, aggregate))
  );
  const maxRows = options.maxRows ?? 2000;
  if (usable.length > maxRows) {
    const rand = mulberry32((options.seed ?? 1) + 7919);
    const pool = usable.slice();
    for (let i = 0; i < maxRows; i++) {
      const k = i + Math.floor(rand() * (pool.length - i));
      [pool[i], pool[k]] = [pool[k], pool[i]];
    }
    usable = pool.slice(0, maxRows);
  }
  if (usable.length < 5) {
    return [];
  }
  const params = [...new Set(usable.flatMap(r => Object.keys(r.params ?? {})))];
  const features = params.flatMap(param => {
    const enc = encode(usable, param);
    return enc ? [{ param, ...enc }] : [];
  });
  if (!features.length) {
    return [];
  }
  const y = Float64Array.from(usable, r => metricValue(r, metric, aggregate));
  const m = y.reduce((s, v) => s + v, 0) / y.length;
  const variance = y.reduce((s, v) => s + (v - m) ** 2, 0) / y.length;
  if (!(variance > 0)) {
    return [];
  }
  const raw = permutationImportance(
    { columns: features.map(f => f.column), y },
    options
  );
  const total = raw.reduce((s, v) => s + Math.max(0, v), 0);
  return features
    .map((f, i) => ({
      param: f.param,
      importance: raw[i] / variance,
      share: total > 0 ? Math.max(0, raw[i]) / total : 0,
      kind: f.kind
    }))
    .sort((a, b) => b.importance - a.importance);
}
