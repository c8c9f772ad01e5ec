import 'fake-indexeddb/auto';
import { makeRun } from '../../core/__tests__/fixtures';
import { runId } from '../../core/history/__tests__/fixtures';
import { ContentsRunStore } from '../contentsRunStore';
import { openRunsDatabase, type RunsDatabase } from '../database';
import { MemoryHistoryCache, type IHistoryCache } from '../historyCache';
import { MemoryOutboxStorage } from '../outbox';
import type { IRunStoreChange } from '../../tokens';
import { httpError, MemoryContents } from './memoryContents';

const NB = 'work/train.ipynb';
const FOLDER = 'work/train.runs';
const ID_A = '01JDQ6Z0000000000000000000';
const ID_B = '01JDQ6Z1000000000000000000';
const WRITER_1 = '01JDQ7W0000000000000000001';
const WRITER_2 = '01JDQ7W0000000000000000002';
const runFiles = (c: MemoryContents) =>
  c.list(FOLDER).filter(n => /^[0-9A-Z]{26}\.json$/.test(n));
const runReads = (c: MemoryContents) =>
  c.reads.filter(p => /\/[0-9A-Z]{26}\.json$/.test(p));

describe('ContentsRunStore', () => {
  let contents: MemoryContents;
  let cache: IHistoryCache;
  let outbox: MemoryOutboxStorage;
  let stores: ContentsRunStore[];

  const open = (
    writerId = WRITER_1,
    options: { cache?: IHistoryCache } = {}
  ) => {
    const store = new ContentsRunStore({
      contents: contents.asManager(),
      writerId,
      cache: options.cache ?? cache,
      outbox,
      shardDelayMs: 60_000,
      backoff: { initialMs: 60_000, factor: 2, maxMs: 60_000, jitter: 0 }
    });
    stores.push(store);
    return store;
  };

  /** Save and wait until the run reached the (memory) server. */
  const saveNow = async (
    store: ContentsRunStore,
    ...args: Parameters<ContentsRunStore['save']>
  ) => {
    await store.save(...args);
    await store.retryNow();
  };

  beforeEach(() => {
    contents = new MemoryContents();
    contents.dirs.add('work');
    cache = new MemoryHistoryCache();
    outbox = new MemoryOutboxStorage();
    stores = [];
  });

  afterEach(() => stores.forEach(s => s.dispose()));

  describe('#save', () => {
    it('should create the runs folder and write one JSON file per run', async () => {
      const store = open();
      await saveNow(store, makeRun({ id: ID_A, notebookPath: NB }));
      expect(contents.dirs.has(FOLDER)).toBe(true);
      const text = contents.files.get(`${FOLDER}/${ID_A}.json`);
      expect(JSON.parse(text!)).toEqual(
        makeRun({ id: ID_A, notebookPath: NB })
      );
    });

    it('should answer for a run from the moment it is handed over, before its outbox write is durable', async () => {
      // The recorder shows a run as soon as it called `save`; a compare
      // view then reads the run's series at once.
      const store = open();
      const run = makeRun({ id: ID_A, notebookPath: NB });
      const series = {
        loss: { step: [0, 1], value: [1, 0.5], time: [0, 1] }
      };
      // The outbox's write held until the reads are done.
      let release!: () => void;
      const held = new Promise<void>(resolve => (release = resolve));
      const put = outbox.put.bind(outbox);
      outbox.put = async entry => {
        await held;
        return put(entry);
      };
      let durable = false;
      const saving = store.save(run, { series }).then(() => {
        durable = true;
      });
      const [got, gotSeries] = await Promise.all([
        store.get(NB, ID_A),
        store.getSeries!(NB, ID_A)
      ]);
      expect(got).toBe(run);
      expect(gotSeries).toEqual(series);
      expect(durable).toBe(false);
      release();
      await saving;
      expect(durable).toBe(true);
      // Then from the outbox, then from the server.
      expect(await store.getSeries!(NB, ID_A)).toEqual(series);
      await store.retryNow();
      expect(await store.getSeries!(NB, ID_A)).toEqual(series);
    });

    it('should create a new runs folder once for concurrent writers', async () => {
      const store = open();
      let folderPuts = 0;
      contents.failSave = path => {
        folderPuts += path === FOLDER ? 1 : 0;
        return null;
      };
      const ensure = (
        store as unknown as { _ensureFolder(f: string): Promise<void> }
      )._ensureFolder.bind(store);
      await Promise.all([ensure(FOLDER), ensure(FOLDER), ensure(FOLDER)]);
      expect(folderPuts).toBe(1);
      expect(contents.dirs.has(FOLDER)).toBe(true);
    });

    it('should never touch the notebook file', async () => {
      contents.files.set(NB, '{"cells": []}');
      await saveNow(open(), makeRun({ id: ID_A, notebookPath: NB }));
      expect(contents.files.get(NB)).toBe('{"cells": []}');
    });

    it('should emit a summary of the run queued, then saved', async () => {
      const store = open();
      const changes: IRunStoreChange[] = [];
      store.changed.connect((_, change) => changes.push(change));
      await saveNow(store, makeRun({ id: ID_A, notebookPath: NB }));
      expect(changes).toHaveLength(2);
      expect(changes[0]).toMatchObject({
        type: 'queued',
        run: { id: ID_A, status: 'ok', pending: true }
      });
      expect(changes[1]).toMatchObject({
        type: 'saved',
        run: { id: ID_A, status: 'ok' }
      });
      expect((changes[1] as { run: object }).run).not.toHaveProperty('pending');
      expect((changes[1] as { run: object }).run).not.toHaveProperty('code');
    });

    it('should refuse an invalid run without writing anything', async () => {
      const bad = { ...makeRun({ notebookPath: NB }), status: 'weird' };
      await expect(open().save(bad as never)).rejects.toThrow(
        'Refusing to write an invalid run: /status'
      );
      expect(contents.files.size).toBe(0);
      expect(outbox.entries.size).toBe(0);
    });

    it('should recreate a runs folder deleted after the first run', async () => {
      const store = open();
      await saveNow(store, makeRun({ id: ID_A, notebookPath: NB }));
      contents.dirs.delete(FOLDER);
      contents.files.clear();
      await saveNow(store, makeRun({ id: ID_B, notebookPath: NB }));
      expect([...contents.files.keys()]).toEqual([`${FOLDER}/${ID_B}.json`]);
    });

    it('should write the series file before the run file', async () => {
      const store = open();
      const order: string[] = [];
      const save = contents.save.bind(contents);
      contents.save = async (path, options) => {
        order.push(path);
        return save(path, options);
      };
      await saveNow(store, makeRun({ id: ID_A, notebookPath: NB }), {
        series: { loss: { step: [0, 1], value: [2, NaN], time: [0, 1] } }
      });
      expect(order.filter(p => p.startsWith(`${FOLDER}/`))).toEqual([
        `${FOLDER}/${ID_A}.series.json`,
        `${FOLDER}/${ID_A}.json`
      ]);
      const listing = await store.list(NB);
      expect(listing.runs[0].metrics?.loss).toMatchObject({
        last: NaN,
        count: 2
      });
    });

    it('should keep a refused run waiting, listed, and say why', async () => {
      const store = open();
      contents.failSaves = httpError(413, 'Request Entity Too Large');
      await store.save(makeRun({ id: ID_A, notebookPath: NB }));
      await store.retryNow();
      expect(store.status).toMatchObject({
        pending: 1,
        byFolder: { [FOLDER]: 1 },
        failure: { kind: 'too-large', status: 413 }
      });
      const listing = await store.list(NB);
      expect(listing.pending).toBe(1);
      expect(listing.runs.map(r => r.id)).toEqual([ID_A]);
      contents.failSaves = null;
      await store.retryNow();
      expect(store.status.pending).toBe(0);
      expect(runFiles(contents)).toEqual([`${ID_A}.json`]);
    });

    it('should write runs left waiting by a page that was reloaded', async () => {
      contents.failSaves = new TypeError('Failed to fetch');
      const first = open();
      for (let i = 0; i < 20; i++) {
        await first.save(makeRun({ id: runId(i), notebookPath: NB }));
      }
      await first.retryNow();
      expect(first.status.pending).toBe(20);
      first.dispose();
      contents.failSaves = null;
      const second = open();
      await second.ready;
      await second.retryNow();
      expect(runFiles(contents)).toHaveLength(20);
      expect(second.status.pending).toBe(0);
    });
  });

  describe('a runs folder that went missing', () => {
    it.each([404, 500] as const)(
      'should re-create a folder deleted by hand when the server answers %i',
      async status => {
        contents.missingParent = status;
        const store = open();
        await saveNow(store, makeRun({ id: ID_A, notebookPath: NB }));
        contents.dirs.delete(FOLDER);
        contents.files.clear();
        await saveNow(store, makeRun({ id: ID_B, notebookPath: NB }), {
          series: { loss: { step: [0], value: [1], time: [0] } }
        });
        expect(store.status.pending).toBe(0);
        expect(runFiles(contents)).toEqual([`${ID_B}.json`]);
        expect(contents.list(FOLDER)).toContain(`${ID_B}.series.json`);
      }
    );

    it('should re-create every missing parent of the folder', async () => {
      contents.missingParent = 500;
      const store = open();
      await saveNow(store, makeRun({ id: ID_A, notebookPath: NB }));
      await store.writeFile(NB, `${ID_A}.artifacts/a.txt`, 'x', 'text');
      await store.retryNow();
      contents.dirs.clear();
      contents.dirs.add('');
      contents.files.clear();
      await store.writeFile(NB, `${ID_B}.artifacts/b.txt`, 'y', 'text');
      await saveNow(store, makeRun({ id: ID_B, notebookPath: NB }));
      expect(store.status.pending + store.status.pendingFiles).toBe(0);
      expect(contents.files.get(`${FOLDER}/${ID_B}.artifacts/b.txt`)).toBe('y');
      expect(runFiles(contents)).toEqual([`${ID_B}.json`]);
    });

    it('should not take every HTTP 500 for a missing folder', async () => {
      const store = open();
      await saveNow(store, makeRun({ id: ID_A, notebookPath: NB }));
      const saves: string[] = [];
      contents.failSave = path => {
        saves.push(path);
        return httpError(
          500,
          'Unexpected error while saving file: Permission denied'
        );
      };
      await saveNow(store, makeRun({ id: ID_B, notebookPath: NB }));
      expect(saves).toEqual([`${FOLDER}/${ID_B}.json`]);
      expect(store.status.failure).toMatchObject({
        kind: 'server-error',
        status: 500
      });
    });

    it('should hold runs, and write nothing, when the runs folder is a link out of the server root', async () => {
      const checked: string[] = [];
      const store = new ContentsRunStore({
        contents: contents.asManager(),
        writerId: WRITER_1,
        cache,
        outbox,
        shardDelayMs: 60_000,
        backoff: { initialMs: 60_000, factor: 2, maxMs: 60_000, jitter: 0 },
        links: {
          check: async folder => {
            checked.push(folder);
            return {
              checked: true,
              complete: true,
              links: [
                {
                  path: folder,
                  role: 'folder',
                  scope: 'root',
                  kind: 'directory'
                }
              ]
            };
          }
        }
      });
      stores.push(store);
      const before = [...contents.files.keys()];
      await saveNow(store, makeRun({ id: ID_A, notebookPath: NB }));
      await saveNow(store, makeRun({ id: ID_B, notebookPath: NB }));
      expect([...contents.files.keys()]).toEqual(before);
      expect(store.status.pending).toBe(2);
      expect(store.status.failure?.message).toContain(
        `${FOLDER} is a symbolic link to outside the server root`
      );
      // The server walked the folder once for this page.
      expect(checked).toEqual([FOLDER]);
    });

    it('should write into a runs folder linked elsewhere inside the server root', async () => {
      const store = new ContentsRunStore({
        contents: contents.asManager(),
        writerId: WRITER_1,
        cache,
        outbox,
        links: {
          check: async folder => ({
            checked: true,
            complete: true,
            links: [
              {
                path: folder,
                role: 'folder',
                scope: 'folder',
                kind: 'directory'
              }
            ]
          })
        }
      });
      stores.push(store);
      await saveNow(store, makeRun({ id: ID_A, notebookPath: NB }));
      expect(store.status.pending).toBe(0);
      expect(contents.files.has(`${FOLDER}/${ID_A}.json`)).toBe(true);
    });

    it('should re-create once, then report a repeated failure as it is', async () => {
      const store = open();
      await saveNow(store, makeRun({ id: ID_A, notebookPath: NB }));
      const saves: string[] = [];
      contents.failSave = path => {
        saves.push(path);
        return path.endsWith('.json')
          ? httpError(
              500,
              `Unexpected error while saving file: ${path} [Errno 2] No such file or directory`
            )
          : null;
      };
      await saveNow(store, makeRun({ id: ID_B, notebookPath: NB }));
      expect(saves.filter(p => p === `${FOLDER}/${ID_B}.json`)).toHaveLength(2);
      expect(store.status).toMatchObject({
        pending: 1,
        failure: { kind: 'server-error', status: 500 }
      });
    });

    it.each([404, 500] as const)(
      'should follow a rename that lands while a write is on its way (%i)',
      async status => {
        contents.missingParent = status;
        const store = open();
        await saveNow(store, makeRun({ id: ID_A, notebookPath: NB }));
        const save = contents.save.bind(contents);
        let release: () => void = () => undefined;
        const gate = new Promise<void>(resolve => (release = resolve));
        let arrived: () => void = () => undefined;
        const atGate = new Promise<void>(resolve => (arrived = resolve));
        contents.save = async (path, options) => {
          if (path === `${FOLDER}/${ID_B}.json`) {
            arrived();
            await gate;
          }
          return save(path, options);
        };
        await store.save(makeRun({ id: ID_B, notebookPath: NB }));
        const writing = store.retryNow();
        await atGate;
        // The notebook is renamed (this tab sees `fileChanged`) meanwhile.
        await store.moveRuns(NB, 'work/renamed.ipynb');
        release();
        await writing;
        await store.retryNow();
        expect(contents.dirs.has(FOLDER)).toBe(false);
        expect(
          contents.list('work/renamed.runs').filter(n => n.length === 31)
        ).toEqual([`${ID_A}.json`, `${ID_B}.json`]);
        expect(store.status.pending).toBe(0);
      }
    );

    it('should rename the folder only after a shard write on its way, and send later ones to the new name', async () => {
      // A PUT landing in a folder the server renames under it fails (500).
      const store = open();
      await saveNow(store, makeRun({ id: ID_A, notebookPath: NB }));
      const save = contents.save.bind(contents);
      const order: string[] = [];
      let release: () => void = () => undefined;
      const gate = new Promise<void>(resolve => (release = resolve));
      let arrived: () => void = () => undefined;
      const atGate = new Promise<void>(resolve => (arrived = resolve));
      contents.save = async (path, options) => {
        if (path.startsWith(`${FOLDER}/manifest-`)) {
          arrived();
          await gate;
          order.push('shard saved');
        }
        return save(path, options);
      };
      const rename = contents.rename.bind(contents);
      contents.rename = async (from, to) => {
        order.push('renamed');
        return rename(from, to);
      };
      const writing = store.flushManifests();
      await atGate;
      const moving = store.moveRuns(NB, 'work/renamed.ipynb');
      await new Promise(resolve => setTimeout(resolve, 0));
      expect(order).toEqual([]);
      release();
      await writing;
      await expect(moving).resolves.toBe(true);
      expect(order).toEqual(['shard saved', 'renamed']);
      // A shard asked for after the move is written in the new folder.
      await store.save(
        makeRun({ id: ID_B, notebookPath: 'work/renamed.ipynb' })
      );
      await store.retryNow();
      await store.flushManifests();
      expect(contents.dirs.has(FOLDER)).toBe(false);
      expect(
        contents
          .list('work/renamed.runs')
          .filter(n => n.startsWith('manifest-'))
      ).toEqual([`manifest-${WRITER_1}.json`]);
    });

    it('should write no shard into a folder while it is being renamed', async () => {
      const store = open();
      await saveNow(store, makeRun({ id: ID_A, notebookPath: NB }));
      await store.flushManifests();
      // Run B's shard write is scheduled (60 s away).
      await saveNow(store, makeRun({ id: ID_B, notebookPath: NB }));
      const rename = contents.rename.bind(contents);
      let release: () => void = () => undefined;
      const gate = new Promise<void>(resolve => (release = resolve));
      let arrived: () => void = () => undefined;
      const atGate = new Promise<void>(resolve => (arrived = resolve));
      contents.rename = async (from, to) => {
        arrived();
        await gate;
        return rename(from, to);
      };
      const saves: string[] = [];
      const save = contents.save.bind(contents);
      contents.save = async (path, options) => {
        saves.push(path);
        return save(path, options);
      };
      const moving = store.moveRuns(NB, 'work/renamed.ipynb');
      await atGate;
      // The scheduled shard write is asked for while the server renames the
      // folder (an export's flush, say).
      await store.flushManifests();
      release();
      await expect(moving).resolves.toBe(true);
      await store.flushManifests();
      expect(saves.filter(p => p.startsWith(`${FOLDER}/`))).toEqual([]);
      expect(
        contents
          .list('work/renamed.runs')
          .filter(n => n.startsWith('manifest-'))
      ).toEqual([`manifest-${WRITER_1}.json`]);
    });

    it('should not make the new folder before the old one is moved there', async () => {
      const store = open();
      await saveNow(store, makeRun({ id: ID_A, notebookPath: NB }));
      const rename = contents.rename.bind(contents);
      let release: () => void = () => undefined;
      const gate = new Promise<void>(resolve => (release = resolve));
      contents.rename = async (from, to) => {
        await gate;
        return rename(from, to);
      };
      const moving = store.moveRuns(NB, 'work/renamed.ipynb');
      await store.save(makeRun({ id: ID_B, notebookPath: NB }));
      const writing = store.retryNow();
      await new Promise(resolve => setTimeout(resolve, 0));
      release();
      await expect(moving).resolves.toBe(true);
      await writing;
      await store.retryNow();
      expect(
        contents.list('work/renamed.runs').filter(n => n.length === 31)
      ).toEqual([`${ID_A}.json`, `${ID_B}.json`]);
      expect(store.status.pending).toBe(0);
    });
  });

  describe('a folder of notebooks renamed', () => {
    it('should send waiting and later runs to the new place, not re-create the old', async () => {
      const store = open();
      await saveNow(store, makeRun({ id: ID_A, notebookPath: NB }));
      contents.failSaves = new TypeError('Failed to fetch');
      await store.save(makeRun({ id: ID_B, notebookPath: NB }));
      await store.retryNow();
      contents.failSaves = null;
      await contents.rename('work', 'moved');
      await store.noteDirectoryMoved('work', 'moved');
      expect(store.status.byFolder).toEqual({ 'moved/train.runs': 1 });
      await store.save(makeRun({ id: runId(7), notebookPath: NB }));
      await store.retryNow();
      expect(contents.dirs.has('work')).toBe(false);
      expect(
        contents.list('moved/train.runs').filter(n => n.length === 31)
      ).toEqual([`${runId(7)}.json`, `${ID_A}.json`, `${ID_B}.json`].sort());
    });
  });

  describe('notebook names', () => {
    it.each([
      'work/a\\b.ipynb',
      'work/..\\..\\evil.ipynb',
      'work/issue #12.ipynb',
      'work/what?.ipynb',
      'work/100%.ipynb',
      'work/a%2Fb%5C.ipynb',
      'work/my notebook .ipynb',
      'work/日本語 — ñ 🎉.ipynb',
      'work/10:30 run.ipynb',
      'work/a&b=c+d;e@f.ipynb'
    ])('should save and list the runs of %j', async nb => {
      const store = open();
      await saveNow(store, makeRun({ id: ID_A, notebookPath: nb }));
      expect(store.status).toMatchObject({ pending: 0, failure: null });
      const folder = nb.replace(/\.ipynb$/, '.runs');
      expect(contents.list(folder)).toContain(`${ID_A}.json`);
      const fresh = open(WRITER_2, { cache: new MemoryHistoryCache() });
      expect(
        (await fresh.list(nb, { current: true })).runs.map(r => r.id)
      ).toEqual([ID_A]);
    });

    it.each([
      ['a backslash', 'work/a\\b.ipynb', null],
      [
        'a server error',
        'work/broken.ipynb',
        httpError(500, 'Unexpected error while saving file: disk quota')
      ]
    ])(
      'should not hold other notebooks back, after a reload too, while one fails with %s',
      async (_label, broken, error) => {
        // Both wait while the server is down; the page is reloaded.
        contents.failSaves = new TypeError('Failed to fetch');
        const first = open();
        await first.save(makeRun({ id: ID_A, notebookPath: broken }));
        await first.save(makeRun({ id: ID_B, notebookPath: NB }));
        await first.retryNow();
        first.dispose();
        contents.failSaves = null;
        const folder = broken.replace(/\.ipynb$/, '.runs');
        contents.failSave = path =>
          path.startsWith(`${folder}/`) ? error : null;
        const second = open();
        await second.ready;
        await second.retryNow();
        expect(runFiles(contents)).toEqual([`${ID_B}.json`]);
        if (error) {
          expect(second.status.byFolder).toEqual({ [folder]: 1 });
          expect(second.status.failure).toMatchObject({
            kind: 'server-error',
            message: expect.stringContaining('disk quota')
          });
        } else {
          expect(second.status.pending).toBe(0);
          expect(contents.list(folder)).toContain(`${ID_A}.json`);
        }
      }
    );
  });

  describe('#writeFile', () => {
    it('should write files of the folder, in subfolders too', async () => {
      const store = open();
      await store.writeFile(
        NB,
        `${ID_A}.artifacts/model.txt`,
        'weights',
        'text'
      );
      await store.writeFile(NB, 'env-abc.json', btoa('{}'), 'base64');
      await store.retryNow();
      expect(contents.files.get(`${FOLDER}/${ID_A}.artifacts/model.txt`)).toBe(
        'weights'
      );
      expect(contents.files.get(`${FOLDER}/env-abc.json`)).toBe('{}');
    });

    it('should make no request that answers 404 for a new notebook', async () => {
      // A browser prints every 404 as a red console line (issue #15).
      const store = open();
      await saveNow(store, makeRun({ id: ID_A, notebookPath: NB }));
      await store.writeFile(NB, `${ID_A}.artifacts/a/b.txt`, 'x', 'text');
      await store.retryNow();
      expect(contents.files.get(`${FOLDER}/${ID_A}.artifacts/a/b.txt`)).toBe(
        'x'
      );
      expect(contents.notFound).toEqual([]);
    });

    it('should leave an existing runs folder untouched', async () => {
      contents.dirs.add(FOLDER);
      contents.files.set(`${FOLDER}/keep.txt`, 'k');
      const before = (await contents.get(FOLDER, { content: false }))
        .last_modified;
      const store = open();
      const ensure = (
        store as unknown as { _ensureFolder(f: string): Promise<void> }
      )._ensureFolder.bind(store);
      await ensure(FOLDER);
      expect(
        (await contents.get(FOLDER, { content: false })).last_modified
      ).toBe(before);
      expect(contents.files.get(`${FOLDER}/keep.txt`)).toBe('k');
    });

    it.each(['../escape.txt', '/etc/passwd', 'a/../../b', '%2e%2e/x', 'C:x'])(
      'should refuse %j',
      async path => {
        await expect(open().writeFile(NB, path, 'x', 'text')).rejects.toThrow(
          'Refusing to write'
        );
      }
    );
  });

  describe('#list', () => {
    it('should list nothing, and ask nothing that fails, when the notebook has no runs folder', async () => {
      const store = open();
      const failures: string[] = [];
      const get = contents.get.bind(contents);
      contents.get = (path, options) =>
        get(path, options).catch(error => {
          failures.push(path);
          throw error;
        });
      expect(await store.list(NB)).toEqual({
        notebookPath: NB,
        runs: [],
        warnings: [],
        pending: 0,
        journal: false,
        reading: 0,
        seq: 0
      });
      // Learnt from the notebook's folder, which exists.
      expect(contents.reads).toEqual(['work']);
      // Opened again (the tab selected again, a reload): the notebook's
      // folder did not change, so it is not listed again.
      contents.reads = [];
      await store.list(NB, { current: true });
      const reloaded = open(WRITER_1);
      await reloaded.list(NB, { current: true });
      expect(contents.reads).toEqual([]);
      expect(contents.checks).toEqual(['work', 'work']);
      // The first run makes the folder without asking for it first.
      await saveNow(store, makeRun({ id: ID_A, notebookPath: NB }));
      expect(failures).toEqual([]);
      expect((await store.list(NB)).runs.map(r => r.id)).toEqual([ID_A]);
    });

    it("should say when the folder holds the kernel's journal", async () => {
      const store = open();
      await saveNow(store, makeRun({ id: ID_A, notebookPath: NB }));
      expect((await store.list(NB)).journal).toBe(false);
      contents.dirs.add('work/train.runs/journal');
      expect((await store.list(NB, { current: true })).journal).toBe(true);
    });

    it('should list runs newest first', async () => {
      const store = open();
      await saveNow(store, makeRun({ id: ID_A, notebookPath: NB }));
      await saveNow(
        store,
        makeRun({ id: ID_B, notebookPath: NB, status: 'error' })
      );
      const listing = await store.list(NB);
      expect(listing.runs.map(r => [r.id, r.status])).toEqual([
        [ID_B, 'error'],
        [ID_A, 'ok']
      ]);
      expect(listing.warnings).toEqual([]);
    });

    it('should skip bad files with a reason naming them and list the rest', async () => {
      const store = open();
      await saveNow(store, makeRun({ id: ID_A, notebookPath: NB }));
      contents.files.set(`${FOLDER}/${ID_B}.json`, '{"schemaVersion": 1, "id"');
      contents.files.set(
        `${FOLDER}/01JDQ6Z2000000000000000000.json`,
        JSON.stringify(makeRun({ id: ID_A }))
      );
      contents.files.set(
        `${FOLDER}/01JDQ6Z3000000000000000000.json`,
        JSON.stringify({
          ...makeRun({ id: '01JDQ6Z3000000000000000000' }),
          schemaVersion: 7
        })
      );
      contents.files.set(`${FOLDER}/notes.txt`, 'not a run');
      const listing = await store.list(NB, { current: true });
      expect(listing.runs.map(r => r.id)).toEqual([ID_A]);
      expect(listing.warnings).toEqual([
        {
          path: `${FOLDER}/${ID_B}.json`,
          reason: expect.stringContaining('not valid JSON')
        },
        {
          path: `${FOLDER}/01JDQ6Z2000000000000000000.json`,
          reason: expect.stringContaining('not 01JDQ6Z2000000000000000000')
        },
        {
          path: `${FOLDER}/01JDQ6Z3000000000000000000.json`,
          reason: expect.stringContaining('newer')
        }
      ]);
    });

    it('should skip a file above the size cap without reading it', async () => {
      const store = open();
      const big = `${FOLDER}/${ID_B}.json`;
      await saveNow(store, makeRun({ id: ID_A, notebookPath: NB }));
      contents.files.set(big, ' '.repeat(33 * 1024 * 1024));
      const listing = await store.list(NB, { current: true });
      expect(listing.runs.map(r => r.id)).toEqual([ID_A]);
      expect(listing.warnings[0]).toEqual({
        path: big,
        reason: expect.stringContaining('above the limit')
      });
      expect(contents.reads).not.toContain(big);
    });
  });

  describe('cache and manifest', () => {
    async function record(count: number): Promise<void> {
      const store = open();
      for (let i = 0; i < count; i++) {
        await store.save(makeRun({ id: runId(i), notebookPath: NB }));
      }
      await store.retryNow();
      await store.flushManifests();
      store.dispose();
    }

    it('should open warm with one listing request and no run file read', async () => {
      await record(50);
      const store = open();
      contents.reads = [];
      const listing = await store.list(NB);
      expect(listing.runs).toHaveLength(50);
      expect(contents.reads).toEqual([FOLDER]);
    });

    it('should open cold from the manifest shard without reading run files', async () => {
      await record(50);
      const store = open(WRITER_2, { cache: new MemoryHistoryCache() });
      contents.reads = [];
      const listing = await store.list(NB);
      expect(listing.runs).toHaveLength(50);
      // Whether the folder exists comes from the notebook's folder.
      expect(contents.reads).toEqual([
        'work',
        FOLDER,
        `${FOLDER}/manifest-${WRITER_1}.json`
      ]);
    });

    it('should read each run file once when opens of a folder overlap', async () => {
      await record(30);
      const store = open(WRITER_2, { cache: new MemoryHistoryCache() });
      // No shard: a cold open reads every run file.
      contents.files.delete(`${FOLDER}/manifest-${WRITER_1}.json`);
      contents.reads = [];
      const listings = await Promise.all([
        store.list(NB, { current: true }),
        store.list(NB, { current: true }),
        store.list(NB, { current: true })
      ]);
      expect(listings.map(l => l.runs.length)).toEqual([30, 30, 30]);
      expect(runReads(contents)).toHaveLength(30);
      // The in-flight open; the late callers' check finds it unchanged.
      expect(contents.reads.filter(p => p === FOLDER)).toHaveLength(1);
    });

    it('should see a run written while an open was in flight', async () => {
      await record(3);
      const store = open(WRITER_2, { cache: new MemoryHistoryCache() });
      const first = store.list(NB);
      const writer = open(WRITER_1);
      await saveNow(writer, makeRun({ id: runId(9), notebookPath: NB }));
      const second = await store.list(NB, { current: true });
      expect((await first).runs.length).toBeGreaterThanOrEqual(3);
      expect(second.runs.map(r => r.id)).toContain(runId(9));
    });

    it("should copy the entries saved to the cache with the shard's stamp, in one transaction, never the folder", async () => {
      // A copy of the folder holds every entry: one per save would make
      // every save cost time in proportion to the folder's size; and a
      // transaction per save cost the page's main thread with every run.
      const puts: number[] = [];
      /** The cache's writes in order: `entries:<n>` and `shards`. */
      const log: string[] = [];
      const entries: string[] = [];
      const memory = new MemoryHistoryCache();
      cache = {
        get: folder => memory.get(folder),
        put: snapshot => {
          puts.push(snapshot.entries.length);
          return memory.put(snapshot);
        },
        putEntries: (folder, saved) => {
          log.push(`entries:${saved.length}`);
          entries.push(...saved.map(e => e.summary.id));
          return memory.putEntries(folder, saved);
        },
        putShards: (folder, shards) => {
          log.push('shards');
          return memory.putShards(folder, shards);
        },
        delete: folder => memory.delete(folder)
      };
      const store = open();
      // The folder exists (a first run made it): saves add entries.
      await saveNow(store, makeRun({ id: runId(100), notebookPath: NB }));
      await store.flushManifests();
      await store.list(NB, { current: true });
      const before = puts.length;
      log.length = 0;
      for (let i = 0; i < 40; i++) {
        await saveNow(store, makeRun({ id: runId(i), notebookPath: NB }));
      }
      // Saved, the shard not yet written: nothing copied yet.
      expect(log).toEqual([]);
      await store.flushManifests();
      expect(puts.slice(before)).toEqual([]);
      // The shard, once written, adds the waiting entries and its stamp.
      expect(log).toEqual(['entries:40', 'shards']);
      expect(entries).toEqual(Array.from({ length: 40 }, (_v, i) => runId(i)));
      // The copy is complete: a reload opens warm with every run.
      store.dispose();
      const again = open();
      contents.reads = [];
      expect((await again.list(NB)).runs).toHaveLength(41);
      // At most the folder's own check: no run file read.
      expect(contents.reads.filter(p => p !== FOLDER)).toEqual([]);
    });

    it('should copy the entries waiting when the page is hidden', async () => {
      const log: string[] = [];
      const memory = new MemoryHistoryCache();
      cache = {
        get: folder => memory.get(folder),
        put: snapshot => memory.put(snapshot),
        putEntries: (folder, saved) => {
          log.push(...saved.map(e => e.summary.id));
          return memory.putEntries(folder, saved);
        },
        putShards: (folder, shards) => memory.putShards(folder, shards),
        delete: folder => memory.delete(folder)
      };
      const store = open();
      await saveNow(store, makeRun({ id: runId(100), notebookPath: NB }));
      await store.flushManifests();
      await store.list(NB, { current: true });
      await saveNow(store, makeRun({ id: runId(1), notebookPath: NB }));
      expect(log).toEqual([]);
      // Another tab selected, or this one closed: the browser may end the
      // page before the shard is due.
      const visibility = jest
        .spyOn(document, 'visibilityState', 'get')
        .mockReturnValue('hidden');
      try {
        document.dispatchEvent(new Event('visibilitychange'));
        await Promise.resolve();
        expect(log).toEqual([runId(1)]);
      } finally {
        visibility.mockRestore();
      }
      store.dispose();
    });

    it('should reopen warm from a snapshot and the entries saved after it', async () => {
      const store = open();
      await saveNow(store, makeRun({ id: runId(100), notebookPath: NB }));
      await store.flushManifests();
      await store.list(NB, { current: true });
      // Saved after the last copy of the folder, closed before the next.
      for (let i = 0; i < 5; i++) {
        await saveNow(store, makeRun({ id: runId(i), notebookPath: NB }));
      }
      store.dispose();
      const again = open();
      contents.reads = [];
      const listing = await again.list(NB);
      expect(listing.runs.map(r => r.id).sort()).toEqual(
        [runId(100), ...Array.from({ length: 5 }, (_v, i) => runId(i))].sort()
      );
      // From the cache: no run file read.
      expect(contents.reads.filter(p => p.endsWith('.json'))).toEqual([]);
    });

    it('should rewrite its shard at most once per interval while runs keep coming', async () => {
      // Runs a little apart never let a debounce fire only once: without
      // the interval, every run would rewrite a shard of the whole folder.
      const writes: string[] = [];
      contents.failSave = path => {
        if (path.includes('/manifest-')) {
          writes.push(path);
        }
        return null;
      };
      const store = new ContentsRunStore({
        contents: contents.asManager(),
        writerId: WRITER_1,
        cache,
        outbox,
        shardDelayMs: 5,
        shardIntervalMs: 400
      });
      stores.push(store);
      const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));
      for (let i = 0; i < 8; i++) {
        await saveNow(store, makeRun({ id: runId(i), notebookPath: NB }));
        await sleep(50);
      }
      expect(writes.length).toBeGreaterThanOrEqual(1);
      expect(writes.length).toBeLessThanOrEqual(2);
      await store.flushManifests();
      const shard = JSON.parse(
        contents.files.get(`${FOLDER}/manifest-${WRITER_1}.json`)!
      );
      expect(JSON.stringify(shard)).toContain(runId(7));
    });

    it('should open warm from IndexedDB after a reload', async () => {
      const db: RunsDatabase = await openRunsDatabase('/test-warm/');
      cache = db.cache;
      await record(30);
      const store = open(WRITER_2, {
        cache: (await openRunsDatabase('/test-warm/')).cache
      });
      contents.reads = [];
      expect((await store.list(NB)).runs).toHaveLength(30);
      expect(contents.reads).toEqual([FOLDER]);
      db.close();
    });

    it('should repair: fetch runs added elsewhere, drop runs deleted by hand', async () => {
      await record(5);
      contents.files.delete(`${FOLDER}/${runId(0)}.json`);
      contents.files.set(
        `${FOLDER}/${runId(9)}.json`,
        JSON.stringify(makeRun({ id: runId(9), notebookPath: NB }))
      );
      const store = open();
      contents.reads = [];
      const listing = await store.list(NB, { current: true });
      expect(listing.runs.map(r => r.id)).toEqual(
        [9, 4, 3, 2, 1].map(i => runId(i))
      );
      expect(runReads(contents)).toEqual([`${FOLDER}/${runId(9)}.json`]);
    });

    it('should refetch a run file whose size changed', async () => {
      await record(3);
      const path = `${FOLDER}/${runId(1)}.json`;
      contents.files.set(
        path,
        JSON.stringify(
          makeRun({ id: runId(1), notebookPath: NB, experiment: 'edited' })
        )
      );
      const store = open();
      contents.reads = [];
      const listing = await store.list(NB, { current: true });
      expect(listing.runs.find(r => r.id === runId(1))?.experiment).toBe(
        'edited'
      );
      expect(runReads(contents)).toEqual([path]);
    });

    it('should not refetch a refused file until it changes', async () => {
      await record(1);
      contents.files.set(`${FOLDER}/${ID_B}.json`, 'garbage');
      const store = open();
      expect((await store.list(NB, { current: true })).warnings).toHaveLength(
        1
      );
      contents.reads = [];
      const again = await store.list(NB, { current: true });
      expect(again.warnings).toEqual([
        {
          path: `${FOLDER}/${ID_B}.json`,
          reason: expect.stringContaining('JSON')
        }
      ]);
      expect(runReads(contents)).toEqual([]);
    });
  });

  describe('several writers', () => {
    it('should lose nothing when two writers interleave saves and shards', async () => {
      const one = open(WRITER_1, { cache: new MemoryHistoryCache() });
      const two = open(WRITER_2, { cache: new MemoryHistoryCache() });
      for (let i = 0; i < 40; i++) {
        await (i % 2 ? one : two).save(
          makeRun({ id: runId(i), notebookPath: NB })
        );
        if (i % 7 === 0) {
          await Promise.all([one.retryNow(), two.retryNow()]);
          await Promise.all([one.flushManifests(), two.flushManifests()]);
          await Promise.all([one.list(NB), two.list(NB)]);
        }
      }
      await Promise.all([one.retryNow(), two.retryNow()]);
      await Promise.all([one.flushManifests(), two.flushManifests()]);
      const fresh = open('01JDQ7W0000000000000000003', {
        cache: new MemoryHistoryCache()
      });
      contents.reads = [];
      const listing = await fresh.list(NB);
      expect(listing.runs).toHaveLength(40);
      expect(runReads(contents)).toEqual([]);
    });

    it('should compact shards another writer fully covers', async () => {
      const one = open(WRITER_1, { cache: new MemoryHistoryCache() });
      await saveNow(one, makeRun({ id: ID_A, notebookPath: NB }));
      await one.flushManifests();
      const two = open(WRITER_2, { cache: new MemoryHistoryCache() });
      await saveNow(two, makeRun({ id: ID_B, notebookPath: NB }));
      await two.list(NB);
      await two.flushManifests();
      expect(
        contents.list(FOLDER).filter(n => n.startsWith('manifest-'))
      ).toEqual([`manifest-${WRITER_2}.json`]);
    });

    it('should compact a shard read by an earlier listing when the last one read none', async () => {
      // The first visit lists twice when the folder's time is racy: the
      // second listing knows the shard and reads nothing.
      const one = open(WRITER_1, { cache: new MemoryHistoryCache() });
      await saveNow(one, makeRun({ id: ID_A, notebookPath: NB }));
      await one.flushManifests();
      const two = open(WRITER_2, { cache: new MemoryHistoryCache() });
      await two.list(NB);
      await two.list(NB, { reload: true });
      await saveNow(two, makeRun({ id: ID_B, notebookPath: NB }));
      await two.flushManifests();
      expect(
        contents.list(FOLDER).filter(n => n.startsWith('manifest-'))
      ).toEqual([`manifest-${WRITER_2}.json`]);
    });
  });

  describe('#moveRuns', () => {
    it('should move the runs folder with the notebook, files unchanged', async () => {
      const store = open();
      await saveNow(store, makeRun({ id: ID_A, notebookPath: NB }));
      await store.writeFile(NB, `${ID_A}.artifacts/a.txt`, 'x', 'text');
      await store.retryNow();
      const before = contents.files.get(`${FOLDER}/${ID_A}.json`);
      const changes: IRunStoreChange[] = [];
      store.changed.connect((_, c) => changes.push(c));
      expect(
        await store.moveRuns(NB, 'moved/renamed.ipynb').catch(e => e)
      ).toBeInstanceOf(Error);
      contents.dirs.add('moved');
      contents.notFound.length = 0;
      expect(await store.moveRuns(NB, 'moved/renamed.ipynb')).toBe(true);
      // Existence learnt from listings: no request that answered 404.
      expect(contents.notFound).toEqual([]);
      expect(contents.dirs.has(FOLDER)).toBe(false);
      expect(contents.files.get(`moved/renamed.runs/${ID_A}.json`)).toBe(
        before
      );
      expect(
        contents.files.get(`moved/renamed.runs/${ID_A}.artifacts/a.txt`)
      ).toBe('x');
      expect(
        (await store.list('moved/renamed.ipynb')).runs.map(r => r.id)
      ).toEqual([ID_A]);
      // A page still showing the old name (renamed by another client) lists
      // them where they went.
      expect(store.resolvePath(NB)).toBe('moved/renamed.ipynb');
      expect((await store.list(NB)).runs.map(r => r.id)).toEqual([ID_A]);
      expect(changes).toContainEqual({
        type: 'moved',
        notebookPath: 'moved/renamed.ipynb',
        oldNotebookPath: NB
      });
    });

    it('should send runs still waiting, and later ones, to the new folder', async () => {
      const store = open();
      await saveNow(store, makeRun({ id: ID_A, notebookPath: NB }));
      contents.failSaves = new TypeError('Failed to fetch');
      await store.save(makeRun({ id: ID_B, notebookPath: NB }));
      await store.retryNow();
      contents.failSaves = null;
      await store.moveRuns(NB, 'work/renamed.ipynb');
      await store.save(makeRun({ id: runId(7), notebookPath: NB }));
      await store.retryNow();
      expect(
        contents.list('work/renamed.runs').filter(n => n.length === 31)
      ).toEqual([`${runId(7)}.json`, `${ID_A}.json`, `${ID_B}.json`].sort());
      expect(contents.dirs.has(FOLDER)).toBe(false);
    });

    it('should move once when the same rename arrives twice at once', async () => {
      // The file browser's signal and the server's event, for one rename.
      const store = open();
      await saveNow(store, makeRun({ id: ID_A, notebookPath: NB }));
      const renames = contents.requests.rename;
      const moved = await Promise.all([
        store.moveRuns(NB, 'work/renamed.ipynb'),
        store.moveRuns(NB, 'work/renamed.ipynb')
      ]);
      expect(moved).toEqual([true, false]);
      expect(contents.requests.rename - renames).toBe(1);
      expect(contents.files.has(`work/renamed.runs/${ID_A}.json`)).toBe(true);
    });

    it('should refuse to overwrite an existing runs folder', async () => {
      const store = open();
      await saveNow(store, makeRun({ id: ID_A, notebookPath: NB }));
      contents.dirs.add('work/other.runs');
      await expect(store.moveRuns(NB, 'work/other.ipynb')).rejects.toThrow(
        'already exists'
      );
      expect(runFiles(contents)).toEqual([`${ID_A}.json`]);
    });

    it('should do nothing for a notebook without runs', async () => {
      expect(await open().moveRuns(NB, 'work/x.ipynb')).toBe(false);
    });
  });

  describe('#annotate', () => {
    it('should keep name, star, note and tags beside the immutable run file', async () => {
      const store = open();
      await saveNow(store, makeRun({ id: ID_A, notebookPath: NB }));
      const runText = contents.files.get(`${FOLDER}/${ID_A}.json`);
      await store.annotate(NB, ID_A, { name: 'best so far', starred: true });
      await store.annotate(NB, ID_A, {
        note: 'lr too high?',
        tags: { keep: '' }
      });
      expect(await store.getAnnotation(NB, ID_A)).toEqual({
        name: 'best so far',
        starred: true,
        note: 'lr too high?',
        tags: { keep: '' }
      });
      expect(contents.files.get(`${FOLDER}/${ID_A}.json`)).toBe(runText);
      // The first annotation of a run asked for no file that was not there.
      expect(contents.notFound).toEqual([]);
      const [summary] = (await store.list(NB)).runs;
      expect(summary).toMatchObject({
        name: 'best so far',
        starred: true,
        tags: { keep: '' }
      });
    });

    it('should show annotations made by another writer on the next open', async () => {
      const one = open(WRITER_1);
      await saveNow(one, makeRun({ id: ID_A, notebookPath: NB }));
      expect((await one.list(NB)).runs[0].name).toBeUndefined();
      const two = open(WRITER_2, { cache: new MemoryHistoryCache() });
      await two.annotate(NB, ID_A, { name: 'from two', starred: true });
      const [summary] = (await one.list(NB, { current: true })).runs;
      expect(summary).toMatchObject({ name: 'from two', starred: true });
      await one.annotate(NB, ID_A, { starred: false, name: '' });
      const [cleared] = (await two.list(NB, { current: true })).runs;
      expect(cleared.name).toBeUndefined();
      expect(cleared.starred).toBeUndefined();
    });

    it('should not ask for a series or an annotation file the listing did not show', async () => {
      const store = open();
      await saveNow(store, makeRun({ id: ID_A, notebookPath: NB }));
      await store.list(NB, { current: true });
      const asked: string[] = [];
      const get = contents.get.bind(contents);
      contents.get = (path, options) => {
        asked.push(path);
        return get(path, options);
      };
      expect(await store.getSeries!(NB, ID_A)).toBeNull();
      expect(await store.getAnnotation(NB, ID_A)).toEqual({});
      expect(asked).toEqual([]);
      // Once annotated, the annotation is read again.
      await store.annotate(NB, ID_A, { name: 'kept' });
      expect(await store.getAnnotation(NB, ID_A)).toEqual({ name: 'kept' });
    });

    it('should refuse invalid annotations and run ids', async () => {
      const store = open();
      await saveNow(store, makeRun({ id: ID_A, notebookPath: NB }));
      await expect(
        store.annotate(NB, ID_A, { starred: 'yes' as never })
      ).rejects.toThrow('Invalid annotation');
      await expect(store.annotate(NB, '../x', { name: 'a' })).rejects.toThrow(
        'Invalid run id'
      );
    });
  });

  describe('trash', () => {
    it('should move every file of a run to the trash, restore and empty it', async () => {
      const store = open();
      // Emptying the trash deletes the artifacts a run file records.
      const artifact = {
        name: 'm.bin',
        kind: 'artifact' as const,
        path: `${ID_A}.artifacts/m.bin`,
        size: 1,
        sha256: '0'.repeat(64),
        stored: true
      };
      await saveNow(
        store,
        makeRun({ id: ID_A, notebookPath: NB, artifacts: [artifact] }),
        { series: { loss: { step: [0], value: [1], time: [0] } } }
      );
      await saveNow(store, makeRun({ id: ID_B, notebookPath: NB }));
      await store.annotate(NB, ID_A, { note: 'n' });
      await store.writeFile(NB, `${ID_A}.artifacts/m.bin`, 'x', 'text');
      await store.retryNow();

      await store.trash(NB, [ID_A]);
      expect((await store.list(NB)).runs.map(r => r.id)).toEqual([ID_B]);
      const trashed = await store.listTrash(NB);
      expect(trashed).toEqual([
        {
          id: ID_A,
          files: [
            `${ID_A}.annotations.json`,
            `${ID_A}.artifacts`,
            `${ID_A}.json`,
            `${ID_A}.series.json`
          ],
          summary: expect.objectContaining({ id: ID_A })
        }
      ]);

      await store.restore(NB, [ID_A]);
      expect(
        (await store.list(NB, { current: true })).runs.map(r => r.id)
      ).toEqual([ID_B, ID_A]);
      expect(await store.getAnnotation(NB, ID_A)).toEqual({ note: 'n' });

      await store.trash(NB, [ID_A, ID_B]);
      expect((await store.emptyTrash(NB)).runs).toBe(2);
      expect((await store.list(NB)).runs).toEqual([]);
      expect(await store.listTrash(NB)).toEqual([]);
      expect([...contents.files.keys()].filter(p => p.includes(ID_A))).toEqual(
        []
      );
    });
  });

  describe('#get', () => {
    it('should read a full run back, even while it waits', async () => {
      const store = open();
      const run = makeRun({ id: ID_A, notebookPath: NB });
      contents.failSaves = httpError(503);
      await store.save(run);
      expect(await store.get(NB, ID_A)).toEqual(run);
      contents.failSaves = null;
      await store.retryNow();
      expect(await store.get(NB, ID_A)).toEqual(run);
    });

    it('should refuse a run id that is not a ULID', async () => {
      await expect(open().get(NB, '../../secret')).rejects.toThrow(
        'Invalid run id'
      );
    });
  });
});
