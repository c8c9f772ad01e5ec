/**
 * The status bar item: how many runs are not yet saved on the server, and
 * why. Hidden while nothing waits, and while a save is simply in progress
 * for less than `SHOW_AFTER_MS`: every run is written within moments, and a
 * label flashing at each run would say nothing (and cost a status-bar
 * layout each time). A failure shows at once.
 */
import type { TranslationBundle } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';
import type { IRunStore, IRunStoreStatus } from '../../tokens';
import { pendingCount, pendingReason } from './pendingText';

/** A save still in progress after this long is shown. */
export const SHOW_AFTER_MS = 1000;

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
    this._clearTimer();
    super.dispose();
  }

  private _update(_: IRunStore, status: IRunStoreStatus): void {
    const count = status.pending;
    const waiting = count + status.pendingFiles > 0;
    if (!waiting || status.failure !== null) {
      this._clearTimer();
      this._render(status);
      return;
    }
    if (!this.isHidden) {
      this._render(status);
    } else if (!this._timer) {
      this._timer = setTimeout(() => {
        this._timer = 0;
        this._render(this._store.status);
      }, SHOW_AFTER_MS);
    }
  }

  /** Show `status`, touching only what changed. */
  private _render(status: IRunStoreStatus): void {
    const count = status.pending;
    const text =
      count > 0
        ? pendingCount(this._trans, count)
        : this._trans.__('Saving run files…');
    const reason = pendingReason(this._trans, status.failure);
    const title = `${reason} ${this._trans.__('Click to retry now.')}`;
    const kind = status.failure?.kind ?? '';
    const hidden = count + status.pendingFiles === 0;
    if (
      text === this._shown.text &&
      title === this._shown.title &&
      kind === this._shown.kind &&
      hidden === this.isHidden
    ) {
      return;
    }
    this._shown = { text, title, kind };
    this.node.textContent = text;
    this.node.title = title;
    this.node.dataset.reason = kind;
    this.node.classList.toggle('jp-mod-failed', status.failure !== null);
    this.setHidden(hidden);
    this._changed?.();
  }

  private _clearTimer(): void {
    if (this._timer) {
      clearTimeout(this._timer);
      this._timer = 0;
    }
  }

  /** Called after each update (the status bar re-checks `isActive`). */
  set onChange(callback: (() => void) | null) {
    this._changed = callback;
  }

  private _store: IRunStore;
  private _trans: TranslationBundle;
  private _onClick: () => void;
  private _changed: (() => void) | null = null;
  private _timer: ReturnType<typeof setTimeout> | 0 = 0;
  private _shown = { text: '', title: '', kind: '' };
}

export namespace PendingRunsItem {
  export interface IOptions {
    store: IRunStore;
    trans: TranslationBundle;
    onClick: () => void;
  }
}
