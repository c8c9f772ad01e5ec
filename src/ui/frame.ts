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
 *
 * `requestShared` is for work that may wait a little: it runs with the
 * next frame the page draws anyway, told by a change to the document
 * elsewhere (a cell's prompt or output, a toolbar, the status bar), or, at
 * the latest `latestMs` later, in a task of its own, outside any animation
 * frame: the browser then draws a frame only if the work changed
 * something. A frame of its own cost the page about 6 ms whatever it
 * held: the new run's row, drawn alone, was most of what a tagged
 * execution cost the page with the sidebar open
 * (`benchmarks/execution-cost.sh`, traced: style, layout, paint, and the
 * whole page's layerizing and commit again); and work that changes
 * nothing then costs no frame.
 */

/** Callbacks that may run in one frame (more wait for the next). */
const MAX_PER_FRAME = 100;

/** What a shared frame waits for: any change to the document. */
const OBSERVED: MutationObserverInit = {
  subtree: true,
  childList: true,
  attributes: true,
  characterData: true
};

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

  /**
   * Run `callback` with the DOM work of the next frame the page draws
   * anyway, or `latestMs` from now in a task of its own; returns a handle
   * for `cancel`.
   *
   * A change to the document (seen by a `MutationObserver`, connected only
   * while such work waits) means a frame is coming: the work then runs at
   * once, in the observer's callback, so its DOM changes are drawn in that
   * frame. Not in an animation frame requested then: JupyterLab's widgets
   * change the DOM in animation frame callbacks themselves (Lumino's update
   * requests), and a frame requested from one runs a frame later. The work
   * reads no layout, so running outside an animation frame forces none.
   */
  requestShared(callback: () => void, latestMs: number): number {
    const id = this._nextId++;
    this._shared.set(id, callback);
    if (typeof MutationObserver !== 'undefined' && this._shared.size === 1) {
      this._observer ??= new MutationObserver(() => this._flushShared());
      this._observer.observe(document.documentElement, OBSERVED);
    }
    this._timers.set(
      id,
      window.setTimeout(() => this._flushShared(), Math.max(0, latestMs))
    );
    return id;
  }

  /** Do not run a callback given to `request` or `requestShared`. */
  cancel(id: number): void {
    if (this._shared.delete(id)) {
      this._dropShared(id);
      return;
    }
    this._callbacks.delete(id);
    if (this._callbacks.size === 0 && this._scheduled) {
      cancelAnimationFrame(this._scheduled);
      this._scheduled = 0;
    }
  }

  private _dropShared(id: number): void {
    window.clearTimeout(this._timers.get(id));
    this._timers.delete(id);
    if (this._shared.size === 0) {
      this._observer?.disconnect();
    }
  }

  /**
   * The document changed (a frame is coming), or shared work waited its
   * longest: run the shared work now, with whatever waits for the next
   * animation frame (this frame is as good), and what they request
   * meanwhile.
   */
  private _flushShared(): void {
    if (this._flushing) {
      return;
    }
    for (const [id, callback] of this._shared) {
      this._callbacks.set(id, callback);
      window.clearTimeout(this._timers.get(id));
    }
    this._shared.clear();
    this._timers.clear();
    this._observer?.disconnect();
    if (this._scheduled) {
      cancelAnimationFrame(this._scheduled);
    }
    this._flush();
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
  /** `requestShared` work waiting for a frame, and its deadlines. */
  private _shared = new Map<number, () => void>();
  private _timers = new Map<number, number>();
  private _observer: MutationObserver | null = null;
  private _nextId = 1;
  private _scheduled = 0;
  private _flushing = false;
}
