/**
 * The run record: what one execution of an experiment cell leaves behind.
 *
 * This module is the pure heart of the extension: no DOM, no JupyterLab.
 * The JSON Schema in `schema/run.v1.schema.json` is the contract for the
 * files on disk; these types mirror it.
 */

import type { IRunReproduction, ReproductionVerdict } from './reproduce/types';

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
  params?: Record<string, ParamValue>;
  paramSources?: Record<string, ParamSource>;
  tags?: Record<string, string>;
  /** Aggregates per metric (non-finite numbers encoded); series are separate. */
  metrics?: Record<string, IEncodedMetricSummary>;
  hasSeries?: boolean;
  lineage?: IRunLineage;
  environment?: IRunEnvironmentRef;
  datasets?: IRunDataset[];
  artifacts?: IRunArtifact[];
  plots?: IRunPlot[];
  outputsTruncated?: {
    omittedOutputs: number;
    originalBytes: number;
    capBytes: number;
  };
  capture?: {
    kernelMs?: number | null;
    missedMessages?: boolean;
    notes?: string[];
  };
  /** The run this one reproduces ("Reproduce Run"). */
  reproducedFrom?: string;
  /** The verdict against that run and what differed. */
  reproduction?: IRunReproduction;
}

/** Where a parameter value came from; explicit logging wins. */
export type ParamSource = 'explicit' | 'inferred' | 'parameters';

/** A number as JSON can hold it: non-finite values are strings. */
export type JsonNumber = number | 'NaN' | 'Infinity' | '-Infinity';

/** IMetricSummary as stored in JSON. */
export interface IEncodedMetricSummary {
  last: JsonNumber;
  min: JsonNumber;
  max: JsonNumber;
  count: number;
  lastStep: number;
}

/** One execution before the run, as it ran. */
export interface ILineageEntry {
  cellId: string | null;
  executionCount: number | null;
  code: string;
  /** The cell now: as it ran, edited since, deleted, or not from this notebook. */
  state: 'unchanged' | 'edited' | 'deleted' | 'external';
}

export type LineageIssue =
  | 'out-of-order'
  | 're-run'
  | 'edited'
  | 'deleted'
  | 'external'
  | 'truncated'
  | 'unknown-history';

export interface IRunLineage {
  entries: ILineageEntry[];
  /** Cells ran once each, top to bottom, none edited since. */
  clean: boolean;
  issues: LineageIssue[];
}

/** The run's environment: the machine part lives in `env-<hash>.json`. */
export interface IRunEnvironmentRef {
  deepProbe: boolean;
  /** Why there is no deep probe. */
  reason?: string;
  hash?: string;
  cwd?: string;
  git?: Record<string, unknown> | null;
  probedAt?: string;
}

/** A data file version. */
export interface IRunDataset {
  name?: string;
  path: string;
  realpath?: string;
  size: number;
  mtime?: string;
  sha256: string | null;
  files?: number;
  source: 'logged' | 'literal';
  skipped?: boolean;
  reason?: string;
}

/** A file logged with the run (an artifact or a figure). */
export interface IRunArtifact {
  name: string;
  kind: 'artifact' | 'figure';
  mime?: string;
  /** The path the kernel was given. */
  sourcePath?: string;
  /** Where the copy is kept, relative to the runs folder, when stored. */
  path?: string;
  size: number;
  sha256: string;
  stored: boolean;
  reason?: string;
}

/** A confusion matrix or a ROC/PR curve, as data. */
export type IRunPlot =
  | {
      kind: 'confusion_matrix';
      name: string;
      labels: unknown[];
      matrix: number[][];
      samples?: number;
    }
  | ({ kind: 'roc' | 'pr'; name: string } & Record<string, unknown>);

/** Decode a JSON number (see JsonNumber). */
export function fromJsonNumber(value: unknown): number {
  if (typeof value === 'number') {
    return value;
  }
  if (value === 'NaN' || value === 'Infinity' || value === '-Infinity') {
    return Number(value);
  }
  return NaN;
}

/** Encode a number so JSON can hold it. */
export function toJsonNumber(value: number): JsonNumber {
  if (Number.isFinite(value)) {
    return value;
  }
  return Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity';
}

/** A parameter value: what a JSON file can hold. */
export type ParamValue =
  | number
  | string
  | boolean
  | null
  | ParamValue[]
  | { [key: string]: ParamValue };

/**
 * Aggregates of one metric series, enough to list, sort and query runs;
 * defined (NaN and ±Infinity included) by `summarizeSeries` in
 * `series/aggregates.ts`.
 */
export interface IMetricSummary {
  /** The value at the highest step (the latest logged of a tie). */
  last: number;
  /** The smallest value but NaN; NaN when every value is. */
  min: number;
  /** The largest value but NaN; NaN when every value is. */
  max: number;
  /** Number of points logged, NaN and ±Infinity included. */
  count: number;
  /** The highest step, the one `last` is at. */
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
  /** For a reproduction: the run it reproduces and the verdict. */
  reproduction?: { of: string; verdict: ReproductionVerdict };
  /**
   * Recorded, but not yet on the server (waiting in this browser's outbox).
   * Only in memory: never written to a file or a manifest.
   */
  pending?: boolean;
}

/** Project a run onto its summary. */
export function summarize(run: IRunRecord): IRunSummary {
  const summary: IRunSummary = {
    id: run.id,
    notebookPath: run.notebookPath,
    experiment: run.experiment,
    status: run.status,
    startedAt: run.startedAt,
    endedAt: run.endedAt,
    durationMs: run.durationMs,
    executionCount: run.executionCount
  };
  if (run.params && Object.keys(run.params).length > 0) {
    summary.params = run.params;
  }
  if (run.tags && Object.keys(run.tags).length > 0) {
    summary.tags = run.tags;
  }
  if (run.reproduction) {
    summary.reproduction = {
      of: run.reproduction.of,
      verdict: run.reproduction.verdict
    };
  }
  if (run.metrics && Object.keys(run.metrics).length > 0) {
    summary.metrics = {};
    for (const [name, m] of Object.entries(run.metrics)) {
      summary.metrics[name] = {
        last: fromJsonNumber(m.last),
        min: fromJsonNumber(m.min),
        max: fromJsonNumber(m.max),
        count: m.count,
        lastStep: m.lastStep
      };
    }
  }
  return summary;
}

/**
 * Order runs newest first. Run ids are ULIDs, so comparing ids compares
 * creation times, and ties within a millisecond keep creation order.
 */
export function newestFirst(a: { id: string }, b: { id: string }): number {
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

/**
 * `runs` (newest first, as `newestFirst` sorts) with `run` in place of the
 * run with its id, or inserted where it sorts: a copy, found by binary
 * search, so a live update of one run costs a copy of the list instead of
 * the map and sort of `mergeSummaries`.
 */
export function upsertSummary<T extends { id: string }>(
  runs: readonly T[],
  run: T
): T[] {
  let lo = 0;
  let hi = runs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (newestFirst(runs[mid], run) < 0) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  const out = runs.slice();
  if (lo < runs.length && runs[lo].id === run.id) {
    out[lo] = run;
  } else {
    out.splice(lo, 0, run);
  }
  return out;
}

/**
 * Union of two lists of runs by id, the first list winning, newest first:
 * fresh summaries (just saved, live, waiting to be written) over a listing.
 */
export function mergeSummaries<T extends { id: string }>(
  first: readonly T[],
  second: readonly T[]
): T[] {
  const byId = new Map<string, T>();
  for (const run of [...second, ...first]) {
    byId.set(run.id, run);
  }
  return [...byId.values()].sort(newestFirst);
}
