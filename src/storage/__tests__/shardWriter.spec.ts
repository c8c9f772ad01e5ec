import type { Contents } from '@jupyterlab/services';
import {
  classifyName,
  isSegmentOf,
  parseManifestShard,
  segmentWriterId,
  type IManifestEntry
} from '../../core/history';
import { entry, runId } from '../../core/history/__tests__/fixtures';
import { listingEntryOf, ShardWriter, type IShardState } from '../shardWriter';
import { MemoryContents } from './memoryContents';

const WRITER = '01JDQ6Z0000000000000000000';
const FOLDER = 'work/train.runs';

/** A writer of an empty folder's shard, over `contents`, and its state. */
function folderWriter(
  contents: MemoryContents,
  options: Partial<ShardWriter.IOptions> = {}
): { writer: ShardWriter; state: IShardState } {
  contents.dirs.add('work');
  contents.dirs.add(FOLDER);
  const state: IShardState = {
    entries: new Map(),
    shards: [],
    read: [],
    stale: []
  };
  const writer = new ShardWriter({
    contents: contents as unknown as Contents.IManager,
    writerId: WRITER,
    state: async () => state,
    persist: async () => undefined,
    ...options
  });
  return { writer, state };
}

const writerOf = (contents: MemoryContents) => folderWriter(contents).writer;

describe('ShardWriter', () => {
  it('should never have two PUTs of one shard in flight', async () => {
    // jupyter_server answers 500 to one of two overlapping saves of a file.
    const contents = new MemoryContents();
    let inFlight = 0;
    let most = 0;
    const save = contents.save.bind(contents);
    contents.save = async (path, options) => {
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise(resolve => setTimeout(resolve, 5));
      try {
        return await save(path, options);
      } finally {
        inFlight--;
      }
    };
    const writer = writerOf(contents);
    await Promise.all([
      writer.write(FOLDER),
      writer.write(FOLDER),
      writer.write(FOLDER)
    ]);
    expect(most).toBe(1);
    expect(contents.requests.save).toBe(3);
    expect(contents.files.has(`${FOLDER}/manifest-${WRITER}.json`)).toBe(true);
    writer.dispose();
  });

  it('should write a shard scheduled before a rename into the new folder', async () => {
    jest.useFakeTimers();
    try {
      const contents = new MemoryContents();
      const writer = writerOf(contents);
      writer.schedule(FOLDER);
      await contents.rename(FOLDER, 'work/renamed.runs');
      writer.move(FOLDER, 'work/renamed.runs');
      expect(writer.isScheduled(FOLDER)).toBe(false);
      expect(writer.isScheduled('work/renamed.runs')).toBe(true);
      await jest.runAllTimersAsync();
      expect(
        contents.files.has(`work/renamed.runs/manifest-${WRITER}.json`)
      ).toBe(true);
      expect(contents.dirs.has(FOLDER)).toBe(false);
      writer.dispose();
    } finally {
      jest.useRealTimers();
    }
  });

  it('should write a shard held for a rename that failed into the old folder', async () => {
    jest.useFakeTimers();
    try {
      const contents = new MemoryContents();
      const writer = writerOf(contents);
      writer.schedule(FOLDER);
      await writer.hold(FOLDER);
      expect(writer.isScheduled(FOLDER)).toBe(false);
      await writer.write(FOLDER);
      expect(contents.requests.save).toBe(0);
      writer.release(FOLDER);
      expect(writer.isScheduled(FOLDER)).toBe(true);
      await jest.runAllTimersAsync();
      expect(contents.files.has(`${FOLDER}/manifest-${WRITER}.json`)).toBe(
        true
      );
      writer.dispose();
    } finally {
      jest.useRealTimers();
    }
  });

  describe('segments', () => {
    /** A writer sealing at 10 entries, gathering at 3 sealed segments. */
    function segmented(contents: MemoryContents) {
      const { writer, state } = folderWriter(contents, {
        sealEntries: 10,
        maxSealed: 3
      });
      let next = 0;
      /** Runs saved by this page: new entries, then a shard write. */
      const save = async (n: number) => {
        for (let i = 0; i < n; i++) {
          const e = entry(runId(next++));
          state.entries.set(e.summary.id, e);
        }
        await writer.write(FOLDER);
      };
      /** The folder's shards on disk: writer id to the run ids each holds. */
      const onDisk = () => {
        const shards = new Map<string, string[]>();
        for (const [path, text] of contents.files) {
          const name = path.slice(FOLDER.length + 1);
          const kind = classifyName(name);
          if (path.startsWith(`${FOLDER}/`) && kind.kind === 'manifest') {
            const parsed = parseManifestShard(text);
            if (!parsed.ok) {
              throw new Error(parsed.reason);
            }
            shards.set(
              kind.writerId,
              parsed.shard.entries.map(e => e.summary.id)
            );
          }
        }
        return shards;
      };
      /** Every run id the shards hold together. */
      const union = () => new Set([...onDisk().values()].flat());
      return { state, writer, save, onDisk, union };
    }

    const seg = (i: number) => segmentWriterId(WRITER, i);

    it('should write only the runs saved since a large shard was sealed', async () => {
      const contents = new MemoryContents();
      const { writer, save, onDisk, union } = segmented(contents);
      await save(12); // the first write holds every entry: 12, sealed
      expect([...onDisk().keys()]).toEqual([WRITER]);
      await save(1);
      await save(2);
      // The next segment holds the three runs saved since, not fifteen.
      expect(onDisk().get(seg(1))).toHaveLength(3);
      expect(onDisk().get(WRITER)).toHaveLength(12);
      expect(union().size).toBe(15);
      writer.dispose();
    });

    it('should gather the segments into one shard and delete the others', async () => {
      const contents = new MemoryContents();
      const { writer, save, onDisk, union } = segmented(contents);
      await save(10); // segment 0, sealed
      await save(10); // segment 1, sealed
      await save(10); // segment 2, sealed: three sealed
      expect(onDisk().size).toBe(3);
      await save(1); // three sealed: this write holds all 31
      expect([...onDisk().keys()]).toEqual([seg(3)]);
      expect(union().size).toBe(31);
      await save(1); // and seals it: the next holds one run
      expect(onDisk().get(seg(4))).toHaveLength(1);
      expect(union().size).toBe(32);
      writer.dispose();
    });

    it('should write a sealed segment deleted by someone else again', async () => {
      const contents = new MemoryContents();
      const { state, writer, save, onDisk, union } = segmented(contents);
      await save(12);
      await save(1);
      // Another page's compaction removed segment 0; its listing says so.
      await contents.delete(`${FOLDER}/manifest-${WRITER}.json`);
      state.shards = state.shards.filter(s => !s.name.includes(WRITER));
      expect(union().size).toBe(1);
      await save(1);
      expect(union().size).toBe(14);
      expect(onDisk().size).toBe(1);
      writer.dispose();
    });

    it('should write everything when runs it holds are gone', async () => {
      // Runs deleted by hand: their entries leave the shards.
      const contents = new MemoryContents();
      const { state, writer, save, union } = segmented(contents);
      await save(12);
      await save(1);
      const gone = [runId(0), runId(1)];
      gone.forEach(id => state.entries.delete(id));
      state.stale = gone;
      await save(1);
      expect(union().size).toBe(12);
      expect([...union()].some(id => gone.includes(id))).toBe(false);
      expect(state.stale).toEqual([]);
      writer.dispose();
    });

    it('should keep another writer’s shard that holds runs it lacks', async () => {
      const contents = new MemoryContents();
      const { state, writer, save, onDisk } = segmented(contents);
      const other = '01JDQ7WR1TER0000000000000A';
      const theirs: IManifestEntry = entry(runId(900));
      const path = `${FOLDER}/manifest-${other}.json`;
      const saved = await contents.save(path, {
        type: 'file',
        format: 'text',
        content: JSON.stringify({
          format: 'jupyterlab-runs/manifest',
          version: 1,
          writerId: other,
          updatedAt: '2026-11-28T10:00:00.000Z',
          entries: [theirs]
        })
      });
      state.shards = [listingEntryOf(saved)];
      await save(12);
      await save(10);
      await save(10);
      await save(1); // gathers this writer's segments only
      expect(onDisk().has(other)).toBe(true);
      writer.dispose();
    });

    it('should name segments after the writer, never as another writer', () => {
      // Writer ids minted one after another in one millisecond differ in
      // their last characters only (monotonic ULIDs).
      const one = '01JDQ6Z0000000000000000001';
      const two = '01JDQ6Z0000000000000000002';
      const ids = new Set<string>();
      for (let i = 0; i < 2000; i++) {
        const id = segmentWriterId(one, i);
        expect(isSegmentOf(one, id)).toBe(true);
        expect(isSegmentOf(two, id)).toBe(false);
        ids.add(id);
      }
      expect(segmentWriterId(one, 0)).toBe(one);
      expect(ids.size).toBe(2000);
      expect(ids.has(two)).toBe(false);
      expect(isSegmentOf(one, two)).toBe(false);
      expect(() => segmentWriterId('not-a-ulid', 1)).toThrow();
    });
  });
});
