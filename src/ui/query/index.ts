export * from './queryBar';
export * from './errors';
