/**
 * Live compare reads the runs model, not the sidebar: curves of runs in
 * flight advance with the sidebar hidden, hold every point logged, and the
 * store is asked for a run's series only once the run ended, once.
 */
import { Widget } from '@lumino/widgets';
import { makeRun } from '../../../core/__tests__/fixtures';
import { NB, setUp } from '../../../model/__tests__/harness';
import { RunsPanel } from '../../runsPanel/panel';
import { trans } from '../../__tests__/trans';
import { CompareModel, type CompareChange } from '../model';

const A = '01JDQ6Z0000000000000000A00';
const B = '01JDQ6Z0000000000000000B00';
const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

describe('CompareModel: live series', () => {
  let h: Awaited<ReturnType<typeof setUp>>;
  let panel: RunsPanel;
  let compare: CompareModel;
  let changes: CompareChange[];
  let getSeries: jest.SpyInstance;

  beforeEach(async () => {
    h = await setUp();
    // The sidebar exists but is collapsed.
    panel = new RunsPanel({ model: h.model, trans });
    Widget.attach(panel, document.body);
    panel.hide();
    h.recorder.start(A);
    h.recorder.start(B);
    getSeries = jest.spyOn(h.store, 'getSeries');
    compare = new CompareModel({
      store: h.store,
      source: h.model,
      notebookPath: NB,
      runIds: [A, B],
      liveInterval: 5
    });
    changes = [];
    compare.changed.connect((_, c) => changes.push(c));
  });

  afterEach(() => {
    compare.dispose();
    panel.dispose();
    h.dispose();
    document.body.replaceChildren();
  });

  it('should advance with every point logged while the sidebar is hidden', async () => {
    for (let batch = 1; batch <= 5; batch++) {
      h.recorder.log(A, 1000);
      h.recorder.log(B, 500);
      await sleep(10);
      expect(compare.series(A)!.loss.step).toHaveLength(batch * 1000);
      expect(compare.series(B)!.loss.step).toHaveLength(batch * 500);
    }
    expect(changes.filter(c => c === 'live').length).toBeGreaterThanOrEqual(5);
    // The summaries followed too (the last live one of each run).
    expect(compare.runs.map(r => r.metrics?.loss.count)).toEqual([5000, 2500]);
    // The hidden sidebar did no work on its table: bookkeeping only.
    expect(panel.table.runs).toHaveLength(0);
  });

  it('should redraw at most once per interval however many batches arrive', async () => {
    for (let i = 0; i < 50; i++) {
      h.recorder.log(A, 10);
    }
    await sleep(20);
    expect(changes).toEqual(['live']);
    expect(compare.series(A)!.loss.step).toHaveLength(500);
  });

  it('should fold the live summaries of runs in flight into that one change', async () => {
    // Each batch of points comes with a live summary of its run (the
    // recorder sends one every 250 ms in the page): one change for all.
    for (let i = 0; i < 20; i++) {
      h.recorder.log(A, 10);
      h.recorder.log(B, 10);
    }
    await sleep(20);
    expect(changes).toEqual(['live']);
    expect(compare.runs.map(r => r.metrics?.loss.count)).toEqual([200, 200]);
    // A run that ends is news at once.
    const series = h.recorder.series(A);
    h.recorder.end(A);
    changes = [];
    await h.store.save(makeRun({ id: A, notebookPath: NB }), { series });
    expect(changes).toContain('runs');
  });

  it('should not ask the store for the series of running runs, even when a pane asks', async () => {
    h.recorder.log(A, 100);
    await compare.loadSeries();
    await sleep(20);
    expect(getSeries).not.toHaveBeenCalled();
    expect(h.seriesReads()).toEqual([]);
  });

  it('should read a run’s series once, after it ended, and keep the live one for the other', async () => {
    h.recorder.log(A, 300);
    h.recorder.log(B, 200);
    const series = h.recorder.series(A);
    h.recorder.end(A);
    // The run ends: the store takes it (queued, then written).
    await h.store.save(makeRun({ id: A, notebookPath: NB }), { series });
    await sleep(10);
    expect(getSeries.mock.calls.map(c => c[1])).toEqual([A]);
    expect(compare.series(A)!.loss.value).toEqual(series.loss.value);
    await h.store.retryNow(); // `saved`: nothing more to read
    await compare.loadSeries();
    await sleep(10);
    expect(getSeries).toHaveBeenCalledTimes(1);
    // From the outbox: no request to the server, none failing.
    expect(h.seriesReads()).toEqual([]);
    expect(compare.series(B)!.loss.step).toHaveLength(200);
    expect(compare.runs.map(r => r.status)).toEqual(['ok', 'running']);
  });

  it('should give a running run no series (not "loading") before its first point', () => {
    expect(compare.series(A)).not.toBeUndefined();
    expect(compare.series(A)?.loss).toBeUndefined();
  });
});
