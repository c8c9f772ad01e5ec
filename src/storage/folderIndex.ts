/**
 * Opening a runs folder fast and keeping it current: the adapter over the
 * pure history core (docs/RUN_FOLDER.md, "Opening a history").
 *
 * - A folder known to this page (or to its IndexedDB copy after a reload)
 *   answers at once from memory, then is revalidated in the background: one
 *   `content: false` request for the folder's modification time, and a
 *   listing only when that time moved (`freshness.ts`).
 * - A listing shows every run whose summary still holds at once; run files
 *   that must be read are read in the background, in time slices, and
 *   `changed` fires as they arrive (valid runs first, refusals named after).
 *   Files refused at a stamp are remembered and not read again.
 * - Existence is learnt from the listing of the notebook's folder, never
 *   from a 404; a folder seen absent is checked by that folder's time.
 * - Nothing is written when nothing changed: the IndexedDB copy only when
 *   the folder's state did, the shard only when this page saved, read or
 *   dropped entries (`shardWriter.ts`).
 */
import type { Contents } from '@jupyterlab/services';
import type { IDisposable } from '@lumino/disposable';
import { Poll } from '@lumino/polling';
import { Signal, type ISignal } from '@lumino/signaling';
import {
  classifyListing,
  isRacyStamp,
  MAX_SHARD_BYTES,
  mergeManifests,
  nextListingAt,
  reconcile,
  type IManifestEntry,
  type IMissingRun
} from '../core/history';
import { forEachLimited } from '../core/concurrency';
import { safeJoin, splitPath } from '../core/paths';
import { newestFirst, upsertSummary, type IRunSummary } from '../core/run';
import { TimeSlicer, yieldToEventLoop } from '../core/timeSlice';
import type { IRunFileWarning } from '../tokens';
import type {
  IFolderSnapshot,
  IHistoryCache,
  IRefusedFile
} from './historyCache';
export { listingOf } from './folderState';
import { RunFileReader } from './runFileReader';
import {
  hasJournal,
  listingOf,
  refusedKey,
  refusedKeys,
  sortRefused,
  stateOf,
  type IFolderState
} from './folderState';
import { ShardWriter, stampKey, type IShardState } from './shardWriter';
import { ContentsFolderLister, type IFolderLister } from './folderLister';
import {
  OWN_WRITES_MIN_RUNS,
  OwnWrites,
  type IStampedWrite,
  changedFiles
} from './ownWrites';
import type { IFileSaver } from './backgroundSaver';

/** How many files are fetched at once. */
const READ_CONCURRENCY = 8;
/** While files are read in the background, `changed` fires this often. */
const PAGE_MS = 250;

/** A folder's runs newest first, sorted once while its entries stay. */
function sortedRuns(state: IFolderState): readonly IRunSummary[] {
  if (!state.sorted) {
    const runs: IRunSummary[] = [];
    for (const entry of state.entries.values()) {
      runs.push(entry.summary);
    }
    state.sorted = runs.sort(newestFirst);
  }
  return state.sorted;
}

/** A runs folder as known now. */
export interface IFolderView {
  /** False when the folder does not exist. */
  exists: boolean;
  /** Newest first (shared while the folder is unchanged: do not modify). */
  runs: readonly IRunSummary[];
  warnings: IRunFileWarning[];
  /** Run files listed but not read yet: `changed` fires as they are. */
  reading: number;
  /** Whether the folder holds a kernel journal (`journal/`). */
  journal: boolean;
}

/** How current the answer of `open` must be. */
export interface IOpenOptions {
  /**
   * Revalidate before answering (one request when the folder did not
   * change) and wait for every file to be read. Default: answer from what
   * is known when anything is, and revalidate in the background.
   */
  current?: boolean;
  /** List the folder even when its time did not move (the user asked). */
  reload?: boolean;
}

export class FolderIndex implements IDisposable {
  constructor(options: FolderIndex.IOptions) {
    this._lister = options.lister ?? new ContentsFolderLister(options.contents);
    this._cache = options.cache;
    this._reader = new RunFileReader(options.contents);
    this._cacheDelay = options.cacheDelayMs ?? 1000;
    this._cacheReadTimeout = options.cacheReadTimeoutMs ?? 5000;
    this._pollMs = options.pollIntervalMs ?? 2500;
    this._standby = options.standby ?? 'when-hidden';
    this._now = options.now ?? Date.now;
    if (typeof window !== 'undefined') {
      window.addEventListener('pagehide', this._onPageHide);
      document.addEventListener('visibilitychange', this._onPageHide);
    }
    this._shards = new ShardWriter({
      contents: options.contents,
      saver: options.saver,
      writerId: options.writerId,
      delayMs: options.shardDelayMs,
      intervalMs: options.shardIntervalMs,
      state: folder => this._state(folder),
      persist: folder => this._persistShards(folder),
      ownWrite: (folder, write) => this.ownWrite(folder, write)
    });
    this._own = new OwnWrites({
      minRuns:
        options.ownWritesMinRuns ??
        (() =>
          this._lister.statsInBackground === true ? 0 : OWN_WRITES_MIN_RUNS),
      stat: async (folder, since) => {
        const model = await this._stat(folder, since);
        return model
          ? {
              time: model.last_modified,
              changed: changedFiles(model as { changed?: unknown })
            }
          : null;
      },
      state: folder => this._state(folder),
      adopt: (folder, stamp) => {
        const state = this._states.get(folder);
        if (state) {
          state.stamp = stamp;
          state.racy = false;
        }
      }
    });
  }

  /**
   * Emitted with a folder whose view changed without this page saving into
   * it: a revalidation found new, changed or removed runs, or background
   * reading brought another page of runs or refusals.
   */
  get changed(): ISignal<FolderIndex, string> {
    return this._changed;
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /**
   * Open a folder. Known folders answer at once (and are revalidated in the
   * background); an unknown one is listed first, and answers with the runs
   * its shards and the cache already describe while the rest are read.
   */
  async open(folder: string, options: IOpenOptions = {}): Promise<IFolderView> {
    const state = await this._state(folder);
    // Known: seen absent, reconciled with a listing (here or before a
    // reload), or being read after a listing of this page.
    const known =
      state.exists === false || state.stamp !== null || state.reading > 0;
    if (options.current || options.reload || !known) {
      await this._revalidate(folder, {
        asked: true,
        reload: options.reload ?? false
      });
      if (options.current) {
        await this._state(folder).then(s => s.readingDone);
      }
    } else {
      this._background(folder);
    }
    return this.view(folder);
  }

  /** The folder as known now (empty when nothing is). */
  view(folder: string): IFolderView {
    const state = this._states.get(folder);
    if (!state) {
      return {
        exists: false,
        runs: [],
        warnings: [],
        reading: 0,
        journal: false
      };
    }
    return {
      exists: state.exists !== false,
      runs: sortedRuns(state),
      warnings: sortRefused([...state.refused]).map(r => ({
        path: safeJoin(folder, r.name),
        reason: r.reason
      })),
      reading: state.reading,
      journal: state.journal
    };
  }

  /**
   * Which of a run's optional files (series, annotations) the last listing
   * showed; null when the run is not indexed or its entry does not say
   * (manifests written before annotations were stamped). Lets a reader
   * skip a request that would only answer 404.
   */
  files(
    folder: string,
    runId: string
  ): { series: boolean; annotations: boolean | null } | null {
    const entry = this._states.get(folder)?.entries.get(runId);
    if (!entry) {
      return null;
    }
    return {
      series: entry.series !== null,
      annotations:
        entry.annotations === undefined ? null : entry.annotations !== null
    };
  }

  /**
   * Keep a folder current while the returned handle lives: its time is
   * checked every `pollIntervalMs` (less often after failures; not while
   * the page is hidden), and it is listed when the time moved.
   */
  watch(folder: string): IDisposable {
    let watcher = this._watchers.get(folder);
    if (!watcher) {
      const poll = new Poll({
        factory: () =>
          this._revalidate(folder, { asked: false, reload: false }),
        frequency: { interval: this._pollMs, backoff: true, max: 60_000 },
        standby: this._standby,
        name: `jupyterlab-runs:watch:${folder}`
      });
      watcher = { poll, count: 0 };
      this._watchers.set(folder, watcher);
    }
    watcher.count++;
    let disposed = false;
    return {
      get isDisposed() {
        return disposed;
      },
      dispose: () => {
        if (disposed) {
          return;
        }
        disposed = true;
        const w = this._watchers.get(folder);
        if (w && --w.count === 0) {
          w.poll.dispose();
          this._watchers.delete(folder);
        }
      }
    };
  }

  /**
   * Record a run this writer just wrote (stamps from the save answers).
   * The IndexedDB copy gets this one entry, not the folder: a copy of
   * the folder costs the main thread in proportion to its size (180 ms for
   * 10,000 runs), and saves come seconds apart, each its own copy. The
   * entry waits for the shard it goes into (written once saves pause, at
   * most every 30 s), and the entries waiting then go in one transaction
   * (`_flushEntries`): a transaction per save cost the page's main thread
   * its own tasks and continuations with every run. They go sooner when
   * the page is hidden or closed (`pagehide`); an entry the copy misses
   * costs only reading its run file at the next open.
   */
  async noteWritten(folder: string, entry: IManifestEntry): Promise<void> {
    const state = await this._state(folder);
    state.entries.set(entry.summary.id, entry);
    if (state.sorted) {
      state.sorted = upsertSummary(state.sorted, entry.summary);
    }
    state.written?.set(entry.summary.id, entry);
    if (state.exists !== true) {
      // New to the copy as well: its snapshot says so, with the entry.
      this._noteExists(state);
      this._schedulePersist(folder);
    } else {
      let waiting = this._unsavedEntries.get(folder);
      if (!waiting) {
        waiting = new Map();
        this._unsavedEntries.set(folder, waiting);
      }
      waiting.set(entry.summary.id, entry);
    }
    this._shards.schedule(folder);
  }

  /** Put the entries waiting for a folder's copy (`noteWritten`). */
  private async _flushEntries(folder: string): Promise<void> {
    const waiting = this._unsavedEntries.get(folder);
    if (!waiting) {
      return;
    }
    this._unsavedEntries.delete(folder);
    await writeCache(() =>
      this._cache.putEntries(folder, [...waiting.values()])
    );
  }

  /** Put every entry waiting for its folder's copy. */
  flushEntries(): Promise<void> {
    return Promise.all(
      [...this._unsavedEntries.keys()].map(folder => this._flushEntries(folder))
    ).then(() => undefined);
  }

  /**
   * Make one of this page's writes into a folder (`write` returns the saved
   * file's model): a folder time moved by this page's writes alone is taken
   * as current, without listing the folder again (`OwnWrites`).
   */
  ownWrite<T extends { last_modified?: string }>(
    folder: string,
    write: () => Promise<T>
  ): Promise<T> {
    return this._own.write(folder, write);
  }

  /**
   * Make a write of this page whose file the folder's view does not note
   * (an annotation): its change is never taken as known
   * (`OwnWrites.outside`), and the next check lists the folder.
   */
  outsideWrite<T>(folder: string, write: () => Promise<T>): Promise<T> {
    return this._own.outside(folder, write);
  }

  /**
   * Make a write of this page that reads the folder's time itself, before
   * and after (`OwnWrites.writeStamped`).
   */
  ownWriteStamped<T>(
    folder: string,
    write: () => Promise<IStampedWrite<T>>
  ): Promise<T> {
    return this._own.writeStamped(folder, write);
  }

  /**
   * The URL a batch of writes reads the folder's time from, or null when
   * stats are not made in the background (`IFolderLister`).
   */
  backgroundStatUrl(folder: string): string | null {
    return this._lister.backgroundStatUrl?.(folder) ?? null;
  }

  /** The folder was just created by this page. */
  async noteCreated(folder: string): Promise<void> {
    const state = await this._state(folder);
    if (state.exists === false) {
      this._noteExists(state);
      this._schedulePersist(folder);
    }
  }

  /**
   * Files came back or were added by this page (runs restored from the
   * trash, an import): the next open lists the folder before answering.
   */
  async invalidate(folder: string): Promise<void> {
    const state = await this._state(folder);
    state.stamp = null;
  }

  /** Forget runs (moved to the trash, deleted). */
  async forget(folder: string, ids: readonly string[]): Promise<void> {
    const state = await this._state(folder);
    for (const id of ids) {
      state.entries.delete(id);
      this._unsavedEntries.get(folder)?.delete(id);
    }
    state.sorted = null;
    this._schedulePersist(folder);
    this._shards.schedule(folder);
  }

  /**
   * The folder is about to be renamed: hold this page's writes of its
   * shard (and wait for one on its way) until `move`, or `release` if the
   * rename fails.
   */
  hold(folder: string): Promise<void> {
    return this._shards.hold(folder);
  }

  /** The rename held by `hold` did not happen. */
  release(folder: string): void {
    this._shards.release(folder);
  }

  /** The folder moved with its notebook: move what is known of it. */
  async move(oldFolder: string, newFolder: string): Promise<void> {
    const state = await this._state(oldFolder);
    this._states.delete(oldFolder);
    // In the new folder's snapshot, written below.
    this._unsavedEntries.delete(oldFolder);
    this._shards.move(oldFolder, newFolder);
    // The new folder's time is its own: check it at the next open.
    state.stamp = null;
    state.generation++;
    this._states.set(newFolder, state);
    await this._cache.delete(oldFolder);
    await this._persistNow(newFolder);
  }

  /** Write this writer's shard of a folder now. */
  writeShard(folder: string): Promise<void> {
    return this._shards.write(folder);
  }

  /** Wait for shard and cache writes scheduled so far (tests, export). */
  async flushShards(): Promise<void> {
    for (const [folder, timer] of [...this._persistTimers]) {
      clearTimeout(timer);
      this._persistTimers.delete(folder);
      await this._persistNow(folder);
    }
    await this._shards.flush();
    await this.flushEntries();
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    if (typeof window !== 'undefined') {
      window.removeEventListener('pagehide', this._onPageHide);
      document.removeEventListener('visibilitychange', this._onPageHide);
    }
    void this.flushEntries();
    for (const timer of this._persistTimers.values()) {
      clearTimeout(timer);
    }
    this._persistTimers.clear();
    for (const { poll } of this._watchers.values()) {
      poll.dispose();
    }
    this._watchers.clear();
    this._shards.dispose();
    this._own.dispose();
    Signal.clearData(this);
  }

  /** Revalidate without waiting; failures are logged, not thrown. */
  private _background(folder: string): void {
    void this._revalidate(folder, { asked: false, reload: false }).catch(
      error => console.warn(`jupyterlab-runs: ${folder} not checked`, error)
    );
  }

  /**
   * Check a folder and list it if it changed. Checks of one folder never
   * overlap: a background check joins the one in flight; an asked-for one
   * waits for it and runs once more for every caller that arrived
   * meanwhile (the check in flight may predate the call).
   */
  private _revalidate(
    folder: string,
    how: { asked: boolean; reload: boolean }
  ): Promise<void> {
    const running = this._checking.get(folder);
    if (!running) {
      return this._startCheck(folder, how);
    }
    if (!how.asked) {
      return running;
    }
    let next = this._queued.get(folder);
    if (!next) {
      next = running
        .catch(() => undefined)
        .then(() => {
          this._queued.delete(folder);
          return this._startCheck(folder, how);
        });
      this._queued.set(folder, next);
    }
    return next;
  }

  private _startCheck(
    folder: string,
    how: { asked: boolean; reload: boolean }
  ): Promise<void> {
    const checking = this._check(folder, how).finally(() => {
      if (this._checking.get(folder) === checking) {
        this._checking.delete(folder);
      }
    });
    this._checking.set(folder, checking);
    return checking;
  }

  private async _check(
    folder: string,
    how: { asked: boolean; reload: boolean }
  ): Promise<void> {
    if (this._own.busy(folder)) {
      if (!how.asked) {
        return; // this page is writing: its writes are told apart after
      }
      await this._own.whenIdle(folder);
    }
    const state = await this._state(folder);
    if (state.reading > 0) {
      if (!how.asked) {
        return; // the background read of the last listing is still going
      }
      await state.readingDone;
    }
    if (state.exists !== true) {
      if (!(await this._existsNow(folder, state))) {
        return;
      }
    } else if (!how.reload && state.stamp !== null) {
      const model = await this._stat(folder);
      if (!model) {
        this._markAbsent(folder, state, null);
        return;
      }
      if (model.last_modified === state.stamp && !state.racy) {
        return; // unchanged: no listing, nothing written
      }
      if (!how.asked && this._now() < state.nextListingAt) {
        return; // listed a moment ago; the next poll will
      }
    }
    await this._list(folder, state);
  }

  /**
   * Whether a folder not known to exist does: from the listing of its
   * parent (the notebook's folder, which exists), so a notebook without
   * runs costs no failing request. A folder seen absent is looked for again
   * only when its parent's time moved.
   */
  private async _existsNow(
    folder: string,
    state: IFolderState
  ): Promise<boolean> {
    const parent = splitPath(folder).dir;
    const name = folder.slice(parent ? parent.length + 1 : 0);
    if (state.exists === false && state.parentStamp !== null) {
      const stat = await this._stat(parent);
      if (stat?.last_modified === state.parentStamp) {
        return false;
      }
    }
    const model = await this._lister.list(parent);
    if (!model) {
      this._markAbsent(folder, state, null);
      return false;
    }
    const found = (model.content as Contents.IModel[] | null)?.some(
      item => item.name === name && item.type === 'directory'
    );
    if (!found) {
      this._markAbsent(folder, state, model.last_modified);
      return false;
    }
    this._noteExists(state);
    return true;
  }

  /**
   * A folder stat, or null when it does not exist; `since`, with the files
   * changed since (`IFolderLister.stat`).
   */
  private _stat(path: string, since?: string): Promise<Contents.IModel | null> {
    return this._lister.stat(path, since);
  }

  private _markAbsent(
    folder: string,
    state: IFolderState,
    parentStamp: string | null
  ): void {
    const had = state.exists !== false || state.entries.size > 0;
    const moved = state.parentStamp !== parentStamp;
    state.exists = false;
    state.parentStamp = parentStamp;
    state.stamp = null;
    state.generation++;
    state.entries = new Map();
    state.sorted = null;
    state.refused = [];
    state.journal = false;
    if (had || moved) {
      void this._persistNow(folder);
    }
    if (had) {
      this._changed.emit(folder);
    }
  }

  private _noteExists(state: IFolderState): void {
    if (state.exists !== true) {
      state.exists = true;
      state.parentStamp = null;
      state.stamp = null;
    }
  }

  /** List the folder, show what still holds, read the rest in the background. */
  private async _list(folder: string, state: IFolderState): Promise<void> {
    const generation = ++state.generation;
    const previousStamp = state.stamp;
    state.written = new Map();
    const started = this._now();
    let model: Contents.IModel | null;
    try {
      model = await this._lister.list(folder);
    } catch (error) {
      state.written = null;
      throw error;
    }
    if (!model) {
      state.written = null;
      this._markAbsent(folder, state, null);
      return;
    }
    const finished = this._now();
    state.nextListingAt = nextListingAt(finished, finished - started);
    const listing = listingOf(model);
    const classified = classifyListing(listing);

    // Shards not merged yet (another writer's, or changed since).
    const known = new Set(state.shards.map(stampKey));
    const read: IShardState['read'] = [];
    await forEachLimited(
      // One over the size limit would be refused once read: not fetched.
      classified.shards.filter(
        s =>
          !known.has(stampKey(s)) &&
          (s.size === null || s.size <= MAX_SHARD_BYTES)
      ),
      READ_CONCURRENCY,
      async entry => {
        const shard = await this._reader.loadShard(folder, entry);
        if (shard) {
          read.push({ name: entry.name, shard, stamp: stampKey(entry) });
        }
      }
    );
    const before = state.entries;
    const result = reconcile(
      mergeManifests([[...before.values()], ...read.map(r => r.shard)]),
      listing
    );
    // Unread files refused at this very stamp stay refused, unread.
    const refusedAt = new Map(state.refused.map(r => [refusedKey(r), r]));
    const refused: IRefusedFile[] = [];
    const toRead: IMissingRun[] = [];
    for (const files of result.missing) {
      const known = refusedAt.get(refusedKey({ ...files.run }));
      if (known) {
        refused.push(known);
      } else {
        toRead.push(files);
      }
    }
    const entries = new Map(result.upToDate.map(e => [e.summary.id, e]));
    for (const [id, entry] of state.written) {
      entries.set(id, entry); // saved by this page after the listing began
    }
    state.written = null;
    const entriesChanged =
      entries.size !== before.size ||
      [...entries].some(([id, e]) => before.get(id) !== e);
    const viewChanged =
      entriesChanged ||
      refusedKeys(refused) !== refusedKeys(state.refused) ||
      state.journal !== hasJournal(model);
    const shardsChanged =
      read.length > 0 ||
      classified.shards.map(stampKey).join() !==
        state.shards.map(stampKey).join();
    state.entries = entries;
    if (entriesChanged) {
      state.sorted = null;
    }
    state.refused = sortRefused(refused);
    state.shards = classified.shards;
    // Shards read by earlier listings stay candidates for compaction until
    // this page writes its shard (a second listing, made because the
    // folder's time was racy, reads none): those still listed as read.
    const listed = new Set(classified.shards.map(stampKey));
    state.read = [
      ...state.read.filter(
        r =>
          r.stamp !== undefined &&
          listed.has(r.stamp) &&
          !read.some(n => n.name === r.name)
      ),
      ...read
    ];
    state.stale = result.stale;
    state.journal = hasJournal(model);
    state.exists = true;
    const stamp = model.last_modified;
    const dirty = result.stale.length > 0;
    if (toRead.length === 0) {
      if (viewChanged) {
        this._changed.emit(folder);
      }
      this._settle(folder, state, stamp, previousStamp, {
        persist: viewChanged || shardsChanged || stamp !== previousStamp,
        dirty
      });
      return;
    }
    // The stamp is claimed only once every file is read: a reading cut
    // short (the page closed) must be listed again next time.
    state.stamp = null;
    state.reading = toRead.length;
    this._changed.emit(folder);
    state.readingDone = this._readAll(folder, state, toRead, generation).then(
      fresh => {
        if (state.generation === generation) {
          this._settle(folder, state, stamp, previousStamp, {
            persist: true,
            dirty: dirty || fresh > 0
          });
        }
      },
      error => {
        console.warn(`jupyterlab-runs: ${folder}: runs not read`, error);
      }
    );
  }

  /**
   * Read listed run files that have no summary yet, newest first, in time
   * slices; a page of runs and refusals is shown every `PAGE_MS`. Resolves
   * to the number of runs read successfully.
   */
  private async _readAll(
    folder: string,
    state: IFolderState,
    toRead: IMissingRun[],
    generation: number
  ): Promise<number> {
    // Let the caller show the runs already known before the first read.
    await yieldToEventLoop();
    const slicer = new TimeSlicer();
    let fresh = 0;
    let shownAt = this._now();
    let unsorted = false;
    try {
      await forEachLimited(toRead, READ_CONCURRENCY, async files => {
        if (state.generation !== generation) {
          return; // a newer listing took over
        }
        const loaded = await this._reader.loadRun(folder, files);
        if (state.generation !== generation) {
          return;
        }
        state.reading--;
        if (loaded.ok) {
          fresh++;
          state.entries.set(files.id, loaded.entry);
          state.sorted = null;
        } else {
          state.refused.push({
            name: files.run.name,
            size: files.run.size,
            lastModified: files.run.lastModified,
            reason: loaded.reason
          });
          unsorted = true;
        }
        if (this._now() - shownAt >= PAGE_MS && state.reading > 0) {
          shownAt = this._now();
          if (unsorted) {
            state.refused = sortRefused(state.refused);
            unsorted = false;
          }
          this._changed.emit(folder);
        }
        await slicer.maybeYield();
      });
    } finally {
      if (state.generation === generation) {
        state.reading = 0;
        state.refused = sortRefused(state.refused);
        this._changed.emit(folder);
      }
    }
    return fresh;
  }

  private _settle(
    folder: string,
    state: IFolderState,
    stamp: string,
    previousStamp: string | null,
    how: { persist: boolean; dirty: boolean }
  ): void {
    state.stamp = stamp;
    // A second listing at the same folder time was taken after that time's
    // clock tick: it saw every change the time stands for.
    state.racy = stamp !== previousStamp && isRacyStamp(stamp, this._now());
    if (how.persist) {
      void this._persistNow(folder);
    }
    if (how.dirty) {
      this._shards.schedule(folder);
    }
  }

  private _state(folder: string): Promise<IFolderState> {
    const state = this._states.get(folder);
    if (state) {
      return Promise.resolve(state);
    }
    // One read of the browser's copy per folder, however many ask at once
    // (a 100,000-run copy is 76 MB to read and clone).
    let loading = this._loading.get(folder);
    if (!loading) {
      loading = this._load(folder);
      this._loading.set(folder, loading);
      const done = () => this._loading.delete(folder);
      loading.then(done, done);
    }
    return loading;
  }

  /**
   * The folder's state from the browser's copy. A copy that does not come
   * within `cacheReadTimeoutMs` is not waited for: the folder is listed
   * from the server instead (a 100,000-run folder in about 2 s through the
   * server extension). In two of three runs of `benchmarks/tab-switch.sh`
   * with a 100,000-run folder, a visit after a reload waited minutes with
   * the page idle, its rows never shown (not reproduced outside the
   * benchmark; the cause is not known).
   */
  private async _load(folder: string): Promise<IFolderState> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<undefined>(resolve => {
      timer = setTimeout(() => {
        console.warn(
          `jupyterlab-runs: the browser's copy of ${folder} did not come within ${this._cacheReadTimeout} ms; listing the folder instead`
        );
        resolve(undefined);
      }, this._cacheReadTimeout);
    });
    let snapshot: IFolderSnapshot | undefined;
    try {
      snapshot = await Promise.race([this._cache.get(folder), late]);
    } catch {
      snapshot = undefined; // a broken cache is an empty one
    } finally {
      clearTimeout(timer);
    }
    const state = this._states.get(folder) ?? stateOf(snapshot, this._now());
    this._states.set(folder, state);
    return state;
  }

  /**
   * Copy the folder's state to the cache soon. A copy holds every entry of
   * the folder, so writing one per saved run would cost each save time in
   * proportion to the folder's size: saves within `cacheDelayMs` share one
   * write. A copy that misses the last runs (page closed first) is safe:
   * its stamp is older than the folder's, so the next open lists it.
   */
  private _schedulePersist(folder: string): void {
    if (this._persistTimers.has(folder)) {
      return;
    }
    this._persistTimers.set(
      folder,
      setTimeout(() => {
        this._persistTimers.delete(folder);
        void this._persistNow(folder);
      }, this._cacheDelay)
    );
  }

  /** Copy only the folder's shard stamps (after a shard write). */
  private async _persistShards(folder: string): Promise<void> {
    const state = this._states.get(folder);
    if (!state) {
      return;
    }
    await this._flushEntries(folder);
    await writeCache(() => this._cache.putShards(folder, state.shards));
  }

  private async _persistNow(folder: string): Promise<void> {
    const state = this._states.get(folder);
    if (!state) {
      return;
    }
    // The snapshot holds them all.
    this._unsavedEntries.delete(folder);
    await writeCache(() =>
      this._cache.put({
        folder,
        entries: [...state.entries.values()],
        shards: state.shards,
        refused: state.refused,
        stamp: state.reading > 0 ? null : state.stamp,
        exists: state.exists,
        parentStamp: state.parentStamp,
        journal: state.journal
      })
    );
  }

  private _cacheReadTimeout: number;
  private _loading = new Map<string, Promise<IFolderState>>();
  private _lister: IFolderLister;
  private _cache: IHistoryCache;
  private _reader: RunFileReader;
  private _shards: ShardWriter;
  private _own: OwnWrites;
  private _cacheDelay: number;
  private _pollMs: number;
  private _standby: Poll.Standby | (() => boolean | Poll.Standby);
  private _now: () => number;
  private _states = new Map<string, IFolderState>();
  /** The check in flight per folder, and the one queued behind it. */
  private _checking = new Map<string, Promise<void>>();
  private _queued = new Map<string, Promise<void>>();
  private _persistTimers = new Map<string, ReturnType<typeof setTimeout>>();
  /** Entries saved since their folder's copy was written (`noteWritten`). */
  private _unsavedEntries = new Map<string, Map<string, IManifestEntry>>();
  /** The page is hidden or going: put the waiting entries now. */
  private _onPageHide = (): void => {
    if (document.visibilityState === 'hidden') {
      void this.flushEntries();
    }
  };
  private _watchers = new Map<string, { poll: Poll; count: number }>();
  private _isDisposed = false;
  private _changed = new Signal<FolderIndex, string>(this);
}

/** A write of the IndexedDB copy: a failure is logged, never thrown. */
async function writeCache(write: () => Promise<void>): Promise<void> {
  try {
    await write();
  } catch (error) {
    console.warn('jupyterlab-runs: the run cache could not be written', error);
  }
}

export namespace FolderIndex {
  export interface IOptions {
    contents: Contents.IManager;
    /** How folders are listed (default: through `contents`). */
    lister?: IFolderLister;
    /**
     * How shards are saved (default: `contents`): the run store's
     * `BackgroundSaver`, so that a shard of 10,000 entries is not encoded
     * and sent from the page's main thread (30 ms a shard write in the
     * execution-cost benchmark's profile).
     */
    saver?: IFileSaver;
    cache: IHistoryCache;
    /** This tab session's writer id (a ULID). */
    writerId: string;
    /** Debounce of shard writes. */
    shardDelayMs?: number;
    /** Saves within this time share one cache write (default 1000 ms). */
    cacheDelayMs?: number;
    /**
     * How long a folder's copy is waited for before it is listed from the
     * server instead (default 5000 ms).
     */
    cacheReadTimeoutMs?: number;
    /** At least this long between two shard writes (default 30 s). */
    shardIntervalMs?: number;
    /** How often a watched folder's time is checked (default 2500 ms). */
    pollIntervalMs?: number;
    /** When watching pauses (default: while the page is hidden). */
    standby?: Poll.Standby | (() => boolean | Poll.Standby);
    /** The clock (tests). */
    now?: () => number;
    /** From how many runs own writes are told apart (tests). */
    ownWritesMinRuns?: number;
  }
}
