import type { IClock } from '../outbox';

/** A clock the test moves by hand; timers fire when their time comes. */
export class FakeClock implements IClock {
  time = 0;
  timers: { id: number; at: number; callback: () => void }[] = [];

  now(): number {
    return this.time;
  }

  setTimeout(callback: () => void, ms: number): unknown {
    const id = ++this._id;
    this.timers.push({ id, at: this.time + ms, callback });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.timers = this.timers.filter(t => t.id !== handle);
  }

  /** When the next timer fires, or null. */
  get nextAt(): number | null {
    return this.timers.length ? Math.min(...this.timers.map(t => t.at)) : null;
  }

  /** Move time forward, firing due timers in order. */
  advance(ms: number): void {
    const until = this.time + ms;
    for (;;) {
      const due = this.timers
        .filter(t => t.at <= until)
        .sort((a, b) => a.at - b.at)[0];
      if (!due) {
        break;
      }
      this.timers = this.timers.filter(t => t !== due);
      this.time = due.at;
      due.callback();
    }
    this.time = until;
  }

  private _id = 0;
}
