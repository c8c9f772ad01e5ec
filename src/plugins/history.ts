/**
 * Run history commands: rename, star, annotate and delete runs (context
 * menu of run rows, declared in schema/history.json), trash, runs of other
 * notebooks, export (notebook with runs, zip, CSV, JSON) and import (zip,
 * runs embedded in an opened notebook).
 */
import type {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import {
  Dialog,
  ICommandPalette,
  InputDialog,
  MainAreaWidget,
  Notification,
  showDialog
} from '@jupyterlab/apputils';
import { IDefaultFileBrowser } from '@jupyterlab/filebrowser';
import { INotebookTracker, type NotebookPanel } from '@jupyterlab/notebook';
import {
  ITranslator,
  nullTranslator,
  type TranslationBundle
} from '@jupyterlab/translation';
import { EMBED_METADATA_KEY } from '../core/history/bundle';
import { isRunId } from '../core/id';
import { runsFolder } from '../core/paths';
import { HistoryTransfer } from '../storage/transfer';
import { IRunStore } from '../tokens';
import { FolderRunsView } from '../ui/history';
import { CommandIDs, TRANSLATION_DOMAIN } from './commandIds';

const RUN_ARGS = {
  type: 'object',
  properties: {
    runId: { type: 'string', description: 'The run id (a ULID)' },
    notebookPath: {
      type: 'string',
      description: 'The notebook the run belongs to'
    }
  }
} as const;
const NOTEBOOK_ARGS = {
  type: 'object',
  properties: {
    notebookPath: { type: 'string', description: 'Server path of a notebook' }
  }
} as const;
const DISMISSED_KEY = 'jupyterlab-runs:restore-dismissed:';

function activate(
  app: JupyterFrontEnd,
  store: IRunStore,
  tracker: INotebookTracker,
  translator: ITranslator | null,
  palette: ICommandPalette | null,
  browser: IDefaultFileBrowser | null
): void {
  const trans = (translator ?? nullTranslator).load(TRANSLATION_DOMAIN);
  const { commands } = app;
  const transfer = new HistoryTransfer({
    contents: app.serviceManager.contents,
    store
  });
  /**
   * The run row a context menu was opened on, taken when it opens: the
   * table may redraw its rows while the menu is open, and a detached row is
   * out of reach of `app.contextMenuHitTest` (it stops below the root of
   * the detached subtree), which would leave every run command disabled.
   */
  let menuRow: HTMLElement | null = null;
  let menuHost: HTMLElement | null = null;
  document.addEventListener(
    'contextmenu',
    event => {
      const target = event.target;
      menuRow =
        target instanceof Element
          ? target.closest<HTMLElement>('[data-run-id]')
          : null;
      menuHost = menuRow?.closest<HTMLElement>('[data-notebook-path]') ?? null;
    },
    true
  );
  const hit = () => menuRow;

  /** The notebook whose runs a command acts on. */
  const notebookOf = (args: Record<string, unknown>): string | null => {
    if (typeof args.notebookPath === 'string') {
      return args.notebookPath;
    }
    const host = hit() ? menuHost : null;
    if (host?.dataset.notebookPath) {
      return host.dataset.notebookPath;
    }
    const current = app.shell.currentWidget;
    if (
      current instanceof MainAreaWidget &&
      current.content instanceof FolderRunsView
    ) {
      return current.content.notebookPath;
    }
    return tracker.currentWidget?.context.path ?? null;
  };
  const runOf = (args: Record<string, unknown>) => {
    const runId =
      typeof args.runId === 'string' ? args.runId : hit()?.dataset.runId;
    const notebookPath = notebookOf(args);
    return runId && isRunId(runId) && notebookPath
      ? { runId, notebookPath }
      : null;
  };
  const fail = (error: unknown) =>
    Notification.error(
      trans.__(
        'Experiment Runs: %1',
        error instanceof Error ? error.message : String(error)
      ),
      { autoClose: false }
    );
  const runCommand = (
    id: string,
    label: string,
    act: (run: { runId: string; notebookPath: string }) => Promise<unknown>
  ) =>
    commands.addCommand(id, {
      label,
      describedBy: { args: RUN_ARGS },
      isEnabled: args => runOf(args) !== null,
      execute: async args => {
        const run = runOf(args);
        if (run) {
          await act(run).catch(fail);
        }
      }
    });

  runCommand(CommandIDs.renameRun, trans.__('Rename Run…'), async run => {
    const current = await store.getAnnotation(run.notebookPath, run.runId);
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
      const current = await store.getAnnotation(run.notebookPath, run.runId);
      await store.annotate(run.notebookPath, run.runId, {
        starred: !current.starred
      });
    }
  );
  runCommand(CommandIDs.editRunNote, trans.__('Edit Run Note…'), async run => {
    const current = await store.getAnnotation(run.notebookPath, run.runId);
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
    const current = await store.getAnnotation(run.notebookPath, run.runId);
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
      await store.trash(run.notebookPath, [run.runId]);
    }
  });

  const notebookCommand = (
    id: string,
    label: string,
    act: (notebookPath: string) => Promise<unknown>
  ) =>
    commands.addCommand(id, {
      label,
      describedBy: { args: NOTEBOOK_ARGS },
      isEnabled: args => notebookOf(args) !== null,
      execute: async args => {
        const path = notebookOf(args);
        if (path) {
          return act(path).catch(fail);
        }
      }
    });

  notebookCommand(
    CommandIDs.restoreRuns,
    trans.__('Restore Deleted Runs…'),
    async path => {
      const trashed = await store.listTrash(path);
      if (trashed.length === 0) {
        Notification.info(
          trans.__('The trash of %1 is empty.', runsFolder(path))
        );
        return;
      }
      const labels = trashed.map(
        t =>
          `${t.id} ${t.summary ? `${t.summary.experiment} ${t.summary.startedAt}` : ''}`
      );
      const result = await InputDialog.getItem({
        title: trans.__('Restore a Deleted Run'),
        items: labels
      });
      const index = result.value === null ? -1 : labels.indexOf(result.value);
      if (result.button.accept && index >= 0) {
        await store.restore(path, [trashed[index].id]);
      }
    }
  );
  notebookCommand(
    CommandIDs.emptyRunsTrash,
    trans.__('Empty Runs Trash…'),
    async path => {
      const trashed = await store.listTrash(path);
      const result = await showDialog({
        title: trans.__('Empty Runs Trash'),
        body: trans._n(
          'Delete %1 run in the trash of %2 for good?',
          'Delete %1 runs in the trash of %2 for good?',
          trashed.length,
          runsFolder(path)
        ),
        buttons: [
          Dialog.cancelButton({ label: trans.__('Cancel') }),
          Dialog.warnButton({ label: trans.__('Delete for Good') })
        ]
      });
      if (result.button.accept) {
        await store.emptyTrash(path);
      }
    }
  );
  const exported = (path: string) =>
    Notification.success(trans.__('Exported to %1', path), {
      autoClose: 5000
    });
  notebookCommand(
    CommandIDs.exportNotebookWithRuns,
    trans.__('Export Notebook with Runs'),
    async path => {
      await store.retryNow();
      exported(await transfer.exportNotebook(path));
    }
  );
  notebookCommand(
    CommandIDs.exportRunsZip,
    trans.__('Export Notebook and Runs as Zip'),
    async path => {
      await store.retryNow();
      exported(await transfer.exportZip(path));
    }
  );
  notebookCommand(
    CommandIDs.exportRunsCsv,
    trans.__('Export Runs Table as CSV'),
    async path => exported(await transfer.exportTable(path, 'csv'))
  );
  notebookCommand(
    CommandIDs.exportRunsJson,
    trans.__('Export Runs Table as JSON'),
    async path => exported(await transfer.exportTable(path, 'json'))
  );

  const selectedZip = (): string | null => {
    const item = browser?.selectedItems().next();
    const model = item && !item.done ? item.value : null;
    return model && /\.zip$/i.test(model.path) ? model.path : null;
  };
  commands.addCommand(CommandIDs.importRunsBundle, {
    label: trans.__('Import Notebook with Runs from Zip'),
    describedBy: {
      args: {
        type: 'object',
        properties: {
          path: { type: 'string', description: 'Server path of the .zip' },
          target: {
            type: 'string',
            description:
              'Folder to unpack into, relative to the server root (not `/`, absolute or with `..`)'
          }
        }
      }
    },
    isVisible: args => typeof args.path === 'string' || selectedZip() !== null,
    execute: async args => {
      const path = typeof args.path === 'string' ? args.path : selectedZip();
      if (!path) {
        return;
      }
      try {
        // A target that is not a folder inside the server root is refused.
        const report = await transfer.importZip(
          path,
          args.target === undefined ? undefined : (args.target as string)
        );
        reportImport(trans, report);
        return report;
      } catch (error) {
        fail(error);
      }
    }
  });

  commands.addCommand(CommandIDs.restoreEmbeddedRuns, {
    label: trans.__('Restore Runs Embedded in Notebook'),
    describedBy: { args: NOTEBOOK_ARGS },
    isEnabled: args => notebookOf(args) !== null,
    execute: async args => {
      const path = notebookOf(args);
      if (!path) {
        return;
      }
      try {
        const report = await transfer.restoreEmbedded(path);
        reportImport(trans, report);
        await commands.execute(CommandIDs.refreshRuns).catch(() => undefined);
        return report;
      } catch (error) {
        fail(error);
      }
    }
  });

  commands.addCommand(CommandIDs.openRunsFolder, {
    label: trans.__('Open Runs Folder…'),
    caption: trans.__(
      'Show the runs of any runs folder, including those of deleted notebooks'
    ),
    describedBy: {
      args: {
        type: 'object',
        properties: {
          notebookPath: {
            type: 'string',
            description: 'The (possibly deleted) notebook whose runs to show'
          }
        }
      }
    },
    execute: async args => {
      let notebookPath =
        typeof args.notebookPath === 'string' ? args.notebookPath : null;
      if (!notebookPath) {
        const dir =
          browser?.model.path.replace(/^[^/:]*:/, '') ??
          tracker.currentWidget?.context.path.replace(/\/?[^/]*$/, '') ??
          '';
        const found = await transfer.findRunsFolders(dir).catch(() => []);
        if (found.length === 0) {
          Notification.info(trans.__('No runs folder in %1', dir || '/'));
          return;
        }
        const labels = found.map(f =>
          f.hasNotebook ? f.folder : trans.__('%1 (notebook deleted)', f.folder)
        );
        const result = await InputDialog.getItem({
          title: trans.__('Open Runs Folder'),
          items: labels
        });
        const index = result.value === null ? -1 : labels.indexOf(result.value);
        if (!result.button.accept || index < 0) {
          return;
        }
        notebookPath = found[index].notebookPath;
      }
      const content = new FolderRunsView({ store, trans, notebookPath });
      const widget = new MainAreaWidget({ content });
      // MainAreaWidget names its content "main area content": name the
      // region after the folder again, for screen readers.
      content.node.setAttribute(
        'aria-label',
        trans.__('Runs in %1', runsFolder(notebookPath))
      );
      widget.id = `jp-runs-folder-${encodeURIComponent(notebookPath)}`;
      widget.title.label = trans.__('Runs: %1', runsFolder(notebookPath));
      app.shell.add(widget, 'main');
      return widget.id;
    }
  });

  commands.addCommand(CommandIDs.retrySavingRuns, {
    label: trans.__('Retry Saving Runs Now'),
    describedBy: { args: { type: 'object', properties: {} } },
    isEnabled: () => store.status.pending + store.status.pendingFiles > 0,
    execute: () => store.retryNow()
  });

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

  // A notebook carrying embedded runs offers, once, to restore them.
  const offerRestore = async (panel: NotebookPanel) => {
    await panel.context.ready;
    const path = panel.context.path;
    if (
      panel.context.model.getMetadata(EMBED_METADATA_KEY) === undefined ||
      window.localStorage.getItem(DISMISSED_KEY + path)
    ) {
      return;
    }
    const count = await transfer.embeddedToRestore(path);
    if (count === 0) {
      return;
    }
    const result = await showDialog({
      title: trans.__('Restore Runs'),
      body: trans._n(
        'This notebook carries %1 run that is not beside it. Restore it into %2?',
        'This notebook carries %1 runs that are not beside it. Restore them into %2?',
        count,
        runsFolder(path)
      ),
      buttons: [
        Dialog.cancelButton({ label: trans.__('Not Now') }),
        Dialog.okButton({ label: trans.__('Restore') })
      ]
    });
    if (result.button.accept) {
      await commands.execute(CommandIDs.restoreEmbeddedRuns, {
        notebookPath: path
      });
    } else {
      window.localStorage.setItem(DISMISSED_KEY + path, '1');
    }
  };
  tracker.widgetAdded.connect((_, panel) => {
    offerRestore(panel).catch(fail);
  });
}

function reportImport(
  trans: TranslationBundle,
  report: { written: string[]; existing: string[]; rejected: string[] }
): void {
  const message = trans.__(
    '%1 files restored, %2 already there, %3 refused.',
    report.written.length,
    report.existing.length,
    report.rejected.length
  );
  if (report.rejected.length) {
    Notification.warning(`${message} ${report.rejected.join('; ')}`, {
      autoClose: false
    });
  } else {
    Notification.success(message, { autoClose: 5000 });
  }
}

/** Managing, exporting and importing run histories. */
export const historyPlugin: JupyterFrontEndPlugin<void> = {
  id: 'jupyterlab-runs:history',
  description:
    'Rename, star, annotate, delete, export and import runs; open the runs of deleted notebooks.',
  autoStart: true,
  requires: [IRunStore, INotebookTracker],
  optional: [ITranslator, ICommandPalette, IDefaultFileBrowser],
  activate
};
