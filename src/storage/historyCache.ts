/**
 * The browser's copy of a runs folder's merged manifest: what makes a warm
 * open cost one listing request. Entries are checked against that listing
 * (`reconcile`) before they are shown, so a stale copy costs refetching,
 * never a wrong run.
 */
import type { IListingEntry, IManifestEntry } from '../core/history';

/** A file that was refused, remembered with the stamp it had. */
export interface IRefusedFile {
  name: string;
  size: number | null;
  lastModified: string;
  reason: string;
}

/** What the browser remembers of one runs folder. */
export interface IFolderSnapshot {
  folder: string;
  /** Merged entries, as of the last open or save. */
  entries: IManifestEntry[];
  /** The shards (name and stamp) already merged into `entries`. */
  shards: IListingEntry[];
  /** Run files refused at that stamp: not refetched until they change. */
  refused: IRefusedFile[];
  /**
   * The folder's own modification time when the listing that `entries`
   * reconcile with was taken: an unchanged time means an unchanged folder,
   * so a reload revalidates it with one request and no listing. Null or
   * absent when unknown (a snapshot of an older version, a reading cut
   * short).
   */
  stamp?: string | null;
  /** False when the folder did not exist (absent: not known). */
  exists?: boolean;
  /**
   * For a folder that did not exist: the modification time of the folder
   * it would be in when that was seen (its notebook's folder).
   */
  parentStamp?: string | null;
  /** Whether the folder holds a kernel journal (`journal/`). */
  journal?: boolean;
}

/**
 * Where snapshots are kept (IndexedDB in the browser, memory in tests).
 *
 * `put` replaces a folder's whole snapshot; `putEntries` adds or replaces
 * entries of it (runs this page saved, in one transaction), so saves cost
 * the copy of their entries, not of the folder: the whole copy of a
 * 10,000-run folder took 180 ms of the page's main thread per save
 * (IndexedDB clones the value on the main thread; measured with
 * benchmarks/execution-cost.sh).
 * `get` returns the last snapshot with the entries put since.
 */
export interface IHistoryCache {
  get(folder: string): Promise<IFolderSnapshot | undefined>;
  put(snapshot: IFolderSnapshot): Promise<void>;
  putEntries(folder: string, entries: IManifestEntry[]): Promise<void>;
  /**
   * Replace the snapshot's shard stamps (after this page wrote its shard),
   * again without copying the folder: that copy after each shard write
   * cost 160 ms of the main thread in a 10,000-run folder, every 30 s
   * while runs were recorded (execution-cost benchmark).
   */
  putShards(folder: string, shards: IListingEntry[]): Promise<void>;
  delete(folder: string): Promise<void>;
}

/**
 * A snapshot with the entries put after it (by id, the later wins) and
 * the shard stamps put after it, if any.
 */
export function withEntries(
  snapshot: IFolderSnapshot | undefined,
  entries: readonly IManifestEntry[],
  shards?: IListingEntry[]
): IFolderSnapshot | undefined {
  if (!snapshot) {
    return snapshot;
  }
  if (shards) {
    snapshot = { ...snapshot, shards };
  }
  if (entries.length === 0) {
    return snapshot;
  }
  const byId = new Map(snapshot.entries.map(e => [e.summary.id, e]));
  for (const entry of entries) {
    byId.set(entry.summary.id, entry);
  }
  return { ...snapshot, entries: [...byId.values()] };
}

/** A cache that forgets on reload: when IndexedDB is unavailable. */
export class MemoryHistoryCache implements IHistoryCache {
  async get(folder: string): Promise<IFolderSnapshot | undefined> {
    const found = withEntries(
      this._folders.get(folder),
      [...(this._entries.get(folder)?.values() ?? [])],
      this._shards.get(folder)
    );
    return found ? structuredClone(found) : undefined;
  }

  async put(snapshot: IFolderSnapshot): Promise<void> {
    this._folders.set(snapshot.folder, structuredClone(snapshot));
    this._entries.delete(snapshot.folder);
    this._shards.delete(snapshot.folder);
  }

  async putShards(folder: string, shards: IListingEntry[]): Promise<void> {
    this._shards.set(folder, structuredClone(shards));
  }

  async putEntries(folder: string, entries: IManifestEntry[]): Promise<void> {
    let kept = this._entries.get(folder);
    if (!kept) {
      kept = new Map();
      this._entries.set(folder, kept);
    }
    for (const entry of entries) {
      kept.set(entry.summary.id, structuredClone(entry));
    }
  }

  async delete(folder: string): Promise<void> {
    this._folders.delete(folder);
    this._entries.delete(folder);
    this._shards.delete(folder);
  }

  private _folders = new Map<string, IFolderSnapshot>();
  /** Entries put since each folder's snapshot. */
  private _entries = new Map<string, Map<string, IManifestEntry>>();
  /** Shard stamps put since each folder's snapshot. */
  private _shards = new Map<string, IListingEntry[]>();
}
