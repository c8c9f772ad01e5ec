import type {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { INotebookTracker, type NotebookPanel } from '@jupyterlab/notebook';
// Needed at activation: the model follows runs from the first execution.
// eslint-disable-next-line jupyter/prefer-lazy-imports
import { RunsModel } from '../model/runsModel';
import { IRunRecorder, IRunsModel, IRunStore } from '../tokens';

function activate(
  app: JupyterFrontEnd,
  store: IRunStore,
  tracker: INotebookTracker,
  recorder: IRunRecorder | null
): IRunsModel {
  const model = new RunsModel({ store, recorder });
  // Follow the notebook the user works in, and its renames.
  let followed: NotebookPanel | null = null;
  const onPathChanged = () => {
    void model.setNotebook(followed?.context.localPath ?? null);
  };
  const follow = () => {
    followed?.context.pathChanged.disconnect(onPathChanged);
    followed = tracker.currentWidget;
    followed?.context.pathChanged.connect(onPathChanged);
    if (followed) {
      void followed.context.ready.then(onPathChanged);
    } else {
      onPathChanged();
    }
  };
  tracker.currentChanged.connect(follow);
  follow();
  return model;
}

/** The runs of the current notebook, for the sidebar, compare and detail. */
export const runsModelPlugin: JupyterFrontEndPlugin<IRunsModel> = {
  id: 'jupyterlab-runs:runs-model',
  description:
    'The runs of the current notebook, with the live series of runs in flight.',
  autoStart: true,
  requires: [IRunStore, INotebookTracker],
  optional: [IRunRecorder],
  provides: IRunsModel,
  activate
};
