import { Signal } from '@lumino/signaling';
import { runIdForRequest } from '../../core/id';
import { summarize, type IRunRecord, type RunOutput } from '../../core/run';
import { validateRun } from '../../core/validate';
import type { IRunListing, IRunStore, IRunStoreChange } from '../../tokens';
import { MemoryContents } from '../../storage/__tests__/memoryContents';
import { makeRun } from '../../core/__tests__/fixtures';
import { FOLLOW_UP_MS, JOURNAL_GRACE_MS, JournalReconciler } from '../journal';
import { DEFAULT_CAPTURE_SETTINGS } from '../settings';

const NB = 'work/train.ipynb';
const JOURNAL = 'work/train.runs/journal';
/** Far later than every file's modification time: nothing is in its grace period. */
const LATER = Date.parse('2030-01-01T00:00:00Z');

/** The store's side the reconciler uses, over plain maps. */
class FakeStore {
  runs = new Map<string, IRunRecord>();
  files = new Map<string, string>();
  changed = new Signal<FakeStore, IRunStoreChange>(this);
  /** Called once a listing was made, before it is answered. */
  afterListing: (() => void) | null = null;
  constructor(private _contents: MemoryContents) {}
  async list(notebookPath: string): Promise<IRunListing> {
    const after = this.afterListing;
    this.afterListing = null;
    const listing = {
      notebookPath,
      runs: [...this.runs.values()].map(summarize),
      warnings: [],
      journal: this._contents.dirs.has(JOURNAL)
    };
    after?.();
    return listing;
  }
  async get(_: string, id: string): Promise<IRunRecord> {
    const run = this.runs.get(id);
    if (!run) {
      throw new Error('not found');
    }
    return structuredClone(run);
  }
  async save(run: IRunRecord): Promise<void> {
    this.runs.set(run.id, structuredClone(run));
  }
  async writeFile(_: string, name: string, content: string): Promise<void> {
    this.files.set(name, content);
  }
  asStore(): IRunStore {
    return this as unknown as IRunStore;
  }
}

interface ILines {
  request: string;
  kernel?: string;
  pid?: number;
  logs?: object[];
  end?: object | null;
  code?: string;
  tags?: string[];
  /** The `parameters` cell's values the kernel journaled at the start. */
  params?: Record<string, unknown>;
}

/** Write one execution's journal file as jupyterlab_runs/_journal.py does. */
function journal(contents: MemoryContents, lines: ILines): string {
  const id = runIdForRequest(lines.request, 1_796_462_321_123);
  const start = {
    e: 'start',
    v: 1,
    id,
    request: lines.request,
    date: 1_796_462_321_123,
    t: 1_796_462_321_200,
    cellId: 'cell-t',
    tags: lines.tags ?? ['experiment:sweep'],
    code: lines.code ?? 'fit()',
    executionCount: 4,
    kernel: lines.kernel ?? 'k1',
    pid: lines.pid ?? 100,
    notebook: NB,
    ...(lines.params ? { params: lines.params } : {})
  };
  const text = [
    start,
    ...(lines.logs ?? []).map(m => ({ e: 'log', m })),
    ...(lines.end === null
      ? []
      : [
          lines.end ?? {
            e: 'end',
            t: 1_796_462_322_000,
            status: 'ok',
            error: null,
            snapshot: { params: { lr: 0.1 } }
          }
        ])
  ]
    .map(line => JSON.stringify(line))
    .join('\n');
  contents.files.set(`${JOURNAL}/${id}.jsonl`, text + '\n');
  return id;
}

const metric = (seq: number, step: number, value: number | string) => ({
  v: 1,
  exec_id: 'e',
  seq,
  time_ms: 1_796_462_321_500 + seq,
  delta: { metrics: { loss: { steps: [step], values: [value] } }, events: [] },
  summary: {}
});

describe('JournalReconciler', () => {
  let contents: MemoryContents;
  let store: FakeStore;
  /** Running kernels, each with how many other pages are connected. */
  let running: Map<string, number | null> | null;
  let recording: Set<string>;
  let now: number;
  let reconciler: JournalReconciler;

  beforeEach(() => {
    contents = new MemoryContents();
    contents.dirs.add('work');
    contents.dirs.add('work/train.runs');
    contents.dirs.add(JOURNAL);
    store = new FakeStore(contents);
    running = new Map([['k1', null]]);
    recording = new Set();
    now = LATER;
    reconciler = new JournalReconciler({
      store: store.asStore(),
      contents: contents.asManager(),
      runningKernels: async () => running,
      isRecording: id => recording.has(id),
      settings: () => DEFAULT_CAPTURE_SETTINGS,
      now: () => now
    });
  });

  afterEach(() => reconciler.dispose());

  /** A reconciler that knows what a closed view showed (`seen`). */
  function withSeen(seen: JournalReconciler.IOptions['seen']): void {
    reconciler.dispose();
    reconciler = new JournalReconciler({
      store: store.asStore(),
      contents: contents.asManager(),
      runningKernels: async () => running,
      isRecording: () => false,
      settings: () => DEFAULT_CAPTURE_SETTINGS,
      now: () => now,
      seen
    });
  }

  it('should keep what a closed tab showed of a run and its parameters, and say so', async () => {
    const id = journal(contents, {
      request: 'closed-tab',
      logs: [metric(1, 0, 1)]
    });
    const other = journal(contents, { request: 'never-shown' });
    const shown = [
      { output_type: 'stream', name: 'stdout', text: 'epoch 1\n' }
    ] as RunOutput[];
    withSeen((path, runId) =>
      path === NB && runId === id
        ? { outputs: shown, parameters: { lr: 0.3, steps: 40 } }
        : null
    );
    await reconciler.reconcile(NB);
    const run = store.runs.get(id)!;
    expect(run.status).toBe('ok');
    expect(run.outputs).toEqual(shown);
    // The parameters cell's values, under what the kernel's snapshot has.
    expect(run.params).toMatchObject({ lr: 0.1, steps: 40 });
    expect(run.paramSources?.steps).toBe('parameters');
    expect(run.capture?.notes).toContain(
      'Recorded from the kernel’s journal: its notebook’s tab was closed while it ran, so its outputs are those shown until then.'
    );
    expect(store.runs.get(other)!.outputs).toEqual([]);
    expect(store.runs.get(other)!.capture?.notes?.join()).toContain(
      'no page was watching when it ended'
    );
  });

  it('should give a run no page saw the parameters cell values the kernel journaled', async () => {
    // A burst left queued by a closed tab: the parameters cell ran after
    // the close, then the experiment cell; no page saw either.
    const id = journal(contents, {
      request: 'after-close',
      params: { lr: 0.3, steps: 40, layers: [64, 32] }
    });
    const older = journal(contents, { request: 'old-kernel' });
    await reconciler.reconcile(NB);
    const run = store.runs.get(id)!;
    expect(validateRun(JSON.parse(JSON.stringify(run)))).toMatchObject({
      ok: true
    });
    // The experiment cell's own literal (the kernel's snapshot) wins.
    expect(run.params).toEqual({ lr: 0.1, steps: 40, layers: [64, 32] });
    expect(run.paramSources).toEqual({
      lr: 'inferred',
      steps: 'parameters',
      layers: 'parameters'
    });
    // A journal from a kernel that kept no parameters: none, as before.
    expect(store.runs.get(older)!.params).toEqual({ lr: 0.1 });
  });

  it("should prefer the kernel's parameters to what a closed view had", async () => {
    const id = journal(contents, {
      request: 'seen-before-its-parameters-arrived',
      params: { steps: 80 }
    });
    withSeen((path, runId) =>
      runId === id ? { outputs: [], parameters: null } : null
    );
    await reconciler.reconcile(NB);
    expect(store.runs.get(id)!.params).toEqual({ lr: 0.1, steps: 80 });
  });

  it('should refuse nothing for parameters that are not an object', async () => {
    const id = journal(contents, {
      request: 'odd-params',
      params: [1, 2] as unknown as Record<string, unknown>
    });
    await reconciler.reconcile(NB);
    expect(store.runs.get(id)!.params).toEqual({ lr: 0.1 });
  });

  it('should record every journaled execution no page recorded, with its metrics', async () => {
    const ids = Array.from({ length: 50 }, (_, i) =>
      journal(contents, {
        request: `burst-${i}`,
        logs: [metric(1, 0, 2 - i / 100), metric(2, 1, 'NaN')]
      })
    );
    const result = await reconciler.reconcile(NB);
    expect(result.recorded.sort()).toEqual([...ids].sort());
    expect(store.runs.size).toBe(50);
    for (const id of ids) {
      const run = store.runs.get(id)!;
      expect(validateRun(JSON.parse(JSON.stringify(run)))).toMatchObject({
        ok: true
      });
      expect(run.status).toBe('ok');
      expect(run.metrics?.loss.count).toBe(2);
      expect(run.params).toEqual({ lr: 0.1 });
      expect(run.experiment).toBe('sweep');
      expect(run.capture?.notes?.join()).toMatch(/kernel’s journal/);
    }
    // A second pass writes nothing new, and cleans up the journal.
    const again = await reconciler.reconcile(NB);
    expect(again.recorded).toEqual([]);
    expect(again.cleaned).toBe(50);
    expect(contents.list(JOURNAL)).toEqual([]);
  });

  it('should never write a run this page is recording itself', async () => {
    const id = journal(contents, { request: 'mine' });
    recording.add(id);
    const result = await reconciler.reconcile(NB);
    expect(result).toMatchObject({ recorded: [], waiting: 1 });
    expect(store.runs.size).toBe(0);
  });

  it('should not replace a run this page saved while the pass went on', async () => {
    // The page was recording the run when the pass began, and saved it
    // (with its outputs) after the folder was listed: the listing does not
    // have it, and the page no longer records it.
    const id = journal(contents, { request: 'mine' });
    recording.add(id);
    const own = { ...makeRun({ id }), outputs: [{ output_type: 'stream' }] };
    store.afterListing = () => {
      recording.delete(id);
      store.runs.set(id, own as IRunRecord);
      store.changed.emit({
        type: 'queued',
        notebookPath: NB,
        run: summarize(own as IRunRecord)
      });
    };
    const result = await reconciler.reconcile(NB);
    expect(result).toMatchObject({ recorded: [], waiting: 1 });
    expect(store.runs.get(id)?.outputs).toEqual([{ output_type: 'stream' }]);
    // The next pass lists it: final, its journal file is cleaned.
    const again = await reconciler.reconcile(NB);
    expect(again).toMatchObject({ recorded: [], cleaned: 1 });
    expect(store.runs.get(id)?.outputs).toEqual([{ output_type: 'stream' }]);
  });

  it('should leave a run another page may still be saving for the grace period', async () => {
    const id = journal(contents, { request: 'fresh' });
    now = Date.parse(contents.mtimes.get(`${JOURNAL}/${id}.jsonl`) ?? '') || 0;
    now = Math.max(now, Date.now());
    contents.mtimes.set(`${JOURNAL}/${id}.jsonl`, new Date(now).toISOString());
    expect((await reconciler.reconcile(NB)).waiting).toBe(1);
    now += JOURNAL_GRACE_MS + 1;
    expect((await reconciler.reconcile(NB)).recorded).toEqual([id]);
  });

  it('should take a finished run at once when no other page is connected to its kernel', async () => {
    // A tab closed in the middle of a burst: the kernel still runs, and
    // this page is the only one connected to it.
    running = new Map([['k1', 0]]);
    const fresh = () => {
      const id = journal(contents, {
        request: `closed-${contents.list(JOURNAL).length}`
      });
      contents.mtimes.set(
        `${JOURNAL}/${id}.jsonl`,
        new Date(now).toISOString()
      );
      return id;
    };
    now = Date.now();
    const done = fresh();
    const unfinished = journal(contents, {
      request: 'still-running',
      end: null
    });
    contents.mtimes.set(
      `${JOURNAL}/${unfinished}.jsonl`,
      new Date(now).toISOString()
    );
    const result = await reconciler.reconcile(NB);
    expect(result.recorded).toEqual([done]);
    expect(result.waiting).toBe(1); // still running in the kernel
    expect(store.runs.get(done)?.status).toBe('ok');
    // Another page connected to the kernel may be saving its runs: wait.
    running = new Map([['k1', 1]]);
    const theirs = fresh();
    expect(await reconciler.reconcile(NB)).toMatchObject({
      recorded: [],
      waiting: 2
    });
    expect(store.runs.has(theirs)).toBe(false);
    // The server cannot count the connections: wait, as before.
    running = new Map([['k1', null]]);
    expect((await reconciler.reconcile(NB)).recorded).toEqual([]);
    // A kernel that is gone may have left a page saving what it ended.
    running = new Map();
    expect((await reconciler.reconcile(NB)).recorded).toEqual([]);
    now += JOURNAL_GRACE_MS + 1;
    expect((await reconciler.reconcile(NB)).recorded.sort()).toEqual(
      [theirs, unfinished].sort()
    );
  });

  it('should keep taking the runs of a burst its closed page left queued, with nothing to tell it when the kernel is idle', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'queueMicrotask'] });
    try {
      running = new Map([['k1', 0]]);
      const done = journal(contents, { request: 'burst-0' });
      const inFlight = journal(contents, { request: 'burst-1', end: null });
      expect(await reconciler.reconcile(NB)).toMatchObject({
        recorded: [done],
        running: 1
      });
      // The kernel ends that one and runs the next; nobody calls.
      journal(contents, { request: 'burst-1' });
      const next = journal(contents, { request: 'burst-2' });
      await jest.advanceTimersByTimeAsync(FOLLOW_UP_MS);
      expect([...store.runs.keys()].sort()).toEqual(
        [done, inFlight, next].sort()
      );
      // One more pass finds nothing new, and schedules none.
      await jest.advanceTimersByTimeAsync(FOLLOW_UP_MS);
      expect(store.runs.size).toBe(3);
      expect(jest.getTimerCount()).toBe(0);
    } finally {
      jest.useRealTimers();
    }
  });

  it('should keep the run a page recorded and only clean its journal file', async () => {
    const id = journal(contents, { request: 'seen' });
    await store.save(makeRun({ id, notebookPath: NB, outputs: [] }));
    const result = await reconciler.reconcile(NB);
    expect(result).toMatchObject({ recorded: [], cleaned: 1 });
    expect(store.runs.get(id)?.experiment).toBe('baseline');
  });

  it('should replace a run a page left running or ended by a guess', async () => {
    const left = journal(contents, {
      request: 'reloaded',
      logs: [metric(1, 0, 1), metric(2, 1, 0.5)]
    });
    await store.save(
      makeRun({ id: left, status: 'running', endedAt: null, durationMs: null })
    );
    const guessed = journal(contents, { request: 'unseen' });
    await store.save(
      makeRun({
        id: guessed,
        status: 'interrupted',
        error: { ename: 'RunEndUnseen', evalue: 'lost', traceback: [] }
      })
    );
    const result = await reconciler.reconcile(NB);
    expect(result.recorded.sort()).toEqual([left, guessed].sort());
    expect(store.runs.get(left)).toMatchObject({ status: 'ok' });
    expect(store.runs.get(left)?.metrics?.loss.count).toBe(2);
    expect(store.runs.get(guessed)?.status).toBe('ok');
  });

  it('should end an execution whose kernel is gone as interrupted, keeping its points', async () => {
    const id = journal(contents, {
      request: 'killed',
      kernel: 'gone',
      logs: [metric(1, 0, 3)],
      end: null
    });
    const result = await reconciler.reconcile(NB);
    expect(result.recorded).toEqual([id]);
    expect(store.runs.get(id)).toMatchObject({
      status: 'interrupted',
      error: { ename: 'KernelStopped' }
    });
    expect(store.runs.get(id)?.metrics?.loss.count).toBe(1);
  });

  it('should end an execution of a restarted kernel, and leave a live one alone', async () => {
    contents.files.set(
      `${JOURNAL}/kernel-k1.json`,
      '{"v":1,"kernel":"k1","pid":200}'
    );
    const old = journal(contents, {
      request: 'before-restart',
      pid: 100,
      end: null
    });
    const live = journal(contents, { request: 'now', pid: 200, end: null });
    const result = await reconciler.reconcile(NB);
    expect(result.recorded).toEqual([old]);
    expect(result.waiting).toBe(1);
    expect(store.runs.has(live)).toBe(false);
  });

  it("should keep a page's record of a restart the kernel never ended", async () => {
    contents.files.set(
      `${JOURNAL}/kernel-k1.json`,
      '{"v":1,"kernel":"k1","pid":200}'
    );
    const id = journal(contents, { request: 'restarted', pid: 100, end: null });
    await store.save(
      makeRun({
        id,
        status: 'interrupted',
        error: { ename: 'KernelRestart', evalue: 'restarted', traceback: [] }
      })
    );
    const result = await reconciler.reconcile(NB);
    expect(result).toMatchObject({ recorded: [], cleaned: 1 });
    expect(store.runs.get(id)?.error?.ename).toBe('KernelRestart');
    expect(store.runs.get(id)?.outputs).toHaveLength(1);
  });

  it("should keep a page's shutdown reason when the kernel says it was interrupted", async () => {
    const id = journal(contents, {
      request: 'shut-down',
      end: {
        e: 'end',
        t: 1_796_462_322_000,
        status: 'interrupted',
        error: { ename: 'KeyboardInterrupt', evalue: '', traceback: [] },
        snapshot: null
      }
    });
    await store.save(
      makeRun({
        id,
        status: 'interrupted',
        error: { ename: 'KernelChanged', evalue: 'shut down', traceback: [] }
      })
    );
    const result = await reconciler.reconcile(NB);
    expect(result).toMatchObject({ recorded: [], cleaned: 1 });
    expect(store.runs.get(id)?.error?.ename).toBe('KernelChanged');
  });

  it('should add the points a dying kernel logged that never reached the page', async () => {
    contents.files.set(
      `${JOURNAL}/kernel-k1.json`,
      '{"v":1,"kernel":"k1","pid":200}'
    );
    const id = journal(contents, {
      request: 'died',
      pid: 100,
      logs: [metric(1, 0, 1), metric(2, 1, 0.5), metric(3, 2, 9)],
      end: null
    });
    await store.save(
      makeRun({
        id,
        status: 'interrupted',
        error: { ename: 'KernelDied', evalue: 'died', traceback: [] },
        metrics: { loss: { last: 1, min: 1, max: 1, count: 1, lastStep: 0 } }
      })
    );
    const result = await reconciler.reconcile(NB);
    expect(result.recorded).toEqual([id]);
    const run = store.runs.get(id)!;
    expect(run.error?.ename).toBe('KernelDied');
    expect(run.outputs).toHaveLength(1);
    expect(run.metrics?.loss).toMatchObject({ count: 3, last: 9 });
    // Nothing more to add: the next pass cleans the journal up.
    expect((await reconciler.reconcile(NB)).cleaned).toBe(1);
  });

  it('should say which journal files it refused and write nothing for them', async () => {
    const id = runIdForRequest('x', 1);
    contents.files.set(
      `${JOURNAL}/${id}.jsonl`,
      '{"e":"start","id":"01JDQ6Z0000000000000000000","t":1,"code":"x"}\n'
    );
    contents.files.set(`${JOURNAL}/not-a-run.jsonl`, 'whatever');
    const result = await reconciler.reconcile(NB);
    expect(result.refused).toEqual([
      {
        name: `${id}.jsonl`,
        reason: expect.stringMatching(/names another run/)
      }
    ]);
    expect(store.runs.size).toBe(0);
  });

  it('should end runs left running by a closed page when the journal does not know them', async () => {
    contents.dirs.delete(JOURNAL);
    await store.save(
      makeRun({
        id: '01JDQ6Z0000000000000000000',
        status: 'running',
        endedAt: null,
        durationMs: null
      })
    );
    await reconciler.reconcile(NB, {
      idleAt: Date.parse('2026-11-28T11:00:00Z')
    });
    expect(store.runs.get('01JDQ6Z0000000000000000000')).toMatchObject({
      status: 'interrupted',
      error: { ename: 'RunAbandoned' }
    });
  });
});
