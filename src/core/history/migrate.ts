/**
 * Migration of run files written by older versions to the current schema,
 * applied on read so that old folders keep working without a rewrite.
 *
 * A migration upgrades exactly one version (`fromVersion` to
 * `fromVersion + 1`); `migrateRun` chains them. Files of a newer version
 * are refused with a reason rather than guessed at: a newer writer may
 * have added meaning that this reader would silently drop.
 *
 * Version 0 is the pre-release format (development builds before 0.1, never
 * published), described in docs/RUN_FOLDER.md: flat snake_case fields,
 * epoch-millisecond times, the kernel as a bare spec name.
 */
import { notebookStem } from '../paths';
import { RUN_SCHEMA_VERSION } from '../run';
import { isRecord } from './guards';

/** Outcome of one step, or of a whole chain. */
export type MigrationResult =
  { ok: true; data: Record<string, unknown> } | { ok: false; reason: string };

/** One upgrade step. */
export interface IRunMigration {
  /** The version it reads; it writes `fromVersion + 1`. */
  fromVersion: number;
  /** Pure: returns new data, never mutates its input, never throws. */
  migrate(data: Record<string, unknown>): MigrationResult;
}

/** A run file of the pre-release format. */
export interface IRunRecordV0 {
  version: 0;
  runId: string;
  notebook: string;
  cell_id?: string;
  /** Absent for a bare `experiment` tag. */
  experiment?: string;
  /** The cell source, as a string or nbformat-style list of lines. */
  code: string | string[];
  execution_count: number | null;
  /** Epoch milliseconds. */
  started: number;
  finished: number | null;
  /** `aborted` became `interrupted` in v1. */
  status: 'running' | 'ok' | 'error' | 'aborted';
  outputs: Record<string, unknown>[];
  /** Kernel spec name only. */
  kernel: string;
  language?: string;
}

/** Extension version recorded for runs migrated from the pre-release format. */
export const V0_EXTENSION_VERSION = '0.0.0';

const MAX_EPOCH_MS = 8.64e15;

function isoFromEpoch(value: unknown): string | null {
  return typeof value === 'number' &&
    Number.isFinite(value) &&
    Math.abs(value) <= MAX_EPOCH_MS
    ? new Date(value).toISOString()
    : null;
}

/** The pre-release format to v1. */
export const migrateV0toV1: IRunMigration = {
  fromVersion: 0,
  migrate(d) {
    const fail = (why: string): MigrationResult => ({
      ok: false,
      reason: `cannot migrate from version 0: ${why}`
    });
    if (typeof d.notebook !== 'string' || d.notebook === '') {
      return fail('no notebook path');
    }
    const code = Array.isArray(d.code)
      ? d.code.every(line => typeof line === 'string')
        ? d.code.join('')
        : null
      : typeof d.code === 'string'
        ? d.code
        : null;
    if (code === null) {
      return fail('code is neither a string nor a list of lines');
    }
    const startedAt = isoFromEpoch(d.started);
    if (startedAt === null) {
      return fail('no valid start time');
    }
    const endedAt = d.finished === null ? null : isoFromEpoch(d.finished);
    if (d.finished !== null && endedAt === null) {
      return fail('an invalid end time');
    }
    const duration =
      endedAt === null ? null : (d.finished as number) - (d.started as number);
    const status = d.status === 'aborted' ? 'interrupted' : d.status;
    const outputs = Array.isArray(d.outputs) ? d.outputs : null;
    if (outputs === null) {
      return fail('outputs is not a list');
    }
    const data: Record<string, unknown> = {
      schemaVersion: 1,
      id: d.runId,
      notebookPath: d.notebook,
      cellId: typeof d.cell_id === 'string' ? d.cell_id : '',
      experiment:
        typeof d.experiment === 'string' && d.experiment !== ''
          ? d.experiment
          : notebookStem(d.notebook),
      code,
      executionCount: d.execution_count,
      startedAt,
      endedAt,
      durationMs: duration !== null && duration >= 0 ? duration : null,
      status,
      outputs,
      kernel: {
        name: d.kernel,
        language: typeof d.language === 'string' ? d.language : 'unknown',
        languageVersion: ''
      },
      extensionVersion: V0_EXTENSION_VERSION
    };
    // v0 kept the exception only as an error output; v1 also lifts it up.
    const error = outputs.find(
      (o: unknown) => isRecord(o) && o.output_type === 'error'
    ) as Record<string, unknown> | undefined;
    if (status === 'error' && error) {
      data.error = {
        ename: error.ename,
        evalue: error.evalue,
        traceback: error.traceback
      };
    }
    return { ok: true, data };
  }
};

/**
 * Version 1 to 2. A v1 lineage listed the executions before the run (the
 * whole session, in early builds), with flags that fired on every ordinary
 * sweep: it becomes a `session` lineage keeping those flags as recorded,
 * and the run gets no provenance (nothing was checked against the slice).
 * Everything else v1 holds is valid v2: outputs, the diff reference and
 * `historyCount` are new and optional; an inline git diff stays readable.
 */
export const migrateV1toV2: IRunMigration = {
  fromVersion: 1,
  migrate(d) {
    const data: Record<string, unknown> = { ...d, schemaVersion: 2 };
    if (isRecord(d.lineage)) {
      data.lineage = { scope: 'session', ...d.lineage };
    }
    return { ok: true, data };
  }
};

/** All known migrations, oldest first. */
export const RUN_MIGRATIONS: readonly IRunMigration[] = [
  migrateV0toV1,
  migrateV1toV2
];

/**
 * The schema version a run file declares: `schemaVersion` from v1 on,
 * `version` in the pre-release format. A reason when it declares none.
 */
export function detectRunVersion(
  data: Record<string, unknown>
): number | string {
  const declared = 'schemaVersion' in data ? data.schemaVersion : data.version;
  if (declared === undefined) {
    return 'has no schema version';
  }
  if (
    typeof declared !== 'number' ||
    !Number.isInteger(declared) ||
    declared < 0
  ) {
    return `has an invalid schema version ${JSON.stringify(declared)}`;
  }
  return declared;
}

/** `migrateRun`'s outcome: the data at the current version, and its origin. */
export type MigrateRunResult =
  | { ok: true; data: Record<string, unknown>; fromVersion: number }
  | { ok: false; reason: string };

/**
 * Upgrade parsed run data to `current` (default: the version this build
 * writes). Returns the input object itself when it is already current. The
 * result still has to be validated: migrations reshape, they do not check.
 */
export function migrateRun(
  data: unknown,
  migrations: readonly IRunMigration[] = RUN_MIGRATIONS,
  current: number = RUN_SCHEMA_VERSION
): MigrateRunResult {
  if (!isRecord(data)) {
    return { ok: false, reason: 'is not a JSON object' };
  }
  const version = detectRunVersion(data);
  if (typeof version === 'string') {
    return { ok: false, reason: version };
  }
  if (version > current) {
    return {
      ok: false,
      reason: `was written by a newer jupyterlab-runs (schema version ${version}, this version reads up to ${current})`
    };
  }
  let migrated = data;
  for (let v = version; v < current; v++) {
    const step = migrations.find(m => m.fromVersion === v);
    if (!step) {
      return {
        ok: false,
        reason: `has schema version ${version}, and no migration from version ${v} exists`
      };
    }
    let result: MigrationResult;
    try {
      result = step.migrate(migrated);
    } catch (e) {
      result = {
        ok: false,
        reason: `cannot migrate from version ${v}: ${(e as Error).message}`
      };
    }
    if (!result.ok) {
      return result;
    }
    migrated = result.data;
  }
  return { ok: true, data: migrated, fromVersion: version };
}
