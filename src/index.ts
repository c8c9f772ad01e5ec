import type { JupyterFrontEndPlugin } from '@jupyterlab/application';
import { recorderPlugin } from './plugins/recorder';
import { sidebarPlugin } from './plugins/sidebar';
import { storePlugin } from './plugins/store';
import { taggingPlugin } from './plugins/tagging';

export * from './tokens';

const plugins: JupyterFrontEndPlugin<unknown>[] = [
  storePlugin,
  recorderPlugin,
  taggingPlugin,
  sidebarPlugin
];

export default plugins;
