import type { IJupyterLabPageFixture } from '@jupyterlab/galata';
import { expect } from '@jupyterlab/galata';
import type {
  APIRequestContext,
  Browser,
  BrowserContext,
  Locator,
  Page
} from '@playwright/test';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** The i-th of a family of valid, increasing run ids. */
export function runId(i: number, writer = 0): string {
  let time = '';
  for (let t = Date.UTC(2026, 10, 1) + i * 1000, k = 0; k < 10; k++) {
    time = CROCKFORD[t % 32] + time;
    t = Math.floor(t / 32);
  }
  let tail = '';
  for (let n = writer * 1_000_000 + i, k = 0; k < 16; k++) {
    tail = CROCKFORD[n % 32] + tail;
    n = Math.floor(n / 32);
  }
  return time + tail;
}

/** A valid run record (schema v1) as the extension writes it. */
export function runFile(id: string, notebookPath: string, i: number): string {
  const started = new Date(Date.UTC(2026, 10, 1) + i * 1000);
  return JSON.stringify(
    {
      schemaVersion: 2,
      id,
      notebookPath,
      cellId: 'train',
      experiment: 'history',
      code: `lr = ${i}`,
      executionCount: i + 1,
      startedAt: started.toISOString(),
      endedAt: new Date(started.getTime() + 500).toISOString(),
      durationMs: 500,
      status: i % 10 === 3 ? 'error' : 'ok',
      ...(i % 10 === 3
        ? { error: { ename: 'ValueError', evalue: 'x', traceback: [] } }
        : {}),
      outputs: [{ output_type: 'stream', name: 'stdout', text: `${i}\n` }],
      kernel: { name: 'python3', language: 'python', languageVersion: '3.12' },
      extensionVersion: '0.1.0'
    },
    null,
    1
  );
}

type Requester = Pick<APIRequestContext, 'put' | 'get'>;

/** PUT a text file (or folder) through the Contents API. */
export async function putFile(
  request: Requester,
  path: string,
  content: string | null,
  format: 'text' | 'base64' = 'text'
): Promise<void> {
  const data =
    content === null
      ? { type: 'directory' }
      : { type: 'file', format, content };
  const response = await request.put(`/api/contents/${encodeURI(path)}`, {
    data
  });
  expect(response.ok()).toBe(true);
}

/** Write `count` run files into a folder, 10 at a time. */
export async function writeRuns(
  request: Requester,
  folder: string,
  notebookPath: string,
  count: number
): Promise<string[]> {
  await putFile(request, folder, null);
  const ids = Array.from({ length: count }, (_v, i) => runId(i));
  for (let i = 0; i < count; i += 10) {
    await Promise.all(
      ids
        .slice(i, i + 10)
        .map((id, k) =>
          putFile(
            request,
            `${folder}/${id}.json`,
            runFile(id, notebookPath, i + k)
          )
        )
    );
  }
  return ids;
}

/** Names of the files directly in a folder ([] when it does not exist). */
export async function listNames(
  request: Requester,
  folder: string
): Promise<string[]> {
  const response = await request.get(
    `/api/contents/${encodeURI(folder)}?content=1`
  );
  if (response.status() === 404) {
    return [];
  }
  expect(response.ok()).toBe(true);
  const listing = (await response.json()).content as { name: string }[];
  return listing.map(item => item.name).sort();
}

export const isRunFileName = (name: string): boolean =>
  /^[0-9A-HJKMNP-TV-Z]{26}\.json$/.test(name);

/** Count requests for individual run files of a folder. */
export function countRunFileReads(page: Page, folder: string): () => number {
  let count = 0;
  const pattern = new RegExp(
    `/api/contents/${folder.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/[0-9A-HJKMNP-TV-Z]{26}\\.json(\\?|$)`
  );
  page.on('request', request => {
    if (request.method() === 'GET' && pattern.test(decodeURI(request.url()))) {
      count++;
    }
  });
  return () => count;
}

/** The number of runs the sidebar lists (whatever table renders them). */
export async function expectSidebarRuns(
  sidebar: Locator,
  count: number,
  timeout = 30_000
): Promise<void> {
  await expect
    .poll(
      async () =>
        sidebar.evaluate(node => {
          const counter = node.querySelector<HTMLElement>(
            '.jp-RunsExplorer-count'
          );
          if (counter?.dataset.shown) {
            return Number(counter.dataset.shown);
          }
          return node.querySelectorAll('.jp-RunsPanel-run').length;
        }),
      { timeout }
    )
    .toBe(count);
}

/** Reload and reopen a notebook with the sidebar shown. */
export async function reloadWith(
  page: IJupyterLabPageFixture,
  notebookPath: string
): Promise<void> {
  await page.reload({ waitForIsReady: false });
  await page.locator('#jupyterlab-splash').waitFor({ state: 'detached' });
  await openNotebook(page, notebookPath);
}

/**
 * Open a notebook and show the runs sidebar, once JupyterLab has restored
 * its saved layout: restoring it replaces the main area, so a notebook
 * opened before that is detached from the shell and never shows.
 */
export async function openNotebook(
  page: IJupyterLabPageFixture | Page,
  notebookPath: string
): Promise<void> {
  await page.waitForFunction(
    () =>
      !!window.jupyterapp?.commands?.hasCommand('docmanager:open') &&
      !!window.jupyterapp.commands.hasCommand('jupyterlab-runs:show-runs'),
    undefined,
    { timeout: 60_000 }
  );
  await page.evaluate(async path => {
    const app = window.jupyterapp;
    await app.restored;
    // Return nothing: Playwright would serialize the whole widget graph.
    await app.commands.execute('docmanager:open', { path });
    await app.commands.execute('jupyterlab-runs:show-runs');
  }, notebookPath);
}

let freshPages = 0;

/**
 * JupyterLab in a fresh browser context (empty IndexedDB, storage and
 * cookies), as another user or machine would open it.
 *
 * It gets a workspace of its own, reset: Galata mocks the workspace only
 * for its own `page`, so a bare `/lab` would restore the server's real
 * `default` workspace, which holds whatever an earlier test left open.
 */
export async function openFreshLab(
  browser: Browser,
  baseURL: string,
  beforeLoad?: (page: Page) => void
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  beforeLoad?.(page);
  const workspace = `runs-fresh-${process.pid}-${++freshPages}`;
  await page.goto(`${baseURL}/lab/workspaces/${workspace}?reset`);
  return { context, page };
}
