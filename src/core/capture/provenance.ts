/**
 * Provenance: could the run's slice be produced by running the notebook as
 * it is now, top to bottom, with the run's own parameters in its
 * `parameters` cell? If not, say exactly what breaks it, naming the cells
 * and the variables:
 *
 * - a dependency cell edited or deleted since it ran (a `parameters` cell
 *   edit is narrowed to the parameters that changed: "`seed` is 5 in the
 *   parameters cell, but the data split used `seed = 1`"). Once the
 *   sweep has moved on — the cell was run or queued again with new values,
 *   as a queued burst does before its runs even start — the values of the
 *   execution the run records as its params (`parametersFrom`) are the
 *   run's own, restored by "reset parameters", not stale; an edit not run
 *   since still is ("did you forget to run it?");
 * - code from outside the notebook (a console);
 * - two dependent executions run against notebook order, or a dependency
 *   that sits below the experiment cell;
 * - state the run read from earlier runs of its own cell (`n += 1`).
 *
 * A normal "edit the parameters, Run All" sweep is clean: every execution
 * in its slice is the latest run of an unchanged cell, in notebook order.
 * Names the kernel could not resolve make the answer `unknown`, not clean.
 */
import type {
  IProvenanceCell,
  IProvenanceIssue,
  IRunLineage,
  IRunProvenance,
  ProvenanceState
} from '../run';
import { readAssignments } from './assignments';
import {
  analyzeLineage,
  isCompleteSlice,
  lineageFromSlice,
  type CurrentCells,
  type IExecutedCode,
  type IKernelSlice,
  type ISliceExecution
} from './lineage';

/** Issues kept per run (a long interleaved session could list many). */
export const MAX_PROVENANCE_ISSUES = 50;

/** First line of code kept to name a cell. */
const LINE_CHARS = 80;

/** The provenance of a run from its kernel slice and the notebook now. */
export function provenanceFromSlice(
  slice: IKernelSlice,
  cells: CurrentCells,
  run: IExecutedCode,
  parametersFrom: number | null = null
): IRunProvenance {
  const runs = slice.executions;
  // The slice's executions, then the run itself (a reader of them).
  const refs = [...runs, run].map(e => cellRef(e, cells));
  const issues: IProvenanceIssue[] = [];
  const readers = readersOf(slice);
  runs.forEach((e, i) => {
    const own =
      e.parameters === true &&
      parametersFrom !== null &&
      e.executionCount === parametersFrom;
    issues.push(...changes(e, refs[i], cells, readers.get(i) ?? [], refs, own));
  });
  issues.push(...orderIssues(slice, refs, cells, run.cellId));
  if (slice.selfDependent.length) {
    issues.push({ kind: 'self-dependent', names: slice.selfDependent });
  }
  if (!isCompleteSlice(slice)) {
    issues.push({ kind: 'incomplete', names: slice.unresolved });
  }
  return finish(issues);
}

/** The provenance of a run that has no slice to check. */
export function provenanceWithoutSlice(): IRunProvenance {
  return { state: 'unknown', issues: [{ kind: 'no-slice' }] };
}

/** Order issues by weight and cap them; the state follows from them. */
function finish(issues: IProvenanceIssue[]): IRunProvenance {
  const rank: Record<IProvenanceIssue['kind'], number> = {
    'stale-param': 0,
    edited: 1,
    deleted: 2,
    'out-of-order': 3,
    below: 4,
    external: 5,
    'self-dependent': 6,
    incomplete: 7,
    'no-slice': 8
  };
  const sorted = issues
    .map((issue, i) => [issue, i] as const)
    .sort(([a, i], [b, j]) => rank[a.kind] - rank[b.kind] || i - j)
    .map(([issue]) => issue)
    .slice(0, MAX_PROVENANCE_ISSUES);
  let state: ProvenanceState = 'clean';
  if (sorted.some(i => i.kind !== 'incomplete' && i.kind !== 'no-slice')) {
    state = 'stale';
  } else if (sorted.length) {
    state = 'unknown';
  }
  return { state, issues: sorted };
}

function cellRef(
  e: { cellId: string | null; executionCount: number | null; code: string },
  cells: CurrentCells
): IProvenanceCell {
  const line = e.code.split('\n').find(l => l.trim() !== '') ?? '';
  return {
    cellId: e.cellId,
    executionCount: e.executionCount,
    index: e.cellId === null ? null : (cells.get(e.cellId)?.index ?? null),
    line: line.length > LINE_CHARS ? line.slice(0, LINE_CHARS - 1) + '…' : line
  };
}

/**
 * For each execution of the slice (by position), the later executions —
 * the run itself as position `executions.length` — that read a name it
 * provided, with the names: a reader takes a name from the latest earlier
 * execution that provides it.
 */
function readersOf(slice: IKernelSlice): Map<number, [number, string][]> {
  const out = new Map<number, [number, string][]>();
  const latest = new Map<string, number>();
  const read = (reader: number, uses: readonly string[]) => {
    for (const name of uses) {
      const from = latest.get(name);
      if (from !== undefined) {
        const list = out.get(from) ?? [];
        list.push([reader, name]);
        out.set(from, list);
      }
    }
  };
  slice.executions.forEach((e, i) => {
    read(i, e.uses);
    for (const name of e.provides) {
      latest.set(name, i);
    }
  });
  read(slice.executions.length, slice.uses);
  return out;
}

/**
 * Edited, deleted and external dependencies, and stale parameters. `own`:
 * the execution whose values the run records as its params, whose values
 * are then never stale (only an edit beyond them counts).
 */
function changes(
  e: ISliceExecution,
  ref: IProvenanceCell,
  cells: CurrentCells,
  readers: readonly [number, string][],
  refs: readonly IProvenanceCell[],
  own = false
): IProvenanceIssue[] {
  const names = e.provides;
  if (e.cellId === null) {
    return [{ kind: 'external', cell: ref, names }];
  }
  const cell = cells.get(e.cellId);
  if (!cell) {
    return [{ kind: 'deleted', cell: ref, names }];
  }
  if (cell.source === e.code) {
    return [];
  }
  if (!e.parameters) {
    return [{ kind: 'edited', cell: ref, names }];
  }
  const before = readAssignments(e.code);
  const now = readAssignments(cell.source);
  const issues: IProvenanceIssue[] = [];
  let unsure = before.other.join('\n') !== now.other.join('\n');
  for (const name of names) {
    const used = before.values.get(name);
    const current = now.values.get(name) ?? null;
    if (used === undefined || now.unsure.has(name)) {
      unsure = true;
    } else if (current !== used && !own) {
      issues.push({
        kind: 'stale-param',
        name,
        used,
        now: current,
        cell: ref,
        usedBy: readers
          .filter(([, read]) => read === name)
          .map(([reader]) => reader)
          .filter((r, i, all) => all.indexOf(r) === i)
          .map(reader => refs[reader])
      });
    }
  }
  if (unsure) {
    issues.push({ kind: 'edited', cell: ref, names });
  }
  return issues;
}

/**
 * Dependent executions run against notebook order, and dependencies below
 * the experiment cell. Two executions depend on each other when one read
 * what the other defined, or both defined the same name: only then does
 * their order change what the run saw.
 */
function orderIssues(
  slice: IKernelSlice,
  refs: readonly IProvenanceCell[],
  cells: CurrentCells,
  runCellId: string | null
): IProvenanceIssue[] {
  const runs = slice.executions;
  const issues: IProvenanceIssue[] = [];
  for (let j = 0; j < runs.length; j++) {
    const later = refs[j];
    if (later.index === null) {
      continue;
    }
    for (let i = 0; i < j; i++) {
      const earlier = refs[i];
      if (earlier.index === null || earlier.index <= later.index) {
        continue;
      }
      const shared = dependency(runs[i], runs[j]).filter(
        name => !reassignedAlike(runs, i, j, name)
      );
      if (shared.length) {
        issues.push({
          kind: 'out-of-order',
          cell: later,
          after: earlier,
          names: shared
        });
      }
    }
  }
  const own = runCellId === null ? undefined : cells.get(runCellId);
  if (own) {
    runs.forEach((e, i) => {
      const index = refs[i].index;
      if (index !== null && index > own.index) {
        issues.push({ kind: 'below', cell: refs[i], names: e.provides });
      }
    });
  }
  return issues;
}

/**
 * Whether execution `j`, a `parameters` cell run, assigns `name` the very
 * value (the same literal text) every parameters run before execution `i`
 * gave it: then running the cells in notebook order gives `i` the same
 * `name`, and their order does not matter. The usual interactive sweep —
 * edit `lr`, run the parameters cell and the experiment, not the data cell
 * that read `seed` — re-assigns `seed` unchanged.
 */
function reassignedAlike(
  runs: readonly ISliceExecution[],
  i: number,
  j: number,
  name: string
): boolean {
  if (!runs[j].parameters) {
    return false;
  }
  const value = (e: ISliceExecution) => {
    const read = readAssignments(e.code);
    return read.unsure.has(name) ? undefined : read.values.get(name);
  };
  const now = value(runs[j]);
  const before = runs
    .slice(0, i)
    .filter(e => e.parameters && e.defines.includes(name));
  return (
    now !== undefined &&
    before.length > 0 &&
    before.every(e => value(e) === now)
  );
}

/** The names through which two executions depend on each other, sorted. */
function dependency(a: ISliceExecution, b: ISliceExecution): string[] {
  const shared = new Set<string>();
  const add = (xs: readonly string[], ys: readonly string[]) => {
    const set = new Set(ys);
    xs.filter(x => set.has(x)).forEach(x => shared.add(x));
  };
  add(b.uses, a.defines);
  add(a.uses, b.defines);
  add(a.defines, b.defines);
  return [...shared].sort();
}

/**
 * The slice with each execution the kernel could not tie to a cell (no
 * cell id: it ran before the kernel side was set up and no page saw it, a
 * page reloaded since) tied to the one current cell whose source is that
 * code, when exactly one is. Running that cell runs the same code, so the
 * execution is the notebook's, not "from outside the notebook"; no match,
 * or several, leaves it as it was.
 */
export function attributeByCode(
  slice: IKernelSlice,
  cells: CurrentCells
): IKernelSlice {
  if (slice.executions.every(e => e.cellId !== null)) {
    return slice;
  }
  const bySource = new Map<string, string | null>();
  for (const [id, cell] of cells) {
    bySource.set(cell.source, bySource.has(cell.source) ? null : id);
  }
  return {
    ...slice,
    executions: slice.executions.map(e =>
      e.cellId === null && bySource.get(e.code)
        ? { ...e, cellId: bySource.get(e.code)! }
        : e
    )
  };
}

/**
 * A run's lineage and provenance: from the kernel's slice when it is
 * complete (or there is nothing better); else the session `history` the
 * page saw as lineage, with the provenance still checked on the slice the
 * kernel sent (`unknown` then, since names are unresolved). `history` is
 * null when the page saw none (a journaled run). Executions without a
 * cell id are tied to cells by their code first (`attributeByCode`).
 * `parametersFrom`: the In[] number of the `parameters` cell execution
 * the run's params come from, once the sweep has moved on from it
 * (`provenanceFromSlice`); null otherwise.
 */
export function describeRun(
  given: IKernelSlice | null,
  cells: CurrentCells,
  run: IExecutedCode,
  history: readonly IExecutedCode[] | null,
  parametersFrom: number | null = null
): { lineage?: IRunLineage; provenance?: IRunProvenance } {
  const slice = given && attributeByCode(given, cells);
  if (slice && (isCompleteSlice(slice) || history === null)) {
    return {
      lineage: lineageFromSlice(slice, cells),
      provenance: provenanceFromSlice(slice, cells, run, parametersFrom)
    };
  }
  if (history) {
    return {
      lineage: analyzeLineage(history, cells),
      provenance: slice
        ? provenanceFromSlice(slice, cells, run, parametersFrom)
        : provenanceWithoutSlice()
    };
  }
  return {};
}
