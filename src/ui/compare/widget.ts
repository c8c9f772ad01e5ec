/**
 * The compare view: a main-area widget with one tab per pane. Panes render
 * only when their tab is shown, so opening a comparison of 100 runs does
 * not draw eight charts at once. The panes are made by the factories of
 * `IComparePaneRegistry` (`makePanes`); this view only lays them out.
 */
import type { TranslationBundle } from '@jupyterlab/translation';
import { Panel, TabPanel, Widget } from '@lumino/widgets';
import { seriesLabels } from '../../core/charts/common';
import { paramsSubtitles } from '../../core/compare/differingParams';
import { runTitle } from '../runIdentity';
import type { CompareModel } from './model';
import type { IMadePane } from './registry';

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
    for (const { name, widget } of options.panes) {
      widget.node.dataset.pane = name;
      this._names.push(name);
      this._tabs.addWidget(widget);
    }
    this.addWidget(this._header);
    this.addWidget(this._tabs);
    model.changed.connect(this._renderHeader, this);
    this._renderHeader();
  }

  get model(): CompareModel {
    return this._model;
  }

  /** The panes' names, in tab order. */
  get paneNames(): readonly string[] {
    return this._names;
  }

  /** Show a pane by name. */
  showPane(name: string): void {
    const i = this._names.indexOf(name);
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
    const subtitles = paramsSubtitles(runs);
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
      li.append(runTitle(r, { label: labels[i], subtitle: subtitles[i] }));
      list.append(li);
    });
    this._header.node.replaceChildren(heading, list);
  }

  private _model: CompareModel;
  private _trans: TranslationBundle;
  private _header: Widget;
  private _tabs: TabPanel;
  private _names: string[] = [];
}

export namespace CompareWidget {
  export interface IOptions {
    model: CompareModel;
    trans: TranslationBundle;
    /** The panes, in tab order; the view disposes them with itself. */
    panes: readonly IMadePane[];
  }
}
