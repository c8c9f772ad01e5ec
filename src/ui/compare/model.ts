/**
 * The model of a compare view: which runs, their full records and metric
 * series (fetched once, on demand), and the view's options. Panes read it
 * and re-render on `changed`.
 *
 * Live: summaries follow the runs model (`IRunsModel`) and the store. A run
 * in flight in this page has its series from the recorder
 * (`IRunsModel.liveSeries`): every point logged so far, drawn and
 * downsampled like a stored series, redrawn at most every `liveInterval`.
 * The store is asked for a run's series only once the run has ended (its
 * summary left `running`: the store then has it, from the outbox before
 * the server), once; never while it runs, so no request can fail.
 */
import type { IDisposable } from '@lumino/disposable';
import { Signal, type ISignal } from '@lumino/signaling';
import type { RunSeries } from '../../core/history/series';
import type { MetricAggregate } from '../../core/query/ast';
import type { IRunRecord, IRunSummary } from '../../core/run';
import type { XAxis } from '../../core/series/axis';
import { runsFolder } from '../../core/paths';
import type { IRunsChange } from '../../core/runs/runList';
import type { IAnomalyOptions } from '../../core/series/anomalies';
import type {
  ILiveSeries,
  IRunsModel,
  IRunStore,
  IRunStoreChange
} from '../../tokens';

/**
 * What changed: panes redo only what depends on it. `live`: runs in flight
 * moved on (their live summaries and points), folded into one change at
 * most every `liveInterval`; a pane that depends on `runs` or on `series`
 * depends on it.
 */
export type CompareChange = 'runs' | 'records' | 'series' | 'options' | 'live';

/** The view's options. */
export interface ICompareOptions {
  referenceId: string | null;
  differencesOnly: boolean;
  aggregate: MetricAggregate;
  metric: string | null;
  xAxis: XAxis;
  logY: boolean;
  smoothingOn: boolean;
  smoothing: number;
  logAxes: boolean;
  scatterParam: string | null;
  groupBy: string | null;
  groupA: string | null;
  groupB: string | null;
  changedA: string | null;
  changedB: string | null;
}

export const DEFAULT_COMPARE_OPTIONS: Readonly<ICompareOptions> = {
  referenceId: null,
  differencesOnly: false,
  aggregate: 'last',
  metric: null,
  xAxis: 'step',
  logY: false,
  smoothingOn: true,
  smoothing: 0.6,
  logAxes: true,
  scatterParam: null,
  groupBy: null,
  groupA: null,
  groupB: null,
  changedA: null,
  changedB: null
};

export class CompareModel implements IDisposable {
  constructor(options: CompareModel.IOptions) {
    this._store = options.store;
    this._source = options.source ?? null;
    this.notebookPath = options.notebookPath;
    this._ids = [...options.runIds];
    this._runs = options.runs
      ? [...options.runs]
      : this._ids
          .map(id => this._source?.getRun(id))
          .filter((r): r is IRunSummary => !!r);
    this._liveInterval = options.liveInterval ?? 250;
    this._readFile = options.readFile ?? null;
    this._anomalyOptions = options.anomalyOptions ?? (() => ({}));
    this._runs.forEach(r => this._follow(r));
    this._options = {
      ...DEFAULT_COMPARE_OPTIONS,
      referenceId: this._ids[0] ?? null
    };
    this._source?.runsChanged.connect(this._onRunsChanged, this);
    this._store.changed.connect(this._onStoreChanged, this);
  }

  /** The notebook the runs belong to. */
  readonly notebookPath: string;

  /**
   * One run's series arrived (before `changed` says all did): lets a pane
   * prepare what it will draw while the other files are still loading.
   */
  get seriesLoaded(): ISignal<CompareModel, { id: string; series: RunSeries }> {
    return this._seriesLoaded;
  }

  get changed(): ISignal<CompareModel, CompareChange> {
    return this._changed;
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /** The compared runs, in the order chosen. */
  get runs(): readonly IRunSummary[] {
    return this._runs;
  }

  /** Every run of the notebook (for importance and group statistics). */
  get allRuns(): readonly IRunSummary[] {
    return this._source && this._isMine(this._source.notebookPath)
      ? this._source.runs
      : this._runs;
  }

  get options(): Readonly<ICompareOptions> {
    return this._options;
  }

  /** How anomaly flags judge runs (the user's settings, read when asked). */
  get anomalyOptions(): IAnomalyOptions {
    return this._anomalyOptions();
  }

  /** Change options; emits `options`. */
  setOptions(patch: Partial<ICompareOptions>): void {
    this._options = { ...this._options, ...patch };
    this._changed.emit('options');
  }

  /** A run's record, once loaded; an Error when it could not be read. */
  record(id: string): IRunRecord | Error | undefined {
    return this._records.get(id);
  }

  /**
   * A run's series, once loaded (null: none logged); for a run in flight,
   * every point logged so far (until the stored series is read); null for
   * a running run this page does not record (it is read once it ends).
   */
  series(id: string): RunSeries | null | undefined {
    const stored = this._series.get(id);
    if (stored) {
      return stored;
    }
    const live = this._live.get(id)?.series ?? this._lastLive.get(id);
    if (live) {
      return live;
    }
    return this._isRunning(id) ? null : stored;
  }

  /** Whether series can be read at all. */
  get canReadSeries(): boolean {
    return typeof this._store.getSeries === 'function';
  }

  /** Load every record not loaded yet; emits `records` when done. */
  async loadRecords(): Promise<void> {
    const todo = this._runs.filter(r => !this._records.has(r.id));
    if (!todo.length) {
      return;
    }
    await Promise.all(
      todo.map(async r => {
        try {
          this._records.set(
            r.id,
            await this._store.get(this.notebookPath, r.id)
          );
        } catch (e) {
          this._records.set(
            r.id,
            e instanceof Error ? e : new Error(String(e))
          );
        }
      })
    );
    if (!this._isDisposed) {
      this._changed.emit('records');
    }
  }

  /** Load every series not loaded yet; emits `series` when done. */
  async loadSeries(ids: readonly string[] = this._ids): Promise<void> {
    const get = this._store.getSeries?.bind(this._store);
    // A running run's series is not in the store yet: never asked for.
    const todo = ids.filter(
      id =>
        !this._series.has(id) && !this._loading.has(id) && !this._isRunning(id)
    );
    if (!get || !todo.length) {
      return;
    }
    todo.forEach(id => this._loading.add(id));
    await Promise.all(
      todo.map(async id => {
        try {
          const series = await get(this.notebookPath, id);
          this._series.set(id, series);
          this._lastLive.delete(id);
          if (series && !this._isDisposed) {
            this._seriesLoaded.emit({ id, series });
          }
        } catch {
          this._series.set(id, null);
        } finally {
          this._loading.delete(id);
        }
      })
    );
    if (!this._isDisposed) {
      this._changed.emit('series');
    }
  }

  /**
   * Read a file of the runs folder (an environment, an artifact) as text.
   * Rejects when the view was given no way to read files.
   */
  readRunsFile(relativePath: string): Promise<string> {
    return this._readFile
      ? this._readFile(this.notebookPath, relativePath)
      : Promise.reject(new Error('no file access'));
  }

  /** Put series in directly (a recorder's live points, tests, benchmarks). */
  setSeries(id: string, series: RunSeries | null): void {
    this._series.set(id, series);
    this._changed.emit('series');
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    window.clearTimeout(this._liveTimer);
    Signal.clearData(this);
  }

  private _isMine(notebookPath: string | null): boolean {
    return (
      notebookPath !== null &&
      runsFolder(notebookPath) === runsFolder(this.notebookPath)
    );
  }

  private _isRunning(id: string): boolean {
    return this._runs.find(r => r.id === id)?.status === 'running';
  }

  /** Follow the live series of a run this page is recording. */
  private _follow(run: IRunSummary): void {
    if (run.status !== 'running' || this._live.has(run.id)) {
      return;
    }
    const live = this._source?.liveSeries(run.id) ?? null;
    if (live) {
      this._live.set(run.id, live);
      live.grown.connect(this._onGrown, this);
    }
  }

  /** Points arrived: redraw at most every `liveInterval`. */
  private _onGrown(): void {
    this._scheduleLive();
  }

  /**
   * One `live` change at most every `liveInterval`, however many points
   * and live summaries came: each run in flight sends a summary every
   * 250 ms and points as they are logged, and a pane that redrew on each
   * (four runs logging 1,000 points a second) kept the page's main thread
   * busy all the time (benchmarks/live-compare.sh).
   */
  private _scheduleLive(): void {
    if (this._liveTimer) {
      return;
    }
    this._liveTimer = window.setTimeout(() => {
      this._liveTimer = 0;
      if (!this._isDisposed) {
        this._changed.emit('live');
      }
    }, this._liveInterval);
  }

  private _onRunsChanged(source: IRunsModel, change: IRunsChange): void {
    if (!this._isMine(source.notebookPath)) {
      return;
    }
    if (change.reset) {
      this._ids.forEach(id => {
        const run = source.getRun(id);
        if (run) {
          this._update(run);
        }
      });
      return;
    }
    for (const run of change.added) {
      this._update(run);
    }
    for (const { after } of change.changed) {
      this._update(after);
    }
  }

  /** The store's news: a run's end arrives here even for another notebook. */
  private _onStoreChanged(_: IRunStore, change: IRunStoreChange): void {
    if (
      (change.type === 'queued' ||
        change.type === 'saved' ||
        change.type === 'updated') &&
      this._isMine(change.notebookPath)
    ) {
      this._update(change.run);
    }
  }

  /** A compared run's summary changed (or appeared). */
  private _update(update: IRunSummary): void {
    if (!this._ids.includes(update.id)) {
      return;
    }
    const i = this._runs.findIndex(r => r.id === update.id);
    const old = i >= 0 ? this._runs[i] : undefined;
    if (old === update) {
      return;
    }
    // The store's summaries have no number (the runs list derives it):
    // keep the one the run is known by.
    const next =
      update.seq === undefined &&
      old?.seq !== undefined &&
      old.experiment === update.experiment
        ? { ...update, seq: old.seq }
        : update;
    if (
      old?.status === 'running' &&
      next.status === 'running' &&
      this._live.has(next.id)
    ) {
      // A live summary of a run followed live: drawn with its points.
      this._runs = this._runs.map(r => (r === old ? next : r));
      this._scheduleLive();
      return;
    }
    if (old) {
      this._runs = this._runs.map(r => (r === old ? next : r));
    } else {
      const order = new Map(this._ids.map((id, k) => [id, k]));
      this._runs = [...this._runs, next].sort(
        (a, b) => order.get(a.id)! - order.get(b.id)!
      );
    }
    this._follow(next);
    const ended = old?.status === 'running' && next.status !== 'running';
    if (ended) {
      this._end(next.id);
    }
    this._changed.emit('runs');
    if (ended) {
      void this.loadSeries([next.id]);
      if (this._records.size) {
        void this.loadRecords();
      }
    }
  }

  /**
   * The run ended: the store has its series and final record now. Its live
   * points stay drawn until the stored series is read.
   */
  private _end(id: string): void {
    const live = this._live.get(id);
    if (live) {
      live.grown.disconnect(this._onGrown, this);
      this._lastLive.set(id, live.series);
      this._live.delete(id);
    }
    this._series.delete(id);
    this._records.delete(id);
  }

  private _store: IRunStore;
  private _source: IRunsModel | null;
  private _ids: string[];
  private _runs: IRunSummary[];
  private _options: ICompareOptions;
  private _anomalyOptions: () => IAnomalyOptions;
  private _records = new Map<string, IRunRecord | Error>();
  private _series = new Map<string, RunSeries | null>();
  /** Live series of runs in flight in this page. */
  private _live = new Map<string, ILiveSeries>();
  /** The last live points of runs that ended, until their stored series. */
  private _lastLive = new Map<string, RunSeries>();
  private _loading = new Set<string>();
  private _liveTimer = 0;
  private _liveInterval: number;
  private _readFile: CompareModel.ReadFile | null;
  private _isDisposed = false;
  private _changed = new Signal<CompareModel, CompareChange>(this);
  private _seriesLoaded = new Signal<
    CompareModel,
    { id: string; series: RunSeries }
  >(this);
}

export namespace CompareModel {
  export interface IOptions {
    store: IRunStore;
    notebookPath: string;
    runIds: readonly string[];
    /** Summaries, when the caller has them; else looked up in `source`. */
    runs?: readonly IRunSummary[];
    /** The runs model: summaries as they change, live series. */
    source?: IRunsModel | null;
    /** Least ms between two redraws of live series. Default 250. */
    liveInterval?: number;
    /** Read a file of the runs folder, by path relative to it. */
    readFile?: ReadFile;
    /** The anomaly flags' settings, current when called. */
    anomalyOptions?: () => IAnomalyOptions;
  }

  /** Reads a text file of a notebook's runs folder. */
  export type ReadFile = (
    notebookPath: string,
    relativePath: string
  ) => Promise<string>;
}
