/**
 * The user's notes on a run: a display name, a star, a note and tags.
 *
 * Run files are immutable once finished, so what a user says about a run
 * afterwards lives in its own small file, `<run-id>.annotations.json`,
 * merged over the run's summary on read. The manifest stamps it like the
 * run and series files, so an edit made elsewhere (another tab, a git pull)
 * is picked up by the next reconcile.
 */
import type { IRunSummary } from '../run';
import { exceedsUtf8Bytes, isRecord, isRunId, isStringMap } from './guards';

export const ANNOTATIONS_FORMAT = 'jupyterlab-runs/annotations';
export const ANNOTATIONS_VERSION = 1;
/** Annotation files are small; anything bigger is not one. */
export const MAX_ANNOTATIONS_BYTES = 1024 * 1024;
/** Longest run name, note and tag key or value, in characters. */
export const MAX_RUN_NAME = 200;
export const MAX_NOTE = 20_000;
export const MAX_TAG = 256;
export const MAX_TAGS = 200;

/** What a user said about one run. Absent fields were never set. */
export interface IRunAnnotation {
  name?: string;
  starred?: boolean;
  note?: string;
  /** User tags, `key → value`; a plain label has the value `''`. */
  tags?: Record<string, string>;
}

/** The content of `<run-id>.annotations.json`. */
export interface IAnnotationsFile extends IRunAnnotation {
  format: typeof ANNOTATIONS_FORMAT;
  version: typeof ANNOTATIONS_VERSION;
  runId: string;
  /** When it was last written (informational). */
  updatedAt: string;
}

export type AnnotationsLoadResult =
  | { ok: true; runId: string; annotation: IRunAnnotation }
  | { ok: false; reason: string };

/**
 * Check an annotation patch or stored annotation; a reason when a field is
 * unusable. Empty values clear the field.
 */
export function validateAnnotation(data: unknown): IRunAnnotation | string {
  if (!isRecord(data)) {
    return 'is not an object';
  }
  const result: IRunAnnotation = {};
  if (data.name !== undefined) {
    if (typeof data.name !== 'string' || data.name.length > MAX_RUN_NAME) {
      return `has a name that is not a string of at most ${MAX_RUN_NAME} characters`;
    }
    if (data.name.trim() !== '') {
      result.name = data.name.trim();
    }
  }
  if (data.starred !== undefined) {
    if (typeof data.starred !== 'boolean') {
      return 'has a star that is not true or false';
    }
    if (data.starred) {
      result.starred = true;
    }
  }
  if (data.note !== undefined) {
    if (typeof data.note !== 'string' || data.note.length > MAX_NOTE) {
      return `has a note that is not a string of at most ${MAX_NOTE} characters`;
    }
    if (data.note !== '') {
      result.note = data.note;
    }
  }
  if (data.tags !== undefined) {
    if (!isStringMap(data.tags)) {
      return 'has tags that are not a map of strings';
    }
    const entries = Object.entries(data.tags);
    if (entries.length > MAX_TAGS) {
      return `has more than ${MAX_TAGS} tags`;
    }
    for (const [key, value] of entries) {
      if (key.trim() === '' || key.length > MAX_TAG || value.length > MAX_TAG) {
        return `has a tag ${JSON.stringify(key.slice(0, 40))} that is empty or longer than ${MAX_TAG} characters`;
      }
    }
    if (entries.length > 0) {
      result.tags = Object.fromEntries(
        entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      );
    }
  }
  return result;
}

/**
 * Apply a patch: fields present in `patch` replace the stored ones (an
 * empty string, `false` or `{}` clears them), the others are kept.
 */
export function applyAnnotationPatch(
  current: IRunAnnotation,
  patch: IRunAnnotation
): IRunAnnotation {
  const merged: Record<string, unknown> = { ...current, ...patch };
  const checked = validateAnnotation(merged);
  if (typeof checked === 'string') {
    throw new Error(`Invalid annotation: it ${checked}`);
  }
  return checked;
}

/** The JSON text of a run's annotation file. */
export function serializeAnnotations(
  runId: string,
  annotation: IRunAnnotation,
  now: Date = new Date()
): string {
  if (!isRunId(runId)) {
    throw new Error(`Invalid run id ${JSON.stringify(runId)}`);
  }
  const file: IAnnotationsFile = {
    format: ANNOTATIONS_FORMAT,
    version: ANNOTATIONS_VERSION,
    runId,
    updatedAt: now.toISOString(),
    ...annotation
  };
  return JSON.stringify(file, null, 1);
}

/** Parse and check an annotation file. Never throws. */
export function loadAnnotationsFile(
  text: string,
  options: { fileName?: string; expectedId?: string } = {}
): AnnotationsLoadResult {
  const where = (reason: string): AnnotationsLoadResult => ({
    ok: false,
    reason: options.fileName ? `${options.fileName}: ${reason}` : reason
  });
  if (typeof text !== 'string') {
    return where('is not text');
  }
  if (exceedsUtf8Bytes(text, MAX_ANNOTATIONS_BYTES)) {
    return where(`is larger than the limit of ${MAX_ANNOTATIONS_BYTES} bytes`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    return where(`is not valid JSON (${(e as Error).message})`);
  }
  if (!isRecord(data) || data.format !== ANNOTATIONS_FORMAT) {
    return where('is not a jupyterlab-runs annotation file');
  }
  if (typeof data.version !== 'number' || data.version > ANNOTATIONS_VERSION) {
    return where(
      `has annotation version ${String(data.version)}, this version reads up to ${ANNOTATIONS_VERSION}`
    );
  }
  if (!isRunId(data.runId)) {
    return where('has no valid run id');
  }
  if (options.expectedId !== undefined && data.runId !== options.expectedId) {
    return where(`belongs to run ${data.runId}, not ${options.expectedId}`);
  }
  const { name, starred, note, tags } = data;
  const annotation = validateAnnotation({ name, starred, note, tags });
  if (typeof annotation === 'string') {
    return where(annotation);
  }
  return { ok: true, runId: data.runId, annotation };
}

/**
 * A summary with the user's annotation laid over it: the user's name and
 * star replace the recorded ones, user tags are added to the recorded tags
 * (a user tag wins on the same key). The note stays out of summaries.
 */
export function annotateSummary(
  summary: IRunSummary,
  annotation: IRunAnnotation | null
): IRunSummary {
  if (!annotation) {
    return summary;
  }
  const result: IRunSummary = { ...summary };
  delete result.name;
  delete result.starred;
  if (annotation.name !== undefined) {
    result.name = annotation.name;
  }
  if (annotation.starred) {
    result.starred = true;
  }
  if (annotation.tags && Object.keys(annotation.tags).length > 0) {
    result.tags = { ...(summary.tags ?? {}), ...annotation.tags };
  }
  return result;
}
