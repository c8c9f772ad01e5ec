/**
 * Runs whose notebook view closed while its kernel ran them.
 *
 * Closing a notebook's tab in JupyterLab leaves its kernel running (unless
 * the user asked for it to be shut down with the tab), so a cell that was
 * executing, and the rest of a queued burst, go on without a view to
 * watch them. The page does not end those runs by a guess (they were
 * written `interrupted`, "the kernel was changed or shut down", with the
 * points seen so far, and stayed so until the notebook was opened again);
 * it hands them to the kernel's journal, which has every execution whole
 * (`JournalReconciler`), and follows it until the kernel is done with them:
 * whether the kernel is still busy is asked of the server (its kernel
 * list, one small request), and the journal is read only once it is not,
 * so a cell that goes on for an hour costs a request every few seconds,
 * not a read of its growing journal.
 */
import type { IDisposable } from '@lumino/disposable';
import { FOLLOW_UP_MS, type IReconcileResult } from './journal';

/** The longest wait between two questions to the server (ms). */
export const FOLLOW_MAX_MS = 10_000;

export class JournalFollower implements IDisposable {
  constructor(options: JournalFollower.IOptions) {
    this._kernelBusy = options.kernelBusy;
    this._reconcile = options.reconcile;
    this._done = options.done ?? (() => undefined);
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /**
   * Follow the journal of `notebookPath`'s runs folder until the kernel
   * `kernelId` (null: not known) no longer runs any of its executions.
   */
  follow(notebookPath: string, kernelId: string | null): void {
    if (this._isDisposed) {
      return;
    }
    const following = this._following.get(notebookPath);
    if (following) {
      following.kernelId = kernelId ?? following.kernelId;
      following.delay = FOLLOW_UP_MS;
      return;
    }
    const entry: IFollowing = { kernelId, delay: FOLLOW_UP_MS, timer: 0 };
    this._following.set(notebookPath, entry);
    this._next(notebookPath, entry);
  }

  /** Notebooks followed now (for tests and benchmarks). */
  get following(): string[] {
    return [...this._following.keys()];
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    for (const entry of this._following.values()) {
      clearTimeout(entry.timer);
    }
    this._following.clear();
  }

  private _next(notebookPath: string, entry: IFollowing): void {
    entry.timer = setTimeout(() => {
      void this._pass(notebookPath, entry);
    }, entry.delay);
  }

  private async _pass(notebookPath: string, entry: IFollowing): Promise<void> {
    let again = true;
    try {
      const busy = entry.kernelId
        ? await this._kernelBusy(entry.kernelId)
        : null;
      if (busy === true) {
        // Still executing: ask again, less often as it goes on.
        entry.delay = Math.min(FOLLOW_MAX_MS, Math.round(entry.delay * 1.5));
      } else {
        const result = await this._reconcile(notebookPath);
        // Done once nothing runs and nothing was just taken (a closed
        // tab's burst may have more executions queued behind these).
        again = result.running > 0 || result.recorded.length > 0;
        entry.delay = FOLLOW_UP_MS;
      }
    } catch (error) {
      console.warn('jupyterlab-runs: the journal of a closed notebook', error);
      entry.delay = FOLLOW_MAX_MS;
    }
    if (this._isDisposed || this._following.get(notebookPath) !== entry) {
      return;
    }
    if (again) {
      this._next(notebookPath, entry);
    } else {
      this._following.delete(notebookPath);
      this._done(notebookPath);
    }
  }

  private _kernelBusy: JournalFollower.IOptions['kernelBusy'];
  private _reconcile: JournalFollower.IOptions['reconcile'];
  private _done: (notebookPath: string) => void;
  private _following = new Map<string, IFollowing>();
  private _isDisposed = false;
}

interface IFollowing {
  kernelId: string | null;
  delay: number;
  timer: ReturnType<typeof setTimeout> | 0;
}

export namespace JournalFollower {
  export interface IOptions {
    /**
     * Whether the server says the kernel is executing: true or false, or
     * null when it does not know it (gone, or the server cannot say).
     */
    kernelBusy: (kernelId: string) => Promise<boolean | null>;
    /** One pass of the notebook's journal (`JournalReconciler.reconcile`). */
    reconcile: (notebookPath: string) => Promise<IReconcileResult>;
    /** The notebook is no longer followed (nothing of it runs any more). */
    done?: (notebookPath: string) => void;
  }
}
