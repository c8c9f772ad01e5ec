/**
 * Large runs folders in the real UI: fixture folders written straight into
 * the server's root on disk (the Contents API takes minutes for 10,000
 * files), and the in-page measure of "rows painted" after a notebook tab is
 * selected. Shared by `large-folders.spec.ts` and the tab-switch benchmark.
 */
import type { IJupyterLabPageFixture } from '@jupyterlab/galata';
import type { Page, Request } from '@playwright/test';
import { execFileSync } from 'child_process';
import { mkdirSync, writeFileSync } from 'fs';
import * as path from 'path';
import { codeCell, notebookJson } from './notebooks';

const ROOT = path.resolve(__dirname, '../..');

/** The server's root on disk, from the page config. */
export async function serverRoot(
  page: IJupyterLabPageFixture | Page
): Promise<string> {
  return page.evaluate(() => {
    const node = document.getElementById('jupyter-config-data');
    return JSON.parse(node?.textContent ?? '{}').serverRoot as string;
  });
}

/**
 * Write `<dir>/<name>` and its runs folder of `runs` fixture runs with a
 * manifest shard, as the extension leaves a folder it wrote
 * (`scripts/make-fixture-runs.ts`). Returns the milliseconds it took.
 */
export function writeBigFolder(
  dirOnDisk: string,
  name: string,
  runs: number
): number {
  const started = Date.now();
  execFileSync(
    path.join(ROOT, 'node_modules/.bin/tsx'),
    [
      path.join(ROOT, 'scripts/make-fixture-runs.ts'),
      '--out',
      dirOnDisk,
      '--preset',
      'big',
      '--runs',
      String(runs),
      '--notebook',
      name
    ],
    { cwd: ROOT, encoding: 'utf-8', maxBuffer: 64 * 1024 * 1024 }
  );
  return Date.now() - started;
}

/** A notebook with one code cell and the python3 kernelspec. */
export function notebookText(source = 'print("hello")', tags: string[] = []) {
  return notebookJson([codeCell('only', source, tags)]);
}

/** Write a file on disk, making its folder. */
export function writeOnDisk(file: string, content: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, content);
}

/** A notebook panel's id, by its path (null when it is not open). */
export async function panelId(
  page: IJupyterLabPageFixture | Page,
  notebookPath: string
): Promise<string | null> {
  return page.evaluate(
    p =>
      [...window.jupyterapp.shell.widgets('main')].find(
        w =>
          (w as unknown as { context?: { path: string } }).context?.path === p
      )?.id ?? null,
    notebookPath
  );
}

/** Milliseconds from selecting a notebook to its first row. */
export interface IPaintTime {
  /** A row with a run id of that notebook is in the sidebar's DOM, laid out. */
  dom: number;
  /**
   * The task after it: the sidebar renders in an animation frame, so that
   * frame has been painted.
   */
  painted: number;
  /**
   * The first animation frame in which the notebook's own panel is shown:
   * what JupyterLab's tab switch costs before this extension's part.
   */
  tab: number;
}

/**
 * Select a notebook (`activate`: `shell.activateById` of its open panel;
 * `open`: `docmanager:open`, its first visit) and time, in the page, from
 * just before that until the runs sidebar shows a row of that notebook
 * (its subtitle names the notebook and a row with a run id has a size).
 * A MutationObserver on the sidebar sees the row as soon as it is added.
 */
export async function timeToRows(
  page: IJupyterLabPageFixture | Page,
  notebookPath: string,
  how: 'activate' | 'open',
  timeoutMs = 600_000
): Promise<IPaintTime> {
  return page.evaluate(
    ([notebookPath, how, timeoutMs]) =>
      new Promise<IPaintTime>((resolve, reject) => {
        const app = window.jupyterapp;
        const sidebar = document.getElementById('jp-runs-panel');
        if (!sidebar) {
          reject(new Error('the runs sidebar is not in the page'));
          return;
        }
        const shown = () => {
          const subtitle = sidebar.querySelector('.jp-RunsPanel-notebook');
          if (subtitle?.textContent !== notebookPath) {
            return false;
          }
          const row = sidebar.querySelector('.jp-RunsPanel-run[data-run-id]');
          return !!row && row.getBoundingClientRect().height > 0;
        };
        const panelsOf = () =>
          [...app.shell.widgets('main')].filter(
            w =>
              (w as unknown as { context?: { path: string } }).context?.path ===
              notebookPath
          );
        const findPanel = () => panelsOf()[0];
        let done = false;
        let tab = NaN;
        let visibleAfterActivate: boolean | null = null;
        // What selected another tab after this one (a reload's visit once
        // showed this notebook, then the other one again): when, and who.
        const switches: { at: number; to: string | null; stack: string }[] = [];
        const onCurrent = (
          _: unknown,
          args: { newValue: { context?: { path: string } } | null }
        ) => {
          const limit = Error.stackTraceLimit;
          Error.stackTraceLimit = 40; // down to whoever moved the focus
          const error = new Error();
          Error.stackTraceLimit = limit;
          switches.push({
            at: Math.round(performance.now() - t0),
            to: args.newValue?.context?.path ?? null,
            stack: (error.stack ?? '')
              .split('\n')
              .slice(2, 40)
              .map(l => l.trim().replace(/\(?https?:\/\/[^/]+/, '('))
              .join(' < ')
          });
        };
        const shell = app.shell as unknown as {
          currentChanged: {
            connect: (f: typeof onCurrent) => void;
            disconnect: (f: typeof onCurrent) => void;
          };
        };
        shell.currentChanged.connect(onCurrent);
        // And who asked for a widget's activation meanwhile: Lumino posts
        // the request, so the switch's own stack does not name its caller.
        const activations: { at: number; of: string; stack: string }[] = [];
        let widgetProto = Object.getPrototypeOf(app.shell) as {
          activate?: () => void;
        } | null;
        while (
          widgetProto &&
          !Object.prototype.hasOwnProperty.call(widgetProto, 'activate')
        ) {
          widgetProto = Object.getPrototypeOf(widgetProto);
        }
        const activate = widgetProto?.activate;
        const unpatch = () => {
          if (widgetProto && activate) {
            widgetProto.activate = activate;
          }
        };
        if (widgetProto && activate) {
          widgetProto.activate = function (this: {
            id: string;
            context?: { path: string };
          }) {
            const limit = Error.stackTraceLimit;
            Error.stackTraceLimit = 30;
            const error = new Error();
            Error.stackTraceLimit = limit;
            activations.push({
              at: Math.round(performance.now() - t0),
              of: this.context?.path ?? this.id,
              stack: (error.stack ?? '')
                .split('\n')
                .slice(2, 30)
                .map(l => l.trim().replace(/\(?https?:\/\/[^/]+/, '('))
                .join(' < ')
            });
            return activate.call(this);
          };
        }
        const frame = () => {
          if (findPanel()?.isVisible) {
            tab = performance.now() - t0;
          } else if (!done) {
            requestAnimationFrame(frame);
          }
        };
        const observer = new MutationObserver(() => check());
        const timer = window.setTimeout(() => {
          observer.disconnect();
          shell.currentChanged.disconnect(onCurrent);
          unpatch();
          done = true;
          // What the page showed instead (a benchmark's reload once ended
          // here with another notebook's tab selected): the current tab,
          // the sidebar's notebook and message, and this notebook's panel.
          const current = app.shell.currentWidget as unknown as {
            context?: { path: string };
          } | null;
          const seen = {
            currentTab: current?.context?.path ?? null,
            sidebarNotebook:
              sidebar.querySelector('.jp-RunsPanel-notebook')?.textContent ??
              null,
            sidebarMessage:
              sidebar
                .querySelector('.jp-RunsPanel-message, .jp-RunsPanel-empty')
                ?.textContent?.slice(0, 120) ?? null,
            panelVisible: findPanel()?.isVisible ?? null,
            // How many tabs hold this notebook, and whether `activateById`
            // showed its panel at once (the dock selects a tab in the call;
            // `shell.currentWidget` follows the focus, later).
            panels: panelsOf().length,
            visibleAfterActivate,
            switches,
            activations
          };
          reject(
            new Error(
              `no rows of ${notebookPath} in ${timeoutMs} ms; the page showed ${JSON.stringify(seen)}`
            )
          );
        }, timeoutMs as number);
        // Marks for a performance trace (benchmarks/trace.ts).
        performance.mark('runs-bench-select');
        const t0 = performance.now();
        const check = () => {
          if (done || !shown()) {
            return;
          }
          done = true;
          const dom = performance.now() - t0;
          observer.disconnect();
          shell.currentChanged.disconnect(onCurrent);
          unpatch();
          window.clearTimeout(timer);
          window.setTimeout(() => {
            performance.mark('runs-bench-painted');
            resolve({ dom, painted: performance.now() - t0, tab });
          }, 0);
        };
        observer.observe(sidebar, {
          childList: true,
          subtree: true,
          attributes: true,
          characterData: true
        });
        requestAnimationFrame(frame);
        if (how === 'open') {
          // Return nothing: the widget is not serializable.
          void app.commands.execute('docmanager:open', { path: notebookPath });
        } else {
          const panel = findPanel();
          if (!panel) {
            reject(new Error(`${notebookPath} is not open`));
            return;
          }
          app.shell.activateById(panel.id);
          visibleAfterActivate = panel.isVisible;
        }
        check();
      }),
    [notebookPath, how, timeoutMs] as const
  );
}

/**
 * Select a notebook that has no runs and wait until the sidebar says so:
 * the "away" tab between two return visits.
 */
export async function switchToEmpty(
  page: IJupyterLabPageFixture | Page,
  notebookPath: string
): Promise<void> {
  await page.evaluate(p => {
    const app = window.jupyterapp;
    const panel = [...app.shell.widgets('main')].find(
      w => (w as unknown as { context?: { path: string } }).context?.path === p
    );
    app.shell.activateById(panel!.id);
  }, notebookPath);
  await page.waitForFunction(p => {
    const sidebar = document.getElementById('jp-runs-panel');
    return (
      sidebar?.querySelector('.jp-RunsPanel-notebook')?.textContent === p &&
      !!sidebar.querySelector('.jp-RunsPanel-empty')
    );
  }, notebookPath);
  // And until the notebook holds the focus: after a reload, the focus that
  // selecting it asks for can come a second later, and JupyterLab then
  // selects its tab again, over a tab selected meanwhile. (Another late
  // switch after a reload, the file browser opening the page's
  // `/lab/tree/` path, is waited for by the tab-switch benchmark.)
  await page
    .waitForFunction(
      p => {
        const panel = [...window.jupyterapp.shell.widgets('main')].find(
          w =>
            (w as unknown as { context?: { path: string } }).context?.path === p
        );
        return !!panel && panel.node.contains(document.activeElement);
      },
      notebookPath,
      { timeout: 15_000 }
    )
    .catch(() => undefined);
}

/** A quiet moment spent in the page: timers, then two animation frames. */
export async function settle(
  page: IJupyterLabPageFixture | Page,
  ms: number
): Promise<void> {
  await page.evaluate(
    ms =>
      new Promise<void>(resolve =>
        setTimeout(
          () =>
            requestAnimationFrame(() => requestAnimationFrame(() => resolve())),
          ms
        )
      ),
    ms
  );
}

/** Writes (PUT, POST, PATCH, DELETE) to the Contents API, as they go out. */
export function recordWrites(page: Page): {
  writes: () => string[];
  manifestWrites: () => string[];
  reset: () => void;
} {
  let seen: string[] = [];
  page.on('request', (request: Request) => {
    const url = decodeURIComponent(request.url());
    if (request.method() !== 'GET' && url.includes('/api/contents/')) {
      seen.push(`${request.method()} ${url.split('/api/contents/')[1]}`);
    }
  });
  return {
    writes: () => [...seen],
    manifestWrites: () => seen.filter(w => /\/manifest-[^/]*$/.test(w)),
    reset: () => {
      seen = [];
    }
  };
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const i = Math.min(
    sorted.length - 1,
    Math.ceil((p / 100) * sorted.length) - 1
  );
  return sorted[Math.max(0, i)];
}

export const mean = (values: number[]): number =>
  values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
