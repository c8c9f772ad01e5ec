import { StateDB } from '@jupyterlab/statedb';
import { Signal } from '@lumino/signaling';
import type { IRunSummary } from '../../../core/run';
import { RunsTableModel } from '../model';
import { TABLE_STATE_KEY, TableStateMemory, tableStateKey } from '../service';

function run(id: string, notebookPath: string, acc: number): IRunSummary {
  return {
    id,
    notebookPath,
    experiment: 'e',
    status: 'ok',
    startedAt: '2026-01-01T00:00:00.000Z',
    endedAt: null,
    durationMs: 1,
    executionCount: 1,
    metrics: { acc: { last: acc, min: acc, max: acc, count: 1, lastStep: 0 } }
  };
}

const A = 'a.ipynb';
const B = 'dir/b.ipynb';
const RUNS: Record<string, IRunSummary[]> = {
  [A]: [run('01A1', A, 0.95), run('01A2', A, 0.5)],
  [B]: [run('01B1', B, 0.4), run('01B2', B, 0.3)]
};

/** The runs model as the memory sees it: which notebook is shown. */
class FakeModel {
  notebookPath: string | null = null;
  readonly stateChanged = new Signal<this, void>(this);
  show(path: string | null, table: RunsTableModel): void {
    this.notebookPath = path;
    table.setRuns(path ? RUNS[path] : []);
    this.stateChanged.emit();
  }
}

describe('TableStateMemory', () => {
  let state: StateDB;
  let table: RunsTableModel;
  let model: FakeModel;
  let memory: TableStateMemory;

  beforeEach(() => {
    state = new StateDB();
    table = new RunsTableModel();
    model = new FakeModel();
    memory = new TableStateMemory({ table, model, state });
  });

  afterEach(() => {
    memory.dispose();
    table.dispose();
  });

  const shown = () => table.filtered.map(r => r.id);

  it('should not filter notebook B with the query typed for notebook A', async () => {
    model.show(A, table);
    await memory.ready;
    table.setQuery('metrics.acc > 0.9');
    expect(shown()).toEqual(['01A1']);
    model.show(B, table);
    expect(table.query).toBe('');
    expect(shown()).toEqual(['01B1', '01B2']);
    await memory.ready;
    expect(shown()).toEqual(['01B1', '01B2']);
  });

  it("should bring back each notebook's query, sort and grouping", async () => {
    model.show(A, table);
    await memory.ready;
    table.setQuery('metrics.acc > 0.9');
    table.setGroupBy('status');
    model.show(B, table);
    await memory.ready;
    table.setQuery('metrics.acc < 0.35');
    model.show(A, table);
    await memory.ready;
    expect(table.query).toBe('metrics.acc > 0.9');
    expect(table.groupBy).toBe('status');
    model.show(B, table);
    await memory.ready;
    expect(table.query).toBe('metrics.acc < 0.35');
    expect(table.groupBy).toBeNull();
    expect(shown()).toEqual(['01B2']);
  });

  it('should keep state by notebook path in the state database', async () => {
    model.show(A, table);
    await memory.ready;
    table.setQuery('metrics.acc > 0.9');
    await Promise.resolve();
    expect(await state.fetch(tableStateKey(A))).toMatchObject({
      query: 'metrics.acc > 0.9'
    });
    expect(await state.fetch(tableStateKey(B))).toBeUndefined();
  });

  it('should remove a state that is back to the defaults', async () => {
    model.show(A, table);
    await memory.ready;
    table.setQuery('x');
    table.setQuery('');
    await new Promise(r => setTimeout(r, 0));
    expect(await state.fetch(tableStateKey(A))).toBeUndefined();
  });

  it('should restore a saved state when a notebook is shown', async () => {
    await state.save(tableStateKey(B), { query: 'metrics.acc < 0.35' });
    model.show(B, table);
    await memory.ready;
    expect(shown()).toEqual(['01B2']);
  });

  it('should not undo what the user changed while the state loaded', async () => {
    await state.save(tableStateKey(B), { query: 'metrics.acc < 0.35' });
    model.show(B, table);
    table.setQuery('metrics.acc > 0.35');
    await memory.ready;
    expect(table.query).toBe('metrics.acc > 0.35');
  });

  it('should remove the state once kept for every notebook alike', async () => {
    const db = new StateDB();
    await db.save(TABLE_STATE_KEY, { query: 'leaked' });
    const t = new RunsTableModel();
    const m = new TableStateMemory({
      table: t,
      model: new FakeModel(),
      state: db
    });
    await new Promise(r => setTimeout(r, 0));
    expect(await db.fetch(TABLE_STATE_KEY)).toBeUndefined();
    expect(t.query).toBe('');
    m.dispose();
    t.dispose();
  });
});
