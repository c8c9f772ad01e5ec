import { makeRun } from '../../core/__tests__/fixtures';
import { ContentsRunStore } from '../contentsRunStore';
import type { IRunStoreChange } from '../../tokens';
import { MemoryContents } from './memoryContents';

const NB = 'work/train.ipynb';
const ID_A = '01JDQ6Z0000000000000000000';
const ID_B = '01JDQ6Z1000000000000000000';

describe('ContentsRunStore', () => {
  let contents: MemoryContents;
  let store: ContentsRunStore;

  beforeEach(() => {
    contents = new MemoryContents();
    contents.dirs.add('work');
    store = new ContentsRunStore({ contents: contents.asManager() });
  });

  describe('#save', () => {
    it('should create the runs folder and write one JSON file per run', async () => {
      await store.save(makeRun({ id: ID_A, notebookPath: NB }));
      expect(contents.dirs.has('work/train.runs')).toBe(true);
      const text = contents.files.get(`work/train.runs/${ID_A}.json`);
      expect(JSON.parse(text!)).toEqual(
        makeRun({ id: ID_A, notebookPath: NB })
      );
    });

    it('should never touch the notebook file', async () => {
      contents.files.set(NB, '{"cells": []}');
      await store.save(makeRun({ id: ID_A, notebookPath: NB }));
      expect(contents.files.get(NB)).toBe('{"cells": []}');
    });

    it('should emit a summary of the saved run', async () => {
      const changes: IRunStoreChange[] = [];
      store.changed.connect((_, change) => changes.push(change));
      await store.save(makeRun({ id: ID_A, notebookPath: NB }));
      expect(changes).toHaveLength(1);
      expect(changes[0].run).toMatchObject({ id: ID_A, status: 'ok' });
      expect(changes[0].run).not.toHaveProperty('code');
    });

    it('should refuse an invalid run without writing anything', async () => {
      const bad = { ...makeRun({ notebookPath: NB }), status: 'weird' };
      await expect(store.save(bad as never)).rejects.toThrow(
        'Refusing to write an invalid run: /status'
      );
      expect(contents.files.size).toBe(0);
    });

    it('should recreate a runs folder deleted after the first run', async () => {
      await store.save(makeRun({ id: ID_A, notebookPath: NB }));
      contents.dirs.delete('work/train.runs');
      contents.files.clear();
      await store.save(makeRun({ id: ID_B, notebookPath: NB }));
      expect([...contents.files.keys()]).toEqual([
        `work/train.runs/${ID_B}.json`
      ]);
    });

    it('should reject when the server refuses the write', async () => {
      contents.failSaves = new Error('Request Entity Too Large');
      await expect(
        store.save(makeRun({ id: ID_A, notebookPath: NB }))
      ).rejects.toThrow('Request Entity Too Large');
    });
  });

  describe('#list', () => {
    it('should list nothing when the notebook has no runs folder', async () => {
      expect(await store.list(NB)).toEqual({
        notebookPath: NB,
        runs: [],
        warnings: []
      });
    });

    it('should list runs newest first', async () => {
      await store.save(makeRun({ id: ID_A, notebookPath: NB }));
      await store.save(
        makeRun({ id: ID_B, notebookPath: NB, status: 'error' })
      );
      const listing = await store.list(NB);
      expect(listing.runs.map(r => [r.id, r.status])).toEqual([
        [ID_B, 'error'],
        [ID_A, 'ok']
      ]);
      expect(listing.warnings).toEqual([]);
    });

    it('should skip bad files with a reason and still list the rest', async () => {
      await store.save(makeRun({ id: ID_A, notebookPath: NB }));
      const folder = 'work/train.runs';
      contents.files.set(`${folder}/${ID_B}.json`, '{"schemaVersion": 1, "id"');
      contents.files.set(
        `${folder}/01JDQ6Z2000000000000000000.json`,
        JSON.stringify(makeRun({ id: ID_A }))
      );
      contents.files.set(`${folder}/notes.txt`, 'not a run');
      const listing = await store.list(NB);
      expect(listing.runs.map(r => r.id)).toEqual([ID_A]);
      expect(listing.warnings).toEqual([
        {
          path: `${folder}/${ID_B}.json`,
          reason: expect.stringContaining('not valid JSON')
        },
        {
          path: `${folder}/01JDQ6Z2000000000000000000.json`,
          reason: 'its id does not match its file name'
        }
      ]);
    });
  });

  describe('#get', () => {
    it('should read a full run back', async () => {
      const run = makeRun({ id: ID_A, notebookPath: NB });
      await store.save(run);
      expect(await store.get(NB, ID_A)).toEqual(run);
    });

    it('should refuse a run id that is not a ULID', async () => {
      await expect(store.get(NB, '../../secret')).rejects.toThrow(
        'Invalid run id'
      );
    });
  });
});
