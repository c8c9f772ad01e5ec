/**
 * Opening a runs folder again: from memory or the browser cache, checked by
 * the folder's own time, listed only when it changed, bad files read in the
 * background and remembered (docs/RUN_FOLDER.md, "Opening a history").
 */
import { makeRun } from '../../core/__tests__/fixtures';
import { newestFirst } from '../../core/run';
import { runId } from '../../core/history/__tests__/fixtures';
import { ContentsRunStore } from '../contentsRunStore';
import { MemoryHistoryCache, type IHistoryCache } from '../historyCache';
import { ContentsFolderLister } from '../folderLister';
import { MemoryOutboxStorage } from '../outbox';
import type { IRunListing } from '../../tokens';
import { MemoryContents } from './memoryContents';

const NB = 'work/train.ipynb';
const FOLDER = 'work/train.runs';
const WRITER_1 = '01JDQ7W0000000000000000001';
const WRITER_2 = '01JDQ7W0000000000000000002';
const isRunFile = (p: string) => /\/[0-9A-Z]{26}\.json$/.test(p);
const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

/** A cache that counts its writes. */
class CountingCache extends MemoryHistoryCache {
  puts = 0;
  async put(...args: Parameters<IHistoryCache['put']>): Promise<void> {
    this.puts++;
    return super.put(...args);
  }
}

describe('ContentsRunStore reopening a folder', () => {
  let contents: MemoryContents;
  let stores: ContentsRunStore[];

  const open = (
    writerId: string,
    cache: IHistoryCache,
    options: Partial<ContentsRunStore.IOptions> = {}
  ) => {
    const store = new ContentsRunStore({
      contents: contents.asManager(),
      writerId,
      cache,
      outbox: new MemoryOutboxStorage(),
      shardDelayMs: 5,
      shardIntervalMs: 5,
      standby: 'never',
      ...options
    });
    stores.push(store);
    return store;
  };

  /** Another tab records `ids` and writes its shard. */
  async function record(ids: number[], writer = WRITER_1): Promise<void> {
    const store = open(writer, new MemoryHistoryCache());
    for (const i of ids) {
      await store.save(makeRun({ id: runId(i), notebookPath: NB }));
    }
    await store.retryNow();
    await store.flushManifests();
    store.dispose();
  }

  /** Wait for background checks, reads and debounced writes to end. */
  const settle = () => sleep(60);

  const resetCounts = () => {
    contents.reads = [];
    contents.checks = [];
    contents.requests.save = 0;
    contents.requests.delete = 0;
  };

  /**
   * Open the notebook's runs in `store` (and watch them, with `watch`),
   * then save run `i`: counted alone. The watch, to dispose of.
   */
  const openThenSave = async (
    store: ContentsRunStore,
    i: number,
    watch = false
  ) => {
    await store.list(NB, { current: true });
    const watching = watch ? store.watch(NB) : null;
    await settle();
    resetCounts();
    await store.save(makeRun({ id: runId(i), notebookPath: NB }));
    await store.retryNow();
    await sleep(100); // polls of a watched folder come and go meanwhile
    return watching;
  };

  beforeEach(() => {
    contents = new MemoryContents();
    contents.dirs.add('work');
    stores = [];
  });

  afterEach(() => stores.forEach(s => s.dispose()));

  it('should list the folder when the browser copy does not come, reading the copy once however many ask', async () => {
    await record([1, 2]);
    const cache = new MemoryHistoryCache();
    let gets = 0;
    // A read that never answers (seen in Chromium after a reload while the
    // previous page still wrote a 100,000-run copy).
    cache.get = () => {
      gets++;
      return new Promise(() => undefined);
    };
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      const store = open(WRITER_2, cache, { cacheReadTimeoutMs: 50 });
      const [a, b] = await Promise.all([store.list(NB), store.list(NB)]);
      for (const listing of [a, b]) {
        expect(listing.runs.map(r => r.id)).toEqual([runId(2), runId(1)]);
      }
      expect(gets).toBe(1);
      expect(warn).toHaveBeenCalledWith(
        expect.stringContaining(`${FOLDER} did not come within 50 ms`)
      );
    } finally {
      warn.mockRestore();
    }
  });

  it('should answer an unchanged folder from memory: one stamp check, no listing, no write', async () => {
    await record([0, 1, 2, 3, 4]);
    const cache = new CountingCache();
    const store = open(WRITER_2, cache);
    resetCounts();
    expect((await store.list(NB)).runs).toHaveLength(5);
    await settle();
    // Another writer's shard describes the folder: nothing to write back.
    expect(contents.requests.save).toBe(0);
    const putsAfterFirst = cache.puts;

    for (let visit = 0; visit < 5; visit++) {
      resetCounts();
      const listing = await store.list(NB);
      expect(listing.runs).toHaveLength(5);
      await settle();
      expect(contents.checks).toEqual([FOLDER]);
      expect(contents.reads).toEqual([]);
      expect(contents.requests.save).toBe(0);
    }
    expect(cache.puts).toBe(putsAfterFirst);
  });

  it('should sort a folder once while its runs stay: a return visit sorts nothing, a saved run goes to its place, a deleted one out', async () => {
    await record(Array.from({ length: 20 }, (_v, i) => i * 2));
    const store = open(WRITER_2, new MemoryHistoryCache());
    const ids = (n: number[]) => n.map(runId);
    expect((await store.list(NB)).runs).toHaveLength(20);
    await settle();
    // Sorts of a whole folder's runs into the order shown, counted (the
    // shard this page writes is sorted by its own rule, not counted).
    const sort = jest.spyOn(Array.prototype, 'sort');
    const folderSorts = () =>
      sort.mock.calls.filter(
        (call, i) =>
          call[0] === newestFirst &&
          (sort.mock.contexts[i] as unknown[]).length >= 20
      ).length;
    try {
      for (let visit = 0; visit < 3; visit++) {
        await store.list(NB);
      }
      expect(folderSorts()).toBe(0);
      const first = (await store.list(NB)).runs.map(r => r.id);
      await store.save(makeRun({ id: runId(7), notebookPath: NB }));
      await store.retryNow();
      await settle();
      const after = (await store.list(NB)).runs.map(r => r.id);
      expect(after).toEqual(
        ids(
          [...Array.from({ length: 20 }, (_v, i) => i * 2), 7].sort(
            (a, b) => b - a
          )
        )
      );
      expect(folderSorts()).toBe(0);
      // What an earlier visit was given is not changed under it.
      expect(first).toHaveLength(20);
      await store.trash(NB, [runId(8)]);
      expect((await store.list(NB)).runs.map(r => r.id)).not.toContain(
        runId(8)
      );
      expect((await store.list(NB)).runs).toHaveLength(20);
    } finally {
      sort.mockRestore();
    }
  });

  it('should answer after a reload from the browser cache, then check the folder the same way', async () => {
    await record([0, 1, 2]);
    const cache = new CountingCache();
    await open(WRITER_2, cache).list(NB, { current: true });
    await settle();
    const puts = cache.puts;
    resetCounts();
    // The server is slow to answer: the cached runs do not wait for it.
    const get = contents.get.bind(contents);
    let release = () => {};
    const answered = new Promise<void>(r => (release = r));
    contents.get = (path, options) => answered.then(() => get(path, options));
    const reloaded = open(WRITER_2, cache);
    const listing = await reloaded.list(NB);
    expect(listing.runs.map(r => r.id)).toEqual([2, 1, 0].map(runId));
    expect(contents.checks).toEqual([]);
    release();
    await settle();
    expect(contents.checks).toEqual([FOLDER]);
    expect(contents.reads).toEqual([]);
    expect(contents.requests.save).toBe(0);
    expect(cache.puts).toBe(puts);
  });

  it('should list a changed folder once and read only its new files', async () => {
    await record([0, 1, 2]);
    const store = open(WRITER_2, new CountingCache());
    await store.list(NB, { current: true });
    await settle();
    const other = open(WRITER_1, new MemoryHistoryCache(), {
      shardDelayMs: 60_000
    });
    await other.save(makeRun({ id: runId(7), notebookPath: NB }));
    await other.save(makeRun({ id: runId(8), notebookPath: NB }));
    await other.retryNow();
    await settle(); // the other tab's own requests after its saves
    resetCounts();
    const changes: IRunListing[] = [];
    store.listingChanged.connect((_, listing) => changes.push(listing));
    // Answered from memory at once; the revalidation brings the new runs.
    expect((await store.list(NB)).runs).toHaveLength(3);
    await settle();
    // The folder's time, once (and, after this page wrote its shard of the
    // new runs, the other tab's shard it covers, checked before deletion).
    expect(contents.checks.filter(p => !p.includes('/manifest-'))).toEqual([
      FOLDER
    ]);
    expect(contents.reads.filter(p => p === FOLDER)).toHaveLength(1);
    expect(contents.reads.filter(isRunFile).sort()).toEqual([
      `${FOLDER}/${runId(7)}.json`,
      `${FOLDER}/${runId(8)}.json`
    ]);
    const last = changes[changes.length - 1];
    expect(last.reading).toBe(0);
    expect(last.runs.map(r => r.id)).toEqual([8, 7, 2, 1, 0].map(runId));
  });

  it('should deliver valid runs before reading any corrupt file, and not read refused files again after a reload', async () => {
    const valid = Array.from({ length: 100 }, (_, i) => i);
    await record(valid);
    const corrupt = 10_000;
    for (let i = 0; i < corrupt; i++) {
      const id = runId(1000 + i);
      contents.files.set(`${FOLDER}/${id}.json`, `{"id": "${id}", "oops`);
    }
    const cache = new CountingCache();
    const store = open(WRITER_2, cache);
    let done = false;
    let pages = 0;
    store.listingChanged.connect((_, listing) => {
      pages++;
      done = listing.reading === 0;
    });
    resetCounts();
    const first = await store.list(NB);
    // The shard's runs, before a single run file was read.
    expect(first.runs).toHaveLength(100);
    expect(first.reading).toBe(corrupt);
    expect(contents.reads.filter(isRunFile)).toEqual([]);
    // The rest is read in slices: the page's timers keep running.
    let turns = 0;
    while (!done) {
      turns++;
      await sleep(0);
    }
    expect(turns).toBeGreaterThan(3);
    expect(pages).toBeGreaterThanOrEqual(1);
    const complete = await store.list(NB, { current: true });
    expect(complete.runs).toHaveLength(100);
    expect(complete.warnings).toHaveLength(corrupt);
    expect(complete.warnings[0].reason).toContain('not valid JSON');
    await settle();

    // A reload: every refusal comes back from the cache, nothing is read.
    resetCounts();
    const again = await open(WRITER_2, cache).list(NB, { current: true });
    expect(again.runs).toHaveLength(100);
    expect(again.warnings).toHaveLength(corrupt);
    expect(contents.reads).toEqual([]);
    expect(contents.checks).toEqual([FOLDER]);
  }, 60_000);

  it("should show another tab's new runs without being asked, and not check while the page is hidden", async () => {
    await record([0]);
    let hidden = false;
    const store = open(WRITER_2, new MemoryHistoryCache(), {
      pollIntervalMs: 20,
      standby: () => hidden
    });
    await store.list(NB, { current: true });
    const seen: string[][] = [];
    store.listingChanged.connect((_, l) => seen.push(l.runs.map(r => r.id)));
    const watch = store.watch(NB);
    await record([5]);
    for (let i = 0; i < 100 && !seen.some(ids => ids.includes(runId(5))); i++) {
      await sleep(10);
    }
    expect(seen[seen.length - 1]).toEqual([runId(5), runId(0)]);

    hidden = true;
    await sleep(60);
    resetCounts();
    await record([6]);
    contents.checks = [];
    await sleep(150);
    expect(contents.checks).toEqual([]);
    watch.dispose();
  });

  it('should not list a watched folder of many runs again for its own saves', async () => {
    await record([0, 1, 2]);
    const store = open(WRITER_2, new MemoryHistoryCache(), {
      pollIntervalMs: 20,
      ownWritesMinRuns: 3
    });
    await store.list(NB, { current: true });
    const watch = store.watch(NB);
    await settle();
    resetCounts();
    for (const i of [10, 11, 12]) {
      await store.save(makeRun({ id: runId(i), notebookPath: NB }));
      await store.retryNow();
      await sleep(50); // polls come and go between the saves
    }
    await store.flushManifests();
    await sleep(100);
    // Written: three run files and the shard; the folder's time moved
    // with each, and was checked, but the folder was never listed.
    expect(
      contents.list(FOLDER).filter(n => /^[0-9A-Z]{26}\.json$/.test(n))
    ).toHaveLength(6);
    expect(contents.checks.length).toBeGreaterThan(3);
    expect(contents.reads).toEqual([]);
    expect((await store.list(NB)).runs.map(r => r.id)).toEqual(
      [12, 11, 10, 2, 1, 0].map(runId)
    );
    watch.dispose();
  });

  it('should not check the time of a small folder around its own saves', async () => {
    const checksAroundSave = async (ownWritesMinRuns: number) => {
      contents = new MemoryContents();
      contents.dirs.add('work');
      await record([0, 1, 2]);
      const store = open(WRITER_2, new MemoryHistoryCache(), {
        ownWritesMinRuns,
        shardDelayMs: 60_000
      });
      await openThenSave(store, 10);
      return contents.checks.length;
    };
    // Three runs: below 4, the save alone; from 0 up, two reads more.
    expect(await checksAroundSave(0)).toBe((await checksAroundSave(4)) + 2);
  });

  it("should tell a small folder's own saves apart when its stats cost the page nothing", async () => {
    await record([0, 1, 2]);
    // A lister whose stats a worker makes (`statsInBackground`), as the
    // page's is; no `ownWritesMinRuns`: the default decides.
    const lister = new ContentsFolderLister(contents.asManager());
    const store = open(WRITER_2, new MemoryHistoryCache(), {
      pollIntervalMs: 20,
      lister: Object.assign(lister, { statsInBackground: true })
    });
    const watch = await openThenSave(store, 10, true);
    // The folder's time was read around the save, and never listed.
    expect(contents.checks.length).toBeGreaterThanOrEqual(2);
    expect(contents.reads).toEqual([]);
    expect((await store.list(NB)).runs.map(r => r.id)).toEqual(
      [10, 2, 1, 0].map(runId)
    );
    watch?.dispose();

    // Read on the main thread, the same save is followed by a listing.
    const plain = open(WRITER_2, new MemoryHistoryCache(), {
      pollIntervalMs: 20,
      lister: new ContentsFolderLister(contents.asManager())
    });
    const watching = await openThenSave(plain, 11, true);
    expect(contents.reads).toContain(FOLDER);
    watching?.dispose();
  });

  /**
   * A store whose saver writes a run's files in one batch that reads the
   * folder's time before and after (as the writer worker does, with the
   * entries changed since); `during` runs between its writes and its read
   * after.
   */
  const batchStore = (stamps: boolean, during?: () => Promise<void>) => {
    const batches: string[][] = [];
    const manager = contents.asManager();
    const saver = {
      save: manager.save.bind(manager),
      writeBatch: (_: string, files: { path: string; content: string }[]) => {
        batches.push(files.map(f => f.path));
        return (async () => {
          const before = stamps ? contents.stamp(FOLDER) : null;
          const models: Record<string, unknown>[] = [];
          for (const f of files) {
            models.push(
              (await manager.save(f.path, {
                type: 'file',
                format: 'text',
                content: f.content
              })) as never
            );
          }
          await during?.();
          const after = stamps ? contents.stamp(FOLDER) : null;
          const changed =
            before === null ? null : contents.changedSince(FOLDER, before);
          return { before, after, changed, latest: Date.now(), models };
        })();
      }
    };
    const lister = Object.assign(new ContentsFolderLister(manager), {
      statsInBackground: true,
      backgroundStatUrl: (folder: string) => `stat:${folder}`
    });
    return {
      batches,
      store: open(WRITER_2, new MemoryHistoryCache(), {
        pollIntervalMs: 60_000,
        shardDelayMs: 60_000, // the shard's own write is not the batch
        saver,
        lister
      })
    };
  };

  it("should write a run's files in one batch that reads the folder's time, and list nothing after", async () => {
    await record([0, 1, 2]);
    const { store, batches } = batchStore(true);
    await openThenSave(store, 10);
    expect(batches).toEqual([[`${FOLDER}/${runId(10)}.json`]]);
    // The page read no time of its own around the save: the batch did.
    expect(contents.checks).toEqual([]);
    // Its own change is known: a check finds the folder as it left it.
    const listing = await store.list(NB);
    await settle(); // its check, in the background
    expect(listing.runs.map(r => r.id)).toEqual([10, 2, 1, 0].map(runId));
    expect(contents.checks).toEqual([FOLDER]);
    expect(contents.reads).toEqual([]);

    // A batch that could not read the time: the folder is listed again.
    const blind = batchStore(false);
    await openThenSave(blind.store, 11);
    await blind.store.list(NB);
    await settle();
    expect(blind.batches).toHaveLength(1);
    expect(contents.reads).toContain(FOLDER);
  });

  it("should list another tab's run that landed while its own batch was writing", async () => {
    // Two tabs recording into one folder: the other tab's run file lands
    // between this page's reads of the folder's time, which then moved no
    // later than this page's own write could explain. Only the names the
    // read after gives tell it apart.
    await record([0, 1, 2]);
    let foreign = true;
    const { store } = batchStore(true, async () => {
      if (foreign) {
        foreign = false;
        await record([5]);
      }
    });
    await openThenSave(store, 10);
    const listing = await store.list(NB);
    await settle(); // its check, in the background
    expect(contents.reads).toContain(FOLDER);
    const again = await store.list(NB);
    expect(again.runs.map(r => r.id)).toEqual([10, 5, 2, 1, 0].map(runId));
    expect(listing.runs.map(r => r.id)).toContain(runId(10));

    // Its own next run alone: taken as its own, nothing listed.
    await settle();
    resetCounts();
    await store.save(makeRun({ id: runId(11), notebookPath: NB }));
    await store.retryNow();
    await sleep(100);
    await store.list(NB);
    await settle();
    expect(contents.reads).toEqual([]);
  });

  it("should still list another tab's run written just before its own save", async () => {
    await record([0]);
    const store = open(WRITER_2, new MemoryHistoryCache(), {
      pollIntervalMs: 100,
      ownWritesMinRuns: 0
    });
    await store.list(NB, { current: true });
    const watch = store.watch(NB);
    await settle();
    const seen: string[][] = [];
    store.listingChanged.connect((_, l) => seen.push(l.runs.map(r => r.id)));
    // No check between the other tab's write and this page's save.
    await record([5]);
    await store.save(makeRun({ id: runId(6), notebookPath: NB }));
    await store.retryNow();
    for (let i = 0; i < 100 && !seen.some(ids => ids.includes(runId(5))); i++) {
      await sleep(10);
    }
    expect(seen[seen.length - 1]).toEqual([6, 5, 0].map(runId));
    watch.dispose();
  });
});
