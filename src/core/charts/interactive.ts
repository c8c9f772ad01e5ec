/**
 * What makes a line chart of series interactive, as Vega-Lite params and
 * layers: zoom and pan (an interval selection bound to the scales), a
 * legend that hides and shows series (a point selection bound to the
 * legend; hidden series are filtered out, so they leave the y-domain too),
 * and a rule at the pointer's x whose tooltip lists every series' value
 * there (Vega-Lite's "multi-series line chart with tooltip", with the
 * table made here instead of by a `pivot`: a pivot would make run names
 * field names, and run names are user text).
 *
 * Every expression these params make Vega-Lite generate is fixed text from
 * this file or Vega-Lite's own, and all of it runs in Vega's CSP-safe
 * expression interpreter (tested in `__tests__/interactive.spec.ts` on a
 * real Vega view parsed with `ast: true`).
 */
import type { TopLevelSpec } from 'vega-lite';
import { formatNumber } from '../numbers';

/** One layer of a layered spec. */
export type LayerChild = Extract<
  TopLevelSpec,
  { layer: unknown }
>['layer'][number];

/** The interval selection that zooms and pans (`bind: 'scales'`). */
export const ZOOM_PARAM = 'zoom';

/** The point selection of hidden series (`bind: 'legend'`). */
export const HIDDEN_PARAM = 'hidden';

/** The point selection of the x nearest to the pointer. */
export const HOVER_PARAM = 'hover';

/**
 * Zoom with the wheel, pan by dragging, on x and y; a double click resets
 * (Vega-Lite's default `clear`). Before any zoom the y-domain follows the
 * data, so hiding a series rescales y.
 */
export function zoomParam(): {
  name: string;
  select: { type: 'interval'; encodings: ('x' | 'y')[] };
  bind: 'scales';
} {
  return {
    name: ZOOM_PARAM,
    select: { type: 'interval', encodings: ['x', 'y'] },
    bind: 'scales'
  };
}

/**
 * Hidden series, toggled by a click on their legend entry: the selection
 * holds the *hidden* labels (`toggle: 'true'` makes every click add or
 * remove one, where Vega-Lite's default would keep only the clicked one).
 * It is bound to the legend only: clicking a line does nothing.
 */
export function hiddenSeriesParam(): {
  name: string;
  select: { type: 'point'; fields: string[]; toggle: string };
  bind: 'legend';
} {
  return {
    name: HIDDEN_PARAM,
    select: { type: 'point', fields: ['series'], toggle: 'true' },
    bind: 'legend'
  };
}

/**
 * The filter every data layer applies: rows of hidden series are left
 * out, so they are not drawn and not in the scales' domains. An empty
 * selection hides nothing (`empty: false`).
 */
export function shownSeriesFilter(): {
  filter: { not: { param: string; empty: false } };
} {
  return { filter: { not: { param: HIDDEN_PARAM, empty: false } } };
}

/**
 * The legend of a chart with hidden series: a hidden series' label is
 * crossed out (`⊘ name`). The test reads the selection's `hidden` signal
 * (`{series: [...]}`, `{}` when empty) and the label is Vega's own
 * formatted text, so no user text enters the expression. Vega-Lite's own
 * legend condition dims the entries *not* selected; here the selection is
 * the hidden set, so `legendConfig` turns that dimming off.
 */
export function hiddenLegend(): { labelExpr: string } {
  return {
    labelExpr: `isArray(${HIDDEN_PARAM}.series) && indexof(${HIDDEN_PARAM}.series, datum.value) >= 0 ? '\u2298 ' + datum.label : datum.label`
  };
}

/** `config` with Vega-Lite's dimming of unselected legend entries off. */
export function legendConfig<C extends { legend?: object }>(
  config: C
): C & { legend: { unselectedOpacity: number } } {
  return { ...config, legend: { ...config.legend, unselectedOpacity: 1 } };
}

/** One series as the hover table reads it: x ascending or in logging order. */
export interface IHoverSeries {
  label: string;
  x: ArrayLike<number>;
  /** The drawn value at each x; null is a gap. */
  y: ArrayLike<number | null>;
}

/** One row of the hover layer: an x and the tooltip table there. */
export interface IHoverRow {
  x: number;
  tip: Record<string, string>;
}

/**
 * Keys vega-tooltip reads specially (a `title` heading, an `image` it
 * would load): a series called so is listed under another key.
 */
const RESERVED_TIP_KEYS = new Set(['title', 'image']);

/** At most this many tooltip cells (positions × series) per chart. */
export const HOVER_CELLS = 20_000;

/** At most this many positions of the rule. */
export const HOVER_POSITIONS = 200;

/**
 * The hover layer's rows: up to `HOVER_POSITIONS` x positions spread over
 * the union of the series' x values, each with a table of every series'
 * value at that x (its last point at or before it, for a series whose
 * range covers it). `title` heads the table (e.g. `Step 120`).
 */
export function hoverRows(
  series: readonly IHoverSeries[],
  title: (x: number) => string
): IHoverRow[] {
  if (!series.length) {
    return [];
  }
  const sorted = series.map(s => sortedPoints(s));
  const all = new Set<number>();
  sorted.forEach(s => s.x.forEach(v => all.add(v)));
  const xs = [...all].sort((a, b) => a - b);
  const max = Math.max(
    1,
    Math.min(HOVER_POSITIONS, Math.floor(HOVER_CELLS / series.length))
  );
  const positions =
    xs.length <= max
      ? xs
      : Array.from(
          { length: max },
          (_, i) => xs[Math.round((i * (xs.length - 1)) / (max - 1 || 1))]
        );
  const keys = series.map(s =>
    RESERVED_TIP_KEYS.has(s.label) ? `${s.label} (run)` : s.label
  );
  return positions.map(x => {
    const tip: Record<string, string> = { title: title(x) };
    sorted.forEach((s, k) => {
      const v = valueAt(s, x);
      if (v !== null) {
        tip[keys[k]] = formatNumber(v);
      }
    });
    return { x, tip };
  });
}

/** A series' finite points, sorted by x (stable: logging order kept). */
function sortedPoints(s: IHoverSeries): { x: number[]; y: number[] } {
  const idx: number[] = [];
  for (let i = 0; i < s.x.length; i++) {
    const y = s.y[i];
    if (Number.isFinite(s.x[i]) && y !== null && Number.isFinite(y)) {
      idx.push(i);
    }
  }
  idx.sort((a, b) => s.x[a] - s.x[b] || a - b);
  return { x: idx.map(i => s.x[i]), y: idx.map(i => s.y[i] as number) };
}

/** The value of the last point at or before `x`; null outside the range. */
function valueAt(s: { x: number[]; y: number[] }, x: number): number | null {
  const n = s.x.length;
  if (!n || x < s.x[0] || x > s.x[n - 1]) {
    return null;
  }
  let lo = 0;
  let hi = n - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (s.x[mid] <= x) {
      lo = mid;
    } else {
      hi = mid - 1;
    }
  }
  // The last of equal x values: the latest logged at that x.
  return s.y[lo];
}

/**
 * The hover layer: an invisible rule per position that shows at the x
 * nearest the pointer, with the table as its tooltip (Vega-Lite puts the
 * tooltip on the Voronoi cells of `nearest`, so the pointer need not be
 * on the rule). `x` is the chart's x encoding, shared so the layers share
 * the scale.
 */
export function hoverLayer(rows: readonly IHoverRow[], x: object): LayerChild {
  return {
    data: { values: rows },
    params: [
      {
        name: HOVER_PARAM,
        select: {
          type: 'point',
          encodings: ['x'],
          nearest: true,
          on: 'pointermove',
          clear: 'pointerout',
          // One rule at a time, Shift held or not.
          toggle: false
        }
      }
    ],
    // A description per rule would be an expression per row; the chart's
    // figure carries the label.
    mark: { type: 'rule', strokeWidth: 1, aria: false },
    encoding: {
      x,
      opacity: {
        condition: { param: HOVER_PARAM, empty: false, value: 0.6 },
        value: 0
      },
      tooltip: { field: 'tip', type: 'nominal' }
    }
  } as LayerChild;
}

/** Whether `spec` (or one of its layers) zooms: it gets a reset button. */
export function isInteractiveSpec(spec: object): boolean {
  const named = (node: unknown): boolean => {
    if (!node || typeof node !== 'object') {
      return false;
    }
    const { params, layer } = node as { params?: unknown; layer?: unknown };
    return (
      (Array.isArray(params) &&
        params.some(p => (p as { name?: unknown })?.name === ZOOM_PARAM)) ||
      (Array.isArray(layer) && layer.some(named))
    );
  };
  return named(spec);
}
