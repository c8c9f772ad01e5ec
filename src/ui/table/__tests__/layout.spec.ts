import type { IRunSummary } from '../../../core/run';
import {
  layoutColumns,
  layoutForWidth,
  NARROW_BELOW,
  WIDE_FROM,
  type TableLayout
} from '../layout';
import { RunsTableModel } from '../model';

const run: IRunSummary = {
  id: 'RUN1',
  notebookPath: 'nb.ipynb',
  experiment: 'logreg',
  status: 'ok',
  startedAt: '2026-01-01T00:00:00.000Z',
  endedAt: null,
  durationMs: 5,
  executionCount: 1,
  params: { C: 1, max_iter: 100 },
  metrics: { acc: { last: 0.9, min: 0.5, max: 0.9, count: 3, lastStep: 2 } },
  tags: { team: 'a' }
};

/** The ids a table with these pins shows at a width. */
function shown(width: number, pinned?: string[]): string[] {
  const model = new RunsTableModel();
  model.setRuns([run]);
  if (pinned) {
    model.restore({ pinned });
  }
  const layout = layoutForWidth(width, null);
  return layoutColumns(
    model.visibleColumns,
    id => model.isPinned(id),
    layout
  ).map(c => c.id);
}

describe('layoutForWidth', () => {
  it.each<[number, TableLayout | null, TableLayout]>([
    [300, null, 'narrow'],
    [NARROW_BELOW - 1, 'wide', 'narrow'],
    [WIDE_FROM, 'narrow', 'wide'],
    [1200, null, 'wide'],
    // Between the two: stays as it is.
    [550, 'wide', 'wide'],
    [550, 'narrow', 'narrow'],
    [550, null, 'narrow'],
    // Unknown width (hidden): keeps the layout.
    [0, 'narrow', 'narrow'],
    [0, null, 'wide']
  ])('should give %p px (now %p) the %p layout', (width, now, expected) => {
    expect(layoutForWidth(width, now)).toBe(expected);
  });
});

describe('layoutColumns', () => {
  it('should show only the name and the status in a narrow sidebar by default', () => {
    expect(shown(400)).toEqual(['name', 'status']);
  });

  it('should show the columns the user pinned first in a narrow sidebar', () => {
    expect(shown(400, ['name', 'metrics.acc', 'params.C'])).toEqual([
      'name',
      'metrics.acc',
      'params.C',
      'status'
    ]);
  });

  it('should keep the name and status when they are not pinned', () => {
    expect(shown(400, ['params.C'])).toEqual(['params.C', 'status', 'name']);
  });

  it('should show params and metrics before the bookkeeping when wide', () => {
    expect(shown(700)).toEqual([
      'name',
      'status',
      'params.C',
      'params.max_iter',
      'metrics.acc',
      'provenance',
      'experiment',
      'start',
      'duration'
    ]);
  });

  it('should leave out columns the user hid, in both layouts', () => {
    const model = new RunsTableModel();
    model.setRuns([run]);
    model.setVisible('status', false);
    model.setVisible('tags.team', true);
    const ids = (layout: TableLayout) =>
      layoutColumns(model.visibleColumns, id => model.isPinned(id), layout).map(
        c => c.id
      );
    expect(ids('narrow')).toEqual(['name']);
    expect(ids('wide')).toContain('tags.team');
    expect(ids('wide')).not.toContain('status');
  });
});
