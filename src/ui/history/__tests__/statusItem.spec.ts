import { StatusBar } from '@jupyterlab/statusbar';
import { MessageLoop } from '@lumino/messaging';
import { Signal } from '@lumino/signaling';
import { Widget } from '@lumino/widgets';
import type { IRunStore, IRunStoreStatus } from '../../../tokens';
import { SHOW_AFTER_MS } from '../pendingText';
import { PendingRunsItem, pendingStatusItem } from '../statusItem';
import { trans } from '../../__tests__/trans';

const idle: IRunStoreStatus = {
  pending: 0,
  pendingFiles: 0,
  byFolder: {},
  failure: null,
  nextAttemptAt: null
};

class FakeStore {
  status: IRunStoreStatus = idle;
  statusChanged = new Signal<IRunStore, IRunStoreStatus>(this as never);
  set(status: Partial<IRunStoreStatus>) {
    this.status = { ...idle, ...status };
    this.statusChanged.emit(this.status);
  }
}

describe('PendingRunsItem', () => {
  let store: FakeStore;
  let item: PendingRunsItem;
  let changes: number;

  beforeEach(() => {
    jest.useFakeTimers();
    store = new FakeStore();
    item = new PendingRunsItem({
      store: store as unknown as IRunStore,
      trans,
      onClick: () => undefined
    });
    changes = 0;
    item.onChange = () => changes++;
  });

  afterEach(() => {
    item.dispose();
    jest.useRealTimers();
  });

  it('should stay hidden and untouched while a run is saved quickly', () => {
    expect(item.isHidden).toBe(true);
    for (let k = 0; k < 10; k++) {
      store.set({ pending: 1, pendingFiles: 1 });
      store.set({ pending: 0, pendingFiles: 1 });
      store.set({});
    }
    jest.advanceTimersByTime(SHOW_AFTER_MS * 2);
    expect(item.isHidden).toBe(true);
    expect(changes).toBe(0);
  });

  it('should show a save that lasts, with its count', () => {
    store.set({ pending: 3 });
    jest.advanceTimersByTime(SHOW_AFTER_MS - 1);
    expect(item.isHidden).toBe(true);
    jest.advanceTimersByTime(1);
    expect(item.isHidden).toBe(false);
    expect(item.node.textContent).toBe('3 runs not yet saved');
    store.set({ pending: 2 });
    expect(item.node.textContent).toBe('2 runs not yet saved');
    store.set({});
    expect(item.isHidden).toBe(true);
  });

  it('should show a failure at once, with why', () => {
    store.set({
      pending: 1,
      failure: { kind: 'offline', status: null, message: 'down' }
    });
    expect(item.isHidden).toBe(false);
    expect(item.node.textContent).toBe('1 run not yet saved');
    expect(item.node.dataset.reason).toBe('offline');
    expect(item.node.title).toContain('cannot be reached');
    expect(item.node.classList.contains('jp-mod-failed')).toBe(true);
  });

  it('should show runs already waiting when it starts', () => {
    const waiting = new FakeStore();
    waiting.status = { ...idle, pending: 20 };
    const other = new PendingRunsItem({
      store: waiting as unknown as IRunStore,
      trans,
      onClick: () => undefined
    });
    expect(other.isHidden).toBe(false);
    expect(other.node.textContent).toBe('20 runs not yet saved');
    other.dispose();
  });

  describe('in the status bar', () => {
    let bar: StatusBar;

    beforeEach(() => {
      bar = new StatusBar();
      Widget.attach(bar, document.body);
      bar.registerStatusItem(
        'jupyterlab-runs:pending',
        pendingStatusItem(item)
      );
    });

    afterEach(() => {
      bar.dispose();
    });

    /** The status bar refreshes every item on each update request. */
    const refresh = () =>
      MessageLoop.sendMessage(bar, Widget.Msg.UpdateRequest);

    it('should not show at page load, however often the bar refreshes', () => {
      refresh();
      refresh();
      expect(item.isHidden).toBe(true);
      expect(bar.node.textContent).not.toContain('Saving');
    });

    it('should not show while runs are saved quickly, nor after', () => {
      store.set({ pending: 1, pendingFiles: 1 });
      refresh();
      expect(item.isHidden).toBe(true);
      store.set({});
      jest.advanceTimersByTime(SHOW_AFTER_MS * 2);
      refresh();
      expect(item.isHidden).toBe(true);
    });

    it('should show while runs wait, and go once they are saved', () => {
      store.set({ pending: 2 });
      jest.advanceTimersByTime(SHOW_AFTER_MS);
      refresh();
      expect(item.isHidden).toBe(false);
      expect(item.node.textContent).toBe('2 runs not yet saved');
      store.set({});
      refresh();
      expect(item.isHidden).toBe(true);
    });
  });
});
