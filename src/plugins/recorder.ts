import type {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { Notification } from '@jupyterlab/apputils';
import { INotebookTracker } from '@jupyterlab/notebook';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
// Needed at activation: runs must be captured from the first execution.
// eslint-disable-next-line jupyter/prefer-lazy-imports
import { RunRecorder } from '../capture/recorder';
import { IRunRecorder, IRunStore } from '../tokens';
import { TRANSLATION_DOMAIN } from './commandIds';

function activate(
  _app: JupyterFrontEnd,
  store: IRunStore,
  tracker: INotebookTracker,
  translator: ITranslator | null
): IRunRecorder {
  const trans = (translator ?? nullTranslator).load(TRANSLATION_DOMAIN);
  const recorder = new RunRecorder({ store, tracker });
  tracker.forEach(panel => recorder.track(panel));
  tracker.widgetAdded.connect((_, panel) => recorder.track(panel));
  recorder.failed.connect((_, failure) => {
    Notification.error(
      trans.__(
        'A run of %1 could not be saved: %2',
        failure.notebookPath,
        failure.error.message
      ),
      { autoClose: false }
    );
  });
  return recorder;
}

/** Records every execution of an experiment cell as a run. */
export const recorderPlugin: JupyterFrontEndPlugin<IRunRecorder> = {
  id: 'jupyterlab-runs:recorder',
  description:
    'Records every execution of a cell tagged `experiment` as a run.',
  autoStart: true,
  requires: [IRunStore, INotebookTracker],
  optional: [ITranslator],
  provides: IRunRecorder,
  activate
};
