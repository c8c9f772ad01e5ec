/**
 * Keeping the table's derived lists (filtered, sorted, items) current one
 * run at a time: a new or changed run is tested against the filter alone
 * and put where it sorts by binary search, instead of filtering and
 * sorting every run again (`RunsTableModel.applyChanges`). No DOM.
 */
import type { IRunSummary } from '../../core/run';
import { newestFirst } from '../../core/run';
import {
  cellGetter,
  compareCells,
  type CellValue,
  type IColumn,
  type MetricView
} from './columns';

export type RunOrder = (a: IRunSummary, b: IRunSummary) => number;

/**
 * The table's sort as a comparator: empty cells last whatever the
 * direction, ties newest first. Over runs listed newest first this is the
 * order of the full sort in `RunsTableModel.sorted` (whose ties keep input
 * order).
 */
export function sortOrder(
  column: IColumn,
  view: MetricView,
  descending: boolean
): RunOrder {
  const get = cellGetter(column, view);
  const dir = descending ? -1 : 1;
  return (a, b) => {
    const ka: CellValue = get(a);
    const kb: CellValue = get(b);
    if (ka === null || kb === null) {
      return ka === kb ? newestFirst(a, b) : ka === null ? 1 : -1;
    }
    return dir * compareCells(ka, kb) || newestFirst(a, b);
  };
}

/** First index whose element does not sort before `run`. */
export function lowerBound(
  list: readonly IRunSummary[],
  run: IRunSummary,
  order: RunOrder
): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (order(list[mid], run) < 0) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo;
}

/**
 * Index of `run` (this very summary) in a list sorted by `order`; -1 when
 * absent. Binary search (summaries never change, so `run` still sorts
 * where it was put), then a scan in case the order was not the list's.
 */
export function indexOfRun(
  list: readonly IRunSummary[],
  run: IRunSummary,
  order: RunOrder
): number {
  const i = lowerBound(list, run, order);
  return list[i] === run ? i : list.indexOf(run);
}

/** What one row operation did, so lists in step with `sorted` follow. */
export type RowEdit =
  | { type: 'remove'; index: number }
  | { type: 'insert'; index: number; run: IRunSummary };

/**
 * Apply removals then insertions to `filtered` (newest first) and, when
 * it is a separate list, `sorted` (by `order`): copies, so readers holding
 * the old lists keep them. Returns the edits made at `sorted` positions.
 */
export function editRows(
  lists: {
    filtered: readonly IRunSummary[];
    sorted: readonly IRunSummary[] | null;
  },
  removed: readonly IRunSummary[],
  added: readonly IRunSummary[],
  passes: (run: IRunSummary) => boolean,
  order: RunOrder | null
): {
  filtered: IRunSummary[];
  sorted: IRunSummary[] | null;
  edits: RowEdit[];
} {
  const filtered = lists.filtered.slice();
  const sorted = lists.sorted && order ? lists.sorted.slice() : null;
  const edits: RowEdit[] = [];
  for (const run of removed) {
    const i = indexOfRun(filtered, run, newestFirst);
    if (i < 0) {
      continue;
    }
    filtered.splice(i, 1);
    const j = sorted ? indexOfRun(sorted, run, order!) : i;
    if (j >= 0) {
      sorted?.splice(j, 1);
      edits.push({ type: 'remove', index: j });
    }
  }
  for (const run of added) {
    if (!passes(run)) {
      continue;
    }
    const i = lowerBound(filtered, run, newestFirst);
    filtered.splice(i, 0, run);
    const j = sorted ? lowerBound(sorted, run, order!) : i;
    sorted?.splice(j, 0, run);
    edits.push({ type: 'insert', index: j, run });
  }
  return { filtered, sorted, edits };
}

/** The metric, param and tag names of runs, to see when a new one appears. */
export class KeyNames {
  constructor(runs: readonly IRunSummary[]) {
    for (const r of runs) {
      this.addRun(r);
    }
  }

  /** Take in a run's names; true when one was new. */
  addRun(run: IRunSummary): boolean {
    let added = false;
    for (const [set, record] of [
      [this._params, run.params],
      [this._metrics, run.metrics],
      [this._tags, run.tags]
    ] as const) {
      if (record) {
        for (const k in record) {
          if (!set.has(k)) {
            set.add(k);
            added = true;
          }
        }
      }
    }
    return added;
  }

  private _params = new Set<string>();
  private _metrics = new Set<string>();
  private _tags = new Set<string>();
}
