import {
  hashString,
  numberRuns,
  runColor,
  runColorIndex,
  runColorScale,
  runName
} from '../names';
import { runsPalette } from '../palette';

const ULIDS = [
  '01JH5Z0000AAAAAAAAAAAAAAAA',
  '01JH5Z0001BBBBBBBBBBBBBBBB',
  '01JH5Z0002CCCCCCCCCCCCCCCC'
];

describe('#runName', () => {
  it.each([
    [{ id: ULIDS[0], experiment: 'logreg', seq: 7 }, 'logreg #7'],
    [{ id: ULIDS[0], experiment: 'logreg', seq: 7, name: 'best' }, 'best'],
    [{ id: ULIDS[0], experiment: 'logreg', seq: 7, name: '' }, 'logreg #7'],
    [{ id: ULIDS[0], experiment: 'logreg' }, 'logreg']
  ])('should call %p %p', (run, name) => {
    expect(runName(run)).toBe(name);
  });

  it('should never show the id', () => {
    expect(runName({ id: ULIDS[1], experiment: 'e', seq: 2 })).not.toContain(
      ULIDS[1]
    );
  });
});

describe('#numberRuns', () => {
  it('should number per experiment by id, whatever the order given', () => {
    const numbers = numberRuns([
      { id: ULIDS[2], experiment: 'a' },
      { id: ULIDS[0], experiment: 'a' },
      { id: ULIDS[1], experiment: 'b' }
    ]);
    expect([...numbers].sort()).toEqual([
      [ULIDS[0], 1],
      [ULIDS[1], 1],
      [ULIDS[2], 2]
    ]);
  });
});

describe('#runColor', () => {
  it("should copy Vega's tableau10 scheme", () => {
    // vega-scale ships no types its package exports resolve to.
    const { scheme } = jest.requireActual<{
      scheme(name: string): string[];
    }>('vega-scale');
    expect(runsPalette).toEqual(scheme('tableau10'));
  });

  it('should give the same run the same colour every time', () => {
    const run = { id: ULIDS[0], experiment: 'logreg', seq: 3 };
    expect(runColor({ ...run })).toBe(runColor(run));
    expect(runsPalette).toContain(runColor(run));
  });

  it('should give ten consecutive runs of an experiment ten colours', () => {
    for (const experiment of ['logreg', 'svm', 'drill', 'x']) {
      const colours = new Set(
        Array.from({ length: 10 }, (_, i) =>
          runColor({ id: ULIDS[0], experiment, seq: i + 5 })
        )
      );
      expect(colours.size).toBe(10);
    }
  });

  it('should follow the number, not the name a user gave', () => {
    const run = { id: ULIDS[0], experiment: 'logreg', seq: 3 };
    expect(runColor({ ...run, name: 'renamed' })).toBe(runColor(run));
  });

  it('should hash the id of a run that has no number', () => {
    expect(runColorIndex({ id: ULIDS[1], experiment: 'e' }, 10)).toBe(
      hashString(ULIDS[1]) % 10
    );
  });

  it("should make a Vega-Lite scale of each label to its run's colour", () => {
    const runs = [
      { id: ULIDS[0], experiment: 'e', seq: 1 },
      { id: ULIDS[1], experiment: 'e', seq: 2 }
    ];
    expect(runColorScale(runs, ['e #1', 'e #2'])).toEqual({
      domain: ['e #1', 'e #2'],
      range: [runColor(runs[0]), runColor(runs[1])]
    });
  });
});

describe('#hashString', () => {
  it('should be FNV-1a', () => {
    // Published FNV-1a 32-bit test vectors.
    expect(hashString('')).toBe(0x811c9dc5);
    expect(hashString('a')).toBe(0xe40c292c);
    expect(hashString('foobar')).toBe(0xbf9cf968);
  });
});
