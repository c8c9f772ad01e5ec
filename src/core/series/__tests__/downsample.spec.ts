import fc from 'fast-check';
import {
  budgetForWidth,
  downsampleSeries,
  m4Indices,
  prepareCurve
} from '../index';

/** The bucket of each point, computed as the module documents. */
function bucketsOf(x: number[], nb: number): number[] {
  const lo = Math.min(...x);
  const hi = Math.max(...x);
  return x.map((v, i) =>
    hi > lo
      ? Math.min(nb - 1, Math.floor((v - lo) * (nb / (hi - lo))))
      : Math.floor((i * nb) / x.length)
  );
}

/** Steps with random positive gaps. */
const stepsArb = (n: number) =>
  fc
    .array(fc.integer({ min: 1, max: 50 }), { minLength: n, maxLength: n })
    .map(gaps =>
      gaps.reduce<number[]>((xs, g) => [...xs, (xs.at(-1) ?? 0) + g], [])
    );

const seriesArb = fc
  .array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), {
    minLength: 1,
    maxLength: 2000
  })
  .chain(ys => fc.tuple(fc.constant(ys), stepsArb(ys.length)));

describe('series: M4 downsampling', () => {
  it('should keep first, last, global and per-bucket extremes within budget', () => {
    fc.assert(
      fc.property(
        seriesArb,
        fc.integer({ min: 5, max: 300 }),
        ([ys, xs], budget) => {
          const { indices, buckets } = m4Indices(xs, ys, budget);
          const kept = new Set(indices);
          expect(indices.length).toBeLessThanOrEqual(budget);
          expect([...indices]).toEqual([...indices].sort((a, b) => a - b));
          if (ys.length <= budget) {
            expect(indices.length).toBe(ys.length);
            return;
          }
          expect(kept.has(0) && kept.has(ys.length - 1)).toBe(true);
          const keptValues = [...indices].map(i => ys[i]);
          expect(keptValues).toContain(Math.min(...ys));
          expect(keptValues).toContain(Math.max(...ys));
          const b = bucketsOf(xs, buckets);
          for (let k = 0; k < buckets; k++) {
            const members = ys.map((_, i) => i).filter(i => b[i] === k);
            if (!members.length) {
              continue;
            }
            const vals = members.map(i => ys[i]);
            const keptHere = members.filter(i => kept.has(i)).map(i => ys[i]);
            expect(kept.has(members[0])).toBe(true);
            expect(kept.has(members[members.length - 1])).toBe(true);
            expect(keptHere).toContain(Math.min(...vals));
            expect(keptHere).toContain(Math.max(...vals));
          }
        }
      ),
      { numRuns: 200 }
    );
  });

  it('should keep non-finite values visible in every bucket that has them', () => {
    const value = fc.oneof(
      { weight: 8, arbitrary: fc.double({ min: -10, max: 10, noNaN: true }) },
      { weight: 1, arbitrary: fc.constantFrom(NaN, Infinity, -Infinity) }
    );
    fc.assert(
      fc.property(
        fc.array(value, { minLength: 1, maxLength: 1500 }),
        fc.integer({ min: 5, max: 200 }),
        (ys, budget) => {
          const xs = ys.map((_, i) => i);
          const { indices, buckets } = m4Indices(xs, ys, budget);
          expect(indices.length).toBeLessThanOrEqual(budget);
          const kept = new Set(indices);
          const b = bucketsOf(xs, buckets);
          for (const special of [NaN, Infinity, -Infinity]) {
            const same = (v: number) => Object.is(v, special);
            for (let i = 0; i < ys.length; i++) {
              if (same(ys[i])) {
                const keptInBucket = [...kept].some(
                  j => b[j] === b[i] && same(ys[j])
                );
                expect(keptInBucket).toBe(true);
              }
            }
          }
        }
      ),
      { numRuns: 100 }
    );
  });

  it('should keep a one-point spike and a lone NaN in 100,000 points', () => {
    const n = 100_000;
    const value = Array.from(
      { length: n },
      (_, i) => Math.sin(i / 500) + Math.random() * 0.01
    );
    value[73_421] = 1e6;
    value[12_345] = NaN;
    value[99_000] = -50;
    const series = {
      step: value.map((_, i) => i),
      value,
      time: value.map((_, i) => 1_700_000_000_000 + i * 10)
    };
    const small = downsampleSeries(series, budgetForWidth(800));
    expect(small.value.length).toBeLessThanOrEqual(3200);
    expect(small.step).toContain(73_421);
    expect(small.value).toContain(1e6);
    expect(small.value.some(Number.isNaN)).toBe(true);
    expect(small.value).toContain(-50);
    expect(small.step[0]).toBe(0);
    expect(small.step.at(-1)).toBe(n - 1);
    expect(small.time[small.step.indexOf(73_421)]).toBe(
      1_700_000_000_000 + 73_421 * 10
    );
  });

  it('should bucket by the given x, not the index', () => {
    // Dense early steps, sparse late ones: late points get their own buckets.
    const xs = [
      ...Array.from({ length: 1000 }, (_, i) => i / 1000),
      10,
      20,
      30,
      40
    ];
    const ys = xs.map((_, i) => i % 7);
    const { indices } = m4Indices(xs, ys, 40);
    expect([...indices].slice(-4)).toEqual([1000, 1001, 1002, 1003]);
  });

  it('should return short series whole and reject tiny budgets', () => {
    const s = { step: [1, 2], value: [3, 4], time: [5, 6] };
    expect(downsampleSeries(s, 5)).toEqual(s);
    expect(() => m4Indices([1], [1], 4)).toThrow(RangeError);
    expect(() => m4Indices([1, 2], [1], 8)).toThrow(RangeError);
    expect(budgetForWidth(0)).toBe(5);
    expect(budgetForWidth(800)).toBe(3200);
  });

  it('should handle constant x and non-finite x', () => {
    const ys = Array.from({ length: 100 }, (_, i) => (i === 50 ? 99 : 0));
    const { indices } = m4Indices(new Array(100).fill(7), ys, 8);
    expect(indices.length).toBeLessThanOrEqual(8);
    expect([...indices].map(i => ys[i])).toContain(99);
    const xs = ys.map((_, i) => (i === 3 ? NaN : i));
    expect(m4Indices(xs, ys, 8).indices.length).toBeLessThanOrEqual(8);
  });
});

describe('series: prepared curves', () => {
  const series = {
    step: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    value: [1, 2, 3, 4, 50, 6, 7, 8, 9, 10],
    time: [1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000, 9000, 10000]
  };

  it('should transform x, smooth on the full series and keep spikes', () => {
    const c = prepareCurve(series, {
      xAxis: 'relative',
      smoothing: 0.5,
      budget: 8
    });
    expect(c.x.length).toBeLessThanOrEqual(8);
    expect(c.value).toContain(50);
    expect(c.x[0]).toBe(0);
    const full = prepareCurve(series, { smoothing: 0.5 });
    const i = c.step.indexOf(5);
    expect(c.smoothed[i]).toBe(full.smoothed[5]);
  });

  it('should leave the curve whole without a budget', () => {
    const c = prepareCurve(series, { xAxis: 'wall' });
    expect(c.x).toEqual(series.time);
    expect(c.smoothed).toEqual(series.value);
  });
});
