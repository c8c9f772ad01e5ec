/**
 * CSV export of chart and table data (RFC 4180), safe to open in a
 * spreadsheet: cells that a spreadsheet would run as a formula (starting
 * with `=`, `+`, `-`, `@`, tab or carriage return) are prefixed with `'`
 * (OWASP's advice against CSV injection), since run names and params are
 * untrusted.
 */

function cell(v: unknown): string {
  let s =
    v === null || v === undefined
      ? ''
      : typeof v === 'string'
        ? v
        : typeof v === 'number' || typeof v === 'boolean'
          ? String(v)
          : JSON.stringify(v);
  if (/^[=+\-@\t\r]/.test(s) && !(typeof v === 'number')) {
    s = `'${s}`;
  }
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * Rows of objects as CSV; columns are the union of keys in first-seen
 * order, unless given.
 */
export function toCsv(
  rows: readonly Record<string, unknown>[],
  columns?: readonly string[]
): string {
  const cols = columns ?? [...new Set(rows.flatMap(r => Object.keys(r)))];
  const lines = [cols.map(cell).join(',')];
  for (const r of rows) {
    lines.push(cols.map(c => cell(r[c])).join(','));
  }
  return lines.join('\r\n') + '\r\n';
}

/**
 * The data rows of a Vega-Lite spec: the inline `data.values` of the top
 * level and of every layer or concatenated view, each tagged with the
 * index of the dataset it came from when there are several.
 */
export function specDataRows(spec: unknown): Record<string, unknown>[] {
  const sets: unknown[][] = [];
  const visit = (node: unknown) => {
    if (typeof node !== 'object' || node === null) {
      return;
    }
    const n = node as Record<string, unknown>;
    const data = n.data as { values?: unknown } | undefined;
    if (data && Array.isArray(data.values)) {
      sets.push(data.values);
    }
    for (const key of ['layer', 'hconcat', 'vconcat', 'concat']) {
      if (Array.isArray(n[key])) {
        (n[key] as unknown[]).forEach(visit);
      }
    }
  };
  visit(spec);
  // The richest dataset is the chart's data; axes and labels are layout.
  const main = sets.reduce<unknown[]>(
    (best, s) => (s.length > best.length ? s : best),
    []
  );
  return main.filter(
    (r): r is Record<string, unknown> => typeof r === 'object' && r !== null
  );
}
