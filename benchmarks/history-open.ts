/**
 * Benchmark of the pure part of opening a run history.
 *
 *   node --expose-gc --import tsx benchmarks/history-open.ts
 *   (or `npx tsx benchmarks/history-open.ts`, without the GC between samples)
 *
 * For 1,000 and 10,000 runs it builds summaries, manifest shards and the
 * folder listing in memory, then times:
 *  - warm: merging the shards and reconciling them with an unchanged listing
 *    (what every open does once the manifest is cached);
 *  - cold: parsing and validating the manifest shard text, as after a fresh
 *    clone or on a new browser, and serializing it again.
 * Network and IndexedDB are not involved; the full warm/cold open through
 * the adapters is measured in the browser.
 */
import {
  makeShard,
  mergeManifests,
  parseManifestShard,
  reconcile,
  serializeShard,
  type IListingEntry,
  type IManifestEntry,
  type IManifestShard
} from '../src/core/history';
import type { IRunSummary } from '../src/core/run';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const T0 = Date.UTC(2026, 0, 1);

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

function makeEntries(count: number): IManifestEntry[] {
  return Array.from({ length: count }, (_v, i) => {
    const started = T0 + i * 60_000;
    const summary: IRunSummary = {
      id: ulid(started, i),
      notebookPath: 'experiments/train.ipynb',
      experiment: `exp-${i % 7}`,
      status: i % 50 === 0 ? 'error' : 'ok',
      startedAt: new Date(started).toISOString(),
      endedAt: new Date(started + 30_000).toISOString(),
      durationMs: 30_000,
      executionCount: i + 1,
      params: {
        lr: 0.001 * (1 + (i % 10)),
        batch: 32 << (i % 3),
        model: 'resnet',
        layers: [64, 128]
      },
      metrics: {
        loss: {
          last: 0.1 + (i % 13) / 100,
          min: 0.09,
          max: 2.3,
          count: 100,
          lastStep: 99
        },
        acc: { last: 0.9, min: 0.1, max: 0.93, count: 100, lastStep: 99 },
        val_loss: {
          last: i % 97 === 0 ? NaN : 0.2,
          min: 0.18,
          max: 2.4,
          count: 10,
          lastStep: 9
        }
      },
      tags: { owner: 'alice', dataset: `v${i % 3}` }
    };
    const at = new Date(started + 31_000).toISOString();
    return {
      summary,
      run: { size: 2_000 + (i % 500), lastModified: at },
      series: { size: 40_000 + (i % 900), lastModified: at }
    };
  });
}

function listingOf(
  entries: IManifestEntry[],
  shards: string[]
): IListingEntry[] {
  const listing: IListingEntry[] = [];
  for (const e of entries) {
    listing.push({ name: `${e.summary.id}.json`, ...e.run });
    if (e.series) {
      listing.push({ name: `${e.summary.id}.series.json`, ...e.series });
    }
  }
  for (const name of shards) {
    listing.push({ name, size: 1, lastModified: new Date(T0).toISOString() });
  }
  return listing;
}

/** Median and best of `runs` timed calls, after `warmup` untimed ones. */
function time(
  fn: () => unknown,
  runs = 15,
  warmup = 3
): { median: number; best: number } {
  for (let i = 0; i < warmup; i++) {
    fn();
  }
  const samples: number[] = [];
  const gc = (globalThis as { gc?: () => void }).gc;
  for (let i = 0; i < runs; i++) {
    gc?.(); // so that one sample does not pay for the garbage of another
    const start = performance.now();
    fn();
    samples.push(performance.now() - start);
  }
  samples.sort((a, b) => a - b);
  return { median: samples[Math.floor(samples.length / 2)], best: samples[0] };
}

const WRITERS = [
  '01JDQ6Z00000000000000WRTRA',
  '01JDQ6Z00000000000000WRTRB',
  '01JDQ6Z00000000000000WRTRC'
];

function fmt(t: { median: number; best: number }): string {
  return `${t.median.toFixed(2).padStart(8)} ms median  (best ${t.best.toFixed(2)} ms)`;
}

console.log(
  `node ${process.version}, ${process.arch}, GC between samples: ${'gc' in globalThis}`
);
for (const count of [1_000, 10_000]) {
  const entries = makeEntries(count);
  // Steady state: one compacted shard. Busy state: three writers whose
  // shards overlap (each holds two thirds of the runs).
  const one: IManifestShard[] = [makeShard(WRITERS[0], entries)];
  const three: IManifestShard[] = WRITERS.map((w, k) =>
    makeShard(
      w,
      entries.filter((_e, i) => i % 3 !== k)
    )
  );
  const listing = listingOf(
    entries,
    WRITERS.map(w => `manifest-${w}.json`)
  );
  const text = serializeShard(one[0]);

  console.log(
    `\n${count.toLocaleString('en')} runs (listing of ${listing.length.toLocaleString('en')} files, shard ${(text.length / 1024 / 1024).toFixed(2)} MiB)`
  );
  const check = reconcile(mergeManifests(one), listing);
  if (check.upToDate.length !== count || check.missing.length !== 0) {
    throw new Error('benchmark data does not reconcile');
  }
  console.log(
    `  warm, 1 shard:   merge + reconcile ${fmt(time(() => reconcile(mergeManifests(one), listing)))}`
  );
  console.log(
    `  warm, 3 shards:  merge + reconcile ${fmt(time(() => reconcile(mergeManifests(three), listing)))}`
  );
  console.log(
    `    of which merge (3 shards)        ${fmt(time(() => mergeManifests(three)))}`
  );
  console.log(
    `  cold: parse + validate shard text  ${fmt(time(() => parseManifestShard(text), 9, 2))}`
  );
  console.log(
    `    of which JSON.parse              ${fmt(time(() => JSON.parse(text), 9, 2))}`
  );
  console.log(
    `  serialize shard                    ${fmt(time(() => serializeShard(one[0]), 9, 2))}`
  );
}

// The same open through the real adapters (store, FolderIndex, IndexedDB).
void import('./history-open-adapter').then(m => m.benchmarkAdapterOpen());
