/**
 * Vega-Lite specs for comparing runs: pure functions from runs or series to
 * a spec, theme-neutral (colors and config come from the caller) and free
 * of expressions built from user text. See `common.ts` for the rules.
 */
export * from './classification';
export * from './common';
export * from './curves';
export * from './parallel';
export * from './params';
export * from './inlineData';
export * from './interactive';
export * from './marks';
export * from './singleValues';
