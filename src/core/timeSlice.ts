/**
 * Cooperative time slicing for long loops on the page's main thread.
 *
 * Reading thousands of run files is thousands of small tasks, but over a
 * fast connection (or the in-memory contents of a test) their answers come
 * back as promise callbacks that chain into one long task: the page freezes
 * until the last file is parsed. A loop that calls `maybeYield()` between
 * items gives the event loop back once `budgetMs` of work ran, so input,
 * rendering and other timers get a turn: no task runs much longer than the
 * budget plus one item.
 */

/** Default work per slice: well under the 50 ms of a "long task". */
export const DEFAULT_SLICE_MS = 8;

/** Whatever `scheduler.yield()` is, where the browser has it. */
interface ISchedulerLike {
  yield?: () => Promise<void>;
}

/**
 * Give the event loop a turn: `scheduler.yield()` where available (Chromium
 * 129+: the continuation keeps its priority), a zero-delay timer otherwise.
 */
export function yieldToEventLoop(): Promise<void> {
  const scheduler = (globalThis as { scheduler?: ISchedulerLike }).scheduler;
  if (typeof scheduler?.yield === 'function') {
    return scheduler.yield();
  }
  return new Promise(resolve => setTimeout(resolve, 0));
}

export class TimeSlicer {
  constructor(
    budgetMs: number = DEFAULT_SLICE_MS,
    now: () => number = () => performance.now()
  ) {
    this._budget = budgetMs;
    this._now = now;
    this._start = now();
  }

  /** How many times the loop gave the event loop a turn. */
  get yields(): number {
    return this._yields;
  }

  /** Yield when this slice has used its budget; resolves at once otherwise. */
  async maybeYield(): Promise<void> {
    if (this._now() - this._start < this._budget) {
      return;
    }
    this._yields++;
    await yieldToEventLoop();
    this._start = this._now();
  }

  private _budget: number;
  private _now: () => number;
  private _start: number;
  private _yields = 0;
}
