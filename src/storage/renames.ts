/**
 * A renamed or moved notebook takes its runs folder along; a renamed
 * folder of notebooks has taken theirs (the server moved them with it), and
 * runs still to be written follow. A copy starts its own history and a
 * deleted notebook leaves its runs: nothing to do for those.
 *
 * Renames arrive two ways: this page's Contents manager (`fileChanged`) and
 * the server's contents events, which also carry renames by other clients
 * (another tab, a script through the REST API). A rename this page made
 * arrives both ways; moving twice is harmless (the store's second move finds
 * the folder moved).
 *
 * Renames inside a runs folder are this extension's own (a run moved into
 * the trash and back, `isNotebookRename`): following them would list the
 * runs folder while its files move, and the Contents API answers a listing
 * that loses a file between its `listdir` and its `stat` with a 404.
 */
import type { Contents, Event } from '@jupyterlab/services';
import type { ISignal } from '@lumino/signaling';
import { isNotebookRename } from '../core/paths';

/** What following renames needs of the store (`IRunStore`). */
export interface IRenameFollower {
  moveRuns(oldNotebookPath: string, newNotebookPath: string): Promise<unknown>;
  noteDirectoryMoved(oldDir: string, newDir: string): Promise<void>;
}

/** The jupyter_server contents events (renames by any client). */
export const CONTENTS_EVENTS =
  'https://events.jupyter.org/jupyter_server/contents_service/v1';

/** Follow notebook renames; the function returned stops. */
export function followRenames(options: {
  contents: Pick<Contents.IManager, 'fileChanged' | 'get'>;
  events: ISignal<unknown, Event.Emission>;
  store: IRenameFollower;
}): () => void {
  const { contents, events, store } = options;

  const onFileChanged = (_: unknown, change: Contents.IChangedArgs) => {
    const from = change.oldValue?.path;
    const to = change.newValue?.path;
    if (change.type !== 'rename' || !from || !to) {
      return;
    }
    if (!isNotebookRename(from, to)) {
      return;
    }
    if (change.newValue?.type === 'directory') {
      // The runs folders inside moved with it: writes follow.
      store
        .noteDirectoryMoved(from, to)
        .catch(error =>
          console.error(`jupyterlab-runs: runs in ${from} not followed`, error)
        );
      return;
    }
    store
      .moveRuns(from, to)
      .catch(error =>
        console.error(`jupyterlab-runs: runs of ${from} not moved`, error)
      );
  };

  const onEvent = (_: unknown, event: Event.Emission) => {
    const {
      schema_id: schema,
      action,
      path,
      source_path: from
    } = event as Record<string, unknown>;
    if (
      schema !== CONTENTS_EVENTS ||
      action !== 'rename' ||
      typeof path !== 'string' ||
      typeof from !== 'string' ||
      !isNotebookRename(from, path)
    ) {
      return;
    }
    // The event does not say whether a file or a folder moved: ask.
    void contents
      .get(path, { content: false })
      .then(model =>
        model.type === 'directory'
          ? store.noteDirectoryMoved(from, path)
          : store.moveRuns(from, path).then(() => undefined)
      )
      .catch(error =>
        console.warn(`jupyterlab-runs: rename of ${from} not followed`, error)
      );
  };

  contents.fileChanged.connect(onFileChanged);
  events.connect(onEvent);
  return () => {
    contents.fileChanged.disconnect(onFileChanged);
    events.disconnect(onEvent);
  };
}
