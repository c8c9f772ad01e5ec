import type { IRunSummary } from '../../../core/run';
import * as columnsModule from '../columns';
import { collectColumns, compareCells, metricAggregate } from '../columns';
import { RunsTableModel, type TableChange } from '../model';

function run(i: number, extra: Partial<IRunSummary> = {}): IRunSummary {
  return {
    id: `RUN${String(i).padStart(3, '0')}`,
    notebookPath: 'nb.ipynb',
    experiment: i % 2 ? 'odd' : 'even',
    status: 'ok',
    startedAt: new Date(Date.UTC(2026, 10, 1) + i * 1000).toISOString(),
    endedAt: null,
    durationMs: i * 10,
    executionCount: i,
    params: { model: i % 3 === 0 ? 'cnn' : 'mlp', lr: 10 ** -(i % 4) },
    metrics: {
      acc: { last: i / 100, min: 0, max: i / 50, count: 2, lastStep: 1 }
    },
    ...extra
  };
}

const RUNS = Array.from({ length: 20 }, (_, i) => run(19 - i));

function model(runs = RUNS): RunsTableModel {
  const m = new RunsTableModel();
  m.setRuns(runs);
  return m;
}

describe('columns', () => {
  it('should collect fixed columns, then params, metrics and tags', () => {
    const ids = collectColumns([run(1, { tags: { split: 'a' } })]).map(
      c => c.id
    );
    expect(ids).toEqual([
      'status',
      'provenance',
      'name',
      'experiment',
      'start',
      'duration',
      'params.lr',
      'params.model',
      'metrics.acc',
      'tags.split'
    ]);
  });

  it('should order numbers, NaN, booleans, then text', () => {
    const values = ['b', true, NaN, 2, 'a', -1];
    expect(values.sort(compareCells)).toEqual([-1, 2, NaN, true, 'a', 'b']);
  });

  it.each([
    ['loss', 'min'],
    ['val_acc', 'max'],
    ['throughput', 'max']
  ])('should read the best of %s as its %s', (name, agg) => {
    expect(metricAggregate(name, 'best')).toBe(agg);
  });
});

describe('RunsTableModel', () => {
  describe('#setQuery', () => {
    it('should keep the runs that match, in order', () => {
      const m = model();
      m.setQuery("params.model = 'cnn' and metrics.acc > 0.05");
      expect(m.filtered.map(r => r.id)).toEqual([
        'RUN018',
        'RUN015',
        'RUN012',
        'RUN009',
        'RUN006'
      ]);
      expect(m.queryError).toBeNull();
    });

    it('should report an error with its position and keep the last valid filter', () => {
      const m = model();
      m.setQuery("params.model = 'cnn'");
      const n = m.filtered.length;
      m.setQuery("params.model = 'cnn' and");
      expect(m.queryError?.position).toBe(24);
      expect(m.filtered).toHaveLength(n);
    });

    it('should combine with the starred filter', () => {
      const m = model([
        run(1, { starred: true }),
        run(2),
        run(3, { starred: true })
      ]);
      m.setStarredOnly(true);
      m.setQuery('metrics.acc > 0.02');
      expect(m.filtered.map(r => r.id)).toEqual(['RUN003']);
    });
  });

  describe('#toggleSort', () => {
    it('should sort ascending, then descending, then not at all, missing values last', () => {
      const m = model([run(2), run(1, { metrics: {} }), run(3)]);
      m.toggleSort('metrics.acc');
      expect(m.sorted.map(r => r.id)).toEqual(['RUN002', 'RUN003', 'RUN001']);
      m.toggleSort('metrics.acc');
      expect(m.sorted.map(r => r.id)).toEqual(['RUN003', 'RUN002', 'RUN001']);
      m.toggleSort('metrics.acc');
      expect(m.sorted.map(r => r.id)).toEqual(['RUN002', 'RUN001', 'RUN003']);
    });

    it('should sort by the chosen metric view', () => {
      const m = model([
        run(1, {
          metrics: { loss: { last: 5, min: 1, max: 9, count: 1, lastStep: 0 } }
        }),
        run(2, {
          metrics: { loss: { last: 3, min: 2, max: 3, count: 1, lastStep: 0 } }
        })
      ]);
      m.toggleSort('metrics.loss');
      expect(m.sorted[0].id).toBe('RUN002');
      m.setMetricView('best');
      expect(m.sorted[0].id).toBe('RUN001');
    });
  });

  describe('#setGroupBy', () => {
    it('should insert group headers and hide collapsed groups', () => {
      const m = model();
      m.setGroupBy('params.model');
      const groups = m.items.filter(i => i.type === 'group');
      expect(
        groups.map(g => (g.type === 'group' ? `${g.label}:${g.count}` : ''))
      ).toEqual(['cnn:7', 'mlp:13']);
      m.toggleGroup(groups[0].type === 'group' ? groups[0].key : '');
      expect(m.items).toHaveLength(2 + 13);
    });
  });

  describe('selection', () => {
    it('should select one, toggle others, and select ranges in table order', () => {
      const m = model();
      const changes: TableChange[] = [];
      m.changed.connect((_, c) => changes.push(c));
      m.select('RUN019');
      m.toggleSelected('RUN010');
      expect([...m.selection]).toEqual(['RUN019', 'RUN010']);
      m.select('RUN018');
      m.selectRange('RUN016');
      expect(m.selectedRuns.map(r => r.id)).toEqual([
        'RUN018',
        'RUN017',
        'RUN016'
      ]);
      expect(changes.every(c => c === 'selection')).toBe(true);
    });

    it('should drop selected runs that disappear', () => {
      const m = model();
      m.setSelection(['RUN001', 'RUN002']);
      m.setRuns(RUNS.filter(r => r.id !== 'RUN001'));
      expect([...m.selection]).toEqual(['RUN002']);
    });
  });

  describe('a return to runs shown before', () => {
    it('should not collect columns or ids again from the same runs', () => {
      const m = model();
      const before = m.allColumns.map(c => c.id);
      m.getRun('RUN003');
      m.setRuns([]); // another notebook, without runs
      const collect = jest.spyOn(columnsModule, 'collectColumns');
      const index = jest.spyOn(Map.prototype, 'set');
      try {
        m.setRuns(RUNS); // back: the same array
        expect(m.allColumns.map(c => c.id)).toEqual(before);
        expect(m.getRun('RUN003')).toBe(RUNS[16]);
        expect(collect).not.toHaveBeenCalled();
        expect(index).not.toHaveBeenCalled();
        // Runs that changed meanwhile are new: collected anew.
        const more = [run(20, { params: { seed: 1 } }), ...RUNS];
        m.setRuns(more);
        expect(m.allColumns.map(c => c.id)).toContain('params.seed');
        expect(collect).toHaveBeenCalledTimes(1);
      } finally {
        collect.mockRestore();
        index.mockRestore();
      }
    });

    it('should keep the selection of runs still there', () => {
      const m = model();
      m.setSelection(['RUN001', 'RUN002']);
      m.setRuns([]);
      expect([...m.selection]).toEqual([]);
      m.setSelection([]);
      m.setRuns(RUNS);
      m.setSelection(['RUN001']);
      m.setRuns(RUNS.slice(0, 10)); // RUN019..RUN010
      expect([...m.selection]).toEqual([]);
    });
  });

  describe('columns', () => {
    it('should hide tags by default, put pinned columns first, and remember choices', () => {
      const m = model([run(1, { tags: { split: 'a' } })]);
      expect(m.visibleColumns.map(c => c.id)).not.toContain('tags.split');
      m.setVisible('tags.split', true);
      m.setVisible('duration', false);
      m.setPinned('metrics.acc', true);
      expect(m.visibleColumns.map(c => c.id).slice(0, 3)).toEqual([
        'name',
        'metrics.acc',
        'status'
      ]);
      const state = m.toJSON();
      const other = model([run(1, { tags: { split: 'a' } })]);
      other.restore(state);
      expect(other.visibleColumns.map(c => c.id)).toEqual(
        m.visibleColumns.map(c => c.id)
      );
    });

    it('should ignore malformed saved state', () => {
      const m = model();
      m.restore({
        query: 42,
        sort: { column: 1 },
        metricView: 'worst',
        pinned: [3, 'status']
      } as never);
      expect(m.query).toBe('');
      expect(m.sort).toBeNull();
      expect(m.metricView).toBe('last');
      expect(m.isPinned('status')).toBe(true);
    });

    it('should emit its state when it changes', () => {
      const m = model();
      const saved: unknown[] = [];
      m.stateChanged.connect((_, s) => saved.push(s));
      m.setQuery('metrics.acc > 0.1');
      m.toggleSort('start');
      expect(saved).toHaveLength(2);
      expect(saved[1]).toMatchObject({
        query: 'metrics.acc > 0.1',
        sort: { column: 'start', descending: false }
      });
    });
  });

  it('should filter and sort 100,000 runs', () => {
    const many = Array.from({ length: 100_000 }, (_, i) => run(i));
    const m = model(many);
    m.setQuery("params.model = 'cnn' and metrics.acc > 10");
    m.toggleSort('metrics.acc');
    expect(m.items.length).toBe(
      many.filter(r => r.params!.model === 'cnn' && r.metrics!.acc.last > 10)
        .length
    );
    expect(m.sorted[0].metrics!.acc.last).toBeLessThanOrEqual(
      m.sorted[1].metrics!.acc.last
    );
  });
});
