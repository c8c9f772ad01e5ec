import type { NotebookPanel } from '@jupyterlab/notebook';
import { Signal } from '@lumino/signaling';
import { ActiveRun } from '../activeRun';
import { NotebookSession, type IExecuteRequest } from '../notebookSession';
import { DEFAULT_CAPTURE_SETTINGS, kernelOptions } from '../settings';

const LOG = 'application/vnd.jupyterlab-runs.log+json';

/** The slice of a kernel the session uses, recording what it was sent. */
class FakeKernel {
  status = 'idle';
  executed: { code: string; silent: boolean }[] = [];
  sent: unknown[] = [];
  anyMessage = new Signal<unknown, { msg: unknown; direction: string }>(this);
  commTargets = new Map<string, (comm: unknown, msg: unknown) => void>();
  registerCommTarget(name: string, cb: (comm: unknown, msg: unknown) => void) {
    this.commTargets.set(name, cb);
  }
  removeCommTarget(name: string) {
    this.commTargets.delete(name);
  }
  requestExecute(content: { code: string; silent: boolean }) {
    this.executed.push(content);
    return { done: Promise.resolve({ content: { status: 'ok' } }) };
  }
  comms: FakeComm[] = [];
  createComm(target: string) {
    const comm = new FakeComm(target, this.sent);
    this.comms.push(comm);
    return comm;
  }
}

/** A comm this page opened, with what it was like when it was opened. */
class FakeComm {
  constructor(
    readonly target: string,
    private _sent: unknown[]
  ) {}
  isDisposed = false;
  commsOverSubshells = 'perCommTarget';
  openedWith: string | null = null;
  closed = false;
  onMsg: (msg: unknown) => void = () => undefined;
  open() {
    this.openedWith = this.commsOverSubshells;
  }
  send(data: unknown) {
    this._sent.push(data);
  }
  close() {
    this.closed = true;
  }
}

function makePanel(kernel: FakeKernel) {
  const owner = {};
  const context = {
    iopubMessage: new Signal<unknown, unknown>(owner),
    statusChanged: new Signal<unknown, string>(owner),
    kernelChanged: new Signal<unknown, unknown>(owner),
    session: { kernel } as { kernel: FakeKernel | null },
    isDisposed: false
  };
  return {
    panel: {
      sessionContext: context,
      isDisposed: false
    } as unknown as NotebookPanel,
    context
  };
}

function input(requestId: string, code: string, count: number) {
  return {
    header: { msg_type: 'execute_input' },
    parent_header: { msg_id: requestId },
    content: { code, execution_count: count }
  };
}

function iopub(requestId: string, type: string, content: object) {
  return {
    header: { msg_type: type },
    parent_header: { msg_id: requestId },
    content
  };
}

const idle = (requestId: string) =>
  iopub(requestId, 'status', { execution_state: 'idle' });

describe('NotebookSession', () => {
  let kernel: FakeKernel;
  let context: ReturnType<typeof makePanel>['context'];
  let session: NotebookSession;
  let requested: IExecuteRequest[];
  let started: ActiveRun[];
  let logged: ActiveRun[];
  let ended: ActiveRun[];
  let lost: [ActiveRun[], unknown][];
  let closed: [ActiveRun[], string | null][];
  let idles: [number, number][];

  beforeEach(() => {
    kernel = new FakeKernel();
    const made = makePanel(kernel);
    context = made.context;
    requested = [];
    started = [];
    logged = [];
    ended = [];
    lost = [];
    closed = [];
    idles = [];
    session = new NotebookSession(made.panel, {
      requested: request => {
        requested.push(request);
        const tags = request.tags as string[];
        return tags.some(t => t.startsWith('experiment'))
          ? new ActiveRun(
              `01JDQ6Z00000000000000000${String(requested.length).padStart(2, '0')}`,
              request.cellId,
              request.code,
              'exp'
            )
          : null;
      },
      started: run => started.push(run),
      logged: run => logged.push(run),
      ended: run => ended.push(run),
      lost: (runs, reason) => lost.push([runs, reason]),
      closed: (runs, kernelId) => closed.push([runs, kernelId]),
      idle: (at, foreign) => idles.push([at, foreign])
    });
  });

  afterEach(() => session.dispose());

  /** This page sends an execute request for cell `cellId`, as JupyterLab does. */
  function send(
    msgId: string,
    cellId: string,
    code: string,
    tags: string[] = []
  ): ActiveRun | null {
    const before = requested.length;
    kernel.anyMessage.emit({
      direction: 'send',
      msg: {
        header: {
          msg_id: msgId,
          msg_type: 'execute_request',
          date: '2026-12-05T09:18:41.123Z'
        },
        metadata: { cellId, tags, deletedCells: [], recordTiming: false },
        content: { code, silent: false }
      }
    });
    expect(requested).toHaveLength(before + 1);
    return (
      (
        session as unknown as { _runsByRequest: Map<string, ActiveRun> }
      )._runsByRequest.get(msgId) ?? null
    );
  }

  /** The kernel runs a request: start, outputs, idle. */
  function execute(
    msgId: string,
    code: string,
    count: number,
    outputs: object[] = []
  ) {
    context.iopubMessage.emit(input(msgId, code, count));
    for (const [type, content] of outputs as [string, object][]) {
      context.iopubMessage.emit(iopub(msgId, type, content));
    }
    context.iopubMessage.emit(idle(msgId));
  }

  it('should read the cell, tags, code and date of each request as it goes out', () => {
    const run = send('r1', 'cell-t', 'fit()', ['experiment:exp']);
    expect(requested[0]).toEqual({
      msgId: 'r1',
      dateMs: Date.parse('2026-12-05T09:18:41.123Z'),
      cellId: 'cell-t',
      code: 'fit()',
      tags: ['experiment:exp']
    });
    expect(run?.requestId).toBe('r1');
    // Silent requests (the extension's own) and received messages are not requests.
    kernel.anyMessage.emit({
      direction: 'send',
      msg: {
        header: { msg_id: 's', msg_type: 'execute_request', date: '' },
        metadata: {},
        content: { code: 'x', silent: true }
      }
    });
    expect(requested).toHaveLength(1);
  });

  it('should tie executions to the cells that sent them, not to matching code', () => {
    send('r1', 'a', 'x = 1');
    send('r2', 'b', 'x = 1');
    execute('r2', 'x = 1', 1);
    execute('r1', 'x = 1', 2);
    expect(session.history.map(e => [e.cellId, e.executionCount])).toEqual([
      ['b', 1],
      ['a', 2]
    ]);
  });

  it('should end each run of a queued burst with its own outputs', () => {
    // Ctrl-Enter five times on one cell: JupyterLab replaces the cell's
    // future each time and emits `executed` for the last one only.
    const runs = [1, 2, 3, 4, 5].map(i =>
      send(`r${i}`, 't', 'print(i)', ['experiment'])
    );
    for (let i = 1; i <= 5; i++) {
      execute(`r${i}`, 'print(i)', i, [
        ['stream', { name: 'stdout', text: `${i}\n` }]
      ]);
    }
    expect(started).toEqual(runs);
    expect(ended).toEqual(runs);
    expect(ended.map(r => r.executionCount)).toEqual([1, 2, 3, 4, 5]);
    expect(ended.map(r => r.outputs.toJSON())).toEqual(
      [1, 2, 3, 4, 5].map(i => [
        { output_type: 'stream', name: 'stdout', text: `${i}\n` }
      ])
    );
  });

  it('should drop runs whose request was aborted by an error above them (Run All)', () => {
    send('a', 'a', 'boom()');
    const aborted = send('t1', 't', 'fit()', ['experiment']);
    execute('a', 'boom()', 1, [
      ['error', { ename: 'ZeroDivisionError', evalue: 'x', traceback: [] }]
    ]);
    // The kernel aborts the queued request: idle without execute_input.
    context.iopubMessage.emit(idle('t1'));
    expect(ended).toEqual([aborted]);
    expect(aborted?.startedAt).toBeNull();
    // Three later executions of the tagged cell are three runs, each its own.
    const later = ['t2', 't3', 't4'].map(id =>
      send(id, 't', 'fit()', ['experiment'])
    );
    later.forEach((_, i) => execute(`t${i + 2}`, 'fit()', i + 2));
    expect(ended.slice(1)).toEqual(later);
    expect(later.map(r => r?.startedAt !== null)).toEqual([true, true, true]);
    expect(new Set(later.map(r => r?.id)).size).toBe(3);
  });

  it('should record the error of a failing run and display updates by id', () => {
    const run = send('r1', 't', 'fit()', ['experiment'])!;
    execute('r1', 'fit()', 1, [
      [
        'display_data',
        {
          data: { 'text/plain': 'a' },
          metadata: {},
          transient: { display_id: 'd' }
        }
      ],
      [
        'update_display_data',
        {
          data: { 'text/plain': 'b' },
          metadata: {},
          transient: { display_id: 'd' }
        }
      ],
      ['error', { ename: 'KeyboardInterrupt', evalue: '', traceback: ['tb'] }]
    ]);
    expect(run.error).toEqual({
      ename: 'KeyboardInterrupt',
      evalue: '',
      traceback: ['tb']
    });
    expect(run.outputs.toJSON()[0]).toEqual({
      output_type: 'display_data',
      data: { 'text/plain': 'b' },
      metadata: {}
    });
  });

  it('should route log messages to the run of their request only', () => {
    const run = send('r1', 't', 'fit()', ['experiment'])!;
    context.iopubMessage.emit(input('r1', 'fit()', 1));
    const data = {
      v: 1,
      seq: 1,
      delta: { metrics: { loss: { steps: [0], values: [1.5] } } }
    };
    context.iopubMessage.emit({
      header: { msg_type: 'display_data' },
      parent_header: { msg_id: 'r1' },
      content: { data: { [LOG]: data } }
    });
    context.iopubMessage.emit({
      header: { msg_type: 'update_display_data' },
      parent_header: { msg_id: 'other' },
      content: { data: { [LOG]: { ...data, seq: 2 } } }
    });
    expect(logged).toEqual([run]);
    expect(run.stream.series.get('loss')?.value).toEqual([1.5]);
  });

  it("should keep routing an execution's messages sent without its parent", () => {
    const run = send('r1', 't', 'fit()', ['experiment'])!;
    context.iopubMessage.emit(input('r1', 'fit()', 1));
    const message = (seq: number, parent: string, step: number) => ({
      header: { msg_type: seq === 1 ? 'display_data' : 'update_display_data' },
      parent_header: parent ? { msg_id: parent } : {},
      content: {
        data: {
          [LOG]: {
            v: 1,
            exec_id: 'e1',
            seq,
            delta: { metrics: { loss: { steps: [step], values: [step] } } }
          }
        }
      }
    });
    context.iopubMessage.emit(message(1, 'r1', 0));
    // Flushed by the kernel's background thread: no (or another) parent.
    context.iopubMessage.emit(message(2, '', 1));
    context.iopubMessage.emit(message(3, 'someone-else', 2));
    expect(run.stream.series.get('loss')?.step).toEqual([0, 1, 2]);
    expect(run.stream.missed).toBe(false);
  });

  it('should hand every requested run to `lost` when the kernel restarts', async () => {
    const running = send('r1', 't', 'fit()', ['experiment'])!;
    const queued = send('r2', 't', 'fit()', ['experiment'])!;
    context.iopubMessage.emit(input('r1', 'fit()', 1));
    context.statusChanged.emit('restarting');
    await Promise.resolve();
    expect(lost).toEqual([
      [
        [running, queued],
        {
          ename: 'KernelRestart',
          evalue: 'The kernel restarted during the run.'
        }
      ]
    ]);
    expect(session.history).toEqual([]);
    expect(session.needsEnvironment).toBe(true);
  });

  it('should hand runs in flight to `closed`, not `lost`, when its view closes (its session context disposed first)', () => {
    const running = send('r1', 't', 'fit()', ['experiment'])!;
    const queued = send('r2', 't', 'fit()', ['experiment'])!;
    context.iopubMessage.emit(input('r1', 'fit()', 1));
    // JupyterLab disposes the view's session context, which lets go of
    // the kernel (a kernel change to none); the kernel runs on.
    context.isDisposed = true;
    context.kernelChanged.emit({
      oldValue: { id: 'k-1' },
      newValue: null
    });
    expect(lost).toEqual([]);
    expect(closed).toEqual([[[running, queued], 'k-1']]);
    // Its outputs arriving later are nobody's now; disposed, nothing more.
    context.iopubMessage.emit(idle('r1'));
    session.dispose();
    expect(ended).toEqual([]);
    expect(closed).toHaveLength(1);
  });

  it('should say whether runs it requested have not ended, queued ones too', () => {
    expect(session.hasUnfinished).toBe(false);
    send('r1', 't', 'fit()', ['experiment']);
    expect(session.hasUnfinished).toBe(true);
    execute('r1', 'fit()', 1);
    const [run] = ended;
    run.finalized = true;
    expect(session.hasUnfinished).toBe(false);
  });

  it('should hand runs in flight to `closed` when it is disposed with its view first', () => {
    const running = send('r1', 't', 'fit()', ['experiment'])!;
    context.iopubMessage.emit(input('r1', 'fit()', 1));
    session.dispose();
    expect(closed).toEqual([[[running], null]]);
    expect(lost).toEqual([]);
  });

  it('should still end runs as lost when the kernel is changed in an open view', () => {
    const running = send('r1', 't', 'fit()', ['experiment'])!;
    context.iopubMessage.emit(input('r1', 'fit()', 1));
    context.kernelChanged.emit({ oldValue: { id: 'k-1' }, newValue: null });
    expect(closed).toEqual([]);
    expect(lost).toEqual([
      [
        [running],
        {
          ename: 'KernelChanged',
          evalue: 'The kernel was changed or shut down during the run.'
        }
      ]
    ]);
  });

  it('should count executions it did not send and say so when the kernel is idle', () => {
    context.statusChanged.emit('idle');
    context.iopubMessage.emit(input('from-another-tab', 'x = 1', 1));
    context.iopubMessage.emit(input('from-another-tab-2', 'x = 2', 2));
    context.statusChanged.emit('busy');
    context.statusChanged.emit('idle');
    // Seen idle when it started listening, then after two foreign executions.
    expect(idles.map(([, foreign]) => foreign)).toEqual([0, 2]);
    // Nothing new since: the next idle is not reported again.
    context.statusChanged.emit('busy');
    context.statusChanged.emit('idle');
    expect(idles).toHaveLength(2);
  });

  it('should end a run whose idle never arrived once the kernel stays idle', () => {
    jest.useFakeTimers();
    try {
      const run = send('r1', 't', 'fit()', ['experiment'])!;
      context.iopubMessage.emit(input('r1', 'fit()', 1));
      // The connection dropped: the run's idle status is lost.
      context.statusChanged.emit('idle');
      expect(ended).toEqual([]);
      jest.advanceTimersByTime(3000);
      expect(ended).toEqual([run]);
      expect(run.endUnseen).toMatch(/never reached the page/);
    } finally {
      jest.useRealTimers();
    }
  });

  it('should flag history it did not see', () => {
    context.iopubMessage.emit(input('r9', 'x = 1', 7));
    expect(session.unknownHistory).toBe(true);
  });

  it('should set the kernel side up with one silent request, then send nothing per run', async () => {
    session.configure({ params: true, environment: true });
    expect(await session.arm('k1', 'fit()', { params: true })).toBe(true);
    expect(kernel.executed).toHaveLength(1);
    expect(kernel.executed[0].silent).toBe(true);
    expect(kernel.executed[0].code).toContain('.arm("k1", "fit()"');
    expect(kernel.executed[0].code).toContain(
      `.register(${JSON.stringify(JSON.stringify({ params: true, environment: true }))}, "{}")`
    );
    // The control comm opens with the current options.
    expect(kernel.sent).toEqual([
      { configure: { params: true, environment: true } }
    ]);
    expect(await session.arm('k2', 'fit()', { params: true })).toBe(true);
    expect(await session.arm('k3', 'fit()', { params: true })).toBe(true);
    expect(kernel.executed).toHaveLength(1);
    expect(kernel.sent).toHaveLength(1);
    // Settings changes and re-probe requests go on the control comm.
    session.configure({ params: false, environment: true });
    session.requestEnvironment();
    expect(kernel.sent.slice(1)).toEqual([
      { configure: { params: false, environment: true } },
      { environment: true }
    ]);
    expect(session.needsEnvironment).toBe(true);
  });

  it('should tell the kernel at its set-up which cells ran before, by In[] number', async () => {
    // Cells run, then one is tagged `experiment`: the kernel, set up only
    // now, takes those executions into its history with these cells.
    send('r1', 'load', 'data = load()', []);
    context.iopubMessage.emit(input('r1', 'data = load()', 1));
    send('r2', 'params', 'lr = 0.1', ['parameters']);
    context.iopubMessage.emit(input('r2', 'lr = 0.1', 2));
    context.iopubMessage.emit(input('other', 'x = 1', 3)); // another client's
    await session.arm('k1', 'fit(data, lr)', {});
    const code = kernel.executed[0].code;
    const cells = code
      .slice(code.indexOf('.register('))
      .match(/, ("[^)]*")\)$/);
    expect(JSON.parse(JSON.parse(cells![1]))).toEqual({
      '1': ['load', null],
      '2': ['params', 'parameters']
    });
  });

  it('should say a kernel died when the server restarted it', async () => {
    const run = send('r1', 't', 'fit()', ['experiment'])!;
    context.iopubMessage.emit(input('r1', 'fit()', 1));
    // What KernelConnection does for a kernel the server restarted: it
    // queues `autorestarting`, then emits `restarting`.
    const auto = Promise.resolve().then(() =>
      context.statusChanged.emit('autorestarting')
    );
    context.statusChanged.emit('restarting');
    await auto;
    await Promise.resolve();
    expect(lost).toEqual([
      [
        [run],
        {
          ename: 'KernelDied',
          evalue: 'The kernel died during the run (and was restarted).'
        }
      ]
    ]);
  });

  it('should set the kernel side up again after a restart', async () => {
    await session.arm('k1', 'fit()', {});
    session.environmentStored();
    context.statusChanged.emit('restarting');
    await Promise.resolve();
    expect(session.needsEnvironment).toBe(true);
    await session.arm('k2', 'fit()', {});
    expect(kernel.executed).toHaveLength(2);
  });

  it('should keep arming by request while the kernel cannot', async () => {
    kernel.requestExecute = (content: { code: string; silent: boolean }) => {
      kernel.executed.push(content);
      return { done: Promise.resolve({ content: { status: 'error' } }) };
    };
    expect(await session.arm('k1', 'fit()', {})).toBe(false);
    expect(await session.arm('k2', 'fit()', {})).toBe(false);
    expect(kernel.executed).toHaveLength(2);
  });

  it('should set up early once per kernel that cannot import it, and keep trying one that failed otherwise', async () => {
    let reply: {
      status: string;
      ename?: string;
      evalue?: string;
      traceback?: string[];
    } = {
      status: 'error',
      ename: 'KeyboardInterrupt',
      evalue: '',
      traceback: []
    };
    kernel.requestExecute = (content: { code: string; silent: boolean }) => {
      kernel.executed.push(content);
      return { done: Promise.resolve({ content: reply }) };
    };
    // An interrupt is not taken for good: asked again.
    expect(await session.setUp()).toBe(false);
    expect(await session.setUp()).toBe(false);
    expect(kernel.executed).toHaveLength(2);
    // Not importable: asked once, not again before each cell run.
    reply = {
      status: 'error',
      ename: 'ModuleNotFoundError',
      evalue: "No module named 'jupyterlab_runs'",
      traceback: []
    };
    expect(await session.setUp()).toBe(false);
    expect(await session.setUp()).toBe(false);
    expect(kernel.executed).toHaveLength(3);
    expect(session.isSetUp).toBe(false);
    // A tagged cell still asks (the package may have been installed since).
    reply = { status: 'ok' };
    expect(await session.arm('k1', 'fit()', {})).toBe(true);
    expect(kernel.executed).toHaveLength(4);
    expect(session.isSetUp).toBe(true);
  });

  const snapshot = (data: Record<string, string>) =>
    kernel.commTargets.get('jupyterlab-runs')!({}, { content: { data } });

  /**
   * A run of cell `t` (`fit()`), scheduled, and started under `request` when
   * given; with the promise of its kernel snapshot.
   */
  function fitRun(request: string) {
    const run = send(request, 't', 'fit()', ['experiment'])!;
    context.iopubMessage.emit(input(request, 'fit()', 1));
    return { run, waiting: run.waitForSnapshot(1000) };
  }

  it('should hand a snapshot to the run of its request (armed by the kernel)', async () => {
    const { waiting } = fitRun('req-1');
    snapshot({
      key: '',
      request: 'req-1',
      json: JSON.stringify({ v: 1, params: { lr: 1 } })
    });
    expect((await waiting)?.params).toEqual({ lr: 1 });
  });

  it('should take a snapshot from its cell’s execute reply, and nothing else there', async () => {
    const { waiting } = fitRun('req-r');
    const reply = (request: string, payload: unknown[]) =>
      kernel.anyMessage.emit({
        direction: 'recv',
        msg: {
          header: { msg_type: 'execute_reply' },
          parent_header: { msg_id: request },
          content: { status: 'ok', execution_count: 1, payload }
        }
      });
    reply('req-r', [
      { source: 'page', data: { 'text/plain': 'help' }, start: 0 },
      { source: 'set_next_input', text: 'x' }
    ]);
    let settled = false;
    void waiting.then(() => (settled = true));
    await Promise.resolve();
    expect(settled).toBe(false);
    reply('req-r', [
      {
        source: 'jupyterlab_runs.snapshot',
        key: '',
        request: 'req-r',
        json: JSON.stringify({ v: 1, params: { lr: 7 } })
      }
    ]);
    expect((await waiting)?.params).toEqual({ lr: 7 });
  });

  it('should ask the kernel for snapshots in execute replies', () => {
    expect(kernelOptions(DEFAULT_CAPTURE_SETTINGS, false)).toMatchObject({
      reply_snapshots: true
    });
  });

  it('should open its control comm off kernel subshells, and close it when done', async () => {
    await session.arm('k1', 'fit()', {});
    const [control] = kernel.comms;
    expect(control.target).toBe('jupyterlab-runs-control');
    // JupyterLab would open a kernel subshell for it (a create and a delete
    // round trip, with busy/idle status) unless told not to before open.
    expect(control.openedWith).toBe('disabled');
    session.dispose();
    expect(control.closed).toBe(true);
  });

  it('should take snapshots sent on any control comm, its own or an earlier page’s', async () => {
    const { waiting } = fitRun('req-2');
    const onComm = (commId: string, request: string, lr: number) =>
      context.iopubMessage.emit({
        header: { msg_type: 'comm_msg' },
        parent_header: { msg_id: request },
        content: {
          comm_id: commId,
          data: {
            snapshot: {
              key: '',
              request,
              json: JSON.stringify({ v: 1, params: { lr } })
            }
          }
        }
      });
    onComm('another-page', 'someone-elses-request', 9);
    onComm('comm-of-a-page-before-reload', 'req-2', 3);
    expect((await waiting)?.params).toEqual({ lr: 3 });
  });

  it("should keep a parameters cell's values with its place in the history", () => {
    send('req-p', 'p', 'lr = 0.1', ['parameters']);
    context.iopubMessage.emit(input('req-p', 'lr = 0.1', 1));
    snapshot({ key: '', request: 'someone-else', json: '{"params":{"lr":9}}' });
    expect(session.parameters).toBeNull();
    snapshot({ key: '', request: 'req-p', json: '{"params":{"lr":0.1}}' });
    expect(session.parameters).toEqual({
      params: { lr: 0.1 },
      index: 0,
      executionCount: 1
    });
  });

  it('should tell when the sweep moved on from the parameters a run ran with', () => {
    send('req-p', 'p', 'lr = 0.1', ['parameters']);
    context.iopubMessage.emit(input('req-p', 'lr = 0.1', 1));
    snapshot({ key: '', request: 'req-p', json: '{"params":{"lr":0.1}}' });
    send('req-e', 'e', 'fit(lr)', ['experiment']);
    context.iopubMessage.emit(input('req-e', 'fit(lr)', 2));
    expect(session.parametersRunBefore(1)).toEqual({
      params: { lr: 0.1 },
      executionCount: 1,
      superseded: false
    });
    // The user edits the parameters cell and queues it again (a burst):
    // the values the run has are now the sweep's past, not a stale edit.
    send('req-p2', 'p', 'lr = 0.2', ['parameters']);
    expect(session.parametersRunBefore(1)?.superseded).toBe(true);
    expect(session.parametersBefore(0)).toBeNull();
  });

  it('should keep the places of runs and parameters past the executions it forgets', () => {
    // A long session: the page keeps the latest 5,000 executions. A run's
    // place, and the parameters execution's, count from the kernel's
    // start, so they stay right when the front of the history is cut.
    for (let i = 1; i <= 4999; i++) {
      context.iopubMessage.emit(input(`other-${i}`, `x = ${i}`, i));
    }
    send('req-p', 'p', 'lr = 0.1', ['parameters']);
    context.iopubMessage.emit(input('req-p', 'lr = 0.1', 5000));
    snapshot({ key: '', request: 'req-p', json: '{"params":{"lr":0.1}}' });
    expect(session.parameters?.index).toBe(4999);
    for (let i = 5001; i <= 5003; i++) {
      context.iopubMessage.emit(input(`more-${i}`, `y = ${i}`, i));
    }
    expect(session.history).toHaveLength(5000);
    // In[5003] is place 5002 (In[1]..In[3] forgotten)
    expect(session.parametersRunBefore(5002)).toEqual({
      params: { lr: 0.1 },
      executionCount: 5000,
      superseded: false
    });
    expect(session.parametersRunBefore(4999)).toBeNull();
    // What In[5003] may have read: the kept executions before it, the last
    // In[5002] (counted in the kept list, it ended with the run itself).
    const before = session.historyBefore(5002);
    expect(before).toHaveLength(4999);
    expect(before[before.length - 1].executionCount).toBe(5002);
    expect(before[0].executionCount).toBe(4);
    expect(session.historyBefore(2)).toEqual([]);
    // The parameters cell run again past the cut: superseded.
    send('req-p2', 'p', 'lr = 0.2', ['parameters']);
    context.iopubMessage.emit(input('req-p2', 'lr = 0.2', 5004));
    expect(session.parametersRunBefore(5002)?.superseded).toBe(true);
  });

  it('should ignore unreadable snapshots', () => {
    const warn = jest
      .spyOn(console, 'warn')
      .mockImplementation(() => undefined);
    snapshot({ key: 'x', request: 'y', json: '{not json' });
    expect(warn).toHaveBeenCalled();
    warn.mockRestore();
  });
});
