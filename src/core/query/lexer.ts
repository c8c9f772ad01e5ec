/**
 * Tokenizer for the run query language (see `docs/QUERY.md`).
 *
 * Hand-written rather than generated: the grammar has a dozen token kinds,
 * and a hand-written lexer gives exact character positions for every error
 * and a lenient mode that completion needs for half-typed input.
 */

/** A query error: a message and the 0-based span of the offending text. */
export interface IQueryError {
  message: string;
  /** Offset of the first offending character (0-based, UTF-16 units). */
  position: number;
  /** Offset just past the offending text (`position` for a missing token). */
  end: number;
}

/** Thrown inside the parser; turned into an `IQueryError` at the API edge. */
export class QueryError extends Error {
  /**
   * `hint`, if any, follows the position: "Unknown attribute 'x' at
   * position 11; known attributes: ...".
   */
  constructor(
    message: string,
    readonly position: number,
    readonly end: number = position,
    hint?: string
  ) {
    super(`${message} at position ${position}${hint ? `; ${hint}` : ''}`);
  }

  /** The plain-object form returned by the public API. */
  toJSON(): IQueryError {
    return { message: this.message, position: this.position, end: this.end };
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
    const what = quote === '`' ? 'name' : 'string';
    throw new QueryError(
      `Unterminated ${what}: missing closing ${quote}`,
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
        throw new QueryError(`Unexpected character '${text[i]}'`, i, i + 1);
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
        throw new QueryError(
          'A quoted name must follow a prefix such as metrics.',
          start,
          start + 1
        );
      }
      i++;
      continue;
    }
    if (!lenient) {
      throw new QueryError(`Unexpected character '${ch}'`, start, start + 1);
    }
    i++;
  }
  tokens.push({ type: 'eof', text: '', start: text.length, end: text.length });
  return tokens;
}
