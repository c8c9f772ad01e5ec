/**
 * What the trash and export commands tell the user about what they did
 * not do: entries left alone (a symbolic link leading out of the runs
 * folder among them, named), an operation refused whole, an export that
 * could not check links. Reasons come from the storage layer in English,
 * as the import report's do.
 */
import { Dialog, Notification, showDialog } from '@jupyterlab/apputils';
import type { TranslationBundle } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';
import type { IExportReport } from '../storage/transfer';
import type { ITrashReport } from '../tokens';

/**
 * A notification short enough to be read whole (JupyterLab cuts a toast's
 * message at 140 characters), with a Details button listing every line.
 */
function notifyWithDetails(
  trans: TranslationBundle,
  type: 'warning' | 'error',
  message: string,
  title: string,
  lines: string[]
): void {
  Notification.emit(message, type, {
    autoClose: false,
    actions: [
      {
        label: trans.__('Details'),
        caption: trans.__('Show each entry and why'),
        callback: () => {
          const list = document.createElement('ul');
          list.className = 'jp-RunsReport-list';
          for (const line of lines) {
            const item = document.createElement('li');
            item.textContent = line;
            list.append(item);
          }
          void showDialog({
            title,
            body: new Widget({ node: list }),
            buttons: [Dialog.okButton({ label: trans.__('Close') })]
          });
        }
      }
    ]
  });
}

/** A warning naming every entry left alone; an error when nothing was done. */
export function notifyTrashReport(
  trans: TranslationBundle,
  folder: string,
  report: ITrashReport
): void {
  const lines = report.leftAlone.map(l => `${l.name} ${l.reason}`);
  if (report.refused) {
    notifyWithDetails(
      trans,
      'error',
      trans.__('Experiment Runs: nothing was done in the runs folder.'),
      trans.__('Nothing done in %1', folder),
      [report.refused, ...lines]
    );
  } else if (lines.length) {
    notifyWithDetails(
      trans,
      'warning',
      trans.__('Experiment Runs: %1 entries were left alone.', lines.length),
      trans.__('Left alone in %1', folder),
      lines
    );
  }
}

/** Success, or a warning listing what the export left out and why. */
export function notifyExportReport(
  trans: TranslationBundle,
  report: IExportReport
): void {
  const notes: string[] = report.skipped.map(s => `${s.path} ${s.reason}`);
  if (report.unchecked) {
    notes.push(
      trans.__('Symbolic links were not checked: %1.', report.unchecked)
    );
  }
  if (notes.length) {
    notifyWithDetails(
      trans,
      'warning',
      report.skipped.length
        ? trans.__('Exported, leaving out %1 entries.', report.skipped.length)
        : trans.__('Exported; symbolic links were not checked.'),
      trans.__('Exported to %1', report.path),
      notes
    );
  } else {
    Notification.success(trans.__('Exported to %1', report.path), {
      autoClose: 5000
    });
  }
}
