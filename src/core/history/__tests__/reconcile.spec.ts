import * as fc from 'fast-check';
import type { IRunSummary } from '../../run';
import type { IListingEntry } from '../layout';
import { makeShard, type IManifestEntry } from '../manifest';
import {
  isUpToDate,
  makeEntry,
  mergeManifests,
  planCompaction,
  reconcile
} from '../reconcile';
import { entry, listed, runId } from './fixtures';

const A = '01JDQ6Z00000000000000WRTRA';
const B = '01JDQ6Z00000000000000WRTRB';
const T1 = '2026-11-28T10:00:02.000Z';
const T2 = '2026-11-28T11:00:00.000Z';
const ids = (entries: { summary: IRunSummary }[]) =>
  entries.map(e => e.summary.id);

describe('#mergeManifests', () => {
  it('should union shards, newest run first', () => {
    const merged = mergeManifests([
      makeShard(A, [entry(runId(1)), entry(runId(3))]),
      [entry(runId(2))]
    ]);
    expect(ids(merged)).toEqual([runId(3), runId(2), runId(1)]);
  });

  it('should keep the summary of the later file version', () => {
    const running = entry(runId(1), T1, 500, {
      status: 'running',
      endedAt: null,
      durationMs: null
    });
    const done = entry(runId(1), T2, 900);
    expect(mergeManifests([[done], [running]])[0]).toBe(done);
    expect(mergeManifests([[running], [done]])[0]).toBe(done);
  });

  it('should prefer a finished run when the stamps tie', () => {
    const running = entry(runId(1), T1, 500, {
      status: 'running',
      endedAt: null,
      durationMs: null
    });
    const done = entry(runId(1), T1, 500);
    expect(mergeManifests([[running], [done]])[0]).toBe(done);
  });

  it('should not depend on shard order or repetition (property)', () => {
    const anEntry = fc
      .record({
        i: fc.integer({ min: 0, max: 6 }),
        t: fc.constantFrom(T1, T2, 'garbage'),
        size: fc.integer({ min: 1, max: 3 }),
        status: fc.constantFrom(
          'ok' as const,
          'running' as const,
          'error' as const
        )
      })
      .map(({ i, t, size, status }) => entry(runId(i), t, size, { status }));
    const shards = fc.array(fc.array(anEntry, { maxLength: 6 }), {
      maxLength: 5
    });
    fc.assert(
      fc.property(shards, fc.nat(), (list, k) => {
        const merged = JSON.stringify(mergeManifests(list));
        const rotated = list
          .slice(k % (list.length || 1))
          .concat(list.slice(0, k % (list.length || 1)));
        expect(JSON.stringify(mergeManifests([...rotated].reverse()))).toBe(
          merged
        );
        expect(JSON.stringify(mergeManifests([...list, ...list]))).toBe(merged);
        expect(
          JSON.stringify(
            mergeManifests([mergeManifests(list.slice(0, 2)), ...list.slice(2)])
          )
        ).toBe(merged);
      }),
      { numRuns: 500, seed: 7 }
    );
  });
});

describe('#reconcile', () => {
  it('should sort runs into up to date, missing and stale', () => {
    const kept = entry(runId(1));
    const gone = entry(runId(2));
    const grown = entry(runId(3));
    const listing: IListingEntry[] = [
      ...listed(kept),
      { name: `${runId(3)}.json`, size: 2000, lastModified: T2 },
      { name: `${runId(4)}.json`, size: 10, lastModified: T2 },
      { name: `${runId(5)}.series.json`, size: 10, lastModified: T2 },
      { name: `manifest-${A}.json`, size: 10, lastModified: T2 },
      { name: 'notes.txt', size: 1, lastModified: T2 }
    ];
    const r = reconcile([kept, gone, grown], listing);
    expect(ids(r.upToDate)).toEqual([runId(1)]);
    expect(r.missing.map(m => [m.id, m.reason])).toEqual([
      [runId(4), 'new'],
      [runId(3), 'changed']
    ]);
    expect(r.stale).toEqual([runId(2)]);
    expect(r.shards.map(s => s.name)).toEqual([`manifest-${A}.json`]);
  });

  it('should ignore a touched time on a finished run but not on a running one', () => {
    const done = entry(runId(1), T1);
    const running = entry(runId(2), T1, 1000, { status: 'running' });
    const touched = (e: IManifestEntry) => ({
      id: e.summary.id,
      run: { ...listed(e)[0], lastModified: T2 },
      series: null
    });
    expect(isUpToDate(done, touched(done))).toBe(true);
    expect(isUpToDate(done, touched(done), { compareTimestamps: true })).toBe(
      false
    );
    expect(isUpToDate(running, touched(running))).toBe(false);
  });

  it('should fall back to the time when a size is unknown', () => {
    const e = entry(runId(1), T1);
    const files = {
      id: runId(1),
      run: { name: 'x', size: null, lastModified: T1 },
      series: null
    };
    expect(isUpToDate(e, files)).toBe(true);
    expect(
      isUpToDate(e, { ...files, run: { ...files.run, lastModified: T2 } })
    ).toBe(false);
  });

  it('should refetch a run whose series file appeared, changed or vanished', () => {
    const e = entry(runId(1));
    const run = listed(e)[0];
    const s = { name: `${runId(1)}.series.json`, size: 50, lastModified: T1 };
    expect(reconcile([e], [run, s]).missing).toHaveLength(1);
    const withSeries = { ...e, series: { size: 50, lastModified: T1 } };
    expect(reconcile([withSeries], [run, s]).upToDate).toHaveLength(1);
    expect(
      reconcile([withSeries], [run, { ...s, size: 60 }]).missing
    ).toHaveLength(1);
    expect(reconcile([withSeries], [run]).missing).toHaveLength(1);
  });

  it('should stamp new entries from the listing', () => {
    const r = reconcile(
      [],
      [{ name: `${runId(1)}.json`, size: 7, lastModified: T1 }]
    );
    const e = makeEntry(entry(runId(1)).summary, r.missing[0]);
    expect(e.run).toEqual({ size: 7, lastModified: T1 });
    expect(
      reconcile([e], [{ name: `${runId(1)}.json`, size: 7, lastModified: T1 }])
        .upToDate
    ).toEqual([e]);
  });
});

describe('#planCompaction', () => {
  it('should delete only other shards that the written one covers', () => {
    const covered = makeShard(B, [entry(runId(1)), entry(runId(9))]);
    const newer = makeShard('01JDQ6Z00000000000000WRTRC', [
      entry(runId(2), T2)
    ]);
    const written = makeShard(A, [entry(runId(1)), entry(runId(2), T1)]);
    expect(
      planCompaction(
        [
          { name: 'b', shard: covered },
          { name: 'c', shard: newer },
          { name: 'a', shard: makeShard(A, []) }
        ],
        written,
        [runId(9)]
      )
    ).toEqual(['b']);
  });
});
