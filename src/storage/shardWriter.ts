/**
 * Writing this tab's manifest shard of a runs folder and deleting the shards
 * it covers (docs/RUN_FOLDER.md, "Manifest shards"). A shard is written only
 * when the folder's entries changed through this page: runs it saved, read
 * or found gone. Opening a folder another writer's shard already describes
 * writes nothing (two tabs used to take turns rewriting a shard of the whole
 * folder on every visit).
 *
 * A writer's manifest is a series of segments (docs/RUN_FOLDER.md,
 * "Segments"): a write of `sealEntries` entries or more seals its shard,
 * and the next writes hold only what the sealed ones do not, so that a run
 * saved into a folder of 10,000 costs a shard of the runs saved since, not
 * of the folder (7.5 MB encoded, sent and collected every 30 s; the
 * execution-cost benchmark's profile showed 15 ms of garbage collection
 * per run). The first write of a page and every `maxSealed`-th seal write
 * everything again and delete the segments that covers.
 */
import type { Contents } from '@jupyterlab/services';
import {
  classifyName,
  isSegmentOf,
  makeShard,
  manifestShardName,
  planCompaction,
  segmentWriterId,
  serializeShard,
  type IListingEntry,
  type IManifestEntry,
  type IManifestShard
} from '../core/history';
import { safeJoin } from '../core/paths';
import { isNotFound } from './contentsErrors';
import type { IFileSaver } from './backgroundSaver';

/** A write of this many entries or more is sealed (about 750 KB). */
const SEAL_ENTRIES = 1000;
/** Sealed segments of a folder before a write gathers them into one. */
const MAX_SEALED = 8;

/** The part of a folder's state a shard is made from. */
export interface IShardState {
  entries: Map<string, IManifestEntry>;
  /** The shards of the folder as last listed (name and stamp). */
  shards: IListingEntry[];
  /**
   * Shards parsed by listings since this page last wrote its shard, with
   * the stamp each was read at, for compaction.
   */
  read: { name: string; shard: IManifestShard; stamp?: string }[];
  /** Runs found gone at the last listing. */
  stale: string[];
}

export class ShardWriter {
  constructor(options: ShardWriter.IOptions) {
    this._contents = options.contents;
    this._saver = options.saver ?? options.contents;
    this._writerId = options.writerId;
    this._delay = options.delayMs ?? 1000;
    this._interval = options.intervalMs ?? 30_000;
    this._state = options.state;
    this._persist = options.persist;
    this._ownWrite = options.ownWrite ?? null;
    this._sealEntries = options.sealEntries ?? SEAL_ENTRIES;
    this._maxSealed = options.maxSealed ?? MAX_SEALED;
  }

  /**
   * Write this writer's shard soon: once saves pause for `delayMs`, and at
   * most once per `intervalMs`. A shard holds every entry of the folder, so
   * writing it after each run (runs a few seconds apart never pause for
   * long) would cost each run time and bytes in proportion to the folder's
   * size. A shard missing the latest runs only means an open elsewhere
   * reads those run files.
   */
  schedule(folder: string): void {
    if (this._held.has(folder)) {
      // Its folder is being renamed: written once the rename settles.
      this._held.set(folder, true);
      return;
    }
    const pending = this._timers.get(folder);
    if (pending !== undefined) {
      clearTimeout(pending);
    }
    const last = this._writtenAt.get(folder);
    const delay = Math.max(
      this._delay,
      last === undefined ? 0 : last + this._interval - Date.now()
    );
    this._timers.set(
      folder,
      setTimeout(() => {
        this._timers.delete(folder);
        void this.write(folder).catch(error =>
          console.warn(
            `jupyterlab-runs: ${folder}: manifest not written`,
            error
          )
        );
      }, delay)
    );
  }

  /**
   * The folder was renamed (its notebook was): a write scheduled for the
   * old name goes to the new one (a PUT into the old name would fail).
   */
  move(oldFolder: string, newFolder: string): void {
    const held = this._held.get(oldFolder) ?? false;
    this._held.delete(oldFolder);
    const pending = this._timers.get(oldFolder) ?? (held || undefined);
    const segments = this._segments.get(oldFolder);
    this._segments.delete(oldFolder);
    if (segments) {
      this._segments.set(newFolder, segments); // the files moved with it
    }
    const last = this._writtenAt.get(oldFolder);
    this._writtenAt.delete(oldFolder);
    if (last !== undefined) {
      this._writtenAt.set(newFolder, last);
    }
    if (pending !== undefined) {
      if (typeof pending !== 'boolean') {
        clearTimeout(pending);
      }
      this._timers.delete(oldFolder);
      this.schedule(newFolder);
    }
  }

  /**
   * The folder is about to be renamed: write nothing into it until
   * `release` (the rename failed) or `move` (it succeeded). Resolves once
   * a write already on its way has finished: a PUT into a folder renamed
   * under it fails on the server (HTTP 500).
   */
  async hold(folder: string): Promise<void> {
    const pending = this._timers.get(folder);
    if (pending !== undefined) {
      clearTimeout(pending);
      this._timers.delete(folder);
    }
    this._held.set(folder, (this._held.get(folder) ?? false) || !!pending);
    for (
      let writing = this._writing.get(folder);
      writing;
      writing = this._writing.get(folder)
    ) {
      await writing.catch(() => undefined);
    }
  }

  /** The rename did not happen: write what was held back. */
  release(folder: string): void {
    const held = this._held.get(folder);
    this._held.delete(folder);
    if (held) {
      this.schedule(folder);
    }
  }

  /** Whether a write of this folder's shard is scheduled. */
  isScheduled(folder: string): boolean {
    return this._timers.has(folder);
  }

  /**
   * Write this writer's shard now, then delete the shards it covers. Writes
   * of one folder never overlap: two PUTs of one file at once can fail on
   * the server (jupyter_server's atomic writing keeps one backup copy per
   * file, which the first to finish removes under the other: HTTP 500).
   */
  write(folder: string): Promise<void> {
    if (this._held.has(folder)) {
      this._held.set(folder, true);
      return Promise.resolve();
    }
    const previous = this._writing.get(folder) ?? Promise.resolve();
    const next = previous.then(
      () => this._write(folder),
      () => this._write(folder)
    );
    this._writing.set(folder, next);
    const settle = () => {
      if (this._writing.get(folder) === next) {
        this._writing.delete(folder);
      }
    };
    next.then(settle, settle);
    return next;
  }

  private async _write(folder: string): Promise<void> {
    this._writtenAt.set(folder, Date.now());
    const state = await this._state(folder);
    const segments = this._segmentsOf(folder);
    // A sealed segment deleted since (another page's compaction, a user)
    // covers nothing any more: its entries are written again.
    const listed = new Set(state.shards.map(s => s.name));
    segments.sealed = segments.sealed.filter(s => listed.has(s.name));
    const gather =
      segments.sealed.length === 0 ||
      segments.sealed.length >= this._maxSealed ||
      state.stale.length > 0;
    const sealed = gather ? [] : segments.sealed;
    const entries = [...state.entries.values()].filter(
      entry => !sealed.some(s => s.entries.has(entry))
    );
    const writerId = segmentWriterId(this._writerId, segments.index);
    const shard = makeShard(writerId, entries);
    const name = manifestShardName(writerId);
    // Written again in full: this page's other segments are covered (it
    // wrote them from the entries it still holds, or newer ones).
    const covered = gather
      ? state.shards
          .map(s => s.name)
          .filter(other => other !== name && this._isOwnSegment(other))
      : [];
    // The save and the deletions of the shards it covers are one write of
    // this page's (`FolderIndex.ownWrite`): a deletion moves the folder's
    // time too.
    const write = async () => {
      const saved = await this._saver.save(safeJoin(folder, name), {
        type: 'file',
        format: 'text',
        content: serializeShard(shard, this._texts)
      });
      await this._compact(
        folder,
        state,
        shard,
        {
          name,
          size: typeof saved.size === 'number' ? saved.size : null,
          lastModified: saved.last_modified
        },
        covered
      );
      return saved;
    };
    await (this._ownWrite ? this._ownWrite(folder, write) : write());
    state.read = [];
    if (gather) {
      segments.sealed = [];
      state.stale = [];
    }
    if (shard.entries.length >= this._sealEntries) {
      segments.sealed.push({ name, entries: new Set(shard.entries) });
      segments.index++;
    }
    await this._persist(folder);
  }

  /** The folder's segments, from segment 0 at this page's first write. */
  private _segmentsOf(folder: string): ShardWriter.ISegments {
    let segments = this._segments.get(folder);
    if (!segments) {
      segments = { index: 0, sealed: [] };
      this._segments.set(folder, segments);
    }
    return segments;
  }

  /** Whether a shard file is one of this writer's segments (or its own). */
  private _isOwnSegment(name: string): boolean {
    const kind = classifyName(name);
    return (
      kind.kind === 'manifest' && isSegmentOf(this._writerId, kind.writerId)
    );
  }

  /**
   * Note the shard written, then delete the shards it covers: another
   * writer's as read (`planCompaction`), and `own` segments of this writer.
   */
  private async _compact(
    folder: string,
    state: IShardState,
    shard: IManifestShard,
    written: IListingEntry,
    own: readonly string[]
  ): Promise<void> {
    const name = written.name;
    state.shards = [...state.shards.filter(s => s.name !== name), written];
    const readAt = new Map(state.shards.map(s => [s.name, stampKey(s)]));
    const others = planCompaction(state.read, shard, state.stale);
    for (const other of new Set([...others, ...own])) {
      const path = safeJoin(folder, other);
      try {
        // Another writer's shard only when still as it was read: its
        // writer may have rewritten it since (then it is merged at the next
        // open, not deleted). This writer's segments change only here.
        const now = own.includes(other)
          ? null
          : await this._contents.get(path, { content: false });
        if (!now || stampKey(listingEntryOf(now)) === readAt.get(other)) {
          await this._contents.delete(path);
        }
      } catch (error) {
        if (!isNotFound(error)) {
          throw error;
        }
      }
      state.shards = state.shards.filter(s => s.name !== other);
    }
  }

  /** Write every scheduled shard now. */
  async flush(): Promise<void> {
    for (const folder of [...this._timers.keys()]) {
      clearTimeout(this._timers.get(folder));
      this._timers.delete(folder);
      await this.write(folder);
    }
  }

  dispose(): void {
    for (const timer of this._timers.values()) {
      clearTimeout(timer);
    }
    this._timers.clear();
  }

  private _contents: Contents.IManager;
  private _writerId: string;
  private _delay: number;
  private _interval: number;
  private _state: (folder: string) => Promise<IShardState>;
  private _persist: (folder: string) => Promise<void>;
  private _saver: IFileSaver;
  private _ownWrite: ShardWriter.IOptions['ownWrite'] | null;
  private _sealEntries: number;
  private _maxSealed: number;
  /** Per folder, the segment written next and the sealed ones. */
  private _segments = new Map<string, ShardWriter.ISegments>();
  /** Each entry's JSON as last written (`serializeShard`). */
  private _texts = new WeakMap<IManifestEntry, string>();
  private _timers = new Map<string, ReturnType<typeof setTimeout>>();
  private _writtenAt = new Map<string, number>();
  private _writing = new Map<string, Promise<void>>();
  /** Folders being renamed, and whether a write waits for each. */
  private _held = new Map<string, boolean>();
}

export namespace ShardWriter {
  /** A folder's segments of this writer's manifest. */
  export interface ISegments {
    /** The segment the next write goes to. */
    index: number;
    /** Segments no longer written, with the entries each holds. */
    sealed: { name: string; entries: Set<IManifestEntry> }[];
  }

  export interface IOptions {
    contents: Contents.IManager;
    /** How the shard is saved (default: `contents`). */
    saver?: IFileSaver;
    /** This tab session's writer id (a ULID). */
    writerId: string;
    /** A write of this many entries or more is sealed (default 1,000). */
    sealEntries?: number;
    /** Sealed segments before a write gathers them (default 8). */
    maxSealed?: number;
    /** Debounce of shard writes (default 1000 ms). */
    delayMs?: number;
    /** At least this long between two shard writes (default 30 s). */
    intervalMs?: number;
    state: (folder: string) => Promise<IShardState>;
    /** Record the folder's shard stamps in the browser's copy. */
    persist: (folder: string) => Promise<void>;
    /** Make a write as one of this page's own (`FolderIndex.ownWrite`). */
    ownWrite?: (
      folder: string,
      write: () => Promise<Contents.IModel>
    ) => Promise<Contents.IModel>;
  }
}

/** A file or folder model as a listing entry. */
export function listingEntryOf(model: Contents.IModel): IListingEntry {
  return {
    name: model.name,
    lastModified: model.last_modified,
    size: typeof model.size === 'number' ? model.size : null
  };
}

/** Name, size and time of a listed file, as one comparable key. */
export function stampKey(entry: IListingEntry): string {
  return `${entry.name}\u0000${entry.size}\u0000${entry.lastModified}`;
}
