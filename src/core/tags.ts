/**
 * Experiment tags on cells: `experiment` or `experiment:<name>`.
 */

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
    return name || defaultName;
  }
  return null;
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
