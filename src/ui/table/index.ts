export * from './columns';
export * from './explorer';
export * from './model';
export * from './view';
export * from './service';
