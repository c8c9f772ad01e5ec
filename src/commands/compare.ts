/**
 * The commands that open run views in the main area: `compare-runs` (a
 * comparison of 2..N runs) and `open-run` (one run's detail). One tab per
 * thing shown: opening it again focuses the tab (`IRunViews.open`); the
 * layout restorer reopens both after a reload with the same arguments.
 */
import { MainAreaWidget, Notification } from '@jupyterlab/apputils';
import type { IEditorServices } from '@jupyterlab/codeeditor';
import type { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import type { TranslationBundle } from '@jupyterlab/translation';
import type { CommandRegistry } from '@lumino/commands';
import type { Widget } from '@lumino/widgets';
import { runsFolder } from '../core/paths';
import type { IRunSummary } from '../core/run';
import { numberRuns, runName } from '../core/runs/names';
import type { IAnomalyOptions } from '../core/series/anomalies';
import type {
  IComparePaneRegistry,
  IRunsExplorer,
  IRunsModel,
  IRunStore,
  IRunTarget,
  IRunViews
} from '../tokens';
import { experimentIcon } from '../ui/icons';
import { messageView } from '../ui/messageView';
import { CommandIDs } from '../plugins/commandIds';
import type { RunFileReader } from './runFiles';

/** What the view commands are given. */
export interface IViewCommandsOptions {
  commands: CommandRegistry;
  store: IRunStore;
  /** The sidebar: its selection is what `compare-runs` compares by default. */
  explorer: IRunsExplorer | null;
  /** The current notebook's runs: summaries as they change, live series. */
  runsModel: IRunsModel | null;
  views: IRunViews;
  panes: IComparePaneRegistry;
  trans: TranslationBundle;
  readFile: RunFileReader;
  /** The guarded, untrusted rendermime registry (made on first use). */
  rendermime: () => Promise<IRenderMimeRegistry | null>;
  editorServices: IEditorServices | null;
  /** The anomaly flags' settings, current when called. */
  anomalyOptions?: () => IAnomalyOptions;
}

/** Arguments of `open-run` and the run commands. */
export const RUN_ARGS = {
  type: 'object',
  properties: {
    runId: { type: 'string', description: 'The run id (a ULID)' },
    notebookPath: {
      type: 'string',
      description:
        'The notebook the run belongs to; default: that of the view the command is invoked from, else the sidebar’s'
    }
  }
} as const;

/**
 * Add `compare-runs` and `open-run`. (Their charts follow the theme by
 * themselves: `src/ui/compare/liveCharts.ts`.)
 */
export function addViewCommands(options: IViewCommandsOptions): void {
  const { commands, views, trans } = options;

  /** `runIds` given, else the sidebar's selection. */
  const compareTarget = (args: Record<string, unknown>): IRunTarget | null =>
    views.target(
      Array.isArray(args.runIds)
        ? args
        : {
            notebookPath: args.notebookPath,
            runIds: options.explorer?.selected.map(r => r.id) ?? []
          }
    );

  commands.addCommand(CommandIDs.compareRuns, {
    label: args =>
      Array.isArray(args.runIds) && args.runIds.length > 1
        ? trans.__('Compare %1 Runs', args.runIds.length)
        : trans.__('Compare Selected Runs'),
    caption: trans.__(
      'Compare params, metrics, curves, plots and code of the selected runs'
    ),
    icon: experimentIcon,
    isEnabled: args => (compareTarget(args)?.runIds.length ?? 0) >= 2,
    describedBy: {
      args: {
        type: 'object',
        properties: {
          runIds: {
            type: 'array',
            items: { type: 'string' },
            description:
              'Runs to compare (run ids); default: the selection in the sidebar'
          },
          notebookPath: {
            type: 'string',
            description: 'The notebook the runs belong to'
          }
        }
      }
    },
    execute: async args => {
      const target = compareTarget(args);
      if (!target || target.runIds.length < 2) {
        return;
      }
      const widget = await views.open('compare', target, () =>
        makeCompare(options, target)
      );
      return widget.id;
    }
  });

  commands.addCommand(CommandIDs.openRun, {
    label: trans.__('Open Run Details'),
    caption: trans.__(
      'Show the code, lineage, params, metrics, environment, data, outputs and artifacts of a run'
    ),
    isEnabled: args => views.target(args)?.runIds.length === 1,
    describedBy: { args: RUN_ARGS },
    execute: async args => {
      const target = views.target(args);
      if (!target || target.runIds.length !== 1) {
        return;
      }
      const widget = await views.open('detail', target, () =>
        makeDetail(options, target.notebookPath, target.runIds[0])
      );
      return widget.id;
    }
  });
}

/** A main-area widget around a view, labelled for screen readers. */
function mainArea(content: Widget, label: string): MainAreaWidget {
  const widget = new MainAreaWidget({ content });
  // MainAreaWidget names its content "main area content"; say what it is.
  content.node.setAttribute('aria-label', label);
  widget.title.icon = experimentIcon;
  widget.title.closable = true;
  widget.title.label = content.title.label;
  content.title.changed.connect(
    () => (widget.title.label = content.title.label)
  );
  return widget;
}

/**
 * The summaries of a target's runs: the sidebar's when it lists them (live
 * updates included), else the store's listing (after a reload, or another
 * notebook's runs). Runs no longer there are left out.
 */
async function summariesOf(
  options: IViewCommandsOptions,
  target: IRunTarget
): Promise<IRunSummary[]> {
  const { runsModel, store } = options;
  if (runsModel?.notebookPath === target.notebookPath) {
    const listed = target.runIds.map(id => runsModel.getRun(id));
    if (listed.every(r => r !== undefined)) {
      return listed as IRunSummary[];
    }
  }
  const listing = await store.list(target.notebookPath);
  // Named as the runs list names them: numbered in their folder.
  const numbers = numberRuns(listing.runs);
  const byId = new Map<string, IRunSummary>(
    listing.runs.map(r => [r.id, { ...r, seq: numbers.get(r.id) }])
  );
  return target.runIds
    .map(id => byId.get(id))
    .filter((r): r is IRunSummary => r !== undefined);
}

async function makeCompare(
  options: IViewCommandsOptions,
  target: IRunTarget
): Promise<MainAreaWidget> {
  const { trans, store, runsModel } = options;
  const runs = await summariesOf(options, target).catch(() => []);
  const folder = runsFolder(target.notebookPath);
  if (runs.length < 2) {
    // A restored comparison whose runs were deleted: say so, do not throw.
    const view = messageView(
      trans.__('Compare runs'),
      trans.__(
        'Only %1 of the %2 compared runs are still in %3: there is nothing to compare.',
        runs.length,
        target.runIds.length,
        folder
      )
    );
    return mainArea(view, trans.__('Compare runs'));
  }
  if (runs.length < target.runIds.length) {
    Notification.warning(
      trans.__(
        '%1 of the compared runs are no longer in %2.',
        target.runIds.length - runs.length,
        folder
      ),
      { autoClose: 5000 }
    );
  }
  const { CompareModel, CompareWidget, makePanes } =
    await import('../ui/compare');
  const model = new CompareModel({
    store,
    source: runsModel,
    notebookPath: target.notebookPath,
    runIds: runs.map(r => r.id),
    runs,
    readFile: (nb, rel) => options.readFile(nb, rel),
    anomalyOptions: options.anomalyOptions
  });
  const rendermime = await options.rendermime();
  const panes = await makePanes(options.panes.factories, {
    model,
    trans,
    rendermime
  });
  const content = new CompareWidget({ model, trans, panes });
  const widget = mainArea(content, trans.__('Compare runs'));
  widget.title.caption = trans.__('Runs of %1', target.notebookPath);
  return widget;
}

async function makeDetail(
  options: IViewCommandsOptions,
  notebookPath: string,
  runId: string
): Promise<MainAreaWidget> {
  const { trans, store, readFile } = options;
  // The runs model lists the current notebook's runs: follow the run there.
  const model =
    options.runsModel?.notebookPath === notebookPath ? options.runsModel : null;
  const [{ RunDetailWidget }, { reproductionSection }] = await Promise.all([
    import('../ui/detail'),
    import('../ui/reproduce/section')
  ]);
  const summary = model?.getRun(runId);
  const content = new RunDetailWidget({
    trans,
    title: summary ? runName(summary) : runId,
    summary,
    follow: model ? { model, runId } : undefined,
    source: {
      // A restored detail whose run was deleted says so, in its tab.
      record: () =>
        store.get(notebookPath, runId).catch(error => {
          throw isNotFound(error)
            ? new Error(
                trans.__(
                  'run %1 is no longer in %2 (deleted, or its folder moved).',
                  runId,
                  runsFolder(notebookPath)
                )
              )
            : error;
        }),
      // A run in flight has no series file yet: its points so far.
      series: () =>
        model?.getRun(runId)?.status === 'running'
          ? Promise.resolve(model.liveSeries(runId)?.series ?? null)
          : (store.getSeries?.(notebookPath, runId) ?? Promise.resolve(null)),
      readText: rel => readFile(notebookPath, rel, 'text'),
      readBase64: rel => readFile(notebookPath, rel, 'base64'),
      annotation: () => store.getAnnotation(notebookPath, runId)
    },
    editorServices: options.editorServices,
    rendermime: await options.rendermime(),
    commands: options.commands,
    notebookPath,
    actions: [
      [CommandIDs.insertRunCode, trans.__('Insert Code as New Cell')],
      [CommandIDs.openRunNotebook, trans.__('Open as Notebook')],
      [CommandIDs.restoreParameters, trans.__('Restore Parameters')],
      [CommandIDs.reproduceRun, trans.__('Reproduce Run')]
    ],
    sections: record => {
      const part = reproductionSection(trans, record, model?.runs ?? [], id =>
        options.commands.execute(CommandIDs.openRun, {
          runId: id,
          notebookPath
        })
      );
      return part ? [part] : [];
    }
  });
  const widget = mainArea(content, trans.__('Run details'));
  widget.title.caption = `${runsFolder(notebookPath)}/${runId}`;
  return widget;
}

/** A Contents API 404 (`ServerConnection.ResponseError`). */
function isNotFound(error: unknown): boolean {
  return (
    (error as { response?: { status?: number } } | null)?.response?.status ===
    404
  );
}
