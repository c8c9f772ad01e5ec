/**
 * Symbolic links in and above a runs folder that lead out of it, as the
 * server extension reports them (`GET /jupyterlab-runs/api/links`,
 * `jupyterlab_runs/_server/links.py`). The Contents API shows a link to a
 * folder as a folder, so without this answer a `trash/` linked elsewhere
 * is emptied there and an `<id>.artifacts/` linked elsewhere is exported
 * from there. Pure: reading the answer and asking whether a path is
 * reached through a link.
 */

/** Where a link sits: the runs folder, one of its parents, or inside it. */
export type LinkRole = 'folder' | 'parent' | 'entry';

/** What it leaves: the runs folder (for a place inside the root) or the root. */
export type LinkScope = 'folder' | 'root';

/** One link that resolves outside the runs folder (or the server root). */
export interface IFolderLink {
  /** Server (API) path of the link. */
  path: string;
  role: LinkRole;
  scope: LinkScope;
  /** What it points to: a folder, a file, or nothing (dangling). */
  kind: 'directory' | 'file' | 'broken';
}

/**
 * The links of a runs folder, or why they could not be checked (no server
 * extension, a contents manager that keeps no files on disk, an error).
 * `complete` is false when the server stopped walking a huge folder.
 */
export type LinkCheck =
  | { checked: true; complete: boolean; links: IFolderLink[] }
  | { checked: false; reason: string };

const ROLES: readonly string[] = ['folder', 'parent', 'entry'];
const SCOPES: readonly string[] = ['folder', 'root'];
const KINDS: readonly string[] = ['directory', 'file', 'broken'];

/**
 * The server's answer, checked: anything not of the expected shape makes
 * the folder unchecked rather than trusted as link-free.
 */
export function parseLinkAnswer(data: unknown): LinkCheck {
  const answer = data as {
    checked?: unknown;
    complete?: unknown;
    links?: unknown;
    reason?: unknown;
  } | null;
  if (typeof answer !== 'object' || answer === null) {
    return { checked: false, reason: 'the server answered something else' };
  }
  if (answer.checked === false) {
    return {
      checked: false,
      reason:
        typeof answer.reason === 'string'
          ? answer.reason
          : 'the server could not check'
    };
  }
  if (answer.checked !== true || !Array.isArray(answer.links)) {
    return { checked: false, reason: 'the server answered something else' };
  }
  const links: IFolderLink[] = [];
  for (const raw of answer.links as unknown[]) {
    const link = raw as Partial<Record<keyof IFolderLink, unknown>> | null;
    if (
      typeof link !== 'object' ||
      link === null ||
      typeof link.path !== 'string' ||
      !ROLES.includes(String(link.role)) ||
      !SCOPES.includes(String(link.scope)) ||
      !KINDS.includes(String(link.kind))
    ) {
      return { checked: false, reason: 'the server answered something else' };
    }
    links.push({
      path: link.path,
      role: link.role as LinkRole,
      scope: link.scope as LinkScope,
      kind: link.kind as IFolderLink['kind']
    });
  }
  return { checked: true, complete: answer.complete === true, links };
}

/** The link a path is reached through (the path itself or a folder above it). */
export function linkAt(check: LinkCheck, path: string): IFolderLink | null {
  if (!check.checked) {
    return null;
  }
  return (
    check.links.find(
      link => path === link.path || path.startsWith(`${link.path}/`)
    ) ?? null
  );
}

/**
 * A link that moves the whole runs folder elsewhere (the folder itself or
 * a parent links outside the root), or null.
 */
export function folderLink(check: LinkCheck): IFolderLink | null {
  return check.checked
    ? (check.links.find(link => link.role !== 'entry') ?? null)
    : null;
}

/** Why an entry reached through `link` is left alone, for reports. */
export function linkReason(link: IFolderLink, path: string): string {
  const where =
    link.scope === 'root'
      ? 'outside the server root'
      : 'outside the runs folder';
  return path === link.path
    ? `is a symbolic link to ${where}`
    : `is reached through the symbolic link ${link.path}, which leads ${where}`;
}
