/**
 * The run detail's Environment section: kernel and language, working
 * directory, git state, and the environment file's Python, platform and
 * packages (read from the runs folder, checked by `environmentInfo`).
 */
import type { TranslationBundle } from '@jupyterlab/translation';
import { diffFileName } from '../../core/capture/environmentFiles';
import { environmentInfo, type IRunDetails } from '../../core/compare/details';
import type { IRunRecord } from '../../core/run';
import type { IArtifactReader } from './artifacts';
import { el, gridTable, keyValueTable } from './sections';

/** Fill `sectionNode` (which shows "Loading environment…" until then). */
export async function renderEnvironment(
  trans: TranslationBundle,
  sectionNode: HTMLElement,
  record: IRunRecord,
  d: IRunDetails,
  reader: Pick<IArtifactReader, 'readText'>
): Promise<void> {
  const t = trans;
  const parts: HTMLElement[] = [];
  const base: [string, unknown][] = [
    [t.__('Kernel'), record.kernel.name],
    [
      t.__('Language'),
      `${record.kernel.language} ${record.kernel.languageVersion}`
    ]
  ];
  if (d.environment.cwd) {
    base.push([t.__('Working directory'), d.environment.cwd]);
  }
  if (d.environment.git) {
    const git = d.environment.git;
    for (const k of ['commit', 'branch', 'dirty', 'remote']) {
      if (k in git) {
        base.push([`git ${k}`, git[k]]);
      }
    }
    // Version 2 keeps the diff in a shared file; version 1 inline.
    if (typeof git.diffSha256 === 'string') {
      base.push([t.__('git diff'), diffFileName(git.diffSha256)]);
    } else if (typeof git.diff === 'string' && git.diff) {
      base.push([
        t.__('git diff'),
        t.__('in the run file (%1 characters)', git.diff.length)
      ]);
    }
  }
  if (d.environment.deepProbe === false && d.environment.reason) {
    base.push([t.__('Probe'), d.environment.reason]);
  }
  parts.push(keyValueTable(t.__('Environment'), base));
  if (d.environment.hash) {
    try {
      const env = environmentInfo(
        JSON.parse(await reader.readText(`env-${d.environment.hash}.json`))
      );
      parts.push(
        keyValueTable(t.__('Python and platform'), [
          ...Object.entries(env.python).map(
            ([k, v]) => [`python.${k}`, v] as const
          ),
          ...Object.entries(env.platform).map(
            ([k, v]) => [`platform.${k}`, v] as const
          ),
          ...Object.entries(env.other).map(([k, v]) => [k, v] as const)
        ])
      );
      const packages = Object.entries(env.packages).sort((a, b) =>
        a[0].localeCompare(b[0])
      );
      const details = el('details', 'jp-RunDetail-packages');
      details.append(
        el('summary', '', t._n('%1 package', '%1 packages', packages.length)),
        gridTable(
          t.__('Packages'),
          [t.__('Package'), t.__('Version')],
          packages
        )
      );
      parts.push(details);
    } catch {
      parts.push(
        el(
          'p',
          'jp-RunDetail-message',
          t.__('The environment file could not be read.')
        )
      );
    }
  }
  sectionNode.querySelector(':scope > p')?.remove();
  sectionNode.append(...parts);
}
