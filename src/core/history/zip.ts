/**
 * Zip bundles of a notebook and its runs folder, for export and import.
 *
 * fflate does the (de)compression; this module decides what goes in and,
 * above all, what may come out: every entry name is checked with the same
 * rules as any other name (paths.ts), so a crafted archive cannot write
 * outside the folder it is imported into (zip-slip), and declared sizes are
 * checked before anything is inflated (zip bombs).
 */
import { unzipSync, zipSync, type Zippable } from 'fflate';
import { validateRelativePath } from '../paths';
import { checkTree } from './tree';

/** One file of a bundle: a relative `/`-separated path and its bytes. */
export interface IBundleFile {
  path: string;
  data: Uint8Array;
}

/** Limits on what an imported archive may unpack to. */
export interface IZipLimits {
  maxEntries?: number;
  /** Per entry, uncompressed. */
  maxEntryBytes?: number;
  /** All entries together, uncompressed. */
  maxTotalBytes?: number;
}

export const DEFAULT_ZIP_LIMITS: Required<IZipLimits> = {
  maxEntries: 50_000,
  maxEntryBytes: 64 * 1024 * 1024,
  maxTotalBytes: 1024 * 1024 * 1024
};

/** The outcome of reading an archive. */
export type UnzipResult =
  | {
      ok: true;
      /** Files sorted by path. */
      files: IBundleFile[];
      /**
       * Entries left out, each with its reason: hidden files such as
       * `.DS_Store`, and entries refused one by one (a name that could
       * leave the import folder, a repeated or case-clashing name, a file
       * that is also the folder of others, an unknown compression, an
       * entry above the size limit, an unreadable entry).
       */
      skipped: { path: string; reason: string }[];
    }
  | { ok: false; reason: string };

/** Fixed entry time, so the same files always give the same archive. */
const ZIP_EPOCH = new Date(Date.UTC(2000, 0, 1));

/**
 * Pack files into a zip archive. Throws on an unsafe or duplicate path:
 * exporting a name that importing would refuse is a bug to surface.
 */
export function bundleToZip(
  files: readonly IBundleFile[],
  options: { mtime?: Date; level?: 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 } = {}
): Uint8Array {
  const seen = new Set<string>();
  const entries: [string, [Uint8Array, { mtime: Date }]][] = [];
  for (const file of [...files].sort((a, b) => (a.path < b.path ? -1 : 1))) {
    const check = validateRelativePath(file.path);
    if (!check.ok) {
      throw new Error(
        `Cannot bundle ${JSON.stringify(file.path)}: it ${check.reason}`
      );
    }
    const key = file.path.normalize('NFC').toLowerCase();
    if (seen.has(key)) {
      throw new Error(`Cannot bundle ${JSON.stringify(file.path)} twice`);
    }
    seen.add(key);
    entries.push([
      file.path,
      [file.data, { mtime: options.mtime ?? ZIP_EPOCH }]
    ]);
  }
  // fromEntries keeps a path such as `__proto__` as data, not a prototype.
  const zippable: Zippable = Object.fromEntries(entries);
  return zipSync(zippable, { level: options.level ?? 6 });
}

/**
 * Unpack an archive into files. Entries are refused one by one (in
 * `skipped`, with the reason, never written): a name that could land
 * outside the import folder (zip-slip), a name that repeats another on a
 * case-insensitive file system, a file that is also the folder of other
 * entries, an unknown compression, an entry above `maxEntryBytes`. The
 * whole archive is refused only when it cannot be read or exceeds the
 * total limits (`maxTotalBytes`, `maxEntries`). Sizes are checked from the
 * declared ones, before anything is inflated. Never throws.
 */
export function zipToBundle(
  bytes: Uint8Array,
  limits: IZipLimits = {}
): UnzipResult {
  const max = { ...DEFAULT_ZIP_LIMITS, ...limits };
  const accepted: string[] = [];
  const skipped: { path: string; reason: string }[] = [];
  const seen = new Map<string, string>();
  let total = 0;
  let refusal: string | null = null;
  const filter = (info: {
    name: string;
    size: number;
    originalSize: number;
    compression: number;
  }): boolean => {
    if (refusal) {
      return false;
    }
    const name = info.name;
    if (name.endsWith('/') && info.originalSize === 0) {
      return false; // a folder entry: folders follow from file paths
    }
    const check = validateRelativePath(name, { allowHidden: true });
    if (!check.ok) {
      skipped.push({ path: name, reason: check.reason });
      return false;
    }
    if (name.split('/').some(s => s.startsWith('.'))) {
      skipped.push({ path: name, reason: 'is a hidden file' });
      return false;
    }
    const key = name.normalize('NFC').toLowerCase();
    const clash = seen.get(key);
    if (clash !== undefined) {
      skipped.push({
        path: name,
        reason:
          clash === name
            ? 'is repeated'
            : `has the same name as ${JSON.stringify(clash)} on a case-insensitive disk`
      });
      return false;
    }
    seen.set(key, name);
    if (info.compression !== 0 && info.compression !== 8) {
      skipped.push({
        path: name,
        reason: `uses unsupported compression ${info.compression}`
      });
      return false;
    }
    const size = Math.max(
      info.originalSize,
      info.compression === 0 ? info.size : 0
    );
    if (size > max.maxEntryBytes) {
      skipped.push({
        path: name,
        reason: `unpacks to ${size} bytes, above the limit of ${max.maxEntryBytes}`
      });
      return false;
    }
    total += size;
    if (total > max.maxTotalBytes) {
      refusal = `the archive unpacks to more than ${max.maxTotalBytes} bytes`;
    } else if (accepted.length >= max.maxEntries) {
      refusal = `the archive has more than ${max.maxEntries} files`;
    }
    if (refusal) {
      return false;
    }
    accepted.push(name);
    return true;
  };
  let unzipped: Record<string, Uint8Array>;
  try {
    unzipped = unzipSync(bytes, { filter });
  } catch (e) {
    return {
      ok: false,
      reason: `is not a readable zip archive (${(e as Error).message})`
    };
  }
  if (refusal) {
    return { ok: false, reason: refusal };
  }
  const read: IBundleFile[] = [];
  for (const path of accepted) {
    if (!Object.prototype.hasOwnProperty.call(unzipped, path)) {
      skipped.push({ path, reason: 'could not be read' });
      continue;
    }
    read.push({ path, data: unzipped[path] });
  }
  const tree = checkTree(read);
  skipped.push(...tree.rejected);
  const files = tree.accepted;
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  skipped.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { ok: true, files, skipped };
}
