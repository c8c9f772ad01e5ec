/**
 * Completion for the query box: what may come at the cursor, given the
 * param, metric and tag names present in the runs. Pure, so the editor
 * integration stays a thin adapter and this logic is tested here.
 */
import type { IRunSummary } from '../run';
import {
  ATTRIBUTES,
  ATTRIBUTE_ALIASES,
  type AttributeName,
  type KeyKind,
  KEY_PREFIXES,
  METRIC_AGGREGATES
} from './ast';
import { type IToken, isSegmentChar, tokenize } from './lexer';

/** The names a query can refer to, e.g. from `collectQueryKeys`. */
export interface IQueryKeys {
  metrics: readonly string[];
  params: readonly string[];
  tags: readonly string[];
}

/** What a suggestion inserts, so the editor can pick an icon. */
export type CompletionKind =
  | 'prefix'
  | 'metric'
  | 'param'
  | 'tag'
  | 'attribute'
  | 'aggregate'
  | 'operator'
  | 'keyword';

/** One suggestion: show `label`, replace `from..to` with `insert`. */
export interface IQueryCompletion {
  label: string;
  insert: string;
  kind: CompletionKind;
}

/** Suggestions and the span of text they replace. */
export interface IQueryCompletions {
  from: number;
  to: number;
  items: IQueryCompletion[];
}

const MAX_ITEMS = 50;
const PREFIXES: [string, KeyKind][] = [
  ['metrics', 'metric'],
  ['params', 'param'],
  ['tags', 'tag'],
  ['attributes', 'attribute']
];
const NUMBER_OPS = ['=', '!=', '<', '<=', '>', '>=', 'in', 'not in'];
const NULL_OPS = ['is null', 'is not null'];
const TEXT_OPS = ['like', 'ilike', 'not like', 'not ilike'];

/** Sorted, de-duplicated names of the metrics, params and tags in `rows`. */
export function collectQueryKeys(rows: Iterable<IRunSummary>): IQueryKeys {
  const metrics = new Set<string>();
  const params = new Set<string>();
  const tags = new Set<string>();
  for (const r of rows) {
    Object.keys(r.metrics ?? {}).forEach(k => metrics.add(k));
    Object.keys(r.params ?? {}).forEach(k => params.add(k));
    Object.keys(r.tags ?? {}).forEach(k => tags.add(k));
  }
  const sorted = (s: Set<string>) => [...s].sort();
  return {
    metrics: sorted(metrics),
    params: sorted(params),
    tags: sorted(tags)
  };
}

/**
 * A name as it must be written after a prefix: bare when every character
 * may appear in a bare name, else in backquotes (dots included, so that
 * `acc.max` is never read as the `max` of `acc`).
 */
export function quoteName(name: string): string {
  if (name !== '' && [...name].every(isSegmentChar)) {
    return name;
  }
  return '`' + name.replace(/`/g, '``') + '`';
}

function isWord(t: IToken | undefined, ...words: string[]): boolean {
  return !!t && t.type === 'word' && words.includes(t.text.toLowerCase());
}

/**
 * Candidates starting with `typed`, then (unless `prefixOnly`) those
 * containing it.
 */
function rank<T>(
  items: T[],
  text: (item: T) => string,
  typed: string,
  prefixOnly = false
): T[] {
  const q = typed.toLowerCase();
  const starts: T[] = [];
  const contains: T[] = [];
  for (const item of items) {
    const t = text(item).toLowerCase();
    if (t.startsWith(q)) {
      starts.push(item);
    } else if (q && !prefixOnly && t.includes(q)) {
      contains.push(item);
    }
  }
  return [...starts, ...contains];
}

function namesOf(kind: KeyKind, keys: IQueryKeys): readonly string[] {
  switch (kind) {
    case 'metric':
      return keys.metrics;
    case 'param':
      return keys.params;
    case 'tag':
      return keys.tags;
    case 'attribute':
      return Object.keys(ATTRIBUTES);
  }
}

/** Suggestions for a key being typed (`partial` may be absent). */
function keyItems(
  partial: IToken | undefined,
  keys: IQueryKeys
): IQueryCompletion[] {
  if (partial?.type === 'key') {
    const prefix = partial.prefix ?? '';
    const kind = KEY_PREFIXES[prefix.toLowerCase()];
    const segments = partial.segments ?? [];
    if (!kind) {
      return [];
    }
    const typed = segments.map(s => s.text).join('.');
    const items: IQueryCompletion[] = [];
    const head = segments
      .slice(0, -1)
      .map(s => s.text)
      .join('.');
    if (
      kind === 'metric' &&
      segments.length > 1 &&
      keys.metrics.includes(head)
    ) {
      const base = `${prefix}.${quoteName(head)}`;
      for (const agg of rank(
        [...METRIC_AGGREGATES],
        a => a,
        segments[segments.length - 1].text
      )) {
        items.push({
          label: `${base}.${agg}`,
          insert: `${base}.${agg}`,
          kind: 'aggregate'
        });
      }
    }
    for (const name of rank([...namesOf(kind, keys)], n => n, typed)) {
      const insert = `${prefix}.${quoteName(name)}`;
      items.push({ label: insert, insert, kind });
    }
    return items;
  }
  const typed = partial?.text ?? '';
  const items: IQueryCompletion[] = rank(PREFIXES, p => p[0], typed).map(
    ([p]) => ({ label: `${p}.`, insert: `${p}.`, kind: 'prefix' })
  );
  items.push(...words(['not'], 'keyword', typed));
  if (typed) {
    for (const [p, kind] of PREFIXES) {
      for (const name of rank([...namesOf(kind, keys)], n => n, typed)) {
        const insert = `${p}.${quoteName(name)}`;
        items.push({ label: insert, insert, kind });
      }
    }
  }
  return items;
}

/** Operators that suit the key in `key` (a `key` token). */
function operatorsFor(key: IToken): string[] {
  const kind = KEY_PREFIXES[(key.prefix ?? '').toLowerCase()];
  if (kind === 'metric') {
    return [...NUMBER_OPS, ...NULL_OPS];
  }
  if (kind === 'attribute') {
    const name = (key.segments ?? []).map(s => s.text).join('.');
    const attr = ATTRIBUTE_ALIASES[name.toLowerCase()] as
      AttributeName | undefined;
    const type = attr ? ATTRIBUTES[attr] : 'string';
    if (type === 'boolean') {
      return ['=', '!=', ...NULL_OPS];
    }
    if (type === 'number') {
      return [...NUMBER_OPS, ...NULL_OPS];
    }
  }
  return [...NUMBER_OPS, ...TEXT_OPS, ...NULL_OPS];
}

function words(
  list: string[],
  kind: CompletionKind,
  typed: string
): IQueryCompletion[] {
  return rank(list, w => w, typed, true).map(w => ({
    label: w,
    insert: `${w} `,
    kind
  }));
}

/**
 * Suggest what may be typed at `cursor` in `text`: key names (from `keys`)
 * where a condition starts, operators after a key, `and`/`or` after a
 * value. Values themselves are not suggested. Works on unfinished input.
 */
export function completeQuery(
  text: string,
  cursor: number,
  keys: IQueryKeys
): IQueryCompletions {
  const tokens = tokenize(text.slice(0, cursor), true);
  tokens.pop(); // eof
  let partial: IToken | undefined = tokens[tokens.length - 1];
  if (
    partial &&
    partial.end === cursor &&
    (partial.type === 'key' || partial.type === 'word')
  ) {
    tokens.pop();
  } else {
    partial = undefined;
  }
  let to = cursor;
  if (partial) {
    while (to < text.length && (isSegmentChar(text[to]) || text[to] === '.')) {
      to++;
    }
  }
  const from = partial ? partial.start : cursor;
  const typed = partial?.type === 'word' ? partial.text : '';
  const prev = tokens[tokens.length - 1];
  const prev2 = tokens[tokens.length - 2];
  let items: IQueryCompletion[];
  if (
    !prev ||
    isWord(prev, 'and', 'or') ||
    (prev.type === 'lparen' && !isWord(prev2, 'in'))
  ) {
    items = keyItems(partial, keys);
  } else if (
    isWord(prev, 'not') &&
    prev2?.type !== 'key' &&
    !isWord(prev2, 'is')
  ) {
    items = keyItems(partial, keys);
  } else if (prev.type === 'key') {
    items = words(operatorsFor(prev), 'operator', typed);
  } else if (isWord(prev, 'not') && prev2?.type === 'key') {
    items = words(['in', 'like', 'ilike'], 'operator', typed);
  } else if (isWord(prev, 'is')) {
    items = words(['null', 'not null'], 'keyword', typed);
  } else if (isWord(prev, 'not') && isWord(prev2, 'is')) {
    items = words(['null'], 'keyword', typed);
  } else if (
    prev.type === 'number' ||
    (prev.type === 'string' && !prev.unterminated) ||
    prev.type === 'rparen' ||
    isWord(prev, 'true', 'false', 'null')
  ) {
    items = words(['and', 'or'], 'keyword', typed);
  } else {
    items = [];
  }
  return { from, to, items: items.slice(0, MAX_ITEMS) };
}
