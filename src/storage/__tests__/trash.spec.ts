/**
 * Deleting a run, restoring it and emptying the trash touch only the
 * entries the run-folder layout defines for a run: `<id>.json`,
 * `<id>.series.json`, `<id>.annotations.json` and `<id>.artifacts/` with the
 * artifacts its run file records. Anything else is left alone and named.
 */
import 'fake-indexeddb/auto';
import { makeRun } from '../../core/__tests__/fixtures';
import { ContentsRunStore } from '../contentsRunStore';
import { MemoryHistoryCache } from '../historyCache';
import { MemoryOutboxStorage } from '../outbox';
import type { IFolderLink } from '../../core/history';
import type { ILinkChecker } from '../linkChecker';
import { RunTrash } from '../trash';
import { MemoryContents } from './memoryContents';

const NB = 'work/train.ipynb';
const FOLDER = 'work/train.runs';
const TRASH = `${FOLDER}/trash`;
const ID = '01JDQ6Z0000000000000000000';
const OTHER = '01JDQ6Z1000000000000000000';

/** Neighbours named after the run that the layout does not define. */
const NEIGHBOURS = [
  `${ID}.bad:name`, // a colon: refused by the path rules
  `${ID}.what?`, // a character Windows forbids
  `${ID}.trailing.`, // ends with a dot
  `${ID}.a\u202eb`, // a bidirectional override
  `${ID}.notes.txt`, // a fine name, but not the run's
  `${ID}.json.bak`
];

const artifact = (name: string, id = ID) => ({
  name,
  kind: 'artifact' as const,
  path: `${id}.artifacts/${name}`,
  size: 1,
  sha256: '0'.repeat(64),
  stored: true
});

describe('RunTrash', () => {
  let contents: MemoryContents;
  let store: ContentsRunStore;
  let trash: RunTrash;

  const filesUnder = (prefix: string) =>
    [...contents.files.keys()]
      .filter(p => p.startsWith(`${prefix}/`))
      .map(p => p.slice(prefix.length + 1))
      .sort();

  const makeTrash = (links?: ILinkChecker) =>
    new RunTrash({
      contents: contents.asManager(),
      ensureFolder: async folder => {
        if (!contents.dirs.has(folder)) {
          await contents.save(folder, { type: 'directory' });
        }
      },
      links
    });
  /** A trash whose server extension reports these links. */
  const checkedTrash = (links: IFolderLink[]) =>
    makeTrash({
      check: async () => ({ checked: true, complete: true, links })
    });
  /** Every file and folder under a prefix, with its content. */
  const snapshot = (prefix: string) =>
    JSON.stringify([
      [...contents.files.entries()]
        .filter(([p]) => p.startsWith(prefix))
        .sort(),
      [...contents.dirs].filter(p => p.startsWith(prefix)).sort()
    ]);

  beforeEach(async () => {
    contents = new MemoryContents();
    contents.dirs.add('work');
    store = new ContentsRunStore({
      contents: contents.asManager(),
      writerId: '01JDQ7W0000000000000000001',
      shardDelayMs: 60_000,
      outbox: new MemoryOutboxStorage(),
      cache: new MemoryHistoryCache()
    });
    trash = makeTrash();
    await store.save(
      makeRun({ id: ID, notebookPath: NB, artifacts: [artifact('m.bin')] }),
      { series: { loss: { step: [0], value: [1], time: [0] } } }
    );
    await store.save(makeRun({ id: OTHER, notebookPath: NB }));
    await store.writeFile(NB, `${ID}.artifacts/m.bin`, 'x', 'text');
    await store.retryNow();
    await store.annotate(NB, ID, { note: 'n' });
    for (const name of NEIGHBOURS) {
      contents.files.set(`${FOLDER}/${name}`, 'not the run’s');
    }
  });

  afterEach(() => {
    store.dispose();
    jest.restoreAllMocks();
  });

  it('"Delete Run…" moves the run and leaves a neighbour that breaks the naming rules alone', async () => {
    const report = await store.trash(NB, [ID]);
    expect(report.moved).toContain(`${ID}.json`);
    expect(report.leftAlone.map(l => l.name)).toEqual(
      expect.arrayContaining(NEIGHBOURS)
    );
    expect(filesUnder(TRASH)).toEqual([
      `${ID}.annotations.json`,
      `${ID}.artifacts/m.bin`,
      `${ID}.json`,
      `${ID}.series.json`
    ]);
    expect(filesUnder(FOLDER).filter(n => !n.startsWith('trash/'))).toEqual(
      expect.arrayContaining(NEIGHBOURS)
    );
    expect((await store.list(NB)).runs.map(r => r.id)).toEqual([OTHER]);
  });

  it('lists a trash not made yet through its lister: no request that fails', async () => {
    // The server extension's lister answers a missing folder with a 200;
    // the Contents API could only answer 404 (a red console line).
    const asked: string[] = [];
    const quiet = new RunTrash({
      contents: contents.asManager(),
      ensureFolder: async () => undefined,
      lister: {
        list: async folder => {
          asked.push(folder);
          return contents.dirs.has(folder)
            ? contents.get(folder, { content: true })
            : null;
        },
        stat: async () => null
      }
    });
    contents.notFound = [];
    expect(await quiet.list(FOLDER)).toEqual([]);
    expect(asked).toEqual([TRASH]);
    expect(contents.notFound).toEqual([]);
  });

  it('names what it left alone', async () => {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => {});
    const report = await trash.moveToTrash(FOLDER, [ID]);
    expect(report.moved).toEqual([
      `${ID}.json`,
      `${ID}.annotations.json`,
      `${ID}.artifacts`,
      `${ID}.series.json`
    ]);
    expect(report.leftAlone.map(l => l.name).sort()).toEqual(
      [...NEIGHBOURS].sort()
    );
    expect(report.leftAlone[0].reason).toBe(
      'is not a file of the run folder layout'
    );
    expect(warn).toHaveBeenCalledWith(expect.stringContaining(NEIGHBOURS[0]));
    warn.mockRestore();
  });

  it('leaves an entry of the wrong kind (a folder named like the series file)', async () => {
    contents.files.delete(`${FOLDER}/${ID}.series.json`);
    contents.dirs.add(`${FOLDER}/${ID}.series.json`);
    jest.spyOn(console, 'warn').mockImplementation(() => {});
    const report = await trash.moveToTrash(FOLDER, [ID]);
    expect(report.leftAlone).toContainEqual({
      name: `${ID}.series.json`,
      reason: 'is a directory, not what the layout has there'
    });
    expect(contents.dirs.has(`${FOLDER}/${ID}.series.json`)).toBe(true);
  });

  it('restores the run and leaves a neighbour in the trash alone', async () => {
    await store.trash(NB, [ID]);
    contents.files.set(`${TRASH}/${ID}.bad:name`, 'not the run’s');
    expect((await store.restore(NB, [ID])).moved).toContain(`${ID}.json`);
    expect(filesUnder(TRASH)).toEqual([`${ID}.bad:name`]);
    expect(
      (await store.list(NB, { current: true })).runs.map(r => r.id).sort()
    ).toEqual([ID, OTHER].sort());
    expect(await store.listTrash(NB)).toEqual([]);
  });

  it('empties only the layout’s entries, whatever else the trash holds (links checked)', async () => {
    trash = checkedTrash([]);
    await store.trash(NB, [ID, OTHER]);
    // What a trash that is a link to another folder could hold, and files
    // of the artifacts folder that the run did not record.
    contents.dirs.add(`${TRASH}/project`);
    contents.files.set(`${TRASH}/project/thesis.tex`, 'years of work');
    contents.files.set(`${TRASH}/important.txt`, 'keep');
    contents.files.set(`${TRASH}/${ID}.notes.txt`, 'keep');
    contents.files.set(`${TRASH}/${ID}.bad:name`, 'keep');
    contents.files.set(`${TRASH}/${ID}.artifacts/unrecorded.bin`, 'keep');
    contents.dirs.add(`${TRASH}/${ID}.artifacts/sub`);
    jest.spyOn(console, 'warn').mockImplementation(() => {});
    const report = await trash.emptyWithReport(FOLDER);
    expect(report.runs).toBe(2);
    expect(report.deleted.sort()).toEqual(
      [
        `${ID}.annotations.json`,
        `${ID}.artifacts/m.bin`,
        `${ID}.json`,
        `${ID}.series.json`,
        `${OTHER}.json`
      ].sort()
    );
    expect(filesUnder(TRASH)).toEqual([
      `${ID}.artifacts/unrecorded.bin`,
      `${ID}.bad:name`,
      `${ID}.notes.txt`,
      'important.txt',
      'project/thesis.tex'
    ]);
    expect(report.leftAlone.map(l => l.name).sort()).toEqual(
      [
        `${ID}.artifacts`,
        `${ID}.artifacts/sub`,
        `${ID}.artifacts/unrecorded.bin`,
        `${ID}.bad:name`,
        `${ID}.notes.txt`,
        'important.txt',
        'project'
      ].sort()
    );
    expect(contents.dirs.has(TRASH)).toBe(true);
    expect(await store.listTrash(NB)).toEqual([
      { id: ID, files: [`${ID}.artifacts`], summary: null }
    ]);
  });

  it('keeps the shared environment and git diff files of deleted runs', async () => {
    const shared = [
      `diff-${'d'.repeat(64)}.patch`,
      `env-${'e'.repeat(64)}.json`
    ];
    for (const name of shared) {
      contents.files.set(`${FOLDER}/${name}`, 'shared by other runs');
    }
    await store.trash(NB, [ID, OTHER]);
    await trash.emptyWithReport(FOLDER);
    for (const name of shared) {
      expect(contents.files.get(`${FOLDER}/${name}`)).toBe(
        'shared by other runs'
      );
    }
  });

  it('deletes nothing from a trash that holds no run', async () => {
    contents.dirs.add(TRASH);
    for (const name of ['a.txt', 'b.json', 'manifest-x.json', 'notes']) {
      contents.files.set(`${TRASH}/${name}`, 'someone else’s');
    }
    contents.dirs.add(`${TRASH}/src`);
    contents.files.set(`${TRASH}/src/main.py`, 'code');
    jest.spyOn(console, 'warn').mockImplementation(() => {});
    expect((await store.emptyTrash(NB)).runs).toBe(0);
    expect(filesUnder(TRASH)).toEqual([
      'a.txt',
      'b.json',
      'manifest-x.json',
      'notes',
      'src/main.py'
    ]);
  });

  it('replaces an older copy in the trash (the newer wins), artifacts read from the older run file', async () => {
    await store.trash(NB, [ID]);
    await store.restore(NB, [ID]);
    // The older copy is back in the trash, with an artifact of its own.
    contents.files.set(
      `${TRASH}/${ID}.json`,
      JSON.stringify(
        makeRun({ id: ID, notebookPath: NB, artifacts: [artifact('old.bin')] })
      )
    );
    contents.dirs.add(`${TRASH}/${ID}.artifacts`);
    contents.files.set(`${TRASH}/${ID}.artifacts/old.bin`, 'old');
    const report = await trash.moveToTrash(FOLDER, [ID]);
    expect(report.deleted.sort()).toEqual(
      [`${ID}.artifacts`, `${ID}.artifacts/old.bin`, `${ID}.json`].sort()
    );
    expect(filesUnder(TRASH)).toEqual([
      `${ID}.annotations.json`,
      `${ID}.artifacts/m.bin`,
      `${ID}.json`,
      `${ID}.series.json`
    ]);
  });

  describe('symbolic links (as the server extension reports them)', () => {
    const trashLink: IFolderLink = {
      path: TRASH,
      role: 'entry',
      scope: 'root',
      kind: 'directory'
    };

    beforeEach(() => {
      jest.spyOn(console, 'warn').mockImplementation(() => {});
    });

    it('refuses to delete into, empty or restore from a trash that links outside, and names it', async () => {
      await store.trash(NB, [OTHER]);
      // What the folder elsewhere holds: files the extension never wrote.
      contents.files.set(`${TRASH}/thesis.tex`, 'years of work');
      const before = snapshot(TRASH);
      const linked = checkedTrash([trashLink]);

      const deleted = await linked.moveToTrash(FOLDER, [ID]);
      expect(deleted.moved).toEqual([]);
      expect(deleted.refused).toContain(TRASH);
      expect(deleted.leftAlone).toEqual([
        { name: TRASH, reason: 'is a symbolic link to outside the server root' }
      ]);
      const emptied = await linked.emptyWithReport(FOLDER);
      expect(emptied.deleted).toEqual([]);
      expect(emptied.runs).toBe(0);
      expect(emptied.refused).toContain(TRASH);
      const restored = await linked.restore(FOLDER, [OTHER]);
      expect(restored.moved).toEqual([]);
      expect(restored.refused).toContain(TRASH);

      expect(snapshot(TRASH)).toBe(before);
      expect(contents.files.has(`${FOLDER}/${ID}.json`)).toBe(true);
    });

    it('refuses everything in a runs folder that is itself a link (or under one)', async () => {
      const linked = checkedTrash([
        { path: 'work', role: 'parent', scope: 'root', kind: 'directory' }
      ]);
      const report = await linked.moveToTrash(FOLDER, [ID]);
      expect(report.refused).toBe(
        'work is a symbolic link to outside the server root: nothing was moved or deleted'
      );
      expect(filesUnder(TRASH)).toEqual([]);
    });

    it('deletes a run but leaves its artifacts folder that links elsewhere, named', async () => {
      const linked = checkedTrash([
        {
          path: `${FOLDER}/${ID}.artifacts`,
          role: 'entry',
          scope: 'folder',
          kind: 'directory'
        }
      ]);
      const report = await linked.moveToTrash(FOLDER, [ID]);
      expect(report.moved).toEqual([
        `${ID}.json`,
        `${ID}.annotations.json`,
        `${ID}.series.json`
      ]);
      expect(report.leftAlone).toContainEqual({
        name: `${ID}.artifacts`,
        reason: 'is a symbolic link to outside the runs folder'
      });
      expect(contents.files.get(`${FOLDER}/${ID}.artifacts/m.bin`)).toBe('x');
    });

    it('empties the trash around an artifact that is a link, and names it', async () => {
      await store.trash(NB, [ID]);
      const child = `${TRASH}/${ID}.artifacts/m.bin`;
      const linked = checkedTrash([
        { path: child, role: 'entry', scope: 'root', kind: 'file' }
      ]);
      const report = await linked.emptyWithReport(FOLDER);
      expect(contents.files.get(child)).toBe('x');
      expect(report.leftAlone).toContainEqual({
        name: `${ID}.artifacts/m.bin`,
        reason: 'is a symbolic link to outside the server root'
      });
      expect(report.deleted).toContain(`${ID}.json`);
      expect(report.deleted).not.toContain(`${ID}.artifacts`);
    });

    it('without the server extension, deletes nothing from a trash holding entries it does not recognise', async () => {
      await store.trash(NB, [ID, OTHER]);
      contents.files.set(`${TRASH}/thesis.tex`, 'years of work');
      const before = snapshot(TRASH);
      const unchecked = makeTrash({
        check: async () => ({ checked: false, reason: 'no server extension' })
      });
      const report = await unchecked.emptyWithReport(FOLDER);
      expect(report.deleted).toEqual([]);
      expect(report.runs).toBe(0);
      expect(report.refused).toBe(
        `${TRASH} holds entries that are not the run folder layout's, and no server extension: nothing was deleted`
      );
      expect(report.leftAlone.map(l => l.name)).toEqual(['thesis.tex']);
      expect(snapshot(TRASH)).toBe(before);
    });

    it('without the server extension, empties a trash that holds only the layout’s entries', async () => {
      await store.trash(NB, [ID, OTHER]);
      const report = await makeTrash().emptyWithReport(FOLDER);
      expect(report.unchecked).toBe('links are not checked here');
      expect(report.refused).toBeUndefined();
      expect(report.runs).toBe(2);
      expect(filesUnder(TRASH)).toEqual([]);
    });
  });
});
