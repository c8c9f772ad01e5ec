/**
 * Turns executions of experiment cells into runs.
 *
 * `NotebookActions.executionScheduled` fires before the execute request is
 * sent: it is where the kernel side is set up (once per kernel session;
 * after that the kernel arms tagged cells itself, see
 * `NotebookSession.arm`). `NotebookSession` follows the kernel: a run is
 * created as its execute request goes out (the code and tags exactly as
 * sent, the id derived from the request), starts (status `running`, file
 * written) when the kernel announces the execution, logs and outputs
 * stream in under its request, and the kernel's idle status for that
 * request ends it. `NotebookActions.executed` is not used: JupyterLab skips
 * it for an execution whose cell was run again before it ended (a queued
 * burst), and for cells cancelled by a restart.
 *
 * The kernel also writes each execution to its journal
 * (jupyterlab_runs/_journal.py); `JournalReconciler` turns what no page
 * recorded into runs, under the same ids.
 */
import type { Cell } from '@jupyterlab/cells';
import {
  NotebookActions,
  type INotebookTracker,
  type Notebook,
  type NotebookPanel
} from '@jupyterlab/notebook';
import type { JSONObject } from '@lumino/coreutils';
import type { IDisposable } from '@lumino/disposable';
import { MessageLoop } from '@lumino/messaging';
import { Signal, type ISignal } from '@lumino/signaling';
import { readKernelSlice, type CurrentCells } from '../core/capture/lineage';
import { describeRun } from '../core/capture/provenance';
import { newRunId, runIdForRequest } from '../core/id';
import { notebookStem } from '../core/paths';
import { recordExecution } from '../core/record';
import {
  summarize,
  type IRunEnvironmentRef,
  type IRunKernel,
  type IRunRecord,
  type IRunSummary,
  type RunOutput
} from '../core/run';
import { experimentName } from '../core/tags';
import type {
  ILiveSeries,
  IRecordingFailure,
  IRunRecorder,
  IRunStore
} from '../tokens';
import { ActiveRun, type IKernelSnapshot } from './activeRun';
import { environmentRef, finalizeRun } from './finalize';
import { LiveSeries } from './liveSeries';
import {
  NotebookSession,
  type IExecuteRequest,
  type ILostReason
} from './notebookSession';
import { storeRun } from './storeRun';
import {
  DEFAULT_CAPTURE_SETTINGS,
  kernelOptions,
  type ICaptureSettings
} from './settings';

/**
 * A `running` file is written only for executions that last longer than
 * this: short cells go straight to their final file (one write, not two).
 */
const RUNNING_FILE_DELAY_MS = 500;

export class RunRecorder implements IRunRecorder, IDisposable {
  constructor(options: RunRecorder.IOptions) {
    this._store = options.store;
    this._tracker = options.tracker;
    this._reconcile = options.reconcile ?? null;
    this._handOver = options.handOver ?? null;
    NotebookActions.executionScheduled.connect(this._onScheduled, this);
    // A notebook renamed (here or by another client): its kernel journals
    // into the runs folder at the new path.
    this._store.changed.connect((_, change) => {
      if (change.type === 'moved') {
        this._configureAll();
      }
    }, this);
  }

  private _configureAll(): void {
    for (const [panel, session] of this._sessions) {
      session.configure(
        this._kernelOptions(this._settings.captureEnvironment, panel)
      );
    }
  }

  get recorded(): ISignal<IRunRecorder, IRunRecord> {
    return this._recorded;
  }

  get failed(): ISignal<IRunRecorder, IRecordingFailure> {
    return this._failed;
  }

  get runUpdated(): ISignal<IRunRecorder, IRunSummary> {
    return this._runUpdated;
  }

  /**
   * Every point logged so far by a run this page is recording, until it is
   * handed to the store; null otherwise. Built on first request over the
   * run's `LogStream` (no copy), so runs nobody watches cost nothing.
   */
  liveSeries(runId: string): ILiveSeries | null {
    let live = this._live.get(runId);
    if (!live) {
      const run = this._recording.get(runId);
      if (!run || run.startedAt === null) {
        return null;
      }
      live = new LiveSeries(runId, run.stream);
      this._live.set(runId, live);
    }
    return live;
  }

  /** Per-phase main-thread time of each finished run (ms), for benchmarks. */
  get timingParts(): Record<string, number>[] {
    return this._timingParts;
  }

  /**
   * Main-thread time (ms) capture spent on each finished run: the signal
   * handlers, live updates, assembling the record and the synchronous part
   * of handing it to the store. Read by benchmarks/capture.
   */
  get timings(): number[] {
    return this._timings;
  }

  get settings(): ICaptureSettings {
    return this._settings;
  }

  set settings(value: ICaptureSettings) {
    this._settings = value;
    this._configureAll();
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
    for (const session of this._sessions.values()) {
      session.dispose();
    }
    this._sessions.clear();
    Signal.clearData(this);
  }

  /** Follow a notebook's kernel from the moment it opens. */
  track(panel: NotebookPanel): NotebookSession {
    let session = this._sessions.get(panel);
    if (!session) {
      session = new NotebookSession(panel, {
        requested: request => this._onRequested(panel, request),
        started: run => this._onStarted(panel, run),
        logged: run => this._onLogged(panel, run),
        ended: run => this._onEnded(panel, run),
        lost: (runs, reason) => this._onLost(panel, runs, reason),
        closed: (runs, kernelId) => this._onClosed(panel, runs, kernelId),
        idle: at => this._onIdle(panel, at)
      });
      const configure = () =>
        session!.configure(
          this._kernelOptions(this._settings.captureEnvironment, panel)
        );
      configure();
      // The kernel journals into the runs folder of the notebook's path.
      panel.context.pathChanged.connect(configure);
      this._sessions.set(panel, session);
      // Closing with runs in flight: keep its cells, which are gone by the
      // time the view's session lets go of the kernel (`_onClosed`).
      MessageLoop.installMessageHook(panel, (_, msg) => {
        if (msg.type === 'close-request' && session!.hasUnfinished) {
          this._closingCells.set(panel, currentCells(panel));
        }
        return true;
      });
      panel.disposed.connect(() => {
        panel.context.pathChanged.disconnect(configure);
        this._sessions.get(panel)?.dispose();
        this._sessions.delete(panel);
      });
    }
    return session;
  }

  /**
   * Before the request goes out: set the kernel side up if it is not yet
   * (the first experiment or parameters cell of a kernel session). From
   * then on the kernel arms tagged cells itself and nothing is sent here.
   */
  private _onScheduled(
    _: unknown,
    args: { notebook: Notebook; cell: Cell }
  ): void {
    const { notebook, cell } = args;
    const panel = this._panelOf(notebook);
    if (!panel || cell.model.type !== 'code' || !this._isPython(panel)) {
      return;
    }
    const code = cell.model.sharedModel.getSource();
    const tags = cell.model.getMetadata('tags') as unknown[] | undefined;
    const experiment = experimentName(
      tags,
      notebookStem(panel.context.localPath)
    );
    const isParameters =
      Array.isArray(tags) && tags.includes('parameters') && !experiment;
    if (!code.trim()) {
      return;
    }
    if (experiment === null && !isParameters) {
      // Any other cell of a notebook with experiments, run before the
      // kernel side is set up (opened and Run All at once, before the
      // kernel was first seen idle): set it up ahead of this cell's request,
      // so the kernel's history sees this execution too. Unseen, the names
      // it defined (the imports of a first cell) were unresolved in every
      // later run's slice, and each run of the session took the whole
      // session as its lineage (hundreds of entries, tens of KB a run
      // file, growing with each execution) with an "unknown" verdict.
      const session = this.track(panel);
      if (!session.isSetUp && hasExperimentCells(panel)) {
        void session.setUp();
      }
      return;
    }
    if (experiment === null && !this._settings.captureParams) {
      return;
    }
    const session = this.track(panel);
    void session.arm(
      `arm-${newRunId()}`,
      code,
      experiment !== null
        ? this._kernelOptions(
            this._settings.captureEnvironment && session.needsEnvironment,
            panel
          )
        : { environment: false, datasets: false, params: true }
    );
  }

  /**
   * The kernel is idle (first seen, or after executions of others): set the
   * kernel side up early if the notebook has experiment cells, so the
   * kernel's history is complete, and read its journal.
   */
  private _onIdle(panel: NotebookPanel, at: number): void {
    const session = this._sessions.get(panel);
    if (session && this._isPython(panel) && hasExperimentCells(panel)) {
      void session.setUp();
    }
    this._reconcile?.(panel, at);
  }

  /** An execute request went out: a run if its cell is an experiment. */
  private _onRequested(
    panel: NotebookPanel,
    request: IExecuteRequest
  ): ActiveRun | null {
    const experiment = experimentName(
      request.tags,
      notebookStem(panel.context.localPath)
    );
    if (experiment === null || !request.code.trim()) {
      return null;
    }
    const run = new ActiveRun(
      runIdForRequest(request.msgId, request.dateMs),
      request.cellId,
      request.code,
      experiment
    );
    this._recording.set(run.id, run);
    return run;
  }

  /** A run whose execution never started (aborted or cancelled): no run. */
  private _drop(run: ActiveRun): void {
    this._settle(run);
    run.outputs.dispose();
    this._recording.delete(run.id);
    this._endLive(run.id);
  }

  /**
   * The run is final (ended, or dropped): no more live summaries, and no
   * `running` file written for it after all.
   */
  private _settle(run: ActiveRun): void {
    run.finalized = true;
    run.endLiveSummaries();
    if (run.startTimer) {
      clearTimeout(run.startTimer);
      run.startTimer = null;
    }
  }

  private _endLive(runId: string): void {
    this._live.get(runId)?.dispose();
    this._live.delete(runId);
  }

  /**
   * Whether this page is recording the run right now (from its request
   * until its file is handed to the store, or it was dropped).
   */
  isRecording(runId: string): boolean {
    return this._recording.has(runId);
  }

  /** Snapshot options for the kernel (`kernelOptions`). */
  private _kernelOptions(
    environment: boolean,
    panel: NotebookPanel | null = null
  ): JSONObject {
    return kernelOptions(
      this._settings,
      environment,
      panel ? this._notebookPath(panel) : undefined
    );
  }

  /** The kernel finished the run's execution: record it. */
  private _onEnded(panel: NotebookPanel, run: ActiveRun): void {
    if (run.finalized) {
      return;
    }
    if (run.startedAt === null) {
      this._drop(run);
      return;
    }
    const t0 = performance.now();
    const session = this.track(panel);
    const outputs = run.outputs.toJSON();
    run.spend('ended', performance.now() - t0);
    void this._finish(panel, session, run, {
      success: run.error === null && run.endUnseen === null,
      error:
        run.endUnseen !== null
          ? { ename: 'RunEndUnseen', evalue: run.endUnseen, traceback: [] }
          : run.error,
      outputs,
      endedAt: Date.now(),
      interrupted: run.endUnseen !== null
    });
  }

  private _onStarted(panel: NotebookPanel, run: ActiveRun): void {
    const t0 = performance.now();
    // Views hear of the run once it has lasted LIVE_DELAY_MS; a shorter
    // one reaches them ended, through the store (`takeLiveSummary`).
    run.scheduleLiveSummaries(() => this._emitLive(panel, run));
    run.startTimer = setTimeout(() => {
      run.startTimer = null;
      if (!run.finalized) {
        const record = this._baseRecord(panel, run, {
          status: 'running',
          outputs: []
        });
        run
          .write(() => this._store.save(record))
          .catch(error => this._fail(panel, run, error));
      }
    }, RUNNING_FILE_DELAY_MS);
    run.spend('started', performance.now() - t0);
  }

  private _onLogged(panel: NotebookPanel, run: ActiveRun): void {
    const t0 = performance.now();
    try {
      this._live.get(run.id)?.update();
      this._emitLive(panel, run);
    } finally {
      run.spend('live', performance.now() - t0);
    }
  }

  private _emitLive(panel: NotebookPanel, run: ActiveRun): void {
    if (!run.takeLiveSummary(Date.now(), run.stream.final)) {
      return;
    }
    // The stream keeps running aggregates: a live update copies a few
    // numbers per metric instead of rebuilding the record or rescanning.
    run.live ??= summarize(
      this._baseRecord(panel, run, { status: 'running', outputs: [] })
    );
    const metrics: NonNullable<IRunSummary['metrics']> = {};
    for (const [name, a] of run.stream.aggregates) {
      metrics[name] = { ...a };
    }
    this._runUpdated.emit({
      ...run.live,
      metrics,
      params: { ...run.stream.params } as IRunSummary['params']
    });
  }

  private _onLost(
    panel: NotebookPanel,
    runs: ActiveRun[],
    reason: ILostReason
  ): void {
    for (const run of runs) {
      if (run.finalized) {
        continue;
      }
      if (run.startedAt === null) {
        this._drop(run);
        continue;
      }
      void this._finish(panel, null, run, {
        success: false,
        error: { ...reason, traceback: [] },
        outputs: run.outputs.toJSON(),
        endedAt: Date.now(),
        interrupted: true
      });
    }
  }

  /**
   * The notebook's view closed with these runs in flight: nothing is
   * written for them here (neither an end nor the points seen so far:
   * the kernel's journal has them whole, and its record replaces the
   * `running` file if one was written); they are handed to whoever follows
   * the journal (`handOver`), which records them once the kernel is done.
   */
  private _onClosed(
    panel: NotebookPanel,
    runs: ActiveRun[],
    kernelId: string | null
  ): void {
    // What the view showed of each until now, and the `parameters` cell's
    // values it ran with: the journal has neither.
    const outputs = new Map<string, RunOutput[]>();
    const parameters = new Map<string, Record<string, unknown>>();
    const session = this._sessions.get(panel);
    for (const run of runs) {
      if (run.startedAt !== null) {
        outputs.set(run.id, run.outputs.toJSON());
        const given = session?.parametersBefore(run.historyIndex);
        if (given) {
          parameters.set(run.id, given);
        }
      }
      this._drop(run);
    }
    // The notebook's cells as the view left them: the journal's record
    // analyses its kernel slice against them (its lineage), the view gone.
    const cells = this._closingCells.get(panel) ?? null;
    this._closingCells.delete(panel);
    this._handOver?.({
      notebookPath: this._notebookPath(panel),
      kernelId,
      cells: cells?.size ? cells : null,
      outputs,
      parameters
    });
  }

  private async _finish(
    panel: NotebookPanel,
    session: NotebookSession | null,
    run: ActiveRun,
    end: {
      success: boolean;
      error: { ename: string; evalue: string; traceback: string[] } | null;
      outputs: RunOutput[];
      endedAt: number;
      interrupted?: boolean;
    }
  ): Promise<void> {
    this._settle(run);
    try {
      const armed = session ? await run.armed : false;
      const snapshot = armed
        ? await run.waitForSnapshot(this._settings.snapshotTimeoutMs)
        : run.snapshot;
      const environment = await this._environment(
        panel,
        session,
        armed,
        snapshot
      );
      const tLineage = performance.now();
      // The kernel's dependency slice when it sent a complete one; else the
      // session history this page saw (kernels without jupyterlab_runs, or
      // a name the slice could not resolve because it was defined before
      // the kernel side was set up: the page may have seen it).
      const given = session?.parametersRunBefore(run.historyIndex) ?? null;
      const checked = this._settings.captureLineage
        ? describeRun(
            readKernelSlice(snapshot?.slice),
            currentCells(panel),
            {
              cellId: run.cellId,
              code: run.code,
              executionCount: run.executionCount
            },
            session ? session.historyBefore(run.historyIndex) : null,
            given?.superseded ? given.executionCount : null
          )
        : {};
      const parameters = given?.params ?? null;
      run.spend('lineage', performance.now() - tLineage);
      const kernel = await kernelOf(panel);
      const t0 = performance.now();
      const final = finalizeRun(run, end.outputs, {
        settings: this._settings,
        snapshot,
        parameters,
        environment,
        ...checked
      });
      const base = recordExecution({
        id: run.id,
        notebookPath: this._notebookPath(panel),
        cellId: run.cellId ?? '',
        experiment: run.experiment,
        code: run.code,
        executionCount: run.executionCount,
        startedAt: Math.min(run.startedAt ?? run.scheduledAt, end.endedAt),
        endedAt: end.endedAt,
        success: end.success,
        error: end.error,
        outputs: final.outputs,
        kernel
      });
      const record: IRunRecord = { ...base, ...final.fields };
      if (end.interrupted) {
        record.status = 'interrupted';
      }
      run.spend('assemble', performance.now() - t0);
      await run.write(() => {
        const t1 = performance.now();
        return storeRun(this._store, record, final, summary => {
          run.spend('storeCall', performance.now() - t1);
          // The run as it ended, shown as soon as the store has it (as its
          // live summaries were; the store answers for it from the `save`
          // call on). The store reports it once its outbox write is
          // durable, a round trip to the writer worker later, when the
          // cell's own redraws are usually done: its row was then drawn in
          // a frame of its own. Shown saved or not the same (a row marks a
          // run "not yet saved" only once it has waited `SHOW_AFTER_MS`); a
          // run the store then refuses leaves the runs model with the
          // failure (`RunsModel`).
          this._runUpdated.emit(summary);
        });
      });
      this._timings.push(run.mainThreadMs);
      this._timingParts.push(run.timingParts);
      this._recorded.emit(record);
    } catch (e) {
      this._fail(panel, run, e);
    } finally {
      session?.release(run);
      this._recording.delete(run.id);
      this._endLive(run.id);
      run.outputs.dispose();
    }
  }

  /** Reference the environment, writing `env-<hash>.json` once per hash. */
  private async _environment(
    panel: NotebookPanel,
    session: NotebookSession | null,
    armed: boolean,
    snapshot: IKernelSnapshot | null
  ): Promise<IRunEnvironmentRef> {
    if (!this._isPython(panel)) {
      return {
        deepProbe: false,
        reason:
          'The environment probe needs a Python kernel; only the kernel information was recorded.'
      };
    }
    if (!this._settings.captureEnvironment) {
      return {
        deepProbe: false,
        reason: 'Environment capture is turned off in the settings.'
      };
    }
    const key = panel;
    const env = environmentRef(snapshot, new Date());
    if (env) {
      const ref = env.ref;
      // Content-addressed: each file (environment, git diff) once per folder.
      const folderKey = `${panel.context.localPath}#${env.files.map(f => f.name).join('#')}`;
      if (!this._writtenEnvironments.has(folderKey)) {
        try {
          for (const file of env.files) {
            const key = `${panel.context.localPath}#${file.name}`;
            if (!this._writtenEnvironments.has(key)) {
              await this._store.writeFile(
                panel.context.localPath,
                file.name,
                file.content,
                'text'
              );
              this._writtenEnvironments.add(key);
            }
          }
          this._writtenEnvironments.add(folderKey);
        } catch (e) {
          // The run still references it; the next run probes and writes again.
          console.warn('jupyterlab-runs: environment not written', e);
        }
      }
      this._lastEnvironment.set(key, ref);
      if (session) {
        if (this._writtenEnvironments.has(folderKey)) {
          session.environmentStored();
        } else {
          session.requestEnvironment();
        }
      }
      return ref;
    }
    // The kernel process probed earlier: still its environment.
    const last = this._lastEnvironment.get(key);
    if (last) {
      return last;
    }
    if (!session) {
      return {
        deepProbe: false,
        reason:
          'The kernel restarted, died or was changed before it sent this run’s environment.'
      };
    }
    if (!armed) {
      return {
        deepProbe: false,
        reason:
          "jupyterlab_runs is not importable in this kernel: install jupyterlab-runs in the kernel's environment to record packages, git state and parameters."
      };
    }
    return {
      deepProbe: false,
      reason: 'The kernel did not send an environment snapshot in time.'
    };
  }

  private _baseRecord(
    panel: NotebookPanel,
    run: ActiveRun,
    extra: { status: 'running'; outputs: RunOutput[] }
  ): IRunRecord {
    const started = run.startedAt ?? run.scheduledAt;
    return {
      ...recordExecution({
        id: run.id,
        notebookPath: panel.context.localPath,
        cellId: run.cellId ?? '',
        experiment: run.experiment,
        code: run.code,
        executionCount: run.executionCount,
        startedAt: started,
        endedAt: started,
        success: true,
        outputs: extra.outputs,
        kernel: this._kernelInfo.get(panel) ?? {
          name: panel.sessionContext.session?.kernel?.name ?? '',
          language: '',
          languageVersion: ''
        }
      }),
      status: extra.status,
      endedAt: null,
      durationMs: null
    };
  }

  private _fail(panel: NotebookPanel, run: ActiveRun, e: unknown): void {
    const failure = {
      notebookPath: panel.context.localPath,
      runId: run.id,
      error: e instanceof Error ? e : new Error(String(e))
    };
    console.error('jupyterlab-runs: could not record a run', failure);
    this._failed.emit(failure);
  }

  /** The notebook's path, following renames by other clients. */
  private _notebookPath(panel: NotebookPanel): string {
    const path = panel.context.localPath;
    return this._store.resolvePath?.(path) ?? path;
  }

  private _isPython(panel: NotebookPanel): boolean {
    const info = this._kernelInfo.get(panel);
    if (info) {
      return info.language.toLowerCase() === 'python';
    }
    // Before kernel_info arrives, trust the kernelspec's language.
    const spec = panel.sessionContext.session?.kernel?.name ?? '';
    void kernelOf(panel).then(k => this._kernelInfo.set(panel, k));
    return /python|ipykernel|py/i.test(spec);
  }

  private _panelOf(notebook: Notebook): NotebookPanel | null {
    return this._tracker.find(panel => panel.content === notebook) ?? null;
  }

  private _store: IRunStore;
  private _tracker: INotebookTracker;
  private _reconcile: RunRecorder.IOptions['reconcile'] | null;
  private _handOver: RunRecorder.IOptions['handOver'] | null;
  private _settings: ICaptureSettings = DEFAULT_CAPTURE_SETTINGS;
  private _sessions = new Map<NotebookPanel, NotebookSession>();
  private _closingCells = new WeakMap<NotebookPanel, CurrentCells>();
  private _kernelInfo = new WeakMap<NotebookPanel, IRunKernel>();
  private _lastEnvironment = new WeakMap<NotebookPanel, IRunEnvironmentRef>();
  private _writtenEnvironments = new Set<string>();
  /** Runs this page records, by id, from their request to the store. */
  private _recording = new Map<string, ActiveRun>();
  private _live = new Map<string, LiveSeries>();
  private _timings: number[] = [];
  private _timingParts: Record<string, number>[] = [];
  private _isDisposed = false;
  private _recorded = new Signal<IRunRecorder, IRunRecord>(this);
  private _failed = new Signal<IRunRecorder, IRecordingFailure>(this);
  private _runUpdated = new Signal<IRunRecorder, IRunSummary>(this);
}

/** Runs in flight of a notebook whose view closed (`RunRecorder` `handOver`). */
export interface IClosedRuns {
  notebookPath: string;
  /** Their kernel, which may still run them (null: not known). */
  kernelId: string | null;
  /** The notebook's cells as the view closed, for their lineage. */
  cells: CurrentCells | null;
  /** What the view showed of each started run until then, by run id. */
  outputs: Map<string, RunOutput[]>;
  /** The `parameters` cell's values each started run ran with, by run id. */
  parameters: Map<string, Record<string, unknown>>;
}

export namespace RunRecorder {
  export interface IOptions {
    store: IRunStore;
    tracker: INotebookTracker;
    /**
     * Called when a notebook's kernel is seen idle (`at`, epoch ms): the
     * time to turn what the kernel journaled and no page recorded into
     * runs (`JournalReconciler`).
     */
    reconcile?: (panel: NotebookPanel, at: number) => void;
    /**
     * Called when a notebook's view closed with runs in flight, which its
     * kernel (`kernelId`, null if not known) may still be running: follow
     * its journal until they are recorded (`JournalFollower`).
     */
    handOver?: (closed: IClosedRuns) => void;
  }
}

/** Whether any code cell of the notebook is tagged as an experiment. */
function hasExperimentCells(panel: NotebookPanel): boolean {
  const cells = panel.content.model?.cells;
  if (!cells) {
    return false;
  }
  for (let i = 0; i < cells.length; i++) {
    const cell = cells.get(i);
    if (
      cell.type === 'code' &&
      experimentName(cell.getMetadata('tags') as unknown[] | undefined, '') !==
        null
    ) {
      return true;
    }
  }
  return false;
}

/** The notebook's code cells now, by id, for lineage analysis. */
export function currentCells(panel: NotebookPanel): CurrentCells {
  const cells = new Map<string, { index: number; source: string }>();
  const model = panel.content.model;
  if (!model) {
    return cells;
  }
  for (let i = 0; i < model.cells.length; i++) {
    const cell = model.cells.get(i);
    cells.set(cell.id, { index: i, source: cell.sharedModel.getSource() });
  }
  return cells;
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
