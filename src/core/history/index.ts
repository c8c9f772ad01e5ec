/**
 * Durable run history, the pure core: folder layout, manifest shards and
 * their reconciliation with the folder listing, migration and loading of run
 * files, embedding in notebooks and zip bundles. Adapters (Contents API,
 * IndexedDB cache, UI) build on these functions; see docs/RUN_FOLDER.md.
 */
export * from './annotations';
export * from './bundle';
export * from './embedFiles';
export * from './freshness';
export * from './layout';
export * from './links';
export * from './load';
export * from './manifest';
export * from './migrate';
export * from './reconcile';
export * from './series';
export * from './summary';
export * from './tableExport';
export * from './tree';
export * from './zip';
export { isTerminalStatus } from './guards';
