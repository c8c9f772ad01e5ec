import 'fake-indexeddb/auto';
import { Signal } from '@lumino/signaling';
import { makeRun } from '../../core/__tests__/fixtures';
import { summarize, type IRunRecord, type IRunSummary } from '../../core/run';
import { ContentsRunStore } from '../../storage/contentsRunStore';
import { MemoryOutboxStorage } from '../../storage/outbox';
import { MemoryContents } from '../../storage/__tests__/memoryContents';
import { onlyPendingChanged } from '../../core/runs/runList';
import { summarizeRun } from '../../core/history/summary';
import type { IRecordingFailure, IRunsChange } from '../../tokens';
import { RunsModel } from '../runsModel';
import { setUp } from './harness';

const NB = 'work/train.ipynb';
const ID = '01JDQ6Z0000000000000000000';

describe('RunsModel: runs finished but not yet saved', () => {
  let contents: MemoryContents;
  let store: ContentsRunStore;
  let live: Signal<never, IRunSummary>;
  let model: RunsModel;

  const running = (): IRunRecord =>
    makeRun({
      id: ID,
      notebookPath: NB,
      status: 'running',
      endedAt: null,
      durationMs: null
    });
  const shown = () => model.runs.find(r => r.id === ID);

  beforeEach(async () => {
    contents = new MemoryContents();
    contents.dirs.add('work');
    store = new ContentsRunStore({
      contents: contents.asManager(),
      writerId: '01JDQ7W0000000000000000001',
      outbox: new MemoryOutboxStorage(),
      shardDelayMs: 60_000,
      backoff: { initialMs: 60_000, factor: 2, maxMs: 60_000, jitter: 0 }
    });
    live = new Signal<never, IRunSummary>({} as never);
    model = new RunsModel({ store, recorder: { runUpdated: live } });
    await model.setNotebook(NB);
  });

  afterEach(() => {
    model.dispose();
    store.dispose();
  });

  it.each(['ok', 'error', 'interrupted'] as const)(
    'should show a run that ended %s while it waits, not Running',
    async status => {
      // The recorder's live summary while the cell runs.
      live.emit(summarize(running()));
      expect(shown()?.status).toBe('running');
      // The cell ends; the server cannot be reached.
      contents.failSaves = new TypeError('Failed to fetch');
      await store.save(makeRun({ id: ID, notebookPath: NB, status }));
      await store.retryNow();
      expect(store.status.pending).toBe(1);
      expect(shown()).toMatchObject({ status, pending: true });
      // A listing while it waits says the same.
      await model.refresh();
      expect(shown()).toMatchObject({ status, pending: true });
      // A late live update of the run cannot make it Running again.
      live.emit(summarize(running()));
      expect(shown()?.status).toBe(status);
      // Saved: no longer pending.
      contents.failSaves = null;
      await store.retryNow();
      expect(shown()?.status).toBe(status);
      expect(shown()?.pending).toBeFalsy();
    }
  );

  it('should keep a run’s live summary over its running file, which has no metrics yet', async () => {
    // The recorder's live summary, with what the cell logged so far.
    const metrics = {
      acc: { last: 0.55, min: 0.55, max: 0.55, count: 1, lastStep: 0 }
    };
    live.emit({ ...summarize(running()), metrics });
    // The cell lasts: its `running` file is written (no metrics in it).
    await store.save(running());
    await store.retryNow();
    expect(shown()).toMatchObject({ status: 'running', metrics });
    // A listing that reads that file says the same.
    await model.refresh();
    expect(shown()).toMatchObject({ status: 'running', metrics });
    // The run's final file wins.
    await store.save(makeRun({ id: ID, notebookPath: NB, status: 'ok' }));
    await store.retryNow();
    expect(shown()?.status).toBe('ok');
    expect(shown()?.metrics).not.toEqual(metrics);
  });
});

describe('RunsModel: a run shown as it ended, before the store has it', () => {
  let store: ContentsRunStore;
  let live: Signal<never, IRunSummary>;
  let failed: Signal<never, IRecordingFailure>;
  let model: RunsModel;
  let changes: IRunsChange[];

  beforeEach(async () => {
    const contents = new MemoryContents();
    contents.dirs.add('work');
    store = new ContentsRunStore({
      contents: contents.asManager(),
      writerId: '01JDQ7W0000000000000000001',
      outbox: new MemoryOutboxStorage(),
      shardDelayMs: 60_000
    });
    live = new Signal<never, IRunSummary>({} as never);
    failed = new Signal<never, IRecordingFailure>({} as never);
    model = new RunsModel({ store, recorder: { runUpdated: live, failed } });
    await model.setNotebook(NB);
    changes = [];
    model.runsChanged.connect((_, c) => changes.push(c));
  });

  afterEach(() => {
    model.dispose();
    store.dispose();
  });

  it('should draw it once: the store queuing and saving it change only its pending flag', async () => {
    // The recorder shows the run as soon as it is assembled (a short cell:
    // no live summary before it), then hands it to the store with that
    // summary: the row a view draws then is the row it keeps.
    const run = makeRun({ id: ID, notebookPath: NB, status: 'ok' });
    const summary = summarizeRun(run, null);
    live.emit(summary);
    expect(changes.map(c => c.added.map(r => r.status))).toEqual([['ok']]);
    await store.save(run, { summary });
    await store.retryNow();
    expect(changes.length).toBeGreaterThan(1);
    for (const change of changes.slice(1)) {
      expect(onlyPendingChanged(change)).toBe(true);
    }
    expect(model.getRun(ID)).toMatchObject({ status: 'ok' });
    expect(model.getRun(ID)?.pending).toBeFalsy();
  });

  it('should drop its row when the store refused it', () => {
    live.emit(summarizeRun(makeRun({ id: ID, notebookPath: NB }), null));
    failed.emit({
      notebookPath: NB,
      runId: ID,
      error: new Error('QuotaExceededError')
    });
    expect(model.getRun(ID)).toBeUndefined();
    expect(changes[changes.length - 1].removed.map(r => r.id)).toEqual([ID]);
    // Another notebook's failure, or a run it does not show: nothing.
    const before = changes.length;
    failed.emit({
      notebookPath: 'work/other.ipynb',
      runId: ID,
      error: new Error('x')
    });
    failed.emit({
      notebookPath: NB,
      runId: '01JDQ6Z0000000000000000009',
      error: new Error('x')
    });
    expect(changes).toHaveLength(before);
  });
});

describe('RunsModel: changes, one run at a time', () => {
  let h: Awaited<ReturnType<typeof setUp>>;
  let changes: IRunsChange[];

  beforeEach(async () => {
    h = await setUp();
    changes = [];
    h.model.runsChanged.connect((_, c) => changes.push(c));
  });

  afterEach(() => h.dispose());

  it('should say a run in flight was added, then changed, carrying the summaries', () => {
    h.recorder.start('01JDQ6Z0000000000000000001');
    h.recorder.log('01JDQ6Z0000000000000000001', 10);
    expect(changes).toHaveLength(2);
    expect(changes[0].added.map(r => r.id)).toEqual([
      '01JDQ6Z0000000000000000001'
    ]);
    const { before, after } = changes[1].changed[0];
    expect(before).toBe(changes[0].added[0]);
    expect(after.metrics?.loss.count).toBe(10);
    expect(h.model.getRun('01JDQ6Z0000000000000000001')).toBe(after);
  });

  it('should say a run ended (queued by the store) and was removed (trash)', async () => {
    const id = '01JDQ6Z0000000000000000002';
    h.recorder.start(id);
    await h.store.save(makeRun({ id, notebookPath: NB }));
    const ended = changes[changes.length - 1].changed[0];
    expect([ended.before.status, ended.after.status]).toEqual([
      'running',
      'ok'
    ]);
    await h.store.retryNow();
    changes = [];
    await h.store.trash(NB, [id]);
    expect(changes.map(c => c.removed.map(r => r.id))).toEqual([[id]]);
    expect(h.model.runs).toEqual([]);
  });

  it('should reset for another notebook and ignore runs of others', async () => {
    await h.model.setNotebook('work/other.ipynb');
    expect(changes.every(c => c.reset)).toBe(true);
    changes = [];
    h.recorder.start('01JDQ6Z0000000000000000003'); // a run of train.ipynb
    expect(changes).toEqual([]);
    expect(h.model.runs).toEqual([]);
  });

  it('should keep a run in flight through a listing that does not know it', async () => {
    h.recorder.start('01JDQ6Z0000000000000000004');
    await h.model.refresh();
    expect(h.model.runs.map(r => r.id)).toEqual(['01JDQ6Z0000000000000000004']);
  });

  it('should say nothing changed when the folder is listed again after its own saves', async () => {
    // A small folder is listed again when this page's saves moved its
    // time: the runs it brings back are equal, so no row is redrawn.
    for (const n of [6, 7]) {
      const id = `01JDQ6Z000000000000000000${n}`;
      h.recorder.start(id);
      await h.store.save(makeRun({ id, notebookPath: NB }));
    }
    await h.store.retryNow();
    changes = [];
    await h.model.refresh({ reload: true });
    expect(changes).toEqual([]);
    expect(h.model.runs.map(r => r.id)).toEqual([
      '01JDQ6Z0000000000000000007',
      '01JDQ6Z0000000000000000006'
    ]);
  });

  it('should show a notebook selected again at once, as the same objects, and change nothing when its folder did not', async () => {
    for (const n of [6, 7, 8]) {
      const id = `01JDQ6Z000000000000000000${n}`;
      h.recorder.start(id);
      await h.store.save(makeRun({ id, notebookPath: NB }));
    }
    await h.store.retryNow();
    await h.model.refresh();
    const shown = h.model.runs;
    await h.model.setNotebook('work/other.ipynb');
    expect(h.model.runs).toEqual([]);
    changes = [];
    const back = h.model.setNotebook(NB);
    // Before its folder is checked: the runs as they were, same objects.
    expect(h.model.runs).toBe(shown);
    expect(changes).toEqual([
      { added: [], changed: [], removed: [], reset: true }
    ]);
    await back;
    // The folder, unchanged, brought nothing to redraw.
    expect(changes).toHaveLength(1);
    expect(h.model.runs).toBe(shown);
    // Changed meanwhile (another page's run): the one run is news.
    await h.model.setNotebook('work/other.ipynb');
    await h.store.save(
      makeRun({ id: '01JDQ6Z0000000000000000009', notebookPath: NB })
    );
    await h.store.retryNow();
    changes = [];
    await h.model.setNotebook(NB);
    expect(h.model.runs.map(r => r.id)).toEqual([
      '01JDQ6Z0000000000000000009',
      '01JDQ6Z0000000000000000008',
      '01JDQ6Z0000000000000000007',
      '01JDQ6Z0000000000000000006'
    ]);
    expect(changes.slice(1).map(c => c.added.map(r => r.id))).toEqual([
      ['01JDQ6Z0000000000000000009']
    ]);
  });

  it('should drop the rows of a runs folder deleted by hand with the next listing, and show what is saved after', async () => {
    // The new-user trial: three runs, `rm -r train.runs` in a terminal,
    // then one more run. The rows stayed, then four showed for one file.
    const ids = [1, 2, 3].map(n => `01JDQ6Z00000000000000000A${n}`);
    for (const id of ids) {
      h.recorder.start(id);
      h.recorder.end(id);
      await h.store.save(makeRun({ id, notebookPath: NB }));
    }
    await h.store.retryNow();
    expect(h.model.runs).toHaveLength(3);
    for (const path of [...h.contents.files.keys()]) {
      if (path.startsWith('work/train.runs/')) {
        h.contents.files.delete(path);
      }
    }
    for (const dir of [...h.contents.dirs]) {
      if (dir.startsWith('work/train.runs')) {
        h.contents.dirs.delete(dir);
      }
    }
    // The folder's watch, as every few seconds: it sees the folder gone.
    await h.store.list(NB, { current: true });
    expect(h.model.runs).toEqual([]);
    const next = '01JDQ6Z00000000000000000A4';
    h.recorder.start(next);
    h.recorder.end(next);
    await h.store.save(makeRun({ id: next, notebookPath: NB }));
    await h.store.retryNow();
    await h.store.list(NB, { current: true });
    expect(h.model.runs.map(r => r.id)).toEqual([next]);
    expect(h.contents.list('work/train.runs')).toContain(`${next}.json`);
  });

  it('should keep a run saved while a listing is on its way', async () => {
    const early = '01JDQ6Z00000000000000000B1';
    h.recorder.start(early);
    h.recorder.end(early);
    await h.store.save(makeRun({ id: early, notebookPath: NB }));
    await h.store.retryNow();
    // The folder's listing answered before the save, delivered after it.
    const get = h.contents.get.bind(h.contents);
    let deliver!: () => void;
    let holding = 0;
    const held = new Promise<void>(resolve => (deliver = resolve));
    h.contents.get = async (path, options) => {
      const model = await get(path, options);
      if (path === 'work/train.runs' && options?.content) {
        holding++;
        await held;
      }
      return model;
    };
    const listing = h.model.refresh({ reload: true });
    for (let i = 0; i < 100 && holding === 0; i++) {
      await new Promise(resolve => setTimeout(resolve, 0));
    }
    const late = '01JDQ6Z00000000000000000B2';
    h.recorder.start(late);
    h.recorder.end(late);
    await h.store.save(makeRun({ id: late, notebookPath: NB }));
    await h.store.retryNow();
    expect(holding).toBe(1);
    deliver();
    await listing;
    expect(h.model.runs.map(r => r.id).sort()).toEqual([early, late]);
    expect(h.model.state).toBe('ready');
  });

  it('should hand out the recorder’s live series of a run in flight', () => {
    const id = '01JDQ6Z0000000000000000005';
    h.recorder.start(id);
    h.recorder.log(id, 100);
    expect(h.model.liveSeries(id)?.series.loss.step).toHaveLength(100);
    expect(h.model.liveSeries('01JDQ6Z0000000000000000009')).toBeNull();
  });
});
