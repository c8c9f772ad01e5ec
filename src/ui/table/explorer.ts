/**
 * The runs explorer in the sidebar: query bar, a toolbar (starred filter,
 * group by, metric view, column chooser, compare and detail buttons) and
 * the virtualized table. Plain DOM owned by the runs panel.
 */
import type { TranslationBundle } from '@jupyterlab/translation';
import type { IDisposable } from '@lumino/disposable';
import { QueryBar } from '../query/queryBar';
import type { IColumn, MetricView } from './columns';
import type { RunsTableModel, TableChange } from './model';
import { RunsTableView } from './view';
import { el } from '../dom';

export class RunsExplorer implements IDisposable {
  constructor(options: RunsExplorer.IOptions) {
    const { model, trans } = options;
    this._model = model;
    this._trans = trans;
    this.node = el('div', 'jp-RunsExplorer');

    this._query = new QueryBar({
      trans,
      keys: () => model.queryKeys,
      onChange: text => model.setQuery(text)
    });
    this._query.setValue(model.query);

    const bar = el('div', 'jp-RunsExplorer-toolbar');
    bar.setAttribute('role', 'toolbar');
    bar.setAttribute('aria-label', trans.__('Runs table tools'));

    this._starred = button(
      trans.__('★ Starred'),
      trans.__('Show only starred runs')
    );
    this._starred.classList.add('jp-RunsExplorer-starred');
    this._starred.addEventListener('click', () =>
      model.setStarredOnly(!model.starredOnly)
    );

    this._groupBy = el('select', 'jp-RunsExplorer-groupBy jp-mod-styled');
    this._groupBy.setAttribute('aria-label', trans.__('Group runs by'));
    this._groupBy.addEventListener('change', () =>
      model.setGroupBy(this._groupBy.value || null)
    );

    this._view = el('select', 'jp-RunsExplorer-metricView jp-mod-styled');
    this._view.setAttribute('aria-label', trans.__('Metric value shown'));
    for (const [value, label] of [
      ['last', trans.__('Final')],
      ['best', trans.__('Best')],
      ['min', trans.__('Min')],
      ['max', trans.__('Max')]
    ] as const) {
      const o = el('option', '');
      o.value = value;
      o.textContent = label;
      this._view.append(o);
    }
    this._view.addEventListener('change', () =>
      model.setMetricView(this._view.value as MetricView)
    );

    this._chooser = el('details', 'jp-RunsExplorer-columns');
    const summary = el('summary', '');
    summary.textContent = trans.__('Columns');
    this._chooserList = el('div', 'jp-RunsExplorer-columnList');
    this._chooserList.setAttribute('role', 'group');
    this._chooserList.setAttribute(
      'aria-label',
      trans.__('Choose and pin columns')
    );
    this._chooser.append(summary, this._chooserList);
    this._chooser.addEventListener('toggle', () => this._renderChooser());
    this._chooserList.addEventListener('change', this._onChooserChange);

    this._compare = button(
      trans.__('Compare'),
      trans.__('Compare the selected runs')
    );
    this._compare.classList.add('jp-RunsExplorer-compare');
    this._compare.addEventListener('click', () =>
      options.onCompare?.(model.selectedRuns.map(r => r.id))
    );
    this._detail = button(
      trans.__('Details'),
      trans.__('Open the selected run')
    );
    this._detail.classList.add('jp-RunsExplorer-detail');
    this._detail.addEventListener('click', () => {
      const run = model.selectedRuns[0];
      if (run) {
        options.onOpen?.(run.id);
      }
    });

    this._count = el('span', 'jp-RunsExplorer-count');
    this._count.setAttribute('role', 'status');
    bar.append(
      this._starred,
      this._groupBy,
      this._view,
      this._chooser,
      this._compare,
      this._detail,
      this._count
    );

    this._table = new RunsTableView({ model, trans, onOpen: options.onOpen });
    this.node.append(this._query.node, bar, this._table.node);
    model.changed.connect(this._onChanged, this);
  }

  readonly node: HTMLDivElement;

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  get table(): RunsTableView {
    return this._table;
  }

  /** Whether the panel is visible: a hidden explorer does no DOM work. */
  set active(value: boolean) {
    this._active = value;
    this._table.active = value;
    if (value && this._stale) {
      this._renderTools();
    }
  }

  /** Redraw the tools and the table. */
  render(): void {
    this._renderTools();
    this._table.render();
  }

  focusQuery(): void {
    this._query.focus();
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this._model.changed.disconnect(this._onChanged, this);
    this._chooserList.removeEventListener('change', this._onChooserChange);
    this._query.dispose();
    this._table.dispose();
  }

  private _onChanged(_: RunsTableModel, change: TableChange): void {
    if (!this._active) {
      this._stale = true;
      return;
    }
    if (change === 'columns' && this._chooser.open) {
      this._renderChooser();
    }
    this._renderTools();
  }

  private _renderTools(): void {
    this._stale = false;
    const model = this._model;
    const trans = this._trans;
    // Another notebook's state may have replaced the query.
    this._query.setValue(model.query);
    this._query.setError(model.queryError);
    setAttr(this._starred, 'aria-pressed', String(model.starredOnly));
    if (this._view.value !== model.metricView) {
      this._view.value = model.metricView;
    }
    // Group-by choices: experiment, status and every param or tag; the
    // options are rebuilt (and their labels translated) only when the
    // columns are not the same object as at the last render.
    const columns = model.allColumns;
    if (columns !== this._groupColumns) {
      this._groupColumns = columns;
      const choices: [string, string][] = [
        ['', trans.__('No grouping')],
        ['experiment', trans.__('Group: experiment')],
        ['status', trans.__('Group: status')],
        ...columns
          .filter(c => c.kind === 'param' || c.kind === 'tag')
          .map(c => [c.id, trans.__('Group: %1', c.id)] as [string, string])
      ];
      const key = choices.map(c => c[0]).join('\u0000');
      if (key !== this._groupChoices) {
        this._groupChoices = key;
        this._groupBy.replaceChildren(
          ...choices.map(([value, label]) => {
            const o = el('option', '');
            o.value = value;
            o.textContent = label;
            return o;
          })
        );
      }
    }
    if (this._groupBy.value !== (model.groupBy ?? '')) {
      this._groupBy.value = model.groupBy ?? '';
    }
    const n = model.selection.size;
    if (this._compare.disabled !== n < 2) {
      this._compare.disabled = n < 2;
    }
    setText(
      this._compare,
      n >= 2 ? trans.__('Compare %1', n) : trans.__('Compare')
    );
    if (this._detail.disabled !== n < 1) {
      this._detail.disabled = n < 1;
    }
    const shown = model.filtered.length;
    const total = model.runs.length;
    setText(
      this._count,
      shown === total
        ? trans._n('%1 run', '%1 runs', total)
        : trans.__('%1 of %2 runs', shown, total)
    );
    if (this._count.dataset.shown !== String(shown)) {
      this._count.dataset.shown = String(shown);
    }
  }

  private _renderChooser(): void {
    if (!this._chooser.open) {
      return;
    }
    const trans = this._trans;
    const rows = this._model.allColumns.map((c: IColumn) => {
      const row = el('div', 'jp-RunsExplorer-columnRow');
      const label = el('label', '');
      const box = el('input', '');
      box.type = 'checkbox';
      box.checked = this._model.isVisible(c);
      box.dataset.column = c.id;
      box.dataset.role = 'visible';
      const text = el('span', '');
      text.textContent = c.key ? c.id : c.id;
      label.append(box, text);
      const pinLabel = el('label', 'jp-RunsExplorer-pin');
      const pin = el('input', '');
      pin.type = 'checkbox';
      pin.checked = this._model.isPinned(c.id);
      pin.dataset.column = c.id;
      pin.dataset.role = 'pin';
      pin.setAttribute('aria-label', trans.__('Pin %1', c.id));
      const pinText = el('span', '');
      pinText.textContent = trans.__('pin');
      pinLabel.append(pin, pinText);
      row.append(label, pinLabel);
      return row;
    });
    this._chooserList.replaceChildren(...rows);
  }

  private _onChooserChange = (event: Event): void => {
    const box = event.target as HTMLInputElement;
    const id = box.dataset.column;
    if (!id) {
      return;
    }
    if (box.dataset.role === 'pin') {
      this._model.setPinned(id, box.checked);
    } else {
      this._model.setVisible(id, box.checked);
    }
  };

  private _model: RunsTableModel;
  private _trans: TranslationBundle;
  private _query: QueryBar;
  private _starred: HTMLButtonElement;
  private _groupBy: HTMLSelectElement;
  private _groupChoices = '';
  private _groupColumns: readonly IColumn[] | null = null;
  private _view: HTMLSelectElement;
  private _chooser: HTMLDetailsElement;
  private _chooserList: HTMLDivElement;
  private _compare: HTMLButtonElement;
  private _detail: HTMLButtonElement;
  private _count: HTMLSpanElement;
  private _table: RunsTableView;
  private _active = false;
  private _stale = true;
  private _isDisposed = false;
}

export namespace RunsExplorer {
  export interface IOptions {
    model: RunsTableModel;
    trans: TranslationBundle;
    /** Compare these runs. */
    onCompare?: (runIds: string[]) => void;
    /** Open one run. */
    onOpen?: (runId: string) => void;
  }
}

/**
 * Write text only when it changed: the toolbar is brought up to date at
 * every change of the table (each run recorded), and an equal write still
 * replaces the text node, which Chromium then styles and lays out again.
 */
function setText(node: HTMLElement, text: string): void {
  if (node.textContent !== text) {
    node.textContent = text;
  }
}

/** Set an attribute only when its value changes (as `setText`). */
function setAttr(node: HTMLElement, name: string, value: string): void {
  if (node.getAttribute(name) !== value) {
    node.setAttribute(name, value);
  }
}

function button(label: string, title: string): HTMLButtonElement {
  const b = el('button', 'jp-RunsExplorer-button jp-mod-styled');
  b.type = 'button';
  b.textContent = label;
  b.title = title;
  return b;
}
