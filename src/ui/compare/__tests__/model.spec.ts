import { Signal } from '@lumino/signaling';
import type { IRunSummary } from '../../../core/run';
import type { IRunsExplorer, IRunStore } from '../../../tokens';
import { CompareModel } from '../model';

function summary(
  id: string,
  status: IRunSummary['status'],
  lastStep: number,
  last: number
): IRunSummary {
  return {
    id,
    notebookPath: 'nb.ipynb',
    experiment: 'train',
    status,
    startedAt: '2026-01-01T00:00:00.000Z',
    endedAt: null,
    durationMs: null,
    executionCount: 1,
    params: {},
    metrics: {
      loss: { last, min: last, max: last, count: lastStep + 1, lastStep }
    }
  } as IRunSummary;
}

class FakeExplorer {
  changed = new Signal<IRunsExplorer, void>(this as never);
  notebookPath = 'nb.ipynb';
  runs: IRunSummary[] = [];
  selected: IRunSummary[] = [];
  getRun(id: string) {
    return this.runs.find(r => r.id === id);
  }
  select() {
    /* unused */
  }
  update(runs: IRunSummary[]) {
    this.runs = runs;
    this.changed.emit();
  }
}

describe('CompareModel: live curves', () => {
  it('should extend a running run’s series from live summaries until the stored one exists', async () => {
    const stored = {
      loss: { step: [0, 1, 2, 3], value: [4, 3, 2, 1], time: [0, 1, 2, 3] }
    };
    let finished = false;
    const store = {
      getSeries: jest.fn(async () => (finished ? stored : null))
    } as unknown as IRunStore;
    const explorer = new FakeExplorer();
    explorer.runs = [summary('A', 'running', 0, 4)];
    const model = new CompareModel({
      store,
      notebookPath: 'nb.ipynb',
      runIds: ['A'],
      explorer: explorer as unknown as IRunsExplorer,
      liveInterval: 1
    });
    const changes: string[] = [];
    model.changed.connect((_, c) => changes.push(c));
    expect(model.series('A')?.loss.step).toEqual([0]);
    explorer.update([summary('A', 'running', 1, 3)]);
    explorer.update([summary('A', 'running', 1, 3)]); // no new step
    explorer.update([summary('A', 'running', 2, 2)]);
    const live = model.series('A')!;
    expect(live.loss.step).toEqual([0, 1, 2]);
    expect(live.loss.value).toEqual([4, 3, 2]);
    expect(changes).toContain('runs');
    // The store has nothing while running: the live series stays.
    await model.loadSeries();
    expect(model.series('A')).toBe(live);
    // Finished: the stored series replaces the live one.
    finished = true;
    explorer.update([summary('A', 'ok', 3, 1)]);
    await new Promise(r => setTimeout(r, 50));
    expect(model.series('A')).toBe(stored);
    model.dispose();
  });
});
