/**
 * The runs of any runs folder, opened in the main area: how the runs of a
 * deleted (or not open) notebook stay reachable. Rows carry the same class
 * and attributes as the sidebar's, so the run context menu works here too.
 */
import type { TranslationBundle } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';
import { formatDuration } from '../../core/format';
import { runsFolder } from '../../core/paths';
import type { IRunSummary } from '../../core/run';
import { numberRuns, runName } from '../../core/runs/names';
import type { IRunListing, IRunStore, IRunStoreChange } from '../../tokens';
import { columnHeads } from '../dom';

export class FolderRunsView extends Widget {
  constructor(options: FolderRunsView.IOptions) {
    super();
    this._store = options.store;
    this._trans = options.trans;
    this.notebookPath = options.notebookPath;
    this.addClass('jp-runs-FolderRuns');
    this.node.dataset.notebookPath = options.notebookPath;
    this.node.setAttribute('role', 'region');
    this.node.setAttribute(
      'aria-label',
      this._trans.__('Runs in %1', runsFolder(options.notebookPath))
    );
    this._store.changed.connect(this._onChanged, this);
    this._store.listingChanged?.connect(this._onListing, this);
    void this.refresh();
  }

  readonly notebookPath: string;

  async refresh(): Promise<void> {
    const trans = this._trans;
    try {
      const listing = await this._store.list(this.notebookPath);
      this._render(
        listing.runs,
        listing.warnings.map(w => `${w.path}: ${w.reason}`)
      );
    } catch (error) {
      this._render(
        [],
        [trans.__('The runs could not be loaded: %1', String(error))]
      );
    }
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this._store.changed.disconnect(this._onChanged, this);
    this._store.listingChanged?.disconnect(this._onListing, this);
    super.dispose();
  }

  /** Runs read in the background, or found by the store's revalidation. */
  private _onListing(_: IRunStore, listing: IRunListing): void {
    if (listing.notebookPath === this.notebookPath) {
      this._render(
        listing.runs,
        listing.warnings.map(w => `${w.path}: ${w.reason}`)
      );
    }
  }

  private _onChanged(_: IRunStore, change: IRunStoreChange): void {
    if (runsFolder(change.notebookPath) === runsFolder(this.notebookPath)) {
      void this.refresh();
    }
  }

  private _render(runs: readonly IRunSummary[], warnings: string[]): void {
    const trans = this._trans;
    const title = document.createElement('h2');
    title.className = 'jp-runs-FolderRuns-title';
    title.textContent = trans.__('Runs in %1', runsFolder(this.notebookPath));
    const parts: HTMLElement[] = [title];
    if (warnings.length) {
      const list = document.createElement('ul');
      list.className = 'jp-RunsPanel-warningList';
      list.setAttribute('role', 'alert');
      for (const warning of warnings) {
        const item = document.createElement('li');
        item.className = 'jp-RunsPanel-warning';
        item.textContent = warning;
        list.append(item);
      }
      parts.push(list);
    }
    const table = document.createElement('table');
    table.className = 'jp-RunsPanel-table';
    table.append(
      columnHeads([
        trans.__('Status'),
        trans.__('Run'),
        trans.__('Started'),
        trans.__('Duration')
      ])
    );
    const body = table.createTBody();
    const numbers = numberRuns(runs);
    for (const run of runs) {
      const row = body.insertRow();
      row.className = 'jp-RunsPanel-run';
      row.dataset.runId = run.id;
      row.dataset.status = run.status;
      const name = runName({ ...run, seq: numbers.get(run.id) });
      row.title = name;
      const cells = [
        run.status,
        `${run.starred ? '★ ' : ''}${name}`,
        new Date(run.startedAt).toLocaleString(),
        formatDuration(run.durationMs)
      ];
      for (const text of cells) {
        row.insertCell().textContent = text;
      }
    }
    if (runs.length === 0) {
      const empty = document.createElement('p');
      empty.className = 'jp-RunsPanel-message';
      empty.textContent = trans.__('No runs in this folder.');
      parts.push(empty);
    }
    parts.push(table);
    this.node.replaceChildren(...parts);
  }

  private _store: IRunStore;
  private _trans: TranslationBundle;
}

export namespace FolderRunsView {
  export interface IOptions {
    store: IRunStore;
    trans: TranslationBundle;
    /** The notebook the folder belongs to (it may no longer exist). */
    notebookPath: string;
  }
}
