/**
 * Marks experiment cells in a notebook with a CSS class, so users see which
 * executions will be recorded.
 *
 * Cell widgets exist for every cell even in a windowed notebook (only their
 * nodes are attached lazily), so a class set on `cell.node` survives scrolling.
 * Cells are (re)created on add, move and type change; we re-scan on every
 * change of the cell list, which is cheap and cannot miss a cell.
 */
import type { Cell, ICellModel } from '@jupyterlab/cells';
import type { Notebook } from '@jupyterlab/notebook';
import type { IDisposable } from '@lumino/disposable';
import { Signal } from '@lumino/signaling';
import { experimentName } from '../core/tags';

export const EXPERIMENT_CELL_CLASS = 'jp-runs-experimentCell';

export class ExperimentCellMarker implements IDisposable {
  constructor(notebook: Notebook) {
    this._notebook = notebook;
    notebook.modelChanged.connect(this._onModelChanged, this);
    this._onModelChanged();
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    Signal.disconnectReceiver(this);
    Signal.clearData(this);
  }

  private _onModelChanged(): void {
    this._notebook.model?.cells.changed.connect(this._scan, this);
    this._scan();
  }

  private _scan(): void {
    for (const cell of this._notebook.widgets) {
      if (!this._watched.has(cell.model)) {
        this._watched.add(cell.model);
        cell.model.metadataChanged.connect(() => this._scan(), this);
      }
      this._mark(cell);
    }
  }

  private _mark(cell: Cell): void {
    const name =
      cell.model.type === 'code'
        ? experimentName(
            cell.model.getMetadata('tags') as unknown[] | undefined,
            ''
          )
        : null;
    cell.toggleClass(EXPERIMENT_CELL_CLASS, name !== null);
    if (name) {
      cell.node.dataset.runsExperiment = name;
    } else {
      delete cell.node.dataset.runsExperiment;
    }
  }

  private _notebook: Notebook;
  private _watched = new WeakSet<ICellModel>();
  private _isDisposed = false;
}
