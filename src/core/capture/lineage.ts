/**
 * Lineage: the executions a run depended on (the kernel's slice), or, when
 * the kernel sent none, what it ran before the run; each tied to its cell
 * and marked with how that cell stands now. Whether the lineage could be
 * produced by the notebook as it is now is `provenance.ts`'s question.
 */
import type { ILineageEntry, IRunLineage } from '../run';

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

/** Lineage entries kept per run; older ones are dropped. */
export const MAX_LINEAGE_ENTRIES = 500;

/** How an execution's cell stands now. */
export function entryState(
  item: IExecutedCode,
  cells: CurrentCells
): ILineageEntry['state'] {
  if (item.cellId === null) {
    return 'external';
  }
  const cell = cells.get(item.cellId);
  if (!cell) {
    return 'deleted';
  }
  return cell.source === item.code ? 'unchanged' : 'edited';
}

/**
 * A `session` lineage: every execution before the run (`history`, in
 * execution order, ending before the run), the latest
 * MAX_LINEAGE_ENTRIES kept. For kernels that sent no dependency slice.
 */
export function analyzeLineage(
  history: readonly IExecutedCode[],
  cells: CurrentCells
): IRunLineage {
  const kept =
    history.length > MAX_LINEAGE_ENTRIES
      ? history.slice(history.length - MAX_LINEAGE_ENTRIES)
      : history;
  return {
    scope: 'session',
    entries: kept.map(item => ({
      cellId: item.cellId,
      executionCount: item.executionCount,
      code: item.code,
      state: entryState(item, cells)
    })),
    historyCount: history.length
  };
}

/** One execution of a slice, with what it defined and read. */
export interface ISliceExecution extends IExecutedCode {
  /** Every name it bound, deleted or changed in place. */
  defines: string[];
  uses: string[];
  /** The names the slice took from it. */
  provides: string[];
  /** A cell tagged `parameters` ran it. */
  parameters: boolean;
}

/**
 * The slice the kernel cut for a run (jupyterlab_runs/_slice.py
 * `Slice.to_json`, plus `uses` and `unseen` from `_capture._slice_of`): the
 * executions its cell depended on, transitively, oldest first — not the
 * whole session. Only the fields lineage and provenance read.
 */
export interface IKernelSlice {
  executions: ISliceExecution[];
  /** What the run's own cell read. */
  uses: string[];
  /** Names the run read that only earlier runs of its own cell left. */
  selfDependent: string[];
  /** Names read that no kept execution defined. */
  unresolved: string[];
  /** Executions were forgotten and some name is unresolved. */
  truncated: boolean;
  /** In[] numbers before the run that the kernel's history never saw. */
  unseen: number;
  /** Executions the kernel saw in the session. */
  historyCount: number;
}

const strings = (x: unknown): string[] =>
  Array.isArray(x) ? x.filter((s): s is string => typeof s === 'string') : [];

/** Read a kernel slice defensively; null when it is not one. */
export function readKernelSlice(value: unknown): IKernelSlice | null {
  if (typeof value !== 'object' || value === null) {
    return null;
  }
  const v = value as Record<string, unknown>;
  if (!Array.isArray(v.executions)) {
    return null;
  }
  const provides = Array.isArray(v.provides) ? v.provides : [];
  const executions: ISliceExecution[] = [];
  for (const [i, e] of (v.executions as unknown[]).entries()) {
    const item = (e ?? {}) as Record<string, unknown>;
    if (typeof item.code !== 'string') {
      return null;
    }
    executions.push({
      cellId: typeof item.cellId === 'string' ? item.cellId : null,
      code: item.code,
      executionCount: Number.isInteger(item.executionCount)
        ? (item.executionCount as number)
        : null,
      defines: strings(item.defines),
      uses: strings(item.uses),
      provides: strings(provides[i]),
      parameters: item.parameters === true
    });
  }
  const count = (x: unknown) =>
    typeof x === 'number' && Number.isFinite(x) ? x : 0;
  return {
    executions,
    uses: strings(v.uses),
    selfDependent: strings(v.selfDependent),
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
 * A `slice` lineage: the run's real dependencies, each with the names the
 * run took from it, so it does not grow with earlier runs; the session's
 * length is kept as a number.
 */
export function lineageFromSlice(
  slice: IKernelSlice,
  cells: CurrentCells
): IRunLineage {
  return {
    scope: 'slice',
    entries: slice.executions.map(item => ({
      cellId: item.cellId,
      executionCount: item.executionCount,
      code: item.code,
      state: entryState(item, cells),
      provides: item.provides
    })),
    historyCount: slice.historyCount
  };
}
