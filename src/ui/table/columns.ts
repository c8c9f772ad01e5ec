/**
 * Columns of the runs table: the fixed attributes, then one column per
 * param, metric and tag found in the runs. Pure (no DOM), so sorting and
 * formatting are tested without a browser.
 */
import { formatDuration } from '../../core/format';
import { formatNumber } from '../../core/numbers';
import { runName } from '../../core/runs/names';
import type { IRunSummary, ParamValue } from '../../core/run';
import { inferGoal } from '../../core/series/anomalies';

/** Which aggregate of a metric the metric columns show. */
export type MetricView = 'last' | 'best' | 'min' | 'max';

export type ColumnKind =
  | 'status'
  | 'provenance'
  | 'name'
  | 'experiment'
  | 'start'
  | 'duration'
  | 'param'
  | 'metric'
  | 'tag';

/** One column. `id` is `status`, …, `params.<name>`, `metrics.<name>`, `tags.<name>`. */
export interface IColumn {
  id: string;
  kind: ColumnKind;
  /** The param, metric or tag name. */
  key?: string;
}

/** A cell's value for sorting and grouping; null sorts last. */
export type CellValue = number | string | boolean | null;

export const FIXED_COLUMNS: readonly IColumn[] = [
  { id: 'status', kind: 'status' },
  { id: 'provenance', kind: 'provenance' },
  { id: 'name', kind: 'name' },
  { id: 'experiment', kind: 'experiment' },
  { id: 'start', kind: 'start' },
  { id: 'duration', kind: 'duration' }
];

const PREFIX: Record<'param' | 'metric' | 'tag', string> = {
  param: 'params.',
  metric: 'metrics.',
  tag: 'tags.'
};

/** The column for a param, metric or tag. */
export function keyColumn(
  kind: 'param' | 'metric' | 'tag',
  key: string
): IColumn {
  return { id: PREFIX[kind] + key, kind, key };
}

/** Parse a column id back into a column. */
export function columnFromId(id: string): IColumn | null {
  const fixed = FIXED_COLUMNS.find(c => c.id === id);
  if (fixed) {
    return fixed;
  }
  for (const kind of ['param', 'metric', 'tag'] as const) {
    if (id.startsWith(PREFIX[kind]) && id.length > PREFIX[kind].length) {
      return keyColumn(kind, id.slice(PREFIX[kind].length));
    }
  }
  return null;
}

/**
 * Every column the runs can fill: fixed ones, then params, metrics and
 * tags, each sorted by name. One pass over the runs.
 */
export function collectColumns(runs: readonly IRunSummary[]): IColumn[] {
  const params = new Set<string>();
  const metrics = new Set<string>();
  const tags = new Set<string>();
  for (const r of runs) {
    if (r.params) {
      for (const k in r.params) {
        params.add(k);
      }
    }
    if (r.metrics) {
      for (const k in r.metrics) {
        metrics.add(k);
      }
    }
    if (r.tags) {
      for (const k in r.tags) {
        tags.add(k);
      }
    }
  }
  return [
    ...FIXED_COLUMNS,
    ...[...params].sort().map(k => keyColumn('param', k)),
    ...[...metrics].sort().map(k => keyColumn('metric', k)),
    ...[...tags].sort().map(k => keyColumn('tag', k))
  ];
}

/** The aggregate a metric column shows under `view`. */
export function metricAggregate(
  name: string,
  view: MetricView
): 'last' | 'min' | 'max' {
  if (view !== 'best') {
    return view;
  }
  return inferGoal(name) === 'min' ? 'min' : 'max';
}

function paramCell(v: ParamValue | undefined): CellValue {
  if (v === undefined || v === null) {
    return null;
  }
  return typeof v === 'object' ? JSON.stringify(v) : v;
}

/** A getter for a column's cell value. */
export function cellGetter(
  column: IColumn,
  view: MetricView = 'last'
): (run: IRunSummary) => CellValue {
  const key = column.key ?? '';
  switch (column.kind) {
    case 'status':
      return r => r.status;
    case 'provenance':
      return r => r.provenance ?? null;
    case 'name':
      return r => runName(r);
    case 'experiment':
      return r => r.experiment;
    case 'start':
      return r => r.startedAt;
    case 'duration':
      return r => r.durationMs;
    case 'param':
      return r =>
        r.params && Object.hasOwn(r.params, key)
          ? paramCell(r.params[key])
          : null;
    case 'metric': {
      const agg = metricAggregate(key, view);
      return r =>
        r.metrics && Object.hasOwn(r.metrics, key) ? r.metrics[key][agg] : null;
    }
    case 'tag':
      return r => (r.tags && Object.hasOwn(r.tags, key) ? r.tags[key] : null);
  }
}

/**
 * Total order on cell values: numbers (NaN after other numbers), then
 * booleans, then text; null always last whatever the direction.
 */
export function compareCells(a: CellValue, b: CellValue): number {
  const rank = (v: CellValue) =>
    typeof v === 'number'
      ? Number.isNaN(v)
        ? 1
        : 0
      : typeof v === 'boolean'
        ? 2
        : 3;
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) {
    return ra - rb;
  }
  if (typeof a === 'number' && typeof b === 'number') {
    return Number.isNaN(a) ? 0 : a - b;
  }
  const sa = String(a);
  const sb = String(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

/** Number text for cells: the one formatter of table, detail and charts. */
export { formatNumber };

/** The text a cell shows (the status column is rendered by the view). */
export function formatCell(column: IColumn, value: CellValue): string {
  if (value === null) {
    return '';
  }
  switch (column.kind) {
    case 'start':
      return new Date(String(value)).toLocaleString();
    case 'duration':
      return formatDuration(value as number);
    default:
      return typeof value === 'number' ? formatNumber(value) : String(value);
  }
}
