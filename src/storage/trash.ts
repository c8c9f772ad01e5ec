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
 * other entry of the trash — is left alone and named in the report.
 *
 * Links: the Contents API cannot tell a symbolic link from what it points
 * to, so each operation first asks the server extension (`ILinkChecker`)
 * which links lead out of the runs folder. A runs folder or trash that is
 * such a link refuses the operation whole; an entry that is one (or lies
 * under one) is left alone and named. Without the extension, a trash that
 * holds anything the layout does not define is not emptied at all.
 */
import type { Contents } from '@jupyterlab/services';
import {
  folderLink,
  linkAt,
  linkReason,
  loadRunFile,
  runEntryOf,
  type LinkCheck,
  type RunEntryPart
} from '../core/history';
import { isRunId } from '../core/id';
import { safeJoin } from '../core/paths';
import { summarize } from '../core/run';
import type { ITrashedRun, ITrashReport } from '../tokens';
import { ContentsFolderLister, type IFolderLister } from './folderLister';
import { NO_LINK_CHECK, type ILinkChecker } from './linkChecker';
import {
  emptyPlan,
  executePlan,
  planRunDeletion,
  type IRunEntry
} from './trashDeletion';

export type { ITrashReport } from '../tokens';

/** The trash folder inside a runs folder. */
export const TRASH_FOLDER = 'trash';

/** The run id a file of a runs folder belongs to, from its name. */
export function runIdOfName(name: string): string | null {
  const dot = name.indexOf('.');
  const id = dot < 0 ? name : name.slice(0, dot);
  return isRunId(id) ? id : null;
}

/** Order in which a run's entries move or go: run file first, series last. */
const PART_ORDER: Record<RunEntryPart, number> = {
  run: 0,
  annotations: 1,
  artifacts: 2,
  series: 3
};

function emptyReport(check: LinkCheck): ITrashReport {
  const report: ITrashReport = { moved: [], deleted: [], leftAlone: [] };
  if (!check.checked) {
    report.unchecked = check.reason;
  } else if (!check.complete) {
    report.unchecked =
      'the server stopped checking links in a very large folder';
  }
  return report;
}

export class RunTrash {
  constructor(options: RunTrash.IOptions) {
    this._contents = options.contents;
    this._ensureFolder = options.ensureFolder;
    this._links = options.links ?? NO_LINK_CHECK;
    this._lister = options.lister ?? new ContentsFolderLister(options.contents);
  }

  /**
   * Move the layout's entries of these runs into the trash; any other entry
   * named after them, and any that is a link leading out of the runs
   * folder, is left alone (and named in the report).
   */
  async moveToTrash(
    folder: string,
    runIds: readonly string[]
  ): Promise<ITrashReport> {
    const ids = checkIds(runIds);
    const trash = safeJoin(folder, TRASH_FOLDER);
    const { check, report } = await this._guard(folder, trash);
    if (report.refused) {
      return report;
    }
    await this._ensureFolder(trash);
    const entries = this._runEntries(
      folder,
      (await this._list(folder)) ?? [],
      ids,
      report,
      check
    );
    // Deleted before, restored by hand, deleted again: the newer wins, so
    // the older copies in the trash go first (all of a run's, read with
    // their own run file).
    const older = this._runEntries(
      trash,
      (await this._list(trash)) ?? [],
      new Set(entries.map(e => e.id)),
      emptyReport(check),
      check
    );
    const plan = emptyPlan();
    for (const id of new Set(older.map(e => e.id))) {
      await planRunDeletion(
        this._contents,
        trash,
        older.filter(e => e.id === id),
        check,
        plan
      );
    }
    if (!trusted(check) && plan.leftAlone.length > 0) {
      plan.deletions = []; // see emptyWithReport: nothing deleted unchecked
    }
    report.deleted.push(...(await executePlan(this._contents, plan)));
    const stillInTrash = new Set(
      ((await this._list(trash)) ?? []).map(i => i.name)
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
    const { check, report } = await this._guard(folder, trash);
    if (report.refused) {
      return report;
    }
    const present = new Set(
      ((await this._list(folder)) ?? []).map(i => i.name)
    );
    const entries = this._runEntries(
      trash,
      (await this._list(trash)) ?? [],
      ids,
      report,
      check
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
    warnLeftAlone(trash, report);
    return report;
  }

  /** The runs in the trash, newest first (the layout's entries only). */
  async list(folder: string): Promise<ITrashedRun[]> {
    const trash = safeJoin(folder, TRASH_FOLDER);
    const byId = new Map<string, ITrashedRun>();
    for (const item of (await this._list(trash)) ?? []) {
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
   * deleted and what was left alone. The trash folder itself stays. When
   * links could not be checked and the trash holds anything the layout does
   * not define (a sign that it may be a link to a folder elsewhere),
   * nothing is deleted.
   */
  async emptyWithReport(
    folder: string
  ): Promise<ITrashReport & { runs: number }> {
    const trash = safeJoin(folder, TRASH_FOLDER);
    const { check, report } = await this._guard(folder, trash);
    const items = report.refused ? null : await this._list(trash);
    if (items === null) {
      return { ...report, runs: 0 };
    }
    const byId = new Map<string, IRunEntry[]>();
    for (const item of items) {
      const entry = runEntryOf(item.name);
      const link = linkAt(check, item.path);
      if (
        link ||
        entry === null ||
        entry.directory !== (item.type === 'directory')
      ) {
        report.leftAlone.push({
          name: item.name,
          reason: link
            ? linkReason(link, item.path)
            : entry === null
              ? 'is not a file of the run folder layout'
              : `is a ${item.type}, not what the layout has there`
        });
        continue;
      }
      const list = byId.get(entry.id) ?? [];
      list.push({ ...entry, name: item.name, item });
      byId.set(entry.id, list);
    }
    const plan = emptyPlan();
    for (const entries of byId.values()) {
      await planRunDeletion(this._contents, trash, entries, check, plan);
    }
    report.leftAlone.push(...plan.leftAlone);
    if (!trusted(check) && report.leftAlone.length > 0) {
      report.refused = `${trash} holds entries that are not the run folder layout's, and ${report.unchecked}: nothing was deleted`;
      warnLeftAlone(trash, report);
      return { ...report, runs: 0 };
    }
    report.deleted.push(...(await executePlan(this._contents, plan)));
    warnLeftAlone(trash, report);
    return { ...report, runs: plan.runs.size };
  }

  /**
   * Ask which links lead out of the runs folder; refuse the operation
   * when the folder itself (or a parent) or its trash is one.
   */
  private async _guard(
    folder: string,
    trash: string
  ): Promise<{ check: LinkCheck; report: ITrashReport }> {
    const check = await this._links.check(folder);
    const report = emptyReport(check);
    const link = folderLink(check) ?? linkAt(check, trash);
    if (link) {
      const reason = linkReason(link, link.path);
      report.leftAlone.push({ name: link.path, reason });
      report.refused = `${link.path} ${reason}: nothing was moved or deleted`;
      warnLeftAlone(folder, report);
    }
    return { check, report };
  }

  /**
   * The layout's entries of these runs in a listing of `parent`; other
   * names that start with one of the ids, and links leading out of the
   * runs folder, are reported as left alone.
   */
  private _runEntries(
    parent: string,
    items: readonly Contents.IModel[],
    ids: ReadonlySet<string>,
    report: ITrashReport,
    check: LinkCheck
  ): IRunEntry[] {
    const entries: IRunEntry[] = [];
    for (const item of items) {
      const id = runIdOfName(item.name);
      if (id === null || !ids.has(id)) {
        continue;
      }
      const entry = runEntryOf(item.name);
      // The listing's own path: a name the path rules refuse is still named.
      const path = item.path || `${parent}/${item.name}`;
      const link = linkAt(check, path);
      if (link) {
        report.leftAlone.push({
          name: item.name,
          reason: linkReason(link, path)
        });
      } else if (entry === null || entry.id !== id) {
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

  private _contents: Contents.IManager;
  private _ensureFolder: (folder: string) => Promise<void>;
  /** A folder's entries, or null when it does not exist. */
  private async _list(folder: string): Promise<Contents.IModel[] | null> {
    const model = await this._lister.list(folder);
    return model ? (model.content as Contents.IModel[]) : null;
  }

  private _links: ILinkChecker;
  private _lister: IFolderLister;
}

/** Whether every link of the folder is known (the server checked it all). */
function trusted(check: LinkCheck): boolean {
  return check.checked && check.complete;
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
    /** Which links lead out of a runs folder; none checked by default. */
    links?: ILinkChecker;
    /**
     * How folders are listed (the server extension's, where a trash not
     * made yet is a 200 "does not exist", not a 404); the Contents API's by
     * default.
     */
    lister?: IFolderLister;
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
