/**
 * The "Reproduction" section of the run detail view: for a reproduction,
 * its verdict against the original and what differed; for any run, the
 * reproductions of it listed in the sidebar. Text only (`textContent`).
 */
import type { TranslationBundle } from '@jupyterlab/translation';
import type {
  IRunReproduction,
  ReproductionVerdict
} from '../../core/reproduce/types';
import type { IRunRecord, IRunSummary, JsonNumber } from '../../core/run';
import { runName } from '../../core/runs/names';
import { el } from '../dom';
import { gridTable, section } from '../detail/sections';

/** The translated name of a verdict. */
export function verdictLabel(
  trans: TranslationBundle,
  verdict: ReproductionVerdict
): string {
  switch (verdict) {
    case 'exact':
      return trans.__('reproduced exactly');
    case 'tolerance':
      return trans.__('reproduced within tolerance');
    default:
      return trans.__('differs');
  }
}

/** A badge naming a verdict, coloured by it. */
export function verdictBadge(
  trans: TranslationBundle,
  verdict: ReproductionVerdict
): HTMLElement {
  const badge = el(
    'span',
    `jp-RunDetail-verdict jp-mod-${verdict}`,
    verdictLabel(trans, verdict)
  );
  badge.dataset.verdict = verdict;
  return badge;
}

/** Full precision: differences can be in the last digits. */
function num(v: JsonNumber | null): string {
  return v === null ? '—' : String(v);
}

function differences(t: TranslationBundle, r: IRunReproduction): HTMLElement[] {
  const out: HTMLElement[] = [];
  const d = r.differences;
  if (r.status) {
    out.push(
      el(
        'p',
        'jp-RunDetail-message',
        t.__('Status: %1, now %2.', r.status.original, r.status.reproduced)
      )
    );
  }
  const within = (ok: boolean) => (ok ? t.__('within') : t.__('beyond'));
  if (d.metrics.length) {
    out.push(
      gridTable(
        t.__('Metrics that differ'),
        [
          t.__('Metric'),
          t.__('Original'),
          t.__('Reproduced'),
          t.__('Relative difference'),
          t.__('Tolerance')
        ],
        d.metrics.map(m => [
          m.name,
          num(m.original),
          num(m.reproduced),
          num(m.relativeDifference),
          within(m.withinTolerance)
        ])
      )
    );
  }
  if (d.outputs.length) {
    out.push(
      gridTable(
        t.__('Outputs that differ'),
        [
          t.__('Output'),
          t.__('Original'),
          t.__('Reproduced'),
          t.__('Tolerance')
        ],
        d.outputs.map(o => [
          `#${o.index + 1}`,
          o.original ?? '—',
          o.reproduced ?? '—',
          within(o.withinTolerance)
        ])
      )
    );
  }
  if (d.environment.length) {
    out.push(
      gridTable(
        t.__('Environment drift'),
        [t.__('What'), t.__('Original'), t.__('Reproduced')],
        d.environment.map(e => [
          e.name,
          e.original ?? t.__('absent'),
          e.reproduced ?? t.__('absent')
        ])
      )
    );
  }
  if (d.data.length) {
    out.push(
      gridTable(
        t.__('Data files that changed'),
        [t.__('Path'), t.__('Original SHA-256'), t.__('Reproduced SHA-256')],
        d.data.map(x => [
          x.path,
          x.original ?? t.__('absent'),
          x.reproduced ?? t.__('absent')
        ])
      )
    );
  }
  if (r.unseededRandomness) {
    const p = el(
      'p',
      'jp-RunDetail-message jp-mod-warning',
      t.__(
        'Unseeded randomness suspected: the same notebook in the same environment gave other results in %1.',
        r.unseededRandomness.disagreesWith.join(', ')
      )
    );
    p.dataset.unseeded = 'true';
    out.push(p);
  }
  for (const note of r.notes ?? []) {
    out.push(el('p', 'jp-RunDetail-message', note));
  }
  return out;
}

/**
 * The section, or null when the run is neither a reproduction nor
 * reproduced. `runs` are the listed runs of the notebook; `open` opens
 * another run's detail.
 */
export function reproductionSection(
  t: TranslationBundle,
  record: IRunRecord,
  runs: readonly IRunSummary[],
  open: (runId: string) => void
): HTMLElement | null {
  const parts: HTMLElement[] = [];
  const r = record.reproduction;
  if (r && typeof r.of === 'string' && r.differences) {
    const head = el('p', 'jp-RunDetail-reproducedFrom');
    const link = el('button', 'jp-RunDetail-runLink', r.of);
    link.type = 'button';
    link.addEventListener('click', () => open(r.of));
    head.append(
      t.__('Reproduces run') + ' ',
      link,
      ': ',
      verdictBadge(t, r.verdict),
      ' ' + t.__('(relative tolerance %1)', String(r.relativeTolerance))
    );
    parts.push(head, ...differences(t, r));
  }
  const reproductions = runs.filter(s => s.reproduction?.of === record.id);
  if (reproductions.length) {
    const list = el('ul', 'jp-RunDetail-reproductions');
    list.setAttribute('aria-label', t.__('Reproductions of this run'));
    for (const s of reproductions) {
      const item = el('li');
      const link = el('button', 'jp-RunDetail-runLink', runName(s));
      link.type = 'button';
      link.addEventListener('click', () => open(s.id));
      item.append(link, ' ', verdictBadge(t, s.reproduction!.verdict));
      list.append(item);
    }
    parts.push(el('h4', '', t.__('Reproductions of this run')), list);
  }
  return parts.length
    ? section('reproduction', t.__('Reproduction'), ...parts)
    : null;
}
