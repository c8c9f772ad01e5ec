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
  it('should call a top-to-bottom run of unchanged cells clean', () => {
    const lineage = analyzeLineage(
      [
        { cellId: 'a', code: 'import x', executionCount: 1 },
        { cellId: 'b', code: 'lr = 0.1', executionCount: 2 }
      ],
      cells,
      't'
    );
    expect(lineage.clean).toBe(true);
    expect(lineage.issues).toEqual([]);
    expect(lineage.entries.map(e => e.state)).toEqual([
      'unchanged',
      'unchanged'
    ]);
  });

  it.each([
    [
      'out of order',
      [
        { cellId: 'b', code: 'lr = 0.1', executionCount: 1 },
        { cellId: 'a', code: 'import x', executionCount: 2 }
      ],
      ['out-of-order']
    ],
    [
      're-run',
      [
        { cellId: 'a', code: 'import x', executionCount: 1 },
        { cellId: 'a', code: 'import x', executionCount: 2 }
      ],
      ['re-run']
    ],
    [
      'edited since',
      [{ cellId: 'b', code: 'lr = 0.5', executionCount: 1 }],
      ['edited']
    ],
    [
      'deleted since',
      [{ cellId: 'gone', code: 'y = 2', executionCount: 1 }],
      ['deleted']
    ],
    [
      'from a console',
      [{ cellId: null, code: 'z = 3', executionCount: 1 }],
      ['external']
    ],
    [
      'the run cell itself ran before',
      [{ cellId: 't', code: 'train()', executionCount: 1 }],
      ['re-run']
    ]
  ])('should flag a lineage %s', (_name, history, issues) => {
    const lineage = analyzeLineage(history, cells, 't');
    expect(lineage.clean).toBe(false);
    expect(lineage.issues).toEqual(issues);
  });

  it('should keep the code as it ran, not as it is now', () => {
    const lineage = analyzeLineage(
      [{ cellId: 'b', code: 'lr = 0.5', executionCount: 4 }],
      cells,
      't'
    );
    expect(lineage.entries).toEqual([
      { cellId: 'b', executionCount: 4, code: 'lr = 0.5', state: 'edited' }
    ]);
  });

  it('should keep the latest entries of a very long history and say so', () => {
    const history = Array.from({ length: 600 }, (_, i) => ({
      cellId: null,
      code: `x = ${i}`,
      executionCount: i + 1
    }));
    const lineage = analyzeLineage(history, cells, 't');
    expect(lineage.entries).toHaveLength(500);
    expect(lineage.entries[0].code).toBe('x = 100');
    expect(lineage.issues).toContain('truncated');
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
      unresolved: [],
      truncated: false,
      unseen: 0,
      historyCount: 40,
      ...over
    })!;

  it('should be clean for the cells a run depends on, however long the session', () => {
    const lineage = lineageFromSlice(slice(), cells, 'exp');
    expect(lineage.entries.map(e => e.cellId)).toEqual(['params', 'data']);
    expect(lineage).toMatchObject({ clean: true, issues: [] });
  });

  it('should flag a dependency edited since it ran', () => {
    const edited = new Map(cells);
    edited.set('params', { index: 0, source: 'lr = 0.2\nseed = 5' });
    expect(lineageFromSlice(slice(), edited, 'exp').issues).toEqual(['edited']);
  });

  it('should call a slice complete unless a name it read was defined unseen', () => {
    expect(isCompleteSlice(slice())).toBe(true);
    expect(isCompleteSlice(slice({ unseen: 2 }))).toBe(true);
    expect(isCompleteSlice(slice({ unseen: 2, unresolved: ['runs'] }))).toBe(
      false
    );
    expect(isCompleteSlice(slice({ truncated: true }))).toBe(false);
  });

  it('should flag history it did not see only when a name is unresolved', () => {
    expect(lineageFromSlice(slice({ unseen: 3 }), cells, 'exp').clean).toBe(
      true
    );
    expect(
      lineageFromSlice(slice({ unseen: 3, unresolved: ['X'] }), cells, 'exp')
        .issues
    ).toEqual(['unknown-history']);
  });

  it.each([null, 1, {}, { executions: [{ code: 3 }] }])(
    'should refuse %j as a slice',
    value => {
      expect(readKernelSlice(value)).toBeNull();
    }
  );
});
