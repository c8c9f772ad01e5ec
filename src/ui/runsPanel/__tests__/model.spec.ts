import 'fake-indexeddb/auto';
import { Signal } from '@lumino/signaling';
import { makeRun } from '../../../core/__tests__/fixtures';
import {
  summarize,
  type IRunRecord,
  type IRunSummary
} from '../../../core/run';
import { ContentsRunStore } from '../../../storage/contentsRunStore';
import { MemoryOutboxStorage } from '../../../storage/outbox';
import { MemoryContents } from '../../../storage/__tests__/memoryContents';
import { RunsModel } from '../model';

const NB = 'work/train.ipynb';
const ID = '01JDQ6Z0000000000000000000';

describe('RunsModel: runs finished but not yet saved', () => {
  let contents: MemoryContents;
  let store: ContentsRunStore;
  let live: Signal<object, IRunSummary>;
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
    live = new Signal<object, IRunSummary>({});
    model = new RunsModel({ store, live });
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
});
