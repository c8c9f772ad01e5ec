import { strFromU8, strToU8, zipSync } from 'fflate';
import { bundleToZip, zipToBundle, type IBundleFile } from '../zip';
import { makeRun, runId } from './fixtures';

const files = (): IBundleFile[] => [
  { path: 'train.ipynb', data: strToU8('{"cells":[]}') },
  {
    path: `train.runs/${runId(1)}.json`,
    data: strToU8(JSON.stringify(makeRun({ id: runId(1) })))
  },
  { path: `train.runs/${runId(1)}.series.json`, data: strToU8('{}') },
  {
    path: 'train.runs/artifacts/résumé 1.png',
    data: new Uint8Array([0, 1, 2, 255])
  }
];

/** Replace every occurrence of an ASCII name in raw zip bytes (same length). */
function patchName(bytes: Uint8Array, from: string, to: string): Uint8Array {
  const out = bytes.slice();
  const a = strToU8(from);
  const b = strToU8(to);
  for (let i = 0; i + a.length <= out.length; i++) {
    if (a.every((x: number, k: number) => out[i + k] === x)) {
      out.set(b, i);
    }
  }
  return out;
}

describe('zip bundles', () => {
  it('should round-trip files', () => {
    const zipped = bundleToZip(files());
    const result = zipToBundle(zipped);
    expect(result.ok).toBe(true);
    if (result.ok) {
      const sorted = [...files()].sort((x, y) => (x.path < y.path ? -1 : 1));
      expect(result.files.map(f => f.path)).toEqual(sorted.map(f => f.path));
      result.files.forEach((f, i) =>
        expect(Array.from(f.data)).toEqual(Array.from(sorted[i].data))
      );
      expect(result.skipped).toEqual([]);
    }
  });

  it('should give the same bytes for the same files', () => {
    expect(bundleToZip(files())).toEqual(bundleToZip([...files()].reverse()));
  });

  it.each([
    '../evil.sh',
    '/etc/passwd',
    'a/../../x',
    'C:\\x',
    'a\\..\\x',
    'a//b',
    'x\u0000.json',
    '%2e%2e%2fx'
  ])('should refuse to export the path %p', path => {
    expect(() => bundleToZip([{ path, data: new Uint8Array() }])).toThrow(
      'Cannot bundle'
    );
  });

  it('should refuse to export two paths that clash on a case-insensitive disk', () => {
    expect(() =>
      bundleToZip([
        { path: 'a.json', data: new Uint8Array() },
        { path: 'A.json', data: new Uint8Array() }
      ])
    ).toThrow('twice');
  });

  it.each([
    ['../../evil.sh', 'has a segment ".." that is a relative path segment'],
    ['/etc/cron.d/x', 'is an absolute path'],
    ['ok/../../../x', 'is a relative path segment'],
    ['C:/Windows/x', 'contains a colon'],
    ['a\\..\\..\\x', 'contains a path separator'],
    ['%2e%2e%2fx', 'percent-encoded'],
    ['．．/x', 'once Unicode-normalized'],
    ['a/．．／x', 'contains a path separator']
  ])(
    'should refuse the entry %p (zip-slip) and keep the others',
    (name, reason) => {
      const zipped = zipSync({
        'good.json': strToU8('{}'),
        [name]: strToU8('pwned')
      });
      const result = zipToBundle(zipped);
      expect(result.ok).toBe(true);
      expect(result.ok && result.files.map(f => f.path)).toEqual(['good.json']);
      expect(result.ok && result.skipped).toEqual([
        { path: name, reason: expect.stringContaining(reason) }
      ]);
    }
  );

  it('should refuse duplicate and case-clashing entries, keeping the first', () => {
    const base = zipSync({ 'a.json': strToU8('1'), 'b.json': strToU8('2') });
    expect(zipToBundle(patchName(base, 'b.json', 'a.json'))).toMatchObject({
      ok: true,
      files: [{ path: 'a.json' }],
      skipped: [{ path: 'a.json', reason: 'is repeated' }]
    });
    expect(zipToBundle(patchName(base, 'b.json', 'A.json'))).toMatchObject({
      ok: true,
      files: [{ path: 'a.json' }],
      skipped: [
        {
          path: 'A.json',
          reason: 'has the same name as "a.json" on a case-insensitive disk'
        }
      ]
    });
  });

  it('should refuse a file that is also the folder of other entries, and those entries', () => {
    const runs = Object.fromEntries(
      Array.from({ length: 64 }, (_, i) => [
        `train.runs/${runId(i)}.json`,
        strToU8(JSON.stringify(makeRun({ id: runId(i) })))
      ])
    );
    const result = zipToBundle(
      zipSync({
        ...runs,
        'train.runs/x': strToU8('file'),
        'train.runs/x/y': strToU8('inside'),
        'train.runs/X/z': strToU8('inside too')
      })
    );
    expect(result.ok).toBe(true);
    expect(result.ok && result.files).toHaveLength(64);
    expect(result.ok && result.skipped).toEqual([
      {
        path: 'train.runs/X/z',
        reason: 'is inside "train.runs/x", which is also a file'
      },
      {
        path: 'train.runs/x',
        reason: 'is a file, but "train.runs/x/y" needs a folder of that name'
      },
      {
        path: 'train.runs/x/y',
        reason: 'is inside "train.runs/x", which is also a file'
      }
    ]);
  });

  it('should refuse an entry named __proto__ rather than lose it', () => {
    const base = zipSync({ x________: strToU8('1'), 'ok.json': strToU8('2') });
    const result = zipToBundle(patchName(base, 'x________', '__proto__'));
    expect(result).toMatchObject({
      ok: true,
      skipped: [{ path: '__proto__', reason: 'could not be read' }]
    });
    expect(
      result.ok && result.files.map(f => [f.path, strFromU8(f.data)])
    ).toEqual([['ok.json', '2']]);
  });

  it('should skip hidden files and folder entries', () => {
    const zipped = zipSync({
      'nb.ipynb': strToU8('{}'),
      '__MACOSX/._nb.ipynb': strToU8('x'),
      '.DS_Store': strToU8('x'),
      'empty/': new Uint8Array()
    });
    const result = zipToBundle(zipped);
    expect(result).toMatchObject({
      ok: true,
      skipped: [
        { path: '.DS_Store', reason: 'is a hidden file' },
        { path: '__MACOSX/._nb.ipynb', reason: 'is a hidden file' }
      ]
    });
    expect(
      result.ok && result.files.map(f => [f.path, strFromU8(f.data)])
    ).toEqual([['nb.ipynb', '{}']]);
  });

  it('should refuse a zip bomb from its declared sizes, before inflating', () => {
    const bomb = zipSync(
      { 'zeros.json': new Uint8Array(8 * 1024 * 1024) },
      { level: 9 }
    );
    expect(bomb.length).toBeLessThan(64 * 1024);
    expect(zipToBundle(bomb, { maxEntryBytes: 1024 * 1024 })).toMatchObject({
      ok: true,
      files: [],
      skipped: [
        {
          path: 'zeros.json',
          reason: expect.stringContaining('above the limit of 1048576')
        }
      ]
    });
    const many = zipSync({ a: new Uint8Array(600), b: new Uint8Array(600) });
    expect(zipToBundle(many, { maxTotalBytes: 1000 })).toMatchObject({
      ok: false,
      reason: 'the archive unpacks to more than 1000 bytes'
    });
    expect(zipToBundle(many, { maxEntries: 1 })).toMatchObject({
      ok: false,
      reason: 'the archive has more than 1 files'
    });
  });

  it('should refuse unknown compression and bytes that are not a zip', () => {
    const stored = zipSync({ 'a.json': strToU8('{}') }, { level: 0 });
    // Compression method of the central directory header (offset 10).
    const cd = stored.findIndex(
      (_b: number, i: number) =>
        stored[i] === 0x50 &&
        stored[i + 1] === 0x4b &&
        stored[i + 2] === 1 &&
        stored[i + 3] === 2
    );
    const patched = stored.slice();
    patched[cd + 10] = 12;
    expect(zipToBundle(patched)).toMatchObject({
      ok: true,
      files: [],
      skipped: [{ path: 'a.json', reason: 'uses unsupported compression 12' }]
    });
    expect(
      zipToBundle(strToU8('not a zip at all, not even close....'))
    ).toMatchObject({
      ok: false,
      reason: expect.stringContaining('is not a readable zip archive')
    });
    expect(zipToBundle(new Uint8Array())).toMatchObject({ ok: false });
  });

  it('should never throw on mutated archives', () => {
    const zipped = bundleToZip(files());
    let seed = 1;
    const random = () =>
      ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
    for (let i = 0; i < 500; i++) {
      const bytes = zipped.slice(
        0,
        random() < 0.3 ? Math.floor(random() * zipped.length) : zipped.length
      );
      for (let k = 0; k < 3; k++) {
        bytes[Math.floor(random() * bytes.length)] = Math.floor(random() * 256);
      }
      const result = zipToBundle(bytes, {
        maxTotalBytes: 1 << 20,
        maxEntryBytes: 1 << 20
      });
      if (result.ok) {
        result.files.forEach(f =>
          expect(f.path).not.toMatch(/(^|\/)\.\.(\/|$)|^\/|\\/)
        );
      }
    }
  });
});
