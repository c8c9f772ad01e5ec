/**
 * What the trash and export commands tell the user about what they did
 * not do: entries left alone (a symbolic link leading out of the runs
 * folder among them, named), an operation refused whole, an export that
 * could not check links. Reasons come from the storage layer in English,
 * as the import report's do.
 */
import { Notification } from '@jupyterlab/apputils';
import type { TranslationBundle } from '@jupyterlab/translation';
import type { IExportReport } from '../storage/transfer';
import type { ITrashReport } from '../tokens';

/** A warning naming every entry left alone; an error when nothing was done. */
export function notifyTrashReport(
  trans: TranslationBundle,
  folder: string,
  report: ITrashReport
): void {
  const names = report.leftAlone.map(l => `${l.name} ${l.reason}`).join('; ');
  if (report.refused) {
    Notification.error(
      trans.__(
        'Experiment Runs: nothing done in %1. %2',
        folder,
        report.refused
      ),
      { autoClose: false }
    );
  } else if (report.leftAlone.length) {
    Notification.warning(
      trans.__('Experiment Runs: left alone in %1: %2', folder, names),
      { autoClose: false }
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
    Notification.warning(
      trans.__(
        'Exported to %1, leaving out: %2',
        report.path,
        notes.join('; ')
      ),
      { autoClose: false }
    );
  } else {
    Notification.success(trans.__('Exported to %1', report.path), {
      autoClose: 5000
    });
  }
}
