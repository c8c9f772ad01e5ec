/**
 * Which params matter for a metric, across all runs of the notebook:
 * Pearson and Spearman correlations, and a random forest's out-of-bag
 * permutation importance (it sees non-linear and categorical effects).
 */
import { paramCorrelations } from '../../../core/stats/correlation';
import { paramImportance } from '../../../core/stats/importance';
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

export class ImportancePane extends ComparePane {
  constructor(options: Omit<ComparePane.IOptions, 'name' | 'label'>) {
    super({
      ...options,
      name: 'importance',
      label: options.trans.__('Importance')
    });
  }

  protected dependsOn(change: CompareChange): boolean {
    return change === 'runs' || change === 'options';
  }

  protected render(): void {
    const t = this.trans;
    const model = this.model;
    const runs = model.allRuns;
    const o = model.options;
    const metrics = metricNames(runs);
    const metric =
      o.metric && metrics.includes(o.metric) ? o.metric : (metrics[0] ?? null);
    const controls = controlBar(
      t.__('Importance options'),
      selectControl(
        t.__('Metric'),
        metrics.map(m => [m, m] as const),
        metric ?? '',
        v => model.setOptions({ metric: v })
      )
    );
    if (!metric) {
      this.node.replaceChildren(
        controls,
        message(t.__('These runs logged no metrics.'))
      );
      return;
    }
    const aggregate = o.aggregate === 'count' ? 'last' : o.aggregate;
    const importance = paramImportance(runs, metric, { aggregate });
    const correlations = new Map(
      paramCorrelations(runs, metric, aggregate).map(c => [c.param, c])
    );
    const note = el(
      'p',
      'jp-RunsCompare-note',
      t.__(
        'Across all %1 runs of this notebook. Importance: out-of-bag permutation importance of a random forest, relative to the variance of %2; Spearman: rank correlation.',
        runs.length,
        metric
      )
    );
    const names = [
      ...new Set([...importance.map(i => i.param), ...correlations.keys()])
    ];
    if (!names.length) {
      this.node.replaceChildren(
        controls,
        note,
        message(
          t.__('Not enough runs with varying params and a value of %1.', metric)
        )
      );
      return;
    }
    const table = el('table', 'jp-RunsCompare-table jp-RunsCompare-importance');
    table.setAttribute('aria-label', t.__('Param importance for %1', metric));
    const thead = columnHeads([
      t.__('Param'),
      t.__('Importance'),
      t.__('Share'),
      t.__('Spearman'),
      t.__('Pearson'),
      t.__('Runs')
    ]);
    const body = el('tbody');
    const byParam = new Map(importance.map(i => [i.param, i]));
    for (const name of names) {
      const imp = byParam.get(name);
      const cor = correlations.get(name);
      const tr = el('tr');
      tr.append(el('th', '', name));
      const cell = el('td', 'jp-RunsCompare-bar');
      const bar = el('span', 'jp-RunsCompare-barFill');
      bar.style.width = `${Math.round(Math.max(0, Math.min(1, imp?.share ?? 0)) * 100)}%`;
      cell.append(
        bar,
        el(
          'span',
          'jp-RunsCompare-barText',
          imp ? valueText(imp.importance) : '—'
        )
      );
      tr.append(
        cell,
        el(
          'td',
          'jp-mod-number',
          imp ? `${Math.round(imp.share * 100)}%` : '—'
        ),
        el('td', 'jp-mod-number', cor ? valueText(cor.spearman) : '—'),
        el('td', 'jp-mod-number', cor ? valueText(cor.pearson) : '—'),
        el('td', 'jp-mod-number', cor ? String(cor.n) : '—')
      );
      body.append(tr);
    }
    table.append(thead, body);
    this.node.replaceChildren(controls, note, table);
  }
}
