/**
 * What the sidebar shares with the compare and detail views
 * (`IRunsExplorer`), and the remembering of the table's state per notebook.
 */
import type { IStateDB } from '@jupyterlab/statedb';
import { JSONExt, type ReadonlyPartialJSONObject } from '@lumino/coreutils';
import type { IDisposable } from '@lumino/disposable';
import { Signal, type ISignal } from '@lumino/signaling';
import type { IRunSummary } from '../../core/run';
import type { IRunsExplorer, IRunsModel } from '../../tokens';
import {
  DEFAULT_TABLE_STATE,
  type ITableState,
  type RunsTableModel,
  type TableChange
} from './model';

/**
 * Where the runs table's state was kept for every notebook alike, before
 * it was kept per notebook; removed on start.
 */
export const TABLE_STATE_KEY = 'jupyterlab-runs:sidebar:table';

/** The state key of the runs table for one notebook. */
export function tableStateKey(notebookPath: string): string {
  return `${TABLE_STATE_KEY}:${notebookPath}`;
}

/**
 * Remember the table's state (query, sort, grouping, metric view,
 * columns) per notebook: when the runs model follows another notebook, the
 * table takes that notebook's state (the defaults if it has none), so a
 * query typed for one notebook never filters another's runs. A state equal
 * to the defaults is removed rather than saved. A notebook renamed keeps
 * its runs but starts with the default table state.
 */
export class TableStateMemory implements IDisposable {
  constructor(options: TableStateMemory.IOptions) {
    this._table = options.table;
    this._model = options.model;
    this._state = options.state;
    this._model.stateChanged.connect(this._onModel, this);
    this._table.stateChanged.connect(this._onTable, this);
    void this._state.remove(TABLE_STATE_KEY).catch(() => undefined);
    this._onModel();
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /** Resolves when the current notebook's state is applied. */
  get ready(): Promise<void> {
    return this._ready;
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    Signal.clearData(this);
  }

  private _onModel(): void {
    const path = this._model.notebookPath;
    if (path === this._path) {
      return;
    }
    this._path = path;
    const generation = ++this._generation;
    // At once: the next notebook never shows under this one's query.
    this._applying = true;
    this._table.replaceState(null);
    this._applying = false;
    this._touched = false;
    if (path === null) {
      this._ready = Promise.resolve();
      return;
    }
    this._ready = this._state
      .fetch(tableStateKey(path))
      .then(saved => {
        // Not if the user changed the table meanwhile, or moved on.
        if (generation === this._generation && !this._touched) {
          this._applying = true;
          this._table.replaceState(saved as Partial<ITableState> | undefined);
          this._applying = false;
        }
      })
      .catch(() => {
        // A broken saved state is not worth an error: start fresh.
      });
  }

  private _onTable(_: RunsTableModel, value: ITableState): void {
    if (this._applying || typeof this._path !== 'string') {
      return;
    }
    this._touched = true;
    const key = tableStateKey(this._path);
    const save = JSONExt.deepEqual(
      value as unknown as ReadonlyPartialJSONObject,
      DEFAULT_TABLE_STATE as unknown as ReadonlyPartialJSONObject
    )
      ? this._state.remove(key)
      : this._state.save(key, value as unknown as ReadonlyPartialJSONObject);
    void save.catch(() => undefined);
  }

  private _table: RunsTableModel;
  private _model: TableStateMemory.IOptions['model'];
  private _state: IStateDB;
  private _path: string | null | undefined = undefined;
  private _generation = 0;
  private _applying = false;
  private _touched = false;
  private _ready: Promise<void> = Promise.resolve();
  private _isDisposed = false;
}

export namespace TableStateMemory {
  export interface IOptions {
    table: RunsTableModel;
    /** Which notebook's runs are shown. */
    model: {
      readonly notebookPath: string | null;
      readonly stateChanged: ISignal<unknown, void>;
    };
    state: IStateDB;
  }
}

/**
 * The current notebook's runs (from the runs model, current whether or not
 * the sidebar is shown) and the sidebar table's selection.
 */
export class RunsExplorerService implements IRunsExplorer {
  constructor(options: { model: IRunsModel; table: RunsTableModel }) {
    this._model = options.model;
    this._table = options.table;
    this._model.runsChanged.connect(this._onRuns, this);
    this._model.stateChanged.connect(this._onRuns, this);
    this._table.changed.connect(this._onTable, this);
  }

  get changed(): ISignal<IRunsExplorer, void> {
    return this._changed;
  }

  get notebookPath(): string | null {
    return this._model.notebookPath;
  }

  get runs(): readonly IRunSummary[] {
    return this._model.runs;
  }

  get selected(): readonly IRunSummary[] {
    // The table may be behind while the sidebar is hidden: the model's
    // summaries are current.
    return this._table.selectedRuns.map(r => this._model.getRun(r.id) ?? r);
  }

  getRun(id: string): IRunSummary | undefined {
    return this._model.getRun(id);
  }

  select(ids: readonly string[]): void {
    this._table.setSelection(ids);
  }

  private _onRuns(): void {
    this._changed.emit();
  }

  private _onTable(_: RunsTableModel, change: TableChange): void {
    if (change === 'selection') {
      this._changed.emit();
    }
  }

  private _model: IRunsModel;
  private _table: RunsTableModel;
  private _changed = new Signal<IRunsExplorer, void>(this);
}
