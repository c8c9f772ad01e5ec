/**
 * Saving run files: through JupyterLab's contents manager, or through the
 * writer worker (writerWorker.ts) when the file is on the Jupyter server's
 * own drive, so the request costs the page's main thread next to nothing.
 *
 * The worker is an optimisation, never a requirement: files of other
 * drives, a browser that refuses the worker (a Content Security Policy
 * without `blob:` workers, say) and a worker that fails all go through the
 * contents manager, with the same errors.
 *
 * The worker also answers the small GETs the folder lister asks of it
 * (`get`): a folder's stat, twice per saved run. A run's files go as one
 * batch (`writeBatch`), which the worker sends to the server extension's
 * write endpoint when the server has it (`IBatchRequest.write`).
 */
import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection, type Contents } from '@jupyterlab/services';
import type { IOutboxStorage } from './outbox';
import type {
  IBatchAnswer,
  IBatchRequest,
  IGetRequest,
  IOutboxRequest,
  IWriteRequest,
  WorkerRequest,
  WriteReply
} from './writerWorker';

/** How the run store saves a file (`Contents.IManager.save` does). */
export interface IFileSaver {
  save(
    path: string,
    options: Partial<Contents.IModel>
  ): Promise<Contents.IModel>;
  /**
   * Write text files in order, with the folder's time read (a GET of
   * `statUrl`) before the first and after the last, as one request of the
   * page (`BackgroundSaver`); null when it cannot (no worker, a path it
   * leaves to `save`): the caller then saves each file. `outbox`: the
   * outbox entry (key and revision) the files are; a saver that also
   * writes the outbox (`outboxStorage`) deletes it once they are written,
   * if it still holds that revision, and says so (`outboxDeleted`).
   */
  writeBatch?(
    statUrl: string,
    files: { path: string; content: string }[],
    outbox?: { key: string; revision: number }
  ): Promise<IBatchAnswer> | null;
}

/** The slice of a `Worker` the saver uses. */
export interface IWorkerLike {
  onmessage: ((event: MessageEvent) => void) | null;
  onerror: ((event: ErrorEvent) => void) | null;
  postMessage(message: unknown): void;
  terminate(): void;
}

/** The `_xsrf` cookie, sent as JupyterLab's own requests send it. */
export function xsrfCookie(): string | undefined {
  if (typeof document === 'undefined') {
    return undefined;
  }
  const match = document.cookie.match(/\b_xsrf=([^;]*)\b/);
  return match ? match[1] : undefined;
}

export class BackgroundSaver implements IFileSaver {
  constructor(options: BackgroundSaver.IOptions) {
    this._contents = options.contents;
    this._settings = options.settings;
    this._apiUrl = URLExt.join(options.settings.baseUrl, 'api/contents');
    this._writeUrl = URLExt.join(
      options.settings.baseUrl,
      'jupyterlab-runs',
      'api',
      'write'
    );
    this._xsrf = options.xsrf ?? xsrfCookie;
    this._worker = options.worker;
    if (this._worker) {
      this._worker.onmessage = event => this._onReply(event.data);
      this._worker.onerror = event => this._onWorkerError(event);
    }
  }

  /** Whether saves go through the worker (false once it failed). */
  get inBackground(): boolean {
    return this._worker !== null;
  }

  save(
    path: string,
    options: Partial<Contents.IModel>
  ): Promise<Contents.IModel> {
    if (
      !this._worker ||
      options.type !== 'file' ||
      typeof options.content !== 'string' ||
      this._contents.driveName(path) !== '' ||
      !isNormalized(path)
    ) {
      return this._contents.save(path, options);
    }
    const request: IWriteRequest = {
      id: ++this._lastId,
      // What `URLExt.join(baseUrl, 'api/contents', path)` gives for a
      // normalized path, without parsing the base URL on every write
      // (url-parse: ~0.15 ms a write in the capture benchmark's profile).
      url: `${this._apiUrl}/${encodePath(path)}`,
      headers: this._headers(),
      model: {
        type: 'file',
        format: options.format ?? 'text',
        content: options.content
      }
    };
    return this._send<Contents.IModel>(request, () =>
      this._contents.save(path, options)
    );
  }

  /**
   * GET `url` (a JSON answer of the Jupyter server) through the worker:
   * its JSON body, or an error as a failed write has (`response.status`,
   * or a `TypeError` when the server could not be reached). Null without
   * a worker: the caller asks the usual way.
   */
  get(url: string): Promise<unknown> | null {
    if (!this._worker) {
      return null;
    }
    const request: IGetRequest = {
      id: ++this._lastId,
      method: 'GET',
      url,
      headers: this._headers(false)
    };
    return this._send<unknown>(request, () => getJson(url, this._settings));
  }

  writeBatch(
    statUrl: string,
    files: { path: string; content: string }[],
    outbox?: { key: string; revision: number }
  ): Promise<IBatchAnswer> | null {
    if (
      !this._worker ||
      files.some(
        f => this._contents.driveName(f.path) !== '' || !isNormalized(f.path)
      )
    ) {
      return null;
    }
    const request: IBatchRequest = {
      id: ++this._lastId,
      method: 'BATCH',
      statUrl,
      statHeaders: this._headers(false),
      headers: this._headers(),
      writes: files.map(f => ({
        url: `${this._apiUrl}/${encodePath(f.path)}`,
        model: { type: 'file', format: 'text', content: f.content }
      })),
      write: this._writeEndpoint(files),
      outbox:
        outbox && this._outboxDb !== null
          ? { db: this._outboxDb, ...outbox }
          : undefined
    };
    // A failed worker's batch is written file by file the usual way,
    // without the folder's time (unknown: no own write is recognised).
    return this._send<IBatchAnswer>(request, async () => {
      const models: Record<string, unknown>[] = [];
      for (const f of files) {
        models.push(
          (await this._contents.save(f.path, {
            type: 'file',
            format: 'text',
            content: f.content
          })) as unknown as Record<string, unknown>
        );
      }
      return { before: null, after: null, changed: null, latest: NaN, models };
    });
  }

  /**
   * The outbox's storage with its writes made by the worker: `all` (read
   * once, at start) from `fallback`, `put` and `delete` in the worker's own
   * connection to the database named `db`, each resolved once its
   * transaction completed. A put on the page's thread cost it about 2 ms
   * per saved run (the transaction, its events and their continuations;
   * `benchmarks/execution-cost.sh`, profiled), a message each way costs it
   * the entry's copy and a small reply. A write the worker fails (or never
   * answers, the worker gone) is made through `fallback`. Without a
   * worker, `fallback` itself.
   */
  outboxStorage(db: string, fallback: IOutboxStorage): IOutboxStorage {
    if (!this._worker) {
      return fallback;
    }
    this._outboxDb = db;
    const send = (
      request: Omit<IOutboxRequest, 'id' | 'method' | 'db'>,
      resend: () => Promise<void>
    ): Promise<void> => {
      if (!this._worker) {
        return resend();
      }
      return this._send<void>(
        { id: ++this._lastId, method: 'OUTBOX', db, ...request },
        resend
      ).catch(() => resend());
    };
    return {
      all: () => fallback.all(),
      put: entry => send({ op: 'put', entry }, () => fallback.put(entry)),
      delete: key => send({ op: 'delete', key }, () => fallback.delete(key))
    };
  }

  /**
   * The write endpoint's part of a batch: the files' folder and names, when
   * they share one folder (a run's files do).
   */
  private _writeEndpoint(
    files: { path: string }[]
  ): IBatchRequest['write'] | undefined {
    const cut = files[0]?.path.lastIndexOf('/') ?? -1;
    if (cut <= 0) {
      return undefined;
    }
    const folder = files[0].path.slice(0, cut);
    const names: string[] = [];
    for (const f of files) {
      if (f.path.lastIndexOf('/') !== cut || !f.path.startsWith(folder)) {
        return undefined;
      }
      names.push(f.path.slice(cut + 1));
    }
    return { url: this._writeUrl, folder, names };
  }

  private _send<T>(
    request: WorkerRequest,
    resend: () => Promise<T>
  ): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this._pending.set(request.id, {
        resend,
        resolve: resolve as (value: unknown) => void,
        reject
      });
      this._worker!.postMessage(request);
    });
  }

  dispose(): void {
    this._worker?.terminate();
    this._worker = null;
    for (const write of this._takePending()) {
      write.reject(new Error('The background writer was disposed.'));
    }
  }

  /** The headers `ServerConnection.makeRequest` would send. */
  private _headers(jsonBody = true): Record<string, string> {
    const headers: Record<string, string> = jsonBody
      ? { 'Content-Type': 'application/json' }
      : {};
    if (this._settings.token) {
      headers.Authorization = `token ${this._settings.token}`;
    }
    // Reading `document.cookie` is a round trip to the browser process
    // (0.2 ms a read in the capture benchmark's profile): read once, again
    // after a failed write.
    if (this._xsrfValue === null) {
      this._xsrfValue = { value: this._xsrf() };
    }
    const xsrf = this._xsrfValue.value;
    if (xsrf !== undefined) {
      headers['X-XSRFToken'] = xsrf;
    }
    return headers;
  }

  private _onReply(data: unknown): void {
    const reply = data as WriteReply;
    const pending = this._pending.get(reply?.id);
    if (!pending) {
      return;
    }
    this._pending.delete(reply.id);
    if (reply.ok) {
      pending.resolve(reply.model);
      return;
    }
    this._xsrfValue = null; // it may be what the server refused
    // What the run store and the outbox read of a failed write: the HTTP
    // status on `response`, as on `ServerConnection.ResponseError`; no
    // answer at all is a `TypeError`, as `fetch` and JupyterLab's
    // `ServerConnection.NetworkError` report it.
    if (reply.status === null) {
      pending.reject(new TypeError(reply.message));
      return;
    }
    const error = new Error(reply.message);
    Object.assign(error, { response: { status: reply.status } });
    pending.reject(error);
  }

  /** The worker broke (or never started): everything goes the usual way. */
  private _onWorkerError(event: unknown): void {
    const message =
      (event as { message?: unknown } | null)?.message ??
      'it could not start; a Content Security Policy may refuse workers';
    console.warn(
      `jupyterlab-runs: the background writer failed (${String(message)}); saving through the contents manager`
    );
    this._worker?.terminate();
    this._worker = null;
    // Re-send what it had not answered.
    for (const write of this._takePending()) {
      write.resend().then(write.resolve, write.reject);
    }
  }

  /** The writes the worker has not answered, forgotten here. */
  private _takePending(): IPendingWrite[] {
    const pending = [...this._pending.values()];
    this._pending.clear();
    return pending;
  }

  private _contents: Contents.IManager;
  private _settings: ServerConnection.ISettings;
  private _xsrf: () => string | undefined;
  private _xsrfValue: { value: string | undefined } | null = null;
  private _worker: IWorkerLike | null;
  private _apiUrl: string;
  /** The server extension's write endpoint (`IBatchRequest.write`). */
  private _writeUrl: string;
  private _lastId = 0;
  /** The database whose outbox the worker writes (`outboxStorage`). */
  private _outboxDb: string | null = null;
  private _pending = new Map<number, IPendingWrite>();
}

/**
 * GET `url` from the Jupyter server on the page's own thread: its JSON
 * answer, or a `ServerConnection.ResponseError` with the response's status
 * (a `NetworkError` when the server cannot be reached).
 */
export async function getJson(
  url: string,
  settings: ServerConnection.ISettings
): Promise<unknown> {
  const response = await ServerConnection.makeRequest(
    url,
    { method: 'GET' },
    settings
  );
  if (!response.ok) {
    throw new ServerConnection.ResponseError(response);
  }
  return response.json();
}

interface IPendingWrite {
  /** The same request the usual way (the worker failed). */
  resend: () => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/**
 * No empty, `.` or `..` segment and no leading or trailing `/`: the paths
 * `URLExt.join` leaves as they are (the run store's, built by `safeJoin`).
 */
/**
 * What `URLExt.encodeParts` gives for a normalized path (`isNormalized`):
 * each segment encoded. That one joins them with `URLExt.join`, which
 * parses the result as a URL (url-parse) to normalize it; a normalized
 * path has nothing to normalize, and the parse was 0.3 ms of the page per
 * saved run (`benchmarks/execution-cost.sh`, profiled).
 */
function encodePath(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

function isNormalized(path: string): boolean {
  return path
    .split('/')
    .every(segment => segment !== '' && segment !== '.' && segment !== '..');
}

export namespace BackgroundSaver {
  export interface IOptions {
    contents: Contents.IManager;
    /** The Jupyter server's settings (base URL, token). */
    settings: ServerConnection.ISettings;
    /** The worker, or null to save through `contents` only. */
    worker: IWorkerLike | null;
    /** Reads the `_xsrf` cookie; `document.cookie` by default. */
    xsrf?: () => string | undefined;
  }
}
