/**
 * Run files written from a background thread (a dedicated Web Worker), so
 * the page's main thread does not pay for the HTTP request.
 *
 * A `PUT /api/contents/<path>` through JupyterLab's contents manager costs
 * the main thread about 2 ms (a `File` for the body, `fetch`, reading and
 * validating the reply; measured with the capture benchmark's profile), and
 * a run takes two (its series, then the run file). The worker does the
 * request and answers with the model the server returned; the page only
 * posts a string and reads a small reply.
 *
 * It also answers small GETs for the page (`method: 'GET'`): the folder
 * stats that tell this page's own writes apart (`OwnWrites`), two per
 * saved run, and the background check of a watched folder. Through
 * `ServerConnection.makeRequest` each cost the main thread about 1.5 ms
 * (the execution-cost benchmark's profile, `_stat` on the stack of a
 * tagged execution at 10,000 runs); through the worker, a message each way.
 *
 * `writerWorkerMain` is the whole worker. It is started from its source
 * text (`workerSource`), so it must stay self-contained: no imports, no
 * reference to anything outside its own body.
 */

/** A write the page asks of the worker. */
export interface IWriteRequest {
  id: number;
  url: string;
  headers: Record<string, string>;
  /** The contents model to PUT (`{type, format, content}`). */
  model: { type: string; format: string; content: string };
}

/** A GET the page asks of the worker; answered with the JSON body. */
export interface IGetRequest {
  id: number;
  method: 'GET';
  url: string;
  headers: Record<string, string>;
}

/**
 * A run's files written in one message: the folder's time read (a GET of
 * `statUrl`, the server extension's stat) before the first write and after
 * the last, the writes in order between. One message each way per saved
 * run, where a stat, the series, the run file and a stat were four.
 */
export interface IBatchRequest {
  id: number;
  method: 'BATCH';
  statUrl: string;
  /** Headers of the GETs. */
  statHeaders: Record<string, string>;
  /** Headers of the PUTs. */
  headers: Record<string, string>;
  writes: { url: string; model: IWriteRequest['model'] }[];
  /**
   * The server extension's write endpoint (`POST`, jupyterlab_runs/_server/
   * writing.py), asked first when given: the same files in one request,
   * the folder's time read around them by the server, and none of the
   * Contents API's events (two per `PUT`, parsed by every page on its main
   * thread). `names` are the writes' file names in `folder`, in order. A
   * server without it (404) is not asked again by this worker; a folder it
   * cannot write (missing, hidden, not on disk) is written by the `PUT`s.
   */
  write?: { url: string; folder: string; names: string[] };
  /**
   * The outbox entry these files are (`IOutboxRequest`'s database): once
   * they are written, the worker deletes it if the database still holds
   * this revision of it (`IBatchAnswer.outboxDeleted`), so the page sends
   * no delete of its own: one message each way less per saved run.
   */
  outbox?: { db: string; key: string; revision: number };
}

/** A batch's answer (`model` of an ok reply). */
export interface IBatchAnswer {
  /** The folder's time before the first write (null: not known). */
  before: string | null;
  /** And after the last (null: not known). */
  after: string | null;
  /**
   * The folder's files changed since `before`, read with `after`, each with
   * its time (`listing.changed_since`; null: the server could not tell;
   * absent: it was not asked, or does not answer `since`), as
   * `changedFiles` reads a stat's.
   */
  changed?: readonly { name: string; last_modified: string }[] | null;
  /**
   * Latest `last_modified` of the writes plus the time each request took,
   * epoch ms (NaN when a write answered none): what `isOwnChange` reads.
   */
  latest: number;
  /** The server's model of each write, in order. */
  models: Record<string, unknown>[];
  /**
   * Whether the worker deleted the batch's outbox entry (`outbox`): false
   * when it was not asked, the database holds another revision, or the
   * delete failed (the page then deletes it as it would have).
   */
  outboxDeleted?: boolean;
}

/**
 * A write of the outbox (`outbox` store of the page's IndexedDB database,
 * database.ts): an entry put, or a key deleted. Answered once its
 * transaction completed (durable); a failure is answered as one, and the
 * page then does it itself.
 */
export interface IOutboxRequest {
  id: number;
  method: 'OUTBOX';
  /** The database's name (`RunsDatabase.name`). */
  db: string;
  op: 'put' | 'delete';
  entry?: unknown;
  key?: string;
}

/** What the page asks of the worker. */
export type WorkerRequest =
  IWriteRequest | IGetRequest | IBatchRequest | IOutboxRequest;

/**
 * The worker's answer: the server's model (a GET's JSON body), or why it
 * failed.
 */
export type WriteReply =
  | { id: number; ok: true; model: Record<string, unknown> }
  | {
      id: number;
      ok: false;
      /** HTTP status, or null when the server could not be reached. */
      status: number | null;
      message: string;
    };

/** What the worker needs of its global scope (`self` in a worker). */
export interface IWriterScope {
  onmessage: ((event: { data: unknown }) => void) | null;
  postMessage(message: unknown): void;
  fetch(url: string, init: RequestInit): Promise<Response>;
  /** The worker's IndexedDB (`self.indexedDB`; absent: outbox writes fail). */
  indexedDB?: IDBFactory;
}

/**
 * The worker: one request per message (a PUT of a model, or a GET),
 * answered in the order they finish.
 */
export function writerWorkerMain(scope: IWriterScope): void {
  // The answer to a request the server could not be reached for.
  const unreachable = (id: number, error: unknown): WriteReply => ({
    id,
    ok: false,
    status: null,
    message: `The server could not be reached: ${String((error as Error)?.message ?? error)}`
  });
  // A response's JSON object: null when there is none (a proxy's error
  // page, say).
  const bodyOf = async (
    response: Response
  ): Promise<Record<string, unknown> | null> => {
    const text = await response.text().catch(() => '');
    try {
      const body = JSON.parse(text);
      return typeof body === 'object' && body !== null ? body : null;
    } catch {
      return null;
    }
  };
  // A failed answer: what the server said; else, for a 2xx without what
  // was asked (`answered`: the server's fault, 502), `missing`; else the
  // status line.
  const failed = (
    id: number,
    response: Response,
    body: Record<string, unknown> | null,
    answered: boolean,
    missing: string
  ): WriteReply => {
    const said = body?.message ?? body?.reason;
    return {
      id,
      ok: false,
      status: answered ? 502 : response.status,
      message:
        typeof said === 'string' && said
          ? said
          : answered
            ? missing
            : `${response.status} ${response.statusText}`.trim()
    };
  };
  /** The server answered 404 for the write endpoint: an older extension. */
  let noWriteEndpoint = false;
  // A stat's `changed` list (`changedFiles` in ownWrites.ts, which this
  // worker cannot import): undefined when absent, null when malformed.
  const changedOf = (changed: unknown) =>
    changed === undefined
      ? undefined
      : Array.isArray(changed) &&
          changed.every(
            f =>
              typeof f?.name === 'string' &&
              typeof f?.last_modified === 'string'
          )
        ? (changed as { name: string; last_modified: string }[])
        : null;
  const answer = async (
    request: IWriteRequest | IGetRequest
  ): Promise<WriteReply> => {
    const get = 'method' in request;
    let response: Response;
    try {
      response = await scope.fetch(
        request.url,
        get
          ? {
              method: 'GET',
              headers: request.headers,
              credentials: 'same-origin',
              cache: 'no-store'
            }
          : {
              method: 'PUT',
              headers: request.headers,
              body: JSON.stringify((request as IWriteRequest).model),
              credentials: 'same-origin',
              cache: 'no-store'
            }
      );
    } catch (error) {
      return unreachable(request.id, error);
    }
    const body = await bodyOf(response);
    const saved = response.status === 200 || (!get && response.status === 201);
    if (saved && body && (get || typeof body.name === 'string')) {
      return { id: request.id, ok: true, model: body };
    }
    // A 2xx without a model is the server's fault, not the run's.
    return failed(
      request.id,
      response,
      body,
      saved,
      get
        ? 'The server answered without a JSON object.'
        : 'The server answered the write without a file model.'
    );
  };
  // A folder's time from the stat endpoint's answer (null when unknown),
  // and the files changed since the time asked about.
  const stamp = async (
    id: number,
    url: string,
    headers: IGetRequest['headers']
  ) => {
    const reply = await answer({ id, method: 'GET', url, headers });
    const body = (reply.ok ? reply.model : null) as {
      listed?: unknown;
      exists?: unknown;
      model?: { last_modified?: unknown; changed?: unknown } | null;
    } | null;
    const time = body?.model?.last_modified;
    const changed = body?.model?.changed;
    return {
      time:
        body?.listed === true &&
        body.exists === true &&
        typeof time === 'string'
          ? time
          : null,
      changed: changedOf(changed)
    };
  };
  // The batch through the write endpoint: its reply, or null when the
  // `PUT`s are to be made instead.
  const posted = async (request: IBatchRequest): Promise<WriteReply | null> => {
    const write = request.write;
    if (!write || noWriteEndpoint) {
      return null;
    }
    let response: Response;
    try {
      response = await scope.fetch(write.url, {
        method: 'POST',
        headers: request.headers,
        body: JSON.stringify({
          folder: write.folder,
          files: write.names.map((name, i) => ({
            name,
            content: request.writes[i].model.content
          }))
        }),
        credentials: 'same-origin',
        cache: 'no-store'
      });
    } catch (error) {
      return unreachable(request.id, error);
    }
    if (response.status === 404) {
      noWriteEndpoint = true;
      return null;
    }
    const body = await bodyOf(response);
    const answered = response.status === 200;
    if (answered && body?.written === false) {
      return null;
    }
    if (
      answered &&
      body?.written === true &&
      Array.isArray(body.models) &&
      body.models.length === request.writes.length
    ) {
      const model: IBatchAnswer = {
        before: typeof body.before === 'string' ? body.before : null,
        after: typeof body.after === 'string' ? body.after : null,
        changed: changedOf(body.changed),
        latest: typeof body.latest === 'number' ? body.latest : NaN,
        models: body.models as Record<string, unknown>[]
      };
      return { id: request.id, ok: true, model: model as never };
    }
    return failed(
      request.id,
      response,
      body,
      answered,
      'The server answered the write without its files.'
    );
  };
  const batch = async (request: IBatchRequest): Promise<WriteReply> => {
    const reply = await writeBatch(request);
    if (reply.ok && request.outbox) {
      (reply.model as unknown as IBatchAnswer).outboxDeleted =
        await removeWritten(request.outbox);
    }
    return reply;
  };
  const writeBatch = async (request: IBatchRequest): Promise<WriteReply> => {
    const answered = await posted(request);
    if (answered) {
      return answered;
    }
    const { time: before } = await stamp(
      request.id,
      request.statUrl,
      request.statHeaders
    );
    const models: Record<string, unknown>[] = [];
    let latest = -Infinity;
    for (const write of request.writes) {
      const started = Date.now();
      const reply = await answer({
        id: request.id,
        url: write.url,
        headers: request.headers,
        model: write.model
      });
      if (!reply.ok) {
        return reply; // the writes after it are not made
      }
      // The folder's time may follow the file's by as long as the request
      // took (`OwnWrites`), and by no more.
      const time = Date.parse(String(reply.model.last_modified));
      latest = Math.max(latest, time + (Date.now() - started));
      models.push(reply.model);
    }
    const after = await stamp(
      request.id,
      before === null
        ? request.statUrl
        : `${request.statUrl}&since=${encodeURIComponent(before)}`,
      request.statHeaders
    );
    const model: IBatchAnswer = {
      before,
      after: after.time,
      changed: after.changed,
      latest,
      models
    };
    return { id: request.id, ok: true, model: model as never };
  };
  // The outbox's database, opened on the first outbox write. Never made
  // here: a database that does not exist yet (its upgrade would run here)
  // is left alone, and the page writes the outbox itself. Closed when the
  // page upgrades it, and opened again on the next write.
  let database: Promise<IDBDatabase> | null = null;
  const open = (name: string): Promise<IDBDatabase> =>
    (database ??= new Promise<IDBDatabase>((resolve, reject) => {
      if (!scope.indexedDB) {
        reject(new Error('No IndexedDB in the worker.'));
        return;
      }
      const opening = scope.indexedDB.open(name);
      opening.onupgradeneeded = () => opening.transaction?.abort();
      opening.onsuccess = () => {
        const db = opening.result;
        db.onversionchange = () => {
          db.close();
          database = null;
        };
        resolve(db);
      };
      opening.onerror = () =>
        reject(opening.error ?? new Error('The database did not open.'));
    }).catch(error => {
      database = null;
      throw error;
    }));
  // A readwrite transaction of the outbox store: `work` makes its
  // requests, and what it returns is read once the transaction completed.
  const inOutbox = async <T>(
    name: string,
    work: (store: IDBObjectStore) => () => T
  ): Promise<T> => {
    const db = await open(name);
    return new Promise<T>((resolve, reject) => {
      const tx = db.transaction('outbox', 'readwrite');
      const result = work(tx.objectStore('outbox'));
      tx.oncomplete = () => resolve(result());
      tx.onerror = () => reject(tx.error);
      tx.onabort = () =>
        reject(tx.error ?? new Error('The transaction was aborted.'));
    });
  };
  const outbox = async (request: IOutboxRequest): Promise<WriteReply> => {
    try {
      await inOutbox(request.db, store => {
        if (request.op === 'put') {
          store.put(request.entry);
        } else {
          store.delete(request.key!);
        }
        return () => undefined;
      });
      return { id: request.id, ok: true, model: {} };
    } catch (error) {
      return {
        id: request.id,
        ok: false,
        status: null,
        message: String((error as Error)?.message ?? error)
      };
    }
  };
  // A written entry's delete: only the revision written (a run queued
  // again meanwhile stays, as the page's own delete checks), in one
  // transaction; false when not deleted.
  const removeWritten = (
    outbox: NonNullable<IBatchRequest['outbox']>
  ): Promise<boolean> =>
    inOutbox(outbox.db, store => {
      let deleted = false;
      const got = store.get(outbox.key);
      got.onsuccess = () => {
        const stored = got.result as { revision?: unknown } | undefined;
        if (stored?.revision === outbox.revision) {
          store.delete(outbox.key);
          deleted = true;
        }
      };
      return () => deleted;
    }).catch(() => false);
  scope.onmessage = event => {
    const request = event.data as WorkerRequest;
    // Outbox writes: handled in the order they came (each awaits the same
    // open database, and its transaction is made in that order).
    void (
      'method' in request && request.method === 'OUTBOX'
        ? outbox(request)
        : 'method' in request && request.method === 'BATCH'
          ? batch(request)
          : answer(request as IWriteRequest | IGetRequest)
    ).then(reply => scope.postMessage(reply));
  };
}

/** The worker script: `writerWorkerMain` run on the worker's own scope. */
export function workerSource(): string {
  return `(${writerWorkerMain.toString()})(self);`;
}
