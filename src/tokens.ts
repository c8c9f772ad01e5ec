/**
 * Tokens and interfaces through which the plugins of jupyterlab-runs talk.
 *
 * Data flows one way: capture (notebook and kernel events) → store → model
 * signals → views. The store knows nothing about widgets; views never reach
 * back into capture.
 */
import { Token } from '@lumino/coreutils';
import type { ISignal } from '@lumino/signaling';
import type { RunSeries } from './core/history/series';
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
  /**
   * Read the metric series of one run (`<id>.series.json`); null when the
   * run logged none. Optional: views fall back to the summaries.
   */
  getSeries?(notebookPath: string, runId: string): Promise<RunSeries | null>;
  /**
   * Write a file that belongs to the runs of a notebook (a series file, an
   * artifact, an environment), at a path relative to its runs folder. The
   * path is validated: it can never leave the folder.
   */
  writeFile(
    notebookPath: string,
    relativePath: string,
    content: string,
    format: 'text' | 'base64'
  ): Promise<void>;
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
  /**
   * Emitted while a run executes (it started, or new metrics arrived), with
   * its summary so far; the final state comes through the store.
   */
  readonly runUpdated: ISignal<IRunRecorder, IRunSummary>;
  /** Emitted when a run has been built and handed to the store. */
  readonly recorded: ISignal<IRunRecorder, IRunRecord>;
  /** Emitted when the store refused a run. */
  readonly failed: ISignal<IRunRecorder, IRecordingFailure>;
}

export const IRunRecorder = new Token<IRunRecorder>(
  'jupyterlab-runs:IRunRecorder',
  'Records every execution of a cell tagged `experiment` as a run.'
);

/**
 * The runs the sidebar lists for the current notebook and the user's
 * selection in its table: what the compare and detail views start from.
 */
export interface IRunsExplorer {
  /** Emitted when the runs or the selection changed. */
  readonly changed: ISignal<IRunsExplorer, void>;
  /** The notebook whose runs are listed. */
  readonly notebookPath: string | null;
  /** Every listed run, newest first. */
  readonly runs: readonly IRunSummary[];
  /** Selected runs, in table order. */
  readonly selected: readonly IRunSummary[];
  /** A listed run by id. */
  getRun(id: string): IRunSummary | undefined;
  /** Select these runs in the table. */
  select(ids: readonly string[]): void;
}

export const IRunsExplorer = new Token<IRunsExplorer>(
  'jupyterlab-runs:IRunsExplorer',
  'The runs listed in the sidebar and the selection in its table.'
);
