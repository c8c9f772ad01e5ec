/**
 * Tokens and interfaces through which the plugins of jupyterlab-runs talk.
 *
 * Data flows one way: capture (notebook and kernel events) → store → model
 * signals → views. The store knows nothing about widgets; views never reach
 * back into capture.
 */
import { Token } from '@lumino/coreutils';
import type { ISignal } from '@lumino/signaling';
import type { IRunRecord, IRunSummary } from './core/run';

/** A run file that could not be read, and why. */
export interface IRunFileWarning {
  /** Server path of the file. */
  path: string;
  /** What is wrong, for the user. */
  reason: string;
}

/** Runs of one notebook, as read from its runs folder. */
export interface IRunListing {
  notebookPath: string;
  /** Newest first. */
  runs: IRunSummary[];
  /** Files that were skipped. */
  warnings: IRunFileWarning[];
}

/** A change the store made. */
export interface IRunStoreChange {
  type: 'saved';
  notebookPath: string;
  run: IRunSummary;
}

/** Where runs are kept. */
export interface IRunStore {
  /** Emitted after a run was written. */
  readonly changed: ISignal<IRunStore, IRunStoreChange>;
  /** Write (create or replace) one run beside its notebook. */
  save(run: IRunRecord): Promise<void>;
  /** List the runs of a notebook. Never rejects for a bad run file. */
  list(notebookPath: string): Promise<IRunListing>;
  /** Read one full run record. */
  get(notebookPath: string, runId: string): Promise<IRunRecord>;
}

export const IRunStore = new Token<IRunStore>(
  'jupyterlab-runs:IRunStore',
  'Stores runs beside their notebook and lists them.'
);

/** A recording that failed to be stored. */
export interface IRecordingFailure {
  notebookPath: string;
  runId: string;
  error: Error;
}

/** Turns executions of experiment cells into runs. */
export interface IRunRecorder {
  /** Emitted when a run has been built and handed to the store. */
  readonly recorded: ISignal<IRunRecorder, IRunRecord>;
  /** Emitted when the store refused a run. */
  readonly failed: ISignal<IRunRecorder, IRecordingFailure>;
}

export const IRunRecorder = new Token<IRunRecorder>(
  'jupyterlab-runs:IRunRecorder',
  'Records every execution of a cell tagged `experiment` as a run.'
);
