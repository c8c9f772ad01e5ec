import type { IRunRecord } from '../../run';
import { runNotebook, runNotebookCells } from '../notebook';

/** A run of the sweep notebook (ui-tests/notebooks/sweep.ipynb). */
function sweepRun(
  lineage: { cellId: string | null; code: string }[],
  params: IRunRecord['params'],
  paramSources: IRunRecord['paramSources']
): IRunRecord {
  return {
    schemaVersion: 2,
    id: '01HZZZZZZZZZZZZZZZZZZZZZZZ',
    notebookPath: 'dir/sweep.ipynb',
    cellId: 'train',
    experiment: 'logreg',
    code: 'acc = train(X, lr)',
    executionCount: 9,
    startedAt: '2026-01-01T00:00:00.000Z',
    endedAt: '2026-01-01T00:00:01.000Z',
    durationMs: 1000,
    status: 'ok',
    outputs: [],
    kernel: { name: 'python3', language: 'python', languageVersion: '3.12' },
    extensionVersion: '0.0.0',
    params,
    paramSources,
    lineage: {
      scope: 'slice',
      entries: lineage.map((e, i) => ({
        ...e,
        executionCount: i + 1,
        state: 'unchanged'
      }))
    }
  };
}

const P1 = "lr = 0.1\nseed = 1\ndata_path = 'sweep-data.csv'";
const P5 = "lr = 0.1\nseed = 5\ndata_path = 'sweep-data.csv'";
const DATA = 'rng = np.random.default_rng(seed)\nX = rng.normal(size=(200, 2))';
const IMPORT = 'import numpy as np';
const SOURCES = {
  lr: 'parameters',
  seed: 'parameters',
  data_path: 'parameters',
  batch: 'inferred'
} as const;

describe('runNotebookCells', () => {
  it('should put the parameters cell first and the experiment cell last for a Run All slice', () => {
    const cells = runNotebookCells(
      sweepRun(
        [
          { cellId: 'params', code: P1 },
          { cellId: 'imports', code: IMPORT },
          { cellId: 'data', code: DATA }
        ],
        { lr: 0.1, seed: 1, data_path: 'sweep-data.csv', batch: 16 },
        SOURCES
      )
    );
    expect(cells.map(c => [c.id, c.tags])).toEqual([
      ['params', ['parameters']],
      ['imports', []],
      ['data', []],
      ['train', ['experiment:logreg']]
    ]);
    // The run's values were already the cell's: kept as the user wrote them.
    expect(cells[0].source).toBe(P1);
  });

  it('should place a parameters cell re-run after the data cell before it, with its latest values (the stale run)', () => {
    // seed = 1, data split, then seed = 5 and only the experiment re-run:
    // the slice holds both executions of the parameters cell.
    const cells = runNotebookCells(
      sweepRun(
        [
          { cellId: 'params', code: P1 },
          { cellId: 'data', code: DATA },
          { cellId: 'params', code: P5 }
        ],
        { lr: 0.1, seed: 5, data_path: 'sweep-data.csv' },
        SOURCES
      )
    );
    expect(cells.map(c => c.id)).toEqual(['params', 'data', 'train']);
    expect(cells[0].source).toBe(P5);
    expect(cells.filter(c => c.tags.includes('parameters'))).toHaveLength(1);
  });

  it('should apply the run params to the parameters cell that ran when they differ', () => {
    // The parameters snapshot (seed = 5) is later than the execution the
    // slice kept (seed = 1): the notebook runs with the run's params.
    const cells = runNotebookCells(
      sweepRun(
        [
          { cellId: 'params', code: `${P1}  # the first try` },
          { cellId: 'data', code: DATA }
        ],
        { lr: 0.1, seed: 5, data_path: 'sweep-data.csv' },
        SOURCES
      )
    );
    expect(cells[0].source).toBe(
      "lr = 0.1\nseed = 5\ndata_path = 'sweep-data.csv'  # the first try"
    );
  });

  it('should lead with a parameters cell written from the params when none ran in the slice', () => {
    const cells = runNotebookCells(
      sweepRun(
        [{ cellId: 'imports', code: IMPORT }],
        { lr: 0.01 },
        {
          lr: 'parameters'
        }
      )
    );
    expect(cells[0]).toEqual(
      expect.objectContaining({ source: 'lr = 0.01', tags: ['parameters'] })
    );
    expect(cells[0].id).toMatch(/^run-cell-\d+$/);
  });

  it('should keep each cell once with the code of its latest execution, at its first place', () => {
    const cells = runNotebookCells(
      sweepRun(
        [
          { cellId: 'f', code: 'def f(x):\n    return x' },
          { cellId: 'use', code: 'y = f(1)' },
          { cellId: 'f', code: 'def f(x):\n    return 2 * x' }
        ],
        {},
        {}
      )
    );
    expect(cells.map(c => [c.id, c.source])).toEqual([
      ['f', 'def f(x):\n    return 2 * x'],
      ['use', 'y = f(1)'],
      ['train', 'acc = train(X, lr)']
    ]);
  });

  it('should give every cell a unique valid nbformat id', () => {
    const record = sweepRun(
      [
        { cellId: null, code: 'x = 1' },
        { cellId: 'bad id with spaces', code: 'y = 2' },
        { cellId: null, code: 'z = 3' }
      ],
      {},
      {}
    );
    record.cellId = 'run-origin'; // taken by the heading
    const ids = runNotebookCells(record).map(c => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) {
      expect(id).toMatch(/^[a-zA-Z0-9_-]{1,64}$/);
      expect(id).not.toBe('run-origin');
    }
  });
});

describe('runNotebook', () => {
  it('should be the heading and the cells, with the run kernelspec and no outputs', () => {
    const record = sweepRun(
      [{ cellId: 'params', code: P1 }],
      { lr: 0.1 },
      {
        lr: 'parameters'
      }
    );
    const nb = runNotebook(record, 'From run X');
    expect(nb.metadata.kernelspec.name).toBe('python3');
    expect(nb.metadata['jupyterlab-runs'].rebuiltFrom).toBe(record.id);
    expect(nb.cells[0]).toEqual(
      expect.objectContaining({ cell_type: 'markdown', source: 'From run X' })
    );
    const code = nb.cells.slice(1);
    expect(code.map(c => c.id)).toEqual(
      runNotebookCells(record).map(c => c.id)
    );
    expect(code.every(c => (c.outputs as unknown[]).length === 0)).toBe(true);
  });
});
