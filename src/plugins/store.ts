import type {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ContentsManager, Drive, type Contents } from '@jupyterlab/services';
import { newRunId } from '../core/id';
// Loaded with the store at activation anyway (contentsRunStore imports it).
// eslint-disable-next-line jupyter/prefer-lazy-imports
import { RUNS_FOLDER_SUFFIX } from '../core/paths';
// Needed at activation: runs must be captured from the first execution.
// eslint-disable-next-line jupyter/prefer-lazy-imports
import { ContentsRunStore } from '../storage/contentsRunStore';
import { BackgroundSaver } from '../storage/backgroundSaver';
import { ServerFolderLister } from '../storage/folderLister';
import { ServerLinkChecker } from '../storage/linkChecker';
import { openRunsDatabase } from '../storage/database';
import { workerSource } from '../storage/writerWorker';
import { IRunStore } from '../tokens';

const WRITER_KEY = 'jupyterlab-runs:writer-id';

/**
 * This tab's writer id: minted once per tab session and kept across
 * reloads (sessionStorage), so a tab keeps writing the same manifest shard.
 */
function writerId(): string {
  try {
    const known = window.sessionStorage.getItem(WRITER_KEY);
    if (known && /^[0-9A-HJKMNP-TV-Z]{26}$/.test(known)) {
      return known;
    }
    const id = newRunId();
    window.sessionStorage.setItem(WRITER_KEY, id);
    return id;
  } catch {
    return newRunId(); // storage disabled: a writer per page load
  }
}

/**
 * The writer worker, when the notebooks live on the Jupyter server's own
 * drive (not in JupyterLite's browser storage, say) and the browser allows
 * a worker from a blob URL; null otherwise.
 */
function startWriterWorker(contents: Contents.IManager): Worker | null {
  if (
    typeof Worker === 'undefined' ||
    !(contents instanceof ContentsManager) ||
    !(contents.defaultDrive instanceof Drive)
  ) {
    return null;
  }
  let url: string | null = null;
  try {
    url = URL.createObjectURL(
      new Blob([workerSource()], { type: 'text/javascript' })
    );
    return new Worker(url, { name: 'jupyterlab-runs writer' });
  } catch (error) {
    console.warn('jupyterlab-runs: no background writer', error);
    return null;
  } finally {
    if (url) {
      URL.revokeObjectURL(url);
    }
  }
}

async function activate(app: JupyterFrontEnd): Promise<IRunStore> {
  const contents = app.serviceManager.contents;
  const database = await openRunsDatabase(
    app.serviceManager.serverSettings.baseUrl
  ).catch(error => {
    // Private windows may refuse IndexedDB: work from memory instead.
    console.warn('jupyterlab-runs: IndexedDB unavailable', error);
    return null;
  });
  const store = new ContentsRunStore({
    contents,
    saver: new BackgroundSaver({
      contents,
      settings: app.serviceManager.serverSettings,
      worker: startWriterWorker(contents)
    }),
    lister: new ServerFolderLister({
      settings: app.serviceManager.serverSettings,
      contents
    }),
    writerId: writerId(),
    cache: database?.cache,
    outbox: database?.outbox,
    links: ServerLinkChecker.forSettings(app.serviceManager.serverSettings)
  });

  // A renamed or moved notebook takes its runs folder along. A copy starts
  // its own history and a deleted notebook leaves its runs: nothing to do.
  contents.fileChanged.connect((_, change: Contents.IChangedArgs) => {
    const from = change.oldValue?.path;
    const to = change.newValue?.path;
    if (change.type !== 'rename' || !from || !to) {
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
  });

  // Renames by other clients (another tab, a script through the REST API)
  // arrive as the server's contents events: follow them too, so runs go to
  // the notebook's new folder instead of re-creating the old one. A rename
  // this tab made arrives both ways; moving twice is harmless (the second
  // finds the folder already moved).
  app.serviceManager.events.stream.connect((_, event) => {
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
      from.endsWith(RUNS_FOLDER_SUFFIX) ||
      path.endsWith(RUNS_FOLDER_SUFFIX)
    ) {
      return;
    }
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
  });

  // Back online: write what waits at once rather than at the next retry.
  window.addEventListener('online', () => void store.retryNow());
  return store;
}

/** The jupyter_server contents events (renames by any client). */
const CONTENTS_EVENTS =
  'https://events.jupyter.org/jupyter_server/contents_service/v1';

/** Stores runs as files beside their notebook, through the Contents API. */
export const storePlugin: JupyterFrontEndPlugin<IRunStore> = {
  id: 'jupyterlab-runs:store',
  description:
    'Stores runs as JSON files beside their notebook, with a browser cache and an outbox.',
  autoStart: true,
  provides: IRunStore,
  activate
};
