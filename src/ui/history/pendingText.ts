/**
 * Words for runs that are not yet saved, shared by the status bar item and
 * the sidebar banner.
 */
import type { TranslationBundle } from '@jupyterlab/translation';
import type { IRunStoreStatus } from '../../tokens';

/** "3 runs not yet saved" */
export function pendingCount(trans: TranslationBundle, count: number): string {
  return trans._n('%1 run not yet saved', '%1 runs not yet saved', count);
}

/** Why runs wait, in words a user can act on. */
export function pendingReason(
  trans: TranslationBundle,
  failure: IRunStoreStatus['failure']
): string {
  if (!failure) {
    return trans.__('Saving…');
  }
  switch (failure.kind) {
    case 'offline':
      return trans.__(
        'The server cannot be reached. Runs are kept in this browser and saved when it is back.'
      );
    case 'too-large':
      return trans.__(
        'The server refused a run as too large (HTTP 413). Raise the server’s upload limit; runs are kept in this browser.'
      );
    case 'disk-full':
      return trans.__(
        'The server’s disk is full (HTTP 507). Free some space; runs are kept in this browser.'
      );
    case 'server-error':
      return trans.__(
        'The server failed (HTTP %1). Runs are kept in this browser and retried.',
        failure.status ?? ''
      );
    case 'forbidden':
      return trans.__(
        'The server refused to save runs (HTTP %1): check that you are logged in and may write here.',
        failure.status ?? ''
      );
    case 'refused':
      return trans.__(
        'The server refused to save a run (HTTP %1: %2).',
        failure.status ?? '',
        failure.message
      );
    case 'failed':
      return trans.__(
        'A run could not be saved: %1. Runs are kept in this browser and retried.',
        failure.message
      );
  }
}

/** A save still in progress after this long is shown. */
export const SHOW_AFTER_MS = 1000;

/**
 * When runs waiting are worth showing, for the status bar item and the
 * sidebar banner alike: a failure at once; a save simply in progress once
 * it has lasted `SHOW_AFTER_MS` (every run is written within moments, and a
 * label flashing at each run would say nothing), calling `recheck` at that
 * moment; and, once shown, for as long as runs wait.
 */
export class PendingVisibility {
  constructor(recheck: () => void) {
    this._recheck = recheck;
  }

  /** Whether to show now; `shown` says whether it shows already. */
  show(waiting: boolean, failed: boolean, shown: boolean): boolean {
    if (!waiting) {
      this.dispose();
      this._since = 0;
      return false;
    }
    if (failed || shown) {
      return true;
    }
    const now = Date.now();
    this._since ||= now;
    const due = this._since + SHOW_AFTER_MS - now;
    if (due <= 0) {
      return true;
    }
    this._timer ||= setTimeout(() => {
      this._timer = 0;
      this._recheck();
    }, due);
    return false;
  }

  /** Cancel a pending recheck. */
  dispose(): void {
    if (this._timer) {
      clearTimeout(this._timer);
      this._timer = 0;
    }
  }

  private _recheck: () => void;
  private _since = 0;
  private _timer: ReturnType<typeof setTimeout> | 0 = 0;
}
