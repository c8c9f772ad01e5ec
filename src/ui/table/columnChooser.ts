/**
 * The columns chooser of the runs table: which columns show and which are
 * pinned (pinned columns come first, stay in view when scrolling, and are
 * the ones a narrow sidebar shows besides the name and the status). A
 * popover under the toolbar, opened by its Columns button.
 */
import type { TranslationBundle } from '@jupyterlab/translation';
import type { IDisposable } from '@lumino/disposable';
import { el } from '../dom';
import type { IColumn } from './columns';
import type { RunsTableModel } from './model';

let nextId = 0;

export class ColumnChooser implements IDisposable {
  constructor(options: ColumnChooser.IOptions) {
    this._model = options.model;
    this._trans = options.trans;
    this._onClose = options.onClose;
    this._onDismiss = options.onDismiss;
    const trans = this._trans;
    this.node = el('div', 'jp-RunsExplorer-columnList');
    this.node.id = `jp-RunsExplorer-columns-${++nextId}`;
    this.node.setAttribute('role', 'group');
    this.node.setAttribute('aria-label', trans.__('Choose and pin columns'));
    this.node.hidden = true;
    const note = el(
      'p',
      'jp-RunsExplorer-columnNote',
      trans.__(
        'Pinned ones come first; a narrow sidebar shows them with the name and the status.'
      )
    );
    this._list = el('div', '');
    this.node.append(note, this._list);
    this.node.addEventListener('change', this);
    this.node.addEventListener('keydown', this);
  }

  readonly node: HTMLDivElement;

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  get isOpen(): boolean {
    return !this.node.hidden;
  }

  /** Open or close; the rows are drawn when it opens. */
  setOpen(open: boolean): void {
    if (open === this.isOpen) {
      return;
    }
    this.node.hidden = !open;
    if (open) {
      this.render();
      // A press anywhere else closes it, as menus and popovers do (it can
      // lie over the button that opened it, in the toolbar's overflow).
      document.addEventListener('pointerdown', this, true);
    } else {
      document.removeEventListener('pointerdown', this, true);
    }
  }

  /** Draw the rows again (the columns or their state changed). */
  render(): void {
    if (!this.isOpen) {
      return;
    }
    const trans = this._trans;
    const rows = this._model.allColumns.map((c: IColumn) => {
      const row = el('div', 'jp-RunsExplorer-columnRow');
      const label = el('label', '');
      const box = el('input', '');
      box.type = 'checkbox';
      box.checked = this._model.isVisible(c);
      box.dataset.column = c.id;
      box.dataset.role = 'visible';
      label.append(box, el('span', '', c.id));
      const pinLabel = el('label', 'jp-RunsExplorer-pin');
      const pin = el('input', '');
      pin.type = 'checkbox';
      pin.checked = this._model.isPinned(c.id);
      pin.dataset.column = c.id;
      pin.dataset.role = 'pin';
      pin.setAttribute('aria-label', trans.__('Pin %1', c.id));
      pinLabel.append(pin, el('span', '', trans.__('pin')));
      row.append(label, pinLabel);
      return row;
    });
    this._list.replaceChildren(...rows);
  }

  handleEvent(event: Event): void {
    if (event.type === 'pointerdown') {
      const target = event.target as Node | null;
      if (target && !this.node.contains(target)) {
        this.setOpen(false);
        this._onDismiss?.(target);
      }
      return;
    }
    if (event.type === 'keydown') {
      if ((event as KeyboardEvent).key === 'Escape') {
        event.preventDefault();
        this.setOpen(false);
        this._onClose?.();
      }
      return;
    }
    const box = event.target as HTMLInputElement;
    const id = box.dataset.column;
    if (!id) {
      return;
    }
    if (box.dataset.role === 'pin') {
      this._model.setPinned(id, box.checked);
    } else {
      this._model.setVisible(id, box.checked);
    }
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this.node.removeEventListener('change', this);
    this.node.removeEventListener('keydown', this);
    document.removeEventListener('pointerdown', this, true);
  }

  private _model: RunsTableModel;
  private _trans: TranslationBundle;
  private _onClose?: () => void;
  private _onDismiss?: (target: Node) => void;
  private _list: HTMLDivElement;
  private _isDisposed = false;
}

export namespace ColumnChooser {
  export interface IOptions {
    model: RunsTableModel;
    trans: TranslationBundle;
    /** Closed from the keyboard (Escape): give the focus back. */
    onClose?: () => void;
    /**
     * Closed by a press outside it, on `target` (focus stays where the user
     * pressed).
     */
    onDismiss?: (target: Node) => void;
  }
}
