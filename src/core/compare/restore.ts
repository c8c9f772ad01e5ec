/**
 * Turning a run back into code: a `parameters` cell from its params, and a
 * notebook from its lineage. Param names and values are untrusted, so only
 * names that are plain Python identifiers become assignments and values are
 * written as Python literals, never pasted as code.
 */
import type { ParamValue } from '../run';
import type { ILineageItem } from './details';

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** A single-line top-level assignment `name = …` (not `==`). */
const ASSIGNMENT = /^([A-Za-z_][A-Za-z0-9_]*)\s*=(?!=)/;
const KEYWORDS = new Set(
  (
    'False None True and as assert async await break class continue def del ' +
    'elif else except finally for from global if import in is lambda nonlocal ' +
    'not or pass raise return try while with yield'
  ).split(' ')
);

/** Whether `name` can be assigned to in Python. */
export function isPythonIdentifier(name: string): boolean {
  return IDENTIFIER.test(name) && !KEYWORDS.has(name);
}

/** A Python literal for a JSON value. */
export function pythonLiteral(v: ParamValue): string {
  if (v === null) {
    return 'None';
  }
  if (typeof v === 'boolean') {
    return v ? 'True' : 'False';
  }
  if (typeof v === 'number') {
    return Number.isNaN(v)
      ? "float('nan')"
      : v === Infinity
        ? "float('inf')"
        : v === -Infinity
          ? "float('-inf')"
          : String(v);
  }
  if (typeof v === 'string') {
    // A JSON string is a valid Python string literal (same escapes).
    return JSON.stringify(v);
  }
  if (Array.isArray(v)) {
    return `[${v.map(pythonLiteral).join(', ')}]`;
  }
  return `{${Object.entries(v)
    .map(([k, x]) => `${JSON.stringify(k)}: ${pythonLiteral(x)}`)
    .join(', ')}}`;
}

/** Assignments for `params`; names that are not identifiers are skipped. */
export function parametersSource(params: Record<string, ParamValue>): {
  source: string;
  skipped: string[];
} {
  const lines: string[] = [];
  const skipped: string[] = [];
  for (const [name, value] of Object.entries(params)) {
    if (isPythonIdentifier(name)) {
      lines.push(`${name} = ${pythonLiteral(value)}`);
    } else {
      skipped.push(name);
    }
  }
  return { source: lines.join('\n'), skipped };
}

/** The cells of a notebook rebuilt from a run. */
export interface IRebuiltCell {
  /** The notebook cell it ran from, when known. */
  cellId: string | null;
  source: string;
  tags: string[];
}

/** Names assigned at the top level of `source` (`name = …` lines). */
function assignedNames(source: string): Set<string> {
  const names = new Set<string>();
  for (const line of source.split('\n')) {
    const m = ASSIGNMENT.exec(line);
    if (m) {
      names.add(m[1]);
    }
  }
  return names;
}

/**
 * Cells that re-create a run, in an order that runs top to bottom: each
 * lineage cell once, with the code of its latest execution (what the run
 * used), at the place of its first execution, then the run's own cell,
 * tagged as it was. The first place is the notebook's order as far as the
 * lineage can tell: a cell re-run later (the `parameters` cell edited and
 * run again after the data cell) still comes before the cells that used
 * it, where placing it at its last execution put the data cell before the
 * parameters it reads (a `NameError` on "Run All").
 *
 * The run's `parameters` cell, when it is in the lineage, is the last kept
 * entry assigning every param that came from a `parameters` cell (per
 * `paramSources`): it is tagged `parameters` and its assignments are set to
 * the run's values. Otherwise a `parameters` cell with the run's params
 * leads.
 */
export function rebuildCells(options: {
  params: Record<string, ParamValue>;
  paramSources?: Record<string, string>;
  lineage: readonly ILineageItem[];
  code: string;
  cellId?: string | null;
  experimentTag: string;
}): IRebuiltCell[] {
  // Per cell: where it first ran, and its latest code.
  const slots: { cellId: string | null; code: string }[] = [];
  const slotOf = new Map<string, number>();
  for (const e of options.lineage) {
    const at = e.cellId === null ? undefined : slotOf.get(e.cellId);
    if (at === undefined) {
      if (e.cellId !== null) {
        slotOf.set(e.cellId, slots.length);
      }
      slots.push({ cellId: e.cellId, code: e.code });
    } else {
      slots[at] = { cellId: e.cellId, code: e.code };
    }
  }
  const fromParameters = Object.entries(options.paramSources ?? {})
    .filter(
      ([name, source]) =>
        source === 'parameters' && Object.hasOwn(options.params, name)
    )
    .map(([name]) => name);
  let parametersAt = -1;
  if (fromParameters.length) {
    for (let i = slots.length - 1; i >= 0 && parametersAt < 0; i--) {
      const names = assignedNames(slots[i].code);
      if (fromParameters.every(name => names.has(name))) {
        parametersAt = i;
      }
    }
  }
  const cells: IRebuiltCell[] = [];
  const { source } = parametersSource(options.params);
  if (parametersAt < 0 && source) {
    cells.push({ cellId: null, source, tags: ['parameters'] });
  }
  slots.forEach((slot, i) => {
    if (i !== parametersAt) {
      cells.push({ cellId: slot.cellId, source: slot.code, tags: [] });
      return;
    }
    const values = Object.fromEntries(
      fromParameters.map(name => [name, options.params[name]])
    );
    cells.push({
      cellId: slot.cellId,
      source: updateParametersSource(slot.code, values, options.paramSources)
        .source,
      tags: ['parameters']
    });
  });
  cells.push({
    cellId: options.cellId ?? null,
    source: options.code,
    tags: [options.experimentTag]
  });
  return cells;
}

const NUMBER = /^[-+]?(\d[\d_]*\.?[\d_]*|\.\d[\d_]*)([eE][-+]?\d+)?$/;
const QUOTED = /^(?:'([^'\\]*)'|"([^"\\]*)")$/;

/**
 * Whether the right-hand side of an assignment (with an optional trailing
 * comment) is a simple Python literal equal to `value`: a number, a quoted
 * string without escapes, `True`, `False` or `None`. Anything else reads as
 * "not known equal" and is rewritten.
 */
function holdsLiteral(rhs: string, value: ParamValue): boolean {
  const text = rhs.replace(/\s+#[^'"]*$/, '').trim();
  if (typeof value === 'number') {
    return NUMBER.test(text) && Number(text.replace(/_/g, '')) === value;
  }
  if (typeof value === 'string') {
    const m = QUOTED.exec(text);
    return !!m && (m[1] ?? m[2]) === value;
  }
  return text === pythonLiteral(value);
}

/**
 * Set the assignments in an existing `parameters` cell to a run's values:
 * single-line top-level assignments `name = …` of params the run has are
 * rewritten (lines already holding the run's value are kept as written);
 * params the cell lacks are appended when they came from a
 * `parameters` cell (per `sources`, or all when sources are unknown).
 * Other lines are kept as they are.
 */
export function updateParametersSource(
  cellSource: string,
  params: Record<string, ParamValue>,
  sources?: Record<string, string>
): { source: string; changed: string[] } {
  const seen = new Set<string>();
  const changed: string[] = [];
  const lines = cellSource.split('\n').map(line => {
    const m = ASSIGNMENT.exec(line);
    if (!m || !Object.hasOwn(params, m[1]) || !isPythonIdentifier(m[1])) {
      return line;
    }
    seen.add(m[1]);
    if (holdsLiteral(line.slice(m[0].length), params[m[1]])) {
      return line; // already the run's value, as the user wrote it
    }
    const next = `${m[1]} = ${pythonLiteral(params[m[1]])}`;
    if (next !== line) {
      changed.push(m[1]);
    }
    return next;
  });
  for (const [name, value] of Object.entries(params)) {
    const fromParameters = !sources || sources[name] === 'parameters';
    if (!seen.has(name) && fromParameters && isPythonIdentifier(name)) {
      lines.push(`${name} = ${pythonLiteral(value)}`);
      changed.push(name);
    }
  }
  return { source: lines.join('\n'), changed };
}
