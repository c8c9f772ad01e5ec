/**
 * Deleting a run's entries for good (emptying the trash, or clearing an
 * older copy of a run deleted again), in two steps: a plan that reads what
 * is there and decides, entry by entry, what goes and what is left alone
 * (and why), then the deletions. The plan is whole before anything is
 * deleted, so a trash that cannot be trusted (links not checked and
 * entries the layout does not define) is refused whole.
 */
import type { Contents } from '@jupyterlab/services';
import {
  linkAt,
  linkReason,
  type LinkCheck,
  type RunEntryPart
} from '../core/history';
import { safeJoin } from '../core/paths';
import type { ITrashReport } from '../tokens';
import { isNotFound } from './contentsErrors';

/** One entry of a run, with its listing item. */
export interface IRunEntry {
  id: string;
  part: RunEntryPart;
  directory: boolean;
  name: string;
  item: Contents.IModel;
}

/** What a plan deletes, in order, and what it leaves alone. */
export interface IDeletionPlan {
  /** Server path and report name (relative to the parent). */
  deletions: { path: string; name: string }[];
  leftAlone: ITrashReport['leftAlone'];
  /** Run ids that lose at least one entry. */
  runs: Set<string>;
}

export function emptyPlan(): IDeletionPlan {
  return { deletions: [], leftAlone: [], runs: new Set() };
}

/**
 * Plans the deletion of some entries of one run in `parent`: the recorded
 * artifacts in its artifacts folder, then the folder if nothing else is in
 * it, then the other files, the run file last. Entries reached through a
 * link that leads out of the runs folder are left alone.
 */
export async function planRunDeletion(
  contents: Contents.IManager,
  parent: string,
  entries: readonly IRunEntry[],
  check: LinkCheck,
  plan: IDeletionPlan
): Promise<void> {
  const rank = (e: IRunEntry) =>
    e.part === 'artifacts' ? -1 : e.part === 'run' ? 1 : 0;
  for (const entry of [...entries].sort((a, b) => rank(a) - rank(b))) {
    const path = safeJoin(parent, entry.name);
    const link = linkAt(check, path);
    if (link) {
      plan.leftAlone.push({ name: entry.name, reason: linkReason(link, path) });
      continue;
    }
    if (entry.part !== 'artifacts') {
      plan.deletions.push({ path, name: entry.name });
      plan.runs.add(entry.id);
      continue;
    }
    const recorded = await recordedArtifacts(contents, parent, entry.id);
    let kept = 0;
    for (const child of (await listing(contents, path)) ?? []) {
      const name = `${entry.name}/${child.name}`;
      const childLink = linkAt(check, child.path);
      const reason = childLink
        ? linkReason(childLink, child.path)
        : child.type === 'directory' || !recorded.has(child.name)
          ? 'is not an artifact its run file records'
          : null;
      if (reason) {
        kept++;
        plan.leftAlone.push({ name, reason });
      } else {
        plan.deletions.push({ path: child.path, name });
        plan.runs.add(entry.id);
      }
    }
    if (kept === 0) {
      plan.deletions.push({ path, name: entry.name });
      plan.runs.add(entry.id);
    } else {
      plan.leftAlone.push({
        name: entry.name,
        reason: 'still holds entries that are not its run’s artifacts'
      });
    }
  }
}

/** Carries out a plan: the names deleted (a file already gone counts). */
export async function executePlan(
  contents: Contents.IManager,
  plan: IDeletionPlan
): Promise<string[]> {
  const deleted: string[] = [];
  for (const { path, name } of plan.deletions) {
    try {
      await contents.delete(path);
    } catch (error) {
      if (!isNotFound(error)) {
        throw error;
      }
    }
    deleted.push(name);
  }
  return deleted;
}

/** Directory items of a folder, or null when it does not exist. */
export async function listing(
  contents: Contents.IManager,
  folder: string
): Promise<Contents.IModel[] | null> {
  try {
    const model = await contents.get(folder, { content: true });
    return model.content as Contents.IModel[];
  } catch (error) {
    if (isNotFound(error)) {
      return null;
    }
    throw error;
  }
}

/** The artifact file names a run file (in `parent`) records. */
async function recordedArtifacts(
  contents: Contents.IManager,
  parent: string,
  runId: string
): Promise<Set<string>> {
  const names = new Set<string>();
  try {
    const model = await contents.get(safeJoin(parent, `${runId}.json`), {
      type: 'file',
      format: 'text',
      content: true
    });
    // Read loosely: a run file of a newer version still names its files.
    const record = JSON.parse(String(model.content)) as {
      artifacts?: unknown;
    };
    const prefix = `${runId}.artifacts/`;
    for (const a of Array.isArray(record.artifacts) ? record.artifacts : []) {
      const path = (a as { path?: unknown } | null)?.path;
      if (
        typeof path === 'string' &&
        path.startsWith(prefix) &&
        !path.slice(prefix.length).includes('/')
      ) {
        names.add(path.slice(prefix.length));
      }
    }
  } catch {
    // No readable run file: no artifact is known to be the run's.
  }
  return names;
}
