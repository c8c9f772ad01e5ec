/**
 * What the sidebar shares with the compare and detail views
 * (`IRunsExplorer`), and the remembering of the table's state.
 */
import type { IStateDB } from '@jupyterlab/statedb';
import type { ReadonlyPartialJSONObject } from '@lumino/coreutils';
import { Signal, type ISignal } from '@lumino/signaling';
import type { IRunSummary } from '../../core/run';
import type { IRunsExplorer } from '../../tokens';
import type { RunsModel } from '../runsPanel/model';
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

/** The sidebar's runs and table selection. */
export class RunsExplorerService implements IRunsExplorer {
  constructor(options: { model: RunsModel; table: RunsTableModel }) {
    this._model = options.model;
    this._table = options.table;
    this._model.changed.connect(this._onRuns, this);
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
    return this._table.selectedRuns;
  }

  getRun(id: string): IRunSummary | undefined {
    return this._table.getRun(id) ?? this._model.runs.find(r => r.id === id);
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

  private _model: RunsModel;
  private _table: RunsTableModel;
  private _changed = new Signal<IRunsExplorer, void>(this);
}
