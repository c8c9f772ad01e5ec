export * from './widget';
