/**
 * Run history embedded in a notebook's metadata, so that a single .ipynb
 * sent by mail or committed alone still carries its runs.
 *
 * The history sits under `metadata['jupyterlab-runs']`; nbformat leaves
 * notebook metadata free-form, so the notebook stays valid. Reading it back
 * goes through `loadRunData` like any run file: an embedded run is no more
 * trusted than one on disk.
 */
import type { IRunRecord } from '../run';
import { isRecord, isRunId } from './guards';
import { loadRunData, type ILoadRunOptions } from './load';
import {
  encodeSeries,
  validateSeriesFile,
  SERIES_FORMAT,
  SERIES_VERSION,
  type IEncodedSeries,
  type RunSeries
} from './series';

/** The notebook metadata key. */
export const EMBED_METADATA_KEY = 'jupyterlab-runs';
export const EMBED_VERSION = 1;

/** What is stored under the metadata key. */
export interface IEmbeddedHistory {
  version: typeof EMBED_VERSION;
  /** Run records, oldest first. */
  runs: IRunRecord[];
  /** Encoded series by run id. */
  series: Record<string, Record<string, IEncodedSeries>>;
}

/** The little of nbformat this needs: an object with free-form metadata. */
export interface INotebookLike {
  metadata?: Record<string, unknown>;
  [key: string]: unknown;
}

/** A run that could not be extracted, and why. */
export interface IExtractReject {
  /** Position in the embedded list. */
  index: number;
  /** The run id, when one could be read. */
  id?: string;
  reason: string;
}

/** What `extractRuns` found. */
export interface IExtractResult {
  runs: IRunRecord[];
  series: Record<string, RunSeries>;
  rejected: IExtractReject[];
  /** Why nothing could be read at all (absent when there was no problem). */
  problem?: string;
}

/**
 * A copy of `notebook` with `runs` (and their series) embedded, replacing
 * any history embedded before. The input is not modified. Runs are sorted
 * by id, so embedding the same runs twice gives the same text.
 */
export function embedRuns(
  notebook: INotebookLike,
  runs: readonly IRunRecord[],
  seriesById: Readonly<Record<string, RunSeries>> = {}
): INotebookLike {
  const sorted = [...runs].sort((a, b) =>
    a.id < b.id ? -1 : a.id > b.id ? 1 : 0
  );
  const series: [string, Record<string, IEncodedSeries>][] = [];
  for (const run of sorted) {
    const metrics = Object.prototype.hasOwnProperty.call(seriesById, run.id)
      ? seriesById[run.id]
      : undefined;
    if (metrics && Object.keys(metrics).length > 0) {
      series.push([
        run.id,
        Object.fromEntries(
          Object.keys(metrics)
            .sort()
            .map(name => [name, encodeSeries(metrics[name])])
        )
      ]);
    }
  }
  const history: IEmbeddedHistory = {
    version: EMBED_VERSION,
    runs: sorted.map(run => JSON.parse(JSON.stringify(run)) as IRunRecord),
    series: Object.fromEntries(series)
  };
  return {
    ...notebook,
    metadata: { ...(notebook.metadata ?? {}), [EMBED_METADATA_KEY]: history }
  };
}

/** A copy of `notebook` without embedded history. */
export function stripRuns(notebook: INotebookLike): INotebookLike {
  const metadata = { ...(notebook.metadata ?? {}) };
  delete metadata[EMBED_METADATA_KEY];
  return { ...notebook, metadata };
}

/**
 * Read the runs embedded in a notebook. Never throws: each run is loaded
 * (migrated and validated) on its own, and a bad one is listed in
 * `rejected` with its reason while the others are kept.
 */
export function extractRuns(
  notebook: unknown,
  options: Pick<ILoadRunOptions, 'migrations'> = {}
): IExtractResult {
  const result: IExtractResult = { runs: [], series: {}, rejected: [] };
  if (!isRecord(notebook) || !isRecord(notebook.metadata)) {
    return { ...result, problem: 'is not a notebook with metadata' };
  }
  if (
    !Object.prototype.hasOwnProperty.call(notebook.metadata, EMBED_METADATA_KEY)
  ) {
    return result;
  }
  const history = notebook.metadata[EMBED_METADATA_KEY];
  if (!isRecord(history) || !Array.isArray(history.runs)) {
    return {
      ...result,
      problem: 'has embedded history that is not a list of runs'
    };
  }
  if (typeof history.version !== 'number' || history.version > EMBED_VERSION) {
    return {
      ...result,
      problem: `has embedded history of version ${JSON.stringify(history.version)}, this version reads up to ${EMBED_VERSION}`
    };
  }
  const seen = new Map<string, number>();
  history.runs.forEach((data: unknown, index: number) => {
    const id = isRecord(data) && isRunId(data.id) ? data.id : undefined;
    const loaded = loadRunData(data, {
      ...options,
      fileName: `embedded run ${index}${id ? ` (${id})` : ''}`
    });
    if (!loaded.ok) {
      result.rejected.push({ index, id, reason: loaded.reason });
    } else if (seen.has(loaded.run.id)) {
      result.rejected.push({
        index,
        id: loaded.run.id,
        reason: `embedded run ${index} (${loaded.run.id}): duplicates an earlier run`
      });
    } else {
      seen.set(loaded.run.id, index);
      result.runs.push(loaded.run);
    }
  });
  const series = isRecord(history.series) ? history.series : {};
  const decoded: [string, RunSeries][] = [];
  for (const [id, metrics] of Object.entries(series)) {
    if (!seen.has(id)) {
      continue; // series of a run that was rejected or is absent
    }
    const check = validateSeriesFile({
      format: SERIES_FORMAT,
      version: SERIES_VERSION,
      runId: id,
      metrics
    });
    if (check.ok) {
      decoded.push([id, check.series]);
    } else {
      result.rejected.push({
        index: seen.get(id) as number,
        id,
        reason: `embedded series of ${id}: ${check.reason}`
      });
    }
  }
  result.series = Object.fromEntries(decoded);
  return result;
}
