import type {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { IStatusBar } from '@jupyterlab/statusbar';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import { IRunStore } from '../tokens';
import { PendingRunsItem, pendingStatusItem } from '../ui/history';
import { CommandIDs, TRANSLATION_DOMAIN } from './commandIds';

function activate(
  app: JupyterFrontEnd,
  store: IRunStore,
  statusBar: IStatusBar,
  translator: ITranslator | null
): void {
  const trans = (translator ?? nullTranslator).load(TRANSLATION_DOMAIN);
  const item = new PendingRunsItem({
    store,
    trans,
    onClick: () => void app.commands.execute(CommandIDs.retrySavingRuns)
  });
  // Shown only while runs wait to be saved (`isActive`).
  statusBar.registerStatusItem(
    'jupyterlab-runs:pending',
    pendingStatusItem(item)
  );
}

/** Says in the status bar how many runs are not yet saved, and why. */
export const statusBarPlugin: JupyterFrontEndPlugin<void> = {
  id: 'jupyterlab-runs:statusbar',
  description: 'Shows how many runs are not yet saved on the server, and why.',
  autoStart: true,
  requires: [IRunStore, IStatusBar],
  optional: [ITranslator],
  activate
};
