/**
 * The runs of one notebook, newest first, changed one run at a time, and
 * the description of each change (`IRunsChange`) that views apply
 * incrementally instead of re-reading the whole list. Pure: the runs model
 * (`src/model/runsModel.ts`) feeds it the store's and the recorder's news.
 */
import { jsonEqual } from '../jsonEqual';
import { newestFirst, upsertSummary, type IRunSummary } from '../run';
import { numberRuns } from './names';

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

/**
 * Whether a change only moves runs' `pending` flag (a run's file saved, or
 * queued again), every other field of each run as it was: nothing a row
 * of runs shows before the flag has stayed up a while (`SHOW_AFTER_MS`).
 */
export function onlyPendingChanged(change: IRunsChange): boolean {
  return (
    !change.reset &&
    change.added.length === 0 &&
    change.removed.length === 0 &&
    change.changed.length > 0 &&
    change.changed.every(
      ({ before, after }) =>
        !before.pending !== !after.pending &&
        jsonEqual({ ...before, pending: null }, { ...after, pending: null })
    )
  );
}

/**
 * The runs of one notebook, each numbered among its experiment's runs
 * (`seq`, oldest first, see `names.ts`): the summaries it holds and hands
 * out are copies with `seq` set. A run added or removed among older runs of
 * its experiment renumbers the later ones, which the change then lists as
 * changed.
 */
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

  /**
   * Replace every run. A list that already holds runs is changed run by
   * run when few differ (a folder listed again after this page's own save,
   * another tab's new run): the change then names them, and a view redraws
   * those rows only, or nothing (null) when no run differs. `same` tells
   * two summaries of one run apart (default: the same object); the runs
   * model passes a deep comparison, since a listing and an event bring
   * equal summaries as different objects.
   */
  reset(
    runs: readonly IRunSummary[],
    options: { same?: (a: IRunSummary, b: IRunSummary) => boolean } = {}
  ): IRunsChange | null {
    if (runs === this._input && runs.length > 0) {
      // The very list this one was made from, and nothing changed since
      // (a folder answered from memory hands out its list as it was): a
      // return to a notebook of 100,000 runs compared them one by one.
      return null;
    }
    const change = this._reset(runs, options);
    this._input = runs;
    return change;
  }

  private _reset(
    runs: readonly IRunSummary[],
    options: { same?: (a: IRunSummary, b: IRunSummary) => boolean }
  ): IRunsChange | null {
    if (this._runs.length > 0 && runs.length > 0) {
      const diff = this._diff(runs, options.same ?? Object.is);
      if (diff) {
        return diff.upserts.length === 0 && diff.removed.length === 0
          ? null
          : this._applyDiff(diff.upserts, diff.removed);
      }
    }
    this._given = new Map(runs.map(r => [r.id, r]));
    const numbers = numberRuns([...this._given.values()]);
    this._ids = new Map();
    this._runs = [...this._given.values()]
      .map(r => withSeq(r, numbers.get(r.id)!))
      .sort(newestFirst);
    this._byId = new Map(this._runs.map(r => [r.id, r]));
    for (const r of [...this._runs].reverse()) {
      this._experimentIds(r.experiment).push(r.id);
    }
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
    if (this._given.get(run.id) === run) {
      return null;
    }
    this._input = null;
    if (
      options.live &&
      before &&
      before.status !== 'running' &&
      run.status === 'running'
    ) {
      return null;
    }
    this._given.set(run.id, run);
    const renumbered = new Map<string, IRunSummary>();
    let after: IRunSummary;
    if (before && before.experiment === run.experiment) {
      after = withSeq(run, before.seq!);
    } else {
      if (before) {
        this._unnumber(before, renumbered);
      }
      const ids = this._experimentIds(run.experiment);
      const at = sortedIndex(ids, run.id);
      ids.splice(at, 0, run.id);
      after = withSeq(run, at + 1);
      this._renumberFrom(ids, at + 1, renumbered);
    }
    this._runs = upsertSummary(this._runs, after);
    this._byId.set(run.id, after);
    const changed = this._applyRenumbered(renumbered);
    if (before) {
      changed.unshift({ before, after });
    }
    return {
      added: before ? [] : [after],
      changed,
      removed: [],
      reset: false
    };
  }

  /** Remove runs by id; null when none was listed. */
  remove(ids: Iterable<string>): IRunsChange | null {
    const removed: IRunSummary[] = [];
    for (const id of ids) {
      const run = this._byId.get(id);
      if (run) {
        removed.push(run);
        this._byId.delete(id);
        this._given.delete(id);
      }
    }
    if (!removed.length) {
      return null;
    }
    this._input = null;
    const gone = new Set(removed);
    this._runs = this._runs.filter(r => !gone.has(r));
    const renumbered = new Map<string, IRunSummary>();
    for (const run of removed) {
      this._unnumber(run, renumbered);
    }
    return {
      added: [],
      changed: this._applyRenumbered(renumbered),
      removed,
      reset: false
    };
  }

  /**
   * The runs to add or replace and the ids to remove to go from this list
   * to `runs`; null when replacing the list is cheaper: more than
   * `MAX_DIFF_CHANGES` runs differ (each change copies the list: a diff of
   * 6,000 changes over 30,000 runs took 1.6 s, a reset 50 ms), or more
   * than a quarter of the runs (and more than 64) are other objects to
   * compare.
   */
  private _diff(
    runs: readonly IRunSummary[],
    same: (a: IRunSummary, b: IRunSummary) => boolean
  ): { upserts: IRunSummary[]; removed: string[] } | null {
    const compareLimit = Math.max(64, Math.floor(runs.length / 4));
    const upserts: IRunSummary[] = [];
    const seen = new Set<string>();
    let compared = 0;
    for (const run of runs) {
      seen.add(run.id);
      const given = this._given.get(run.id);
      if (given === run) {
        continue;
      }
      if (!given || !same(given, run)) {
        upserts.push(run);
        if (upserts.length > MAX_DIFF_CHANGES) {
          return null;
        }
      }
      if (++compared > compareLimit) {
        return null;
      }
    }
    const removed: string[] = [];
    for (const id of this._given.keys()) {
      if (!seen.has(id)) {
        removed.push(id);
        if (upserts.length + removed.length > MAX_DIFF_CHANGES) {
          return null;
        }
      }
    }
    return { upserts, removed };
  }

  /** Apply a diff as one change. */
  private _applyDiff(
    upserts: readonly IRunSummary[],
    removed: readonly string[]
  ): IRunsChange {
    const buffer = new RunsChangeBuffer();
    const gone = this.remove(removed);
    if (gone) {
      buffer.add(gone);
    }
    for (const run of upserts) {
      const change = this.upsert(run);
      if (change) {
        buffer.add(change);
      }
    }
    return buffer.take();
  }

  private _experimentIds(experiment: string): string[] {
    let ids = this._ids.get(experiment);
    if (!ids) {
      ids = [];
      this._ids.set(experiment, ids);
    }
    return ids;
  }

  /** Take a run out of its experiment's numbering. */
  private _unnumber(
    run: IRunSummary,
    renumbered: Map<string, IRunSummary>
  ): void {
    const ids = this._experimentIds(run.experiment);
    const at = sortedIndex(ids, run.id);
    if (ids[at] === run.id) {
      ids.splice(at, 1);
      this._renumberFrom(ids, at, renumbered);
    }
  }

  /** Number `ids[from…]` anew, collecting the runs whose number changed. */
  private _renumberFrom(
    ids: readonly string[],
    from: number,
    renumbered: Map<string, IRunSummary>
  ): void {
    for (let i = from; i < ids.length; i++) {
      const current = renumbered.get(ids[i]) ?? this._byId.get(ids[i]);
      if (current && current.seq !== i + 1) {
        renumbered.set(ids[i], withSeq(current, i + 1));
      }
    }
  }

  /** Put renumbered runs in place; the changes that say so. */
  private _applyRenumbered(
    renumbered: Map<string, IRunSummary>
  ): { before: IRunSummary; after: IRunSummary }[] {
    const changed: { before: IRunSummary; after: IRunSummary }[] = [];
    if (!renumbered.size) {
      return changed;
    }
    for (const [id, after] of renumbered) {
      const before = this._byId.get(id);
      if (before && before !== after && before.seq !== after.seq) {
        changed.push({ before, after });
        this._byId.set(id, after);
      }
    }
    this._runs = this._runs.map(r => renumbered.get(r.id) ?? r);
    return changed;
  }

  private _runs: readonly IRunSummary[] = [];
  private _byId = new Map<string, IRunSummary>();
  /** The summaries as given (without `seq`), to tell a repeat. */
  private _given = new Map<string, IRunSummary>();
  /** Per experiment, its runs' ids oldest first: the numbering. */
  private _ids = new Map<string, string[]>();
  /** The list the last reset was given, until a change after it. */
  private _input: readonly IRunSummary[] | null = null;
}

/** A listing differing by more runs than this replaces the list. */
const MAX_DIFF_CHANGES = 64;

/**
 * The numbered copy made of each summary last: a list made again from the
 * same summaries (a notebook's tab selected again, its folder answered
 * from memory) hands out the same objects, so the table keeps its rows
 * and the flags it computed per run instead of redoing 10,000 of each.
 */
const NUMBERED = new WeakMap<IRunSummary, IRunSummary>();

/** `run` with its number; `run` itself when it has it already. */
function withSeq(run: IRunSummary, seq: number): IRunSummary {
  if (run.seq === seq) {
    return run;
  }
  const made = NUMBERED.get(run);
  if (made && made.seq === seq) {
    return made;
  }
  const numbered = { ...run, seq };
  NUMBERED.set(run, numbered);
  return numbered;
}

/** Where `id` is or would go in ascending `ids`. */
function sortedIndex(ids: readonly string[], id: string): number {
  let lo = 0;
  let hi = ids.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ids[mid] < id) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo;
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
