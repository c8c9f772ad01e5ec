/**
 * Everything capture needs to know about one notebook's kernel session, read
 * from the kernel's own messages:
 *
 * - which code the kernel actually started, when, and for which cell
 *   (IOPub `execute_input`, matched to the cells the notebook scheduled), so
 *   a run's lineage is what ran, not what the notebook shows now;
 * - the log messages of `import jupyterlab_runs` calls (IOPub display data of
 *   our MIME type), routed to the run of the execution that sent them;
 * - the snapshots the kernel sends when an armed experiment or parameters
 *   cell ends (see jupyterlab_runs/_capture.py), named by the cell's execute
 *   request: messages on a control comm (this page's or one an earlier page
 *   opened: read on IOPub whatever the comm), or, before any is open, comms
 *   of their own (target `jupyterlab-runs`);
 * - restarts and deaths, which end every run in flight.
 *
 * Silent executions are not broadcast, so the extension's own requests never
 * show up in the history.
 */
import type { ICellModel } from '@jupyterlab/cells';
import type { NotebookPanel } from '@jupyterlab/notebook';
import type {
  CommsOverSubshells,
  Kernel,
  KernelMessage
} from '@jupyterlab/services';
import type { JSONObject } from '@lumino/coreutils';
import type { IDisposable } from '@lumino/disposable';
import { Signal } from '@lumino/signaling';
import type { IExecutedCode } from '../core/capture/lineage';
import { LOG_MIME_TYPE } from '../core/capture/logStream';
import type { ActiveRun, IKernelSnapshot } from './activeRun';

/** One execution the kernel started since it (re)started. */
export interface IHistoryEntry extends IExecutedCode {
  requestId: string;
  startedAt: number;
}

/** Cells scheduled but not yet started, in order. */
interface IScheduled {
  cellModel: ICellModel;
  code: string;
  run: ActiveRun | null;
  /** The key of a kernel snapshot of a `parameters` cell. */
  parametersKey: string | null;
}

export const COMM_TARGET = 'jupyterlab-runs';
/** The comm the frontend arms captures on (jupyterlab_runs._capture.register). */
export const CONTROL_TARGET = 'jupyterlab-runs-control';
/** Executions kept per kernel session; lineage never needs more. */
const MAX_HISTORY = 5000;
/** Parameters cells awaiting their snapshot, at most. */
const MAX_PENDING_PARAMETERS = 16;

export interface ISessionCallbacks {
  started(run: ActiveRun): void;
  logged(run: ActiveRun): void;
  /** The kernel restarted or died with these runs in flight. */
  lost(runs: ActiveRun[], reason: string): void;
  /**
   * The kernel was seen idle (first time for this page, or after a restart):
   * nothing was executing at `at` (epoch ms).
   */
  idle(at: number): void;
}

export class NotebookSession implements IDisposable {
  constructor(panel: NotebookPanel, callbacks: ISessionCallbacks) {
    this._panel = panel;
    this._callbacks = callbacks;
    const context = panel.sessionContext;
    context.iopubMessage.connect(this._onIOPub, this);
    context.statusChanged.connect(this._onStatus, this);
    context.kernelChanged.connect(this._onKernelChanged, this);
    this._registerComm(context.session?.kernel ?? null);
    if (context.session?.kernel?.status === 'idle') {
      this._seenIdle = true;
      const at = Date.now();
      queueMicrotask(() => this._callbacks.idle(at));
    }
  }

  get panel(): NotebookPanel {
    return this._panel;
  }

  /** Executions since the kernel (re)started, in order. */
  get history(): readonly IHistoryEntry[] {
    return this._history;
  }

  /** Whether the kernel ran code before this page started listening. */
  get unknownHistory(): boolean {
    return this._unknownHistory;
  }

  /**
   * Whether a run armed by this page should probe the environment: until
   * one was stored for this kernel session. (Runs the kernel arms itself
   * probe when the kernel sees that packages or git may have changed.)
   */
  get needsEnvironment(): boolean {
    return this._needsEnvironment;
  }

  /** An environment was stored for this kernel session. */
  environmentStored(): void {
    this._needsEnvironment = false;
  }

  /** Ask for a new environment probe with the next run (e.g. after a failed write). */
  requestEnvironment(): void {
    this._needsEnvironment = true;
    if (this._controlOpen()) {
      this._control!.send({ environment: true });
    }
  }

  /**
   * The snapshot options of the cells the kernel arms itself (sent now if
   * the kernel side is set up, else with the next arming request).
   */
  configure(options: JSONObject): void {
    this._config = options;
    if (this._controlOpen()) {
      this._control!.send({ configure: options });
    }
  }

  /** The latest `parameters` cell snapshot, with its history position. */
  get parameters(): { params: Record<string, unknown>; index: number } | null {
    return this._parameters;
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /** Record that the notebook is sending this cell to the kernel. */
  schedule(
    cellModel: ICellModel,
    code: string,
    run: ActiveRun | null,
    parametersKey: string | null = null
  ): void {
    this._scheduled.push({ cellModel, code, run, parametersKey });
    if (run) {
      this._runsByKey.set(run.id, run);
    }
  }

  /**
   * Make sure the kernel snapshots the next execution of `code`, a cell
   * tagged `experiment` or `parameters`. Once the kernel side is set up it
   * arms such cells itself from the tags JupyterLab sends with each execute
   * request, so this sends nothing. Until then it arms the cell with a
   * silent request (sent before the cell's own, so the kernel sees it
   * first) that also sets the kernel side up with the options of
   * `configure`. Resolves to whether the kernel can (jupyterlab_runs
   * importable there).
   */
  arm(key: string, code: string, options: object): Promise<boolean> {
    const kernel = this._panel.sessionContext.session?.kernel;
    if (!kernel) {
      return Promise.resolve(false);
    }
    if (this._controlOpen()) {
      return Promise.resolve(true);
    }
    const module = "__import__('jupyterlab_runs._capture', fromlist=['_'])";
    const json = (value: unknown) => JSON.stringify(JSON.stringify(value));
    const call =
      `${module}.arm(${JSON.stringify(key)}, ${JSON.stringify(code)}, ` +
      `${json(options)}) and ${module}.register(${json(this._config)})`;
    const future = kernel.requestExecute(
      { code: call, silent: true, store_history: false, allow_stdin: false },
      true
    );
    return future.done.then(
      reply => {
        const ok = reply.content.status === 'ok';
        if (ok && this._controlKernel !== kernel) {
          this._openControl(kernel);
        }
        return ok;
      },
      () => false
    );
  }

  /** Whether the kernel side is set up for the current kernel. */
  private _controlOpen(): boolean {
    const kernel = this._panel.sessionContext.session?.kernel;
    return (
      !!kernel &&
      this._controlKernel === kernel &&
      !!this._control &&
      !this._control.isDisposed
    );
  }

  private _openControl(kernel: Kernel.IKernelConnection): void {
    try {
      const control = kernel.createComm(CONTROL_TARGET);
      // JupyterLab 4.4+ would give this comm a kernel subshell (a thread)
      // of its own. It must stay on the main shell, in order with the cells
      // it configures. Set before the comm's first await, so no subshell is
      // ever requested.
      control.commsOverSubshells = 'disabled' as CommsOverSubshells;
      control.open();
      this._control = control;
      this._controlKernel = kernel;
      // Settings changed while the arming request was on its way.
      control.send({ configure: this._config });
    } catch (e) {
      console.warn('jupyterlab-runs: could not open the capture comm', e);
    }
  }

  /** Forget a run that will not be finalized through this session. */
  release(run: ActiveRun): void {
    this._runsByKey.delete(run.id);
    if (run.requestId) {
      this._runsByRequest.delete(run.requestId);
    }
    for (const [execId, other] of this._runsByExec) {
      if (other === run) {
        this._runsByExec.delete(execId);
      }
    }
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this._comm?.dispose();
    // The kernel may outlive this notebook view: let it forget the comm.
    if (this._controlOpen()) {
      try {
        this._control!.close();
      } catch {
        // The kernel connection is already gone.
      }
    }
    Signal.disconnectReceiver(this);
    const context = this._panel.sessionContext;
    context.iopubMessage.disconnect(this._onIOPub, this);
    context.statusChanged.disconnect(this._onStatus, this);
    context.kernelChanged.disconnect(this._onKernelChanged, this);
  }

  private _onIOPub(_: unknown, msg: KernelMessage.IMessage): void {
    const type = msg.header.msg_type;
    const parentId = (msg.parent_header as Partial<KernelMessage.IHeader>)
      .msg_id;
    if (type === 'execute_input') {
      this._onExecuteInput(
        parentId ?? '',
        msg.content as KernelMessage.IExecuteInputMsg['content']
      );
    } else if (type === 'display_data' || type === 'update_display_data') {
      const data = (msg.content as { data?: Record<string, unknown> }).data;
      const payload = data?.[LOG_MIME_TYPE];
      if (payload !== undefined) {
        this._onLog(parentId, payload);
      }
    } else if (type === 'comm_msg') {
      // A snapshot on the control comm of this page or of another (a page
      // reloaded before it opened its own): the kernel sends each once.
      const data = (msg.content as { data?: { snapshot?: unknown } }).data;
      if (data?.snapshot !== undefined) {
        this._receiveSnapshot(data.snapshot);
      }
    }
  }

  /**
   * Route a log message to its run. The first message of an execution comes
   * from the cell's own thread, under the cell's request; later ones may be
   * sent by the kernel-side flusher thread, which ipykernel does not always
   * publish under the cell's parent header. So the execution id (`exec_id`)
   * learnt from a message under the right parent routes all the others.
   */
  private _onLog(parentId: string | undefined, payload: unknown): void {
    const execId =
      typeof payload === 'object' && payload !== null
        ? (payload as { exec_id?: unknown }).exec_id
        : undefined;
    let run =
      typeof execId === 'string' ? this._runsByExec.get(execId) : undefined;
    if (!run && parentId) {
      run = this._runsByRequest.get(parentId);
      if (run && typeof execId === 'string') {
        this._runsByExec.set(execId, run);
      }
    }
    if (run && !run.finalized) {
      const t0 = performance.now();
      const applied = run.stream.apply(payload);
      run.spend('log', performance.now() - t0);
      if (applied) {
        this._callbacks.logged(run);
      }
    }
  }

  private _onExecuteInput(
    requestId: string,
    content: KernelMessage.IExecuteInputMsg['content']
  ): void {
    const count =
      typeof content.execution_count === 'number'
        ? content.execution_count
        : null;
    if (this._history.length === 0 && count !== null && count > 1) {
      this._unknownHistory = true;
    }
    // Cells scheduled before the match never started (aborted after an
    // error); the first cell with the same code is this one.
    const at = this._scheduled.findIndex(s => s.code === content.code);
    const scheduled = at >= 0 ? this._scheduled[at] : null;
    if (at >= 0) {
      this._scheduled.splice(0, at + 1);
    }
    const entry: IHistoryEntry = {
      requestId,
      cellId: scheduled ? scheduled.cellModel.id : null,
      code: content.code,
      executionCount: count,
      startedAt: Date.now()
    };
    this._history.push(entry);
    if (this._history.length > MAX_HISTORY) {
      this._history.splice(0, this._history.length - MAX_HISTORY);
      this._unknownHistory = true;
    }
    if (scheduled?.parametersKey) {
      this._parametersPending.set(requestId, {
        key: scheduled.parametersKey,
        index: this._history.length - 1
      });
      // A kernel that cannot snapshot never answers: keep the latest few.
      if (this._parametersPending.size > MAX_PENDING_PARAMETERS) {
        const oldest = this._parametersPending.keys().next().value!;
        this._parametersPending.delete(oldest);
      }
    }
    const run = scheduled?.run;
    if (run) {
      run.requestId = requestId;
      run.startedAt = entry.startedAt;
      run.executionCount = count;
      run.historyIndex = this._history.length - 1;
      this._runsByRequest.set(requestId, run);
      this._callbacks.started(run);
    }
  }

  /**
   * A kernel snapshot, named by the execute request of its cell (and by the
   * key this page armed it with, for cells armed by request).
   */
  private _onSnapshot(
    key: string,
    request: string,
    snapshot: IKernelSnapshot
  ): ActiveRun | null {
    const run =
      (key && this._runsByKey.get(key)) || this._runsByRequest.get(request);
    if (run) {
      run.setSnapshot(snapshot);
      return run;
    }
    let pending = this._parametersPending.get(request);
    if (!pending && key) {
      for (const [id, p] of this._parametersPending) {
        if (p.key === key) {
          pending = p;
          request = id;
        }
      }
    }
    if (pending) {
      this._parametersPending.delete(request);
      this._parameters = {
        params: snapshot.params ?? {},
        index: pending.index
      };
    }
    return null;
  }

  private _registerComm(kernel: Kernel.IKernelConnection | null): void {
    this._comm?.dispose();
    this._comm = null;
    if (!kernel) {
      return;
    }
    // Snapshots sent before this page opened its control comm.
    const onOpen = (_comm: Kernel.IComm, msg: KernelMessage.ICommOpenMsg) =>
      this._receiveSnapshot(msg.content.data);
    kernel.registerCommTarget(COMM_TARGET, onOpen);
    this._comm = {
      isDisposed: false,
      dispose() {
        kernel.removeCommTarget(COMM_TARGET, onOpen);
      }
    };
  }

  /** A snapshot message's data: `{key, request, json}`. */
  private _receiveSnapshot(data: unknown): void {
    const { key, request, json } = (data ?? {}) as Record<string, unknown>;
    if (typeof json !== 'string') {
      return;
    }
    try {
      const t0 = performance.now();
      const run = this._onSnapshot(
        typeof key === 'string' ? key : '',
        typeof request === 'string' ? request : '',
        JSON.parse(json) as IKernelSnapshot
      );
      run?.spend('snapshot', performance.now() - t0);
    } catch (e) {
      console.warn('jupyterlab-runs: unreadable kernel snapshot', e);
    }
  }

  private _onKernelChanged(): void {
    this._lose('The kernel was changed during the run.');
    this._registerComm(this._panel.sessionContext.session?.kernel ?? null);
  }

  private _onStatus(_: unknown, status: Kernel.Status): void {
    if (status === 'idle' && !this._seenIdle) {
      this._seenIdle = true;
      this._callbacks.idle(Date.now());
    }
    if (status === 'restarting' || status === 'autorestarting') {
      this._lose('The kernel restarted during the run.');
    } else if (status === 'dead') {
      this._lose('The kernel died during the run.');
    }
  }

  /** End every run in flight and start a fresh history. */
  private _lose(reason: string): void {
    // A restarted kernel forgot the comm target; set it up again.
    this._control = null;
    this._controlKernel = null;
    this._seenIdle = false;
    const inFlight = [...this._runsByKey.values()].filter(r => !r.finalized);
    this._history = [];
    this._scheduled = [];
    this._runsByKey.clear();
    this._runsByRequest.clear();
    this._runsByExec.clear();
    this._parameters = null;
    this._parametersPending.clear();
    this._unknownHistory = false;
    this._needsEnvironment = true;
    if (inFlight.length > 0) {
      this._callbacks.lost(inFlight, reason);
    }
  }

  private _panel: NotebookPanel;
  private _callbacks: ISessionCallbacks;
  private _history: IHistoryEntry[] = [];
  private _scheduled: IScheduled[] = [];
  private _runsByKey = new Map<string, ActiveRun>();
  private _runsByRequest = new Map<string, ActiveRun>();
  private _runsByExec = new Map<string, ActiveRun>();
  private _parameters: {
    params: Record<string, unknown>;
    index: number;
  } | null = null;
  /** Parameters cells started and awaiting their snapshot, by request id. */
  private _parametersPending = new Map<
    string,
    { key: string; index: number }
  >();
  private _unknownHistory = false;
  private _needsEnvironment = true;
  private _comm: IDisposable | null = null;
  private _control: Kernel.IComm | null = null;
  /** Snapshot options of the cells the kernel arms itself. */
  private _config: JSONObject = {};
  private _controlKernel: Kernel.IKernelConnection | null = null;
  private _seenIdle = false;
  private _isDisposed = false;
}
