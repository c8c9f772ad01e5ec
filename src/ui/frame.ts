/**
 * One animation frame for a view's DOM work: `request` and `cancel` behave
 * as `requestAnimationFrame` and `cancelAnimationFrame`, except that all
 * the callbacks of one scheduler share one browser callback, and work
 * requested while they run (the sidebar's render changing its table's
 * rows) runs in the same frame instead of the next. Each frame with DOM
 * changes costs the page a style, layout and paint; the sidebar (panel,
 * then its table, each with its own frame) took two frames for each
 * update, several updates for each recorded run.
 *
 * One scheduler per view (the sidebar hands its own to its table), not
 * one per page: a view's frames are its own to cancel when it goes.
 */

/** Callbacks that may run in one frame (more wait for the next). */
const MAX_PER_FRAME = 100;

export class FrameScheduler {
  /** Run `callback` in the next animation frame; returns a handle (> 0). */
  request(callback: () => void): number {
    const id = this._nextId++;
    this._callbacks.set(id, callback);
    if (!this._scheduled && !this._flushing) {
      this._scheduled = requestAnimationFrame(() => this._flush());
    }
    return id;
  }

  /** Do not run a callback given to `request`. */
  cancel(id: number): void {
    this._callbacks.delete(id);
    if (this._callbacks.size === 0 && this._scheduled) {
      cancelAnimationFrame(this._scheduled);
      this._scheduled = 0;
    }
  }

  private _flush(): void {
    this._scheduled = 0;
    this._flushing = true;
    let ran = 0;
    try {
      // A Map visits entries added while it is iterated: work requested
      // by a callback runs in this frame.
      for (const [id, callback] of this._callbacks) {
        if (ran++ === MAX_PER_FRAME) {
          // A callback that keeps asking again: the rest next frame.
          this._scheduled = requestAnimationFrame(() => this._flush());
          return;
        }
        this._callbacks.delete(id);
        try {
          callback();
        } catch (error) {
          console.error(error);
        }
      }
    } finally {
      this._flushing = false;
    }
  }

  private _callbacks = new Map<number, () => void>();
  private _nextId = 1;
  private _scheduled = 0;
  private _flushing = false;
}
