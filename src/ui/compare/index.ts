export * from './chart';
export * from './model';
export * from './widget';
export * from './registry';
