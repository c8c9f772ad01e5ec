/**
 * Charts of classifier evaluations logged by runs: the confusion-matrix
 * heatmap and ROC / precision-recall curves with the AUC in the legend.
 */
import {
  chartText,
  describeBy,
  colorScale,
  formatNumber,
  type IChartOptions,
  topLevel,
  type TopLevelSpec,
  uniqueLabels
} from './common';

/** Options of `confusionMatrixSpec`. */
export interface IConfusionOptions extends IChartOptions {
  /** Color by the share of each true class (row) instead of counts. */
  normalize?: boolean;
  /** Text colors on light and dark cells. Default black and white. */
  textColors?: readonly [onLight: string, onDark: string];
}

/**
 * Heatmap of `matrix[actual][predicted]` with `labels` on both axes, in the
 * given order (data order, `sort: null`, so no sort expressions). Cell text
 * switches color on cells past half the maximum, decided here.
 *
 * @throws RangeError when the matrix is not labels × labels.
 */
export function confusionMatrixSpec(
  labels: readonly string[],
  matrix: readonly (readonly number[])[],
  options: IConfusionOptions = {}
): TopLevelSpec {
  const k = labels.length;
  const text = chartText(options);
  if (matrix.length !== k || matrix.some(row => row.length !== k)) {
    throw new RangeError(`The matrix must be ${k} × ${k}, like the labels`);
  }
  const names = uniqueLabels(labels);
  const rowSums = matrix.map(row => row.reduce((s, v) => s + v, 0));
  const cells = matrix.flatMap((row, a) =>
    row.map((count, p) => {
      const share = rowSums[a] > 0 ? count / rowSums[a] : 0;
      return { actual: names[a], predicted: names[p], count, share };
    })
  );
  const field = options.normalize ? 'share' : 'count';
  const max = Math.max(0, ...cells.map(c => c[field]));
  const values = cells.map(c => ({
    ...c,
    label: options.normalize ? formatNumber(c.share) : String(c.count),
    dark: max > 0 && c[field] > max / 2
  }));
  const [onLight, onDark] = options.textColors ?? ['black', 'white'];
  const x = {
    field: 'predicted',
    type: 'nominal' as const,
    sort: null,
    title: text.predicted
  };
  const y = {
    field: 'actual',
    type: 'nominal' as const,
    sort: null,
    title: text.actual
  };
  return {
    ...topLevel(options),
    data: { values },
    layer: [
      {
        mark: { type: 'rect' },
        encoding: {
          ...describeBy('label'),
          x,
          y,
          color: {
            field,
            type: 'quantitative',
            title: options.normalize ? text.share : text.count,
            scale: colorScale(options)
          },
          tooltip: [
            { field: 'actual', type: 'nominal' },
            { field: 'predicted', type: 'nominal' },
            { field: 'count', type: 'quantitative' },
            { field: 'share', type: 'quantitative', format: '.1%' }
          ]
        }
      },
      {
        mark: { type: 'text' },
        encoding: {
          ...describeBy('label'),
          x,
          y,
          text: { field: 'label', type: 'nominal' },
          color: {
            condition: { test: { field: 'dark', equal: true }, value: onDark },
            value: onLight
          }
        }
      }
    ]
  };
}

/** A point of a ROC (x = FPR, y = TPR) or PR (x = recall, y = precision) curve. */
export interface ICurvePoint {
  x: number;
  y: number;
}

/** One curve, e.g. one run's or one class's. */
export interface IScoredCurve {
  name: string;
  points: readonly ICurvePoint[];
  /** Area under the curve; computed with the trapezoid rule when absent. */
  auc?: number;
  /** Its color (a run's, `runColor`); the scheme's when any curve has none. */
  color?: string;
}

/**
 * Area under a curve by the trapezoid rule, over points sorted by x (ties
 * kept in their order, as a PR curve's vertical steps need).
 */
export function trapezoidAuc(points: readonly ICurvePoint[]): number {
  const pts = points
    .map((p, i) => ({ ...p, i }))
    .filter(p => Number.isFinite(p.x) && Number.isFinite(p.y))
    .sort((a, b) => a.x - b.x || a.i - b.i);
  let area = 0;
  for (let i = 1; i < pts.length; i++) {
    area += ((pts[i].x - pts[i - 1].x) * (pts[i].y + pts[i - 1].y)) / 2;
  }
  return area;
}

/**
 * The area a curve's legend (and a caption) shows: `AUC 0.9123` for ROC
 * and for a PR curve's trapezoid area; `AP 0.87` for a PR curve whose
 * average precision was logged (scikit-learn's, which is not the
 * trapezoid area).
 */
export function curveAreaText(
  curve: Pick<IScoredCurve, 'points' | 'auc'>,
  kind: 'roc' | 'pr'
): string {
  const area = formatNumber(curve.auc ?? trapezoidAuc(curve.points));
  return kind === 'pr' && curve.auc !== undefined
    ? `AP ${area}`
    : `AUC ${area}`;
}

function curvesSpec(
  curves: readonly IScoredCurve[],
  kind: 'roc' | 'pr',
  options: IChartOptions
): TopLevelSpec {
  const text = chartText(options);
  const names = uniqueLabels(curves.map(c => c.name));
  const series = curves.map(
    (c, k) => `${names[k]} (${curveAreaText(c, kind)})`
  );
  const colors = curves.map(c => c.color);
  const scale = colors.every((c): c is string => c !== undefined)
    ? { domain: series, range: colors }
    : colorScale(options);
  const values = curves.flatMap((c, k) => {
    return c.points
      .filter(p => Number.isFinite(p.x) && Number.isFinite(p.y))
      .map((p, order) => ({ series: series[k], x: p.x, y: p.y, order }));
  });
  const [xTitle, yTitle] =
    kind === 'roc'
      ? [text.falsePositiveRate, text.truePositiveRate]
      : [text.recall, text.precision];
  const unit = { domain: [0, 1] as [number, number] };
  const x = {
    field: 'x',
    type: 'quantitative' as const,
    title: xTitle,
    scale: unit
  };
  const y = {
    field: 'y',
    type: 'quantitative' as const,
    title: yTitle,
    scale: unit
  };
  const curveLayer = {
    data: { values },
    mark: { type: 'line' as const, strokeWidth: 2 },
    encoding: {
      ...describeBy('series'),
      x,
      y,
      order: { field: 'order', type: 'quantitative' as const },
      color: {
        field: 'series',
        type: 'nominal' as const,
        title: null,
        scale
      },
      tooltip: [
        { field: 'series', type: 'nominal' as const },
        { field: 'x', type: 'quantitative' as const },
        { field: 'y', type: 'quantitative' as const }
      ]
    }
  };
  const chance = {
    data: {
      values: [
        { x: 0, y: 0 },
        { x: 1, y: 1 }
      ]
    },
    mark: {
      type: 'line' as const,
      strokeDash: [4, 4],
      opacity: 0.5,
      color: 'gray',
      aria: false
    },
    encoding: { x, y }
  };
  return {
    ...topLevel(options),
    layer: kind === 'roc' ? [chance, curveLayer] : [curveLayer]
  };
}

/** ROC curves with the chance diagonal and each AUC in the legend. */
export function rocSpec(
  curves: readonly IScoredCurve[],
  options: IChartOptions = {}
): TopLevelSpec {
  return curvesSpec(curves, 'roc', options);
}

/**
 * Precision–recall curves with each area in the legend: the logged average
 * precision (`AP`), else the trapezoid area (`AUC`).
 */
export function prSpec(
  curves: readonly IScoredCurve[],
  options: IChartOptions = {}
): TopLevelSpec {
  return curvesSpec(curves, 'pr', options);
}
