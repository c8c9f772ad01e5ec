/**
 * Commands on one run: rename, star, note, tags, delete (the run rows'
 * context menu, `schema/history.json`). Each acts on the run
 * `IRunViews.target` names: its arguments, the row right-clicked (in the
 * sidebar, a runs-folder view or a comparison), the detail in front, or the
 * sidebar's one selected run.
 */
import {
  Dialog,
  InputDialog,
  Notification,
  showDialog
} from '@jupyterlab/apputils';
import type { TranslationBundle } from '@jupyterlab/translation';
import type { CommandRegistry } from '@lumino/commands';
import { runsFolder } from '../core/paths';
import type { IRunStore, IRunViews } from '../tokens';
import { CommandIDs } from '../plugins/commandIds';
import { RUN_ARGS } from './compare';
import { notifyTrashReport } from './reports';

export interface IRunCommandsOptions {
  commands: CommandRegistry;
  store: IRunStore;
  views: IRunViews;
  trans: TranslationBundle;
}

interface IRun {
  notebookPath: string;
  runId: string;
}

/** Report a failed command in a notification that stays. */
export function notifyFailure(
  trans: TranslationBundle
): (error: unknown) => void {
  return error => {
    Notification.error(
      trans.__(
        'Experiment Runs: %1',
        error instanceof Error ? error.message : String(error)
      ),
      { autoClose: false }
    );
  };
}

export function addRunCommands(options: IRunCommandsOptions): void {
  const { commands, store, views, trans } = options;
  const fail = notifyFailure(trans);
  const runOf = (args: Record<string, unknown>): IRun | null => {
    const target = views.target(args);
    return target?.runIds.length === 1
      ? { notebookPath: target.notebookPath, runId: target.runIds[0] }
      : null;
  };
  const runCommand = (
    id: string,
    label: string,
    act: (run: IRun) => Promise<unknown>
  ) =>
    commands.addCommand(id, {
      label,
      describedBy: { args: RUN_ARGS },
      isEnabled: args => runOf(args) !== null,
      execute: async args => {
        // Read before any await: a context menu's row is forgotten after.
        const run = runOf(args);
        // What the act reports (a delete's trash report) is the result.
        return run ? act(run).catch(fail) : undefined;
      }
    });
  const annotation = (run: IRun) =>
    store.getAnnotation(run.notebookPath, run.runId);

  runCommand(CommandIDs.renameRun, trans.__('Rename Run…'), async run => {
    const current = await annotation(run);
    const result = await InputDialog.getText({
      title: trans.__('Rename Run'),
      label: trans.__('Name (empty to use the experiment name)'),
      text: current.name ?? ''
    });
    if (result.button.accept && result.value !== null) {
      await store.annotate(run.notebookPath, run.runId, { name: result.value });
    }
  });
  runCommand(
    CommandIDs.toggleRunStar,
    trans.__('Star or Unstar Run'),
    async run => {
      const current = await annotation(run);
      await store.annotate(run.notebookPath, run.runId, {
        starred: !current.starred
      });
    }
  );
  runCommand(CommandIDs.editRunNote, trans.__('Edit Run Note…'), async run => {
    const current = await annotation(run);
    const result = await InputDialog.getText({
      title: trans.__('Note on Run'),
      label: trans.__('Note (empty to remove it)'),
      text: current.note ?? ''
    });
    if (result.button.accept && result.value !== null) {
      await store.annotate(run.notebookPath, run.runId, { note: result.value });
    }
  });
  runCommand(CommandIDs.addRunTags, trans.__('Add Run Tags…'), async run => {
    const current = await annotation(run);
    const result = await InputDialog.getText({
      title: trans.__('Add Tags'),
      label: trans.__('Tags, comma-separated: a label or key=value'),
      placeholder: trans.__('baseline, owner=alice')
    });
    if (!result.button.accept || !result.value) {
      return;
    }
    const tags = { ...(current.tags ?? {}) };
    for (const part of result.value.split(',')) {
      const [key, ...rest] = part.split('=');
      if (key.trim()) {
        tags[key.trim()] = rest.join('=').trim();
      }
    }
    await store.annotate(run.notebookPath, run.runId, { tags });
  });
  runCommand(CommandIDs.deleteRun, trans.__('Delete Run…'), async run => {
    const result = await showDialog({
      title: trans.__('Delete Run'),
      body: trans.__(
        'Move run %1 and its files to the trash of %2? It can be restored until the trash is emptied.',
        run.runId,
        runsFolder(run.notebookPath)
      ),
      buttons: [
        Dialog.cancelButton({ label: trans.__('Cancel') }),
        Dialog.warnButton({ label: trans.__('Delete') })
      ]
    });
    if (result.button.accept) {
      const report = await store.trash(run.notebookPath, [run.runId]);
      notifyTrashReport(trans, runsFolder(run.notebookPath), report);
      return report;
    }
  });
}
