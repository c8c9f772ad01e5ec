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

/** What the page asks of the worker. */
export type WorkerRequest = IWriteRequest | IGetRequest;

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
}

/**
 * The worker: one request per message (a PUT of a model, or a GET),
 * answered in the order they finish.
 */
export function writerWorkerMain(scope: IWriterScope): void {
  const answer = async (request: WorkerRequest): Promise<WriteReply> => {
    const get = 'method' in request && request.method === 'GET';
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
      return {
        id: request.id,
        ok: false,
        status: null,
        message: `The server could not be reached: ${String((error as Error)?.message ?? error)}`
      };
    }
    const text = await response.text().catch(() => '');
    let body: unknown = null;
    try {
      body = JSON.parse(text);
    } catch {
      // Not JSON: a proxy's error page, say.
    }
    const saved = response.status === 200 || (!get && response.status === 201);
    if (
      saved &&
      typeof body === 'object' &&
      body !== null &&
      (get || typeof (body as { name?: unknown }).name === 'string')
    ) {
      return {
        id: request.id,
        ok: true,
        model: body as Record<string, unknown>
      };
    }
    const said =
      typeof body === 'object' && body !== null
        ? ((body as { message?: unknown }).message ??
          (body as { reason?: unknown }).reason)
        : null;
    return {
      id: request.id,
      ok: false,
      // A 2xx without a model is the server's fault, not the run's.
      status: saved ? 502 : response.status,
      message:
        typeof said === 'string' && said
          ? said
          : saved
            ? get
              ? 'The server answered without a JSON object.'
              : 'The server answered the write without a file model.'
            : `${response.status} ${response.statusText}`.trim()
    };
  };
  scope.onmessage = event => {
    void answer(event.data as WorkerRequest).then(reply =>
      scope.postMessage(reply)
    );
  };
}

/** The worker script: `writerWorkerMain` run on the worker's own scope. */
export function workerSource(): string {
  return `(${writerWorkerMain.toString()})(self);`;
}
