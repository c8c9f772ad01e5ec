/**
 * What `FolderIndex` knows of one runs folder, and how it is made from the
 * IndexedDB snapshot and the Contents API's directory models.
 */
import type { Contents } from '@jupyterlab/services';
import {
  isRacyStamp,
  type IListingEntry,
  type IManifestEntry
} from '../core/history';
import { JOURNAL_FOLDER } from '../core/capture/journal';
import type { IRunSummary } from '../core/run';
import type { IFolderSnapshot, IRefusedFile } from './historyCache';
import { stampKey, type IShardState } from './shardWriter';

export interface IFolderState extends IShardState {
  refused: IRefusedFile[];
  /** The folder's time at the listing `entries` reconcile with. */
  stamp: string | null;
  /** Whether `stamp` is too recent to prove nothing changed after it. */
  racy: boolean;
  exists: boolean | undefined;
  parentStamp: string | null;
  journal: boolean;
  /** Files being read in the background, and when that ends. */
  reading: number;
  readingDone: Promise<void>;
  /** Bumped by each listing: reads of an older one stop applying. */
  generation: number;
  /** No background listing before this time (epoch ms). */
  nextListingAt: number;
  /** Entries this page wrote while a listing was in flight. */
  written: Map<string, IManifestEntry> | null;
  /**
   * The entries' summaries newest first, made when first asked and kept
   * while `entries` holds the same objects (never changed in place: a
   * change makes a new array). A return visit to a 100,000-run folder
   * otherwise sorts 100,000 ids again, and each run saved sorts them all.
   */
  sorted: readonly IRunSummary[] | null;
}

export function stateOf(
  snapshot: IFolderSnapshot | undefined,
  now: number
): IFolderState {
  const entries = snapshot?.entries ?? [];
  return {
    entries: new Map(entries.map(e => [e.summary.id, e])),
    shards: snapshot?.shards ?? [],
    refused: snapshot?.refused ?? [],
    read: [],
    stale: [],
    stamp: snapshot?.stamp ?? null,
    racy: snapshot?.stamp ? isRacyStamp(snapshot.stamp, now) : false,
    exists: snapshot?.exists ?? (entries.length > 0 ? true : undefined),
    parentStamp: snapshot?.parentStamp ?? null,
    journal: snapshot?.journal ?? false,
    reading: 0,
    readingDone: Promise.resolve(),
    generation: 0,
    nextListingAt: 0,
    written: null,
    sorted: null
  };
}

/** Whether a runs folder's listing holds the kernel's journal folder. */
export function hasJournal(model: Contents.IModel): boolean {
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

export function refusedKey(entry: {
  name: string;
  size: number | null;
  lastModified: string;
}): string {
  return stampKey(entry);
}

export function sortRefused(refused: IRefusedFile[]): IRefusedFile[] {
  return refused.sort((a, b) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : 0
  );
}

export function refusedKeys(refused: IRefusedFile[]): string {
  return sortRefused([...refused])
    .map(refusedKey)
    .join('\u0001');
}
