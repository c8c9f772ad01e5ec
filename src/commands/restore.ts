/**
 * Bringing a run back into a notebook: insert its code as a new cell, open
 * it as a new notebook rebuilt from its lineage, or set the `parameters`
 * cell back to its values. Each acts on the run `IRunViews.target` names.
 */
import { showErrorMessage } from '@jupyterlab/apputils';
import { PathExt } from '@jupyterlab/coreutils';
import {
  NotebookActions,
  type INotebookTracker,
  type NotebookPanel
} from '@jupyterlab/notebook';
import type { Contents } from '@jupyterlab/services';
import type { TranslationBundle } from '@jupyterlab/translation';
import type { CommandRegistry } from '@lumino/commands';
import type { PartialJSONObject } from '@lumino/coreutils';
import { runDetails } from '../core/compare/details';
import {
  parametersSource,
  updateParametersSource
} from '../core/compare/restore';
import type { IRunRecord } from '../core/run';
import type { IRunStore, IRunViews } from '../tokens';
import { CommandIDs } from '../plugins/commandIds';
import { RUN_ARGS } from './compare';

export interface IRestoreCommandsOptions {
  commands: CommandRegistry;
  /** Where the notebook is activated again after an edit. */
  activate: (id: string) => void;
  contents: Contents.IManager;
  store: IRunStore;
  views: IRunViews;
  notebooks: INotebookTracker;
  trans: TranslationBundle;
}

export function addRestoreCommands(options: IRestoreCommandsOptions): void {
  const { commands, store, views, notebooks, trans } = options;
  const current = (): NotebookPanel | null => notebooks.currentWidget;
  const oneRun = (args: Record<string, unknown>) => {
    const target = views.target(args);
    return target?.runIds.length === 1 ? target : null;
  };
  const getRecord = (args: Record<string, unknown>): Promise<IRunRecord> => {
    const target = oneRun(args);
    return target
      ? store.get(target.notebookPath, target.runIds[0])
      : Promise.reject(new Error(trans.__('No run given.')));
  };

  commands.addCommand(CommandIDs.insertRunCode, {
    label: trans.__('Insert Run Code as New Cell'),
    caption: trans.__(
      'Insert the code of a run below the active cell of the current notebook'
    ),
    isEnabled: args => !!current() && oneRun(args) !== null,
    describedBy: { args: RUN_ARGS },
    execute: async args => {
      const panel = current();
      if (!panel) {
        return;
      }
      try {
        const record = await getRecord(args);
        NotebookActions.insertBelow(panel.content);
        panel.content.activeCell?.model.sharedModel.setSource(record.code);
        options.activate(panel.id);
      } catch (e) {
        void showErrorMessage(
          trans.__('Cannot insert the run code'),
          String(e)
        );
      }
    }
  });

  commands.addCommand(CommandIDs.openRunNotebook, {
    label: trans.__('Open Run as New Notebook'),
    caption: trans.__(
      'A new notebook rebuilt from the run’s lineage and params'
    ),
    isEnabled: args => oneRun(args) !== null,
    describedBy: { args: RUN_ARGS },
    execute: async args => {
      try {
        const target = oneRun(args);
        const record = await getRecord(args);
        const path = await saveRebuiltNotebook(
          options,
          target!.notebookPath,
          record
        );
        await commands.execute('docmanager:open', { path });
      } catch (e) {
        void showErrorMessage(
          trans.__('Cannot open the run as a notebook'),
          String(e)
        );
      }
    }
  });

  commands.addCommand(CommandIDs.restoreParameters, {
    label: trans.__('Restore Run Parameters'),
    caption: trans.__(
      'Set the cell tagged “parameters” back to a run’s values'
    ),
    isEnabled: args => !!current() && oneRun(args) !== null,
    describedBy: { args: RUN_ARGS },
    execute: async args => {
      const panel = current();
      if (!panel) {
        return;
      }
      try {
        setParameters(panel, await getRecord(args));
        options.activate(panel.id);
      } catch (e) {
        void showErrorMessage(
          trans.__('Cannot restore the parameters'),
          String(e)
        );
      }
    }
  });
}

/**
 * A new notebook beside the notebook the run was read from (never where the
 * run file's own, untrusted `notebookPath` points), rebuilt from the run as
 * Reproduce Run executes it; its path.
 */
async function saveRebuiltNotebook(
  options: IRestoreCommandsOptions,
  notebookPath: string,
  record: IRunRecord
): Promise<string> {
  const { contents, trans } = options;
  const { runNotebook } = await import('../core/reproduce/notebook');
  const model = await contents.newUntitled({
    path: PathExt.dirname(notebookPath),
    type: 'notebook'
  });
  await contents.save(model.path, {
    type: 'notebook',
    format: 'json',
    content: runNotebook(
      record,
      trans.__('Rebuilt from run `%1` of `%2`.', record.id, notebookPath)
    ) as unknown as PartialJSONObject
  });
  return model.path;
}

/** Update the `parameters` cell, or insert one at the top. */
function setParameters(panel: NotebookPanel, record: IRunRecord): void {
  const d = runDetails(record);
  const cells = panel.content.model?.cells;
  let target = null;
  for (let i = 0; cells && i < cells.length; i++) {
    const tags = cells.get(i).getMetadata('tags');
    if (Array.isArray(tags) && tags.includes('parameters')) {
      target = cells.get(i);
      break;
    }
  }
  if (target) {
    const next = updateParametersSource(
      target.sharedModel.getSource(),
      d.params,
      record.paramSources
    );
    target.sharedModel.setSource(next.source);
  } else {
    panel.content.activeCellIndex = 0;
    NotebookActions.insertAbove(panel.content);
    const cell = panel.content.activeCell;
    cell?.model.sharedModel.setSource(parametersSource(d.params).source);
    cell?.model.setMetadata('tags', ['parameters']);
  }
}
