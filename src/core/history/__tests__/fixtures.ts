import type { IMetricSeries, IRunRecord, IRunSummary } from '../../run';
import { makeRun } from '../../__tests__/fixtures';
import type { IListingEntry } from '../layout';
import type { IManifestEntry } from '../manifest';
import type { RunSeries } from '../series';

export { makeRun };

/** A deterministic PRNG (mulberry32), so every random test can be replayed. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** The i-th of a family of valid, increasing run ids. */
export function runId(i: number): string {
  let tail = '';
  for (let n = i, k = 0; k < 10; k++, n = Math.floor(n / 32)) {
    tail = CROCKFORD[n % 32] + tail;
  }
  return '01JDQ6Z0000000' + '00' + tail;
}

export function series(
  points: [number, number][],
  t0 = 1_700_000_000_000
): IMetricSeries {
  return {
    step: points.map(p => p[0]),
    value: points.map(p => p[1]),
    time: points.map((_p, i) => t0 + i * 1000)
  };
}

export function runSeries(): RunSeries {
  return {
    loss: series([
      [0, 2.5],
      [1, 1.25],
      [2, 0.5]
    ]),
    acc: series([
      [0, 0.1],
      [1, NaN],
      [2, 0.9]
    ])
  };
}

export function summary(
  id: string,
  overrides: Partial<IRunSummary> = {}
): IRunSummary {
  return {
    id,
    notebookPath: 'work/train.ipynb',
    experiment: 'baseline',
    status: 'ok',
    startedAt: '2026-11-28T10:00:00.000Z',
    endedAt: '2026-11-28T10:00:01.500Z',
    durationMs: 1500,
    executionCount: 3,
    ...overrides
  };
}

export function entry(
  id: string,
  at = '2026-11-28T10:00:02.000Z',
  size = 1000,
  overrides: Partial<IRunSummary> = {}
): IManifestEntry {
  return {
    summary: summary(id, overrides),
    run: { size, lastModified: at },
    series: null
  };
}

/** The listing entry the Contents API would show for a manifest entry. */
export function listed(e: IManifestEntry): IListingEntry[] {
  const files: IListingEntry[] = [
    {
      name: `${e.summary.id}.json`,
      size: e.run.size,
      lastModified: e.run.lastModified
    }
  ];
  if (e.series) {
    files.push({
      name: `${e.summary.id}.series.json`,
      size: e.series.size,
      lastModified: e.series.lastModified
    });
  }
  return files;
}

export function withId(run: IRunRecord, i: number): IRunRecord {
  return { ...run, id: runId(i) };
}
