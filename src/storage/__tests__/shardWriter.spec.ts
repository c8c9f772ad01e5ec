import type { Contents } from '@jupyterlab/services';
import { ShardWriter, type IShardState } from '../shardWriter';
import { MemoryContents } from './memoryContents';

const WRITER = '01JDQ6Z0000000000000000000';
const FOLDER = 'work/train.runs';

/** A writer of an empty folder's shard, over `contents`. */
function writerOf(contents: MemoryContents): ShardWriter {
  contents.dirs.add('work');
  contents.dirs.add(FOLDER);
  const state: IShardState = {
    entries: new Map(),
    shards: [],
    read: [],
    stale: []
  };
  return new ShardWriter({
    contents: contents as unknown as Contents.IManager,
    writerId: WRITER,
    state: async () => state,
    persist: async () => undefined
  });
}

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
});
