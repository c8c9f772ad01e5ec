/**
 * Compare and explore: the compare view for 2..N runs, the detail view of
 * one run, and the restore commands (insert a run's code, open a run as a
 * notebook, set the `parameters` cell back to a run's values).
 */
import type {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import {
  ICommandPalette,
  IThemeManager,
  MainAreaWidget,
  showErrorMessage
} from '@jupyterlab/apputils';
import { IEditorServices } from '@jupyterlab/codeeditor';
import { PathExt } from '@jupyterlab/coreutils';
import {
  INotebookTracker,
  NotebookActions,
  type NotebookPanel
} from '@jupyterlab/notebook';
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import { runDetails } from '../core/compare/details';
import {
  parametersSource,
  rebuildCells,
  updateParametersSource
} from '../core/compare/restore';
import type { IRunRecord } from '../core/run';
import { IRunsExplorer, IRunsModel, IRunStore } from '../tokens';
import { experimentIcon } from '../ui/icons';
import { CommandIDs, TRANSLATION_DOMAIN } from './commandIds';

const RUN_ID_ARGS = {
  type: 'object',
  properties: {
    runId: { type: 'string', description: 'The run id (a ULID)' },
    notebookPath: {
      type: 'string',
      description: 'The notebook the run belongs to; default: the sidebar’s'
    }
  },
  required: ['runId']
};

function activate(
  app: JupyterFrontEnd,
  store: IRunStore,
  explorer: IRunsExplorer,
  tracker: INotebookTracker,
  translator: ITranslator | null,
  rendermime: IRenderMimeRegistry | null,
  editorServices: IEditorServices | null,
  palette: ICommandPalette | null,
  themes: IThemeManager | null,
  settingRegistry: ISettingRegistry | null,
  runsModel: IRunsModel | null
): void {
  const trans = (translator ?? nullTranslator).load(TRANSLATION_DOMAIN);
  const contents = app.serviceManager.contents;
  // Outputs are rendered untrusted and, unless the user allowed it, without
  // loading anything from another origin (setting `allowRemoteContent`).
  let allowRemoteContent = false;
  void settingRegistry
    ?.load(comparePlugin.id)
    .then(settings => {
      const update = () =>
        (allowRemoteContent = settings.composite.allowRemoteContent === true);
      settings.changed.connect(update);
      update();
    })
    .catch(() => undefined);
  let guarded: Promise<IRenderMimeRegistry | null> | null = null;
  const untrusted = (): Promise<IRenderMimeRegistry | null> =>
    (guarded ??= rendermime
      ? import('../ui/remoteContent').then(m =>
          m.remoteGuardedRendermime(rendermime, {
            trans,
            allowRemote: () => allowRemoteContent
          })
        )
      : Promise.resolve(null));

  /** A file of a notebook's runs folder; the path may never leave it. */
  const filePath = async (
    notebookPath: string,
    relativePath: string
  ): Promise<string> => {
    const { runsFolder, validateRelativePath } = await import('../core/paths');
    const check = validateRelativePath(relativePath);
    if (!check.ok) {
      throw new Error(`${relativePath} ${check.reason}`);
    }
    return PathExt.join(runsFolder(notebookPath), relativePath);
  };
  const readFile = async (
    notebookPath: string,
    relativePath: string,
    format: 'text' | 'base64' = 'text'
  ) => {
    const model = await contents.get(
      await filePath(notebookPath, relativePath),
      {
        type: 'file',
        format,
        content: true
      }
    );
    if (typeof model.content !== 'string') {
      throw new Error(`${relativePath} is not a file`);
    }
    return model.content;
  };

  const notebookOf = (args: { notebookPath?: unknown }): string | null =>
    typeof args.notebookPath === 'string'
      ? args.notebookPath
      : explorer.notebookPath;

  /** The run a command acts on: its `runId`, or the row right-clicked. */
  const runIdOf = (args: { runId?: unknown }): string | null =>
    typeof args.runId === 'string'
      ? args.runId
      : (app.contextMenuHitTest(node => !!node.dataset.runId)?.dataset.runId ??
        null);

  const getRecord = (args: {
    runId?: unknown;
    notebookPath?: unknown;
  }): Promise<IRunRecord> => {
    const nb = notebookOf(args);
    const runId = runIdOf(args);
    if (!nb || !runId) {
      return Promise.reject(new Error(trans.__('No run given.')));
    }
    return store.get(nb, runId);
  };

  let chartWidgets: { rerender: () => void }[] = [];
  themes?.themeChanged.connect(() => chartWidgets.forEach(w => w.rerender()));

  app.commands.addCommand(CommandIDs.compareRuns, {
    label: args =>
      Array.isArray(args.runIds) && args.runIds.length > 1
        ? trans.__('Compare %1 Runs', args.runIds.length)
        : trans.__('Compare Selected Runs'),
    caption: trans.__(
      'Compare params, metrics, curves, plots and code of the selected runs'
    ),
    icon: experimentIcon,
    isEnabled: args =>
      (Array.isArray(args.runIds)
        ? args.runIds.length
        : explorer.selected.length) >= 2,
    describedBy: {
      args: {
        type: 'object',
        properties: {
          runIds: {
            type: 'array',
            items: { type: 'string' },
            description:
              'Runs to compare; default: the selection in the sidebar'
          }
        }
      }
    },
    execute: async args => {
      const nb = explorer.notebookPath;
      const ids = Array.isArray(args.runIds)
        ? (args.runIds as string[])
        : explorer.selected.map(r => r.id);
      if (!nb || ids.length < 2) {
        return;
      }
      const { CompareModel, CompareWidget } = await import('../ui/compare');
      const model = new CompareModel({
        store,
        source: runsModel,
        notebookPath: nb,
        runIds: ids,
        readFile: (n, rel) => readFile(n, rel)
      });
      const content = new CompareWidget({
        model,
        trans,
        rendermime: await untrusted()
      });
      const widget = new MainAreaWidget({ content });
      // MainAreaWidget names its content "main area content"; say what it is.
      content.node.setAttribute('aria-label', trans.__('Compare runs'));
      widget.id = `jp-runs-compare-${Date.now()}`;
      widget.title.icon = experimentIcon;
      widget.title.closable = true;
      widget.title.label = content.title.label;
      model.changed.connect(() => (widget.title.label = content.title.label));
      const entry = { rerender: () => model.setOptions({}) };
      chartWidgets.push(entry);
      widget.disposed.connect(
        () => (chartWidgets = chartWidgets.filter(e => e !== entry))
      );
      app.shell.add(widget, 'main');
      app.shell.activateById(widget.id);
      return widget.id;
    }
  });

  app.commands.addCommand(CommandIDs.openRun, {
    label: trans.__('Open Run Details'),
    caption: trans.__(
      'Show the code, lineage, params, metrics, environment, data, outputs and artifacts of a run'
    ),
    describedBy: { args: RUN_ID_ARGS },
    execute: async args => {
      const nb = notebookOf(args);
      const runId = runIdOf(args);
      if (!nb || !runId) {
        return;
      }
      const { RunDetailWidget } = await import('../ui/detail');
      // The runs model lists the current notebook's runs: follow the run there.
      const model = runsModel?.notebookPath === nb ? runsModel : null;
      const summary = model?.getRun(runId) ?? explorer.getRun(runId);
      const content = new RunDetailWidget({
        trans,
        title: summary?.name ?? runId,
        summary,
        follow: model ? { model, runId } : undefined,
        source: {
          record: () => store.get(nb, runId),
          // A run in flight has no series file yet: its points so far.
          series: () =>
            model?.getRun(runId)?.status === 'running'
              ? Promise.resolve(model.liveSeries(runId)?.series ?? null)
              : (store.getSeries?.(nb, runId) ?? Promise.resolve(null)),
          readText: rel => readFile(nb, rel, 'text'),
          readBase64: rel => readFile(nb, rel, 'base64'),
          annotation: () => store.getAnnotation(nb, runId)
        },
        editorServices,
        rendermime: await untrusted(),
        commands: app.commands,
        actions: [
          [CommandIDs.insertRunCode, trans.__('Insert Code as New Cell')],
          [CommandIDs.openRunNotebook, trans.__('Open as Notebook')],
          [CommandIDs.restoreParameters, trans.__('Restore Parameters')]
        ]
      });
      const widget = new MainAreaWidget({ content });
      content.node.setAttribute('aria-label', trans.__('Run details'));
      widget.id = `jp-runs-detail-${runId}-${Date.now()}`;
      widget.title.icon = experimentIcon;
      widget.title.closable = true;
      content.title.changed.connect(
        () => (widget.title.label = content.title.label)
      );
      widget.title.label = content.title.label;
      app.shell.add(widget, 'main');
      app.shell.activateById(widget.id);
      return widget.id;
    }
  });

  const currentNotebook = (): NotebookPanel | null => tracker.currentWidget;

  app.commands.addCommand(CommandIDs.insertRunCode, {
    label: trans.__('Insert Run Code as New Cell'),
    caption: trans.__(
      'Insert the code of a run below the active cell of the current notebook'
    ),
    isEnabled: () => !!currentNotebook(),
    describedBy: { args: RUN_ID_ARGS },
    execute: async args => {
      const panel = currentNotebook();
      if (!panel) {
        return;
      }
      try {
        const record = await getRecord(args);
        NotebookActions.insertBelow(panel.content);
        panel.content.activeCell?.model.sharedModel.setSource(record.code);
        app.shell.activateById(panel.id);
      } catch (e) {
        void showErrorMessage(
          trans.__('Cannot insert the run code'),
          String(e)
        );
      }
    }
  });

  app.commands.addCommand(CommandIDs.openRunNotebook, {
    label: trans.__('Open Run as New Notebook'),
    caption: trans.__(
      'A new notebook rebuilt from the run’s lineage and params'
    ),
    describedBy: { args: RUN_ID_ARGS },
    execute: async args => {
      try {
        const record = await getRecord(args);
        const d = runDetails(record);
        const cells = rebuildCells({
          params: d.params,
          paramSources: record.paramSources,
          lineage: d.lineage.entries,
          code: record.code,
          experimentTag: record.experiment
            ? `experiment:${record.experiment}`
            : 'experiment'
        });
        const dir = PathExt.dirname(record.notebookPath);
        const model = await contents.newUntitled({
          path: dir,
          type: 'notebook'
        });
        await contents.save(model.path, {
          type: 'notebook',
          format: 'json',
          content: {
            nbformat: 4,
            nbformat_minor: 5,
            metadata: {
              kernelspec: {
                name: record.kernel.name,
                display_name: record.kernel.name,
                language: record.kernel.language
              }
            },
            cells: [
              {
                cell_type: 'markdown',
                id: 'run-origin',
                metadata: {},
                source: trans.__(
                  'Rebuilt from run `%1` of `%2`.',
                  record.id,
                  record.notebookPath
                )
              },
              ...cells.map((c, i) => ({
                cell_type: 'code',
                id: `run-cell-${i}`,
                metadata: { tags: c.tags },
                source: c.source,
                outputs: [],
                execution_count: null
              }))
            ]
          }
        });
        await app.commands.execute('docmanager:open', { path: model.path });
      } catch (e) {
        void showErrorMessage(
          trans.__('Cannot open the run as a notebook'),
          String(e)
        );
      }
    }
  });

  app.commands.addCommand(CommandIDs.restoreParameters, {
    label: trans.__('Restore Run Parameters'),
    caption: trans.__(
      'Set the cell tagged “parameters” back to a run’s values'
    ),
    isEnabled: () => !!currentNotebook(),
    describedBy: { args: RUN_ID_ARGS },
    execute: async args => {
      const panel = currentNotebook();
      if (!panel) {
        return;
      }
      try {
        const record = await getRecord(args);
        const d = runDetails(record);
        const sources = record.paramSources;
        const cells = panel.content.model?.cells;
        let target = null;
        for (let i = 0; cells && i < cells.length; i++) {
          const tags = cells.get(i).getMetadata('tags');
          if (Array.isArray(tags) && tags.includes('parameters')) {
            target = cells.get(i);
            break;
          }
        }
        if (target) {
          const next = updateParametersSource(
            target.sharedModel.getSource(),
            d.params,
            sources
          );
          target.sharedModel.setSource(next.source);
        } else {
          panel.content.activeCellIndex = 0;
          NotebookActions.insertAbove(panel.content);
          const cell = panel.content.activeCell;
          cell?.model.sharedModel.setSource(parametersSource(d.params).source);
          cell?.model.setMetadata('tags', ['parameters']);
        }
        app.shell.activateById(panel.id);
      } catch (e) {
        void showErrorMessage(
          trans.__('Cannot restore the parameters'),
          String(e)
        );
      }
    }
  });

  palette?.addItem({
    command: CommandIDs.compareRuns,
    category: trans.__('Experiment Runs')
  });
}

/** Compare and explore runs: compare view, run detail, restore commands. */
export const comparePlugin: JupyterFrontEndPlugin<void> = {
  id: 'jupyterlab-runs:compare',
  description:
    'Compare runs side by side, explore one run, and restore a run’s code and parameters.',
  autoStart: true,
  requires: [IRunStore, IRunsExplorer, INotebookTracker],
  optional: [
    ITranslator,
    IRenderMimeRegistry,
    IEditorServices,
    ICommandPalette,
    IThemeManager,
    ISettingRegistry,
    IRunsModel
  ],
  activate
};
