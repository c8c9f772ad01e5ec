import { EMBED_METADATA_KEY, embedRuns, type INotebookLike } from '../bundle';
import {
  base64ToBytes,
  bytesToBase64,
  embedFiles,
  extractFiles
} from '../embedFiles';
import type { IBundleFile } from '../zip';
import { makeRun, runId } from './fixtures';

const bytes = (...values: number[]) => new Uint8Array(values);
// Copied into this realm's Uint8Array (jsdom's differs from Node's).
const text = (s: string) => Uint8Array.from(new TextEncoder().encode(s));
const withRuns = (): INotebookLike =>
  embedRuns({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [] }, [
    makeRun({ id: runId(1) })
  ]);
/** A notebook whose embedded history lists these file entries. */
const carrying = (files: unknown): unknown => ({
  metadata: { [EMBED_METADATA_KEY]: { version: 1, runs: [], files } }
});

describe('bytesToBase64 and base64ToBytes', () => {
  it.each<[string, Uint8Array, string]>([
    ['nothing', bytes(), ''],
    ['one byte', bytes(0), 'AA=='],
    ['two bytes', bytes(0, 255), 'AP8='],
    ['three bytes', bytes(1, 2, 3), 'AQID'],
    ['every byte value', Uint8Array.from({ length: 256 }, (_v, i) => i), ''],
    ['UTF-8 text', text('héllo ✓\n'), 'aMOpbGxvIOKckwo='],
    // More than one 0x8000 chunk of String.fromCharCode.
    [
      '100,000 bytes',
      Uint8Array.from({ length: 100_000 }, (_v, i) => i * 7),
      ''
    ]
  ])('should round-trip %s', (_label, data, expected) => {
    const encoded = bytesToBase64(data);
    if (expected) {
      expect(encoded).toBe(expected);
    }
    expect(encoded).toBe(Buffer.from(data).toString('base64'));
    expect(base64ToBytes(encoded)).toEqual(data);
  });

  it('should ignore whitespace (wrapped base64)', () => {
    expect(base64ToBytes('AQ\nID\r\n ')).toEqual(bytes(1, 2, 3));
  });

  it.each(['A', '!!!!', 'AQID*'])('should throw on %j', bad => {
    expect(() => base64ToBytes(bad)).toThrow();
  });
});

describe('embedFiles', () => {
  const files: IBundleFile[] = [
    { path: `${runId(1)}.artifacts/model.bin`, data: bytes(0, 255, 1, 2) },
    { path: 'env-0123abcd.json', data: text('{"python": "3.12"}\n') },
    { path: `${runId(1)}.annotations.json`, data: text('{}') }
  ];

  it('should embed the files sorted by path, beside the runs', () => {
    const notebook = withRuns();
    const result = embedFiles(notebook, files);
    const history = result.metadata![EMBED_METADATA_KEY] as {
      runs: unknown[];
      files: { path: string; base64: string }[];
    };
    expect(history.runs).toHaveLength(1);
    expect(history.files.map(f => f.path)).toEqual(
      files.map(f => f.path).sort()
    );
    expect(history.files[0]).toEqual({
      path: `${runId(1)}.annotations.json`,
      base64: 'e30='
    });
    // The input is not modified.
    expect(
      (notebook.metadata![EMBED_METADATA_KEY] as Record<string, unknown>).files
    ).toBeUndefined();
  });

  it('should give the same text for the same files in any order', () => {
    const a = embedFiles(withRuns(), files);
    const b = embedFiles(withRuns(), [...files].reverse());
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
  });

  it('should round-trip through extractFiles byte for byte', () => {
    const round = extractFiles(
      JSON.parse(JSON.stringify(embedFiles(withRuns(), files)))
    );
    expect(round.rejected).toEqual([]);
    expect(round.files).toEqual(
      [...files].sort((x, y) => (x.path < y.path ? -1 : 1))
    );
  });

  it('should refuse a notebook without embedded runs', () => {
    expect(() => embedFiles({ metadata: {} }, files)).toThrow(
      'Embed the runs before the files'
    );
  });

  it.each([
    '../escape.txt',
    '/etc/passwd',
    'a/../../b',
    'a//b',
    'C:\\x',
    'a\\..\\b',
    'nul\0byte',
    '%2e%2e/x'
  ])('should refuse to embed the path %j', path => {
    expect(() => embedFiles(withRuns(), [{ path, data: bytes(1) }])).toThrow(
      /Cannot embed/
    );
  });
});

describe('extractFiles', () => {
  it.each<[string, unknown]>([
    ['not an object', 'text'],
    ['no metadata', {}],
    ['no embedded history', { metadata: {} }],
    [
      'a history that is not an object',
      { metadata: { [EMBED_METADATA_KEY]: 3 } }
    ],
    ['no file list', carrying(undefined)],
    ['a file list that is not a list', carrying({ a: 1 })]
  ])('should find no file (and not throw) in %s', (_label, notebook) => {
    expect(extractFiles(notebook)).toEqual({ files: [], rejected: [] });
  });

  it.each<[string, unknown, string]>([
    ['a string entry', 'x', 'embedded file 0 is not a file entry'],
    ['no content', { path: 'a.json' }, 'embedded file 0 is not a file entry'],
    [
      'content that is not text',
      { path: 'a.json', base64: 3 },
      'is not a file entry'
    ],
    ['a traversal', { path: '../a.json', base64: 'AA==' }, '"../a.json"'],
    ['an absolute path', { path: '/a.json', base64: 'AA==' }, 'absolute path'],
    ['a backslash', { path: '..\\a.json', base64: 'AA==' }, '"..\\\\a.json"'],
    ['a NUL byte', { path: 'a\0.json', base64: 'AA==' }, 'a\\u0000.json'],
    ['a number path', { path: 7, base64: 'AA==' }, 'is not a string'],
    ['bad base64', { path: 'a.json', base64: '!!' }, 'is not base64']
  ])('should refuse %s with a reason', (_label, item, reason) => {
    const result = extractFiles(
      carrying([item, { path: 'ok.json', base64: 'e30=' }])
    );
    expect(result.files).toEqual([{ path: 'ok.json', data: text('{}') }]);
    expect(result.rejected).toHaveLength(1);
    expect(result.rejected[0].index).toBe(0);
    expect(result.rejected[0].reason).toContain(reason);
  });

  it('should refuse a path repeated up to case and Unicode normalization', () => {
    const result = extractFiles(
      carrying([
        { path: 'Café.json', base64: 'AA==' },
        { path: 'cafe\u0301.JSON', base64: 'AQ==' },
        { path: 'café.json', base64: 'Ag==' }
      ])
    );
    expect(result.files).toEqual([{ path: 'Café.json', data: bytes(0) }]);
    expect(result.rejected.map(r => r.index)).toEqual([1, 2]);
    expect(result.rejected[0].reason).toContain('is repeated');
  });
});
