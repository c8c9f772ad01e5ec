/**
 * Small type guards shared by the history validators. Manifests and series
 * files are caches and sidecars: they are checked by hand-written guards
 * rather than a JSON Schema so that one bad entry can be dropped while the
 * rest of the file is kept.
 */
import { isRunId } from '../id';
import { utf8Length } from '../paths';
import type { ParamValue, RunStatus } from '../run';

/** A plain JSON object (not an array, not null). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** RFC 3339 as `Date.prototype.toISOString` writes it (the run schema's). */
export const ISO_DATE_TIME =
  /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

export function isIsoDateTime(value: unknown): value is string {
  return typeof value === 'string' && ISO_DATE_TIME.test(value);
}

const STATUSES: ReadonlySet<string> = new Set([
  'running',
  'ok',
  'error',
  'interrupted'
]);

export function isRunStatus(value: unknown): value is RunStatus {
  return typeof value === 'string' && STATUSES.has(value);
}

/** Whether a run in this status will not be written again. */
export function isTerminalStatus(status: RunStatus): boolean {
  return status !== 'running';
}

export function isNonNegativeOrNull(value: unknown): value is number | null {
  return (
    value === null ||
    (typeof value === 'number' && Number.isFinite(value) && value >= 0)
  );
}

/** A JSON value usable as a parameter, at most `depth` levels deep. */
export function isParamValue(value: unknown, depth = 8): value is ParamValue {
  if (
    value === null ||
    typeof value === 'string' ||
    typeof value === 'boolean'
  ) {
    return true;
  }
  if (typeof value === 'number') {
    return Number.isFinite(value);
  }
  if (depth <= 0) {
    return false;
  }
  if (Array.isArray(value)) {
    return value.every(v => isParamValue(v, depth - 1));
  }
  return (
    isRecord(value) &&
    Object.values(value).every(v => isParamValue(v, depth - 1))
  );
}

export function isStringMap(value: unknown): value is Record<string, string> {
  return (
    isRecord(value) && Object.values(value).every(v => typeof v === 'string')
  );
}

export { isRunId };

/**
 * Copy the own entries of a parsed object into a fresh one. Keys such as
 * `__proto__` become plain data, never a prototype.
 */
export function mapValues<T, U>(
  record: Record<string, T>,
  fn: (value: T, key: string) => U
): Record<string, U> {
  return Object.fromEntries(
    Object.entries(record).map(([key, value]) => [key, fn(value, key)])
  );
}

/**
 * Whether `text` takes more than `maxBytes` in UTF-8. Cheap for the common
 * cases: a string longer than the cap is over it, one under a third is not.
 */
export function exceedsUtf8Bytes(text: string, maxBytes: number): boolean {
  if (text.length > maxBytes) {
    return true;
  }
  if (text.length * 3 <= maxBytes) {
    return false;
  }
  return utf8Length(text) > maxBytes;
}

/**
 * The JSON path of the first number that JSON cannot hold (`1e309` parses
 * to Infinity), or null. Such a value would not survive a save, so a file
 * holding one is refused rather than silently changed. Iterative and
 * cycle-safe, so no data can overflow the stack or loop.
 */
export function findNonFinite(data: unknown): string | null {
  const stack: [unknown, string][] = [[data, '']];
  const seen = new Set<object>();
  while (stack.length > 0) {
    const [value, path] = stack.pop() as [unknown, string];
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) {
        return path || '(root)';
      }
    } else if (
      value !== null &&
      typeof value === 'object' &&
      !seen.has(value)
    ) {
      seen.add(value);
      for (const [key, child] of Object.entries(value)) {
        stack.push([child, `${path}/${key}`]);
      }
    }
  }
  return null;
}
