/**
 * Several writers (tabs, users, a git pull) sharing one runs folder, stepped
 * one request at a time in a seeded random interleaving. Whatever the
 * interleaving, no run is ever lost from the history: the manifest is a
 * cache that reconcile repairs, and the run files are the truth.
 *
 * `open` below is also a sketch of what the Contents API adapter does.
 */
import type { IRunRecord } from '../../run';
import { classifyName, manifestShardName, type IListingEntry } from '../layout';
import { loadRunFile } from '../load';
import {
  makeShard,
  parseManifestShard,
  serializeShard,
  type IManifestEntry,
  type IManifestShard
} from '../manifest';
import {
  makeEntry,
  mergeManifests,
  planCompaction,
  reconcile
} from '../reconcile';
import { summarizeRun } from '../summary';
import { makeRun, mulberry32, runId } from './fixtures';

class Folder {
  files = new Map<
    string,
    { text: string; lastModified: string; size: number }
  >();
  clock = 0;
  write(name: string, text: string): void {
    this.clock++;
    const lastModified = new Date(
      Date.UTC(2026, 0, 1) + this.clock * 1000
    ).toISOString();
    this.files.set(name, { text, lastModified, size: text.length });
  }
  list(): IListingEntry[] {
    return [...this.files].map(([name, f]) => ({
      name,
      size: f.size,
      lastModified: f.lastModified
    }));
  }
  read(name: string): string | undefined {
    return this.files.get(name)?.text;
  }
  runIds(): string[] {
    return [...this.files.keys()]
      .map(classifyName)
      .flatMap(k => (k.kind === 'run' ? [k.id] : []))
      .sort();
  }
}

interface IOpenResult {
  view: IManifestEntry[];
  fetched: number;
  listedIds: string[];
}

/** Open the history, yielding after every request. */
function* open(folder: Folder, writerId: string): Generator<void, IOpenResult> {
  const listing = folder.list();
  yield;
  const read: { name: string; shard: IManifestShard }[] = [];
  for (const file of reconcile([], listing).shards) {
    const text = folder.read(file.name);
    yield;
    const parsed = text === undefined ? null : parseManifestShard(text);
    if (parsed?.ok) {
      read.push({ name: file.name, shard: parsed.shard });
    }
  }
  const r = reconcile(mergeManifests(read.map(x => x.shard)), listing);
  const fetched: IManifestEntry[] = [];
  for (const missing of r.missing) {
    const text = folder.read(missing.run.name);
    yield;
    const loaded =
      text === undefined ? null : loadRunFile(text, { expectedId: missing.id });
    if (loaded?.ok) {
      fetched.push(makeEntry(summarizeRun(loaded.run), missing));
    }
  }
  const view = mergeManifests([r.upToDate, fetched]);
  if (fetched.length > 0 || r.stale.length > 0 || read.length > 1) {
    const shard = makeShard(writerId, view);
    folder.write(manifestShardName(writerId), serializeShard(shard));
    yield;
    for (const name of planCompaction(read, shard, r.stale)) {
      folder.files.delete(name);
      yield;
    }
  }
  const listedIds = reconcile([], listing)
    .missing.map(m => m.id)
    .sort();
  return { view, fetched: fetched.length, listedIds };
}

function writeRun(folder: Folder, run: IRunRecord): void {
  folder.write(`${run.id}.json`, JSON.stringify(run));
}

const WRITERS = [
  '01JDQ6Z00000000000000WRTRA',
  '01JDQ6Z00000000000000WRTRB',
  '01JDQ6Z00000000000000WRTRC'
];

describe('several writers in one runs folder', () => {
  it.each(Array.from({ length: 40 }, (_v, seed) => [seed]))(
    'should never lose a run (seed %p)',
    seed => {
      const random = mulberry32(seed);
      const folder = new Folder();
      let next = 0;
      const running = new Set<string>();
      for (; next < 5; next++) {
        writeRun(folder, makeRun({ id: runId(next) }));
      }
      const tasks = WRITERS.map(w => ({
        writer: w,
        gen: open(folder, w),
        opens: 0
      }));
      for (let step = 0; step < 400; step++) {
        const roll = random();
        if (roll < 0.08) {
          // A tab records a run, first as running, later finished.
          const id = runId(next++);
          running.add(id);
          writeRun(
            folder,
            makeRun({ id, status: 'running', endedAt: null, durationMs: null })
          );
        } else if (roll < 0.12 && running.size > 0) {
          const id = [...running][Math.floor(random() * running.size)];
          running.delete(id);
          writeRun(folder, makeRun({ id }));
        } else if (roll < 0.14) {
          // A git pull brings a batch of runs.
          for (let k = 0; k < 5; k++) {
            writeRun(folder, makeRun({ id: runId(next++) }));
          }
        } else if (roll < 0.15) {
          // A pull brings another user's shard, naming runs not here.
          const foreign = makeShard('01JDQ6Z00000000000000WRTRD', [
            makeEntry(summarizeRun(makeRun({ id: runId(9000) })), {
              id: runId(9000),
              run: { name: '', size: 1, lastModified: 'x' },
              series: null
            })
          ]);
          folder.write(
            manifestShardName(foreign.writerId),
            serializeShard(foreign)
          );
        } else if (roll < 0.17) {
          // Someone deletes a run; it is never written again.
          const ids = folder.runIds();
          const id = ids[Math.floor(random() * ids.length)];
          running.delete(id);
          folder.files.delete(`${id}.json`);
        } else {
          const task = tasks[Math.floor(random() * tasks.length)];
          const before = folder.runIds();
          const result = task.gen.next();
          if (result.done) {
            const { view, listedIds } = result.value;
            const viewIds = view.map(e => e.summary.id).sort();
            // Every run listed and still present at the end is shown.
            const present = new Set(before);
            expect(viewIds.filter(id => !listedIds.includes(id))).toEqual([]);
            expect(
              listedIds.filter(id => present.has(id) && !viewIds.includes(id))
            ).toEqual([]);
            task.gen = open(folder, task.writer);
            task.opens++;
          }
        }
      }
      // Quiescent: a fresh tab sees exactly the run files, with their status.
      const drain = (gen: Generator<void, IOpenResult>): IOpenResult => {
        let r = gen.next();
        while (!r.done) {
          r = gen.next();
        }
        return r.value;
      };
      const fresh = drain(open(folder, WRITERS[0]));
      expect(fresh.view.map(e => e.summary.id).sort()).toEqual(folder.runIds());
      for (const e of fresh.view) {
        const run = JSON.parse(
          folder.read(`${e.summary.id}.json`) as string
        ) as IRunRecord;
        expect(e.summary.status).toBe(run.status);
      }
      // Warm: the next open fetches nothing, and one shard remains.
      const warm = drain(open(folder, WRITERS[1]));
      expect(warm.fetched).toBe(0);
      expect(warm.view).toEqual(fresh.view);
      expect(
        [...folder.files.keys()].filter(n => n.startsWith('manifest-'))
      ).toHaveLength(1);
      expect(tasks.reduce((n, t) => n + t.opens, 0)).toBeGreaterThan(0);
    }
  );
});
