/**
 * Closing a comparison must never throw: the "What changed" pane keeps
 * output areas attached by hand into its nodes, which used to throw "Widget
 * is not attached." when disposed after the tab had left the page.
 */
import { Signal } from '@lumino/signaling';
import { Panel, Widget } from '@lumino/widgets';
import { makeRun } from '../../../core/__tests__/fixtures';
import type { IRunSummary } from '../../../core/run';
import type { IRunStore, IRunStoreChange } from '../../../tokens';
import { trans } from '../../__tests__/trans';
// jest.mock calls below are hoisted above these imports.
import { CompareModel } from '../model';
import { BUILTIN_COMPARE_PANES } from '../panes/builtin';
import { WhatChangedPane } from '../panes/whatChanged';
import { makePanes } from '../registry';
import { CompareWidget } from '../widget';

jest.mock('@jupyterlab/outputarea', () =>
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require('../../__tests__/fakeOutputArea')
);

const runs = ['01JDQ6Z0A1AAAAAAAAAAAAAAAA', '01JDQ6Z0A1BBBBBBBBBBBBBBBB'].map(
  (id, i) =>
    makeRun({
      id,
      code: `lr = ${i}`,
      outputs: [{ output_type: 'stream', name: 'stdout', text: `${i}\n` }]
    } as never)
);

function makeModel() {
  const store = {
    get: async (_nb: string, id: string) => runs.find(r => r.id === id)!,
    getSeries: async () => null,
    changed: new Signal<IRunStore, IRunStoreChange>({} as never)
  } as unknown as IRunStore;
  return new CompareModel({
    store,
    notebookPath: 'nb.ipynb',
    runIds: runs.map(r => r.id),
    runs: runs.map(r => ({ ...r, params: {}, metrics: {} }) as IRunSummary)
  });
}

async function shownPane() {
  const model = makeModel();
  const pane = new WhatChangedPane({
    model,
    trans,
    rendermime: {} as never
  });
  Widget.attach(pane, document.body);
  await model.loadRecords();
  await new Promise(r => setTimeout(r, 0));
  expect(pane.node.querySelectorAll('.fake-OutputArea')).toHaveLength(2);
  return { pane, model };
}

afterEach(() => document.body.replaceChildren());

describe('WhatChangedPane.dispose', () => {
  it('attached', async () => {
    const { pane } = await shownPane();
    expect(() => pane.dispose()).not.toThrow();
  });

  it('detached first', async () => {
    const { pane } = await shownPane();
    Widget.detach(pane);
    expect(() => pane.dispose()).not.toThrow();
  });

  it('twice', async () => {
    const { pane } = await shownPane();
    pane.dispose();
    expect(() => pane.dispose()).not.toThrow();
  });

  it('after a parent that left the page was disposed', async () => {
    const { pane } = await shownPane();
    Widget.detach(pane);
    const parent = new Panel();
    Widget.attach(parent, document.body);
    parent.addWidget(pane);
    Widget.detach(parent);
    expect(() => parent.dispose()).not.toThrow();
    expect(pane.isDisposed).toBe(true);
    expect(() => pane.dispose()).not.toThrow();
  });

  it('re-rendered while shown, then detached and disposed', async () => {
    const { pane, model } = await shownPane();
    model.setOptions({ changedA: runs[1].id, changedB: runs[0].id });
    expect(pane.node.querySelectorAll('.fake-OutputArea')).toHaveLength(2);
    Widget.detach(pane);
    expect(() => pane.dispose()).not.toThrow();
  });
});

describe('CompareWidget.dispose', () => {
  async function shownWidget() {
    const model = makeModel();
    const widget = new CompareWidget({
      model,
      trans,
      panes: await makePanes(BUILTIN_COMPARE_PANES, {
        model,
        trans,
        rendermime: {} as never
      })
    });
    Widget.attach(widget, document.body);
    widget.showPane('what-changed');
    await model.loadRecords();
    await new Promise(r => setTimeout(r, 0));
    expect(widget.node.querySelectorAll('.fake-OutputArea')).toHaveLength(2);
    return widget;
  }

  it('attached', async () => {
    const w = await shownWidget();
    expect(() => w.dispose()).not.toThrow();
  });

  it('detached first (the tab closed, then disposed)', async () => {
    const w = await shownWidget();
    Widget.detach(w);
    expect(() => w.dispose()).not.toThrow();
  });

  it('removed from its parent, then disposed twice', async () => {
    const parent = new Panel();
    Widget.attach(parent, document.body);
    const w = await shownWidget();
    Widget.detach(w);
    parent.addWidget(w);
    w.parent = null;
    expect(() => w.dispose()).not.toThrow();
    expect(() => w.dispose()).not.toThrow();
    expect(() => parent.dispose()).not.toThrow();
  });

  it('after its parent was disposed', async () => {
    const parent = new Panel();
    Widget.attach(parent, document.body);
    const w = await shownWidget();
    Widget.detach(w);
    parent.addWidget(w);
    expect(() => parent.dispose()).not.toThrow();
    expect(w.isDisposed).toBe(true);
    expect(() => w.dispose()).not.toThrow();
  });
});
