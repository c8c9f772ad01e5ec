/**
 * The runs explorer in the sidebar: the query box (a full-width row, with
 * the count of runs shown), one toolbar (`RunsToolbar`: compare, details,
 * starred filter, columns, grouping, metric aggregate), the columns chooser
 * and the virtualized table. Owned by the runs panel, which gives it its
 * width (`resize`): the table's layout (`layoutForWidth`) and the toolbar's
 * overflow follow the panel, not the window.
 */
import type { TranslationBundle } from '@jupyterlab/translation';
import type { IDisposable } from '@lumino/disposable';
import { QueryBar } from '../query/queryBar';
import { ColumnChooser } from './columnChooser';
import { layoutForWidth } from './layout';
import type { RunsTableModel, TableChange } from './model';
import { RunsToolbar } from './toolbar';
import { RunsTableView } from './view';
import { el, setText } from '../dom';
import type { FrameScheduler } from '../frame';

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
    this._count = el('span', 'jp-RunsExplorer-count');
    this._count.setAttribute('role', 'status');
    const queryRow = el('div', 'jp-RunsExplorer-queryRow');
    queryRow.append(this._query.node, this._count);

    this._chooser = new ColumnChooser({
      model,
      trans,
      onClose: () => this._setColumnsOpen(false, true),
      onDismiss: target => {
        this.toolbar.columnsOpen = false;
        // A press on the Columns button itself closes it only once: the
        // click that follows must not open it again.
        this._ignoreColumnsClick = this.toolbar.isColumnsButton(target);
        // Whatever that press becomes, the next click ends the exception
        // (listened to on the window: after the button's own handler).
        window.addEventListener(
          'click',
          () => (this._ignoreColumnsClick = false),
          { once: true }
        );
      }
    });
    this.toolbar = new RunsToolbar({
      model,
      trans,
      compare: options.compare,
      onCompare: options.onCompare,
      onOpen: options.onOpen,
      onColumns: () => {
        if (this._ignoreColumnsClick) {
          this._ignoreColumnsClick = false;
          return;
        }
        this._setColumnsOpen(!this._chooser.isOpen);
      },
      columnsId: this._chooser.node.id
    });

    this._table = new RunsTableView({
      model,
      trans,
      onOpen: options.onOpen,
      frames: options.frames
    });
    this.node.append(queryRow, this._chooser.node, this._table.node);
    model.changed.connect(this._onChanged, this);
  }

  readonly node: HTMLDivElement;

  /** The toolbar above the table. */
  readonly toolbar: RunsToolbar;

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  get table(): RunsTableView {
    return this._table;
  }

  /** Whether the panel is visible: a hidden explorer does no DOM work. */
  set active(value: boolean) {
    this._active = value;
    if (value) {
      this.toolbar.attach(this.node, this._chooser.node);
    }
    this.toolbar.visible = value;
    this._table.active = value;
    if (value && this._stale) {
      this._renderTools();
    }
  }

  /**
   * The panel's width (px; 0 or less when unknown): the table's layout and
   * what the toolbar keeps out of its "…" popup.
   */
  resize(width: number): void {
    this._table.layout = layoutForWidth(width, this._table.layout);
    this.node.classList.toggle(
      'jp-mod-narrow',
      this._table.layout === 'narrow'
    );
    this.toolbar.resize(width);
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
    this._query.dispose();
    this.toolbar.dispose();
    this._chooser.dispose();
    this._table.dispose();
  }

  private _onChanged(_: RunsTableModel, change: TableChange): void {
    if (!this._active) {
      this._stale = true;
      return;
    }
    if (change === 'columns') {
      this._chooser.render();
    }
    this._renderTools();
  }

  private _setColumnsOpen(open: boolean, focusButton = false): void {
    if (open) {
      // Just under the toolbar: over the table, never over the query box
      // or the buttons.
      const host = this.toolbar.hostNode;
      this._chooser.node.style.top = `${host.offsetTop + host.offsetHeight}px`;
    }
    this._chooser.setOpen(open);
    this.toolbar.columnsOpen = open;
    if (focusButton) {
      this.toolbar.focusColumns();
    }
  }

  private _renderTools(): void {
    this._stale = false;
    const model = this._model;
    const trans = this._trans;
    // Another notebook's state may have replaced the query.
    this._query.setValue(model.query);
    this._query.setError(model.queryError);
    this.toolbar.update();
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

  private _model: RunsTableModel;
  private _trans: TranslationBundle;
  private _query: QueryBar;
  private _count: HTMLSpanElement;
  private _chooser: ColumnChooser;
  private _ignoreColumnsClick = false;
  private _table: RunsTableView;
  private _active = false;
  private _stale = true;
  private _isDisposed = false;
}

export namespace RunsExplorer {
  /** The model, and what the toolbar's Compare and Details buttons do. */
  export type IOptions = Pick<
    RunsToolbar.IOptions,
    'model' | 'trans' | 'compare' | 'onCompare' | 'onOpen'
  > & {
    /** Frames shared with the sidebar (`frame.ts`). */
    frames?: FrameScheduler;
  };
}
