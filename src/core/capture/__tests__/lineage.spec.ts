import {
  analyzeLineage,
  isCompleteSlice,
  lineageFromSlice,
  readKernelSlice,
  type CurrentCells
} from '../lineage';

const cells: CurrentCells = new Map([
  ['a', { index: 0, source: 'import x' }],
  ['b', { index: 1, source: 'lr = 0.1' }],
  ['t', { index: 2, source: 'train()' }]
]);

describe('#analyzeLineage', () => {
  it('should mark each execution by how its cell stands now', () => {
    const lineage = analyzeLineage(
      [
        { cellId: 'a', code: 'import x', executionCount: 1 },
        { cellId: 'b', code: 'lr = 0.5', executionCount: 2 },
        { cellId: 'gone', code: 'y = 2', executionCount: 3 },
        { cellId: null, code: 'z = 3', executionCount: 4 }
      ],
      cells
    );
    expect(lineage.scope).toBe('session');
    expect(lineage.historyCount).toBe(4);
    expect(lineage.entries.map(e => e.state)).toEqual([
      'unchanged',
      'edited',
      'deleted',
      'external'
    ]);
  });

  it('should keep the code as it ran, not as it is now', () => {
    const lineage = analyzeLineage(
      [{ cellId: 'b', code: 'lr = 0.5', executionCount: 4 }],
      cells
    );
    expect(lineage.entries).toEqual([
      { cellId: 'b', executionCount: 4, code: 'lr = 0.5', state: 'edited' }
    ]);
  });

  it('should keep the latest entries of a very long history and count them all', () => {
    const history = Array.from({ length: 600 }, (_, i) => ({
      cellId: null,
      code: `x = ${i}`,
      executionCount: i + 1
    }));
    const lineage = analyzeLineage(history, cells);
    expect(lineage.entries).toHaveLength(500);
    expect(lineage.entries[0].code).toBe('x = 100');
    expect(lineage.historyCount).toBe(600);
  });
});

describe('#lineageFromSlice', () => {
  const cells = new Map([
    ['params', { index: 0, source: 'lr = 0.2\nseed = 1' }],
    ['data', { index: 1, source: 'X = load(seed)' }],
    ['other', { index: 2, source: 'note = 1' }],
    ['exp', { index: 3, source: 'fit(X, lr)' }]
  ]);
  const slice = (over: object = {}) =>
    readKernelSlice({
      executions: [
        { cellId: 'params', code: 'lr = 0.2\nseed = 1', executionCount: 7 },
        { cellId: 'data', code: 'X = load(seed)', executionCount: 8 }
      ],
      provides: [['lr', 'seed'], ['X']],
      unresolved: [],
      truncated: false,
      unseen: 0,
      historyCount: 40,
      ...over
    })!;

  it('should hold the cells a run depends on and the session length as a number', () => {
    const lineage = lineageFromSlice(slice(), cells);
    expect(lineage.scope).toBe('slice');
    expect(lineage.historyCount).toBe(40);
    expect(lineage.entries.map(e => [e.cellId, e.provides])).toEqual([
      ['params', ['lr', 'seed']],
      ['data', ['X']]
    ]);
  });

  it('should mark a dependency edited since it ran', () => {
    const edited = new Map(cells);
    edited.set('params', { index: 0, source: 'lr = 0.2\nseed = 5' });
    expect(lineageFromSlice(slice(), edited).entries[0].state).toBe('edited');
  });

  it('should call a slice complete unless a name it read was defined unseen', () => {
    expect(isCompleteSlice(slice())).toBe(true);
    expect(isCompleteSlice(slice({ unseen: 2 }))).toBe(true);
    expect(isCompleteSlice(slice({ unseen: 2, unresolved: ['runs'] }))).toBe(
      false
    );
    expect(isCompleteSlice(slice({ truncated: true }))).toBe(false);
  });

  it.each([null, 1, {}, { executions: [{ code: 3 }] }])(
    'should refuse %j as a slice',
    value => {
      expect(readKernelSlice(value)).toBeNull();
    }
  );
});
