/**
 * Tokenizer for the run query language (see `docs/QUERY.md`).
 *
 * Hand-written rather than generated: the grammar has a dozen token kinds,
 * and a hand-written lexer gives exact character positions for every error
 * and a lenient mode that completion needs for half-typed input.
 */

/**
 * Every query error, by code: the English text with `%1`, `%2` for its
 * arguments. The core writes `message` from these; a UI translates by
 * `code` and `args` instead (see `src/ui/query/errors.ts`), so no English
 * reaches a translated interface.
 */
export const QUERY_MESSAGES = {
  'unknown-prefix': "Unknown key prefix '%1'",
  'expected-name': "Expected a name after '%1'",
  'unknown-attribute': "Unknown attribute '%1'",
  'boolean-operator': 'true and false compare only with = and !=',
  'metric-string': '%1 is a metric and compares with numbers, found a string',
  'metric-value': '%1 is a metric and compares with numbers, found %2',
  'attribute-number': '%1 compares with numbers (milliseconds)',
  'attribute-boolean': '%1 compares with true or false',
  'attribute-date': "%1 compares with a date such as '2026-11-28'",
  'bad-date':
    "Expected an ISO 8601 date such as '2026-11-28' or '2026-11-28T10:00:00Z'",
  'unterminated-string': 'Unterminated string: missing closing %1',
  'unterminated-name': 'Unterminated name: missing closing %1',
  'unexpected-character': "Unexpected character '%1'",
  'quoted-name-prefix': 'A quoted name must follow a prefix such as metrics.',
  'unmatched-paren': "Unmatched ')'",
  'expected-end': "Expected 'and', 'or' or the end of the query, found %1",
  'expected-close': "Expected ')' to close '(', found %1",
  'unknown-key': "Unknown key '%1'",
  'expected-condition': 'Expected a condition, found %1',
  'expected-condition-after': "Expected a condition after '%1', found %2",
  'expected-null': "Expected 'null' after '%1', found %2",
  'expected-not-operator':
    "Expected 'in', 'like' or 'ilike' after 'not', found %1",
  'like-not-text': "'%1' matches text; %2 is not text",
  'expected-pattern': "Expected a quoted pattern after '%1', found %2",
  'expected-operator': "Expected an operator after '%1', found %2",
  'expected-open': "Expected '(' after '%1', found %2",
  'expected-list': "Expected ',' or ')' in the list after '%1', found %2",
  'use-is-null': "Use 'is null' or 'is not null' to test for a missing value",
  'expected-value': "Expected a value after '%1', found %2",
  // Hints, written after the position.
  'hint-prefixes': 'use metrics., params., tags. or attributes.',
  'hint-attributes': 'known attributes: %1',
  'hint-key': 'write metrics.%1, params.%1, tags.%1 or attributes.%1'
} as const;

/** What went wrong, as a key of `QUERY_MESSAGES`. */
export type QueryErrorCode = keyof typeof QUERY_MESSAGES;

/**
 * An argument of a query message. `null` stands for "the end of the
 * query" where a message says what was found instead of what it expected.
 */
export type QueryErrorArg = string | null;

/** The English text of a message (null arguments: "the end of the query"). */
export function queryMessage(
  code: QueryErrorCode,
  args: readonly QueryErrorArg[] = []
): string {
  return QUERY_MESSAGES[code].replace(/%(\d)/g, (_, k: string) => {
    const a = args[Number(k) - 1];
    return a === null ? 'the end of the query' : String(a ?? '');
  });
}

/** A query error: what went wrong and the 0-based span of the offending text. */
export interface IQueryError {
  /** English text, with the position and any hint. */
  message: string;
  /** What went wrong; translate this, with `args`, rather than `message`. */
  code: QueryErrorCode;
  args: QueryErrorArg[];
  /** A suggestion that follows the message, if any. */
  hint?: { code: QueryErrorCode; args: QueryErrorArg[] };
  /** Offset of the first offending character (0-based, UTF-16 units). */
  position: number;
  /** Offset just past the offending text (`position` for a missing token). */
  end: number;
}

/** Thrown inside the parser; turned into an `IQueryError` at the API edge. */
export class QueryError extends Error {
  /**
   * The message is "<text> at position <n>", then "; <hint>" when there is
   * one: "Unknown attribute 'x' at position 11; known attributes: ...".
   */
  constructor(
    readonly code: QueryErrorCode,
    readonly args: QueryErrorArg[],
    readonly position: number,
    readonly end: number = position,
    readonly hint?: { code: QueryErrorCode; args: QueryErrorArg[] }
  ) {
    super(
      `${queryMessage(code, args)} at position ${position}${hint ? `; ${queryMessage(hint.code, hint.args)}` : ''}`
    );
  }

  /** The plain-object form returned by the public API. */
  toJSON(): IQueryError {
    return {
      message: this.message,
      code: this.code,
      args: this.args,
      ...(this.hint ? { hint: this.hint } : {}),
      position: this.position,
      end: this.end
    };
  }
}

/** One dot-separated part of a key such as ``metrics.`val loss`.max``. */
export interface IKeySegment {
  text: string;
  /** Written in backquotes or double quotes: never an aggregate suffix. */
  quoted: boolean;
  start: number;
  end: number;
  /** Lenient mode only: the quote was never closed. */
  unterminated?: boolean;
}

/** Token kinds. A `key` is a whole dotted key such as `metrics.acc.max`. */
export type TokenType =
  | 'key'
  | 'word'
  | 'number'
  | 'string'
  | 'op'
  | 'lparen'
  | 'rparen'
  | 'comma'
  | 'eof';

/** A token with its source span. */
export interface IToken {
  type: TokenType;
  /** Source text of the token. */
  text: string;
  start: number;
  end: number;
  /** Decoded value of a `number` or `string` token. */
  value?: number | string;
  /** The part before the first dot, for `key` tokens. */
  prefix?: string;
  segments?: IKeySegment[];
  /** Lenient mode only: a string whose quote was never closed. */
  unterminated?: boolean;
}

const WORD_START = /[A-Za-z_]/;
const WORD_CHAR = /[A-Za-z0-9_]/;
/** Characters that end an unquoted key segment. */
const SEGMENT_STOP = new Set([...' \t\r\n.(),=!<>\'"`']);
const NUMBER = /[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/y;

/** Whether `ch` may continue an unquoted key segment. */
export function isSegmentChar(ch: string): boolean {
  return !SEGMENT_STOP.has(ch);
}

/**
 * Read a quoted run starting at `start` (which holds the quote). A doubled
 * quote stands for itself; a backslash escapes a quote or a backslash and is
 * kept verbatim before anything else (so LIKE patterns keep their `\%`).
 */
function readQuoted(
  text: string,
  start: number,
  lenient: boolean
): { value: string; end: number; unterminated: boolean } {
  const quote = text[start];
  let value = '';
  let i = start + 1;
  while (i < text.length) {
    const ch = text[i];
    if (ch === quote) {
      if (text[i + 1] === quote) {
        value += quote;
        i += 2;
        continue;
      }
      return { value, end: i + 1, unterminated: false };
    }
    if (ch === '\\' && (text[i + 1] === quote || text[i + 1] === '\\')) {
      value += text[i + 1];
      i += 2;
      continue;
    }
    value += ch;
    i++;
  }
  if (!lenient) {
    throw new QueryError(
      quote === '`' ? 'unterminated-name' : 'unterminated-string',
      [quote],
      start,
      text.length
    );
  }
  return { value, end: text.length, unterminated: true };
}

/** Read the dotted part of a key; `i` points at the first dot. */
function readSegments(
  text: string,
  i: number,
  lenient: boolean
): { segments: IKeySegment[]; end: number } {
  const segments: IKeySegment[] = [];
  while (text[i] === '.') {
    const start = i + 1;
    const ch = text[start];
    if (ch === '`' || ch === '"') {
      const q = readQuoted(text, start, lenient);
      segments.push({
        text: q.value,
        quoted: true,
        start,
        end: q.end,
        unterminated: q.unterminated || undefined
      });
      i = q.end;
      if (q.unterminated) {
        break;
      }
    } else {
      let j = start;
      while (j < text.length && isSegmentChar(text[j])) {
        j++;
      }
      segments.push({
        text: text.slice(start, j),
        quoted: false,
        start,
        end: j
      });
      i = j;
    }
  }
  return { segments, end: i };
}

/**
 * Split a query into tokens. In lenient mode an unclosed quote yields a
 * token marked `unterminated` instead of an error, and an unknown
 * character is skipped: completion works on text the user is still typing.
 */
export function tokenize(text: string, lenient = false): IToken[] {
  const tokens: IToken[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    const start = i;
    if (WORD_START.test(ch)) {
      while (i < text.length && WORD_CHAR.test(text[i])) {
        i++;
      }
      const word = text.slice(start, i);
      if (text[i] === '.') {
        const { segments, end } = readSegments(text, i, lenient);
        i = end;
        const token: IToken = {
          type: 'key',
          text: text.slice(start, end),
          start,
          end,
          prefix: word,
          segments
        };
        tokens.push(token);
      } else {
        tokens.push({ type: 'word', text: word, start, end: i });
      }
      continue;
    }
    NUMBER.lastIndex = i;
    const num = /[\d.+-]/.test(ch) ? NUMBER.exec(text) : null;
    if (num) {
      i += num[0].length;
      if (i < text.length && WORD_CHAR.test(text[i]) && !lenient) {
        throw new QueryError('unexpected-character', [text[i]], i, i + 1);
      }
      tokens.push({
        type: 'number',
        text: num[0],
        value: Number(num[0]),
        start,
        end: i
      });
      continue;
    }
    if (ch === "'" || ch === '"') {
      const q = readQuoted(text, start, lenient);
      i = q.end;
      tokens.push({
        type: 'string',
        text: text.slice(start, i),
        value: q.value,
        start,
        end: i,
        unterminated: q.unterminated || undefined
      });
      continue;
    }
    const two = text.slice(i, i + 2);
    if (['<=', '>=', '!=', '<>', '=='].includes(two)) {
      const op = two === '<>' ? '!=' : two === '==' ? '=' : two;
      tokens.push({ type: 'op', text: op, start, end: i + 2 });
      i += 2;
      continue;
    }
    if (ch === '=' || ch === '<' || ch === '>') {
      tokens.push({ type: 'op', text: ch, start, end: i + 1 });
      i++;
      continue;
    }
    const punct: Record<string, TokenType> = {
      '(': 'lparen',
      ')': 'rparen',
      ',': 'comma'
    };
    if (punct[ch]) {
      tokens.push({ type: punct[ch], text: ch, start, end: i + 1 });
      i++;
      continue;
    }
    if (ch === '`') {
      if (!lenient) {
        throw new QueryError('quoted-name-prefix', [], start, start + 1);
      }
      i++;
      continue;
    }
    if (!lenient) {
      throw new QueryError('unexpected-character', [ch], start, start + 1);
    }
    i++;
  }
  tokens.push({ type: 'eof', text: '', start: text.length, end: text.length });
  return tokens;
}
