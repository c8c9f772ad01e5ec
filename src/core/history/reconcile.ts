/**
 * Merging manifest shards and reconciling them with the listing of the runs
 * folder: the pure decisions behind opening a run history.
 *
 * Opening a folder is: one listing request; the shards it names (usually
 * one, often already cached by name + lastModified + size); `mergeManifests`;
 * `reconcile`; then fetching only `missing` run files. Nothing here trusts a
 * shard over the listing: a run file the manifest forgot is fetched, a
 * summary whose file is gone is dropped.
 */
import { newestFirst, type IRunSummary } from '../run';
import { isTerminalStatus } from './guards';
import { classifyListing, type IListingEntry, type IRunFiles } from './layout';
import type { IFileStamp, IManifestEntry, IManifestShard } from './manifest';
import { jsonEqual } from '../jsonEqual';

/** Time of a stamp; unparsable times sort first. */
function stampTime(stamp: IFileStamp): number {
  const t = Date.parse(stamp.lastModified);
  return Number.isNaN(t) ? -Infinity : t;
}

/**
 * Whether entry `a` should win over `b` for the same run: the summary of the
 * later file version, then a finished run over a running one, then a fixed
 * order of the content so that the merge does not depend on shard order.
 */
export function preferEntry(a: IManifestEntry, b: IManifestEntry): boolean {
  const ta = stampTime(a.run);
  const tb = stampTime(b.run);
  if (ta !== tb) {
    return ta > tb;
  }
  const fa = isTerminalStatus(a.summary.status);
  if (fa !== isTerminalStatus(b.summary.status)) {
    return fa;
  }
  // Shards usually repeat the very same entry; only a real difference
  // needs the (slower) total order on the content.
  return !jsonEqual(a, b) && JSON.stringify(a) > JSON.stringify(b);
}

/**
 * Merge shards (or plain entry lists) into one entry per run, newest run
 * first. Commutative, associative and idempotent, like a set union: the
 * order in which shards are read never matters.
 */
export function mergeManifests(
  shards: Iterable<IManifestShard | readonly IManifestEntry[]>
): IManifestEntry[] {
  const byId = new Map<string, IManifestEntry>();
  for (const shard of shards) {
    const entries = Array.isArray(shard)
      ? (shard as readonly IManifestEntry[])
      : (shard as IManifestShard).entries;
    for (const entry of entries) {
      const current = byId.get(entry.summary.id);
      if (!current || preferEntry(entry, current)) {
        byId.set(entry.summary.id, entry);
      }
    }
  }
  return [...byId.values()].sort((a, b) => newestFirst(a.summary, b.summary));
}

/** Options of `reconcile`. */
export interface IReconcileOptions {
  /**
   * Also treat a finished run as changed when only its modification time
   * differs (default false). Finished runs are immutable, and a git
   * checkout or a copy touches every file's time without changing it, so by
   * default a finished run is refetched only when its size changes.
   */
  compareTimestamps?: boolean;
}

/** A run file to fetch, and why. */
export interface IMissingRun extends IRunFiles {
  /** `new`: no summary of it; `changed`: the summary is out of date. */
  reason: 'new' | 'changed';
}

/** What to show, what to fetch and what to forget. */
export interface IReconcileResult {
  /** Summaries that still describe their files, newest run first. */
  upToDate: IManifestEntry[];
  /** Run files to fetch (with their series file), newest first. */
  missing: IMissingRun[];
  /** Ids whose run file is gone: drop them from the view and the shard. */
  stale: string[];
  /** Manifest shards in the listing, for the adapter to read or cache. */
  shards: IListingEntry[];
}

function sameFile(
  stamp: IFileStamp | null,
  entry: IListingEntry | null,
  immutable: boolean
): boolean {
  if (!stamp || !entry) {
    return stamp === null && entry === null;
  }
  const sizeKnown = stamp.size !== null && entry.size !== null;
  if (sizeKnown && stamp.size !== entry.size) {
    return false;
  }
  return (immutable && sizeKnown) || stamp.lastModified === entry.lastModified;
}

/** Whether a summary still describes the run and series files listed. */
export function isUpToDate(
  entry: IManifestEntry,
  files: IRunFiles,
  options: IReconcileOptions = {}
): boolean {
  const immutable =
    !options.compareTimestamps && isTerminalStatus(entry.summary.status);
  // Annotations are edited in place: never trust their size alone.
  return (
    sameFile(entry.run, files.run, immutable) &&
    sameFile(entry.series, files.series, immutable) &&
    sameFile(entry.annotations ?? null, files.annotations ?? null, false)
  );
}

/**
 * Compare merged manifest entries with a listing of the runs folder. Pure
 * and linear in the size of both.
 */
export function reconcile(
  manifestEntries: Iterable<IManifestEntry>,
  listing: readonly IListingEntry[],
  options: IReconcileOptions = {}
): IReconcileResult {
  const { runs, shards } = classifyListing(listing);
  const known = new Map<string, IManifestEntry>();
  for (const entry of manifestEntries) {
    known.set(entry.summary.id, entry);
  }
  const upToDate: IManifestEntry[] = [];
  const missing: IMissingRun[] = [];
  for (const files of runs.values()) {
    const entry = known.get(files.id);
    if (!entry) {
      missing.push({ ...files, reason: 'new' });
    } else if (isUpToDate(entry, files, options)) {
      upToDate.push(entry);
    } else {
      missing.push({ ...files, reason: 'changed' });
    }
  }
  const stale = [...known.keys()].filter(id => !runs.has(id)).sort();
  upToDate.sort((a, b) => newestFirst(a.summary, b.summary));
  missing.sort(newestFirst);
  return { upToDate, missing, stale, shards };
}

/** The stamp of a listed file, to keep beside the summary made from it. */
export function stampOf(entry: IListingEntry): IFileStamp {
  return { size: entry.size, lastModified: entry.lastModified };
}

/** A manifest entry for a summary made from the files of a listing. */
export function makeEntry(
  summary: IRunSummary,
  files: IRunFiles
): IManifestEntry {
  const entry: IManifestEntry = {
    summary,
    run: stampOf(files.run),
    series: files.series ? stampOf(files.series) : null,
    // null: the listing showed none (readers need not ask for it)
    annotations: files.annotations ? stampOf(files.annotations) : null
  };
  return entry;
}

/**
 * The shards a writer may delete after writing its own shard `written`: the
 * other writers' shards whose every run is in `written` with a summary of
 * a file version at least as new, or is gone from the folder (`stale`). Deleting one that
 * another tab rewrote meanwhile loses cache entries only, which the next
 * reconcile refetches.
 */
export function planCompaction(
  read: readonly { name: string; shard: IManifestShard }[],
  written: IManifestShard,
  stale: readonly string[] = []
): string[] {
  const have = new Map(written.entries.map(e => [e.summary.id, e]));
  const gone = new Set(stale);
  return read
    .filter(({ shard }) => shard.writerId !== written.writerId)
    .filter(({ shard }) =>
      shard.entries.every(entry => {
        const mine = have.get(entry.summary.id);
        return mine
          ? stampTime(mine.run) >= stampTime(entry.run)
          : gone.has(entry.summary.id);
      })
    )
    .map(({ name }) => name)
    .sort();
}
