/**
 * The Reproduce Run command: which run (the view in front, a right-clicked
 * row, or the arguments), progress and Cancel in a notification, and the
 * verdict when it is done.
 */
import { Notification } from '@jupyterlab/apputils';
import type { TranslationBundle } from '@jupyterlab/translation';
import type { CommandRegistry } from '@lumino/commands';
import { CommandIDs } from '../plugins/commandIds';
import type { RunReproducer } from '../reproduce/reproducer';
import type { IRunViews } from '../tokens';
import { experimentIcon } from '../ui/icons';

export interface IReproduceCommandOptions {
  commands: CommandRegistry;
  views: IRunViews;
  trans: TranslationBundle;
  /** The reproducer, loaded on first use. */
  reproducer: () => Promise<RunReproducer>;
}

export function addReproduceCommand(options: IReproduceCommandOptions): void {
  const { commands, views, trans } = options;
  const running = new Set<string>();

  commands.addCommand(CommandIDs.reproduceRun, {
    label: trans.__('Reproduce Run'),
    caption: trans.__(
      'Run the run’s notebook in a fresh kernel and record whether the result is the same'
    ),
    icon: experimentIcon,
    isEnabled: args => {
      const target = views.target(args);
      return target?.runIds.length === 1 && !running.has(target.runIds[0]);
    },
    describedBy: {
      args: {
        type: 'object',
        properties: {
          runId: { type: 'string', description: 'The run id (a ULID)' },
          notebookPath: {
            type: 'string',
            description:
              'The notebook the run belongs to; default: the view in front, or the sidebar’s'
          }
        }
      }
    },
    execute: async args => {
      const target = views.target(args);
      if (target?.runIds.length !== 1 || running.has(target.runIds[0])) {
        return;
      }
      const { notebookPath } = target;
      const runId = target.runIds[0];
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
      const reproduction = (await options.reproducer()).reproduce(
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
                void commands.execute(CommandIDs.openRun, {
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
}
