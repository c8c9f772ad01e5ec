/**
 * Reading the files of a notebook's runs folder (environments, artifacts)
 * through the Contents API; a path that would leave the folder is refused.
 */
import { PathExt } from '@jupyterlab/coreutils';
import type { Contents } from '@jupyterlab/services';

/** Reads a file of a notebook's runs folder, by path relative to it. */
export type RunFileReader = (
  notebookPath: string,
  relativePath: string,
  format?: 'text' | 'base64'
) => Promise<string>;

export function runFileReader(contents: Contents.IManager): RunFileReader {
  return async (notebookPath, relativePath, format = 'text') => {
    const { runsFolder, validateRelativePath } = await import('../core/paths');
    const check = validateRelativePath(relativePath);
    if (!check.ok) {
      throw new Error(`${relativePath} ${check.reason}`);
    }
    const model = await contents.get(
      PathExt.join(runsFolder(notebookPath), relativePath),
      { type: 'file', format, content: true }
    );
    if (typeof model.content !== 'string') {
      throw new Error(`${relativePath} is not a file`);
    }
    return model.content;
  };
}
