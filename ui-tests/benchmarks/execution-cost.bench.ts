/**
 * Benchmark: the whole page's main-thread CPU per tagged execution against
 * the same cell untagged, interleaved, with the runs sidebar open, in a
 * folder of 0 and of 10,000 runs. The cell logs 10 params, 5 metrics and a
 * tag through the Python API. Prints numbers; asserts nothing. Run with
 * `bash benchmarks/execution-cost.sh`.
 *
 * Per execution (BENCH_RUNS of each, default 40, after one warm-up pair;
 * each pair in an order drawn at random, after a pause drawn at random:
 * BENCH_SEED, BENCH_PAUSE_MS, `pairInRandomTurn`):
 * - CPU: CDP `Performance.getMetrics` deltas around the execution and what
 *   it sets off, over a window of the same length for every execution
 *   (BENCH_WINDOW_MS, 2 s from the call, long enough for the run to be
 *   saved and the page quiet again): `TaskDuration`
 *   (wall time of the main thread's tasks), `ScriptDuration` (JavaScript in
 *   them), `TaskOtherDuration` (the rest of them but style and layout:
 *   paint, compositing, messages) and `ThreadTime` (the main thread's CPU
 *   time: on a loaded machine the tasks' wall time also counts the time
 *   other processes held the core, so ThreadTime is the fairest of them);
 * - wall: from `notebook:run-cell` to its completion (the execute reply:
 *   the cell's execution count is set), split into when the request was
 *   sent, when its reply was received (after the IOPub messages before
 *   it, counted) and the kernel's own time from the reply (`metadata.started`
 *   to the reply's date).
 * The difference tagged − untagged is what recording a run costs the page.
 * Then BENCH_PROFILES (default 15) more of each are profiled (CDP
 * Profiler, 0.1 ms sampling) and the functions whose self time grows most
 * from untagged to tagged are printed: where the difference goes.
 *
 * BENCH_TRACE=1 adds Chromium traces of BENCH_TRACES (default 5) more of
 * each, from the execution to the page quiet again: script, style, layout,
 * paint and GC per execution, how many elements were styled and laid out,
 * and which scripts forced a layout. A sampling profile shows style and
 * layout only as "(program)".
 *
 * BENCH_TRACE_DIR=DIR keeps those traces there, one JSON file each;
 * BENCH_PROFILE_DIR=DIR keeps the CPU profiles of BENCH_PROFILES there.
 *
 * BENCH_REACT=1 counts React commits per root (through a stand-in for
 * React DevTools' hook, installed before the page loads) and prints, per
 * execution, the roots committed more often around tagged executions than
 * untagged: React work runs in its scheduler's own tasks, so a profile
 * shows how long it took but not whose widgets it drew.
 *
 * BENCH_MUTATIONS=1 counts DOM mutations per execution by where they
 * landed (the runs sidebar, the status bar, the notebook, elsewhere): what
 * the page then styles, lays out and paints again; and the server's
 * events the page received (`/api/events`: each parsed and dispatched on
 * its main thread), by action and kind of file.
 *
 * BENCH_OURS=N lists N of this extension's functions by their time on the
 * stack (default 8).
 *
 * BENCH_AA=1 runs both arms untagged: what the method alone makes of two
 * identical arms.
 *
 * BENCH_SIDEBAR=0 collapses the runs sidebar: the difference from the
 * default is what drawing the sidebar costs per execution.
 *
 * BENCH_MLFLOW=1 adds, for reference, the same cell logging through MLflow
 * (its file store in a temporary folder), if `mlflow` imports in the kernel
 * (or from BENCH_MLFLOW_PATH, a folder added to sys.path, e.g. one made by
 * `pip install --target DIR mlflow-skinny`). With `mlflow` imported in
 * the kernel, every arm's page CPU per execution was about twice what it
 * is without (125–133 ms against 69–71, untagged, 2026-12-07; not
 * profiled): compare the arms of such a run with each other only.
 */
import { expect, test, type IJupyterLabPageFixture } from '@jupyterlab/galata';
import type { CDPSession } from '@playwright/test';
import { execFileSync } from 'child_process';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync
} from 'fs';
import * as path from 'path';
import {
  mean,
  percentile,
  serverRoot,
  writeBigFolder,
  writeOnDisk
} from '../tests/largeFolderHelpers';
import { codeCell, notebookJson } from '../tests/notebooks';
import {
  addAllocations,
  profiled,
  ProfileSummary,
  type IHeapProfile
} from './profile';
import { TRACE_CATEGORIES, TraceSummary } from './trace';

const N = Number(process.env.BENCH_RUNS ?? 40);
const PROFILES = Number(process.env.BENCH_PROFILES ?? 15);
const ALLOC = Number(process.env.BENCH_ALLOC ?? 0);

const MLFLOW = process.env.BENCH_MLFLOW === '1';
const QUIET_MS = Number(process.env.BENCH_QUIET_MS ?? 1200);
/**
 * BENCH_WINDOW_MS: every measured execution's window, from the call to the
 * counters read after it, tagged or not (default 2000). A window that
 * ended once the page was quiet lasted as long as the run took to be
 * saved, about 200 ms longer for a tagged execution than for an untagged
 * one, and the page's background work in those 200 ms (JupyterLab's
 * polls, timers, the folder's watch) was counted as the run's cost.
 */
const WINDOW_MS = Number(process.env.BENCH_WINDOW_MS ?? 2000);
/**
 * BENCH_GC=1: a full garbage collection (CDP) before each measured
 * execution, outside its window, tagged or not. Without it, a major
 * collection's incremental marking (10–30 ms, set off by the page's
 * allocations over several executions) lands in whichever window is
 * running then: the largest part of the spread between pairs. With it,
 * each window pays for the collections its own allocations set off, and
 * the garbage left over from earlier ones, the same for both arms, is
 * not counted.
 */
const GC = process.env.BENCH_GC === '1';
const SIZES = (process.env.BENCH_FOLDERS ?? '0,10000').split(',').map(Number);
const REACT = process.env.BENCH_REACT === '1';
const MUTATIONS = ['1', 'timed'].includes(process.env.BENCH_MUTATIONS ?? '');
/**
 * BENCH_MUTATIONS=timed: each region's mutations also by when they came,
 * in 25 ms steps from the call (`@75` for 75–100 ms): which come with the
 * notebook's own frames and which make one of their own.
 */
const MUTATIONS_TIMED = process.env.BENCH_MUTATIONS === 'timed';
/** BENCH_OURS=N: how many of this extension's functions to list. */
const OURS = Number(process.env.BENCH_OURS ?? 8);
/** BENCH_SIDEBAR=0: the runs sidebar collapsed, to see what it costs. */
const SIDEBAR = process.env.BENCH_SIDEBAR !== '0';
/**
 * BENCH_AA=1: an A/A check of the benchmark itself. The "tagged" arm runs
 * untagged too, so the difference printed is what the method alone makes
 * of two identical arms (it should be about 0).
 */
const AA = process.env.BENCH_AA === '1';
/** The measured cell: both arms run it (`setArm` tags it or not). */
const CELL = 1;
type ArmName = 'tagged' | 'untagged';

/**
 * BENCH_SEED: the seed of the arms' order and of the pauses between pairs
 * (`pairInRandomTurn`; default 1): the same seed gives the same schedule.
 */
const SEED = Number(process.env.BENCH_SEED ?? 1);
/**
 * BENCH_PAUSE_MS: the longest pause before a pair, drawn uniformly from 0
 * to this (default 2500, a quarter of JupyterLab's 10-s polls).
 */
const PAUSE_MS = Number(process.env.BENCH_PAUSE_MS ?? 2500);

/**
 * BENCH_ORDER=alternate: each arm first in every other pair, as before
 * 2026-12-08 (with BENCH_PAUSE_MS=0, to see what that order made of the
 * polls).
 */
const ALTERNATE = process.env.BENCH_ORDER === 'alternate';

/** mulberry32: a small seeded generator, uniform in [0, 1). */
function seeded(seed: number): () => number {
  let state = seed | 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Pairs run so far (BENCH_ORDER=alternate). */
let paired = 0;

/**
 * Run one pair of the two arms, in an order drawn at random, after a
 * pause drawn at random: resolves to [tagged, untagged]. JupyterLab polls
 * every 10 s (kernels, sessions, terminals, workspaces, the file browser's
 * listing), and a pair takes about 5 s. With the tagged arm always first,
 * a poll stayed in the same arm's window for dozens of pairs; with each
 * arm first in every other pair, the order repeated every 10 s too, and
 * traced (15 pairs, 2026-12-08) the file browser's listing came in a
 * third of the tagged windows and in none of the untagged ones, the
 * kernels and sessions polls likewise. A random order gives each arm a
 * poll as often as the other, and a random pause moves the polls across
 * the windows.
 */
async function pairInRandomTurn<T>(
  random: () => number,
  tagged: () => Promise<T>,
  untagged: () => Promise<T>
): Promise<[T, T]> {
  const taggedFirst = ALTERNATE ? paired++ % 2 === 0 : random() < 0.5;
  const pause = random() * PAUSE_MS;
  await new Promise(resolve => setTimeout(resolve, pause));
  if (taggedFirst) {
    const t = await tagged();
    return [t, await untagged()];
  }
  const u = await untagged();
  return [await tagged(), u];
}

/**
 * JupyterLab's own background requests, by kind: what a window's CPU
 * includes besides the execution (each parsed and handled on the main
 * thread, and the file browser's listing redrawn).
 */
function pollKind(method: string, url: string): string | null {
  const { pathname, searchParams } = new URL(url);
  if (/\/api\/(kernels|sessions|terminals|kernelspecs|me)$/.test(pathname)) {
    return `${method} ${pathname.replace(/^.*\/api\//, '')}`;
  }
  if (/\/lab\/api\/workspaces/.test(pathname)) {
    return `${method} workspaces`;
  }
  if (
    method === 'GET' &&
    /\/api\/contents\//.test(pathname) &&
    searchParams.get('content') === '1' &&
    !/\.[A-Za-z0-9]+$/.test(pathname)
  ) {
    return 'GET a folder listing (contents)';
  }
  return null;
}

/** Start counting DOM mutations by region (BENCH_MUTATIONS). */
function countMutations(timed: boolean): void {
  const counts: Record<string, number> = {};
  const when = (): string => {
    const called = (window as unknown as { runsBenchCalled?: number })
      .runsBenchCalled;
    return timed && called !== undefined
      ? ` @${Math.floor((performance.now() - called) / 25) * 25}`
      : '';
  };
  (window as unknown as { __mutations: unknown }).__mutations = counts;
  const region = (node: Node): string => {
    const element =
      node instanceof Element ? node : (node.parentElement ?? null);
    if (!element) {
      return 'detached';
    }
    const known = element.closest(
      '#jp-runs-panel, #jp-main-statusbar, .jp-NotebookPanel, #jp-top-panel, .lm-TabBar, #jp-left-stack, #jp-right-stack'
    );
    if (!known) {
      return 'elsewhere';
    }
    if (known.classList.contains('jp-NotebookPanel')) {
      const output = element.closest('.jp-OutputArea');
      return output ? 'notebook: outputs' : 'notebook: other';
    }
    return known.id ? `#${known.id}` : [...known.classList].join('.');
  };
  // An element's classes, from the attribute (an SVG element's
  // `className` is not a string).
  const classesOf = (value: string | null): string[] =>
    (value ?? '').split(/\s+/).filter(Boolean);
  // A class attribute's change: the classes it added and removed.
  const classChange = (r: MutationRecord): string => {
    if (r.attributeName !== 'class') {
      return '';
    }
    const before = new Set(classesOf(r.oldValue));
    const after = new Set(
      classesOf((r.target as Element).getAttribute('class'))
    );
    const added = [...after].filter(c => !before.has(c));
    const removed = [...before].filter(c => !after.has(c));
    return ` +${added.join('+')} -${removed.join('-')}`;
  };
  new MutationObserver(records => {
    for (const r of records) {
      const where = region(r.target);
      // Which attribute of which element: what to cut (a `hidden` or
      // `disabled` under a toolbar makes it measure every item again).
      const what =
        r.type === 'attributes'
          ? `attributes: ${(r.target as Element).tagName.toLowerCase()}.${classesOf((r.target as Element).getAttribute('class'))[0] ?? ''} ${r.attributeName}${classChange(r)}`
          : r.type;
      const key = `${where} (${what})${when()}`;
      counts[key] = (counts[key] ?? 0) + 1;
    }
  }).observe(document.body, {
    subtree: true,
    childList: true,
    attributes: true,
    attributeOldValue: true,
    characterData: true
  });
  // And the server's events the page receives (each parsed and dispatched
  // on its main thread), by action and the kind of file.
  const kind = (path: string): string =>
    /\/journal\//.test(path)
      ? 'journal file'
      : /\.series\.json$/.test(path)
        ? 'series file'
        : /\/manifest-/.test(path)
          ? 'manifest shard'
          : /\.runs\/[0-9A-Z]{26}\.json$/.test(path)
            ? 'run file'
            : /\.runs(\/|$)/.test(path)
              ? 'other in a runs folder'
              : 'elsewhere';
  const app = (
    window as unknown as {
      jupyterapp: {
        serviceManager: {
          events: {
            stream: {
              connect(
                fn: (_: unknown, e: Record<string, unknown>) => void
              ): void;
            };
          };
        };
      };
    }
  ).jupyterapp;
  // An event's fields are its own (`schema_id`, `action`, `path`, ...).
  app.serviceManager.events.stream.connect((_, event) => {
    const schema = String(event.schema_id ?? '?')
      .split('/')
      .slice(-2)[0];
    const key = `server events (${schema}: ${String(event.action ?? '?')} ${kind(String(event.path ?? ''))})`;
    counts[key] = (counts[key] ?? 0) + 1;
  });
}

/** DOM mutations per region so far (BENCH_MUTATIONS). */
function mutations(
  page: IJupyterLabPageFixture
): Promise<Record<string, number>> {
  return page.evaluate(() => ({
    ...((window as unknown as { __mutations?: Record<string, number> })
      .__mutations ?? {})
  }));
}
const TRACE = process.env.BENCH_TRACE === '1';
const TRACES = Number(process.env.BENCH_TRACES ?? 5);
/** BENCH_TRACE_DIR: where to keep the traces, as JSON files. */
const TRACE_DIR = process.env.BENCH_TRACE_DIR;
/**
 * BENCH_TRACE_CATEGORIES: the trace's categories, comma-separated, for
 * `TRACE_CATEGORIES`. Their JavaScript stacks (`...timeline.stack`) and
 * `v8.execute` make every timer set and script call slower under tracing
 * (`setTimeout` took 1.2 ms per execution in such traces, 0.5 in a
 * profile alone): `devtools.timeline,blink.user_timing` leaves the
 * rendering and tasks' own CPU time (`tdur`) closest to a page not traced.
 */
const TRACE_CATS =
  process.env.BENCH_TRACE_CATEGORIES?.split(',') ?? TRACE_CATEGORIES;
/** BENCH_TRACE_PROFILE=0: kept traces come without a CPU profile. */
const TRACE_PROFILE = process.env.BENCH_TRACE_PROFILE !== '0';
/** BENCH_PROFILE_DIR: where to keep the CPU profiles (BENCH_PROFILES). */
const PROFILE_DIR = process.env.BENCH_PROFILE_DIR;

/**
 * A stand-in for React DevTools' global hook: React calls
 * `onCommitFiberRoot` for every commit of every root. Counted by the
 * root's container, named by its classes and its nearest ancestor's id.
 */
function countReactCommits(): void {
  const commits: Record<string, number> = {};
  (window as unknown as { __reactCommits: unknown }).__reactCommits = commits;
  const name = (node: Element | null): string => {
    if (!node) {
      return '?';
    }
    const classes = [...node.classList].slice(0, 3).join('.');
    const owner = node.closest('[id]');
    return `${node.tagName.toLowerCase()}${classes ? '.' + classes : ''}${owner ? ' in #' + owner.id : ''}`;
  };
  (
    window as unknown as { __REACT_DEVTOOLS_GLOBAL_HOOK__: unknown }
  ).__REACT_DEVTOOLS_GLOBAL_HOOK__ = {
    supportsFiber: true,
    isDisabled: false,
    renderers: new Map(),
    inject: () => 1,
    checkDCE: () => undefined,
    onScheduleFiberRoot: () => undefined,
    onCommitFiberUnmount: () => undefined,
    onPostCommitFiberRoot: () => undefined,
    onCommitFiberRoot: (_: number, root: { containerInfo: Element | null }) => {
      const key = name(root.containerInfo);
      commits[key] = (commits[key] ?? 0) + 1;
    }
  };
}

/** React commits per root so far (BENCH_REACT). */
function reactCommits(
  page: IJupyterLabPageFixture
): Promise<Record<string, number>> {
  return page.evaluate(() => ({
    ...((window as unknown as { __reactCommits?: Record<string, number> })
      .__reactCommits ?? {})
  }));
}

const BODY = [
  "params = {f'p{i}': i * 0.1 for i in range(9)}",
  "params['model'] = 'cnn'",
  'metrics = {f"m{i}": 1 / (i + 1) for i in range(5)}'
];
const RUNS_CELL = [
  ...BODY,
  'runs.log_params(params)',
  'runs.log_metrics(metrics)',
  "runs.set_tag('kind', 'bench')"
].join('\n');
const MLFLOW_CELL = [
  ...BODY,
  'with mlflow.start_run():',
  '    mlflow.log_params(params)',
  '    mlflow.log_metrics(metrics)',
  "    mlflow.set_tag('kind', 'bench')"
].join('\n');

function benchNotebook(): string {
  const mlflowSetup = [
    'import os, sys, tempfile',
    // MLflow 3 keeps its file store only behind this switch.
    "os.environ['MLFLOW_ALLOW_FILE_STORE'] = 'true'",
    ...(process.env.BENCH_MLFLOW_PATH
      ? [`sys.path.insert(0, ${JSON.stringify(process.env.BENCH_MLFLOW_PATH)})`]
      : []),
    'try:',
    '    import mlflow',
    "    mlflow.set_tracking_uri('file://' + tempfile.mkdtemp())",
    "    mlflow.set_experiment('bench')",
    "    print('mlflow', mlflow.__version__)",
    'except Exception as e:',
    "    print('no mlflow:', e)"
  ].join('\n');
  return notebookJson([
    codeCell('setup', 'import jupyterlab_runs as runs'),
    // One cell for both arms, tagged or not before each execution
    // (`setArm`): a second cell below it moved when its outputs were
    // replaced, so the arms laid out and painted different pages.
    codeCell('measured', RUNS_CELL, ['experiment:bench']),
    codeCell('spacer', 'pass'),
    codeCell('mlflow-setup', MLFLOW ? mlflowSetup : 'pass'),
    codeCell('mlflow', MLFLOW ? MLFLOW_CELL : 'pass')
  ]);
}

const uptime = () => execFileSync('uptime', { encoding: 'utf-8' }).trim();
const fmt = (v: number) => v.toFixed(2).padStart(8);

interface ISample {
  wall: number;
  /** The counted window, from the call to the page settled (`settled`). */
  window: number;
  task: number;
  script: number;
  thread: number;
  /**
   * The tasks' time outside script, style and layout (`TaskOtherDuration`:
   * paint, compositing, messages, garbage collection between tasks), ms.
   */
  otherMs: number;
  /**
   * Style recalculations and layouts of the page (CDP `RecalcStyleCount`,
   * `LayoutCount`), and their time (ms): counts, unlike times, do not
   * move with the machine's load, so a frame or forced layout saved shows
   * at once.
   */
  styles: number;
  layouts: number;
  styleMs: number;
  layoutMs: number;
  /**
   * When the execute request was sent, and its reply taken from the
   * websocket (ms from the call): `anyMessage` "recv" is emitted as each
   * message arrives, before JupyterLab's ordered handling of it.
   */
  sent: number;
  replied: number;
  /** IOPub messages that arrived before the reply. */
  before: number;
  /** The kernel's time from starting the cell to sending its reply. */
  kernel: number;
  /** JupyterLab's background requests made in the window (`pollKind`). */
  polls: string[];
}

/** Main-thread counters of the page (ms). */
async function counters(cdp: CDPSession): Promise<Pick<ISample, Counter>> {
  const { metrics } = await cdp.send('Performance.getMetrics');
  const count = (name: string) =>
    metrics.find(m => m.name === name)?.value ?? 0;
  const get = (name: string) => count(name) * 1000;
  return {
    task: get('TaskDuration'),
    script: get('ScriptDuration'),
    thread: get('ThreadTime'),
    otherMs: get('TaskOtherDuration'),
    styles: count('RecalcStyleCount'),
    layouts: count('LayoutCount'),
    styleMs: get('RecalcStyleDuration'),
    layoutMs: get('LayoutDuration')
  };
}

/** The page's counters read around each execution (`counters`). */
type Counter =
  | 'task'
  | 'script'
  | 'thread'
  | 'otherMs'
  | 'styles'
  | 'layouts'
  | 'styleMs'
  | 'layoutMs';

/**
 * Execute cell `index` and return the wall time until its execute reply
 * (the cell's execution count is set). Through `CodeCell.execute`, as
 * `notebook:run-cell` does once the cell is active, but without making it
 * active: moving the active cell between the tagged and the untagged cell
 * rebuilds JupyterLab's cell toolbar (React) each time, which profiles
 * showed as up to 90 ms per execution, unevenly split between the arms.
 * The request carries the cell's metadata (its tags) all the same; the
 * kernel was armed by the warm-up through `notebook:run-cell`.
 */
function execute(page: IJupyterLabPageFixture, index: number) {
  return page.evaluate(async i => {
    const app = window.jupyterapp;
    const panel = app.shell.currentWidget as unknown as {
      sessionContext: {
        session?: {
          kernel?: {
            anyMessage: {
              connect(f: unknown): void;
              disconnect(f: unknown): void;
            };
          } | null;
        } | null;
      };
      content: { widgets: { constructor: unknown }[] };
    };
    const cell = panel.content.widgets[i];
    const run = (
      cell.constructor as {
        execute: (cell: unknown, session: unknown) => Promise<unknown>;
      }
    ).execute;
    // Where the wall time goes: until the request is sent (the page),
    // until its reply arrives (the kernel, the transport, and whatever
    // the page's thread was doing when it came: the messages before it,
    // rendering), then until the cell says it is done.
    const phases = { sent: NaN, replied: NaN, before: 0, kernel: NaN };
    const t0 = performance.now();
    // Where `settled` measures its fixed window from.
    (window as unknown as { runsBenchCalled: number }).runsBenchCalled = t0;
    const onMessage = (
      _: unknown,
      args: {
        direction: 'send' | 'recv';
        msg: {
          channel: string;
          header: { msg_type: string; date: string };
          metadata: { started?: string };
        };
      }
    ) => {
      const at = performance.now() - t0;
      const type = args.msg.header.msg_type;
      if (args.direction === 'send') {
        if (type === 'execute_request' && isNaN(phases.sent)) {
          phases.sent = at;
          // In traces: what the main thread does until the reply arrives.
          performance.mark('runs-bench-sent');
        }
      } else if (type === 'execute_reply') {
        if (isNaN(phases.replied)) {
          phases.replied = at;
          performance.mark('runs-bench-reply');
          // The kernel's own time: from starting the cell to its reply.
          const started = Date.parse(args.msg.metadata.started ?? '');
          phases.kernel = Date.parse(args.msg.header.date) - started;
        }
      } else if (isNaN(phases.replied) && args.msg.channel === 'iopub') {
        phases.before++;
      }
    };
    const kernel = panel.sessionContext.session?.kernel;
    kernel?.anyMessage.connect(onMessage);
    try {
      await run(cell, panel.sessionContext);
    } finally {
      kernel?.anyMessage.disconnect(onMessage);
    }
    return { wall: performance.now() - t0, ...phases };
  }, index);
}

/**
 * Tag the measured cell for `arm` (untagged for both in BENCH_AA), then
 * wait for two frames and a short quiet: the marker's class and the
 * model's change are drawn before any counter starts, the same for both
 * arms.
 */
function setArm(page: IJupyterLabPageFixture, arm: ArmName) {
  const tagged = arm === 'tagged' && !AA;
  return page.evaluate(
    ([index, tagged]) => {
      const panel = window.jupyterapp.shell.currentWidget as unknown as {
        content: {
          widgets: {
            model: {
              getMetadata(key: string): unknown;
              setMetadata(key: string, value: unknown): void;
            };
          }[];
        };
      };
      const model = panel.content.widgets[index].model;
      const tags = tagged ? ['experiment:bench'] : [];
      if (
        JSON.stringify(model.getMetadata('tags') ?? []) !== JSON.stringify(tags)
      ) {
        model.setMetadata('tags', tags);
      }
      return new Promise<void>(resolve =>
        requestAnimationFrame(() =>
          requestAnimationFrame(() => setTimeout(resolve, 100))
        )
      );
    },
    [CELL, tagged] as const
  );
}

/** Run cell `index` as a user does (`notebook:run-cell` on it, active). */
function runActive(page: IJupyterLabPageFixture, index: number) {
  return page.evaluate(async i => {
    const app = window.jupyterapp;
    const panel = app.shell.currentWidget as unknown as {
      content: { activeCellIndex: number };
    };
    panel.content.activeCellIndex = i;
    await app.commands.execute('notebook:run-cell');
  }, index);
}

/**
 * Wait in the page until WINDOW_MS after the execution's call (`execute`)
 * if the sidebar lists `count` runs, the newest saved (not running, not
 * pending), by WINDOW_MS − QUIET_MS; else until it does, and QUIET_MS
 * more (an overrun: a longer window, counted in the report). Then two
 * frames. QUIET_MS covers the store's copy of the folder to IndexedDB,
 * made 1 s after a save. Resolves with the window's length (ms).
 *
 * Within the window, nothing of this runs but a timer and one look at the
 * sidebar (two queries, no layout), the same in both arms. A
 * `MutationObserver` on the sidebar (the wait before) ran its queries at
 * each change of a tagged run's row, and its first `checkVisibility`
 * forced a style update in the middle of the run's work: about 2 ms a
 * tagged execution in the profile, charged to the extension
 * (`checkVisibility`, `isSaved`, `querySelector`). A poll before that ran
 * only while a tagged run was on its way. Whether the sidebar is shown is
 * the benchmark's own setting (`SIDEBAR`).
 */
function settled(page: IJupyterLabPageFixture, count: number): Promise<number> {
  return page.evaluate(
    ([count, quiet, windowMs, shown]) =>
      new Promise<number>((resolve, reject) => {
        const called =
          (window as unknown as { runsBenchCalled?: number }).runsBenchCalled ??
          performance.now();
        const sidebar = document.getElementById('jp-runs-panel');
        // The same queries in both arms (an untagged one waits for none).
        const isSaved = () => {
          const counter = sidebar?.querySelector<HTMLElement>(
            '.jp-RunsExplorer-count'
          );
          const first = sidebar?.querySelector<HTMLElement>(
            '.jp-RunsPanel-run[data-run-id]'
          );
          return (
            count === 0 ||
            !shown || // a collapsed sidebar draws nothing to wait for
            (Number(counter?.dataset.shown ?? 0) === count &&
              first?.dataset.status === 'ok' &&
              !first.dataset.pending)
          );
        };
        const end = (rest: number) =>
          setTimeout(
            () =>
              requestAnimationFrame(() =>
                requestAnimationFrame(() => resolve(performance.now() - called))
              ),
            rest
          );
        const giveUp = setTimeout(() => {
          clearInterval(poll);
          reject(new Error(`the sidebar did not reach ${count} saved runs`));
        }, 60_000);
        let poll: ReturnType<typeof setInterval> | undefined;
        setTimeout(
          () => {
            if (isSaved()) {
              clearTimeout(giveUp);
              end(Math.max(0, called + windowMs - performance.now()));
              return;
            }
            // An overrun: not saved by then; counted from the save, with
            // its quiet (to within the poll).
            poll = setInterval(() => {
              if (isSaved()) {
                clearInterval(poll);
                clearTimeout(giveUp);
                end(quiet);
              }
            }, 50);
          },
          Math.max(0, called + windowMs - quiet - performance.now())
        );
      }),
    [count, QUIET_MS, WINDOW_MS, SIDEBAR] as const
  );
}

interface IArm {
  /** React commits per root over all tagged and untagged samples. */
  taggedCommits: Map<string, number>;
  untaggedCommits: Map<string, number>;
  /** DOM mutations per region over all tagged and untagged samples. */
  taggedMutations: Map<string, number>;
  untaggedMutations: Map<string, number>;
  tagged: ISample[];
  untagged: ISample[];
  mlflow: ISample[];
  taggedProfile: ProfileSummary;
  untaggedProfile: ProfileSummary;
  taggedAlloc: Map<string, number>;
  untaggedAlloc: Map<string, number>;
  taggedTrace: TraceSummary;
  untaggedTrace: TraceSummary;
  mlflowSetup: string;
  /** The newest run file: what each tagged execution wrote and sent. */
  runFile: string;
}

test.use({ kernels: null, viewport: { width: 1600, height: 1000 } });
test.setTimeout(3_600_000);

test('execution cost: tagged against untagged, whole page', async ({
  page,
  browser,
  tmpPath
}) => {
  const root = await serverRoot(page);
  const dir = `${tmpPath}-cost`;
  const onDisk = path.join(root, dir);
  const loadBefore = uptime();
  const arms = new Map<number, IArm>();
  if (REACT) {
    await page.page.addInitScript(countReactCommits);
    await page.reload();
  }
  try {
    for (const size of SIZES) {
      const name = `cost-${size}.ipynb`;
      if (size > 0) {
        writeBigFolder(onDisk, name, size);
      }
      // The fixture's notebook replaced by the benchmark's.
      writeOnDisk(path.join(onDisk, name), benchNotebook());
    }
    await page.evaluate(async () => {
      const app = window.jupyterapp;
      await app.restored;
      await app.commands.execute('jupyterlab-runs:show-runs');
    });

    for (const size of SIZES) {
      const notebook = `${dir}/cost-${size}.ipynb`;
      await page.notebook.openByPath(notebook);
      await page.notebook.activate(`cost-${size}.ipynb`);
      await page.evaluate(() =>
        window.jupyterapp.commands.execute('jupyterlab-runs:show-runs')
      );
      if (size > 0) {
        await expect(
          page.locator('#jp-runs-panel .jp-RunsExplorer-count')
        ).toHaveAttribute('data-shown', String(size), { timeout: 120_000 });
      }
      if (!SIDEBAR) {
        await page.evaluate(() => {
          (
            window.jupyterapp.shell as unknown as { collapseRight(): void }
          ).collapseRight();
        });
      }
      await page.notebook.runCell(0);
      // Warm-up as a user runs a cell: arms the kernel's capture.
      await setArm(page, 'tagged');
      await runActive(page, CELL);
      await setArm(page, 'untagged');
      await runActive(page, CELL);
      let count = AA ? size : size + 1;
      /** The count of runs after the next tagged execution. */
      const next = () => (AA ? count : ++count);
      await settled(page, count);
      let mlflowSetup = '';
      if (MLFLOW) {
        await page.notebook.runCell(3);
        mlflowSetup = ((await page.notebook.getCellTextOutput(3)) ?? []).join(
          '\n'
        );
      }
      const cdp = await page.context().newCDPSession(page.page);
      await cdp.send('Performance.enable');
      if (GC) {
        await cdp.send('HeapProfiler.enable');
      }
      /** Tag (or untag) the cell for the next execution (BENCH_GC: then collect). */
      const prepare = async (armName: ArmName) => {
        await setArm(page, armName);
        if (GC) {
          await cdp.send('HeapProfiler.collectGarbage');
        }
      };
      const arm: IArm = {
        taggedCommits: new Map(),
        untaggedCommits: new Map(),
        taggedMutations: new Map(),
        untaggedMutations: new Map(),
        tagged: [],
        untagged: [],
        mlflow: [],
        taggedProfile: new ProfileSummary(),
        untaggedProfile: new ProfileSummary(),
        taggedAlloc: new Map(),
        untaggedAlloc: new Map(),
        taggedTrace: new TraceSummary(),
        untaggedTrace: new TraceSummary(),
        mlflowSetup,
        runFile: ''
      };
      arms.set(size, arm);
      if (MUTATIONS) {
        await page.evaluate(countMutations, MUTATIONS_TIMED);
      }
      /** Where the requests of the window being counted go (`pollKind`). */
      let polling: string[] | null = null;
      page.page.on('request', request => {
        const kind = polling && pollKind(request.method(), request.url());
        if (kind) {
          polling!.push(kind);
        }
      });
      const sample = async (
        index: number,
        expected: number,
        commits?: Map<string, number>,
        mutated?: Map<string, number>,
        armName?: ArmName
      ) => {
        if (armName) {
          await prepare(armName);
        } else if (GC) {
          await cdp.send('HeapProfiler.collectGarbage');
        }
        const committed = REACT ? await reactCommits(page) : {};
        const mutatedBefore = MUTATIONS ? await mutations(page) : {};
        const polls: string[] = [];
        polling = polls;
        const before = await counters(cdp);
        const phases = await execute(page, index);
        const window = await settled(page, expected);
        const after = await counters(cdp);
        polling = null;
        if (MUTATIONS && mutated) {
          addCounts(mutated, mutatedBefore, await mutations(page));
        }
        if (REACT && commits) {
          addCounts(commits, committed, await reactCommits(page));
        }
        return {
          ...phases,
          window,
          polls,
          task: after.task - before.task,
          script: after.script - before.script,
          thread: after.thread - before.thread,
          otherMs: after.otherMs - before.otherMs,
          styles: after.styles - before.styles,
          layouts: after.layouts - before.layouts,
          styleMs: after.styleMs - before.styleMs,
          layoutMs: after.layoutMs - before.layoutMs
        };
      };
      const withMlflow = MLFLOW && /^mlflow \d/m.test(mlflowSetup);
      const sampleTagged = () =>
        sample(CELL, next(), arm.taggedCommits, arm.taggedMutations, 'tagged');
      const sampleUntagged = () =>
        sample(
          CELL,
          count,
          arm.untaggedCommits,
          arm.untaggedMutations,
          'untagged'
        );
      const random = seeded(SEED);
      for (let i = 0; i < N + 1; i++) {
        const [t, u] = await pairInRandomTurn(
          random,
          sampleTagged,
          sampleUntagged
        );
        const m = withMlflow ? await sample(4, count) : null;
        if (i > 0) {
          arm.tagged.push(t);
          arm.untagged.push(u);
          if (m) {
            arm.mlflow.push(m);
          }
        }
      }
      for (let i = 0; i < PROFILES; i++) {
        next();
        for (const [armName, into] of [
          ['tagged', arm.taggedProfile],
          ['untagged', arm.untaggedProfile]
        ] as const) {
          await prepare(armName);
          const profile = await profiled(cdp, async () => {
            await execute(page, CELL);
            await settled(page, count);
          });
          into.add(profile);
          if (PROFILE_DIR) {
            // For a closer look than the summary's (DevTools, a script).
            mkdirSync(PROFILE_DIR, { recursive: true });
            writeFileSync(
              path.join(PROFILE_DIR, `cost-${size}-${armName}-${i}.cpuprofile`),
              JSON.stringify(profile)
            );
          }
        }
      }
      // BENCH_ALLOC=N: N more of each with V8's sampling heap profiler, for
      // what a tagged execution allocates (the garbage collector's work).
      if (ALLOC) {
        await cdp.send('HeapProfiler.enable');
      }
      for (let i = 0; i < ALLOC; i++) {
        next();
        for (const [armName, into] of [
          ['tagged', arm.taggedAlloc],
          ['untagged', arm.untaggedAlloc]
        ] as const) {
          await prepare(armName);
          await cdp.send('HeapProfiler.startSampling', {
            samplingInterval: 1024
          });
          await execute(page, CELL);
          await settled(page, count);
          const { profile } = await cdp.send('HeapProfiler.stopSampling');
          addAllocations(into, profile as unknown as IHeapProfile);
        }
      }
      const traced = async (
        armName: ArmName,
        into: TraceSummary,
        pair: number
      ) => {
        await prepare(armName);
        await browser.startTracing(page.page, {
          categories: TRACE_CATS
        });
        const work = async () => {
          await page.evaluate(() => performance.mark('runs-bench-start'));
          await execute(page, CELL);
          await settled(page, count);
          await page.evaluate(() => performance.mark('runs-bench-end'));
        };
        // Kept traces come with a CPU profile of the same span (its
        // timestamps are the trace's clock): which functions ran between
        // two marks, such as the request sent and its reply.
        // The page's own counter over the same window, beside the trace's
        // sum of its tasks' CPU time (`busy (tasks), CPU time`): they agree
        // (ThreadTime is the tasks' CPU plus 7–8 ms a window), where two
        // separate runs, one traced, one not, had seemed not to.
        const before = await counters(cdp);
        const profile =
          TRACE_DIR && TRACE_PROFILE ? await profiled(cdp, work) : await work();
        const after = await counters(cdp);
        into.threadTimes.push(after.thread - before.thread);
        const trace = await browser.stopTracing();
        if (TRACE_DIR) {
          // For a closer look (chrome://tracing, Perfetto).
          const name = `cost-${size}-${armName}-${pair}`;
          mkdirSync(TRACE_DIR, { recursive: true });
          writeFileSync(path.join(TRACE_DIR, `${name}.json`), trace);
          if (profile) {
            writeFileSync(
              path.join(TRACE_DIR, `${name}.cpuprofile`),
              JSON.stringify(profile)
            );
          }
        }
        into.add(trace, 'runs-bench-start', 'runs-bench-end');
      };
      for (let i = 0; TRACE && i < TRACES; i++) {
        await pairInRandomTurn(
          random,
          () => {
            next(); // the count of runs grows just before the tagged one
            return traced('tagged', arm.taggedTrace, i);
          },
          () => traced('untagged', arm.untaggedTrace, i)
        );
      }
      await cdp.detach();
      // Printed at once: a later folder failing does not lose this one.
      arm.runFile = newestRunFile(path.join(onDisk, `cost-${size}.runs`));
      console.log('\n' + report(size, arm, loadBefore).join('\n') + '\n');
      // Its notebook and kernel stay open: idle, they cost the next
      // folder's page nothing.
    }
  } finally {
    rmSync(onDisk, { recursive: true, force: true });
  }
  expect(arms.size).toBe(SIZES.length);
});

/**
 * A 95% interval of the mean of `values` (percentile bootstrap, 2,000
 * resamples from a fixed seed: the same samples print the same interval).
 */
function meanInterval(values: number[]): [number, number] {
  if (values.length < 2) {
    return [NaN, NaN];
  }
  const random = seeded(0x2f6b3a1d);
  const means: number[] = [];
  for (let r = 0; r < 2000; r++) {
    let sum = 0;
    for (let i = 0; i < values.length; i++) {
      sum += values[Math.floor(random() * values.length)];
    }
    means.push(sum / values.length);
  }
  return [percentile(means, 2.5), percentile(means, 97.5)];
}

/**
 * The newest run file of a folder, as a line: its size and its lineage
 * (a run's lineage that grew with the session made every tagged execution
 * cost more than the last).
 */
function newestRunFile(folder: string): string {
  // No folder at all in an A/A run (`BENCH_AA`): no execution was tagged.
  const names = existsSync(folder) ? readdirSync(folder) : [];
  const files = names
    .filter(name => /^[0-9A-Z]{26}\.json$/.test(name))
    .map(name => path.join(folder, name))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  if (!files.length) {
    return 'no run file';
  }
  const text = readFileSync(files[0], 'utf-8');
  const run = JSON.parse(text) as {
    lineage?: { scope: string; entries: unknown[] };
    provenance?: { state: string };
  };
  return `${text.length} bytes, lineage ${run.lineage?.scope ?? 'none'} of ${run.lineage?.entries.length ?? 0} entries, provenance ${run.provenance?.state ?? 'none'}`;
}

/** The lines printed for one folder. */
function report(size: number, arm: IArm, loadBefore: string): string[] {
  const lines = [
    `execution cost benchmark: the whole page's main thread per execution, ${N} tagged and ${N} untagged executions interleaved, ${ALTERNATE ? 'each arm first in every other pair' : `in an order drawn at random (seed ${SEED})`} after a pause of 0 to ${PAUSE_MS} ms (after one warm-up pair), runs sidebar ${SIDEBAR ? 'open' : 'collapsed'}${GC ? ', a full garbage collection before each' : ''}`,
    `cell: 10 params, 5 metrics and a tag through the Python API`,
    `load before: ${loadBefore}`,
    `load after:  ${uptime()}`
  ];
  {
    const stat = (
      samples: ISample[],
      key: keyof ISample,
      f: (v: number[]) => number
    ) => f(samples.map(s => s[key]));
    const p50 = (v: number[]) => percentile(v, 50);
    const p95 = (v: number[]) => percentile(v, 95);
    lines.push(
      `folder of ${size} runs:                 tagged mean/p50/p95          untagged mean/p50/p95     tagged − untagged mean / p50`
    );
    for (const [label, key] of [
      ['wall, execute to reply (ms)', 'wall'],
      ['  request sent at (ms)', 'sent'],
      ['  reply received at (ms)', 'replied'],
      ['  IOPub messages before it', 'before'],
      ['  kernel, cell start to reply', 'kernel'],
      ['window counted (ms)', 'window'],
      ['CPU, ThreadTime (ms)', 'thread'],
      ['TaskDuration (ms)', 'task'],
      ['ScriptDuration (ms)', 'script'],
      ['TaskOtherDuration (ms)', 'otherMs'],
      ['style recalculations', 'styles'],
      ['  their time (ms)', 'styleMs'],
      ['layouts', 'layouts'],
      ['  their time (ms)', 'layoutMs']
    ] as const) {
      lines.push(
        `  ${label.padEnd(30)}${fmt(stat(arm.tagged, key, mean))}${fmt(stat(arm.tagged, key, p50))}${fmt(stat(arm.tagged, key, p95))}    ${fmt(stat(arm.untagged, key, mean))}${fmt(stat(arm.untagged, key, p50))}${fmt(stat(arm.untagged, key, p95))}    ${fmt(stat(arm.tagged, key, mean) - stat(arm.untagged, key, mean))}${fmt(stat(arm.tagged, key, p50) - stat(arm.untagged, key, p50))}`
      );
    }
    // Paired: each tagged execution against the untagged one after it, so
    // that drift over the run (the page's own growth, the machine) cancels;
    // the interval says how far the mean could move between runs.
    const pairs = arm.tagged
      .map((s, i) => s.thread - (arm.untagged[i]?.thread ?? NaN))
      .filter(Number.isFinite);
    const [lo, hi] = meanInterval(pairs);
    // Two frames after the window's end are part of it; more is a run saved
    // too late for the fixed window.
    const overran = (samples: ISample[]) =>
      samples.filter(s => s.window > WINDOW_MS + 100).length;
    // JupyterLab's polls, by kind, per window of each arm: a difference
    // here is background work one arm was charged with more than the other.
    const kinds = new Set(
      [...arm.tagged, ...arm.untagged].flatMap(s => s.polls)
    );
    const perWindow = (samples: ISample[], kind: string) =>
      (
        samples.reduce(
          (n, s) => n + s.polls.filter(k => k === kind).length,
          0
        ) / Math.max(1, samples.length)
      ).toFixed(2);
    lines.push(
      `  JupyterLab's polls per window, tagged / untagged: ${
        [...kinds]
          .sort()
          .map(
            k =>
              `${k} ${perWindow(arm.tagged, k)} / ${perWindow(arm.untagged, k)}`
          )
          .join('; ') || 'none'
      }`
    );
    lines.push(
      `  the newest run file: ${arm.runFile}`,
      `  windows of ${WINDOW_MS} ms from the call; longer (the run saved later than ${WINDOW_MS - QUIET_MS} ms): tagged ${overran(arm.tagged)}, untagged ${overran(arm.untagged)} of ${arm.tagged.length}`,
      `  CPU per pair, tagged − untagged: mean ${fmt(mean(pairs)).trim()} ms, 95% interval ${fmt(lo).trim()} to ${fmt(hi).trim()} (bootstrap over ${pairs.length} pairs)`
    );
    if (arm.mlflow.length) {
      lines.push(
        `  MLflow cell (${arm.mlflowSetup}), mean/p50 − untagged: wall ${fmt(stat(arm.mlflow, 'wall', mean) - stat(arm.untagged, 'wall', mean))} / ${fmt(stat(arm.mlflow, 'wall', p50) - stat(arm.untagged, 'wall', p50))}, ThreadTime ${fmt(stat(arm.mlflow, 'thread', mean) - stat(arm.untagged, 'thread', mean))} / ${fmt(stat(arm.mlflow, 'thread', p50) - stat(arm.untagged, 'thread', p50))}; its own ThreadTime mean ${fmt(stat(arm.mlflow, 'thread', mean))}`
      );
    } else if (MLFLOW) {
      lines.push(`  MLflow: not measured (${arm.mlflowSetup || 'no output'})`);
    }
    const t = arm.taggedProfile;
    const u = arm.untaggedProfile;
    const per = (ms: number, s: ProfileSummary) =>
      (ms / Math.max(1, s.profiles)).toFixed(2);
    lines.push(
      `  profiled (${t.profiles} + ${u.profiles}): busy per execution tagged ${per(t.busyMs, t)} ms, untagged ${per(u.busyMs, u)} ms; with this extension on the stack ${per(t.oursMs, t)} / ${per(u.oursMs, u)} ms`,
      `  self time grown most from untagged to tagged (ms per execution):`,
      ...t.moreThan(u, 20).map(l => `    ${l}`),
      `  time with the function on the stack, grown most from untagged to tagged (ms per execution):`,
      ...t.moreThan(u, 30, 'total').map(l => `    ${l}`),
      `  this extension's functions, time on the stack per execution, tagged:`,
      ...t.ours(OURS).map(l => `    ${l}`),
      `  and untagged (work a tagged run set off that landed after it):`,
      ...u.ours(OURS).map(l => `    ${l}`),
      `  tagged, self time by script:`,
      ...t.scripts(8).map(l => `    ${l}`)
    );
  }
  if (TRACE) {
    lines.push(
      `  traced (${arm.taggedTrace.traces} + ${arm.untaggedTrace.traces}), per execution until quiet, main thread; tagged:`,
      ...arm.taggedTrace.lines().map(l => `    ${l}`),
      `  untagged:`,
      ...arm.untaggedTrace.lines().map(l => `    ${l}`)
    );
  }
  if (ALLOC) {
    const kb = (m: Map<string, number>, k: string) =>
      (m.get(k) ?? 0) / 1024 / ALLOC;
    const keys = [
      ...new Set([...arm.taggedAlloc.keys(), ...arm.untaggedAlloc.keys()])
    ].sort(
      (a, b) =>
        kb(arm.taggedAlloc, b) -
        kb(arm.untaggedAlloc, b) -
        (kb(arm.taggedAlloc, a) - kb(arm.untaggedAlloc, a))
    );
    lines.push(
      `  allocated per execution (KB, sampled ${ALLOC} + ${ALLOC}), grown most, tagged − untagged / tagged / untagged:`,
      ...keys
        .slice(0, 24)
        .map(
          k =>
            `    ${(kb(arm.taggedAlloc, k) - kb(arm.untaggedAlloc, k)).toFixed(1).padStart(8)} ${kb(arm.taggedAlloc, k).toFixed(1).padStart(8)} ${kb(arm.untaggedAlloc, k).toFixed(1).padStart(8)}  ${k}`
        )
    );
  }
  const n = Math.max(1, arm.tagged.length + 1);
  if (MUTATIONS) {
    lines.push(
      `  DOM mutations per execution by region (tagged / untagged):`,
      ...countLines(
        arm.taggedMutations,
        arm.untaggedMutations,
        n,
        MUTATIONS_TIMED ? 60 : 16,
        1,
        7
      )
    );
  }
  if (REACT) {
    lines.push(
      `  React commits per execution by root (tagged / untagged):`,
      ...countLines(arm.taggedCommits, arm.untaggedCommits, n, 15, 2, 6)
    );
  }
  lines.push(
    `targets: tagged − untagged <= 5 ms mean CPU, <= 5 ms p50 wall (idle 2-core machine)`
  );
  return lines;
}

/** Add to `into` what each counter grew by from `before` to `after`. */
function addCounts(
  into: Map<string, number>,
  before: Record<string, number>,
  after: Record<string, number>
): void {
  for (const [key, count] of Object.entries(after)) {
    into.set(key, (into.get(key) ?? 0) + count - (before[key] ?? 0));
  }
}

/**
 * Counts per execution, tagged / untagged, the keys that grew most with
 * tagging first (the `top` of them; keys at zero in both left out).
 */
function countLines(
  tagged: Map<string, number>,
  untagged: Map<string, number>,
  executions: number,
  top: number,
  digits: number,
  width: number
): string[] {
  const f = (v: number) => v.toFixed(digits).padStart(width);
  return [...new Set([...tagged.keys(), ...untagged.keys()])]
    .map(key => ({
      key,
      tagged: (tagged.get(key) ?? 0) / executions,
      untagged: (untagged.get(key) ?? 0) / executions
    }))
    .filter(r => r.tagged > 0 || r.untagged > 0)
    .sort((a, b) => b.tagged - b.untagged - (a.tagged - a.untagged))
    .slice(0, top)
    .map(r => `    ${f(r.tagged)} / ${f(r.untagged)}  ${r.key}`);
}
