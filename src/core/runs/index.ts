export * from './runList';
