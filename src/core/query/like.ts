/**
 * SQL LIKE matching without regular expressions.
 *
 * Building a RegExp from a user's pattern invites both escaping bugs and
 * catastrophic backtracking; matching the pattern directly is short, and its
 * worst case is bounded by O(pattern × text) per row.
 */

/** A pattern element: literal text, `_` (one character) or `%` (any run). */
type Part = { kind: 'text'; text: string } | { kind: 'one' } | { kind: 'any' };

/** A compiled LIKE pattern: call it with a value. */
export type LikeMatcher = (value: string) => boolean;

/**
 * Split a pattern into parts. `\` escapes the next character, so `\%` and
 * `\_` match themselves; a trailing `\` is a literal backslash.
 */
function parsePattern(pattern: string): Part[] {
  const parts: Part[] = [];
  const chars = Array.from(pattern);
  let text = '';
  const flush = () => {
    if (text) {
      parts.push({ kind: 'text', text });
      text = '';
    }
  };
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i];
    if (ch === '\\' && i + 1 < chars.length) {
      text += chars[++i];
    } else if (ch === '%') {
      flush();
      if (parts[parts.length - 1]?.kind !== 'any') {
        parts.push({ kind: 'any' });
      }
    } else if (ch === '_') {
      flush();
      parts.push({ kind: 'one' });
    } else {
      text += ch;
    }
  }
  flush();
  return parts;
}

/** Width in UTF-16 units of the character at `i`: 2 for a surrogate pair. */
function width(s: string, i: number): number {
  const c = s.charCodeAt(i);
  return c >= 0xd800 && c <= 0xdbff && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00
    ? 2
    : 1;
}

/**
 * Match `s` against parts, greedy with backtracking to the last `%` only
 * (the classic wildcard algorithm): linear in the common cases, at worst
 * O(pattern × text). Works on the string as is; `_` takes a whole
 * character, surrogate pairs included.
 */
function matchParts(parts: Part[], s: string): boolean {
  const n = s.length;
  let p = 0;
  let i = 0;
  let starP = -1;
  let starI = 0;
  while (i < n || p < parts.length) {
    const part = parts[p];
    if (part) {
      if (part.kind === 'any') {
        starP = p++;
        starI = i;
        continue;
      }
      if (part.kind === 'one' && i < n) {
        i += width(s, i);
        p++;
        continue;
      }
      if (part.kind === 'text' && s.startsWith(part.text, i)) {
        i += part.text.length;
        p++;
        continue;
      }
    }
    if (starP < 0 || starI >= n) {
      return false;
    }
    starI += width(s, starI);
    p = starP + 1;
    i = starI;
  }
  return true;
}

/**
 * Compile a LIKE pattern (`%` any run, `_` one character, `\` escapes).
 * With `caseInsensitive` (ILIKE) both sides are lower-cased first. Common
 * shapes (`abc`, `abc%`, `%abc`, `%abc%`) use plain string methods.
 */
export function compileLike(
  pattern: string,
  caseInsensitive = false
): LikeMatcher {
  const fold = caseInsensitive
    ? (s: string) => s.toLowerCase()
    : (s: string) => s;
  const parts = parsePattern(fold(pattern));
  const texts = parts.map(p => (p.kind === 'text' ? p.text : ''));
  const shape = parts.map(p => p.kind).join(',');
  switch (shape) {
    case '':
      return s => s === '';
    case 'any':
      return () => true;
    case 'text':
      return s => fold(s) === texts[0];
    case 'text,any':
      return s => fold(s).startsWith(texts[0]);
    case 'any,text':
      return s => fold(s).endsWith(texts[1]);
    case 'any,text,any':
      return s => fold(s).includes(texts[1]);
  }
  return s => matchParts(parts, fold(s));
}
