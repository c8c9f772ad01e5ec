/**
 * The status bar item: how many runs are not yet saved on the server, and
 * why. Shown as `PendingVisibility` decides (a failure at once, a save in
 * progress once it lasts); the DOM is touched only when what it says
 * changes (each change costs a status-bar layout).
 */
import type { TranslationBundle } from '@jupyterlab/translation';
import type { IStatusBar } from '@jupyterlab/statusbar';
import { Signal, type ISignal } from '@lumino/signaling';
import { Widget } from '@lumino/widgets';
import type { IRunStore, IRunStoreStatus } from '../../tokens';
import { pendingCount, pendingReason, PendingVisibility } from './pendingText';

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

  /**
   * Whether the item is to be shown: runs wait and `PendingVisibility`
   * says so. The status bar asks this (`isActive`) at each of its
   * refreshes, and shows an item that does not say otherwise.
   */
  get isActive(): boolean {
    return this._active;
  }

  /** Emitted when `isActive` changes. */
  get activeStateChanged(): ISignal<this, void> {
    return this._activeStateChanged;
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
    this._visibility.dispose();
    Signal.clearData(this);
    super.dispose();
  }

  private _update(_: IRunStore, status: IRunStoreStatus): void {
    const show = this._visibility.show(
      status.pending + status.pendingFiles > 0,
      status.failure !== null,
      !this.isHidden
    );
    // Hidden and staying hidden: nothing to touch.
    if (show || !this.isHidden) {
      this._render(status, !show);
    }
  }

  /** Show `status` (or hide), touching only what changed. */
  private _render(status: IRunStoreStatus, hidden: boolean): void {
    const count = status.pending;
    // Hidden, it says nothing (a hidden "Saving…" is still page text).
    const text = hidden
      ? ''
      : count > 0
        ? pendingCount(this._trans, count)
        : this._trans.__('Saving run files…');
    const reason = pendingReason(this._trans, status.failure);
    const title = `${reason} ${this._trans.__('Click to retry now.')}`;
    const kind = status.failure?.kind ?? '';
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
    if (this._active === hidden) {
      this._active = !hidden;
      this._activeStateChanged.emit();
    }
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
  private _visibility = new PendingVisibility(() =>
    this._update(this._store, this._store.status)
  );
  private _shown = { text: '', title: '', kind: '' };
  private _active = false;
  private _activeStateChanged = new Signal<this, void>(this);
}

/**
 * The status bar registration of the item: shown only while it is active
 * (without `isActive`, the status bar would show it at each refresh, and
 * "Saving run files…" would sit there from page load).
 */
export function pendingStatusItem(item: PendingRunsItem): IStatusBar.IItem {
  return {
    item,
    align: 'left',
    rank: 900,
    isActive: () => item.isActive,
    activeStateChanged: item.activeStateChanged
  };
}

export namespace PendingRunsItem {
  export interface IOptions {
    store: IRunStore;
    trans: TranslationBundle;
    onClick: () => void;
  }
}
