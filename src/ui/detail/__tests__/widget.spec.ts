/**
 * Closing a run detail must never throw: disposing it attached, detached,
 * never attached, twice, while loading, or after its parent was disposed.
 * Before, the editor and the output area (attached by hand into nodes of
 * the panel) still believed they were attached after the tab closed, and
 * disposing them threw "Widget is not attached.".
 */
import { Panel, Widget } from '@lumino/widgets';
import { makeRun } from '../../../core/__tests__/fixtures';
import { trans } from '../../__tests__/trans';
// jest.mock calls below are hoisted above these imports.
import { RunDetailWidget } from '../widget';
import { NB, setUp } from '../../../model/__tests__/harness';

// The real editor and output area are ESM and need a full JupyterLab; these
// stand-ins are Lumino widgets like them, which is what disposal is about.
jest.mock('@jupyterlab/outputarea', () =>
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require('../../__tests__/fakeOutputArea')
);
jest.mock('@jupyterlab/codeeditor', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Widget: LuminoWidget } = require('@lumino/widgets');
  class Model {
    mimeType = '';
    sharedModel = { setSource: () => undefined };
    dispose() {
      /* nothing */
    }
  }
  class CodeEditorWrapper extends LuminoWidget {
    constructor() {
      super();
      this.addClass('fake-Editor');
    }
  }
  return { CodeEditor: { Model }, CodeEditorWrapper };
});

const record = makeRun({
  outputs: [{ output_type: 'stream', name: 'stdout', text: 'hello\n' }]
} as never);

function makeWidget(recordPromise: Promise<unknown> = Promise.resolve(record)) {
  return new RunDetailWidget({
    trans,
    title: 'run',
    source: {
      record: () => recordPromise as never,
      series: () => Promise.resolve(null),
      readText: () => Promise.reject(new Error('none')),
      readBase64: () => Promise.reject(new Error('none'))
    },
    editorServices: {
      mimeTypeService: { getMimeTypeByLanguage: () => 'text/x-python' },
      factoryService: { newInlineEditor: () => null }
    } as never,
    rendermime: {} as never
  });
}

function hosted(w: Widget): HTMLElement[] {
  return Array.from(
    w.node.querySelectorAll<HTMLElement>('.fake-Editor, .fake-OutputArea')
  );
}

afterEach(() => {
  document.body.replaceChildren();
});

describe('RunDetailWidget.dispose', () => {
  it('attached', async () => {
    const w = makeWidget();
    Widget.attach(w, document.body);
    await w.ready;
    expect(hosted(w)).toHaveLength(2);
    expect(() => w.dispose()).not.toThrow();
    expect(w.isDisposed).toBe(true);
    expect(document.body.children).toHaveLength(0);
  });

  it('detached first (the tab closed, then disposed)', async () => {
    const w = makeWidget();
    Widget.attach(w, document.body);
    await w.ready;
    Widget.detach(w);
    expect(() => w.dispose()).not.toThrow();
  });

  it('removed from its parent, as a closed main-area tab', async () => {
    const parent = new Panel();
    const w = makeWidget();
    parent.addWidget(w);
    Widget.attach(parent, document.body);
    await w.ready;
    w.parent = null;
    expect(() => w.dispose()).not.toThrow();
    expect(() => parent.dispose()).not.toThrow();
  });

  it('twice', async () => {
    const w = makeWidget();
    Widget.attach(w, document.body);
    await w.ready;
    w.dispose();
    expect(() => w.dispose()).not.toThrow();
  });

  it('after its parent was disposed', async () => {
    const parent = new Panel();
    const w = makeWidget();
    parent.addWidget(w);
    Widget.attach(parent, document.body);
    await w.ready;
    expect(() => parent.dispose()).not.toThrow();
    expect(w.isDisposed).toBe(true);
    expect(() => w.dispose()).not.toThrow();
  });

  it('after its parent left the page', async () => {
    const parent = new Panel();
    const w = makeWidget();
    parent.addWidget(w);
    Widget.attach(parent, document.body);
    await w.ready;
    Widget.detach(parent);
    expect(() => w.dispose()).not.toThrow();
    expect(() => parent.dispose()).not.toThrow();
  });

  it('never attached (rendered off the page)', async () => {
    const w = makeWidget();
    await w.ready;
    expect(hosted(w)).toHaveLength(2);
    expect(w.node.textContent).not.toContain('could not be read');
    expect(() => w.dispose()).not.toThrow();
  });

  it('while loading', async () => {
    let resolve!: (r: unknown) => void;
    const w = makeWidget(new Promise(r => (resolve = r)));
    Widget.attach(w, document.body);
    w.dispose();
    resolve(record);
    await expect(w.ready).resolves.toBeUndefined();
    expect(hosted(w)).toHaveLength(0);
  });

  it('hosted widgets follow detach and re-attach', async () => {
    const w = makeWidget();
    Widget.attach(w, document.body);
    await w.ready;
    const area = (w as unknown as { _hosted: { _widgets: Widget[] } })._hosted
      ._widgets;
    expect(area.every(a => a.isAttached)).toBe(true);
    Widget.detach(w);
    expect(area.some(a => a.isAttached)).toBe(false);
    Widget.attach(w, document.body);
    expect(area.every(a => a.isAttached)).toBe(true);
    expect(() => w.dispose()).not.toThrow();
    expect(area.every(a => a.isDisposed)).toBe(true);
  });
});

describe('RunDetailWidget actions', () => {
  it('should pass the notebook the run was read from, not the one its record names', async () => {
    const execute = jest.fn();
    const w = new RunDetailWidget({
      trans,
      title: 'run',
      source: {
        record: () => Promise.resolve(record),
        series: () => Promise.resolve(null),
        readText: () => Promise.reject(new Error('none')),
        readBase64: () => Promise.reject(new Error('none'))
      },
      editorServices: {
        mimeTypeService: { getMimeTypeByLanguage: () => 'text/x-python' },
        factoryService: { newInlineEditor: () => null }
      } as never,
      rendermime: {} as never,
      commands: { execute } as never,
      actions: [['jupyterlab-runs:restore-parameters', 'Restore']],
      // The notebook was renamed after the run: its folder moved with it.
      notebookPath: 'renamed/train.ipynb'
    });
    Widget.attach(w, document.body);
    await w.ready;
    w.node.querySelector<HTMLButtonElement>('.jp-RunDetail-action')!.click();
    expect(record.notebookPath).not.toBe('renamed/train.ipynb');
    expect(execute).toHaveBeenCalledWith('jupyterlab-runs:restore-parameters', {
      runId: record.id,
      notebookPath: 'renamed/train.ipynb'
    });
    w.dispose();
  });
});

describe('RunDetailWidget following its run', () => {
  it('should read the run again once it ended, not at each live update', async () => {
    const h = await setUp();
    const id = '01JDQ6Z0000000000000000D00';
    h.recorder.start(id);
    const reads: string[] = [];
    const widget = new RunDetailWidget({
      trans,
      title: 'run',
      summary: h.model.getRun(id),
      follow: { model: h.model, runId: id },
      source: {
        record: async () => {
          const status = h.model.getRun(id)!.status;
          reads.push(status);
          return makeRun({ id, notebookPath: NB, status } as never);
        },
        series: () => Promise.resolve(null),
        readText: () => Promise.reject(new Error('none')),
        readBase64: () => Promise.reject(new Error('none'))
      },
      editorServices: {
        mimeTypeService: { getMimeTypeByLanguage: () => 'text/x-python' },
        factoryService: { newInlineEditor: () => null }
      } as never,
      rendermime: {} as never
    });
    Widget.attach(widget, document.body);
    await widget.ready;
    for (let i = 0; i < 20; i++) {
      h.recorder.log(id, 5);
    }
    await new Promise(r => setTimeout(r, 10));
    expect(reads).toEqual(['running']);
    await h.store.save(makeRun({ id, notebookPath: NB }));
    await new Promise(r => setTimeout(r, 10));
    expect(reads).toEqual(['running', 'ok']);
    widget.dispose();
    h.dispose();
  });
});
