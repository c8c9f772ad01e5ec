/**
 * The run detail's Plots section: the run's own charts, without a second
 * run to compare with. Its learning curves (metrics with more than one
 * point), its single values as bars (metrics logged once: a line of one
 * point would be an empty chart), its confusion matrices, its ROC and PR
 * curves with their AUC / AP written out, and the figures it logged.
 * Everything in the run's colour where there is one series; specs come
 * from the pure core (`src/core/charts`).
 */
import type { TranslationBundle } from '@jupyterlab/translation';
import type { IDisposable } from '@lumino/disposable';
import {
  confusionMatrixSpec,
  curveAreaText,
  prSpec,
  rocSpec,
  type IScoredCurve
} from '../../core/charts/classification';
import { learningCurveSpec } from '../../core/charts/curves';
import { runValuesSpec, splitMetrics } from '../../core/charts/singleValues';
import type { ICurveInfo, IRunDetails } from '../../core/compare/details';
import type { RunSeries } from '../../core/history/series';
import type { IRunRecord } from '../../core/run';
import { runColor, runName, type INameable } from '../../core/runs/names';
import { chartWords } from '../chartWords';
import { ChartView } from '../compare/chart';
import { selectControl } from '../compare/panes/base';
import { drawChart } from '../drawChart';
import { artifactPreview, type IArtifactReader } from './artifacts';
import { el, section } from './sections';

export class RunPlots implements IDisposable {
  constructor(options: RunPlots.IOptions) {
    this._trans = options.trans;
    this._options = options;
    const t = this._trans;
    const { record, details } = options;
    this.node = section('plots', t.__('Plots'));
    const { curves, values } = splitMetrics(record.metrics);
    const parts: HTMLElement[] = [];
    // A run in flight has no aggregates in its file yet; its series come.
    if (curves.length || record.status === 'running') {
      parts.push(this._curvesSection());
    }
    if (values.some(v => Number.isFinite(v.value))) {
      const chart = this._chart(
        `values-${record.id}`,
        t.__('Metrics logged once')
      );
      parts.push(this._subsection(t.__('Single values'), chart.node));
      void drawChart(
        chart,
        runValuesSpec(options.run, values, {
          text: chartWords(t),
          width: this._width(360)
        })
      );
    }
    const classification = this._classification(details);
    if (classification) {
      parts.push(classification);
    }
    const figures = el('div', 'jp-RunDetail-previews');
    for (const a of details.artifacts) {
      const preview =
        a.kind === 'figure' ? artifactPreview(t, a, options.reader) : null;
      if (preview) {
        figures.append(preview);
      }
    }
    if (figures.childElementCount) {
      parts.push(this._subsection(t.__('Figures'), figures));
    }
    if (!parts.length) {
      this._empty = el(
        'p',
        'jp-RunDetail-message',
        t.__('This run logged no plots.')
      );
      parts.push(this._empty);
    }
    this.node.append(...parts);
  }

  /** The section (`data-section="plots"`). */
  readonly node: HTMLElement;

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /**
   * Draw the learning curves from the run's series (null: unreadable). A
   * metric whose series has a single point is left out: it has a bar.
   */
  setSeries(series: RunSeries | null): void {
    if (this._isDisposed) {
      return;
    }
    const t = this._trans;
    const names = Object.keys(series ?? {})
      .filter(n => series![n].step.length > 1)
      .sort();
    if (!series || !names.length) {
      this._curvesBox?.replaceChildren(
        el(
          'p',
          'jp-RunDetail-message',
          series
            ? t.__('No metric has more than one point.')
            : t.__('The metric series could not be read.')
        )
      );
      return;
    }
    if (!this._curvesBox) {
      // Curves the record did not announce (an older file): shown first.
      this.node.querySelector(':scope > h3')!.after(this._curvesSection());
      this._empty?.remove();
      this._empty = null;
    }
    const box = this._curvesBox!;
    const { record, run } = this._options;
    const chart = this._chart(`metrics-${record.id}`, t.__('Metric series'));
    const draw = (metric: string) =>
      void drawChart(
        chart,
        learningCurveSpec(
          [
            {
              // Labelled by the metric, in the run's colour.
              run: { ...run, name: metric },
              series: series[metric],
              origin: Date.parse(record.startedAt)
            }
          ],
          {
            metric,
            height: 220,
            width: this._width(300),
            text: chartWords(t)
          }
        )
      );
    const select = selectControl(
      t.__('Metric'),
      names.map(n => [n, n] as const),
      names[0],
      draw
    );
    box.replaceChildren(select, chart.node);
    draw(names[0]);
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this._charts.forEach(c => c.dispose());
    this._charts = [];
  }

  /** Confusion matrices, then ROC and PR curves; null when none. */
  private _classification(details: IRunDetails): HTMLElement | null {
    const t = this._trans;
    const { confusion, curves } = details;
    if (!confusion.length && !curves.length) {
      return null;
    }
    const text = chartWords(t);
    const grid = el('div', 'jp-RunsCompare-grid');
    confusion.forEach((m, k) => {
      const chart = this._chart(
        `confusion-${k + 1}`,
        t.__('Confusion matrix: %1', m.name)
      );
      grid.append(chart.node);
      void drawChart(
        chart,
        confusionMatrixSpec(m.labels, m.matrix, {
          text,
          width: 240,
          height: 240
        })
      );
    });
    for (const kind of ['roc', 'pr'] as const) {
      const own = curves.filter(c => c.kind === kind);
      if (!own.length) {
        continue;
      }
      const chart = this._chart(
        kind,
        kind === 'roc' ? t.__('ROC curve') : t.__('Precision–recall curve')
      );
      const scored = this._scored(own);
      const box = el('div', 'jp-RunDetail-plot');
      // The areas as text too: the legend is drawn on a canvas, and cut
      // when the chart is narrow.
      const areas = el('ul', 'jp-RunDetail-areas');
      areas.setAttribute('aria-label', t.__('Areas under the curves'));
      scored.forEach(c =>
        areas.append(
          el('li', '', t.__('%1: %2', c.name, curveAreaText(c, kind)))
        )
      );
      box.append(chart.node, areas);
      grid.append(box);
      const spec = (kind === 'roc' ? rocSpec : prSpec)(scored, {
        text,
        width: 260,
        height: 240
      });
      void drawChart(chart, spec);
    }
    return this._subsection(t.__('Classification'), grid);
  }

  /**
   * The run's curves of one kind: one is the run's, named and coloured as
   * the run; several (one per class, say) keep their names and take the
   * scheme's colours.
   */
  private _scored(curves: readonly ICurveInfo[]): IScoredCurve[] {
    const run = this._options.run;
    return curves.map(c => ({
      name: curves.length > 1 ? c.name : runName(run),
      points: c.points,
      auc: c.area,
      color: curves.length > 1 ? undefined : runColor(run)
    }));
  }

  /** The learning curves' subsection, waiting for the series. */
  private _curvesSection(): HTMLElement {
    const t = this._trans;
    this._curvesBox = el('div', 'jp-RunDetail-plot');
    this._curvesBox.append(
      el('p', 'jp-RunDetail-message', t.__('Loading metric series…'))
    );
    return this._subsection(t.__('Learning curves'), this._curvesBox);
  }

  private _subsection(title: string, ...content: HTMLElement[]): HTMLElement {
    const box = el('div', 'jp-RunDetail-plots');
    box.append(el('h4', 'jp-RunDetail-subheading', title), ...content);
    return box;
  }

  private _chart(name: string, label: string): ChartView {
    const chart = new ChartView({ trans: this._trans, name, label });
    this._charts.push(chart);
    return chart;
  }

  /** A chart width that fits the detail, at least `min` pixels. */
  private _width(min: number): number {
    return Math.max(min, this._options.width() - 120);
  }

  private _trans: TranslationBundle;
  private _options: RunPlots.IOptions;
  private _curvesBox: HTMLElement | null = null;
  private _empty: HTMLElement | null = null;
  private _charts: ChartView[] = [];
  private _isDisposed = false;
}

export namespace RunPlots {
  export interface IOptions {
    trans: TranslationBundle;
    record: IRunRecord;
    details: IRunDetails;
    /** How the run is named and coloured (`runName`, `runColor`). */
    run: INameable;
    /** Reads the figures. */
    reader: IArtifactReader;
    /** The detail's width in pixels now (0 when not laid out). */
    width: () => number;
  }
}
