/**
 * A journal of what one kernel actually executed, read from its IOPub
 * `execute_input` broadcasts. It gives each execution's start as the kernel
 * saw it (a queued cell starts when the kernel picks it up, not when the user
 * pressed Shift+Enter) and is reset when the kernel restarts.
 *
 * Silent executions (`silent: true`) are not broadcast, so the extension's own
 * probes never show up here.
 */
import type { ISessionContext } from '@jupyterlab/apputils';
import type { Kernel, KernelMessage } from '@jupyterlab/services';
import type { IDisposable } from '@lumino/disposable';
import { Signal } from '@lumino/signaling';

/** One execution the kernel started. */
export interface IJournalEntry {
  /** `msg_id` of the execute_request. */
  requestId: string;
  code: string;
  executionCount: number | null;
  /** Browser clock (ms) when the kernel announced the start. */
  startedAt: number;
}

/** Entries kept per kernel session; older ones are dropped first. */
const MAX_ENTRIES = 10_000;

export class KernelJournal implements IDisposable {
  constructor(sessionContext: ISessionContext) {
    this._sessionContext = sessionContext;
    sessionContext.iopubMessage.connect(this._onIOPub, this);
    sessionContext.statusChanged.connect(this._onStatus, this);
    sessionContext.kernelChanged.connect(this._reset, this);
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /** Executions since the kernel (re)started, in order. */
  get entries(): readonly IJournalEntry[] {
    return this._entries;
  }

  /** The latest execution the kernel numbered `count`. */
  findByExecutionCount(count: number | null): IJournalEntry | undefined {
    if (count === null) {
      return undefined;
    }
    for (let i = this._entries.length - 1; i >= 0; i--) {
      if (this._entries[i].executionCount === count) {
        return this._entries[i];
      }
    }
    return undefined;
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this._entries = [];
    Signal.clearData(this);
    Signal.disconnectReceiver(this);
    this._sessionContext.iopubMessage.disconnect(this._onIOPub, this);
    this._sessionContext.statusChanged.disconnect(this._onStatus, this);
    this._sessionContext.kernelChanged.disconnect(this._reset, this);
  }

  private _onIOPub(_: ISessionContext, msg: KernelMessage.IMessage): void {
    if (msg.header.msg_type !== 'execute_input') {
      return;
    }
    const content = (msg as KernelMessage.IExecuteInputMsg).content;
    const parent = msg.parent_header as Partial<KernelMessage.IHeader>;
    this._entries.push({
      requestId: parent.msg_id ?? '',
      code: content.code,
      executionCount:
        typeof content.execution_count === 'number'
          ? content.execution_count
          : null,
      startedAt: Date.now()
    });
    if (this._entries.length > MAX_ENTRIES) {
      this._entries.splice(0, this._entries.length - MAX_ENTRIES);
    }
  }

  private _onStatus(_: ISessionContext, status: Kernel.Status): void {
    if (status === 'restarting' || status === 'autorestarting') {
      this._reset();
    }
  }

  private _reset(): void {
    this._entries = [];
  }

  private _sessionContext: ISessionContext;
  private _entries: IJournalEntry[] = [];
  private _isDisposed = false;
}
