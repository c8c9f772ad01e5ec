/**
 * Showing a run's provenance: the state as an icon with an accessible
 * label (runs table, detail), and each issue as a sentence naming the cells
 * and variables (detail). Text only: names and code come from run files.
 */
import type { TranslationBundle } from '@jupyterlab/translation';
import type { ILineageInfo } from '../core/compare/details';
import type {
  IProvenanceCell,
  IProvenanceIssue,
  IRunProvenance,
  ProvenanceState
} from '../core/run';
import { el } from './dom';

/** The icon of a state; null (not checked: runs before schema v2) has none. */
export function provenanceIcon(state: ProvenanceState | null): string {
  switch (state) {
    case 'clean':
      return '✓';
    case 'stale':
      return '⚠';
    case 'unknown':
      return '?';
    default:
      return '';
  }
}

/** The label of a state, for screen readers, titles and the column. */
export function provenanceLabel(
  trans: TranslationBundle,
  state: ProvenanceState | null
): string {
  switch (state) {
    case 'clean':
      return trans.__(
        'Clean: running the notebook as it is now, top to bottom, gives this run’s inputs'
      );
    case 'stale':
      return trans.__(
        'Stale: the notebook as it is now would not give this run’s inputs'
      );
    case 'unknown':
      return trans.__('Unknown: the dependencies could not all be traced');
    default:
      return trans.__('Not checked: recorded before provenance checks');
  }
}

/** The short word for a state (the runs table's cell text and sort key). */
export function provenanceWord(
  trans: TranslationBundle,
  state: ProvenanceState | null
): string {
  switch (state) {
    case 'clean':
      return trans.__('clean');
    case 'stale':
      return trans.__('stale');
    case 'unknown':
      return trans.__('unknown');
    default:
      return '';
  }
}

/** An icon span with its label, as the table and the detail show it. */
export function provenanceBadge(
  trans: TranslationBundle,
  state: ProvenanceState | null
): HTMLElement {
  const badge = el(
    'span',
    `jp-RunsProvenance-icon jp-mod-${state ?? 'unchecked'}`,
    provenanceIcon(state)
  );
  badge.setAttribute('role', 'img');
  badge.setAttribute('aria-label', provenanceLabel(trans, state));
  badge.title = provenanceLabel(trans, state);
  return badge;
}

/** "cell 3 (In [7]: `rng = …`)": how an issue names an execution. */
export function cellText(trans: TranslationBundle, c: IProvenanceCell): string {
  const where =
    c.index === null
      ? c.cellId === null
        ? trans.__('code from outside the notebook')
        : trans.__('a deleted cell')
      : trans.__('cell %1', c.index + 1);
  const count = c.executionCount === null ? ' ' : String(c.executionCount);
  return trans.__('%1 (In [%2]: %3)', where, count, c.line);
}

function nameList(trans: TranslationBundle, names: readonly string[]): string {
  return names.length
    ? names.map(n => `\`${n}\``).join(', ')
    : trans.__('nothing it names');
}

/** One issue as a sentence. */
export function issueText(
  trans: TranslationBundle,
  issue: IProvenanceIssue
): string {
  switch (issue.kind) {
    case 'stale-param': {
      const users = issue.usedBy.length
        ? issue.usedBy.map(c => cellText(trans, c)).join(', ')
        : trans.__('the run');
      return issue.now === null
        ? trans.__(
            '`%1` is no longer set in the parameters cell, but %2 used `%1 = %3` from an earlier execution of %4.',
            issue.name,
            users,
            issue.used,
            cellText(trans, issue.cell)
          )
        : trans.__(
            '`%1` is %2 in the parameters cell, but %3 used `%1 = %4` from an earlier execution of %5.',
            issue.name,
            issue.now,
            users,
            issue.used,
            cellText(trans, issue.cell)
          );
    }
    case 'edited':
      return trans.__(
        '%1 was edited since it ran; the run used %2 from it.',
        cellText(trans, issue.cell),
        nameList(trans, issue.names)
      );
    case 'deleted':
      return trans.__(
        '%1 was deleted since it ran; the run used %2 from it.',
        cellText(trans, issue.cell),
        nameList(trans, issue.names)
      );
    case 'external':
      return trans.__(
        '%1 ran outside this notebook (a console or another client); the run used %2 from it.',
        cellText(trans, issue.cell),
        nameList(trans, issue.names)
      );
    case 'out-of-order':
      return trans.__(
        '%1 ran after %2, though it sits above it; both touch %3.',
        cellText(trans, issue.cell),
        cellText(trans, issue.after),
        nameList(trans, issue.names)
      );
    case 'below':
      return trans.__(
        '%1 sits below the experiment cell; the run used %2 from it.',
        cellText(trans, issue.cell),
        nameList(trans, issue.names)
      );
    case 'self-dependent':
      return trans.__(
        'The run read %1 left by earlier runs of its own cell: running the notebook once does not rebuild it.',
        nameList(trans, issue.names)
      );
    case 'incomplete':
      return trans.__(
        'The kernel could not tell where %1 came from (defined before its history began, or by nothing).',
        nameList(trans, issue.names)
      );
    case 'no-slice':
      return trans.__(
        'The kernel sent no dependency slice (jupyterlab_runs is not importable there), so the run could not be checked.'
      );
  }
}

/** The detail's provenance block: the state, then what is stale, named. */
export function provenanceBlock(
  trans: TranslationBundle,
  provenance: IRunProvenance | null,
  lineage: ILineageInfo
): HTMLElement {
  const state = provenance?.state ?? null;
  const box = el(
    'div',
    `jp-RunDetail-provenance jp-mod-${state ?? 'unchecked'}`
  );
  const head = el('p', 'jp-RunDetail-provenanceState');
  head.append(
    provenanceBadge(trans, state),
    el('span', '', ' ' + provenanceLabel(trans, state))
  );
  box.append(head);
  if (provenance && provenance.issues.length) {
    const list = el('ul', 'jp-RunDetail-provenanceIssues');
    for (const issue of provenance.issues) {
      const li = el('li', `jp-mod-${issue.kind}`, issueText(trans, issue));
      li.dataset.kind = issue.kind;
      list.append(li);
    }
    box.append(list);
  } else if (!provenance && lineage.clean !== null) {
    // A version 1 run: its own flags, which fired on ordinary sweeps too.
    box.append(
      el(
        'p',
        'jp-RunDetail-message',
        lineage.clean
          ? trans.__('Recorded then as a clean top-to-bottom execution.')
          : trans.__(
              'Recorded then with the flags: %1',
              lineage.issues.join(', ')
            )
      )
    );
  }
  return box;
}
