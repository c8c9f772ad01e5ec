/**
 * Query errors in the user's language: the core reports a code and its
 * arguments (`IQueryError`); each code has its literal `trans.__` call here
 * so translation tools find the strings. Arguments are user text (keys,
 * values) or fixed query syntax and are inserted as they are.
 */
import type { TranslationBundle } from '@jupyterlab/translation';
import type {
  IQueryError,
  QueryErrorArg,
  QueryErrorCode
} from '../../core/query';

/** One message in the user's language. */
export function translateQueryMessage(
  trans: TranslationBundle,
  code: QueryErrorCode,
  args: readonly QueryErrorArg[]
): string {
  const a = args.map(v => (v === null ? trans.__('the end of the query') : v));
  switch (code) {
    case 'unknown-prefix':
      return trans.__("Unknown key prefix '%1'", a[0]);
    case 'expected-name':
      return trans.__("Expected a name after '%1'", a[0]);
    case 'unknown-attribute':
      return trans.__("Unknown attribute '%1'", a[0]);
    case 'boolean-operator':
      return trans.__('true and false compare only with = and !=');
    case 'metric-string':
      return trans.__(
        '%1 is a metric and compares with numbers, found a string',
        a[0]
      );
    case 'metric-value':
      return trans.__(
        '%1 is a metric and compares with numbers, found %2',
        a[0],
        a[1]
      );
    case 'attribute-number':
      return trans.__('%1 compares with numbers (milliseconds)', a[0]);
    case 'attribute-boolean':
      return trans.__('%1 compares with true or false', a[0]);
    case 'attribute-date':
      return trans.__("%1 compares with a date such as '2026-11-28'", a[0]);
    case 'bad-date':
      return trans.__(
        "Expected an ISO 8601 date such as '2026-11-28' or '2026-11-28T10:00:00Z'"
      );
    case 'unterminated-string':
      return trans.__('Unterminated string: missing closing %1', a[0]);
    case 'unterminated-name':
      return trans.__('Unterminated name: missing closing %1', a[0]);
    case 'unexpected-character':
      return trans.__("Unexpected character '%1'", a[0]);
    case 'quoted-name-prefix':
      return trans.__('A quoted name must follow a prefix such as metrics.');
    case 'unmatched-paren':
      return trans.__("Unmatched ')'");
    case 'expected-end':
      return trans.__(
        "Expected 'and', 'or' or the end of the query, found %1",
        a[0]
      );
    case 'expected-close':
      return trans.__("Expected ')' to close '(', found %1", a[0]);
    case 'unknown-key':
      return trans.__("Unknown key '%1'", a[0]);
    case 'expected-condition':
      return trans.__('Expected a condition, found %1', a[0]);
    case 'expected-condition-after':
      return trans.__("Expected a condition after '%1', found %2", a[0], a[1]);
    case 'expected-null':
      return trans.__("Expected 'null' after '%1', found %2", a[0], a[1]);
    case 'expected-not-operator':
      return trans.__(
        "Expected 'in', 'like' or 'ilike' after 'not', found %1",
        a[0]
      );
    case 'like-not-text':
      return trans.__("'%1' matches text; %2 is not text", a[0], a[1]);
    case 'expected-pattern':
      return trans.__(
        "Expected a quoted pattern after '%1', found %2",
        a[0],
        a[1]
      );
    case 'expected-operator':
      return trans.__("Expected an operator after '%1', found %2", a[0], a[1]);
    case 'expected-open':
      return trans.__("Expected '(' after '%1', found %2", a[0], a[1]);
    case 'expected-list':
      return trans.__(
        "Expected ',' or ')' in the list after '%1', found %2",
        a[0],
        a[1]
      );
    case 'use-is-null':
      return trans.__(
        "Use 'is null' or 'is not null' to test for a missing value"
      );
    case 'expected-value':
      return trans.__("Expected a value after '%1', found %2", a[0], a[1]);
    case 'hint-prefixes':
      return trans.__('use metrics., params., tags. or attributes.');
    case 'hint-attributes':
      return trans.__('known attributes: %1', a[0]);
    case 'hint-key':
      return trans.__(
        'write metrics.%1, params.%1, tags.%1 or attributes.%1',
        a[0]
      );
  }
}

/** A whole query error: message, position and hint, translated. */
export function translateQueryError(
  trans: TranslationBundle,
  error: IQueryError
): string {
  const text = translateQueryMessage(trans, error.code, error.args);
  const at = trans.__('%1 at position %2', text, error.position);
  return error.hint
    ? trans.__(
        '%1; %2',
        at,
        translateQueryMessage(trans, error.hint.code, error.hint.args)
      )
    : at;
}
