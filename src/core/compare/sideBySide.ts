/**
 * Params and metrics of several runs side by side: the rows of the compare
 * table, which of them differ, and deltas against a reference run.
 */
import type { MetricAggregate } from '../query/ast';
import type { IRunSummary, ParamValue } from '../run';

/** One row: a param or a metric across the compared runs. */
export interface ISideBySideRow {
  section: 'param' | 'metric';
  key: string;
  /** One value per run, in the runs' order; undefined when missing. */
  values: (ParamValue | undefined)[];
  /** Whether the runs disagree (a missing value counts as a value). */
  differs: boolean;
  /**
   * Numeric difference of each run from the reference run (null when either
   * is not a number, and for the reference itself). Empty with no reference.
   */
  deltas: (number | null)[];
}

/** Options of `sideBySide`. */
export interface ISideBySideOptions {
  /** Id of the run the others are compared with. */
  referenceId?: string | null;
  /** Leave out rows where every run has the same value. */
  differencesOnly?: boolean;
  /** Which aggregate of each metric to show. Default `last`. */
  aggregate?: MetricAggregate;
}

/** A stable text key for equality of param values. */
export function valueKey(v: ParamValue | undefined): string {
  return v === undefined ? '\u0000missing' : (JSON.stringify(v) ?? 'null');
}

function asNumber(v: ParamValue | undefined): number | null {
  return typeof v === 'number' ? v : null;
}

/** The compare rows for `runs`, params first, each section sorted by key. */
export function sideBySide(
  runs: readonly IRunSummary[],
  options: ISideBySideOptions = {}
): ISideBySideRow[] {
  const agg = options.aggregate ?? 'last';
  const ref = runs.findIndex(r => r.id === options.referenceId);
  const rows: ISideBySideRow[] = [];
  const add = (
    section: ISideBySideRow['section'],
    key: string,
    values: (ParamValue | undefined)[]
  ) => {
    const differs = new Set(values.map(valueKey)).size > 1;
    if (options.differencesOnly && !differs) {
      return;
    }
    let deltas: (number | null)[] = [];
    if (ref >= 0) {
      const base = asNumber(values[ref]);
      deltas = values.map((v, i) => {
        const n = asNumber(v);
        return i === ref || n === null || base === null ? null : n - base;
      });
    }
    rows.push({ section, key, values, differs, deltas });
  };
  const paramKeys = new Set(runs.flatMap(r => Object.keys(r.params ?? {})));
  for (const key of [...paramKeys].sort()) {
    add(
      'param',
      key,
      runs.map(r =>
        r.params && Object.hasOwn(r.params, key) ? r.params[key] : undefined
      )
    );
  }
  const metricKeys = new Set(runs.flatMap(r => Object.keys(r.metrics ?? {})));
  for (const key of [...metricKeys].sort()) {
    add(
      'metric',
      key,
      runs.map(r =>
        r.metrics && Object.hasOwn(r.metrics, key)
          ? r.metrics[key][agg]
          : undefined
      )
    );
  }
  return rows;
}
