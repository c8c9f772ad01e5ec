/**
 * The view commands after a reload: the layout restorer runs them with the
 * tab's arguments, and the runs may be gone by then. They must say so in
 * the tab, never throw; and a second call focuses the tab already open.
 */
import { CommandRegistry } from '@lumino/commands';
import { Widget } from '@lumino/widgets';
import { makeRun } from '../../core/__tests__/fixtures';
import type { IRunSummary } from '../../core/run';
import type { IRunStore } from '../../tokens';
import { trans } from '../../ui/__tests__/trans';
import { ComparePaneRegistry } from '../../ui/compare/registry';
import { CommandIDs } from '../../plugins/commandIds';
import { addViewCommands } from '../compare';
import { RunViews } from '../runViews';
import { Signal } from '@lumino/signaling';

jest.mock('@jupyterlab/outputarea', () =>
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require('../../ui/__tests__/fakeOutputArea')
);

const A = '01JDQ6Z0A1AAAAAAAAAAAAAAAA';
const B = '01JDQ6Z0A1BBBBBBBBBBBBBBBB';
const GONE = '01JDQ6Z0A1GGGGGGGGGGGGGGGG';

const NB = 'work/train.ipynb';

const records = new Map(
  [A, B].map(id => [id, makeRun({ id, notebookPath: NB })])
);

/** Found: A and B; anything else answers as the Contents API does: 404. */
const store = {
  list: async () => ({
    notebookPath: NB,
    warnings: [],
    runs: [...records.values()].map(
      r => ({ ...r, params: {}, metrics: {} }) as unknown as IRunSummary
    )
  }),
  get: async (_nb: string, id: string) => {
    const r = records.get(id);
    if (!r) {
      throw Object.assign(new Error('Not Found'), {
        response: { status: 404 }
      });
    }
    return r;
  },
  getSeries: async () => null,
  getAnnotation: async () => ({}),
  changed: new Signal<unknown, unknown>({})
} as unknown as IRunStore;

class Shell implements RunViews.IShell {
  currentWidget: Widget | null = null;
  added: Widget[] = [];
  add(w: Widget) {
    this.added.push(w);
    Widget.attach(w, document.body);
  }
  activateById(id: string) {
    this.currentWidget = this.added.find(w => w.id === id) ?? null;
  }
}

let shell: Shell;
let views: RunViews;
let commands: CommandRegistry;

beforeEach(() => {
  shell = new Shell();
  views = new RunViews({ shell });
  commands = new CommandRegistry();
  addViewCommands({
    commands,
    store,
    explorer: null,
    runsModel: null,
    views,
    panes: new ComparePaneRegistry(),
    trans,
    readFile: () => Promise.reject(new Error('none')),
    rendermime: async () => null,
    editorServices: null
  });
});

afterEach(() => {
  shell.added.forEach(w => w.dispose());
  views.dispose();
  document.body.replaceChildren();
});

const textOf = (id: unknown) =>
  shell.added.find(w => w.id === id)?.node.textContent ?? '';

describe('compare-runs', () => {
  it('should say there is nothing to compare when the runs are gone', async () => {
    const id = await commands.execute(CommandIDs.compareRuns, {
      notebookPath: NB,
      runIds: [A, GONE]
    });
    expect(textOf(id)).toContain(
      'Only 1 of the 2 compared runs are still in work/train.runs'
    );
    // Tracked: closing the tab is what makes the restorer forget it.
    expect(views.compare.size).toBe(1);
  });

  it('should compare the runs still there', async () => {
    const id = await commands.execute(CommandIDs.compareRuns, {
      notebookPath: NB,
      runIds: [B, GONE, A]
    });
    const runs = shell.added
      .find(w => w.id === id)!
      .node.querySelectorAll<HTMLElement>('.jp-RunsCompare-run');
    expect([...runs].map(n => n.dataset.runId)).toEqual([B, A]);
  });

  it('should focus the open comparison of the same runs', async () => {
    const first = await commands.execute(CommandIDs.compareRuns, {
      notebookPath: NB,
      runIds: [A, B]
    });
    shell.currentWidget = null;
    const second = await commands.execute(CommandIDs.compareRuns, {
      notebookPath: NB,
      runIds: [B, A]
    });
    expect(second).toBe(first);
    expect(shell.added).toHaveLength(1);
    expect((shell.currentWidget as Widget | null)?.id).toBe(first);
  });
});

describe('open-run', () => {
  it('should say in the tab that a restored run is gone', async () => {
    const id = await commands.execute(CommandIDs.openRun, {
      notebookPath: NB,
      runId: GONE
    });
    // The detail reads its run after it is shown.
    for (let i = 0; i < 100 && !textOf(id).includes('no longer'); i++) {
      await new Promise(resolve => setTimeout(resolve, 10));
    }
    expect(textOf(id)).toContain(
      `run ${GONE} is no longer in work/train.runs (deleted, or its folder moved)`
    );
  });
});
