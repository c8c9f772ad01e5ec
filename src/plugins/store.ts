import type {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ContentsManager, Drive, type Contents } from '@jupyterlab/services';
// Needed at activation: runs must be captured from the first execution.
// eslint-disable-next-line jupyter/prefer-lazy-imports
import { ContentsRunStore } from '../storage/contentsRunStore';
// Needed at activation: the lister and the store share the saver's worker.
// eslint-disable-next-line jupyter/prefer-lazy-imports
import { BackgroundSaver } from '../storage/backgroundSaver';
import { ServerFolderLister } from '../storage/folderLister';
import { ServerLinkChecker } from '../storage/linkChecker';
import { openRunsDatabase } from '../storage/database';
// Needed at activation: a rename right after start must take runs along.
// eslint-disable-next-line jupyter/prefer-lazy-imports
import { followRenames } from '../storage/renames';
import { writerId } from '../storage/writerId';
import { workerSource } from '../storage/writerWorker';
import { IRunStore } from '../tokens';

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
  const saver = new BackgroundSaver({
    contents,
    settings: app.serviceManager.serverSettings,
    worker: startWriterWorker(contents)
  });
  const store = new ContentsRunStore({
    contents,
    saver,
    lister: new ServerFolderLister({
      settings: app.serviceManager.serverSettings,
      contents,
      background: saver
    }),
    writerId: writerId(),
    cache: database?.cache,
    // Its writes from the writer worker, which has a connection of its own.
    outbox: database
      ? saver.outboxStorage(database.name, database.outbox)
      : undefined,
    links: ServerLinkChecker.forSettings(app.serviceManager.serverSettings)
  });

  followRenames({
    contents,
    events: app.serviceManager.events.stream,
    store
  });

  // Back online: write what waits at once rather than at the next retry.
  window.addEventListener('online', () => void store.retryNow());
  return store;
}

/** Stores runs as files beside their notebook, through the Contents API. */
export const storePlugin: JupyterFrontEndPlugin<IRunStore> = {
  id: 'jupyterlab-runs:store',
  description:
    'Stores runs as JSON files beside their notebook, with a browser cache and an outbox.',
  autoStart: true,
  provides: IRunStore,
  activate
};
