import type { IRunProvenance } from '../../run';
import { readKernelSlice, type CurrentCells } from '../lineage';
import { describeRun, provenanceFromSlice } from '../provenance';

/** The sweep notebook (ui-tests/notebooks/sweep.ipynb), as it is now. */
const PARAMS = "lr = 0.1\nseed = 1\ndata_path = 'sweep-data.csv'";
const DATA =
  'import numpy as np\nrng = np.random.default_rng(seed)\nX = rng.normal(size=(200, 2))\nnp.savetxt(data_path, X)';
const TRAIN = 'data = np.loadtxt(data_path)\nw = fit(data, lr)';

function notebook(
  over: Record<string, string | null> = {}
): Map<string, { index: number; source: string }> {
  const sources: [string, string][] = [
    ['intro', '# A parameter sweep'],
    ['params', PARAMS],
    ['data', DATA],
    ['unrelated', "note = 'unused'"],
    ['train', TRAIN]
  ];
  const cells = new Map<string, { index: number; source: string }>();
  let index = 0;
  for (const [id, source] of sources) {
    const now = id in over ? over[id] : source;
    if (now !== null) {
      cells.set(id, { index: index++, source: now });
    }
  }
  return cells;
}

interface IExec {
  cellId: string | null;
  code: string;
  count: number;
  defines: string[];
  uses: string[];
  provides: string[];
  parameters?: boolean;
}

const params = (
  count: number,
  code = PARAMS,
  provides = ['data_path', 'lr', 'seed']
): IExec => ({
  cellId: 'params',
  code,
  count,
  defines: ['data_path', 'lr', 'seed'],
  uses: [],
  provides,
  parameters: true
});
const data = (count: number, code = DATA): IExec => ({
  cellId: 'data',
  code,
  count,
  defines: ['X', 'np', 'rng'],
  uses: ['data_path', 'seed'],
  provides: ['np']
});

/** A slice as the kernel sends it (`Slice.to_json` + `uses`, `unseen`). */
function slice(executions: IExec[], over: object = {}) {
  return readKernelSlice({
    executions: executions.map(e => ({
      cellId: e.cellId,
      code: e.code,
      executionCount: e.count,
      defines: e.defines,
      uses: e.uses,
      unsure: null,
      parameters: e.parameters ?? false
    })),
    provides: executions.map(e => e.provides),
    uses: ['data_path', 'lr', 'np'],
    selfDependent: [],
    unresolved: [],
    truncated: false,
    unseen: 0,
    historyCount: 30,
    ...over
  })!;
}

const run = { cellId: 'train', code: TRAIN, executionCount: 99 };

function check(
  executions: IExec[],
  cells: CurrentCells = notebook(),
  over: object = {}
): IRunProvenance {
  return provenanceFromSlice(slice(executions, over), cells, run);
}

describe('#provenanceFromSlice', () => {
  it('should call every run of an "edit the parameters, Run All" sweep clean', () => {
    for (const [k, lr] of [0.1, 0.2, 0.3, 0.5, 0.8, 1.3].entries()) {
      const code = `lr = ${lr}\nseed = 1\ndata_path = 'sweep-data.csv'`;
      const cells = notebook({ params: code });
      // Run All k: the parameters cell, the data cell, then the experiment.
      const p = check([params(3 * k + 1, code), data(3 * k + 2)], cells);
      expect(p).toEqual({ state: 'clean', issues: [] });
    }
  });

  it('should name the stale seed and the cell that used it when the parameters cell was edited but not run', () => {
    const cells = notebook({ params: PARAMS.replace('seed = 1', 'seed = 5') });
    const p = check([params(1), data(2)], cells);
    expect(p.state).toBe('stale');
    expect(p.issues).toEqual([
      {
        kind: 'stale-param',
        name: 'seed',
        used: '1',
        now: '5',
        cell: {
          cellId: 'params',
          executionCount: 1,
          index: 1,
          line: 'lr = 0.1'
        },
        usedBy: [
          {
            cellId: 'data',
            executionCount: 2,
            index: 2,
            line: 'import numpy as np'
          }
        ]
      }
    ]);
  });

  it('should flag the stale seed when the parameters cell ran again but the data cell did not', () => {
    // Run All with seed = 1, then seed = 5 in the parameters cell, run it,
    // then only the experiment: the data split still used seed = 1.
    const now = PARAMS.replace('seed = 1', 'seed = 5');
    const p = check(
      [
        params(1, PARAMS, ['data_path', 'seed']),
        data(2),
        params(4, now, ['data_path', 'lr'])
      ],
      notebook({ params: now })
    );
    expect(p.state).toBe('stale');
    expect(p.issues[0]).toMatchObject({
      kind: 'stale-param',
      name: 'seed',
      used: '1',
      now: '5',
      usedBy: [{ cellId: 'data' }]
    });
    // ...and the parameters cell ran again after the data cell read it,
    // with another seed (`data_path` it assigned unchanged).
    expect(p.issues.slice(1)).toEqual([
      expect.objectContaining({
        kind: 'out-of-order',
        cell: expect.objectContaining({ cellId: 'params', executionCount: 4 }),
        after: expect.objectContaining({ cellId: 'data' }),
        names: ['seed']
      })
    ]);
  });

  it('should not call the parameters cell run again with the same values out of order', () => {
    // Edit lr, run the parameters cell and the experiment only: the data
    // cell read `seed` and `data_path`, assigned again unchanged.
    const now = PARAMS.replace('lr = 0.1', 'lr = 0.3');
    const executions = [
      params(1, PARAMS, ['data_path', 'seed']),
      data(2),
      params(4, now, ['data_path', 'lr'])
    ];
    expect(check(executions, notebook({ params: now }))).toEqual({
      state: 'clean',
      issues: []
    });
    // A value spelled otherwise (`1.0`) is not taken for the same.
    const respelled = now.replace('seed = 1', 'seed = 1.0');
    expect(
      check(
        [executions[0], executions[1], params(4, respelled)],
        notebook({ params: respelled })
      ).issues
    ).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'out-of-order', names: ['seed'] })
      ])
    );
  });

  it("should take the values of a run's own parameters execution as its own once the sweep moved on", () => {
    // A queued burst: the parameters cell ran with lr = 0.01 (In[10]), then
    // the run; the user had already edited it to 0.05 and queued it again.
    const ran = PARAMS.replace('lr = 0.1', 'lr = 0.01');
    const cells = notebook({ params: PARAMS.replace('lr = 0.1', 'lr = 0.05') });
    const executions = [params(10, ran), data(2)];
    expect(check(executions, cells).issues).toMatchObject([
      { kind: 'stale-param', name: 'lr', used: '0.01', now: '0.05' }
    ]);
    expect(provenanceFromSlice(slice(executions), cells, run, 10)).toEqual({
      state: 'clean',
      issues: []
    });
    // Only that execution: an earlier one the data split read is still
    // checked against the cell (the stale seed), and an edit beyond the
    // assignments is still an edit.
    const now = PARAMS.replace('seed = 1', 'seed = 5');
    expect(
      provenanceFromSlice(
        slice([
          params(1, PARAMS, ['data_path', 'seed']),
          data(2),
          params(4, now, ['data_path', 'lr'])
        ]),
        notebook({ params: now.replace('lr = 0.1', 'lr = 0.2') }),
        run,
        4
      ).issues[0]
    ).toMatchObject({ kind: 'stale-param', name: 'seed', used: '1' });
    expect(
      provenanceFromSlice(
        slice(executions),
        notebook({ params: `${PARAMS}\nseed += 1` }),
        run,
        10
      ).issues
    ).toMatchObject([{ kind: 'edited', cell: { cellId: 'params' } }]);
  });

  it('should say a parameter is no longer set', () => {
    const cells = notebook({
      params: "lr = 0.1\ndata_path = 'sweep-data.csv'"
    });
    expect(check([params(1), data(2)], cells).issues).toMatchObject([
      { kind: 'stale-param', name: 'seed', now: null, used: '1' }
    ]);
  });

  it('should stay clean when the parameters cell changed only in what the run did not use', () => {
    const cells = notebook({ params: `${PARAMS}  # the sweep\nepochs = 3` });
    expect(check([params(1), data(2)], cells).state).toBe('clean');
  });

  it('should call a parameters cell edited beyond its assignments edited', () => {
    const cells = notebook({ params: `${PARAMS}\nseed += 1` });
    expect(check([params(1), data(2)], cells).issues).toMatchObject([
      { kind: 'edited', cell: { cellId: 'params' } }
    ]);
  });

  it('should flag a dependency edited since it ran, with what the run took from it', () => {
    const cells = notebook({ data: DATA.replace('200', '500') });
    const p = check([params(1), data(2)], cells);
    expect(p.state).toBe('stale');
    expect(p.issues).toMatchObject([
      { kind: 'edited', cell: { cellId: 'data', index: 2 }, names: ['np'] }
    ]);
  });

  it('should flag a dependency deleted since it ran', () => {
    const p = check([params(1), data(2)], notebook({ data: null }));
    expect(p.issues).toMatchObject([
      { kind: 'deleted', cell: { cellId: 'data', index: null }, names: ['np'] }
    ]);
  });

  it('should flag dependent cells run against notebook order', () => {
    // `lr = 0.5` (cell 3) ran first, then `model = make(lr)` (cell 2).
    const cells = new Map([
      ['a', { index: 0, source: 'lr = 0.1' }],
      ['b', { index: 1, source: 'model = make(lr)' }],
      ['c', { index: 2, source: 'lr = 0.5' }],
      ['train', { index: 3, source: TRAIN }]
    ]);
    const p = check(
      [
        {
          cellId: 'c',
          code: 'lr = 0.5',
          count: 1,
          defines: ['lr'],
          uses: [],
          provides: ['lr']
        },
        {
          cellId: 'b',
          code: 'model = make(lr)',
          count: 2,
          defines: ['model'],
          uses: ['lr', 'make'],
          provides: ['model']
        }
      ],
      cells
    );
    expect(p.issues).toMatchObject([
      {
        kind: 'out-of-order',
        cell: { cellId: 'b' },
        after: { cellId: 'c' },
        names: ['lr']
      }
    ]);
  });

  it('should not flag independent cells run in another order', () => {
    const cells = new Map([
      ['a', { index: 0, source: 'x = 1' }],
      ['b', { index: 1, source: 'y = 2' }],
      ['train', { index: 2, source: TRAIN }]
    ]);
    const p = check(
      [
        {
          cellId: 'b',
          code: 'y = 2',
          count: 1,
          defines: ['y'],
          uses: [],
          provides: ['y']
        },
        {
          cellId: 'a',
          code: 'x = 1',
          count: 2,
          defines: ['x'],
          uses: [],
          provides: ['x']
        }
      ],
      cells
    );
    expect(p).toEqual({ state: 'clean', issues: [] });
  });

  it('should flag a dependency that sits below the experiment cell', () => {
    const cells = notebook();
    cells.set('late', { index: 9, source: 'lr = 0.3' });
    const p = check(
      [
        params(1),
        data(2),
        {
          cellId: 'late',
          code: 'lr = 0.3',
          count: 3,
          defines: ['lr'],
          uses: [],
          provides: ['lr']
        }
      ],
      cells
    );
    expect(p.issues).toMatchObject([
      { kind: 'below', cell: { cellId: 'late', index: 9 }, names: ['lr'] }
    ]);
  });

  it('should flag code from outside the notebook', () => {
    const p = check([
      params(1),
      data(2),
      {
        cellId: null,
        code: 'lr = 9',
        count: 3,
        defines: ['lr'],
        uses: [],
        provides: ['lr']
      }
    ]);
    expect(p.issues).toMatchObject([{ kind: 'external', names: ['lr'] }]);
  });

  it('should flag state left by earlier runs of the experiment cell', () => {
    const p = check([params(1), data(2)], notebook(), { selfDependent: ['n'] });
    expect(p).toEqual({
      state: 'stale',
      issues: [{ kind: 'self-dependent', names: ['n'] }]
    });
  });

  it('should answer unknown, not clean, when names could not be traced', () => {
    const p = check([params(1), data(2)], notebook(), {
      unseen: 4,
      unresolved: ['df']
    });
    expect(p).toEqual({
      state: 'unknown',
      issues: [{ kind: 'incomplete', names: ['df'] }]
    });
  });
});

describe('#describeRun', () => {
  it('should check nothing without a slice and say so', () => {
    const history = [{ cellId: 'params', code: PARAMS, executionCount: 1 }];
    const { lineage, provenance } = describeRun(null, notebook(), run, history);
    expect(lineage?.scope).toBe('session');
    expect(provenance).toEqual({
      state: 'unknown',
      issues: [{ kind: 'no-slice' }]
    });
  });

  it('should keep the slice lineage and its provenance for a complete slice', () => {
    const { lineage, provenance } = describeRun(
      slice([params(1), data(2)]),
      notebook(),
      run,
      []
    );
    expect(lineage).toMatchObject({ scope: 'slice', historyCount: 30 });
    expect(provenance?.state).toBe('clean');
  });

  it('should record nothing for a journaled run without a slice', () => {
    expect(describeRun(null, notebook(), run, null)).toEqual({});
  });

  it('should tie an execution no page saw to the one cell with its code, and leave one it cannot', () => {
    // The kernel took executions from before its set-up into its history;
    // this page was reloaded since and could not say which cells ran them.
    const unseen = slice([
      { ...params(1), cellId: null },
      { ...data(2), cellId: null }
    ]);
    const { lineage, provenance } = describeRun(unseen, notebook(), run, []);
    expect(lineage?.entries?.map(e => e.cellId)).toEqual(['params', 'data']);
    expect(provenance).toEqual({ state: 'clean', issues: [] });
    // The data cell's code in two cells: which ran it is not known.
    const twice = new Map(notebook());
    twice.set('copy', { index: 5, source: DATA });
    const ambiguous = describeRun(unseen, twice, run, []);
    expect(ambiguous.lineage?.entries?.map(e => e.cellId)).toEqual([
      'params',
      null
    ]);
    expect(ambiguous.provenance?.state).toBe('stale');
    expect(ambiguous.provenance?.issues).toEqual([
      expect.objectContaining({ kind: 'external' })
    ]);
    // Edited since: no cell has its code.
    const edited = describeRun(
      unseen,
      notebook({ data: `${DATA}\nprint(X)` }),
      run,
      []
    );
    expect(edited.lineage?.entries?.map(e => e.cellId)).toEqual([
      'params',
      null
    ]);
  });
});
