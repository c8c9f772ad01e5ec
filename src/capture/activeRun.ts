import { LogStream } from '../core/capture/logStream';
import type { IRunSummary } from '../core/run';
import { RunOutputs } from './runOutputs';

/** What the kernel-side snapshot (`jupyterlab_runs._probe.snapshot`) holds. */
export interface IKernelSnapshot {
  v?: number;
  environment?: (Record<string, unknown> & { hash?: string }) | null;
  params?: Record<string, unknown>;
  datasets?: Array<Record<string, unknown>>;
  /** Files the run wrote (jupyterlab_runs/_outputs.py). */
  outputFiles?: unknown[];
  /** What the kernel left out, for the run's capture notes. */
  notes?: unknown[];
  kernel_ms?: number;
  errors?: Array<{ part: string; error: string }>;
  /** The kernel wrote this execution to its journal (jupyterlab_runs/_journal.py). */
  journal?: boolean;
  /** The run's dependency slice (jupyterlab_runs/_slice.py), read with `readKernelSlice`. */
  slice?: unknown;
}

/**
 * A run in flight is first reported live (`IRunRecorder.runUpdated`) once
 * it has lasted this long (`ActiveRun.takeLiveSummary`).
 */
export const LIVE_DELAY_MS = 200;
/** Live summaries are then sent at most this often per run. */
export const LIVE_INTERVAL_MS = 250;

/** How an execution ended, as its IOPub messages told. */
export interface IRunError {
  ename: string;
  evalue: string;
  traceback: string[];
}

/**
 * One execution of an experiment cell, from the moment its execute request
 * is sent until its run is final. Its id is derived from the request
 * (`runIdForRequest`), as the kernel's journal derives it.
 */
export class ActiveRun {
  constructor(
    readonly id: string,
    readonly cellId: string | null,
    readonly code: string,
    readonly experiment: string
  ) {
    this.scheduledAt = Date.now();
  }

  readonly scheduledAt: number;
  readonly stream = new LogStream();
  /** The execution's outputs, from its IOPub messages. */
  readonly outputs = new RunOutputs();
  /** The error the kernel reported for this execution, if any. */
  error: IRunError | null = null;
  /**
   * Why the run's end was not seen (its idle status never arrived, e.g. the
   * page lost its connection); null when it was.
   */
  endUnseen: string | null = null;
  /** Browser time the kernel announced the start (execute_input). */
  startedAt: number | null = null;
  executionCount: number | null = null;
  /** `msg_id` of the execute request, once the kernel started it. */
  requestId: string | null = null;
  /**
   * Position of this execution in the session history: executions since the
   * kernel started, older ones forgotten included (`historyBefore`).
   */
  historyIndex = -1;
  /** Whether a kernel-side snapshot was requested, and its outcome. */
  armed: Promise<boolean> = Promise.resolve(false);
  snapshot: IKernelSnapshot | null = null;
  finalized = false;
  /** The run's summary while it executes, built once (live updates). */
  live: IRunSummary | null = null;
  /** Main-thread time capture spent on this run (ms), for benchmarks. */
  mainThreadMs = 0;
  /** The same, by phase. */
  readonly timingParts: Record<string, number> = {};

  /** Account main-thread time spent on this run. */
  spend(phase: string, ms: number): void {
    this.mainThreadMs += ms;
    this.timingParts[phase] = (this.timingParts[phase] ?? 0) + ms;
  }
  /** Pending delayed write of the `running` file. */
  startTimer: ReturnType<typeof setTimeout> | null = null;

  /**
   * Whether a live summary of this run should go to the runs model now
   * (`now`, ms), and if so, note it as sent. None before the run has
   * lasted `LIVE_DELAY_MS` (the first is sent when `scheduleLiveSummaries`
   * says it is due), then at most one every `LIVE_INTERVAL_MS`,
   * and the `final` one (its log ended) only if one was sent before.
   * Most cells of an interactive sweep end sooner: their run then reaches
   * the model once, ended, through the store, instead of three times more
   * as it starts, logs and ends (each a change every view of the runs
   * folds: most of what the IOPub handlers cost a short tagged execution,
   * profiled with `benchmarks/execution-cost.sh`).
   */
  takeLiveSummary(now: number, final: boolean): boolean {
    const last = this._liveSentAt;
    if (last === null || (now - last < LIVE_INTERVAL_MS && !final)) {
      return false;
    }
    this._liveSentAt = now;
    return true;
  }

  /**
   * The run started: once it has lasted `LIVE_DELAY_MS`, its first live
   * summary is due, and `due` is called to send it (not after
   * `endLiveSummaries`).
   */
  scheduleLiveSummaries(due: () => void): void {
    this._liveTimer = setTimeout(() => {
      this._liveTimer = null;
      this._liveSentAt ??= -Infinity;
      due();
    }, LIVE_DELAY_MS);
  }

  /** No live summary any more (the run ended or was dropped). */
  endLiveSummaries(): void {
    if (this._liveTimer) {
      clearTimeout(this._liveTimer);
      this._liveTimer = null;
    }
    this._liveSentAt = null;
  }

  /**
   * Serialize writes of this run's file, so a late `running` write can never
   * land after the final one.
   */
  write(task: () => Promise<void>): Promise<void> {
    const next = this._writes.then(task, task);
    this._writes = next.catch(() => undefined);
    return next;
  }

  /** Wait (bounded) for the snapshot the kernel sends when the cell ends. */
  waitForSnapshot(timeoutMs: number): Promise<IKernelSnapshot | null> {
    if (this.snapshot) {
      return Promise.resolve(this.snapshot);
    }
    return new Promise(resolve => {
      const timer = setTimeout(() => resolve(this.snapshot), timeoutMs);
      this._waiters.push(snapshot => {
        clearTimeout(timer);
        resolve(snapshot);
      });
    });
  }

  setSnapshot(snapshot: IKernelSnapshot): void {
    this.snapshot = snapshot;
    for (const waiter of this._waiters.splice(0)) {
      waiter(snapshot);
    }
  }

  private _writes: Promise<void> = Promise.resolve();
  private _liveSentAt: number | null = null;
  /** Pending first live summary (`scheduleLiveSummaries`). */
  private _liveTimer: ReturnType<typeof setTimeout> | null = null;
  private _waiters: Array<(snapshot: IKernelSnapshot) => void> = [];
}
