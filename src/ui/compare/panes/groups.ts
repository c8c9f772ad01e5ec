/**
 * Group runs by a param (or the experiment): mean ± std bands of the
 * compared runs' curves per group (for a metric logged once per run, a
 * bar at each group's mean with its runs as points), group statistics of
 * a metric over all runs, and Welch's t-test between two groups with its
 * p-value.
 */
import { meanStdBandSpec, type IBandGroup } from '../../../core/charts/curves';
import {
  groupBarsSpec,
  loggedOnce,
  type IGroupValues
} from '../../../core/charts/singleValues';
import type { IRunSummary } from '../../../core/run';
import { metricValue } from '../../../core/stats/correlation';
import { groupStats, welchTTest } from '../../../core/stats/describe';
import { drawChart } from '../../drawChart';
import type { ChartView } from '../chart';
import type { CompareChange } from '../model';
import { metricNames } from './curves';
import {
  ComparePane,
  controlBar,
  el,
  message,
  selectControl,
  valueText
} from './base';
import { columnHeads } from '../../dom';

/** The group of a run under `by` (`experiment` or a param name). */
export function groupOf(run: IRunSummary, by: string): string | undefined {
  if (by === '\u0000experiment') {
    return run.experiment;
  }
  const v =
    run.params && Object.hasOwn(run.params, by) ? run.params[by] : undefined;
  return v === undefined
    ? undefined
    : typeof v === 'string'
      ? v
      : JSON.stringify(v);
}

export class GroupsPane extends ComparePane {
  constructor(options: Omit<ComparePane.IOptions, 'name' | 'label'>) {
    super({ ...options, name: 'groups', label: options.trans.__('Groups') });
    this._band = this.chart(
      'mean-std-bands',
      this.trans.__('Mean ± std per group')
    );
  }

  protected dependsOn(change: CompareChange): boolean {
    return change !== 'records';
  }

  protected render(): void {
    const t = this.trans;
    const model = this.model;
    const o = model.options;
    const all = model.allRuns;
    const params = [
      ...new Set(model.runs.flatMap(r => Object.keys(r.params ?? {})))
    ].sort();
    const by = o.groupBy ?? params[0] ?? '\u0000experiment';
    const metrics = metricNames(all);
    const metric =
      o.metric && metrics.includes(o.metric) ? o.metric : (metrics[0] ?? null);
    const aggregate = o.aggregate;
    const stats = metric
      ? groupStats(
          all,
          r => groupOf(r, by),
          r => metricValue(r, metric, aggregate)
        )
      : [];
    const names = stats.map(s => s.group);
    const a =
      o.groupA && names.includes(o.groupA) ? o.groupA : (names[0] ?? '');
    const b =
      o.groupB && names.includes(o.groupB) ? o.groupB : (names[1] ?? '');
    const controls = controlBar(
      t.__('Group options'),
      selectControl(
        t.__('Group by'),
        [
          ['\u0000experiment', t.__('experiment')],
          ...params.map(p => [p, p] as const)
        ],
        by,
        v => model.setOptions({ groupBy: v, groupA: null, groupB: null })
      ),
      selectControl(
        t.__('Metric'),
        metrics.map(m => [m, m] as const),
        metric ?? '',
        v => model.setOptions({ metric: v })
      ),
      selectControl(
        t.__('Group A'),
        names.map(n => [n, n] as const),
        a,
        v => model.setOptions({ groupA: v })
      ),
      selectControl(
        t.__('Group B'),
        names.map(n => [n, n] as const),
        b,
        v => model.setOptions({ groupB: v })
      )
    );
    const parts: HTMLElement[] = [controls];
    if (!metric) {
      this.node.replaceChildren(
        controls,
        message(t.__('These runs logged no metrics.'))
      );
      return;
    }
    // Statistics over all runs of the notebook.
    const table = el('table', 'jp-RunsCompare-table jp-RunsCompare-groupStats');
    table.setAttribute('aria-label', t.__('%1 by group', metric));
    const thead = columnHeads([
      t.__('Group'),
      t.__('Runs'),
      t.__('Mean'),
      t.__('Std'),
      t.__('Min'),
      t.__('Max')
    ]);
    const tbody = el('tbody');
    for (const s of stats) {
      const tr = el('tr');
      tr.append(el('th', '', s.group));
      for (const v of [s.n, s.mean, s.std, s.min, s.max]) {
        tr.append(el('td', 'jp-mod-number', valueText(v)));
      }
      tbody.append(tr);
    }
    table.append(thead, tbody);
    parts.push(
      el(
        'p',
        'jp-RunsCompare-note',
        t.__('Over all %1 runs of this notebook.', all.length)
      ),
      table
    );
    if (a && b && a !== b) {
      const xa = all
        .filter(r => groupOf(r, by) === a)
        .map(r => metricValue(r, metric, aggregate));
      const xb = all
        .filter(r => groupOf(r, by) === b)
        .map(r => metricValue(r, metric, aggregate));
      const test = welchTTest(xa, xb);
      const result = el('p', 'jp-RunsCompare-ttest');
      result.setAttribute('role', 'status');
      result.textContent = Number.isNaN(test.p)
        ? t.__("Welch's t-test needs at least two runs in each group.")
        : t.__(
            "Welch's t-test, %1 (%2) vs %3 (%4): difference of means %5, t = %6, df = %7, p = %8",
            a,
            test.nA,
            b,
            test.nB,
            valueText(test.diff),
            valueText(test.t),
            valueText(test.df),
            valueText(test.p)
          );
      result.dataset.p = String(test.p);
      parts.push(result);
    }
    // Bands over the compared runs' series.
    parts.push(this._band.node);
    this.node.replaceChildren(...parts);
    if (loggedOnce(model.runs, metric)) {
      // One point per run: a band of one point draws nothing.
      const byGroup = new Map<string, IGroupValues['runs'][number][]>();
      for (const run of model.runs) {
        const g = groupOf(run, by);
        const value = metricValue(run, metric, 'last');
        if (g !== undefined && !Number.isNaN(value)) {
          byGroup.set(g, [...(byGroup.get(g) ?? []), { run, value }]);
        }
      }
      void drawChart(
        this._band,
        groupBarsSpec(
          [...byGroup].map(([group, runs]) => ({ group, runs })),
          { metric, text: this.chartText(), height: 280 }
        )
      );
      return;
    }
    if (!model.canReadSeries) {
      this._band.showMessage(t.__('This store cannot read metric series.'));
      return;
    }
    if (model.runs.some(r => model.series(r.id) === undefined)) {
      void model.loadSeries();
      this._band.showMessage(t.__('Loading metric series…'));
      return;
    }
    const groups = new Map<string, IBandGroup['curves'][number][]>();
    for (const run of model.runs) {
      const g = groupOf(run, by);
      const s = model.series(run.id)?.[metric];
      if (g === undefined || !s) {
        continue;
      }
      const list = groups.get(g) ?? [];
      list.push({ x: s.step, y: s.value });
      groups.set(g, list);
    }
    if (!groups.size) {
      this._band.showMessage(
        t.__('No compared run has a series for %1.', metric)
      );
      return;
    }
    void drawChart(
      this._band,
      meanStdBandSpec(
        [...groups].map(([group, curves]) => ({ group, curves })),
        { metric, bins: 200, logY: o.logY, text: this.chartText(), height: 280 }
      )
    );
  }

  private _band: ChartView;
}
