/**
 * Helpers for the fault-drill scenarios (no-run-lost, fault-drills): the
 * fixture notebooks/drills.ipynb, whose experiment cell appends its In[]
 * number to `ground-truth.jsonl` each time the kernel runs it, and behaves
 * according to flag files in its folder (`fail`, `slow`, `pace`, `hold`,
 * `die`).
 */
import { expect, type IJupyterLabPageFixture } from '@jupyterlab/galata';
import type { IQuietConsole } from './fixtures';
import type { Page } from '@playwright/test';
import * as fs from 'fs';
import * as path from 'path';
import { readRuns, type IRunFile } from './helpers';
import { openNotebook } from './historyHelpers';

const FIXTURE = path.resolve(__dirname, '../notebooks/drills.ipynb');
/** The drills notebook's cells: parameters, setup, and the tagged drill. */
export const PARAMS = 1;
export const SETUP = 2;
export const DRILL = 4;

export interface IDrillRun extends IRunFile {
  metrics?: Record<string, { count: number }>;
  capture?: { notes?: string[]; missedMessages?: boolean };
}

/** The executions of the drill cell, as the kernel wrote them down. */
export async function groundTruth(
  page: IJupyterLabPageFixture | Page,
  folder: string
): Promise<number[]> {
  const response = await page.request.get(
    `/api/contents/${encodeURI(`${folder}/ground-truth.jsonl`)}?type=file&format=text&content=1`
  );
  if (response.status() === 404) {
    return [];
  }
  const text = (await response.json()).content as string;
  return text
    .split('\n')
    .filter(line => line.trim())
    .map(line => (JSON.parse(line) as { count: number }).count);
}

export async function setFlag(
  page: IJupyterLabPageFixture | Page,
  folder: string,
  name: string,
  on: boolean
): Promise<void> {
  const url = `/api/contents/${encodeURI(`${folder}/${name}`)}`;
  if (on) {
    const response = await page.request.put(url, {
      data: { type: 'file', format: 'text', content: '' }
    });
    expect(response.ok()).toBe(true);
  } else {
    await page.request.delete(url);
  }
}

/**
 * Wait until the runs folder holds one final run per execution the kernel
 * wrote down (and at least `atLeast`), none `running`; return them.
 */
export async function settledRuns(
  page: IJupyterLabPageFixture | Page,
  tmpPath: string,
  atLeast: number,
  timeout = 90_000,
  runsFolder = `${tmpPath}/drills.runs`
): Promise<{ runs: IDrillRun[]; truth: number[] }> {
  let runs: IDrillRun[] = [];
  let truth: number[] = [];
  await expect
    .poll(
      async () => {
        truth = await groundTruth(page, tmpPath);
        try {
          runs = (await readRuns(
            page as IJupyterLabPageFixture,
            runsFolder
          )) as IDrillRun[];
        } catch (error) {
          if (error instanceof SyntaxError) {
            return 'a file is being replaced';
          }
          throw error;
        }
        const running = runs.filter(r => r.status === 'running').length;
        return `${runs.length} runs (${running} running) for ${truth.length} executions`;
      },
      { timeout, intervals: [1000] }
    )
    .toBe(
      `${Math.max(atLeast, truth.length)} runs (0 running) for ${Math.max(atLeast, truth.length)} executions`
    );
  return { runs, truth };
}

/** Every run matches one execution of the ground truth, once. */
export function expectOneRunPerExecution(
  runs: IDrillRun[],
  truth: number[],
  experiment = 'drill'
): void {
  expect(new Set(runs.map(r => r.id)).size).toBe(runs.length);
  expect(runs.map(r => r.executionCount).sort((a, b) => a! - b!)).toEqual(
    [...truth].sort((a, b) => a - b)
  );
  for (const run of runs) {
    expect(['ok', 'error', 'interrupted']).toContain(run.status);
    expect(run.experiment).toBe(experiment);
  }
}

/**
 * Each run carries the outputs of its own execution: its log output names
 * the run's own In[] number (not the execution before or after it).
 */
export function expectOwnLogOutputs(runs: IDrillRun[]): void {
  const LOG = 'application/vnd.jupyterlab-runs.log+json';
  for (const run of runs) {
    const log = run.outputs.find(
      o => (o.data as Record<string, unknown> | undefined)?.[LOG]
    );
    expect(
      ((log?.data as Record<string, { execution_count?: number }>)[LOG] ?? {})
        .execution_count
    ).toBe(run.executionCount);
  }
}

/**
 * Run a cell once and wait for it, or `times` times without waiting (the
 * kernel queues them, as a user's repeated Ctrl+Enter does).
 */
export async function runCell(
  page: IJupyterLabPageFixture | Page,
  index: number,
  times = 1
): Promise<void> {
  await page.evaluate(
    async ({ index, times }) => {
      const app = window.jupyterapp;
      const panel = app.shell.currentWidget as unknown as {
        content: { activeCellIndex: number };
      };
      panel.content.activeCellIndex = index;
      if (times === 1) {
        // Wait for it: the command reads the active cell after a tick.
        await app.commands.execute('notebook:run-cell');
        return;
      }
      for (let i = 0; i < times; i++) {
        void app.commands.execute('notebook:run-cell');
      }
    },
    { index, times }
  );
}

/** Send a cell to the kernel without waiting for it to finish. */
export async function startCell(
  page: IJupyterLabPageFixture | Page,
  index: number
): Promise<void> {
  await page.evaluate(async index => {
    const app = window.jupyterapp;
    const panel = app.shell.currentWidget as unknown as {
      content: { activeCellIndex: number };
    };
    panel.content.activeCellIndex = index;
    void app.commands.execute('notebook:run-cell');
    // The command reads the active cell after a tick.
    await new Promise(resolve => setTimeout(resolve, 100));
  }, index);
}

export async function kernelIdle(
  page: IJupyterLabPageFixture | Page
): Promise<void> {
  await expect
    .poll(
      () =>
        page.evaluate(() => {
          const panel = window.jupyterapp.shell.currentWidget as unknown as {
            sessionContext?: { session?: { kernel?: { status: string } } };
          };
          return panel.sessionContext?.session?.kernel?.status;
        }),
      { timeout: 60_000 }
    )
    .toBe('idle');
}

/** Wait until the runs folder's run files have these statuses, oldest first. */
export async function expectStatuses(
  page: IJupyterLabPageFixture | Page,
  runsFolder: string,
  statuses: string[],
  timeout = 30_000
): Promise<void> {
  await expect
    .poll(
      async () =>
        (await readRuns(page as IJupyterLabPageFixture, runsFolder)).map(
          r => r.status
        ),
      { timeout }
    )
    .toEqual(statuses);
}

/** Upload the drills notebook under `name`, changed by `edit`. */
export async function uploadDrills(
  page: IJupyterLabPageFixture,
  notebookPath: string,
  edit: (nb: {
    cells: { id: string; source: string; metadata: { tags?: string[] } }[];
  }) => void = () => undefined
): Promise<void> {
  const nb = JSON.parse(fs.readFileSync(FIXTURE, 'utf-8'));
  edit(nb);
  const url = `/api/contents/${notebookPath.split('/').map(encodeURIComponent).join('/')}`;
  const response = await page.request.put(url, {
    data: { type: 'notebook', format: 'json', content: nb }
  });
  expect(response.ok()).toBe(true);
}

/** The drills notebook, uploaded as is, opened and set up. */
export async function openDrills(
  page: IJupyterLabPageFixture,
  tmpPath: string
) {
  const nb = `${tmpPath}/drills.ipynb`;
  await uploadDrills(page, nb);
  await prepare(page, nb);
  return nb;
}

export async function prepare(
  page: IJupyterLabPageFixture,
  notebookPath: string
) {
  await openNotebook(page, notebookPath);
  await kernelIdle(page);
  await runCell(page, PARAMS);
  await runCell(page, SETUP);
}

/**
 * What JupyterLab itself reports when its kernel (or its server) is gone:
 * the session and kernel requests of the dead kernel answer 404, and while
 * the server is down every request and websocket is refused.
 */
export function allowDeadKernel(quiet: IQuietConsole): void {
  quiet.allow(
    /HTTP 404 (GET|PATCH) \/api\/(kernels|sessions)\/|ERR_CONNECTION_REFUSED|WebSocket connection to \S+\/api\/kernels\/|status of 404|Session not found|Canceled future for \w+ message/,
    "JupyterLab's own requests for the kernel that died"
  );
}

/**
 * Upload the sweep notebook (ui-tests/notebooks/sweep.ipynb: 0 intro,
 * 1 parameters, 2 data, 3 unrelated, 4 experiment:logreg), open it and
 * wait for its kernel. Returns its runs folder.
 */
export async function openSweep(
  page: IJupyterLabPageFixture,
  tmpPath: string
): Promise<string> {
  await page.contents.uploadFile(
    path.resolve(__dirname, '../notebooks/sweep.ipynb'),
    `${tmpPath}/sweep.ipynb`
  );
  await openNotebook(page, `${tmpPath}/sweep.ipynb`);
  await kernelIdle(page);
  return `${tmpPath}/sweep.runs`;
}
