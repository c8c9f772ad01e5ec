/**
 * The compare view: a main-area widget with one tab per pane. Panes render
 * only when their tab is shown, so opening a comparison of 100 runs does
 * not draw eight charts at once.
 */
import type { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import type { TranslationBundle } from '@jupyterlab/translation';
import { Panel, TabPanel, Widget } from '@lumino/widgets';
import { seriesLabels } from '../../core/charts/common';
import type { CompareModel } from './model';
import { AnomaliesPane } from './panes/anomalies';
import { ClassificationPane } from './panes/classification';
import { CurvesPane } from './panes/curves';
import { GroupsPane } from './panes/groups';
import { ImportancePane } from './panes/importance';
import { ParamChartsPane } from './panes/paramCharts';
import { ParamsPane } from './panes/params';
import { WhatChangedPane } from './panes/whatChanged';

/** Pane names, in tab order. */
export const COMPARE_PANES = [
  'params',
  'curves',
  'param-charts',
  'classification',
  'importance',
  'groups',
  'what-changed',
  'anomalies'
] as const;

export class CompareWidget extends Panel {
  constructor(options: CompareWidget.IOptions) {
    super();
    const { model, trans } = options;
    this._model = model;
    this._trans = trans;
    this.addClass('jp-RunsCompare');
    this.node.setAttribute('role', 'region');
    this.node.setAttribute('aria-label', trans.__('Compare runs'));
    this._header = new Widget();
    this._header.addClass('jp-RunsCompare-header');
    this._tabs = new TabPanel();
    this._tabs.addClass('jp-RunsCompare-tabs');
    const base = { model, trans };
    for (const pane of [
      new ParamsPane(base),
      new CurvesPane(base),
      new ParamChartsPane(base),
      new ClassificationPane(base),
      new ImportancePane(base),
      new GroupsPane(base),
      new WhatChangedPane({ ...base, rendermime: options.rendermime }),
      new AnomaliesPane(base)
    ]) {
      this._tabs.addWidget(pane);
    }
    this.addWidget(this._header);
    this.addWidget(this._tabs);
    model.changed.connect(this._renderHeader, this);
    this._renderHeader();
  }

  get model(): CompareModel {
    return this._model;
  }

  /** Show a pane by name. */
  showPane(name: (typeof COMPARE_PANES)[number]): void {
    const i = COMPARE_PANES.indexOf(name);
    if (i >= 0) {
      this._tabs.currentIndex = i;
    }
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this._model.changed.disconnect(this._renderHeader, this);
    super.dispose();
    this._model.dispose();
  }

  private _renderHeader(): void {
    const t = this._trans;
    const runs = this._model.runs;
    const labels = seriesLabels(runs);
    this.title.label = t._n('Compare %1 run', 'Compare %1 runs', runs.length);
    this.title.caption = labels.join(', ');
    const heading = document.createElement('h2');
    heading.className = 'jp-RunsCompare-title';
    heading.textContent = t._n(
      '%1 run compared',
      '%1 runs compared',
      runs.length
    );
    const list = document.createElement('ul');
    list.className = 'jp-RunsCompare-runs';
    runs.forEach((r, i) => {
      const li = document.createElement('li');
      li.className = `jp-RunsCompare-run jp-mod-${r.status}`;
      li.dataset.runId = r.id;
      li.textContent = labels[i];
      li.title = r.id;
      list.append(li);
    });
    this._header.node.replaceChildren(heading, list);
  }

  private _model: CompareModel;
  private _trans: TranslationBundle;
  private _header: Widget;
  private _tabs: TabPanel;
}

export namespace CompareWidget {
  export interface IOptions {
    model: CompareModel;
    trans: TranslationBundle;
    rendermime?: IRenderMimeRegistry | null;
  }
}
