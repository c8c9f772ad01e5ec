/**
 * Turns what the kernel journaled, and no page recorded, into runs.
 *
 * The kernel writes every experiment execution to
 * `<stem>.runs/journal/<run id>.jsonl` (jupyterlab_runs/_journal.py), whether
 * or not a page listens. A page that was open records the run itself, under
 * the same id (both derive it from the execute request), so nothing is
 * recorded twice: the journal only fills in what no page saw — a tab closed,
 * reloaded or crashed in the middle of a queued burst, a run whose end a
 * dropped connection hid — and its end replaces a page's guess
 * (`interrupted` because the page lost sight of it). Journal files of runs
 * that are final on the server are deleted.
 *
 * A page reconciles when it opens a notebook and each time it sees the
 * kernel idle after executions it did not send (another tab's, or those
 * queued before a reload). Executions another page may still be saving are
 * left for a grace period, then taken (a later save of the same run by that
 * page replaces this one, as it should: it has the outputs). No page can be
 * saving them when no other page is connected to their kernel (the
 * server's count of its connections, less this page's own): a tab closed
 * in the middle of a burst, or a kernel no page listens to. Then they are
 * taken at once: a user who closed a tab and opened the notebook again
 * waited 15 s or more for the runs of the burst to appear, and could take
 * them for lost.
 */
import type { Contents } from '@jupyterlab/services';
import {
  JOURNAL_FOLDER,
  journalKernelId,
  journalRunId,
  parseJournal,
  parseKernelFile,
  type IJournalExecution
} from '../core/capture/journal';
import { readKernelSlice, type CurrentCells } from '../core/capture/lineage';
import { describeRun } from '../core/capture/provenance';
import { LogStream } from '../core/capture/logStream';
import { forEachLimited } from '../core/concurrency';
import { notebookStem, runsFolder, safeJoin } from '../core/paths';
import { recordExecution } from '../core/record';
import type {
  IRunEnvironmentRef,
  IRunRecord,
  IRunSummary,
  RunOutput
} from '../core/run';
import { experimentName } from '../core/tags';
import type { IRunStore, IRunStoreChange } from '../tokens';
import type { IKernelSnapshot } from './activeRun';
import { environmentRef, finalizeRun } from './finalize';
import type { ICaptureSettings } from './settings';
import { storeRun } from './storeRun';

/** Runs another page may still be saving are left alone this long (ms). */
export const JOURNAL_GRACE_MS = 15_000;
/** The next pass while a burst may still be going on (ms). */
export const FOLLOW_UP_MS = 2_000;
/** Errors with which a page ends a run it lost sight of: the journal knows better. */
/** How a page ends runs whose kernel restarted, died or was changed. */
const KERNEL_ENDS = new Set(['KernelRestart', 'KernelDied', 'KernelChanged']);
const GUESSED_ENDS = new Set([
  'RunEndUnseen',
  'KernelRestart',
  'KernelDied',
  'KernelChanged',
  'RunAbandoned'
]);
const READ_CONCURRENCY = 4;

export interface IReconcileResult {
  /** Runs written from the journal. */
  recorded: string[];
  /** Journal files deleted because their run is final on the server. */
  cleaned: number;
  /** Executions left for later (still running, or within the grace period). */
  waiting: number;
  /** Of those, the ones still running in the kernel. */
  running: number;
  /** Journal files that could not be read, with the reason. */
  refused: { name: string; reason: string }[];
}

export class JournalReconciler {
  constructor(options: JournalReconciler.IOptions) {
    this._store = options.store;
    this._contents = options.contents;
    this._runningKernels = options.runningKernels;
    this._isRecording = options.isRecording;
    this._settings = options.settings;
    this._cells = options.cells ?? (() => null);
    this._seen = options.seen ?? (() => null);
    this._now = options.now ?? Date.now;
  }

  /**
   * Reconcile the journal of one notebook's runs folder. Calls for the same
   * notebook never overlap: one that arrives during another runs after it.
   * When executions were left within the grace period, one more pass is
   * scheduled once it has passed.
   */
  reconcile(
    notebookPath: string,
    options: { idleAt?: number } = {}
  ): Promise<IReconcileResult> {
    const previous = this._queue.get(notebookPath) ?? Promise.resolve();
    const next = previous
      .catch(() => undefined)
      .then(() => this._reconcile(notebookPath, options));
    this._queue.set(notebookPath, next);
    void next.finally(() => {
      if (this._queue.get(notebookPath) === next) {
        this._queue.delete(notebookPath);
      }
    });
    return next;
  }

  dispose(): void {
    for (const { timer } of this._retries.values()) {
      clearTimeout(timer);
    }
    this._retries.clear();
  }

  private async _reconcile(
    notebookPath: string,
    options: { idleAt?: number }
  ): Promise<IReconcileResult> {
    const result: IReconcileResult = {
      recorded: [],
      cleaned: 0,
      waiting: 0,
      running: 0,
      refused: []
    };
    // Runs this page queued or saved while the pass goes on: the listing
    // below does not have them, and the page may have stopped recording
    // one by the time the pass reaches it. Taken from the journal then, a
    // run the page had just saved with its outputs was replaced by the
    // journal's, without them (CI, "the server killed mid-run, then three
    // runs on a new kernel"). They wait for the next pass, which lists them.
    const saved = new Set<string>();
    const onChanged = (_: IRunStore, change: IRunStoreChange) => {
      if ('run' in change) {
        saved.add(change.run.id);
      }
    };
    this._store.changed.connect(onChanged);
    try {
      // The folder as it is now: which runs are on the server decides what
      // the journal still has to write (one small request when unchanged).
      const listing = await this._store.list(notebookPath, { current: true });
      const runs = new Map(listing.runs.map(r => [r.id, r]));
      const journaled = new Set<string>();
      if (listing.journal) {
        await this._readJournal(notebookPath, runs, journaled, result, id =>
          saved.has(id)
        );
      }
      if (options.idleAt !== undefined) {
        await this._endAbandoned(notebookPath, runs, journaled, options.idleAt);
      }
    } finally {
      this._store.changed.disconnect(onChanged);
    }
    // Another pass soon while a burst may still be going on (runs just
    // taken: a page that was closed may have left more queued, and this
    // page may not be told when the kernel goes idle after them); else,
    // for executions still running or left to another page, once the grace
    // period is over (a long cell's journal grows with every point it
    // logs: not read every few seconds).
    if (result.recorded.length > 0) {
      this._retryIn(notebookPath, FOLLOW_UP_MS);
    } else if (result.waiting > 0) {
      this._retryIn(notebookPath, JOURNAL_GRACE_MS + 1000);
    }
    return result;
  }

  /** Reconcile again in `delay` ms, unless a pass is due sooner. */
  private _retryIn(notebookPath: string, delay: number): void {
    const due = Date.now() + delay;
    const scheduled = this._retries.get(notebookPath);
    if (scheduled) {
      if (scheduled.due <= due) {
        return;
      }
      clearTimeout(scheduled.timer);
    }
    this._retries.set(notebookPath, {
      due,
      timer: setTimeout(() => {
        this._retries.delete(notebookPath);
        void this.reconcile(notebookPath).catch(e =>
          console.warn('jupyterlab-runs: journal not reconciled', e)
        );
      }, delay)
    });
  }

  private async _readJournal(
    notebookPath: string,
    runs: Map<string, IRunSummary>,
    journaled: Set<string>,
    result: IReconcileResult,
    savedSinceListed: (id: string) => boolean
  ): Promise<void> {
    const folder = safeJoin(runsFolder(notebookPath), JOURNAL_FOLDER);
    let model: Contents.IModel;
    try {
      model = await this._contents.get(folder, { content: true });
    } catch {
      return; // removed meanwhile
    }
    const items = Array.isArray(model.content)
      ? (model.content as Contents.IModel[])
      : [];
    const pids = new Map<string, number>();
    const executions: Contents.IModel[] = [];
    for (const item of items) {
      if (item.type === 'directory') {
        continue;
      }
      const kernel = journalKernelId(item.name);
      if (kernel !== null) {
        const text = await this._read(safeJoin(folder, item.name));
        const parsed = text === null ? null : parseKernelFile(text);
        if (parsed) {
          pids.set(kernel, parsed.pid);
        }
      } else if (journalRunId(item.name) !== null) {
        executions.push(item);
        journaled.add(journalRunId(item.name)!);
      }
    }
    const now = this._now();
    let running: Promise<RunningKernels | null> | null = null;
    const runningKernels = () => (running ??= this._runningKernels());
    await forEachLimited(executions, READ_CONCURRENCY, async item => {
      const id = journalRunId(item.name)!;
      const path = safeJoin(folder, item.name);
      const existing = runs.get(id);
      const age = now - Date.parse(item.last_modified);
      // Being recorded by this page, or saved by it since the listing.
      const pageHasIt = () => this._isRecording(id) || savedSinceListed(id);
      if (pageHasIt()) {
        result.waiting++;
        return;
      }
      // Removes the journal file once no other page may still need it.
      const clean = async () => {
        if (age > JOURNAL_GRACE_MS && (await this._remove(path))) {
          result.cleaned++;
        }
      };
      // How a page ended the run, when it is final: read once, used twice.
      const ended =
        existing && existing.status !== 'running'
          ? await this._pageEnd(notebookPath, existing)
          : null;
      if (ended !== null && !GUESSED_ENDS.has(ended)) {
        // Final on the server (or held by this page's outbox, which
        // writes it): the journal has nothing more to say.
        await clean();
        return;
      }
      const text = await this._read(path);
      if (text === null) {
        return;
      }
      const parsed = parseJournal(text, id);
      if (!parsed.ok) {
        result.refused.push({ name: item.name, reason: parsed.reason });
        return;
      }
      const execution = parsed.execution;
      if (existing && ended !== null && !execution.end) {
        // A page ended it by a guess and the kernel never wrote an end
        // either (killed or restarted): the page's record, with its
        // outputs and reason, is the better one; but points the kernel
        // logged just before it went may never have reached the page.
        if (age < JOURNAL_GRACE_MS) {
          result.waiting++;
          return;
        }
        if (await this._addMissedPoints(notebookPath, existing, execution)) {
          result.recorded.push(id);
        } else if (await this._remove(path)) {
          result.cleaned++;
        }
        return;
      }
      if (
        execution.end?.status === 'interrupted' &&
        ended !== null &&
        KERNEL_ENDS.has(ended)
      ) {
        // The kernel was interrupted as the page said (a restart or a
        // shutdown interrupts the cell): the page's record names why, and
        // has the outputs.
        await clean();
        return;
      }
      const kernels = await runningKernels();
      const over =
        execution.end !== null || this._stopped(execution, pids, kernels);
      if (!over) {
        result.waiting++;
        result.running++;
        return;
      }
      if (age < JOURNAL_GRACE_MS && othersMaySave(execution, kernels)) {
        // Another page may be saving it right now.
        result.waiting++;
        return;
      }
      const record = await this._record(notebookPath, execution, pageHasIt);
      if (record) {
        result.recorded.push(record.id);
      } else {
        // This page saved it while its journal was read.
        result.waiting++;
      }
    });
  }

  /**
   * How a page ended a final run: the error name of an interrupted run
   * (a guess such as `RunEndUnseen`, or a kernel restart, death or change),
   * or '' for any other final status. The journal's own end replaces a
   * guess.
   */
  private async _pageEnd(
    notebookPath: string,
    summary: IRunSummary
  ): Promise<string> {
    if (summary.status !== 'interrupted') {
      return '';
    }
    try {
      const record = await this._store.get(notebookPath, summary.id);
      return record.error?.ename ?? '';
    } catch {
      return '';
    }
  }

  /**
   * Whether the process that ran an unfinished execution is gone: its
   * kernel is not running, or now runs in another process (a restart).
   */
  private _stopped(
    execution: IJournalExecution,
    pids: Map<string, number>,
    running: RunningKernels | null
  ): boolean {
    if (running && execution.kernel && !running.has(execution.kernel)) {
      return true;
    }
    const pid = pids.get(execution.kernel);
    return pid !== undefined && execution.pid !== null && pid !== execution.pid;
  }

  /**
   * Give a run the page ended the metric points the journal has and the
   * page never received (the kernel died right after logging them).
   * Returns whether the run was rewritten.
   */
  private async _addMissedPoints(
    notebookPath: string,
    existing: IRunSummary,
    execution: IJournalExecution
  ): Promise<boolean> {
    const stream = streamOf(execution);
    const had = Object.values(existing.metrics ?? {}).reduce(
      (n, m) => n + m.count,
      0
    );
    if (stream.points <= had) {
      return false;
    }
    const record = await this._store.get(notebookPath, existing.id);
    const final = finalizeRun(
      { id: record.id, stream, experiment: record.experiment },
      [],
      {
        settings: this._settings(),
        snapshot: null,
        parameters: null,
        environment: record.environment ?? { deepProbe: false },
        lineage: record.lineage
      }
    );
    record.metrics = final.fields.metrics;
    record.hasSeries = final.fields.hasSeries;
    record.capture = {
      ...record.capture,
      notes: [
        ...(record.capture?.notes ?? []),
        'Metric points logged just before the kernel stopped, which never reached the page, were added from the kernel’s journal.'
      ]
    };
    await this._store.save(record, { series: final.series });
    return true;
  }

  /**
   * Build and save the run of a journaled execution; null, saving nothing,
   * when `pageHasIt` by the time it would be saved.
   */
  private async _record(
    notebookPath: string,
    execution: IJournalExecution,
    pageHasIt: () => boolean
  ): Promise<IRunRecord | null> {
    const settings = this._settings();
    const stream = streamOf(execution);
    const snapshot = (execution.end?.snapshot ??
      null) as IKernelSnapshot | null;
    const env = environmentRef(snapshot, new Date(execution.startedAt));
    let environment: IRunEnvironmentRef = env?.ref ?? {
      deepProbe: false,
      reason:
        'Recorded from the kernel’s journal: the environment was probed by an earlier run of this kernel, not this one.'
    };
    if (env) {
      try {
        for (const file of env.files) {
          await this._store.writeFile(
            notebookPath,
            file.name,
            file.content,
            'text'
          );
        }
      } catch {
        environment = {
          deepProbe: false,
          reason: 'The environment file could not be written.'
        };
      }
    }
    const experiment =
      experimentName(execution.tags, notebookStem(notebookPath)) ??
      notebookStem(notebookPath);
    // The kernel's slice, analysed against the notebook if a page has it open.
    const slice = readKernelSlice(snapshot?.slice);
    const cells = this._cells(notebookPath);
    const checked =
      cells && settings.captureLineage
        ? describeRun(
            slice,
            cells,
            {
              cellId: execution.cellId,
              code: execution.code,
              executionCount: execution.executionCount
            },
            null,
            // The kernel's record of the parameters it ran with: read after
            // the fact, against the cells as they are now (the sweep has
            // moved on from them), they are the run's own.
            execution.paramsCount
          )
        : {};
    const lineage = checked.lineage;
    // What a view showed of it until its tab was closed, if this page had
    // it. The `parameters` cell's values it ran with: the kernel's own
    // (journaled when it started, so a run no page saw has them too), else
    // the view's.
    const seen = this._seen(notebookPath, execution.id);
    const final = finalizeRun(
      { id: execution.id, stream, experiment },
      seen?.outputs ?? [],
      {
        settings,
        snapshot,
        parameters: execution.params ?? seen?.parameters ?? null,
        environment,
        ...checked
      }
    );
    const end = execution.end;
    const stoppedAt = Math.max(execution.lastSeen, execution.startedAt);
    const error =
      end?.error ??
      (end === null
        ? {
            ename: 'KernelStopped',
            evalue:
              'The kernel stopped (shut down, restarted or died) while this run executed.',
            traceback: []
          }
        : null);
    const base = recordExecution({
      id: execution.id,
      notebookPath,
      cellId: execution.cellId ?? '',
      experiment,
      code: execution.code,
      executionCount: execution.executionCount,
      startedAt: execution.startedAt,
      endedAt: end?.at ?? stoppedAt,
      success: end !== null && end.status === 'ok',
      error,
      outputs: final.outputs,
      kernel: {
        name: '',
        language: 'python',
        languageVersion: pythonVersion(snapshot) ?? ''
      }
    });
    const record: IRunRecord = { ...base, ...final.fields };
    if (end === null || end.status === 'interrupted') {
      record.status = 'interrupted';
    } else if (end.status === 'unknown') {
      record.status = 'interrupted';
    }
    record.capture = {
      ...record.capture,
      notes: [
        ...(record.capture?.notes ?? []),
        seen
          ? 'Recorded from the kernel’s journal: its notebook’s tab was closed while it ran, so its outputs are those shown until then.'
          : lineage
            ? 'Recorded from the kernel’s journal: no page was watching when it ended, so its outputs were not captured.'
            : 'Recorded from the kernel’s journal: no page was watching when it ended, so its outputs and lineage were not captured.'
      ]
    };
    if (pageHasIt()) {
      return null; // the page's own record, with its outputs, stands
    }
    await storeRun(this._store, record, final);
    return record;
  }

  /**
   * Runs whose file still says `running` although the kernel was idle at
   * `idleAt`, and that the journal does not know (a kernel without
   * jupyterlab_runs, or files from before the journal): nothing executes
   * them, so they end as interrupted, keeping what they recorded. Only
   * runs started before that moment qualify, so another tab's fresh run is
   * never touched.
   */
  private async _endAbandoned(
    notebookPath: string,
    runs: Map<string, IRunSummary>,
    journaled: Set<string>,
    idleAt: number
  ): Promise<void> {
    for (const summary of runs.values()) {
      if (
        summary.status !== 'running' ||
        journaled.has(summary.id) ||
        this._isRecording(summary.id) ||
        Date.parse(summary.startedAt) >= idleAt
      ) {
        continue;
      }
      const record = await this._store.get(notebookPath, summary.id);
      if (record.status !== 'running') {
        continue;
      }
      const ended = Math.max(Date.parse(record.startedAt), idleAt);
      record.status = 'interrupted';
      record.endedAt = new Date(ended).toISOString();
      record.durationMs = ended - Date.parse(record.startedAt);
      record.error = record.error ?? {
        ename: 'RunAbandoned',
        evalue:
          'The page recording this run was closed or reloaded while it ran, and the kernel kept no journal of it.',
        traceback: []
      };
      record.capture = {
        ...record.capture,
        notes: [
          ...(record.capture?.notes ?? []),
          'Ended as interrupted when the kernel was found idle.'
        ]
      };
      await this._store.save(record);
    }
  }

  private async _read(path: string): Promise<string | null> {
    try {
      const model = await this._contents.get(path, {
        type: 'file',
        format: 'text',
        content: true
      });
      return String(model.content);
    } catch {
      return null;
    }
  }

  private async _remove(path: string): Promise<boolean> {
    try {
      await this._contents.delete(path);
      return true;
    } catch {
      return false;
    }
  }

  private _store: IRunStore;
  private _contents: Contents.IManager;
  private _runningKernels: () => Promise<RunningKernels | null>;
  private _isRecording: (runId: string) => boolean;
  private _settings: () => ICaptureSettings;
  private _cells: (notebookPath: string) => CurrentCells | null;
  private _seen: NonNullable<JournalReconciler.IOptions['seen']>;
  private _now: () => number;
  private _queue = new Map<string, Promise<IReconcileResult>>();
  private _retries = new Map<
    string,
    { due: number; timer: ReturnType<typeof setTimeout> }
  >();
}

export namespace JournalReconciler {
  export interface IOptions {
    store: IRunStore;
    contents: Contents.IManager;
    /**
     * The kernels running on the server now, each with how many other
     * pages are connected to it (null for the whole: the server cannot
     * say).
     */
    runningKernels: () => Promise<RunningKernels | null>;
    /** Whether this page is recording the run itself right now. */
    isRecording: (runId: string) => boolean;
    settings: () => ICaptureSettings;
    /** The notebook's cells now, when a page has it open (for lineage). */
    cells?: (notebookPath: string) => CurrentCells | null;
    /**
     * What a view of this page saw of a run until its tab was closed with
     * it in flight (`RunRecorder`'s hand-over): the outputs it showed and
     * the `parameters` cell's values (null if none); null if it saw none.
     */
    seen?: (
      notebookPath: string,
      runId: string
    ) => {
      outputs: RunOutput[];
      parameters: Record<string, unknown> | null;
    } | null;
    now?: () => number;
  }
}

/**
 * Kernel id → how many pages other than this one are connected to it (the
 * server's count of the kernel's connections, less this page's own); null
 * when that is not known.
 */
export type RunningKernels = ReadonlyMap<string, number | null>;

/**
 * Whether a page other than this one may be saving a journaled execution:
 * unless its kernel still runs and the server says no other page is
 * connected to it. (A page whose kernel died or was shut down may still
 * be saving its own record of the run, with the outputs, as it ended it.)
 */
function othersMaySave(
  execution: IJournalExecution,
  kernels: RunningKernels | null
): boolean {
  const others = execution.kernel ? kernels?.get(execution.kernel) : null;
  return others === null || others === undefined || others > 0;
}

/** The journaled log payloads, added up as a page adds up the output's. */
function streamOf(execution: IJournalExecution): LogStream {
  const stream = new LogStream();
  for (const payload of execution.logs) {
    stream.apply(payload);
  }
  return stream;
}

function pythonVersion(snapshot: IKernelSnapshot | null): string | null {
  const python = snapshot?.environment?.python as
    { version?: unknown } | undefined;
  return typeof python?.version === 'string' ? python.version : null;
}
