/**
 * Renders the one output a cell's `jupyterlab_runs.log_*` calls produce
 * (MIME `application/vnd.jupyterlab-runs.log+json`): a live summary with the
 * step, the latest value of each metric and a sparkline.
 *
 * Each update carries only the points since the previous one, so sparklines
 * are built from the updates this renderer saw; a reopened notebook holds the
 * final summary only and shows the values without sparklines. All text goes
 * through textContent, and the sparkline is SVG built from numbers.
 */
import type { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import type { TranslationBundle } from '@jupyterlab/translation';
import { nullTranslator } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';
import { fromJsonNumber } from '../core/run';

const SVG_NS = 'http://www.w3.org/2000/svg';
/** Points kept per sparkline; older ones are thinned out. */
const SPARK_POINTS = 120;
/** Metrics shown; the rest are counted. */
const MAX_METRICS = 8;

interface IMetricState {
  last: number;
  step: number;
  count: number;
  spark: number[];
}

export class LogRenderer extends Widget implements IRenderMime.IRenderer {
  constructor(options: IRenderMime.IRendererOptions) {
    super();
    this._mimeType = options.mimeType;
    this._trans = (options.translator ?? nullTranslator).load(
      'jupyterlab_runs'
    );
    this.addClass('jp-RunsLog');
  }

  renderModel(model: IRenderMime.IMimeModel): Promise<void> {
    const data = model.data[this._mimeType] as Record<string, unknown>;
    if (data && typeof data === 'object') {
      this._update(data);
    }
    this._render();
    return Promise.resolve();
  }

  private _update(data: Record<string, unknown>): void {
    const execId = String(data.exec_id ?? '');
    if (execId !== this._execId) {
      this._execId = execId;
      this._metrics.clear();
    }
    this._final = data.final === true;
    const delta = (data.delta ?? {}) as { metrics?: Record<string, unknown> };
    for (const [name, raw] of Object.entries(delta.metrics ?? {})) {
      const points = raw as { steps?: unknown[]; values?: unknown[] };
      const values = (points.values ?? []).map(fromJsonNumber);
      const state = this._metric(name);
      for (const v of values) {
        state.spark.push(v);
      }
      if (state.spark.length > SPARK_POINTS * 2) {
        state.spark = state.spark.filter((_, i) => i % 2 === 0);
      }
    }
    const summary = (data.summary ?? {}) as {
      points?: number;
      metrics?: Record<string, Record<string, unknown>>;
      counts?: Record<string, number>;
    };
    this._points = Number(summary.points ?? 0);
    this._counts = summary.counts ?? {};
    for (const [name, m] of Object.entries(summary.metrics ?? {})) {
      const state = this._metric(name);
      state.last = fromJsonNumber(m.last);
      state.step = Number(m.step ?? 0);
      state.count = Number(m.count ?? 0);
    }
  }

  private _metric(name: string): IMetricState {
    let state = this._metrics.get(name);
    if (!state) {
      state = { last: NaN, step: 0, count: 0, spark: [] };
      this._metrics.set(name, state);
    }
    return state;
  }

  private _render(): void {
    const trans = this._trans;
    const header = document.createElement('div');
    header.className = 'jp-RunsLog-header';
    const badge = document.createElement('span');
    badge.className = `jp-RunsLog-state ${this._final ? 'jp-mod-final' : 'jp-mod-live'}`;
    badge.textContent = this._final ? trans.__('logged') : trans.__('logging…');
    const steps = Math.max(0, ...[...this._metrics.values()].map(m => m.count));
    const info = document.createElement('span');
    info.className = 'jp-RunsLog-info';
    info.textContent = trans._n('%1 step', '%1 steps', steps);
    const extras = Object.entries(this._counts)
      .filter(([kind, n]) => kind !== 'metrics' && n > 0)
      .map(([kind, n]) => `${n} ${kind}`);
    if (extras.length) {
      info.textContent += ` · ${extras.join(', ')}`;
    }
    header.append(badge, info);

    const table = document.createElement('table');
    table.className = 'jp-RunsLog-metrics';
    const names = [...this._metrics.keys()];
    for (const name of names.slice(0, MAX_METRICS)) {
      const m = this._metrics.get(name)!;
      const row = table.insertRow();
      const label = row.insertCell();
      label.className = 'jp-RunsLog-name';
      label.textContent = name;
      const value = row.insertCell();
      value.className = 'jp-RunsLog-value';
      value.textContent = formatValue(m.last);
      value.title = trans.__('step %1', m.step);
      const spark = row.insertCell();
      spark.className = 'jp-RunsLog-spark';
      if (m.spark.length > 1) {
        spark.append(sparkline(m.spark, trans.__('%1 over steps', name)));
      }
    }
    const parts: Node[] = [header, table];
    if (names.length > MAX_METRICS) {
      const more = document.createElement('div');
      more.className = 'jp-RunsLog-more';
      more.textContent = trans.__(
        'and %1 more metrics',
        names.length - MAX_METRICS
      );
      parts.push(more);
    }
    this.node.replaceChildren(...parts);
    void this._points;
  }

  private _mimeType: string;
  private _trans: TranslationBundle;
  private _execId = '';
  private _final = false;
  private _points = 0;
  private _counts: Record<string, number> = {};
  private _metrics = new Map<string, IMetricState>();
}

function formatValue(v: number): string {
  if (Number.isNaN(v)) {
    return 'NaN';
  }
  if (!Number.isFinite(v)) {
    return v > 0 ? '∞' : '−∞';
  }
  return Math.abs(v) >= 1e5 || (Math.abs(v) < 1e-3 && v !== 0)
    ? v.toExponential(3)
    : String(Number(v.toPrecision(4)));
}

/** A 120×24 polyline of the finite values. */
function sparkline(values: number[], label: string): SVGSVGElement {
  const width = 120;
  const height = 24;
  const finite = values.filter(Number.isFinite);
  const min = Math.min(...finite);
  const max = Math.max(...finite);
  const span = max - min || 1;
  const svg = document.createElementNS(SVG_NS, 'svg');
  svg.setAttribute('width', String(width));
  svg.setAttribute('height', String(height));
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', label);
  const points: string[] = [];
  values.forEach((v, i) => {
    if (Number.isFinite(v)) {
      const x = (i / Math.max(1, values.length - 1)) * (width - 2) + 1;
      const y = height - 1 - ((v - min) / span) * (height - 2);
      points.push(`${x.toFixed(1)},${y.toFixed(1)}`);
    }
  });
  const line = document.createElementNS(SVG_NS, 'polyline');
  line.setAttribute('points', points.join(' '));
  line.setAttribute('class', 'jp-RunsLog-sparkline');
  svg.append(line);
  return svg;
}
