/**
 * Metric series files: `<run-id>.series.json` beside the run file.
 *
 * Long series are kept out of both the run file and the manifest so that
 * listing runs never reads them; they are fetched only to plot one run.
 * Values are columnar (IMetricSeries) and may be non-finite, which JSON
 * cannot hold: NaN and ±Infinity are written as the strings "NaN",
 * "Infinity" and "-Infinity" (and a `null` from a naive writer reads as NaN).
 */
import type { IMetricSeries } from '../run';
import { exceedsUtf8Bytes, isRecord, isRunId } from './guards';

export const SERIES_FORMAT = 'jupyterlab-runs/series';
export const SERIES_VERSION = 1;

/** Most metrics accepted in one series file. */
export const MAX_METRICS = 1000;
/** Longest metric name. */
export const MAX_METRIC_NAME = 256;

/** A number as JSON can hold it. */
export type JsonNumber = number | 'NaN' | 'Infinity' | '-Infinity';

/** The metrics of one run, by metric name. */
export type RunSeries = Record<string, IMetricSeries>;

/** A series with its values made JSON-safe. */
export interface IEncodedSeries {
  step: number[];
  value: JsonNumber[];
  time: number[];
}

/** The content of a series file. */
export interface ISeriesFile {
  format: typeof SERIES_FORMAT;
  version: typeof SERIES_VERSION;
  runId: string;
  metrics: Record<string, IEncodedSeries>;
}

/** Make a number JSON-safe. */
export function encodeNumber(n: number): JsonNumber {
  if (Number.isFinite(n)) {
    return n;
  }
  return Number.isNaN(n) ? 'NaN' : n > 0 ? 'Infinity' : '-Infinity';
}

/** Read a JSON-safe number back, or undefined if `v` is not one. */
export function decodeNumber(v: unknown): number | undefined {
  if (typeof v === 'number') {
    return v;
  }
  if (v === null || v === 'NaN') {
    return NaN;
  }
  return v === 'Infinity'
    ? Infinity
    : v === '-Infinity'
      ? -Infinity
      : undefined;
}

export function encodeSeries(series: IMetricSeries): IEncodedSeries {
  return {
    step: series.step.slice(),
    value: series.value.map(encodeNumber),
    time: series.time.slice()
  };
}

/** Decode and check one series: equal lengths, finite steps and times. */
export function decodeSeries(data: unknown): IMetricSeries | string {
  if (!isRecord(data)) {
    return 'is not an object';
  }
  const { step, value, time } = data;
  if (!Array.isArray(step) || !Array.isArray(value) || !Array.isArray(time)) {
    return 'needs step, value and time arrays';
  }
  if (step.length !== value.length || step.length !== time.length) {
    return 'has step, value and time arrays of different lengths';
  }
  const finite = (v: unknown): v is number =>
    typeof v === 'number' && Number.isFinite(v);
  if (!step.every(finite) || !time.every(finite)) {
    return 'has a step or time that is not a finite number';
  }
  const values: number[] = new Array(value.length);
  for (let i = 0; i < value.length; i++) {
    const v = decodeNumber(value[i]);
    if (v === undefined) {
      return `has a value at index ${i} that is not a number`;
    }
    values[i] = v;
  }
  return { step: step.slice(), value: values, time: time.slice() };
}

/** Build the file content for a run's series. */
export function makeSeriesFile(runId: string, series: RunSeries): ISeriesFile {
  const metrics: Record<string, IEncodedSeries> = Object.fromEntries(
    Object.keys(series)
      .sort()
      .map(name => [name, encodeSeries(series[name])])
  );
  return { format: SERIES_FORMAT, version: SERIES_VERSION, runId, metrics };
}

/** Serialize a run's series for `<id>.series.json`. */
export function serializeSeriesFile(runId: string, series: RunSeries): string {
  return JSON.stringify(makeSeriesFile(runId, series));
}

/** The outcome of reading a series file. */
export type SeriesLoadResult =
  | { ok: true; runId: string; series: RunSeries }
  | { ok: false; reason: string };

/** Check already parsed series-file content. Never throws. */
export function validateSeriesFile(data: unknown): SeriesLoadResult {
  if (!isRecord(data) || data.format !== SERIES_FORMAT) {
    return { ok: false, reason: 'is not a jupyterlab-runs series file' };
  }
  if (typeof data.version !== 'number' || data.version > SERIES_VERSION) {
    return {
      ok: false,
      reason: `has series version ${String(data.version)}, this version reads up to ${SERIES_VERSION}`
    };
  }
  if (!isRunId(data.runId)) {
    return { ok: false, reason: 'has no valid run id' };
  }
  if (!isRecord(data.metrics)) {
    return { ok: false, reason: 'has no metrics object' };
  }
  const names = Object.keys(data.metrics);
  if (names.length > MAX_METRICS) {
    return { ok: false, reason: `has more than ${MAX_METRICS} metrics` };
  }
  const series: [string, IMetricSeries][] = [];
  for (const name of names) {
    if (name === '' || name.length > MAX_METRIC_NAME) {
      return { ok: false, reason: `has an invalid metric name` };
    }
    const decoded = decodeSeries(data.metrics[name]);
    if (typeof decoded === 'string') {
      return { ok: false, reason: `metric ${JSON.stringify(name)} ${decoded}` };
    }
    series.push([name, decoded]);
  }
  return { ok: true, runId: data.runId, series: Object.fromEntries(series) };
}

/** Parse and check the text of a series file. Never throws. */
export function loadSeriesFile(
  text: string,
  options: { fileName?: string; maxBytes?: number; expectedId?: string } = {}
): SeriesLoadResult {
  const where = (reason: string): SeriesLoadResult => ({
    ok: false,
    reason: options.fileName ? `${options.fileName}: ${reason}` : reason
  });
  const maxBytes = options.maxBytes ?? 256 * 1024 * 1024;
  if (exceedsUtf8Bytes(text, maxBytes)) {
    return where(`is larger than the limit of ${maxBytes} bytes`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    return where(`is not valid JSON (${(e as Error).message})`);
  }
  const result = validateSeriesFile(data);
  if (!result.ok) {
    return where(result.reason);
  }
  if (options.expectedId !== undefined && result.runId !== options.expectedId) {
    return where(`belongs to run ${result.runId}, not ${options.expectedId}`);
  }
  return result;
}
