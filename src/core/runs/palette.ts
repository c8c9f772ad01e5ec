/**
 * The colours runs are drawn in: Vega's `tableau10` scheme (Vega-Lite's
 * default for categories), chosen by Tableau to read on light and dark
 * backgrounds alike. Copied, not imported from `vega-scale`: the core is
 * loaded with the page, Vega only when a chart is drawn; a test checks the
 * copy against Vega's.
 */
export const runsPalette: readonly string[] = [
  '#4c78a8',
  '#f58518',
  '#e45756',
  '#72b7b2',
  '#54a24b',
  '#eeca3b',
  '#b279a2',
  '#ff9da6',
  '#9d755d',
  '#bab0ac'
];
