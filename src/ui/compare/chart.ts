/**
 * One Vega-Lite chart: vega-embed loaded lazily, once, and run with Vega's
 * CSP-safe expression interpreter (`ast: true` + `vega-interpreter`), so no
 * chart ever goes through `eval` or `Function`. Follows the light/dark
 * theme (redrawn when it changes, `liveCharts.ts`), draws on a canvas,
 * fits its pane's width with the legend below it when narrow, and offers
 * PNG, SVG and CSV downloads and, for a chart that zooms, a reset.
 *
 * The figure tells tests what a canvas does not: `data-state`,
 * `data-rows`, `data-colors` (label → colour), `data-text-color` and
 * `data-theme` (the theme it was drawn with), `data-x-domain` and
 * `data-hidden-runs` (after zooms and legend clicks).
 *
 * Like core's `@jupyterlab/vega5-extension`, the previous view is
 * finalized before re-embedding and when the chart is disposed, so timers
 * and listeners of old views never pile up.
 */
import type { TranslationBundle } from '@jupyterlab/translation';
import type { IDisposable } from '@lumino/disposable';
import type * as VegaEmbed from 'vega-embed';
import type { Result } from 'vega-embed';
import type * as VegaInterpreter from 'vega-interpreter';
import type { TopLevelSpec } from 'vega-lite';
import { assertInlineSpec, refusingLoader } from '../../core/charts/inlineData';
import { isInteractiveSpec } from '../../core/charts/interactive';
import { specDataRows, toCsv } from '../../core/compare/csv';
import {
  drawConfig,
  NARROW_CHART_WIDTH,
  themeColors,
  themeKey
} from './chartTheme';
import { drawnColors, mirrorViewState } from './chartState';
import { forgetChart, registerChart } from './liveCharts';

export { isLightTheme, themeConfig } from './chartTheme';

type Embed = typeof VegaEmbed.default;
type Interpreter = typeof VegaInterpreter.expressionInterpreter;

let vegaModules: Promise<{ embed: Embed; expr: Interpreter }> | null = null;

/** vega-embed and the interpreter, imported on first use only. */
export function loadVega(): Promise<{ embed: Embed; expr: Interpreter }> {
  if (!vegaModules) {
    vegaModules = Promise.all([
      import('vega-embed'),
      import('vega-interpreter')
    ]).then(([embed, interpreter]) => ({
      embed: embed.default,
      expr: interpreter.expressionInterpreter
    }));
  }
  return vegaModules;
}

/** The longest pause between two draws of a chart given new specs. */
const MAX_PAUSE_MS = 1000;

export class ChartView implements IDisposable {
  constructor(options: ChartView.IOptions) {
    this._trans = options.trans;
    this._name = options.name;
    const trans = this._trans;
    this.node = document.createElement('figure');
    this.node.className = 'jp-RunsChart';
    this.node.setAttribute('role', 'group');
    this.node.setAttribute('aria-label', options.label);
    this.node.dataset.chart = options.name;
    const bar = document.createElement('figcaption');
    bar.className = 'jp-RunsChart-caption';
    const title = document.createElement('span');
    title.className = 'jp-RunsChart-title';
    title.textContent = options.label;
    bar.append(title);
    for (const [kind, label, caption] of [
      ['png', trans.__('PNG'), trans.__('Save the chart as PNG')],
      ['svg', trans.__('SVG'), trans.__('Save the chart as SVG')],
      ['csv', trans.__('CSV'), trans.__('Save the chart data as CSV')]
    ] as const) {
      const b = document.createElement('button');
      b.type = 'button';
      b.className = 'jp-RunsChart-save jp-mod-styled';
      b.textContent = label;
      b.title = caption;
      b.dataset.format = kind;
      b.addEventListener('click', () => void this.save(kind));
      bar.append(b);
    }
    this._reset = document.createElement('button');
    this._reset.type = 'button';
    this._reset.className = 'jp-RunsChart-reset jp-mod-styled';
    this._reset.textContent = trans.__('Reset');
    this._reset.title = trans.__(
      'Reset the zoom and show the hidden runs (wheel: zoom, drag: pan, legend click: hide or show a run)'
    );
    this._reset.hidden = true;
    this._reset.addEventListener('click', () => this.reset());
    title.after(this._reset);
    this._host = document.createElement('div');
    this._host.className = 'jp-RunsChart-host';
    this._message = document.createElement('p');
    this._message.className = 'jp-RunsChart-message';
    this._message.hidden = true;
    this.node.append(bar, this._host, this._message);
    if (typeof ResizeObserver !== 'undefined') {
      this._resize = new ResizeObserver(() => this._onResize());
      this._resize.observe(this._host);
    }
    registerChart(this);
  }

  readonly node: HTMLElement;

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /** The current Vega view, once embedded (for tests and benchmarks). */
  get result(): Result | null {
    return this._result;
  }

  /**
   * Redraw the current spec if the theme changed since it was drawn (the
   * theme registry calls this once the chart is on screen).
   */
  redraw(): void {
    if (this._spec && this._drawnTheme !== themeKey()) {
      void this.setSpec(this._spec);
    }
  }

  /** Undo zooms and legend clicks: draw the spec afresh. */
  reset(): void {
    if (this._spec) {
      void this.setSpec(this._spec);
    }
  }

  /** Show a message instead of the chart (e.g. nothing to draw). */
  showMessage(text: string): void {
    this._queued = null;
    this._ticket++;
    this._finalize();
    this._spec = null;
    this._reset.hidden = true;
    this._host.hidden = true;
    this._message.hidden = false;
    this._message.textContent = text;
    this.node.dataset.state = 'empty';
  }

  /**
   * Draw `spec`, replacing the previous chart. Resolves once the newest
   * spec given is drawn. Calls made while a draw is under way are folded
   * into one draw of the newest spec, started after a pause as long as the
   * last draw took: live curves get new points several times a second,
   * and a draw of thousands of rows through the CSP-safe interpreter can
   * take longer than that, so one draw per call held the page's main
   * thread (live-compare.spec: clicks on the menu bar timed out).
   */
  setSpec(spec: TopLevelSpec): Promise<void> {
    this._spec = spec;
    this._queued = spec;
    this.node.dataset.state = 'loading';
    if (!this._drawing) {
      this._drawing = this._drawQueued().finally(() => {
        this._drawing = null;
      });
    }
    return this._drawing;
  }

  private async _drawQueued(): Promise<void> {
    while (this._queued && !this._isDisposed) {
      const spec = this._queued;
      this._queued = null;
      const started = performance.now();
      await this._draw(spec, ++this._ticket);
      if (this._queued) {
        const took = performance.now() - started;
        await new Promise(resolve =>
          setTimeout(resolve, Math.min(MAX_PAUSE_MS, took))
        );
      }
    }
  }

  private async _draw(spec: TopLevelSpec, ticket: number): Promise<void> {
    const { embed, expr } = await loadVega();
    if (ticket !== this._ticket || this._isDisposed) {
      return;
    }
    this._finalize();
    this._host.hidden = false;
    this._message.hidden = true;
    this._reset.hidden = !isInteractiveSpec(spec);
    const width = this._host.clientWidth;
    this._narrow = width > 0 && width < NARROW_CHART_WIDTH;
    const theme = themeKey();
    const colors = themeColors();
    const config = drawConfig(spec, width);
    try {
      // Inline data only: a spec that would load anything is not drawn.
      assertInlineSpec(spec);
      const result = await embed(
        this._host,
        { ...spec, config } as TopLevelSpec,
        {
          renderer: 'canvas',
          actions: false,
          ast: true,
          expr,
          // And should one slip through, Vega itself loads nothing.
          loader: refusingLoader(),
          theme: colors.light ? undefined : 'dark'
        }
      );
      if (ticket !== this._ticket || this._isDisposed) {
        result.finalize();
        return;
      }
      this._result = result;
      // How many data rows are drawn (tests follow live curves by it).
      const values = (spec as { data?: { values?: unknown } }).data?.values;
      this.node.dataset.rows = String(
        Array.isArray(values) ? values.length : 0
      );
      // How many draws so far (a live chart's redraws: benchmarks count
      // them; the rows drawn stop growing once downsampling caps them).
      this.node.dataset.draws = String(++this._draws);
      this.node.dataset.colors = drawnColors(result);
      this._drawnTheme = theme;
      this.node.dataset.textColor = colors.text;
      this.node.dataset.theme = colors.light ? 'light' : 'dark';
      mirrorViewState(result.view, this.node);
      this.node.dataset.state = 'ready';
    } catch (error) {
      if (ticket === this._ticket) {
        this.showMessage(
          this._trans.__(
            'The chart could not be drawn: %1',
            error instanceof Error ? error.message : String(error)
          )
        );
        this.node.dataset.state = 'error';
      }
    }
  }

  /** Download the chart (PNG or SVG) or its data (CSV). */
  async save(format: 'png' | 'svg' | 'csv'): Promise<void> {
    let url: string;
    let revoke = false;
    if (format === 'csv') {
      if (!this._spec) {
        return;
      }
      const blob = new Blob([toCsv(specDataRows(this._spec))], {
        type: 'text/csv'
      });
      url = URL.createObjectURL(blob);
      revoke = true;
    } else {
      const view = this._result?.view;
      if (!view) {
        return;
      }
      url = await view.toImageURL(format, format === 'png' ? 2 : 1);
    }
    const a = document.createElement('a');
    a.href = url;
    a.download = `${this._name}.${format}`;
    document.body.append(a);
    a.click();
    a.remove();
    if (revoke) {
      setTimeout(() => URL.revokeObjectURL(url), 1000);
    }
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this._queued = null;
    this._ticket++;
    forgetChart(this);
    this._resize?.disconnect();
    this._finalize();
    this.node.remove();
  }

  /** A pane crossing the narrow width moves the legend: draw again. */
  private _onResize(): void {
    const width = this._host.clientWidth;
    if (
      width > 0 &&
      this._spec &&
      this.node.dataset.state === 'ready' &&
      width < NARROW_CHART_WIDTH !== this._narrow
    ) {
      void this.setSpec(this._spec);
    }
  }

  private _finalize(): void {
    this._result?.finalize();
    this._result = null;
    this._host.replaceChildren();
  }

  private _trans: TranslationBundle;
  private _name: string;
  private _host: HTMLDivElement;
  private _message: HTMLParagraphElement;
  private _reset: HTMLButtonElement;
  private _resize: ResizeObserver | null = null;
  private _narrow = false;
  private _queued: TopLevelSpec | null = null;
  private _drawing: Promise<void> | null = null;
  private _drawnTheme = '';
  private _spec: TopLevelSpec | null = null;
  private _result: Result | null = null;
  private _ticket = 0;
  private _draws = 0;
  private _isDisposed = false;
}

export namespace ChartView {
  export interface IOptions {
    trans: TranslationBundle;
    /** A file-name-safe identifier, used for downloads and tests. */
    name: string;
    /** The chart's translated title. */
    label: string;
  }
}
