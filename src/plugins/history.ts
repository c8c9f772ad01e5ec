/**
 * Run history: rename, star, annotate and delete runs (context menu of run
 * rows, declared in schema/history.json), trash, runs of other notebooks,
 * export (notebook with runs, zip, CSV, JSON) and import (zip, runs
 * embedded in an opened notebook). Wiring only: the command bodies are in
 * `src/commands/`.
 */
import type {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { IDefaultFileBrowser } from '@jupyterlab/filebrowser';
import { INotebookTracker } from '@jupyterlab/notebook';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
// Commands are registered at activation (palette, menus, the restorer).
// eslint-disable-next-line jupyter/prefer-lazy-imports
import { addHistoryCommands, offerEmbeddedRuns } from '../commands/history';
// eslint-disable-next-line jupyter/prefer-lazy-imports
import { addRunCommands } from '../commands/runs';
// eslint-disable-next-line jupyter/prefer-lazy-imports
import { HistoryTransfer } from '../storage/transfer';
import { ServerLinkChecker } from '../storage/linkChecker';
import { IRunStore, IRunViews } from '../tokens';
import { CommandIDs, TRANSLATION_DOMAIN } from './commandIds';

function activate(
  app: JupyterFrontEnd,
  store: IRunStore,
  notebooks: INotebookTracker,
  views: IRunViews,
  translator: ITranslator | null,
  palette: ICommandPalette | null,
  browser: IDefaultFileBrowser | null
): void {
  const trans = (translator ?? nullTranslator).load(TRANSLATION_DOMAIN);
  const { commands } = app;
  const transfer = new HistoryTransfer({
    contents: app.serviceManager.contents,
    store,
    links: ServerLinkChecker.forSettings(app.serviceManager.serverSettings)
  });
  addRunCommands({ commands, store, views, trans });
  const options = {
    commands,
    store,
    views,
    transfer,
    notebooks,
    browser,
    trans
  };
  addHistoryCommands(options);
  offerEmbeddedRuns(options);

  for (const command of [
    CommandIDs.exportNotebookWithRuns,
    CommandIDs.exportRunsZip,
    CommandIDs.exportRunsCsv,
    CommandIDs.exportRunsJson,
    CommandIDs.restoreRuns,
    CommandIDs.emptyRunsTrash,
    CommandIDs.openRunsFolder,
    CommandIDs.restoreEmbeddedRuns,
    CommandIDs.retrySavingRuns
  ]) {
    palette?.addItem({ command, category: trans.__('Experiment Runs') });
  }
}

/** Managing, exporting and importing run histories. */
export const historyPlugin: JupyterFrontEndPlugin<void> = {
  id: 'jupyterlab-runs:history',
  description:
    'Rename, star, annotate, delete, export and import runs; open the runs of deleted notebooks.',
  autoStart: true,
  requires: [IRunStore, INotebookTracker, IRunViews],
  optional: [ITranslator, ICommandPalette, IDefaultFileBrowser],
  activate
};
