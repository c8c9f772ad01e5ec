/**
 * Turn a query tree into a predicate over run summaries: a tree of closures,
 * never generated code, so no query text can ever be executed.
 *
 * Comparison rules (also in `docs/QUERY.md`):
 * - A missing value (no such metric/param/tag, `null`, a running run's
 *   duration) fails every test except `is null`; `!=` and `not in` included,
 *   as in SQL.
 * - A number literal compares numerically; a param or tag that is a string
 *   is converted with `Number()` and fails when that is not a number.
 * - A string literal compares with the value's text (`String(x)`, JSON for
 *   lists and objects); `<`/`>` on text compare UTF-16 code units.
 * - `true`/`false` match booleans and the strings `true`/`false` in any case.
 * - Dates (`attributes.start`, `attributes.end`) compare as instants: the
 *   literal is parsed with `Date.parse`, a number is epoch milliseconds.
 */
import type { IRunSummary, ParamValue } from '../run';
import { runName } from '../runs/names';
import {
  ATTRIBUTES,
  type AttributeName,
  type CompareOp,
  type IQueryKey,
  type QueryLiteral,
  type QueryNode
} from './ast';
import { compileLike } from './like';

/** A compiled query. */
export type RunPredicate = (row: IRunSummary) => boolean;

/** What a getter yields: a value, or `undefined` when it is missing. */
type Value = ParamValue | undefined;
type Getter = (row: IRunSummary) => Value;

const ATTRIBUTE_GETTERS: Record<AttributeName, Getter> = {
  id: r => r.id,
  name: r => runName(r),
  status: r => r.status,
  experiment: r => r.experiment,
  notebook: r => r.notebookPath,
  start: r => r.startedAt,
  end: r => r.endedAt,
  duration: r => r.durationMs,
  starred: r => r.starred ?? false,
  provenance: r => r.provenance
};

/** Build the getter for a key. */
export function keyGetter(key: IQueryKey): Getter {
  const name = key.name;
  switch (key.kind) {
    case 'metric': {
      const agg = key.aggregate ?? 'last';
      // No own-property check needed: inherited members (`constructor`,
      // `__proto__`) have no `last`/`min`/`max`/`count`, so they read as
      // missing. Saves a call per row on the hot path.
      return r => r.metrics?.[name]?.[agg];
    }
    case 'param':
      return r => {
        const p = r.params;
        return p && Object.hasOwn(p, name) ? p[name] : undefined;
      };
    case 'tag':
      return r => {
        const t = r.tags;
        return t && Object.hasOwn(t, name) ? t[name] : undefined;
      };
    case 'attribute':
      return ATTRIBUTE_GETTERS[name as AttributeName];
  }
}

/** A value as a number, or NaN when it is not one. */
function toNumber(v: Value): number {
  if (typeof v === 'number') {
    return v;
  }
  if (typeof v === 'string' && v.trim() !== '') {
    return Number(v);
  }
  return NaN;
}

/** A value as text: strings as they are, lists and objects as JSON. */
export function toText(v: ParamValue): string {
  return typeof v === 'string'
    ? v
    : typeof v === 'object'
      ? JSON.stringify(v)
      : String(v);
}

type Ordered = number | string;

/** `a op b`, chosen once per query rather than per row. */
function comparator(op: CompareOp): (a: Ordered, b: Ordered) => boolean {
  switch (op) {
    case '=':
      return (a, b) => a === b;
    case '!=':
      return (a, b) => a !== b;
    case '<':
      return (a, b) => a < b;
    case '<=':
      return (a, b) => a <= b;
    case '>':
      return (a, b) => a > b;
    case '>=':
      return (a, b) => a >= b;
  }
}

/** `YYYY-MM-DDTHH:mm:ss.sssZ`, as `toISOString` writes and runs store. */
function isCanonicalIso(v: string): boolean {
  return v.length === 24 && v.charCodeAt(23) === 90 && v.charCodeAt(10) === 84;
}

/**
 * Test for one literal. Returns `undefined`-safe closures; a missing value
 * is handled by the caller.
 */
function literalTest(
  key: IQueryKey,
  op: CompareOp,
  lit: QueryLiteral
): (v: ParamValue) => boolean {
  const isDate =
    key.kind === 'attribute' &&
    ATTRIBUTES[key.name as AttributeName] === 'date';
  const cmp = comparator(op);
  if (isDate && lit.kind !== 'boolean') {
    const at = lit.kind === 'number' ? lit.value : Date.parse(lit.value);
    // Canonical ISO strings order like the instants they name, so most rows
    // compare as text; anything else is parsed.
    const iso =
      Number.isFinite(at) && Math.abs(at) <= 8.64e15
        ? new Date(at).toISOString()
        : '';
    const atText = isCanonicalIso(iso) ? iso : '';
    return v => {
      if (typeof v !== 'string') {
        return op === '!=';
      }
      if (atText && isCanonicalIso(v)) {
        return cmp(v, atText);
      }
      const t = Date.parse(v);
      return Number.isNaN(t) ? op === '!=' : cmp(t, at);
    };
  }
  if (lit.kind === 'number') {
    const x = lit.value;
    return v => {
      const n = typeof v === 'number' ? v : toNumber(v);
      return Number.isNaN(n) ? op === '!=' : cmp(n, x);
    };
  }
  if (lit.kind === 'boolean') {
    const text = String(lit.value);
    const eq = (v: ParamValue) =>
      v === lit.value || (typeof v === 'string' && v.toLowerCase() === text);
    return op === '=' ? eq : v => !eq(v);
  }
  const s = lit.value;
  return v => cmp(typeof v === 'string' ? v : toText(v), s);
}

/** Present: neither missing nor null. */
function present(v: Value): v is Exclude<ParamValue, null> {
  return v !== undefined && v !== null;
}

function compileNode(node: QueryNode): RunPredicate {
  switch (node.type) {
    case 'all':
      return () => true;
    case 'and': {
      const parts = node.children.map(compileNode);
      return r => parts.every(p => p(r));
    }
    case 'or': {
      const parts = node.children.map(compileNode);
      return r => parts.some(p => p(r));
    }
    case 'not': {
      const child = compileNode(node.child);
      return r => !child(r);
    }
    case 'compare': {
      const get = keyGetter(node.key);
      const test = literalTest(node.key, node.op, node.value);
      return r => {
        const v = get(r);
        return present(v) && test(v);
      };
    }
    case 'in': {
      const get = keyGetter(node.key);
      const tests = node.values.map(l => literalTest(node.key, '=', l));
      const negated = node.negated;
      return r => {
        const v = get(r);
        return present(v) && tests.some(t => t(v)) !== negated;
      };
    }
    case 'like': {
      const get = keyGetter(node.key);
      const match = compileLike(node.pattern, node.caseInsensitive);
      const negated = node.negated;
      return r => {
        const v = get(r);
        return present(v) && match(toText(v)) !== negated;
      };
    }
    case 'null': {
      const get = keyGetter(node.key);
      const negated = node.negated;
      return r => present(get(r)) === negated;
    }
  }
}

/** Compile a parsed query into a predicate (closures only, no eval). */
export function compileQuery(ast: QueryNode): RunPredicate {
  return compileNode(ast);
}
