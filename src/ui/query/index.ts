export * from './queryBar';
