/**
 * Manifest shards: a cache of run summaries, so opening a notebook with
 * thousands of runs reads a few files instead of thousands.
 *
 * The manifest is never the source of truth. Each writer (one per tab
 * session) writes only its own shard `manifest-<writerId>.json`; readers
 * merge all shards and reconcile them against the listing of run files
 * (reconcile.ts). A lost, stale, corrupt or newer-version shard therefore
 * costs refetching some run files, never a run.
 */
import type { IMetricSummary, IRunSummary, ParamValue } from '../run';
import {
  exceedsUtf8Bytes,
  isIsoDateTime,
  isNonNegativeOrNull,
  isParamValue,
  isRecord,
  isRunId,
  isRunStatus,
  isStringMap,
  mapValues
} from './guards';
import { isWriterId } from './layout';
import { decodeNumber, encodeNumber, type JsonNumber } from './series';

export const MANIFEST_FORMAT = 'jupyterlab-runs/manifest';
export const MANIFEST_VERSION = 1;
/**
 * Shards above this size are ignored unread (the runs are refetched). A
 * shard holds one entry per run, about 760 bytes each: the former 64 MiB
 * stopped at about 88,000 runs, and a 100,000-run folder's shard (76 MB)
 * was fetched, refused, and every run file read instead, on every open
 * (118 s after a reload in the tab-switch benchmark; the browser's copy was
 * never complete, as its time is kept only once every file is read).
 * 256 MiB covers about 350,000 runs.
 */
export const MAX_SHARD_BYTES = 256 * 1024 * 1024;

/**
 * What the listing said of a file when its summary was made. Comparing it
 * with the current listing tells whether the summary still holds.
 */
export interface IFileStamp {
  size: number | null;
  lastModified: string;
}

/** One run in a manifest. */
export interface IManifestEntry {
  summary: IRunSummary;
  run: IFileStamp;
  /** The series file the metrics came from; null when there was none. */
  series: IFileStamp | null;
  /**
   * The annotation file the name, star and user tags came from; null or
   * absent when there was none.
   */
  annotations?: IFileStamp | null;
}

/** The content of one writer's shard. */
export interface IManifestShard {
  format: typeof MANIFEST_FORMAT;
  version: typeof MANIFEST_VERSION;
  writerId: string;
  /** When the writer last wrote it (informational). */
  updatedAt: string;
  entries: IManifestEntry[];
}

/** A shard as read, with the entries that were dropped and why. */
export type ShardLoadResult =
  | { ok: true; shard: IManifestShard; dropped: string[] }
  | { ok: false; reason: string };

/** Build a shard; entries are sorted by id so equal content is equal text. */
export function makeShard(
  writerId: string,
  entries: Iterable<IManifestEntry>,
  now: Date = new Date()
): IManifestShard {
  if (!isWriterId(writerId)) {
    throw new Error(`Invalid writer id ${JSON.stringify(writerId)}`);
  }
  const sorted = [...entries].sort((a, b) =>
    a.summary.id < b.summary.id ? -1 : a.summary.id > b.summary.id ? 1 : 0
  );
  return {
    format: MANIFEST_FORMAT,
    version: MANIFEST_VERSION,
    writerId,
    updatedAt: now.toISOString(),
    entries: sorted
  };
}

type EncodedMetric = Record<keyof IMetricSummary, JsonNumber>;

function encodeMetric(m: IMetricSummary): EncodedMetric {
  return {
    last: encodeNumber(m.last),
    min: encodeNumber(m.min),
    max: encodeNumber(m.max),
    count: m.count,
    lastStep: m.lastStep
  };
}

/** The JSON text of a shard (non-finite metric values as strings). */
export function serializeShard(
  shard: IManifestShard,
  memo?: WeakMap<IManifestEntry, string>
): string {
  if (!memo) {
    return JSON.stringify({
      ...shard,
      entries: shard.entries.map(encodeEntry)
    });
  }
  // The same text, with each entry's JSON kept from the last write: a
  // shard is rewritten with every entry of the folder while runs come one
  // by one (10,000 entries: 7.5 MB, 70 ms of the page's main thread and as
  // much garbage each time, execution-cost benchmark). Entries are never
  // changed in place (a changed run is a new entry), so an entry's text
  // holds as long as the entry does.
  const head = JSON.stringify({ ...shard, entries: [] });
  const texts = shard.entries.map(entry => {
    let text = memo.get(entry);
    if (text === undefined) {
      text = JSON.stringify(encodeEntry(entry));
      memo.set(entry, text);
    }
    return text;
  });
  // `entries` is the last key: the head ends with `[]}`.
  return `${head.slice(0, -2)}${texts.join(',')}]}`;
}

function encodeEntry(entry: IManifestEntry): unknown {
  return entry.summary.metrics
    ? {
        ...entry,
        summary: {
          ...entry.summary,
          metrics: mapValues(entry.summary.metrics, encodeMetric)
        }
      }
    : entry;
}

function decodeMetric(data: unknown): IMetricSummary | null {
  if (!isRecord(data)) {
    return null;
  }
  const [last, min, max] = [data.last, data.min, data.max].map(decodeNumber);
  const { count, lastStep } = data;
  if (
    last === undefined ||
    min === undefined ||
    max === undefined ||
    !Number.isInteger(count) ||
    (count as number) < 1 ||
    typeof lastStep !== 'number' ||
    !Number.isFinite(lastStep)
  ) {
    return null;
  }
  return { last, min, max, count: count as number, lastStep };
}

function isStamp(data: unknown): data is IFileStamp {
  return (
    isRecord(data) &&
    typeof data.lastModified === 'string' &&
    (data.size === null ||
      (typeof data.size === 'number' &&
        Number.isInteger(data.size) &&
        data.size >= 0))
  );
}

function isReproductionSummary(value: unknown): boolean {
  return (
    isRecord(value) &&
    isRunId(value.of) &&
    (value.verdict === 'exact' ||
      value.verdict === 'tolerance' ||
      value.verdict === 'differs')
  );
}

/**
 * Check one summary as a manifest holds it; a reason when it is unusable.
 * Unknown fields are dropped, so a later minor version can add some.
 */
export function validateSummary(data: unknown): IRunSummary | string {
  if (!isRecord(data)) {
    return 'is not an object';
  }
  const d = data;
  if (!isRunId(d.id)) {
    return 'has no valid run id';
  }
  const checks: [string, boolean][] = [
    ['notebookPath', typeof d.notebookPath === 'string'],
    ['experiment', typeof d.experiment === 'string' && d.experiment !== ''],
    ['status', isRunStatus(d.status)],
    ['startedAt', isIsoDateTime(d.startedAt)],
    ['endedAt', d.endedAt === null || isIsoDateTime(d.endedAt)],
    ['durationMs', isNonNegativeOrNull(d.durationMs)],
    [
      'executionCount',
      d.executionCount === null ||
        (Number.isInteger(d.executionCount) &&
          (d.executionCount as number) >= 0)
    ],
    ['name', d.name === undefined || typeof d.name === 'string'],
    [
      'params',
      d.params === undefined || (isRecord(d.params) && isParamValue(d.params))
    ],
    ['tags', d.tags === undefined || isStringMap(d.tags)],
    ['starred', d.starred === undefined || typeof d.starred === 'boolean'],
    [
      'reproduction',
      d.reproduction === undefined || isReproductionSummary(d.reproduction)
    ],
    [
      'provenance',
      d.provenance === undefined ||
        d.provenance === 'clean' ||
        d.provenance === 'stale' ||
        d.provenance === 'unknown'
    ]
  ];
  const problem = checks.find(([, ok]) => !ok)?.[0];
  if (problem) {
    return `has an invalid ${problem}`;
  }
  const summary: IRunSummary = {
    id: d.id,
    notebookPath: d.notebookPath as string,
    experiment: d.experiment as string,
    status: d.status as IRunSummary['status'],
    startedAt: d.startedAt as string,
    endedAt: d.endedAt as string | null,
    durationMs: d.durationMs as number | null,
    executionCount: d.executionCount as number | null
  };
  if (d.name !== undefined) {
    summary.name = d.name as string;
  }
  if (d.params !== undefined) {
    summary.params = mapValues(d.params as Record<string, ParamValue>, v => v);
  }
  if (d.tags !== undefined) {
    summary.tags = mapValues(d.tags as Record<string, string>, v => v);
  }
  if (d.starred) {
    summary.starred = true;
  }
  if (d.reproduction !== undefined) {
    const r = d.reproduction as NonNullable<IRunSummary['reproduction']>;
    summary.reproduction = { of: r.of, verdict: r.verdict };
  }
  if (d.provenance !== undefined) {
    summary.provenance = d.provenance as IRunSummary['provenance'];
  }
  if (d.metrics !== undefined) {
    if (!isRecord(d.metrics)) {
      return 'has an invalid metrics';
    }
    const metrics: [string, IMetricSummary][] = [];
    for (const [name, value] of Object.entries(d.metrics)) {
      const metric = decodeMetric(value);
      if (!metric) {
        return `has an invalid metric ${JSON.stringify(name)}`;
      }
      metrics.push([name, metric]);
    }
    summary.metrics = Object.fromEntries(metrics);
  }
  return summary;
}

/** Check one manifest entry; a reason when it must be dropped. */
export function validateEntry(data: unknown): IManifestEntry | string {
  if (!isRecord(data)) {
    return 'is not an object';
  }
  if (!isStamp(data.run)) {
    return 'has no valid run file stamp';
  }
  if (data.series !== null && !isStamp(data.series)) {
    return 'has an invalid series file stamp';
  }
  if (
    data.annotations !== undefined &&
    data.annotations !== null &&
    !isStamp(data.annotations)
  ) {
    return 'has an invalid annotation file stamp';
  }
  const summary = validateSummary(data.summary);
  if (typeof summary === 'string') {
    return `summary ${summary}`;
  }
  const stamp = (s: IFileStamp): IFileStamp => ({
    size: s.size,
    lastModified: s.lastModified
  });
  const entry: IManifestEntry = {
    summary,
    run: stamp(data.run),
    series: data.series === null ? null : stamp(data.series)
  };
  if (isStamp(data.annotations)) {
    entry.annotations = stamp(data.annotations);
  } else if (data.annotations === null) {
    entry.annotations = null;
  }
  return entry;
}

/**
 * Check parsed shard content. A shard of a newer version, or one that is
 * not a shard at all, is refused whole; bad entries are dropped one by one.
 */
export function validateManifestShard(data: unknown): ShardLoadResult {
  if (!isRecord(data) || data.format !== MANIFEST_FORMAT) {
    return { ok: false, reason: 'is not a jupyterlab-runs manifest shard' };
  }
  if (data.version !== MANIFEST_VERSION) {
    return {
      ok: false,
      reason:
        typeof data.version === 'number' && data.version > MANIFEST_VERSION
          ? `was written by a newer jupyterlab-runs (manifest version ${data.version}, this version reads ${MANIFEST_VERSION})`
          : `has an unknown manifest version ${JSON.stringify(data.version)}`
    };
  }
  if (!isWriterId(data.writerId)) {
    return { ok: false, reason: 'has no valid writer id' };
  }
  if (!Array.isArray(data.entries)) {
    return { ok: false, reason: 'has no entries list' };
  }
  const entries: IManifestEntry[] = [];
  const dropped: string[] = [];
  data.entries.forEach((raw: unknown, index: number) => {
    const entry = validateEntry(raw);
    if (typeof entry === 'string') {
      dropped.push(`entry ${index} ${entry}`);
    } else {
      entries.push(entry);
    }
  });
  const updatedAt = typeof data.updatedAt === 'string' ? data.updatedAt : '';
  const shard: IManifestShard = {
    format: MANIFEST_FORMAT,
    version: MANIFEST_VERSION,
    writerId: data.writerId,
    updatedAt,
    entries
  };
  return { ok: true, shard, dropped };
}

/** Parse and check the text of a shard. Never throws. */
export function parseManifestShard(
  text: string,
  options: { fileName?: string; maxBytes?: number } = {}
): ShardLoadResult {
  const where = (reason: string): ShardLoadResult => ({
    ok: false,
    reason: options.fileName ? `${options.fileName}: ${reason}` : reason
  });
  const maxBytes = options.maxBytes ?? MAX_SHARD_BYTES;
  if (exceedsUtf8Bytes(text, maxBytes)) {
    return where(`is larger than the limit of ${maxBytes} bytes`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    return where(`is not valid JSON (${(e as Error).message})`);
  }
  const result = validateManifestShard(data);
  return result.ok ? result : where(result.reason);
}
