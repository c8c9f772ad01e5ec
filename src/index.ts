import type { JupyterFrontEndPlugin } from '@jupyterlab/application';
import { comparePlugin } from './plugins/compare';
import { comparePanesPlugin } from './plugins/comparePanes';
import { historyPlugin } from './plugins/history';
import { recorderPlugin } from './plugins/recorder';
import { reproducePlugin } from './plugins/reproduce';
import { runsModelPlugin } from './plugins/runsModel';
import { sidebarPlugin } from './plugins/sidebar';
import { statusBarPlugin } from './plugins/statusbar';
import { storePlugin } from './plugins/store';
import { taggingPlugin } from './plugins/tagging';
import { viewsPlugin } from './plugins/views';

export * from './tokens';

const plugins: JupyterFrontEndPlugin<unknown>[] = [
  storePlugin,
  recorderPlugin,
  taggingPlugin,
  runsModelPlugin,
  sidebarPlugin,
  historyPlugin,
  statusBarPlugin,
  viewsPlugin,
  comparePlugin,
  comparePanesPlugin,
  reproducePlugin
];

export default plugins;
