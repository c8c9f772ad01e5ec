/**
 * The runs table's model: which runs show (query, starred filter), in what
 * order (sort, groups), with which columns (chooser, pins, metric view), and
 * which are selected. No DOM: the view asks for `items` and renders the
 * visible slice.
 *
 * Derived lists are computed lazily and cached; each setter invalidates
 * only what it affects, so a selection change never re-filters 100,000 runs.
 * A new or changed run (`applyChanges`) is filtered alone and inserted where
 * it sorts; columns and query names are collected again only when it brings
 * a new name.
 */
import type { IDisposable } from '@lumino/disposable';
import { Signal, type ISignal } from '@lumino/signaling';
import {
  collectQueryKeys,
  makePredicate,
  type IQueryError,
  type IQueryKeys,
  type RunPredicate
} from '../../core/query';
import type { IRunSummary } from '../../core/run';
import type { IRunsChange } from '../../core/runs/runList';
import type { IAnomalyOptions } from '../../core/series/anomalies';
import {
  cellGetter,
  collectColumns,
  columnFromId,
  compareCells,
  formatCell,
  type CellValue,
  type IColumn,
  type MetricView
} from './columns';
import { editRows, KeyNames, sortOrder, type RunOrder } from './incremental';

/** A row of the table: a run, or the header of a group. */
export type TableItem =
  | { type: 'run'; run: IRunSummary }
  | {
      type: 'group';
      key: string;
      label: string;
      count: number;
      collapsed: boolean;
    };

/** The sort order. */
export interface ISortState {
  column: string;
  descending: boolean;
}

/** What the table remembers between sessions. */
export interface ITableState {
  query: string;
  starredOnly: boolean;
  sort: ISortState | null;
  groupBy: string | null;
  metricView: MetricView;
  /** Column visibility set by the user, by column id. */
  visibility: Record<string, boolean>;
  pinned: string[];
  collapsed: string[];
}

/** What changed, so views redo only that. */
export type TableChange = 'rows' | 'columns' | 'selection';

export const DEFAULT_TABLE_STATE: Readonly<ITableState> = {
  query: '',
  starredOnly: false,
  sort: null,
  groupBy: null,
  metricView: 'last',
  visibility: {},
  pinned: ['name'],
  collapsed: []
};

const NO_GROUP = '\u0000none';

/**
 * More runs than this in one change are taken as a new list: past a few
 * thousand, splicing each into arrays of 10,000 costs more than one sort.
 */
const INCREMENTAL_LIMIT = 2000;

export class RunsTableModel implements IDisposable {
  /** Emitted when rows, columns or the selection changed. */
  get changed(): ISignal<RunsTableModel, TableChange> {
    return this._changed;
  }

  /** Emitted when something worth remembering changed. */
  get stateChanged(): ISignal<RunsTableModel, ITableState> {
    return this._stateChanged;
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /** All runs, in their given order (newest first). */
  get runs(): readonly IRunSummary[] {
    return this._runs;
  }

  /** Replace the runs (the selection keeps the ids still present). */
  setRuns(runs: readonly IRunSummary[]): void {
    // What was derived from the runs shown so far stays with them: a
    // return to a notebook gives back its runs as the same array (the runs
    // model keeps the last few notebooks' lists), and 10,000 runs' columns,
    // query names and ids are not collected again.
    if (this._runs.length > 0) {
      this._derived.set(this._runs, {
        byId: this._byId,
        columns: this._columns,
        keys: this._keys,
        names: this._names
      });
    }
    // Taken back, not shared: ids and names change in place as runs come.
    const kept = this._derived.get(runs);
    this._derived.delete(runs);
    this._runs = runs;
    this._byId = kept?.byId ?? null;
    this._columns = kept?.columns ?? null;
    this._keys = kept?.keys ?? null;
    this._names = kept?.names ?? null;
    this._filtered = null;
    if (this._selection.size > 0) {
      for (const id of [...this._selection]) {
        if (!this.getRun(id)) {
          this._selection.delete(id);
        }
      }
    }
    this._changed.emit('columns');
    this._changed.emit('rows');
  }

  /**
   * Take in what changed (`IRunsModel.runsChanged`, possibly several
   * changes folded by `RunsChangeBuffer`): `runs` is the new list, newest
   * first. Only the changed runs are filtered and put in place; a reset or
   * a change touching many runs replaces the runs (`setRuns`).
   *
   * `quiet`: the change shows nowhere (`onlyPendingChanged`): the lists
   * take the new summaries, and no `changed` is emitted (a view draws them
   * when it next draws).
   */
  applyChanges(
    runs: readonly IRunSummary[],
    change: IRunsChange,
    options: { quiet?: boolean } = {}
  ): void {
    const removed = [...change.removed, ...change.changed.map(c => c.before)];
    const added = [...change.added, ...change.changed.map(c => c.after)];
    if (
      change.reset ||
      this._runs.length === 0 ||
      removed.length + added.length > INCREMENTAL_LIMIT
    ) {
      this.setRuns(runs);
      return;
    }
    this._runs = runs;
    if (this._byId) {
      change.removed.forEach(r => this._byId!.delete(r.id));
      added.forEach(r => this._byId!.set(r.id, r));
    }
    for (const r of change.removed) {
      this._selection.delete(r.id);
    }
    // Names: a removed run may have taken the last use of one with it.
    let columns = change.removed.length > 0;
    if (!columns && (this._columns || this._keys)) {
      this._names ??= new KeyNames(this._runs);
      for (const r of added) {
        columns = this._names.addRun(r) || columns;
      }
    }
    if (columns) {
      this._columns = null;
      this._keys = null;
      this._names = null;
    }
    this._editRows(removed, added);
    if (columns) {
      this._changed.emit('columns');
    }
    if (columns || !options.quiet) {
      this._changed.emit('rows');
    }
  }

  /** A run by id. */
  getRun(id: string): IRunSummary | undefined {
    if (!this._byId) {
      this._byId = new Map(this._runs.map(r => [r.id, r]));
    }
    return this._byId.get(id);
  }

  // Query and filters

  get query(): string {
    return this._state.query;
  }

  /** The query's error, or null when it is valid (or empty). */
  get queryError(): IQueryError | null {
    this._compile();
    return this._queryError;
  }

  /** Set the query text; an invalid query keeps the last valid filter. */
  setQuery(text: string): void {
    if (text === this._state.query) {
      return;
    }
    this._state.query = text;
    this._predicate = undefined;
    this._filtered = null;
    this._emitState('rows');
  }

  get starredOnly(): boolean {
    return this._state.starredOnly;
  }

  setStarredOnly(value: boolean): void {
    if (value !== this._state.starredOnly) {
      this._state.starredOnly = value;
      this._filtered = null;
      this._emitState('rows');
    }
  }

  /** Names the query bar completes. */
  get queryKeys(): IQueryKeys {
    if (!this._keys) {
      this._keys = collectQueryKeys(this._runs);
    }
    return this._keys;
  }

  // Sort, group, metric view

  get sort(): ISortState | null {
    return this._state.sort;
  }

  /** Sort by a column; the same column again flips the direction, a third time clears. */
  toggleSort(column: string): void {
    const s = this._state.sort;
    this._state.sort =
      !s || s.column !== column
        ? { column, descending: false }
        : !s.descending
          ? { column, descending: true }
          : null;
    this._sorted = null;
    this._emitState('rows');
  }

  setSort(sort: ISortState | null): void {
    this._state.sort = sort;
    this._sorted = null;
    this._emitState('rows');
  }

  get groupBy(): string | null {
    return this._state.groupBy;
  }

  setGroupBy(column: string | null): void {
    if (column !== this._state.groupBy) {
      this._state.groupBy = column;
      this._state.collapsed = [];
      this._items = null;
      this._emitState('rows');
    }
  }

  /** Collapse or expand a group. */
  toggleGroup(key: string): void {
    const c = new Set(this._state.collapsed);
    if (!c.delete(key)) {
      c.add(key);
    }
    this._state.collapsed = [...c];
    this._items = null;
    this._emitState('rows');
  }

  get metricView(): MetricView {
    return this._state.metricView;
  }

  /** How the anomaly flags judge runs: a setting, not remembered state. */
  get anomalyOptions(): IAnomalyOptions {
    return this._anomalyOptions;
  }

  setAnomalyOptions(options: IAnomalyOptions): void {
    this._anomalyOptions = { ...options };
    this._changed.emit('rows');
  }

  setMetricView(view: MetricView): void {
    if (view !== this._state.metricView) {
      this._state.metricView = view;
      this._sorted = null;
      this._emitState('columns');
      this._changed.emit('rows');
    }
  }

  // Columns

  /** Every column the runs can fill. */
  get allColumns(): readonly IColumn[] {
    if (!this._columns) {
      this._columns = collectColumns(this._runs);
    }
    return this._columns;
  }

  /** Whether a column shows: tags are hidden unless chosen. */
  isVisible(column: IColumn): boolean {
    return this._state.visibility[column.id] ?? column.kind !== 'tag';
  }

  setVisible(columnId: string, visible: boolean): void {
    this._state.visibility = { ...this._state.visibility, [columnId]: visible };
    this._emitState('columns');
  }

  isPinned(columnId: string): boolean {
    return this._state.pinned.includes(columnId);
  }

  /** Pin a column to the left (or unpin it). */
  setPinned(columnId: string, pinned: boolean): void {
    const rest = this._state.pinned.filter(id => id !== columnId);
    this._state.pinned = pinned ? [...rest, columnId] : rest;
    this._emitState('columns');
  }

  /** Visible columns: pinned first, in pin order, then the rest. */
  get visibleColumns(): IColumn[] {
    const all = this.allColumns.filter(c => this.isVisible(c));
    const pinned = this._state.pinned
      .map(id => all.find(c => c.id === id))
      .filter((c): c is IColumn => !!c);
    return [...pinned, ...all.filter(c => !this.isPinned(c.id))];
  }

  // Rows

  /** Runs passing the query and the starred filter, in input order. */
  get filtered(): readonly IRunSummary[] {
    if (!this._filtered) {
      this._compile();
      const p = this._predicate ?? (() => true);
      const starred = this._state.starredOnly;
      const out: IRunSummary[] = [];
      for (const r of this._runs) {
        if ((!starred || r.starred) && p(r)) {
          out.push(r);
        }
      }
      this._filtered = out;
      this._sorted = null;
    }
    return this._filtered;
  }

  /** Filtered runs in sort order. */
  get sorted(): readonly IRunSummary[] {
    const rows = this.filtered;
    if (!this._sorted) {
      const sort = this._state.sort;
      const column = sort ? columnFromId(sort.column) : null;
      if (!sort || !column) {
        this._sorted = rows;
      } else {
        const get = cellGetter(column, this._state.metricView);
        const keys = rows.map(get);
        const order = rows.map((_, i) => i);
        const dir = sort.descending ? -1 : 1;
        order.sort((a, b) => {
          const ka = keys[a];
          const kb = keys[b];
          if (ka === null || kb === null) {
            return ka === kb ? a - b : ka === null ? 1 : -1;
          }
          return dir * compareCells(ka, kb) || a - b;
        });
        this._sorted = order.map(i => rows[i]);
      }
      this._items = null;
    }
    return this._sorted;
  }

  /** The rows to draw: runs, with group headers when grouping. */
  get items(): readonly TableItem[] {
    const sorted = this.sorted;
    if (!this._items) {
      const groupBy = this._state.groupBy;
      const column = groupBy ? columnFromId(groupBy) : null;
      if (!column) {
        this._items = sorted.map(run => ({ type: 'run' as const, run }));
      } else {
        const get = cellGetter(column, this._state.metricView);
        const groups = new Map<
          string,
          { value: CellValue; runs: IRunSummary[] }
        >();
        for (const run of sorted) {
          const v = get(run);
          const key = v === null ? NO_GROUP : `${typeof v}:${String(v)}`;
          const g = groups.get(key);
          if (g) {
            g.runs.push(run);
          } else {
            groups.set(key, { value: v, runs: [run] });
          }
        }
        const collapsed = new Set(this._state.collapsed);
        const items: TableItem[] = [];
        const ordered = [...groups.entries()].sort((a, b) =>
          a[1].value === null
            ? 1
            : b[1].value === null
              ? -1
              : compareCells(a[1].value, b[1].value)
        );
        for (const [key, g] of ordered) {
          const isCollapsed = collapsed.has(key);
          items.push({
            type: 'group',
            key,
            label: g.value === null ? '' : formatCell(column, g.value),
            count: g.runs.length,
            collapsed: isCollapsed
          });
          if (!isCollapsed) {
            for (const run of g.runs) {
              items.push({ type: 'run', run });
            }
          }
        }
        this._items = items;
      }
    }
    return this._items;
  }

  // Selection

  get selection(): ReadonlySet<string> {
    return this._selection;
  }

  /** Selected runs in table order (runs filtered out stay selected). */
  get selectedRuns(): IRunSummary[] {
    const shown = this.sorted.filter(r => this._selection.has(r.id));
    const hidden = [...this._selection]
      .filter(id => !shown.some(r => r.id === id))
      .map(id => this.getRun(id))
      .filter((r): r is IRunSummary => !!r);
    return [...shown, ...hidden];
  }

  /** Select only this run. */
  select(id: string): void {
    this._selection = new Set([id]);
    this._anchor = id;
    this._changed.emit('selection');
  }

  /** Add or remove one run (Ctrl/Cmd-click). */
  toggleSelected(id: string): void {
    if (!this._selection.delete(id)) {
      this._selection.add(id);
    }
    this._anchor = id;
    this._changed.emit('selection');
  }

  /** Select from the last clicked run to this one (Shift-click). */
  selectRange(id: string): void {
    const rows = this.items.flatMap(i => (i.type === 'run' ? [i.run.id] : []));
    const a = this._anchor ? rows.indexOf(this._anchor) : -1;
    const b = rows.indexOf(id);
    if (a < 0 || b < 0) {
      this.select(id);
      return;
    }
    const [lo, hi] = a < b ? [a, b] : [b, a];
    this._selection = new Set(rows.slice(lo, hi + 1));
    this._changed.emit('selection');
  }

  /** Select these runs (e.g. from a command's arguments). */
  setSelection(ids: Iterable<string>): void {
    this._selection = new Set(ids);
    this._changed.emit('selection');
  }

  clearSelection(): void {
    if (this._selection.size) {
      this._selection = new Set();
      this._changed.emit('selection');
    }
  }

  // State

  /** A copy of the state to remember. */
  toJSON(): ITableState {
    return JSON.parse(JSON.stringify(this._state));
  }

  /**
   * Take another notebook's remembered state: the defaults, then what
   * `state` holds (none: the defaults alone). Nothing of the state before
   * is kept; the selection is cleared.
   */
  replaceState(state: Partial<ITableState> | null | undefined): void {
    this._state = JSON.parse(JSON.stringify(DEFAULT_TABLE_STATE));
    this._selection.clear();
    this._anchor = null;
    this._sorted = null;
    this._items = null;
    this._predicate = undefined;
    this._filtered = null;
    if (state && typeof state === 'object') {
      this.restore(state); // emits
      return;
    }
    this._changed.emit('columns');
    this._changed.emit('rows');
  }

  /** Restore remembered state; unknown or malformed parts are ignored. */
  restore(state: Partial<ITableState> | null | undefined): void {
    if (!state || typeof state !== 'object') {
      return;
    }
    const s = { ...DEFAULT_TABLE_STATE, ...this._state };
    if (typeof state.query === 'string') {
      s.query = state.query;
    }
    if (typeof state.starredOnly === 'boolean') {
      s.starredOnly = state.starredOnly;
    }
    if (
      state.sort === null ||
      (state.sort &&
        typeof state.sort.column === 'string' &&
        typeof state.sort.descending === 'boolean')
    ) {
      s.sort = state.sort ? { ...state.sort } : null;
    }
    if (state.groupBy === null || typeof state.groupBy === 'string') {
      s.groupBy = state.groupBy;
    }
    if (['last', 'best', 'min', 'max'].includes(state.metricView as string)) {
      s.metricView = state.metricView as MetricView;
    }
    if (state.visibility && typeof state.visibility === 'object') {
      s.visibility = Object.fromEntries(
        Object.entries(state.visibility).filter(
          ([, v]) => typeof v === 'boolean'
        )
      );
    }
    if (Array.isArray(state.pinned)) {
      s.pinned = state.pinned.filter(p => typeof p === 'string');
    }
    if (Array.isArray(state.collapsed)) {
      s.collapsed = state.collapsed.filter(p => typeof p === 'string');
    }
    this._state = s;
    this._predicate = undefined;
    this._filtered = null;
    this._changed.emit('columns');
    this._changed.emit('rows');
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    Signal.clearData(this);
  }

  private _compile(): void {
    if (this._predicate !== undefined) {
      return;
    }
    const text = this._state.query.trim();
    if (!text) {
      this._predicate = null;
      this._queryError = null;
      return;
    }
    const made = makePredicate(text);
    if (made.ok) {
      this._predicate = made.predicate;
      this._lastValid = made.predicate;
      this._queryError = null;
    } else {
      // Keep showing what the last valid query matched while the user types.
      this._predicate = this._lastValid;
      this._queryError = made.error;
    }
  }

  /** Update the derived lists that exist for these runs only. */
  private _editRows(
    removed: readonly IRunSummary[],
    added: readonly IRunSummary[]
  ): void {
    if (!this._filtered) {
      return; // computed from the runs when next read
    }
    this._compile();
    const p = this._predicate ?? (() => true);
    const starred = this._state.starredOnly;
    const shared = this._sorted === this._filtered;
    const order = this._sorted && !shared ? this._order() : null;
    const next = editRows(
      { filtered: this._filtered, sorted: order ? this._sorted : null },
      removed,
      added,
      r => (!starred || r.starred === true) && p(r),
      order
    );
    const items =
      this._items && this._sorted && !this._state.groupBy
        ? this._items.slice()
        : null;
    for (const edit of items ? next.edits : []) {
      if (edit.type === 'remove') {
        items!.splice(edit.index, 1);
      } else {
        items!.splice(edit.index, 0, { type: 'run', run: edit.run });
      }
    }
    this._filtered = next.filtered;
    this._sorted = shared ? next.filtered : next.sorted;
    // Groups are rebuilt when read (one pass, no sort of the runs).
    this._items = items;
  }

  /** The current sort as a comparator; null when unsorted. */
  private _order(): RunOrder | null {
    const sort = this._state.sort;
    const column = sort ? columnFromId(sort.column) : null;
    return sort && column
      ? sortOrder(column, this._state.metricView, sort.descending)
      : null;
  }

  private _emitState(change: TableChange): void {
    this._changed.emit(change);
    this._stateChanged.emit(this.toJSON());
  }

  private _runs: readonly IRunSummary[] = [];
  private _byId: Map<string, IRunSummary> | null = null;
  private _state: ITableState = JSON.parse(JSON.stringify(DEFAULT_TABLE_STATE));
  private _columns: IColumn[] | null = null;
  private _keys: IQueryKeys | null = null;
  /** Names seen, while `applyChanges` keeps columns and keys. */
  private _names: KeyNames | null = null;
  /** Per runs array: what was derived from it (`setRuns`). */
  private _derived = new WeakMap<
    readonly IRunSummary[],
    {
      byId: Map<string, IRunSummary> | null;
      columns: IColumn[] | null;
      keys: IQueryKeys | null;
      names: KeyNames | null;
    }
  >();
  private _predicate: RunPredicate | null | undefined = undefined;
  private _lastValid: RunPredicate | null = null;
  private _queryError: IQueryError | null = null;
  private _filtered: IRunSummary[] | null = null;
  private _sorted: readonly IRunSummary[] | null = null;
  private _items: TableItem[] | null = null;
  private _selection = new Set<string>();
  private _anchor: string | null = null;
  private _anomalyOptions: IAnomalyOptions = {};
  private _isDisposed = false;
  private _changed = new Signal<RunsTableModel, TableChange>(this);
  private _stateChanged = new Signal<RunsTableModel, ITableState>(this);
}
