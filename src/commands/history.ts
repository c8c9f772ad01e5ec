/**
 * Commands on a notebook's runs folder: trash (restore, empty), exports
 * (notebook with runs, zip, CSV, JSON), imports (zip, runs embedded in a
 * notebook), "Open Runs Folder…" (the runs of any folder, deleted notebooks
 * included, in a tracked main-area view) and "Retry Saving Runs Now".
 */
import {
  Dialog,
  InputDialog,
  MainAreaWidget,
  Notification,
  showDialog
} from '@jupyterlab/apputils';
import type { IDefaultFileBrowser } from '@jupyterlab/filebrowser';
import type { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';
import type { TranslationBundle } from '@jupyterlab/translation';
import type { CommandRegistry } from '@lumino/commands';
import { EMBED_METADATA_KEY } from '../core/history/bundle';
import { runsFolder } from '../core/paths';
import type { HistoryTransfer } from '../storage/transfer';
import type { IRunStore, IRunViews } from '../tokens';
import { experimentIcon } from '../ui/icons';
import { CommandIDs } from '../plugins/commandIds';
import { notifyExportReport, notifyTrashReport } from './reports';
import { notifyFailure } from './runs';

export interface IHistoryCommandsOptions {
  commands: CommandRegistry;
  store: IRunStore;
  views: IRunViews;
  transfer: HistoryTransfer;
  notebooks: INotebookTracker;
  browser: IDefaultFileBrowser | null;
  trans: TranslationBundle;
}

const NOTEBOOK_ARGS = {
  type: 'object',
  properties: {
    notebookPath: { type: 'string', description: 'Server path of a notebook' }
  }
} as const;
const DISMISSED_KEY = 'jupyterlab-runs:restore-dismissed:';

export function addHistoryCommands(options: IHistoryCommandsOptions): void {
  const { commands, store, views, transfer, trans } = options;
  const fail = notifyFailure(trans);
  const notebookOf = (args: Record<string, unknown>) =>
    views.target(args)?.notebookPath ?? null;
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
        const report = await store.restore(path, [trashed[index].id]);
        notifyTrashReport(trans, runsFolder(path), report);
        return report;
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
        const report = await store.emptyTrash(path);
        notifyTrashReport(trans, `${runsFolder(path)}/trash`, report);
        return report;
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
      const report = await transfer.exportNotebook(path);
      notifyExportReport(trans, report);
      return report;
    }
  );
  notebookCommand(
    CommandIDs.exportRunsZip,
    trans.__('Export Notebook and Runs as Zip'),
    async path => {
      await store.retryNow();
      const report = await transfer.exportZip(path);
      notifyExportReport(trans, report);
      return report;
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
  notebookCommand(
    CommandIDs.restoreEmbeddedRuns,
    trans.__('Restore Runs Embedded in Notebook'),
    async path => {
      const report = await transfer.restoreEmbedded(path);
      reportImport(trans, report);
      await commands.execute(CommandIDs.refreshRuns).catch(() => undefined);
      return report;
    }
  );

  addImportCommand(options);
  addOpenRunsFolderCommand(options);

  commands.addCommand(CommandIDs.retrySavingRuns, {
    label: trans.__('Retry Saving Runs Now'),
    describedBy: { args: { type: 'object', properties: {} } },
    isEnabled: () => store.status.pending + store.status.pendingFiles > 0,
    execute: () => store.retryNow()
  });
}

function addImportCommand(options: IHistoryCommandsOptions): void {
  const { commands, transfer, browser, trans } = options;
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
        notifyFailure(trans)(error);
      }
    }
  });
}

function addOpenRunsFolderCommand(options: IHistoryCommandsOptions): void {
  const { commands, store, views, transfer, notebooks, browser, trans } =
    options;
  /** Ask which runs folder of the browser's folder to open. */
  const pick = async (): Promise<string | null> => {
    const dir =
      browser?.model.path.replace(/^[^/:]*:/, '') ??
      notebooks.currentWidget?.context.path.replace(/\/?[^/]*$/, '') ??
      '';
    const found = await transfer.findRunsFolders(dir).catch(() => []);
    if (found.length === 0) {
      Notification.info(trans.__('No runs folder in %1', dir || '/'));
      return null;
    }
    const labels = found.map(f =>
      f.hasNotebook ? f.folder : trans.__('%1 (notebook deleted)', f.folder)
    );
    const result = await InputDialog.getItem({
      title: trans.__('Open Runs Folder'),
      items: labels
    });
    const index = result.value === null ? -1 : labels.indexOf(result.value);
    return result.button.accept && index >= 0
      ? found[index].notebookPath
      : null;
  };
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
      const notebookPath =
        typeof args.notebookPath === 'string' && args.notebookPath
          ? args.notebookPath
          : await pick();
      if (!notebookPath) {
        return;
      }
      const widget = await views.open(
        'folder',
        { notebookPath, runIds: [] },
        async () => {
          const { FolderRunsView } = await import('../ui/history');
          const content = new FolderRunsView({ store, trans, notebookPath });
          const main = new MainAreaWidget({ content });
          // MainAreaWidget names its content "main area content": name the
          // region after the folder again, for screen readers.
          content.node.setAttribute(
            'aria-label',
            trans.__('Runs in %1', runsFolder(notebookPath))
          );
          main.title.icon = experimentIcon;
          main.title.closable = true;
          main.title.label = trans.__('Runs: %1', runsFolder(notebookPath));
          return main;
        }
      );
      return widget.id;
    }
  });
}

/** A notebook carrying embedded runs offers, once, to restore them. */
export function offerEmbeddedRuns(options: IHistoryCommandsOptions): void {
  const { commands, transfer, notebooks, trans } = options;
  const offer = async (panel: NotebookPanel) => {
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
  notebooks.widgetAdded.connect((_, panel) => {
    offer(panel).catch(notifyFailure(trans));
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
