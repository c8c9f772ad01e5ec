/**
 * The run store: runs as files beside their notebook, through the Jupyter
 * Contents API (so they land wherever the server keeps files), made durable
 * and fast by the browser's database.
 *
 * - `save` commits a run to the outbox (IndexedDB) and returns; the outbox
 *   writes it to the server, retrying with backoff (outbox.ts).
 * - `list` answers from what this page (or its IndexedDB copy) knows of the
 *   folder and revalidates it in the background: one request for the
 *   folder's time, a listing only when it moved, run files read in the
 *   background (folderIndex.ts). `listingChanged` brings what that finds;
 *   `watch` keeps a notebook's folder current while it is shown.
 * - The user's annotations and the trash are files of the folder too
 *   (docs/RUN_FOLDER.md), so they travel with it.
 */
import type { Contents } from '@jupyterlab/services';
import type { IDisposable } from '@lumino/disposable';
import type { Poll } from '@lumino/polling';
import { Signal, type ISignal } from '@lumino/signaling';
import {
  annotationsFileName,
  applyAnnotationPatch,
  loadAnnotationsFile,
  loadRunFile,
  loadSeriesFile,
  makeEntry,
  serializeAnnotations,
  serializeRunFile,
  serializeSeriesFile,
  seriesFileName,
  summarizeRun,
  validateAnnotation,
  type IListingEntry,
  type IRunAnnotation,
  type RunSeries
} from '../core/history';
import { folderLink, linkReason } from '../core/history/links';
import {
  runFilePath,
  runsFolder,
  safeJoin,
  splitPath,
  validateRelativePath
} from '../core/paths';
import { mergeSummaries, type IRunRecord, type IRunSummary } from '../core/run';
import { validateRun } from '../core/validate';
import type {
  IListOptions,
  IRunListing,
  IRunStore,
  IRunStoreChange,
  IRunStoreStatus,
  ITrashedRun,
  ITrashReport
} from '../tokens';
import type { IFileSaver } from './backgroundSaver';
import { isMissingPath, isNotFound } from './contentsErrors';
import { ContentsFolderLister, type IFolderLister } from './folderLister';
import { FolderIndex, type IFolderView } from './folderIndex';
import { NO_LINK_CHECK, type ILinkChecker } from './linkChecker';
import { MemoryHistoryCache, type IHistoryCache } from './historyCache';
import {
  MemoryOutboxStorage,
  Outbox,
  type IClock,
  type IBackoff,
  type IOutboxEntry,
  type IOutboxWritten,
  type IRunTexts,
  type IOutboxStatus,
  type IOutboxStorage
} from './outbox';
import { RunTrash } from './trash';

export class ContentsRunStore implements IRunStore {
  constructor(options: ContentsRunStore.IOptions) {
    this._contents = options.contents;
    this._saver = options.saver ?? options.contents;
    this._lister = options.lister ?? new ContentsFolderLister(options.contents);
    this._index = new FolderIndex({
      contents: this._contents,
      lister: this._lister,
      cacheReadTimeoutMs: options.cacheReadTimeoutMs,
      saver: this._saver,
      cache: options.cache ?? new MemoryHistoryCache(),
      writerId: options.writerId,
      shardDelayMs: options.shardDelayMs,
      shardIntervalMs: options.shardIntervalMs,
      pollIntervalMs: options.pollIntervalMs,
      ownWritesMinRuns: options.ownWritesMinRuns,
      standby: options.standby
    });
    this._index.changed.connect(this._onFolderChanged, this);
    this._outbox = new Outbox({
      storage: options.outbox ?? new MemoryOutboxStorage(),
      write: entry => this._write(entry),
      clock: options.clock,
      backoff: options.backoff,
      random: options.random
    });
    this._outbox.statusChanged.connect(this._onOutboxStatus, this);
    this._links = options.links ?? NO_LINK_CHECK;
    this._trash = new RunTrash({
      contents: this._contents,
      ensureFolder: folder => this._ensureFolder(folder),
      links: this._links,
      lister: this._lister
    });
    this._ready = this._outbox.start();
  }

  get changed(): ISignal<IRunStore, IRunStoreChange> {
    return this._changed;
  }

  get listingChanged(): ISignal<IRunStore, IRunListing> {
    return this._listingChanged;
  }

  get statusChanged(): ISignal<IRunStore, IRunStoreStatus> {
    return this._statusChanged;
  }

  get status(): IRunStoreStatus {
    return toStatus(this._outbox.status);
  }

  /** Resolves once runs left waiting by an earlier page are re-queued. */
  get ready(): Promise<void> {
    return this._ready;
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  async save(
    run: IRunRecord,
    options: { series?: RunSeries | null; summary?: IRunSummary } = {}
  ): Promise<void> {
    const valid = validateRun(run);
    if (!valid.ok) {
      throw new Error(`Refusing to write an invalid run: ${valid.reason}`);
    }
    // Until the outbox has it, `get` and `getSeries` answer from here: the
    // recorder shows a run as soon as it called this (a compare view then
    // reads its series at once).
    const saving = { run, series: options.series ?? null };
    this._saving.set(run.id, saving);
    let notebookPath: string;
    try {
      await this._ready;
      notebookPath = this._moved(run.notebookPath);
      await this._outbox.enqueue({
        notebookPath,
        folder: runsFolder(notebookPath),
        run,
        series: saving.series,
        texts: runTexts(run, saving.series),
        file: null
      });
    } finally {
      if (this._saving.get(run.id) === saving) {
        this._saving.delete(run.id);
      }
    }
    const series = saving.series;
    // The run as it ended, until it is written: a finished run waiting
    // for the server shows its own status, not the live "running" one.
    if (this._outbox.has(`run:${run.id}`)) {
      this._changed.emit({
        type: 'queued',
        notebookPath,
        run: {
          ...(options.summary ?? summarizeRun(run, series)),
          pending: true
        },
        seq: ++this._seq
      });
    }
  }

  async writeFile(
    notebookPath: string,
    relativePath: string,
    content: string,
    format: 'text' | 'base64'
  ): Promise<void> {
    const check = validateRelativePath(relativePath);
    if (!check.ok) {
      throw new Error(
        `Refusing to write ${JSON.stringify(relativePath)}: it ${check.reason}`
      );
    }
    await this._ready;
    const path = this._moved(notebookPath);
    await this._outbox.enqueue({
      notebookPath: path,
      folder: runsFolder(path),
      run: null,
      file: { path: relativePath, content, format }
    });
  }

  /**
   * Where a notebook is now, following the renames this store saw (its own,
   * and other clients' through the server's contents events).
   */
  resolvePath(notebookPath: string): string {
    return this._moved(notebookPath);
  }

  async list(
    notebookPath: string,
    options: IListOptions = {}
  ): Promise<IRunListing> {
    await this._ready;
    // A page still showing a notebook renamed by another client lists the
    // runs where they went.
    const folder = runsFolder(this._moved(notebookPath));
    this._noteListed(folder, notebookPath);
    // Counted before the folder is opened: a run saved meanwhile may be
    // missing from the view it gives.
    const seq = this._seq;
    const view = await this._index.open(folder, options);
    return this._listingOf(notebookPath, folder, view, seq);
  }

  watch(notebookPath: string): IDisposable {
    const folder = runsFolder(this._moved(notebookPath));
    this._noteListed(folder, notebookPath);
    return this._index.watch(folder);
  }

  /** The listing of a folder's view, with the runs still waiting here. */
  private _listingOf(
    notebookPath: string,
    folder: string,
    view: IFolderView,
    seq = this._seq
  ): IRunListing {
    const waiting = this._outbox
      .entries(folder)
      .filter(entry => entry.run !== null);
    // Nothing waiting: the folder's own list, as it is (the same array
    // while the folder is unchanged, which the runs list recognizes).
    const runs = waiting.length
      ? mergeSummaries(
          waiting.map(entry => ({
            ...summarizeRun(entry.run!, entry.series),
            pending: true
          })),
          view.runs
        )
      : view.runs;
    return {
      notebookPath,
      runs,
      warnings: view.warnings,
      pending: waiting.length,
      journal: view.journal,
      reading: view.reading,
      seq
    };
  }

  private _noteListed(folder: string, notebookPath: string): void {
    let paths = this._listed.get(folder);
    if (!paths) {
      paths = new Set();
      this._listed.set(folder, paths);
    }
    paths.add(notebookPath);
  }

  /** The index learnt something of a folder: tell who listed it. */
  private _onFolderChanged(_: FolderIndex, folder: string): void {
    const view = this._index.view(folder);
    for (const notebookPath of this._listed.get(folder) ?? []) {
      // Not the runs of a notebook renamed since (by another client): its
      // old folder, gone, would list none of them.
      if (runsFolder(this._moved(notebookPath)) === folder) {
        this._listingChanged.emit(this._listingOf(notebookPath, folder, view));
      }
    }
  }

  async get(notebookPath: string, runId: string): Promise<IRunRecord> {
    const path = runFilePath(notebookPath, runId);
    const waiting = this._outbox
      .entries(runsFolder(notebookPath))
      .find(entry => entry.run?.id === runId);
    if (waiting?.run) {
      return waiting.run;
    }
    const saving = this._saving.get(runId);
    if (saving) {
      return saving.run;
    }
    const model = await this._contents.get(path, {
      type: 'file',
      format: 'text',
      content: true
    });
    const loaded = loadRunFile(String(model.content), {
      fileName: path,
      expectedId: runId
    });
    if (!loaded.ok) {
      throw new Error(loaded.reason);
    }
    return loaded.run;
  }

  async getSeries(
    notebookPath: string,
    runId: string
  ): Promise<RunSeries | null> {
    const folder = runsFolder(notebookPath);
    const name = seriesFileName(runId);
    const waiting = this._outbox
      .entries(folder)
      .find(e => e.run?.id === runId || e.file?.path === name);
    if (waiting?.series) {
      return waiting.series;
    }
    const saving = this._saving.get(runId);
    if (!waiting && saving) {
      return saving.series;
    }
    if (!waiting && this._index.files(folder, runId)?.series === false) {
      // The listing showed no series file: no request that would 404.
      return null;
    }
    const text =
      waiting?.file?.format === 'text'
        ? waiting.file.content
        : await this._readOptional(safeJoin(folder, name));
    if (text === null) {
      return null;
    }
    const loaded = loadSeriesFile(text, { fileName: name, expectedId: runId });
    if (!loaded.ok) {
      throw new Error(loaded.reason);
    }
    return loaded.series;
  }

  async getAnnotation(
    notebookPath: string,
    runId: string
  ): Promise<IRunAnnotation> {
    const folder = runsFolder(notebookPath);
    if (this._index.files(folder, runId)?.annotations === false) {
      // The listing showed no annotation file: no request that would 404.
      return {};
    }
    return this._fetchAnnotation(notebookPath, runId);
  }

  /** The annotation file as the server has it now ({} when there is none). */
  private async _fetchAnnotation(
    notebookPath: string,
    runId: string
  ): Promise<IRunAnnotation> {
    const path = safeJoin(runsFolder(notebookPath), annotationsFileName(runId));
    try {
      const model = await this._contents.get(path, {
        type: 'file',
        format: 'text',
        content: true
      });
      const loaded = loadAnnotationsFile(String(model.content), {
        fileName: path,
        expectedId: runId
      });
      if (!loaded.ok) {
        throw new Error(loaded.reason);
      }
      return loaded.annotation;
    } catch (error) {
      if (isNotFound(error)) {
        return {};
      }
      throw error;
    }
  }

  async annotate(
    notebookPath: string,
    runId: string,
    patch: IRunAnnotation
  ): Promise<IRunAnnotation> {
    const checked = validateAnnotation(patch);
    if (typeof checked === 'string') {
      throw new Error(`Invalid annotation: it ${checked}`);
    }
    const folder = runsFolder(notebookPath);
    runFilePath(notebookPath, runId); // refuses an id that is not a ULID
    // Read the current file just before writing it: the window in which a
    // concurrent edit of the same run could be lost is one round trip. The
    // folder is revalidated first (a stat; a listing only if it changed):
    // when it has no annotation file for the run, none is asked for (a 404
    // is a red line in the console).
    await this._index.open(folder, { current: true });
    const current =
      this._index.files(folder, runId)?.annotations === false
        ? {}
        : await this._fetchAnnotation(notebookPath, runId);
    const next = applyAnnotationPatch(current, patchOf(patch));
    await this._ensureFolder(folder);
    // Not one of the writes the folder's view notes: a window of this
    // page's own writes (a shard's) open meanwhile must not take the
    // folder's new time as known, or the file would never be read.
    await this._index.outsideWrite(folder, () =>
      this._contents.save(safeJoin(folder, annotationsFileName(runId)), {
        type: 'file',
        format: 'text',
        content: serializeAnnotations(runId, next)
      })
    );
    // The changed annotation stamp makes the index reread this run.
    const view = await this._index.open(folder, { current: true });
    const run = view.runs.find(r => r.id === runId);
    if (run) {
      this._changed.emit({
        type: 'updated',
        notebookPath,
        run,
        seq: ++this._seq
      });
    }
    return next;
  }

  async trash(
    notebookPath: string,
    runIds: readonly string[]
  ): Promise<ITrashReport> {
    const folder = runsFolder(notebookPath);
    const report = await this._trash.moveToTrash(folder, runIds);
    // Only runs whose run file moved are gone from the listing.
    const gone = runIds.filter(id => report.moved.includes(`${id}.json`));
    if (gone.length) {
      await this._index.forget(folder, gone);
      this._changed.emit({ type: 'removed', notebookPath, runIds: gone });
    }
    return report;
  }

  async listTrash(notebookPath: string): Promise<ITrashedRun[]> {
    return this._trash.list(runsFolder(notebookPath));
  }

  async restore(
    notebookPath: string,
    runIds: readonly string[]
  ): Promise<ITrashReport> {
    const report = await this._trash.restore(runsFolder(notebookPath), runIds);
    await this._index.invalidate(runsFolder(notebookPath));
    this._changed.emit({ type: 'reloaded', notebookPath });
    return report;
  }

  async emptyTrash(
    notebookPath: string
  ): Promise<ITrashReport & { runs: number }> {
    return this._trash.emptyWithReport(runsFolder(notebookPath));
  }

  async moveRuns(
    oldNotebookPath: string,
    newNotebookPath: string
  ): Promise<boolean> {
    const from = runsFolder(oldNotebookPath);
    const to = runsFolder(newNotebookPath);
    if (from === to) {
      return false;
    }
    // One move of a folder at a time: a rename this tab made arrives twice
    // (the file browser's signal and the server's event); the second finds
    // the folder moved, instead of renaming it again at the same time (a
    // 500 from the server).
    for (
      let pending = this._moving.get(from) ?? this._moving.get(to);
      pending;
      pending = this._moving.get(from) ?? this._moving.get(to)
    ) {
      await pending;
    }
    // Runs recorded from now on go to the new folder, even before the move.
    this._renames.set(oldNotebookPath, newNotebookPath);
    // Writes to either folder wait for the move: one that made the new
    // folder first would make the rename fail ("already exists").
    const moving = this._moveFolder(oldNotebookPath, newNotebookPath);
    const settled = moving.then(
      () => undefined,
      () => undefined
    );
    this._moving.set(from, settled);
    this._moving.set(to, settled);
    try {
      return await moving;
    } finally {
      for (const folder of [from, to]) {
        if (this._moving.get(folder) === settled) {
          this._moving.delete(folder);
        }
      }
    }
  }

  private async _moveFolder(
    oldNotebookPath: string,
    newNotebookPath: string
  ): Promise<boolean> {
    const from = runsFolder(oldNotebookPath);
    const to = runsFolder(newNotebookPath);
    await this._outbox.moveFolder(from, to, newNotebookPath);
    // Existence from the listings of the notebooks' folders (which exist),
    // not from a request that would answer 404 (a red console line).
    if (!(await this._hasFolder(from))) {
      await this._index.move(from, to);
      return false;
    }
    if (await this._hasFolder(to)) {
      throw new Error(
        `Cannot move the runs of ${oldNotebookPath}: ${to} already exists`
      );
    }
    // A shard write landing in the folder while the server renames it
    // fails there (HTTP 500): hold them, and send them to the new folder.
    await this._index.hold(from);
    try {
      await this._contents.rename(from, to);
    } catch (error) {
      this._index.release(from);
      throw error;
    }
    this._forgetFolders(from);
    await this._index.move(from, to);
    this._changed.emit({
      type: 'moved',
      notebookPath: newNotebookPath,
      oldNotebookPath
    });
    void this._outbox.flush();
    return true;
  }

  /**
   * A folder holding notebooks was renamed or moved (their runs folders
   * went with it on the server): runs waiting for those notebooks, and runs
   * recorded from now on under the old paths, go to the new place instead
   * of re-creating the old folders.
   */
  async noteDirectoryMoved(oldDir: string, newDir: string): Promise<void> {
    const from = oldDir.replace(/^\/+|\/+$/g, '');
    const to = newDir.replace(/^\/+|\/+$/g, '');
    if (!from || from === to) {
      return;
    }
    this._dirRenames.set(from, to);
    this._forgetFolders(from);
    const folders = new Map<string, string>();
    for (const entry of this._outbox.entries()) {
      const now = this._moved(entry.notebookPath);
      if (now !== entry.notebookPath) {
        folders.set(entry.folder, now);
      }
    }
    for (const [folder, notebookPath] of folders) {
      await this._outbox.moveFolder(
        folder,
        runsFolder(notebookPath),
        notebookPath
      );
    }
  }

  retryNow(): Promise<void> {
    return this._outbox.flushNow();
  }

  /** Write scheduled manifest shards now (before an export, in tests). */
  flushManifests(): Promise<void> {
    return this._index.flushShards();
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this._outbox.dispose();
    this._index.dispose();
    Signal.clearData(this);
  }

  /** Whether `path` is an entry of its parent folder's listing. */
  private async _hasFolder(path: string): Promise<boolean> {
    const { dir } = splitPath(path);
    const name = path.slice(dir ? dir.length + 1 : 0);
    // Through the lister: the server extension's listing skips a file
    // that moves away while it is read, where the Contents API's answers
    // the whole listing 404.
    const listing = await this._lister.list(dir);
    if (listing === null) {
      return false; // its parent is gone too
    }
    return ((listing.content as Contents.IModel[] | null) ?? []).some(
      item => item.name === name
    );
  }

  /** The text of a file, or null when it does not exist. */
  private async _readOptional(path: string): Promise<string | null> {
    try {
      const model = await this._contents.get(path, {
        type: 'file',
        format: 'text',
        content: true
      });
      return String(model.content);
    } catch (error) {
      if (isNotFound(error)) {
        return null;
      }
      throw error;
    }
  }

  /** Write one outbox entry to the server. */
  /**
   * Why runs must not be written into this folder: it (or a parent) is a
   * symbolic link that leads out of the server root, as a cloned
   * repository's runs folder may be. Asked once per folder and page (the
   * server walks the folder); null when it is fine or cannot be checked.
   */
  private _linkRefusal(folder: string): Promise<string | null> {
    let refusal = this._linkRefusals.get(folder);
    if (!refusal) {
      refusal = this._links
        .check(folder)
        .then(check => {
          const link = folderLink(check);
          return link?.scope === 'root'
            ? `${link.path} ${linkReason(link, link.path)}: runs are kept in this browser and not written through it (reload once it is fixed)`
            : null;
        })
        .catch(() => null);
      this._linkRefusals.set(folder, refusal);
    }
    return refusal;
  }

  private async _write(entry: IOutboxEntry): Promise<IOutboxWritten | void> {
    // Where the notebook is now: a rename this store saw since the entry
    // was queued sends it to the new folder.
    let notebookPath = this._moved(entry.notebookPath);
    let folder = runsFolder(notebookPath);
    await this._moving.get(folder);
    const refusal = await this._linkRefusal(folder);
    if (refusal) {
      // Held in the outbox, named in the status bar; never written there.
      throw new Error(refusal);
    }
    const put = async (name: string, content: string, format = 'text') => {
      const options: Partial<Contents.IModel> = {
        type: 'file',
        format: format as Contents.FileFormat,
        content
      };
      let recreated = false;
      for (let renames = 0; ;) {
        const path = safeJoin(folder, ...name.split('/'));
        try {
          return await this._index.ownWrite(folder, () =>
            this._saver.save(path, options)
          );
        } catch (error) {
          if (!isMissingPath(error)) {
            throw error;
          }
          const now = this._moved(entry.notebookPath);
          if (now !== notebookPath && renames < 4) {
            // The notebook was renamed while this was on its way, and its
            // folder moved: follow it rather than re-create the old one.
            renames++;
            notebookPath = now;
            folder = runsFolder(now);
            await this._moving.get(folder);
            await this._ensureParents(folder, name);
            continue;
          }
          if (recreated) {
            // Still missing once re-created: classified as it is.
            throw error;
          }
          // The folder was deleted by hand (or never made): make it and
          // every missing parent, then try once more.
          recreated = true;
          this._forgetFolders(folder);
          await this._ensureParents(folder, name);
        }
      }
    };
    await this._ensureParents(folder, entry.file?.path ?? 'x');
    await this._index.noteCreated(folder);
    if (entry.file) {
      await put(entry.file.path, entry.file.content, entry.file.format);
      return;
    }
    const run = entry.run!;
    const made = entry.texts ?? runTexts(run, entry.series);
    const texts: { name: string; content: string }[] = [];
    if (made.series !== null) {
      texts.push({ name: seriesFileName(run.id), content: made.series });
    }
    // The run file last: it is the commit point readers trust.
    texts.push({ name: `${run.id}.json`, content: made.run });
    const batch = await this._writeBatch(folder, texts, {
      key: entry.key,
      revision: entry.revision
    });
    let models = batch?.models;
    if (!models) {
      models = [];
      for (const text of texts) {
        models.push(await put(text.name, text.content));
      }
    }
    const runModel = models[models.length - 1];
    const seriesModel = models.length > 1 ? models[0] : null;
    const summary = summarizeRun(run, run.metrics ? null : entry.series);
    const files = {
      id: run.id,
      run: listingEntryOf(runModel),
      series: seriesModel ? listingEntryOf(seriesModel) : null
    };
    await this._index.noteWritten(folder, makeEntry(summary, files));
    this._changed.emit({
      type: 'saved',
      notebookPath,
      run: summary,
      seq: ++this._seq
    });
    return { removed: batch?.removed ?? false };
  }

  /**
   * A run's files in one request of the page, with the folder's time read
   * around them (`IFileSaver.writeBatch`); null when that cannot be done
   * or the folder is missing (the caller then writes each file, following
   * renames and making the folder again). `removed`: the saver deleted
   * the outbox entry `outbox` once the files were written.
   */
  private async _writeBatch(
    folder: string,
    files: { name: string; content: string }[],
    outbox: { key: string; revision: number }
  ): Promise<{ models: Contents.IModel[]; removed: boolean } | null> {
    const statUrl = this._index.backgroundStatUrl(folder);
    if (!statUrl || !this._saver.writeBatch) {
      return null;
    }
    const paths = files.map(f => ({
      path: safeJoin(folder, f.name),
      content: f.content
    }));
    try {
      return await this._index.ownWriteStamped(folder, async () => {
        const writing = this._saver.writeBatch!(statUrl, paths, outbox);
        if (!writing) {
          throw new NoBatch();
        }
        const answer = await writing;
        return {
          ...answer,
          written: answer.models,
          result: {
            models: answer.models as unknown as Contents.IModel[],
            removed: answer.outboxDeleted === true
          }
        };
      });
    } catch (error) {
      if (error instanceof NoBatch || isMissingPath(error)) {
        return null;
      }
      throw error;
    }
  }

  private async _ensureParents(
    folder: string,
    relative: string
  ): Promise<void> {
    await this._ensureFolder(folder);
    const parts = relative.split('/').slice(0, -1);
    for (let i = 1; i <= parts.length; i++) {
      await this._ensureFolder(safeJoin(folder, ...parts.slice(0, i)));
    }
  }

  /**
   * Make sure a folder exists, once per folder: concurrent writes (a run,
   * its series, artifacts, an environment) share one creation instead of
   * racing PUTs that the server may answer with 500.
   */
  private _ensureFolder(folder: string): Promise<void> {
    if (this._folders.has(folder)) {
      return Promise.resolve();
    }
    let pending = this._creating.get(folder);
    if (!pending) {
      pending = this._createFolder(folder)
        .then(() => {
          this._folders.add(folder);
        })
        .finally(() => this._creating.delete(folder));
      this._creating.set(folder, pending);
    }
    return pending;
  }

  private async _createFolder(folder: string, depth = 0): Promise<void> {
    // No existence check first: the Contents API's PUT of a directory model
    // makes the folder, and answers 200 without touching it when it is
    // already there (jupyter_server's `_save_directory`), so the first run
    // of a notebook costs no request that answers 404.
    try {
      await this._contents.save(folder, { type: 'directory' });
    } catch (error) {
      const slash = folder.lastIndexOf('/');
      if (isMissingPath(error) && slash > 0 && depth < 64) {
        // Its parent is gone too (deleted by hand): make it first.
        await this._createFolder(folder.slice(0, slash), depth + 1);
        return this._createFolder(folder, depth + 1);
      }
      // Another tab or user may have created it meanwhile.
      await this._contents.get(folder, { content: false }).catch(() => {
        throw error;
      });
    }
  }

  private _forgetFolders(folder: string): void {
    for (const known of [...this._folders]) {
      if (known === folder || known.startsWith(`${folder}/`)) {
        this._folders.delete(known);
      }
    }
  }

  /** Where a notebook is now, following renames seen by this store. */
  private _moved(notebookPath: string): string {
    let path = notebookPath;
    for (let hops = 0; hops < 32; hops++) {
      const renamed = this._renames.get(path) ?? this._inMovedDirectory(path);
      if (renamed === null || renamed === path) {
        break;
      }
      path = renamed;
    }
    return path;
  }

  /** The path after the rename of a folder it is in, or null. */
  private _inMovedDirectory(path: string): string | null {
    for (const [from, to] of this._dirRenames) {
      if (path.startsWith(`${from}/`)) {
        return `${to}${path.slice(from.length)}`;
      }
    }
    return null;
  }

  private _onOutboxStatus(_: Outbox, status: IOutboxStatus): void {
    this._statusChanged.emit(toStatus(status));
  }

  private _contents: Contents.IManager;
  private _lister: IFolderLister;
  private _saver: IFileSaver;
  private _index: FolderIndex;
  private _outbox: Outbox;
  private _links: ILinkChecker;
  private _linkRefusals = new Map<string, Promise<string | null>>();
  private _trash: RunTrash;
  private _ready: Promise<void>;
  /** Runs handed to `save` that the outbox does not have yet. */
  private _saving = new Map<
    string,
    { run: IRunRecord; series: RunSeries | null }
  >();
  private _folders = new Set<string>();
  private _creating = new Map<string, Promise<void>>();
  private _renames = new Map<string, string>();
  /** Folders of notebooks renamed or moved, old path to new. */
  private _dirRenames = new Map<string, string>();
  /** Runs folders being moved (both ends), settled when the move is. */
  private _moving = new Map<string, Promise<void>>();
  private _isDisposed = false;
  /** Notebook paths that listed or watch each folder. */
  private _listed = new Map<string, Set<string>>();
  private _changed = new Signal<IRunStore, IRunStoreChange>(this);
  private _listingChanged = new Signal<IRunStore, IRunListing>(this);
  /** Run changes emitted so far (`IRunListing.seq`). */
  private _seq = 0;
  private _statusChanged = new Signal<IRunStore, IRunStoreStatus>(this);
}

export namespace ContentsRunStore {
  export interface IOptions {
    /** The server's contents manager (`app.serviceManager.contents`). */
    contents: Contents.IManager;
    /**
     * Saves the files of queued writes (runs, series, artifacts); the
     * contents manager by default. The page passes a `BackgroundSaver`,
     * which makes the requests from a worker.
     */
    saver?: IFileSaver;
    /**
     * How runs folders are listed; the Contents API by default. The page
     * passes a `ServerFolderLister` (the server extension's fast listing).
     */
    lister?: IFolderLister;
    /**
     * How long the browser's copy of a folder is waited for before the
     * folder is listed instead (default 5000 ms, `FolderIndex`).
     */
    cacheReadTimeoutMs?: number;
    /** This tab session's writer id, a ULID (names its manifest shard). */
    writerId: string;
    /** Where folder snapshots are cached (IndexedDB); memory by default. */
    cache?: IHistoryCache;
    /** Where waiting runs are kept (IndexedDB); memory by default. */
    outbox?: IOutboxStorage;
    /**
     * Which symbolic links lead out of a runs folder (the server
     * extension); by default none are checked and the trash stays on the
     * safe side.
     */
    links?: ILinkChecker;
    clock?: IClock;
    backoff?: IBackoff;
    random?: () => number;
    shardDelayMs?: number;
    /** At least this long between two writes of this tab's shard. */
    shardIntervalMs?: number;
    /** How often a watched folder's time is checked (default 2500 ms). */
    pollIntervalMs?: number;
    /** From how many runs a folder's own writes are told apart (tests). */
    ownWritesMinRuns?: number;
    /** When watching pauses (default: while the page is hidden). */
    standby?: Poll.Standby | (() => boolean | Poll.Standby);
  }
}

function toStatus(status: IOutboxStatus): IRunStoreStatus {
  return {
    pending: status.count,
    pendingFiles: status.files,
    byFolder: status.byFolder,
    failure: status.failure,
    nextAttemptAt: status.nextAttemptAt
  };
}

function listingEntryOf(model: Contents.IModel): IListingEntry {
  return {
    name: model.name,
    lastModified: model.last_modified,
    size: typeof model.size === 'number' ? model.size : null
  };
}

/** The patch with only the fields it sets (undefined ones dropped). */
function patchOf(patch: IRunAnnotation): IRunAnnotation {
  return Object.fromEntries(
    Object.entries(patch).filter(([, v]) => v !== undefined)
  ) as IRunAnnotation;
}

/** A run's files as they are written: its series only when it has one. */
function runTexts(run: IRunRecord, series: RunSeries | null): IRunTexts {
  return {
    run: serializeRunFile(run),
    series:
      series && Object.keys(series).length > 0
        ? serializeSeriesFile(run.id, series)
        : null
  };
}

/** The saver could not write a batch (`ContentsRunStore._writeBatch`). */
class NoBatch extends Error {}
