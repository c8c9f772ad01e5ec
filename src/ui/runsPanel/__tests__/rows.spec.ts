/**
 * The sidebar's reaction to runs in flight: rows follow a live run a few
 * times a second (not at every log message), and a hidden sidebar only
 * folds the changes, applying them once when shown.
 */
import { Widget } from '@lumino/widgets';
import { NB, setUp } from '../../../model/__tests__/harness';
import { makeRun } from '../../../core/__tests__/fixtures';
import { trans } from '../../__tests__/trans';
import { SHOW_AFTER_MS } from '../../history/pendingText';
import { RunsExplorer } from '../../table/explorer';
import { RIDE_MS, ROWS_INTERVAL_MS, RunsPanel } from '../panel';

const OLD = '01JDQ6Z0000000000000000001';
const LIVE = '01JDQ6Z0000000000000000002';

describe('RunsPanel: rows of runs in flight', () => {
  let h: Awaited<ReturnType<typeof setUp>>;
  let panel: RunsPanel;
  let applied: jest.SpyInstance;
  let replaced: jest.SpyInstance;

  beforeEach(async () => {
    h = await setUp();
    await h.store.save(makeRun({ id: OLD, notebookPath: NB }));
    jest.useFakeTimers();
    panel = new RunsPanel({ model: h.model, trans });
    Widget.attach(panel, document.body);
    jest.advanceTimersByTime(20);
    expect(panel.table.runs.map(r => r.id)).toEqual([OLD]);
    applied = jest.spyOn(panel.table, 'applyChanges');
    replaced = jest.spyOn(panel.table, 'setRuns');
    h.recorder.start(LIVE);
  });

  afterEach(() => {
    panel.dispose();
    jest.useRealTimers();
    h.dispose();
    document.body.replaceChildren();
  });

  const count = () => panel.table.getRun(LIVE)?.metrics?.loss.count;

  it('should update a live run’s row at most every interval, with its latest summary', () => {
    // 40 log messages over one second.
    for (let i = 0; i < 40; i++) {
      h.recorder.log(LIVE, 10);
      jest.advanceTimersByTime(25);
    }
    jest.advanceTimersByTime(ROWS_INTERVAL_MS + 20);
    expect(replaced).not.toHaveBeenCalled();
    expect(applied.mock.calls.length).toBeGreaterThanOrEqual(3);
    expect(applied.mock.calls.length).toBeLessThanOrEqual(
      1000 / ROWS_INTERVAL_MS + 2
    );
    expect(count()).toBe(400);
  });

  it('should draw a run that just started with the next rows update, once, as it ended', async () => {
    // Long after the last update: a change would be drawn at once.
    jest.advanceTimersByTime(3 * ROWS_INTERVAL_MS);
    applied.mockClear();
    const next = '01JDQ6Z0000000000000000003';
    h.recorder.start(next);
    jest.advanceTimersByTime(100);
    expect(applied).not.toHaveBeenCalled();
    expect(panel.table.getRun(next)).toBeUndefined();
    // It ends before the update is due: one drawing, of the ended run.
    h.recorder.end(next);
    await h.store.save(makeRun({ id: next, notebookPath: NB }));
    jest.advanceTimersByTime(ROWS_INTERVAL_MS);
    expect(applied).toHaveBeenCalledTimes(1);
    expect(panel.table.getRun(next)?.status).toBe('ok');
  });

  it('should draw a run first heard of ended (a short cell) once, with its save', async () => {
    // Everything before drawn (the first run's save included).
    await h.store.retryNow();
    jest.advanceTimersByTime(3 * ROWS_INTERVAL_MS);
    applied.mockClear();
    const next = '01JDQ6Z0000000000000000003';
    // No live summary (the recorder reports none for a cell that ends
    // within LIVE_DELAY_MS): the outbox's queued summary comes first,
    // then, a moment later, the store's saved one.
    h.contents.failSaves = new Error('a slow server');
    await h.store.save(makeRun({ id: next, notebookPath: NB }));
    jest.advanceTimersByTime(50);
    expect(applied).not.toHaveBeenCalled();
    h.contents.failSaves = null;
    await h.store.retryNow();
    jest.advanceTimersByTime(ROWS_INTERVAL_MS);
    expect(applied).toHaveBeenCalledTimes(1);
    expect(panel.table.getRun(next)?.status).toBe('ok');
    expect(panel.table.getRun(next)?.pending).toBeFalsy();
  });

  it('should draw a new run with the next frame the page draws anyway, or, when the page draws none, in a task of its own', async () => {
    await h.store.retryNow();
    jest.advanceTimersByTime(3 * ROWS_INTERVAL_MS);
    const frame = jest.spyOn(window, 'requestAnimationFrame');
    const microtasks = async () => {
      await Promise.resolve();
      await Promise.resolve();
    };
    const elsewhere = document.createElement('div'); // a cell's prompt, say
    document.body.append(elsewhere);
    try {
      for (const [i, pageDraws] of [
        [3, true],
        [4, false]
      ] as const) {
        applied.mockClear();
        frame.mockClear();
        const id = `01JDQ6Z000000000000000000${i}`;
        await h.store.save(makeRun({ id, notebookPath: NB }));
        await h.store.retryNow(); // queued, then saved: one drawing
        jest.advanceTimersByTime(RIDE_MS - 10);
        await microtasks();
        expect(applied).not.toHaveBeenCalled();
        if (pageDraws) {
          elsewhere.textContent = `[${i}]`; // the page changes: a frame is coming
          await microtasks();
        } else {
          jest.advanceTimersByTime(10);
        }
        // Either way no frame asked for: the page's own, or none at all
        // unless the drawing changed something.
        expect(frame).not.toHaveBeenCalled();
        expect(applied).toHaveBeenCalledTimes(1);
        expect(panel.table.getRun(id)?.status).toBe('ok');
        expect(panel.table.getRun(id)?.pending).toBeFalsy();
        expect(
          panel.node.querySelector(`[data-run-id="${id}"]`)
        ).not.toBeNull();
      }
    } finally {
      frame.mockRestore();
    }
  });

  it('should take a run’s save into the table without a render or a frame once its row is drawn', async () => {
    await h.store.retryNow();
    jest.advanceTimersByTime(ROWS_INTERVAL_MS + RIDE_MS + 20);
    const id = '01JDQ6Z0000000000000000005';
    // Drawn while its write is on its way (queued, not yet saved).
    h.contents.failSaves = new Error('a slow server');
    await h.store.save(makeRun({ id, notebookPath: NB }));
    jest.advanceTimersByTime(RIDE_MS + 20);
    expect(panel.table.getRun(id)?.pending).toBe(true);
    const row = panel.node.querySelector(`[data-run-id="${id}"]`)!;
    expect(row).not.toBeNull();
    const rendered = jest.spyOn(RunsExplorer.prototype, 'render');
    const frame = jest.spyOn(window, 'requestAnimationFrame');
    applied.mockClear();
    try {
      h.contents.failSaves = null;
      await h.store.retryNow(); // saved
      expect(applied).toHaveBeenCalledTimes(1);
      expect(applied.mock.calls[0][2]).toEqual({ quiet: true });
      expect(panel.table.getRun(id)?.pending).toBeFalsy();
      // When its "not yet saved" mark would have come due: nothing to draw.
      jest.advanceTimersByTime(SHOW_AFTER_MS + ROWS_INTERVAL_MS + RIDE_MS);
      expect(rendered).not.toHaveBeenCalled();
      expect(frame).not.toHaveBeenCalled();
      expect(row.textContent).not.toContain('not yet saved');
    } finally {
      rendered.mockRestore();
      frame.mockRestore();
    }
  });

  it('should only fold changes while hidden, and apply them once when shown', () => {
    // The run's start, drawn with the next frame (or on its own, later).
    jest.advanceTimersByTime(RIDE_MS + 20);
    applied.mockClear();
    panel.hide();
    for (let i = 0; i < 40; i++) {
      h.recorder.log(LIVE, 10);
      jest.advanceTimersByTime(25);
    }
    jest.advanceTimersByTime(2000);
    expect(applied).not.toHaveBeenCalled();
    expect(replaced).not.toHaveBeenCalled();
    panel.show();
    expect(applied).toHaveBeenCalledTimes(1);
    expect(count()).toBe(400);
    expect(panel.table.runs.map(r => r.id)).toEqual([LIVE, OLD]);
  });

  it('should redraw no table for a listing that brings the same runs, nor for a pending count', async () => {
    const rendered = jest.spyOn(RunsExplorer.prototype, 'render');
    try {
      // The live run ends and is saved; the sidebar shows it.
      await h.store.save(makeRun({ id: LIVE, notebookPath: NB }));
      await h.store.retryNow();
      jest.advanceTimersByTime(ROWS_INTERVAL_MS + RIDE_MS + 20);
      rendered.mockClear();
      applied.mockClear();
      // The folder is listed again (this page's save moved its time): the
      // same runs come back, and the pending count went back to 0.
      await h.model.refresh();
      jest.advanceTimersByTime(ROWS_INTERVAL_MS + RIDE_MS + 20);
      expect(rendered).not.toHaveBeenCalled();
      expect(applied).not.toHaveBeenCalled();
      expect(replaced).not.toHaveBeenCalled();
      expect(panel.table.runs.map(r => r.id)).toEqual([LIVE, OLD]);
    } finally {
      rendered.mockRestore();
    }
  });
});
