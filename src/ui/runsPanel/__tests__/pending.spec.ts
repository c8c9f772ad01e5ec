import { Signal } from '@lumino/signaling';
import { Widget } from '@lumino/widgets';
import type { IRunsModel, IRunStoreStatus } from '../../../tokens';
import { SHOW_AFTER_MS } from '../../history/pendingText';
import { RunsPanel } from '../panel';
import { trans } from '../../__tests__/trans';

/** The slice of the runs model the panel reads. */
class FakeModel {
  stateChanged = new Signal<IRunsModel, void>(this as never);
  runsChanged = new Signal<IRunsModel, never>(this as never);
  notebookPath = 'nb.ipynb';
  state = 'ready';
  runs = [];
  warnings = [];
  error = '';
  pending = 0;
  pendingFailure: IRunStoreStatus['failure'] = null;
  set(pending: number, failure: IRunStoreStatus['failure'] = null) {
    this.pending = pending;
    this.pendingFailure = failure;
    this.stateChanged.emit();
  }
}

describe('RunsPanel: runs not yet saved', () => {
  let model: FakeModel;
  let panel: RunsPanel;
  let banner: HTMLElement;
  const frame = () => jest.advanceTimersByTime(20);

  beforeEach(() => {
    jest.useFakeTimers();
    model = new FakeModel();
    panel = new RunsPanel({ model: model as unknown as IRunsModel, trans });
    Widget.attach(panel, document.body);
    frame();
    banner = panel.node.querySelector('.jp-RunsPanel-pending')!;
  });

  afterEach(() => {
    panel.dispose();
    jest.useRealTimers();
  });

  it('should not flash a banner for a run saved within moments', () => {
    model.set(1);
    frame();
    expect(banner.hidden).toBe(true);
    model.set(0);
    frame();
    jest.advanceTimersByTime(SHOW_AFTER_MS * 2);
    expect(banner.hidden).toBe(true);
  });

  it('should show a save that lasts, and a failure at once', () => {
    model.set(2);
    frame();
    expect(banner.hidden).toBe(true);
    jest.advanceTimersByTime(SHOW_AFTER_MS);
    frame();
    expect(banner.hidden).toBe(false);
    expect(banner.textContent).toBe('2 runs not yet saved. Saving…');
    model.set(0);
    frame();
    expect(banner.hidden).toBe(true);
    model.set(1, { kind: 'offline', status: null, message: 'down' });
    frame();
    expect(banner.hidden).toBe(false);
    expect(banner.textContent).toContain('cannot be reached');
  });
});
