/**
 * The params that tell the runs on screen apart, as a short subtitle for
 * a run where space is short (compare headers, legends, dropdowns):
 * `C=10 · solver=saga`.
 */
import { formatNumber } from '../numbers';
import type { ParamValue } from '../run';
import { valueKey } from './sideBySide';

/**
 * The param names whose values are not the same for every run, sorted. A
 * param one run has and another lacks differs (missing is a value).
 */
export function differingParams(
  runs: readonly { params?: Record<string, ParamValue> }[]
): string[] {
  if (runs.length < 2) {
    return [];
  }
  const keys = new Set(runs.flatMap(r => Object.keys(r.params ?? {})));
  return [...keys].sort().filter(key => {
    const values = new Set(
      runs.map(r =>
        valueKey(
          r.params && Object.hasOwn(r.params, key) ? r.params[key] : undefined
        )
      )
    );
    return values.size > 1;
  });
}

/** A param value, short: numbers as `formatNumber` writes them. */
export function paramValueText(v: ParamValue): string {
  if (typeof v === 'number') {
    return formatNumber(v);
  }
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** Options of `paramsSubtitle`. */
export interface IParamsSubtitleOptions {
  /** Params shown at most; the rest become `…`. Default 3. */
  limit?: number;
  /** Characters per value at most (longer ones end in `…`). Default 24. */
  valueLength?: number;
}

/**
 * `C=10 · solver=saga`: the run's values of `keys` (from
 * `differingParams`); a param the run lacks is left out.
 */
export function paramsSubtitle(
  run: { params?: Record<string, ParamValue> },
  keys: readonly string[],
  options: IParamsSubtitleOptions = {}
): string {
  const limit = options.limit ?? 3;
  const length = options.valueLength ?? 24;
  const parts: string[] = [];
  for (const key of keys) {
    if (!run.params || !Object.hasOwn(run.params, key)) {
      continue;
    }
    if (parts.length === limit) {
      parts.push('…');
      break;
    }
    const text = paramValueText(run.params[key]);
    const chars = Array.from(text);
    parts.push(
      `${key}=${chars.length > length ? `${chars.slice(0, length - 1).join('')}…` : text}`
    );
  }
  return parts.join(' · ');
}

/** The subtitle of each run among `runs` (same order). */
export function paramsSubtitles(
  runs: readonly { params?: Record<string, ParamValue> }[],
  options: IParamsSubtitleOptions = {}
): string[] {
  const keys = differingParams(runs);
  return runs.map(r => paramsSubtitle(r, keys, options));
}
