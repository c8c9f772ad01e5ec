/**
 * Tokens and interfaces through which the plugins of jupyterlab-runs talk.
 *
 * Data flows one way: capture (notebook and kernel events) → store → model
 * signals → views. The store knows nothing about widgets; views never reach
 * back into capture.
 */
import { Token } from '@lumino/coreutils';
import type { ISignal } from '@lumino/signaling';
import type { IRunAnnotation } from './core/history/annotations';
import type { RunSeries } from './core/history/series';
import type { IRunsChange } from './core/runs/runList';
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
  /** How many of `runs` are recorded but not yet on the server. */
  pending?: number;
  /**
   * Whether the runs folder holds the kernel's journal (`journal/`), which
   * `JournalReconciler` reads.
   */
  journal?: boolean;
}

/**
 * A change the store made: a run recorded and waiting to be written
 * (`queued`, its summary has `pending: true`), written (`saved`) or
 * annotated (`updated`), runs moved to the trash (`removed`), the runs
 * folder moved with its notebook (`moved`), or anything that needs a fresh
 * listing (`reloaded`, e.g. runs restored from the trash or imported).
 */
export type IRunStoreChange =
  | {
      type: 'queued' | 'saved' | 'updated';
      notebookPath: string;
      run: IRunSummary;
    }
  | { type: 'removed'; notebookPath: string; runIds: string[] }
  | { type: 'moved'; notebookPath: string; oldNotebookPath: string }
  | { type: 'reloaded'; notebookPath: string };

/** Why writes are waiting (see `IRunStoreStatus.failure`). */
export type RunWriteFailureKind =
  | 'offline'
  | 'too-large'
  | 'disk-full'
  | 'server-error'
  | 'forbidden'
  | 'refused'
  | 'failed';

/** Runs recorded but not yet on the server, and why. */
export interface IRunStoreStatus {
  /** Runs waiting, in all notebooks. */
  pending: number;
  /** Other files waiting (series, artifacts, environments). */
  pendingFiles: number;
  /** Runs waiting, by runs folder. */
  byFolder: Record<string, number>;
  /** The latest failure while something waits; null otherwise. */
  failure: {
    kind: RunWriteFailureKind;
    status: number | null;
    message: string;
  } | null;
  /** When the next attempt is due (epoch ms), if one is scheduled. */
  nextAttemptAt: number | null;
}

/** A run in the trash of a runs folder. */
export interface ITrashedRun {
  id: string;
  /** Its files in the trash folder. */
  files: string[];
  /** Null when its run file is missing or unreadable. */
  summary: IRunSummary | null;
}

/** Where runs are kept. */
export interface IRunStore {
  /** Emitted after a run was written, annotated, deleted or moved. */
  readonly changed: ISignal<IRunStore, IRunStoreChange>;
  /** Runs not yet on the server, and why. */
  readonly status: IRunStoreStatus;
  readonly statusChanged: ISignal<IRunStore, IRunStoreStatus>;
  /**
   * Write (create or replace) one run beside its notebook, with its metric
   * series if given. Resolves once the run is safe in the browser's
   * database; it reaches the server as soon as it can (`status`).
   */
  save(run: IRunRecord, options?: { series?: RunSeries | null }): Promise<void>;
  /** List the runs of a notebook. Never rejects for a bad run file. */
  list(notebookPath: string): Promise<IRunListing>;
  /** Read one full run record. */
  get(notebookPath: string, runId: string): Promise<IRunRecord>;
  /** The user's name, star, note and tags of a run (`{}` when none). */
  getAnnotation(notebookPath: string, runId: string): Promise<IRunAnnotation>;
  /**
   * Change the user's annotation of a run: fields present in `patch`
   * replace the stored ones (`''`, `false`, `{}` clear them).
   */
  annotate(
    notebookPath: string,
    runId: string,
    patch: IRunAnnotation
  ): Promise<IRunAnnotation>;
  /** Move runs to the trash of their folder (recoverable). */
  trash(notebookPath: string, runIds: readonly string[]): Promise<void>;
  listTrash(notebookPath: string): Promise<ITrashedRun[]>;
  restore(notebookPath: string, runIds: readonly string[]): Promise<void>;
  /** Delete the trash for good; resolves to the number of runs deleted. */
  emptyTrash(notebookPath: string): Promise<number>;
  /**
   * Move a notebook's runs folder after the notebook was renamed or moved;
   * false when it had none.
   */
  moveRuns(oldNotebookPath: string, newNotebookPath: string): Promise<boolean>;
  /**
   * Where a notebook is now, following the renames the store saw (a page
   * may still show a notebook another client renamed). Optional.
   */
  resolvePath?(notebookPath: string): string;
  /** Try to write waiting runs now. */
  retryNow(): Promise<void>;
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
  /**
   * The metric series of a run this page is recording, every point logged
   * so far; null when the run is not in flight here (ended, another page's,
   * or never seen). Its end comes through the store: the run's summary
   * leaves `running` (`queued` or `saved`), and from then on the store has
   * the series (`IRunStore.getSeries`). Optional: other recorders may not
   * keep series.
   */
  liveSeries?(runId: string): ILiveSeries | null;
}

/** What one batch of log messages added to a live series. */
export interface ILiveSeriesBatch {
  runId: string;
  /** Metrics that got points. */
  metrics: readonly string[];
  /** Points added in this batch, over all metrics. */
  points: number;
}

/**
 * The series of a run in flight, as the page receives them (`LogStream`):
 * every point, in logging order. Each batch replaces the grown metrics'
 * `IMetricSeries` objects (so caches keyed by series identity see the
 * change); their arrays are shared with capture and only ever appended to:
 * read them, never write them.
 */
export interface ILiveSeries {
  readonly runId: string;
  /** Every point logged so far, by metric. A new object after each batch. */
  readonly series: RunSeries;
  /** Points held, over all metrics. */
  readonly points: number;
  /** Emitted after each batch of points (one log message). */
  readonly grown: ISignal<ILiveSeries, ILiveSeriesBatch>;
}

export const IRunRecorder = new Token<IRunRecorder>(
  'jupyterlab-runs:IRunRecorder',
  'Records every execution of a cell tagged `experiment` as a run.'
);

/**
 * How the runs of the model changed, incrementally (`src/core/runs`): views
 * update the rows named there and nothing else; `reset` means the whole list
 * was replaced (another notebook, a fresh listing).
 */
export type { IRunsChange };

/** What the runs model is doing. */
export type RunsState = 'no-notebook' | 'loading' | 'ready' | 'error';

/**
 * The runs of the current notebook, one source for every view: summaries
 * from the store merged with the runs in flight (from `IRunRecorder`), and
 * the live series of those. Views subscribe; no view writes it. It keeps
 * current whether or not any view is visible.
 */
export interface IRunsModel {
  /** Emitted with every change of the runs, carrying what changed. */
  readonly runsChanged: ISignal<IRunsModel, IRunsChange>;
  /** Emitted when the notebook, state, warnings or pending count changed. */
  readonly stateChanged: ISignal<IRunsModel, void>;
  /** The notebook whose runs these are. */
  readonly notebookPath: string | null;
  readonly state: RunsState;
  /** Why the last listing failed, when `state` is `error`. */
  readonly error: string;
  /** Newest first (by id). */
  readonly runs: readonly IRunSummary[];
  /** Run files that could not be read. */
  readonly warnings: readonly IRunFileWarning[];
  /** Runs of this notebook recorded but not yet on the server. */
  readonly pending: number;
  /** Why runs are waiting, while some are. */
  readonly pendingFailure: IRunStoreStatus['failure'];
  /** A listed run by id. */
  getRun(id: string): IRunSummary | undefined;
  /**
   * The live series of a run this page is recording (`IRunRecorder`);
   * null when the run is not in flight here.
   */
  liveSeries(id: string): ILiveSeries | null;
  /** List the runs folder again. */
  refresh(): Promise<void>;
}

export const IRunsModel = new Token<IRunsModel>(
  'jupyterlab-runs:IRunsModel',
  'The runs of the current notebook and the live series of runs in flight.'
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
