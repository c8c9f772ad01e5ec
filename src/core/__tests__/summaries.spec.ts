import { mergeSummaries, newestFirst, upsertSummary } from '../run';

const run = (id: string, v = 0) => ({ id, v });

describe('upsertSummary', () => {
  const runs = ['09', '07', '05', '03'].map(id => run(id));

  it('should replace a run in place, keeping the order', () => {
    const out = upsertSummary(runs, run('05', 1));
    expect(out.map(r => [r.id, r.v])).toEqual([
      ['09', 0],
      ['07', 0],
      ['05', 1],
      ['03', 0]
    ]);
    expect(runs[2].v).toBe(0); // the input is not changed
  });

  it.each(['10', '08', '04', '01'])(
    'should insert run %s where it sorts, newest first',
    id => {
      const out = upsertSummary(runs, run(id, 1));
      expect(out.map(r => r.id)).toEqual(
        [...runs.map(r => r.id), id].sort().reverse()
      );
    }
  );

  it('should agree with mergeSummaries on random updates', () => {
    let list: { id: string; v: number }[] = [];
    let seed = 7;
    const next = () => (seed = (seed * 48271) % 2147483647);
    for (let k = 0; k < 500; k++) {
      const update = run(String(next() % 80).padStart(2, '0'), k);
      const expected = mergeSummaries([update], list);
      list = upsertSummary(list, update);
      expect(list).toEqual(expected);
    }
    expect([...list].sort(newestFirst)).toEqual(list);
  });

  it('should handle an empty list', () => {
    expect(upsertSummary([], run('01'))).toEqual([run('01')]);
  });
});

describe('mergeSummaries', () => {
  it('should sort and keep one run per id, the first list winning', () => {
    const out = mergeSummaries(
      [run('05', 1)],
      [run('03'), run('09'), run('05')]
    );
    expect(out.map(r => [r.id, r.v])).toEqual([
      ['09', 0],
      ['05', 1],
      ['03', 0]
    ]);
  });

  it('should give a sorted list alone back as a copy, and mend one that is not', () => {
    const sorted = [run('09'), run('05'), run('03')];
    const out = mergeSummaries([], sorted);
    expect(out).toEqual(sorted);
    expect(out).not.toBe(sorted);
    expect(
      mergeSummaries([], [run('03'), run('09'), run('09', 1)]).map(r => r.id)
    ).toEqual(['09', '03']);
  });
});
