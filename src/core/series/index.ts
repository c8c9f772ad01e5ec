/**
 * Metric series: aggregates, downsampling to a pixel budget, smoothing, x axes, bands
 * across runs and anomaly flags. Pure, so the Node benchmark and the tests
 * use exactly what the charts use.
 */
export * from './aggregates';
export * from './anomalies';
export * from './axis';
export * from './band';
export * from './downsample';
export * from './smoothing';
export * from './curve';
