/**
 * The runs sidebar: the runs of the active notebook, newest first.
 *
 * Everything a run recorded is untrusted, so it reaches the DOM only through
 * `textContent` and attributes, never as HTML.
 *
 * The panel reads the runs model (`IRunsModel`) and writes only its own
 * table's model. Changes of runs reach the table incrementally
 * (`RunsTableModel.applyChanges`), folded and at most every
 * `ROWS_INTERVAL_MS`: a run logging metrics updates its row a few times a
 * second, not at every message; while the panel is hidden they are only
 * folded (`RunsChangeBuffer`) and applied when it is shown.
 */
import type { TranslationBundle } from '@jupyterlab/translation';
import type { CommandRegistry } from '@lumino/commands';
import { Widget } from '@lumino/widgets';
import {
  isEmptyChange as isEmpty,
  onlyPendingChanged,
  RunsChangeBuffer,
  type IRunsChange
} from '../../core/runs/runList';
import type { IRunsModel } from '../../tokens';
import { RunsExplorer, RunsTableModel } from '../table';
import {
  pendingCount,
  pendingReason,
  PendingVisibility
} from '../history/pendingText';
import { el, setHidden, setText, setTitle } from '../dom';
import { FrameScheduler } from '../frame';

/** Least time between two updates of the table's rows (ms). */
export const ROWS_INTERVAL_MS = 250;
/**
 * How long rows wait for a frame the page draws anyway before they are
 * drawn in a task of their own (ms): a new run shows within it.
 */
export const RIDE_MS = 150;

export class RunsPanel extends Widget {
  constructor(options: RunsPanel.IOptions) {
    super();
    this._model = options.model;
    this._trans = options.trans;
    this.addClass('jp-RunsPanel');
    this.title.caption = this._trans.__('Experiment Runs');
    this.node.setAttribute('role', 'region');
    this.node.setAttribute('aria-label', this._trans.__('Experiment Runs'));

    this._header = el('div', 'jp-RunsPanel-header');
    this._heading = el('h2', 'jp-RunsPanel-title');
    this._subtitle = el('div', 'jp-RunsPanel-notebook');
    this._header.append(this._heading, this._subtitle);
    this._warnings = el('div', 'jp-RunsPanel-warnings');
    this._warnings.setAttribute('role', 'alert');
    this._pending = el('div', 'jp-RunsPanel-pending');
    this._pending.hidden = true;
    this._pending.setAttribute('role', 'status');
    this._header.append(this._pending);
    this._body = el('div', 'jp-RunsPanel-body');
    this._body.setAttribute('aria-live', 'polite');
    this.node.append(this._header, this._warnings, this._body);

    this._table = options.table ?? new RunsTableModel();
    this._ownsTable = !options.table;
    this._explorer = new RunsExplorer({
      model: this._table,
      trans: this._trans,
      compare: options.compare,
      onCompare: options.onCompare,
      onOpen: options.onOpen,
      frames: this._frames
    });
    this._model.stateChanged.connect(this._onStateChanged, this);
    this._model.runsChanged.connect(this._onRunsChanged, this);
  }

  /** The table's model: query, sort, columns, selection. */
  get table(): RunsTableModel {
    return this._table;
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this._model.stateChanged.disconnect(this._onStateChanged, this);
    this._model.runsChanged.disconnect(this._onRunsChanged, this);
    if (this._frame) {
      this._frames.cancel(this._frame);
    }
    window.clearTimeout(this._rowsTimer);
    this._pendingVisibility.dispose();
    this._explorer.dispose();
    if (this._ownsTable) {
      this._table.dispose();
    }
    super.dispose();
  }

  protected onAfterAttach(): void {
    // The runs model lives apart and may be ready before the panel exists.
    this._scheduleRender();
  }

  protected onBeforeShow(): void {
    if (this._stale || !this._changes.isEmpty) {
      this._render();
    }
  }

  protected onAfterShow(): void {
    // The grid measures its viewport: render it once it is laid out.
    this._explorer.active = this._body.contains(this._explorer.node);
    this._measure();
  }

  /**
   * The sidebar was resized (its splitter, the window): the table's layout
   * and the toolbar follow the panel's own width.
   */
  protected onResize(msg: Widget.ResizeMessage): void {
    super.onResize(msg);
    this._width = msg.width >= 0 ? msg.width : -1;
    this._measure();
  }

  /** Give the explorer the panel's width (measured when not given). */
  private _measure(): void {
    if (!this.isVisible || !this._body.contains(this._explorer.node)) {
      return;
    }
    const width = this._width >= 0 ? this._width : this.node.clientWidth;
    this._explorer.resize(width);
  }

  protected onAfterHide(): void {
    this._explorer.active = false;
  }

  /**
   * Render on the next animation frame. Model changes arrive from capture
   * (a run started, metrics arrived, a run was saved) and several may come
   * in one frame: rendering there would put DOM work and forced layouts on
   * the critical path of every execution. A hidden panel does no DOM work;
   * it renders when shown.
   */
  private _scheduleRender(): void {
    this._stale = true;
    if (this._frame && this._frameShared) {
      this._frames.cancel(this._frame); // now, not with the page's frame
      this._frame = 0;
    }
    if (this._frame || !this.isVisible) {
      return;
    }
    this._frameShared = false;
    this._frame = this._frames.request(() => this._renderFrame());
  }

  /**
   * Render with the next frame the page draws anyway (a cell's prompt or
   * output, its toolbar), within `RIDE_MS` (`FrameScheduler.requestShared`):
   * for rows, which may wait that long.
   */
  private _scheduleShared(): void {
    this._stale = true;
    if (this._frame || !this.isVisible) {
      return;
    }
    this._frameShared = true;
    this._frame = this._frames.requestShared(
      () => this._renderFrame(),
      RIDE_MS
    );
  }

  private _renderFrame(): void {
    this._frame = 0;
    if (this._stale && this.isVisible && !this.isDisposed) {
      this._render();
    }
  }

  /**
   * The model's state changed. Most such news while runs are recorded is
   * the pending count (each write of the outbox) or a listing that brought
   * the same runs back: then the pending line alone is brought up to date,
   * not the whole panel (each full render restyles and repaints the
   * sidebar; several came with every recorded run). At once, not in an
   * animation frame: both write only what changed and read no layout,
   * and the count going 0 → 1 → 0 around each save (the line stays
   * hidden) then asks the browser for no frame at all, where it asked
   * for two per tagged execution.
   */
  private _onStateChanged(): void {
    // Stale only for rows that wait for the page's next frame: they keep
    // waiting (each outbox write moves the pending count).
    const rowsWait = this._frame !== 0 && this._frameShared;
    if ((this._stale && !rowsWait) || this._viewKey() !== this._renderedKey) {
      this._scheduleRender();
      return;
    }
    if (!this.isVisible) {
      this._stale = true; // drawn whole when shown (`onBeforeShow`)
      return;
    }
    this._renderWarnings();
    this._renderPending();
  }

  /**
   * What a full render shows of the model's state, as one key. Loading
   * with runs known shows them, as ready does (a refresh or a listing
   * after this page's own save is not a new view).
   */
  private _viewKey(): string {
    const model = this._model;
    const state =
      model.state === 'loading' && model.runs.length > 0
        ? 'ready'
        : model.state;
    return `${state}\u0000${model.notebookPath}\u0000${model.error}`;
  }

  /**
   * Runs changed: fold the change; a visible panel applies what was folded
   * at most every `ROWS_INTERVAL_MS` (what a person can follow), a hidden
   * one when it is shown.
   */
  private _onRunsChanged(_: IRunsModel, change: IRunsChange): void {
    if (this._quiet(change)) {
      // A run's file saved, as a short cell's almost always is after its
      // row was drawn: the table takes it without a render (which found
      // nothing to redraw, at about 1 ms of script for each run).
      this._table.applyChanges(this._model.runs, change, { quiet: true });
      return;
    }
    this._changes.add(change);
    if (!this.isVisible || this._rowsTimer) {
      return;
    }
    // Rows are drawn with the page's next frame (`_scheduleShared`), a
    // new run's at once: the first drawing of a row in a frame of its own
    // was the costliest frame of a tagged execution
    // (`benchmarks/execution-cost.sh`, traced). What follows it (the run's
    // file saved, which changes nothing a row shows) goes to the table
    // without a render (`_quiet`); other changes of drawn rows wait for
    // the next rows update.
    const wait = addsOnly(change)
      ? 0
      : this._lastRows + ROWS_INTERVAL_MS - performance.now();
    if (wait <= 0) {
      this._scheduleShared();
      return;
    }
    this._rowsTimer = window.setTimeout(() => {
      this._rowsTimer = 0;
      this._scheduleShared();
    }, wait);
  }

  /**
   * Whether a change can go to the table without a render: it only moves
   * `pending` flags, and the table is as the model was before it (shown,
   * nothing folded or waiting to be drawn).
   */
  private _quiet(change: IRunsChange): boolean {
    return (
      this.isVisible &&
      !this._stale &&
      this._frame === 0 &&
      this._rowsTimer === 0 &&
      this._changes.isEmpty &&
      this._table.runs.length > 0 &&
      onlyPendingChanged(change)
    );
  }

  /** Bring the table up to the model: the folded changes, or all runs. */
  private _applyRuns(): void {
    const runs = this._model.runs;
    const change = this._changes.take();
    this._lastRows = performance.now();
    if (this._table.runs.length === 0 || change.reset) {
      if (this._table.runs !== runs) {
        this._table.setRuns(runs);
      }
    } else if (!isEmpty(change)) {
      this._table.applyChanges(runs, change);
    }
  }

  private _render(): void {
    this._stale = false;
    this._renderedKey = this._viewKey();
    const trans = this._trans;
    const model = this._model;
    setText(this._heading, trans.__('Runs'));
    setText(this._subtitle, model.notebookPath ?? '');
    setTitle(this._subtitle, model.notebookPath ?? '');
    this._renderWarnings();
    this._renderPending();

    switch (model.state) {
      case 'no-notebook':
        this._showMessage(trans.__('Open a notebook to see its runs.'));
        return;
      case 'error':
        this._showMessage(
          trans.__('The runs could not be loaded: %1', model.error),
          'jp-mod-error'
        );
        return;
      case 'loading':
        if (model.runs.length === 0) {
          this._showMessage(trans.__('Loading runs…'));
          return;
        }
        break;
      case 'ready':
        if (model.runs.length === 0) {
          this._showEmpty();
          return;
        }
        break;
    }
    this._applyRuns();
    const placed = !this._body.contains(this._explorer.node);
    if (placed) {
      this._body.replaceChildren(this._explorer.node);
    }
    if (!this._body.classList.contains('jp-mod-table')) {
      this._body.classList.add('jp-mod-table');
    }
    this._explorer.active = true;
    if (placed) {
      this._measure();
    }
    this._explorer.render();
  }

  /**
   * Runs recorded but not yet on the server, and why (outbox), shown like
   * the status bar item (`PendingVisibility`).
   */
  private _renderPending(): void {
    const count = this._model.pending;
    const failure = this._model.pendingFailure;
    const show = this._pendingVisibility.show(
      count > 0,
      failure !== null,
      !this._pending.hidden
    );
    if (!show) {
      setHidden(this._pending, true);
      return;
    }
    setText(
      this._pending,
      `${pendingCount(this._trans, count)}. ${pendingReason(this._trans, failure)}`
    );
    setHidden(this._pending, false);
  }

  private _renderWarnings(): void {
    const warnings = this._model.warnings;
    if (warnings === this._shownWarnings) {
      return;
    }
    // Each listing brings its own list: redrawn only when it says more.
    const key = warnings.map(w => `${w.path}\u0000${w.reason}`).join('\u0001');
    this._shownWarnings = warnings;
    if (key === this._shownWarningsKey) {
      return;
    }
    this._shownWarningsKey = key;
    this._warnings.replaceChildren();
    if (warnings.length === 0) {
      this._warnings.hidden = true;
      return;
    }
    this._warnings.hidden = false;
    const summary = el('p', 'jp-RunsPanel-warningSummary');
    summary.textContent = this._trans._n(
      '%1 run file could not be read:',
      '%1 run files could not be read:',
      warnings.length
    );
    const list = el('ul', 'jp-RunsPanel-warningList');
    for (const warning of warnings) {
      const item = el('li', 'jp-RunsPanel-warning');
      item.textContent = `${warning.path}: ${warning.reason}`;
      list.append(item);
    }
    this._warnings.append(summary, list);
  }

  private _showMessage(text: string, modifier?: string): void {
    this._leaveTable();
    const message = el('p', 'jp-RunsPanel-message');
    if (modifier) {
      message.classList.add(modifier);
    }
    message.textContent = text;
    this._body.replaceChildren(message);
  }

  /** The body shows a message instead of the table. */
  private _leaveTable(): void {
    this._explorer.active = false;
    this._body.classList.remove('jp-mod-table');
    this._changes.take();
    if (this._table.runs.length) {
      this._table.setRuns([]);
    }
  }

  private _showEmpty(): void {
    this._leaveTable();
    const trans = this._trans;
    const box = el('div', 'jp-RunsPanel-empty');
    const title = el('p', 'jp-RunsPanel-emptyTitle');
    title.textContent = trans.__('No runs yet');
    const how = el('p', 'jp-RunsPanel-emptyHint');
    how.textContent = trans.__(
      'Tag a code cell with “experiment” (or “experiment:name”) using “Toggle Experiment Tag” in the cell toolbar, the cell context menu or the command palette. Each execution of that cell is then recorded here as a run.'
    );
    box.append(title, how);
    this._body.replaceChildren(box);
  }

  private _model: IRunsModel;
  private _trans: TranslationBundle;
  private _header: HTMLElement;
  private _heading: HTMLElement;
  private _subtitle: HTMLElement;
  private _warnings: HTMLElement;
  private _pending: HTMLElement;
  private _body: HTMLElement;
  private _table: RunsTableModel;
  private _ownsTable: boolean;
  private _explorer: RunsExplorer;
  private _stale = true;
  private _frame = 0;
  /** Whether `_frame` waits for the page's next frame (`_scheduleShared`). */
  private _frameShared = false;
  /** The panel's and its table's frames: their work in one frame. */
  private _frames = new FrameScheduler();
  private _renderedKey: string | null = null;
  private _changes = new RunsChangeBuffer();
  private _rowsTimer = 0;
  private _lastRows = -Infinity;
  private _pendingVisibility = new PendingVisibility(() =>
    this._scheduleRender()
  );
  private _shownWarningsKey: string | null = null;
  private _shownWarnings: unknown = null;
  /** The width of the last resize message; -1 when it was not given. */
  private _width = -1;
}

export namespace RunsPanel {
  export interface IOptions {
    model: IRunsModel;
    trans: TranslationBundle;
    /** The table's model, when the caller keeps it (e.g. to remember its state). */
    table?: RunsTableModel;
    /**
     * The command comparing the sidebar's selection when given no ids
     * (`compare-runs`): the toolbar's Compare button is that command's.
     */
    compare?: { commands: CommandRegistry; command: string };
    /** Compare the selected runs (when no `compare` command is given). */
    onCompare?: (runIds: string[]) => void;
    /** Open one run. */
    onOpen?: (runId: string) => void;
  }
}

/**
 * Whether a change only adds runs: the first news of runs (started, or
 * ended and waiting to be saved when they ended before the recorder
 * reported them live).
 */
function addsOnly(change: IRunsChange): boolean {
  return (
    !change.reset &&
    change.removed.length === 0 &&
    change.changed.length === 0 &&
    change.added.length > 0
  );
}
