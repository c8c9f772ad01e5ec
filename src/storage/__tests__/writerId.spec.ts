import { writerId, type IWriterIdPage } from '../writerId';

/** A tab: its session storage, and the page events it was given. */
class Tab implements IWriterIdPage {
  constructor(readonly store = new Map<string, string>()) {}
  sessionStorage = {
    getItem: (key: string) => this.store.get(key) ?? null,
    setItem: (key: string, value: string) => void this.store.set(key, value),
    removeItem: (key: string) => void this.store.delete(key)
  };
  listeners: {
    type: string;
    listener: (e: { persisted?: boolean }) => void;
  }[] = [];
  addEventListener(
    type: 'pagehide' | 'pageshow',
    listener: (e: { persisted?: boolean }) => void
  ): void {
    this.listeners.push({ type, listener });
  }
  /** The page goes away (reload, navigation, close), or into the bfcache. */
  hide(persisted = false): void {
    this.fire('pagehide', persisted);
  }
  fire(type: string, persisted: boolean): void {
    for (const l of this.listeners.filter(l => l.type === type)) {
      l.listener({ persisted });
    }
  }
  /** The page loaded again in this tab: the same storage, new listeners. */
  reload(): Tab {
    this.hide();
    return new Tab(this.store);
  }
  /** What the browser's "Duplicate" gives: a copy of the storage now. */
  duplicate(): Tab {
    return new Tab(new Map(this.store));
  }
}

describe('writerId', () => {
  it('keeps a tab its id across reloads', () => {
    const tab = new Tab();
    const id = writerId(tab);
    expect(id).toMatch(/^[0-9A-Z]{26}$/);
    const again = tab.reload();
    expect(writerId(again)).toBe(id);
    expect(writerId(again.reload())).toBe(id);
  });

  it('gives a duplicated tab an id of its own, and leaves the first its id', () => {
    const tab = new Tab();
    const id = writerId(tab);
    const copy = tab.duplicate();
    const other = writerId(copy);
    expect(other).not.toBe(id);
    // Each keeps its own across reloads.
    expect(writerId(copy.reload())).toBe(other);
    expect(writerId(tab.reload())).toBe(id);
  });

  it('gives a tab whose page crashed (no pagehide) a new id', () => {
    const tab = new Tab();
    const id = writerId(tab);
    expect(writerId(new Tab(tab.store))).not.toBe(id);
  });

  it('leases the id again when the page comes back from the back-forward cache', () => {
    const tab = new Tab();
    const id = writerId(tab);
    tab.hide(true);
    tab.fire('pageshow', true);
    expect(writerId(tab.duplicate())).not.toBe(id);
  });

  it('mints an id per page load when storage is refused', () => {
    const tab = new Tab();
    tab.sessionStorage.getItem = () => {
      throw new Error('SecurityError');
    };
    const a = writerId(tab);
    const b = writerId(tab);
    expect(a).toMatch(/^[0-9A-Z]{26}$/);
    expect(b).not.toBe(a);
  });
});
