/**
 * Params against a metric: parallel coordinates (log axes for params that
 * span decades), a scatter of one param against the metric, and the
 * metric per run as bars.
 */
import { parallelCoordinatesSpec } from '../../../core/charts/parallel';
import { metricBarSpec, scatterSpec } from '../../../core/charts/params';
import { valueKey } from '../../../core/compare/sideBySide';
import type { IRunSummary } from '../../../core/run';
import { numericParam } from '../../../core/stats/correlation';
import type { ChartView } from '../chart';
import type { CompareChange } from '../model';
import { metricNames } from './curves';
import { checkControl, ComparePane, controlBar, selectControl } from './base';

/** Params worth an axis: those the runs disagree on (all when they agree). */
export function varyingParams(runs: readonly IRunSummary[]): string[] {
  const names = [
    ...new Set(runs.flatMap(r => Object.keys(r.params ?? {})))
  ].sort();
  const varying = names.filter(
    n => new Set(runs.map(r => valueKey(r.params?.[n]))).size > 1
  );
  return varying.length ? varying : names;
}

/** Params whose positive values span at least two decades: log axes. */
export function logScaleParams(
  runs: readonly IRunSummary[],
  params: readonly string[]
): string[] {
  return params.filter(p => {
    const v = runs
      .map(r => numericParam(r.params?.[p]))
      .filter(Number.isFinite);
    return (
      v.length > 1 &&
      v.every(x => x > 0) &&
      Math.max(...v) / Math.min(...v) >= 100
    );
  });
}

export class ParamChartsPane extends ComparePane {
  constructor(options: Omit<ComparePane.IOptions, 'name' | 'label'>) {
    super({
      ...options,
      name: 'param-charts',
      label: options.trans.__('Params vs metrics')
    });
    const t = this.trans;
    this._parallel = this.chart(
      'parallel-coordinates',
      t.__('Parallel coordinates')
    );
    this._scatter = this.chart('scatter', t.__('Param against metric'));
    this._bar = this.chart('metric-bars', t.__('Metric per run'));
  }

  protected dependsOn(change: CompareChange): boolean {
    return change === 'runs' || change === 'options';
  }

  protected render(): void {
    const t = this.trans;
    const model = this.model;
    const runs = model.runs;
    const o = model.options;
    const metrics = metricNames(runs);
    const metric =
      o.metric && metrics.includes(o.metric) ? o.metric : (metrics[0] ?? null);
    const params = varyingParams(runs).slice(0, 12);
    const scatterParam =
      o.scatterParam && params.includes(o.scatterParam)
        ? o.scatterParam
        : (params[0] ?? null);
    const controls = controlBar(
      t.__('Chart options'),
      selectControl(
        t.__('Metric'),
        metrics.map(m => [m, m] as const),
        metric ?? '',
        v => model.setOptions({ metric: v })
      ),
      selectControl(
        t.__('Scatter param'),
        params.map(p => [p, p] as const),
        scatterParam ?? '',
        v => model.setOptions({ scatterParam: v })
      ),
      checkControl(t.__('Log axes'), o.logAxes, v =>
        model.setOptions({ logAxes: v })
      )
    );
    const grid = document.createElement('div');
    grid.className = 'jp-RunsCompare-grid';
    grid.append(this._parallel.node, this._scatter.node, this._bar.node);
    this.node.replaceChildren(controls, grid);
    if (!metric) {
      for (const c of [this._parallel, this._scatter, this._bar]) {
        c.showMessage(t.__('These runs logged no metrics.'));
      }
      return;
    }
    const text = this.chartText();
    const logAxes = o.logAxes ? logScaleParams(runs, params) : [];
    if (params.length) {
      void this._parallel.setSpec(
        parallelCoordinatesSpec(runs, {
          params,
          metric,
          aggregate: o.aggregate,
          logAxes,
          text,
          height: 300
        })
      );
    } else {
      this._parallel.showMessage(t.__('These runs logged no params.'));
    }
    if (scatterParam) {
      void this._scatter.setSpec(
        scatterSpec(runs, {
          param: scatterParam,
          metric,
          aggregate: o.aggregate,
          logX: logAxes.includes(scatterParam),
          text,
          height: 260
        })
      );
    } else {
      this._scatter.showMessage(t.__('These runs logged no params.'));
    }
    void this._bar.setSpec(
      metricBarSpec(runs, { metric, aggregate: o.aggregate, text, height: 260 })
    );
  }

  private _parallel: ChartView;
  private _scatter: ChartView;
  private _bar: ChartView;
}
