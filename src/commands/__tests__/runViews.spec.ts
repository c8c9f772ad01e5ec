/**
 * `RunViews` gathers what `resolveRunTarget` decides from: the row a
 * context menu was opened on and the view holding it, the view in front,
 * the sidebar. And it keeps one tab per thing shown.
 */
import { MainAreaWidget } from '@jupyterlab/apputils';
import { Signal } from '@lumino/signaling';
import { Widget } from '@lumino/widgets';
import type { IRunsExplorer } from '../../tokens';
import { RunViews } from '../runViews';

const A = '01JDQ6Z0A1AAAAAAAAAAAAAAAA';
const B = '01JDQ6Z0A1BBBBBBBBBBBBBBBB';
const C = '01JDQ6Z0A1CCCCCCCCCCCCCCCC';

class FakeShell implements RunViews.IShell {
  currentWidget: Widget | null = null;
  added: Widget[] = [];
  add(widget: Widget): void {
    this.added.push(widget);
    Widget.attach(widget, document.body);
  }
  activateById(id: string): void {
    this.currentWidget = this.added.find(w => w.id === id) ?? null;
  }
}

/** A view whose node holds run rows like the sidebar's. */
function viewWithRows(ids: string[]): MainAreaWidget {
  const content = new Widget();
  for (const id of ids) {
    const row = document.createElement('div');
    row.className = 'jp-RunsPanel-run';
    row.dataset.runId = id;
    row.append(document.createElement('span'));
    content.node.append(row);
  }
  return new MainAreaWidget({ content });
}

function rightClick(node: Element, init: MouseEventInit = {}): void {
  node.dispatchEvent(
    new MouseEvent('contextmenu', { bubbles: true, cancelable: true, ...init })
  );
}

let shell: FakeShell;
let menuClosed: Signal<object, void>;
let sidebar: HTMLElement;
let views: RunViews;

beforeEach(() => {
  shell = new FakeShell();
  menuClosed = new Signal<object, void>({});
  sidebar = document.createElement('div');
  sidebar.id = 'jp-runs-panel';
  const row = document.createElement('div');
  row.dataset.runId = B;
  sidebar.append(row);
  document.body.append(sidebar);
  const explorer = {
    notebookPath: 'nb.ipynb',
    selected: [{ id: B }]
  } as unknown as IRunsExplorer;
  views = new RunViews({
    shell,
    explorer,
    sidebarNode: () => sidebar,
    notebookPath: () => 'nb.ipynb',
    menuClosed
  });
});

afterEach(() => {
  views.dispose();
  shell.added.forEach(w => w.dispose());
  document.body.replaceChildren();
});

describe('RunViews', () => {
  describe('#open', () => {
    it('should focus the open tab instead of opening another', async () => {
      const make = jest.fn(async () => viewWithRows([]));
      const first = await views.open(
        'detail',
        { notebookPath: 'nb.ipynb', runIds: [A] },
        make
      );
      shell.currentWidget = null;
      const again = await views.open(
        'detail',
        { notebookPath: 'nb.ipynb', runIds: [A] },
        make
      );
      expect(again).toBe(first);
      expect(make).toHaveBeenCalledTimes(1);
      expect(shell.added).toHaveLength(1);
      expect(shell.currentWidget).toBe(first);
      expect(views.detail.size).toBe(1);
    });

    it('should open one tab when asked twice at once', async () => {
      const make = jest.fn(async () => viewWithRows([]));
      const scope = { notebookPath: 'nb.ipynb', runIds: [B, A] };
      const [x, y] = await Promise.all([
        views.open('compare', scope, make),
        views.open('compare', { ...scope, runIds: [A, B] }, make)
      ]);
      expect(x).toBe(y);
      expect(make).toHaveBeenCalledTimes(1);
    });

    it('should open a new tab once the old one was closed', async () => {
      const scope = { notebookPath: 'nb.ipynb', runIds: [A] };
      const first = await views.open('detail', scope, async () =>
        viewWithRows([])
      );
      first.dispose();
      const second = await views.open('detail', scope, async () =>
        viewWithRows([])
      );
      expect(second).not.toBe(first);
      expect(second.id).toBe(first.id);
      expect(views.detail.size).toBe(1);
    });

    it('should keep what a view shows for the restorer', async () => {
      const w = await views.open(
        'compare',
        { notebookPath: 'nb.ipynb', runIds: [B, A] },
        async () => viewWithRows([])
      );
      expect(views.scopeOf(w)).toEqual({
        notebookPath: 'nb.ipynb',
        runIds: [B, A]
      });
      expect(views.scopeOf(new Widget())).toBeNull();
    });
  });

  describe('#target', () => {
    it('should act on a runs-folder row in that folder, not the sidebar’s notebook', async () => {
      const folder = await views.open(
        'folder',
        { notebookPath: 'old/deleted.ipynb', runIds: [] },
        async () => viewWithRows([A, C])
      );
      rightClick(folder.node.querySelector(`[data-run-id="${C}"] span`)!);
      expect(views.target({})).toEqual({
        notebookPath: 'old/deleted.ipynb',
        runIds: [C]
      });
    });

    it('should act on a sidebar row in the sidebar’s notebook', () => {
      rightClick(sidebar.firstElementChild!);
      expect(views.target({})).toEqual({
        notebookPath: 'nb.ipynb',
        runIds: [B]
      });
    });

    it('should act on a run of a comparison in its notebook', async () => {
      const compare = await views.open(
        'compare',
        { notebookPath: 'other.ipynb', runIds: [A, C] },
        async () => viewWithRows([A, C])
      );
      rightClick(compare.node.querySelector(`[data-run-id="${A}"]`)!);
      expect(views.target({})).toEqual({
        notebookPath: 'other.ipynb',
        runIds: [A]
      });
    });

    it('should refuse a row it cannot place, and place one under a host naming its notebook', () => {
      const host = document.createElement('section');
      const row = document.createElement('div');
      row.dataset.runId = A;
      host.append(row);
      document.body.append(host);
      rightClick(row);
      expect(views.target({})).toBeNull();
      host.dataset.notebookPath = 'hosted.ipynb';
      rightClick(row);
      expect(views.target({})).toEqual({
        notebookPath: 'hosted.ipynb',
        runIds: [A]
      });
    });

    it('should forget the row once the menu closed and its command ran', async () => {
      const detail = await views.open(
        'detail',
        { notebookPath: 'other.ipynb', runIds: [C] },
        async () => viewWithRows([])
      );
      rightClick(sidebar.firstElementChild!);
      menuClosed.emit();
      // Lumino runs the item's command right after closing the menu.
      expect(views.target({})?.runIds).toEqual([B]);
      await new Promise(resolve => setTimeout(resolve, 0));
      // Then the detail in front is what the palette acts on.
      expect(shell.currentWidget).toBe(detail);
      expect(views.target({})).toEqual({
        notebookPath: 'other.ipynb',
        runIds: [C]
      });
    });

    it('should ignore a shift-right-click (the browser’s own menu)', () => {
      rightClick(sidebar.firstElementChild!, { shiftKey: true });
      expect(views.context().menu).toBeNull();
    });

    it('should forget the row when the menu opens elsewhere', () => {
      rightClick(sidebar.firstElementChild!);
      rightClick(document.body);
      expect(views.context().menu).toBeNull();
    });

    it('should act on the sidebar’s selection with nothing in front', () => {
      expect(views.target({})).toEqual({
        notebookPath: 'nb.ipynb',
        runIds: [B]
      });
    });
  });
});
