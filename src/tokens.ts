/**
 * Tokens and interfaces through which the plugins of jupyterlab-runs talk.
 *
 * Data flows one way: capture (notebook and kernel events) → store → model
 * signals → views. The store knows nothing about widgets; views never reach
 * back into capture.
 */
import type { IWidgetTracker, MainAreaWidget } from '@jupyterlab/apputils';
import type { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import type { TranslationBundle } from '@jupyterlab/translation';
import { Token } from '@lumino/coreutils';
import type { IDisposable } from '@lumino/disposable';
import type { ISignal } from '@lumino/signaling';
import type { Widget } from '@lumino/widgets';
import type { IRunAnnotation } from './core/history/annotations';
import type { RunSeries } from './core/history/series';
import type { IRunsChange } from './core/runs/runList';
import type { IRunRecord, IRunSummary } from './core/run';
import type { RunViewKind } from './core/viewId';
// Type only: the model a compare pane is given (see IComparePaneOptions).
import type { CompareModel } from './ui/compare/model';

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
  runs: readonly IRunSummary[];
  /** Files that were skipped. */
  warnings: IRunFileWarning[];
  /** How many of `runs` are recorded but not yet on the server. */
  pending?: number;
  /**
   * Whether the runs folder holds the kernel's journal (`journal/`), which
   * `JournalReconciler` reads.
   */
  journal?: boolean;
  /**
   * Run files listed but not read yet. While it is above 0, `runs` and
   * `warnings` are partial and `IRunStore.listingChanged` brings the rest,
   * a page at a time, ending with a listing whose `reading` is 0.
   */
  reading?: number;
  /**
   * The store's count of run changes (`queued`, `saved`, `updated`, see
   * `IRunStoreChange`) when this listing was made: every run changed up to
   * it is in `runs`, as changed, unless it has left the folder since (a
   * user deleted its file). A view keeps its own copy only of runs changed
   * after it. Absent: the store does not say, and a view keeps its copies
   * until it lists again.
   */
  seq?: number;
}

/** How current `IRunStore.list` must be. */
export interface IListOptions {
  /**
   * Check the folder before answering (one small request when it did not
   * change) and wait until every run file is read. For callers that act on
   * the folder's content (the journal, exports); views do not need it.
   */
  current?: boolean;
  /** Read the folder again even if it looks unchanged ("Reload Runs"). */
  reload?: boolean;
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
      /** This change's number (`IRunListing.seq`), if the store counts. */
      seq?: number;
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

/**
 * What a trash operation (delete, restore, empty) did, entry by entry;
 * names relative to the folder acted in (the runs folder or its trash).
 */
export interface ITrashReport {
  /** Entries moved (into or out of the trash). */
  moved: string[];
  /** Entries deleted for good. */
  deleted: string[];
  /** Entries not touched, with the reason (a link among them, named). */
  leftAlone: { name: string; reason: string }[];
  /** Set when nothing was done at all: why. */
  refused?: string;
  /** Set when symbolic links could not be checked: why. */
  unchecked?: string;
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
   * `summary`: the run's summary (`summarizeRun(run, series)`) when the
   * caller made it already, as the recorder does to show the run before
   * it is saved. From the call on, `get` and `getSeries` answer for the
   * run (from memory until its outbox write is durable).
   */
  save(
    run: IRunRecord,
    options?: { series?: RunSeries | null; summary?: IRunSummary }
  ): Promise<void>;
  /**
   * List the runs of a notebook. Never rejects for a bad run file.
   *
   * A folder this page already knows (or its browser cache knows, after a
   * reload) is answered at once from memory and revalidated in the
   * background; a folder seen for the first time is listed first and
   * answered with the runs whose summaries are cached or in a manifest,
   * while the other run files are read in the background (`reading`).
   * Either way, whatever the background work finds comes through
   * `listingChanged`.
   */
  list(notebookPath: string, options?: IListOptions): Promise<IRunListing>;
  /**
   * Emitted with the whole listing of a notebook (as `list` would answer
   * now) when it changed without this page saving into the folder: another
   * tab or the kernel's journal added runs, files were edited or removed on
   * the server, or background reading brought more runs and refusals.
   * Only for notebooks this page listed or watches. Optional.
   */
  readonly listingChanged?: ISignal<IRunStore, IRunListing>;
  /**
   * Keep a notebook's runs current while the handle lives: the folder's
   * modification time is checked every few seconds while the page is
   * visible (one small request, no listing), and read again when it moved;
   * changes come through `listingChanged`. Optional.
   */
  watch?(notebookPath: string): IDisposable;
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
  /**
   * Move runs to the trash of their folder (recoverable); what was left
   * alone (a link leading out of the folder among it) is in the report.
   */
  trash(notebookPath: string, runIds: readonly string[]): Promise<ITrashReport>;
  listTrash(notebookPath: string): Promise<ITrashedRun[]>;
  restore(
    notebookPath: string,
    runIds: readonly string[]
  ): Promise<ITrashReport>;
  /**
   * Delete the trash for good: the layout's entries only, never through a
   * link; `runs` is the number of runs deleted.
   */
  emptyTrash(notebookPath: string): Promise<ITrashReport & { runs: number }>;
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
   * its summary so far, and once more with its final summary as soon as
   * the run is assembled, before the store has it (the store then reports
   * the same summary, queued and saved).
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
  /**
   * Show the runs folder's runs again: at once when the store knows the
   * folder (revalidated in the background); `reload` lists it even if it
   * looks unchanged.
   */
  refresh(options?: { reload?: boolean }): Promise<void>;
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

/** What a place in the UI shows: a notebook's runs folder and some runs. */
export interface IRunScope {
  /** The notebook whose runs folder is shown; null when none is. */
  notebookPath: string | null;
  /**
   * The runs it shows or has selected: a detail's run, a comparison's
   * runs, the sidebar's selection; none for a runs-folder view.
   */
  runIds: readonly string[];
}

/** The runs a command acts on, all in one notebook's runs folder. */
export interface IRunTarget {
  notebookPath: string;
  /** Empty when the command acts on the folder, not on runs. */
  runIds: string[];
}

/** The arguments every run command understands. */
export interface IRunTargetArgs {
  notebookPath?: unknown;
  runId?: unknown;
  runIds?: unknown;
}

/**
 * The main-area views of runs (a run's detail, a comparison, a runs
 * folder): one tab per thing shown, tracked and restored after a reload;
 * and which run(s) a command acts on, whatever it was invoked from.
 */
export interface IRunViews {
  /** Run details, one per run. */
  readonly detail: IWidgetTracker<MainAreaWidget>;
  /** Comparisons, one per set of runs. */
  readonly compare: IWidgetTracker<MainAreaWidget>;
  /** Runs-folder views, one per folder. */
  readonly folder: IWidgetTracker<MainAreaWidget>;
  /** What a tracked view shows; null for any other widget. */
  scopeOf(widget: Widget): IRunScope | null;
  /**
   * The runs a command acts on: its arguments, else the run a context menu
   * was opened on (in the notebook of the view holding it), else the run
   * view in front, else the sidebar; null when there is none.
   */
  target(args: IRunTargetArgs): IRunTarget | null;
  /**
   * Show the view of `kind` for these runs: focus its tab when one is open
   * (or being opened), else make it with `create`, which gets the view's
   * stable id, then track it and add it to the main area.
   */
  open(
    kind: RunViewKind,
    scope: { notebookPath: string; runIds: readonly string[] },
    create: (id: string) => Promise<MainAreaWidget>
  ): Promise<MainAreaWidget>;
}

export const IRunViews = new Token<IRunViews>(
  'jupyterlab-runs:IRunViews',
  'The tracked run detail, compare and runs-folder views, and which run(s) a command acts on.'
);

/** What a compare pane is made with: one per compare view. */
export interface IComparePaneOptions {
  /** The comparison: runs, records, series, options; `changed` on change. */
  model: CompareModel;
  trans: TranslationBundle;
  /**
   * Renders run outputs untrusted and, unless allowed, without remote
   * content; null when JupyterLab has no rendermime registry.
   */
  rendermime: IRenderMimeRegistry | null;
}

/** Makes one tab of the compare view. */
export interface IComparePaneFactory {
  /** Unique, stable name (`data-pane` of the tab's node, `showPane`). */
  readonly name: string;
  /** Tab order, lowest first; the built-in panes use 100, 200, … 800. */
  readonly rank?: number;
  /**
   * Make the pane; its `title.label` is the tab's label. It should render
   * only while visible and dispose what it made in `dispose()`. A factory
   * that throws or rejects leaves its tab out, not the comparison.
   */
  create(options: IComparePaneOptions): Widget | Promise<Widget>;
}

/** The panes of the compare view; other extensions add theirs. */
export interface IComparePaneRegistry {
  /** Emitted when a factory was added or removed. */
  readonly changed: ISignal<IComparePaneRegistry, void>;
  /** The factories, in tab order. */
  readonly factories: readonly IComparePaneFactory[];
  /**
   * Add a pane to compare views opened from now on. Disposing the result
   * removes it. A second factory with a taken name is refused (a warning,
   * and a disposable that does nothing).
   */
  add(factory: IComparePaneFactory): IDisposable;
}

export const IComparePaneRegistry = new Token<IComparePaneRegistry>(
  'jupyterlab-runs:IComparePaneRegistry',
  'The panes (tabs) of the compare view; add one to compare runs your way.'
);
