import { Signal } from '@lumino/signaling';
import type { IRunSummary } from '../../../core/run';
import type { IRunStore, IRunStoreChange } from '../../../tokens';
import type { CurveCache } from '../../../core/series/curve';
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

describe('CompareModel: series arriving', () => {
  const runs = ['A', 'B', 'C'].map(id => summary(id, 'ok', 3, 1));
  const series = (k: number) => ({
    loss: {
      step: Array.from({ length: 5000 }, (_, i) => i),
      value: Array.from({ length: 5000 }, (_, i) => Math.sin(i / 50) + k),
      time: Array.from({ length: 5000 }, (_, i) => i * 10)
    }
  });

  function open() {
    // Files come back in a different order than asked, one at a time.
    const order = ['B', 'C', 'A'];
    const store = {
      getSeries: jest.fn(
        (_: string, id: string) =>
          new Promise(resolve =>
            setTimeout(
              () => resolve(series(id.charCodeAt(0))),
              order.indexOf(id) * 5
            )
          )
      ),
      changed: new Signal<IRunStore, IRunStoreChange>({} as never)
    } as unknown as IRunStore;
    return new CompareModel({
      store,
      notebookPath: 'nb.ipynb',
      runIds: ['A', 'B', 'C'],
      runs
    });
  }

  it('should signal each run’s series as it arrives, then that all did', async () => {
    const model = open();
    const events: string[] = [];
    model.seriesLoaded.connect((_, { id, series }) =>
      events.push(`${id}:${Object.keys(series)}`)
    );
    model.changed.connect((_, change) => events.push(change));
    await model.loadSeries();
    expect(events).toEqual(['B:loss', 'C:loss', 'A:loss', 'series']);
    model.dispose();
  });

  it('should let the curves pane prepare each curve on arrival, so the draw reuses them', async () => {
    const { CurvesPane } = await import('../panes/curves');
    const model = open();
    const trans = { __: (s: string) => s, _n: (s: string) => s } as never;
    const pane = new CurvesPane({ model, trans });
    const cache = (pane as unknown as { _curves: CurveCache })._curves;
    await model.loadSeries();
    // Prepared as they came: one miss each, nothing drawn yet.
    expect([cache.misses, cache.hits]).toEqual([3, 0]);
    // The draw asks for the same curves and gets the prepared ones.
    (pane as unknown as { render(): void }).render();
    expect([cache.misses, cache.hits]).toEqual([3, 3]);
    pane.dispose();
    model.dispose();
  });
});
