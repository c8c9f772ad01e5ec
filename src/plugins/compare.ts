/**
 * Compare and explore: the compare view for 2..N runs (its panes through
 * `IComparePaneRegistry`), the detail view of one run, and the restore
 * commands. Wiring only: the command bodies are in `src/commands/`.
 */
import type {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette, IThemeManager } from '@jupyterlab/apputils';
import { IEditorServices } from '@jupyterlab/codeeditor';
import { INotebookTracker } from '@jupyterlab/notebook';
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
// Commands are registered at activation (palette, menus, the restorer);
// the views they open load on first use.
// eslint-disable-next-line jupyter/prefer-lazy-imports
import { addViewCommands } from '../commands/compare';
// eslint-disable-next-line jupyter/prefer-lazy-imports
import { addRestoreCommands } from '../commands/restore';
import { runFileReader } from '../commands/runFiles';
import {
  IComparePaneRegistry,
  IRunsExplorer,
  IRunsModel,
  IRunStore,
  IRunViews
} from '../tokens';
import { ComparePaneRegistry } from '../ui/compare/registry';
// The registry of live charts: a few lines, no Vega.
import { themeChanged as chartThemeChanged } from '../ui/compare/liveCharts';
import type { IAnomalyOptions } from '../core/series/anomalies';
// A few lines, read as soon as the settings load.
// eslint-disable-next-line jupyter/prefer-lazy-imports
import { anomalySettings } from './anomalySettings';
import {
  CommandIDs,
  SIDEBAR_PLUGIN_ID,
  TRANSLATION_DOMAIN
} from './commandIds';

function activate(
  app: JupyterFrontEnd,
  store: IRunStore,
  views: IRunViews,
  notebooks: INotebookTracker,
  translator: ITranslator | null,
  explorer: IRunsExplorer | null,
  rendermime: IRenderMimeRegistry | null,
  editorServices: IEditorServices | null,
  palette: ICommandPalette | null,
  themes: IThemeManager | null,
  settingRegistry: ISettingRegistry | null,
  runsModel: IRunsModel | null
): IComparePaneRegistry {
  const trans = (translator ?? nullTranslator).load(TRANSLATION_DOMAIN);
  const panes = new ComparePaneRegistry();

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
  // The Anomalies pane judges runs as the runs table does: the sidebar's
  // setting `anomalyRelativeMargin`.
  let anomalyOptions: IAnomalyOptions = {};
  void settingRegistry
    ?.load(SIDEBAR_PLUGIN_ID)
    .then(settings => {
      const update = () => (anomalyOptions = anomalySettings(settings));
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

  addViewCommands({
    commands: app.commands,
    store,
    explorer,
    runsModel,
    views,
    panes,
    trans,
    readFile: runFileReader(app.serviceManager.contents),
    rendermime: untrusted,
    editorServices,
    anomalyOptions: () => anomalyOptions
  });
  // Every chart on the page (compare, detail, other extensions' panes)
  // redraws in the new theme once it is on screen.
  themes?.themeChanged.connect(chartThemeChanged);

  addRestoreCommands({
    commands: app.commands,
    activate: id => app.shell.activateById(id),
    contents: app.serviceManager.contents,
    store,
    views,
    notebooks,
    trans
  });

  palette?.addItem({
    command: CommandIDs.compareRuns,
    category: trans.__('Experiment Runs')
  });
  return panes;
}

/** Compare and explore runs: compare view, run detail, restore commands. */
export const comparePlugin: JupyterFrontEndPlugin<IComparePaneRegistry> = {
  id: 'jupyterlab-runs:compare',
  description:
    'Compare runs side by side, explore one run, and restore a run’s code and parameters.',
  autoStart: true,
  requires: [IRunStore, IRunViews, INotebookTracker],
  optional: [
    ITranslator,
    IRunsExplorer,
    IRenderMimeRegistry,
    IEditorServices,
    ICommandPalette,
    IThemeManager,
    ISettingRegistry,
    IRunsModel
  ],
  provides: IComparePaneRegistry,
  activate
};
