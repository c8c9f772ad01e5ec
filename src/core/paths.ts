/**
 * Where runs live: `<dir>/<notebook-stem>.runs/<run-id>.json`, beside the
 * notebook. The folder is deliberately not hidden: Jupyter servers refuse
 * hidden paths by default.
 *
 * Paths are server-relative, `/`-separated, as the Contents API uses them.
 */
import { isRunId } from './id';

export const RUNS_FOLDER_SUFFIX = '.runs';

/** Split a server path into its folder and file name. */
function splitPath(path: string): { dir: string; name: string } {
  const clean = path.replace(/^\/+/, '');
  const slash = clean.lastIndexOf('/');
  return slash < 0
    ? { dir: '', name: clean }
    : { dir: clean.slice(0, slash), name: clean.slice(slash + 1) };
}

function join(dir: string, name: string): string {
  return dir ? `${dir}/${name}` : name;
}

/** The notebook's file name without its extension. */
export function notebookStem(notebookPath: string): string {
  const { name } = splitPath(notebookPath);
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(0, dot) : name;
}

/** The runs folder that belongs to a notebook. */
export function runsFolder(notebookPath: string): string {
  const { dir } = splitPath(notebookPath);
  return join(dir, notebookStem(notebookPath) + RUNS_FOLDER_SUFFIX);
}

/**
 * The file of one run. The id becomes a file name, so it must be a ULID:
 * anything else (a traversal such as `../x`, a slash, a NUL) is refused.
 */
export function runFilePath(notebookPath: string, runId: string): string {
  if (!isRunId(runId)) {
    throw new Error(`Invalid run id ${JSON.stringify(runId)}`);
  }
  return join(runsFolder(notebookPath), `${runId}.json`);
}

/** The run id a file name in a runs folder stands for, or null. */
export function runIdFromFileName(name: string): string | null {
  if (!name.endsWith('.json')) {
    return null;
  }
  const id = name.slice(0, -'.json'.length);
  return isRunId(id) ? id : null;
}
