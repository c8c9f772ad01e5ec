/**
 * Resolving keys and checking literals against them: the part of parsing
 * that knows about metrics, params, tags and attributes.
 */
import {
  ATTRIBUTES,
  ATTRIBUTE_ALIASES,
  type IQueryKey,
  KEY_PREFIXES,
  METRIC_AGGREGATES,
  type MetricAggregate,
  type QueryLiteral
} from './ast';
import { type IToken, QueryError, type QueryErrorCode } from './lexer';

const KNOWN_ATTRIBUTES = Object.keys(ATTRIBUTES).join(', ');

/**
 * Whether `like`/`ilike` apply: to params, tags and text or date
 * attributes (dates match their ISO text); not to metrics, numbers or
 * booleans.
 */
export function isTextKey(key: IQueryKey): boolean {
  if (key.kind === 'metric') {
    return false;
  }
  if (key.kind !== 'attribute') {
    return true;
  }
  const type = ATTRIBUTES[key.name as keyof typeof ATTRIBUTES];
  return type === 'string' || type === 'date';
}

/** Resolve a `key` token into what it addresses. */
export function resolveKey(token: IToken): IQueryKey {
  const prefix = token.prefix ?? '';
  const kind = KEY_PREFIXES[prefix.toLowerCase()];
  if (!kind) {
    throw new QueryError(
      'unknown-prefix',
      [prefix],
      token.start,
      token.start + prefix.length,
      { code: 'hint-prefixes', args: [] }
    );
  }
  const segments = token.segments ?? [];
  const empty = segments.find(s => !s.quoted && s.text === '');
  if (empty) {
    const before = token.text.slice(0, empty.start - token.start);
    throw new QueryError('expected-name', [before], empty.start);
  }
  const span = { start: token.start, end: token.end };
  let parts = segments;
  let aggregate: MetricAggregate | undefined;
  const last = segments[segments.length - 1];
  if (
    kind === 'metric' &&
    segments.length > 1 &&
    !last.quoted &&
    (METRIC_AGGREGATES as readonly string[]).includes(last.text.toLowerCase())
  ) {
    aggregate = last.text.toLowerCase() as MetricAggregate;
    parts = segments.slice(0, -1);
  }
  const name = parts.map(s => s.text).join('.');
  if (kind === 'metric') {
    return { kind, name, aggregate: aggregate ?? 'last', ...span };
  }
  if (kind === 'attribute') {
    const canonical = ATTRIBUTE_ALIASES[name.toLowerCase()];
    if (!canonical) {
      throw new QueryError(
        'unknown-attribute',
        [name],
        segments[0].start,
        token.end,
        { code: 'hint-attributes', args: [KNOWN_ATTRIBUTES] }
      );
    }
    return { kind, name: canonical, ...span };
  }
  return { kind, name, ...span };
}

/**
 * Check a literal against what the key can hold, so that a query that can
 * never match (a metric against text, `starred` against a number) is an
 * error at the literal rather than an empty result.
 */
export function checkLiteral(
  key: IQueryKey,
  op: IToken,
  value: QueryLiteral
): void {
  const keyText = `${key.kind === 'attribute' ? 'attributes' : key.kind + 's'}.${key.name}`;
  const fail = (
    code: QueryErrorCode,
    args: string[],
    at: { start: number; end: number } = value
  ) => {
    throw new QueryError(code, args, at.start, at.end);
  };
  if (value.kind === 'boolean' && !['=', '!=', 'in'].includes(op.text)) {
    fail('boolean-operator', [], op);
  }
  if (key.kind === 'metric' && value.kind !== 'number') {
    if (value.kind === 'string') {
      fail('metric-string', [keyText]);
    }
    fail('metric-value', [keyText, String(value.value)]);
  }
  if (key.kind !== 'attribute') {
    return;
  }
  const type = ATTRIBUTES[key.name as keyof typeof ATTRIBUTES];
  if (type === 'number' && value.kind !== 'number') {
    fail('attribute-number', [keyText]);
  }
  if (type === 'boolean' && value.kind !== 'boolean') {
    fail('attribute-boolean', [keyText]);
  }
  if (type === 'date') {
    if (value.kind === 'boolean') {
      fail('attribute-date', [keyText]);
    }
    if (value.kind === 'string' && Number.isNaN(Date.parse(value.value))) {
      fail('bad-date', []);
    }
  }
}
