/**
 * The runs of one notebook, newest first, changed one run at a time, and
 * the description of each change (`IRunsChange`) that views apply
 * incrementally instead of re-reading the whole list. Pure: the runs model
 * (`src/model/runsModel.ts`) feeds it the store's and the recorder's news.
 */
import { newestFirst, upsertSummary, type IRunSummary } from '../run';

/**
 * What changed in a list of runs. `reset`: the list was replaced as a
 * whole; the other fields are then empty and a reader takes the list anew.
 */
export interface IRunsChange {
  added: readonly IRunSummary[];
  changed: readonly { before: IRunSummary; after: IRunSummary }[];
  removed: readonly IRunSummary[];
  reset: boolean;
}

/** Whether a change changes nothing. */
export function isEmptyChange(change: IRunsChange): boolean {
  return (
    !change.reset &&
    change.added.length === 0 &&
    change.changed.length === 0 &&
    change.removed.length === 0
  );
}

export class RunList {
  /**
   * Newest first. A new array after every change (copy on write: one copy
   * of the references, microseconds for 10,000 runs), so a reader holding
   * the previous one keeps a consistent snapshot.
   */
  get runs(): readonly IRunSummary[] {
    return this._runs;
  }

  get size(): number {
    return this._runs.length;
  }

  get(id: string): IRunSummary | undefined {
    return this._byId.get(id);
  }

  /** Replace every run. */
  reset(runs: readonly IRunSummary[]): IRunsChange {
    this._runs = [...runs].sort(newestFirst);
    this._byId = new Map(this._runs.map(r => [r.id, r]));
    return { added: [], changed: [], removed: [], reset: true };
  }

  /**
   * Add a run or replace the run with its id. A `live` summary (from the
   * recorder while the cell runs) never turns a run that ended back into
   * a running one: live updates can arrive after the final summary.
   * Returns null when nothing changed.
   */
  upsert(
    run: IRunSummary,
    options: { live?: boolean } = {}
  ): IRunsChange | null {
    const before = this._byId.get(run.id);
    if (before === run) {
      return null;
    }
    if (
      options.live &&
      before &&
      before.status !== 'running' &&
      run.status === 'running'
    ) {
      return null;
    }
    this._runs = upsertSummary(this._runs, run);
    this._byId.set(run.id, run);
    return before
      ? {
          added: [],
          changed: [{ before, after: run }],
          removed: [],
          reset: false
        }
      : { added: [run], changed: [], removed: [], reset: false };
  }

  /** Remove runs by id; null when none was listed. */
  remove(ids: Iterable<string>): IRunsChange | null {
    const removed: IRunSummary[] = [];
    for (const id of ids) {
      const run = this._byId.get(id);
      if (run) {
        removed.push(run);
        this._byId.delete(id);
      }
    }
    if (!removed.length) {
      return null;
    }
    const gone = new Set(removed);
    this._runs = this._runs.filter(r => !gone.has(r));
    return { added: [], changed: [], removed, reset: false };
  }

  private _runs: readonly IRunSummary[] = [];
  private _byId = new Map<string, IRunSummary>();
}

/**
 * Changes collected while a view does not apply them (hidden, or between
 * two throttled updates), folded per run: added then changed is added with
 * the latest summary, changed twice keeps the first `before`, added then
 * removed is nothing. Memory is one entry per run touched, however many
 * live updates it had.
 */
export class RunsChangeBuffer {
  /** Whether anything waits. */
  get isEmpty(): boolean {
    return !this._reset && this._entries.size === 0;
  }

  /** Runs touched since the last `take`. */
  get size(): number {
    return this._entries.size;
  }

  add(change: IRunsChange): void {
    if (change.reset) {
      this._reset = true;
      this._entries.clear();
      return;
    }
    if (this._reset) {
      return; // the reader will take the whole list anyway
    }
    for (const run of change.added) {
      const e = this._entries.get(run.id);
      if (e) {
        e.after = run;
      } else {
        this._entries.set(run.id, { before: null, after: run });
      }
    }
    for (const { before, after } of change.changed) {
      const e = this._entries.get(after.id);
      if (e) {
        e.after = after;
      } else {
        this._entries.set(after.id, { before, after });
      }
    }
    for (const run of change.removed) {
      const e = this._entries.get(run.id);
      if (e && e.before === null) {
        this._entries.delete(run.id);
      } else if (e) {
        e.after = null;
      } else {
        this._entries.set(run.id, { before: run, after: null });
      }
    }
  }

  /** Everything collected, as one change; the buffer is empty after. */
  take(): IRunsChange {
    const change: IRunsChange = {
      added: [],
      changed: [],
      removed: [],
      reset: this._reset
    };
    if (!this._reset) {
      const added = change.added as IRunSummary[];
      const changed = change.changed as IRunsChange['changed'][number][];
      const removed = change.removed as IRunSummary[];
      for (const { before, after } of this._entries.values()) {
        if (before && after) {
          if (before !== after) {
            changed.push({ before, after });
          }
        } else if (after) {
          added.push(after);
        } else if (before) {
          removed.push(before);
        }
      }
    }
    this._reset = false;
    this._entries.clear();
    return change;
  }

  private _reset = false;
  private _entries = new Map<
    string,
    { before: IRunSummary | null; after: IRunSummary | null }
  >();
}
