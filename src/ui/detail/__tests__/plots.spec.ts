/**
 * The run detail shows the run's own plots: curves for metrics logged
 * many times, bars (never an empty line chart) for metrics logged once,
 * its confusion matrix and ROC / PR curves with the areas written out, and
 * its figures. The specs handed to the charts are recorded, not drawn
 * (jsdom has no canvas); what Vega draws of them is the core's business
 * (`src/core/charts/__tests__`) and Galata's (`run-plots.spec.ts`).
 */
import type { TopLevelSpec } from 'vega-lite';
import { makeRun } from '../../../core/__tests__/fixtures';
import { runDetails } from '../../../core/compare/details';
import type { IRunRecord } from '../../../core/run';
import { runColor } from '../../../core/runs/names';
import { trans } from '../../__tests__/trans';
import { ChartView } from '../../compare/chart';
import { RunPlots } from '../plots';

const run = { id: '01JDQ6Z0000000000000000P00', experiment: 'logreg', seq: 7 };

const sklearnRun = makeRun({
  id: run.id,
  experiment: 'logreg',
  metrics: {
    loss: { last: 0.2, min: 0.2, max: 0.9, count: 3, lastStep: 2 },
    accuracy: { last: 0.93, min: 0.93, max: 0.93, count: 1, lastStep: 0 },
    f1: { last: 0.9, min: 0.9, max: 0.9, count: 1, lastStep: 0 }
  },
  artifacts: [
    {
      name: 'curve.png',
      kind: 'figure',
      mime: 'image/png',
      path: `artifacts/${run.id}/curve.png`,
      size: 100,
      sha256: 'a'.repeat(64),
      stored: true
    }
  ],
  plots: [
    {
      kind: 'confusion_matrix',
      name: 'test',
      labels: ['no', 'yes'],
      matrix: [
        [40, 2],
        [3, 55]
      ]
    },
    { kind: 'roc', name: 'roc', fpr: [0, 0.1, 1], tpr: [0, 0.8, 1], auc: 0.91 },
    {
      kind: 'pr',
      name: 'pr',
      recall: [0, 0.8, 1],
      precision: [1, 0.9, 0.5],
      average_precision: 0.87
    }
  ]
} as unknown as Partial<IRunRecord>);

const series = {
  loss: { step: [0, 1, 2], value: [0.9, 0.5, 0.2], time: [1, 2, 3] },
  accuracy: { step: [0], value: [0.93], time: [3] },
  f1: { step: [0], value: [0.9], time: [3] }
};

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
});

function plotsOf(record: IRunRecord, images: string[] = []) {
  return new RunPlots({
    trans,
    record,
    details: runDetails(record),
    run,
    reader: {
      readText: () => Promise.reject(new Error('none')),
      readBase64: path => {
        images.push(path);
        return Promise.resolve('iVBORw0KGgo=');
      }
    },
    width: () => 800
  });
}

function chart(plots: RunPlots, name: string): HTMLElement | null {
  return plots.node.querySelector(`.jp-RunsChart[data-chart="${name}"]`);
}

describe('RunPlots', () => {
  it('should draw metrics logged once as bars in the run colour, not as lines', () => {
    const plots = plotsOf(sklearnRun);
    const values = chart(plots, `values-${run.id}`)!;
    expect(values.dataset.mark).toBe('bar text');
    const spec = drawn.get(`values-${run.id}`) as {
      data: { values: { metric: string; label: string }[] };
      layer: { mark: { color?: string } }[];
    };
    expect(spec.data.values.map(v => [v.metric, v.label])).toEqual([
      ['accuracy', '0.93'],
      ['f1', '0.9']
    ]);
    expect(spec.layer[0].mark.color).toBe(runColor(run));
    plots.dispose();
  });

  it('should draw only metrics with more than one point as learning curves', () => {
    const plots = plotsOf(sklearnRun);
    const curvesBox = plots.node.querySelector('.jp-RunDetail-plot')!;
    expect(curvesBox.textContent).toContain('Loading metric series…');
    plots.setSeries(series);
    const curves = chart(plots, `metrics-${run.id}`)!;
    // Lines, with the rule that follows the pointer.
    expect(curves.dataset.mark).toBe('line rule');
    const options = [...plots.node.querySelectorAll('option')].map(
      o => o.value
    );
    expect(options).toEqual(['loss']);
    plots.dispose();
  });

  it('should say so when the series cannot be read, not draw an empty chart', () => {
    const plots = plotsOf(sklearnRun);
    plots.setSeries(null);
    expect(chart(plots, `metrics-${run.id}`)).toBeNull();
    expect(plots.node.textContent).toContain(
      'The metric series could not be read.'
    );
    plots.dispose();
  });

  it('should show the confusion matrix and ROC / PR curves with their areas as text', () => {
    const plots = plotsOf(sklearnRun);
    expect(chart(plots, 'confusion-1')!.dataset.mark).toBe('rect text');
    expect(chart(plots, 'roc')!.dataset.mark).toBe('line');
    const areas = [...plots.node.querySelectorAll('.jp-RunDetail-areas li')];
    expect(areas.map(a => a.textContent)).toEqual([
      'logreg #7: AUC 0.91',
      'logreg #7: AP 0.87'
    ]);
    // The run's one ROC curve is the run's, in its colour.
    const roc = JSON.stringify(drawn.get('roc'));
    expect(roc).toContain('logreg #7 (AUC 0.91)');
    expect(roc).toContain(runColor(run));
    plots.dispose();
  });

  it('should show the figures the run logged', async () => {
    const images: string[] = [];
    const plots = plotsOf(sklearnRun, images);
    await Promise.resolve();
    expect(images).toEqual([`artifacts/${run.id}/curve.png`]);
    const img = plots.node.querySelector<HTMLImageElement>(
      '.jp-RunDetail-preview img'
    )!;
    expect(img.alt).toBe('curve.png');
    expect(img.src).toMatch(/^data:image\/png;base64,/);
    plots.dispose();
  });

  it('should say the run logged no plots rather than show empty charts', () => {
    const plots = plotsOf(makeRun({ id: run.id }));
    expect(plots.node.querySelectorAll('.jp-RunsChart')).toHaveLength(0);
    expect(plots.node.textContent).toContain('This run logged no plots.');
    plots.dispose();
  });

  it('should draw the curves of a series the record does not list yet (a run in flight)', () => {
    const plots = plotsOf(makeRun({ id: run.id }));
    expect(plots.node.textContent).toContain('This run logged no plots.');
    plots.setSeries({ loss: series.loss });
    expect(chart(plots, `metrics-${run.id}`)!.dataset.mark).toBe('line rule');
    expect(plots.node.textContent).not.toContain('This run logged no plots.');
    plots.dispose();
  });

  it('should leave out a metric logged once whose value is not finite', () => {
    const plots = plotsOf(
      makeRun({
        id: run.id,
        metrics: {
          score: { last: 'NaN', min: 'NaN', max: 'NaN', count: 1, lastStep: 0 }
        }
      } as unknown as Partial<IRunRecord>)
    );
    expect(chart(plots, `values-${run.id}`)).toBeNull();
    plots.dispose();
  });

  it('should dispose its charts', () => {
    const plots = plotsOf(sklearnRun);
    plots.setSeries(series);
    const charts = plots.node.querySelectorAll('.jp-RunsChart');
    expect(charts.length).toBeGreaterThan(0);
    plots.dispose();
    expect(plots.node.querySelectorAll('.jp-RunsChart')).toHaveLength(0);
    expect(() => plots.dispose()).not.toThrow();
  });
});
