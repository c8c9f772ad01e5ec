/**
 * Which run(s) a command acts on, whatever it was invoked from: explicit
 * arguments (the palette, a button, another extension, the layout
 * restorer), a context menu on a run row or item, the run view in front in
 * the main area (a detail, a comparison, a runs folder), or the sidebar.
 *
 * Pure: the context is gathered by `RunViews` (`./runViews.ts`); this
 * decides. One answer for every command, so "Open Run Details" on a row of
 * a runs-folder view reads that folder, as "Star or Unstar Run" always did.
 */
import { isRunId } from '../core/id';
import type { IRunScope, IRunTarget, IRunTargetArgs } from '../tokens';

/** Where a command was invoked, as `RunViews` sees it. */
export interface IRunTargetContext {
  /**
   * The run a context menu was opened on, and the scope of the view that
   * holds it (null when the row is in no known view: then its notebook is
   * unknown and nothing is guessed).
   */
  menu: { runId: string; scope: IRunScope | null } | null;
  /** The run view in front in the main area, if the front tab is one. */
  current: IRunScope | null;
  /** The sidebar: the notebook it lists and its selection. */
  sidebar: IRunScope | null;
  /** The notebook in front (the notebook tracker's), a last resort. */
  notebookPath: string | null;
}

/**
 * The target of a command, or null when there is none (no notebook, or
 * given ids that are not run ids: those are refused, never replaced by a
 * guess).
 *
 * In order:
 * 1. `runId`/`runIds` in the arguments; their notebook is `notebookPath`,
 *    else that of the view in front if it shows one of them, else the
 *    sidebar's (the sidebar's buttons pass only ids), else the notebook in
 *    front.
 * 2. A context menu on a run: that run, in the notebook of the view that
 *    holds the row (a runs-folder view's, a comparison's, the sidebar's).
 * 3. The run view in front: a detail's run, a comparison's runs, a runs
 *    folder (no runs).
 * 4. The sidebar's notebook and selection, else the notebook in front.
 *
 * A `notebookPath` argument always names the notebook; ids taken from a
 * context that shows another notebook are then dropped.
 */
export function resolveRunTarget(
  args: IRunTargetArgs,
  context: IRunTargetContext
): IRunTarget | null {
  const given =
    typeof args.notebookPath === 'string' && args.notebookPath
      ? args.notebookPath
      : null;
  const ids = idsOf(args);
  if (ids === 'invalid') {
    return null;
  }
  if (ids) {
    const notebookPath =
      given ??
      (context.current?.runIds.some(id => ids.includes(id))
        ? context.current.notebookPath
        : null) ??
      context.sidebar?.notebookPath ??
      context.notebookPath;
    return notebookPath ? { notebookPath, runIds: ids } : null;
  }
  if (context.menu) {
    const { runId, scope } = context.menu;
    const notebookPath = given ?? scope?.notebookPath ?? null;
    if (!notebookPath) {
      return null;
    }
    return {
      notebookPath,
      runIds:
        scope?.notebookPath === notebookPath && isRunId(runId) ? [runId] : []
    };
  }
  const scope = context.current ?? context.sidebar;
  const notebookPath = given ?? scope?.notebookPath ?? context.notebookPath;
  if (!notebookPath) {
    return null;
  }
  return {
    notebookPath,
    runIds:
      scope?.notebookPath === notebookPath ? scope.runIds.filter(isRunId) : []
  };
}

/** Ids given in the arguments: none, valid ones, or a refusal. */
function idsOf(args: IRunTargetArgs): string[] | null | 'invalid' {
  const raw =
    typeof args.runId === 'string'
      ? [args.runId]
      : Array.isArray(args.runIds)
        ? (args.runIds as unknown[])
        : null;
  if (raw === null) {
    return null;
  }
  return raw.length > 0 &&
    raw.every((id): id is string => typeof id === 'string' && isRunId(id))
    ? [...new Set(raw as string[])]
    : 'invalid';
}
