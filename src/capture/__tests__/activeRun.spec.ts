/**
 * When a run in flight is reported live (`ActiveRun.takeLiveSummary`): a
 * short cell never is, a long one after `LIVE_DELAY_MS`, then a few times
 * a second, and once more when its log ends.
 */
import { ActiveRun, LIVE_DELAY_MS, LIVE_INTERVAL_MS } from '../activeRun';

describe('ActiveRun: live summaries', () => {
  let run: ActiveRun;

  beforeEach(() => {
    run = new ActiveRun('01JDQ6Z0000000000000000001', 'c1', 'x = 1', 'sweep');
  });

  it('should send none before the run is due, not even its final one', () => {
    // A cell that logs and ends within LIVE_DELAY_MS.
    expect(run.takeLiveSummary(0, false)).toBe(false);
    expect(run.takeLiveSummary(10, false)).toBe(false);
    expect(run.takeLiveSummary(20, true)).toBe(false);
    run.endLiveSummaries();
    expect(run.takeLiveSummary(LIVE_DELAY_MS + 1000, true)).toBe(false);
  });

  it('should send the first when due, then at most one per interval, and the final one', () => {
    jest.useFakeTimers();
    try {
      const due = jest.fn();
      run.scheduleLiveSummaries(due);
      expect(run.takeLiveSummary(LIVE_DELAY_MS - 1, false)).toBe(false);
      jest.advanceTimersByTime(LIVE_DELAY_MS);
      expect(due).toHaveBeenCalledTimes(1);
    } finally {
      jest.useRealTimers();
    }
    const t = LIVE_DELAY_MS;
    expect(run.takeLiveSummary(t, false)).toBe(true);
    expect(run.takeLiveSummary(t + 10, false)).toBe(false);
    expect(run.takeLiveSummary(t + LIVE_INTERVAL_MS - 1, false)).toBe(false);
    expect(run.takeLiveSummary(t + LIVE_INTERVAL_MS, false)).toBe(true);
    // The log ended: sent at once, whatever the interval.
    expect(run.takeLiveSummary(t + LIVE_INTERVAL_MS + 5, true)).toBe(true);
  });

  it('should send nothing once the run ended, and cancel a first one not yet due', () => {
    jest.useFakeTimers();
    try {
      const due = jest.fn();
      run.scheduleLiveSummaries(due);
      run.endLiveSummaries();
      jest.advanceTimersByTime(2 * LIVE_DELAY_MS);
      expect(due).not.toHaveBeenCalled();
      expect(run.takeLiveSummary(3 * LIVE_DELAY_MS, true)).toBe(false);
    } finally {
      jest.useRealTimers();
    }
  });
});
