import {
  OwnWrites,
  type IChangedFile,
  type IOwnWriteFolder
} from '../ownWrites';

const T0 = '2026-12-05T15:00:00.000000Z';
const T1 = '2026-12-05T15:00:01.000000Z';
const T1_LATER = '2026-12-05T15:00:01.004000Z';
const T5 = '2026-12-05T15:00:05.000000Z';

describe('OwnWrites', () => {
  let folder: IOwnWriteFolder;
  let times: string[];
  let stats: number;
  /** What the stat after a window names (undefined: cannot tell). */
  let changed: readonly IChangedFile[] | null | undefined;
  let sinces: (string | undefined)[];
  let adopted: string[];
  let own: OwnWrites;

  beforeEach(() => {
    folder = {
      stamp: T0,
      generation: 1,
      exists: true,
      reading: 0,
      entries: { size: 5000 }
    };
    times = [];
    stats = 0;
    changed = undefined;
    sinces = [];
    adopted = [];
    own = new OwnWrites({
      stat: async (_, since) => {
        stats++;
        sinces.push(since);
        const time = times.shift();
        return time
          ? { time, ...(changed === undefined ? {} : { changed }) }
          : null;
      },
      state: async () => folder,
      adopt: (_, stamp) => {
        adopted.push(stamp);
        folder.stamp = stamp;
      }
    });
  });

  afterEach(() => own.dispose());

  const save = (answer: string) =>
    own.write('f', async () => ({ last_modified: answer }));

  describe('#write', () => {
    it('should take the time its own writes moved the folder to', async () => {
      times = [T0, T1_LATER];
      await Promise.all([save(T1), save(T1)]);
      await own.whenIdle('f');
      expect(stats).toBe(2); // one window for both writes
      expect(adopted).toEqual([T1_LATER]);
    });

    it('should leave a folder that changed before the window to be listed', async () => {
      times = [T1, T5];
      await save(T5);
      await own.whenIdle('f');
      expect(adopted).toEqual([]);
    });

    it('should leave a folder that changed after its last write to be listed', async () => {
      times = [T0, T5];
      await save(T1);
      await own.whenIdle('f');
      expect(adopted).toEqual([]);
    });

    it('should take nothing as its own when a write outside the view overlaps the window', async () => {
      // An annotation saved while the shard's write is on its way, still
      // on its way when the window closes.
      times = [T0, T1_LATER];
      let land!: () => void;
      const slow = own.write(
        'f',
        () =>
          new Promise<{ last_modified: string }>(resolve => {
            land = () => resolve({ last_modified: T1 });
          })
      );
      await new Promise(r => setTimeout(r, 0));
      let finish!: () => void;
      const annotation = own.outside(
        'f',
        () => new Promise<void>(resolve => (finish = resolve))
      );
      land();
      await slow;
      await own.whenIdle('f');
      expect(adopted).toEqual([]);
      finish();
      await annotation;

      // A window opened and closed while an outside write is in flight.
      times = [T1, T5];
      folder.stamp = T1;
      let done!: () => void;
      const outside = own.outside(
        'f',
        () => new Promise<void>(resolve => (done = resolve))
      );
      await save(T5);
      await own.whenIdle('f');
      expect(adopted).toEqual([]);
      done();
      await outside;

      // Afterwards, own writes are told apart again.
      times = [T1, T1_LATER];
      await save(T1);
      await own.whenIdle('f');
      expect(adopted).toEqual([T1_LATER]);
    });

    it("should leave it to the listing when another writer's file changed in the window", async () => {
      // The server names the files changed since the read before, with
      // their times: here another tab's run file, landed while this page's
      // write was on its way (the folder's time alone cannot tell).
      const T_MINE = '2026-12-05T15:00:01.001000Z';
      const saveAt = (path: string, time = T_MINE) =>
        own.write('f', async () => ({ last_modified: time, path }));
      const file = (name: string, time = T_MINE) => ({
        name,
        last_modified: time
      });
      times = [T0, T1_LATER];
      changed = [file('mine.json'), file('theirs.json')];
      await saveAt('f/mine.json');
      await own.whenIdle('f');
      expect(sinces).toEqual([undefined, T0]);
      expect(adopted).toEqual([]);

      // Only files it wrote, as it wrote them: taken as its own. That
      // includes the last file of an earlier window, whose own time
      // follows the folder's by a moment.
      times = [T0, T1_LATER];
      changed = [file('mine.json'), file('mine.series.json')];
      await Promise.all([
        saveAt('f/mine.series.json'),
        saveAt('f/r.artifacts/plot.png')
      ]);
      await own.whenIdle('f');
      expect(adopted).toEqual([T1_LATER]);

      // A file it wrote, rewritten since by another writer; another
      // writer's run moved to the trash (the server names the trash
      // folder); the server could not tell; a write that named no path.
      for (const [files, path] of [
        [[file('mine.json', T1_LATER)], 'f/mine.json'],
        [[file('mine.json'), file('trash/', T1_LATER)], 'f/mine.json'],
        [null, 'f/mine.json'],
        [[file('other.json')], undefined]
      ] as const) {
        folder.stamp = T0;
        adopted = [];
        times = [T0, T1_LATER];
        changed = files;
        await own.write('f', async () => ({ last_modified: T_MINE, path }));
        await own.whenIdle('f');
        expect(adopted).toEqual([]);
      }
    });

    it('should leave it to the listing when a write failed', async () => {
      times = [T0, T1];
      await expect(
        own.write('f', () => Promise.reject(new Error('500')))
      ).rejects.toThrow('500');
      await own.whenIdle('f');
      expect(adopted).toEqual([]);
    });

    it('should not read the time of a small folder', async () => {
      folder.entries.size = 10;
      await save(T1);
      await own.whenIdle('f');
      expect(stats).toBe(0);
      expect(adopted).toEqual([]);
    });
  });

  describe('#whenIdle', () => {
    it('should wait for a window to close and its time to be taken', async () => {
      times = [T0, T1];
      let finish: (v: { last_modified: string }) => void = () => undefined;
      const writing = own.write(
        'f',
        () => new Promise<{ last_modified: string }>(r => (finish = r))
      );
      await new Promise(r => setTimeout(r, 0));
      expect(own.busy('f')).toBe(true);
      const idle = own.whenIdle('f').then(() => folder.stamp);
      finish({ last_modified: T1 });
      await writing;
      expect(await idle).toBe(T1);
      expect(own.busy('f')).toBe(false);
    });
  });
});
