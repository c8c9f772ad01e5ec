/**
 * The status bar item: how many runs are not yet saved on the server, and
 * why. Hidden while nothing waits.
 */
import type { TranslationBundle } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';
import type { IRunStore, IRunStoreStatus } from '../../tokens';
import { pendingCount, pendingReason } from './pendingText';

export class PendingRunsItem extends Widget {
  constructor(options: PendingRunsItem.IOptions) {
    super();
    this._store = options.store;
    this._trans = options.trans;
    this._onClick = options.onClick;
    this.addClass('jp-runs-PendingItem');
    this.node.setAttribute('role', 'status');
    this.node.addEventListener('click', this);
    this._store.statusChanged.connect(this._update, this);
    this._update(this._store, this._store.status);
  }

  /** Whether the item has something to say. */
  get hasPending(): boolean {
    return this._store.status.pending + this._store.status.pendingFiles > 0;
  }

  handleEvent(event: Event): void {
    if (event.type === 'click') {
      this._onClick();
    }
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this.node.removeEventListener('click', this);
    this._store.statusChanged.disconnect(this._update, this);
    super.dispose();
  }

  private _update(_: IRunStore, status: IRunStoreStatus): void {
    const count = status.pending;
    this.node.textContent =
      count > 0
        ? pendingCount(this._trans, count)
        : this._trans.__('Saving run files…');
    const reason = pendingReason(this._trans, status.failure);
    this.node.title = `${reason} ${this._trans.__('Click to retry now.')}`;
    this.node.dataset.reason = status.failure?.kind ?? '';
    this.node.classList.toggle('jp-mod-failed', status.failure !== null);
    this.setHidden(count + status.pendingFiles === 0);
    this._changed?.();
  }

  /** Called after each update (the status bar re-checks `isActive`). */
  set onChange(callback: (() => void) | null) {
    this._changed = callback;
  }

  private _store: IRunStore;
  private _trans: TranslationBundle;
  private _onClick: () => void;
  private _changed: (() => void) | null = null;
}

export namespace PendingRunsItem {
  export interface IOptions {
    store: IRunStore;
    trans: TranslationBundle;
    onClick: () => void;
  }
}
