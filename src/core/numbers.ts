/**
 * The one way numbers are written for people: table cells, the run detail,
 * labels made in TypeScript and chart axes read alike.
 *
 * Text comes from d3-format, the library Vega formats axes, legends and
 * tooltips with, so a cell and an axis tick of the same value agree: the
 * charts declare the same d3-format strings (`VALUE_FORMAT`, `STEP_FORMAT`)
 * in their specs instead of a formatting expression.
 */
import { formatLocale } from 'd3-format';

/**
 * Values: four significant digits, trailing zeros trimmed, scientific past
 * 10⁴ (d3's `~g`): `0.30000000000000004` → `0.3`,
 * `2.4999999999999998e+275` → `2.5e+275`, `12345.6` → `1.235e+4`.
 */
export const VALUE_FORMAT = '.4~g';

/** Steps and counts on an axis: SI prefixes (`1k`, `12k`, `1.5M`). */
export const STEP_FORMAT = '~s';

/**
 * d3's default locale writes negatives with U+2212 (−); text a person may
 * copy into a query or a cell takes the ASCII hyphen-minus. (Vega's axes
 * keep its default locale: setting ours through vega-embed would change
 * Vega's global default for every other Vega output on the page.)
 */
const locale = formatLocale({
  decimal: '.',
  thousands: ',',
  grouping: [3],
  currency: ['', ''],
  minus: '-'
});

const formatValue = locale.format(VALUE_FORMAT);

/** Integers up to this magnitude are written out in full. */
const EXACT_INTEGER = 1e15;

/**
 * A number as text: integers as integers (`271`, `1000000`), anything
 * else with `VALUE_FORMAT`; `NaN`, `Infinity` and `-Infinity` as JSON
 * files and the query language write them.
 */
export function formatNumber(v: number): string {
  if (!Number.isFinite(v)) {
    return String(v);
  }
  if (Number.isInteger(v) && Math.abs(v) < EXACT_INTEGER) {
    // `-0` is an integer too; it reads as 0.
    return String(v === 0 ? 0 : v);
  }
  return formatValue(v);
}

/**
 * A Vega-Lite axis (or legend) that formats its numbers like
 * `formatNumber`: d3-format strings, no expressions. A step axis ticks
 * whole steps only (`tickMinStep`): a short series would otherwise get
 * ticks at 0.5 (`500m` in SI) or, with one point, a lone `0.000000`.
 */
export function numberAxis(kind: 'value' | 'step' = 'value'): {
  format: string;
  formatType: 'number';
  tickMinStep?: number;
} {
  return kind === 'step'
    ? { format: STEP_FORMAT, formatType: 'number', tickMinStep: 1 }
    : { format: VALUE_FORMAT, formatType: 'number' };
}
