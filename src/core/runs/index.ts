export * from './names';
export * from './palette';
export * from './runList';
