import { makeRun } from '../../core/__tests__/fixtures';
import { serializeRunFile, serializeSeriesFile } from '../../core/history';
import { runId, runSeries } from '../../core/history/__tests__/fixtures';
import {
  backoffDelay,
  MemoryOutboxStorage,
  Outbox,
  type IOutboxEntry,
  type IOutboxStatus
} from '../outbox';
import { FakeClock } from './fakeClock';
import { httpError } from './memoryContents';

const BACKOFF = { initialMs: 1000, factor: 2, maxMs: 8000, jitter: 0 };
const offline = () => new TypeError('Failed to fetch');

function queue(outbox: Outbox, i: number) {
  const run = makeRun({ id: runId(i), notebookPath: 'nb.ipynb' });
  return outbox.enqueue({
    notebookPath: 'nb.ipynb',
    folder: 'nb.runs',
    run,
    file: null
  });
}

describe('Outbox', () => {
  let clock: FakeClock;
  let storage: MemoryOutboxStorage;
  let written: string[];
  let fail: ((entry: IOutboxEntry) => Error | null) | null;
  let outbox: Outbox;

  const make = () =>
    new Outbox({
      storage,
      clock,
      backoff: BACKOFF,
      write: async entry => {
        const error = fail?.(entry);
        if (error) {
          throw error;
        }
        written.push(entry.key);
      }
    });

  beforeEach(() => {
    clock = new FakeClock();
    storage = new MemoryOutboxStorage();
    written = [];
    fail = null;
    outbox = make();
  });

  afterEach(() => outbox.dispose());

  describe('backoffDelay', () => {
    it.each([
      [1, 1000],
      [2, 2000],
      [3, 4000],
      [4, 8000],
      [9, 8000]
    ])('should wait after %i failures %i ms', (attempts, ms) => {
      expect(backoffDelay(attempts, BACKOFF)).toBe(ms);
    });

    it('should spread retries by the jitter', () => {
      const b = { ...BACKOFF, jitter: 0.2 };
      expect(backoffDelay(1, b, () => 0)).toBe(800);
      expect(backoffDelay(1, b, () => 1)).toBe(1200);
    });
  });

  describe('#enqueue', () => {
    it('should commit to storage before writing and remove once written', async () => {
      fail = () => offline();
      await queue(outbox, 1);
      expect([...storage.entries.keys()]).toEqual([`run:${runId(1)}`]);
      await outbox.flush();
      expect(written).toEqual([]);
      fail = null;
      await outbox.flushNow();
      expect(written).toEqual([`run:${runId(1)}`]);
      expect(storage.entries.size).toBe(0);
      expect(outbox.status.count).toBe(0);
    });

    it('should not delete what its writer says it removed itself', async () => {
      // The writer worker deletes an entry with its batch: the outbox then
      // sends no delete of its own (one message each way less per run).
      const deleted: string[] = [];
      const remove = storage.delete.bind(storage);
      storage.delete = key => {
        deleted.push(key);
        return remove(key);
      };
      const removing = new Outbox({
        storage,
        clock,
        backoff: BACKOFF,
        write: async entry => {
          written.push(entry.key);
          storage.entries.delete(entry.key);
          return { removed: entry.key.endsWith(runId(1)) };
        }
      });
      try {
        await queue(removing, 1);
        await queue(removing, 2);
        await removing.flush();
        expect(written).toEqual([`run:${runId(1)}`, `run:${runId(2)}`]);
        expect(deleted).toEqual([`run:${runId(2)}`]);
        expect(removing.status.count).toBe(0);
      } finally {
        removing.dispose();
      }
    });

    it('should write in the order things were queued', async () => {
      fail = () => offline();
      await outbox.enqueue({
        notebookPath: 'nb.ipynb',
        folder: 'nb.runs',
        run: null,
        file: { path: `${runId(2)}.series.json`, content: '{}', format: 'text' }
      });
      await queue(outbox, 2);
      await queue(outbox, 1);
      fail = null;
      await outbox.flushNow();
      expect(written).toEqual([
        `file:nb.runs/${runId(2)}.series.json`,
        `run:${runId(2)}`,
        `run:${runId(1)}`
      ]);
    });
  });

  describe('retry with backoff', () => {
    it('should retry an unreachable server after 1, 2, 4, 8, 8 s', async () => {
      fail = () => offline();
      await queue(outbox, 1);
      await outbox.flush();
      const attemptsAt: number[] = [];
      fail = () => {
        attemptsAt.push(clock.now());
        return offline();
      };
      for (let i = 0; i < 5; i++) {
        clock.advance(clock.nextAt! - clock.now());
        await outbox.flush();
      }
      expect(attemptsAt).toEqual([1000, 3000, 7000, 15000, 23000]);
      fail = null;
      clock.advance(8000);
      await outbox.flush();
      expect(written).toEqual([`run:${runId(1)}`]);
      expect(clock.timers).toEqual([]);
    });

    it('should say each status once: a run queued, then written', async () => {
      const counts: number[] = [];
      outbox.statusChanged.connect((_, s) => counts.push(s.count));
      await queue(outbox, 1);
      await outbox.flush();
      expect(written).toEqual([`run:${runId(1)}`]);
      // Not a third time, the same, as the flush ends.
      expect(counts).toEqual([1, 0]);
    });

    it('should report how many runs wait and why', async () => {
      const statuses: IOutboxStatus[] = [];
      outbox.statusChanged.connect((_, s) => statuses.push(s));
      fail = () => httpError(507, 'Insufficient Storage');
      await queue(outbox, 1);
      await queue(outbox, 2);
      await outbox.flush();
      expect(outbox.status).toMatchObject({
        count: 2,
        files: 0,
        byFolder: { 'nb.runs': 2 },
        failure: { kind: 'disk-full', status: 507 }
      });
      fail = null;
      await outbox.flushNow();
      expect(statuses[statuses.length - 1]).toMatchObject({
        count: 0,
        failure: null
      });
    });

    it.each([
      ['HTTP 413', httpError(413), 'too-large'],
      ['HTTP 507', httpError(507), 'disk-full'],
      ['HTTP 502', httpError(502), 'server-error'],
      ['HTTP 403', httpError(403), 'forbidden'],
      ['HTTP 400', httpError(400), 'refused'],
      ['a network error', offline(), 'offline'],
      [
        'an error thrown before any request',
        new Error('Unsafe name "a\\b": contains a path separator'),
        'failed'
      ]
    ])('should explain %s as %s', async (_label, error, kind) => {
      fail = () => error;
      await queue(outbox, 1);
      await outbox.flush();
      expect(outbox.status.failure?.kind).toBe(kind);
    });

    it('should let other runs through when one is refused for itself', async () => {
      fail = entry => (entry.key === `run:${runId(1)}` ? httpError(413) : null);
      await queue(outbox, 1);
      await queue(outbox, 2);
      await outbox.flush();
      expect(written).toEqual([`run:${runId(2)}`]);
      expect(outbox.status.count).toBe(1);
    });

    it('should hold the runs of a folder back while the server is down', async () => {
      fail = () => httpError(503);
      await queue(outbox, 1);
      await queue(outbox, 2);
      let calls = 0;
      fail = () => {
        calls++;
        return httpError(503);
      };
      await outbox.flush();
      expect(calls).toBe(1);
    });

    it('should send everything held back as soon as one write gets through', async () => {
      fail = () => offline();
      await queue(outbox, 1);
      await queue(outbox, 2);
      await outbox.flush();
      clock.advance(1000);
      await outbox.flush(); // both wait 2 s now
      fail = null;
      await queue(outbox, 3); // due at once, and it gets through
      await outbox.flush();
      expect([...written].sort()).toEqual(
        [1, 2, 3].map(i => `run:${runId(i)}`).sort()
      );
      expect(outbox.status.count).toBe(0);
    });

    it('should resume without being asked once the server is back', async () => {
      fail = () => offline();
      for (let i = 1; i <= 20; i++) {
        await queue(outbox, i);
      }
      await outbox.flush();
      expect(outbox.status.count).toBe(20);
      fail = null;
      clock.advance(20_000);
      await outbox.flush();
      expect(written).toHaveLength(20);
      expect(storage.entries.size).toBe(0);
    });
  });

  describe('one folder never holds another back', () => {
    const queueIn = (i: number, folder: string) =>
      outbox.enqueue({
        notebookPath: folder.replace(/\.runs$/, '.ipynb'),
        folder,
        run: makeRun({ id: runId(i) }),
        file: null
      });

    it.each([
      ['HTTP 500', () => httpError(500, 'boom')],
      ['HTTP 503', () => httpError(503)],
      ['a network error', offline],
      ['an error of its own', () => new Error('Unsafe name')]
    ])(
      'should write other folders while one fails with %s',
      async (_label, error) => {
        // All four wait, then come due in the same round.
        fail = () => offline();
        await queueIn(1, 'bad.runs');
        await queueIn(2, 'bad.runs');
        await queueIn(3, 'good.runs');
        await queueIn(4, 'other.runs');
        await outbox.flush();
        fail = entry => (entry.folder === 'bad.runs' ? error() : null);
        await outbox.flushNow();
        expect(written).toEqual([`run:${runId(3)}`, `run:${runId(4)}`]);
        expect(outbox.status.byFolder).toEqual({ 'bad.runs': 2 });
      }
    );

    it('should still hold the rest of a folder behind its failing write', async () => {
      fail = () => offline();
      await queueIn(1, 'bad.runs');
      await queueIn(2, 'bad.runs');
      await queueIn(3, 'good.runs');
      await outbox.flush();
      const tried: string[] = [];
      fail = entry => {
        if (entry.folder === 'bad.runs') {
          tried.push(entry.key);
          return httpError(503);
        }
        return null;
      };
      await outbox.flushNow();
      // The second run of the folder never went before the first.
      expect(new Set(tried)).toEqual(new Set([`run:${runId(1)}`]));
      expect(written).toEqual([`run:${runId(3)}`]);
    });

    it('should name the real reason of a failure, not an unreachable server', async () => {
      fail = entry =>
        entry.folder === 'bad.runs'
          ? new Error('Unsafe name "x": contains a path separator')
          : null;
      await queueIn(1, 'bad.runs');
      await queueIn(2, 'good.runs');
      await outbox.flush();
      expect(outbox.status.failure).toEqual({
        kind: 'failed',
        status: null,
        message: 'Unsafe name "x": contains a path separator'
      });
    });

    it('should not retry a failing folder at every write of another one', async () => {
      let badCalls = 0;
      fail = entry => {
        if (entry.folder === 'bad.runs') {
          badCalls++;
          return httpError(500, 'boom');
        }
        return null;
      };
      await queueIn(1, 'bad.runs');
      await outbox.flush();
      for (let i = 2; i < 12; i++) {
        await queueIn(i, 'good.runs');
        await outbox.flush();
      }
      expect(written).toHaveLength(10);
      // Woken once by the first write that got through, then its own backoff.
      expect(badCalls).toBeLessThanOrEqual(2);
    });
  });

  describe('#start', () => {
    it('should write what an earlier page left waiting', async () => {
      fail = () => offline();
      await queue(outbox, 1);
      await queue(outbox, 2);
      await outbox.flush();
      outbox.dispose(); // the page is reloaded
      fail = null;
      outbox = make();
      await outbox.start();
      expect(written).toEqual([`run:${runId(1)}`, `run:${runId(2)}`]);
      expect(storage.entries.size).toBe(0);
    });

    it('should keep a run as its texts and read it back as it was', async () => {
      const run = makeRun({ id: runId(3), notebookPath: 'nb.ipynb' });
      const series = runSeries();
      const texts = {
        run: serializeRunFile(run),
        series: serializeSeriesFile(run.id, series)
      };
      fail = () => offline();
      await outbox.enqueue({
        notebookPath: 'nb.ipynb',
        folder: 'nb.runs',
        run,
        series,
        texts,
        file: null
      });
      // The database holds strings, not the run's objects.
      const kept = storage.entries.get(`run:${run.id}`)!;
      expect(kept.run).toBeNull();
      expect(kept.series).toBeNull();
      expect(kept.texts).toEqual(texts);
      // This page still has the run itself (pending rows, `get`).
      expect(outbox.entries()[0].run).toBe(run);
      outbox.dispose(); // the page is reloaded
      const seen: IOutboxEntry[] = [];
      fail = entry => {
        seen.push(entry);
        return null;
      };
      outbox = make();
      await outbox.start();
      expect(written).toEqual([`run:${run.id}`]);
      expect(seen[0].run).toEqual(run);
      expect(seen[0].series).toEqual(series);
      expect(seen[0].texts).toEqual(texts);
    });

    it('should keep what it cannot read back in the database, and say so', async () => {
      const warn = jest.spyOn(console, 'warn').mockImplementation(() => {});
      const run = makeRun({ id: runId(4), notebookPath: 'nb.ipynb' });
      const key = `run:${run.id}`;
      storage.entries.set(key, {
        key,
        seq: 1,
        notebookPath: 'nb.ipynb',
        folder: 'nb.runs',
        run: null,
        series: null,
        texts: { run: '{"not": "a run"', series: null },
        file: null,
        revision: 1,
        queuedAt: 0,
        attempts: 0,
        nextAttemptAt: 0,
        failure: null
      });
      await queue(outbox, 5);
      outbox.dispose();
      outbox = make();
      await outbox.start();
      expect(written).toEqual([`run:${runId(5)}`]);
      expect(storage.entries.has(key)).toBe(true);
      expect(warn).toHaveBeenCalledWith(
        'jupyterlab-runs: a run waiting in the browser could not be read',
        expect.stringContaining(key)
      );
      warn.mockRestore();
    });
  });

  describe('#enqueue of the same run again', () => {
    it('should keep the newer revision when the older write lands', async () => {
      let release: () => void = () => undefined;
      const gate = new Promise<void>(resolve => (release = resolve));
      let first = true;
      outbox.dispose();
      outbox = new Outbox({
        storage,
        clock,
        backoff: BACKOFF,
        write: async entry => {
          if (first) {
            first = false;
            await gate;
          }
          written.push(`${entry.key}@${entry.run?.status}`);
        }
      });
      const id = runId(1);
      await outbox.enqueue({
        notebookPath: 'nb.ipynb',
        folder: 'nb.runs',
        run: makeRun({
          id,
          status: 'running',
          endedAt: null,
          durationMs: null
        }),
        file: null
      });
      await outbox.enqueue({
        notebookPath: 'nb.ipynb',
        folder: 'nb.runs',
        run: makeRun({ id }),
        file: null
      });
      release();
      await outbox.flush();
      await outbox.flush();
      expect(written).toEqual([`run:${id}@running`, `run:${id}@ok`]);
      expect(storage.entries.size).toBe(0);
    });
  });

  describe('#moveFolder', () => {
    it('should send waiting runs of a renamed notebook to its new folder', async () => {
      fail = () => offline();
      await queue(outbox, 1);
      await outbox.flush();
      await outbox.moveFolder('nb.runs', 'renamed.runs', 'renamed.ipynb');
      expect(outbox.entries()[0]).toMatchObject({
        folder: 'renamed.runs',
        notebookPath: 'renamed.ipynb'
      });
      expect([...storage.entries.values()][0].folder).toBe('renamed.runs');
      expect(outbox.status.byFolder).toEqual({ 'renamed.runs': 1 });
    });
  });
});
