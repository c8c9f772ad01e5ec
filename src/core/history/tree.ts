/**
 * Whether a set of relative paths can be written into one folder, entry by
 * entry: an import (zip or embedded history) must restore every entry it
 * can and name each one it cannot, never stop at the first clash.
 */

/** One entry refused, with the reason (a sentence fragment after the path). */
export interface ITreeRefusal {
  path: string;
  reason: string;
}

/** The same name on a case-insensitive, normalizing file system. */
export function pathKey(path: string): string {
  return path.normalize('NFC').toLowerCase();
}

/**
 * Entries that can all live in one folder, and the others with a reason:
 *
 * - a path that repeats an earlier one (letter case and Unicode
 *   normalization aside: macOS and Windows disks would merge them) is
 *   refused, the first is kept;
 * - a path that is a file and also the folder of other entries (`x` beside
 *   `x/y`) is refused together with every entry under it: neither side is
 *   the one to keep, and writing either would make the other fail.
 *
 * Order is kept. Never throws.
 */
export function checkTree<T extends { path: string }>(
  entries: readonly T[]
): { accepted: T[]; rejected: ITreeRefusal[] } {
  const rejected: ITreeRefusal[] = [];
  const first = new Map<string, string>();
  const unique: T[] = [];
  for (const entry of entries) {
    const key = pathKey(entry.path);
    const seen = first.get(key);
    if (seen !== undefined) {
      rejected.push({
        path: entry.path,
        reason:
          seen === entry.path
            ? 'is repeated'
            : `has the same name as ${JSON.stringify(seen)} on a case-insensitive disk`
      });
      continue;
    }
    first.set(key, entry.path);
    unique.push(entry);
  }
  // Every folder the entries imply, by key, with the first entry inside it.
  const folders = new Map<string, string>();
  for (const entry of unique) {
    const segments = entry.path.split('/');
    for (let i = 1; i < segments.length; i++) {
      const key = pathKey(segments.slice(0, i).join('/'));
      if (!folders.has(key)) {
        folders.set(key, entry.path);
      }
    }
  }
  // Files that are also folders, by key.
  const clashes = new Map<string, string>();
  for (const entry of unique) {
    if (folders.has(pathKey(entry.path))) {
      clashes.set(pathKey(entry.path), entry.path);
    }
  }
  if (clashes.size === 0) {
    return { accepted: unique, rejected };
  }
  const accepted: T[] = [];
  for (const entry of unique) {
    const key = pathKey(entry.path);
    if (clashes.has(key)) {
      rejected.push({
        path: entry.path,
        reason: `is a file, but ${JSON.stringify(folders.get(key))} needs a folder of that name`
      });
      continue;
    }
    const segments = entry.path.split('/');
    let inside: string | undefined;
    for (let i = 1; i < segments.length && inside === undefined; i++) {
      inside = clashes.get(pathKey(segments.slice(0, i).join('/')));
    }
    if (inside !== undefined) {
      rejected.push({
        path: entry.path,
        reason: `is inside ${JSON.stringify(inside)}, which is also a file`
      });
      continue;
    }
    accepted.push(entry);
  }
  return { accepted, rejected };
}
