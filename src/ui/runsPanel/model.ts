/**
 * The model behind the runs sidebar: the runs of one notebook, kept current
 * as the store records new ones.
 */
import type { IDisposable } from '@lumino/disposable';
import { Signal, type ISignal } from '@lumino/signaling';
import { runsFolder } from '../../core/paths';
import {
  mergeSummaries,
  upsertSummary,
  type IRunSummary
} from '../../core/run';
import type {
  IRunFileWarning,
  IRunListing,
  IRunStore,
  IRunStoreChange,
  IRunStoreStatus
} from '../../tokens';

/** What the panel is showing. */
export type RunsState = 'no-notebook' | 'loading' | 'ready' | 'error';

export class RunsModel implements IDisposable {
  constructor(options: RunsModel.IOptions) {
    this._store = options.store;
    this._store.changed.connect(this._onStoreChanged, this);
    this._store.statusChanged.connect(this._onStatusChanged, this);
    this._store.listingChanged?.connect(this._onListing, this);
    options.live?.connect(this._onLive, this);
  }

  /** Emitted whenever anything the view shows changed. */
  get changed(): ISignal<RunsModel, void> {
    return this._changed;
  }

  get notebookPath(): string | null {
    return this._notebookPath;
  }

  get state(): RunsState {
    return this._state;
  }

  /** Newest first. */
  get runs(): readonly IRunSummary[] {
    return this._runs;
  }

  get warnings(): readonly IRunFileWarning[] {
    return this._warnings;
  }

  /** Runs of this notebook recorded but not yet saved on the server. */
  get pending(): number {
    return this._notebookPath === null
      ? 0
      : (this._store.status.byFolder[runsFolder(this._notebookPath)] ?? 0);
  }

  /** Why runs are waiting, while some are. */
  get pendingFailure(): IRunStoreStatus['failure'] {
    return this.pending > 0 ? this._store.status.failure : null;
  }

  /** Why the last load failed, when `state` is `error`. */
  get error(): string {
    return this._error;
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /** Show the runs of another notebook (or none). */
  async setNotebook(path: string | null): Promise<void> {
    if (path === this._notebookPath) {
      return;
    }
    this._notebookPath = path;
    this._runs = [];
    this._warnings = [];
    // Another tab's runs (or the journal's) show up without a click while
    // this notebook is the one shown.
    this._watch?.dispose();
    this._watch = path === null ? null : (this._store.watch?.(path) ?? null);
    await this.refresh();
  }

  /**
   * Show the runs of the notebook: at once when the store knows its folder
   * (it revalidates it in the background); `reload` reads the folder again
   * even if it looks unchanged (the "Reload Experiment Runs" command).
   */
  async refresh(options: { reload?: boolean } = {}): Promise<void> {
    const path = this._notebookPath;
    const generation = ++this._generation;
    if (path === null) {
      this._set('no-notebook', [], []);
      return;
    }
    this._state = 'loading';
    this._savedDuringLoad.clear();
    this._changed.emit();
    try {
      const listing = await this._store.list(path, options);
      if (generation === this._generation) {
        // Runs saved while the listing was in flight may be missing from it.
        this._set(
          'ready',
          mergeSummaries([...this._savedDuringLoad.values()], listing.runs),
          listing.warnings
        );
      }
    } catch (e) {
      if (generation === this._generation) {
        this._error = e instanceof Error ? e.message : String(e);
        this._set('error', [], []);
      }
    }
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this._watch?.dispose();
    Signal.clearData(this);
  }

  private _onStoreChanged(_: IRunStore, change: IRunStoreChange): void {
    if (
      this._notebookPath === null ||
      runsFolder(change.notebookPath) !== runsFolder(this._notebookPath)
    ) {
      return;
    }
    switch (change.type) {
      case 'queued':
      case 'saved':
      case 'updated':
        this._savedDuringLoad.set(change.run.id, change.run);
        this._runs = upsertSummary(this._runs, change.run);
        break;
      case 'removed': {
        const gone = new Set(change.runIds);
        this._runs = this._runs.filter(run => !gone.has(run.id));
        break;
      }
      default:
        // The folder moved here, or runs came back: read it again.
        void this.refresh();
        return;
    }
    this._changed.emit();
  }

  /**
   * The store read more of the folder (a background page of runs, another
   * tab's new runs): show it, keeping what only this page knows yet.
   */
  private _onListing(_: IRunStore, listing: IRunListing): void {
    if (
      listing.notebookPath !== this._notebookPath ||
      this._state === 'error'
    ) {
      return;
    }
    const live = this._runs.filter(
      run => run.status === 'running' || run.pending
    );
    this._set(
      'ready',
      mergeSummaries(
        [...live, ...this._savedDuringLoad.values()],
        listing.runs
      ),
      listing.warnings
    );
  }

  private _onStatusChanged(): void {
    const pending = this.pending;
    if (pending !== this._lastPending || pending > 0) {
      this._lastPending = pending;
      this._changed.emit();
    }
  }

  /** A run in flight reported progress: show it without a file round trip. */
  private _onLive(_: unknown, run: IRunSummary): void {
    if (
      this._notebookPath === null ||
      runsFolder(run.notebookPath) !== runsFolder(this._notebookPath)
    ) {
      return;
    }
    // A run that ended never runs again: a live update arriving after its
    // final summary (queued or saved) must not make it "running" again.
    const known = this._runs.find(r => r.id === run.id);
    if (known && known.status !== 'running' && run.status === 'running') {
      return;
    }
    this._runs = upsertSummary(this._runs, run);
    this._changed.emit();
  }

  private _set(
    state: RunsState,
    runs: IRunSummary[],
    warnings: IRunFileWarning[]
  ): void {
    this._state = state;
    this._runs = runs;
    this._warnings = warnings;
    this._changed.emit();
  }

  private _store: IRunStore;
  private _notebookPath: string | null = null;
  private _state: RunsState = 'no-notebook';
  private _runs: IRunSummary[] = [];
  private _warnings: IRunFileWarning[] = [];
  private _error = '';
  private _generation = 0;
  private _savedDuringLoad = new Map<string, IRunSummary>();
  private _lastPending = 0;
  private _watch: IDisposable | null = null;
  private _isDisposed = false;
  private _changed = new Signal<RunsModel, void>(this);
}

export namespace RunsModel {
  export interface IOptions {
    store: IRunStore;
    /** Summaries of runs in flight (the recorder's `runUpdated`). */
    live?: ISignal<unknown, IRunSummary>;
  }
}
