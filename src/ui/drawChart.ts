/**
 * Draw a core chart spec in a `ChartView`, saying on the chart's element
 * what it draws (`data-mark="bar text"`): a canvas does not tell tests or
 * assistive code whether a metric came out as bars or as lines.
 */
import { specMarks } from '../core/charts/marks';
import type { TopLevelSpec } from '../core/charts/common';
import type { ChartView } from './compare/chart';

/** `chart.setSpec(spec)`, with the spec's mark types on `chart.node`. */
export function drawChart(chart: ChartView, spec: TopLevelSpec): Promise<void> {
  chart.node.dataset.mark = specMarks(spec).join(' ');
  return chart.setSpec(spec);
}
