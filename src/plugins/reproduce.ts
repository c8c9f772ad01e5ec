/**
 * Reproduce Run: execute a run's notebook in a fresh kernel of its
 * kernelspec, in the background, and record the result as a new run with a
 * verdict. Progress (cell i of n) and a Cancel button are shown in a
 * notification; the kernel is always shut down at the end.
 */
import type {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { PathExt } from '@jupyterlab/coreutils';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import {
  DEFAULT_CAPTURE_SETTINGS,
  type ICaptureSettings
} from '../capture/settings';
import type { RunReproducer } from '../reproduce/reproducer';
// Commands are registered at activation (palette, menus).
// eslint-disable-next-line jupyter/prefer-lazy-imports
import { addReproduceCommand } from '../commands/reproduce';
import { runFileReader } from '../commands/runFiles';
import { IRunStore, IRunViews } from '../tokens';
import { CommandIDs, TRANSLATION_DOMAIN } from './commandIds';

const PLUGIN_ID = 'jupyterlab-runs:reproduce';
const RECORDER_ID = 'jupyterlab-runs:recorder';

function activate(
  app: JupyterFrontEnd,
  store: IRunStore,
  views: IRunViews,
  translator: ITranslator | null,
  palette: ICommandPalette | null,
  settingRegistry: ISettingRegistry | null
): void {
  const trans = (translator ?? nullTranslator).load(TRANSLATION_DOMAIN);
  const { contents, sessions } = app.serviceManager;
  const readFile = runFileReader(contents);
  // Unset: the verdict's default (the schema's default too).
  let tolerance: number | undefined = undefined;
  let capture: ICaptureSettings = DEFAULT_CAPTURE_SETTINGS;
  void settingRegistry
    ?.load(PLUGIN_ID)
    .then(settings => {
      const update = () => {
        const value = settings.composite.reproduceRelativeTolerance;
        tolerance = typeof value === 'number' && value >= 0 ? value : undefined;
      };
      settings.changed.connect(update);
      update();
    })
    .catch(() => undefined);
  // A reproduction captures as the recorder does: same switches and caps.
  void settingRegistry
    ?.load(RECORDER_ID)
    .then(settings => {
      const update = () =>
        (capture = {
          ...DEFAULT_CAPTURE_SETTINGS,
          ...(settings.composite as Partial<ICaptureSettings>)
        });
      settings.changed.connect(update);
      update();
    })
    .catch(() => undefined);

  let reproducer: RunReproducer | null = null;
  const getReproducer = async () => {
    const { RunReproducer: Reproducer } =
      await import('../reproduce/reproducer');
    return (reproducer ??= new Reproducer({
      store,
      settings: () => capture,
      relativeTolerance: () => tolerance,
      readText: (notebookPath, relativePath) =>
        readFile(notebookPath, relativePath, 'text'),
      startKernel: async ({ path, kernelName }) => {
        const session = await sessions.startNew(
          {
            path,
            name: PathExt.basename(path),
            type: 'notebook',
            kernel: { name: kernelName }
          },
          { kernelConnectionOptions: { handleComms: true } }
        );
        const kernel = session.kernel;
        if (!kernel) {
          await session.shutdown();
          throw new Error(
            trans.__('No kernel %1 could be started.', kernelName)
          );
        }
        return { kernel, shutdown: () => session.shutdown() };
      }
    }));
  };

  addReproduceCommand({
    commands: app.commands,
    views,
    trans,
    reproducer: getReproducer
  });

  palette?.addItem({
    command: CommandIDs.reproduceRun,
    category: trans.__('Experiment Runs')
  });
}

/** Reproduce Run: the command, its settings and its progress. */
export const reproducePlugin: JupyterFrontEndPlugin<void> = {
  id: PLUGIN_ID,
  description:
    'Reproduce a run in a fresh kernel and record whether its results are the same.',
  autoStart: true,
  requires: [IRunStore, IRunViews],
  optional: [ITranslator, ICommandPalette, ISettingRegistry],
  activate
};
