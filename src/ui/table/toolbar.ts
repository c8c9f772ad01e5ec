/**
 * The runs table's toolbar: one JupyterLab toolbar row for compare,
 * details, starred filter, columns, grouping and the metric aggregate.
 *
 * A `ReactiveToolbar`, as JupyterLab's own panels use: in a narrow sidebar
 * the items that do not fit go into its "…" popup, last first, so the row
 * never wraps. The actions come first (they are what a selection is for),
 * the dropdowns last (their choice stays until changed). Only Compare has
 * a label (its count of selected runs); the others are icons with a
 * tooltip, which is also their accessible name, as in JupyterLab's own
 * toolbars, so that a 400 px sidebar holds every tool in one row.
 *
 * Compare is the `compare-runs` command's button (label, caption, enabled
 * from the command, which takes the sidebar's selection when given no
 * ids). Details is a plain button: `open-run` without ids acts on the run
 * view in front (`resolveRunTarget`), so a fixed-argument command button
 * would open the front tab's run, not the selected one; the panel's
 * `onOpen` runs the command with the selected run's id.
 */
import type { TranslationBundle } from '@jupyterlab/translation';
import {
  CommandToolbarButton,
  launchIcon,
  ReactiveToolbar,
  tableRowsIcon,
  ToolbarButton
} from '@jupyterlab/ui-components';
import type { CommandRegistry } from '@lumino/commands';
import { Signal } from '@lumino/signaling';
import type { IDisposable } from '@lumino/disposable';
import { MessageLoop } from '@lumino/messaging';
import { Panel, Widget } from '@lumino/widgets';
import { el } from '../dom';
import { experimentIcon, starIcon, starOutlineIcon } from '../icons';
import type { IColumn, MetricView } from './columns';
import type { RunsTableModel } from './model';

export class RunsToolbar implements IDisposable {
  constructor(options: RunsToolbar.IOptions) {
    const { model, trans } = options;
    this._model = model;
    this._trans = trans;
    this.toolbar = new ReactiveToolbar();
    this.toolbar.addClass('jp-RunsExplorer-toolbar');
    this.toolbar.node.setAttribute('aria-label', trans.__('Runs table tools'));
    // The reactive toolbar measures itself only under an attached parent.
    this._host = new Panel();
    this._host.addClass('jp-RunsExplorer-toolbarHost');
    this._host.addWidget(this.toolbar);

    const compare = options.compare;
    this._compareCommand = compare?.command ?? null;
    this._compare = compare
      ? new CommandToolbarButton({
          commands: compare.commands,
          id: compare.command,
          icon: experimentIcon,
          label: () => this._compareLabel()
        })
      : new ToolbarButton({
          icon: experimentIcon,
          label: trans.__('Compare'),
          tooltip: trans.__('Compare the selected runs'),
          onClick: () => options.onCompare?.(model.selectedRuns.map(r => r.id))
        });
    this._compare.addClass('jp-RunsExplorer-compare');
    // The compare plugin may add its command after this toolbar is drawn:
    // the button then shows as soon as the command exists.
    compare?.commands.commandChanged.connect(this._onCommandChanged, this);

    this._detail = new ToolbarButton({
      className: 'jp-RunsExplorer-detail',
      icon: launchIcon,
      tooltip: trans.__('Open the details of the selected run'),
      onClick: () => {
        const run = model.selectedRuns[0];
        if (run) {
          options.onOpen?.(run.id);
        }
      }
    });

    this._starred = new ToolbarButton({
      className: 'jp-RunsExplorer-starred',
      icon: starOutlineIcon,
      pressedIcon: starIcon,
      tooltip: trans.__('Show only starred runs'),
      onClick: () => model.setStarredOnly(!model.starredOnly)
    });

    this._columns = new ToolbarButton({
      className: 'jp-RunsExplorer-columns',
      icon: tableRowsIcon,
      tooltip: trans.__('Choose and pin columns'),
      'aria-haspopup': 'true',
      'aria-controls': options.columnsId,
      onClick: () => options.onColumns?.()
    });

    this._groupBy = el('select', 'jp-RunsExplorer-groupBy jp-mod-styled');
    this._groupBy.setAttribute('aria-label', trans.__('Group runs by'));
    this._groupBy.title = trans.__('Group runs by');
    this._groupBy.addEventListener('change', () =>
      model.setGroupBy(this._groupBy.value || null)
    );

    this._view = el('select', 'jp-RunsExplorer-metricView jp-mod-styled');
    this._view.setAttribute('aria-label', trans.__('Metric value shown'));
    this._view.title = trans.__('Metric value shown');
    for (const [value, label] of [
      ['last', trans.__('Final')],
      ['best', trans.__('Best')],
      ['min', trans.__('Min')],
      ['max', trans.__('Max')]
    ] as const) {
      const o = el('option', '', label);
      o.value = value;
      this._view.append(o);
    }
    this._view.addEventListener('change', () =>
      model.setMetricView(this._view.value as MetricView)
    );

    this.toolbar.addItem('compare', this._compare);
    this.toolbar.addItem('details', this._detail);
    this.toolbar.addItem('starred', this._starred);
    this.toolbar.addItem('columns', this._columns);
    this.toolbar.addItem('group-by', selectItem(this._groupBy));
    this.toolbar.addItem('metric-view', selectItem(this._view));
  }

  /** The toolbar (its items are named `compare`, `details`, …). */
  readonly toolbar: ReactiveToolbar;

  get isDisposed(): boolean {
    return this._host.isDisposed;
  }

  /**
   * Put the toolbar in `container`, before `ref`, once the container is in
   * the document (Lumino attaches only there).
   */
  attach(container: HTMLElement, ref: HTMLElement | null = null): void {
    if (!this._host.isAttached && container.isConnected) {
      Widget.attach(this._host, container, ref);
    }
  }

  /**
   * Whether the toolbar shows (false while its panel is hidden): a root
   * widget in a hidden sidebar would still count as visible, and measure
   * its items at zero width into the "…" popup.
   */
  set visible(value: boolean) {
    if (this._host.isAttached) {
      this._host.setHidden(!value);
    }
  }

  /** The panel's width changed: the toolbar moves items to or from "…". */
  resize(width: number): void {
    if (this._host.isAttached && width > 0) {
      MessageLoop.sendMessage(
        this.toolbar,
        new Widget.ResizeMessage(width, -1)
      );
    }
  }

  /** Show the model's state: pressed, enabled, choices, labels. */
  update(): void {
    const model = this._model;
    const trans = this._trans;
    this._starred.pressed = model.starredOnly;
    if (this._view.value !== model.metricView) {
      this._view.value = model.metricView;
    }
    // Group-by choices: experiment, status and every param and tag. This
    // runs at every change of the table (each run recorded): the choices
    // are made (and translated) only when the columns are another object,
    // and the options replaced only when they differ.
    const columns = model.allColumns;
    if (columns !== this._groupColumns) {
      this._groupColumns = columns;
      const choices: [string, string][] = [
        ['', trans.__('No grouping')],
        ['experiment', trans.__('Group: experiment')],
        ['status', trans.__('Group: status')],
        ...columns
          .filter(c => c.kind === 'param' || c.kind === 'tag')
          .map(c => [c.id, trans.__('Group: %1', c.id)] as [string, string])
      ];
      const key = choices.map(c => c[0]).join('\u0000');
      if (key !== this._groupChoices) {
        this._groupChoices = key;
        this._groupBy.replaceChildren(
          ...choices.map(([value, label]) => {
            const o = el('option', '', label);
            o.value = value;
            return o;
          })
        );
      }
    }
    if (this._groupBy.value !== (model.groupBy ?? '')) {
      this._groupBy.value = model.groupBy ?? '';
    }
    const n = model.selection.size;
    this._detail.enabled = n >= 1;
    if (this._compare instanceof ToolbarButton) {
      this._compare.enabled = n >= 2;
    } else if (n !== this._compared) {
      // Label and enabled state are read from the command as it renders.
      this._compare.update();
    }
    this._compared = n;
  }

  /** Whether the columns chooser shows as open. */
  set columnsOpen(open: boolean) {
    this._columns.pressed = open;
  }

  /** The toolbar's own element, as placed in the explorer. */
  get hostNode(): HTMLElement {
    return this._host.node;
  }

  /** Whether `target` is (inside) the Columns button. */
  isColumnsButton(target: Node): boolean {
    return this._columns.node.contains(target);
  }

  /** Focus the Columns button (in the toolbar or its "…" popup). */
  focusColumns(): void {
    this._columns.node.querySelector<HTMLElement>('jp-button')?.focus();
  }

  dispose(): void {
    if (this._host.isDisposed) {
      return;
    }
    Signal.clearData(this);
    if (this._host.isAttached) {
      Widget.detach(this._host);
    }
    this._host.dispose();
  }

  private _onCommandChanged(
    _: CommandRegistry,
    change: CommandRegistry.ICommandChangedArgs
  ): void {
    if (change.type === 'added' || change.type === 'removed') {
      if (change.id === this._compareCommand) {
        this._compare.update();
      }
    }
  }

  private _compareLabel(): string {
    const n = this._model.selection.size;
    return n >= 2 ? this._trans.__('Compare %1', n) : this._trans.__('Compare');
  }

  private _model: RunsTableModel;
  private _trans: TranslationBundle;
  private _host: Panel;
  private _compare: CommandToolbarButton | ToolbarButton;
  private _compareCommand: string | null;
  private _compared = -1;
  private _detail: ToolbarButton;
  private _starred: ToolbarButton;
  private _columns: ToolbarButton;
  private _groupBy: HTMLSelectElement;
  private _groupChoices = '';
  private _groupColumns: readonly IColumn[] | null = null;
  private _view: HTMLSelectElement;
}

export namespace RunsToolbar {
  export interface IOptions {
    model: RunsTableModel;
    trans: TranslationBundle;
    /**
     * The command comparing the sidebar's selection when given no ids; the
     * Compare button is then that command's. Without it, `onCompare`.
     */
    compare?: { commands: CommandRegistry; command: string };
    /** Compare these runs (without `compare`). */
    onCompare?: (runIds: string[]) => void;
    /** Open one run. */
    onOpen?: (runId: string) => void;
    /** Open or close the columns chooser. */
    onColumns?: () => void;
    /** The id of the columns chooser (`aria-controls`). */
    columnsId?: string;
  }
}

/** A native select as a toolbar item (JupyterLab's `jp-mod-styled` look). */
function selectItem(select: HTMLSelectElement): Widget {
  const item = new Widget({ node: el('div', 'jp-RunsExplorer-select') });
  item.node.append(select);
  return item;
}
