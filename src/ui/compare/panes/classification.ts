/**
 * Classifier evaluations the runs logged: confusion-matrix heatmaps side by
 * side (one per run and matrix), and every run's ROC and PR curves in one
 * chart each.
 */
import {
  confusionMatrixSpec,
  prSpec,
  rocSpec,
  type IScoredCurve
} from '../../../core/charts/classification';
import { runDetails } from '../../../core/compare/details';
import { runColor } from '../../../core/runs/names';
import type { CompareChange } from '../model';
import { ComparePane, el, message } from './base';

export class ClassificationPane extends ComparePane {
  constructor(options: Omit<ComparePane.IOptions, 'name' | 'label'>) {
    super({
      ...options,
      name: 'classification',
      label: options.trans.__('Classification')
    });
  }

  protected dependsOn(change: CompareChange): boolean {
    return change === 'records' || change === 'runs';
  }

  protected render(): void {
    const t = this.trans;
    const model = this.model;
    const runs = model.runs;
    if (runs.some(r => model.record(r.id) === undefined)) {
      void model.loadRecords();
      this.node.replaceChildren(message(t.__('Loading runs…')));
      return;
    }
    this.clearCharts();
    const labels = this.runLabels();
    const text = this.chartText();
    const matrices = el('div', 'jp-RunsCompare-grid jp-RunsCompare-matrices');
    const roc: IScoredCurve[] = [];
    const pr: IScoredCurve[] = [];
    runs.forEach((run, i) => {
      const record = model.record(run.id);
      if (!record || record instanceof Error) {
        return;
      }
      const details = runDetails(record);
      for (const m of details.confusion) {
        const chart = this.chart(
          `confusion-${i + 1}`,
          t.__('%1: %2', labels[i], m.name)
        );
        chart.node.classList.add('jp-RunsCompare-matrix');
        matrices.append(chart.node);
        void chart.setSpec(
          confusionMatrixSpec(m.labels, m.matrix, {
            text,
            width: 240,
            height: 240
          })
        );
      }
      for (const c of details.curves) {
        const several =
          details.curves.filter(x => x.kind === c.kind).length > 1;
        const curve = {
          name: several ? `${labels[i]} · ${c.name}` : labels[i],
          points: c.points,
          auc: c.area,
          // A run's one curve in the run's color; several (per class) need
          // colors of their own, so the chart then uses its scheme.
          color: several ? undefined : runColor(run)
        };
        (c.kind === 'roc' ? roc : pr).push(curve);
      }
    });
    const parts: HTMLElement[] = [];
    if (matrices.childElementCount) {
      parts.push(
        el('h3', 'jp-RunsCompare-heading', t.__('Confusion matrices')),
        matrices
      );
    }
    if (roc.length || pr.length) {
      const curves = el('div', 'jp-RunsCompare-grid');
      if (roc.length) {
        const chart = this.chart('roc', t.__('ROC curves'));
        curves.append(chart.node);
        void chart.setSpec(rocSpec(roc, { text, height: 300 }));
      }
      if (pr.length) {
        const chart = this.chart('pr', t.__('Precision–recall curves'));
        curves.append(chart.node);
        void chart.setSpec(prSpec(pr, { text, height: 300 }));
      }
      parts.push(
        el('h3', 'jp-RunsCompare-heading', t.__('ROC and precision–recall')),
        curves
      );
    }
    this.node.replaceChildren(
      ...(parts.length
        ? parts
        : [
            message(
              t.__('These runs logged no confusion matrices or ROC/PR curves.')
            )
          ])
    );
  }
}
