/**
 * The sidebar's layout follows the panel's own width (Lumino resize
 * messages from the sidebar's splitter), not the window's.
 */
import { MessageLoop } from '@lumino/messaging';
import { Widget } from '@lumino/widgets';
import { NB, setUp } from '../../../model/__tests__/harness';
import { makeRun } from '../../../core/__tests__/fixtures';
import { trans } from '../../__tests__/trans';
import { RunsPanel } from '../panel';

describe('RunsPanel: layout by width', () => {
  let h: Awaited<ReturnType<typeof setUp>>;
  let panel: RunsPanel;

  beforeEach(async () => {
    h = await setUp();
    await h.store.save(
      makeRun({ id: '01JDQ6Z0000000000000000001', notebookPath: NB })
    );
    jest.useFakeTimers();
    panel = new RunsPanel({ model: h.model, trans });
    Widget.attach(panel, document.body);
    jest.advanceTimersByTime(20);
    expect(panel.table.runs).toHaveLength(1);
  });

  afterEach(() => {
    panel.dispose();
    jest.useRealTimers();
    h.dispose();
    document.body.replaceChildren();
  });

  const layout = () =>
    panel.node.querySelector<HTMLElement>('.jp-RunsTable')?.dataset.layout;

  it('should go narrow and wide with the sidebar, whatever the window', () => {
    MessageLoop.sendMessage(panel, new Widget.ResizeMessage(400, 800));
    expect(layout()).toBe('narrow');
    expect(window.innerWidth).toBeGreaterThan(600);
    MessageLoop.sendMessage(panel, new Widget.ResizeMessage(550, 800));
    expect(layout()).toBe('narrow');
    MessageLoop.sendMessage(panel, new Widget.ResizeMessage(700, 800));
    expect(layout()).toBe('wide');
    MessageLoop.sendMessage(panel, new Widget.ResizeMessage(550, 800));
    expect(layout()).toBe('wide');
  });

  it('should take the width it is given while hidden once shown', () => {
    panel.hide();
    MessageLoop.sendMessage(panel, new Widget.ResizeMessage(400, 800));
    panel.show();
    expect(layout()).toBe('narrow');
  });
});
