/**
 * A metric each compared run logged once (a score at the end, the usual
 * scikit-learn case) is drawn as bars in the Curves and Groups panes: a
 * line or a band of one point per run would be an empty chart. A metric
 * logged many times stays a line. Specs are recorded, not drawn (jsdom
 * has no canvas).
 */
import { Signal } from '@lumino/signaling';
import { Widget } from '@lumino/widgets';
import type { TopLevelSpec } from 'vega-lite';
import { makeRun } from '../../../core/__tests__/fixtures';
import type { IRunSummary } from '../../../core/run';
import { runColor } from '../../../core/runs/names';
import type { IRunStore, IRunStoreChange } from '../../../tokens';
import { trans } from '../../__tests__/trans';
import { ChartView } from '../chart';
import { CompareModel } from '../model';
import { CurvesPane } from '../panes/curves';
import { GroupsPane } from '../panes/groups';

const ids = ['01JDQ6Z0A1AAAAAAAAAAAAAAAA', '01JDQ6Z0A1BBBBBBBBBBBBBBBB'];
const summaries: IRunSummary[] = ids.map((id, i) => {
  const r = makeRun({ id, experiment: 'logreg' });
  return {
    id,
    notebookPath: r.notebookPath,
    experiment: 'logreg',
    seq: i + 1,
    status: 'ok',
    startedAt: r.startedAt,
    endedAt: r.endedAt,
    durationMs: r.durationMs,
    executionCount: i + 1,
    params: { C: i ? 10 : 1 },
    metrics: {
      accuracy: {
        last: 0.8 + i / 10,
        min: 0.8 + i / 10,
        max: 0.8 + i / 10,
        count: 1,
        lastStep: 0
      },
      loss: { last: 0.1, min: 0.1, max: 1, count: 3, lastStep: 2 }
    }
  } as IRunSummary;
});
const series = {
  accuracy: { step: [0], value: [0.8], time: [1] },
  loss: { step: [0, 1, 2], value: [1, 0.5, 0.1], time: [1, 2, 3] }
};

function makeModel() {
  const store = {
    get: async (_nb: string, id: string) => makeRun({ id }),
    getSeries: async () => series,
    changed: new Signal<IRunStore, IRunStoreChange>({} as never)
  } as unknown as IRunStore;
  return new CompareModel({
    store,
    notebookPath: 'nb.ipynb',
    runIds: ids,
    runs: summaries
  });
}

let drawn: Map<string, TopLevelSpec>;

beforeEach(() => {
  drawn = new Map();
  jest.spyOn(ChartView.prototype, 'setSpec').mockImplementation(async function (
    this: ChartView,
    spec
  ) {
    drawn.set(this.node.dataset.chart!, spec);
  });
});

afterEach(() => {
  jest.restoreAllMocks();
  document.body.replaceChildren();
});

const settle = () => new Promise(r => setTimeout(r, 0));

describe('CurvesPane', () => {
  it('should draw a metric logged once per run as one bar per run, in run colours', async () => {
    const model = makeModel();
    model.setOptions({ metric: 'accuracy' });
    const pane = new CurvesPane({ model, trans });
    Widget.attach(pane, document.body);
    await settle();
    const chart = pane.node.querySelector<HTMLElement>(
      '[data-chart="learning-curves"]'
    )!;
    expect(chart.dataset.mark).toBe('bar');
    const spec = drawn.get('learning-curves') as {
      data: { values: { series: string; value: number }[] };
      encoding: { color: { scale: { domain: string[]; range: string[] } } };
    };
    expect(spec.data.values).toEqual([
      { series: 'logreg #1', value: 0.8 },
      { series: 'logreg #2', value: 0.9 }
    ]);
    expect(spec.encoding.color.scale).toEqual({
      domain: ['logreg #1', 'logreg #2'],
      range: summaries.map(s => runColor(s))
    });
    pane.dispose();
    model.dispose();
  });

  it('should draw a metric logged many times as lines', async () => {
    const model = makeModel();
    model.setOptions({ metric: 'loss' });
    const pane = new CurvesPane({ model, trans });
    Widget.attach(pane, document.body);
    await model.loadSeries();
    await settle();
    const chart = pane.node.querySelector<HTMLElement>(
      '[data-chart="learning-curves"]'
    )!;
    expect(chart.dataset.mark).toBe('line rule');
    pane.dispose();
    model.dispose();
  });
});

describe('GroupsPane', () => {
  it('should draw a metric logged once per run as a bar per group with its runs', async () => {
    const model = makeModel();
    model.setOptions({ metric: 'accuracy', groupBy: 'C' });
    const pane = new GroupsPane({ model, trans });
    Widget.attach(pane, document.body);
    await settle();
    const chart = pane.node.querySelector<HTMLElement>(
      '[data-chart="mean-std-bands"]'
    )!;
    expect(chart.dataset.mark).toBe('bar rule point');
    const spec = drawn.get('mean-std-bands') as {
      data: { values: { series: string; mean: number }[] };
    };
    expect(spec.data.values.map(v => [v.series, v.mean])).toEqual([
      ['1', 0.8],
      ['10', 0.9]
    ]);
    pane.dispose();
    model.dispose();
  });
});
