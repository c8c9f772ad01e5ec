import { MAX_READABLE_KEY, runViewId } from '../viewId';

const A = '01JDQ6Z0A1AAAAAAAAAAAAAAAA';
const B = '01JDQ6Z0A1BBBBBBBBBBBBBBBB';
const C = '01JDQ6Z0A1CCCCCCCCCCCCCCCC';

describe('runViewId', () => {
  it('should name a detail by its notebook and run, readably', () => {
    expect(runViewId('detail', 'work/train.ipynb', [A])).toBe(
      `jp-runs-detail-work%2Ftrain.ipynb/${A}/`
    );
  });

  it('should give the same id for the same thing shown', () => {
    expect(runViewId('detail', 'a.ipynb', [A])).toBe(
      runViewId('detail', 'a.ipynb', [A])
    );
  });

  it.each([
    ['another run', ['detail', 'a.ipynb', [B]]],
    ['another notebook', ['detail', 'b.ipynb', [A]]],
    ['another kind', ['compare', 'a.ipynb', [A]]],
    ['a folder', ['folder', 'a.ipynb', []]]
  ] as const)('should differ for %s', (_label, [kind, path, ids]) => {
    expect(runViewId(kind, path, ids)).not.toBe(
      runViewId('detail', 'a.ipynb', [A])
    );
  });

  it('should name a comparison by its set of runs, whatever their order', () => {
    expect(runViewId('compare', 'a.ipynb', [B, A, C])).toBe(
      runViewId('compare', 'a.ipynb', [C, B, A, A])
    );
    expect(runViewId('compare', 'a.ipynb', [A, B])).not.toBe(
      runViewId('compare', 'a.ipynb', [A, B, C])
    );
  });

  it('should not confuse a path with a run id in it with a run', () => {
    // "a.ipynb/A" as a path is encoded: it cannot read as path + run.
    expect(runViewId('folder', `a.ipynb/${A}`)).not.toBe(
      runViewId('detail', 'a.ipynb', [A]).replace('detail', 'folder')
    );
  });

  it('should hash a long key into a short, stable id', () => {
    const ids = Array.from(
      { length: 100 },
      (_v, i) => `01JDQ6Z0A1${String(i).padStart(16, '0')}`
    );
    const id = runViewId('compare', 'deep/folder/notebook.ipynb', ids);
    expect(id).toMatch(/^jp-runs-compare-[0-9a-f]{20}$/);
    expect(runViewId('compare', 'deep/folder/notebook.ipynb', ids)).toBe(id);
    expect(
      runViewId('compare', 'deep/folder/notebook.ipynb', ids.slice(1))
    ).not.toBe(id);
    const longPath = 'x'.repeat(MAX_READABLE_KEY) + '.ipynb';
    expect(runViewId('folder', longPath)).toMatch(
      /^jp-runs-folder-[0-9a-f]{20}$/
    );
    expect(runViewId('detail', longPath, [A])).not.toBe(
      runViewId('folder', longPath).replace('folder', 'detail')
    );
  });

  it('should keep ids free of characters that break an id attribute', () => {
    const id = runViewId('folder', 'My Notebooks/exp "1" #2.ipynb');
    expect(id).not.toMatch(/[\s"#]/);
  });
});
