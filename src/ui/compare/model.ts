/**
 * The model of a compare view: which runs, their full records and metric
 * series (fetched once, on demand), and the view's options. Panes read it
 * and re-render on `changed`.
 *
 * Live: summaries follow the sidebar; a run still `running` (or whose
 * metric counts grew) has its series fetched again, at most once per
 * `liveInterval`, so curves extend as points arrive without re-reading
 * finished runs. The store holds no series until a run ends, so while it
 * runs its curves are built from the live summaries the sidebar receives
 * (each carries every metric's last step and value, a few times a second):
 * a coarse series that the stored one replaces as soon as it can be read.
 */
import type { IDisposable } from '@lumino/disposable';
import { Signal, type ISignal } from '@lumino/signaling';
import type { RunSeries } from '../../core/history/series';
import type { MetricAggregate } from '../../core/query/ast';
import type { IRunRecord, IRunSummary } from '../../core/run';
import type { XAxis } from '../../core/series/axis';
import type { IRunsExplorer, IRunStore } from '../../tokens';

/** What changed: panes redo only what depends on it. */
export type CompareChange = 'runs' | 'records' | 'series' | 'options';

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
    this._explorer = options.explorer ?? null;
    this.notebookPath = options.notebookPath;
    this._ids = [...options.runIds];
    this._runs = options.runs ? [...options.runs] : this._lookup();
    this._liveInterval = options.liveInterval ?? 1000;
    this._readFile = options.readFile ?? null;
    this._runs.forEach(r => this._foldLive(r));
    this._options = {
      ...DEFAULT_COMPARE_OPTIONS,
      referenceId: this._ids[0] ?? null
    };
    this._explorer?.changed.connect(this._onExplorerChanged, this);
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
    return this._explorer?.notebookPath === this.notebookPath
      ? this._explorer.runs
      : this._runs;
  }

  get options(): Readonly<ICompareOptions> {
    return this._options;
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
   * A run's series, once loaded (null: none logged); for a running run
   * without a stored series yet, its points so far from live summaries.
   */
  series(id: string): RunSeries | null | undefined {
    const stored = this._series.get(id);
    return stored ? stored : (this._live.get(id) ?? stored);
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
    const todo = ids.filter(
      id => !this._series.has(id) && !this._loading.has(id)
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

  private _lookup(): IRunSummary[] {
    const e = this._explorer;
    return this._ids
      .map(id => e?.getRun(id))
      .filter((r): r is IRunSummary => !!r);
  }

  /**
   * Add a running run's latest points (one per metric whose last step
   * moved) to its live series. New objects each time, so caches keyed by
   * series identity see the change. Returns whether anything was added.
   */
  private _foldLive(run: IRunSummary): boolean {
    if (run.status !== 'running' || !run.metrics) {
      return false;
    }
    const before = this._live.get(run.id);
    const next: RunSeries = { ...before };
    let added = false;
    const now = Date.now();
    for (const [name, m] of Object.entries(run.metrics)) {
      const s = next[name];
      const lastStep = s?.step[s.step.length - 1];
      if (
        !Number.isFinite(m.lastStep) ||
        (lastStep !== undefined && !(m.lastStep > lastStep))
      ) {
        continue;
      }
      next[name] = {
        step: [...(s?.step ?? []), m.lastStep],
        value: [...(s?.value ?? []), m.last],
        time: [...(s?.time ?? []), now]
      };
      added = true;
    }
    if (added) {
      this._live.set(run.id, next);
    }
    return added;
  }

  private _onExplorerChanged(): void {
    if (this._explorer?.notebookPath !== this.notebookPath) {
      return;
    }
    const next = this._lookup();
    if (!next.length) {
      return;
    }
    for (const r of next) {
      this._foldLive(r);
    }
    const before = new Map(this._runs.map(r => [r.id, r]));
    let changed = next.length !== this._runs.length;
    const stale: string[] = [];
    for (const r of next) {
      const old = before.get(r.id);
      if (old !== r) {
        changed = true;
        if (
          old &&
          (r.status === 'running' ||
            old.status === 'running' ||
            metricCount(r) !== metricCount(old))
        ) {
          stale.push(r.id);
        }
        if (old && old.status === 'running' && r.status !== 'running') {
          this._records.delete(r.id);
        }
      }
    }
    if (!changed) {
      return;
    }
    this._runs = next;
    this._changed.emit('runs');
    stale.forEach(id => this._stale.add(id));
    this._scheduleLive();
  }

  private _scheduleLive(): void {
    if (this._liveTimer || !this._stale.size) {
      return;
    }
    this._liveTimer = window.setTimeout(() => {
      this._liveTimer = 0;
      const ids = [...this._stale];
      this._stale.clear();
      ids.forEach(id => this._series.delete(id));
      void this.loadSeries(ids).then(() => this._scheduleLive());
      void this.loadRecords();
    }, this._liveInterval);
  }

  private _store: IRunStore;
  private _explorer: IRunsExplorer | null;
  private _ids: string[];
  private _runs: IRunSummary[];
  private _options: ICompareOptions;
  private _records = new Map<string, IRunRecord | Error>();
  private _series = new Map<string, RunSeries | null>();
  /** Running runs' points so far, from live summaries. */
  private _live = new Map<string, RunSeries>();
  private _loading = new Set<string>();
  private _stale = new Set<string>();
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
    /** Summaries, when the caller has them; else looked up in `explorer`. */
    runs?: readonly IRunSummary[];
    explorer?: IRunsExplorer | null;
    /** Minimum ms between live series refreshes. Default 1000. */
    liveInterval?: number;
    /** Read a file of the runs folder, by path relative to it. */
    readFile?: ReadFile;
  }

  /** Reads a text file of a notebook's runs folder. */
  export type ReadFile = (
    notebookPath: string,
    relativePath: string
  ) => Promise<string>;
}

function metricCount(r: IRunSummary): number {
  let n = 0;
  for (const k in r.metrics ?? {}) {
    n += r.metrics![k].count;
  }
  return n;
}
