import * as fc from 'fast-check';
import {
  fitFileName,
  isNotebookRename,
  notebookStem,
  runFilePath,
  runIdFromFileName,
  runsFolder,
  safeJoin,
  sanitizeFileName,
  UnsafePathError,
  utf8Length,
  validateName,
  validateRelativePath
} from '../paths';

describe('run paths', () => {
  it.each([
    ['train.ipynb', 'train.runs'],
    ['work/train.ipynb', 'work/train.runs'],
    ['/work/deep/a.b.ipynb', 'work/deep/a.b.runs'],
    ['noext', 'noext.runs']
  ])('runsFolder(%p) = %p', (nb, folder) => {
    expect(runsFolder(nb)).toBe(folder);
  });

  it('should name the notebook stem', () => {
    expect(notebookStem('x/My Model.ipynb')).toBe('My Model');
  });

  it('should build a run file path beside the notebook', () => {
    expect(runFilePath('work/train.ipynb', '01JDQ6Z0000000000000000000')).toBe(
      'work/train.runs/01JDQ6Z0000000000000000000.json'
    );
  });

  it.each(['../x', '..%2F..%2Fetc', '/etc/passwd', 'a\u0000b', 'C:\\x', ''])(
    'should refuse the run id %p',
    id => {
      expect(() => runFilePath('a.ipynb', id)).toThrow('Invalid run id');
    }
  );

  it.each([
    ['01JDQ6Z0000000000000000000.json', '01JDQ6Z0000000000000000000'],
    ['01JDQ6Z0000000000000000000.txt', null],
    ['notes.json', null],
    ['..json', null]
  ])('runIdFromFileName(%p) = %p', (name, id) => {
    expect(runIdFromFileName(name)).toBe(id);
  });
});

const FOLDER = 'work/train.runs';

/**
 * Resolve a joined path the way the most lenient server, proxy or file
 * system on the way might: decode percent escapes (and %u, and overlong
 * UTF-8) repeatedly, fold Unicode compatibility forms, treat backslashes and
 * slash look-alikes as separators, cut at NUL, drop Windows trailing dots,
 * then normalize `.` and `..`. Returns null when the result leaves `folder`.
 */
function adversarialResolve(folder: string, path: string): string | null {
  let s = path;
  for (let i = 0; i < 4; i++) {
    s = s
      .replace(/%u([0-9a-f]{4})/gi, (_m, h) =>
        String.fromCharCode(parseInt(h, 16))
      )
      .replace(/%c0%ae|%e0%80%ae|%c0%2e/gi, '.')
      .replace(/%c0%af|%c1%9c|%e0%80%af|%c1%1c/gi, '/');
    try {
      s = decodeURIComponent(s);
    } catch {
      s = s.replace(/%([0-9a-f]{2})/gi, (_m, h) =>
        String.fromCharCode(parseInt(h, 16))
      );
    }
  }
  s = s
    .normalize('NFKC')
    .replace(/[\\\u2044\u2215\u2216\u29f8\u29f9\ufe68]/g, '/')
    .split('\u0000')[0];
  if (/^[a-z]:/i.test(s.split('/').slice(-1)[0]) || s.startsWith('/')) {
    return null;
  }
  const out: string[] = [];
  for (const raw of s.split('/')) {
    const seg = raw.replace(/[. ]+$/, m => (raw === m ? m.trim() : ''));
    if (seg === '' || seg === '.') {
      continue;
    }
    if (seg === '..' || /^\.{2,}$/.test(seg)) {
      out.pop();
    } else {
      out.push(seg);
    }
  }
  const resolved = out.join('/');
  return resolved.startsWith(folder + '/') &&
    resolved.length > folder.length + 1
    ? resolved
    : null;
}

/** At least 50 traversal vectors in the spirit of OWASP's cheat sheet. */
const TRAVERSALS: string[] = [
  '..',
  '../',
  '../../etc/passwd',
  '..\\..\\windows\\win.ini',
  '/etc/passwd',
  '\\\\server\\share',
  'C:\\Windows\\system.ini',
  'C:',
  'c:foo',
  'C:/x',
  '%2e%2e%2f',
  '%2e%2e/',
  '..%2f',
  '%2e%2e%5c',
  '..%5c..%5c',
  '%252e%252e%252f',
  '..%252f',
  '%2e%2e%252f',
  '%25252e%25252e%25252f',
  '%c0%ae%c0%ae%c0%af',
  '%c0%ae%c0%ae/',
  '%e0%80%ae%e0%80%ae/',
  '..%c0%af',
  '..%c1%9c',
  '%uff0e%uff0e%u2215',
  '%u002e%u002e%u002f',
  '．．／',
  '．．',
  '..／',
  '．．＼',
  '\u2025',
  '\u2025/',
  '..\u2215etc',
  '..\u2044x',
  '\ufe68..',
  '....//',
  '....\\\\',
  '..;/',
  '.../...//',
  '..\u0000.json',
  'x\u0000.json',
  'file.json\u0000.png',
  '%00',
  '%2500',
  '..%00/',
  '.\\./',
  '/./',
  'a/../b',
  './a',
  '.',
  '...',
  '.. ',
  '..\t',
  '..\u3000',
  '.ssh',
  '.git',
  'con',
  'CON.json',
  'nul.txt',
  'aux',
  'COM1',
  'lpt¹',
  'file.json::$DATA',
  'a\u202egnp.json',
  '\u202e..',
  'x\r\n',
  '\u0085',
  'a'.repeat(256),
  '\u00e9'.repeat(128),
  '\ud800',
  'file://etc/passwd',
  '~',
  '~/.ssh',
  '\\\\?\\C:\\x',
  '\u2100',
  'a\u2101b',
  '',
  ' ',
  '\u00ad..'
];

describe('safe names', () => {
  it('should test at least 50 traversal vectors', () => {
    expect(TRAVERSALS.length).toBeGreaterThanOrEqual(50);
    expect(new Set(TRAVERSALS).size).toBe(TRAVERSALS.length);
  });

  describe.each(TRAVERSALS.map(v => [JSON.stringify(v), v]))(
    'vector %s',
    (_label, vector) => {
      it('should be refused by validateName and safeJoin', () => {
        const check = validateName(vector);
        expect(check.ok).toBe(false);
        expect(!check.ok && check.reason).toMatch(/\w/);
        expect(() => safeJoin(FOLDER, vector)).toThrow(UnsafePathError);
      });

      it('should sanitize to a name that stays in the runs folder', () => {
        const safe = sanitizeFileName(vector);
        expect(validateName(safe)).toEqual({ ok: true, name: safe });
        const joined = safeJoin(FOLDER, safe);
        expect(adversarialResolve(FOLDER, joined)).toBe(joined);
      });
    }
  );

  it.each([
    'model.pt',
    'loss curve.png',
    'résumé.json',
    '日本語.txt',
    'a..b.json',
    '50%off.png',
    'emoji 🎉.png',
    'x'.repeat(255),
    'é'.repeat(127),
    'con-fig.yaml',
    '01JDQ6Z0000000000000000000.json'
  ])('should accept the ordinary name %p unchanged', name => {
    expect(validateName(name)).toEqual({ ok: true, name });
    expect(sanitizeFileName(name)).toBe(name);
    expect(safeJoin(FOLDER, name)).toBe(`${FOLDER}/${name}`);
  });

  it('should accept hidden names only when asked', () => {
    expect(validateName('.keep').ok).toBe(false);
    expect(validateName('.keep', { allowHidden: true }).ok).toBe(true);
    expect(validateName('..', { allowHidden: true }).ok).toBe(false);
  });

  it('should join under a folder whose name holds a backslash (legal on POSIX)', () => {
    expect(safeJoin('work/a\\b.runs', 'x.json')).toBe('work/a\\b.runs/x.json');
    expect(safeJoin('..\\..\\x.runs', 'x.json')).toBe('..\\..\\x.runs/x.json');
    expect(() => safeJoin('work/a.runs', 'a\\b')).toThrow('path separator');
    expect(() => safeJoin('a\u0000b.runs', 'x')).toThrow(
      'not a normalized path'
    );
  });

  it('should refuse a folder that is not normalized', () => {
    expect(() => safeJoin('a/../b', 'x')).toThrow('not a normalized path');
    expect(safeJoin('/a/b/', 'x', 'y')).toBe('a/b/x/y');
    expect(safeJoin('', 'x')).toBe('x');
  });

  it.each([
    ['a.runs/x.json', true],
    ['nb.ipynb', true],
    ['/abs/x', false],
    ['a//b', false],
    ['a/', false],
    ['a/../b', false],
    ['a\\b', false],
    [Array(20).fill('d').join('/'), false],
    [42, false]
  ])('validateRelativePath(%p).ok = %p', (path, ok) => {
    expect(validateRelativePath(path).ok).toBe(ok);
  });

  describe('#fitFileName', () => {
    it.each([
      ['short', 'model.pt', '', 'model.pt'],
      ['exactly 255 bytes', `${'a'.repeat(252)}.pt`, '', null],
      ['with a suffix', 'model.pt', '-2', 'model-2.pt']
    ])('should leave a name that fits (%s)', (_l, name, suffix, expected) => {
      const fitted = fitFileName(name, { suffix });
      expect(fitted).toEqual({ name: expected ?? name, shortened: false });
    });

    it.each([
      ['256 bytes', `${'a'.repeat(253)}.pt`],
      ['257 bytes', `${'a'.repeat(253)}.png`],
      ['252 characters + .png', `${'f'.repeat(252)}.png`],
      ['two-byte characters', `${'é'.repeat(200)}.png`],
      ['three-byte characters', `${'日'.repeat(120)}.csv`],
      ['astral characters', `${'🎉'.repeat(80)}.json`],
      ['no extension', 'b'.repeat(400)],
      ['a long extension', `x.${'e'.repeat(300)}`]
    ])(
      'should cut %s to 255 UTF-8 bytes, keeping the extension',
      (_l, name) => {
        for (const suffix of ['', '-2', '-13']) {
          const fitted = fitFileName(name, { suffix });
          expect(fitted.shortened).toBe(true);
          expect(utf8Length(fitted.name)).toBeLessThanOrEqual(255);
          expect(validateName(fitted.name).ok).toBe(true);
          const dot = name.lastIndexOf('.');
          const ext = dot > 0 && name.length - dot <= 16 ? name.slice(dot) : '';
          expect(fitted.name.endsWith(`${suffix}${ext}`)).toBe(true);
          expect(fitted.name.slice(0, 20)).toBe(name.slice(0, 20));
        }
      }
    );

    it('should keep long names that share their start apart', () => {
      const a = fitFileName(`${'p'.repeat(300)}-a.png`).name;
      const b = fitFileName(`${'p'.repeat(300)}-b.png`).name;
      expect(a).not.toBe(b);
      // Hashing what the caller says the name stands for.
      const c = fitFileName('q'.repeat(300), { key: 'one' }).name;
      const d = fitFileName('q'.repeat(300), { key: 'two' }).name;
      expect(c).not.toBe(d);
    });
  });

  it('should keep the extension when cutting an overlong name', () => {
    const safe = sanitizeFileName('é'.repeat(300) + '.png');
    expect(safe.endsWith('.png')).toBe(true);
    expect(utf8Length(safe)).toBeLessThanOrEqual(255);
  });

  it('should count UTF-8 bytes', () => {
    expect(utf8Length('a')).toBe(1);
    expect(utf8Length('é')).toBe(2);
    expect(utf8Length('日')).toBe(3);
    expect(utf8Length('🎉')).toBe(4);
    expect(utf8Length('\ud800')).toBe(3);
  });

  it('should never let an accepted or sanitized name escape (property)', () => {
    const alphabet = fc.constantFrom(
      '.',
      '/',
      '\\',
      '%',
      '2',
      'e',
      'f',
      'c',
      '0',
      'a',
      ':',
      'C',
      '\u0000',
      '．',
      '／',
      '\u2025',
      '\u2215',
      ' ',
      'u',
      'ff0e',
      '%c0%ae',
      '\u202e',
      'x'
    );
    const names = fc.oneof(
      fc.string({ unit: alphabet, maxLength: 12 }),
      fc.string({ unit: 'grapheme', maxLength: 20 }),
      fc.string({ unit: 'binary', maxLength: 20 })
    );
    fc.assert(
      fc.property(names, name => {
        const check = validateName(name);
        if (check.ok) {
          expect(
            adversarialResolve(FOLDER, `${FOLDER}/${name}`)
          ).not.toBeNull();
        }
        const safe = sanitizeFileName(name);
        expect(validateName(safe).ok).toBe(true);
        expect(
          adversarialResolve(FOLDER, safeJoin(FOLDER, safe))
        ).not.toBeNull();
      }),
      { numRuns: 3000, seed: 20261128 }
    );
  });
});

describe("which renames a notebook's runs follow", () => {
  it.each([
    ['train.ipynb', 'train2.ipynb'],
    ['work/train.ipynb', 'archive/train.ipynb'],
    ['work', 'archive'],
    ['a.runs.ipynb', 'b.ipynb'],
    ['runs/train.ipynb', 'runs/train2.ipynb']
  ])('%s to %s is followed', (from, to) => {
    expect(isNotebookRename(from, to)).toBe(true);
  });

  it.each([
    // This extension's own moves of run files into the trash and back.
    [
      'work/train.runs/01JD0000000000000000000000.json',
      'work/train.runs/trash/01JD0000000000000000000000.json'
    ],
    [
      'train.runs/trash/01JD0000000000000000000000.artifacts',
      'train.runs/01JD0000000000000000000000.artifacts'
    ],
    // A runs folder moved (the store moves it with its notebook).
    ['train.runs', 'train2.runs'],
    ['/train.runs/', 'other/train.runs']
  ])('%s to %s is not', (from, to) => {
    expect(isNotebookRename(from, to)).toBe(false);
  });
});
