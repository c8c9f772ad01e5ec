/**
 * The runs sidebar: the runs of the active notebook, newest first.
 *
 * Everything a run recorded is untrusted, so it reaches the DOM only through
 * `textContent` and attributes, never as HTML.
 */
import type { TranslationBundle } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';
import { formatDuration } from '../../core/format';
import type { IRunSummary, RunStatus } from '../../core/run';
import { pendingCount, pendingReason } from '../history/pendingText';
import type { RunsModel } from './model';

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
    this._pending.setAttribute('role', 'status');
    this._header.append(this._pending);
    this._body = el('div', 'jp-RunsPanel-body');
    this._body.setAttribute('aria-live', 'polite');
    this.node.append(this._header, this._warnings, this._body);

    this._model.changed.connect(this._scheduleRender, this);
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this._model.changed.disconnect(this._scheduleRender, this);
    super.dispose();
  }

  protected onBeforeShow(): void {
    if (this._stale) {
      this._render();
    }
  }

  private _scheduleRender(): void {
    // A hidden panel does no DOM work; it renders when shown.
    if (!this.isVisible) {
      this._stale = true;
      return;
    }
    this._render();
  }

  private _render(): void {
    this._stale = false;
    const trans = this._trans;
    const model = this._model;
    this._heading.textContent = trans.__('Runs');
    this._subtitle.textContent = model.notebookPath ?? '';
    this._subtitle.title = model.notebookPath ?? '';
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
    this._body.replaceChildren(this._table(model.runs));
  }

  /** Runs recorded but not yet on the server, and why (outbox). */
  private _renderPending(): void {
    const count = this._model.pending;
    this._pending.hidden = count === 0;
    this._pending.textContent =
      count === 0
        ? ''
        : `${pendingCount(this._trans, count)}. ${pendingReason(this._trans, this._model.pendingFailure)}`;
  }

  private _renderWarnings(): void {
    const warnings = this._model.warnings;
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
    const message = el('p', 'jp-RunsPanel-message');
    if (modifier) {
      message.classList.add(modifier);
    }
    message.textContent = text;
    this._body.replaceChildren(message);
  }

  private _showEmpty(): void {
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

  private _table(runs: readonly IRunSummary[]): HTMLTableElement {
    const trans = this._trans;
    const table = el('table', 'jp-RunsPanel-table');
    table.setAttribute('aria-label', trans.__('Runs of this notebook'));
    const head = el('thead', '');
    const headRow = el('tr', '');
    for (const label of [
      trans.__('Status'),
      trans.__('Experiment'),
      trans.__('Started'),
      trans.__('Duration')
    ]) {
      const th = el('th', '');
      th.scope = 'col';
      th.textContent = label;
      headRow.append(th);
    }
    head.append(headRow);
    const body = el('tbody', '');
    for (const run of runs) {
      body.append(this._row(run));
    }
    table.append(head, body);
    return table;
  }

  private _row(run: IRunSummary): HTMLTableRowElement {
    const row = el('tr', 'jp-RunsPanel-run');
    row.dataset.runId = run.id;
    row.dataset.status = run.status;
    row.title = run.id;

    const status = el('td', 'jp-RunsPanel-status');
    const badge = el('span', `jp-RunsPanel-statusBadge jp-mod-${run.status}`);
    badge.textContent = this._statusLabel(run.status);
    status.append(badge);

    const experiment = el('td', 'jp-RunsPanel-experiment');
    experiment.textContent = run.name ?? run.experiment;

    const started = el('td', 'jp-RunsPanel-started');
    const time = el('time', '');
    time.dateTime = run.startedAt;
    time.textContent = new Date(run.startedAt).toLocaleString();
    started.append(time);

    const duration = el('td', 'jp-RunsPanel-duration');
    duration.textContent = formatDuration(run.durationMs);

    row.append(status, experiment, started, duration);
    return row;
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
    }
  }

  private _model: RunsModel;
  private _trans: TranslationBundle;
  private _header: HTMLElement;
  private _heading: HTMLElement;
  private _subtitle: HTMLElement;
  private _warnings: HTMLElement;
  private _pending: HTMLElement;
  private _body: HTMLElement;
  private _stale = true;
}

export namespace RunsPanel {
  export interface IOptions {
    model: RunsModel;
    trans: TranslationBundle;
  }
}

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className: string
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) {
    node.className = className;
  }
  return node;
}
