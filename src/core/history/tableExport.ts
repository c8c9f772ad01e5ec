/**
 * The runs table as CSV or JSON: one row per run, one column per field,
 * parameter and final metric value, for spreadsheets and scripts.
 */
import type { IRunSummary, ParamValue } from '../run';

/** Column names of the export, in order. */
export function exportColumns(runs: readonly IRunSummary[]): string[] {
  const params = new Set<string>();
  const metrics = new Set<string>();
  const tags = new Set<string>();
  for (const run of runs) {
    Object.keys(run.params ?? {}).forEach(k => params.add(k));
    Object.keys(run.metrics ?? {}).forEach(k => metrics.add(k));
    Object.keys(run.tags ?? {}).forEach(k => tags.add(k));
  }
  const sorted = (s: Set<string>) => [...s].sort();
  return [
    'id',
    'name',
    'experiment',
    'status',
    'startedAt',
    'endedAt',
    'durationMs',
    'starred',
    ...sorted(params).map(k => `params.${k}`),
    ...sorted(metrics).map(k => `metrics.${k}`),
    ...sorted(tags).map(k => `tags.${k}`)
  ];
}

function paramText(value: ParamValue | undefined): string {
  if (value === undefined || value === null) {
    return '';
  }
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/** One cell of a row, as text (metrics: the last value). */
function cell(run: IRunSummary, column: string): string {
  if (column.startsWith('params.')) {
    return paramText(run.params?.[column.slice(7)]);
  }
  if (column.startsWith('metrics.')) {
    const m = run.metrics?.[column.slice(8)];
    return m ? String(m.last) : '';
  }
  if (column.startsWith('tags.')) {
    return run.tags?.[column.slice(5)] ?? '';
  }
  const value = (run as unknown as Record<string, unknown>)[column];
  return value === undefined || value === null ? '' : String(value);
}

/** Columns whose cells are numbers the extension wrote, never user text. */
const isNumberColumn = (column: string): boolean =>
  column === 'durationMs' || column.startsWith('metrics.');

/**
 * Quote a CSV field (RFC 4180): a field holding `"`, `,`, CR or LF, or
 * leading or trailing spaces, is quoted with `"` doubled.
 *
 * CSV injection (OWASP): run names, experiments, tags and params are user text
 * and a spreadsheet runs a cell starting with `=`, `+`, `-`, `@`, tab or
 * CR as a formula (`=cmd|' /C calc'!A0`, `=HYPERLINK(...)`). Such a field
 * gets a leading `'`, so it opens as the text it is. Plain numbers (`-1.5`,
 * `+2e-3`) are left alone, and so are `NaN`, `Infinity` and `-Infinity` in
 * number columns (`number: true`), so the table still reads back as
 * numbers (pandas, R). The JSON export is never altered.
 */
export function csvField(
  text: string,
  options: { number?: boolean } = {}
): string {
  let value = text;
  if (
    /^[=+\-@\t\r]/.test(value) &&
    !/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(value) &&
    !(options.number && /^-?Infinity$/.test(value))
  ) {
    value = `'${value}`;
  }
  return /[",\r\n]/.test(value) || value !== value.trim()
    ? `"${value.replace(/"/g, '""')}"`
    : value;
}

/**
 * The runs as CSV, in the order given (the store lists newest first), with
 * a header row; CRLF line ends.
 */
export function runsToCsv(runs: readonly IRunSummary[]): string {
  const columns = exportColumns(runs);
  const lines = [columns.map(c => csvField(c)).join(',')];
  for (const run of runs) {
    lines.push(
      columns
        .map(c => csvField(cell(run, c), { number: isNumberColumn(c) }))
        .join(',')
    );
  }
  return lines.join('\r\n') + '\r\n';
}

/**
 * The runs as JSON: the summaries themselves, with non-finite metric values
 * as the strings `"NaN"`, `"Infinity"`, `"-Infinity"` (JSON has no others).
 */
export function runsToJson(runs: readonly IRunSummary[]): string {
  return JSON.stringify(
    { format: 'jupyterlab-runs/table', version: 1, runs },
    (_key, value) =>
      typeof value === 'number' && !Number.isFinite(value)
        ? String(value)
        : value,
    1
  );
}
