/**
 * Learning curves of the compared runs, overlaid: x by step, wall time or
 * relative time; log y; EMA smoothing with an off switch (the raw series
 * stays faintly visible); M4 downsampling to the chart's pixel width so
 * 100 runs × 100,000 points draw quickly with every spike kept. A metric
 * each run logged once (a score at the end) is one bar per run instead:
 * a line of one point draws nothing.
 */
import {
  learningCurveSpec,
  type ICurveInput
} from '../../../core/charts/curves';
import { metricBarSpec } from '../../../core/charts/params';
import { loggedOnce } from '../../../core/charts/singleValues';
import type { RunSeries } from '../../../core/history/series';
import type { XAxis } from '../../../core/series/axis';
import { CurveCache } from '../../../core/series/curve';
import { budgetForWidth, MIN_BUDGET } from '../../../core/series/downsample';
import { drawChart } from '../../drawChart';
import type { ChartView } from '../chart';
import type { CompareChange } from '../model';
import {
  checkControl,
  ComparePane,
  controlBar,
  el,
  selectControl
} from './base';

/** Metric names logged as series by any of the runs (from summaries). */
export function metricNames(
  runs: readonly { metrics?: Record<string, unknown> }[]
): string[] {
  return [...new Set(runs.flatMap(r => Object.keys(r.metrics ?? {})))].sort();
}

/**
 * Points kept per run so that the whole overlay stays near `total` points:
 * Vega's cost is per data row and layer (each row's encoders run through
 * the CSP-safe interpreter), so 100 runs get fewer points each than 3 runs. M4 keeps each bucket's first,
 * min, max and last point, so spikes survive at any budget; only their
 * x-position gets coarser. Never above 4 points per pixel of `width`.
 */
export function overlayBudget(
  runs: number,
  width: number,
  total = 12_000
): number {
  return Math.max(
    MIN_BUDGET,
    Math.min(budgetForWidth(width), Math.floor(total / Math.max(1, runs)))
  );
}

export class CurvesPane extends ComparePane {
  constructor(options: Omit<ComparePane.IOptions, 'name' | 'label'>) {
    super({
      ...options,
      name: 'curves',
      label: options.trans.__('Learning curves')
    });
    this._chart = this.chart(
      'learning-curves',
      this.trans.__('Learning curves')
    );
    this.model.seriesLoaded.connect(this._onSeriesLoaded, this);
  }

  /**
   * A run's series arrived while others are still loading: prepare its
   * curve (M4 over the full series, EMA) for the current settings now,
   * so the draw once all have arrived reads prepared curves instead of
   * passing over every point of every run.
   */
  private _onSeriesLoaded(
    _: unknown,
    { id, series }: { id: string; series: RunSeries }
  ): void {
    const { metric } = this._metric();
    const run = this.model.runs.find(r => r.id === id);
    const s = metric ? series[metric] : undefined;
    if (run && s && s.step.length) {
      const expected = this.model.runs.filter(
        r => metric! in (r.metrics ?? {})
      ).length;
      this._curves.prepare(s, {
        ...this._curveOptions(expected),
        origin: Date.parse(run.startedAt)
      });
    }
  }

  /** The metric drawn: the chosen one if the runs have it, else the first. */
  private _metric(): { metric: string | null; names: string[] } {
    const names = metricNames(this.model.runs);
    const chosen = this.model.options.metric;
    const metric =
      chosen && names.includes(chosen) ? chosen : (names[0] ?? null);
    return { metric, names };
  }

  /** Curve options for `count` curves at the pane's current width. */
  private _curveOptions(count: number) {
    const o = this.model.options;
    const width = Math.max(300, Math.floor(this.node.clientWidth || 800) - 140);
    return {
      xAxis: o.xAxis,
      smoothing: o.smoothingOn ? o.smoothing : 0,
      budget: overlayBudget(count, width),
      width
    };
  }

  protected dependsOn(change: CompareChange): boolean {
    return change !== 'records';
  }

  protected render(): void {
    const t = this.trans;
    const model = this.model;
    const o = model.options;
    const { metric, names } = this._metric();
    const slider = el('input', 'jp-RunsCompare-smoothing');
    slider.type = 'range';
    slider.min = '0';
    slider.max = '0.99';
    slider.step = '0.01';
    slider.value = String(o.smoothing);
    slider.disabled = !o.smoothingOn;
    slider.setAttribute('aria-label', t.__('Smoothing weight'));
    slider.addEventListener('change', () =>
      model.setOptions({ smoothing: Number(slider.value) })
    );
    const controls = controlBar(
      t.__('Curve options'),
      selectControl(
        t.__('Metric'),
        names.map(n => [n, n] as const),
        metric ?? '',
        v => model.setOptions({ metric: v })
      ),
      selectControl(
        t.__('X axis'),
        [
          ['step', t.__('Step')],
          ['wall', t.__('Wall time')],
          ['relative', t.__('Relative time')]
        ],
        o.xAxis,
        v => model.setOptions({ xAxis: v as XAxis })
      ),
      checkControl(t.__('Log y'), o.logY, v => model.setOptions({ logY: v })),
      checkControl(t.__('Smoothing'), o.smoothingOn, v =>
        model.setOptions({ smoothingOn: v })
      ),
      slider
    );
    this.node.replaceChildren(controls, this._chart.node);
    if (!metric) {
      this._chart.showMessage(t.__('These runs logged no metrics.'));
      return;
    }
    if (loggedOnce(model.runs, metric)) {
      // One point per run: no line to draw, a bar per run says it.
      void drawChart(
        this._chart,
        metricBarSpec(
          model.runs.filter(r => r.metrics && Object.hasOwn(r.metrics, metric)),
          {
            metric,
            sort: 'none',
            width: this._curveOptions(model.runs.length).width,
            height: 320,
            text: this.chartText()
          }
        )
      );
      return;
    }
    if (!model.canReadSeries) {
      this._chart.showMessage(t.__('This store cannot read metric series.'));
      return;
    }
    const missing = model.runs.filter(r => model.series(r.id) === undefined);
    if (missing.length) {
      void model.loadSeries();
      if (missing.length === model.runs.length) {
        this._chart.showMessage(t.__('Loading metric series…'));
        return;
      }
    }
    const curves: ICurveInput[] = [];
    for (const run of model.runs) {
      const s = model.series(run.id)?.[metric];
      if (s && s.step.length) {
        curves.push({ run, series: s, origin: Date.parse(run.startedAt) });
      }
    }
    if (!curves.length) {
      this._chart.showMessage(t.__('No run has a series for %1.', metric));
      return;
    }
    // While runs are in flight the chart is drawn again with every batch of
    // points (which would undo a zoom anyway): then it has a fixed width
    // and no zoom, legend or pointer layers. Both cost every redraw enough
    // to hold the page (live-compare.spec: with `width: 'container'` each
    // draw of 2 runs × 200 points/s took longer than the last, until clicks
    // timed out). Once every run has ended the curves fill the pane and are
    // interactive.
    const live = model.runs.some(r => r.status === 'running');
    const sized = this._curveOptions(curves.length);
    void drawChart(
      this._chart,
      learningCurveSpec(curves, {
        ...sized,
        width: live ? sized.width : 'container',
        metric,
        logY: o.logY,
        height: 320,
        text: this.chartText(),
        cache: this._curves,
        interactive: !live
      })
    );
  }

  private _chart: ChartView;
  /** Prepared curves of this view, per series object and settings. */
  private _curves = new CurveCache();
}
