/**
 * Syntax tree of a run query. Kept separate from the parser so the compiler,
 * completion and a future UI (chips, highlighting) can share the types.
 */

/** What a key addresses in a run summary. */
export type KeyKind = 'metric' | 'param' | 'tag' | 'attribute';

/**
 * Which aggregate of a metric a query compares with. `last` is the default,
 * as in MLflow; the others are chosen with a suffix: `metrics.acc.max`.
 */
export type MetricAggregate = 'last' | 'min' | 'max' | 'count';

/** The suffixes that select a metric aggregate. */
export const METRIC_AGGREGATES: readonly MetricAggregate[] = [
  'last',
  'min',
  'max',
  'count'
];

/** Run attributes a query can address, by canonical name. */
export type AttributeName =
  | 'id'
  | 'name'
  | 'status'
  | 'experiment'
  | 'notebook'
  | 'start'
  | 'end'
  | 'duration'
  | 'starred'
  | 'provenance';

/** How an attribute's values compare; checked when the query is parsed. */
export type AttributeType = 'string' | 'date' | 'number' | 'boolean';

/** Canonical attribute names and their value types. */
export const ATTRIBUTES: Readonly<Record<AttributeName, AttributeType>> = {
  id: 'string',
  name: 'string',
  status: 'string',
  experiment: 'string',
  notebook: 'string',
  start: 'date',
  end: 'date',
  duration: 'number',
  starred: 'boolean',
  provenance: 'string'
};

/** Accepted spellings of attribute names (MLflow's and the record's). */
export const ATTRIBUTE_ALIASES: Readonly<Record<string, AttributeName>> = {
  id: 'id',
  run_id: 'id',
  name: 'name',
  run_name: 'name',
  status: 'status',
  experiment: 'experiment',
  notebook: 'notebook',
  notebookpath: 'notebook',
  notebook_path: 'notebook',
  start: 'start',
  started: 'start',
  startedat: 'start',
  start_time: 'start',
  end: 'end',
  ended: 'end',
  endedat: 'end',
  end_time: 'end',
  duration: 'duration',
  durationms: 'duration',
  duration_ms: 'duration',
  starred: 'starred',
  provenance: 'provenance'
};

/** Accepted key prefixes, MLflow's spellings included. */
export const KEY_PREFIXES: Readonly<Record<string, KeyKind>> = {
  metrics: 'metric',
  metric: 'metric',
  params: 'param',
  param: 'param',
  parameters: 'param',
  parameter: 'param',
  tags: 'tag',
  tag: 'tag',
  attributes: 'attribute',
  attribute: 'attribute',
  attr: 'attribute',
  run: 'attribute'
};

/** A resolved key with its source span. */
export interface IQueryKey {
  kind: KeyKind;
  /** Metric, param or tag name; canonical attribute name. */
  name: string;
  /** Metrics only. */
  aggregate?: MetricAggregate;
  start: number;
  end: number;
}

/** A literal value with its source span. */
export type QueryLiteral = (
  | { kind: 'number'; value: number }
  | { kind: 'string'; value: string }
  | { kind: 'boolean'; value: boolean }
) & { start: number; end: number };

/** Comparison operators (`==` and `<>` are read as `=` and `!=`). */
export type CompareOp = '=' | '!=' | '<' | '<=' | '>' | '>=';

interface ISpan {
  start: number;
  end: number;
}

/** A node of the query tree. `all` is the empty query. */
export type QueryNode =
  | { type: 'all' }
  | ({ type: 'and' | 'or'; children: QueryNode[] } & ISpan)
  | ({ type: 'not'; child: QueryNode } & ISpan)
  | ({
      type: 'compare';
      key: IQueryKey;
      op: CompareOp;
      value: QueryLiteral;
    } & ISpan)
  | ({
      type: 'in';
      key: IQueryKey;
      values: QueryLiteral[];
      negated: boolean;
    } & ISpan)
  | ({
      type: 'like';
      key: IQueryKey;
      pattern: string;
      caseInsensitive: boolean;
      negated: boolean;
    } & ISpan)
  | ({ type: 'null'; key: IQueryKey; negated: boolean } & ISpan);
