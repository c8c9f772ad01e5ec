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
  }
}
