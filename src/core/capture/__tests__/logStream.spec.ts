import { LogStream } from '../logStream';

function message(seq: number, delta: object, extra: object = {}) {
  return {
    v: 1,
    exec_id: 'e',
    seq,
    final: false,
    time_ms: 1000 + seq,
    delta,
    summary: {},
    ...extra
  };
}

describe('LogStream', () => {
  it('should rebuild complete series from deltas in order', () => {
    const stream = new LogStream();
    stream.apply(
      message(1, { metrics: { loss: { steps: [0, 1], values: [3, 2] } } })
    );
    stream.apply(
      message(2, {
        metrics: {
          loss: { steps: [2], values: ['NaN'] },
          acc: { steps: [0], values: [0.5] }
        }
      })
    );
    stream.apply(message(3, { metrics: {}, events: [] }, { final: true }));
    expect(stream.series.get('loss')).toEqual({
      step: [0, 1, 2],
      value: [3, 2, NaN],
      time: [1001, 1001, 1002]
    });
    expect(stream.series.get('acc')?.value).toEqual([0.5]);
    expect(stream.final).toBe(true);
    expect(stream.missed).toBe(false);
    expect(stream.points).toBe(4);
  });

  it('should keep running aggregates for live views', () => {
    const stream = new LogStream();
    stream.apply(
      message(1, { metrics: { loss: { steps: [0, 1], values: [3, 'NaN'] } } })
    );
    stream.apply(
      message(2, { metrics: { loss: { steps: [2], values: [1] } } })
    );
    expect(stream.aggregates.get('loss')).toEqual({
      last: 1,
      min: 1,
      max: 3,
      count: 3,
      lastStep: 2
    });
  });

  it('should skip points whose step is not a number', () => {
    const stream = new LogStream();
    stream.apply(
      message(1, {
        metrics: { loss: { steps: [0, 'x', 2], values: [3, 9, 1] } }
      })
    );
    expect(stream.series.get('loss')?.step).toEqual([0, 2]);
    expect(stream.aggregates.get('loss')).toMatchObject({
      last: 1,
      max: 3,
      count: 2
    });
  });

  it('should flag a gap in sequence numbers and ignore replays', () => {
    const stream = new LogStream();
    expect(stream.apply(message(1, {}))).toBe(true);
    expect(stream.apply(message(3, {}))).toBe(true);
    expect(stream.missed).toBe(true);
    expect(
      stream.apply(message(3, { metrics: { a: { steps: [0], values: [1] } } }))
    ).toBe(false);
    expect(stream.series.size).toBe(0);
  });

  it('should collect params, tags and other events, last param wins', () => {
    const stream = new LogStream();
    stream.apply(
      message(1, {
        events: [
          { kind: 'param', name: 'lr', value: 0.1, time_ms: 1 },
          { kind: 'param', name: 'lr', value: 0.2, time_ms: 2 },
          { kind: 'tag', name: 'stage', value: 'dev', time_ms: 3 },
          {
            kind: 'dataset',
            name: 'train',
            path: 'x.csv',
            sha256: 'ab',
            size: 1
          },
          { kind: 'bogus-without-name' },
          'not an event'
        ]
      })
    );
    expect(stream.params).toEqual({ lr: 0.2 });
    expect(stream.tags).toEqual({ stage: 'dev' });
    expect(stream.events.map(e => e.kind)).toEqual([
      'dataset',
      'bogus-without-name'
    ]);
  });

  it.each([null, 42, 'x', { v: 2, seq: 1 }, { v: 1 }, [1]])(
    'should refuse %p',
    data => {
      expect(new LogStream().apply(data)).toBe(false);
    }
  );
});
