import {
  collectQueryKeys,
  completeQuery,
  type IQueryKeys,
  parseQuery,
  quoteName
} from '../index';
import { RUNS } from './fixtures';

const KEYS: IQueryKeys = collectQueryKeys(RUNS);

/** Complete at the `|` in `text`. */
function complete(text: string) {
  const cursor = text.indexOf('|');
  return completeQuery(text.replace('|', ''), cursor, KEYS);
}

const labels = (text: string) => complete(text).items.map(i => i.label);

describe('query: completion', () => {
  it('should collect the names present in the runs', () => {
    expect(KEYS).toEqual({
      metrics: ['a.b', 'acc', 'loss', 'val loss'],
      params: ['dropout', 'epochs', 'layers', 'lr', 'model', 'use_bn'],
      tags: ['note', 'owner', 'team.name']
    });
  });

  it('should offer prefixes and not at the start', () => {
    expect(labels('|')).toEqual([
      'metrics.',
      'params.',
      'tags.',
      'attributes.',
      'not'
    ]);
  });

  it('should complete metric names after the prefix, quoting when needed', () => {
    const result = complete('metrics.|');
    expect(result.from).toBe(0);
    expect(result.items.map(i => i.insert)).toEqual([
      'metrics.`a.b`',
      'metrics.acc',
      'metrics.loss',
      'metrics.`val loss`'
    ]);
  });

  it('should filter by what is typed, prefix matches first', () => {
    expect(labels('metrics.zz|')).toEqual([]);
    expect(labels('metrics.ss|')).toEqual([
      'metrics.loss',
      'metrics.`val loss`'
    ]);
    expect(labels('metrics.lo|')).toEqual([
      'metrics.loss',
      'metrics.`val loss`'
    ]);
    expect(labels('params.l|')).toEqual([
      'params.layers',
      'params.lr',
      'params.model'
    ]);
  });

  it('should complete inside a half-written quoted name', () => {
    expect(labels('metrics.`val|')).toEqual(['metrics.`val loss`']);
  });

  it('should find names of every kind from a bare word', () => {
    expect(labels('own|')).toEqual(['tags.owner']);
    expect(labels('mod|')).toEqual(['params.model']);
  });

  it('should complete attribute names', () => {
    expect(labels('attributes.st|')).toEqual([
      'attributes.status',
      'attributes.start',
      'attributes.starred'
    ]);
  });

  it('should offer aggregates after a known metric', () => {
    expect(labels('metrics.acc.m|')).toEqual([
      'metrics.acc.min',
      'metrics.acc.max'
    ]);
  });

  it('should offer operators that suit the key', () => {
    const metric = labels('metrics.acc |');
    expect(metric).toContain('>=');
    expect(metric).not.toContain('like');
    expect(labels('params.model |')).toContain('ilike');
    expect(labels('attributes.starred |')).toEqual([
      '=',
      '!=',
      'is null',
      'is not null'
    ]);
    expect(labels('params.model i|')).toEqual([
      'in',
      'ilike',
      'is null',
      'is not null'
    ]);
  });

  it('should offer what follows not and is', () => {
    expect(labels('params.model not |')).toEqual(['in', 'like', 'ilike']);
    expect(labels('params.model is |')).toEqual(['null', 'not null']);
    expect(labels('params.model is not |')).toEqual(['null']);
    expect(labels('not |')).toContain('metrics.');
  });

  it('should offer and/or after a value', () => {
    expect(labels('metrics.acc > 0.9 |')).toEqual(['and', 'or']);
    expect(labels("params.model = 'cnn' a|")).toEqual(['and']);
    expect(labels("params.model in ('a') |")).toEqual(['and', 'or']);
  });

  it('should offer keys after and, or and (', () => {
    expect(labels('metrics.acc > 0.9 and par|')).toEqual(['params.']);
    expect(labels('(|')).toContain('tags.');
  });

  it('should offer nothing where a value goes', () => {
    expect(labels('metrics.acc > |')).toEqual([]);
    expect(labels("params.model in ('a', |")).toEqual([]);
    expect(labels("params.model = 'cn|")).toEqual([]);
  });

  it('should replace the whole word around the cursor', () => {
    const result = complete('metrics.a|cc > 1');
    expect(result).toMatchObject({ from: 0, to: 11 });
  });

  it('should produce insertions that parse', () => {
    for (const item of complete('metrics.|').items) {
      expect(parseQuery(`${item.insert} > 1`).ok).toBe(true);
    }
  });

  it.each([
    ['acc', 'acc'],
    ['val loss', '`val loss`'],
    ['a.b', '`a.b`'],
    ['tick`s', '`tick``s`'],
    ['', '``'],
    ['train/loss-2', 'train/loss-2']
  ])('quoteName(%p) = %p', (name, quoted) => {
    expect(quoteName(name)).toBe(quoted);
  });
});
