import { summarizeRun } from '../summary';
import { makeRun, runSeries, series } from './fixtures';

describe('run summaries', () => {
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
