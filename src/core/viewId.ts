/**
 * Stable ids for the main-area views of runs (a run's detail, a comparison,
 * a runs folder), derived from what they show. The same run shown twice
 * gets the same id, so opening it again finds the tab already open, and the
 * layout restorer finds the tab again after a reload.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';

/** The kinds of main-area run views. */
export type RunViewKind = 'detail' | 'compare' | 'folder';

/**
 * Past this many characters the readable key is replaced by its hash: a
 * comparison of 100 runs would otherwise make an id of 2,700 characters,
 * and JupyterLab keeps every tab's id in the saved layout.
 */
export const MAX_READABLE_KEY = 120;

/**
 * The id of the view of `kind` showing `runIds` of `notebookPath`.
 *
 * A comparison is the same comparison whatever order its runs were picked
 * in (the sidebar selects in table order, which sorting changes), so its
 * ids are sorted and deduplicated; a detail shows one run, a runs folder
 * none.
 *
 * Readable when short: `jp-runs-detail-<encoded path>/<run id>`. The path
 * is URI-encoded, so it has no `/` of its own and the key always has one;
 * a long key becomes 80 bits of its sha256 in hex, which has no `/`: the
 * two forms cannot collide, and different keys give different ids.
 */
export function runViewId(
  kind: RunViewKind,
  notebookPath: string,
  runIds: readonly string[] = []
): string {
  const ids = kind === 'compare' ? [...new Set(runIds)].sort() : [...runIds];
  const key = [encodeURIComponent(notebookPath), ...ids].join('/') + '/';
  const shown =
    key.length <= MAX_READABLE_KEY
      ? key
      : bytesToHex(sha256(utf8ToBytes(`${kind}\n${key}`)).subarray(0, 10));
  return `jp-runs-${kind}-${shown}`;
}
