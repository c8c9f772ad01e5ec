/**
 * Reading one run file: size cap, parse, migrate, validate. The single entry
 * point for run data from anywhere (the runs folder, a notebook's embedded
 * history, a zip bundle), so every path applies the same checks. And the one
 * way to write one (`serializeRunFile`).
 */
import type { IRunRecord } from '../run';
import { validateRun } from '../validate';
import { exceedsUtf8Bytes, findNonFinite } from './guards';
import { migrateRun, RUN_MIGRATIONS, type IRunMigration } from './migrate';

/** Default cap on a run file: outputs can be big, but not this big. */
export const DEFAULT_MAX_RUN_BYTES = 32 * 1024 * 1024;

/** Options of `loadRunFile` and `loadRunData`. */
export interface ILoadRunOptions {
  /** Named in every reason, e.g. `train.runs/01J….json`. */
  fileName?: string;
  /** Refuse files above this many bytes before parsing them. */
  maxBytes?: number;
  /** The id the file name promises; a different id inside is refused. */
  expectedId?: string;
  /** Migrations to apply (tests pass synthetic ones). */
  migrations?: readonly IRunMigration[];
}

/** A loaded run, or why the file was refused. */
export type LoadRunResult =
  | {
      ok: true;
      run: IRunRecord;
      /** The version the file was written in; below current if migrated. */
      fromVersion: number;
    }
  | { ok: false; reason: string };

function refuse(options: ILoadRunOptions, reason: string): LoadRunResult {
  return {
    ok: false,
    reason: options.fileName ? `${options.fileName}: ${reason}` : reason
  };
}

/**
 * Whether a file of `size` bytes may be fetched at all: lets an adapter skip
 * a huge file from the listing alone, before any download.
 */
export function checkRunFileSize(
  size: number | null,
  maxBytes: number = DEFAULT_MAX_RUN_BYTES
): string | null {
  return size !== null && size > maxBytes
    ? `is ${size} bytes, above the limit of ${maxBytes} bytes`
    : null;
}

/** Migrate and validate already parsed run data. Never throws. */
export function loadRunData(
  data: unknown,
  options: ILoadRunOptions = {}
): LoadRunResult {
  try {
    const migrated = migrateRun(data, options.migrations ?? RUN_MIGRATIONS);
    if (!migrated.ok) {
      return refuse(options, migrated.reason);
    }
    const valid = validateRun(migrated.data);
    if (!valid.ok) {
      const was =
        migrated.fromVersion < (migrated.data.schemaVersion as number)
          ? ` (after migration from version ${migrated.fromVersion})`
          : '';
      return refuse(options, `${valid.reason}${was}`);
    }
    const nonFinite = findNonFinite(valid.run);
    if (nonFinite !== null) {
      return refuse(options, `${nonFinite} is a number out of range`);
    }
    if (
      options.expectedId !== undefined &&
      valid.run.id !== options.expectedId
    ) {
      return refuse(
        options,
        `holds run ${valid.run.id}, not ${options.expectedId} as its name says`
      );
    }
    return { ok: true, run: valid.run, fromVersion: migrated.fromVersion };
  } catch (e) {
    // Validation recursing through pathological data can exhaust the stack.
    return refuse(options, `could not be checked (${(e as Error).message})`);
  }
}

/**
 * Read the text of a run file into a current, valid run. Never throws:
 * every refusal names the file (when given) and why.
 */
export function loadRunFile(
  text: string,
  options: ILoadRunOptions = {}
): LoadRunResult {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_RUN_BYTES;
  if (typeof text !== 'string') {
    return refuse(options, 'is not text');
  }
  if (exceedsUtf8Bytes(text, maxBytes)) {
    return refuse(options, `is larger than the limit of ${maxBytes} bytes`);
  }
  if (text.trim() === '') {
    return refuse(options, 'is empty');
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    return refuse(options, `is not valid JSON (${(e as Error).message})`);
  }
  return loadRunData(data, options);
}

/**
 * A key-sorted copy of a plain object, for `JSON.stringify`'s replacer;
 * other values are returned as they are. Integer-like keys still come first
 * in ascending order (JavaScript enumerates them so whatever the insertion
 * order), so the output depends on the content only.
 */
function sortedKeys(_key: string, value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return value;
  }
  // A loop, not `Object.fromEntries` over pairs, and no copy of an object
  // already in order: half the time (a 3 KB run, Node 20), in the part of
  // saving a run the page spent most on (`benchmarks/execution-cost.sh`,
  // profiled: 0.5 ms of the page per tagged execution).
  const object = value as Record<string, unknown>;
  const keys = Object.keys(object);
  let ordered = true;
  for (let i = 1; i < keys.length && ordered; i++) {
    ordered = keys[i - 1] <= keys[i];
  }
  if (ordered) {
    return object;
  }
  keys.sort();
  const copy: Record<string, unknown> = {};
  for (const key of keys) {
    copy[key] = object[key];
  }
  return copy;
}

/**
 * The text of `<id>.json`, in the one form every writer uses: keys sorted
 * at every level, one-space indent. Sorted because that is how Jupyter
 * writes a notebook (nbformat's `sort_keys=True`): a run embedded in an
 * exported notebook comes back from the server with sorted keys, and
 * restoring it must give the file it was exported from, byte for byte.
 * Sorting through `JSON.stringify`'s own replacer costs about 65 µs more than
 * the unsorted text for a typical 6 KB run and ~5 ms for 4 MB of outputs
 * (Node 20, loaded 2-core machine).
 */
export function serializeRunFile(run: IRunRecord): string {
  return JSON.stringify(run, sortedKeys, 1);
}
