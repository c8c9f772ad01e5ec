import type {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { INotebookTracker } from '@jupyterlab/notebook';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import { isExperimentTag, toggleExperimentTag } from '../core/tags';
import { ExperimentCellMarker } from '../ui/experimentCellMarker';
import { experimentIcon } from '../ui/icons';
import { CommandIDs, TRANSLATION_DOMAIN } from './commandIds';

function activate(
  app: JupyterFrontEnd,
  tracker: INotebookTracker,
  translator: ITranslator | null,
  palette: ICommandPalette | null
): void {
  const trans = (translator ?? nullTranslator).load(TRANSLATION_DOMAIN);

  const activeTags = (): unknown[] | undefined =>
    tracker.activeCell?.model.getMetadata('tags') as unknown[] | undefined;

  app.commands.addCommand(CommandIDs.toggleExperimentTag, {
    label: trans.__('Toggle Experiment Tag'),
    caption: trans.__(
      'Record every execution of the selected code cells as an experiment run'
    ),
    icon: args => (args.toolbar ? experimentIcon : undefined),
    isEnabled: () => tracker.activeCell?.model.type === 'code',
    isToggled: () =>
      (activeTags() ?? []).some(
        tag => typeof tag === 'string' && isExperimentTag(tag)
      ),
    describedBy: { args: { type: 'object', properties: {} } },
    execute: () => {
      const notebook = tracker.currentWidget?.content;
      if (!notebook) {
        return;
      }
      // Selected cells, or the active one; the active cell's state decides,
      // so a mixed selection becomes uniformly tagged or untagged.
      const turnOn = !app.commands.isToggled(CommandIDs.toggleExperimentTag);
      const cells = notebook.widgets.filter(
        cell => notebook.isSelectedOrActive(cell) && cell.model.type === 'code'
      );
      for (const cell of cells) {
        const tags = cell.model.getMetadata('tags') as unknown[] | undefined;
        const tagged = (tags ?? []).some(
          t => typeof t === 'string' && isExperimentTag(t)
        );
        if (tagged === turnOn) {
          continue;
        }
        const next = toggleExperimentTag(tags);
        if (next.length) {
          cell.model.setMetadata('tags', next);
        } else {
          cell.model.deleteMetadata('tags');
        }
      }
      app.commands.notifyCommandChanged(CommandIDs.toggleExperimentTag);
    }
  });

  palette?.addItem({
    command: CommandIDs.toggleExperimentTag,
    category: trans.__('Experiment Runs')
  });

  const refresh = () =>
    app.commands.notifyCommandChanged(CommandIDs.toggleExperimentTag);
  tracker.activeCellChanged.connect(refresh);
  tracker.widgetAdded.connect((_, panel) => {
    const marker = new ExperimentCellMarker(panel.content);
    panel.disposed.connect(() => marker.dispose());
  });
}

/** Tag cells as experiments and see which cells are. */
export const taggingPlugin: JupyterFrontEndPlugin<void> = {
  id: 'jupyterlab-runs:tagging',
  description:
    'The Toggle Experiment Tag command, and a mark on experiment cells.',
  autoStart: true,
  requires: [INotebookTracker],
  optional: [ITranslator, ICommandPalette],
  activate
};
