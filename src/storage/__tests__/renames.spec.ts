import type { Contents, Event } from '@jupyterlab/services';
import { Signal } from '@lumino/signaling';
import { CONTENTS_EVENTS, followRenames } from '../renames';

/** A Contents manager that only renames (signals) and answers types. */
function setUp(types: Record<string, 'file' | 'directory' | 'notebook'>) {
  const owner = {};
  const fileChanged = new Signal<unknown, Contents.IChangedArgs>(owner);
  const events = new Signal<unknown, Event.Emission>(owner);
  const asked: string[] = [];
  const contents = {
    fileChanged,
    get: async (path: string) => {
      asked.push(path);
      return { path, type: types[path] ?? 'file' } as Contents.IModel;
    }
  } as unknown as Pick<Contents.IManager, 'fileChanged' | 'get'>;
  const calls: string[] = [];
  const store = {
    moveRuns: async (from: string, to: string) => {
      calls.push(`moveRuns ${from} -> ${to}`);
      return true;
    },
    noteDirectoryMoved: async (from: string, to: string) => {
      calls.push(`noteDirectoryMoved ${from} -> ${to}`);
    }
  };
  const stop = followRenames({ contents, events, store });
  const rename = (from: string, to: string, type: Contents.ContentType) =>
    fileChanged.emit({
      type: 'rename',
      oldValue: { path: from },
      newValue: { path: to, type }
    });
  const event = (from: string, to: string) =>
    events.emit({
      schema_id: CONTENTS_EVENTS,
      action: 'rename',
      path: to,
      source_path: from
    } as unknown as Event.Emission);
  const settled = () => new Promise(resolve => setTimeout(resolve, 0));
  return { rename, event, calls, asked, stop, settled };
}

describe('following renames', () => {
  it("moves a renamed notebook's runs, and notes a renamed folder", async () => {
    const t = setUp({ archive: 'directory', 'b.ipynb': 'notebook' });
    t.rename('a.ipynb', 'b.ipynb', 'notebook');
    t.rename('work', 'archive', 'directory');
    // Another client's renames, from the server's events.
    t.event('c.ipynb', 'b.ipynb');
    t.event('old', 'archive');
    await t.settled();
    expect(t.calls).toEqual([
      'moveRuns a.ipynb -> b.ipynb',
      'noteDirectoryMoved work -> archive',
      'moveRuns c.ipynb -> b.ipynb',
      'noteDirectoryMoved old -> archive'
    ]);
  });

  it('leaves alone the moves of run files into the trash and back', async () => {
    // Each move of a run file arrives both ways. Following it listed the
    // runs folder while the next file moved: the Contents API answers such
    // a listing 404 (a red console line during "Delete Run…").
    const t = setUp({});
    const file = 'nb.runs/01JD0000000000000000000000.json';
    const trashed = 'nb.runs/trash/01JD0000000000000000000000.json';
    t.rename(file, trashed, 'file');
    t.event(file, trashed);
    t.rename(trashed, file, 'file');
    t.event(trashed, file);
    t.rename('nb.runs', 'renamed.runs', 'directory');
    t.event('nb.runs', 'renamed.runs');
    await t.settled();
    expect(t.calls).toEqual([]);
    expect(t.asked).toEqual([]);
  });

  it('ignores other events and other changes, and stops when asked', async () => {
    const t = setUp({});
    t.rename('a.ipynb', 'b.ipynb', 'notebook');
    await t.settled();
    t.stop();
    t.rename('b.ipynb', 'c.ipynb', 'notebook');
    t.event('b.ipynb', 'c.ipynb');
    await t.settled();
    expect(t.calls).toEqual(['moveRuns a.ipynb -> b.ipynb']);
  });
});
