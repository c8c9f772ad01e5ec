/**
 * The browser-side database of jupyterlab-runs (IndexedDB through `idb`):
 *
 * - `folders`: one snapshot per runs folder (merged manifest entries, the
 *   shard stamps they came from, refused files), so a warm open needs the
 *   folder listing and nothing else;
 * - `outbox`: runs recorded but not yet on the server. A run is put here
 *   before anything is sent, so a closed tab, a reload or a dead server
 *   loses nothing.
 *
 * The database is named after the server's base URL: two Jupyter servers on
 * one origin (JupyterHub users) never share it.
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { IFolderSnapshot, IHistoryCache } from './historyCache';
import type { IOutboxEntry, IOutboxStorage } from './outbox';

const DB_VERSION = 1;

interface IRunsDB extends DBSchema {
  folders: { key: string; value: IFolderSnapshot };
  outbox: { key: string; value: IOutboxEntry; indexes: { folder: string } };
}

/** Open (creating or upgrading) the database named for `baseUrl`. */
export async function openRunsDatabase(baseUrl: string): Promise<RunsDatabase> {
  const db = await openDB<IRunsDB>(`jupyterlab-runs:${baseUrl}`, DB_VERSION, {
    upgrade(db) {
      if (!db.objectStoreNames.contains('folders')) {
        db.createObjectStore('folders', { keyPath: 'folder' });
      }
      if (!db.objectStoreNames.contains('outbox')) {
        const outbox = db.createObjectStore('outbox', { keyPath: 'key' });
        outbox.createIndex('folder', 'folder');
      }
    }
  });
  return new RunsDatabase(db);
}

/** Both stores of the database, behind the interfaces the store uses. */
export class RunsDatabase {
  constructor(db: IDBPDatabase<IRunsDB>) {
    this._db = db;
    this.cache = {
      get: folder => this._db.get('folders', folder),
      put: async snapshot => {
        await this._db.put('folders', snapshot);
      },
      delete: folder => this._db.delete('folders', folder)
    };
    this.outbox = {
      all: () => this._db.getAll('outbox'),
      put: async entry => {
        await this._db.put('outbox', entry);
      },
      delete: key => this._db.delete('outbox', key)
    };
  }

  readonly cache: IHistoryCache;
  readonly outbox: IOutboxStorage;

  close(): void {
    this._db.close();
  }

  private _db: IDBPDatabase<IRunsDB>;
}
