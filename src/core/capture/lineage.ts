/**
 * Lineage: what the kernel ran before a run, and whether that history is a
 * clean top-to-bottom execution of the notebook as it stands.
 */
import type { ILineageEntry, IRunLineage, LineageIssue } from '../run';

/** One execution the kernel reported, tied to its cell when known. */
export interface IExecutedCode {
  cellId: string | null;
  code: string;
  executionCount: number | null;
}

/** The notebook's cells now: position and current source by cell id. */
export type CurrentCells = ReadonlyMap<
  string,
  { index: number; source: string }
>;

/** Lineage entries kept per run; older ones are dropped (and flagged). */
export const MAX_LINEAGE_ENTRIES = 500;

/**
 * Describe the executions before a run. `history` is in execution order and
 * ends before the run's own execution; `runCellId` is the experiment cell.
 */
export function analyzeLineage(
  history: readonly IExecutedCode[],
  cells: CurrentCells,
  runCellId: string | null,
  options: { unknownHistory?: boolean } = {}
): IRunLineage {
  const issues = new Set<LineageIssue>();
  const kept =
    history.length > MAX_LINEAGE_ENTRIES
      ? history.slice(history.length - MAX_LINEAGE_ENTRIES)
      : history;
  if (kept.length < history.length) {
    issues.add('truncated');
  }
  if (options.unknownHistory) {
    issues.add('unknown-history');
  }
  const seen = new Set<string>();
  let lastIndex = -1;
  const entries: ILineageEntry[] = kept.map(item => {
    let state: ILineageEntry['state'];
    if (item.cellId === null) {
      state = 'external';
      issues.add('external');
    } else {
      const cell = cells.get(item.cellId);
      if (!cell) {
        state = 'deleted';
        issues.add('deleted');
      } else {
        state = cell.source === item.code ? 'unchanged' : 'edited';
        if (state === 'edited') {
          issues.add('edited');
        }
        if (cell.index < lastIndex) {
          issues.add('out-of-order');
        }
        lastIndex = Math.max(lastIndex, cell.index);
      }
      if (seen.has(item.cellId)) {
        issues.add('re-run');
      }
      seen.add(item.cellId);
    }
    return {
      cellId: item.cellId,
      executionCount: item.executionCount,
      code: item.code,
      state
    };
  });
  // The run's own cell must come after everything it depends on.
  const own = runCellId === null ? undefined : cells.get(runCellId);
  if (own && own.index < lastIndex) {
    issues.add('out-of-order');
  }
  if (runCellId !== null && seen.has(runCellId)) {
    issues.add('re-run');
  }
  const ordered: LineageIssue[] = [
    'out-of-order',
    're-run',
    'edited',
    'deleted',
    'external',
    'truncated',
    'unknown-history'
  ];
  const list = ordered.filter(issue => issues.has(issue));
  return { entries, clean: list.length === 0, issues: list };
}

/**
 * The slice the kernel cut for a run (jupyterlab_runs/_slice.py
 * `Slice.to_json`): the executions its cell depended on, transitively,
 * oldest first — not the whole session. Only the fields lineage reads.
 */
export interface IKernelSlice {
  executions: IExecutedCode[];
  /** Names read that no kept execution defined. */
  unresolved: string[];
  /** Executions were forgotten and some name is unresolved. */
  truncated: boolean;
  /** In[] numbers before the run that the kernel's history never saw. */
  unseen: number;
  /** Executions the kernel saw in the session. */
  historyCount: number;
}

/** Read a kernel slice defensively; null when it is not one. */
export function readKernelSlice(value: unknown): IKernelSlice | null {
  if (typeof value !== 'object' || value === null) {
    return null;
  }
  const v = value as Record<string, unknown>;
  if (!Array.isArray(v.executions)) {
    return null;
  }
  const executions: IExecutedCode[] = [];
  for (const e of v.executions as unknown[]) {
    const item = (e ?? {}) as Record<string, unknown>;
    if (typeof item.code !== 'string') {
      return null;
    }
    executions.push({
      cellId: typeof item.cellId === 'string' ? item.cellId : null,
      code: item.code,
      executionCount: Number.isInteger(item.executionCount)
        ? (item.executionCount as number)
        : null
    });
  }
  const strings = (x: unknown) =>
    Array.isArray(x) ? x.filter((s): s is string => typeof s === 'string') : [];
  const count = (x: unknown) =>
    typeof x === 'number' && Number.isFinite(x) ? x : 0;
  return {
    executions,
    unresolved: strings(v.unresolved),
    truncated: v.truncated === true,
    unseen: count(v.unseen),
    historyCount: count(v.historyCount)
  };
}

/**
 * Whether the slice holds every definition its run used: nothing was
 * forgotten, and no name it read is missing because it was defined before
 * the kernel's history began.
 */
export function isCompleteSlice(slice: IKernelSlice): boolean {
  return !slice.truncated && !(slice.unseen > 0 && slice.unresolved.length > 0);
}

/**
 * Lineage from the kernel's slice: the same analysis as for the session
 * history (edited, deleted, out-of-order cells), over the run's real
 * dependencies only, so it does not grow with earlier runs and a normal
 * "edit the parameters, Run All" sweep is clean. History the kernel did not
 * see matters only when a name the run read is unresolved.
 */
export function lineageFromSlice(
  slice: IKernelSlice,
  cells: CurrentCells,
  runCellId: string | null
): IRunLineage {
  return analyzeLineage(slice.executions, cells, runCellId, {
    unknownHistory: !isCompleteSlice(slice)
  });
}
