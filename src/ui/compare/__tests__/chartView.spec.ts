/**
 * ChartView in a real Vega view (jsdom: no canvas to paint, but the view,
 * its scales and signals run): theme redraws, the figure's data attributes
 * and the reset button.
 */
import { nullTranslator } from '@jupyterlab/translation';
import { learningCurveSpec } from '../../../core/charts/curves';
import { metricBarSpec } from '../../../core/charts';
import { ChartView } from '../chart';
import { liveChartCount, themeChanged } from '../liveCharts';

const trans = nullTranslator.load('jupyterlab_runs');

function series(n: number, f: (i: number) => number) {
  return {
    step: Array.from({ length: n }, (_, i) => i),
    value: Array.from({ length: n }, (_, i) => f(i)),
    time: Array.from({ length: n }, (_, i) => 1_700_000_000_000 + i * 1000)
  };
}

const CURVES = learningCurveSpec(
  [
    { run: { id: 'a', name: 'calm' }, series: series(10, i => 1 / (i + 1)) },
    { run: { id: 'b', name: 'wild' }, series: series(10, i => 10 * i) }
  ],
  { width: 400 }
);

function setTheme(light: boolean, text: string): void {
  document.body.dataset.jpThemeLight = String(light);
  document.body.style.setProperty('--jp-ui-font-color1', text);
}

/**
 * A 2D context that draws nothing: jsdom has no canvas, and ChartView
 * draws on one. Every method is a no-op; text measures 6 px a character.
 */
function inertContext(canvas: HTMLCanvasElement): unknown {
  const state: Record<string | symbol, unknown> = { canvas };
  return new Proxy(state, {
    get: (target, key) =>
      key in target
        ? target[key]
        : key === 'measureText'
          ? (text: string) => ({ width: 6 * String(text).length })
          : () => undefined,
    set: (target, key, value) => {
      target[key] = value;
      return true;
    }
  });
}

/**
 * IntersectionObserver as a browser runs it, for elements that are on
 * screen when connected and not inside `[hidden]`: it reports each
 * observed element's state when observed and again on `recheck()`
 * (JupyterLab's jest shim has one that never reports).
 */
class FakeIntersectionObserver {
  static all: FakeIntersectionObserver[] = [];
  constructor(private _callback: (entries: unknown[]) => void) {
    FakeIntersectionObserver.all.push(this);
  }
  observe(target: Element): void {
    this._targets.add(target);
    queueMicrotask(() => this._report([target]));
  }
  unobserve(target: Element): void {
    this._targets.delete(target);
  }
  disconnect(): void {
    this._targets.clear();
  }
  static recheck(): void {
    for (const io of FakeIntersectionObserver.all) {
      io._report([...io._targets]);
    }
  }
  private _report(targets: Element[]): void {
    const entries = targets
      .filter(t => this._targets.has(t))
      .map(target => ({
        target,
        isIntersecting: target.isConnected && !target.closest('[hidden]')
      }));
    if (entries.length) {
      this._callback(entries);
    }
  }
  private _targets = new Set<Element>();
}

/** Resolves once `test` holds (fails after 2 s). */
async function until(test: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !test(); i++) {
    await new Promise(r => setTimeout(r, 10));
  }
  expect(test()).toBe(true);
}

/** Resolves once the chart says it is drawn. */
async function ready(chart: ChartView): Promise<void> {
  for (let i = 0; i < 200 && chart.node.dataset.state !== 'ready'; i++) {
    await new Promise(r => setTimeout(r, 10));
  }
  expect(chart.node.dataset.state).toBe('ready');
}

describe('ChartView', () => {
  let chart: ChartView;
  beforeAll(() => {
    // jsdom has no canvas: vega-scenegraph says so, and draws nothing.
    jest.spyOn(console, 'error').mockImplementation(() => {});
    jest
      .spyOn(HTMLCanvasElement.prototype, 'getContext')
      .mockImplementation(function (this: HTMLCanvasElement) {
        return inertContext(this) as never;
      });
    (window as { IntersectionObserver?: unknown }).IntersectionObserver =
      FakeIntersectionObserver;
  });
  afterAll(() => jest.restoreAllMocks());
  beforeEach(() => {
    setTheme(true, '#111111');
    chart = new ChartView({ trans, name: 'curves', label: 'Curves' });
    document.body.append(chart.node);
  });
  afterEach(() => chart.dispose());

  describe('#redraw (theme)', () => {
    it('should redraw a drawn chart in the new theme’s text colour', async () => {
      await chart.setSpec(CURVES);
      expect(chart.node.dataset.textColor).toBe('#111111');
      expect(chart.node.dataset.theme).toBe('light');
      setTheme(false, '#eeeeee');
      themeChanged();
      await until(() => chart.node.dataset.textColor === '#eeeeee');
      expect(chart.node.dataset.state).toBe('ready');
      expect(chart.node.dataset.theme).toBe('dark');
    });

    it('should redraw a chart in a hidden tab once it is shown', async () => {
      const tab = document.createElement('div');
      document.body.append(tab);
      tab.append(chart.node);
      await chart.setSpec(CURVES);
      tab.hidden = true;
      setTheme(false, '#dddddd');
      themeChanged();
      await new Promise(r => setTimeout(r, 20));
      expect(chart.node.dataset.state).toBe('ready');
      expect(chart.node.dataset.textColor).toBe('#111111');
      tab.hidden = false;
      FakeIntersectionObserver.recheck();
      await until(() => chart.node.dataset.textColor === '#dddddd');
      tab.remove();
    });

    it('should leave a chart drawn in the current theme as it is', async () => {
      await chart.setSpec(CURVES);
      const drawn = chart.result;
      themeChanged();
      await new Promise(r => setTimeout(r, 50));
      expect(chart.result).toBe(drawn);
    });

    it('should stop following the theme once disposed', () => {
      const before = liveChartCount();
      const other = new ChartView({ trans, name: 'x', label: 'x' });
      expect(liveChartCount()).toBe(before + 1);
      other.dispose();
      expect(liveChartCount()).toBe(before);
    });
  });

  describe('#setSpec (layout)', () => {
    it('should put the legend under a narrow chart, in columns', async () => {
      const host = chart.node.querySelector('.jp-RunsChart-host')!;
      Object.defineProperty(host, 'clientWidth', { value: 360 });
      await chart.setSpec(CURVES);
      const legend = JSON.parse(chart.node.dataset.legend!) as Record<
        string,
        [number, number]
      >;
      // Below the 300 px plot, side by side (two columns in 360 px).
      expect(legend.calm[1]).toBeGreaterThan(300);
      expect(legend.wild[1]).toBe(legend.calm[1]);
      expect(legend.wild[0]).toBeGreaterThan(legend.calm[0]);
    });
  });

  describe('#reset', () => {
    const resetButton = () =>
      chart.node.querySelector<HTMLButtonElement>('.jp-RunsChart-reset')!;

    it('should offer a reset for curves only', async () => {
      await chart.setSpec(CURVES);
      expect(resetButton().hidden).toBe(false);
      await chart.setSpec(
        metricBarSpec(
          [
            {
              id: 'a',
              name: 'calm',
              metrics: {
                acc: { last: 0.9, min: 0.9, max: 0.9, count: 1, lastStep: 0 }
              }
            }
          ] as never,
          { metric: 'acc' }
        )
      );
      expect(resetButton().hidden).toBe(true);
    });

    it('should mirror the zoomed x-domain and restore it on reset', async () => {
      await chart.setSpec(CURVES);
      const initial = JSON.parse(chart.node.dataset.xDomain!);
      expect(initial).toEqual([0, 9]);
      expect(chart.node.dataset.hiddenRuns).toBe('[]');
      const view = chart.result!.view;
      view.signal('zoom_x', [2, 4]).signal('zoom_value', [0, 1]);
      await view.runAsync();
      expect(JSON.parse(chart.node.dataset.xDomain!)).toEqual([2, 4]);
      resetButton().click();
      await ready(chart);
      expect(chart.result!.view).not.toBe(view);
      expect(JSON.parse(chart.node.dataset.xDomain!)).toEqual(initial);
    });

    it('should say where each legend label is and which runs are hidden', async () => {
      await chart.setSpec(CURVES);
      const legend = JSON.parse(chart.node.dataset.legend!) as Record<
        string,
        [number, number]
      >;
      expect(Object.keys(legend)).toEqual(['calm', 'wild']);
      // A legend on the right, one entry under the other.
      expect(legend.calm[0]).toBe(legend.wild[0]);
      expect(legend.wild[1]).toBeGreaterThan(legend.calm[1]);
      const view = chart.result!.view;
      view.signal('hidden_toggle', true).signal('hidden_series_legend', 'wild');
      await view.runAsync();
      expect(JSON.parse(chart.node.dataset.hiddenRuns!)).toEqual(['wild']);
    });
  });
});
