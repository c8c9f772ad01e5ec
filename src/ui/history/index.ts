export * from './folderRunsView';
export * from './pendingText';
export * from './statusItem';
