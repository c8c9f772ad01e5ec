import { readFileSync } from 'fs';
import { join } from 'path';
import {
  createRunIdFactory,
  isRunId,
  newRunId,
  pooledRandom,
  runIdForRequest,
  runIdTime
} from '../id';

describe('run ids', () => {
  describe('#newRunId', () => {
    it('should encode the creation time so ids sort by time', () => {
      const early = newRunId(Date.UTC(2026, 0, 1));
      const late = newRunId(Date.UTC(2026, 5, 1));
      expect(early < late).toBe(true);
      expect(runIdTime(early)).toBe(Date.UTC(2026, 0, 1));
      expect(isRunId(early)).toBe(true);
    });

    it('should keep creation order for ids minted in the same millisecond', () => {
      const factory = createRunIdFactory();
      const now = Date.now();
      const ids = Array.from({ length: 10_000 }, () => factory(now));
      expect([...ids].sort()).toEqual(ids);
      expect(new Set(ids).size).toBe(ids.length);
    });
  });

  describe('#pooledRandom', () => {
    it('hands out every byte of each fill once, as a fraction of 256', () => {
      let fills = 0;
      const random = pooledRandom(bytes => {
        fills++;
        bytes.forEach((_, i) => (bytes[i] = (i + fills) % 256));
      });
      const drawn = Array.from({ length: 600 }, () => random());
      expect(fills).toBe(3);
      expect(drawn.slice(0, 3)).toEqual([1 / 256, 2 / 256, 3 / 256]);
      // The second fill starts over at its own first byte.
      expect(drawn[256]).toBe(2 / 256);
      expect(drawn.every(x => x >= 0 && x < 1)).toBe(true);
    });

    it('draws from the CSPRNG: ids of two factories share no random part', () => {
      const a = createRunIdFactory();
      const b = createRunIdFactory();
      const now = Date.now();
      expect(a(now).slice(10)).not.toBe(b(now).slice(10));
    });
  });

  describe('uniqueness under concurrency', () => {
    it('should not collide between tabs minting in the same milliseconds', async () => {
      // Each factory stands for one browser tab; all share one clock.
      const tabs = Array.from({ length: 8 }, () => createRunIdFactory());
      const now = Date.now();
      const perTab = await Promise.all(
        tabs.map(async (tab, t) => {
          const ids: string[] = [];
          for (let i = 0; i < 5_000; i++) {
            if (i % 500 === 0) {
              await Promise.resolve(); // interleave the tabs
            }
            ids.push(tab(now + (i % 3)));
          }
          return ids;
        })
      );
      const all = perTab.flat();
      expect(new Set(all).size).toBe(all.length);
      // Across tabs, ids still sort by their millisecond.
      const sorted = [...all].sort();
      const times = sorted.map(runIdTime);
      expect(times).toEqual([...times].sort((a, b) => a - b));
    });
  });

  describe('#isRunId', () => {
    it.each([
      ['01JDQ6Z0000000000000000000', true],
      ['01jdq6z0000000000000000000', false],
      ['01JDQ6Z000000000000000000', false],
      ['../../etc/passwd', false],
      ['01JDQ6Z00000000000000000/0', false],
      ['01JDQ6Z0000000000000000I00', false],
      [42, false],
      [null, false]
    ])('%p -> %p', (value, expected) => {
      expect(isRunId(value)).toBe(expected);
    });
  });
});

describe('runIdForRequest', () => {
  // Shared with pytest (tests/python/test_journal.py): the kernel's journal
  // derives the same id for the same execute request.
  const vectors = JSON.parse(
    readFileSync(join(__dirname, 'fixtures', 'run-id-vectors.json'), 'utf-8')
  ) as { msgId: string; dateMs: number; runId: string }[];

  it.each(vectors)(
    'should derive $runId from request $msgId at $dateMs',
    ({ msgId, dateMs, runId }) => {
      expect(runIdForRequest(msgId, dateMs)).toBe(runId);
      expect(isRunId(runId)).toBe(true);
    }
  );

  it('should encode the request date as the id time', () => {
    const id = runIdForRequest('m', 1_796_462_321_123);
    expect(runIdTime(id)).toBe(1_796_462_321_123);
  });
});
