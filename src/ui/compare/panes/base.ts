/**
 * What every compare pane shares: it renders from the model when shown and
 * stays idle while hidden (a hidden tab does no work), owns its charts, and
 * builds controls with plain DOM and `textContent` only.
 */
import type { TranslationBundle } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';
import { seriesLabels, type IChartText } from '../../../core/charts/common';
import { paramsSubtitles } from '../../../core/compare/differingParams';
import { formatNumber } from '../../../core/numbers';
import { ChartView } from '../chart';
import { chartWords } from '../../chartWords';
import type { CompareChange, CompareModel } from '../model';
import { el } from '../../dom';

/** Re-exported: the one element helper of the UI (`src/ui/dom.ts`). */
export { el };

let paneCounter = 0;

export abstract class ComparePane extends Widget {
  constructor(options: ComparePane.IOptions) {
    super();
    this.model = options.model;
    this.trans = options.trans;
    this.addClass('jp-RunsCompare-pane');
    this.title.label = options.label;
    this.id = `jp-RunsCompare-${options.name}-${++paneCounter}`;
    this.node.dataset.pane = options.name;
    this.node.setAttribute('role', 'region');
    this.node.setAttribute('aria-label', options.label);
    this.model.changed.connect(this._onModelChanged, this);
  }

  protected readonly model: CompareModel;
  protected readonly trans: TranslationBundle;

  /** Render now (the pane is visible). */
  protected abstract render(): void;

  /** Which model changes call for a new render. Default: all. */
  protected dependsOn(change: CompareChange): boolean {
    return change !== undefined;
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this._charts.forEach(c => c.dispose());
    this._charts = [];
    super.dispose();
  }

  protected onAfterShow(): void {
    if (this._stale) {
      this._doRender();
    }
  }

  protected onAfterAttach(): void {
    // The first tab is attached visible: it gets no after-show message.
    if (this._stale && this.isVisible) {
      this._doRender();
    }
  }

  /** Re-render now if visible, else when shown. */
  protected refresh(): void {
    if (this.isVisible) {
      this._doRender();
    } else {
      this._stale = true;
    }
  }

  /** A chart owned by this pane (disposed with it). */
  protected chart(name: string, label: string): ChartView {
    const c = new ChartView({ trans: this.trans, name, label });
    this._charts.push(c);
    return c;
  }

  /** Dispose the charts made so far (before a full re-render). */
  protected clearCharts(): void {
    this._charts.forEach(c => c.dispose());
    this._charts = [];
  }

  /** Translated chart words. */
  protected chartText(): Partial<IChartText> {
    return chartWords(this.trans);
  }

  /** Display labels of the compared runs, as the charts' legends show them. */
  protected runLabels(): string[] {
    return seriesLabels(this.model.runs);
  }

  /** What tells each compared run from the others: `C=10 · solver=saga`. */
  protected runSubtitles(): string[] {
    return paramsSubtitles(this.model.runs);
  }

  /** Labels for a dropdown of the compared runs: name (differing params). */
  protected runChoices(): (readonly [id: string, label: string])[] {
    const labels = this.runLabels();
    const subtitles = this.runSubtitles();
    return this.model.runs.map(
      (r, i) =>
        [
          r.id,
          subtitles[i] ? `${labels[i]} (${subtitles[i]})` : labels[i]
        ] as const
    );
  }

  private _onModelChanged(_: CompareModel, change: CompareChange): void {
    const depends =
      change === 'live'
        ? this.dependsOn('runs') || this.dependsOn('series')
        : this.dependsOn(change);
    if (depends) {
      this.refresh();
    }
  }

  private _doRender(): void {
    this._stale = false;
    this.render();
  }

  private _charts: ChartView[] = [];
  private _stale = true;
}

export namespace ComparePane {
  export interface IOptions {
    model: CompareModel;
    trans: TranslationBundle;
    /** Stable name (tests, CSS). */
    name: string;
    /** Translated tab label. */
    label: string;
  }
}

/** A labelled `<select>`; `onChange` gets the chosen value. */
export function selectControl(
  label: string,
  choices: readonly (readonly [value: string, label: string])[],
  value: string,
  onChange: (value: string) => void
): HTMLLabelElement {
  const wrap = el('label', 'jp-RunsCompare-control');
  const text = el('span', '', label);
  const select = el('select', 'jp-mod-styled');
  for (const [v, l] of choices) {
    const o = el('option', '', l);
    o.value = v;
    select.append(o);
  }
  select.value = value;
  select.addEventListener('change', () => onChange(select.value));
  wrap.append(text, select);
  return wrap;
}

/** A labelled checkbox. */
export function checkControl(
  label: string,
  checked: boolean,
  onChange: (checked: boolean) => void
): HTMLLabelElement {
  const wrap = el('label', 'jp-RunsCompare-control');
  const box = el('input');
  box.type = 'checkbox';
  box.checked = checked;
  box.addEventListener('change', () => onChange(box.checked));
  wrap.append(box, el('span', '', label));
  return wrap;
}

/** A row of controls. */
export function controlBar(
  label: string,
  ...controls: HTMLElement[]
): HTMLDivElement {
  const bar = el('div', 'jp-RunsCompare-controls');
  bar.setAttribute('role', 'toolbar');
  bar.setAttribute('aria-label', label);
  bar.append(...controls);
  return bar;
}

/** A message paragraph. */
export function message(text: string): HTMLParagraphElement {
  return el('p', 'jp-RunsCompare-message', text);
}

/** Text of a param or metric value for a cell (numbers: `formatNumber`). */
export function valueText(v: unknown): string {
  if (v === undefined) {
    return '—';
  }
  if (typeof v === 'number') {
    return formatNumber(v);
  }
  return typeof v === 'string' ? v : JSON.stringify(v);
}
