import type { IRunSummary } from '../../run';
import {
  groupStats,
  incompleteBeta,
  logGamma,
  mean,
  paramCorrelations,
  pearson,
  ranks,
  sampleStd,
  spearman,
  tCdf,
  tTwoSided,
  welchTTest
} from '../index';

/** Relative closeness, for values spanning many orders of magnitude. */
function expectRel(got: number, want: number, tol: number): void {
  expect(Math.abs(got - want)).toBeLessThanOrEqual(
    tol * Math.abs(want) + 1e-300
  );
}

describe('stats: Student t distribution (values from SciPy 1.17)', () => {
  it.each<[number, number, number, number]>([
    // t, df, cdf, two-sided p
    [-40, 1, 0.007956089912025812, 0.015912179824051624],
    [-3, 1, 0.10241638234956672, 0.20483276469913345],
    [0.2, 1, 0.562832958189001, 0.8743340836219978],
    [12, 1, 0.9735353239404101, 0.052929352119179755],
    [-40, 2.5, 7.09781714524669e-5, 0.0001419563429049338],
    [1.5, 2.5, 0.8760817734568519, 0.24783645308629618],
    [-40, 7, 7.951089992425182e-10, 1.5902179984850364e-9],
    [12, 7, 0.9999968208448109, 6.358310378185098e-6],
    [-40, 30, 6.863022597203209e-28, 1.3726045194406417e-27],
    [12, 30, 0.999999999999721, 5.580185415199261e-13],
    [-3, 1000, 0.0013833545221190963, 0.0027667090442381925],
    [-40, 1000, 5.239426077586636e-210, 1.0478852155173272e-209],
    [12, 1000, 1, 4.324057386774429e-31],
    [-3, 1e6, 0.0013499312707109, 0.0026998625414218],
    [0.2, 1e6, 0.5792596891048856, 0.8414806217902289],
    [1.5, 1e6, 0.9331926408816036, 0.1336147182367928]
  ])('t=%p df=%p', (t, df, cdf, p) => {
    expectRel(tCdf(t, df), cdf, 1e-9);
    expectRel(tTwoSided(t, df), p, 1e-8);
  });

  it('should handle the edges', () => {
    expect(tCdf(0, 5)).toBe(0.5);
    expect(tTwoSided(Infinity, 5)).toBe(0);
    expect(tTwoSided(NaN, 5)).toBeNaN();
    expect(tTwoSided(1, 0)).toBeNaN();
    expect(incompleteBeta(0, 2, 3)).toBe(0);
    expect(incompleteBeta(1, 2, 3)).toBe(1);
    // I_0.5(2, 3) = 11/16
    expectRel(incompleteBeta(0.5, 2, 3), 11 / 16, 1e-14);
    expectRel(logGamma(10), Math.log(362880), 1e-14);
    expectRel(logGamma(0.5), Math.log(Math.sqrt(Math.PI)), 1e-14);
  });
});

describe("stats: Welch's t-test (values from SciPy ttest_ind, equal_var=False)", () => {
  const a = [
    27.5, 21.0, 19.0, 23.6, 17.0, 17.9, 16.9, 20.1, 21.9, 22.6, 23.1, 19.6,
    19.0, 21.7, 21.4
  ];
  const b = [
    27.1, 22.0, 20.8, 23.4, 23.4, 23.5, 25.8, 22.0, 24.8, 20.2, 21.9, 22.1,
    22.9, 20.5, 24.4
  ];

  it.each<[number[], number[], number, number, number]>([
    [a, b, -2.455356398286006, 0.021378001462866992, 24.988529290231416],
    [
      [19.8, 20.4, 19.6, 17.8, 18.5, 18.9, 18.3, 18.9, 19.5, 22.0],
      [
        28.2, 26.6, 20.1, 23.3, 25.2, 22.1, 17.7, 27.6, 20.6, 13.7, 23.2, 17.5,
        20.6, 18.0, 23.9, 21.6, 24.3, 20.4, 23.9, 13.3
      ],
      -2.225512039969852,
      0.035484530830010394,
      24.524634944257343
    ],
    [
      [1, 2, 3],
      [1.1, 2.1, 3.1, 4, 5, 6, 100],
      -1.1103639315785188,
      0.30920733900963165,
      6.020988528254938
    ]
  ])('case %#', (x, y, t, p, df) => {
    const r = welchTTest(x, y);
    expectRel(r.t, t, 1e-12);
    expectRel(r.df, df, 1e-12);
    expectRel(r.p, p, 1e-9);
    expect(r.nA).toBe(x.length);
    expect(r.diff).toBeCloseTo(mean(x) - mean(y), 12);
  });

  it('should report the brief example to the stated precision', () => {
    const r = welchTTest(a, b);
    expect(r.t.toFixed(2)).toBe('-2.46');
    expect(r.p.toFixed(3)).toBe('0.021');
  });

  it('should drop non-finite values and handle degenerate groups', () => {
    expect(welchTTest([...a, NaN, Infinity], b).t).toBeCloseTo(
      -2.455356398286006,
      12
    );
    expect(welchTTest([1], [1, 2]).p).toBeNaN();
    expect(welchTTest([1, 1], [2, 2])).toMatchObject({ t: -Infinity, p: 0 });
    expect(welchTTest([1, 1], [1, 1]).p).toBeNaN();
  });
});

describe('stats: descriptive', () => {
  it('should compute mean and sample std', () => {
    expect(mean([1, 2, 3, 4])).toBe(2.5);
    expect(mean([])).toBeNaN();
    expect(sampleStd([2, 4, 4, 4, 5, 5, 7, 9])).toBeCloseTo(
      2.138089935299395,
      14
    );
    expect(sampleStd([1])).toBeNaN();
  });

  it('should summarize groups in first-seen order', () => {
    const rows = [
      { g: 'b', v: 1 },
      { g: 'a', v: 2 },
      { g: 'b', v: 3 },
      { g: 'a', v: NaN },
      { g: undefined, v: 5 }
    ];
    expect(
      groupStats(
        rows,
        r => r.g,
        r => r.v
      )
    ).toEqual([
      { group: 'b', n: 2, mean: 2, std: Math.SQRT2, min: 1, max: 3 },
      { group: 'a', n: 1, mean: 2, std: 0, min: 2, max: 2 }
    ]);
  });
});

describe('stats: correlation (values from SciPy)', () => {
  const check = (got: number, want: number | null) => {
    if (want === null) {
      return;
    }
    if (Number.isNaN(want)) {
      expect(got).toBeNaN();
    } else {
      expect(got).toBeCloseTo(want, 13);
    }
  };

  // null: not checked (no SciPy reference taken).
  it.each<[number[], number[], number | null, number | null]>([
    [[1, 2, 3, 4, 5], [2, 4, 5, 4, 5], 0.7745966692414835, null],
    [[1, 2, 3, 4, 5], [5, 6, 7, 8, 7], null, 0.8207826816681233],
    [[1, 2, 2, 3, 10], [3, 1, 2, 2, 9], 0.9355557801944883, 0.2894736842105264],
    [[1, 2, 3], [3, 2, 1], -1, -1],
    [[1, 1, 1], [1, 2, 3], NaN, NaN]
  ])('%p vs %p', (x, y, r, rho) => {
    check(pearson(x, y), r);
    check(spearman(x, y), rho);
  });

  it('should ignore pairs with a non-finite side', () => {
    expect(pearson([1, 2, NaN, 3], [2, 4, 1, 6])).toBeCloseTo(1, 14);
    expect(pearson([1], [1])).toBeNaN();
  });

  it('should rank ties by their average rank', () => {
    expect(ranks([10, 20, 20, 5])).toEqual([2, 3.5, 3.5, 1]);
  });

  it('should correlate numeric params with a metric, strongest first', () => {
    const runs: IRunSummary[] = [1, 2, 3, 4, 5].map(i => ({
      id: `r${i}`,
      notebookPath: 'nb.ipynb',
      experiment: 'e',
      status: 'ok',
      startedAt: '2026-11-28T00:00:00Z',
      endedAt: null,
      durationMs: null,
      executionCount: i,
      params: {
        lr: 10 ** -i,
        depth: String(6 - i),
        noisy: [3, 1, 4, 1, 5][i - 1],
        model: 'cnn',
        flag: i % 2 === 0
      },
      metrics: { acc: { last: i / 10, min: 0, max: 1, count: 1, lastStep: 0 } }
    }));
    const result = paramCorrelations(runs, 'acc');
    expect(result.map(c => c.param)).toEqual(['lr', 'depth', 'noisy', 'flag']);
    expect(result[0]).toMatchObject({ param: 'lr', n: 5, spearman: -1 });
    expect(result[1].pearson).toBeCloseTo(-1, 12);
  });
});
