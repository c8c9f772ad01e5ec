/**
 * Params and metrics side by side: one column per run, "differences only",
 * and deltas against a pinned reference run.
 */
import { sideBySide } from '../../../core/compare/sideBySide';
import type { MetricAggregate } from '../../../core/query/ast';
import type { CompareChange } from '../model';
import {
  checkControl,
  ComparePane,
  controlBar,
  el,
  message,
  selectControl,
  valueText
} from './base';
import { runTitle } from '../../runIdentity';

export class ParamsPane extends ComparePane {
  constructor(options: Omit<ComparePane.IOptions, 'name' | 'label'>) {
    super({
      ...options,
      name: 'params',
      label: options.trans.__('Params & metrics')
    });
  }

  protected dependsOn(change: CompareChange): boolean {
    return change === 'runs' || change === 'options';
  }

  protected render(): void {
    const t = this.trans;
    const runs = this.model.runs;
    const o = this.model.options;
    const labels = this.runLabels();
    const controls = controlBar(
      t.__('Table options'),
      checkControl(t.__('Differences only'), o.differencesOnly, v =>
        this.model.setOptions({ differencesOnly: v })
      ),
      selectControl(
        t.__('Reference run'),
        [['', t.__('None')], ...this.runChoices()],
        o.referenceId ?? '',
        v => this.model.setOptions({ referenceId: v || null })
      ),
      selectControl(
        t.__('Metric value'),
        [
          ['last', t.__('Final')],
          ['min', t.__('Min')],
          ['max', t.__('Max')],
          ['count', t.__('Count')]
        ],
        o.aggregate,
        v => this.model.setOptions({ aggregate: v as MetricAggregate })
      )
    );
    const rows = sideBySide(runs, {
      referenceId: o.referenceId,
      differencesOnly: o.differencesOnly,
      aggregate: o.aggregate
    });
    if (!rows.length) {
      this.node.replaceChildren(
        controls,
        message(
          o.differencesOnly
            ? t.__('The runs do not differ in params or metrics.')
            : t.__('These runs logged no params or metrics.')
        )
      );
      return;
    }
    const table = el('table', 'jp-RunsCompare-table jp-RunsCompare-sideBySide');
    table.setAttribute(
      'aria-label',
      t.__('Params and metrics of the compared runs')
    );
    const head = el('thead');
    const hr = el('tr');
    hr.append(el('th', '', t.__('Key')));
    const subtitles = this.runSubtitles();
    runs.forEach((r, i) => {
      const th = el('th', r.id === o.referenceId ? 'jp-mod-reference' : '');
      th.append(runTitle(r, { label: labels[i], subtitle: subtitles[i] }));
      th.scope = 'col';
      hr.append(th);
    });
    head.append(hr);
    const body = el('tbody');
    let section = '';
    for (const row of rows) {
      if (row.section !== section) {
        section = row.section;
        const tr = el('tr', 'jp-RunsCompare-section');
        const th = el(
          'th',
          '',
          section === 'param' ? t.__('Params') : t.__('Metrics')
        );
        th.colSpan = runs.length + 1;
        th.scope = 'colgroup';
        tr.append(th);
        body.append(tr);
      }
      const tr = el('tr', row.differs ? 'jp-mod-differs' : '');
      tr.dataset.key = `${row.section}:${row.key}`;
      const key = el('th', '', row.key);
      key.scope = 'row';
      tr.append(key);
      row.values.forEach((v, i) => {
        const td = el('td', typeof v === 'number' ? 'jp-mod-number' : '');
        td.append(el('span', 'jp-RunsCompare-value', valueText(v)));
        const d = row.deltas[i];
        if (d !== null && d !== undefined && d !== 0) {
          const delta = el(
            'span',
            `jp-RunsCompare-delta ${d > 0 ? 'jp-mod-up' : 'jp-mod-down'}`,
            `${d > 0 ? '+' : ''}${valueText(d)}`
          );
          td.append(delta);
        }
        tr.append(td);
      });
      body.append(tr);
    }
    table.append(head, body);
    const scroll = el('div', 'jp-RunsCompare-scroll');
    scroll.append(table);
    this.node.replaceChildren(controls, scroll);
  }
}
