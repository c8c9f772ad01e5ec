/**
 * Telling this page's own writes into a runs folder from anyone else's, so
 * that saving runs does not make the page list the folder again.
 *
 * Each save moves the folder's modification time (a new file, or
 * jupyter_server's `.~name` copy of a rewritten one), and revalidation lists
 * a folder whose time moved: in a folder of 10,000 runs, a page recording
 * runs listed it (megabytes of JSON, parsed on the main thread) every
 * ~10 s. Here writes are grouped in windows per folder: before the first
 * write of a window the folder's time is read, after the last one it is
 * read again. When the first equals the time the page's view of the folder
 * is reconciled with, and the second is no later than this page's last
 * write, by the page's clock, plus the time the request took
 * (`isOwnChange`), the move was this page's alone: the view (which
 * already holds what it wrote) is declared current at the new time, and no
 * listing follows. Otherwise nothing is decided here and revalidation lists
 * the folder as before.
 *
 * Another writer's file landing during the window itself (between the two
 * reads, before this page's last write) moves the folder's time no
 * differently. Where the server extension answers the stats, the read
 * after the window names the folder's files changed since the time the
 * read before it gave (`since`, `listing.changed_since`), each with its
 * time: a file this page did not write, or whose time is not the one its
 * write answered, is another writer's, and the folder is listed. (Files
 * are compared with what this page wrote, not with the window's writes: a
 * file's own time may follow the folder's by a few milliseconds, the
 * folder's entry being made before the file's content is written, so the
 * previous window's last file is named too.) Two tabs recording runs into
 * one folder do land in each other's windows (a window lasts from tens of
 * milliseconds to a second for a large shard).
 *
 * A run another page deletes during the window moves to the trash, whose
 * folder the server names (`trash/`): the folder is listed, and the run
 * leaves the view. What this cannot see: another writer's removal of a
 * file in any other way during the window (it leaves no file to name),
 * any change within it through the Contents API
 * alone (no names: the time decides, as above), or a change within the
 * same tick of the file system's clock as the listing the view comes from
 * (a "racy" time, `isRacyStamp`: a window may start from one, or a listing
 * while runs are recorded would make every later time racy, each listed
 * again). Such a change shows with the folder's next change by anyone
 * else.
 */
import { isOwnChange } from '../core/history';

/** What a window needs of the folder's state. */
export interface IOwnWriteFolder {
  /** The folder time the state is reconciled with (null: not known). */
  stamp: string | null;
  /** Bumped by each listing. */
  generation: number;
  exists: boolean | undefined;
  /** Files of the last listing still being read. */
  reading: number;
  entries: { size: number };
}

/**
 * Below this many runs a folder's writes are not told apart when its time
 * is read on the main thread: the two reads per save cost more than
 * listing a small folder again (at 0 runs, about 10 ms of the page's main
 * thread per tagged execution went to those requests in the
 * execution-cost benchmark). Read by the writer worker, they cost next to
 * nothing, and every folder's writes are told apart
 * (`IFolderLister.statsInBackground`).
 */
export const OWN_WRITES_MIN_RUNS = 1000;

/** How many of this page's latest writes per folder are remembered. */
const WRITTEN_KEPT = 1000;

/** A folder's time as a stat read it. */
export interface IFolderStamp {
  time: string;
  /**
   * The folder's files changed since the time the stat was asked about
   * (`since`); null when the server could not tell, absent when it was not
   * asked or cannot answer (the Contents API).
   */
  changed?: readonly IChangedFile[] | null;
}

/** A file a stat names as changed: its name in the folder, and its time. */
export interface IChangedFile {
  name: string;
  last_modified: string;
}

/**
 * `IFolderStamp.changed` from a stat's model: absent when it has none,
 * null when it is not a list of changed files.
 */
export function changedFiles(model: {
  changed?: unknown;
}): readonly IChangedFile[] | null | undefined {
  const changed = model.changed;
  if (changed === undefined) {
    return undefined;
  }
  return Array.isArray(changed) &&
    changed.every(
      f => typeof f?.name === 'string' && typeof f?.last_modified === 'string'
    )
    ? changed
    : null;
}

/** What a write that reads the folder's time itself answers. */
export interface IStampedWrite<T> {
  result: T;
  /** The folder's time before its first request, and after its last. */
  before: string | null;
  after: string | null;
  /** The files changed since `before`, read with `after` (as above). */
  changed?: readonly IChangedFile[] | null;
  /** What it wrote: each file's path and the time its write answered. */
  written: readonly { path?: unknown; last_modified?: unknown }[];
  /** Latest `last_modified` of its writes plus their durations (epoch ms). */
  latest: number;
}

interface IWindow {
  /** The folder's time before the window's first write (null: unknown). */
  before: Promise<string | null>;
  /** The time a stamped write read after itself (`writeStamped`). */
  after: IFolderStamp | null | undefined;
  /** How many writes joined the window. */
  writes: number;
  generation: number;
  pending: number;
  /** Latest `last_modified` of this page's writes, epoch ms. */
  latest: number;
  failed: boolean;
  /** The close, waiting one task for a write that follows at once. */
  closing: ReturnType<typeof setTimeout> | null;
  /** Resolves once the window is closed (and its time taken, or not). */
  done: Promise<void>;
  end: () => void;
}

export class OwnWrites {
  constructor(options: OwnWrites.IOptions) {
    this._stat = options.stat;
    this._state = options.state;
    this._adopt = options.adopt;
    const minRuns = options.minRuns ?? OWN_WRITES_MIN_RUNS;
    this._minRuns = typeof minRuns === 'number' ? () => minRuns : minRuns;
  }

  /**
   * Whether a window is open or closing: a background check then waits for
   * it, instead of listing a change this page is making.
   */
  busy(folder: string): boolean {
    // (A window whose close is scheduled is still in `_windows`.)
    return this._windows.has(folder) || this._closing.has(folder);
  }

  /**
   * Wait until no window of this folder is open or closing (at most
   * `timeoutMs`): a check asked for meanwhile (the journal's reconcile after
   * each run) would see the folder's time moved by this page and list it.
   */
  async whenIdle(folder: string, timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.busy(folder) && Date.now() < deadline) {
      const windows = [
        ...(this._closing.get(folder) ?? []),
        ...[this._windows.get(folder)].filter(w => w !== undefined)
      ];
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([
        Promise.all(windows.map(w => w.done)),
        new Promise<void>(resolve => {
          timer = setTimeout(resolve, Math.max(0, deadline - Date.now()));
        })
      ]);
      clearTimeout(timer);
    }
  }

  /** Run one write of this page into `folder`; its answer's time counts. */
  async write<T extends { last_modified?: string }>(
    folder: string,
    write: () => Promise<T>
  ): Promise<T> {
    const window = await this._join(folder, known =>
      known
        ? this._stat(folder)
            .then(stamp => stamp?.time ?? null)
            .catch(() => null)
        : Promise.resolve(null)
    );
    try {
      // The first read must reach the server before this write does.
      await window.before;
      const started = Date.now();
      const result = await write();
      const t = Date.parse(result?.last_modified ?? '');
      this._wrote(folder, result);
      if (Number.isNaN(t)) {
        window.failed = true;
      } else {
        // The folder's time may follow the file's by as long as the request
        // took (jupyter_server removes its `.~` copy after writing and
        // syncing the file: seconds for a large shard on a busy disk), and
        // by no more: the change was made before the answer came.
        window.latest = Math.max(window.latest, t + (Date.now() - started));
      }
      return result;
    } catch (error) {
      window.failed = true;
      throw error;
    } finally {
      this._leave(folder, window);
    }
  }

  /**
   * Run a write that reads the folder's time itself, before its first
   * request and after its last (`IFileSaver.writeBatch`): one round trip
   * where `write` and its two stats were three. Opening a window, its
   * reads are the window's; joining one another write opened, they are
   * not used, and the window reads the time after as it would.
   */
  async writeStamped<T>(
    folder: string,
    write: () => Promise<IStampedWrite<T>>
  ): Promise<T> {
    let own: ((before: string | null) => void) | null = null;
    const window = await this._join(folder, known =>
      known
        ? new Promise<string | null>(resolve => {
            own = resolve;
          })
        : Promise.resolve(null)
    );
    const opened = own as ((before: string | null) => void) | null;
    try {
      if (!opened) {
        await window.before;
      }
      const answer = await write();
      opened?.(answer.before);
      for (const file of answer.written) {
        this._wrote(folder, file);
      }
      if (Number.isNaN(answer.latest)) {
        window.failed = true;
      } else {
        window.latest = Math.max(window.latest, answer.latest);
      }
      if (opened) {
        window.after =
          answer.after === null
            ? null
            : { time: answer.after, changed: answer.changed };
      }
      return answer.result;
    } catch (error) {
      opened?.(null);
      window.failed = true;
      throw error;
    } finally {
      this._leave(folder, window);
    }
  }

  /**
   * Run a write of this page that the folder's view does not note (an
   * annotation file): no window that overlaps it in time takes the
   * folder's new time as this page's own, so the next check lists the
   * folder and learns of the file.
   */
  async outside<T>(folder: string, write: () => Promise<T>): Promise<T> {
    this._outside.set(folder, (this._outside.get(folder) ?? 0) + 1);
    this._spoil(folder);
    try {
      return await write();
    } finally {
      this._spoil(folder);
      const left = (this._outside.get(folder) ?? 1) - 1;
      if (left > 0) {
        this._outside.set(folder, left);
      } else {
        this._outside.delete(folder);
      }
    }
  }

  /**
   * Note a file this page wrote into the folder, by its name there, with
   * the time its write answered (a file in a subfolder, an artifact's, is
   * never named: the server names only the folder's own files). A write
   * whose path or time is not known notes nothing: a change the server
   * names is then not taken as this page's. The latest `WRITTEN_KEPT` per
   * folder are kept.
   */
  private _wrote(
    folder: string,
    file: { path?: unknown; last_modified?: unknown } | null | undefined
  ): void {
    const prefix = folder + '/';
    const path = file?.path;
    const time = file?.last_modified;
    if (
      typeof path !== 'string' ||
      typeof time !== 'string' ||
      !path.startsWith(prefix)
    ) {
      return;
    }
    let written = this._written.get(folder);
    if (!written) {
      written = new Map();
      this._written.set(folder, written);
    }
    const name = path.slice(prefix.length);
    written.delete(name); // to the end: the latest
    written.set(name, time);
    if (written.size > WRITTEN_KEPT) {
      written.delete(written.keys().next().value!);
    }
  }

  /** The folder's open and closing windows take no time as their own. */
  private _spoil(folder: string): void {
    const open = this._windows.get(folder);
    if (open) {
      open.failed = true;
    }
    for (const closing of this._closing.get(folder) ?? []) {
      closing.failed = true;
    }
  }

  /**
   * The folder's open window, or a new one whose first read is `before`
   * (given whether the folder's state is known well enough to tell).
   */
  private async _join(
    folder: string,
    before: (known: boolean) => Promise<string | null>
  ): Promise<IWindow> {
    const state = await this._state(folder);
    let window = this._windows.get(folder);
    if (!window) {
      const known =
        state.entries.size >= this._minRuns() &&
        state.exists === true &&
        state.stamp !== null &&
        state.reading === 0;
      window = {
        before: before(known),
        after: undefined,
        writes: 0,
        generation: state.generation,
        pending: 0,
        latest: -Infinity,
        failed: this._outside.has(folder),
        closing: null,
        done: Promise.resolve(),
        end: () => undefined
      };
      const opened = window;
      opened.done = new Promise<void>(resolve => {
        opened.end = resolve;
      });
      this._windows.set(folder, window);
    }
    if (window.closing !== null) {
      clearTimeout(window.closing);
      window.closing = null;
    }
    window.pending++;
    window.writes++;
    return window;
  }

  /** A write of the window ended: the last one closes it. */
  private _leave(folder: string, window: IWindow): void {
    if (--window.pending === 0) {
      // A run's series then its run file are written one after the
      // other: one window for both, not two racing reads between them.
      const closing = window;
      closing.closing = setTimeout(() => {
        if (this._windows.get(folder) === closing) {
          this._windows.delete(folder);
        }
        void this._close(folder, closing);
      }, 0);
    }
  }

  private async _close(folder: string, window: IWindow): Promise<void> {
    let closing = this._closing.get(folder);
    if (!closing) {
      closing = new Set();
      this._closing.set(folder, closing);
    }
    closing.add(window);
    try {
      const before = await window.before;
      if (before === null || window.failed) {
        return;
      }
      // A stamped write alone in its window read the time after itself.
      const after =
        window.after !== undefined && window.writes === 1
          ? window.after
          : await this._stat(folder, before).catch(() => null);
      const state = await this._state(folder);
      // Another writer's file changed meanwhile (none named: the server
      // could not tell, or was not asked and the time decides).
      const changed = after?.changed;
      const foreign =
        changed === null ||
        (changed !== undefined &&
          changed.some(
            f => this._written.get(folder)?.get(f.name) !== f.last_modified
          ));
      if (
        after !== null &&
        !foreign &&
        !window.failed && // an outside write came meanwhile
        state.generation === window.generation &&
        state.stamp === before &&
        isOwnChange(after.time, window.latest)
      ) {
        this._adopt(folder, after.time);
      }
    } finally {
      closing.delete(window);
      if (closing.size === 0) {
        this._closing.delete(folder);
      }
      window.end();
    }
  }

  dispose(): void {
    for (const window of this._windows.values()) {
      if (window.closing !== null) {
        clearTimeout(window.closing);
      }
      window.end();
    }
    this._windows.clear();
  }

  private _stat: OwnWrites.IOptions['stat'];
  private _state: (folder: string) => Promise<IOwnWriteFolder>;
  private _adopt: (folder: string, stamp: string) => void;
  private _minRuns: () => number;
  private _windows = new Map<string, IWindow>();
  /** Outside writes in flight, by folder (`outside`). */
  private _outside = new Map<string, number>();
  private _closing = new Map<string, Set<IWindow>>();
  /** The files this page wrote, by folder: name → time (`_wrote`). */
  private _written = new Map<string, Map<string, string>>();
}

export namespace OwnWrites {
  export interface IOptions {
    /**
     * The folder's modification time now, and the files changed since
     * `since` when asked and the server can tell; null when it does not
     * exist.
     */
    stat: (folder: string, since?: string) => Promise<IFolderStamp | null>;
    state: (folder: string) => Promise<IOwnWriteFolder>;
    /** The folder is as the page knows it, at time `stamp`. */
    adopt: (folder: string, stamp: string) => void;
    /**
     * Folders of fewer runs are not told apart (`OWN_WRITES_MIN_RUNS`); a
     * function is asked at each window.
     */
    minRuns?: number | (() => number);
  }
}
