/**
 * A run store on top of the Jupyter Contents API, so runs land wherever the
 * server's contents manager keeps files (local disk, S3, a database...).
 */
import type { Contents } from '@jupyterlab/services';
import { Signal, type ISignal } from '@lumino/signaling';
import { newestFirst, summarize, type IRunRecord } from '../core/run';
import {
  runFilePath,
  runIdFromFileName,
  runsFolder,
  safeJoin
} from '../core/paths';
import { parseRunFile, validateRun } from '../core/validate';
import type {
  IRunFileWarning,
  IRunListing,
  IRunStore,
  IRunStoreChange
} from '../tokens';
import type { IRunSummary } from '../core/run';

/** How many run files are fetched at once when listing a folder. */
const READ_CONCURRENCY = 8;

export class ContentsRunStore implements IRunStore {
  constructor(options: ContentsRunStore.IOptions) {
    this._contents = options.contents;
  }

  get changed(): ISignal<IRunStore, IRunStoreChange> {
    return this._changed;
  }

  async save(run: IRunRecord): Promise<void> {
    const valid = validateRun(run);
    if (!valid.ok) {
      throw new Error(`Refusing to write an invalid run: ${valid.reason}`);
    }
    const folder = runsFolder(run.notebookPath);
    const write = () =>
      this._contents.save(runFilePath(run.notebookPath, run.id), {
        type: 'file',
        format: 'text',
        content: JSON.stringify(run, null, 1)
      });
    await this._ensureFolder(folder);
    try {
      await write();
    } catch {
      // The folder may have been deleted by hand since we last created it.
      this._folders.delete(folder);
      await this._ensureFolder(folder);
      await write();
    }
    this._changed.emit({
      type: 'saved',
      notebookPath: run.notebookPath,
      run: summarize(run)
    });
  }

  async writeFile(
    notebookPath: string,
    relativePath: string,
    content: string,
    format: 'text' | 'base64'
  ): Promise<void> {
    const folder = runsFolder(notebookPath);
    const path = safeJoin(folder, ...relativePath.split('/'));
    await this._ensureFolder(folder);
    // Files may sit in a subfolder of the runs folder (e.g. artifacts).
    const parts = relativePath.split('/').slice(0, -1);
    for (let i = 1; i <= parts.length; i++) {
      await this._ensureFolder(safeJoin(folder, ...parts.slice(0, i)));
    }
    await this._contents.save(path, { type: 'file', format, content });
  }

  async list(notebookPath: string): Promise<IRunListing> {
    const folder = runsFolder(notebookPath);
    let listing: Contents.IModel;
    try {
      listing = await this._contents.get(folder, { content: true });
    } catch (error) {
      if (isNotFound(error)) {
        return { notebookPath, runs: [], warnings: [] };
      }
      throw error;
    }
    const files = (listing.content as Contents.IModel[]).filter(
      item => item.type === 'file' && runIdFromFileName(item.name) !== null
    );
    const runs: IRunSummary[] = [];
    const warnings: IRunFileWarning[] = [];
    await forEachLimited(files, READ_CONCURRENCY, async file => {
      const result = await this._read(file.path);
      if (result.ok) {
        runs.push(summarize(result.run));
      } else {
        warnings.push({ path: file.path, reason: result.reason });
      }
    });
    runs.sort(newestFirst);
    warnings.sort((a, b) => a.path.localeCompare(b.path));
    return { notebookPath, runs, warnings };
  }

  async get(notebookPath: string, runId: string): Promise<IRunRecord> {
    const path = runFilePath(notebookPath, runId);
    const result = await this._read(path);
    if (!result.ok) {
      throw new Error(`${path}: ${result.reason}`);
    }
    return result.run;
  }

  private async _read(
    path: string
  ): Promise<{ ok: true; run: IRunRecord } | { ok: false; reason: string }> {
    let model: Contents.IModel;
    try {
      model = await this._contents.get(path, {
        type: 'file',
        format: 'text',
        content: true
      });
    } catch (error) {
      return { ok: false, reason: `could not be read (${describe(error)})` };
    }
    if (typeof model.content !== 'string') {
      return { ok: false, reason: 'is not a text file' };
    }
    const parsed = parseRunFile(model.content);
    if (parsed.ok && parsed.run.id !== runIdFromFileName(model.name)) {
      return { ok: false, reason: 'its id does not match its file name' };
    }
    return parsed;
  }

  private async _ensureFolder(folder: string): Promise<void> {
    if (this._folders.has(folder)) {
      return;
    }
    try {
      await this._contents.get(folder, { content: false });
    } catch (error) {
      if (!isNotFound(error)) {
        throw error;
      }
      // PUT of a directory model creates it at exactly this path.
      await this._contents.save(folder, { type: 'directory' });
    }
    this._folders.add(folder);
  }

  private _contents: Contents.IManager;
  private _folders = new Set<string>();
  private _changed = new Signal<IRunStore, IRunStoreChange>(this);
}

export namespace ContentsRunStore {
  export interface IOptions {
    /** The server's contents manager (`app.serviceManager.contents`). */
    contents: Contents.IManager;
  }
}

function isNotFound(error: unknown): boolean {
  const status = (error as { response?: { status?: number } })?.response
    ?.status;
  return status === 404;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Run `task` over `items` with at most `limit` in flight. */
async function forEachLimited<T>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<void>
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      await task(items[next++]);
    }
  };
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, worker)
  );
}
