/**
 * The main-area run views as tabs: trackers for run details, comparisons
 * and runs-folder views, with stable ids, restored after a reload by the
 * layout restorer (which runs the command that opened each, with the same
 * arguments), and the one answer to "which run(s) does this command act
 * on?" (`IRunViews.target`).
 */
import {
  ILayoutRestorer,
  type JupyterFrontEnd,
  type JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { INotebookTracker } from '@jupyterlab/notebook';
import type { Widget } from '@lumino/widgets';
// Needed at activation: the trackers must be restored before the app starts.
// eslint-disable-next-line jupyter/prefer-lazy-imports
import { RunViews } from '../commands/runViews';
import { IRunsExplorer, IRunViews } from '../tokens';
import { CommandIDs } from './commandIds';

function activate(
  app: JupyterFrontEnd,
  notebooks: INotebookTracker,
  explorer: IRunsExplorer | null,
  restorer: ILayoutRestorer | null
): IRunViews {
  const views = new RunViews({
    shell: app.shell,
    explorer,
    sidebarNode: () => document.getElementById('jp-runs-panel'),
    notebookPath: () => notebooks.currentWidget?.context.path ?? null,
    menuClosed: app.contextMenu.menu.aboutToClose
  });
  if (restorer) {
    const scope = (w: Widget) =>
      views.scopeOf(w) ?? { notebookPath: null, runIds: [] };
    void restorer.restore(views.detail, {
      command: CommandIDs.openRun,
      args: w => ({
        notebookPath: scope(w).notebookPath,
        runId: scope(w).runIds[0] ?? null
      }),
      name: w => w.id
    });
    void restorer.restore(views.compare, {
      command: CommandIDs.compareRuns,
      args: w => ({
        notebookPath: scope(w).notebookPath,
        runIds: [...scope(w).runIds]
      }),
      name: w => w.id
    });
    void restorer.restore(views.folder, {
      command: CommandIDs.openRunsFolder,
      args: w => ({ notebookPath: scope(w).notebookPath }),
      name: w => w.id
    });
  }
  return views;
}

/** Run detail, compare and runs-folder tabs, and the runs commands act on. */
export const viewsPlugin: JupyterFrontEndPlugin<IRunViews> = {
  id: 'jupyterlab-runs:views',
  description:
    'Tracks the run detail, compare and runs-folder tabs, restores them after a reload, and says which run(s) a command acts on.',
  autoStart: true,
  requires: [INotebookTracker],
  optional: [IRunsExplorer, ILayoutRestorer],
  provides: IRunViews,
  activate
};
