import { SHOW_AFTER_MS } from '../../history/pendingText';
import type { IRunSummary } from '../../../core/run';
import { RunsTableModel } from '../model';
import {
  pinnedCellsStick,
  ROW_HEIGHT,
  RunsTableView,
  STICKY_CLASS
} from '../view';
import * as anomalies from '../../../core/series/anomalies';

const trans = {
  __: (s: string, ...a: unknown[]) =>
    s.replace(/%(\d)/g, (_, k) => String(a[Number(k) - 1])),
  _n: (s: string, p: string, n: number) => (n === 1 ? s : p)
} as never;

function run(i: number): IRunSummary {
  return {
    id: `RUN${String(i).padStart(5, '0')}`,
    notebookPath: 'nb.ipynb',
    name: i === 3 ? '<img src=x onerror="window.__pwned=1">' : `run ${i}`,
    experiment: 'exp',
    status: 'ok',
    startedAt: new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString(),
    endedAt: null,
    durationMs: i,
    executionCount: i,
    params: { lr: i / 10 },
    metrics: { acc: { last: i, min: 0, max: i, count: 1, lastStep: 0 } }
  };
}

/** A table of `n` runs, shown and rendered. */
function mount(n: number): { model: RunsTableModel; view: RunsTableView } {
  const model = new RunsTableModel();
  model.setRuns(Array.from({ length: n }, (_, i) => run(i)));
  const view = new RunsTableView({ model, trans });
  document.body.append(view.node);
  view.active = true;
  view.render();
  return { model, view };
}

describe('RunsTableView: pooled rows', () => {
  let model: RunsTableModel;
  let view: RunsTableView;
  let scroller: HTMLElement;
  let body: HTMLElement;
  let frames: FrameRequestCallback[];
  const flush = () => frames.splice(0).forEach(cb => cb(0));

  beforeEach(() => {
    jest.useFakeTimers();
    // Frames run when the test says so (`flush`).
    frames = [];
    jest.spyOn(window, 'requestAnimationFrame').mockImplementation(cb => {
      frames.push(cb);
      return frames.length;
    });
    ({ model, view } = mount(1000));
    scroller = view.node.querySelector('.jp-RunsTable-scroller')!;
    // The rows' group: the layer the rows are placed in.
    body = view.node.querySelector('[role="rowgroup"]')!;
    scroller.scrollTop = 100 * ROW_HEIGHT;
    scroller.dispatchEvent(new Event('scroll'));
    flush();
  });

  afterEach(() => {
    view.dispose();
    model.dispose();
    view.node.remove();
    jest.useRealTimers();
    jest.restoreAllMocks();
  });

  const rows = () => [...body.querySelectorAll<HTMLElement>('[role="row"]')];
  /** The layer's offset (`translateY`), in px. */
  const layerOffset = () =>
    Number(/translateY\((-?[\d.]+)px\)/.exec(body.style.transform)?.[1] ?? 0);
  /** Where a row shows: its `top` in the layer, plus the layer's offset. */
  const placedAt = (row: HTMLElement) =>
    parseFloat(row.style.top) + layerOffset();
  const visible = () => rows().filter(r => !r.hidden);
  const indices = () =>
    visible().map(r => Number(r.getAttribute('aria-rowindex')));

  function scrollBy(n: number): MutationRecord[] {
    const observer = new MutationObserver(() => undefined);
    observer.observe(body, {
      subtree: true,
      childList: true,
      attributes: true,
      characterData: true
    });
    scroller.scrollTop += n * ROW_HEIGHT;
    scroller.dispatchEvent(new Event('scroll'));
    flush();
    const records = observer.takeRecords();
    observer.disconnect();
    return records;
  }

  it('should reuse row elements and touch only the rows that scrolled in', () => {
    const before = rows();
    const records = scrollBy(3);
    // The same elements, none created or moved while scrolling.
    expect(rows()).toEqual(before);
    expect(
      records.filter(r => r.type === 'childList' && r.target === body)
    ).toHaveLength(0);
    const touched = new Set(
      records.map(r =>
        (r.target instanceof Element
          ? r.target
          : r.target.parentElement
        )?.closest('[role="row"]')
      )
    );
    expect(touched.size).toBe(3);
    // Every position in the window is shown once, by the right run.
    const shown = indices().sort((a, b) => a - b);
    expect(new Set(shown).size).toBe(shown.length);
    const ids = model.items.map(i => (i.type === 'run' ? i.run.id : ''));
    for (const row of visible()) {
      expect(row.dataset.runId).toBe(
        ids[Number(row.getAttribute('aria-rowindex')) - 2]
      );
      expect(placedAt(row)).toBe(
        (Number(row.getAttribute('aria-rowindex')) - 2) * ROW_HEIGHT
      );
      // Placed by `top`, not a transform (a paint property node per row).
      expect(row.style.transform).toBe('');
    }
  });

  it('should put rows back in DOM order once scrolling settles', () => {
    scrollBy(5);
    scrollBy(-2);
    expect(indices()).not.toEqual([...indices()].sort((a, b) => a - b));
    jest.advanceTimersByTime(500);
    flush();
    expect(indices()).toEqual([...indices()].sort((a, b) => a - b));
    expect(rows().every(r => !r.hidden)).toBe(true);
  });

  it('should change only the selection state of a selected row', () => {
    const id = visible()[10].dataset.runId!;
    const observer = new MutationObserver(() => undefined);
    observer.observe(body, {
      subtree: true,
      childList: true,
      attributes: true
    });
    model.select(id);
    flush();
    const records = observer.takeRecords();
    observer.disconnect();
    expect(records.every(r => r.type === 'attributes')).toBe(true);
    const row = body.querySelector<HTMLElement>(`[data-run-id="${id}"]`)!;
    expect(row.getAttribute('aria-selected')).toBe('true');
    expect(row.classList.contains('jp-mod-selected')).toBe(true);
  });

  it('should rebuild cells when the columns change', () => {
    const cells = rows()[0].children.length;
    model.setVisible(model.visibleColumns.at(-1)!.id, false);
    flush();
    expect(rows()[0].children.length).toBe(cells - 1);
  });

  it('should show hostile run names as text', () => {
    scroller.scrollTop = 0;
    scroller.dispatchEvent(new Event('scroll'));
    flush();
    const row = body.querySelector<HTMLElement>('[data-run-id="RUN00003"]')!;
    expect(row.querySelector('img')).toBeNull();
    expect(row.textContent).toContain('<img src=x onerror=');
  });

  it('should show a run not yet saved with its own status, marked as waiting once it has waited a moment', () => {
    scroller.scrollTop = 0;
    scroller.dispatchEvent(new Event('scroll'));
    flush();
    model.setRuns([
      { ...run(0), status: 'error', pending: true },
      { ...run(1), status: 'ok' }
    ]);
    view.render();
    flush();
    const row0 = body.querySelector<HTMLElement>('[data-run-id="RUN00000"]')!;
    const row1 = body.querySelector<HTMLElement>('[data-run-id="RUN00001"]')!;
    expect(row0.dataset.status).toBe('error');
    expect(row0.dataset.pending).toBeUndefined();
    expect(row0.textContent).toContain('Failed');
    // Every run waits a moment for its write: no mark yet, as the status
    // bar says nothing yet.
    const cell = row0.querySelector('.jp-RunsTable-status')!;
    const before = cell.firstChild;
    expect(row0.textContent).not.toContain('not yet saved');
    jest.advanceTimersByTime(SHOW_AFTER_MS - 10);
    flush();
    expect(row0.textContent).not.toContain('not yet saved');
    jest.advanceTimersByTime(10);
    flush();
    expect(row0.textContent).toContain('not yet saved');
    expect(row0.dataset.pending).toBe('true');
    expect(cell.firstChild).not.toBe(before); // drawn again, once due
    expect(row0.textContent).not.toContain('Running');
    expect(row1.dataset.pending).toBeUndefined();
    expect(row1.textContent).not.toContain('not yet saved');
    // Once saved, the mark goes.
    model.setRuns([
      { ...run(0), status: 'error' },
      { ...run(1), status: 'ok' }
    ]);
    view.render();
    flush();
    expect(row0.dataset.pending).toBeUndefined();
    expect(row0.textContent).not.toContain('not yet saved');
  });

  it('should not draw a row again when a run is saved within moments', () => {
    scroller.scrollTop = 0;
    scroller.dispatchEvent(new Event('scroll'));
    flush();
    // Newest first, as the runs model gives them.
    const waiting = { ...run(1), status: 'ok' as const, pending: true };
    model.setRuns([waiting, run(0)]);
    view.render();
    flush();
    const row = body.querySelector<HTMLElement>('[data-run-id="RUN00001"]')!;
    const badge = row.querySelector('.jp-RunsPanel-statusBadge');
    jest.advanceTimersByTime(SHOW_AFTER_MS / 2);
    // Nothing on the row changes: no attribute, no text, no element.
    const changes = new MutationObserver(() => undefined);
    changes.observe(row, {
      attributes: true,
      childList: true,
      characterData: true,
      subtree: true
    });
    // Saved: the runs model's change, as the sidebar applies it.
    const saved = { ...waiting, pending: false };
    model.applyChanges([saved, run(1)], {
      reset: false,
      added: [],
      removed: [],
      changed: [{ before: waiting, after: saved }]
    });
    view.render();
    flush();
    expect(row.dataset.pending).toBeUndefined();
    // The status cell is as it was: nothing for the browser to draw.
    expect(row.querySelector('.jp-RunsPanel-statusBadge')).toBe(badge);
    expect(changes.takeRecords()).toEqual([]);
    changes.disconnect();
    // When its mark would have come due, nothing is left to draw: no frame.
    jest.advanceTimersByTime(SHOW_AFTER_MS * 2);
    expect(frames).toHaveLength(0);
    flush();
    expect(row.textContent).not.toContain('not yet saved');
  });

  describe('Shift-click', () => {
    /** Press the mouse on a row's name cell; whether the default was stopped. */
    const press = (id: string, init: MouseEventInit) => {
      const cell = body.querySelector<HTMLElement>(
        `[data-run-id="${id}"] .jp-RunsTable-name`
      )!;
      const down = new MouseEvent('mousedown', {
        bubbles: true,
        cancelable: true,
        button: 0,
        ...init
      });
      cell.dispatchEvent(down);
      cell.dispatchEvent(new MouseEvent('click', { bubbles: true, ...init }));
      return down.defaultPrevented;
    };

    beforeEach(() => {
      scroller.scrollTop = 0;
      // The view follows its scroll position from scroll events.
      scroller.dispatchEvent(new Event('scroll'));
      view.render();
      flush();
    });

    it('should select a range of runs without starting a text selection', () => {
      expect(press('RUN00001', {})).toBe(false);
      expect(press('RUN00004', { shiftKey: true })).toBe(true);
      expect([...model.selection].sort()).toEqual([
        'RUN00001',
        'RUN00002',
        'RUN00003',
        'RUN00004'
      ]);
      expect(document.activeElement).toBe(view.node);
    });

    it('should not select a word on double-click', () => {
      expect(press('RUN00002', { detail: 2 })).toBe(true);
    });

    it('should leave a plain press alone, so cells stay copyable', () => {
      expect(press('RUN00002', { detail: 1 })).toBe(false);
    });
  });

  /** Count reads of the scroller's layout properties from now on. */
  function countLayoutReads(): { reads: number } {
    const counter = { reads: 0 };
    const proto = Object.getPrototypeOf(scroller) as object;
    for (const name of ['scrollTop', 'clientHeight', 'offsetHeight']) {
      const base =
        Object.getOwnPropertyDescriptor(scroller, name) ??
        Object.getOwnPropertyDescriptor(Element.prototype, name) ??
        Object.getOwnPropertyDescriptor(HTMLElement.prototype, name) ??
        Object.getOwnPropertyDescriptor(proto, name);
      Object.defineProperty(scroller, name, {
        configurable: true,
        get() {
          counter.reads++;
          return base?.get ? base.get.call(scroller) : base?.value;
        },
        set(v: number) {
          base?.set?.call(scroller, v);
        }
      });
    }
    return counter;
  }

  it('should not read the layout when rows change (it forced a layout per render)', () => {
    const counter = countLayoutReads();
    const runs = [run(5000), ...model.runs];
    model.applyChanges(runs, {
      added: [runs[0]],
      changed: [],
      removed: [],
      reset: false
    });
    flush();
    expect(counter.reads).toBe(0);
    // The rows shown are still those at the scroll position.
    expect(Math.min(...indices())).toBe(100 - 8 + 2);
  });

  it('should move the rows below a new run instead of refilling them', () => {
    scroller.scrollTop = 0;
    scroller.dispatchEvent(new Event('scroll'));
    flush();
    const before = new Map(visible().map(r => [r.dataset.runId, r]));
    const tops = new Map(visible().map(r => [r.dataset.runId, r.style.top]));
    const offset = layerOffset();
    const observer = new MutationObserver(() => undefined);
    observer.observe(body, {
      subtree: true,
      childList: true,
      attributes: true,
      characterData: true
    });
    const runs = [run(5000), ...model.runs];
    model.applyChanges(runs, {
      added: [runs[0]],
      changed: [],
      removed: [],
      reset: false
    });
    flush();
    const records = observer.takeRecords();
    observer.disconnect();
    // Each run still shown keeps its element, one row lower.
    for (const row of visible()) {
      const id = row.dataset.runId;
      if (id !== 'RUN05000' && before.has(id)) {
        expect(row).toBe(before.get(id));
      }
    }
    const top = body.querySelector<HTMLElement>('[data-run-id="RUN05000"]')!;
    expect(top.getAttribute('aria-rowindex')).toBe('2');
    expect(body.firstElementChild).toBe(top);
    // Only the new row's cells were written; the others were only moved.
    const moves = ['style', 'aria-rowindex'];
    const written = new Set(
      records
        .filter(
          r => r.type !== 'attributes' || !moves.includes(r.attributeName!)
        )
        .map(r =>
          (r.target instanceof Element
            ? r.target
            : r.target.parentElement
          )?.closest('[role="row"]')
        )
        .filter(r => r && r !== body)
    );
    expect([...written].every(r => r === top)).toBe(true);
    // The layer moved one row down; the rows kept their `top` in it (what
    // Chromium painted of them is reused), and each shows one row lower.
    expect(layerOffset()).toBe(offset + ROW_HEIGHT);
    for (const row of visible()) {
      const id = row.dataset.runId!;
      if (id !== 'RUN05000' && tops.has(id)) {
        expect(row.style.top).toBe(tops.get(id));
      }
      expect(placedAt(row)).toBe(
        (Number(row.getAttribute('aria-rowindex')) - 2) * ROW_HEIGHT
      );
    }
    const styled = records.filter(
      r =>
        r.type === 'attributes' &&
        r.attributeName === 'style' &&
        r.target !== top &&
        r.target !== body
    );
    expect(styled).toEqual([]);
  });

  it("should compute a run's anomaly flags once, not again at every row change", () => {
    const spy = jest.spyOn(anomalies, 'summaryAnomalies');
    for (let i = 0; i < 3; i++) {
      const runs = [run(5000 + i), ...model.runs];
      model.applyChanges(runs, {
        added: [runs[0]],
        changed: [],
        removed: [],
        reset: false
      });
      flush();
    }
    // One per new run; the rows already shown kept theirs.
    expect(spy).toHaveBeenCalledTimes(3);
    spy.mockClear();
    // New options: every row shown computes its flags again.
    model.setAnomalyOptions({ bestRelativeMargin: 0.5 });
    flush();
    expect(spy.mock.calls.length).toBeGreaterThan(10);
  });
});

describe('RunsTableView: pinned cells', () => {
  let observed: ResizeObserverCallback[];
  let view: RunsTableView;
  let model: RunsTableModel;

  beforeEach(() => {
    observed = [];
    // jsdom has no ResizeObserver: one the test drives.
    (window as unknown as { ResizeObserver: unknown }).ResizeObserver = class {
      constructor(callback: ResizeObserverCallback) {
        observed.push(callback);
      }
      observe(): void {
        /* driven by `resize` */
      }
      disconnect(): void {
        /* nothing to stop */
      }
    };
    ({ model, view } = mount(20));
  });

  afterEach(() => {
    view.dispose();
    model.dispose();
    view.node.remove();
    delete (window as unknown as { ResizeObserver?: unknown }).ResizeObserver;
  });

  const resize = (width: number) =>
    observed.forEach(cb =>
      cb(
        [{ contentRect: { width, height: 400 } } as ResizeObserverEntry],
        {} as ResizeObserver
      )
    );
  const rowWidth = () =>
    parseFloat(
      view.node.querySelector<HTMLElement>('.jp-RunsTable-body')!.style.width
    );

  const sticky = () => view.node.classList.contains(STICKY_CLASS);

  it('should make pinned cells stick only when the table is wider than its viewport and in use', () => {
    const pinned = view.node.querySelector('.jp-RunsTable-row .jp-mod-pinned');
    expect(pinned).not.toBeNull();
    resize(rowWidth() - 1);
    // Wider, but nobody is near it: at the left edge sticking shows nothing.
    expect(sticky()).toBe(false);
    view.node.dispatchEvent(new Event('pointerenter'));
    expect(sticky()).toBe(true);
    view.node.dispatchEvent(new Event('pointerleave'));
    expect(sticky()).toBe(false);
    // Scrolled sideways (by the keyboard, say): it sticks until back.
    const scroller = view.node.querySelector<HTMLElement>(
      '.jp-RunsTable-scroller'
    )!;
    scroller.scrollLeft = 40;
    scroller.dispatchEvent(new Event('scroll'));
    expect(sticky()).toBe(true);
    scroller.scrollLeft = 0;
    scroller.dispatchEvent(new Event('scroll'));
    expect(sticky()).toBe(false);
    // Focus in the table, also when it moves from row to row.
    view.node.dispatchEvent(new FocusEvent('focusin'));
    expect(sticky()).toBe(true);
    view.node.dispatchEvent(
      new FocusEvent('focusout', { relatedTarget: pinned })
    );
    expect(sticky()).toBe(true);
    view.node.dispatchEvent(new FocusEvent('focusout'));
    expect(sticky()).toBe(false);
    // Rows that fit never stick.
    resize(rowWidth() + 200);
    view.node.dispatchEvent(new Event('pointerenter'));
    expect(sticky()).toBe(false);
  });

  it('should decide again when the columns change', () => {
    const wide = rowWidth();
    resize(wide - 1);
    view.node.dispatchEvent(new Event('pointerenter'));
    expect(sticky()).toBe(true);
    // Hiding a column makes the rows fit: nothing left to stick for.
    model.setVisible('start', false);
    view.render();
    expect(rowWidth()).toBeLessThan(wide - 1);
    expect(sticky()).toBe(false);
  });

  it('pinnedCellsStick', () => {
    const idle = { scrolledSideways: false, pointerIn: false, focusIn: false };
    const near = { ...idle, pointerIn: true };
    expect(pinnedCellsStick(500, 0, idle)).toBe(false);
    expect(pinnedCellsStick(500, 0, near)).toBe(true);
    expect(pinnedCellsStick(500, 499, near)).toBe(true);
    expect(pinnedCellsStick(500, 499, { ...idle, focusIn: true })).toBe(true);
    expect(
      pinnedCellsStick(500, 499, { ...idle, scrolledSideways: true })
    ).toBe(true);
    expect(pinnedCellsStick(500, 500, near)).toBe(false);
    expect(pinnedCellsStick(300, 500, near)).toBe(false);
  });
});
