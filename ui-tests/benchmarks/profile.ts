/**
 * Where the main thread's time went, from CDP CPU profiles
 * (`Profiler.start` / `Profiler.stop`): self time aggregated by function and
 * script, summed over several profiles. Used by the benchmarks to say what a
 * number is made of.
 */
import type { CDPSession } from '@playwright/test';

/** The part of a CDP `Profiler.Profile` read here. */
export interface ICpuProfile {
  nodes: {
    id: number;
    callFrame: {
      functionName: string;
      url: string;
      lineNumber: number;
      columnNumber: number;
    };
    children?: number[];
  }[];
  samples: number[];
  timeDeltas: number[];
}

/** Self time per function (ms), and in total, over many profiles. */
export class ProfileSummary {
  /** Add a profile: each sample lasts until the next one. */
  add(profile: ICpuProfile): void {
    const byId = new Map(profile.nodes.map(n => [n.id, n]));
    const parent = new Map<number, number>();
    for (const node of profile.nodes) {
      for (const child of node.children ?? []) {
        parent.set(child, node.id);
      }
    }
    for (let i = 0; i + 1 < profile.samples.length; i++) {
      const ms = profile.timeDeltas[i + 1] / 1000;
      const node = byId.get(profile.samples[i]);
      if (!node) {
        continue;
      }
      const frame = node.callFrame;
      if (frame.functionName === '(idle)') {
        this.idleMs += ms;
        continue;
      }
      this.busyMs += ms;
      const key = keyOf(frame);
      this._self.set(key, (this._self.get(key) ?? 0) + ms);
      // Inclusive: every function on the stack, once.
      const onStack = new Set<string>();
      for (
        let at: number | undefined = node.id;
        at !== undefined;
        at = parent.get(at)
      ) {
        const f = byId.get(at)?.callFrame;
        if (f && f.url) {
          onStack.add(keyOf(f));
        }
      }
      for (const k of onStack) {
        this._total.set(k, (this._total.get(k) ?? 0) + ms);
      }
      const script = shortUrl(frame.url) || frame.functionName;
      this._byScript.set(script, (this._byScript.get(script) ?? 0) + ms);
      // Time with a frame of this extension on the stack, however deep.
      for (
        let at: number | undefined = node.id;
        at !== undefined;
        at = parent.get(at)
      ) {
        if (byId.get(at)?.callFrame.url.includes('/jupyterlab-runs/')) {
          this.oursMs += ms;
          break;
        }
      }
    }
    this.profiles++;
  }

  /** The `n` functions with the most self time, as printable lines. */
  top(n: number): string[] {
    return [...this._self]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(
        ([key, ms]) =>
          `${(ms / Math.max(1, this.profiles)).toFixed(2).padStart(8)} ms  ${key}`
      );
  }

  /** This extension's functions with the most time on the stack. */
  ours(n: number): string[] {
    return [...this._total]
      .filter(([key]) => key.includes('jupyterlab-runs/'))
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(
        ([key, ms]) =>
          `${(ms / Math.max(1, this.profiles)).toFixed(2).padStart(8)} ms  ${key}`
      );
  }

  /** Self time per script (bundle chunk), per profile. */
  scripts(n: number): string[] {
    return [...this._byScript]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(
        ([key, ms]) =>
          `${(ms / Math.max(1, this.profiles)).toFixed(2).padStart(8)} ms  ${key}`
      );
  }

  /**
   * The functions whose self time per profile grew most from `base` to
   * this summary (say, tagged executions over untagged ones).
   */
  moreThan(
    base: ProfileSummary,
    n: number,
    which: 'self' | 'total' = 'self'
  ): string[] {
    const per = (ms: number, s: ProfileSummary) => ms / Math.max(1, s.profiles);
    const mine = which === 'self' ? this._self : this._total;
    const theirs = which === 'self' ? base._self : base._total;
    const keys = new Set([...mine.keys(), ...theirs.keys()]);
    return [...keys]
      .map(
        key =>
          [
            key,
            per(mine.get(key) ?? 0, this) - per(theirs.get(key) ?? 0, base)
          ] as const
      )
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([key, ms]) => `${ms.toFixed(2).padStart(8)} ms  ${key}`);
  }

  profiles = 0;
  busyMs = 0;
  idleMs = 0;
  oursMs = 0;
  private _self = new Map<string, number>();
  /** Time with the function anywhere on the stack. */
  private _total = new Map<string, number>();
  private _byScript = new Map<string, number>();
}

/** Run `work` under the sampling profiler and return its profile. */
export async function profiled(
  cdp: CDPSession,
  work: () => Promise<unknown>,
  intervalUs = 100
): Promise<ICpuProfile> {
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: intervalUs });
  await cdp.send('Profiler.start');
  let failure: unknown = null;
  try {
    await work();
  } catch (error) {
    failure = error;
  }
  // Stopped whatever happened, so that the next start does not fail.
  const { profile } = await cdp.send('Profiler.stop');
  if (failure) {
    throw failure;
  }
  return profile as unknown as ICpuProfile;
}

/** V8's sampling heap profile (`HeapProfiler.stopSampling`). */
export interface IHeapProfile {
  head: IHeapNode;
}

interface IHeapNode {
  callFrame: ICpuProfile['nodes'][number]['callFrame'];
  selfSize: number;
  children: IHeapNode[];
}

/**
 * Add a heap profile's bytes per function to `into`, with `(total)` and
 * `(this extension on the stack)`.
 */
export function addAllocations(
  into: Map<string, number>,
  profile: IHeapProfile
): void {
  const add = (key: string, bytes: number) =>
    into.set(key, (into.get(key) ?? 0) + bytes);
  const walk = (node: IHeapNode, ours: boolean) => {
    const mine = ours || node.callFrame.url.includes('jupyterlab-runs');
    add(keyOf(node.callFrame), node.selfSize);
    add('(total)', node.selfSize);
    if (mine) {
      add('(this extension on the stack)', node.selfSize);
    }
    node.children.forEach(child => walk(child, mine));
  };
  walk(profile.head, false);
}

function keyOf(frame: ICpuProfile['nodes'][number]['callFrame']): string {
  return `${frame.functionName || '(anonymous)'} ${shortUrl(frame.url)}:${frame.lineNumber + 1}:${frame.columnNumber + 1}`;
}

/** `…/static/lab/1234.abcd.js` → `lab/1234.abcd.js`; an extension's chunk as `<name>/<chunk>`. */
function shortUrl(url: string): string {
  const ext = url.match(/\/extensions\/([^/]+)\/static\/([^?]+)/);
  if (ext) {
    return `${ext[1]}/${ext[2]}`;
  }
  const m = url.match(/\/static\/(.+)$/);
  return m ? m[1] : url;
}
