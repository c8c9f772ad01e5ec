import { LogStream } from '../../core/capture/logStream';
import type { ILiveSeriesBatch } from '../../tokens';
import { LiveSeries } from '../liveSeries';

/** One log message as the kernel publishes it: `n` points of `loss`. */
function message(seq: number, from: number, n: number, metric = 'loss') {
  const steps = Array.from({ length: n }, (_, i) => from + i);
  return {
    v: 1,
    seq,
    time_ms: 1_000 + seq,
    delta: {
      metrics: { [metric]: { steps, values: steps.map(s => 1 / (s + 1)) } }
    }
  };
}

describe('LiveSeries', () => {
  it('should hold every point logged so far, one batch at a time', () => {
    const stream = new LogStream();
    const live = new LiveSeries('01RUN', stream);
    const batches: ILiveSeriesBatch[] = [];
    live.grown.connect((_, b) => batches.push(b));
    for (let seq = 1; seq <= 10; seq++) {
      stream.apply(message(seq, (seq - 1) * 1000, 1000));
      live.update();
    }
    expect(live.points).toBe(10_000);
    expect(live.series.loss.step).toHaveLength(10_000);
    expect(live.series.loss.step[9_999]).toBe(9_999);
    expect(batches).toHaveLength(10);
    expect(batches[0]).toEqual({
      runId: '01RUN',
      metrics: ['loss'],
      points: 1000
    });
  });

  it('should give the grown metrics new series objects and keep the others', () => {
    const stream = new LogStream();
    stream.apply(message(1, 0, 5, 'loss'));
    stream.apply(message(2, 0, 5, 'acc'));
    const live = new LiveSeries('01RUN', stream);
    const before = live.series;
    stream.apply(message(3, 5, 5, 'loss'));
    live.update();
    expect(live.series).not.toBe(before);
    expect(live.series.loss).not.toBe(before.loss);
    expect(live.series.acc).toBe(before.acc);
    expect(live.series.loss.value).toHaveLength(10);
  });

  it('should take in points already logged when it is made, and say nothing when none came', () => {
    const stream = new LogStream();
    stream.apply(message(1, 0, 3));
    const live = new LiveSeries('01RUN', stream);
    const batches: ILiveSeriesBatch[] = [];
    live.grown.connect((_, b) => batches.push(b));
    expect(live.points).toBe(3);
    live.update();
    expect(batches).toEqual([]);
  });
});
