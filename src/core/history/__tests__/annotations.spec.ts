import {
  annotateSummary,
  ANNOTATIONS_FORMAT,
  applyAnnotationPatch,
  loadAnnotationsFile,
  MAX_ANNOTATIONS_BYTES,
  MAX_NOTE,
  MAX_RUN_NAME,
  MAX_TAG,
  MAX_TAGS,
  serializeAnnotations,
  validateAnnotation,
  type IRunAnnotation
} from '../annotations';
import { runId, summary } from './fixtures';

const ID = runId(1);
const manyTags = (n: number) =>
  Object.fromEntries(Array.from({ length: n }, (_v, i) => [`t${i}`, '']));

describe('validateAnnotation', () => {
  it.each<[string, unknown, IRunAnnotation]>([
    ['an empty patch', {}, {}],
    ['a trimmed name', { name: '  best run ' }, { name: 'best run' }],
    ['a blank name (clears it)', { name: '   ' }, {}],
    ['a star', { starred: true }, { starred: true }],
    ['no star (clears it)', { starred: false }, {}],
    [
      'a note kept as written',
      { note: ' two\nlines ' },
      { note: ' two\nlines ' }
    ],
    ['an empty note (clears it)', { note: '' }, {}],
    [
      'tags sorted by key',
      { tags: { z: '1', a: '', m: 'x=y' } },
      { tags: { a: '', m: 'x=y', z: '1' } }
    ],
    ['no tags (clears them)', { tags: {} }, {}],
    [
      'the longest name, note and tag',
      {
        name: 'n'.repeat(MAX_RUN_NAME),
        note: 'n'.repeat(MAX_NOTE),
        tags: { ['k'.repeat(MAX_TAG)]: 'v'.repeat(MAX_TAG) }
      },
      {
        name: 'n'.repeat(MAX_RUN_NAME),
        note: 'n'.repeat(MAX_NOTE),
        tags: { ['k'.repeat(MAX_TAG)]: 'v'.repeat(MAX_TAG) }
      }
    ],
    [
      'hostile text, kept as text',
      { name: '<img src=x onerror=alert(1)>', tags: { '=cmd|x': '@SUM(1)' } },
      { name: '<img src=x onerror=alert(1)>', tags: { '=cmd|x': '@SUM(1)' } }
    ],
    ['unknown fields, dropped', { name: 'a', owner: 'eve' }, { name: 'a' }]
  ])('should accept %s', (_label, input, expected) => {
    expect(validateAnnotation(input)).toEqual(expected);
  });

  it.each<[string, unknown, string]>([
    ['null', null, 'is not an object'],
    ['an array', [], 'is not an object'],
    ['a string', 'name', 'is not an object'],
    ['a number name', { name: 3 }, 'has a name'],
    ['a name too long', { name: 'n'.repeat(MAX_RUN_NAME + 1) }, 'has a name'],
    ['a string star', { starred: 'yes' }, 'has a star'],
    ['a null star', { starred: null }, 'has a star'],
    ['a note too long', { note: 'n'.repeat(MAX_NOTE + 1) }, 'has a note'],
    ['an object note', { note: {} }, 'has a note'],
    ['tags as a list', { tags: ['a'] }, 'has tags'],
    ['a number tag value', { tags: { a: 1 } }, 'has tags'],
    ['an empty tag key', { tags: { ' ': 'x' } }, 'has a tag'],
    [
      'a tag key too long',
      { tags: { ['k'.repeat(MAX_TAG + 1)]: '' } },
      'has a tag'
    ],
    [
      'a tag value too long',
      { tags: { k: 'v'.repeat(MAX_TAG + 1) } },
      'has a tag'
    ],
    ['too many tags', { tags: manyTags(MAX_TAGS + 1) }, `more than ${MAX_TAGS}`]
  ])('should refuse %s with a reason', (_label, input, reason) => {
    const result = validateAnnotation(input);
    expect(typeof result).toBe('string');
    expect(result).toContain(reason);
  });

  it('should not be fooled by __proto__ keys', () => {
    const tags = JSON.parse('{"__proto__": "x", "a": ""}');
    const result = validateAnnotation({ tags }) as IRunAnnotation;
    expect(({} as Record<string, unknown>).x).toBeUndefined();
    expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
  });
});

describe('applyAnnotationPatch', () => {
  const current: IRunAnnotation = {
    name: 'old',
    starred: true,
    note: 'keep',
    tags: { a: '' }
  };

  it.each<[string, IRunAnnotation, IRunAnnotation]>([
    ['rename', { name: 'new' }, { ...current, name: 'new' }],
    [
      'unstar',
      { starred: false },
      { name: 'old', note: 'keep', tags: { a: '' } }
    ],
    [
      'clear the name',
      { name: '' },
      { starred: true, note: 'keep', tags: { a: '' } }
    ],
    [
      'replace the tags',
      { tags: { b: '1' } },
      { ...current, tags: { b: '1' } }
    ],
    [
      'clear the tags',
      { tags: {} },
      { name: 'old', starred: true, note: 'keep' }
    ],
    ['change nothing', {}, current]
  ])('should %s and keep the other fields', (_label, patch, expected) => {
    expect(applyAnnotationPatch(current, patch)).toEqual(expected);
  });

  it('should throw on an invalid patch, leaving the input alone', () => {
    const before = JSON.stringify(current);
    expect(() =>
      applyAnnotationPatch(current, { starred: 'yes' as unknown as boolean })
    ).toThrow(/Invalid annotation: it has a star/);
    expect(JSON.stringify(current)).toBe(before);
  });
});

describe('serializeAnnotations and loadAnnotationsFile', () => {
  const at = new Date('2026-11-28T10:00:00.000Z');

  it('should round-trip every field', () => {
    const annotation: IRunAnnotation = {
      name: 'ünïcode ✓',
      starred: true,
      note: 'line 1\nline 2 "quoted"',
      tags: { owner: 'alice', baseline: '' }
    };
    const text = serializeAnnotations(ID, annotation, at);
    expect(JSON.parse(text)).toMatchObject({
      format: ANNOTATIONS_FORMAT,
      version: 1,
      runId: ID,
      updatedAt: '2026-11-28T10:00:00.000Z'
    });
    expect(loadAnnotationsFile(text, { expectedId: ID })).toEqual({
      ok: true,
      runId: ID,
      annotation: { ...annotation, tags: { baseline: '', owner: 'alice' } }
    });
  });

  it.each(['', '../x', 'abc', `${ID}/x`, ID.toLowerCase() + '!'])(
    'should refuse to write for run id %j',
    bad => {
      expect(() => serializeAnnotations(bad, {})).toThrow(/Invalid run id/);
    }
  );

  const valid = JSON.parse(serializeAnnotations(ID, { name: 'a' }, at));
  it.each<[string, string, string]>([
    [
      'truncated',
      serializeAnnotations(ID, { name: 'a' }).slice(0, 30),
      'is not valid JSON'
    ],
    ['not JSON', 'hello', 'is not valid JSON'],
    ['an array', '[]', 'is not a jupyterlab-runs annotation file'],
    [
      'another format',
      JSON.stringify({ ...valid, format: 'x' }),
      'is not a jupyterlab-runs annotation file'
    ],
    [
      'a newer version',
      JSON.stringify({ ...valid, version: 2 }),
      'has annotation version 2'
    ],
    [
      'a string version',
      JSON.stringify({ ...valid, version: '1' }),
      'has annotation version 1'
    ],
    [
      'no run id',
      JSON.stringify({ ...valid, runId: undefined }),
      'has no valid run id'
    ],
    [
      'a path as run id',
      JSON.stringify({ ...valid, runId: '../../etc' }),
      'has no valid run id'
    ],
    [
      'another run',
      JSON.stringify({ ...valid, runId: runId(2) }),
      `belongs to run ${runId(2)}`
    ],
    ['a bad field', JSON.stringify({ ...valid, starred: 1 }), 'has a star'],
    [
      'too big',
      JSON.stringify({ ...valid, note: 'x'.repeat(MAX_ANNOTATIONS_BYTES) }),
      'larger than the limit'
    ]
  ])('should refuse a file that is %s, naming it', (_label, text, reason) => {
    const result = loadAnnotationsFile(text, {
      fileName: `${ID}.annotations.json`,
      expectedId: ID
    });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toContain(`${ID}.annotations.json: `);
    expect(!result.ok && result.reason).toContain(reason);
  });

  it('should never throw, whatever the input', () => {
    for (const input of [undefined, null, 42, {}, '{', '"x"', 'null']) {
      expect(() =>
        loadAnnotationsFile(input as unknown as string)
      ).not.toThrow();
      expect(loadAnnotationsFile(input as unknown as string).ok).toBe(false);
    }
  });
});

describe('annotateSummary', () => {
  const base = summary(ID, {
    name: 'recorded',
    starred: true,
    tags: { source: 'kernel', owner: 'bob' }
  });

  it('should return the summary itself without an annotation', () => {
    expect(annotateSummary(base, null)).toBe(base);
  });

  it.each<[string, IRunAnnotation, Partial<typeof base>]>([
    [
      'the user name replaces the recorded one',
      { name: 'mine' },
      { name: 'mine' }
    ],
    ['no user name drops the recorded one', {}, { name: undefined }],
    ['no star unstars', {}, { starred: undefined }],
    ['a star stars', { starred: true }, { starred: true }],
    [
      'user tags are added, winning on the same key',
      { tags: { owner: 'alice', x: '' } },
      { tags: { source: 'kernel', owner: 'alice', x: '' } }
    ],
    ['the note stays out', { note: 'secret' }, {}]
  ])('%s', (_label, annotation, expected) => {
    const result = annotateSummary(base, annotation);
    for (const [key, value] of Object.entries(expected)) {
      expect(result[key as keyof typeof base]).toEqual(value);
    }
    expect(result).not.toHaveProperty('note');
    expect(base.name).toBe('recorded'); // the input is not modified
  });
});
