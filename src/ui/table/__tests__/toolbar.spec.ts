import { framePromise } from '@jupyterlab/testing';
import { CommandRegistry } from '@lumino/commands';
import type { IRunSummary } from '../../../core/run';
import { RunsExplorer } from '../explorer';
import { RunsTableModel } from '../model';

const trans = {
  __: (s: string, ...a: unknown[]) =>
    s.replace(/%(\d)/g, (_, k) => String(a[Number(k) - 1])),
  _n: (s: string, p: string, n: number, ...a: unknown[]) =>
    (n === 1 ? s : p).replace(/%1/g, String(n)).replace(/%2/g, String(a[0]))
} as never;

function run(i: number, extra: Partial<IRunSummary> = {}): IRunSummary {
  return {
    id: `RUN${i}`,
    notebookPath: 'nb.ipynb',
    name: `run ${i}`,
    experiment: 'exp',
    status: 'ok',
    startedAt: new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString(),
    endedAt: null,
    durationMs: i,
    executionCount: i,
    params: { lr: i / 10, max_iter: 100 },
    metrics: { acc: { last: i, min: 0, max: i, count: 2, lastStep: 1 } },
    ...extra
  };
}

const COMPARE = 'test:compare-runs';

describe('RunsExplorer', () => {
  let model: RunsTableModel;
  let explorer: RunsExplorer;
  let commands: CommandRegistry;
  let compared: string[][];
  let opened: string[];

  /** A toolbar button (JupyterLab's `jp-button`) by its item's class. */
  const button = (item: string) =>
    explorer.node.querySelector<HTMLElement>(
      `.${item} jp-button, jp-button.${item}`
    )!;
  const disabled = (item: string) =>
    button(item).getAttribute('aria-disabled') === 'true';

  /** Let the toolbar's React buttons render. */
  const rendered = async () => {
    for (let i = 0; i < 20; i++) {
      await framePromise();
    }
  };

  beforeEach(async () => {
    compared = [];
    opened = [];
    model = new RunsTableModel();
    model.setRuns([run(1, { starred: true }), run(2), run(3)]);
    commands = new CommandRegistry();
    commands.addCommand(COMPARE, {
      label: 'Compare Selected Runs',
      isEnabled: () => model.selection.size >= 2,
      execute: () => {
        compared.push([...model.selection]);
      }
    });
    explorer = new RunsExplorer({
      model,
      trans,
      compare: { commands, command: COMPARE },
      onOpen: id => opened.push(id)
    });
    document.body.append(explorer.node);
    explorer.active = true;
    explorer.render();
    await rendered();
  });

  afterEach(() => {
    explorer.dispose();
    model.dispose();
    explorer.node.remove();
  });

  describe('toolbar', () => {
    it('should hold every tool in one JupyterLab toolbar under the query row', () => {
      const bar = explorer.toolbar.toolbar;
      expect(bar.node.getAttribute('role')).toBe('toolbar');
      expect(bar.node.getAttribute('aria-label')).toBe('Runs table tools');
      expect(
        [...bar.names()].filter(n => n !== 'toolbar-popup-opener')
      ).toEqual([
        'compare',
        'details',
        'starred',
        'columns',
        'group-by',
        'metric-view'
      ]);
      const children = [...explorer.node.children];
      const query = children.findIndex(c =>
        c.classList.contains('jp-RunsExplorer-queryRow')
      );
      const tools = children.findIndex(c => c.contains(bar.node));
      const table = children.findIndex(c =>
        c.classList.contains('jp-RunsTable')
      );
      expect(query).toBe(0);
      expect(tools).toBeGreaterThan(query);
      expect(table).toBeGreaterThan(tools);
      // The count stays on the query's row.
      expect(
        explorer.node.querySelector('.jp-RunsExplorer-queryRow [role=status]')
          ?.textContent
      ).toBe('3 runs');
    });

    it('should label Compare with the selection and run the compare command', async () => {
      expect(disabled('jp-RunsExplorer-compare')).toBe(true);
      model.setSelection(['RUN1', 'RUN3']);
      await rendered();
      expect(button('jp-RunsExplorer-compare').textContent).toBe('Compare 2');
      expect(disabled('jp-RunsExplorer-compare')).toBe(false);
      button('jp-RunsExplorer-compare').click();
      expect(compared).toEqual([['RUN1', 'RUN3']]);
    });

    it('should show Compare once its command is added', async () => {
      const later = new CommandRegistry();
      const other = new RunsExplorer({
        model,
        trans,
        compare: { commands: later, command: COMPARE }
      });
      document.body.append(other.node);
      other.active = true;
      other.render();
      await rendered();
      const compare = () =>
        other.node.querySelector('.jp-RunsExplorer-compare jp-button');
      expect(compare()).toBeNull();
      later.addCommand(COMPARE, { label: 'Compare', execute: () => null });
      await rendered();
      expect(compare()?.textContent).toBe('Compare');
      other.dispose();
      other.node.remove();
    });

    it('should open the selected run from Details, only with a selection', async () => {
      expect(disabled('jp-RunsExplorer-detail')).toBe(true);
      model.select('RUN2');
      await rendered();
      expect(disabled('jp-RunsExplorer-detail')).toBe(false);
      button('jp-RunsExplorer-detail').click();
      expect(opened).toEqual(['RUN2']);
    });

    it('should toggle the starred filter and show it pressed', async () => {
      const starred = () => button('jp-RunsExplorer-starred');
      expect(starred().getAttribute('aria-label')).toBe(
        'Show only starred runs'
      );
      starred().click();
      expect(model.starredOnly).toBe(true);
      expect(model.filtered.map(r => r.id)).toEqual(['RUN1']);
      await rendered();
      expect(starred().getAttribute('aria-pressed')).toBe('true');
      starred().click();
      expect(model.starredOnly).toBe(false);
    });

    it('should group and choose the aggregate from its dropdowns', () => {
      const group = explorer.node.querySelector<HTMLSelectElement>(
        'select[aria-label="Group runs by"]'
      )!;
      expect([...group.options].map(o => o.value)).toContain('params.lr');
      group.value = 'params.lr';
      group.dispatchEvent(new Event('change'));
      expect(model.groupBy).toBe('params.lr');
      const view = explorer.node.querySelector<HTMLSelectElement>(
        'select[aria-label="Metric value shown"]'
      )!;
      view.value = 'best';
      view.dispatchEvent(new Event('change'));
      expect(model.metricView).toBe('best');
    });

    it('should open the columns chooser, pin a column and close on Escape', async () => {
      const chooser = explorer.node.querySelector<HTMLElement>(
        '[aria-label="Choose and pin columns"][role=group]'
      )!;
      expect(chooser.hidden).toBe(true);
      button('jp-RunsExplorer-columns').click();
      expect(chooser.hidden).toBe(false);
      expect(
        button('jp-RunsExplorer-columns').getAttribute('aria-controls')
      ).toBe(chooser.id);
      const pin = chooser.querySelector<HTMLInputElement>(
        'input[aria-label="Pin params.lr"]'
      )!;
      pin.checked = true;
      pin.dispatchEvent(new Event('change', { bubbles: true }));
      expect(model.isPinned('params.lr')).toBe(true);
      chooser.dispatchEvent(
        new KeyboardEvent('keydown', { key: 'Escape', bubbles: true })
      );
      expect(chooser.hidden).toBe(true);
      expect(document.activeElement).toBe(button('jp-RunsExplorer-columns'));
    });

    it('should close the columns chooser on a press outside it, and on its button', () => {
      const chooser = explorer.node.querySelector<HTMLElement>(
        '[aria-label="Choose and pin columns"][role=group]'
      )!;
      const press = (target: Element) => {
        target.dispatchEvent(new Event('pointerdown', { bubbles: true }));
        target.dispatchEvent(new MouseEvent('click', { bubbles: true }));
      };
      button('jp-RunsExplorer-columns').click();
      expect(chooser.hidden).toBe(false);
      // A press inside leaves it open.
      press(chooser.querySelector('input')!);
      expect(chooser.hidden).toBe(false);
      // A press elsewhere closes it.
      press(document.body);
      expect(chooser.hidden).toBe(true);
      // The button opens it again, and a second press on it closes it
      // (not closed by the press, then reopened by the click).
      press(button('jp-RunsExplorer-columns'));
      expect(chooser.hidden).toBe(false);
      press(button('jp-RunsExplorer-columns'));
      expect(chooser.hidden).toBe(true);
      press(button('jp-RunsExplorer-columns'));
      expect(chooser.hidden).toBe(false);
    });
  });

  describe('#resize', () => {
    const headers = () =>
      [
        ...explorer.node.querySelectorAll<HTMLElement>(
          '.jp-RunsTable-header [data-column]'
        )
      ].map(c => c.dataset.column);

    it('should show name and status in a narrow panel, params when wide', () => {
      explorer.resize(400);
      explorer.table.render();
      expect(headers()).toEqual(['name', 'status']);
      expect(explorer.node.classList.contains('jp-mod-narrow')).toBe(true);
      explorer.resize(700);
      explorer.table.render();
      expect(headers().slice(0, 4)).toEqual([
        'name',
        'status',
        'params.lr',
        'params.max_iter'
      ]);
      expect(explorer.node.classList.contains('jp-mod-narrow')).toBe(false);
    });

    it('should show a pinned param in a narrow panel', () => {
      model.setPinned('params.lr', true);
      explorer.resize(400);
      explorer.table.render();
      expect(headers()).toEqual(['name', 'params.lr', 'status']);
    });
  });
});
