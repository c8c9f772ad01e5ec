/**
 * The runs of the current notebook, for every view: the store's summaries
 * merged with the runs in flight (the recorder's live summaries), kept
 * current one run at a time whether or not a view shows them. Views
 * subscribe to `runsChanged` (what changed, incrementally) and
 * `stateChanged`; none writes it.
 */
import { JSONExt, type ReadonlyJSONValue } from '@lumino/coreutils';
import type { IDisposable } from '@lumino/disposable';
import { Signal, type ISignal } from '@lumino/signaling';
import { runsFolder } from '../core/paths';
import { mergeSummaries, type IRunSummary } from '../core/run';
import { RunList, type IRunsChange } from '../core/runs/runList';
import type {
  ILiveSeries,
  IRecordingFailure,
  IRunFileWarning,
  IRunListing,
  IRunRecorder,
  IRunsModel,
  IRunStore,
  IRunStoreChange,
  IRunStoreStatus,
  RunsState
} from '../tokens';

/**
 * Notebooks whose lists of runs stay in memory after their tab is left
 * (a numbered copy of each summary, which the store also keeps, and maps
 * by id).
 */
const KEPT_LISTS = 4;

export class RunsModel implements IRunsModel, IDisposable {
  constructor(options: RunsModel.IOptions) {
    this._store = options.store;
    this._recorder = options.recorder ?? null;
    this._store.changed.connect(this._onStoreChanged, this);
    this._store.statusChanged.connect(this._onStatusChanged, this);
    this._store.listingChanged?.connect(this._onListing, this);
    this._recorder?.runUpdated.connect(this._onLive, this);
    this._recorder?.failed?.connect(this._onFailed, this);
  }

  get runsChanged(): ISignal<IRunsModel, IRunsChange> {
    return this._runsChanged;
  }

  get stateChanged(): ISignal<IRunsModel, void> {
    return this._stateChanged;
  }

  get notebookPath(): string | null {
    return this._notebookPath;
  }

  get state(): RunsState {
    return this._state;
  }

  /** Newest first. */
  get runs(): readonly IRunSummary[] {
    return this._list.runs;
  }

  get warnings(): readonly IRunFileWarning[] {
    return this._warnings;
  }

  get pending(): number {
    return this._notebookPath === null
      ? 0
      : (this._store.status.byFolder[runsFolder(this._notebookPath)] ?? 0);
  }

  get pendingFailure(): IRunStoreStatus['failure'] {
    return this.pending > 0 ? this._store.status.failure : null;
  }

  get error(): string {
    return this._error;
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  getRun(id: string): IRunSummary | undefined {
    return this._list.get(id);
  }

  liveSeries(id: string): ILiveSeries | null {
    return this._recorder?.liveSeries?.(id) ?? null;
  }

  /** Follow another notebook (or none). */
  async setNotebook(path: string | null): Promise<void> {
    if (path === this._notebookPath) {
      return;
    }
    this._notebookPath = path;
    this._warnings = [];
    this._inFlight.clear();
    // The notebook's runs as this page last showed them, at once, while
    // its folder is checked: the same numbered objects, so a return to a
    // notebook of 100,000 runs redoes neither their numbers nor the
    // table's rows (and its listing, unchanged, changes nothing).
    this._list = this._listOf(path);
    this._emit({ added: [], changed: [], removed: [], reset: true });
    this._rewatch();
    await this.refresh();
  }

  /**
   * Another tab's runs (or the journal's) show up without a click while
   * this notebook is the one shown: watch its runs folder, where it is now.
   */
  private _rewatch(): void {
    const path = this._notebookPath;
    this._watch?.dispose();
    this._watch = path === null ? null : (this._store.watch?.(path) ?? null);
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
    this._unlisted.clear();
    // Runs in flight may not have a file yet: the listing would drop them.
    for (const id of this._inFlight) {
      const run = this._list.get(id);
      if (run) {
        this._unlisted.set(id, { run, seq: Infinity });
      }
    }
    this._stateChanged.emit();
    try {
      const listing = await this._store.list(path, options);
      if (generation === this._generation) {
        this._set('ready', this._withUnlisted(listing), listing.warnings);
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

  /**
   * Whether a change is of this notebook's runs. Both paths as the store
   * resolves them: a notebook renamed by another client stays open here
   * under its old path, while the store saves its runs under the new one.
   */
  private _isMine(notebookPath: string): boolean {
    const resolve = (path: string) => this._store.resolvePath?.(path) ?? path;
    return (
      this._notebookPath !== null &&
      runsFolder(resolve(notebookPath)) ===
        runsFolder(resolve(this._notebookPath))
    );
  }

  private _onStoreChanged(_: IRunStore, change: IRunStoreChange): void {
    if (!this._isMine(change.notebookPath)) {
      return;
    }
    switch (change.type) {
      case 'queued':
      case 'saved':
      case 'updated':
        if (change.run.status !== 'running') {
          this._inFlight.delete(change.run.id);
        } else if (
          change.type !== 'updated' &&
          this._inFlight.has(change.run.id)
        ) {
          // The `running` file of a run the recorder reports live: the
          // live summary is as new and has the metrics logged so far,
          // which the file does not (the row showed "running…" again).
          break;
        }
        this._unlisted.set(change.run.id, {
          run: change.run,
          seq: change.seq ?? Infinity
        });
        this._emit(this._list.upsert(change.run));
        break;
      case 'removed':
        change.runIds.forEach(id => {
          this._unlisted.delete(id);
          this._inFlight.delete(id);
        });
        this._emit(this._list.remove(change.runIds));
        break;
      case 'moved':
        // The folder moved with the notebook: watch it where it went.
        this._rewatch();
        void this.refresh();
        break;
      default:
        // Runs came back (restored, imported): read the folder again.
        void this.refresh();
    }
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
    const mine = this._list.runs.filter(
      run => this._inFlight.has(run.id) || run.pending
    );
    this._set('ready', this._withUnlisted(listing, mine), listing.warnings);
  }

  /**
   * A listing's runs, with this page's newer copies of runs it may not
   * know yet: those changed after it was made (`IRunListing.seq`), and
   * runs in flight, which may have no file yet. A run the listing knows
   * but does not hold left the folder (a user deleted the runs folder by
   * hand): its row goes. Copies stay until the next refresh, for a
   * listing made earlier that arrives later. Without a `seq` every copy
   * is added.
   */
  private _withUnlisted(
    listing: IRunListing,
    mine: readonly IRunSummary[] = []
  ): readonly IRunSummary[] {
    const since = listing.seq ?? -Infinity;
    const newer = [...mine];
    for (const copy of this._unlisted.values()) {
      if (copy.seq > since) {
        newer.push(copy.run);
      }
    }
    return newer.length ? mergeSummaries(newer, listing.runs) : listing.runs;
  }

  private _onStatusChanged(): void {
    const pending = this.pending;
    if (pending !== this._lastPending || pending > 0) {
      this._lastPending = pending;
      this._stateChanged.emit();
    }
  }

  /** A run in flight reported progress: no file round trip. */
  private _onLive(_: unknown, run: IRunSummary): void {
    if (!this._isMine(run.notebookPath)) {
      return;
    }
    const change = this._list.upsert(run, { live: true });
    if (change) {
      this._inFlight.add(run.id);
      // A listing in flight does not know it yet; an ended run's final
      // summary (queued or saved) already wins over a late live one.
      const known = this._unlisted.get(run.id);
      if (!known || known.run.status === 'running') {
        this._unlisted.set(run.id, { run, seq: Infinity });
      }
    }
    this._emit(change);
  }

  /**
   * The recorder could not hand a run to the store: a row known only from
   * the recorder (live, or shown as it ended before the store had it) goes,
   * as the run was not saved. (The failure is reported to the user; the
   * kernel's journal may still bring the run back.)
   */
  private _onFailed(_: unknown, failure: IRecordingFailure): void {
    const id = failure.runId;
    if (!this._inFlight.has(id) || !this._isMine(failure.notebookPath)) {
      return;
    }
    this._inFlight.delete(id);
    this._unlisted.delete(id);
    this._emit(this._list.remove([id]));
  }

  private _set(
    state: RunsState,
    runs: readonly IRunSummary[],
    warnings: IRunFileWarning[]
  ): void {
    this._state = state;
    this._warnings = warnings;
    // A listing brings the runs this list has as the same objects, or as
    // equal ones (a run this page saved): only the runs that differ are a
    // change, and the views redraw those rows alone.
    this._emit(this._list.reset(runs, { same: sameSummary }));
    this._stateChanged.emit();
  }

  /** The list of a notebook's runs, kept for the last few notebooks. */
  private _listOf(path: string | null): RunList {
    if (path === null) {
      return new RunList();
    }
    const list = this._lists.get(path) ?? new RunList();
    this._lists.delete(path);
    this._lists.set(path, list);
    for (const old of this._lists.keys()) {
      if (this._lists.size <= KEPT_LISTS) {
        break;
      }
      this._lists.delete(old);
    }
    return list;
  }

  private _emit(change: IRunsChange | null): void {
    if (change) {
      this._runsChanged.emit(change);
    }
  }

  private _store: IRunStore;
  private _recorder: RunsModel.IRecorder | null;
  private _notebookPath: string | null = null;
  private _state: RunsState = 'no-notebook';
  private _list = new RunList();
  /** Per notebook, most recently shown last. */
  private _lists = new Map<string, RunList>();
  private _warnings: readonly IRunFileWarning[] = [];
  private _error = '';
  private _generation = 0;
  /**
   * Runs this page changed or saw live, with the store's number of that
   * change (Infinity while in flight), until a listing knows them.
   */
  private _unlisted = new Map<string, { run: IRunSummary; seq: number }>();
  /** Runs the recorder reported running and the store has not ended. */
  private _inFlight = new Set<string>();
  private _lastPending = 0;
  private _watch: IDisposable | null = null;
  private _isDisposed = false;
  private _runsChanged = new Signal<IRunsModel, IRunsChange>(this);
  private _stateChanged = new Signal<IRunsModel, void>(this);
}

export namespace RunsModel {
  /** What the model needs of the recorder. */
  export type IRecorder = Pick<IRunRecorder, 'runUpdated' | 'liveSeries'> &
    Partial<Pick<IRunRecorder, 'failed'>>;

  export interface IOptions {
    store: IRunStore;
    /** Runs in flight: live summaries and series. */
    recorder?: IRecorder | null;
  }
}

/** Whether two summaries of one run say the same (JSON-like values). */
function sameSummary(a: IRunSummary, b: IRunSummary): boolean {
  return JSONExt.deepEqual(
    a as unknown as ReadonlyJSONValue,
    b as unknown as ReadonlyJSONValue
  );
}
