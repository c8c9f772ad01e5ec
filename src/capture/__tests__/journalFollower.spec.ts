import { FOLLOW_UP_MS, type IReconcileResult } from '../journal';
import { FOLLOW_MAX_MS, JournalFollower } from '../journalFollower';

function result(part: Partial<IReconcileResult> = {}): IReconcileResult {
  return {
    recorded: [],
    cleaned: 0,
    waiting: 0,
    running: 0,
    refused: [],
    ...part
  };
}

describe('JournalFollower', () => {
  let busy: (boolean | null)[];
  let asked: string[];
  let passes: IReconcileResult[];
  let reconciled: string[];
  let done: string[];
  let follower: JournalFollower;

  beforeEach(() => {
    jest.useFakeTimers();
    busy = [];
    asked = [];
    passes = [];
    reconciled = [];
    done = [];
    follower = new JournalFollower({
      done: path => done.push(path),
      kernelBusy: async id => {
        asked.push(id);
        return busy.length > 0 ? busy.shift()! : false;
      },
      reconcile: async path => {
        reconciled.push(path);
        return passes.length > 0 ? passes.shift()! : result();
      }
    });
  });

  afterEach(() => {
    follower.dispose();
    jest.useRealTimers();
  });

  it('should read the journal only once the kernel is no longer busy, asking less often as it goes on', async () => {
    busy = [true, true, true, false];
    follower.follow('a.ipynb', 'k-1');
    await jest.advanceTimersByTimeAsync(FOLLOW_UP_MS);
    expect(asked).toEqual(['k-1']);
    expect(reconciled).toEqual([]);
    // 2 s, then 3 s, then 4.5 s: not 2 s each.
    await jest.advanceTimersByTimeAsync(FOLLOW_UP_MS);
    expect(asked).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(FOLLOW_UP_MS * 0.5);
    expect(asked).toHaveLength(2);
    await jest.advanceTimersByTimeAsync(FOLLOW_UP_MS * 2.25);
    expect(asked).toHaveLength(3);
    expect(reconciled).toEqual([]);
    await jest.advanceTimersByTimeAsync(FOLLOW_UP_MS * 3.375);
    expect(asked).toHaveLength(4);
    expect(reconciled).toEqual(['a.ipynb']);
    expect(follower.following).toEqual([]);
  });

  it('should never wait longer than FOLLOW_MAX_MS between two questions', async () => {
    busy = Array(20).fill(true);
    follower.follow('a.ipynb', 'k-1');
    await jest.advanceTimersByTimeAsync(120_000);
    // 2, 3, 4.5, 6.75 s, then every 10 s.
    expect(asked.length).toBeGreaterThanOrEqual(
      4 + Math.floor((120_000 - 16_250) / FOLLOW_MAX_MS)
    );
    expect(reconciled).toEqual([]);
  });

  it('should keep going while the journal still has executions running or just recorded some', async () => {
    passes = [
      result({ running: 1, waiting: 1 }),
      result({ recorded: ['r1'] }),
      result({ recorded: [] })
    ];
    follower.follow('a.ipynb', 'k-1');
    await jest.advanceTimersByTimeAsync(FOLLOW_UP_MS);
    expect(reconciled).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(FOLLOW_UP_MS);
    expect(reconciled).toHaveLength(2);
    expect(follower.following).toEqual(['a.ipynb']);
    expect(done).toEqual([]);
    await jest.advanceTimersByTimeAsync(FOLLOW_UP_MS);
    expect(reconciled).toHaveLength(3);
    expect(follower.following).toEqual([]);
    expect(done).toEqual(['a.ipynb']);
    await jest.advanceTimersByTimeAsync(FOLLOW_MAX_MS * 3);
    expect(reconciled).toHaveLength(3);
  });

  it('should read the journal at once when the kernel is gone or not known', async () => {
    busy = [null];
    follower.follow('a.ipynb', 'k-gone');
    follower.follow('b.ipynb', null);
    await jest.advanceTimersByTimeAsync(FOLLOW_UP_MS);
    expect(asked).toEqual(['k-gone']);
    expect(reconciled.sort()).toEqual(['a.ipynb', 'b.ipynb']);
  });

  it('should follow a notebook once however often it is handed over', async () => {
    follower.follow('a.ipynb', 'k-1');
    follower.follow('a.ipynb', 'k-1');
    await jest.advanceTimersByTimeAsync(FOLLOW_UP_MS);
    expect(reconciled).toEqual(['a.ipynb']);
  });

  it('should try again later when a pass fails', async () => {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => {});
    let fail = true;
    follower = new JournalFollower({
      kernelBusy: async () => false,
      reconcile: async path => {
        reconciled.push(path);
        if (fail) {
          fail = false;
          throw new Error('server down');
        }
        return result();
      }
    });
    follower.follow('a.ipynb', 'k-1');
    await jest.advanceTimersByTimeAsync(FOLLOW_UP_MS);
    expect(reconciled).toHaveLength(1);
    expect(warn).toHaveBeenCalled();
    await jest.advanceTimersByTimeAsync(FOLLOW_MAX_MS);
    expect(reconciled).toHaveLength(2);
    expect(follower.following).toEqual([]);
    warn.mockRestore();
  });

  it('should stop following when disposed', async () => {
    busy = [true];
    follower.follow('a.ipynb', 'k-1');
    follower.dispose();
    await jest.advanceTimersByTimeAsync(FOLLOW_MAX_MS * 2);
    expect(asked).toEqual([]);
    follower.follow('b.ipynb', 'k-1');
    expect(follower.following).toEqual([]);
  });
});
