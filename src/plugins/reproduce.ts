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
import { ICommandPalette, Notification } from '@jupyterlab/apputils';
import { PathExt } from '@jupyterlab/coreutils';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import {
  DEFAULT_CAPTURE_SETTINGS,
  type ICaptureSettings
} from '../capture/settings';
import type { RunReproducer } from '../reproduce/reproducer';
import { IRunsExplorer, IRunStore } from '../tokens';
import { experimentIcon } from '../ui/icons';
import { CommandIDs, TRANSLATION_DOMAIN } from './commandIds';

const PLUGIN_ID = 'jupyterlab-runs:reproduce';
const RECORDER_ID = 'jupyterlab-runs:recorder';

function activate(
  app: JupyterFrontEnd,
  store: IRunStore,
  explorer: IRunsExplorer,
  translator: ITranslator | null,
  palette: ICommandPalette | null,
  settingRegistry: ISettingRegistry | null
): void {
  const trans = (translator ?? nullTranslator).load(TRANSLATION_DOMAIN);
  const { contents, sessions } = app.serviceManager;
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
      readText: async (notebookPath, relativePath) => {
        const { runsFolder, validateRelativePath } =
          await import('../core/paths');
        const check = validateRelativePath(relativePath);
        if (!check.ok) {
          throw new Error(`${relativePath} ${check.reason}`);
        }
        const model = await contents.get(
          PathExt.join(runsFolder(notebookPath), relativePath),
          { type: 'file', format: 'text', content: true }
        );
        if (typeof model.content !== 'string') {
          throw new Error(`${relativePath} is not a file`);
        }
        return model.content;
      },
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

  const running = new Set<string>();

  app.commands.addCommand(CommandIDs.reproduceRun, {
    label: trans.__('Reproduce Run'),
    caption: trans.__(
      'Run the run’s notebook in a fresh kernel and record whether the result is the same'
    ),
    icon: experimentIcon,
    isEnabled: args => {
      const runId = runIdOf(args);
      return !!runId && !running.has(runId);
    },
    describedBy: {
      args: {
        type: 'object',
        properties: {
          runId: { type: 'string', description: 'The run id (a ULID)' },
          notebookPath: {
            type: 'string',
            description:
              'The notebook the run belongs to; default: the sidebar’s'
          }
        }
      }
    },
    execute: async args => {
      const notebookPath =
        typeof args.notebookPath === 'string'
          ? args.notebookPath
          : explorer.notebookPath;
      const runId = runIdOf(args);
      if (!notebookPath || !runId || running.has(runId)) {
        return;
      }
      running.add(runId);
      const id = Notification.emit(
        trans.__('Reproducing run %1: starting a kernel…', runId),
        'in-progress',
        {
          autoClose: false,
          actions: [
            {
              label: trans.__('Cancel'),
              caption: trans.__('Interrupt and shut down the kernel'),
              callback: () => reproduction.cancel()
            }
          ]
        }
      );
      const reproduction = (await getReproducer()).reproduce(
        notebookPath,
        runId,
        p => {
          const message =
            p.phase === 'cell'
              ? trans.__(
                  'Reproducing run %1: cell %2 of %3',
                  runId,
                  p.index + 1,
                  p.total
                )
              : p.phase === 'recording'
                ? trans.__('Reproducing run %1: recording the result', runId)
                : trans.__('Reproducing run %1: starting a kernel…', runId);
          Notification.update({ id, message });
        }
      );
      try {
        const record = await reproduction.done;
        const r = record.reproduction!;
        const { verdictLabel } = await import('../ui/reproduce/section');
        const metrics = r.differences.metrics
          .filter(m => !m.withinTolerance)
          .map(m => m.name);
        Notification.update({
          id,
          type:
            r.verdict === 'exact'
              ? 'success'
              : r.verdict === 'tolerance'
                ? 'info'
                : 'warning',
          message: metrics.length
            ? trans.__(
                'Run %1 %2 (%3).',
                runId,
                verdictLabel(trans, r.verdict),
                metrics.join(', ')
              )
            : trans.__('Run %1 %2.', runId, verdictLabel(trans, r.verdict)),
          autoClose: false,
          actions: [
            {
              label: trans.__('Open Reproduction'),
              callback: () =>
                void app.commands.execute(CommandIDs.openRun, {
                  runId: record.id,
                  notebookPath
                })
            }
          ]
        });
        return record.id;
      } catch (e) {
        const cancelled = (e as Error)?.name === 'ReproductionCancelled';
        Notification.update({
          id,
          type: cancelled ? 'info' : 'error',
          message: cancelled
            ? trans.__('Reproduction of run %1 cancelled.', runId)
            : trans.__(
                'Run %1 could not be reproduced: %2',
                runId,
                e instanceof Error ? e.message : String(e)
              ),
          autoClose: cancelled ? 5000 : false,
          actions: []
        });
      } finally {
        running.delete(runId);
      }
    }
  });

  /** The run a command acts on: its `runId`, or the row right-clicked. */
  function runIdOf(args: { runId?: unknown }): string | null {
    return typeof args.runId === 'string'
      ? args.runId
      : (app.contextMenuHitTest(node => !!node.dataset.runId)?.dataset.runId ??
          explorer.selected[0]?.id ??
          null);
  }

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
  requires: [IRunStore, IRunsExplorer],
  optional: [ITranslator, ICommandPalette, ISettingRegistry],
  activate
};
