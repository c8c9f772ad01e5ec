import { parseQuery } from '../index';

describe('query: errors', () => {
  it.each<[string, number, string]>([
    ['metrics.acc >', 13, "Expected a value after '>'"],
    ['metrics.acc > 0.9 and', 21, "Expected a condition after 'and'"],
    ['metrics.acc 0.9', 12, "Expected an operator after 'metrics.acc'"],
    ['foo.bar = 1', 0, "Unknown key prefix 'foo'"],
    ['metrics. > 1', 8, "Expected a name after 'metrics.'"],
    ["metrics.acc = 'high'", 14, 'compares with numbers'],
    ["params.model = 'cnn", 15, 'Unterminated string'],
    ['(metrics.acc > 1', 16, "Expected ')' to close"],
    ['metrics.acc > 1)', 15, "Unmatched ')'"],
    ['metrics.acc > 1 metrics.b < 2', 16, "Expected 'and', 'or'"],
    ["attributes.colour = 'red'", 11, "Unknown attribute 'colour'"],
    ['params.model like 5', 18, 'Expected a quoted pattern'],
    ["metrics.acc like '0.9%'", 12, "'like' matches text"],
    ["attributes.starred ilike 't%'", 19, "'ilike' matches text"],
    ['params.x is 5', 12, "Expected 'null' after 'is'"],
    ["params.x in ('a', 'b'", 21, "Expected ',' or ')'"],
    ['params.x in ()', 13, "Expected a value after '('"],
    ['params.x = null', 11, "Use 'is null'"],
    ["attributes.starred = 'yes'", 21, 'compares with true or false'],
    ["attributes.start > 'yesterday'", 19, 'ISO 8601'],
    ['params.x > true', 9, 'true and false compare only with = and !='],
    ['acc > 0.9', 0, "Unknown key 'acc'"],
    ['params.x = 1 & params.y = 2', 13, "Unexpected character '&'"],
    ['metrics.`val loss > 1', 8, 'Unterminated name'],
    ['and metrics.acc > 1', 0, "Expected a condition, found 'and'"],
    ["attributes.duration > '1h'", 22, 'compares with numbers'],
    ['params.x not between 1', 13, "Expected 'in', 'like' or 'ilike'"],
    ['metrics.acc > 1e', 15, "Unexpected character 'e'"],
    ["params.x in 'a'", 12, "Expected '(' after 'in'"],
    ['not', 3, "Expected a condition after 'not'"],
    ['()', 1, "Expected a condition after '('"],
    ['`acc` > 1', 0, 'A quoted name must follow a prefix']
  ])('%s -> position %d', (text, position, message) => {
    const result = parseQuery(text);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.message).toContain(message);
      expect(result.error.message).toContain(`at position ${position}`);
      expect(result.error.position).toBe(position);
      expect(result.error.end).toBeGreaterThanOrEqual(position);
      expect(result.error.end).toBeLessThanOrEqual(text.length);
    }
  });

  it('should span the whole offending token', () => {
    const result = parseQuery("metrics.acc = 'high' and x");
    expect(result.ok || result.error).toEqual({
      message:
        'metrics.acc is a metric and compares with numbers, found a string at position 14',
      code: 'metric-string',
      args: ['metrics.acc'],
      position: 14,
      end: 20
    });
  });

  it('should match the message format of the product brief', () => {
    const result = parseQuery('metrics.acc > ');
    expect(result.ok || result.error.message).toBe(
      "Expected a value after '>', found the end of the query at position 14"
    );
  });
});

describe('query: syntax tree', () => {
  it('should bind and tighter than or, and flatten chains', () => {
    const result = parseQuery(
      'params.a = 1 or params.b = 2 and params.c = 3 and params.d = 4'
    );
    expect(result.ok).toBe(true);
    if (result.ok && result.ast.type === 'or') {
      expect(result.ast.children.map(c => c.type)).toEqual(['compare', 'and']);
      const and = result.ast.children[1];
      expect(and.type === 'and' && and.children.length).toBe(3);
    } else {
      throw new Error('expected an or node');
    }
  });

  it('should resolve keys, aggregates and aliases', () => {
    const result = parseQuery(
      'metrics.`acc.max`.min > 1 and attr.startedAt > 0'
    );
    if (!result.ok || result.ast.type !== 'and') {
      throw new Error('expected an and node');
    }
    const [a, b] = result.ast.children;
    expect(a.type === 'compare' && a.key).toMatchObject({
      kind: 'metric',
      name: 'acc.max',
      aggregate: 'min',
      start: 0,
      end: 21
    });
    expect(b.type === 'compare' && b.key).toMatchObject({
      kind: 'attribute',
      name: 'start'
    });
  });

  it('should read dotted names whose last part is not an aggregate', () => {
    const result = parseQuery('metrics.train.loss < 1');
    expect(
      result.ok && result.ast.type === 'compare' && result.ast.key
    ).toMatchObject({
      name: 'train.loss',
      aggregate: 'last'
    });
  });

  it('should accept names with slashes, dashes and digits unquoted', () => {
    const result = parseQuery('metrics.train/loss-2 < 1 and params.1st = 2');
    expect(result.ok).toBe(true);
  });
});
