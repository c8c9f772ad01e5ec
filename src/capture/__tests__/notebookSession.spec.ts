import type { ICellModel } from '@jupyterlab/cells';
import type { NotebookPanel } from '@jupyterlab/notebook';
import { Signal } from '@lumino/signaling';
import { ActiveRun } from '../activeRun';
import { NotebookSession } from '../notebookSession';

const LOG = 'application/vnd.jupyterlab-runs.log+json';

/** The slice of a kernel the session uses, recording what it was sent. */
class FakeKernel {
  status = 'idle';
  executed: { code: string; silent: boolean }[] = [];
  sent: unknown[] = [];
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
    session: { kernel }
  };
  return {
    panel: { sessionContext: context } as unknown as NotebookPanel,
    context
  };
}

const cell = (id: string) => ({ id }) as unknown as ICellModel;

function input(requestId: string, code: string, count: number) {
  return {
    header: { msg_type: 'execute_input' },
    parent_header: { msg_id: requestId },
    content: { code, execution_count: count }
  };
}

describe('NotebookSession', () => {
  let kernel: FakeKernel;
  let context: ReturnType<typeof makePanel>['context'];
  let session: NotebookSession;
  let started: ActiveRun[];
  let logged: ActiveRun[];
  let lost: [ActiveRun[], string][];

  beforeEach(() => {
    kernel = new FakeKernel();
    const made = makePanel(kernel);
    context = made.context;
    started = [];
    logged = [];
    lost = [];
    session = new NotebookSession(made.panel, {
      started: run => started.push(run),
      logged: run => logged.push(run),
      lost: (runs, reason) => lost.push([runs, reason]),
      idle: () => undefined
    });
  });

  afterEach(() => session.dispose());

  it('should tie executions to the cells that scheduled them, in order', () => {
    const run = new ActiveRun(
      '01JDQ6Z0000000000000000000',
      cell('t'),
      't',
      'train()',
      'exp'
    );
    session.schedule(cell('a'), 'a = 1', null);
    session.schedule(cell('t'), 'train()', run);
    context.iopubMessage.emit(input('r1', 'a = 1', 1));
    context.iopubMessage.emit(input('r2', 'train()', 2));
    expect(session.history.map(e => [e.cellId, e.executionCount])).toEqual([
      ['a', 1],
      ['t', 2]
    ]);
    expect(started).toEqual([run]);
    expect(run.requestId).toBe('r2');
    expect(run.historyIndex).toBe(1);
  });

  it('should skip scheduled cells that never started and mark code from elsewhere', () => {
    session.schedule(cell('x'), 'boom()', null);
    session.schedule(cell('y'), 'never()', null);
    session.schedule(cell('z'), 'z = 3', null);
    context.iopubMessage.emit(input('r1', 'boom()', 1));
    // boom() failed: never() was aborted; the next thing that runs is z.
    context.iopubMessage.emit(input('r3', 'z = 3', 2));
    context.iopubMessage.emit(input('r4', 'from_console = 1', 3));
    expect(session.history.map(e => e.cellId)).toEqual(['x', 'z', null]);
    // The aborted entry is gone: the same code scheduled later from another
    // cell belongs to that cell.
    session.schedule(cell('w'), 'never()', null);
    context.iopubMessage.emit(input('r5', 'never()', 4));
    expect(session.history[3].cellId).toBe('w');
  });

  it('should route log messages to the run of their request only', () => {
    const run = new ActiveRun(
      '01JDQ6Z0000000000000000000',
      cell('t'),
      't',
      'fit()',
      'exp'
    );
    session.schedule(cell('t'), 'fit()', run);
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
    const run = new ActiveRun(
      '01JDQ6Z0000000000000000000',
      cell('t'),
      't',
      'fit()',
      'exp'
    );
    session.schedule(cell('t'), 'fit()', run);
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

  it('should end runs in flight and forget history when the kernel restarts', () => {
    const run = new ActiveRun(
      '01JDQ6Z0000000000000000000',
      cell('t'),
      't',
      'fit()',
      'exp'
    );
    session.schedule(cell('t'), 'fit()', run);
    context.iopubMessage.emit(input('r1', 'fit()', 1));
    context.statusChanged.emit('restarting');
    expect(lost).toEqual([[[run], 'The kernel restarted during the run.']]);
    expect(session.history).toEqual([]);
    expect(session.needsEnvironment).toBe(true);
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
      `.register(${JSON.stringify(JSON.stringify({ params: true, environment: true }))})`
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

  it('should set the kernel side up again after a restart', async () => {
    await session.arm('k1', 'fit()', {});
    session.environmentStored();
    context.statusChanged.emit('restarting');
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

  const snapshot = (data: Record<string, string>) =>
    kernel.commTargets.get('jupyterlab-runs')!({}, { content: { data } });

  /**
   * A run of cell `t` (`fit()`), scheduled, and started under `request` when
   * given; with the promise of its kernel snapshot.
   */
  function fitRun(id: string, request?: string) {
    const run = new ActiveRun(id, cell('t'), 't', 'fit()', 'exp');
    session.schedule(cell('t'), 'fit()', run);
    if (request) {
      context.iopubMessage.emit(input(request, 'fit()', 1));
    }
    return { run, waiting: run.waitForSnapshot(1000) };
  }

  it('should hand a snapshot to the run of its request (armed by the kernel)', async () => {
    const { waiting } = fitRun('01JDQ6Z0000000000000000000', 'req-1');
    snapshot({
      key: '',
      request: 'req-1',
      json: JSON.stringify({ v: 1, params: { lr: 1 } })
    });
    expect((await waiting)?.params).toEqual({ lr: 1 });
  });

  it('should hand a snapshot armed by request to its run by key', async () => {
    const { run, waiting } = fitRun('01JDQ6Z0000000000000000001');
    snapshot({
      key: run.id,
      json: JSON.stringify({ v: 1, params: { lr: 2 } })
    });
    expect((await waiting)?.params).toEqual({ lr: 2 });
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
    const { waiting } = fitRun('01JDQ6Z0000000000000000002', 'req-2');
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
    session.schedule(cell('p'), 'lr = 0.1', null, 'parameters-1');
    context.iopubMessage.emit(input('req-p', 'lr = 0.1', 1));
    snapshot({ key: '', request: 'someone-else', json: '{"params":{"lr":9}}' });
    expect(session.parameters).toBeNull();
    snapshot({ key: '', request: 'req-p', json: '{"params":{"lr":0.1}}' });
    expect(session.parameters).toEqual({ params: { lr: 0.1 }, index: 0 });
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
