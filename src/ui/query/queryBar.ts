/**
 * The query box above the runs table: MLflow-style search text, key
 * completion from the runs' params, metrics and tags, and errors that point
 * at the offending characters.
 *
 * Plain DOM (an ARIA combobox with a listbox), owned by the table view.
 * Nothing typed here is ever evaluated: the text goes to the core's parser.
 */
import type { IDisposable } from '@lumino/disposable';
import type { TranslationBundle } from '@jupyterlab/translation';
import {
  completeQuery,
  type IQueryCompletion,
  type IQueryError,
  type IQueryKeys
} from '../../core/query';
import { translateQueryError } from './errors';

let nextId = 0;

export class QueryBar implements IDisposable {
  constructor(options: QueryBar.IOptions) {
    this._options = options;
    const trans = options.trans;
    const id = `jp-RunsQuery-${++nextId}`;
    this.node = document.createElement('div');
    this.node.className = 'jp-RunsQuery';
    this._input = document.createElement('input');
    this._input.className = 'jp-RunsQuery-input jp-mod-styled';
    this._input.type = 'search';
    this._input.spellcheck = false;
    this._input.autocomplete = 'off';
    this._input.placeholder = trans.__(
      "Filter: metrics.acc > 0.9 and params.model = 'cnn'"
    );
    this._input.setAttribute('role', 'combobox');
    this._input.setAttribute('aria-label', trans.__('Filter runs by query'));
    this._input.setAttribute('aria-autocomplete', 'list');
    this._input.setAttribute('aria-expanded', 'false');
    this._input.setAttribute('aria-controls', `${id}-list`);
    this._list = document.createElement('ul');
    this._list.className = 'jp-RunsQuery-completions';
    this._list.id = `${id}-list`;
    this._list.setAttribute('role', 'listbox');
    this._list.setAttribute('aria-label', trans.__('Query completions'));
    this._list.hidden = true;
    this._error = document.createElement('div');
    this._error.className = 'jp-RunsQuery-error';
    this._error.id = `${id}-error`;
    this._error.setAttribute('role', 'alert');
    this._error.hidden = true;
    this._input.setAttribute('aria-describedby', this._error.id);
    this.node.append(this._input, this._list, this._error);

    this._input.addEventListener('input', this);
    this._input.addEventListener('keydown', this);
    this._input.addEventListener('blur', this);
    this._input.addEventListener('focus', this);
    this._input.addEventListener('click', this);
    this._list.addEventListener('mousedown', this);
  }

  readonly node: HTMLDivElement;

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  get value(): string {
    return this._input.value;
  }

  /** Set the text without notifying (e.g. restored state). */
  setValue(text: string): void {
    if (this._input.value !== text) {
      this._input.value = text;
    }
  }

  /** Show an error under the box, or hide it. */
  setError(error: IQueryError | null): void {
    // Called at every change of the table (each run recorded): no error
    // then, and none before, touches nothing.
    if (!error && this._error.hidden && !this._hadError) {
      return;
    }
    this._hadError = !!error;
    const trans = this._options.trans;
    this._input.setAttribute('aria-invalid', error ? 'true' : 'false');
    this.node.classList.toggle('jp-mod-invalid', !!error);
    if (!error) {
      this._error.hidden = true;
      this._error.replaceChildren();
      return;
    }
    const text = this._input.value;
    const message = document.createElement('div');
    message.className = 'jp-RunsQuery-errorMessage';
    message.textContent = trans.__(
      'Invalid query: %1',
      translateQueryError(trans, error)
    );
    const where = document.createElement('pre');
    where.className = 'jp-RunsQuery-errorWhere';
    const width = Math.max(1, error.end - error.position);
    where.textContent = `${text}\n${' '.repeat(error.position)}${'^'.repeat(width)}`;
    this._error.replaceChildren(message, where);
    this._error.hidden = false;
  }

  focus(): void {
    this._input.focus();
  }

  handleEvent(event: Event): void {
    switch (event.type) {
      case 'input':
        this._refreshCompletions();
        this._scheduleChange();
        break;
      case 'keydown':
        this._onKeyDown(event as KeyboardEvent);
        break;
      case 'blur':
        this._close();
        break;
      case 'focus':
      case 'click':
        this._refreshCompletions();
        break;
      case 'mousedown': {
        const item = (event.target as HTMLElement).closest('li');
        if (item) {
          event.preventDefault();
          this._accept(Number(item.dataset.index));
        }
        break;
      }
    }
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    window.clearTimeout(this._timer);
    this._input.removeEventListener('input', this);
    this._input.removeEventListener('keydown', this);
    this._input.removeEventListener('blur', this);
    this._input.removeEventListener('focus', this);
    this._input.removeEventListener('click', this);
    this._list.removeEventListener('mousedown', this);
  }

  private _onKeyDown(event: KeyboardEvent): void {
    const open = !this._list.hidden && this._items.length > 0;
    if (event.key === 'ArrowDown' && open) {
      this._setActive((this._active + 1) % this._items.length);
    } else if (event.key === 'ArrowUp' && open) {
      this._setActive(
        (this._active - 1 + this._items.length) % this._items.length
      );
    } else if (
      (event.key === 'Enter' || event.key === 'Tab') &&
      open &&
      this._active >= 0
    ) {
      this._accept(this._active);
    } else if (event.key === 'Escape' && open) {
      this._close();
    } else if (event.key === 'Enter') {
      this._close();
      this._changeNow();
      return;
    } else {
      return;
    }
    event.preventDefault();
    event.stopPropagation();
  }

  private _refreshCompletions(): void {
    if (document.activeElement !== this._input) {
      return;
    }
    const text = this._input.value;
    const cursor = this._input.selectionStart ?? text.length;
    const result = completeQuery(text, cursor, this._options.keys());
    this._items = result.items;
    this._span = { from: result.from, to: result.to };
    this._active = -1;
    const options = result.items.map((item, i) => {
      const li = document.createElement('li');
      li.className = `jp-RunsQuery-completion jp-mod-${item.kind}`;
      li.id = `${this._list.id}-${i}`;
      li.dataset.index = String(i);
      li.setAttribute('role', 'option');
      li.setAttribute('aria-selected', 'false');
      li.textContent = item.label;
      return li;
    });
    this._list.replaceChildren(...options);
    this._list.hidden = options.length === 0;
    this._input.setAttribute('aria-expanded', String(options.length > 0));
    this._input.removeAttribute('aria-activedescendant');
  }

  private _setActive(index: number): void {
    const items = this._list.children;
    items[this._active]?.setAttribute('aria-selected', 'false');
    items[this._active]?.classList.remove('jp-mod-active');
    this._active = index;
    const li = items[index] as HTMLElement | undefined;
    if (li) {
      li.setAttribute('aria-selected', 'true');
      li.classList.add('jp-mod-active');
      li.scrollIntoView({ block: 'nearest' });
      this._input.setAttribute('aria-activedescendant', li.id);
    }
  }

  private _accept(index: number): void {
    const item = this._items[index];
    if (!item) {
      return;
    }
    const text = this._input.value;
    const next =
      text.slice(0, this._span.from) + item.insert + text.slice(this._span.to);
    this._input.value = next;
    const cursor = this._span.from + item.insert.length;
    this._input.setSelectionRange(cursor, cursor);
    this._refreshCompletions();
    this._scheduleChange();
  }

  private _close(): void {
    this._list.hidden = true;
    this._input.setAttribute('aria-expanded', 'false');
    this._input.removeAttribute('aria-activedescendant');
  }

  private _scheduleChange(): void {
    window.clearTimeout(this._timer);
    this._timer = window.setTimeout(
      () => this._changeNow(),
      this._options.delay ?? 150
    );
  }

  private _changeNow(): void {
    window.clearTimeout(this._timer);
    this._options.onChange(this._input.value);
  }

  private _options: QueryBar.IOptions;
  private _input: HTMLInputElement;
  private _list: HTMLUListElement;
  private _error: HTMLDivElement;
  private _items: IQueryCompletion[] = [];
  private _span = { from: 0, to: 0 };
  private _active = -1;
  private _timer = 0;
  private _isDisposed = false;
  private _hadError = true;
}

export namespace QueryBar {
  export interface IOptions {
    trans: TranslationBundle;
    /** The names to complete, read when completing. */
    keys: () => IQueryKeys;
    /** Called (debounced) with the text to apply. */
    onChange: (text: string) => void;
    /** Debounce in ms. Default 150. */
    delay?: number;
  }
}
