import {
  makeShard,
  parseManifestShard,
  serializeShard,
  validateEntry,
  validateSummary
} from '../manifest';
import {
  classifyListing,
  classifyName,
  manifestShardName,
  manifestShardPath,
  seriesFilePath
} from '../layout';
import { entry, runId, summary } from './fixtures';

const WRITER = '01JDQ6Z0000000000000WRTR00';

describe('manifest shards', () => {
  it('should round-trip a shard through its text, non-finite metrics included', () => {
    const e = entry(runId(1));
    e.summary.metrics = {
      loss: { last: NaN, min: -Infinity, max: Infinity, count: 3, lastStep: 2 }
    };
    e.summary.params = { lr: 0.1, layers: [64, 64], opt: { name: 'adam' } };
    e.summary.tags = { team: 'a' };
    e.summary.name = 'first';
    e.summary.starred = true;
    e.series = { size: 20, lastModified: '2026-11-28T10:00:03Z' };
    const shard = makeShard(WRITER, [entry(runId(2)), e], new Date(0));
    expect(shard.entries.map(x => x.summary.id)).toEqual([runId(1), runId(2)]);
    const text = serializeShard(shard);
    expect(text).toContain('"-Infinity"');
    expect(parseManifestShard(text)).toEqual({ ok: true, shard, dropped: [] });
  });

  it('should write the same text with kept entry texts, and reuse them', () => {
    const e = entry(runId(1));
    e.summary.metrics = {
      loss: { last: NaN, min: -Infinity, max: 2, count: 3, lastStep: 2 }
    };
    const memo = new WeakMap();
    const first = makeShard(WRITER, [entry(runId(2)), e], new Date(0));
    expect(serializeShard(first, memo)).toBe(serializeShard(first));
    // A new run: the kept texts of the others are used as they are.
    const kept = entry(runId(2));
    memo.set(first.entries[1], 'KEPT');
    const second = makeShard(WRITER, [...first.entries, kept], new Date(1));
    const text = serializeShard(second, memo);
    expect(text).toContain(',KEPT,');
    expect(
      text.replace(',KEPT,', ',' + JSON.stringify(first.entries[1]) + ',')
    ).toBe(serializeShard(second));
    const empty = makeShard(WRITER, [], new Date(0));
    expect(serializeShard(empty, memo)).toBe(serializeShard(empty));
  });

  it('should refuse a writer id that is not a ULID', () => {
    expect(() => makeShard('../x', [])).toThrow('Invalid writer id');
  });

  it('should drop bad entries one by one and keep the rest', () => {
    const shard = makeShard(WRITER, [entry(runId(1)), entry(runId(2))]);
    const data = JSON.parse(serializeShard(shard));
    data.entries[0].summary.status = 'done';
    data.entries.push(42);
    const result = parseManifestShard(JSON.stringify(data));
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(result.shard.entries.map(x => x.summary.id)).toEqual([runId(2)]);
      expect(result.dropped).toEqual([
        'entry 0 summary has an invalid status',
        'entry 2 is not an object'
      ]);
    }
  });

  it.each([
    ['broken JSON', '{"format"', 'is not valid JSON'],
    ['another file', '{"a":1}', 'not a jupyterlab-runs manifest shard'],
    [
      'a newer version',
      `{"format":"jupyterlab-runs/manifest","version":2,"writerId":"${WRITER}","entries":[]}`,
      'newer jupyterlab-runs (manifest version 2'
    ],
    [
      'version 0',
      `{"format":"jupyterlab-runs/manifest","version":0,"writerId":"${WRITER}","entries":[]}`,
      'unknown manifest version 0'
    ],
    [
      'a bad writer',
      '{"format":"jupyterlab-runs/manifest","version":1,"writerId":"x","entries":[]}',
      'no valid writer id'
    ],
    [
      'no entries',
      `{"format":"jupyterlab-runs/manifest","version":1,"writerId":"${WRITER}"}`,
      'no entries list'
    ]
  ])('should refuse %s whole', (_name, text, reason) => {
    const result = parseManifestShard(text, { fileName: 'manifest-x.json' });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toContain(reason);
    expect(!result.ok && result.reason).toMatch(/^manifest-x\.json: /);
  });

  it('should refuse a shard above the size cap unread', () => {
    const text = serializeShard(makeShard(WRITER, [entry(runId(1))]));
    expect(parseManifestShard(text, { maxBytes: 10 })).toMatchObject({
      ok: false,
      reason: expect.stringContaining('larger than the limit')
    });
  });

  it.each([
    ['id', { id: 'x' }, 'valid run id'],
    ['experiment', { experiment: '' }, 'invalid experiment'],
    ['startedAt', { startedAt: 'now' }, 'invalid startedAt'],
    ['durationMs', { durationMs: -2 }, 'invalid durationMs'],
    ['executionCount', { executionCount: 1.5 }, 'invalid executionCount'],
    ['params', { params: { f: () => 1 } }, 'invalid params'],
    ['tags', { tags: { a: 1 } }, 'invalid tags'],
    ['metrics', { metrics: { l: { last: 'x' } } }, 'invalid metric "l"'],
    ['provenance', { provenance: 'dirty' }, 'invalid provenance']
  ])('should refuse a summary with a bad %s', (_field, overrides, reason) => {
    const bad = { ...summary(runId(1)), ...overrides };
    expect(validateSummary(bad)).toContain(reason);
  });

  it('should keep a run’s provenance state for the table and queries', () => {
    const kept = validateSummary({ ...summary(runId(1)), provenance: 'stale' });
    expect(kept).toMatchObject({ provenance: 'stale' });
    expect(validateSummary(summary(runId(1)))).not.toHaveProperty('provenance');
  });

  it('should drop unknown summary fields and keep __proto__ keys as data', () => {
    const data = JSON.parse(
      `{"summary":${JSON.stringify({ ...summary(runId(1)), later: 1 }).replace(
        /}$/,
        ',"params":{"__proto__":{"x":1}}}'
      )},"run":{"size":null,"lastModified":"t"},"series":null}`
    );
    const e = validateEntry(data);
    expect(typeof e).toBe('object');
    if (typeof e === 'object') {
      expect(e.summary).not.toHaveProperty('later');
      expect(Object.getPrototypeOf(e.summary.params)).toBe(Object.prototype);
      expect(Object.keys(e.summary.params ?? {})).toEqual(['__proto__']);
    }
    expect(
      validateEntry({ ...data, run: { size: -1, lastModified: 't' } })
    ).toContain('stamp');
  });
});

describe('runs folder layout', () => {
  it('should name series files and shards beside the runs', () => {
    expect(seriesFilePath('work/train.ipynb', runId(1))).toBe(
      `work/train.runs/${runId(1)}.series.json`
    );
    expect(manifestShardPath('train.ipynb', WRITER)).toBe(
      `train.runs/manifest-${WRITER}.json`
    );
    expect(() => manifestShardName('a/b')).toThrow();
  });

  it.each([
    [`${runId(1)}.json`, { kind: 'run', id: runId(1) }],
    [`${runId(1)}.series.json`, { kind: 'series', id: runId(1) }],
    [`manifest-${WRITER}.json`, { kind: 'manifest', writerId: WRITER }],
    ['manifest-x.json', { kind: 'other' }],
    ['x.series.json', { kind: 'other' }],
    ['notes.md', { kind: 'other' }]
  ])('classifyName(%p)', (name, kind) => {
    expect(classifyName(name)).toEqual(kind);
  });

  it('should pair series with runs and set orphans apart', () => {
    const f = (name: string) => ({ name, size: 1, lastModified: 't' });
    const c = classifyListing([
      f(`${runId(2)}.series.json`),
      f(`${runId(2)}.json`),
      f(`${runId(3)}.series.json`),
      f(`manifest-${WRITER}.json`),
      f('README.md')
    ]);
    expect([...c.runs.keys()]).toEqual([runId(2)]);
    expect(c.runs.get(runId(2))?.series?.name).toBe(`${runId(2)}.series.json`);
    expect(c.orphanSeries.map(x => x.name)).toEqual([
      `${runId(3)}.series.json`
    ]);
    expect(c.shards).toHaveLength(1);
    expect(c.other).toHaveLength(1);
  });
});
