/**
 * What the sidebar shares with the compare and detail views
 * (`IRunsExplorer`), and the remembering of the table's state.
 */
import type { IStateDB } from '@jupyterlab/statedb';
import type { ReadonlyPartialJSONObject } from '@lumino/coreutils';
import { Signal, type ISignal } from '@lumino/signaling';
import type { IRunSummary } from '../../core/run';
import type { IRunsExplorer, IRunsModel } from '../../tokens';
import type { ITableState, RunsTableModel, TableChange } from './model';

/** The state key of the runs table. */
export const TABLE_STATE_KEY = 'jupyterlab-runs:sidebar:table';

/**
 * Restore the table's state once, then save it whenever it changes.
 * Resolves when the restored state is applied.
 */
export async function rememberTableState(
  table: RunsTableModel,
  state: IStateDB
): Promise<void> {
  try {
    const saved = await state.fetch(TABLE_STATE_KEY);
    table.restore(saved as Partial<ITableState> | undefined);
  } catch {
    // A broken saved state is not worth an error: start fresh.
  }
  table.stateChanged.connect((_, value) => {
    void state.save(
      TABLE_STATE_KEY,
      value as unknown as ReadonlyPartialJSONObject
    );
  });
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
