import 'fake-indexeddb/auto';
import { openDB } from 'idb';
import { runId } from '../../core/history/__tests__/fixtures';
import type { IManifestEntry } from '../../core/history';
import { openRunsDatabase } from '../database';
import type { IFolderSnapshot } from '../historyCache';

const FOLDER = 'work/train.runs';

function entry(i: number, name = 'run'): IManifestEntry {
  return {
    summary: {
      id: runId(i),
      notebookPath: 'work/train.ipynb',
      experiment: name,
      status: 'ok',
      startedAt: '2026-12-01T00:00:00.000Z'
    },
    run: { size: 100 + i, lastModified: '2026-12-01T00:00:01.000000Z' },
    series: null
  } as IManifestEntry;
}

function snapshot(entries: IManifestEntry[]): IFolderSnapshot {
  return {
    folder: FOLDER,
    entries,
    shards: [],
    refused: [],
    stamp: '2026-12-01T00:00:02.000000Z',
    exists: true
  };
}

const ids = (s: IFolderSnapshot | undefined) =>
  s?.entries.map(e => e.summary.id).sort();

describe('RunsDatabase', () => {
  describe('#cache', () => {
    it('should give the snapshot with the entries put after it', async () => {
      const { cache } = await openRunsDatabase('/db-entries/');
      await cache.put(snapshot([entry(0), entry(1)]));
      await cache.putEntries(FOLDER, [entry(2), entry(1, 'renamed')]);
      await cache.putEntries('other.runs', [entry(3)]);
      const got = await cache.get(FOLDER);
      expect(ids(got)).toEqual([runId(0), runId(1), runId(2)]);
      expect(
        got?.entries.find(e => e.summary.id === runId(1))?.summary.experiment
      ).toBe('renamed');
      expect(got?.stamp).toBe('2026-12-01T00:00:02.000000Z');
    });

    it('should drop the entries a new snapshot of the folder covers', async () => {
      const { cache } = await openRunsDatabase('/db-replace/');
      await cache.put(snapshot([entry(0)]));
      await cache.putEntries(FOLDER, [entry(1)]);
      await cache.put(snapshot([entry(5)]));
      expect(ids(await cache.get(FOLDER))).toEqual([runId(5)]);
      await cache.delete(FOLDER);
      expect(await cache.get(FOLDER)).toBeUndefined();
    });

    it('should give the shard stamps put after the snapshot, until the next one', async () => {
      const { cache } = await openRunsDatabase('/db-shards/');
      await cache.put(snapshot([entry(0)]));
      const shard = {
        name: 'manifest-01JDQ7W0000000000000000001.json',
        size: 10,
        lastModified: '2026-12-01T00:00:03.000000Z'
      };
      await cache.putShards(FOLDER, [shard]);
      await cache.putEntries(FOLDER, [entry(1)]);
      const got = await cache.get(FOLDER);
      expect(got?.shards).toEqual([shard]);
      expect(ids(got)).toEqual([runId(0), runId(1)]);
      await cache.put(snapshot([entry(0)]));
      expect((await cache.get(FOLDER))?.shards).toEqual([]);
      await cache.putShards(FOLDER, [shard]);
      await cache.delete(FOLDER);
      await cache.put(snapshot([]));
      expect((await cache.get(FOLDER))?.shards).toEqual([]);
    });

    it('should keep the outbox of a version 1 database when upgrading', async () => {
      const name = 'jupyterlab-runs:/db-upgrade/';
      const v1 = await openDB(name, 1, {
        upgrade(db) {
          db.createObjectStore('folders', { keyPath: 'folder' });
          db.createObjectStore('outbox', { keyPath: 'key' }).createIndex(
            'folder',
            'folder'
          );
        }
      });
      await v1.put('outbox', { key: 'run:x', folder: FOLDER });
      v1.close();
      const db = await openRunsDatabase('/db-upgrade/');
      expect(await db.outbox.all()).toEqual([{ key: 'run:x', folder: FOLDER }]);
      await db.cache.put(snapshot([entry(0)]));
      await db.cache.putEntries(FOLDER, [entry(1)]);
      expect(ids(await db.cache.get(FOLDER))).toEqual([runId(0), runId(1)]);
    });
  });
});
