/**
 * Comparing runs, without a DOM: side-by-side params and metrics, "what
 * changed" between two runs, checked reading of optional record fields,
 * CSV export and turning runs back into code.
 */
export * from './csv';
export * from './details';
export * from './restore';
export * from './sideBySide';
export * from './whatChanged';
export * from './differingParams';
