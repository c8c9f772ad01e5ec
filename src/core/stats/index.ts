/**
 * Statistics for comparing runs: Welch's t-test, group summaries,
 * param–metric correlations and model-based param importance.
 */
export * from './correlation';
export * from './describe';
export * from './forest';
export * from './importance';
export * from './tdist';
