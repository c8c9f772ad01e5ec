/**
 * Recursive-descent parser for the run query language.
 *
 * Grammar (keywords are case-insensitive):
 *
 *   query     := orExpr? EOF
 *   orExpr    := andExpr ('or' andExpr)*
 *   andExpr   := notExpr ('and' notExpr)*
 *   notExpr   := 'not' notExpr | '(' orExpr ')' | condition
 *   condition := KEY op literal
 *              | KEY 'not'? 'in' '(' literal (',' literal)* ')'
 *              | KEY 'not'? ('like' | 'ilike') STRING
 *              | KEY 'is' 'not'? 'null'
 *
 * Why hand-written: the grammar is a dozen rules, and a generated parser
 * (peggy) or a parser toolkit (chevrotain, ohm-js) would add a build step
 * or a runtime dependency to the core while its error messages would still
 * have to be rewritten to name the user's own tokens and positions. This
 * parser is ~300 lines, has no dependency, and every error carries the span
 * of the token that caused it.
 *
 * Type rules that depend only on the key (metrics are numbers, `starred` is
 * a boolean, dates must parse) are checked here, so errors point at the
 * offending token instead of silently matching nothing.
 */
import {
  type CompareOp,
  type IQueryKey,
  type QueryLiteral,
  type QueryNode
} from './ast';
import { checkLiteral, isTextKey, resolveKey } from './keys';
import { type IQueryError, type IToken, QueryError, tokenize } from './lexer';

/** Outcome of parsing: a tree, or the first error found. */
export type ParseResult =
  { ok: true; ast: QueryNode } | { ok: false; error: IQueryError };

function isWord(token: IToken, ...words: string[]): boolean {
  return token.type === 'word' && words.includes(token.text.toLowerCase());
}

/** A token as a "found" argument: quoted text, or null for the end. */
function describe(token: IToken): string | null {
  return token.type === 'eof' ? null : `'${token.text}'`;
}

class Parser {
  private pos = 0;

  constructor(private readonly tokens: IToken[]) {}

  parse(): QueryNode {
    if (this.peek().type === 'eof') {
      return { type: 'all' };
    }
    const node = this.parseOr(undefined);
    const t = this.peek();
    if (t.type === 'rparen') {
      throw new QueryError('unmatched-paren', [], t.start, t.end);
    }
    if (t.type !== 'eof') {
      throw new QueryError('expected-end', [describe(t)], t.start, t.end);
    }
    return node;
  }

  private peek(): IToken {
    return this.tokens[this.pos];
  }

  private next(): IToken {
    return this.tokens[this.pos++];
  }

  private parseOr(after: IToken | undefined): QueryNode {
    return this.parseList('or', after, t => this.parseAnd(t));
  }

  private parseAnd(after: IToken | undefined): QueryNode {
    return this.parseList('and', after, t => this.parseNot(t));
  }

  private parseList(
    type: 'and' | 'or',
    after: IToken | undefined,
    parseChild: (after: IToken | undefined) => QueryNode
  ): QueryNode {
    const children = [parseChild(after)];
    while (isWord(this.peek(), type)) {
      children.push(parseChild(this.next()));
    }
    if (children.length === 1) {
      return children[0];
    }
    const first = children[0] as { start: number };
    const last = children[children.length - 1] as { end: number };
    return { type, children, start: first.start, end: last.end };
  }

  private parseNot(after: IToken | undefined): QueryNode {
    const t = this.peek();
    if (isWord(t, 'not')) {
      this.next();
      const child = this.parseNot(t) as QueryNode & { end: number };
      return { type: 'not', child, start: t.start, end: child.end };
    }
    if (t.type === 'lparen') {
      this.next();
      const inner = this.parseOr(t);
      const close = this.peek();
      if (close.type !== 'rparen') {
        throw new QueryError(
          'expected-close',
          [describe(close)],
          close.start,
          close.end
        );
      }
      this.next();
      return inner;
    }
    if (t.type === 'key') {
      return this.parseCondition();
    }
    if (
      t.type === 'word' &&
      !isWord(t, 'and', 'or', 'in', 'like', 'ilike', 'is')
    ) {
      throw new QueryError('unknown-key', [t.text], t.start, t.end, {
        code: 'hint-key',
        args: [t.text]
      });
    }
    throw new QueryError(
      after ? 'expected-condition-after' : 'expected-condition',
      after ? [after.text, describe(t)] : [describe(t)],
      t.start,
      t.end
    );
  }

  private parseCondition(): QueryNode {
    const keyToken = this.next();
    const key = resolveKey(keyToken);
    const t = this.peek();
    const span = (end: number) => ({ start: key.start, end });
    if (t.type === 'op') {
      this.next();
      const value = this.parseLiteral(t);
      checkLiteral(key, t, value);
      return {
        type: 'compare',
        key,
        op: t.text as CompareOp,
        value,
        ...span(value.end)
      };
    }
    if (isWord(t, 'is')) {
      this.next();
      const not = isWord(this.peek(), 'not') ? this.next() : undefined;
      const n = this.peek();
      if (!isWord(n, 'null')) {
        throw new QueryError(
          'expected-null',
          [not ? 'is not' : 'is', describe(n)],
          n.start,
          n.end
        );
      }
      this.next();
      return { type: 'null', key, negated: !!not, ...span(n.end) };
    }
    let negated = false;
    if (isWord(t, 'not')) {
      this.next();
      negated = true;
      const n = this.peek();
      if (!isWord(n, 'in', 'like', 'ilike')) {
        throw new QueryError(
          'expected-not-operator',
          [describe(n)],
          n.start,
          n.end
        );
      }
    }
    const op = this.peek();
    if (isWord(op, 'in')) {
      this.next();
      return this.parseIn(key, op, negated);
    }
    if (isWord(op, 'like', 'ilike')) {
      this.next();
      if (!isTextKey(key)) {
        throw new QueryError(
          'like-not-text',
          [op.text, keyToken.text],
          op.start,
          op.end
        );
      }
      const p = this.peek();
      if (p.type !== 'string') {
        throw new QueryError(
          'expected-pattern',
          [op.text, describe(p)],
          p.start,
          p.end
        );
      }
      this.next();
      return {
        type: 'like',
        key,
        pattern: p.value as string,
        caseInsensitive: op.text.toLowerCase() === 'ilike',
        negated,
        ...span(p.end)
      };
    }
    throw new QueryError(
      'expected-operator',
      [keyToken.text, describe(op)],
      op.start,
      op.end
    );
  }

  private parseIn(key: IQueryKey, op: IToken, negated: boolean): QueryNode {
    const open = this.peek();
    if (open.type !== 'lparen') {
      throw new QueryError(
        'expected-open',
        [op.text, describe(open)],
        open.start,
        open.end
      );
    }
    this.next();
    const values: QueryLiteral[] = [];
    let after = open;
    for (;;) {
      const value = this.parseLiteral(after);
      checkLiteral(key, op, value);
      values.push(value);
      const t = this.next();
      if (t.type === 'rparen') {
        return {
          type: 'in',
          key,
          values,
          negated,
          start: key.start,
          end: t.end
        };
      }
      if (t.type !== 'comma') {
        throw new QueryError(
          'expected-list',
          [op.text, describe(t)],
          t.start,
          t.end
        );
      }
      after = t;
    }
  }

  private parseLiteral(after: IToken): QueryLiteral {
    const t = this.peek();
    const span = { start: t.start, end: t.end };
    if (t.type === 'number') {
      this.next();
      return { kind: 'number', value: t.value as number, ...span };
    }
    if (t.type === 'string') {
      this.next();
      return { kind: 'string', value: t.value as string, ...span };
    }
    if (isWord(t, 'true', 'false')) {
      this.next();
      return {
        kind: 'boolean',
        value: t.text.toLowerCase() === 'true',
        ...span
      };
    }
    if (isWord(t, 'null')) {
      throw new QueryError('use-is-null', [], t.start, t.end);
    }
    throw new QueryError(
      'expected-value',
      [after.text, describe(t)],
      t.start,
      t.end
    );
  }
}

/**
 * Parse a query. Never throws: a malformed query yields the first error
 * with the span of the token that caused it.
 */
export function parseQuery(text: string): ParseResult {
  try {
    return { ok: true, ast: new Parser(tokenize(text)).parse() };
  } catch (e) {
    if (e instanceof QueryError) {
      return { ok: false, error: e.toJSON() };
    }
    throw e;
  }
}
