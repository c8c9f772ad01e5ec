/**
 * The chart words (axis and legend titles) in the user's language, for
 * every view that draws a chart spec of `src/core/charts`.
 */
import type { TranslationBundle } from '@jupyterlab/translation';
import type { CHART_TEXT, IChartText } from '../core/charts/common';

/** Translated `IChartText`: every word the core's specs show. */
export function chartWords(trans: TranslationBundle): IChartText {
  const t = trans;
  return {
    run: t.__('Run'),
    group: t.__('Group'),
    metric: t.__('Metric'),
    value: t.__('Value'),
    step: t.__('Step'),
    time: t.__('Time'),
    relativeTime: t.__('Relative time (s)'),
    predicted: t.__('Predicted'),
    actual: t.__('Actual'),
    count: t.__('Count'),
    share: t.__('Share'),
    falsePositiveRate: t.__('False positive rate'),
    truePositiveRate: t.__('True positive rate'),
    recall: t.__('Recall'),
    precision: t.__('Precision')
  } satisfies Record<keyof typeof CHART_TEXT, string>;
}
