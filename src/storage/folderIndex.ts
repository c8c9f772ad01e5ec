/**
 * Opening a runs folder fast, and keeping its manifest shard: the adapter
 * over the pure history core (docs/RUN_FOLDER.md, "Opening a history").
 *
 * An open is one listing request; shards are read only when their stamp
 * differs from the one already merged (kept in IndexedDB); run files are
 * read only when `reconcile` says their summary is missing or out of date.
 * This writer's shard is rewritten (debounced) when anything was fetched,
 * dropped or saved, so the next open elsewhere is cheap too.
 */
import type { Contents } from '@jupyterlab/services';
import {
  annotateSummary,
  checkRunFileSize,
  classifyListing,
  loadAnnotationsFile,
  loadRunFile,
  loadSeriesFile,
  makeEntry,
  makeShard,
  manifestShardName,
  mergeManifests,
  parseManifestShard,
  planCompaction,
  reconcile,
  serializeShard,
  summarizeRun,
  type IListingEntry,
  type IManifestEntry,
  type IManifestShard,
  type IRunAnnotation,
  type IRunFiles,
  type RunSeries
} from '../core/history';
import { forEachLimited } from '../core/concurrency';
import { JOURNAL_FOLDER } from '../core/capture/journal';
import { safeJoin } from '../core/paths';
import { newestFirst, type IRunSummary } from '../core/run';
import type { IRunFileWarning } from '../tokens';
import { describeError, isNotFound } from './contentsErrors';
import type {
  IFolderSnapshot,
  IHistoryCache,
  IRefusedFile
} from './historyCache';

/** How many files are fetched at once. */
const READ_CONCURRENCY = 8;

/** A runs folder as opened. */
export interface IFolderView {
  /** False when the folder does not exist. */
  exists: boolean;
  /** Newest first. */
  runs: IRunSummary[];
  warnings: IRunFileWarning[];
  /** How many run files had to be fetched (0 on a warm open). */
  fetched: number;
  /** Whether the folder holds a kernel journal (`journal/`). */
  journal?: boolean;
}

interface IFolderState {
  entries: Map<string, IManifestEntry>;
  shards: IListingEntry[];
  refused: IRefusedFile[];
  /** Shards parsed during the last open, for compaction. */
  read: { name: string; shard: IManifestShard }[];
  stale: string[];
}

export class FolderIndex {
  constructor(options: FolderIndex.IOptions) {
    this._contents = options.contents;
    this._cache = options.cache;
    this._writerId = options.writerId;
    this._shardDelay = options.shardDelayMs ?? 1000;
    this._cacheDelay = options.cacheDelayMs ?? 1000;
    this._shardInterval = options.shardIntervalMs ?? 30_000;
  }

  get writerId(): string {
    return this._writerId;
  }

  /**
   * Open a folder: list it, reuse what is cached, fetch what changed.
   *
   * Opens of one folder never overlap: two overlapping cold opens (the
   * sidebar and the capture's recovery of abandoned runs, say) would each
   * read every run file. A call made while an open is in flight waits for it
   * and then opens once more, warm, for every caller that arrived meanwhile:
   * the in-flight open may have listed the folder before the call was made.
   */
  open(folder: string): Promise<IFolderView> {
    if (!this._opening.has(folder)) {
      return this._startOpen(folder);
    }
    let next = this._queued.get(folder);
    if (!next) {
      next = this._opening
        .get(folder)!
        .catch(() => undefined)
        .then(() => {
          this._queued.delete(folder);
          return this._startOpen(folder);
        });
      this._queued.set(folder, next);
    }
    return next;
  }

  private _startOpen(folder: string): Promise<IFolderView> {
    const opening = this._open(folder).finally(() => {
      if (this._opening.get(folder) === opening) {
        this._opening.delete(folder);
      }
    });
    this._opening.set(folder, opening);
    return opening;
  }

  private async _open(folder: string): Promise<IFolderView> {
    let model: Contents.IModel;
    try {
      model = await this._contents.get(folder, { content: true });
    } catch (error) {
      if (isNotFound(error)) {
        this._states.delete(folder);
        return { exists: false, runs: [], warnings: [], fetched: 0 };
      }
      throw error;
    }
    const listing = listingOf(model);
    const journal = hasJournal(model);
    const state = await this._state(folder);
    const classified = classifyListing(listing);

    // Shards not merged yet (another writer's, or changed since).
    const known = new Set(state.shards.map(stampKey));
    const newShards = classified.shards.filter(s => !known.has(stampKey(s)));
    const read: { name: string; shard: IManifestShard }[] = [];
    await forEachLimited(newShards, READ_CONCURRENCY, async entry => {
      const text = await this._readText(safeJoin(folder, entry.name));
      if (text.ok) {
        const parsed = parseManifestShard(text.text, { fileName: entry.name });
        if (parsed.ok) {
          read.push({ name: entry.name, shard: parsed.shard });
        }
      }
    });
    const merged = mergeManifests([
      [...state.entries.values()],
      ...read.map(r => r.shard)
    ]);
    const result = reconcile(merged, listing);

    // Fetch what is missing, unless it was refused at this very stamp. An
    // edited annotation file refetches its run too: edits are rare.
    const refusedAt = new Map(state.refused.map(r => [refusedKey(r), r]));
    const refused: IRefusedFile[] = [];
    const fresh: IManifestEntry[] = [];
    let fetched = 0;
    await forEachLimited(result.missing, READ_CONCURRENCY, async files => {
      const known = refusedAt.get(refusedKey(files.run));
      if (known) {
        refused.push(known);
        return;
      }
      fetched++;
      const loaded = await this._loadRun(folder, files);
      if (loaded.ok) {
        fresh.push(loaded.entry);
      } else {
        refused.push({
          ...stamp(files.run),
          name: files.run.name,
          reason: loaded.reason
        });
      }
    });

    // A warm open of an unchanged folder writes nothing back.
    const changed =
      fresh.length > 0 ||
      result.stale.length > 0 ||
      read.length > 0 ||
      result.upToDate.length !== state.entries.size ||
      classified.shards.map(stampKey).join() !==
        state.shards.map(stampKey).join() ||
      [...refused]
        .sort((a, b) => (a.name < b.name ? -1 : 1))
        .map(refusedKey)
        .join() !== state.refused.map(refusedKey).join();
    state.entries = new Map(
      [...result.upToDate, ...fresh].map(e => [e.summary.id, e])
    );
    state.shards = classified.shards;
    state.refused = refused.sort((a, b) => (a.name < b.name ? -1 : 1));
    state.read = read;
    state.stale = result.stale;
    const mine = manifestShardName(this._writerId);
    const dirty =
      fresh.length > 0 ||
      result.stale.length > 0 ||
      classified.shards.length > 1 ||
      (state.entries.size > 0 && !classified.shards.some(s => s.name === mine));
    if (changed) {
      await this._persist(folder, state);
    }
    if (dirty) {
      this.scheduleShardWrite(folder);
    }
    return {
      exists: true,
      runs: this.summaries(folder),
      warnings: state.refused.map(r => ({
        path: safeJoin(folder, r.name),
        reason: r.reason
      })),
      fetched,
      journal
    };
  }

  /** The summaries known for a folder, newest first. */
  summaries(folder: string): IRunSummary[] {
    const state = this._states.get(folder);
    return state
      ? [...state.entries.values()].map(e => e.summary).sort(newestFirst)
      : [];
  }

  /** Record a run this writer just wrote (stamps from the save answers). */
  async noteWritten(folder: string, entry: IManifestEntry): Promise<void> {
    const state = await this._state(folder);
    state.entries.set(entry.summary.id, entry);
    this._schedulePersist(folder);
    this.scheduleShardWrite(folder);
  }

  /** Forget runs (moved to the trash, deleted). */
  async forget(folder: string, ids: readonly string[]): Promise<void> {
    const state = await this._state(folder);
    for (const id of ids) {
      state.entries.delete(id);
    }
    this._schedulePersist(folder);
    this.scheduleShardWrite(folder);
  }

  /** The folder moved with its notebook: move what is known of it. */
  async move(oldFolder: string, newFolder: string): Promise<void> {
    const state = await this._state(oldFolder);
    this._states.delete(oldFolder);
    this._states.set(newFolder, state);
    await this._cache.delete(oldFolder);
    await this._persist(newFolder, state);
  }

  /**
   * Write this writer's shard soon: once saves pause for `shardDelayMs`,
   * and at most once per `shardIntervalMs`. A shard holds every entry of
   * the folder, so writing it after each run (runs a few seconds apart
   * never pause for long) would cost each run time and bytes in proportion
   * to the folder's size. A shard missing the latest runs only means an
   * open elsewhere reads those run files.
   */
  scheduleShardWrite(folder: string): void {
    const pending = this._timers.get(folder);
    if (pending !== undefined) {
      clearTimeout(pending);
    }
    const last = this._shardWrittenAt.get(folder);
    const delay = Math.max(
      this._shardDelay,
      last === undefined ? 0 : last + this._shardInterval - Date.now()
    );
    this._timers.set(
      folder,
      setTimeout(() => {
        this._timers.delete(folder);
        void this.writeShard(folder).catch(error =>
          console.warn(
            `jupyterlab-runs: ${folder}: manifest not written`,
            error
          )
        );
      }, delay)
    );
  }

  /** Write this writer's shard now, then delete the shards it covers. */
  async writeShard(folder: string): Promise<void> {
    this._shardWrittenAt.set(folder, Date.now());
    const state = await this._state(folder);
    const shard = makeShard(this._writerId, state.entries.values());
    const name = manifestShardName(this._writerId);
    const saved = await this._contents.save(safeJoin(folder, name), {
      type: 'file',
      format: 'text',
      content: serializeShard(shard)
    });
    const written: IListingEntry = {
      name,
      size: typeof saved.size === 'number' ? saved.size : null,
      lastModified: saved.last_modified
    };
    state.shards = [...state.shards.filter(s => s.name !== name), written];
    const readAt = new Map(state.shards.map(s => [s.name, stampKey(s)]));
    for (const other of planCompaction(state.read, shard, state.stale)) {
      const path = safeJoin(folder, other);
      try {
        // Only a shard still as it was read: its writer may have rewritten
        // it since (then it is merged at the next open, not deleted).
        const now = await this._contents.get(path, { content: false });
        if (
          stampKey(listingOf({ content: [now] } as Contents.IModel)[0]) ===
          readAt.get(other)
        ) {
          await this._contents.delete(path);
        }
      } catch (error) {
        if (!isNotFound(error)) {
          throw error;
        }
      }
      state.shards = state.shards.filter(s => s.name !== other);
    }
    state.read = [];
    await this._persist(folder, state);
  }

  /** Wait for shard and cache writes scheduled so far (tests, export). */
  async flushShards(): Promise<void> {
    for (const [folder, timer] of [...this._persistTimers]) {
      clearTimeout(timer);
      this._persistTimers.delete(folder);
      const state = this._states.get(folder);
      if (state) {
        await this._persist(folder, state);
      }
    }
    const folders = [...this._timers.keys()];
    for (const folder of folders) {
      clearTimeout(this._timers.get(folder));
      this._timers.delete(folder);
      await this.writeShard(folder);
    }
  }

  dispose(): void {
    for (const timer of [
      ...this._timers.values(),
      ...this._persistTimers.values()
    ]) {
      clearTimeout(timer);
    }
    this._timers.clear();
    this._persistTimers.clear();
  }

  /** Read and summarize one run (with its series and annotations). */
  private async _loadRun(
    folder: string,
    files: IRunFiles
  ): Promise<
    { ok: true; entry: IManifestEntry } | { ok: false; reason: string }
  > {
    const tooBig = checkRunFileSize(files.run.size);
    if (tooBig) {
      return { ok: false, reason: tooBig };
    }
    const text = await this._readText(safeJoin(folder, files.run.name));
    if (!text.ok) {
      return text;
    }
    const loaded = loadRunFile(text.text, { expectedId: files.id });
    if (!loaded.ok) {
      return loaded;
    }
    // Records carry their metric aggregates; older ones need the series.
    let series: RunSeries | null = null;
    if (files.series && !loaded.run.metrics) {
      const seriesText = await this._readText(
        safeJoin(folder, files.series.name)
      );
      const parsed = seriesText.ok
        ? loadSeriesFile(seriesText.text, { expectedId: files.id })
        : seriesText;
      // A bad series file costs the metrics, not the run.
      series = parsed.ok ? parsed.series : null;
    }
    const annotation = await this._readAnnotation(folder, files);
    const summary = annotateSummary(
      summarizeRun(loaded.run, series),
      annotation
    );
    return { ok: true, entry: makeEntry(summary, files) };
  }

  private async _readAnnotation(
    folder: string,
    files: IRunFiles
  ): Promise<IRunAnnotation | null> {
    if (!files.annotations) {
      return null;
    }
    const text = await this._readText(safeJoin(folder, files.annotations.name));
    if (!text.ok) {
      return null;
    }
    const loaded = loadAnnotationsFile(text.text, { expectedId: files.id });
    return loaded.ok ? loaded.annotation : null;
  }

  private async _readText(
    path: string
  ): Promise<{ ok: true; text: string } | { ok: false; reason: string }> {
    try {
      const model = await this._contents.get(path, {
        type: 'file',
        format: 'text',
        content: true
      });
      return typeof model.content === 'string'
        ? { ok: true, text: model.content }
        : { ok: false, reason: 'is not a text file' };
    } catch (error) {
      return {
        ok: false,
        reason: `could not be read (${describeError(error)})`
      };
    }
  }

  private async _state(folder: string): Promise<IFolderState> {
    let state = this._states.get(folder);
    if (!state) {
      let snapshot: IFolderSnapshot | undefined;
      try {
        snapshot = await this._cache.get(folder);
      } catch {
        snapshot = undefined; // a broken cache is an empty one
      }
      state = this._states.get(folder) ?? {
        entries: new Map((snapshot?.entries ?? []).map(e => [e.summary.id, e])),
        shards: snapshot?.shards ?? [],
        refused: snapshot?.refused ?? [],
        read: [],
        stale: []
      };
      this._states.set(folder, state);
    }
    return state;
  }

  /**
   * Copy the folder's state to the cache soon. A copy holds every entry of
   * the folder, so writing one per saved run would cost each save time in
   * proportion to the folder's size: saves within `cacheDelayMs` share one
   * write. A copy that misses the last runs (page closed first) is safe:
   * opening checks the cache against the listing and fetches what is new.
   */
  private _schedulePersist(folder: string): void {
    if (this._persistTimers.has(folder)) {
      return;
    }
    this._persistTimers.set(
      folder,
      setTimeout(() => {
        this._persistTimers.delete(folder);
        const state = this._states.get(folder);
        if (state) {
          void this._persist(folder, state);
        }
      }, this._cacheDelay)
    );
  }

  private async _persist(folder: string, state: IFolderState): Promise<void> {
    try {
      await this._cache.put({
        folder,
        entries: [...state.entries.values()],
        shards: state.shards,
        refused: state.refused
      });
    } catch (error) {
      console.warn(
        'jupyterlab-runs: the run cache could not be written',
        error
      );
    }
  }

  private _contents: Contents.IManager;
  private _cache: IHistoryCache;
  private _writerId: string;
  private _shardDelay: number;
  private _states = new Map<string, IFolderState>();
  /** The open in flight per folder, and the one queued behind it. */
  private _opening = new Map<string, Promise<IFolderView>>();
  private _queued = new Map<string, Promise<IFolderView>>();
  private _timers = new Map<string, ReturnType<typeof setTimeout>>();
  private _cacheDelay: number;
  private _shardInterval: number;
  private _shardWrittenAt = new Map<string, number>();
  private _persistTimers = new Map<string, ReturnType<typeof setTimeout>>();
}

export namespace FolderIndex {
  export interface IOptions {
    contents: Contents.IManager;
    cache: IHistoryCache;
    /** This tab session's writer id (a ULID). */
    writerId: string;
    /** Debounce of shard writes. */
    shardDelayMs?: number;
    /** Saves within this time share one cache write (default 1000 ms). */
    cacheDelayMs?: number;
    /** At least this long between two shard writes (default 30 s). */
    shardIntervalMs?: number;
  }
}

/** Whether a runs folder's listing holds the kernel's journal folder. */
function hasJournal(model: Contents.IModel): boolean {
  return (
    Array.isArray(model.content) &&
    (model.content as Contents.IModel[]).some(
      item => item.type === 'directory' && item.name === JOURNAL_FOLDER
    )
  );
}

/** The files of a directory model, as the history core wants them. */
export function listingOf(model: Contents.IModel): IListingEntry[] {
  const items = Array.isArray(model.content)
    ? (model.content as Contents.IModel[])
    : [];
  return items
    .filter(item => item.type !== 'directory')
    .map(item => ({
      name: item.name,
      lastModified: item.last_modified,
      size: typeof item.size === 'number' ? item.size : null
    }));
}

function stamp(entry: IListingEntry): {
  size: number | null;
  lastModified: string;
} {
  return { size: entry.size, lastModified: entry.lastModified };
}

function stampKey(entry: IListingEntry): string {
  return `${entry.name}\u0000${entry.size}\u0000${entry.lastModified}`;
}

function refusedKey(entry: {
  name: string;
  size: number | null;
  lastModified: string;
}): string {
  return stampKey({
    name: entry.name,
    size: entry.size,
    lastModified: entry.lastModified
  });
}
