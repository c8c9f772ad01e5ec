/**
 * The names of the files in a runs folder, and how a directory listing of it
 * is sorted into runs, series files and manifest shards (docs/RUN_FOLDER.md).
 *
 * Everything sits flat in `<notebook-stem>.runs/` so that one listing
 * request (the Contents API's directory model) shows the whole history.
 */
import { isRunId } from '../id';
import { runIdFromFileName, runsFolder, safeJoin } from '../paths';

/** Suffix of the file holding a run's metric series. */
export const SERIES_SUFFIX = '.series.json';
/** Suffix of the file holding the user's annotations of a run. */
export const ANNOTATIONS_SUFFIX = '.annotations.json';
/** Prefix of a manifest shard, followed by its writer id and `.json`. */
export const MANIFEST_PREFIX = 'manifest-';
/** Suffix of the folder holding a run's artifacts. */
export const ARTIFACTS_SUFFIX = '.artifacts';

/** The entries of a runs folder that belong to one run. */
export type RunEntryPart = 'run' | 'series' | 'annotations' | 'artifacts';

/**
 * Which run entry a name is, when it is one the layout defines: `<id>.json`,
 * `<id>.series.json`, `<id>.annotations.json` (files) and `<id>.artifacts`
 * (a folder). Any other name, even one starting with a run id
 * (`<id>.notes.txt`), is not part of a run: deleting, trashing, restoring
 * and emptying the trash leave it alone.
 */
export function runEntryOf(
  name: string
): { id: string; part: RunEntryPart; directory: boolean } | null {
  const kind = classifyName(name);
  if (kind.kind === 'run' || kind.kind === 'series') {
    return { id: kind.id, part: kind.kind, directory: false };
  }
  if (kind.kind === 'annotations') {
    return { id: kind.id, part: 'annotations', directory: false };
  }
  if (name.endsWith(ARTIFACTS_SUFFIX)) {
    const id = name.slice(0, -ARTIFACTS_SUFFIX.length);
    if (isRunId(id)) {
      return { id, part: 'artifacts', directory: true };
    }
  }
  return null;
}

/**
 * One file of a directory listing, as the Contents API reports it
 * (`name`, `last_modified`, `size`). `size` may be missing on some
 * contents managers.
 */
export interface IListingEntry {
  name: string;
  lastModified: string;
  size: number | null;
}

/** The files that make up one run in a listing. */
export interface IRunFiles {
  id: string;
  run: IListingEntry;
  /** The series file, when the run has one. */
  series: IListingEntry | null;
  /** The annotation file, when the user annotated the run. */
  annotations?: IListingEntry | null;
}

/** What a file name in a runs folder stands for. */
export type RunFolderName =
  | { kind: 'run'; id: string }
  | { kind: 'series'; id: string }
  | { kind: 'annotations'; id: string }
  | { kind: 'manifest'; writerId: string }
  | { kind: 'other' };

/** A writer id is a ULID, so it is a safe file-name part too. */
export function isWriterId(value: unknown): value is string {
  return isRunId(value);
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
/** Where a writer id numbers its segments: the first random characters. */
const SEGMENT_AT = 10;
const SEGMENT_CHARS = 4;
const SEGMENTS = 32 ** SEGMENT_CHARS;

function decode32(text: string): number {
  let n = 0;
  for (const c of text) {
    n = n * 32 + CROCKFORD.indexOf(c);
  }
  return n;
}

function encode32(n: number): string {
  let text = '';
  for (let i = 0; i < SEGMENT_CHARS; i++, n = Math.floor(n / 32)) {
    text = CROCKFORD[n % 32] + text;
  }
  return text;
}

/**
 * The writer id of segment `index` of a writer's manifest (0 is the writer
 * id itself): the four characters after its time part advanced by the
 * index (base 32, modulo 32⁴), so a page knows its own segments by the
 * rest of the id. Writer ids minted one after another in one millisecond
 * differ in their last characters, which segments keep: one writer's
 * segment is never another's id.
 */
export function segmentWriterId(writerId: string, index: number): string {
  if (!isWriterId(writerId)) {
    throw new Error(`Invalid writer id ${JSON.stringify(writerId)}`);
  }
  if (!Number.isInteger(index) || index < 0 || index >= SEGMENTS) {
    throw new Error(`Invalid segment index ${index}`);
  }
  const end = SEGMENT_AT + SEGMENT_CHARS;
  const base = decode32(writerId.slice(SEGMENT_AT, end));
  return (
    writerId.slice(0, SEGMENT_AT) +
    encode32((base + index) % SEGMENTS) +
    writerId.slice(end)
  );
}

/** Whether `otherId` is a segment of `writerId`'s manifest (itself included). */
export function isSegmentOf(writerId: string, otherId: string): boolean {
  const end = SEGMENT_AT + SEGMENT_CHARS;
  return (
    isWriterId(otherId) &&
    otherId.slice(0, SEGMENT_AT) === writerId.slice(0, SEGMENT_AT) &&
    otherId.slice(end) === writerId.slice(end)
  );
}

export function seriesFileName(runId: string): string {
  if (!isRunId(runId)) {
    throw new Error(`Invalid run id ${JSON.stringify(runId)}`);
  }
  return runId + SERIES_SUFFIX;
}

export function manifestShardName(writerId: string): string {
  if (!isWriterId(writerId)) {
    throw new Error(`Invalid writer id ${JSON.stringify(writerId)}`);
  }
  return `${MANIFEST_PREFIX}${writerId}.json`;
}

export function annotationsFileName(runId: string): string {
  if (!isRunId(runId)) {
    throw new Error(`Invalid run id ${JSON.stringify(runId)}`);
  }
  return runId + ANNOTATIONS_SUFFIX;
}

/** Server path of a run's series file. */
export function seriesFilePath(notebookPath: string, runId: string): string {
  return safeJoin(runsFolder(notebookPath), seriesFileName(runId));
}

/** Server path of one writer's manifest shard. */
export function manifestShardPath(
  notebookPath: string,
  writerId: string
): string {
  return safeJoin(runsFolder(notebookPath), manifestShardName(writerId));
}

/** Tell what a file in a runs folder is, from its name alone. */
export function classifyName(name: string): RunFolderName {
  if (name.endsWith(SERIES_SUFFIX)) {
    const id = name.slice(0, -SERIES_SUFFIX.length);
    return isRunId(id) ? { kind: 'series', id } : { kind: 'other' };
  }
  if (name.endsWith(ANNOTATIONS_SUFFIX)) {
    const id = name.slice(0, -ANNOTATIONS_SUFFIX.length);
    return isRunId(id) ? { kind: 'annotations', id } : { kind: 'other' };
  }
  if (name.startsWith(MANIFEST_PREFIX) && name.endsWith('.json')) {
    const writerId = name.slice(MANIFEST_PREFIX.length, -'.json'.length);
    return isWriterId(writerId)
      ? { kind: 'manifest', writerId }
      : { kind: 'other' };
  }
  const id = runIdFromFileName(name);
  return id ? { kind: 'run', id } : { kind: 'other' };
}

/** A listing sorted by what each file is. */
export interface IClassifiedListing {
  /** Run files by run id, each with its series file if present. */
  runs: Map<string, IRunFiles>;
  /** Manifest shards, by name. */
  shards: IListingEntry[];
  /** Series files whose run file is absent (a write in progress, or debris). */
  orphanSeries: IListingEntry[];
  /** Annotation files whose run file is absent (the run was deleted). */
  orphanAnnotations: IListingEntry[];
  /** Anything else: notes, artifacts, files of a later version. */
  other: IListingEntry[];
}

/** Sort a listing of a runs folder into runs, shards and the rest. */
export function classifyListing(
  listing: readonly IListingEntry[]
): IClassifiedListing {
  const runs = new Map<string, IRunFiles>();
  const series = new Map<string, IListingEntry>();
  const annotations = new Map<string, IListingEntry>();
  const shards: IListingEntry[] = [];
  const other: IListingEntry[] = [];
  for (const entry of listing) {
    const kind = classifyName(entry.name);
    if (kind.kind === 'run') {
      runs.set(kind.id, { id: kind.id, run: entry, series: null });
    } else if (kind.kind === 'series') {
      series.set(kind.id, entry);
    } else if (kind.kind === 'annotations') {
      annotations.set(kind.id, entry);
    } else if (kind.kind === 'manifest') {
      shards.push(entry);
    } else {
      other.push(entry);
    }
  }
  const orphanSeries: IListingEntry[] = [];
  for (const [id, entry] of series) {
    const files = runs.get(id);
    if (files) {
      files.series = entry;
    } else {
      orphanSeries.push(entry);
    }
  }
  const orphanAnnotations: IListingEntry[] = [];
  for (const [id, entry] of annotations) {
    const files = runs.get(id);
    if (files) {
      files.annotations = entry;
    } else {
      orphanAnnotations.push(entry);
    }
  }
  return { runs, shards, orphanSeries, orphanAnnotations, other };
}
