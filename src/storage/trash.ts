/**
 * Deleting runs, recoverably: a deleted run's files (run, series,
 * annotations, artifacts folder) move to `<stem>.runs/trash/`, out of the
 * listing that readers use, until the user empties the trash.
 */
import type { Contents } from '@jupyterlab/services';
import { loadRunFile } from '../core/history';
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

export class RunTrash {
  constructor(options: RunTrash.IOptions) {
    this._contents = options.contents;
    this._ensureFolder = options.ensureFolder;
  }

  /** Move every file of these runs into the trash. */
  async moveToTrash(folder: string, runIds: readonly string[]): Promise<void> {
    const ids = checkIds(runIds);
    const trash = safeJoin(folder, TRASH_FOLDER);
    await this._ensureFolder(trash);
    const inTrash = new Set((await this._names(trash)) ?? []);
    for (const name of (await this._names(folder)) ?? []) {
      const id = runIdOfName(name);
      if (id === null || !ids.has(id)) {
        continue;
      }
      if (inTrash.has(name)) {
        // Deleted before, restored by hand, deleted again: the newer wins.
        await this._deleteTree(safeJoin(trash, name));
      }
      await this._contents.rename(
        safeJoin(folder, name),
        safeJoin(trash, name)
      );
    }
  }

  /** Move runs back out of the trash; a run already back is left alone. */
  async restore(folder: string, runIds: readonly string[]): Promise<void> {
    const ids = checkIds(runIds);
    const trash = safeJoin(folder, TRASH_FOLDER);
    const present = new Set((await this._names(folder)) ?? []);
    for (const name of (await this._names(trash)) ?? []) {
      const id = runIdOfName(name);
      if (id !== null && ids.has(id) && !present.has(name)) {
        await this._contents.rename(
          safeJoin(trash, name),
          safeJoin(folder, name)
        );
      }
    }
  }

  /** The runs in the trash, newest first. */
  async list(folder: string): Promise<ITrashedRun[]> {
    const trash = safeJoin(folder, TRASH_FOLDER);
    const byId = new Map<string, ITrashedRun>();
    for (const name of (await this._names(trash)) ?? []) {
      const id = runIdOfName(name);
      if (id === null) {
        continue;
      }
      const item = byId.get(id) ?? { id, files: [], summary: null };
      item.files.push(name);
      byId.set(id, item);
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
    const trash = safeJoin(folder, TRASH_FOLDER);
    const names = await this._names(trash);
    if (names === null) {
      return 0;
    }
    const runs = new Set(names.map(runIdOfName).filter(id => id !== null));
    await this._deleteTree(trash);
    return runs.size;
  }

  /** Names in a folder, or null when it does not exist. */
  private async _names(folder: string): Promise<string[] | null> {
    try {
      const model = await this._contents.get(folder, { content: true });
      return (model.content as Contents.IModel[]).map(item => item.name);
    } catch (error) {
      if (isNotFound(error)) {
        return null;
      }
      throw error;
    }
  }

  /**
   * Delete a file or a folder with everything in it. Servers refuse to
   * delete a non-empty folder (or send it to an OS trash that may not
   * exist), so files go first.
   */
  private async _deleteTree(path: string): Promise<void> {
    let model: Contents.IModel;
    try {
      model = await this._contents.get(path, { content: false });
    } catch (error) {
      if (isNotFound(error)) {
        return;
      }
      throw error;
    }
    if (model.type === 'directory') {
      const listing = await this._contents.get(path, { content: true });
      for (const item of listing.content as Contents.IModel[]) {
        await this._deleteTree(item.path);
      }
    }
    await this._contents.delete(path);
  }

  private _contents: Contents.IManager;
  private _ensureFolder: (folder: string) => Promise<void>;
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
