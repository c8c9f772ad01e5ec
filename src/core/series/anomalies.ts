/**
 * Anomaly flags for runs: the handful of training failures worth a badge in
 * the runs table without the user asking (NaN losses, divergence,
 * overfitting, a best checkpoint that is not the last one).
 *
 * Heuristics, deliberately simple and documented, so a flag can always be
 * explained in one sentence; every threshold is an option.
 */
import { formatNumber } from '../numbers';
import type { IMetricSeries, IMetricSummary } from '../run';

/** The kinds of flag, one badge each in the runs table. */
export type AnomalyKind =
  'non-finite' | 'diverging' | 'train-val-gap' | 'best-not-last';

/** Whether lower or higher is better for a metric. */
export type MetricGoal = 'min' | 'max';

/** One flag on one metric (or train/validation pair). */
export interface IAnomaly {
  kind: AnomalyKind;
  /** The metric flagged (the validation metric for a gap). */
  metric: string;
  /** The other metric involved: the training metric of a gap. */
  related?: string;
  /** Where it happened, when known: first NaN, best step. */
  step?: number;
  /** One plain sentence for a tooltip. */
  message: string;
}

/** Thresholds; every field has a default. */
export interface IAnomalyOptions {
  /** Goals by metric name, overriding `inferGoal`. */
  goals?: Record<string, MetricGoal>;
  /** Diverging when last > factor × min (min > 0, min before last). Default 2. */
  divergeFactor?: number;
  /** Diverging when the last `trendWindow` values strictly increase. Default 5. */
  trendWindow?: number;
  /** Gap flagged past this relative difference of the last values. Default 0.1. */
  gapThreshold?: number;
  /**
   * "Best is not the last" only when the last value is worse than the
   * best by more than this fraction of the best (0.05: 5 %). A run that
   * converged, and wobbles in the last digits, is not flagged. Default
   * `BEST_RELATIVE_MARGIN`.
   */
  bestRelativeMargin?: number;
}

/** Default of `IAnomalyOptions.bestRelativeMargin`. */
export const BEST_RELATIVE_MARGIN = 0.05;

/**
 * Values this close (relative) are equal: float noise, never a flag, even
 * with a margin of 0.
 */
const RELATIVE_TOLERANCE = 1e-9;

// Short abbreviations only match as whole words (`wer`, not `power`).
const LOWER_IS_BETTER =
  /loss|error|perplexity|cost|regret|distance|(^|[^a-z])(err|mse|mae|rmse|nll|ppl|wer|cer)([^a-z]|$)/i;
const HIGHER_IS_BETTER =
  /acc|f1|auc|precision|recall|score|iou|reward|(^|[^a-z])(map|bleu|rouge|r2|dice|top\d+)([^a-z]|$)/i;

/**
 * Guess a metric's goal from its name (`val_loss` → min, `top5_acc` → max);
 * undefined when the name says nothing.
 */
export function inferGoal(name: string): MetricGoal | undefined {
  return LOWER_IS_BETTER.test(name)
    ? 'min'
    : HIGHER_IS_BETTER.test(name)
      ? 'max'
      : undefined;
}

function goalOf(
  name: string,
  options: IAnomalyOptions
): MetricGoal | undefined {
  return options.goals?.[name] ?? inferGoal(name);
}

const fmt = formatNumber;

/** `20%`, `5.4%`, `0.31%`: two significant digits below 10 %. */
function percent(fraction: number): string {
  const p = fraction * 100;
  return `${p >= 10 ? Math.round(p) : Number(p.toPrecision(2))}%`;
}

/**
 * The "best is not the last" flag, when the last value is worse than the
 * best by more than the margin, relative to the best (to the last when
 * the best is 0): `loss: last 0.12 is 20% worse than best 0.1 at step 40`.
 */
function bestNotLast(
  name: string,
  goal: MetricGoal,
  best: number,
  last: number,
  options: IAnomalyOptions,
  bestStep?: number
): IAnomaly | undefined {
  const worse = goal === 'max' ? best - last : last - best;
  const scale = Math.abs(best) > 0 ? Math.abs(best) : Math.abs(last);
  const relative = scale > 0 ? worse / scale : 0;
  const margin = Math.max(
    options.bestRelativeMargin ?? BEST_RELATIVE_MARGIN,
    RELATIVE_TOLERANCE
  );
  if (!(relative > margin)) {
    return undefined;
  }
  const at = bestStep === undefined ? '' : ` at step ${bestStep}`;
  return {
    kind: 'best-not-last',
    metric: name,
    ...(bestStep === undefined ? {} : { step: bestStep }),
    message: `${name}: last ${fmt(last)} is ${percent(relative)} worse than best ${fmt(best)}${at}`
  };
}

/** Flags computable from a full series: the precise ones. */
export function seriesAnomalies(
  name: string,
  series: IMetricSeries,
  options: IAnomalyOptions = {}
): IAnomaly[] {
  const out: IAnomaly[] = [];
  const { step, value } = series;
  const bad = value.findIndex(v => !Number.isFinite(v));
  if (bad >= 0) {
    const count = value.filter(v => !Number.isFinite(v)).length;
    out.push({
      kind: 'non-finite',
      metric: name,
      step: step[bad],
      message: `${name} is ${value[bad]} at step ${step[bad]} (${count} non-finite value${count > 1 ? 's' : ''})`
    });
  }
  // In step order (stable: a re-logged step keeps its logging order), so
  // that the last point is the one `summarizeSeries` calls last.
  const finite = value
    .map((v, i) => [v, step[i]])
    .filter(([v]) => Number.isFinite(v));
  if (!finite.every(([, s], i) => i === 0 || s >= finite[i - 1][1])) {
    finite.sort((a, b) => a[1] - b[1]);
  }
  if (finite.length < 2) {
    return out;
  }
  const goal = goalOf(name, options);
  const [last] = finite[finite.length - 1];
  let best = 0;
  for (let i = 1; i < finite.length; i++) {
    const better =
      goal === 'max'
        ? finite[i][0] > finite[best][0]
        : finite[i][0] < finite[best][0];
    if (better) {
      best = i;
    }
  }
  if (goal === 'min') {
    const window = options.trendWindow ?? 5;
    const tail = finite.slice(-window).map(([v]) => v);
    const rising =
      tail.length === window &&
      window > 1 &&
      tail.every((v, i) => i === 0 || v > tail[i - 1]);
    const divergence = divergedFromMin(
      name,
      finite[best][0],
      last,
      best < finite.length - 1,
      options
    );
    if (divergence) {
      out.push({ ...divergence, step: finite[best][1] });
    } else if (rising) {
      const from = finite[finite.length - window][1];
      out.push({
        kind: 'diverging',
        metric: name,
        step: from,
        message: `${name} rose at each of its last ${window} values, from step ${from}`
      });
    }
  }
  if (goal && best < finite.length - 1) {
    const flag = bestNotLast(
      name,
      goal,
      finite[best][0],
      last,
      options,
      finite[best][1]
    );
    if (flag) {
      out.push(flag);
    }
  }
  return out;
}

function divergedFromMin(
  name: string,
  min: number,
  last: number,
  minBeforeLast: boolean,
  options: IAnomalyOptions
): IAnomaly | undefined {
  const k = options.divergeFactor ?? 2;
  if (minBeforeLast && min > 0 && last > k * min) {
    return {
      kind: 'diverging',
      metric: name,
      message: `${name} ended at ${fmt(last)}, more than ${k}× its minimum ${fmt(min)}`
    };
  }
  return undefined;
}

/**
 * Flags computable from summaries alone (the runs table has no series):
 * non-finite aggregates, divergence by the min rule, best ≠ last, and
 * train/validation gaps.
 */
export function summaryAnomalies(
  metrics: Record<string, IMetricSummary>,
  options: IAnomalyOptions = {}
): IAnomaly[] {
  const out: IAnomaly[] = [];
  for (const [name, m] of Object.entries(metrics)) {
    const bad = [m.last, m.min, m.max].find(v => !Number.isFinite(v));
    if (bad !== undefined) {
      out.push({
        kind: 'non-finite',
        metric: name,
        message: `${name} has a non-finite value (${bad})`
      });
      continue;
    }
    const goal = goalOf(name, options);
    const best = goal === 'max' ? m.max : m.min;
    if (goal === 'min') {
      const d = divergedFromMin(name, m.min, m.last, m.last !== m.min, options);
      if (d) {
        out.push(d);
      }
    }
    const flag =
      goal && m.count > 1
        ? bestNotLast(name, goal, best, m.last, options)
        : undefined;
    if (flag) {
      out.push(flag);
    }
  }
  return [...out, ...gapAnomalies(metrics, options)];
}

const TRAIN = markerPatterns(['train', 'training']);
const VAL = markerPatterns(['val', 'valid', 'validation', 'eval', 'dev']);

/**
 * Each marker as a prefix and as a suffix of a metric's name, compiled
 * once: the sidebar asks for every row it draws, and compiling them per
 * call was the largest part of drawing a new run's row (about 0.6 ms of
 * the page per tagged execution, `benchmarks/execution-cost.sh`, profiled).
 */
function markerPatterns(markers: string[]): RegExp[] {
  const sep = '[_/.\\- ]';
  return markers.flatMap(marker => [
    new RegExp(`^${marker}${sep}(.+)$`, 'i'),
    new RegExp(`^(.+)${sep}${marker}$`, 'i')
  ]);
}

function strip(name: string, patterns: readonly RegExp[]): string | undefined {
  for (const pattern of patterns) {
    const m = pattern.exec(name);
    if (m) {
      return m[1];
    }
  }
  return undefined;
}

/**
 * Pair training and validation metrics by name: `train_loss`/`val_loss`,
 * `loss_train`/`loss_val`, `train/acc`/`valid/acc`, and Keras's
 * `loss`/`val_loss`. Returns [train, validation, base name] triples.
 */
export function trainValPairs(
  names: readonly string[]
): [string, string, string][] {
  const byBase = new Map<string, string>();
  for (const n of names) {
    const base = strip(n, TRAIN);
    if (base !== undefined) {
      byBase.set(base.toLowerCase(), n);
    }
  }
  const pairs: [string, string, string][] = [];
  for (const n of names) {
    const base = strip(n, VAL);
    if (base === undefined) {
      continue;
    }
    const train =
      byBase.get(base.toLowerCase()) ??
      names.find(o => o.toLowerCase() === base.toLowerCase());
    if (train !== undefined) {
      pairs.push([train, n, base]);
    }
  }
  return pairs;
}

/**
 * Flag a validation metric worse than its training metric by more than
 * `gapThreshold` (relative to the training value): overfitting. Metrics
 * with no known goal are flagged on the absolute difference.
 */
export function gapAnomalies(
  metrics: Record<string, IMetricSummary>,
  options: IAnomalyOptions = {}
): IAnomaly[] {
  const threshold = options.gapThreshold ?? 0.1;
  const out: IAnomaly[] = [];
  for (const [train, val, base] of trainValPairs(Object.keys(metrics))) {
    const t = metrics[train].last;
    const v = metrics[val].last;
    if (!Number.isFinite(t) || !Number.isFinite(v)) {
      continue;
    }
    const goal = options.goals?.[val] ?? inferGoal(base);
    const worse =
      goal === 'min' ? v - t : goal === 'max' ? t - v : Math.abs(v - t);
    const gap = worse / Math.max(Math.abs(t), 1e-12);
    if (gap > threshold) {
      out.push({
        kind: 'train-val-gap',
        metric: val,
        related: train,
        message: `${val} (${fmt(v)}) is ${Math.round(gap * 100)}% worse than ${train} (${fmt(t)})`
      });
    }
  }
  return out;
}
