/**
 * Everything capture needs to know about one notebook's kernel session, read
 * from the kernel's own messages:
 *
 * - which execute requests this page sent, read from the messages as they go
 *   out (`kernel.anyMessage`): the cell id and tags JupyterLab puts in their
 *   metadata, the code, the request id and date (from which the run id is
 *   derived). Everything else is tied to a request by its IOPub parent, never
 *   by matching code: two executions of one cell, aborted cells and a queued
 *   burst cannot be confused;
 * - which code the kernel actually started, and when (IOPub
 *   `execute_input`), so a run's lineage is what ran, not what the notebook
 *   shows now;
 * - each execution's outputs and error, and its end: the idle status under
 *   its request, after which no output of it can come (a watchdog ends runs
 *   whose idle was lost);
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
  /** Sent from a cell tagged `parameters` (this page's requests only). */
  parameters?: boolean;
}

/**
 * An execute request this page sent, read from the message itself as it
 * went out (`kernel.anyMessage`): which cell (JupyterLab puts `cellId` and
 * the cell's tags in its metadata), which code, when.
 */
export interface IExecuteRequest {
  msgId: string;
  /** The request header's date (epoch ms). */
  dateMs: number;
  cellId: string | null;
  code: string;
  tags: unknown[];
}

export const COMM_TARGET = 'jupyterlab-runs';
/** The comm the frontend arms captures on (jupyterlab_runs._capture.register). */
export const CONTROL_TARGET = 'jupyterlab-runs-control';
/** The source of an execute reply's payload holding a snapshot. */
export const REPLY_SNAPSHOT = 'jupyterlab_runs.snapshot';

/**
 * The snapshots an execute reply's content carries (`{key, request,
 * json}` payloads), for a page that asked for them (`reply_snapshots`):
 * an experiment cell's, which only its own run reads. A `parameters`
 * cell's snapshot stays on IOPub, in order with the executions after it
 * that take its values: a reply comes on another channel, and JupyterLab
 * hands it out as it arrives, ahead of IOPub messages sent before it
 * (the sweep's runs took the previous parameters).
 */
export function replySnapshots(content: object): object[] {
  const payload = (content as { payload?: unknown }).payload;
  return Array.isArray(payload)
    ? payload.filter(
        (item): item is object =>
          typeof item === 'object' &&
          item !== null &&
          (item as { source?: unknown }).source === REPLY_SNAPSHOT
      )
    : [];
}

/** Executions kept per kernel session; lineage never needs more. */
const MAX_HISTORY = 5000;
/** Requests awaiting their end, at most (older ones were lost with a connection). */
const MAX_REQUESTS = 1000;
/**
 * How long the kernel must stay idle before a run whose end was never seen
 * (its idle status lost, e.g. with a dropped connection) is ended anyway.
 */
const WATCHDOG_MS = 3000;

/** Why runs in flight ended without their end: the error they record. */
export interface ILostReason {
  ename: 'KernelRestart' | 'KernelDied' | 'KernelChanged';
  evalue: string;
}

export interface ISessionCallbacks {
  /**
   * This page sent an execute request: the run to record for it, if its
   * cell is an experiment.
   */
  requested(request: IExecuteRequest): ActiveRun | null;
  started(run: ActiveRun): void;
  logged(run: ActiveRun): void;
  /**
   * The kernel finished the run's execution (its idle status arrived, so
   * every output has), or the kernel went quiet without that status
   * (`run.endUnseen` says why). A run that never started (`startedAt` null)
   * was aborted: nothing ran.
   */
  ended(run: ActiveRun): void;
  /**
   * The kernel restarted or died with these runs requested (those that
   * never started were cancelled with the queue).
   */
  lost(runs: ActiveRun[], reason: ILostReason): void;
  /**
   * The notebook's view closed with these runs requested and not ended:
   * the kernel (`kernelId`, null if not known) goes on with them unless it
   * was shut down with the view, and its journal has them whole. Not an
   * end: the page stopped watching.
   */
  closed(runs: ActiveRun[], kernelId: string | null): void;
  /**
   * The kernel was seen idle (first time for this page, after a restart, or
   * after running code this page did not send): nothing was executing at
   * `at` (epoch ms). `foreign` counts executions started by others since
   * the last call (another tab, or requests sent before a reload).
   */
  idle(at: number, foreign: number): void;
}

export class NotebookSession implements IDisposable {
  constructor(panel: NotebookPanel, callbacks: ISessionCallbacks) {
    this._panel = panel;
    this._callbacks = callbacks;
    const context = panel.sessionContext;
    context.iopubMessage.connect(this._onIOPub, this);
    context.statusChanged.connect(this._onStatus, this);
    context.kernelChanged.connect(this._onKernelChanged, this);
    this._follow(context.session?.kernel ?? null);
    if (context.session?.kernel?.status === 'idle') {
      this._seenIdle = true;
      const at = Date.now();
      queueMicrotask(() => this._callbacks.idle(at, 0));
    }
  }

  get panel(): NotebookPanel {
    return this._panel;
  }

  /**
   * Executions since the kernel (re)started, in order: the latest
   * `MAX_HISTORY` of them (`historyBefore` takes a run's place).
   */
  get history(): readonly IHistoryEntry[] {
    return this._history;
  }

  /**
   * The kept executions before a place in the history (`historyIndex`: a
   * count of executions since the kernel started, which stays valid when
   * older ones are forgotten).
   */
  historyBefore(historyIndex: number): readonly IHistoryEntry[] {
    return this._history.slice(
      0,
      Math.max(0, historyIndex - this._historyDropped)
    );
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

  /**
   * The `parameters` cell's values a run ran with: the latest snapshot if
   * it was taken before the run's place in the history, else null.
   */
  parametersBefore(historyIndex: number): Record<string, unknown> | null {
    return this.parametersRunBefore(historyIndex)?.params ?? null;
  }

  /**
   * The same, with the In[] number of the `parameters` cell's execution
   * they come from, and whether the sweep has moved on from it: the cell
   * was run again since, or is queued to (provenance then takes that
   * execution's values as the run's own, `describeRun`).
   */
  parametersRunBefore(historyIndex: number): {
    params: Record<string, unknown>;
    executionCount: number | null;
    superseded: boolean;
  } | null {
    const given = this._parameters;
    if (!given || given.index >= historyIndex) {
      return null;
    }
    const at = given.index - this._historyDropped;
    const own = this._history[at]?.requestId;
    const superseded =
      this._history.slice(Math.max(0, at + 1)).some(h => h.parameters) ||
      [...this._requests.values()].some(
        r => r.msgId !== own && r.tags.includes('parameters')
      );
    return {
      params: given.params,
      executionCount: given.executionCount,
      superseded
    };
  }

  /** Runs started and not yet ended. */
  get inFlight(): ActiveRun[] {
    return [...this._runsByRequest.values()].filter(
      r => r.startedAt !== null && !r.finalized
    );
  }

  /** Whether runs this page requested have not ended (started or queued). */
  get hasUnfinished(): boolean {
    return this._unfinished().length > 0;
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /**
   * Make sure the kernel snapshots the next execution of `code`, a cell
   * tagged `experiment` or `parameters`. Once the kernel side is set up it
   * arms such cells itself from the tags JupyterLab sends with each execute
   * request, so this sends nothing. Until then it arms the cell with a
   * silent request (sent before the cell's own, so the kernel sees it
   * first) that also sets the kernel side up with the options of
   * `configure`. Resolves to whether the kernel can (jupyterlab_runs
   * importable there); runs requested after this call wait for it.
   */
  arm(key: string | null, code: string, options: object): Promise<boolean> {
    const kernel = this._panel.sessionContext.session?.kernel;
    if (!kernel) {
      return Promise.resolve(false);
    }
    if (this._controlOpen()) {
      return Promise.resolve(true);
    }
    if (this._arming === kernel) {
      // Already on its way, ahead of this cell's request: once it ran, the
      // kernel arms tagged cells itself (a queued burst sends one, not 50).
      return this._armed;
    }
    const module = "__import__('jupyterlab_runs._capture', fromlist=['_'])";
    const json = (value: unknown) => JSON.stringify(JSON.stringify(value));
    const register = `${module}.register(${json(this._config)}, ${json(this._seenCells())})`;
    const call =
      key === null
        ? register
        : `${module}.arm(${JSON.stringify(key)}, ${JSON.stringify(code)}, ` +
          `${json(options)}) and ${register}`;
    const future = kernel.requestExecute(
      { code: call, silent: true, store_history: false, allow_stdin: false },
      true
    );
    this._arming = kernel;
    this._armed = future.done.then(
      reply => {
        this._arming = null;
        const ok = reply.content.status === 'ok';
        this._importFailed =
          reply.content.status === 'error' &&
          /^(ModuleNotFoundError|ImportError)$/.test(reply.content.ename);
        if (ok && this._controlKernel !== kernel) {
          this._openControl(kernel);
        }
        return ok;
      },
      () => {
        this._arming = null;
        return false;
      }
    );
    return this._armed;
  }

  /**
   * The cells of the executions this page saw, by In[] number, for the
   * kernel's first set-up (`register`): it takes the executions that ran
   * before it into its history (a cell tagged `experiment` after others
   * ran), with these ids, as if it had seen them.
   */
  private _seenCells(): Record<string, [string, 'parameters' | null]> {
    const cells: Record<string, [string, 'parameters' | null]> = {};
    for (const entry of this._history) {
      if (entry.executionCount !== null && entry.cellId !== null) {
        cells[entry.executionCount] = [
          entry.cellId,
          entry.parameters ? 'parameters' : null
        ];
      }
    }
    return cells;
  }

  /**
   * Set the kernel side up now, before any cell runs (a notebook with
   * experiment cells, its kernel idle): from then on the kernel records
   * every execution for the slicer, so a run's lineage is complete.
   */
  setUp(): Promise<boolean> {
    const kernel = this._panel.sessionContext.session?.kernel ?? null;
    if (kernel !== null && this._setUpFailed === kernel) {
      // Not importable there (asked once per kernel): a tagged cell still
      // tries (`arm`), and its run says why it has no snapshot.
      return Promise.resolve(false);
    }
    return this.arm(null, '', {}).then(ok => {
      if (!ok && kernel !== null && this._importFailed) {
        this._setUpFailed = kernel;
      }
      return ok;
    });
  }

  /** Whether the kernel side is set up for the current kernel. */
  get isSetUp(): boolean {
    return this._controlOpen();
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
    // Disposed with its view, maybe before the view's session context (the
    // order depends on how the view closed): runs in flight go to the
    // journal either way.
    this._handOver(this._kernel?.id ?? null);
    this._follow(null);
    clearTimeout(this._watchdog);
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

  /**
   * Follow a kernel connection: its outgoing execute requests (which cell,
   * which tags) and the snapshot comms it receives.
   */
  private _follow(kernel: Kernel.IKernelConnection | null): void {
    this._comm?.dispose();
    this._comm = null;
    if (this._kernel) {
      this._kernel.anyMessage.disconnect(this._onAnyMessage, this);
    }
    this._kernel = kernel;
    if (!kernel) {
      return;
    }
    kernel.anyMessage.connect(this._onAnyMessage, this);
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

  /**
   * An execute request on its way out (the exact cell, code and tags), or
   * the reply to one of this page's (the snapshot, `REPLY_SNAPSHOT`).
   */
  private _onAnyMessage(
    _: unknown,
    args: { msg: KernelMessage.IMessage; direction: 'send' | 'recv' }
  ): void {
    const { msg, direction } = args;
    if (direction === 'recv') {
      if (msg.header.msg_type === 'execute_reply') {
        this._onReply(msg as KernelMessage.IExecuteReplyMsg);
      }
      return;
    }
    if (msg.header.msg_type !== 'execute_request') {
      return;
    }
    const content = msg.content as KernelMessage.IExecuteRequestMsg['content'];
    if (content.silent) {
      return;
    }
    const metadata = (msg.metadata ?? {}) as {
      cellId?: unknown;
      tags?: unknown;
    };
    const parsed = Date.parse(msg.header.date);
    const request: IExecuteRequest = {
      msgId: msg.header.msg_id,
      dateMs: Number.isFinite(parsed) ? parsed : Date.now(),
      cellId: typeof metadata.cellId === 'string' ? metadata.cellId : null,
      code: content.code,
      tags: Array.isArray(metadata.tags) ? metadata.tags : []
    };
    this._requests.set(request.msgId, request);
    if (this._requests.size > MAX_REQUESTS) {
      this._requests.delete(this._requests.keys().next().value!);
    }
    const run = this._callbacks.requested(request);
    if (run) {
      run.requestId = request.msgId;
      run.armed = this._controlOpen() ? Promise.resolve(true) : this._armed;
      this._runsByRequest.set(request.msgId, run);
    }
  }

  private _onIOPub(_: unknown, msg: KernelMessage.IMessage): void {
    const type = msg.header.msg_type;
    const parentId =
      (msg.parent_header as Partial<KernelMessage.IHeader>).msg_id ?? '';
    if (type === 'execute_input') {
      this._onExecuteInput(
        parentId,
        msg.content as KernelMessage.IExecuteInputMsg['content']
      );
      return;
    }
    if (type === 'status') {
      const state = (msg.content as { execution_state?: string })
        .execution_state;
      if (state === 'idle' && this._requests.has(parentId)) {
        this._onRequestIdle(parentId);
      }
      return;
    }
    if (type === 'comm_msg') {
      // A snapshot on the control comm of this page or of another (a page
      // reloaded before it opened its own): the kernel sends each once.
      const data = (msg.content as { data?: { snapshot?: unknown } }).data;
      if (data?.snapshot !== undefined) {
        this._receiveSnapshot(data.snapshot);
      }
      return;
    }
    if (type === 'display_data' || type === 'update_display_data') {
      const data = (msg.content as { data?: Record<string, unknown> }).data;
      const payload = data?.[LOG_MIME_TYPE];
      if (payload !== undefined) {
        this._onLog(parentId, payload);
      }
    }
    const run = this._runsByRequest.get(parentId);
    if (
      run &&
      !run.finalized &&
      run.outputs.add(msg as KernelMessage.IIOPubMessage)
    ) {
      if (type === 'error') {
        const c = msg.content as KernelMessage.IErrorMsg['content'];
        run.error = {
          ename: c.ename,
          evalue: c.evalue,
          traceback: c.traceback
        };
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
    const request = this._requests.get(requestId);
    if (!request) {
      // Another tab's cell, or one sent before this page was loaded: the
      // kernel's journal records it if it is an experiment.
      this._foreign++;
    }
    const entry: IHistoryEntry = {
      requestId,
      cellId: request?.cellId ?? null,
      code: content.code,
      executionCount: count,
      startedAt: Date.now(),
      parameters: request?.tags.includes('parameters') ?? false
    };
    this._history.push(entry);
    if (this._history.length > MAX_HISTORY) {
      const dropped = this._history.length - MAX_HISTORY;
      this._history.splice(0, dropped);
      this._historyDropped += dropped;
      this._unknownHistory = true;
    }
    const run = this._runsByRequest.get(requestId);
    if (run && !run.finalized) {
      run.startedAt = entry.startedAt;
      run.executionCount = count;
      run.historyIndex = this._historyDropped + this._history.length - 1;
      this._callbacks.started(run);
    }
  }

  /**
   * The kernel is done with a request: every output of it has arrived. A
   * run that never started was aborted (an error in a cell before it):
   * nothing ran, so there is no run.
   */
  private _onRequestIdle(requestId: string): void {
    this._requests.delete(requestId);
    const run = this._runsByRequest.get(requestId);
    if (!run || run.finalized) {
      return;
    }
    if (run.startedAt === null) {
      this.release(run);
    }
    this._callbacks.ended(run);
  }

  /**
   * A kernel snapshot, named by the execute request of its cell (and by
   * the key the cell was armed with, which runs do not need).
   */
  private _onSnapshot(
    request: string,
    snapshot: IKernelSnapshot
  ): ActiveRun | null {
    const run = this._runsByRequest.get(request);
    if (run) {
      run.setSnapshot(snapshot);
      return run;
    }
    const index = this._history.findIndex(h => h.requestId === request);
    const tags = this._requests.get(request)?.tags;
    if (index >= 0 && tags?.includes('parameters')) {
      this._parameters = {
        params: snapshot.params ?? {},
        index: this._historyDropped + index,
        executionCount: this._history[index].executionCount
      };
    }
    return null;
  }

  /**
   * The kernel puts a run's snapshot in its cell's execute reply when this
   * page asked for it (`reply_snapshots`, `kernelOptions`): a payload
   * `{source: REPLY_SNAPSHOT, key, request, json}`.
   */
  private _onReply(msg: KernelMessage.IExecuteReplyMsg): void {
    for (const item of replySnapshots(msg.content)) {
      this._receiveSnapshot(item);
    }
  }

  /** A snapshot message's data: `{key, request, json}`. */
  private _receiveSnapshot(data: unknown): void {
    const { request, json } = (data ?? {}) as Record<string, unknown>;
    if (typeof json !== 'string') {
      return;
    }
    try {
      const t0 = performance.now();
      const run = this._onSnapshot(
        typeof request === 'string' ? request : '',
        JSON.parse(json) as IKernelSnapshot
      );
      run?.spend('snapshot', performance.now() - t0);
    } catch (e) {
      console.warn('jupyterlab-runs: unreadable kernel snapshot', e);
    }
  }

  private _onKernelChanged(
    _: unknown,
    change: { oldValue: Kernel.IKernelConnection | null }
  ): void {
    if (this._panel.isDisposed || this._panel.sessionContext.isDisposed) {
      // The view closed (its session context lets go of the kernel); the
      // kernel itself runs on unless it was shut down with the view.
      this._handOver(change.oldValue?.id ?? this._kernel?.id ?? null);
      return;
    }
    this._lose({
      ename: 'KernelChanged',
      evalue: 'The kernel was changed or shut down during the run.'
    });
    this._follow(this._panel.sessionContext.session?.kernel ?? null);
  }

  private _onStatus(_: unknown, status: Kernel.Status): void {
    clearTimeout(this._watchdog);
    if (status === 'idle') {
      if (!this._seenIdle || this._foreign > 0) {
        this._seenIdle = true;
        const foreign = this._foreign;
        this._foreign = 0;
        this._callbacks.idle(Date.now(), foreign);
      }
      if (this.inFlight.length > 0) {
        this._watchdog = setTimeout(() => this._endUnseen(), WATCHDOG_MS);
      }
    }
    if (status === 'restarting') {
      // A kernel the server restarts after it died reports `restarting`
      // first and `autorestarting` a microtask later (@jupyterlab/services
      // KernelConnection, status message handling): decide after it.
      queueMicrotask(() =>
        this._lose({
          ename: 'KernelRestart',
          evalue: 'The kernel restarted during the run.'
        })
      );
    } else if (status === 'autorestarting') {
      // The server restarts a kernel by itself only after it died.
      this._lose({
        ename: 'KernelDied',
        evalue: 'The kernel died during the run (and was restarted).'
      });
    } else if (status === 'dead') {
      this._lose({
        ename: 'KernelDied',
        evalue: 'The kernel died during the run.'
      });
    }
  }

  /**
   * The watchdog: the kernel has been idle for a while, yet runs it started
   * were never seen to end (their idle status was lost, as when the page's
   * connection dropped). Nothing executes them: end them now; the kernel's
   * journal has their true end and replaces what is recorded here.
   */
  private _endUnseen(): void {
    const kernel = this._panel.sessionContext.session?.kernel;
    if (!kernel || kernel.status !== 'idle') {
      return;
    }
    for (const run of this.inFlight) {
      run.endUnseen =
        'The kernel went idle but the end of this run never reached the page (was the connection lost?).';
      this._callbacks.ended(run);
    }
  }

  /** Give the runs in flight up to the kernel's journal (`closed`). */
  private _handOver(kernelId: string | null): void {
    clearTimeout(this._watchdog);
    const requested = this._unfinished();
    this._requests.clear();
    this._runsByRequest.clear();
    this._runsByExec.clear();
    if (requested.length > 0) {
      this._callbacks.closed(requested, kernelId);
    }
  }

  /** Runs this page requested that have not ended (started or queued). */
  private _unfinished(): ActiveRun[] {
    return [...this._runsByRequest.values()].filter(r => !r.finalized);
  }

  /** End every run in flight and start a fresh history. */
  private _lose(reason: ILostReason): void {
    // A restarted kernel forgot the comm target; set it up again.
    this._control = null;
    this._controlKernel = null;
    this._armed = Promise.resolve(false);
    this._arming = null;
    this._seenIdle = false;
    clearTimeout(this._watchdog);
    const requested = this._unfinished();
    this._history = [];
    this._historyDropped = 0;
    this._requests.clear();
    this._runsByRequest.clear();
    this._runsByExec.clear();
    this._parameters = null;
    this._unknownHistory = false;
    this._needsEnvironment = true;
    if (requested.length > 0) {
      this._callbacks.lost(requested, reason);
    }
  }

  private _panel: NotebookPanel;
  private _callbacks: ISessionCallbacks;
  private _kernel: Kernel.IKernelConnection | null = null;
  private _history: IHistoryEntry[] = [];
  /** Executions forgotten from the front of `_history` (`MAX_HISTORY`). */
  private _historyDropped = 0;
  /** Execute requests this page sent that have not ended, by msg_id. */
  private _requests = new Map<string, IExecuteRequest>();
  private _runsByRequest = new Map<string, ActiveRun>();
  private _runsByExec = new Map<string, ActiveRun>();
  private _parameters: {
    params: Record<string, unknown>;
    index: number;
    executionCount: number | null;
  } | null = null;
  private _unknownHistory = false;
  private _needsEnvironment = true;
  private _comm: IDisposable | null = null;
  private _control: Kernel.IComm | null = null;
  /** Whether the kernel side is set up: the latest arming request's outcome. */
  private _armed: Promise<boolean> = Promise.resolve(false);
  /**
   * The kernel where `jupyterlab_runs` could not be imported (`setUp` does
   * not ask it again), and whether the latest set-up failed so.
   */
  private _setUpFailed: object | null = null;
  private _importFailed = false;
  /** The kernel an arming request is on its way to, if any. */
  private _arming: Kernel.IKernelConnection | null = null;
  /** Snapshot options of the cells the kernel arms itself. */
  private _config: JSONObject = {};
  private _controlKernel: Kernel.IKernelConnection | null = null;
  private _seenIdle = false;
  /** Executions started by others since the kernel was last seen idle. */
  private _foreign = 0;
  private _watchdog: ReturnType<typeof setTimeout> | undefined = undefined;
  private _isDisposed = false;
}
