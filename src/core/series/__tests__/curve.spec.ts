import fc from 'fast-check';
import {
  CurveCache,
  emaSmooth,
  emaSmoothAt,
  m4Indices,
  prepareCurve
} from '../index';

/**
 * M4 as the module documents it, written the slow and obvious way: bucket
 * by formula, keep each bucket's first, first minimum, first maximum, last
 * and first NaN.
 */
function referenceM4(x: number[], y: number[], nb: number): number[] {
  const finite = x.filter(Number.isFinite);
  const lo = Math.min(...finite);
  const hi = Math.max(...finite);
  const byX = finite.length > 0 && hi > lo;
  const scale = byX ? nb / (hi - lo) : 0;
  const members = new Map<number, number[]>();
  x.forEach((xi, i) => {
    const b = Math.min(
      nb - 1,
      byX && Number.isFinite(xi)
        ? Math.floor((xi - lo) * scale)
        : Math.floor((i * nb) / x.length)
    );
    members.set(b, [...(members.get(b) ?? []), i]);
  });
  const kept = new Set<number>();
  for (const idx of members.values()) {
    kept.add(idx[0]);
    kept.add(idx[idx.length - 1]);
    const real = idx.filter(i => !Number.isNaN(y[i]));
    if (real.length) {
      kept.add(real.reduce((a, i) => (y[i] < y[a] ? i : a)));
      kept.add(real.reduce((a, i) => (y[i] > y[a] ? i : a)));
    }
    const nan = idx.find(i => Number.isNaN(y[i]));
    if (nan !== undefined) {
      kept.add(nan);
    }
  }
  return [...kept].sort((a, b) => a - b);
}

const yArb = fc.oneof(
  { weight: 10, arbitrary: fc.double({ min: -1e3, max: 1e3, noNaN: true }) },
  { weight: 1, arbitrary: fc.constantFrom(NaN, Infinity, -Infinity, 0) }
);

describe('series: M4 fast path for ascending x', () => {
  it('should pick exactly the documented points, ascending x or not', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 40 }), yArb), {
          minLength: 21,
          maxLength: 800
        }),
        fc.constantFrom(0, 0.001, 1_700_000_000_000, -5e6),
        fc.constantFrom(1, 0.37, 1000),
        fc.boolean(),
        (points, offset, unit, shuffle) => {
          // Ascending x with repeats (gap 0), at offsets like epoch ms.
          let acc = 0;
          const pairs = points.map(([gap, y]) => {
            acc += gap;
            return [offset + acc * unit, y] as const;
          });
          if (shuffle) {
            pairs.reverse(); // descending: the general pass
          }
          const xs = pairs.map(p => p[0]);
          const ys = pairs.map(p => p[1]);
          const budget = 20;
          // Mirror m4Indices' choice of bucket count.
          let nb = Math.floor(budget / 4);
          let expected = referenceM4(xs, ys, nb);
          if (expected.length > budget) {
            nb = Math.floor(budget / 5);
            expected = referenceM4(xs, ys, nb);
          }
          const got = m4Indices(xs, ys, budget);
          expect(got.buckets).toBe(nb);
          expect([...got.indices]).toEqual(expected);
        }
      ),
      { numRuns: 300 }
    );
  });
});

describe('series: EMA read at indices', () => {
  it('should equal the full EMA at every index, bit for bit', () => {
    fc.assert(
      fc.property(
        fc.array(yArb, { minLength: 1, maxLength: 500 }),
        fc.double({ min: 0, max: 0.999, noNaN: true }),
        fc.array(fc.nat(), { maxLength: 60 }),
        (values, weight, picks) => {
          const indices = picks
            .map(p => p % values.length)
            .sort((a, b) => a - b);
          const full = emaSmooth(values, weight);
          const at = emaSmoothAt(values, weight, Int32Array.from(indices));
          expect(at.length).toBe(indices.length);
          indices.forEach((i, k) =>
            expect(Object.is(at[k], full[i])).toBe(true)
          );
        }
      ),
      { numRuns: 300 }
    );
  });

  it('should return a constant series as is', () => {
    expect(emaSmoothAt([3, 3, 3, 3], 0.9, [1, 3])).toEqual([3, 3]);
    expect(emaSmoothAt([NaN], 0.9, [0])).toEqual([NaN]);
    expect(emaSmoothAt([], 0.9, [])).toEqual([]);
  });
});

describe('series: prepared curves, downsampled before smoothing', () => {
  const n = 20_000;
  const series = {
    step: Array.from({ length: n }, (_, i) => i * 2),
    value: Array.from({ length: n }, (_, i) =>
      i === 7777 ? 1e3 : i === 123 ? NaN : Math.cos(i / 300)
    ),
    time: Array.from({ length: n }, (_, i) => 1_700_000_000_000 + i * 37)
  };

  it.each(['step', 'wall', 'relative'] as const)(
    'should match "smooth the full series, then downsample" on %s',
    axis => {
      const origin = 1_699_999_999_000;
      const c = prepareCurve(series, {
        xAxis: axis,
        smoothing: 0.7,
        budget: 400,
        origin
      });
      const { indices } = m4Indices(
        axis === 'step' ? series.step : series.time,
        series.value,
        400
      );
      const full = emaSmooth(series.value, 0.7);
      const x = (i: number) =>
        axis === 'step'
          ? series.step[i]
          : axis === 'wall'
            ? series.time[i]
            : (series.time[i] - origin) / 1000;
      expect(c.x).toEqual([...indices].map(x));
      expect(c.value).toEqual([...indices].map(i => series.value[i]));
      expect(c.smoothed).toEqual([...indices].map(i => full[i]));
      expect(c.value).toContain(1e3);
      expect(c.value.some(Number.isNaN)).toBe(true);
    }
  );

  it('should not copy a series that fits and is not smoothed', () => {
    const small = { step: [1, 2], value: [3, 4], time: [5, 6] };
    const c = prepareCurve(small, { xAxis: 'wall', budget: 10 });
    expect(c.x).toBe(small.time);
    expect(c.value).toBe(small.value);
    expect(c.smoothed).toBe(small.value);
  });

  it('should memoize per series and options, reusing kept indices', () => {
    const cache = new CurveCache();
    const options = { smoothing: 0.5, budget: 400 };
    const a = cache.prepare(series, options);
    expect(a).toEqual(prepareCurve(series, options));
    expect(cache.prepare(series, { ...options })).toBe(a);
    expect(cache.hits).toBe(1);
    const b = cache.prepare(series, { ...options, smoothing: 0.9 });
    expect(b).not.toBe(a);
    expect(b.step).toEqual(a.step);
    expect(b).toEqual(prepareCurve(series, { ...options, smoothing: 0.9 }));
    // A refreshed (live) series is a new object: prepared again.
    const live = { ...series, value: [...series.value, 0.5] };
    live.step = [...series.step, n * 2];
    live.time = [...series.time, 1_700_000_000_000 + n * 37];
    expect(cache.prepare(live, options).step.at(-1)).toBe(n * 2);
    expect(cache.misses).toBe(3);
    // The origin only matters on the relative axis.
    const r1 = cache.prepare(series, { ...options, xAxis: 'wall', origin: 1 });
    expect(
      cache.prepare(series, { ...options, xAxis: 'wall', origin: 2 })
    ).toBe(r1);
  });
});
