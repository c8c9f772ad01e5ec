import {
  ILayoutRestorer,
  type JupyterFrontEnd,
  type JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { INotebookTracker, type NotebookPanel } from '@jupyterlab/notebook';
import { IStateDB } from '@jupyterlab/statedb';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import { IRunRecorder, IRunsExplorer, IRunStore } from '../tokens';
import { experimentIcon } from '../ui/icons';
// Needed at activation: runs must be captured from the first execution.
// eslint-disable-next-line jupyter/prefer-lazy-imports
import { RunsModel, RunsPanel } from '../ui/runsPanel';
// eslint-disable-next-line jupyter/prefer-lazy-imports
import {
  rememberTableState,
  RunsExplorerService,
  RunsTableModel
} from '../ui/table';
import { CommandIDs, TRANSLATION_DOMAIN } from './commandIds';

function activate(
  app: JupyterFrontEnd,
  store: IRunStore,
  tracker: INotebookTracker,
  translator: ITranslator | null,
  restorer: ILayoutRestorer | null,
  palette: ICommandPalette | null,
  recorder: IRunRecorder | null,
  state: IStateDB | null
): IRunsExplorer {
  const trans = (translator ?? nullTranslator).load(TRANSLATION_DOMAIN);
  const model = new RunsModel({ store, live: recorder?.runUpdated });
  const table = new RunsTableModel();
  if (state) {
    void rememberTableState(table, state);
  }
  const panel = new RunsPanel({
    model,
    trans,
    table,
    onCompare: runIds =>
      void app.commands.execute(CommandIDs.compareRuns, { runIds }),
    onOpen: runId => void app.commands.execute(CommandIDs.openRun, { runId })
  });
  panel.id = 'jp-runs-panel';
  panel.title.icon = experimentIcon;
  panel.title.caption = trans.__('Experiment Runs');
  app.shell.add(panel, 'right', { rank: 650, type: 'Experiment Runs' });
  restorer?.add(panel, 'jupyterlab-runs:sidebar');

  // Follow the notebook the user works in, and its renames.
  let followed: NotebookPanel | null = null;
  const onPathChanged = () => {
    void model.setNotebook(followed?.context.localPath ?? null);
  };
  const follow = () => {
    followed?.context.pathChanged.disconnect(onPathChanged);
    followed = tracker.currentWidget;
    followed?.context.pathChanged.connect(onPathChanged);
    if (followed) {
      void followed.context.ready.then(onPathChanged);
    } else {
      onPathChanged();
    }
  };
  tracker.currentChanged.connect(follow);
  follow();

  app.commands.addCommand(CommandIDs.showRuns, {
    label: trans.__('Show Experiment Runs'),
    caption: trans.__('Open the sidebar listing the runs of this notebook'),
    describedBy: { args: { type: 'object', properties: {} } },
    execute: () => app.shell.activateById(panel.id)
  });
  app.commands.addCommand(CommandIDs.refreshRuns, {
    label: trans.__('Reload Experiment Runs'),
    caption: trans.__('Read the runs folder of this notebook again'),
    isEnabled: () => model.notebookPath !== null,
    describedBy: { args: { type: 'object', properties: {} } },
    execute: () => model.refresh({ reload: true })
  });
  for (const command of [CommandIDs.showRuns, CommandIDs.refreshRuns]) {
    palette?.addItem({ command, category: trans.__('Experiment Runs') });
  }
  return new RunsExplorerService({ model, table });
}

/** The sidebar listing the runs of the active notebook. */
export const sidebarPlugin: JupyterFrontEndPlugin<IRunsExplorer> = {
  id: 'jupyterlab-runs:sidebar',
  description: 'A sidebar listing the runs of the active notebook.',
  autoStart: true,
  requires: [IRunStore, INotebookTracker],
  optional: [
    ITranslator,
    ILayoutRestorer,
    ICommandPalette,
    IRunRecorder,
    IStateDB
  ],
  provides: IRunsExplorer,
  activate
};
