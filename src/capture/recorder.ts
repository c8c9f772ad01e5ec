/**
 * Turns executions of experiment cells into runs.
 *
 * `NotebookActions.executionScheduled` fires before the execute request is
 * sent, so the cell source read there is exactly the code the kernel runs,
 * whatever the user types afterwards. `NotebookActions.executed` fires once
 * the kernel replied and went idle, so all outputs have arrived.
 */
import type { Cell, ICellModel } from '@jupyterlab/cells';
import {
  NotebookActions,
  type INotebookTracker,
  type Notebook,
  type NotebookPanel
} from '@jupyterlab/notebook';
import type { KernelError } from '@jupyterlab/notebook';
import type { IDisposable } from '@lumino/disposable';
import { Signal, type ISignal } from '@lumino/signaling';
import { newRunId } from '../core/id';
import { notebookStem } from '../core/paths';
import { recordExecution } from '../core/record';
import type { IRunKernel, IRunRecord, RunOutput } from '../core/run';
import { experimentName } from '../core/tags';
import type { IRecordingFailure, IRunRecorder, IRunStore } from '../tokens';
import { KernelJournal } from './kernelJournal';

/** What we know about an execution between scheduling and its end. */
interface IPending {
  id: string;
  code: string;
  experiment: string;
  scheduledAt: number;
}

export class RunRecorder implements IRunRecorder, IDisposable {
  constructor(options: RunRecorder.IOptions) {
    this._store = options.store;
    this._tracker = options.tracker;
    NotebookActions.executionScheduled.connect(this._onScheduled, this);
    NotebookActions.executed.connect(this._onExecuted, this);
  }

  get recorded(): ISignal<IRunRecorder, IRunRecord> {
    return this._recorded;
  }

  get failed(): ISignal<IRunRecorder, IRecordingFailure> {
    return this._failed;
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    NotebookActions.executionScheduled.disconnect(this._onScheduled, this);
    NotebookActions.executed.disconnect(this._onExecuted, this);
    Signal.clearData(this);
  }

  /**
   * Start journaling a notebook's kernel as soon as the notebook opens, so the
   * first tagged execution already has kernel-side timing.
   */
  track(panel: NotebookPanel): void {
    if (this._journals.has(panel)) {
      return;
    }
    const journal = new KernelJournal(panel.sessionContext);
    this._journals.set(panel, journal);
    panel.disposed.connect(() => {
      journal.dispose();
      this._journals.delete(panel);
    });
  }

  private _onScheduled(
    _: unknown,
    args: { notebook: Notebook; cell: Cell }
  ): void {
    const { notebook, cell } = args;
    const panel = this._panelOf(notebook);
    if (!panel || cell.model.type !== 'code') {
      return;
    }
    const experiment = experimentName(
      cell.model.getMetadata('tags') as unknown[] | undefined,
      notebookStem(panel.context.localPath)
    );
    if (experiment === null) {
      return;
    }
    this.track(panel);
    const queue = this._pending.get(cell.model) ?? [];
    queue.push({
      id: newRunId(),
      code: cell.model.sharedModel.getSource(),
      experiment,
      scheduledAt: Date.now()
    });
    this._pending.set(cell.model, queue);
  }

  private _onExecuted(
    _: unknown,
    args: {
      notebook: Notebook;
      cell: Cell;
      success: boolean;
      error?: KernelError | null;
    }
  ): void {
    const pending = this._pending.get(args.cell.model)?.shift();
    const panel = this._panelOf(args.notebook);
    if (!pending || !panel) {
      return;
    }
    void this._record(panel, args, pending);
  }

  private async _record(
    panel: NotebookPanel,
    args: { cell: Cell; success: boolean; error?: KernelError | null },
    pending: IPending
  ): Promise<void> {
    const endedAt = Date.now();
    const model = args.cell.model as ICellModel & {
      executionCount?: number | null;
    };
    const executionCount = model.executionCount ?? null;
    const started =
      this._journals.get(panel)?.findByExecutionCount(executionCount)
        ?.startedAt ?? pending.scheduledAt;
    const notebookPath = panel.context.localPath;
    const error = args.error
      ? {
          ename: args.error.errorName,
          evalue: args.error.errorValue,
          traceback: args.error.traceback
        }
      : null;
    try {
      const run = recordExecution({
        id: pending.id,
        notebookPath,
        cellId: model.id,
        experiment: pending.experiment,
        code: pending.code,
        executionCount,
        startedAt: Math.min(started, endedAt),
        endedAt,
        success: args.success,
        error,
        outputs: outputsOf(args.cell),
        kernel: await kernelOf(panel)
      });
      await this._store.save(run);
      this._recorded.emit(run);
    } catch (e) {
      const failure = {
        notebookPath,
        runId: pending.id,
        error: e instanceof Error ? e : new Error(String(e))
      };
      console.error('jupyterlab-runs: could not record a run', failure);
      this._failed.emit(failure);
    }
  }

  private _panelOf(notebook: Notebook): NotebookPanel | null {
    return this._tracker.find(panel => panel.content === notebook) ?? null;
  }

  private _store: IRunStore;
  private _tracker: INotebookTracker;
  private _journals = new Map<NotebookPanel, KernelJournal>();
  private _pending = new WeakMap<ICellModel, IPending[]>();
  private _isDisposed = false;
  private _recorded = new Signal<IRunRecorder, IRunRecord>(this);
  private _failed = new Signal<IRunRecorder, IRecordingFailure>(this);
}

export namespace RunRecorder {
  export interface IOptions {
    store: IRunStore;
    tracker: INotebookTracker;
  }
}

function outputsOf(cell: Cell): RunOutput[] {
  const outputs = (
    cell.model as unknown as { outputs?: { toJSON(): unknown[] } }
  ).outputs;
  return (outputs?.toJSON() ?? []) as RunOutput[];
}

async function kernelOf(panel: NotebookPanel): Promise<IRunKernel> {
  const kernel = panel.sessionContext.session?.kernel ?? null;
  const kernelInfo: IRunKernel = {
    name: kernel?.name ?? panel.sessionContext.kernelDisplayName,
    language: '',
    languageVersion: ''
  };
  if (!kernel) {
    return kernelInfo;
  }
  try {
    const info = await kernel.info;
    kernelInfo.language = info.language_info.name ?? '';
    kernelInfo.languageVersion = info.language_info.version ?? '';
    kernelInfo.implementation = info.implementation;
    kernelInfo.implementationVersion = info.implementation_version;
  } catch {
    // A kernel that died before answering kernel_info still gets its name.
  }
  return kernelInfo;
}
