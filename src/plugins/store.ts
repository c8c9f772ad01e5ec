import type {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
// Needed at activation: runs must be captured from the first execution.
// eslint-disable-next-line jupyter/prefer-lazy-imports
import { ContentsRunStore } from '../storage/contentsRunStore';
import { IRunStore } from '../tokens';

function activate(app: JupyterFrontEnd): IRunStore {
  return new ContentsRunStore({ contents: app.serviceManager.contents });
}

/** Stores runs as files beside their notebook, through the Contents API. */
export const storePlugin: JupyterFrontEndPlugin<IRunStore> = {
  id: 'jupyterlab-runs:store',
  description: 'Stores runs as JSON files beside their notebook.',
  autoStart: true,
  provides: IRunStore,
  activate
};
