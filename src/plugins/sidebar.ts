import {
  ILayoutRestorer,
  type JupyterFrontEnd,
  type JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { IStateDB } from '@jupyterlab/statedb';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import { IRunsExplorer, IRunsModel } from '../tokens';
import { experimentIcon } from '../ui/icons';
// Needed at activation: runs must be captured from the first execution.
// eslint-disable-next-line jupyter/prefer-lazy-imports
import { RunsPanel } from '../ui/runsPanel';
// eslint-disable-next-line jupyter/prefer-lazy-imports
import {
  RunsExplorerService,
  RunsTableModel,
  TableStateMemory
} from '../ui/table';
// A few lines, read as soon as the settings load.
// eslint-disable-next-line jupyter/prefer-lazy-imports
import { anomalySettings } from './anomalySettings';
import {
  CommandIDs,
  SIDEBAR_PLUGIN_ID,
  TRANSLATION_DOMAIN
} from './commandIds';

function activate(
  app: JupyterFrontEnd,
  model: IRunsModel,
  translator: ITranslator | null,
  restorer: ILayoutRestorer | null,
  palette: ICommandPalette | null,
  state: IStateDB | null,
  settingRegistry: ISettingRegistry | null
): IRunsExplorer {
  const trans = (translator ?? nullTranslator).load(TRANSLATION_DOMAIN);
  const table = new RunsTableModel();
  void settingRegistry
    ?.load(sidebarPlugin.id)
    .then(settings => {
      const update = () => table.setAnomalyOptions(anomalySettings(settings));
      settings.changed.connect(update);
      update();
    })
    .catch(() => undefined);
  if (state) {
    new TableStateMemory({ table, model, state });
  }
  const panel = new RunsPanel({
    model,
    trans,
    table,
    compare: { commands: app.commands, command: CommandIDs.compareRuns },
    onOpen: runId => void app.commands.execute(CommandIDs.openRun, { runId })
  });
  panel.id = 'jp-runs-panel';
  panel.title.icon = experimentIcon;
  panel.title.caption = trans.__('Experiment Runs');
  app.shell.add(panel, 'right', { rank: 650, type: 'Experiment Runs' });
  restorer?.add(panel, 'jupyterlab-runs:sidebar');

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
  id: SIDEBAR_PLUGIN_ID,
  description: 'A sidebar listing the runs of the active notebook.',
  autoStart: true,
  requires: [IRunsModel],
  optional: [
    ITranslator,
    ILayoutRestorer,
    ICommandPalette,
    IStateDB,
    ISettingRegistry
  ],
  provides: IRunsExplorer,
  activate
};
