/**
 * `RunsTableModel.applyChanges` must leave the table exactly as a fresh
 * table given the same runs: same rows in the same order, same columns and
 * query names, under every sort, filter and grouping.
 */
import type { IRunSummary } from '../../../core/run';
import { RunList } from '../../../core/runs/runList';
import { mulberry32 } from '../../../core/stats';
import { RunsTableModel, type TableChange } from '../model';

const rand = mulberry32(20261205);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];

let next = 0;
function runId(): string {
  // ULID-like: sortable, newest has the largest id.
  return `01K${String(next++).padStart(23, '0')}`;
}

function summary(id: string, extra: Partial<IRunSummary> = {}): IRunSummary {
  const loss = rand() < 0.1 ? NaN : Math.round(rand() * 20) / 10;
  const s: IRunSummary = {
    id,
    notebookPath: 'nb.ipynb',
    experiment: pick(['a', 'b']),
    status: pick(['ok', 'ok', 'error', 'running'] as const),
    startedAt: '2026-12-01T00:00:00.000Z',
    endedAt: null,
    durationMs: rand() < 0.2 ? null : Math.floor(rand() * 5) * 100,
    executionCount: 1,
    starred: rand() < 0.3,
    params: { lr: pick([0.1, 0.01, 0.001]), model: pick(['cnn', 'mlp']) },
    ...extra
  };
  if (rand() < 0.9) {
    s.metrics = {
      loss: { last: loss, min: loss, max: loss, count: 3, lastStep: 2 }
    };
  }
  return s;
}

const ids = (m: RunsTableModel) =>
  m.items.map(i => (i.type === 'run' ? i.run.id : `group:${i.key}`));

type Setup = (m: RunsTableModel) => void;
const SETUPS: [string, Setup][] = [
  ['unsorted', () => undefined],
  [
    'sorted by a metric',
    m => m.setSort({ column: 'metrics.loss', descending: false })
  ],
  [
    'sorted descending by duration',
    m => m.setSort({ column: 'duration', descending: true })
  ],
  [
    'filtered by a query and sorted',
    m => {
      m.setQuery("params.model = 'cnn'");
      m.setSort({ column: 'params.lr', descending: true });
    }
  ],
  ['starred only', m => m.setStarredOnly(true)],
  [
    'grouped by a param and sorted',
    m => {
      m.setGroupBy('params.model');
      m.setSort({ column: 'metrics.loss', descending: true });
    }
  ]
];

describe('RunsTableModel', () => {
  describe('#applyChanges', () => {
    it.each(SETUPS)(
      'should give the rows, columns and names of a fresh table (%s)',
      (_, setup) => {
        const list = new RunList();
        list.reset(Array.from({ length: 300 }, () => summary(runId())));
        const table = new RunsTableModel();
        setup(table);
        table.setRuns(list.runs);
        void table.items; // derived lists exist: they are edited, not rebuilt
        void table.allColumns;
        void table.queryKeys;
        for (let step = 0; step < 200; step++) {
          const r = rand();
          let change;
          if (r < 0.4) {
            change = list.upsert(summary(runId()));
          } else if (r < 0.85) {
            const old = pick(list.runs);
            // Sometimes a run brings a name no other run had.
            const extra = rand() < 0.05 ? { tags: { [`t${step}`]: 'x' } } : {};
            change = list.upsert(summary(old.id, extra));
          } else {
            change = list.remove([pick(list.runs).id]);
          }
          if (change) {
            table.applyChanges(list.runs, change);
          }
          if (step % 20 === 0 || step === 199) {
            const fresh = new RunsTableModel();
            setup(fresh);
            fresh.setRuns(list.runs);
            expect(ids(table)).toEqual(ids(fresh));
            expect(table.filtered.map(r => r.id)).toEqual(
              fresh.filtered.map(r => r.id)
            );
            expect(table.allColumns.map(c => c.id)).toEqual(
              fresh.allColumns.map(c => c.id)
            );
            expect(table.queryKeys).toEqual(fresh.queryKeys);
          }
        }
      }
    );

    it('should keep the columns (and say nothing of them) when a run brings no new name', () => {
      const list = new RunList();
      list.reset(Array.from({ length: 50 }, () => summary(runId())));
      const table = new RunsTableModel();
      table.setRuns(list.runs);
      const columns = table.allColumns;
      const keys = table.queryKeys;
      const changes: TableChange[] = [];
      table.changed.connect((_, c) => changes.push(c));
      const added = list.upsert(summary(runId()))!;
      table.applyChanges(list.runs, added);
      expect(table.allColumns).toBe(columns);
      expect(table.queryKeys).toBe(keys);
      expect(changes).toEqual(['rows']);
      const named = list.upsert(summary(runId(), { tags: { fresh: '1' } }))!;
      table.applyChanges(list.runs, named);
      expect(changes).toEqual(['rows', 'columns', 'rows']);
      expect(table.allColumns.map(c => c.id)).toContain('tags.fresh');
    });

    it('should drop removed runs from the selection', () => {
      const list = new RunList();
      list.reset(Array.from({ length: 5 }, () => summary(runId())));
      const table = new RunsTableModel();
      table.setRuns(list.runs);
      const [a, b] = list.runs;
      table.setSelection([a.id, b.id]);
      const removed = list.remove([a.id])!;
      table.applyChanges(list.runs, removed);
      expect([...table.selection]).toEqual([b.id]);
      expect(table.getRun(a.id)).toBeUndefined();
    });
  });
});
