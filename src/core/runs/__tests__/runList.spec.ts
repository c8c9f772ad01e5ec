import type { IRunSummary } from '../../run';
import { runName } from '../names';
import {
  isEmptyChange,
  onlyPendingChanged,
  RunList,
  RunsChangeBuffer
} from '../runList';

function run(
  id: string,
  status: IRunSummary['status'] = 'ok',
  extra: Partial<IRunSummary> = {}
): IRunSummary {
  return {
    id,
    notebookPath: 'nb.ipynb',
    experiment: 'e',
    status,
    startedAt: '2026-01-01T00:00:00.000Z',
    endedAt: null,
    durationMs: null,
    executionCount: 1,
    ...extra
  };
}

describe('RunList', () => {
  describe('#reset of a list that holds runs', () => {
    const deep = (a: IRunSummary, b: IRunSummary) =>
      JSON.stringify(a) === JSON.stringify(b);
    /** What a list made afresh from `runs` holds. */
    const fresh = (runs: IRunSummary[]) => {
      const list = new RunList();
      list.reset(runs);
      return list.runs;
    };

    it('should be no change, compared with nothing, when given again the list it was made from', () => {
      const given = Object.freeze([run('01B'), run('01A')]);
      const list = new RunList();
      const same = jest.fn(() => true);
      list.reset(given, { same });
      const before = list.runs;
      expect(list.reset(given, { same })).toBeNull();
      expect(same).not.toHaveBeenCalled();
      expect(list.runs).toBe(before);
      // Changed after it: the same list given again is compared.
      list.upsert(run('01C'));
      const change = list.reset(given);
      expect(change?.removed.map(r => r.id)).toEqual(['01C']);
      expect(list.runs.map(r => r.id)).toEqual(['01B', '01A']);
    });

    it('should hand out the same numbered objects when made again from the same summaries', () => {
      // A notebook's tab selected again: its list is made anew from the
      // folder's summaries; the table keeps rows and flags per object.
      const given = [run('01B'), run('01A')];
      const list = new RunList();
      list.reset(given);
      const before = list.runs;
      list.reset([]);
      list.reset(given);
      expect(list.runs).toEqual(before);
      list.runs.forEach((r, i) => expect(r).toBe(before[i]));
    });

    it('should change nothing when the listing repeats the runs, as equal objects', () => {
      const list = new RunList();
      list.reset([run('01B'), run('01A')]);
      const before = list.runs;
      expect(list.reset([run('01A'), run('01B')], { same: deep })).toBeNull();
      expect(list.runs).toBe(before);
    });

    it('should name only the runs that differ, and hold what a fresh list holds', () => {
      const list = new RunList();
      list.reset([run('01C'), run('01B'), run('01A')]);
      const a = list.get('01A');
      const next = [run('01D'), run('01C', 'error'), run('01A')];
      const change = list.reset(next, { same: deep })!;
      expect(change.reset).toBe(false);
      expect(change.added.map(r => r.id)).toEqual(['01D']);
      expect(change.removed.map(r => r.id)).toEqual(['01B']);
      // 01C changed status and number (01B before it is gone); 01D is
      // numbered after it, once.
      expect(change.changed.map(c => [c.after.id, c.after.seq])).toEqual([
        ['01C', 2]
      ]);
      expect(change.added.map(r => r.seq)).toEqual([3]);
      expect(list.runs).toEqual(fresh(next));
      expect(list.get('01A')).toBe(a);
    });

    it('should replace the list when more than 64 runs differ, even among many', () => {
      // Each change copies the list: thousands of them cost seconds.
      const ids = Array.from(
        { length: 1000 },
        (_, i) => `01${String(i).padStart(4, '0')}`
      );
      const list = new RunList();
      const first = ids.map(id => run(id));
      list.reset(first);
      const next = first.map((r, i) => (i % 10 === 0 ? run(r.id, 'error') : r));
      expect(list.reset(next, { same: deep })!.reset).toBe(true);
      expect(list.runs).toEqual(fresh(next));
    });

    it('should replace the list when most of it differs', () => {
      const ids = Array.from(
        { length: 100 },
        (_, i) => `01${String(i).padStart(3, '0')}`
      );
      const list = new RunList();
      list.reset(ids.map(id => run(id)));
      const next = ids.map(id => run(id, 'error'));
      expect(list.reset(next, { same: deep })!.reset).toBe(true);
      expect(list.runs).toEqual(fresh(next));
    });

    it('should hold what a fresh list holds after any sequence of listings', () => {
      // A small generator: listings that add, drop, change and renumber
      // runs of two experiments.
      let seed = 7;
      const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
      const ids = Array.from(
        { length: 30 },
        (_, i) => `01${String(i).padStart(3, '0')}`
      );
      const list = new RunList();
      for (let round = 0; round < 200; round++) {
        const next = ids
          .filter(() => random() < 0.7)
          .map(id =>
            run(id, random() < 0.8 ? 'ok' : 'error', {
              experiment: random() < 0.9 ? 'e' : 'f'
            })
          );
        const before = list.runs;
        const change = list.reset(next, { same: deep });
        expect(list.runs).toEqual(fresh(next));
        if (change === null) {
          expect(list.runs).toBe(before);
        }
      }
    });
  });

  describe('#upsert', () => {
    it('should say a new run was added and keep the list newest first', () => {
      const list = new RunList();
      list.reset([run('01B'), run('01A')]);
      const c = run('01C');
      expect(list.upsert(c)).toEqual({
        added: [{ ...c, seq: 3 }],
        changed: [],
        removed: [],
        reset: false
      });
      expect(list.runs.map(r => r.id)).toEqual(['01C', '01B', '01A']);
      expect(list.get('01C')).toEqual({ ...c, seq: 3 });
    });

    it('should carry the summary a change replaces', () => {
      const list = new RunList();
      list.reset([run('01A', 'running')]);
      const before = list.get('01A')!;
      const after = run('01A', 'ok');
      const change = list.upsert(after)!;
      expect(change.changed).toEqual([{ before, after: { ...after, seq: 1 } }]);
      expect(change.added).toEqual([]);
    });

    it('should give a new array after a change and keep the old one intact', () => {
      const list = new RunList();
      list.reset([run('01A')]);
      const old = list.runs;
      list.upsert(run('01B'));
      expect(old.map(r => r.id)).toEqual(['01A']);
      expect(list.runs).not.toBe(old);
    });

    it('should ignore a late live update of a run that ended', () => {
      const list = new RunList();
      list.reset([run('01A', 'ok')]);
      expect(list.upsert(run('01A', 'running'), { live: true })).toBeNull();
      expect(list.get('01A')!.status).toBe('ok');
      // A stored `running` (not live) is the store's word: taken.
      expect(list.upsert(run('01A', 'running'))).not.toBeNull();
    });

    it('should report nothing for the same summary twice', () => {
      const list = new RunList();
      const a = run('01A');
      list.upsert(a);
      expect(list.upsert(a)).toBeNull();
    });
  });

  describe('#remove', () => {
    it('should name the runs it removed and skip unknown ids', () => {
      const list = new RunList();
      const a = run('01A');
      list.reset([a, run('01B')]);
      expect(list.remove(['01A', '01Z'])!.removed).toEqual([{ ...a, seq: 1 }]);
      expect(list.runs.map(r => r.id)).toEqual(['01B']);
      expect(list.remove(['01Z'])).toBeNull();
    });
  });
  describe('numbering', () => {
    const names = (list: RunList) =>
      list.runs.map(r => `${r.id}:${runName(r)}`);

    it("should number each experiment's runs oldest first", () => {
      const list = new RunList();
      list.reset([
        run('01D', 'ok', { experiment: 'svm' }),
        run('01C', 'ok', { experiment: 'logreg' }),
        run('01B', 'ok', { experiment: 'svm' }),
        run('01A', 'ok', { experiment: 'logreg', name: 'baseline' })
      ]);
      expect(names(list)).toEqual([
        '01D:svm #2',
        '01C:logreg #2',
        '01B:svm #1',
        '01A:baseline'
      ]);
      expect(list.get('01A')!.seq).toBe(1);
    });

    it('should give a new run the next number and renumber nothing', () => {
      const list = new RunList();
      list.reset([run('01A'), run('01B')]);
      const change = list.upsert(run('01C'))!;
      expect(change.added.map(runName)).toEqual(['e #3']);
      expect(change.changed).toEqual([]);
    });

    it('should keep the number through live updates of a run', () => {
      const list = new RunList();
      list.reset([run('01A'), run('01B', 'running')]);
      const change = list.upsert(run('01B', 'ok'), { live: true })!;
      expect(change.changed.map(c => runName(c.after))).toEqual(['e #2']);
      expect(change.changed).toHaveLength(1);
    });

    it('should renumber the later runs when an older one arrives late (the journal)', () => {
      const list = new RunList();
      list.reset([
        run('01A'),
        run('01C'),
        run('01D', 'ok', { experiment: 'x' })
      ]);
      const c = list.get('01C')!;
      const change = list.upsert(run('01B'))!;
      expect(change.added.map(runName)).toEqual(['e #2']);
      expect(change.changed).toEqual([{ before: c, after: { ...c, seq: 3 } }]);
      expect(names(list)).toEqual([
        '01D:x #1',
        '01C:e #3',
        '01B:e #2',
        '01A:e #1'
      ]);
    });

    it('should renumber the later runs of its experiment when a run is removed', () => {
      const list = new RunList();
      list.reset([
        run('01A'),
        run('01B'),
        run('01C'),
        run('01D', 'ok', { experiment: 'x' })
      ]);
      const change = list.remove(['01A'])!;
      expect(
        change.changed.map(c => `${runName(c.before)}→${runName(c.after)}`)
      ).toEqual(['e #2→e #1', 'e #3→e #2']);
      expect(names(list)).toEqual(['01D:x #1', '01C:e #2', '01B:e #1']);
    });

    it('should number the same folder alike whatever order its runs arrive in', () => {
      const ids = ['01A', '01B', '01C', '01D', '01E'];
      const one = new RunList();
      one.reset(ids.map(id => run(id)));
      const other = new RunList();
      for (const id of ['01D', '01A', '01E', '01C', '01B']) {
        other.upsert(run(id));
      }
      expect(names(other)).toEqual(names(one));
    });

    it('should move a run to the numbering of its new experiment', () => {
      const list = new RunList();
      list.reset([run('01A'), run('01B')]);
      list.upsert(run('01A', 'ok', { experiment: 'x' }));
      expect(names(list)).toEqual(['01B:e #1', '01A:x #1']);
    });
  });
});

describe('RunsChangeBuffer', () => {
  const list = () => {
    const l = new RunList();
    l.reset([run('01A', 'running'), run('01B')]);
    return l;
  };

  it('should fold many live updates of one run into one change from the first before to the last after', () => {
    const l = list();
    const buffer = new RunsChangeBuffer();
    const first = l.get('01A')!;
    let last = first;
    for (let i = 0; i < 50; i++) {
      last = run('01A', 'running', { executionCount: i });
      buffer.add(l.upsert(last)!);
    }
    expect(buffer.size).toBe(1);
    expect(buffer.take()).toEqual({
      added: [],
      changed: [{ before: first, after: { ...last, seq: 1 } }],
      removed: [],
      reset: false
    });
    expect(buffer.isEmpty).toBe(true);
  });

  it('should fold added then changed into added, and added then removed into nothing', () => {
    const l = list();
    const buffer = new RunsChangeBuffer();
    buffer.add(l.upsert(run('01C', 'running'))!);
    const c2 = run('01C', 'ok');
    buffer.add(l.upsert(c2)!);
    buffer.add(l.upsert(run('01D'))!);
    buffer.add(l.remove(['01D'])!);
    const change = buffer.take();
    expect(change.added).toEqual([{ ...c2, seq: 3 }]);
    expect(change.changed).toEqual([]);
    expect(change.removed).toEqual([]);
  });

  it('should fold changed then removed into removed of the run the reader has', () => {
    const l = list();
    const buffer = new RunsChangeBuffer();
    const had = l.get('01A')!;
    buffer.add(l.upsert(run('01A', 'ok'))!);
    buffer.add(l.remove(['01A'])!);
    expect(buffer.take().removed).toEqual([had]);
  });

  it('should keep only a reset after one', () => {
    const l = list();
    const buffer = new RunsChangeBuffer();
    buffer.add(l.upsert(run('01C'))!);
    buffer.add(l.reset([])!);
    buffer.add(l.upsert(run('01D'))!);
    const change = buffer.take();
    expect(change.reset).toBe(true);
    expect(change.added).toEqual([]);
    expect(isEmptyChange(buffer.take())).toBe(true);
  });
});

describe('onlyPendingChanged', () => {
  const metrics = {
    loss: { last: NaN, min: 0.1, max: 0.9, count: 3, lastStep: 2 }
  };
  const queued = run('a', 'ok', { pending: true, seq: 2, metrics });
  const change = (
    pairs: { before: IRunSummary; after: IRunSummary }[],
    extra: Partial<Parameters<typeof onlyPendingChanged>[0]> = {}
  ) => ({ added: [], removed: [], reset: false, changed: pairs, ...extra });

  it('should hold for a run saved (or queued again) with nothing else changed, NaN included', () => {
    const saved = { ...queued, metrics: { loss: { ...metrics.loss } } };
    delete saved.pending;
    expect(onlyPendingChanged(change([{ before: queued, after: saved }]))).toBe(
      true
    );
    expect(onlyPendingChanged(change([{ before: saved, after: queued }]))).toBe(
      true
    );
  });

  it('should not hold when anything a row shows changed, or runs came or went', () => {
    const saved = { ...queued, pending: false };
    const afters: IRunSummary[] = [
      { ...saved, status: 'error' },
      { ...saved, seq: 3 },
      { ...saved, metrics: { loss: { ...metrics.loss, count: 4 } } },
      { ...saved, provenance: 'clean' },
      { ...queued } // the flag did not move
    ];
    for (const after of afters) {
      expect(onlyPendingChanged(change([{ before: queued, after }]))).toBe(
        false
      );
    }
    const ok = { before: queued, after: saved };
    expect(onlyPendingChanged(change([ok], { added: [run('b')] }))).toBe(false);
    expect(onlyPendingChanged(change([ok], { removed: [run('b')] }))).toBe(
      false
    );
    expect(onlyPendingChanged(change([ok], { reset: true }))).toBe(false);
    expect(onlyPendingChanged(change([]))).toBe(false);
  });
});
