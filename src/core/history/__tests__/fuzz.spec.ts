/**
 * Fuzzing the readers with random truncations and mutations of valid files.
 * Seeded (mulberry32), so a failure names the seed and case that reproduce
 * it. Properties: the readers never throw, and whatever they accept is
 * valid by the same validators and survives a JSON round trip.
 */
import { validateRun } from '../../validate';
import { loadRunFile } from '../load';
import {
  makeShard,
  parseManifestShard,
  serializeShard,
  validateManifestShard
} from '../manifest';
import {
  loadSeriesFile,
  serializeSeriesFile,
  validateSeriesFile
} from '../series';
import { summarizeRun } from '../summary';
import { makeEntry } from '../reconcile';
import { makeRun, mulberry32, runId, runSeries } from './fixtures';

const SEED = 0x5eed;
const CASES = 3000;
const PIECES = [
  '"',
  '{',
  '}',
  '[',
  ']',
  ',',
  ':',
  '0',
  '-',
  'e',
  '.',
  '\\',
  '\\u',
  'null',
  'true',
  '\u0000',
  'é',
  '\ud83d',
  ' ',
  '1e309',
  '"__proto__"',
  '"schemaVersion"',
  '"version"'
];

type Mutator = (text: string, random: () => number) => string;

const pick = <T>(items: readonly T[], random: () => number): T =>
  items[Math.floor(random() * items.length)];
const at = (text: string, random: () => number) =>
  Math.floor(random() * (text.length + 1));

const MUTATORS: Record<string, Mutator> = {
  truncate: (t, r) => t.slice(0, at(t, r)),
  replaceChar: (t, r) => {
    const i = at(t, r);
    return t.slice(0, i) + pick(PIECES, r) + t.slice(i + 1);
  },
  insert: (t, r) => {
    const i = at(t, r);
    return t.slice(0, i) + pick(PIECES, r) + t.slice(i);
  },
  deleteSpan: (t, r) => {
    const i = at(t, r);
    return t.slice(0, i) + t.slice(i + 1 + Math.floor(r() * 20));
  },
  duplicateSpan: (t, r) => {
    const i = at(t, r);
    const j = Math.min(t.length, i + Math.floor(r() * 40));
    return t.slice(0, j) + t.slice(i, j) + t.slice(j);
  },
  flipByte: (t, r) => {
    const i = Math.floor(r() * t.length);
    return (
      t.slice(0, i) +
      String.fromCharCode(t.charCodeAt(i) ^ (1 << Math.floor(r() * 8))) +
      t.slice(i + 1)
    );
  },
  replaceValue: (t, r) => {
    // Structural: swap one value anywhere in the tree for a random one.
    const data = JSON.parse(t) as unknown;
    const values = [
      null,
      true,
      0,
      -1,
      1.5,
      1e300,
      '',
      'x',
      '../x',
      [],
      {},
      [1],
      { a: 1 },
      '2026-01-01T00:00:00Z'
    ];
    const containers: [Record<string, unknown> | unknown[], string | number][] =
      [];
    const walk = (v: unknown) => {
      if (v && typeof v === 'object') {
        for (const [k, child] of Object.entries(v)) {
          containers.push([
            v as Record<string, unknown>,
            Array.isArray(v) ? Number(k) : k
          ]);
          walk(child);
        }
      }
    };
    walk(data);
    if (containers.length > 0) {
      const [parent, key] = pick(containers, r);
      if (r() < 0.2) {
        delete (parent as Record<string, unknown>)[key];
      } else {
        (parent as Record<string | number, unknown>)[key] = pick(values, r);
      }
    }
    return JSON.stringify(data);
  }
};

function mutate(text: string, random: () => number): string {
  let out = text;
  const rounds = 1 + Math.floor(random() * 3);
  for (let k = 0; k < rounds; k++) {
    const name = pick(Object.keys(MUTATORS), random);
    try {
      out = MUTATORS[name](out, random);
    } catch {
      out = MUTATORS.truncate(out, random); // structural needs valid JSON
    }
  }
  return out;
}

const v0Text = JSON.stringify({
  version: 0,
  runId: runId(3),
  notebook: 'a/b.ipynb',
  code: 'x',
  execution_count: 1,
  started: 1.7e12,
  finished: 1.7e12 + 5,
  status: 'aborted',
  outputs: [],
  kernel: 'python3'
});
const RUN_SEEDS = [
  JSON.stringify(makeRun()),
  JSON.stringify(
    makeRun({
      status: 'error',
      error: { ename: 'E', evalue: 'v', traceback: ['t'] },
      outputs: [
        { output_type: 'error', ename: 'E', evalue: 'v', traceback: ['t'] },
        {
          output_type: 'execute_result',
          execution_count: 1,
          data: { 'text/plain': '1' },
          metadata: {}
        }
      ]
    }),
    null,
    1
  ),
  v0Text
];

describe('fuzzing the readers', () => {
  it(`should never throw on ${CASES * RUN_SEEDS.length} mutated run files, and accept only valid runs`, () => {
    const random = mulberry32(SEED);
    let accepted = 0;
    RUN_SEEDS.forEach((seedText, s) => {
      for (let i = 0; i < CASES; i++) {
        const text = mutate(seedText, random);
        let result: ReturnType<typeof loadRunFile>;
        try {
          result = loadRunFile(text, { fileName: 'f.json' });
        } catch (e) {
          throw new Error(
            `loadRunFile threw on seed ${s} case ${i}: ${JSON.stringify(text)}: ${e}`
          );
        }
        if (result.ok) {
          accepted++;
          expect(validateRun(result.run)).toEqual({
            ok: true,
            run: result.run
          });
          expect(JSON.parse(JSON.stringify(result.run))).toEqual(result.run);
        } else {
          expect(result.reason).toMatch(/^f\.json: \S/);
        }
      }
    });
    // The mutations must leave some files valid, or the test proves little.
    expect(accepted).toBeGreaterThan(50);
  });

  it('should never throw on mutated manifest shards and series files', () => {
    const random = mulberry32(SEED + 1);
    const id = runId(1);
    const e = makeEntry(
      summarizeRun(makeRun({ id }), runSeries(), {
        params: { lr: 0.1 },
        tags: { a: 'b' }
      }),
      {
        id,
        run: {
          name: `${id}.json`,
          size: 10,
          lastModified: '2026-01-01T00:00:00Z'
        },
        series: {
          name: `${id}.series.json`,
          size: 5,
          lastModified: '2026-01-01T00:00:00Z'
        }
      }
    );
    const shardText = serializeShard(
      makeShard('01JDQ6Z00000000000000WRTRA', [e])
    );
    const seriesText = serializeSeriesFile(id, runSeries());
    let acceptedShards = 0;
    for (let i = 0; i < CASES; i++) {
      const text = mutate(shardText, random);
      const result = parseManifestShard(text);
      if (result.ok) {
        acceptedShards++;
        // What was kept serializes and reads back to itself.
        const again = parseManifestShard(serializeShard(result.shard));
        expect(again).toEqual({ ok: true, shard: result.shard, dropped: [] });
        expect(
          validateManifestShard(JSON.parse(serializeShard(result.shard))).ok
        ).toBe(true);
      }
      const s = loadSeriesFile(mutate(seriesText, random));
      if (s.ok) {
        expect(
          validateSeriesFile(JSON.parse(serializeSeriesFile(s.runId, s.series)))
        ).toEqual(s);
      }
    }
    expect(acceptedShards).toBeGreaterThan(50);
  });
});
