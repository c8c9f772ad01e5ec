/**
 * Experiment tags on cells: `experiment` or `experiment:<name>`.
 */
import { shortHash } from './paths';

export const EXPERIMENT_TAG = 'experiment';
const PREFIX = `${EXPERIMENT_TAG}:`;

/** Whether a tag marks its cell as an experiment. */
export function isExperimentTag(tag: string): boolean {
  return tag === EXPERIMENT_TAG || tag.startsWith(PREFIX);
}

/**
 * The experiment name a cell's tags give, or `null` when the cell is not an
 * experiment. A bare `experiment` tag (or an empty name) falls back to
 * `defaultName`, the notebook's name.
 */
export function experimentName(
  tags: readonly unknown[] | undefined,
  defaultName: string
): string | null {
  if (!Array.isArray(tags)) {
    return null;
  }
  for (const tag of tags) {
    if (typeof tag !== 'string' || !isExperimentTag(tag)) {
      continue;
    }
    const name = tag.slice(PREFIX.length).trim();
    return shortenExperimentName(name || defaultName);
  }
  return null;
}

/** Longest experiment name a run file holds, in characters (code points). */
export const MAX_EXPERIMENT_LENGTH = 256;

/** What ends a shortened name: an ellipsis, `~` and 8 hex digits. */
const SHORTENED = /…~[0-9a-f]{8}$/;

/**
 * An experiment name that fits a run file: a longer one keeps its first
 * 246 characters, then `…~` and a hash of the whole name, so two long
 * names that start alike stay two experiments.
 */
export function shortenExperimentName(name: string): string {
  const chars = Array.from(name);
  if (chars.length <= MAX_EXPERIMENT_LENGTH) {
    return name;
  }
  const start = chars.slice(0, MAX_EXPERIMENT_LENGTH - 10).join('');
  return `${start}…~${shortHash(name)}`;
}

/** Whether a name is one `shortenExperimentName` cut (for a capture note). */
export function isShortenedExperimentName(name: string): boolean {
  return (
    SHORTENED.test(name) && Array.from(name).length === MAX_EXPERIMENT_LENGTH
  );
}

/**
 * Toggle the experiment tag: remove every experiment tag if there is one,
 * otherwise add a bare `experiment`. Other tags are kept in order.
 */
export function toggleExperimentTag(
  tags: readonly unknown[] | undefined
): string[] {
  const strings = (Array.isArray(tags) ? tags : []).filter(
    (t): t is string => typeof t === 'string'
  );
  if (strings.some(isExperimentTag)) {
    return strings.filter(t => !isExperimentTag(t));
  }
  return [...strings, EXPERIMENT_TAG];
}
