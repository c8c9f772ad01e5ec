/**
 * Accumulates the log messages a kernel publishes for one cell execution
 * (MIME type `application/vnd.jupyterlab-runs.log+json`, version 1; the wire
 * format is in docs/PYTHON_API.md). Each message carries the points logged
 * since the previous one, so the complete series exist only by adding up the
 * deltas in sequence order. Pure: the capture adapter feeds it IOPub data.
 */
import {
  fromJsonNumber,
  type IMetricSeries,
  type IMetricSummary,
  type ParamValue
} from '../run';
import { addPoint, firstPoint } from '../series/aggregates';

export const LOG_MIME_TYPE = 'application/vnd.jupyterlab-runs.log+json';

/** An event other than a metric point (artifact, dataset, plot...). */
export interface ILogEvent {
  kind: string;
  [key: string]: unknown;
}

/** Series are capped so a runaway loop cannot exhaust the tab's memory. */
export const MAX_POINTS_PER_METRIC = 2_000_000;

export class LogStream {
  /** Per metric, every point received, in logging order. */
  readonly series = new Map<string, IMetricSeries>();
  /**
   * Per metric, the aggregates of what was received (as `summarizeSeries`
   * defines them: last = the value at the highest step), kept as points
   * arrive so live views never rescan the series.
   */
  readonly aggregates = new Map<string, IMetricSummary>();
  /** Explicit params (`log_param`), last value wins. */
  readonly params: Record<string, ParamValue> = {};
  readonly tags: Record<string, string> = {};
  /** Artifacts, datasets, plots and figures, in logging order. */
  readonly events: ILogEvent[] = [];
  /** True when a sequence gap showed that messages were missed. */
  missed = false;
  /** True once the final message of the execution arrived. */
  final = false;
  /** Points dropped by MAX_POINTS_PER_METRIC. */
  dropped = 0;

  /**
   * Add one message. Returns false (and changes nothing) for data that is not
   * a version-1 log message, or a message already applied.
   */
  apply(data: unknown): boolean {
    if (!isObject(data) || data.v !== 1 || typeof data.seq !== 'number') {
      return false;
    }
    if (data.seq <= this._lastSeq) {
      return false;
    }
    if (data.seq !== this._lastSeq + 1) {
      this.missed = true;
    }
    this._lastSeq = data.seq;
    this.final = this.final || data.final === true;
    const time = typeof data.time_ms === 'number' ? data.time_ms : Date.now();
    const delta = isObject(data.delta) ? data.delta : {};
    if (isObject(delta.metrics)) {
      for (const [name, points] of Object.entries(delta.metrics)) {
        this._addPoints(name, points, time);
      }
    }
    if (Array.isArray(delta.events)) {
      for (const event of delta.events) {
        this._addEvent(event);
      }
    }
    return true;
  }

  /** Number of metric points held. */
  get points(): number {
    let n = 0;
    for (const s of this.series.values()) {
      n += s.value.length;
    }
    return n;
  }

  private _addPoints(name: string, points: unknown, time: number): void {
    if (!isObject(points)) {
      return;
    }
    const steps = points.steps;
    const values = points.values;
    if (!Array.isArray(steps) || !Array.isArray(values)) {
      return;
    }
    let series = this.series.get(name);
    if (!series) {
      series = { step: [], value: [], time: [] };
      this.series.set(name, series);
    }
    const n = Math.min(steps.length, values.length);
    for (let i = 0; i < n; i++) {
      if (series.value.length >= MAX_POINTS_PER_METRIC) {
        this.dropped += n - i;
        return;
      }
      const step = Number(steps[i]);
      if (!Number.isFinite(step)) {
        continue; // the kernel sends integers; a series file refuses others
      }
      const value = fromJsonNumber(values[i]);
      series.step.push(step);
      series.value.push(value);
      series.time.push(time);
      this._aggregate(name, step, value);
    }
  }

  private _aggregate(name: string, step: number, value: number): void {
    const a = this.aggregates.get(name);
    if (a) {
      addPoint(a, step, value);
    } else {
      this.aggregates.set(name, firstPoint(step, value));
    }
  }

  private _addEvent(event: unknown): void {
    if (!isObject(event) || typeof event.kind !== 'string') {
      return;
    }
    if (event.kind === 'param' && typeof event.name === 'string') {
      this.params[event.name] = event.value as ParamValue;
    } else if (event.kind === 'tag' && typeof event.name === 'string') {
      this.tags[event.name] = String(event.value);
    } else {
      this.events.push(event as ILogEvent);
    }
  }

  private _lastSeq = 0;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
