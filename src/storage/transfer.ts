/**
 * Export and import of run histories through the Contents API: a notebook
 * with its runs embedded, a zip of notebook + runs folder, the runs table as
 * CSV or JSON, and the way back. The pure formats are in the history core
 * (bundle.ts, embedFiles.ts, zip.ts, tableExport.ts); this reads and writes
 * the files.
 *
 * Round trip: every file comes back byte-identical. Run and series files
 * are embedded as data and written back in their one serialized form
 * (`serializeRunFile`, `serializeSeriesFile`), which is how the store writes
 * them; a run or series file in any other form (an older version's key
 * order, a hand edit, another tool) travels as its bytes too, and those are
 * what is restored. Manifest shards (a cache) and the trash are not
 * embedded in a notebook; a zip carries the folder exactly as it is —
 * except what lies behind a symbolic link that leads out of the runs
 * folder (the server extension says which), which is left out and listed
 * in the export's report. Imports never write through such a link.
 */
import type { Contents } from '@jupyterlab/services';
import {
  base64ToBytes,
  bundleToZip,
  bytesToBase64,
  checkTree,
  classifyName,
  embedFiles,
  embedRuns,
  extractFiles,
  extractRuns,
  folderLink,
  linkAt,
  linkReason,
  loadRunFile,
  loadSeriesFile,
  runsToCsv,
  runsToJson,
  serializeRunFile,
  serializeSeriesFile,
  zipToBundle,
  type IBundleFile,
  type INotebookLike,
  type LinkCheck,
  type RunSeries
} from '../core/history';
import {
  notebookStem,
  runsFolder,
  safeJoin,
  validateRelativePath
} from '../core/paths';
import type { IRunRecord } from '../core/run';
import type { IRunStore } from '../tokens';
import { isNotFound } from './contentsErrors';
import { NO_LINK_CHECK, type ILinkChecker } from './linkChecker';
import { TRASH_FOLDER } from './trash';
import { JOURNAL_FOLDER } from '../core/capture/journal';

/** What an import or restore did. */
export interface IImportReport {
  /** Server paths written. */
  written: string[];
  /** Server paths left alone because they already existed. */
  existing: string[];
  /** Entries refused, with the reason. */
  rejected: string[];
}

/** An entry an export left out, and why (server path). */
export interface ISkippedEntry {
  path: string;
  reason: string;
}

/** Where an export was written and what it left out. */
export interface IExportReport {
  /** Server path of the export. */
  path: string;
  /** Entries reached through a link leading out of the runs folder. */
  skipped: ISkippedEntry[];
  /** Set when links could not be checked (no server extension): why. */
  unchecked?: string;
}

/** A runs folder found in a directory. */
export interface IRunsFolderInfo {
  folder: string;
  /** The notebook it belongs to (it may be gone). */
  notebookPath: string;
  hasNotebook: boolean;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function dirOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '' : path.slice(0, slash);
}

function nameOf(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/**
 * A folder to import into, relative to the server root; throws for one that
 * is not: the root itself (`/`, `''`), an absolute path (`/x`, `\\x`,
 * `C:/x`), a path with `.` or `..` segments, an empty segment (`a//b`), or
 * any name the path rules refuse (`validateRelativePath`). A single
 * trailing `/` is allowed. Hidden folder names are allowed.
 */
export function importTarget(target: unknown): string {
  if (typeof target !== 'string') {
    throw new Error('The import folder must be a path');
  }
  const trimmed = target.length > 1 ? target.replace(/\/$/, '') : target;
  const check = validateRelativePath(trimmed, { allowHidden: true });
  if (!check.ok) {
    throw new Error(
      `The import folder ${JSON.stringify(target)} ${trimmed === '' || trimmed === '/' ? 'is the server root' : check.reason}: give a folder inside the server root`
    );
  }
  return trimmed;
}

export class HistoryTransfer {
  constructor(options: HistoryTransfer.IOptions) {
    this._contents = options.contents;
    this._store = options.store;
    this._links = options.links ?? NO_LINK_CHECK;
  }

  /**
   * Every file under a folder, paths relative to it, bytes as stored.
   * `skip` names top-level entries to leave out. Nothing is read through a
   * symbolic link that leads out of the runs folder (`check`, from the
   * server extension): such an entry, or the whole folder when it is one,
   * is listed in `skipped` instead.
   */
  async readTree(
    folder: string,
    skip: (name: string) => boolean = () => false,
    check: LinkCheck = { checked: true, complete: true, links: [] }
  ): Promise<{ files: IBundleFile[]; skipped: ISkippedEntry[] }> {
    const files: IBundleFile[] = [];
    const skipped: ISkippedEntry[] = [];
    const whole = folderLink(check);
    if (whole) {
      return {
        files,
        skipped: [{ path: folder, reason: linkReason(whole, whole.path) }]
      };
    }
    const walk = async (path: string, prefix: string) => {
      const model = await this._contents.get(path, { content: true });
      for (const item of model.content as Contents.IModel[]) {
        const relative = prefix ? `${prefix}/${item.name}` : item.name;
        if (!prefix && skip(item.name)) {
          continue;
        }
        const link = linkAt(check, item.path);
        if (link) {
          skipped.push({ path: relative, reason: linkReason(link, item.path) });
        } else if (item.type === 'directory') {
          await walk(item.path, relative);
        } else {
          files.push({ path: relative, data: await this.readBytes(item.path) });
        }
      }
    };
    try {
      await walk(folder, '');
    } catch (error) {
      if (!isNotFound(error)) {
        throw error;
      }
    }
    return { files: files.sort((a, b) => (a.path < b.path ? -1 : 1)), skipped };
  }

  async readBytes(path: string): Promise<Uint8Array> {
    const model = await this._contents.get(path, {
      type: 'file',
      format: 'base64',
      content: true
    });
    return base64ToBytes(String(model.content));
  }

  /**
   * Write `<stem>-with-runs.ipynb` beside the notebook; its path and what
   * was left out (entries reached through links leading out of the runs
   * folder), or why links could not be checked.
   */
  async exportNotebook(notebookPath: string): Promise<IExportReport> {
    const notebook = await this._readNotebook(notebookPath);
    const folder = runsFolder(notebookPath);
    const check = await this._links.check(folder);
    const { files, skipped } = await this.readTree(
      folder,
      name =>
        name === TRASH_FOLDER ||
        name === JOURNAL_FOLDER ||
        classifyName(name).kind === 'manifest',
      check
    );
    const runs: IRunRecord[] = [];
    const series: Record<string, RunSeries> = {};
    const others: IBundleFile[] = [];
    for (const file of files) {
      const kind = file.path.includes('/')
        ? { kind: 'other' as const }
        : classifyName(file.path);
      if (kind.kind === 'run') {
        const text = decoder.decode(file.data);
        const loaded = loadRunFile(text, { expectedId: kind.id });
        if (loaded.ok) {
          runs.push(loaded.run);
          // Restored from the data, it would not be this file: keep its bytes.
          if (serializeRunFile(loaded.run) !== text) {
            others.push(file);
          }
          continue;
        }
      } else if (kind.kind === 'series') {
        const text = decoder.decode(file.data);
        const loaded = loadSeriesFile(text, { expectedId: kind.id });
        if (loaded.ok && serializeSeriesFile(kind.id, loaded.series) === text) {
          series[kind.id] = loaded.series;
          continue;
        }
        // Series can be large: one not in the store's form travels as bytes only.
      }
      // Anything else, unreadable files included, travels as bytes.
      others.push(file);
    }
    const withRuns = embedFiles(embedRuns(notebook, runs, series), others);
    const target = safeJoin(
      dirOf(notebookPath),
      `${notebookStem(notebookPath)}-with-runs.ipynb`
    );
    await this._contents.save(target, {
      type: 'notebook',
      format: 'json',
      content: withRuns
    });
    return exportReport(target, folder, skipped, check);
  }

  /**
   * Write `<stem>-with-runs.zip` (notebook + runs folder) beside it; its
   * path and what was left out, as `exportNotebook`.
   */
  async exportZip(notebookPath: string): Promise<IExportReport> {
    const dir = dirOf(notebookPath);
    const folder = runsFolder(notebookPath);
    const prefix = nameOf(folder);
    const check = await this._links.check(folder);
    // The kernel's journal is working state: its runs travel as run files.
    const tree = await this.readTree(
      folder,
      name => name === JOURNAL_FOLDER,
      check
    );
    const files: IBundleFile[] = [
      { path: nameOf(notebookPath), data: await this.readBytes(notebookPath) },
      ...tree.files.map(f => ({ path: `${prefix}/${f.path}`, data: f.data }))
    ];
    const target = safeJoin(dir, `${notebookStem(notebookPath)}-with-runs.zip`);
    await this._contents.save(target, {
      type: 'file',
      format: 'base64',
      content: bytesToBase64(bundleToZip(files))
    });
    return exportReport(target, folder, tree.skipped, check);
  }

  /** Write the runs table beside the notebook as CSV or JSON. */
  async exportTable(
    notebookPath: string,
    format: 'csv' | 'json'
  ): Promise<string> {
    const { runs } = await this._store.list(notebookPath, { current: true });
    const target = safeJoin(
      dirOf(notebookPath),
      `${notebookStem(notebookPath)}-runs.${format}`
    );
    await this._contents.save(target, {
      type: 'file',
      format: 'text',
      content: format === 'csv' ? runsToCsv(runs) : runsToJson(runs)
    });
    return target;
  }

  /**
   * How many runs embedded in a notebook are not beside it yet (0 when
   * none, or all are restored already).
   */
  async embeddedToRestore(notebookPath: string): Promise<number> {
    const notebook = await this._readNotebook(notebookPath);
    const { runs } = extractRuns(notebook);
    if (runs.length === 0) {
      return 0;
    }
    const present = new Set(await this._names(runsFolder(notebookPath)));
    return runs.filter(run => !present.has(`${run.id}.json`)).length;
  }

  /** Write the runs embedded in a notebook into its runs folder. */
  async restoreEmbedded(notebookPath: string): Promise<IImportReport> {
    const notebook = await this._readNotebook(notebookPath);
    const extracted = extractRuns(notebook);
    const embedded = extractFiles(notebook);
    const report: IImportReport = {
      written: [],
      existing: [],
      rejected: [
        ...(extracted.problem ? [extracted.problem] : []),
        ...extracted.rejected.map(r => r.reason),
        ...embedded.rejected.map(r => r.reason)
      ]
    };
    const folder = runsFolder(notebookPath);
    // A run file that travelled as bytes too is restored from its bytes.
    const runPaths = new Set(extracted.runs.map(run => `${run.id}.json`));
    const asBytes = new Map(
      embedded.files.filter(f => runPaths.has(f.path)).map(f => [f.path, f])
    );
    const files: IBundleFile[] = embedded.files.filter(
      f => !asBytes.has(f.path)
    );
    for (const [id, series] of Object.entries(extracted.series)) {
      files.push({
        path: `${id}.series.json`,
        data: encoder.encode(serializeSeriesFile(id, series))
      });
    }
    // Run files last: they are the commit point readers trust.
    for (const run of extracted.runs) {
      const path = `${run.id}.json`;
      const bytes = asBytes.get(path);
      const loaded = bytes
        ? loadRunFile(decoder.decode(bytes.data), {
            fileName: `embedded file ${path}`,
            expectedId: run.id
          })
        : null;
      if (loaded && !loaded.ok) {
        report.rejected.push(`${loaded.reason}; restored from its data`);
      }
      files.push(
        bytes && loaded?.ok
          ? bytes
          : { path, data: encoder.encode(serializeRunFile(run)) }
      );
    }
    await this._writeAll(folder, files, report);
    return report;
  }

  /**
   * Unpack a zip bundle into `target` (default: a folder named after the
   * zip, beside it), a folder path relative to the server root: `/`,
   * absolute paths, `..`, empty segments and names the path rules refuse
   * are refused (`importTarget`). Nothing is overwritten; run files are
   * checked like any run file; refused entries are listed one by one and
   * every other entry is written.
   */
  async importZip(
    zipPath: string,
    target?: string
  ): Promise<IImportReport & { folder: string }> {
    const folder =
      target !== undefined
        ? importTarget(target)
        : safeJoin(
            dirOf(zipPath),
            nameOf(zipPath).replace(/\.zip$/i, '') || 'bundle'
          );
    const unzipped = zipToBundle(await this.readBytes(zipPath));
    if (!unzipped.ok) {
      throw new Error(`${zipPath} ${unzipped.reason}`);
    }
    const report: IImportReport = {
      written: [],
      existing: [],
      rejected: unzipped.skipped.map(s => `${s.path} ${s.reason}`)
    };
    const accepted: IBundleFile[] = [];
    for (const file of unzipped.files) {
      const segments = file.path.split('/');
      const kind =
        segments.length === 2 && segments[0].endsWith('.runs')
          ? classifyName(segments[1])
          : { kind: 'other' as const };
      if (kind.kind === 'run') {
        const loaded = loadRunFile(decoder.decode(file.data), {
          fileName: file.path,
          expectedId: kind.id
        });
        if (!loaded.ok) {
          report.rejected.push(loaded.reason);
          continue;
        }
      }
      accepted.push(file);
    }
    // Notebooks and run files after everything else.
    const rank = (f: IBundleFile) =>
      f.path.endsWith('.ipynb')
        ? 2
        : /\/[0-9A-Z]{26}\.json$/.test(f.path)
          ? 1
          : 0;
    accepted.sort((a, b) => rank(a) - rank(b));
    await this._writeAll(folder, accepted, report);
    return { ...report, folder };
  }

  /** The runs folders in a directory, and whether their notebook exists. */
  async findRunsFolders(dir: string): Promise<IRunsFolderInfo[]> {
    const model = await this._contents.get(dir, { content: true });
    const items = model.content as Contents.IModel[];
    const names = new Set(items.map(i => i.name));
    return items
      .filter(
        i =>
          i.type === 'directory' &&
          i.name.endsWith('.runs') &&
          i.name !== '.runs'
      )
      .map(i => {
        const stem = i.name.slice(0, -'.runs'.length);
        const notebook = [...names].find(
          n =>
            n !== i.name && n.startsWith(`${stem}.`) && runsFolder(n) === i.name
        );
        // Names the server listed exist on its disk: any legal name (`:`,
        // `?`, `%41`…) is kept as it is, not checked as untrusted content.
        const name = notebook ?? `${stem}.ipynb`;
        return {
          folder: i.path,
          notebookPath: dir ? `${dir.replace(/\/+$/, '')}/${name}` : name,
          hasNotebook: notebook !== undefined
        };
      })
      .sort((a, b) => (a.folder < b.folder ? -1 : 1));
  }

  /**
   * Write files under `folder`, entry by entry: an entry that cannot be
   * written (a name clash within the import, a file on the server where a
   * folder is needed, a folder where a file goes, a server refusal) is
   * listed in `report.rejected` with the reason, and the others are still
   * written. Existing files are never overwritten.
   */
  private async _writeAll(
    folder: string,
    files: readonly IBundleFile[],
    report: IImportReport
  ): Promise<void> {
    // What is already there, from listings, never from a request that
    // answers 404 (a red line in the console): a folder's entries, or null
    // when it does not exist. The notebook's own folder exists.
    const listings = new Map<string, Promise<Map<string, string> | null>>();
    const top = dirOf(folder);
    const list = (dir: string): Promise<Map<string, string> | null> => {
      let listed = listings.get(dir);
      if (!listed) {
        listed = (async () => {
          if (dir !== top && dir !== '') {
            const type = (await list(dirOf(dir)))?.get(nameOf(dir));
            if (type === undefined) {
              return null;
            }
            if (type !== 'directory') {
              throw new Error(`${dir} is a file on the server, not a folder`);
            }
          }
          const model = await this._contents.get(dir, { content: true });
          return new Map(
            (model.content as Contents.IModel[]).map(i => [i.name, i.type])
          );
        })();
        listings.set(dir, listed);
      }
      return listed;
    };
    const folders = new Map<string, Promise<void>>();
    const ensure = (dir: string): Promise<void> => {
      if (dir === '' || dir === top) {
        return Promise.resolve();
      }
      let made = folders.get(dir);
      if (!made) {
        made = (async () => {
          await ensure(dirOf(dir));
          if ((await list(dir)) === null) {
            await this._contents.save(dir, { type: 'directory' });
            listings.set(dir, Promise.resolve(new Map()));
          }
        })();
        folders.set(dir, made);
      }
      return made;
    };
    const tree = checkTree(files);
    for (const r of tree.rejected) {
      report.rejected.push(`${r.path} ${r.reason}`);
    }
    // Never write through a link that leads out of the folder written to.
    const links = await this._links.check(folder);
    for (const file of tree.accepted) {
      const check = validateRelativePath(file.path);
      if (!check.ok) {
        report.rejected.push(`${file.path} ${check.reason}`);
        continue;
      }
      try {
        const path = safeJoin(folder, ...file.path.split('/'));
        const link = folderLink(links) ?? linkAt(links, path);
        if (link) {
          report.rejected.push(`${file.path} ${linkReason(link, path)}`);
          continue;
        }
        await ensure(dirOf(path));
        const existing = (await list(dirOf(path)))?.get(nameOf(path));
        if (existing === 'directory') {
          report.rejected.push(
            `${file.path} is a file, but ${path} is a folder on the server`
          );
          continue;
        }
        if (existing) {
          report.existing.push(path);
          continue;
        }
        await this._contents.save(path, {
          type: 'file',
          format: 'base64',
          content: bytesToBase64(file.data)
        });
        report.written.push(path);
      } catch (error) {
        report.rejected.push(
          `${file.path} could not be written: ${error instanceof Error ? error.message : String(error)}`
        );
      }
    }
  }

  private async _readNotebook(path: string): Promise<INotebookLike> {
    const model = await this._contents.get(path, {
      type: 'notebook',
      content: true
    });
    return model.content as INotebookLike;
  }

  /** The names in a folder; none when it does not exist (its parent says). */
  private async _names(folder: string): Promise<string[]> {
    const parent = await this._contents.get(dirOf(folder), { content: true });
    if (
      !(parent.content as Contents.IModel[]).some(
        i => i.name === nameOf(folder) && i.type === 'directory'
      )
    ) {
      return [];
    }
    try {
      const model = await this._contents.get(folder, { content: true });
      return (model.content as Contents.IModel[]).map(i => i.name);
    } catch (error) {
      if (isNotFound(error)) {
        return [];
      }
      throw error;
    }
  }

  private _contents: Contents.IManager;
  private _links: ILinkChecker;
  private _store: IRunStore;
}

export namespace HistoryTransfer {
  export interface IOptions {
    contents: Contents.IManager;
    store: IRunStore;
    /**
     * Which symbolic links lead out of a runs folder (the server
     * extension); by default none are checked, and exports say so.
     */
    links?: ILinkChecker;
  }
}

function exportReport(
  path: string,
  folder: string,
  skipped: ISkippedEntry[],
  check: LinkCheck
): IExportReport {
  const report: IExportReport = {
    path,
    skipped: skipped.map(s => ({
      path: s.path === folder ? s.path : `${folder}/${s.path}`,
      reason: s.reason
    }))
  };
  if (!check.checked) {
    report.unchecked = check.reason;
  } else if (!check.complete) {
    report.unchecked =
      'the server stopped checking links in a very large folder';
  }
  return report;
}
