/**
 * The run record: what one execution of an experiment cell leaves behind.
 *
 * This module is the pure heart of the extension: no DOM, no JupyterLab.
 * The JSON Schema in `schema/run.v2.schema.json` is the contract for the
 * files on disk; these types mirror it.
 */

import type { IRunReproduction, ReproductionVerdict } from './reproduce/types';

/**
 * The run-file schema version this build writes. 2 added the slice-based
 * lineage, provenance, output files and the content-addressed git diff;
 * version 1 files are migrated on read (`history/migrate.ts`).
 */
export const RUN_SCHEMA_VERSION = 2;

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

/** A run record, schema version 2. */
export interface IRunRecord {
  schemaVersion: 2;
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
  /** Whether the lineage could be produced by the notebook as it is now. */
  provenance?: IRunProvenance;
  environment?: IRunEnvironmentRef;
  /** Input data: files the run's code and its slice name. */
  datasets?: IRunDataset[];
  /** Files created or modified while the run executed. */
  outputFiles?: IRunOutputFile[];
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
  /** The names the run took from this execution (slice lineages). */
  provides?: string[];
}

/** The flags of a version 1 lineage (kept on migrated runs only). */
export type LineageIssue =
  | 'out-of-order'
  | 're-run'
  | 'edited'
  | 'deleted'
  | 'external'
  | 'truncated'
  | 'unknown-history';

export interface IRunLineage {
  /**
   * `slice`: the executions the run depended on, transitively (the
   * kernel's dependency slice). `session`: every execution before the run
   * (version 1 files, and kernels that sent no slice).
   */
  scope: 'slice' | 'session';
  entries: ILineageEntry[];
  /** Executions the kernel saw in the session up to the run. */
  historyCount?: number;
  /** Version 1 only: its "clean" flag, kept as it was recorded. */
  clean?: boolean;
  /** Version 1 only: its flags, kept as they were recorded. */
  issues?: LineageIssue[];
}

/** `clean`: the notebook as it is now, run top to bottom, gives the slice. */
export type ProvenanceState = 'clean' | 'stale' | 'unknown';

/** An execution a provenance issue names. */
export interface IProvenanceCell {
  cellId: string | null;
  executionCount: number | null;
  /** 0-based position of the cell in the notebook when the run was recorded. */
  index: number | null;
  /** The first line of its code as it ran (at most 80 characters). */
  line: string;
}

/** What keeps a run from being produced by the notebook as it is now. */
export type IProvenanceIssue =
  /** A `parameters` cell now assigns `name` another value than the run used. */
  | {
      kind: 'stale-param';
      name: string;
      /** The value the run used, as its code spelled it. */
      used: string;
      /** The value the parameters cell assigns now; null: no longer assigned. */
      now: string | null;
      cell: IProvenanceCell;
      /** The executions that read the value used. */
      usedBy: IProvenanceCell[];
    }
  /** A dependency edited since it ran; `names`: what the run took from it. */
  | { kind: 'edited'; cell: IProvenanceCell; names: string[] }
  | { kind: 'deleted'; cell: IProvenanceCell; names: string[] }
  /** Code not from this notebook (a console, another client). */
  | { kind: 'external'; cell: IProvenanceCell; names: string[] }
  /** `cell` ran after `after` though it sits above it, and they share `names`. */
  | {
      kind: 'out-of-order';
      cell: IProvenanceCell;
      after: IProvenanceCell;
      names: string[];
    }
  /** A dependency sits below the experiment cell. */
  | { kind: 'below'; cell: IProvenanceCell; names: string[] }
  /** The run read state earlier runs of its own cell left (`n += 1`). */
  | { kind: 'self-dependent'; names: string[] }
  /** Names the run read that no execution the kernel saw defined. */
  | { kind: 'incomplete'; names: string[] }
  /** No dependency slice: the kernel could not cut one. */
  | { kind: 'no-slice' };

export interface IRunProvenance {
  state: ProvenanceState;
  issues: IProvenanceIssue[];
}

/** A file the run created or modified. */
export interface IRunOutputFile {
  path: string;
  realpath?: string;
  size: number;
  mtime?: string;
  /** null when it was over the size cap (see `reason`). */
  sha256: string | null;
  /** Whether it did not exist before the run (known in the working directory). */
  created?: boolean;
  skipped?: boolean;
  reason?: string;
}

/** The run's environment: the machine part lives in `env-<hash>.json`. */
export interface IRunEnvironmentRef {
  deepProbe: boolean;
  /** Why there is no deep probe. */
  reason?: string;
  hash?: string;
  cwd?: string;
  /**
   * Commit, branch, dirty flag, remote. From version 2 the diff is not
   * inline: `diffSha256` names `diff-<sha256>.patch` in the runs folder,
   * written once and shared by every run with the same diff.
   */
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
  /** A user-given display name; `runName` stands in when absent. */
  name?: string;
  /**
   * The run's number among the folder's runs of its experiment, oldest
   * first (`logreg #7`, see `runs/names.ts`). Only in memory: derived by
   * the runs list, never written to a file or a manifest.
   */
  seq?: number;
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
  /** The run's provenance state; absent for runs recorded before version 2. */
  provenance?: ProvenanceState;
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
  if (run.provenance) {
    summary.provenance = run.provenance.state;
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
  if (first.length === 0 && isNewestFirst(second)) {
    return [...second]; // a return visit: the folder's runs as they were
  }
  const byId = new Map<string, T>();
  for (const run of [...second, ...first]) {
    byId.set(run.id, run);
  }
  return [...byId.values()].sort(newestFirst);
}

/** Whether `runs` are newest first with no id twice (one pass). */
function isNewestFirst<T extends { id: string }>(runs: readonly T[]): boolean {
  for (let i = 1; i < runs.length; i++) {
    if (newestFirst(runs[i - 1], runs[i]) >= 0) {
      return false;
    }
  }
  return true;
}
