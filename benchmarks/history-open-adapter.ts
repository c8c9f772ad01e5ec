/**
 * Opening a run history through the real adapter code: `ContentsRunStore`
 * (FolderIndex + IndexedDB cache through idb, on fake-indexeddb) over an
 * in-memory Contents API holding N run files and one manifest shard.
 *
 *   npx tsx benchmarks/history-open-adapter.ts
 *   (also run at the end of benchmarks/history-open.ts)
 *
 * - cold: empty IndexedDB; one listing, the shard fetched, parsed, merged,
 *   reconciled with the listing, and the cache written;
 * - reload: a new store (a page reload) on the same IndexedDB, unchanged
 *   folder: the runs come from the snapshot; the folder's time is checked
 *   in the background (no listing);
 * - return: the same store asked again (the notebook's tab selected again):
 *   answered from memory, the folder's time checked in the background.
 * No run file is read in any case, and neither the reload nor the return
 * visit lists the folder (counted and printed). Times are `store.list()`
 * wall-clock medians (until the runs are answered). Prints numbers,
 * asserts nothing.
 */
import 'fake-indexeddb/auto';
import {
  makeShard,
  manifestShardName,
  serializeShard,
  type IManifestEntry
} from '../src/core/history';
import type { IRunSummary } from '../src/core/run';
import { MemoryContents } from '../src/storage/__tests__/memoryContents';
import { ContentsRunStore } from '../src/storage/contentsRunStore';
import { openRunsDatabase } from '../src/storage/database';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const NB = 'experiments/train.ipynb';
const FOLDER = 'experiments/train.runs';
const WRITER = '01JDQ7W0000000000000000001';
const STAMP = '2026-11-28T00:00:00.000Z';

function ulid(time: number, n: number): string {
  let head = '';
  for (let t = time, k = 0; k < 10; k++, t = Math.floor(t / 32)) {
    head = CROCKFORD[t % 32] + head;
  }
  let tail = '';
  for (let r = n, k = 0; k < 16; k++, r = Math.floor(r / 32)) {
    tail = CROCKFORD[r % 32] + tail;
  }
  return head + tail;
}

function folderOf(count: number): MemoryContents {
  const contents = new MemoryContents();
  contents.dirs.add('experiments');
  contents.dirs.add(FOLDER);
  const entries: IManifestEntry[] = [];
  for (let i = 0; i < count; i++) {
    const started = Date.UTC(2026, 0, 1) + i * 60_000;
    const id = ulid(started, i);
    const text = `{"schemaVersion":1,"id":"${id}","pad":"${'x'.repeat(1800 + (i % 500))}"}`;
    contents.files.set(`${FOLDER}/${id}.json`, text);
    const summary: IRunSummary = {
      id,
      notebookPath: NB,
      experiment: `exp-${i % 7}`,
      status: i % 50 === 0 ? 'error' : 'ok',
      startedAt: new Date(started).toISOString(),
      endedAt: new Date(started + 30_000).toISOString(),
      durationMs: 30_000,
      executionCount: i + 1,
      params: {
        lr: 0.001 * (1 + (i % 10)),
        batch: 32 << (i % 3),
        model: 'resnet'
      },
      metrics: {
        loss: {
          last: 0.1 + (i % 13) / 100,
          min: 0.09,
          max: 2.3,
          count: 100,
          lastStep: 99
        },
        acc: { last: 0.9, min: 0.1, max: 0.93, count: 100, lastStep: 99 }
      },
      tags: { owner: 'alice', dataset: `v${i % 3}` }
    };
    entries.push({
      summary,
      run: { size: new TextEncoder().encode(text).length, lastModified: STAMP },
      series: null
    });
  }
  contents.files.set(
    `${FOLDER}/${manifestShardName(WRITER)}`,
    serializeShard(makeShard(WRITER, entries))
  );
  return contents;
}

function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function openOnce(
  contents: MemoryContents,
  dbName: string
): Promise<{
  ms: number;
  returnMs: number;
  runs: number;
  runReads: number;
  listings: number;
}> {
  const db = await openRunsDatabase(dbName);
  const store = new ContentsRunStore({
    contents: contents.asManager(),
    writerId: WRITER,
    cache: db.cache,
    outbox: db.outbox,
    shardDelayMs: 3_600_000
  });
  await store.ready;
  contents.reads = [];
  const start = performance.now();
  const listing = await store.list(NB);
  const ms = performance.now() - start;
  await store.list(NB, { current: true }); // let the background work end
  const listingsBefore = contents.reads.filter(p => p === FOLDER).length;
  const again = performance.now();
  await store.list(NB);
  const returnMs = performance.now() - again;
  await store.list(NB, { current: true });
  const returnListings =
    contents.reads.filter(p => p === FOLDER).length - listingsBefore;
  const runReads = contents.reads.filter(p =>
    /\/[0-9A-Z]{26}\.json$/.test(p)
  ).length;
  store.dispose();
  db.close();
  return {
    ms,
    returnMs,
    runs: listing.runs.length,
    runReads,
    // Listings made by a reload (warm) or a return visit.
    listings: listingsBefore + returnListings
  };
}

export async function benchmarkAdapterOpen(samples = 5): Promise<void> {
  console.log(
    '\nOpen through ContentsRunStore + IndexedDB (fake-indexeddb), in-memory Contents API:'
  );
  for (const count of [1_000, 10_000]) {
    const contents = folderOf(count);
    const cold: number[] = [];
    const warm: number[] = [];
    const back: number[] = [];
    let checked = '';
    for (let s = 0; s < samples; s++) {
      const name = `/bench-${count}-${s}/`;
      const c = await openOnce(contents, name); // empty database: cold
      const w = await openOnce(contents, name); // same database: warm
      cold.push(c.ms);
      warm.push(w.ms);
      back.push(w.returnMs);
      checked = `${c.runs}/${w.runs} runs listed, ${c.runReads + w.runReads} run files read, ${w.listings} listings on reload + return`;
    }
    console.log(
      `${String(count).padStart(6)} runs  cold ${median(cold).toFixed(0).padStart(5)} ms  reload ${median(warm).toFixed(0).padStart(5)} ms  return ${median(back).toFixed(1).padStart(6)} ms  (medians of ${samples}; ${checked})`
    );
  }
}

if (require.main === module) {
  void benchmarkAdapterOpen();
}
