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
  | 'refused';

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
    kind = 'offline';
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
