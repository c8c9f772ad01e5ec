/**
 * Deleting runs, recoverably: a deleted run's files (run, series,
 * annotations, artifacts folder) move to `<stem>.runs/trash/`, out of the
 * listing that readers use, until the user empties the trash.
 *
 * Only the entries the run-folder layout defines for a run are ever moved
 * or deleted (`runEntryOf`): `<id>.json`, `<id>.series.json`,
 * `<id>.annotations.json`, and the `<id>.artifacts/` folder with the
 * artifacts its run file records. Anything else — a neighbour such as
 * `<id>.notes.txt` or a name the path rules refuse, a file where a folder
 * belongs, a file the run did not record inside its artifacts folder, any
 * other entry of the trash — is left alone and named in the report. The
 * trash (or an artifacts folder) may be a symbolic link to a folder
 * elsewhere, which the Contents API cannot tell: nothing that is not the
 * layout's is deleted, and the trash folder itself is kept.
 */
import type { Contents } from '@jupyterlab/services';
import { loadRunFile, runEntryOf, type RunEntryPart } from '../core/history';
import { isRunId } from '../core/id';
import { safeJoin } from '../core/paths';
import { summarize } from '../core/run';
import type { ITrashedRun } from '../tokens';
import { isNotFound } from './contentsErrors';

/** The trash folder inside a runs folder. */
export const TRASH_FOLDER = 'trash';

/** The run id a file of a runs folder belongs to, from its name. */
export function runIdOfName(name: string): string | null {
  const dot = name.indexOf('.');
  const id = dot < 0 ? name : name.slice(0, dot);
  return isRunId(id) ? id : null;
}

/** What a trash operation did, entry by entry (names relative to its folder). */
export interface ITrashReport {
  /** Entries moved (into or out of the trash). */
  moved: string[];
  /** Entries deleted for good. */
  deleted: string[];
  /** Entries not touched, with the reason. */
  leftAlone: { name: string; reason: string }[];
}

/** Order in which a run's entries move or go: run file first, series last. */
const PART_ORDER: Record<RunEntryPart, number> = {
  run: 0,
  annotations: 1,
  artifacts: 2,
  series: 3
};

function emptyReport(): ITrashReport {
  return { moved: [], deleted: [], leftAlone: [] };
}

export class RunTrash {
  constructor(options: RunTrash.IOptions) {
    this._contents = options.contents;
    this._ensureFolder = options.ensureFolder;
  }

  /**
   * Move the layout's entries of these runs into the trash; any other entry
   * named after them is left alone (and named in the report).
   */
  async moveToTrash(
    folder: string,
    runIds: readonly string[]
  ): Promise<ITrashReport> {
    const ids = checkIds(runIds);
    const trash = safeJoin(folder, TRASH_FOLDER);
    await this._ensureFolder(trash);
    const report = emptyReport();
    const entries = this._runEntries(
      (await this._listing(folder)) ?? [],
      ids,
      report
    );
    // Deleted before, restored by hand, deleted again: the newer wins, so
    // the older copies in the trash go first (all of a run's, read with
    // their own run file).
    const older = this._runEntries(
      (await this._listing(trash)) ?? [],
      new Set(entries.map(e => e.id)),
      emptyReport()
    );
    const byId = new Map<string, IEntry[]>();
    for (const entry of older) {
      byId.set(entry.id, [...(byId.get(entry.id) ?? []), entry]);
    }
    for (const list of byId.values()) {
      await this._deleteEntries(trash, list, report);
    }
    const stillInTrash = new Set(
      ((await this._listing(trash)) ?? []).map(i => i.name)
    );
    // The run file goes first: once it is gone, readers no longer see the run.
    entries.sort((a, b) => PART_ORDER[a.part] - PART_ORDER[b.part]);
    for (const entry of entries) {
      if (stillInTrash.has(entry.name)) {
        report.leftAlone.push({
          name: entry.name,
          reason: 'has an older copy in the trash that could not be cleared'
        });
        continue;
      }
      await this._contents.rename(
        safeJoin(folder, entry.name),
        safeJoin(trash, entry.name)
      );
      report.moved.push(entry.name);
    }
    warnLeftAlone(folder, report);
    return report;
  }

  /** Move runs back out of the trash; a run already back is left alone. */
  async restore(
    folder: string,
    runIds: readonly string[]
  ): Promise<ITrashReport> {
    const ids = checkIds(runIds);
    const trash = safeJoin(folder, TRASH_FOLDER);
    const report = emptyReport();
    const present = new Set(
      ((await this._listing(folder)) ?? []).map(i => i.name)
    );
    const entries = this._runEntries(
      (await this._listing(trash)) ?? [],
      ids,
      report
    );
    // The run file comes back last: its series and annotations are there then.
    entries.sort((a, b) => PART_ORDER[b.part] - PART_ORDER[a.part]);
    for (const entry of entries) {
      if (present.has(entry.name)) {
        report.leftAlone.push({
          name: entry.name,
          reason: 'is already back in the runs folder'
        });
        continue;
      }
      await this._contents.rename(
        safeJoin(trash, entry.name),
        safeJoin(folder, entry.name)
      );
      report.moved.push(entry.name);
    }
    return report;
  }

  /** The runs in the trash, newest first (the layout's entries only). */
  async list(folder: string): Promise<ITrashedRun[]> {
    const trash = safeJoin(folder, TRASH_FOLDER);
    const byId = new Map<string, ITrashedRun>();
    for (const item of (await this._listing(trash)) ?? []) {
      const entry = runEntryOf(item.name);
      if (entry === null) {
        continue;
      }
      const run = byId.get(entry.id) ?? {
        id: entry.id,
        files: [],
        summary: null
      };
      run.files.push(item.name);
      byId.set(entry.id, run);
    }
    for (const item of byId.values()) {
      if (item.files.includes(`${item.id}.json`)) {
        try {
          const model = await this._contents.get(
            safeJoin(trash, `${item.id}.json`),
            { type: 'file', format: 'text', content: true }
          );
          const loaded = loadRunFile(String(model.content), {
            expectedId: item.id
          });
          item.summary = loaded.ok ? summarize(loaded.run) : null;
        } catch {
          item.summary = null;
        }
      }
      item.files.sort();
    }
    return [...byId.values()].sort((a, b) => (a.id < b.id ? 1 : -1));
  }

  /** Delete the trash for good; the number of runs deleted. */
  async empty(folder: string): Promise<number> {
    return (await this.emptyWithReport(folder)).runs;
  }

  /**
   * Delete the layout's entries in the trash for good, and say what was
   * deleted and what was left alone. The trash folder itself stays.
   */
  async emptyWithReport(
    folder: string
  ): Promise<ITrashReport & { runs: number }> {
    const trash = safeJoin(folder, TRASH_FOLDER);
    const report = emptyReport();
    const listing = await this._listing(trash);
    if (listing === null) {
      return { ...report, runs: 0 };
    }
    const byId = new Map<string, IEntry[]>();
    for (const item of listing) {
      const entry = runEntryOf(item.name);
      if (entry === null || entry.directory !== (item.type === 'directory')) {
        report.leftAlone.push({
          name: item.name,
          reason:
            entry === null
              ? 'is not a file of the run folder layout'
              : `is a ${item.type}, not what the layout has there`
        });
        continue;
      }
      const list = byId.get(entry.id) ?? [];
      list.push({ ...entry, name: item.name, item });
      byId.set(entry.id, list);
    }
    let runs = 0;
    for (const entries of byId.values()) {
      const deletedBefore = report.deleted.length;
      await this._deleteEntries(trash, entries, report);
      if (report.deleted.length > deletedBefore) {
        runs++;
      }
    }
    warnLeftAlone(trash, report);
    return { ...report, runs };
  }

  /**
   * The layout's entries of these runs in a listing; other names that start
   * with one of the ids are reported as left alone.
   */
  private _runEntries(
    listing: readonly Contents.IModel[],
    ids: ReadonlySet<string>,
    report: ITrashReport
  ): IEntry[] {
    const entries: IEntry[] = [];
    for (const item of listing) {
      const id = runIdOfName(item.name);
      if (id === null || !ids.has(id)) {
        continue;
      }
      const entry = runEntryOf(item.name);
      if (entry === null || entry.id !== id) {
        report.leftAlone.push({
          name: item.name,
          reason: 'is not a file of the run folder layout'
        });
      } else if (entry.directory !== (item.type === 'directory')) {
        report.leftAlone.push({
          name: item.name,
          reason: `is a ${item.type}, not what the layout has there`
        });
      } else {
        entries.push({ ...entry, name: item.name, item });
      }
    }
    return entries;
  }

  /**
   * Delete some entries of one run in `parent` (the trash): the artifacts
   * folder first (its run file says which artifacts it holds), the run file
   * last. Whether every entry is gone.
   */
  private async _deleteEntries(
    parent: string,
    entries: readonly IEntry[],
    report: ITrashReport
  ): Promise<boolean> {
    let all = true;
    const sorted = [...entries].sort(
      (a, b) =>
        (a.part === 'artifacts' ? -1 : a.part === 'run' ? 1 : 0) -
        (b.part === 'artifacts' ? -1 : b.part === 'run' ? 1 : 0)
    );
    for (const entry of sorted) {
      const path = safeJoin(parent, entry.name);
      if (entry.part !== 'artifacts') {
        await this._deleteFile(path);
        report.deleted.push(entry.name);
        continue;
      }
      const recorded = await this._recordedArtifacts(parent, entry.id);
      const children = (await this._listing(path)) ?? [];
      let kept = 0;
      for (const child of children) {
        const name = `${entry.name}/${child.name}`;
        if (child.type !== 'directory' && recorded.has(child.name)) {
          await this._deleteFile(child.path);
          report.deleted.push(name);
        } else {
          kept++;
          report.leftAlone.push({
            name,
            reason: 'is not an artifact its run file records'
          });
        }
      }
      if (kept === 0) {
        await this._deleteFile(path);
        report.deleted.push(entry.name);
      } else {
        all = false;
        report.leftAlone.push({
          name: entry.name,
          reason: 'still holds entries that are not its run’s artifacts'
        });
      }
    }
    return all;
  }

  /** The artifact file names a run file (in `parent`) records. */
  private async _recordedArtifacts(
    parent: string,
    runId: string
  ): Promise<Set<string>> {
    const names = new Set<string>();
    try {
      const model = await this._contents.get(
        safeJoin(parent, `${runId}.json`),
        { type: 'file', format: 'text', content: true }
      );
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

  /** Directory items of a folder, or null when it does not exist. */
  private async _listing(folder: string): Promise<Contents.IModel[] | null> {
    try {
      const model = await this._contents.get(folder, { content: true });
      return model.content as Contents.IModel[];
    } catch (error) {
      if (isNotFound(error)) {
        return null;
      }
      throw error;
    }
  }

  private async _deleteFile(path: string): Promise<void> {
    try {
      await this._contents.delete(path);
    } catch (error) {
      if (!isNotFound(error)) {
        throw error;
      }
    }
  }

  private _contents: Contents.IManager;
  private _ensureFolder: (folder: string) => Promise<void>;
}

/** One entry of a run, with its listing item. */
interface IEntry {
  id: string;
  part: RunEntryPart;
  directory: boolean;
  name: string;
  item: Contents.IModel;
}

function warnLeftAlone(folder: string, report: ITrashReport): void {
  if (report.leftAlone.length) {
    console.warn(
      `Experiment Runs: left alone in ${folder}: ` +
        report.leftAlone.map(l => `${l.name} (${l.reason})`).join('; ')
    );
  }
}

export namespace RunTrash {
  export interface IOptions {
    contents: Contents.IManager;
    ensureFolder: (folder: string) => Promise<void>;
  }
}

function checkIds(runIds: readonly string[]): Set<string> {
  for (const id of runIds) {
    if (!isRunId(id)) {
      throw new Error(`Invalid run id ${JSON.stringify(id)}`);
    }
  }
  return new Set(runIds);
}
