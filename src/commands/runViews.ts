/**
 * `IRunViews`: the trackers of the main-area run views (detail, compare,
 * runs folder), their stable ids, and the context `resolveRunTarget` needs
 * to say which run(s) a command acts on.
 */
import { type MainAreaWidget, WidgetTracker } from '@jupyterlab/apputils';
import type { IDisposable } from '@lumino/disposable';
import type { ISignal } from '@lumino/signaling';
import type { Widget } from '@lumino/widgets';
import { runViewId, type RunViewKind } from '../core/viewId';
import type {
  IRunScope,
  IRunTarget,
  IRunTargetArgs,
  IRunViews,
  IRunsExplorer
} from '../tokens';
import { resolveRunTarget, type IRunTargetContext } from './runTarget';

export class RunViews implements IRunViews, IDisposable {
  constructor(options: RunViews.IOptions) {
    this._shell = options.shell;
    this._explorer = options.explorer ?? null;
    this._sidebarNode = options.sidebarNode ?? (() => null);
    this._notebookPath = options.notebookPath ?? (() => null);
    this.detail = new WidgetTracker({ namespace: 'jupyterlab-runs-detail' });
    this.compare = new WidgetTracker({ namespace: 'jupyterlab-runs-compare' });
    this.folder = new WidgetTracker({ namespace: 'jupyterlab-runs-folder' });
    // Taken when the menu opens: the table may redraw its rows while the
    // menu is open, and a detached row is out of reach of
    // `app.contextMenuHitTest` (it stops below the root of the detached
    // subtree). Capture phase: before JupyterLab opens its menu.
    document.addEventListener('contextmenu', this._onContextMenu, true);
    // Forgotten once the menu closed, after the item's command ran (Lumino
    // closes the menu, then executes the command, in the same task), so a
    // command run later from the palette does not act on a stale row.
    options.menuClosed?.connect(this._onMenuClosed, this);
  }

  readonly detail: WidgetTracker<MainAreaWidget>;
  readonly compare: WidgetTracker<MainAreaWidget>;
  readonly folder: WidgetTracker<MainAreaWidget>;

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  scopeOf(widget: Widget): IRunScope | null {
    return this._scopes.get(widget) ?? null;
  }

  target(args: IRunTargetArgs): IRunTarget | null {
    return resolveRunTarget(args, this.context());
  }

  /** What `target` decides from (exposed for tests and diagnostics). */
  context(): IRunTargetContext {
    const current = this._shell.currentWidget;
    return {
      menu: this._menu,
      current: current ? this.scopeOf(current) : null,
      sidebar: this._sidebarScope(),
      notebookPath: this._notebookPath()
    };
  }

  async open(
    kind: RunViewKind,
    scope: { notebookPath: string; runIds: readonly string[] },
    create: (id: string) => Promise<MainAreaWidget>
  ): Promise<MainAreaWidget> {
    const id = runViewId(kind, scope.notebookPath, scope.runIds);
    const tracker = this[kind];
    let pending =
      tracker.find(w => w.id === id && !w.isDisposed) ?? this._pending.get(id);
    if (!pending) {
      const made = this._make(tracker, id, scope, create).finally(() =>
        this._pending.delete(id)
      );
      this._pending.set(id, made);
      pending = made;
    }
    const widget = await pending;
    if (!widget.isDisposed) {
      this._shell.activateById(widget.id);
    }
    return widget;
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    document.removeEventListener('contextmenu', this._onContextMenu, true);
    this._menu = null;
    this.detail.dispose();
    this.compare.dispose();
    this.folder.dispose();
  }

  private async _make(
    tracker: WidgetTracker<MainAreaWidget>,
    id: string,
    scope: { notebookPath: string; runIds: readonly string[] },
    create: (id: string) => Promise<MainAreaWidget>
  ): Promise<MainAreaWidget> {
    const widget = await create(id);
    widget.id = id;
    this._scopes.set(widget, {
      notebookPath: scope.notebookPath,
      runIds: [...scope.runIds]
    });
    // Tracked before it is shown: the tracker saves what the restorer
    // needs (the view's arguments) as soon as it has it.
    await tracker.add(widget);
    this._shell.add(widget, 'main');
    return widget;
  }

  private _sidebarScope(): IRunScope | null {
    const e = this._explorer;
    return e
      ? { notebookPath: e.notebookPath, runIds: e.selected.map(r => r.id) }
      : null;
  }

  private _onContextMenu = (event: MouseEvent): void => {
    const target = event.target;
    const row =
      target instanceof Element
        ? target.closest<HTMLElement>('[data-run-id]')
        : null;
    const runId = row?.dataset.runId;
    // Shift: the browser's own menu, no command will run.
    this._menu =
      runId && row && !event.shiftKey
        ? { runId, scope: this._scopeHolding(row) }
        : null;
  };

  private _onMenuClosed(): void {
    window.setTimeout(() => (this._menu = null), 0);
  }

  /** The scope of the view holding a node, or null when it is unknown. */
  private _scopeHolding(node: HTMLElement): IRunScope | null {
    for (const tracker of [this.detail, this.compare, this.folder]) {
      const view = tracker.find(w => w.node.contains(node));
      if (view) {
        return this.scopeOf(view);
      }
    }
    if (this._sidebarNode()?.contains(node)) {
      return this._sidebarScope();
    }
    // Another extension's rows name their notebook on a host element.
    const host = node.closest<HTMLElement>('[data-notebook-path]');
    return host?.dataset.notebookPath
      ? { notebookPath: host.dataset.notebookPath, runIds: [] }
      : null;
  }

  private _shell: RunViews.IShell;
  private _explorer: IRunsExplorer | null;
  private _sidebarNode: () => HTMLElement | null;
  private _notebookPath: () => string | null;
  private _scopes = new WeakMap<Widget, IRunScope>();
  private _pending = new Map<string, Promise<MainAreaWidget>>();
  private _menu: IRunTargetContext['menu'] = null;
  private _isDisposed = false;
}

export namespace RunViews {
  /** The slice of JupyterLab's shell the views use. */
  export interface IShell {
    readonly currentWidget: Widget | null;
    add(widget: Widget, area: 'main'): void;
    activateById(id: string): void;
  }

  export interface IOptions {
    shell: IShell;
    /** The sidebar's runs and selection. */
    explorer?: IRunsExplorer | null;
    /** The sidebar's node, to tell its rows from others. */
    sidebarNode?: () => HTMLElement | null;
    /** The notebook in front, when nothing else names one. */
    notebookPath?: () => string | null;
    /** Emitted when JupyterLab's context menu closes. */
    menuClosed?: ISignal<unknown, unknown>;
  }
}
