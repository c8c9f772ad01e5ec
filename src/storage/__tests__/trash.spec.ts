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
    trash = new RunTrash({
      contents: contents.asManager(),
      ensureFolder: async folder => {
        if (!contents.dirs.has(folder)) {
          await contents.save(folder, { type: 'directory' });
        }
      }
    });
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
    await expect(store.trash(NB, [ID])).resolves.toBeUndefined();
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
    await expect(store.restore(NB, [ID])).resolves.toBeUndefined();
    expect(filesUnder(TRASH)).toEqual([`${ID}.bad:name`]);
    expect(
      (await store.list(NB, { current: true })).runs.map(r => r.id).sort()
    ).toEqual([ID, OTHER].sort());
    expect(await store.listTrash(NB)).toEqual([]);
  });

  it('empties only the layout’s entries, whatever else the trash holds', async () => {
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
    expect(await store.emptyTrash(NB)).toBe(0);
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
});
