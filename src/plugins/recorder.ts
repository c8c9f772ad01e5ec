import type {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { Notification } from '@jupyterlab/apputils';
import { INotebookTracker } from '@jupyterlab/notebook';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
// Needed at activation: runs must be captured from the first execution.
// eslint-disable-next-line jupyter/prefer-lazy-imports
import {
  currentCells,
  RunRecorder,
  type IClosedRuns
} from '../capture/recorder';
// eslint-disable-next-line jupyter/prefer-lazy-imports
import { JournalReconciler } from '../capture/journal';
// eslint-disable-next-line jupyter/prefer-lazy-imports
import { JournalFollower } from '../capture/journalFollower';
import {
  DEFAULT_CAPTURE_SETTINGS,
  type ICaptureSettings
} from '../capture/settings';
import { IRunRecorder, IRunStore } from '../tokens';
import { TRANSLATION_DOMAIN } from './commandIds';

const PLUGIN_ID = 'jupyterlab-runs:recorder';
/** Quiet time after the kernel went idle before the journal is read (ms). */
const RECONCILE_DELAY_MS = 1000;

function activate(
  app: JupyterFrontEnd,
  store: IRunStore,
  tracker: INotebookTracker,
  translator: ITranslator | null,
  settingRegistry: ISettingRegistry | null
): IRunRecorder {
  const trans = (translator ?? nullTranslator).load(TRANSLATION_DOMAIN);
  const kernels = app.serviceManager.kernels;
  let settingsNow: ICaptureSettings = DEFAULT_CAPTURE_SETTINGS;
  // Notebooks closed with runs in flight, while followed: their cells and
  // what their view showed of each run.
  const closed = new Map<string, IClosedRuns>();
  const reconciler = new JournalReconciler({
    store,
    contents: app.serviceManager.contents,
    runningKernels: async () => {
      try {
        await kernels.refreshRunning();
      } catch {
        return null; // the server cannot say: treat every kernel as alive
      }
      // Other pages connected to each kernel: the server's count less this
      // page's notebooks' own connections (one per kernel connection; a
      // console of this page counts as another page, which only waits).
      const own = (id: string) =>
        new Set(
          tracker
            .filter(p => p.sessionContext.session?.kernel?.id === id)
            .map(p => p.sessionContext.session?.kernel)
        ).size;
      return new Map(
        [...kernels.running()].map(k => [
          k.id,
          typeof k.connections === 'number' ? k.connections - own(k.id) : null
        ])
      );
    },
    isRecording: id => recorder.isRecording(id),
    settings: () => settingsNow,
    cells: path => {
      const panel = tracker.find(p => p.context.localPath === path);
      return panel ? currentCells(panel) : (closed.get(path)?.cells ?? null);
    },
    seen: (path, id) => {
      const runs = closed.get(path);
      const outputs = runs?.outputs.get(id);
      return outputs
        ? { outputs, parameters: runs!.parameters.get(id) ?? null }
        : null;
    }
  });
  // Runs of a notebook whose view closed while its kernel ran them: the
  // kernel's journal is read once the server says the kernel is idle.
  const follower = new JournalFollower({
    kernelBusy: async id => {
      try {
        await kernels.refreshRunning();
      } catch {
        return null;
      }
      for (const model of kernels.running()) {
        if (model.id === id) {
          return model.execution_state === 'busy';
        }
      }
      return null;
    },
    reconcile: path => reconciler.reconcile(path),
    done: path => closed.delete(path)
  });
  // The kernel goes idle between the requests of a queued burst: reconcile
  // once it has stayed quiet for a moment, not after every execution.
  const timers = new WeakMap<object, ReturnType<typeof setTimeout>>();
  const recorder = new RunRecorder({
    store,
    tracker,
    handOver: runs => {
      const earlier = closed.get(runs.notebookPath);
      closed.set(runs.notebookPath, {
        ...runs,
        cells: runs.cells ?? earlier?.cells ?? null,
        outputs: new Map([...(earlier?.outputs ?? []), ...runs.outputs]),
        parameters: new Map([
          ...(earlier?.parameters ?? []),
          ...runs.parameters
        ])
      });
      follower.follow(runs.notebookPath, runs.kernelId);
    },
    reconcile: (panel, at) => {
      clearTimeout(timers.get(panel));
      timers.set(
        panel,
        setTimeout(() => {
          if (panel.isDisposed) {
            return;
          }
          void panel.context.ready
            .then(() =>
              reconciler.reconcile(panel.context.localPath, { idleAt: at })
            )
            .catch(e => console.warn('jupyterlab-runs: journal not read', e));
        }, RECONCILE_DELAY_MS)
      );
    }
  });
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
  if (settingRegistry) {
    void settingRegistry.load(PLUGIN_ID).then(settings => {
      const update = () => {
        settingsNow = recorder.settings = {
          ...DEFAULT_CAPTURE_SETTINGS,
          ...(settings.composite as Partial<ICaptureSettings>)
        };
      };
      settings.changed.connect(update);
      update();
    });
  }
  // For benchmarks and tests: main-thread time spent in capture.
  (app as unknown as { runsRecorder?: RunRecorder }).runsRecorder = recorder;
  (app as unknown as { runsJournal?: JournalReconciler }).runsJournal =
    reconciler;
  return recorder;
}

/** Records every execution of an experiment cell as a run. */
export const recorderPlugin: JupyterFrontEndPlugin<IRunRecorder> = {
  id: PLUGIN_ID,
  description:
    'Records every execution of a cell tagged `experiment` as a run.',
  autoStart: true,
  requires: [IRunStore, INotebookTracker],
  optional: [ITranslator, ISettingRegistry],
  provides: IRunRecorder,
  activate
};
