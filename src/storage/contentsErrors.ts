/**
 * What a failed Contents API request means for a run waiting to be saved:
 * a network failure or a server error is retried; the reason is shown to
 * the user in words they can act on.
 */

/** Why a write did not reach the server. */
export type WriteFailureKind =
  | 'offline'
  | 'too-large'
  | 'disk-full'
  | 'server-error'
  | 'forbidden'
  | 'refused'
  | 'failed';

/** A classified write failure. */
export interface IWriteFailure {
  kind: WriteFailureKind;
  /** HTTP status, when the server answered. */
  status: number | null;
  /** The error's own message (server text, for the details). */
  message: string;
}

/** HTTP status of a `ServerConnection.ResponseError`, or null. */
export function httpStatus(error: unknown): number | null {
  const status = (error as { response?: { status?: unknown } } | null)?.response
    ?.status;
  return typeof status === 'number' && status > 0 ? status : null;
}

export function isNotFound(error: unknown): boolean {
  return httpStatus(error) === 404;
}

// How servers word a missing file or folder: jupyter_server answers a save
// into a folder that is gone with HTTP 500 and the OS error ("[Errno 2] No
// such file or directory"), other contents managers with their own words.
const MISSING_PATH =
  /no such file or directory|\bENOENT\b|FileNotFoundError|\b(?:does not|doesn't|do not) exist/i;

/**
 * Whether a failed write says that its folder (or the file's path) does
 * not exist: HTTP 404, or an HTTP 500 whose message says so. Any other
 * 500 is the server failing, not a missing folder.
 */
export function isMissingPath(error: unknown): boolean {
  const status = httpStatus(error);
  return (
    status === 404 ||
    (status === 500 && MISSING_PATH.test(describeError(error)))
  );
}

/**
 * Whether an error without an HTTP status is a request that never reached
 * the server: `fetch` rejects with a `TypeError` (and JupyterLab's
 * `ServerConnection.NetworkError` is one). Anything else was thrown before
 * or after the request (an unsafe name, a bug) and is not "offline".
 */
function isNetworkError(error: unknown): boolean {
  return error instanceof TypeError;
}

/** Whether the target already exists (a rename or copy refused). */
export function isConflict(error: unknown): boolean {
  const status = httpStatus(error);
  return status === 409;
}

export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Sort an error of a write into one of the reasons the UI explains. */
export function classifyWriteFailure(error: unknown): IWriteFailure {
  const status = httpStatus(error);
  const message = describeError(error);
  let kind: WriteFailureKind;
  if (status === null) {
    kind = isNetworkError(error) ? 'offline' : 'failed';
  } else if (status === 413) {
    kind = 'too-large';
  } else if (status === 507) {
    kind = 'disk-full';
  } else if (status >= 500) {
    kind = 'server-error';
  } else if (status === 401 || status === 403) {
    kind = 'forbidden';
  } else {
    kind = 'refused';
  }
  return { kind, status, message };
}
