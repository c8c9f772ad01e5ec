/**
 * The other files of a runs folder (annotations, environments, artifacts),
 * embedded in a notebook beside its runs so that "Export Notebook with Runs"
 * carries the whole folder, byte for byte.
 *
 * They sit under `metadata['jupyterlab-runs'].files` as
 * `{ path, base64 }` entries; paths are relative to the runs folder and go
 * through `validateRelativePath` on the way in and out.
 */
import { validateRelativePath } from '../paths';
import { isRecord } from './guards';
import { EMBED_METADATA_KEY, type INotebookLike } from './bundle';
import type { IBundleFile } from './zip';

/** One embedded file. */
export interface IEmbeddedFile {
  path: string;
  base64: string;
}

export function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

export function base64ToBytes(text: string): Uint8Array {
  const binary = atob(text.replace(/\s+/g, ''));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) {
    bytes[i] = binary.charCodeAt(i);
  }
  return bytes;
}

/**
 * A copy of a notebook (already holding embedded runs) with these files
 * added to its embedded history. Throws on a path import would refuse.
 */
export function embedFiles(
  notebook: INotebookLike,
  files: readonly IBundleFile[]
): INotebookLike {
  const history = notebook.metadata?.[EMBED_METADATA_KEY];
  if (!isRecord(history)) {
    throw new Error('Embed the runs before the files');
  }
  const embedded: IEmbeddedFile[] = [...files]
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
    .map(file => {
      const check = validateRelativePath(file.path);
      if (!check.ok) {
        throw new Error(
          `Cannot embed ${JSON.stringify(file.path)}: it ${check.reason}`
        );
      }
      return { path: file.path, base64: bytesToBase64(file.data) };
    });
  return {
    ...notebook,
    metadata: {
      ...notebook.metadata,
      [EMBED_METADATA_KEY]: { ...history, files: embedded }
    }
  };
}

/** The embedded files; each bad entry is refused with a reason. Never throws. */
export function extractFiles(notebook: unknown): {
  files: IBundleFile[];
  rejected: { index: number; reason: string }[];
} {
  const files: IBundleFile[] = [];
  const rejected: { index: number; reason: string }[] = [];
  const history =
    isRecord(notebook) && isRecord(notebook.metadata)
      ? notebook.metadata[EMBED_METADATA_KEY]
      : undefined;
  const list = isRecord(history) ? history.files : undefined;
  if (!Array.isArray(list)) {
    return { files, rejected };
  }
  const seen = new Set<string>();
  list.forEach((item: unknown, index: number) => {
    if (!isRecord(item) || typeof item.base64 !== 'string') {
      rejected.push({
        index,
        reason: `embedded file ${index} is not a file entry`
      });
      return;
    }
    const check = validateRelativePath(item.path);
    if (!check.ok) {
      rejected.push({
        index,
        reason: `embedded file ${JSON.stringify(item.path)} ${check.reason}`
      });
      return;
    }
    const key = String(item.path).normalize('NFC').toLowerCase();
    if (seen.has(key)) {
      rejected.push({
        index,
        reason: `embedded file ${JSON.stringify(item.path)} is repeated`
      });
      return;
    }
    try {
      files.push({ path: check.name, data: base64ToBytes(item.base64) });
      seen.add(key);
    } catch {
      rejected.push({
        index,
        reason: `embedded file ${JSON.stringify(item.path)} is not base64`
      });
    }
  });
  return { files, rejected };
}
