/**
 * The series of a run in flight, for views: every point the page received
 * (`LogStream`), without copying them. Created when a view asks for it
 * (`IRunRecorder.liveSeries`), so capture does nothing for it otherwise.
 */
import { Signal, type ISignal } from '@lumino/signaling';
import type { LogStream } from '../core/capture/logStream';
import type { RunSeries } from '../core/history/series';
import type { ILiveSeries, ILiveSeriesBatch } from '../tokens';

export class LiveSeries implements ILiveSeries {
  constructor(
    readonly runId: string,
    stream: LogStream
  ) {
    this._stream = stream;
    this.update();
  }

  get series(): RunSeries {
    return this._series;
  }

  get points(): number {
    return this._points;
  }

  get grown(): ISignal<ILiveSeries, ILiveSeriesBatch> {
    return this._grown;
  }

  /**
   * Take in what the stream received since the last call (one log
   * message): the metrics that grew get a new `IMetricSeries` object over
   * the same (append-only) arrays, so caches keyed by series identity
   * (`CurveCache`) see the change and nothing is copied. A few operations
   * per metric; emits `grown` when points were added.
   */
  update(): void {
    const grew: string[] = [];
    let added = 0;
    let next: RunSeries | null = null;
    for (const [name, s] of this._stream.series) {
      const seen = this._lengths.get(name) ?? 0;
      if (s.value.length > seen) {
        next ??= { ...this._series };
        next[name] = { step: s.step, value: s.value, time: s.time };
        this._lengths.set(name, s.value.length);
        added += s.value.length - seen;
        grew.push(name);
      }
    }
    if (next) {
      this._series = next;
      this._points += added;
      this._grown.emit({ runId: this.runId, metrics: grew, points: added });
    }
  }

  /** Stop emitting (the run was handed to the store). */
  dispose(): void {
    Signal.clearData(this);
  }

  private _stream: LogStream;
  private _series: RunSeries = {};
  private _points = 0;
  private _lengths = new Map<string, number>();
  private _grown = new Signal<ILiveSeries, ILiveSeriesBatch>(this);
}
