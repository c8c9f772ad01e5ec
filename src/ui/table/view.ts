/**
 * The virtualized runs grid: only the rows in view (plus a few) exist in
 * the DOM, positioned inside a body as tall as all rows, so 100,000 runs
 * scroll like 20. Rows keep the sidebar's contract: class
 * `jp-RunsPanel-run`, `data-run-id` and `data-status` (other features hang
 * context menus on them).
 *
 * Run data is untrusted: every value reaches the DOM through `textContent`
 * or `title`, never as HTML.
 */
import type { TranslationBundle } from '@jupyterlab/translation';
import type { IDisposable } from '@lumino/disposable';
import type { IRunSummary, RunStatus } from '../../core/run';
import {
  summaryAnomalies,
  type IAnomaly,
  type IAnomalyOptions
} from '../../core/series/anomalies';
import {
  cellGetter,
  formatCell,
  type CellValue,
  type IColumn
} from './columns';
import { layoutColumns, type TableLayout } from './layout';
import type { RunsTableModel, TableChange, TableItem } from './model';
import { runColor, runName } from '../../core/runs/names';
import { el } from '../dom';
import { colorSwatch } from '../runIdentity';
import { provenanceBadge, provenanceWord } from '../provenance';
import { FrameScheduler } from '../frame';
import { SHOW_AFTER_MS } from '../history/pendingText';

/** Row height in pixels; fixed, so row i sits at i × ROW_HEIGHT. */
export const ROW_HEIGHT = 26;
/** Rows rendered above and below the viewport. */
const OVERSCAN = 8;
/** Quiet time after the last scroll before rows are put in DOM order. */
const SETTLE_MS = 150;
/** On the table while its pinned cells stick (see `pinnedCellsStick`). */
export const STICKY_CLASS = 'jp-mod-sticky';
const STICKY_EVENTS = [
  'pointerenter',
  'pointerleave',
  'focusin',
  'focusout'
] as const;

/**
 * Whether pinned cells stick (`position: sticky`). Only when they have
 * somewhere to stick, rows `rowWidth` px wide in a viewport `viewportWidth`
 * px wide (0 or less: not measured yet), and only while the table is
 * scrolled sideways or may be about to be: the pointer is over it or the
 * focus in it. At the left edge a pinned cell is where it would stick to,
 * so nothing shows the difference.
 */
export function pinnedCellsStick(
  rowWidth: number,
  viewportWidth: number,
  engaged: { scrolledSideways: boolean; pointerIn: boolean; focusIn: boolean }
): boolean {
  const overflows = viewportWidth <= 0 || rowWidth > viewportWidth;
  return (
    overflows &&
    (engaged.scrolledSideways || engaged.pointerIn || engaged.focusIn)
  );
}

/** The narrowest the name column gets in the narrow layout (`_fitName`). */
const NAME_MIN = 90;

const WIDTHS: Record<IColumn['kind'], number> = {
  status: 112, // the "Succeeded" badge and an anomaly flag
  provenance: 84,
  name: 170,
  experiment: 110,
  start: 160,
  duration: 80,
  param: 100,
  metric: 100,
  tag: 100
};

const STATUSES: readonly RunStatus[] = [
  'running',
  'ok',
  'error',
  'interrupted'
];

export class RunsTableView implements IDisposable {
  constructor(options: RunsTableView.IOptions) {
    this._model = options.model;
    this._trans = options.trans;
    this._onOpen = options.onOpen;
    this._frames = options.frames ?? new FrameScheduler();
    const trans = this._trans;
    this.node = el('div', 'jp-RunsTable');
    this.node.setAttribute('role', 'grid');
    this.node.setAttribute('aria-label', trans.__('Runs of this notebook'));
    this.node.setAttribute('aria-multiselectable', 'true');
    this.node.tabIndex = 0;
    this._scroller = el('div', 'jp-RunsTable-scroller');
    this._header = el('div', 'jp-RunsTable-header');
    this._header.setAttribute('role', 'row');
    this._header.setAttribute('aria-rowindex', '1');
    this._body = el('div', 'jp-RunsTable-body');
    this._rows = el('div', 'jp-RunsTable-rows');
    this._rows.setAttribute('role', 'rowgroup');
    this._body.append(this._rows);
    this._scroller.append(this._header, this._body);
    this.node.append(this._scroller);

    this.node.dataset.layout = this._layout;
    this._scroller.addEventListener('scroll', this);
    this._body.addEventListener('mousedown', this);
    // The viewport's height from a ResizeObserver and its scroll position
    // from scroll events: reading either from the DOM while rendering, after
    // the body's height was written, forced a layout of the page in every
    // render (30–70 ms with 10,000 rows, execution-cost benchmark).
    if (typeof ResizeObserver !== 'undefined') {
      this._resize = new ResizeObserver(entries => {
        const { width, height } = entries[entries.length - 1].contentRect;
        this._onResize(width, height);
      });
      this._resize.observe(this._scroller);
    }
    this._body.addEventListener('click', this);
    this._body.addEventListener('dblclick', this);
    this._header.addEventListener('click', this);
    this.node.addEventListener('keydown', this);
    // Whether the table may be scrolled sideways soon (`_updateSticky`).
    for (const type of STICKY_EVENTS) {
      this.node.addEventListener(type, this);
    }
    this._model.changed.connect(this._onModelChanged, this);
    this._columnsDirty = true;
    this._anomalyOptions = this._model.anomalyOptions;
  }

  readonly node: HTMLDivElement;

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /** Whether the view may touch the DOM (false while its panel is hidden). */
  set active(value: boolean) {
    this._active = value;
    if (value && this._stale) {
      this.render();
    }
  }

  /** Which columns show: set from the panel's width (`layoutForWidth`). */
  get layout(): TableLayout {
    return this._layout;
  }

  set layout(value: TableLayout) {
    if (value === this._layout) {
      return;
    }
    this._layout = value;
    this.node.dataset.layout = value;
    this._redrawColumns();
  }

  /** Draw the header and rows again: now if shown, else when shown. */
  private _redrawColumns(): void {
    this._columnsDirty = true;
    if (!this._active) {
      this._stale = true;
      return;
    }
    this._scheduleRows();
  }

  /** Redraw now: header when columns changed, and the visible rows. */
  render(): void {
    this._stale = false;
    if (this._columnsDirty) {
      this._renderHeader();
    }
    this._renderRows(!this._scrollOnly);
  }

  /** Scroll so the run is visible. */
  scrollToRun(id: string): void {
    const index = this._model.items.findIndex(
      i => i.type === 'run' && i.run.id === id
    );
    if (index >= 0) {
      const top = index * ROW_HEIGHT;
      const view = this._viewHeight() - ROW_HEIGHT;
      if (top < this._scrollTop || top > this._scrollTop + view) {
        this._scrollTop = Math.max(0, top - view / 2);
        this._scroller.scrollTop = this._scrollTop;
      }
    }
  }

  handleEvent(event: Event): void {
    switch (event.type) {
      case 'scroll':
        // Scroll events come before the frame's rendering, with layout
        // clean: reading the position here costs nothing.
        this._scrollTop = this._scroller.scrollTop;
        this._scrolledSideways = this._scroller.scrollLeft > 0;
        this._updateSticky();
        this._scheduleRows(true);
        break;
      case 'mousedown':
        this._onMouseDown(event as MouseEvent);
        break;
      case 'click':
        if (event.currentTarget === this._header) {
          this._onHeaderClick(event as MouseEvent);
        } else {
          this._onRowClick(event as MouseEvent);
        }
        break;
      case 'dblclick': {
        const id = this._rowId(event);
        if (id) {
          this._onOpen?.(id);
        }
        break;
      }
      case 'keydown':
        this._onKeyDown(event as KeyboardEvent);
        break;
      case 'pointerenter':
      case 'pointerleave':
        this._pointerIn = event.type === 'pointerenter';
        this._updateSticky();
        break;
      case 'focusin':
      case 'focusout': {
        const next = (event as FocusEvent).relatedTarget;
        this._focusIn =
          event.type === 'focusin' ||
          (next instanceof Node && this.node.contains(next));
        this._updateSticky();
        break;
      }
    }
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this._frames.cancel(this._frame);
    window.clearTimeout(this._settle);
    window.clearTimeout(this._unsavedTimer);
    this._resize?.disconnect();
    this._model.changed.disconnect(this._onModelChanged, this);
    this._scroller.removeEventListener('scroll', this);
    this._body.removeEventListener('mousedown', this);
    this._body.removeEventListener('click', this);
    this._body.removeEventListener('dblclick', this);
    this._header.removeEventListener('click', this);
    this.node.removeEventListener('keydown', this);
    for (const type of STICKY_EVENTS) {
      this.node.removeEventListener(type, this);
    }
  }

  private _onModelChanged(_: RunsTableModel, change: TableChange): void {
    if (change === 'columns') {
      this._columnsDirty = true;
    }
    if (this._model.anomalyOptions !== this._anomalyOptions) {
      // Every row shown shows its flags again, under the new options.
      this._anomalyOptions = this._model.anomalyOptions;
      this._anomalies = new WeakMap();
      for (const slot of this._slots.values()) {
        slot.item = null;
      }
    }
    if (!this._active) {
      this._stale = true;
      return;
    }
    this._scheduleRows();
  }

  /**
   * The viewport got a size (shown, resized). Observer callbacks run after
   * layout, so the scroll position read here is free; a panel shown again
   * may have had it reset while hidden.
   */
  private _onResize(width: number, height: number): void {
    const widthChanged = Math.round(width) !== Math.round(this._observedWidth);
    this._observedWidth = width;
    if (widthChanged && this._layout === 'narrow') {
      this._redrawColumns(); // the name column takes what is left (`_fitName`)
    }
    this._updateSticky();
    const top = this._scroller.scrollTop;
    if (height === this._observedHeight && top === this._scrollTop) {
      return;
    }
    this._observedHeight = height;
    this._scrollTop = top;
    if (this._active) {
      this._scheduleRows(true);
    }
  }

  /**
   * In the narrow layout (a sidebar at its default width, about 250 px)
   * the name column takes the width the other columns leave, down to
   * `NAME_MIN`: at its fixed 170 px the rows were wider than the panel
   * and the status badge's right edge was cut ("Interrupted", seen in a
   * new-user trial, light and dark).
   */
  private _fitName(columns: readonly IColumn[]): void {
    const name = columns.findIndex(c => c.kind === 'name');
    if (this._layout !== 'narrow' || name < 0 || !(this._observedWidth > 0)) {
      return;
    }
    const others = this._widths.reduce(
      (sum, w, i) => (i === name ? sum : sum + w),
      0
    );
    this._widths[name] = Math.max(
      NAME_MIN,
      Math.floor(this._observedWidth) - others
    );
  }

  /** The viewport's height as last observed (a guess until it is). */
  private _viewHeight(): number {
    return this._observedHeight || 600;
  }

  /** Render on the next frame; `scrolled` when only the scroll moved. */
  private _scheduleRows(scrolled = false): void {
    this._pendingOrder ||= !scrolled;
    if (this._frame) {
      return;
    }
    this._frame = this._frames.request(() => {
      this._frame = 0;
      this._scrollOnly = !this._pendingOrder;
      this._pendingOrder = false;
      try {
        if (!this._isDisposed) {
          this.render();
        }
      } finally {
        this._scrollOnly = false;
      }
    });
  }

  private _renderHeader(): void {
    this._columnsDirty = false;
    this._version++;
    const trans = this._trans;
    const columns = layoutColumns(
      this._model.visibleColumns,
      id => this._model.isPinned(id),
      this._layout
    );
    this._columns = columns;
    this._getters = columns.map(c => cellGetter(c, this._model.metricView));
    let left = 0;
    this._lefts = [];
    this._widths = columns.map(c => WIDTHS[c.kind]);
    this._fitName(columns);
    const sort = this._model.sort;
    const cells = columns.map((c, i) => {
      const cell = el('div', 'jp-RunsTable-cell jp-RunsTable-headerCell');
      cell.setAttribute('role', 'columnheader');
      cell.setAttribute('aria-colindex', String(i + 1));
      cell.dataset.column = c.id;
      cell.style.width = `${this._widths[i]}px`;
      if (this._model.isPinned(c.id)) {
        cell.classList.add('jp-mod-pinned');
        cell.style.left = `${left}px`;
        this._lefts.push(left);
        left += this._widths[i];
      } else {
        this._lefts.push(-1);
      }
      const label = this._columnLabel(c);
      cell.textContent = label;
      cell.title = trans.__('Sort by %1', label);
      if (sort && sort.column === c.id) {
        cell.setAttribute(
          'aria-sort',
          sort.descending ? 'descending' : 'ascending'
        );
        cell.classList.add(
          sort.descending ? 'jp-mod-descending' : 'jp-mod-ascending'
        );
      } else {
        cell.setAttribute('aria-sort', 'none');
      }
      return cell;
    });
    this._header.replaceChildren(...cells);
    this._rowWidth = this._widths.reduce((s, w) => s + w, 0);
    this._header.style.width = `${this._rowWidth}px`;
    this._body.style.width = `${this._rowWidth}px`;
    this.node.setAttribute('aria-colcount', String(columns.length));
    this._updateSticky();
  }

  /**
   * Pinned cells stick only when it shows (`pinnedCellsStick`). Each sticky
   * cell is a node of the page's paint property trees, and so is each
   * row's transform: with a cell of every row stuck and rows placed by
   * `translateY`, the open sidebar made the compositing (Layerize and
   * Commit) of every frame of the page, typing and outputs included, take
   * 2.7–4.0 ms against 1.2–1.5 ms now and about 0.9 ms with the sidebar
   * collapsed (`benchmarks/execution-cost.sh`, `BENCH_TRACE=1`,
   * "compositing per frame"). Rows are placed by `top` for the same reason.
   */
  private _updateSticky(): void {
    const sticky = pinnedCellsStick(this._rowWidth, this._observedWidth, {
      scrolledSideways: this._scrolledSideways,
      pointerIn: this._pointerIn,
      focusIn: this._focusIn
    });
    if (this.node.classList.contains(STICKY_CLASS) !== sticky) {
      this.node.classList.toggle(STICKY_CLASS, sticky);
    }
  }

  /** A column's header text. */
  private _columnLabel(c: IColumn): string {
    const trans = this._trans;
    switch (c.kind) {
      case 'status':
        return trans.__('Status');
      case 'provenance':
        return trans.__('Provenance');
      case 'name':
        return trans.__('Name');
      case 'experiment':
        return trans.__('Experiment');
      case 'start':
        return trans.__('Started');
      case 'duration':
        return trans.__('Duration');
      default:
        return c.key ?? '';
    }
  }

  /**
   * Show rows `first..last` of the items, reusing row elements: a row whose
   * position, item, selection and columns are unchanged is not touched; a
   * row that scrolled out is recycled for a position that scrolled in and
   * only its changed cells are rewritten.
   *
   * While scrolling (`ordered` false) rows stay where they are in the DOM:
   * moving even three of them makes Chromium lay out every row again
   * (about 9 ms for 44 rows of 15 cells, against about 1 ms without moves).
   * Positions come from `transform` and `aria-rowindex`, so nothing shows.
   * Once scrolling settles, and on every other render, the rows are put
   * back in position order (screen readers in browse mode and tests read
   * DOM order) with as few moves as possible.
   */
  private _renderRows(ordered: boolean): void {
    const items = this._model.items;
    const height = items.length * ROW_HEIGHT;
    if (height !== this._bodyHeight) {
      this._bodyHeight = height;
      this._body.style.height = `${height}px`;
      this.node.setAttribute('aria-rowcount', String(items.length + 1));
    }
    // Never read from the DOM here: the body's height was just written.
    const top = this._scrollTop;
    const view = this._viewHeight();
    const first = Math.max(0, Math.floor(top / ROW_HEIGHT) - OVERSCAN);
    const last = Math.min(
      items.length,
      Math.ceil((top + view) / ROW_HEIGHT) + OVERSCAN
    );
    const selection = this._model.selection;
    const keys: string[] = [];
    for (let i = first; i < last; i++) {
      keys.push(itemKey(items[i]));
    }
    this._shiftRows(first, keys);
    const wanted = new Set(keys);
    // Free the rows whose item left the window; spares (hidden) come first.
    const free: IRowSlot[] = this._spares;
    this._spares = [];
    for (const [key, slot] of this._slots) {
      if (!wanted.has(key)) {
        this._slots.delete(key);
        free.push(slot);
      }
    }
    const order: IRowSlot[] = [];
    for (let i = first; i < last; i++) {
      const item = items[i];
      const kind = item.type;
      const key = keys[i - first];
      let slot = this._slots.get(key);
      if (!slot) {
        const at = free.findIndex(f => f.kind === kind);
        slot = at >= 0 ? free.splice(at, 1)[0] : this._newSlot(kind);
        this._slots.set(key, slot);
        if (slot.node.hidden) {
          slot.node.hidden = false;
        }
        if (!ordered && !slot.node.parentNode) {
          this._rows.append(slot.node);
        }
      }
      if (item.type === 'group') {
        this._fillGroup(slot, item, i);
      } else {
        this._fillRun(slot, item.run, i, selection.has(item.run.id));
      }
      order.push(slot);
    }
    window.clearTimeout(this._settle);
    if (!ordered) {
      // Keep unused rows as hidden spares, without their run's identity.
      for (const slot of free) {
        if (!slot.node.hidden) {
          slot.node.hidden = true;
          delete slot.node.dataset.runId;
          delete slot.node.dataset.group;
          slot.item = null;
        }
        this._spares.push(slot);
      }
      this._settle = window.setTimeout(() => {
        this._settle = 0;
        this._scheduleRows(false);
      }, SETTLE_MS);
      return;
    }
    for (const slot of free) {
      slot.node.remove();
      slot.node.hidden = false;
      slot.item = null;
    }
    let prev: Node | null = null;
    for (const slot of order) {
      const expected: Node | null = prev
        ? prev.nextSibling
        : this._rows.firstChild;
      if (slot.node !== expected) {
        this._rows.insertBefore(slot.node, expected);
      }
      prev = slot.node;
    }
  }

  private _newSlot(kind: TableItem['type']): IRowSlot {
    const node =
      kind === 'group'
        ? el('div', 'jp-RunsTable-group')
        : el('div', 'jp-RunsPanel-run jp-RunsTable-row');
    node.setAttribute('role', 'row');
    return {
      kind,
      node,
      item: null,
      index: -1,
      offset: NaN,
      selected: false,
      version: -1,
      width: '',
      cells: [],
      keys: []
    };
  }

  /**
   * Rows are placed by `top` within a layer (`.jp-RunsTable-rows`) that is
   * itself moved by `_base` rows (one `translateY`). When every row still
   * shown moved by the same number of places (runs added or removed above
   * them: a new run at the top moves every row down), the layer moves
   * instead of the rows: their `top` stays, and Chromium reuses what it
   * painted for them. Placing each row by `top` anew made the new run's
   * frame style, lay out and paint every visible row again.
   */
  private _shiftRows(first: number, keys: readonly string[]): void {
    let shift: number | null = null;
    for (let i = 0; i < keys.length; i++) {
      const slot = this._slots.get(keys[i]);
      if (!slot || slot.index < 0) {
        continue;
      }
      const moved = first + i - slot.index;
      if (shift === null) {
        shift = moved;
      } else if (shift !== moved) {
        return; // rows moved apart: each is placed again
      }
    }
    if (shift) {
      this._base += shift;
      this._rows.style.transform = this._base
        ? `translateY(${this._base * ROW_HEIGHT}px)`
        : '';
    }
  }

  /** Place a slot at `index` (row index, then `top` in the layer), if it moved. */
  private _place(slot: IRowSlot, index: number): void {
    if (slot.index !== index) {
      slot.index = index;
      slot.node.setAttribute('aria-rowindex', String(index + 2));
    }
    const offset = index - this._base;
    if (slot.offset !== offset) {
      slot.offset = offset;
      slot.node.style.top = `${offset * ROW_HEIGHT}px`;
    }
    const width = `${this._rowWidth}px`;
    if (slot.width !== width) {
      slot.width = width;
      slot.node.style.width = width;
    }
  }

  private _fillGroup(
    slot: IRowSlot,
    item: Extract<TableItem, { type: 'group' }>,
    index: number
  ): void {
    this._place(slot, index);
    if (slot.item === item && slot.version === this._version) {
      return;
    }
    slot.item = item;
    slot.version = this._version;
    const trans = this._trans;
    const row = slot.node;
    row.setAttribute('aria-expanded', String(!item.collapsed));
    row.dataset.group = item.key;
    let cell = slot.cells[0];
    if (!cell) {
      cell = el('div', 'jp-RunsTable-groupCell');
      cell.setAttribute('role', 'gridcell');
      row.append(cell);
      slot.cells = [cell];
    }
    const column = this._model.groupBy ?? '';
    cell.textContent = `${item.collapsed ? '▸' : '▾'} ${trans.__('%1 = %2', column, item.label || trans.__('(none)'))} · ${trans._n('%1 run', '%1 runs', item.count)}`;
  }

  private _fillRun(
    slot: IRowSlot,
    run: IRunSummary,
    index: number,
    selected: boolean
  ): void {
    this._place(slot, index);
    const row = slot.node;
    if (slot.selected !== selected || slot.item === null) {
      slot.selected = selected;
      row.setAttribute('aria-selected', String(selected));
      row.classList.toggle('jp-mod-selected', selected);
    }
    if (slot.item === run && slot.version === this._version) {
      return;
    }
    slot.item = run;
    if (slot.version !== this._version) {
      // Columns changed: new cells (widths, pins, kinds).
      slot.version = this._version;
      slot.cells = this._columns.map((c, i) => {
        const cell = el('div', `jp-RunsTable-cell jp-RunsTable-${c.kind}`);
        cell.setAttribute('role', 'gridcell');
        cell.style.width = `${this._widths[i]}px`;
        if (this._lefts[i] >= 0) {
          cell.classList.add('jp-mod-pinned');
          cell.style.left = `${this._lefts[i]}px`;
        }
        return cell;
      });
      slot.keys = slot.cells.map(() => null);
      row.replaceChildren(...slot.cells);
    }
    if (row.dataset.runId !== run.id) {
      row.dataset.runId = run.id;
      row.title = run.id;
    }
    if (row.dataset.status !== run.status) {
      row.dataset.status = run.status;
    }
    // Marked as its status cell is (`_unsaved`): a run saved within
    // moments, as almost all are, changes nothing on its row.
    const unsaved = this._unsaved(run);
    if (unsaved) {
      row.dataset.pending = 'true';
    } else if (row.dataset.pending) {
      delete row.dataset.pending;
    }
    this._columns.forEach((c, i) => {
      const cell = slot.cells[i];
      const value = this._getters[i](run);
      if (c.kind === 'status') {
        const flags = this._flags(run);
        const live = run.status === 'running' ? this._progressText(run) : '';
        const key = `${run.status}\u0000${unsaved ? 1 : 0}\u0000${live}\u0000${flags.map(f => f.message).join('\u0000')}`;
        if (slot.keys[i] !== key) {
          slot.keys[i] = key;
          this._fillStatus(cell, run, live, unsaved, flags);
        }
      } else if (c.kind === 'provenance') {
        const state = run.provenance ?? null;
        const key = state ?? 'unchecked';
        if (slot.keys[i] !== key) {
          slot.keys[i] = key;
          cell.replaceChildren(
            provenanceBadge(this._trans, state),
            el('span', '', ' ' + provenanceWord(this._trans, state))
          );
        }
      } else if (c.kind === 'name') {
        const key = `${run.starred ? 1 : 0}\u0000${runName(run)}\u0000${runColor(run)}`;
        if (slot.keys[i] !== key) {
          slot.keys[i] = key;
          this._fillName(cell, run);
        }
      } else {
        const text = formatCell(c, value);
        const title = value === null ? '' : String(value);
        const key = `${typeof value}\u0000${text}\u0000${title}`;
        if (slot.keys[i] !== key) {
          slot.keys[i] = key;
          cell.textContent = text;
          cell.title = title;
          cell.classList.toggle('jp-mod-number', typeof value === 'number');
        }
      }
    });
  }

  /**
   * Whether a row marks its run "not yet saved": once it has waited
   * `SHOW_AFTER_MS`, as the status bar and the sidebar's banner say it
   * (`PendingVisibility`). Every run waits a moment, for its write: a mark
   * shown at each ended run, then taken away, changed nothing a user could
   * act on, and cost the page a redraw of the row each time. The rows then
   * showing a mark that came due are drawn again.
   */
  private _unsaved(run: IRunSummary): boolean {
    if (!run.pending) {
      this._pendingSince.delete(run.id);
      return false;
    }
    const now = performance.now();
    let since = this._pendingSince.get(run.id);
    if (since === undefined) {
      since = now;
      this._pendingSince.set(run.id, since);
    }
    const due = since + SHOW_AFTER_MS;
    if (now >= due) {
      return true;
    }
    if (!this._unsavedTimer || due < this._unsavedDue) {
      window.clearTimeout(this._unsavedTimer);
      this._unsavedDue = due;
      this._unsavedTimer = window.setTimeout(() => {
        this._unsavedTimer = 0;
        // Rows shown still unsaved are filled again (their mark may be
        // due); none (saved meanwhile, as almost all are): no frame.
        let refill = false;
        for (const slot of this._slots.values()) {
          const shown = slot.item as IRunSummary | null;
          // As the model has it now: a save applied quietly (no redraw)
          // left the row's summary as drawn.
          if (shown?.pending && this._model.getRun(shown.id)?.pending) {
            slot.item = null;
            refill = true;
          }
        }
        if (!refill) {
          return;
        }
        if (this._active) {
          this._scheduleRows();
        } else {
          this._stale = true;
        }
      }, due - now);
    }
    return false;
  }

  private _fillStatus(
    cell: HTMLElement,
    run: IRunSummary,
    live: string,
    unsaved: boolean,
    flags: IAnomaly[]
  ): void {
    const trans = this._trans;
    const badge = el('span', 'jp-RunsPanel-statusBadge');
    if (STATUSES.includes(run.status)) {
      badge.classList.add(`jp-mod-${run.status}`);
    }
    badge.textContent = this._statusLabel(run.status);
    const parts: HTMLElement[] = [badge];
    if (run.status === 'running') {
      const progress = el('span', 'jp-RunsPanel-live');
      progress.textContent = live;
      parts.push(progress);
    }
    if (unsaved) {
      // Ended (or still running) and kept in this browser until the
      // server has it: the status is the run's own, the mark says where.
      const mark = el('span', 'jp-RunsPanel-unsaved');
      mark.textContent = trans.__('not yet saved');
      mark.title = trans.__(
        'Kept in this browser until the server has it; see the status bar.'
      );
      parts.push(mark);
    }
    if (flags.length) {
      const flag = el('span', 'jp-RunsTable-anomaly');
      flag.textContent = '⚠';
      flag.setAttribute('role', 'img');
      flag.setAttribute(
        'aria-label',
        trans.__('Anomalies: %1', flags.map(f => f.message).join('; '))
      );
      flag.title = flags.map(f => f.message).join('\n');
      parts.push(flag);
    }
    cell.replaceChildren(...parts);
  }

  private _fillName(cell: HTMLElement, run: IRunSummary): void {
    const parts: HTMLElement[] = [colorSwatch(run)];
    if (run.starred) {
      const star = el('span', 'jp-RunsTable-star');
      star.textContent = '★';
      star.setAttribute('role', 'img');
      star.setAttribute('aria-label', this._trans.__('Starred'));
      parts.push(star);
    }
    const text = el('span', '');
    text.textContent = runName(run);
    parts.push(text);
    cell.replaceChildren(...parts);
    cell.title = runName(run);
  }

  /** A running run's latest step and first metric, updated as logs arrive. */
  private _progressText(run: IRunSummary): string {
    const first = Object.entries(run.metrics ?? {})[0];
    return first
      ? this._trans.__(
          'step %1 · %2 %3',
          first[1].lastStep,
          first[0],
          Number(first[1].last.toPrecision(4))
        )
      : this._trans.__('running…');
  }

  /**
   * A run's anomaly flags, once per summary: summaries are replaced, never
   * changed, so the cache is only dropped when the options change (it was
   * dropped on every row change: 29 ms per execution in a 10,000-run
   * folder, as every visible row computed its flags again).
   */
  private _flags(run: IRunSummary): IAnomaly[] {
    let flags = this._anomalies.get(run);
    if (!flags) {
      // Summary flags include the train/validation gaps.
      flags = run.metrics
        ? summaryAnomalies(run.metrics, this._model.anomalyOptions)
        : [];
      this._anomalies.set(run, flags);
    }
    return flags;
  }

  private _statusLabel(status: RunStatus): string {
    switch (status) {
      case 'ok':
        return this._trans.__('Succeeded');
      case 'error':
        return this._trans.__('Failed');
      case 'running':
        return this._trans.__('Running');
      case 'interrupted':
        return this._trans.__('Interrupted');
      default:
        return String(status);
    }
  }

  private _rowId(event: Event): string | null {
    const row = (event.target as HTMLElement).closest<HTMLElement>(
      '.jp-RunsPanel-run'
    );
    return row?.dataset.runId ?? null;
  }

  private _onRowClick(event: MouseEvent): void {
    const group = (event.target as HTMLElement).closest<HTMLElement>(
      '.jp-RunsTable-group'
    );
    if (group?.dataset.group !== undefined) {
      this._model.toggleGroup(group.dataset.group);
      return;
    }
    const id = this._rowId(event);
    if (!id) {
      return;
    }
    if (event.shiftKey) {
      this._model.selectRange(id);
    } else if (event.metaKey || event.ctrlKey) {
      this._model.toggleSelected(id);
    } else {
      this._model.select(id);
    }
    this._focused = id;
  }

  /**
   * Shift-click selects a range of rows, and a double-click opens a run:
   * neither should also select the table's text, which the browser starts
   * on mousedown. Plain drags still select text, so cells stay copyable.
   * The default being prevented, the grid is focused here (arrow keys go on
   * from the clicked run).
   */
  private _onMouseDown(event: MouseEvent): void {
    if (event.button !== 0 || !(event.shiftKey || event.detail > 1)) {
      return;
    }
    if (this._rowId(event)) {
      event.preventDefault();
      this.node.focus({ preventScroll: true });
    }
  }

  private _onHeaderClick(event: MouseEvent): void {
    const cell = (event.target as HTMLElement).closest<HTMLElement>(
      '[data-column]'
    );
    if (cell?.dataset.column) {
      this._model.toggleSort(cell.dataset.column);
    }
  }

  private _onKeyDown(event: KeyboardEvent): void {
    if (event.target !== this.node) {
      return;
    }
    const runs = this._model.items.flatMap(i =>
      i.type === 'run' ? [i.run.id] : []
    );
    if (!runs.length) {
      return;
    }
    const at = this._focused ? runs.indexOf(this._focused) : -1;
    let next = at;
    switch (event.key) {
      case 'ArrowDown':
        next = Math.min(runs.length - 1, at + 1);
        break;
      case 'ArrowUp':
        next = Math.max(0, at - 1);
        break;
      case 'Home':
        next = 0;
        break;
      case 'End':
        next = runs.length - 1;
        break;
      case ' ':
        if (this._focused) {
          this._model.toggleSelected(this._focused);
        }
        event.preventDefault();
        return;
      case 'Enter':
        if (this._focused) {
          this._onOpen?.(this._focused);
        }
        event.preventDefault();
        return;
      default:
        return;
    }
    event.preventDefault();
    this._focused = runs[next];
    if (event.shiftKey) {
      this._model.selectRange(runs[next]);
    } else {
      this._model.select(runs[next]);
    }
    this.scrollToRun(runs[next]);
  }

  private _model: RunsTableModel;
  private _trans: TranslationBundle;
  private _onOpen?: (id: string) => void;
  private _scroller: HTMLDivElement;
  private _header: HTMLDivElement;
  private _body: HTMLDivElement;
  /** The rows' layer, moved by `_base` rows. */
  private _rows: HTMLDivElement;
  private _base = 0;
  private _columns: IColumn[] = [];
  private _getters: ((run: IRunSummary) => CellValue)[] = [];
  private _widths: number[] = [];
  private _lefts: number[] = [];
  private _rowWidth = 0;
  private _columnsDirty = true;
  private _layout: TableLayout = 'wide';
  private _active = false;
  private _stale = true;
  private _frame = 0;
  private _frames: FrameScheduler;
  private _focused: string | null = null;
  private _anomalies = new WeakMap<IRunSummary, IAnomaly[]>();
  private _anomalyOptions: IAnomalyOptions;
  /**
   * Rows in the DOM, by the run or group they show: a run added above
   * moves the rows below (a transform each) instead of refilling them all.
   */
  private _slots = new Map<string, IRowSlot>();
  private _resize: ResizeObserver | null = null;
  private _observedHeight = 0;
  /** The viewport's width as last observed (0: not yet). */
  private _observedWidth = 0;
  private _scrolledSideways = false;
  private _pointerIn = false;
  private _focusIn = false;
  private _scrollTop = 0;
  /** Bumped when columns change: rows then rebuild their cells. */
  private _version = 0;
  private _bodyHeight = -1;
  /** Hidden rows kept for reuse while scrolling. */
  private _spares: IRowSlot[] = [];
  private _settle = 0;
  /** When each run shown was first seen not yet saved (`_unsaved`). */
  private _pendingSince = new Map<string, number>();
  private _unsavedTimer = 0;
  private _unsavedDue = 0;
  private _pendingOrder = false;
  private _scrollOnly = false;
  private _isDisposed = false;
}

/** What a row shows, as the key of its element in the pool. */
function itemKey(item: TableItem): string {
  return item.type === 'run' ? `r\u0000${item.run.id}` : `g\u0000${item.key}`;
}

/** A row element of the pool and what it shows. */
interface IRowSlot {
  kind: TableItem['type'];
  node: HTMLElement;
  /** The run or group shown; null once freed. */
  item: IRunSummary | TableItem | null;
  index: number;
  /** Rows from the layer's top (`top`), the layer being at `_base`. */
  offset: number;
  selected: boolean;
  /** `_version` the cells were built for. */
  version: number;
  width: string;
  cells: HTMLElement[];
  /** What each cell shows, to skip unchanged ones. */
  keys: (string | null)[];
}

export namespace RunsTableView {
  export interface IOptions {
    model: RunsTableModel;
    trans: TranslationBundle;
    /** Open a run's detail (double-click, Enter). */
    onOpen?: (runId: string) => void;
    /**
     * Frames shared with the view that holds this one, so a render of
     * both is one frame (`frame.ts`); its own by default.
     */
    frames?: FrameScheduler;
  }
}
