/**
 * The run record: what one execution of an experiment cell leaves behind.
 *
 * This module is the pure heart of the extension: no DOM, no JupyterLab.
 * The JSON Schema in `schema/run.v1.schema.json` is the contract for the
 * files on disk; these types mirror it.
 */

/** The run-file schema version this build writes. */
export const RUN_SCHEMA_VERSION = 1;

/** Lifecycle of a run. A run never stays `running` once its kernel is gone. */
export type RunStatus = 'running' | 'ok' | 'error' | 'interrupted';

/** An nbformat output, kept as plain JSON (the schema checks its shape). */
export type RunOutput = { output_type: string } & Record<string, unknown>;

/** The exception that ended a failed run. */
export interface IRunError {
  ename: string;
  evalue: string;
  traceback: string[];
}

/** What the kernel said about itself in its `kernel_info_reply`. */
export interface IRunKernel {
  /** Kernel spec name, e.g. `python3`. */
  name: string;
  language: string;
  languageVersion: string;
  implementation?: string;
  implementationVersion?: string;
}

/** A run record, schema version 1. */
export interface IRunRecord {
  schemaVersion: 1;
  /** ULID: sorts by creation time, unique across tabs. */
  id: string;
  notebookPath: string;
  cellId: string;
  experiment: string;
  /** The cell source exactly as it was sent to the kernel. */
  code: string;
  executionCount: number | null;
  /** ISO 8601 (UTC). */
  startedAt: string;
  endedAt: string | null;
  durationMs: number | null;
  status: RunStatus;
  error?: IRunError;
  outputs: RunOutput[];
  kernel: IRunKernel;
  extensionVersion: string;
}

/** A parameter value: what a JSON file can hold. */
export type ParamValue =
  | number
  | string
  | boolean
  | null
  | ParamValue[]
  | { [key: string]: ParamValue };

/** Aggregates of one metric series, enough to list, sort and query runs. */
export interface IMetricSummary {
  /** The value at the highest step. */
  last: number;
  min: number;
  max: number;
  /** Number of points logged. */
  count: number;
  /** Step of the last point. */
  lastStep: number;
}

/**
 * A metric series in columns: point i is (step[i], value[i], time[i]).
 * `time` is ms since the epoch. Non-finite values are kept (NaN, ±Infinity)
 * because they are exactly what anomaly detection must see.
 */
export interface IMetricSeries {
  step: number[];
  value: number[];
  time: number[];
}

/**
 * What lists, tables and queries need of a run, without its code, outputs or
 * metric series. Fields that later capture features fill are optional here
 * and default to empty.
 */
export interface IRunSummary {
  id: string;
  notebookPath: string;
  experiment: string;
  /** A user-given display name; the id stands in when absent. */
  name?: string;
  status: RunStatus;
  startedAt: string;
  endedAt: string | null;
  durationMs: number | null;
  executionCount: number | null;
  params?: Record<string, ParamValue>;
  metrics?: Record<string, IMetricSummary>;
  tags?: Record<string, string>;
  starred?: boolean;
}

/** Project a run onto its summary. */
export function summarize(run: IRunRecord): IRunSummary {
  return {
    id: run.id,
    notebookPath: run.notebookPath,
    experiment: run.experiment,
    status: run.status,
    startedAt: run.startedAt,
    endedAt: run.endedAt,
    durationMs: run.durationMs,
    executionCount: run.executionCount
  };
}

/**
 * Order runs newest first. Run ids are ULIDs, so comparing ids compares
 * creation times, and ties within a millisecond keep creation order.
 */
export function newestFirst(a: { id: string }, b: { id: string }): number {
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}
