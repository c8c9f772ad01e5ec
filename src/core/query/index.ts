/**
 * The run query language: MLflow's search syntax over run summaries.
 * Reference for users: `docs/QUERY.md`.
 */
import type { IRunSummary } from '../run';
import { compileQuery, type RunPredicate } from './compile';
import type { IQueryError } from './lexer';
import { parseQuery } from './parser';

export * from './ast';
export { compileQuery, keyGetter, toText, type RunPredicate } from './compile';
export {
  collectQueryKeys,
  completeQuery,
  quoteName,
  type CompletionKind,
  type IQueryCompletion,
  type IQueryCompletions,
  type IQueryKeys
} from './complete';
export {
  type IQueryError,
  QUERY_MESSAGES,
  queryMessage,
  type QueryErrorArg,
  type QueryErrorCode
} from './lexer';
export { compileLike, type LikeMatcher } from './like';
export { parseQuery, type ParseResult } from './parser';

/** Outcome of filtering: the matching rows, or why the query is invalid. */
export type FilterResult<T> =
  { ok: true; rows: T[] } | { ok: false; error: IQueryError };

/**
 * Parse and compile `text` in one step; for callers that filter several
 * lists with one query (or re-filter as runs arrive).
 */
export function makePredicate(
  text: string
): { ok: true; predicate: RunPredicate } | { ok: false; error: IQueryError } {
  const parsed = parseQuery(text);
  return parsed.ok ? { ok: true, predicate: compileQuery(parsed.ast) } : parsed;
}

/**
 * The rows that match `text`, in their original order. An empty query
 * matches every row; an invalid one returns the error and no rows.
 */
export function filterRuns<T extends IRunSummary>(
  rows: readonly T[],
  text: string
): FilterResult<T> {
  const made = makePredicate(text);
  return made.ok ? { ok: true, rows: rows.filter(made.predicate) } : made;
}
