/**
 * The browser-side database of jupyterlab-runs (IndexedDB through `idb`):
 *
 * - `folders`: one snapshot per runs folder (merged manifest entries, the
 *   shard stamps they came from, refused files), so a warm open needs the
 *   folder listing and nothing else;
 * - `entries`: entries of runs this page saved since its folder's snapshot,
 *   one record each (key: folder and run id), so that a save does not copy
 *   the whole folder; a new snapshot of the folder clears them;
 * - `shards`: the shard stamps of a folder after this page wrote its shard
 *   since the folder's snapshot (one record per folder), for the same
 *   reason; a new snapshot clears it;
 * - `outbox`: runs recorded but not yet on the server. A run is put here
 *   before anything is sent, so a closed tab, a reload or a dead server
 *   loses nothing.
 *
 * The database is named after the server's base URL: two Jupyter servers on
 * one origin (JupyterHub users) never share it.
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { IListingEntry, IManifestEntry } from '../core/history';
import {
  withEntries,
  type IFolderSnapshot,
  type IHistoryCache
} from './historyCache';
import type { IOutboxEntry, IOutboxStorage } from './outbox';

const DB_VERSION = 3;

/** One entry of a folder saved after its snapshot. */
interface ISavedEntry {
  folder: string;
  id: string;
  entry: IManifestEntry;
}

interface IRunsDB extends DBSchema {
  folders: { key: string; value: IFolderSnapshot };
  entries: { key: [string, string]; value: ISavedEntry };
  shards: { key: string; value: { folder: string; shards: IListingEntry[] } };
  outbox: { key: string; value: IOutboxEntry; indexes: { folder: string } };
}

/** Open (creating or upgrading) the database named for `baseUrl`. */
export async function openRunsDatabase(baseUrl: string): Promise<RunsDatabase> {
  const name = `jupyterlab-runs:${baseUrl}`;
  const db = await openDB<IRunsDB>(name, DB_VERSION, {
    upgrade(db) {
      if (!db.objectStoreNames.contains('folders')) {
        db.createObjectStore('folders', { keyPath: 'folder' });
      }
      if (!db.objectStoreNames.contains('outbox')) {
        const outbox = db.createObjectStore('outbox', { keyPath: 'key' });
        outbox.createIndex('folder', 'folder');
      }
      if (!db.objectStoreNames.contains('entries')) {
        db.createObjectStore('entries', { keyPath: ['folder', 'id'] });
      }
      if (!db.objectStoreNames.contains('shards')) {
        db.createObjectStore('shards', { keyPath: 'folder' });
      }
    }
  });
  return new RunsDatabase(db, name);
}

/** Both stores of the database, behind the interfaces the store uses. */
export class RunsDatabase {
  constructor(db: IDBPDatabase<IRunsDB>, name = db.name) {
    this._db = db;
    this.name = name;
    // Every method opens its transaction when called, over both stores
    // where it touches both: IndexedDB runs overlapping read-write
    // transactions in that order, so a snapshot and the entries put after
    // it are applied in the order the page made them.
    const range = (folder: string) =>
      IDBKeyRange.bound([folder, ''], [folder, '\uffff']);
    this.cache = {
      get: async folder => {
        const tx = this._db.transaction(['folders', 'entries', 'shards']);
        const [snapshot, saved, shards] = await Promise.all([
          tx.objectStore('folders').get(folder),
          tx.objectStore('entries').getAll(range(folder)),
          tx.objectStore('shards').get(folder),
          tx.done
        ]);
        return withEntries(
          snapshot,
          saved.map(s => s.entry),
          shards?.shards
        );
      },
      put: async snapshot => {
        const tx = this._db.transaction(
          ['folders', 'entries', 'shards'],
          'readwrite'
        );
        await Promise.all([
          tx.objectStore('folders').put(snapshot),
          tx.objectStore('entries').delete(range(snapshot.folder)),
          tx.objectStore('shards').delete(snapshot.folder),
          tx.done
        ]);
      },
      putEntries: async (folder, entries) => {
        const tx = this._db.transaction('entries', 'readwrite');
        await Promise.all([
          ...entries.map(entry =>
            tx.store.put({ folder, id: entry.summary.id, entry })
          ),
          tx.done
        ]);
      },
      putShards: async (folder, shards) => {
        await this._db.put('shards', { folder, shards });
      },
      delete: async folder => {
        const tx = this._db.transaction(
          ['folders', 'entries', 'shards'],
          'readwrite'
        );
        await Promise.all([
          tx.objectStore('folders').delete(folder),
          tx.objectStore('entries').delete(range(folder)),
          tx.objectStore('shards').delete(folder),
          tx.done
        ]);
      }
    };
    this.outbox = {
      all: () => this._db.getAll('outbox'),
      put: async entry => {
        await this._db.put('outbox', entry);
      },
      delete: key => this._db.delete('outbox', key)
    };
  }

  /** The database's name (the writer worker opens it by name). */
  readonly name: string;
  readonly cache: IHistoryCache;
  readonly outbox: IOutboxStorage;

  close(): void {
    this._db.close();
  }

  private _db: IDBPDatabase<IRunsDB>;
}
