/**
 * Run summaries with metric aggregates: what the manifest caches so that a
 * run list, a table sorted by a metric or a query never reads series files.
 */
import {
  summarize,
  type IMetricSummary,
  type IRunRecord,
  type IRunSummary
} from '../run';
import type { RunSeries } from './series';
import { summarizeSeries } from '../series/aggregates';

/**
 * What a run summary holds beyond its run file: the user's later edits
 * (name, tags, star) and captured parameters. Adapters that keep them pass
 * them in; the pure core never invents them.
 */
export type IRunAnnotations = Pick<
  IRunSummary,
  'name' | 'params' | 'tags' | 'starred'
>;

/**
 * Project a run (and its series, if it has any) onto the summary the
 * manifest stores. Empty metrics and absent annotations are left out, so a
 * summary is as small as the run allows.
 */
export function summarizeRun(
  record: IRunRecord,
  series?: RunSeries | null,
  annotations: IRunAnnotations = {}
): IRunSummary {
  const summary: IRunSummary = summarize(record);
  if (series) {
    const metrics: [string, IMetricSummary][] = [];
    for (const name of Object.keys(series).sort()) {
      const aggregate = summarizeSeries(series[name]);
      if (aggregate) {
        metrics.push([name, aggregate]);
      }
    }
    if (metrics.length > 0) {
      summary.metrics = Object.fromEntries(metrics);
    }
  }
  if (annotations.name !== undefined) {
    summary.name = annotations.name;
  }
  if (annotations.params && Object.keys(annotations.params).length > 0) {
    summary.params = annotations.params;
  }
  if (annotations.tags && Object.keys(annotations.tags).length > 0) {
    summary.tags = annotations.tags;
  }
  if (annotations.starred) {
    summary.starred = true;
  }
  return summary;
}
