import type { IRunSummary, ParamValue } from '../../run';
import {
  codeDiff,
  datasetDiff,
  hasChanges,
  isPythonIdentifier,
  lineageText,
  mapDiff,
  parametersSource,
  pythonLiteral,
  rebuildCells,
  runDetails,
  sideBySide,
  specDataRows,
  toCsv,
  updateParametersSource
} from '../index';

function run(
  id: string,
  params: IRunSummary['params'],
  acc?: number
): IRunSummary {
  return {
    id,
    notebookPath: 'nb.ipynb',
    experiment: 'e',
    status: 'ok',
    startedAt: '2026-11-28T00:00:00Z',
    endedAt: null,
    durationMs: null,
    executionCount: 1,
    params,
    ...(acc === undefined
      ? {}
      : {
          metrics: {
            acc: { last: acc, min: 0, max: acc, count: 3, lastStep: 2 }
          }
        })
  };
}

describe('sideBySide', () => {
  const runs = [
    run('A', { lr: 0.1, model: 'cnn' }, 0.9),
    run('B', { lr: 0.01, model: 'cnn' }, 0.95),
    run('C', { lr: 0.01, model: 'cnn', extra: true })
  ];

  it('should list params then metrics, marking rows that differ', () => {
    const rows = sideBySide(runs);
    expect(rows.map(r => `${r.section}:${r.key}:${r.differs}`)).toEqual([
      'param:extra:true',
      'param:lr:true',
      'param:model:false',
      'metric:acc:true'
    ]);
    expect(rows[3].values).toEqual([0.9, 0.95, undefined]);
  });

  it('should keep only differing rows when asked', () => {
    const keys = sideBySide(runs, { differencesOnly: true }).map(r => r.key);
    expect(keys).toEqual(['extra', 'lr', 'acc']);
  });

  it('should give deltas against the reference run', () => {
    const lr = sideBySide(runs, { referenceId: 'B' }).find(
      r => r.key === 'lr'
    )!;
    expect(lr.deltas[0]).toBeCloseTo(0.09);
    expect(lr.deltas[1]).toBeNull();
    expect(lr.deltas[2]).toBe(0);
    const acc = sideBySide(runs, { referenceId: 'B' }).find(
      r => r.key === 'acc'
    )!;
    expect(acc.deltas[2]).toBeNull();
  });
});

describe('codeDiff', () => {
  it('should show the changed line as removed then added, with line numbers', () => {
    const lines = codeDiff('a = 1\nlr = 0.1\nb = 2', 'a = 1\nlr = 0.01\nb = 2');
    expect(lines).toEqual([
      { kind: 'same', text: 'a = 1', oldLine: 1, newLine: 1 },
      { kind: 'removed', text: 'lr = 0.1', oldLine: 2, newLine: null },
      { kind: 'added', text: 'lr = 0.01', oldLine: null, newLine: 2 },
      { kind: 'same', text: 'b = 2', oldLine: 3, newLine: 3 }
    ]);
    expect(hasChanges(lines)).toBe(true);
    expect(hasChanges(codeDiff('x', 'x'))).toBe(false);
  });

  it('should label each lineage cell', () => {
    expect(
      lineageText([
        {
          cellId: 'c1',
          executionCount: 1,
          code: 'import x\n',
          state: 'unchanged'
        },
        { cellId: null, executionCount: null, code: 'y', state: 'external' }
      ])
    ).toBe('# [1] cell c1\nimport x\n\n# [ ] cell ?\ny');
  });
});

describe('mapDiff', () => {
  it.each<[Record<string, ParamValue>, Record<string, ParamValue>, string[]]>([
    [{ a: 1 }, { a: 1 }, []],
    [{ a: 1 }, { a: 2 }, ['a:changed']],
    [{}, { a: 2 }, ['a:added']],
    [{ a: [1, 2] }, {}, ['a:removed']],
    [{ a: { x: 1 } }, { a: { x: 1 } }, []]
  ])('should compare %j with %j', (before, after, expected) => {
    expect(mapDiff(before, after).map(c => `${c.key}:${c.change}`)).toEqual(
      expected
    );
  });

  it('should compare data files by path and hash', () => {
    const d = (sha: string) => [
      { name: 't', path: 'd/t.csv', size: 1, mtime: null, sha256: sha }
    ];
    expect(datasetDiff(d('1'), d('2'))[0].change).toBe('changed');
    expect(datasetDiff(d('1'), d('1'))[0].change).toBe('same');
  });
});

describe('toCsv', () => {
  it('should quote and neutralize spreadsheet formulas', () => {
    expect(
      toCsv([
        { a: 'x,y', b: '=HYPERLINK("http://e")', c: -1, d: '-2', e: null }
      ])
    ).toBe('a,b,c,d,e\r\n"x,y","\'=HYPERLINK(""http://e"")",-1,\'-2,\r\n');
  });

  it('should take the largest inline dataset of a layered spec', () => {
    const spec = {
      layer: [
        { data: { values: [{ a: 1 }] } },
        { data: { values: [{ b: 1 }, { b: 2 }] } }
      ]
    };
    expect(specDataRows(spec)).toEqual([{ b: 1 }, { b: 2 }]);
  });
});

describe('restore', () => {
  it.each<[ParamValue, string]>([
    [null, 'None'],
    [true, 'True'],
    [NaN, "float('nan')"],
    [-Infinity, "float('-inf')"],
    ['a"b\n', '"a\\"b\\n"'],
    [[1, 'x', { k: false }], '[1, "x", {"k": False}]']
  ])('should write %j as %s', (value, literal) => {
    expect(pythonLiteral(value)).toBe(literal);
  });

  it('should never turn a param name into code', () => {
    expect(isPythonIdentifier('lr')).toBe(true);
    expect(isPythonIdentifier('class')).toBe(false);
    const { source, skipped } = parametersSource({
      lr: 0.1,
      'x = __import__("os").system("rm -rf /")\ny': 1,
      'a.b': 2
    });
    expect(source).toBe('lr = 0.1');
    expect(skipped).toHaveLength(2);
  });

  it('should rewrite the assignments of a parameters cell', () => {
    const next = updateParametersSource(
      '# comment\nlr = 0.1\nepochs = 3\nlr == 2',
      {
        lr: 0.01,
        model: 'cnn',
        inferred: 1
      },
      { lr: 'parameters', model: 'parameters', inferred: 'inferred' }
    );
    expect(next.source).toBe(
      '# comment\nlr = 0.01\nepochs = 3\nlr == 2\nmodel = "cnn"'
    );
    expect(next.changed).toEqual(['lr', 'model']);
  });

  it('should keep lines that already hold the run value as they were written', () => {
    const next = updateParametersSource(
      "lr = 1e-1  # step\nname = 'cnn'\nflag = True\nn = 1_000",
      { lr: 0.1, name: 'cnn', flag: true, n: 1000 },
      {
        lr: 'parameters',
        name: 'parameters',
        flag: 'parameters',
        n: 'parameters'
      }
    );
    expect(next.source).toBe(
      "lr = 1e-1  # step\nname = 'cnn'\nflag = True\nn = 1_000"
    );
    expect(next.changed).toEqual([]);
  });

  it('should rebuild a notebook from the lineage, the last execution of a cell winning at its first place', () => {
    const cells = rebuildCells({
      params: { lr: 0.1 },
      lineage: [
        { cellId: 'a', executionCount: 1, code: 'x = 1', state: 'unchanged' },
        { cellId: 'b', executionCount: 2, code: 'y = 1', state: 'unchanged' },
        { cellId: 'a', executionCount: 3, code: 'x = 2', state: 'edited' }
      ],
      code: 'train()',
      experimentTag: 'experiment:e'
    });
    expect(cells).toEqual([
      { cellId: null, source: 'lr = 0.1', tags: ['parameters'] },
      { cellId: 'a', source: 'x = 2', tags: [] },
      { cellId: 'b', source: 'y = 1', tags: [] },
      { cellId: null, source: 'train()', tags: ['experiment:e'] }
    ]);
  });

  it('should keep the parameters cell where it ran instead of adding one', () => {
    const lineage = [
      { cellId: 'i', executionCount: 1, code: 'import os', state: 'unchanged' },
      {
        cellId: 'p',
        executionCount: 2,
        code: 'lr = 0.1\nepochs = 3',
        state: 'unchanged'
      },
      {
        cellId: 'd',
        executionCount: 3,
        code: 'data = load()',
        state: 'unchanged'
      }
    ] as const;
    const cells = rebuildCells({
      params: { lr: 0.1, epochs: 3, seed: 7 },
      paramSources: {
        lr: 'parameters',
        epochs: 'parameters',
        seed: 'explicit'
      },
      lineage,
      code: 'runs.log_param("seed", 7)',
      experimentTag: 'experiment'
    });
    expect(cells.map(({ source, tags }) => ({ source, tags }))).toEqual([
      { source: 'import os', tags: [] },
      { source: 'lr = 0.1\nepochs = 3', tags: ['parameters'] },
      { source: 'data = load()', tags: [] },
      { source: 'runs.log_param("seed", 7)', tags: ['experiment'] }
    ]);
    expect(cells.filter(c => c.tags.includes('parameters'))).toHaveLength(1);
  });

  it('should lead with a parameters cell when the one that ran is not in the lineage', () => {
    const cells = rebuildCells({
      params: { lr: 0.1, epochs: 3 },
      paramSources: { lr: 'parameters', epochs: 'parameters' },
      // Assigns lr but not epochs: not the parameters cell.
      lineage: [
        { cellId: 'x', executionCount: 1, code: 'lr = 5', state: 'unchanged' }
      ],
      code: 'train()',
      experimentTag: 'experiment'
    });
    expect(cells.map(c => c.tags)).toEqual([
      ['parameters'],
      [],
      ['experiment']
    ]);
    expect(cells[0].source).toBe('lr = 0.1\nepochs = 3');
  });
});

describe('runDetails', () => {
  it('should read nothing from an old record', () => {
    const d = runDetails({ id: 'x' });
    expect(d.params).toEqual({});
    expect(d.lineage).toEqual({
      scope: null,
      entries: [],
      historyCount: null,
      clean: null,
      issues: []
    });
    expect(d.provenance).toBeNull();
    expect(d.outputFiles).toEqual([]);
    expect(d.confusion).toEqual([]);
  });

  it('should keep well-formed plots and drop malformed ones', () => {
    const d = runDetails({
      plots: [
        {
          kind: 'confusion_matrix',
          name: 'm',
          labels: ['a', 1],
          matrix: [
            [1, 2],
            [3, 'NaN']
          ]
        },
        {
          kind: 'confusion_matrix',
          name: 'bad',
          labels: ['a'],
          matrix: [[1, 2]]
        },
        { kind: 'roc', name: 'r', fpr: [0, 1], tpr: [0, 1], auc: 0.5 },
        { kind: 'pr', name: 'p', precision: [1], recall: [0, 1] },
        'junk'
      ],
      environment: { deepProbe: true, hash: '../../etc/passwd' },
      tags: { ok: 'v', bad: 3 }
    });
    expect(d.confusion).toHaveLength(1);
    expect(d.confusion[0].labels).toEqual(['a', '1']);
    expect(d.curves).toEqual([
      {
        kind: 'roc',
        name: 'r',
        points: [
          { x: 0, y: 0 },
          { x: 1, y: 1 }
        ],
        area: 0.5
      }
    ]);
    expect(d.environment.hash).toBeNull();
    expect(d.tags).toEqual({ ok: 'v' });
  });
});
