/**
 * The outbox: runs are committed to the browser's database first, then
 * written to the server, retried with exponential backoff until they land.
 *
 * Nothing here knows the Contents API: the store passes a `write` function.
 * A write that fails because the server is unreachable or broken (network
 * error, 5xx) postpones the other writes of its runs folder; one refused
 * for itself (413, 507, 403, or an error of its own) waits on its own
 * backoff while the others go on. Other folders are never held back.
 * Waiting runs survive reloads (they are re-read from the database at
 * start) and resume on a timer, on the browser's `online` event, or on
 * `flushNow()`.
 */
import { Signal, type ISignal } from '@lumino/signaling';
import { loadRunFile, loadSeriesFile, type RunSeries } from '../core/history';
import type { IRunRecord } from '../core/run';
import { classifyWriteFailure, type IWriteFailure } from './contentsErrors';

/** A file of a runs folder other than a run file (series, artifact…). */
export interface IFolderFile {
  /**
   * Path relative to the runs folder, `/`-separated, e.g.
   * `<id>.series.json`, `<id>.artifacts/model.pt`, `env-<sha256>.json`.
   * Validated before use.
   */
  path: string;
  content: string;
  format: 'text' | 'base64';
}

/**
 * A write waiting to reach the server: a run file (with its series, written
 * first) or another file of the folder. Writes go out in `seq` order, so a
 * series or artifact queued before its run lands before it.
 */
export interface IOutboxEntry {
  /** `run:<id>` or `file:<folder>/<path>`. */
  key: string;
  /** Queue order; survives reloads. */
  seq: number;
  /** Its notebook and runs folder now (they follow renames). */
  notebookPath: string;
  folder: string;
  run: IRunRecord | null;
  series: RunSeries | null;
  /**
   * A run's files as they will be written (`<id>.json`, `<id>.series.json`),
   * made once when it is queued. What the database keeps of a run: a
   * string is copied into IndexedDB at the cost of its bytes, where the
   * run's objects (outputs, lineage, every point of its series) were
   * cloned one by one on the page's main thread, about 1.5 ms per saved
   * run (`benchmarks/execution-cost.sh`, `put` under `enqueue`).
   */
  texts?: IRunTexts | null;
  file: IFolderFile | null;
  /** Bumped when the same key is queued again (a running run finished). */
  revision: number;
  queuedAt: number;
  attempts: number;
  nextAttemptAt: number;
  failure: IWriteFailure | null;
}

/** A run's files as text (`IOutboxEntry.texts`). */
export interface IRunTexts {
  run: string;
  series: string | null;
}

/**
 * What the database keeps of an entry: a run with its texts, without its
 * objects (read back from the texts by `reviveEntry`).
 */
export function storedEntry(entry: IOutboxEntry): IOutboxEntry {
  return entry.run && entry.texts
    ? { ...entry, run: null, series: null }
    : entry;
}

/**
 * An entry as the database gave it back, with its run read from its
 * texts; null (and a warning) when they cannot be read, and it stays in
 * the database as it is. Entries kept whole by earlier versions come back
 * as they are.
 */
export function reviveEntry(stored: IOutboxEntry): IOutboxEntry | null {
  if (stored.run || !stored.texts) {
    return stored;
  }
  const run = loadRunFile(stored.texts.run, {
    fileName: stored.key,
    maxBytes: Infinity
  });
  const series =
    stored.texts.series === null
      ? null
      : loadSeriesFile(stored.texts.series, {
          fileName: stored.key,
          maxBytes: Infinity
        });
  if (!run.ok || (series && !series.ok)) {
    console.warn(
      'jupyterlab-runs: a run waiting in the browser could not be read',
      !run.ok ? run.reason : series && !series.ok ? series.reason : ''
    );
    return null;
  }
  return {
    ...stored,
    run: run.run,
    series: series && series.ok ? series.series : null
  };
}

/** The outbox key of a write. */
export function outboxKey(
  item: Pick<IOutboxEntry, 'folder' | 'run' | 'file'>
): string {
  if (item.run) {
    return `run:${item.run.id}`;
  }
  if (item.file) {
    return `file:${item.folder}/${item.file.path}`;
  }
  throw new Error('An outbox entry needs a run or a file');
}

/**
 * What a write of an entry may say (`Outbox.IOptions.write`): `removed`,
 * the writer deleted the entry from the outbox's storage itself (the
 * writer worker, once the files were written, if the storage still held
 * this revision), so the outbox does not.
 */
export interface IOutboxWritten {
  removed?: boolean;
}

/** Where waiting runs are kept (IndexedDB in the browser). */
export interface IOutboxStorage {
  all(): Promise<IOutboxEntry[]>;
  put(entry: IOutboxEntry): Promise<void>;
  delete(key: string): Promise<void>;
}

/** Time, injectable so tests can drive the backoff with a fake clock. */
export interface IClock {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: IClock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: handle => clearTimeout(handle as ReturnType<typeof setTimeout>)
};

/** How long to wait before the next attempt. */
export interface IBackoff {
  initialMs: number;
  factor: number;
  maxMs: number;
  /** 0.2 spreads retries ±20% so tabs do not retry in lockstep. */
  jitter: number;
}

export const DEFAULT_BACKOFF: IBackoff = {
  initialMs: 1000,
  factor: 2,
  maxMs: 15_000,
  jitter: 0.2
};

/** Delay before attempt `attempts + 1`, given `attempts` failures so far. */
export function backoffDelay(
  attempts: number,
  backoff: IBackoff = DEFAULT_BACKOFF,
  random: () => number = Math.random
): number {
  const base = Math.min(
    backoff.maxMs,
    backoff.initialMs * backoff.factor ** Math.max(0, attempts - 1)
  );
  return Math.round(base * (1 + (random() * 2 - 1) * backoff.jitter));
}

/** What the user is told about runs not yet saved. */
export interface IOutboxStatus {
  /** Runs waiting, in all folders. */
  count: number;
  /** Other files waiting (series, artifacts, environments). */
  files: number;
  /** Runs waiting, by runs folder. */
  byFolder: Record<string, number>;
  /** The latest failure, while runs are waiting. */
  failure: IWriteFailure | null;
  /** When the next attempt is due (epoch ms), if one is scheduled. */
  nextAttemptAt: number | null;
}

export class Outbox {
  constructor(options: Outbox.IOptions) {
    this._storage = options.storage;
    this._write = options.write;
    this._clock = options.clock ?? systemClock;
    this._backoff = options.backoff ?? DEFAULT_BACKOFF;
    this._random = options.random ?? Math.random;
  }

  /** Emitted when the number of waiting runs or the failure changes. */
  get statusChanged(): ISignal<Outbox, IOutboxStatus> {
    return this._statusChanged;
  }

  /** Emitted after a waiting run reached the server. */
  get written(): ISignal<Outbox, IOutboxEntry> {
    return this._written;
  }

  get status(): IOutboxStatus {
    const byFolder: Record<string, number> = {};
    let count = 0;
    let failure: IWriteFailure | null = null;
    let failedAt = -1;
    let next: number | null = null;
    for (const entry of this._entries.values()) {
      if (entry.run) {
        count++;
        byFolder[entry.folder] = (byFolder[entry.folder] ?? 0) + 1;
      }
      if (entry.failure && entry.attempts > 0 && entry.queuedAt >= failedAt) {
        failure = entry.failure;
        failedAt = entry.queuedAt;
      }
      if (next === null || entry.nextAttemptAt < next) {
        next = entry.nextAttemptAt;
      }
    }
    return {
      count,
      files: this._entries.size - count,
      byFolder,
      failure,
      nextAttemptAt: next
    };
  }

  /** Writes waiting for `folder` (all folders when absent), in order. */
  entries(folder?: string): IOutboxEntry[] {
    return [...this._entries.values()]
      .filter(entry => folder === undefined || entry.folder === folder)
      .sort((a, b) => a.seq - b.seq);
  }

  /** Whether a write is waiting under this key (`outboxKey`). */
  has(key: string): boolean {
    return this._entries.has(key);
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /** Re-read the runs a previous page left waiting, and write them. */
  async start(): Promise<void> {
    for (const stored of await this._storage.all()) {
      const entry = reviveEntry(stored);
      if (!entry) {
        continue;
      }
      // Whatever the old page planned, this page tries at once.
      this._entries.set(entry.key, { ...entry, nextAttemptAt: 0 });
      this._seq = Math.max(this._seq, entry.seq);
    }
    this._emitStatus();
    await this.flush();
  }

  /**
   * Commit a run to the database, then try to write it. Resolves once it
   * is durable in the browser, not when it reached the server.
   */
  async enqueue(
    item: Pick<IOutboxEntry, 'notebookPath' | 'folder' | 'run' | 'file'> & {
      series?: RunSeries | null;
      texts?: IRunTexts | null;
    }
  ): Promise<void> {
    const key = outboxKey(item);
    const previous = this._entries.get(key);
    this._seq = Math.max(this._seq + 1, this._clock.now() * 1000);
    const entry: IOutboxEntry = {
      ...item,
      series: item.series ?? null,
      texts: item.texts ?? null,
      key,
      seq: this._seq,
      revision: (previous?.revision ?? 0) + 1,
      queuedAt: this._clock.now(),
      attempts: 0,
      nextAttemptAt: 0,
      failure: null
    };
    await this._storage.put(storedEntry(entry));
    this._entries.set(key, entry);
    this._woken.delete(key);
    this._emitStatus();
    void this.flush();
  }

  /** Point waiting runs of a moved notebook at its new folder. */
  async moveFolder(
    oldFolder: string,
    newFolder: string,
    newNotebookPath: string
  ): Promise<void> {
    for (const entry of this._entries.values()) {
      if (entry.folder === oldFolder) {
        const moved = {
          ...entry,
          folder: newFolder,
          notebookPath: newNotebookPath
        };
        await this._storage.put(storedEntry(moved));
        this._entries.set(entry.key, moved);
      }
    }
    this._emitStatus();
  }

  /** Try every waiting run now, whatever their backoff says. */
  flushNow(): Promise<void> {
    for (const entry of this._entries.values()) {
      entry.nextAttemptAt = 0;
    }
    return this.flush();
  }

  /** Write the runs that are due; reschedules itself for the others. */
  async flush(): Promise<void> {
    if (this._isDisposed) {
      return;
    }
    if (this._flushing) {
      this._again = true;
      return this._flushing;
    }
    this._flushing = this._flushRounds();
    try {
      await this._flushing;
    } finally {
      this._flushing = null;
      this._schedule();
      this._emitStatus();
    }
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    if (this._timer !== null) {
      this._clock.clearTimeout(this._timer);
      this._timer = null;
    }
    Signal.clearData(this);
  }

  private async _flushRounds(): Promise<void> {
    do {
      this._again = false;
      await this._flushRound();
    } while (this._again && !this._isDisposed);
  }

  private async _flushRound(): Promise<void> {
    const now = this._clock.now();
    const due = this.entries().filter(entry => entry.nextAttemptAt <= now);
    // Folders whose writes wait this round: one folder's failure never
    // holds another's writes (each notebook has its own folder, and a
    // write can fail for its folder alone: a name, a quota, a mount).
    const held = new Set<string>();
    for (const entry of due) {
      if (this._isDisposed) {
        return;
      }
      if (held.has(entry.folder)) {
        continue;
      }
      let written: IOutboxWritten | void;
      try {
        written = await this._write(entry);
      } catch (error) {
        const failure = classifyWriteFailure(error);
        const attempts = entry.attempts + 1;
        const wait = backoffDelay(attempts, this._backoff, this._random);
        await this._update(entry, {
          attempts,
          failure,
          nextAttemptAt: this._clock.now() + wait
        });
        if (failure.kind === 'offline' || failure.kind === 'server-error') {
          // The server is down or failing this folder: the rest of the
          // folder (a run after its series) waits as long; other folders
          // still try, each on its own backoff.
          held.add(entry.folder);
          for (const other of due) {
            if (other !== entry && other.folder === entry.folder) {
              await this._update(other, {
                failure,
                nextAttemptAt: this._clock.now() + wait
              });
            }
          }
        }
        this._emitStatus();
        continue;
      }
      const current = this._entries.get(entry.key);
      if (current && current.revision === entry.revision) {
        this._entries.delete(entry.key);
        this._woken.delete(entry.key);
        if (!written?.removed) {
          await this._storage.delete(entry.key);
        }
      }
      this._written.emit(entry);
      this._wakeAfterOutage();
      this._emitStatus();
    }
  }

  /**
   * A write just got through, so the server is back: whatever waits only
   * because it was down (unreachable, 5xx) goes now rather than at the end
   * of its own backoff. Once per wait: a folder that fails again while
   * others get through fails for itself, and keeps its own backoff.
   */
  private _wakeAfterOutage(): void {
    const now = this._clock.now();
    for (const [key, entry] of this._entries) {
      const kind = entry.failure?.kind;
      if (
        entry.nextAttemptAt > now &&
        (kind === 'offline' || kind === 'server-error') &&
        !this._woken.has(key)
      ) {
        this._woken.add(key);
        this._entries.set(key, { ...entry, nextAttemptAt: now });
        this._again = true;
      }
    }
  }

  /** Update a waiting run unless it was replaced or written meanwhile. */
  private async _update(
    entry: IOutboxEntry,
    changes: Partial<IOutboxEntry>
  ): Promise<void> {
    const current = this._entries.get(entry.key);
    if (!current || current.revision !== entry.revision) {
      return;
    }
    const updated = { ...current, ...changes };
    this._entries.set(entry.key, updated);
    await this._storage.put(storedEntry(updated));
  }

  private _schedule(): void {
    if (this._timer !== null) {
      this._clock.clearTimeout(this._timer);
      this._timer = null;
    }
    if (this._isDisposed || this._entries.size === 0) {
      return;
    }
    const next = Math.min(
      ...[...this._entries.values()].map(e => e.nextAttemptAt)
    );
    const wait = Math.max(0, next - this._clock.now());
    this._timer = this._clock.setTimeout(() => {
      this._timer = null;
      void this.flush();
    }, wait);
  }

  /**
   * Tell listeners the status, if it changed: a flush ends by saying it
   * again, as each write that got through already had (the status bar,
   * the runs model and the sidebar each reacted to every one of them).
   */
  private _emitStatus(): void {
    if (this._isDisposed) {
      return;
    }
    const status = this.status;
    if (this._lastStatus && sameStatus(this._lastStatus, status)) {
      return;
    }
    this._lastStatus = status;
    this._statusChanged.emit(status);
  }

  private _storage: IOutboxStorage;
  private _write: (entry: IOutboxEntry) => Promise<IOutboxWritten | void>;
  private _clock: IClock;
  private _backoff: IBackoff;
  private _random: () => number;
  private _entries = new Map<string, IOutboxEntry>();
  /** Entries sent early once after an outage, until written or requeued. */
  private _woken = new Set<string>();
  private _seq = 0;
  private _flushing: Promise<void> | null = null;
  private _again = false;
  private _timer: unknown = null;
  private _isDisposed = false;
  private _statusChanged = new Signal<Outbox, IOutboxStatus>(this);
  private _lastStatus: IOutboxStatus | null = null;
  private _written = new Signal<Outbox, IOutboxEntry>(this);
}

/** Whether two statuses say the same. */
function sameStatus(a: IOutboxStatus, b: IOutboxStatus): boolean {
  if (
    a.count !== b.count ||
    a.files !== b.files ||
    a.failure !== b.failure ||
    a.nextAttemptAt !== b.nextAttemptAt
  ) {
    return false;
  }
  const folders = Object.keys(a.byFolder);
  return (
    folders.length === Object.keys(b.byFolder).length &&
    folders.every(folder => a.byFolder[folder] === b.byFolder[folder])
  );
}

export namespace Outbox {
  export interface IOptions {
    storage: IOutboxStorage;
    /** Write one entry (a run: its series, then its run file). */
    write: (entry: IOutboxEntry) => Promise<IOutboxWritten | void>;
    clock?: IClock;
    backoff?: IBackoff;
    random?: () => number;
  }
}

/** An outbox storage in memory: tests, and browsers without IndexedDB. */
export class MemoryOutboxStorage implements IOutboxStorage {
  async all(): Promise<IOutboxEntry[]> {
    return [...this.entries.values()].map(e => structuredClone(e));
  }

  async put(entry: IOutboxEntry): Promise<void> {
    this.entries.set(entry.key, structuredClone(entry));
  }

  async delete(key: string): Promise<void> {
    this.entries.delete(key);
  }

  entries = new Map<string, IOutboxEntry>();
}
