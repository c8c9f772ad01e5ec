import { emaSmooth, meanStdBand, xAxisTitle, xValues } from '../index';

describe('series: EMA smoothing', () => {
  it.each<[number[], number, number[]]>([
    [[1, 2, 3], 0.5, [1, 5 / 3, 17 / 7]],
    [[0, 1, NaN, 1], 0.6, [0, 0.625, NaN, 0.64 / 0.784]],
    [[10, 0], 0.9, [10, 0.9 / 0.19]],
    [[1, 2, 3], 0, [1, 2, 3]],
    [[4, 4, 4], 0.9, [4, 4, 4]],
    [[], 0.5, []],
    [[Infinity, 1, 3], 0.5, [Infinity, 1, 7 / 3]]
  ])('%p with weight %p', (values, weight, expected) => {
    const got = emaSmooth(values, weight);
    expect(got.length).toBe(expected.length);
    got.forEach((v, i) => {
      if (Number.isFinite(expected[i])) {
        expect(v).toBeCloseTo(expected[i], 12);
      } else {
        expect(v).toBe(expected[i]);
      }
    });
  });

  it('should clamp the weight to [0, 0.999] and not mutate its input', () => {
    const values = [1, 2];
    expect(emaSmooth(values, 5)).toEqual(emaSmooth(values, 0.999));
    expect(emaSmooth(values, -1)).toEqual(values);
    expect(emaSmooth(values, NaN)).toEqual(values);
    expect(values).toEqual([1, 2]);
  });

  it('should start at the first value (debiased)', () => {
    expect(emaSmooth([5, 5.5, 6], 0.99)[0]).toBeCloseTo(5, 12);
  });
});

describe('series: x axes', () => {
  const s = { step: [0, 10, 20], value: [1, 2, 3], time: [5000, 6500, 9000] };

  it.each([
    ['step', undefined, [0, 10, 20]],
    ['wall', undefined, [5000, 6500, 9000]],
    ['relative', undefined, [0, 1.5, 4]],
    ['relative', 4000, [1, 2.5, 5]]
  ] as const)('%s (origin %p)', (axis, origin, expected) => {
    expect(xValues(s, axis, origin)).toEqual(expected);
  });

  it('should title each axis', () => {
    expect(xAxisTitle('relative')).toMatch(/Relative/);
  });
});

describe('series: mean ± std bands', () => {
  it('should average runs at equal x with the sample std', () => {
    const band = meanStdBand([
      { x: [0, 1, 2], y: [1, 2, 3] },
      { x: [0, 1], y: [3, 4] },
      { x: [1, 2], y: [NaN, 5] }
    ]);
    expect(band).toEqual([
      { x: 0, mean: 2, std: Math.SQRT2, n: 2 },
      { x: 1, mean: 3, std: Math.SQRT2, n: 2 },
      { x: 2, mean: 4, std: Math.SQRT2, n: 2 }
    ]);
  });

  it('should bin x and weigh each run once per bin', () => {
    const band = meanStdBand(
      [
        {
          x: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
          y: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]
        },
        { x: [0, 10], y: [2, 2] }
      ],
      { bins: 2 }
    );
    expect(band.map(p => p.x)).toEqual([2.5, 7.5]);
    expect(band.map(p => p.mean)).toEqual([1, 1]);
    expect(band.map(p => p.n)).toEqual([2, 2]);
  });

  it('should not lose precision when the spread is tiny', () => {
    const band = meanStdBand([
      { x: [0], y: [1e9 + 1] },
      { x: [0], y: [1e9 + 2] },
      { x: [0], y: [1e9 + 3] }
    ]);
    expect(band[0].std).toBeCloseTo(1, 9);
  });
});
