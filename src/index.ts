import type { JupyterFrontEndPlugin } from '@jupyterlab/application';
import { comparePlugin } from './plugins/compare';
import { historyPlugin } from './plugins/history';
import { recorderPlugin } from './plugins/recorder';
import { runsModelPlugin } from './plugins/runsModel';
import { sidebarPlugin } from './plugins/sidebar';
import { statusBarPlugin } from './plugins/statusbar';
import { storePlugin } from './plugins/store';
import { taggingPlugin } from './plugins/tagging';

export * from './tokens';

const plugins: JupyterFrontEndPlugin<unknown>[] = [
  storePlugin,
  recorderPlugin,
  taggingPlugin,
  runsModelPlugin,
  sidebarPlugin,
  historyPlugin,
  statusBarPlugin,
  comparePlugin
];

export default plugins;
