/**
 * What the renderer's main thread did between two user timing marks, from a
 * Chromium performance trace (`browser.startTracing`): time in scripts,
 * style, layout (and which script forced a layout), paint and GC. Says what
 * a "rows painted" time is made of, which a sampling profile cannot (style
 * and layout forced by a script show there as that script's own time).
 */

/** Categories that record the timeline and the stacks of forced layouts. */
export const TRACE_CATEGORIES = [
  'devtools.timeline',
  'disabled-by-default-devtools.timeline',
  'disabled-by-default-devtools.timeline.stack',
  'blink.user_timing',
  'v8.execute'
];

interface ITraceEvent {
  name: string;
  ph: string;
  ts: number;
  dur?: number;
  /** The thread's CPU time in the event (the task's, for a `RunTask`). */
  tdur?: number;
  pid: number;
  tid: number;
  args?: {
    name?: string;
    /** FunctionCall, TimerFire, EventDispatch...: what ran. */
    data?: { functionName?: string; url?: string; type?: string };
    /** UpdateLayoutTree: elements styled. */
    elementCount?: number;
    beginData?: {
      stackTrace?: { functionName: string; url: string }[];
      /** Layout: objects to lay out, of how many. */
      dirtyObjects?: number;
      totalObjects?: number;
    };
  };
}

const GROUPS: Record<string, string> = {
  FunctionCall: 'script',
  EvaluateScript: 'script',
  TimerFire: 'script',
  FireAnimationFrame: 'script',
  EventDispatch: 'script',
  'v8.run': 'script',
  UpdateLayoutTree: 'style',
  Layout: 'layout',
  PrePaint: 'paint',
  Paint: 'paint',
  Layerize: 'paint',
  Commit: 'paint',
  MajorGC: 'gc',
  MinorGC: 'gc'
};

/** Milliseconds per kind of work between marks `from` and `to`, summed. */
export class TraceSummary {
  /** Add one trace (the JSON `browser.stopTracing()` returns). */
  add(buffer: Buffer, from: string, to: string): void {
    const events = (
      JSON.parse(buffer.toString()) as { traceEvents: ITraceEvent[] }
    ).traceEvents;
    const start = events.find(e => e.name === from);
    const end = events.find(e => e.name === to);
    if (!start || !end) {
      return;
    }
    // The renderer main thread of the page: the one holding the marks.
    const main = (e: ITraceEvent) =>
      e.pid === start.pid &&
      e.tid === start.tid &&
      e.ts >= start.ts &&
      e.ts <= end.ts;
    const within = events
      .filter(e => e.ph === 'X' && e.dur !== undefined && main(e))
      .sort((a, b) => a.ts - b.ts);
    this.wallMs += (end.ts - start.ts) / 1000;
    const open: ITraceEvent[] = [];
    let task: ITraceEvent | null = null;
    let taskKind: string | null = null;
    for (const e of within) {
      while (
        open.length &&
        open[open.length - 1].ts + open[open.length - 1].dur! <= e.ts
      ) {
        open.pop();
      }
      const ms = e.dur! / 1000;
      if (e.name === 'UpdateLayoutTree') {
        this.elementsStyled += e.args?.elementCount ?? 0;
      } else if (e.name === 'Layout') {
        this.objectsLaidOut += e.args?.beginData?.dirtyObjects ?? 0;
      } else if (e.name === 'Paint') {
        this.paints++;
      } else if (e.name === 'FireAnimationFrame') {
        this.frames++;
      } else if (e.name === 'Layerize' || e.name === 'Commit') {
        // Compositing: the page's paint chunks made into layers, once per
        // frame painted, at a cost that grows with every paint property
        // node on the page (transforms, sticky and clipping boxes), not
        // with what changed.
        this.compositingMs += ms;
        this.composited += e.name === 'Commit' ? 1 : 0;
      }
      if (e.name === 'RunTask' && open.length === 0) {
        this.add1('busy (tasks)', ms);
        this.add1('busy (tasks), CPU time', (e.tdur ?? e.dur!) / 1000);
        task = e;
        taskKind = null;
      } else if (task && taskKind === null && open.length === 1) {
        // The task's first piece of work names it.
        const d = e.args?.data;
        taskKind = `${e.name}${d?.type ? ' ' + d.type : ''}${d?.functionName ? ' ' + d.functionName : ''}${d?.url ? ' (' + shortUrl(d.url) + ')' : ''}`;
        this._tasks.set(
          taskKind,
          (this._tasks.get(taskKind) ?? 0) + task.dur! / 1000
        );
      }
      const group = GROUPS[e.name];
      // Count each kind once: a layout inside a layout is not counted twice.
      if (group && !open.some(o => GROUPS[o.name] === group)) {
        const inScript =
          group !== 'script' && open.some(o => GROUPS[o.name] === 'script');
        this.add1(inScript ? `${group}, forced by a script` : group, ms);
        if (inScript && (group === 'layout' || group === 'style')) {
          const frame = e.args?.beginData?.stackTrace?.[0];
          const key = `${group} forced by ${frame?.functionName || '?'} (${shortUrl(frame?.url ?? '')})`;
          this._forced.set(key, (this._forced.get(key) ?? 0) + ms);
        }
      }
      open.push(e);
    }
    this.traces++;
  }

  /** Printable lines, per trace. */
  lines(): string[] {
    const per = (ms: number) =>
      (ms / Math.max(1, this.traces)).toFixed(1).padStart(7);
    const count = (n: number) =>
      Math.round(n / Math.max(1, this.traces)).toLocaleString('en-US');
    return [
      `${per(this.wallMs)} ms  wall, mark to mark`,
      `${(this.threadTimes.reduce((a, b) => a + b, 0) / Math.max(1, this.threadTimes.length)).toFixed(1).padStart(7)} ms  ThreadTime (Performance.getMetrics) over the traced window, from before the start mark to after the end mark`,
      `${count(this.elementsStyled).padStart(7)}     elements styled, ${count(this.objectsLaidOut)} layout objects laid out, ${count(this.paints)} paints, ${count(this.frames)} animation frame callbacks`,
      ...[...this._ms].map(([k, ms]) => `${per(ms)} ms  ${k}`),
      `${(this.compositingMs / Math.max(1, this.composited)).toFixed(2).padStart(7)} ms  compositing per frame (Layerize and Commit, ${count(this.composited)} frames)`,
      ...[...this._forced]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 6)
        .map(([k, ms]) => `${per(ms)} ms    ${k}`),
      'tasks by their first work:',
      ...[...this._tasks]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 12)
        .map(([k, ms]) => `${per(ms)} ms    ${k}`)
    ];
  }

  traces = 0;
  wallMs = 0;
  /** `ThreadTime` (CDP `Performance.getMetrics`) over each traced window. */
  threadTimes: number[] = [];
  elementsStyled = 0;
  objectsLaidOut = 0;
  paints = 0;
  frames = 0;
  /** Layerize and Commit time, and frames committed. */
  compositingMs = 0;
  composited = 0;

  private add1(key: string, ms: number): void {
    this._ms.set(key, (this._ms.get(key) ?? 0) + ms);
  }

  private _ms = new Map<string, number>();
  private _forced = new Map<string, number>();
  private _tasks = new Map<string, number>();
}

function shortUrl(url: string): string {
  const m = url.match(/\/([^/?]+)(\?.*)?$/);
  return m ? m[1] : url;
}
