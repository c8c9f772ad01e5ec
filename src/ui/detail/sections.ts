/**
 * Building blocks of the run detail view: tables of key/values and small
 * sections. Text only: every value a run recorded goes through
 * `textContent`.
 */
import type { TranslationBundle } from '@jupyterlab/translation';
import type {
  IArtifactInfo,
  IDatasetInfo,
  ILineageInfo
} from '../../core/compare/details';
import { valueText } from '../compare/panes/base';
import { columnHeads, el } from '../dom';

/** Re-exported: the one element helper of the UI (`src/ui/dom.ts`). */
export { el };

/** A titled section of the detail view. */
export function section(
  name: string,
  title: string,
  ...content: HTMLElement[]
): HTMLElement {
  const s = el('section', 'jp-RunDetail-section');
  s.dataset.section = name;
  s.setAttribute('aria-label', title);
  s.append(el('h3', 'jp-RunDetail-heading', title), ...content);
  return s;
}

/** A two-column key/value table. */
export function keyValueTable(
  label: string,
  rows: readonly (readonly [string, unknown])[]
): HTMLTableElement {
  const table = el('table', 'jp-RunDetail-table');
  table.setAttribute('aria-label', label);
  const body = el('tbody');
  for (const [k, v] of rows) {
    const tr = el('tr');
    const th = el('th', '', k);
    th.scope = 'row';
    tr.append(
      th,
      el('td', typeof v === 'number' ? 'jp-mod-number' : '', valueText(v))
    );
    body.append(tr);
  }
  table.append(body);
  return table;
}

/** A table with a header row. */
export function gridTable(
  label: string,
  headers: readonly string[],
  rows: readonly (readonly unknown[])[]
): HTMLTableElement {
  const table = el('table', 'jp-RunDetail-table');
  table.setAttribute('aria-label', label);
  const head = columnHeads(headers);
  const body = el('tbody');
  for (const row of rows) {
    const tr = el('tr');
    row.forEach((v, i) => {
      const cell =
        i === 0
          ? el('th', '', valueText(v))
          : el(
              'td',
              typeof v === 'number' ? 'jp-mod-number' : '',
              valueText(v)
            );
      tr.append(cell);
    });
    body.append(tr);
  }
  table.append(head, body);
  return table;
}

/** The lineage: what it holds, then each execution's code. */
export function lineageList(
  trans: TranslationBundle,
  lineage: ILineageInfo
): HTMLElement {
  const box = el('div', 'jp-RunDetail-lineage');
  const count = lineage.entries.length;
  const status = el(
    'p',
    'jp-RunDetail-lineageStatus',
    lineage.scope === null
      ? trans.__('Lineage not recorded.')
      : lineage.scope === 'slice'
        ? lineage.historyCount !== null
          ? trans.__(
              'The %1 executions the run depended on, of %2 in the session.',
              count,
              lineage.historyCount
            )
          : trans.__('The %1 executions the run depended on.', count)
        : trans.__(
            'Every cell the kernel ran before this run (%1), not cut to what it depended on: recorded by an older version, or without the kernel’s dependency slice.',
            count
          )
  );
  box.append(status);
  const list = el('ol', 'jp-RunDetail-lineageList');
  for (const e of lineage.entries) {
    const li = el('li', `jp-mod-${e.state}`);
    li.append(
      el(
        'div',
        'jp-RunDetail-lineageHead',
        e.provides?.length
          ? trans.__(
              '[%1] cell %2 · %3 · gave %4',
              e.executionCount ?? ' ',
              e.cellId ?? '?',
              e.state,
              (e.provides ?? []).join(', ')
            )
          : trans.__(
              '[%1] cell %2 · %3',
              e.executionCount ?? ' ',
              e.cellId ?? '?',
              e.state
            )
      ),
      el('pre', 'jp-RunDetail-code', e.code)
    );
    list.append(li);
  }
  box.append(list);
  return box;
}

/** Datasets as a table. */
export function datasetsTable(
  trans: TranslationBundle,
  data: readonly IDatasetInfo[],
  label: string = trans.__('Data files')
): HTMLTableElement {
  return gridTable(
    label,
    [
      trans.__('Name'),
      trans.__('Path'),
      trans.__('Size'),
      trans.__('Modified'),
      trans.__('SHA-256')
    ],
    data.map(d => [d.name, d.path, d.size, d.mtime, d.sha256])
  );
}

/** Kinds of artifact a preview is offered for. */
export const IMAGE_MIMES = new Set([
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp'
]);
export const TEXT_MIME = /^(text\/|application\/(json|x-ndjson|csv|yaml|xml)$)/;
/** Largest artifact fetched for a preview. */
export const MAX_PREVIEW_BYTES = 5 * 1024 * 1024;

/** Whether an artifact gets a preview. */
export function previewKind(a: IArtifactInfo): 'image' | 'text' | null {
  if (!a.stored || !a.path || (a.size ?? Infinity) > MAX_PREVIEW_BYTES) {
    return null;
  }
  const mime = a.mime.toLowerCase();
  return IMAGE_MIMES.has(mime)
    ? 'image'
    : TEXT_MIME.test(mime) || /\.(txt|csv|json|md|log|ya?ml)$/i.test(a.path)
      ? 'text'
      : null;
}
