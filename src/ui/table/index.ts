export * from './columns';
export * from './explorer';
export * from './layout';
export * from './toolbar';
export * from './model';
export * from './view';
export * from './service';
