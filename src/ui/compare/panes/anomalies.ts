/**
 * Automatic anomaly flags for the compared runs: NaN/Inf values, diverging
 * losses, train/validation gaps, best step not the last one.
 */
import {
  gapAnomalies,
  seriesAnomalies,
  summaryAnomalies,
  type AnomalyKind,
  type IAnomaly
} from '../../../core/series/anomalies';
import type { CompareChange } from '../model';
import { ComparePane, el, message } from './base';

export class AnomaliesPane extends ComparePane {
  constructor(options: Omit<ComparePane.IOptions, 'name' | 'label'>) {
    super({
      ...options,
      name: 'anomalies',
      label: options.trans.__('Anomalies')
    });
  }

  protected dependsOn(change: CompareChange): boolean {
    return change === 'runs' || change === 'series';
  }

  protected render(): void {
    const t = this.trans;
    const model = this.model;
    if (
      model.canReadSeries &&
      model.runs.some(r => model.series(r.id) === undefined)
    ) {
      void model.loadSeries();
    }
    const kinds: Record<AnomalyKind, string> = {
      'non-finite': t.__('NaN or infinite values'),
      diverging: t.__('Diverging'),
      'train-val-gap': t.__('Train/validation gap'),
      'best-not-last': t.__('Best step is not the last')
    };
    const labels = this.runLabels();
    const list = el('ul', 'jp-RunsCompare-anomalies');
    let count = 0;
    model.runs.forEach((run, i) => {
      const series = model.series(run.id);
      const options = model.anomalyOptions;
      // Series flags are the precise ones; gaps come from the summaries
      // (which `summaryAnomalies` includes).
      const flags: IAnomaly[] = series
        ? [
            ...Object.entries(series).flatMap(([name, s]) =>
              seriesAnomalies(name, s, options)
            ),
            ...(run.metrics ? gapAnomalies(run.metrics, options) : [])
          ]
        : run.metrics
          ? summaryAnomalies(run.metrics, options)
          : [];
      for (const f of flags) {
        count++;
        const li = el('li', `jp-RunsCompare-anomaly jp-mod-${f.kind}`);
        li.dataset.kind = f.kind;
        li.append(
          el('strong', '', `${labels[i]} · ${kinds[f.kind] ?? f.kind}`),
          el('span', '', ` — ${f.message}`)
        );
        list.append(li);
      }
    });
    this.node.replaceChildren(
      count ? list : message(t.__('No anomaly found in the compared runs.'))
    );
  }
}
