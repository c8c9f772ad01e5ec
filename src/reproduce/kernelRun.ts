/**
 * Execute a run's notebook, cell by cell, in a kernel of its own, and
 * capture the experiment cell as capture does for a notebook: the kernel
 * side (`jupyterlab_runs._capture.register`) is set up first with the
 * original notebook's path, each execute request carries the cell's id and
 * tags in its metadata as JupyterLab sends them, so the kernel arms the
 * `parameters` and `experiment:<name>` cells itself, cuts the slice, hashes
 * the data files, probes the environment and journals the run into the
 * original runs folder. The page half — outputs (`RunOutputs`), logged
 * metrics (`LogStream`) and the kernel's snapshot — is collected here by
 * the execute request's id, into the same `ActiveRun` the recorder uses.
 *
 * `NotebookSession` is not reused: it follows a notebook panel's session
 * context, and a reproduction has no panel. What it does per message is
 * repeated here for one private kernel, where nothing else executes.
 */
import type { Kernel, KernelMessage } from '@jupyterlab/services';
import type { CommsOverSubshells } from '@jupyterlab/services';
import { LOG_MIME_TYPE } from '../core/capture/logStream';
import { runIdForRequest } from '../core/id';
import type { IRunNotebookCell } from '../core/reproduce/notebook';
import { ActiveRun, type IKernelSnapshot } from '../capture/activeRun';
import {
  COMM_TARGET,
  CONTROL_TARGET,
  replySnapshots
} from '../capture/notebookSession';

/** What a reproduction uses of a kernel connection. */
export type ReproduceKernel = Pick<
  Kernel.IKernelConnection,
  'requestExecute' | 'iopubMessage' | 'createComm' | 'interrupt' | 'info'
>;

/** Raised when the user cancelled the reproduction. */
export class ReproductionCancelled extends Error {
  constructor() {
    super('The reproduction was cancelled.');
    this.name = 'ReproductionCancelled';
  }
}

/** A cell before the experiment cell failed: nothing was recorded. */
export class ReproductionCellFailed extends Error {
  constructor(
    readonly index: number,
    readonly ename: string,
    readonly evalue: string
  ) {
    super(`Cell ${index + 1} failed: ${ename}: ${evalue}`);
    this.name = 'ReproductionCellFailed';
  }
}

/** What was observed of the experiment cell's execution. */
export interface IKernelRunResult {
  run: ActiveRun;
  /** Whether the kernel side was set up (snapshots expected). */
  armed: boolean;
  /** The latest `parameters` cell snapshot's params, if any. */
  parameters: Record<string, unknown> | null;
  endedAt: number;
}

export class KernelRun {
  constructor(options: KernelRun.IOptions) {
    this._kernel = options.kernel;
    this._cells = options.cells;
    this._experiment = options.experiment;
    this._kernel.iopubMessage.connect(this._onIOPub, this);
  }

  /**
   * Set the kernel side up, then run every cell in order, stopping at the
   * first failure before the experiment cell (the last). `progress` is
   * called before each cell (index from 0). Rejects with
   * `ReproductionCancelled` once `cancel` was called.
   */
  async execute(
    options: KernelRun.IExecuteOptions,
    progress: (index: number, total: number) => void
  ): Promise<IKernelRunResult> {
    try {
      const armed = await this._until(this._setUp(options.kernelOptions));
      const last = this._cells.length - 1;
      for (let i = 0; i <= last; i++) {
        progress(i, this._cells.length);
        const cell = this._cells[i];
        const future = this._kernel.requestExecute(
          {
            code: cell.source,
            silent: false,
            store_history: true,
            allow_stdin: false,
            stop_on_error: true
          },
          true,
          { cellId: cell.id, tags: cell.tags }
        );
        const header = future.msg.header;
        this._tags.set(header.msg_id, cell.tags);
        if (i === last) {
          const parsed = Date.parse(header.date);
          this._run = new ActiveRun(
            runIdForRequest(
              header.msg_id,
              Number.isFinite(parsed) ? parsed : Date.now()
            ),
            cell.id,
            cell.source,
            this._experiment
          );
          this._run.requestId = header.msg_id;
        }
        const reply = await this._until(future.done);
        const content = reply.content;
        // The cell's snapshot, when the kernel put it in the reply.
        for (const snapshot of replySnapshots(content)) {
          this._onSnapshot(snapshot);
        }
        if (i < last && content.status !== 'ok') {
          const error = content as Partial<KernelMessage.IReplyErrorContent>;
          throw new ReproductionCellFailed(
            i,
            String(error.ename ?? content.status),
            String(error.evalue ?? '')
          );
        }
      }
      const run = this._run!;
      const endedAt = Date.now();
      if (armed) {
        await this._until(run.waitForSnapshot(options.snapshotTimeoutMs));
      }
      return { run, armed, parameters: this._parameters, endedAt };
    } finally {
      this._kernel.iopubMessage.disconnect(this._onIOPub, this);
    }
  }

  /** Interrupt the kernel and stop waiting for it. */
  cancel(): void {
    if (this._cancelled) {
      return;
    }
    this._cancelled = true;
    this._cancel?.();
    void this._kernel.interrupt().catch(() => undefined);
  }

  get cancelled(): boolean {
    return this._cancelled;
  }

  /** `promise`, or `ReproductionCancelled` as soon as `cancel` is called. */
  private _until<T>(promise: Promise<T>): Promise<T> {
    if (this._cancelled) {
      return Promise.reject(new ReproductionCancelled());
    }
    return new Promise<T>((resolve, reject) => {
      this._cancel = () => reject(new ReproductionCancelled());
      promise.then(resolve, reject);
    });
  }

  /** `register(options)` silently, then open the control comm. */
  private async _setUp(options: object): Promise<boolean> {
    const module = "__import__('jupyterlab_runs._capture', fromlist=['_'])";
    const json = JSON.stringify(JSON.stringify(options));
    const reply = await this._kernel.requestExecute(
      {
        code: `${module}.register(${json})`,
        silent: true,
        store_history: false,
        allow_stdin: false
      },
      true
    ).done;
    if (reply.content.status !== 'ok') {
      return false; // jupyterlab_runs is not importable in this kernel
    }
    const control = this._kernel.createComm(CONTROL_TARGET);
    // On the main shell, in order with the cells (see NotebookSession).
    control.commsOverSubshells = 'disabled' as CommsOverSubshells;
    control.open();
    return true;
  }

  private _onIOPub(_: unknown, msg: KernelMessage.IIOPubMessage): void {
    const type = msg.header.msg_type;
    const parentId =
      (msg.parent_header as Partial<KernelMessage.IHeader>).msg_id ?? '';
    const content = msg.content as Record<string, unknown>;
    if (type === 'comm_msg' || type === 'comm_open') {
      const data = content.data as Record<string, unknown> | undefined;
      const snapshot =
        type === 'comm_msg'
          ? data?.snapshot
          : content.target_name === COMM_TARGET
            ? data
            : undefined;
      this._onSnapshot(snapshot);
      return;
    }
    const run = this._run;
    if (!run || run.finalized) {
      return;
    }
    if (type === 'execute_input' && parentId === run.requestId) {
      run.startedAt = Date.now();
      run.executionCount =
        typeof content.execution_count === 'number'
          ? content.execution_count
          : null;
      return;
    }
    if (type === 'display_data' || type === 'update_display_data') {
      const payload = (content.data as Record<string, unknown> | undefined)?.[
        LOG_MIME_TYPE
      ];
      // Only the experiment cell is running now, but the logging API's
      // flusher thread may publish under another parent: its exec_id,
      // learnt from a message under the cell's request, routes the rest.
      const execId = (payload as { exec_id?: unknown } | undefined)?.exec_id;
      if (payload !== undefined) {
        if (parentId === run.requestId && typeof execId === 'string') {
          this._execId = execId;
        }
        if (parentId === run.requestId || execId === this._execId) {
          run.stream.apply(payload);
        }
      }
    }
    if (
      parentId === run.requestId &&
      run.outputs.add(msg) &&
      type === 'error'
    ) {
      run.error = {
        ename: String(content.ename),
        evalue: String(content.evalue),
        traceback: (content.traceback as string[]) ?? []
      };
    }
  }

  /** A snapshot message's data: `{key, request, json}`. */
  private _onSnapshot(data: unknown): void {
    const { request, json } = (data ?? {}) as Record<string, unknown>;
    if (typeof json !== 'string' || typeof request !== 'string') {
      return;
    }
    let snapshot: IKernelSnapshot;
    try {
      snapshot = JSON.parse(json) as IKernelSnapshot;
    } catch {
      return;
    }
    if (this._run && request === this._run.requestId) {
      this._run.setSnapshot(snapshot);
    } else if (this._tags.get(request)?.includes('parameters')) {
      this._parameters = snapshot.params ?? {};
    }
  }

  private _kernel: ReproduceKernel;
  private _cells: readonly IRunNotebookCell[];
  private _experiment: string;
  private _run: ActiveRun | null = null;
  private _execId: string | null = null;
  private _tags = new Map<string, string[]>();
  private _parameters: Record<string, unknown> | null = null;
  private _cancelled = false;
  private _cancel: (() => void) | null = null;
}

export namespace KernelRun {
  export interface IOptions {
    kernel: ReproduceKernel;
    /** The run's notebook cells, the experiment cell last. */
    cells: readonly IRunNotebookCell[];
    /** The experiment name the run is recorded under. */
    experiment: string;
  }

  export interface IExecuteOptions {
    /** `kernelOptions(...)` for the kernel side, with the notebook path. */
    kernelOptions: object;
    snapshotTimeoutMs: number;
  }
}
