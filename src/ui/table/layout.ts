/**
 * Which columns the runs table shows at a width: pure, so the rule is
 * tested without a browser.
 *
 * A narrow sidebar (under `NARROW_BELOW` px) shows the columns the user
 * pinned, the name and the status, and nothing that would need a
 * horizontal scroll to reach; pinning a param or metric (columns chooser) is
 * how it joins them. A wide panel (from `WIDE_FROM` px) shows every visible
 * column, with what tells runs apart (params, metrics, tags) before the
 * bookkeeping (provenance, experiment, start, duration), so a 700 px panel
 * shows params without scrolling. Between the two the layout stays as it
 * was (hysteresis): a scrollbar appearing or a splitter dragged by a few
 * pixels never flips it back and forth.
 */
import type { ColumnKind, IColumn } from './columns';

/** The table's layout. */
export type TableLayout = 'narrow' | 'wide';

/** Below this width (px) the table is narrow. */
export const NARROW_BELOW = 500;
/** From this width (px) the table is wide. */
export const WIDE_FROM = 600;

/** Columns a narrow table shows even when not pinned. */
const ESSENTIAL: ReadonlySet<string> = new Set(['name', 'status']);

/** Columns a wide table shows after the params, metrics and tags. */
const BOOKKEEPING: ReadonlySet<ColumnKind> = new Set([
  'provenance',
  'experiment',
  'start',
  'duration'
]);

/**
 * The layout for the panel's width, given the layout it has now (null:
 * none yet). A width that is not known (0 or less: hidden, not laid out)
 * keeps the layout.
 */
export function layoutForWidth(
  width: number,
  current: TableLayout | null
): TableLayout {
  if (!(width > 0)) {
    return current ?? 'wide';
  }
  if (width < NARROW_BELOW) {
    return 'narrow';
  }
  if (width >= WIDE_FROM) {
    return 'wide';
  }
  return current ?? 'narrow';
}

/**
 * The columns to draw, in order, from the visible columns (pinned first, in
 * pin order, as `RunsTableModel.visibleColumns` gives them). Pinned columns
 * stay first in both layouts (the view keeps them in view when scrolling).
 */
export function layoutColumns(
  visible: readonly IColumn[],
  isPinned: (columnId: string) => boolean,
  layout: TableLayout
): IColumn[] {
  const pinned = visible.filter(c => isPinned(c.id));
  const rest = visible.filter(c => !isPinned(c.id));
  if (layout === 'narrow') {
    return [...pinned, ...rest.filter(c => ESSENTIAL.has(c.id))];
  }
  return [
    ...pinned,
    ...rest.filter(c => !BOOKKEEPING.has(c.kind)),
    ...rest.filter(c => BOOKKEEPING.has(c.kind))
  ];
}
