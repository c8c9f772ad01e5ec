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
