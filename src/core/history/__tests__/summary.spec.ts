import { summarizeRun, summarizeSeries } from '../summary';
import { makeRun, runSeries, series } from './fixtures';

describe('run summaries', () => {
  describe('#summarizeSeries', () => {
    it('should aggregate a series', () => {
      expect(
        summarizeSeries(
          series([
            [0, 3],
            [1, 1],
            [2, 2]
          ])
        )
      ).toEqual({
        last: 2,
        min: 1,
        max: 3,
        count: 3,
        lastStep: 2
      });
    });

    it('should take the value at the highest step, not the last logged', () => {
      expect(
        summarizeSeries(
          series([
            [5, 1],
            [2, 9],
            [3, 4]
          ])
        )
      ).toMatchObject({
        last: 1,
        lastStep: 5
      });
    });

    it('should let a re-logged step override the earlier point', () => {
      expect(
        summarizeSeries(
          series([
            [1, 1],
            [1, 7]
          ])
        )?.last
      ).toBe(7);
    });

    it('should skip NaN in min and max but keep infinities', () => {
      expect(
        summarizeSeries(
          series([
            [0, NaN],
            [1, Infinity],
            [2, -1]
          ])
        )
      ).toEqual({
        last: -1,
        min: -1,
        max: Infinity,
        count: 3,
        lastStep: 2
      });
      expect(summarizeSeries(series([[0, NaN]]))).toEqual({
        last: NaN,
        min: NaN,
        max: NaN,
        count: 1,
        lastStep: 0
      });
    });

    it('should give null for an empty series', () => {
      expect(summarizeSeries(series([]))).toBeNull();
    });
  });

  describe('#summarizeRun', () => {
    it('should summarize a run without series like summarize()', () => {
      const run = makeRun();
      expect(summarizeRun(run)).toEqual({
        id: run.id,
        notebookPath: run.notebookPath,
        experiment: run.experiment,
        status: 'ok',
        startedAt: run.startedAt,
        endedAt: run.endedAt,
        durationMs: 1500,
        executionCount: 3
      });
    });

    it('should add metric aggregates and annotations', () => {
      const s = summarizeRun(
        makeRun(),
        { ...runSeries(), empty: series([]) },
        {
          name: 'best',
          params: { lr: 0.1 },
          tags: { team: 'a' },
          starred: true
        }
      );
      expect(Object.keys(s.metrics ?? {})).toEqual(['acc', 'loss']);
      expect(s.metrics?.loss).toEqual({
        last: 0.5,
        min: 0.5,
        max: 2.5,
        count: 3,
        lastStep: 2
      });
      expect(s.metrics?.acc).toEqual({
        last: 0.9,
        min: 0.1,
        max: 0.9,
        count: 3,
        lastStep: 2
      });
      expect(s).toMatchObject({
        name: 'best',
        params: { lr: 0.1 },
        tags: { team: 'a' },
        starred: true
      });
    });

    it('should leave out empty metrics and annotations', () => {
      const s = summarizeRun(
        makeRun(),
        {},
        { params: {}, tags: {}, starred: false }
      );
      expect(s).not.toHaveProperty('metrics');
      expect(s).not.toHaveProperty('params');
      expect(s).not.toHaveProperty('tags');
      expect(s).not.toHaveProperty('starred');
    });
  });
});
