/**
 * Shared pieces of the chart specs.
 *
 * Safety rule for every spec in this folder: user-controlled text (run
 * names, metric and param names, values, class labels) goes into data rows
 * or plain titles only. Field names are fixed identifiers chosen here, and
 * no spec contains `calculate`, `filter` or signal expressions built from
 * user text; anything computed is computed in TypeScript first. Vega-Lite
 * would escape such text when it generates expressions, but not having it
 * there at all is the property the tests check.
 */
import type { Config, TopLevelSpec } from 'vega-lite';
import { formatNumber, VALUE_FORMAT } from '../numbers';
import { runColorScale, runName } from '../runs/names';

/**
 * The words the charts show (axis and legend titles). English defaults;
 * the UI passes translated ones, since this core has no translator.
 */
export interface IChartText {
  run: string;
  group: string;
  metric: string;
  value: string;
  step: string;
  time: string;
  relativeTime: string;
  predicted: string;
  actual: string;
  count: string;
  share: string;
  falsePositiveRate: string;
  truePositiveRate: string;
  recall: string;
  precision: string;
}

/** Default chart words. */
export const CHART_TEXT: Readonly<IChartText> = {
  run: 'Run',
  group: 'Group',
  metric: 'Metric',
  value: 'Value',
  step: 'Step',
  time: 'Time',
  relativeTime: 'Relative time (s)',
  predicted: 'Predicted',
  actual: 'Actual',
  count: 'Count',
  share: 'Share',
  falsePositiveRate: 'False positive rate',
  truePositiveRate: 'True positive rate',
  recall: 'Recall',
  precision: 'Precision'
};

/** Options every chart takes. Sizes default to the container's. */
export interface IChartOptions {
  /** Translated chart words; missing ones fall back to `CHART_TEXT`. */
  text?: Partial<IChartText>;
  /** Pixels, or `container` to fill the host element. Default `container`. */
  width?: number | 'container';
  /** Pixels, or `container`. Default 300. */
  height?: number | 'container';
  /** A chart title (plain text). */
  title?: string;
  /**
   * Colors for series, in order, e.g. read from the JupyterLab theme. When
   * absent, Vega-Lite's default scheme (or the scheme in `config`) applies.
   */
  colors?: readonly string[];
  /** Vega-Lite config from the caller's theme: fonts, axis and text colors. */
  config?: Config;
}

/** The chart words for `options`. */
export function chartText(options: IChartOptions): IChartText {
  return { ...CHART_TEXT, ...options.text };
}

/** The `$schema` every spec declares. */
export const VEGA_LITE_SCHEMA =
  'https://vega.github.io/schema/vega-lite/v6.json';

/** Properties shared by the top level of every spec. */
export function topLevel(options: IChartOptions): {
  $schema: string;
  width: number | 'container';
  height: number | 'container';
  background: string;
  title?: string;
  config: Config;
} {
  return {
    $schema: VEGA_LITE_SCHEMA,
    width: options.width ?? 'container',
    height: options.height ?? 300,
    // Transparent, so the notebook's light or dark theme shows through.
    background: 'transparent',
    ...(options.title !== undefined ? { title: options.title } : {}),
    // Axes, legends and tooltips write numbers as the table does
    // (`formatNumber`): a d3-format string, not an expression.
    config: { numberFormat: VALUE_FORMAT, ...options.config }
  };
}

/** A color scale using the caller's colors, if any. */
export function colorScale(options: IChartOptions): { range?: string[] } {
  return options.colors?.length ? { range: [...options.colors] } : {};
}

/**
 * The color scale of series keyed by run labels (`seriesLabels`): each
 * run in its own stable color (`runColor`), in every chart alike.
 */
export function runScale(
  runs: readonly INamed[],
  labels: readonly string[]
): { domain: string[]; range: string[] } {
  return runColorScale(
    runs.map(r => ({ ...r, experiment: r.experiment ?? '' })),
    labels
  );
}

/** The first caller color, for single-series marks. */
export function firstColor(options: IChartOptions): { color?: string } {
  return options.colors?.length ? { color: options.colors[0] } : {};
}

/**
 * Escape a field name for a Vega-Lite field reference, where `.` means
 * nested access and `[`/`]` index: `a.b[0]` → `a\.b\[0\]`. The specs here
 * only use fixed field names; this is for callers who build their own.
 */
export function fieldRef(name: string): string {
  return name.replace(/[\\.[\]]/g, c => `\\${c}`);
}

/**
 * An accessibility description for each mark, read from a data field.
 * Every data mark sets one: without it Vega-Lite writes a description
 * *expression* that quotes the axis titles, and those are user text
 * (metric and param names).
 */
export function describeBy(field: string): {
  description: { field: string; type: 'nominal' };
} {
  return { description: { field, type: 'nominal' } };
}

/**
 * A run or its summary, as charts name and colour it: `runName` (the
 * user's name, or `logreg #7`), the id only for a run with neither.
 */
export interface INamed {
  id: string;
  name?: string;
  experiment?: string;
  /** The run's number in its experiment (`RunList`). */
  seq?: number;
}

/** The name a chart shows for a run. */
export function chartRunName(run: INamed): string {
  return run.experiment !== undefined
    ? runName({ ...run, experiment: run.experiment })
    : run.name || run.id;
}

/**
 * Display labels for runs (`chartRunName`); a name shared by several runs
 * gets the end of the id appended, since the label is what colors and
 * legends are keyed by.
 */
export function seriesLabels(runs: readonly INamed[]): string[] {
  const base = runs.map(chartRunName);
  const counts = new Map<string, number>();
  base.forEach(b => counts.set(b, (counts.get(b) ?? 0) + 1));
  const labels = base.map((b, i) =>
    (counts.get(b) ?? 0) > 1 ? `${b} (${runs[i].id.slice(-6)})` : b
  );
  return uniqueLabels(labels);
}

/** Make labels distinct by appending ` (2)`, ` (3)`, … to repeats. */
export function uniqueLabels(labels: readonly string[]): string[] {
  const used = new Set<string>();
  return labels.map(l => {
    let out = l;
    for (let n = 2; used.has(out); n++) {
      out = `${l} (${n})`;
    }
    used.add(out);
    return out;
  });
}

/** A param value as text: strings as they are, anything else as JSON. */
export function paramText(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** A number for JSON data: non-finite becomes null (a gap in a line). */
export function finiteOrNull(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}

/** Numbers in labels made in TypeScript: the one formatter (`numbers.ts`). */
export { formatNumber };

/** Re-exported so chart modules and callers share one spec type. */
export type { TopLevelSpec };
