/**
 * No run lost, none garbled: every execution of an experiment cell that the
 * kernel runs ends as one saved run with a true terminal status, whatever
 * happened around it (an error or an interrupt above it in a Run All, a
 * restart, the page closed, reloaded or crashed in the middle of a queued
 * burst). The kernel itself writes the ground truth: the drill cell appends
 * its execution count to `ground-truth.jsonl` each time it runs, and every
 * test compares the run files on disk with it.
 */
import { expect, test, type IJupyterLabPageFixture } from './fixtures';
import { chromium } from '@playwright/test';
import * as path from 'path';
import {
  expectOneRunPerExecution,
  expectStatuses,
  groundTruth,
  kernelIdle,
  runCell,
  setFlag,
  settledRuns,
  startCell
} from './drillHelpers';
import { readRuns, readText } from './helpers';
import { openFreshLab, openNotebook, reloadWith } from './historyHelpers';

const NOTEBOOK = 'drills.ipynb';
// Cells: 0 markdown, 1 parameters, 2 setup, 3 gate (fails or waits on
// files), 4 experiment:drill (writes the ground truth, logs `loss` n times).
const GATE = 3;
const DRILL = 4;

// Galata's kernel-tracking route parses every POST reply as JSON and fails
// on the empty 204 of an interrupt request: do not mock the kernels API.
test.use({ kernels: null });

/**
 * Open the drills notebook, set it up and start the drill cell held (the
 * `hold` flag: it logs ticks until the flag goes), once its `running` file
 * is written.
 */
async function startHeldDrill(
  page: IJupyterLabPageFixture,
  tmpPath: string
): Promise<void> {
  await openNotebook(page, `${tmpPath}/${NOTEBOOK}`);
  await kernelIdle(page);
  await runCell(page, 1);
  await runCell(page, 2);
  await setFlag(page, tmpPath, 'hold', true);
  await startCell(page, DRILL);
  await expectStatuses(page, `${tmpPath}/drills.runs`, ['running'], 30_000);
}

/**
 * Close the notebook's tab as a user does, saving it: JupyterLab leaves its
 * kernel running, with whatever is queued.
 */
async function closeNotebookTab(page: IJupyterLabPageFixture): Promise<void> {
  await page.evaluate(() =>
    window.jupyterapp.commands.execute('application:close')
  );
  await page
    .locator('.jp-Dialog')
    .getByRole('button', { name: 'Save', exact: true })
    .click();
  await expect(page.locator('.jp-NotebookPanel')).toHaveCount(0);
}

test.describe('No run lost', () => {
  test.beforeEach(async ({ page, tmpPath }) => {
    await page.contents.uploadFile(
      path.resolve(__dirname, '../notebooks', NOTEBOOK),
      `${tmpPath}/${NOTEBOOK}`
    );
  });

  test('a Run All that stops on an error above the experiment, then three executions: three runs', async ({
    page,
    tmpPath
  }) => {
    await openNotebook(page, `${tmpPath}/${NOTEBOOK}`);
    await kernelIdle(page);
    await setFlag(page, tmpPath, 'fail', true);
    // A fresh kernel: the first experiment request is queued behind the
    // failing cell and aborted with it.
    await page.menu.clickMenuItem('Run>Run All Cells');
    await kernelIdle(page);
    await setFlag(page, tmpPath, 'fail', false);
    for (let i = 0; i < 3; i++) {
      await runCell(page, DRILL);
      await kernelIdle(page);
    }
    const { runs, truth } = await settledRuns(page, tmpPath, 3);
    expect(truth).toHaveLength(3);
    expectOneRunPerExecution(runs, truth);
    expect(runs.map(r => r.status)).toEqual(['ok', 'ok', 'ok']);
    for (const run of runs) {
      expect(run.metrics?.loss.count).toBe(3);
    }
    // The sidebar says the same: three rows, none running.
    const rows = page.locator('.jp-RunsPanel-run');
    await expect(rows).toHaveCount(3);
    await expect(
      page.locator('.jp-RunsPanel-run[data-status="running"]')
    ).toHaveCount(0);
  });

  test('restart and run all, run all below, an interrupt above: one run per execution', async ({
    page,
    tmpPath
  }) => {
    await openNotebook(page, `${tmpPath}/${NOTEBOOK}`);
    await kernelIdle(page);
    await page.menu.clickMenuItem('Run>Run All Cells');
    await expect.poll(() => groundTruth(page, tmpPath)).toHaveLength(1);
    await kernelIdle(page);
    // Restart and Run All.
    await page.evaluate(() => {
      // Not awaited: it waits for the confirmation dialog.
      void window.jupyterapp.commands.execute('notebook:restart-run-all');
    });
    await page.locator('.jp-Dialog-button.jp-mod-accept').click();
    await expect.poll(() => groundTruth(page, tmpPath)).toHaveLength(2);
    await kernelIdle(page);
    // Run All Below from the gate while it fails: the drill is aborted.
    await setFlag(page, tmpPath, 'fail', true);
    await page.evaluate(
      async ({ gate }) => {
        const app = window.jupyterapp;
        const panel = app.shell.currentWidget as unknown as {
          content: { activeCellIndex: number };
        };
        panel.content.activeCellIndex = gate;
        await app.commands.execute('notebook:run-all-below');
      },
      { gate: GATE }
    );
    await kernelIdle(page);
    // Whether the drill ran there is the kernel's to decide, not ours: it
    // aborts the requests it has queued when the gate fails, and runs one
    // that arrived after (ipykernel's `stop_on_error_timeout`, 0 s, says
    // so; seen once in CI, ground truth [4, 4, 6, 7]). Each execution it
    // ran must be one run either way.
    const afterFail = (await groundTruth(page, tmpPath)).length;
    expect([2, 3]).toContain(afterFail);
    await setFlag(page, tmpPath, 'fail', false);
    // Run All Below again: it runs.
    await page.evaluate(() =>
      window.jupyterapp.commands.execute('notebook:run-all-below')
    );
    await expect
      .poll(() => groundTruth(page, tmpPath))
      .toHaveLength(afterFail + 1);
    await kernelIdle(page);
    // An interrupt in the gate while the drill waits behind it.
    await setFlag(page, tmpPath, 'slow', true);
    await page.menu.clickMenuItem('Run>Run All Cells');
    await page.waitForTimeout(1500);
    await page.menu.clickMenuItem('Kernel>Interrupt Kernel');
    await kernelIdle(page);
    await setFlag(page, tmpPath, 'slow', false);
    await runCell(page, DRILL);
    const { runs, truth } = await settledRuns(page, tmpPath, afterFail + 2);
    expect(truth).toHaveLength(afterFail + 2);
    expectOneRunPerExecution(runs, truth);
    expect(runs.every(r => r.status === 'ok')).toBe(true);
  });

  for (const how of ['closed', 'reloaded', 'crashed'] as const) {
    test(`a burst of 50 executions survives its page being ${how}`, async ({
      page,
      browser,
      baseURL,
      tmpPath
    }) => {
      // The burst runs in a page of its own (for the crash, in a browser
      // process of its own, killed); Galata's page stays away from the
      // notebook until the burst page is gone, so no page listens.
      const server =
        how === 'crashed'
          ? await chromium.launchServer(test.info().project.use.launchOptions)
          : null;
      const burstBrowser = server
        ? await chromium.connect(server.wsEndpoint())
        : browser;
      const other = await openFreshLab(burstBrowser, baseURL!);
      await setFlag(page, tmpPath, 'pace', true);
      await openNotebook(other.page, `${tmpPath}/${NOTEBOOK}`);
      await kernelIdle(other.page);
      await runCell(other.page, 1); // parameters
      await runCell(other.page, 2); // setup
      await runCell(other.page, DRILL, 50);
      await expect
        .poll(async () => (await groundTruth(page, tmpPath)).length, {
          timeout: 60_000
        })
        .toBeGreaterThanOrEqual(3);
      if (how === 'closed') {
        await other.context.close();
      } else if (how === 'reloaded') {
        await reloadWith(
          other.page as unknown as IJupyterLabPageFixture,
          `${tmpPath}/${NOTEBOOK}`
        );
      } else {
        server!.process().kill('SIGKILL');
      }
      expect((await groundTruth(page, tmpPath)).length).toBeLessThan(50);
      if (how !== 'reloaded') {
        await openNotebook(page, `${tmpPath}/${NOTEBOOK}`);
      }
      const { runs, truth } = await settledRuns(
        how === 'reloaded' ? other.page : page,
        tmpPath,
        50,
        110_000
      );
      expect(truth).toHaveLength(50);
      expectOneRunPerExecution(runs, truth);
      for (const run of runs) {
        expect(run.status).toBe('ok');
        expect(run.metrics?.loss.count).toBe(3);
      }
      if (how === 'reloaded') {
        await other.context.close();
      }
    });
  }

  test('the runs of a burst whose page was closed are on disk within seconds of its end when the notebook is opened again', async ({
    page,
    browser,
    baseURL,
    tmpPath
  }) => {
    const other = await openFreshLab(browser, baseURL!);
    await setFlag(page, tmpPath, 'pace', true);
    await openNotebook(other.page, `${tmpPath}/${NOTEBOOK}`);
    await kernelIdle(other.page);
    await runCell(other.page, 1); // parameters
    await runCell(other.page, 2); // setup
    await runCell(other.page, DRILL, 8);
    await expect
      .poll(async () => (await groundTruth(page, tmpPath)).length, {
        timeout: 60_000
      })
      .toBeGreaterThanOrEqual(2);
    await other.context.close();
    // The kernel runs the rest of the burst with no page listening.
    await expect
      .poll(async () => (await groundTruth(page, tmpPath)).length, {
        timeout: 60_000
      })
      .toBe(8);
    await openNotebook(page, `${tmpPath}/${NOTEBOOK}`);
    // This page is the only one connected to the kernel: no other page can
    // be saving those runs, and they are taken from the kernel's journal at
    // once. (They waited out a 15 s grace period, which a user reopening the
    // notebook took for runs lost.)
    const { runs, truth } = await settledRuns(page, tmpPath, 8, 8_000);
    expectOneRunPerExecution(runs, truth);
    for (const run of runs) {
      expect(run.status).toBe('ok');
      expect(run.metrics?.loss.count).toBe(3);
    }
    await expect(
      page.locator('#jp-runs-panel .jp-RunsPanel-run[data-run-id]')
    ).toHaveCount(8);
  });

  test('a notebook tab closed during a burst: each run ends ok with all its points, without opening the notebook again', async ({
    page,
    tmpPath
  }) => {
    await startHeldDrill(page, tmpPath);
    // Two more queued behind it, as a user's repeated Ctrl+Enter does.
    await startCell(page, DRILL);
    await startCell(page, DRILL);
    // The user closes the notebook's tab (and saves it): JupyterLab leaves
    // its kernel running, with the rest of the burst.
    await closeNotebookTab(page);
    // No end is guessed for the run in flight meanwhile (it was written
    // `interrupted`, "the kernel was changed or shut down", at the close).
    for (let i = 0; i < 6; i++) {
      const statuses = (await readRuns(page, `${tmpPath}/drills.runs`)).map(
        r => r.status
      );
      expect(statuses).toEqual(['running']);
      await page.waitForTimeout(500);
    }
    await setFlag(page, tmpPath, 'hold', false);
    // Recorded from the journal once the kernel is done, with this page
    // still on another tab: the notebook is not opened again.
    const { runs, truth } = await settledRuns(page, tmpPath, 3, 40_000);
    expect(truth).toHaveLength(3);
    expectOneRunPerExecution(runs, truth);
    for (const run of runs) {
      expect(run.status).toBe('ok');
      expect(run.metrics?.loss.count).toBe(3);
    }
    const held = runs.find(r => r.metrics?.tick)!;
    expect(held.metrics?.tick.count).toBeGreaterThan(10);
    // Its lineage was analysed against the cells the tab was closed with,
    // it has its parameters, and it keeps the outputs its view showed until then (its log
    // display), which the journal does not have.
    const file = JSON.parse(
      await readText(page, `${tmpPath}/drills.runs/${held.id}.json`)
    );
    expect(file.lineage?.entries?.length).toBeGreaterThan(0);
    // The parameters cell's values it ran with.
    expect(file.params).toMatchObject({ n: 3, delay: 0.02 });
    expect(held.outputs.length).toBeGreaterThan(0);
    expect(held.capture?.notes?.join(' ')).toContain('tab was closed');
    await expect(page.locator('.jp-NotebookPanel')).toHaveCount(0);
  });

  test('a hand sweep queued behind a run, its tab then closed: each run has the parameters it ran with', async ({
    page,
    tmpPath
  }) => {
    await startHeldDrill(page, tmpPath); // with delay = 0.02
    // The user edits the parameters cell and queues it with the experiment,
    // twice, while the first run still goes, then closes the tab: the page
    // never sees these cells run.
    for (const delay of [0.03, 0.04]) {
      await page.evaluate(source => {
        const panel = window.jupyterapp.shell.currentWidget as unknown as {
          content: {
            widgets: {
              model: { sharedModel: { setSource(s: string): void } };
            }[];
          };
        };
        panel.content.widgets[1].model.sharedModel.setSource(source);
      }, `n = 3\ndelay = ${delay}`);
      await startCell(page, 1);
      await startCell(page, DRILL);
    }
    await closeNotebookTab(page);
    await setFlag(page, tmpPath, 'hold', false);
    const { runs, truth } = await settledRuns(page, tmpPath, 3, 40_000);
    expect(truth).toHaveLength(3);
    expectOneRunPerExecution(runs, truth);
    const files = await Promise.all(
      [...runs]
        .sort((a, b) => a.executionCount! - b.executionCount!)
        .map(async run =>
          JSON.parse(
            await readText(page, `${tmpPath}/drills.runs/${run.id}.json`)
          )
        )
    );
    // The kernel kept the parameters cell's values with each run it
    // started (its journal); the page had only the first.
    expect(files.map(f => f.status)).toEqual(['ok', 'ok', 'ok']);
    expect(files.map(f => f.params?.delay)).toEqual([0.02, 0.03, 0.04]);
    for (const file of files) {
      expect(file.params?.n).toBe(3);
      expect(file.paramSources?.delay).toBe('parameters');
      // The parameters cell says delay = 0.04 now: the sweep moved on, and
      // each run's own values are not a stale parameter. The drill cell
      // calls get_ipython(), which the kernel's slicer cannot follow; a run
      // after another of it is not "self-dependent" for that alone.
      expect(file.provenance).toEqual({ state: 'clean', issues: [] });
    }
  });

  test('a page reloaded during a run that then completes records it ok with all its points', async ({
    page,
    tmpPath
  }) => {
    await startHeldDrill(page, tmpPath);
    await reloadWith(page, `${tmpPath}/${NOTEBOOK}`);
    await page.waitForTimeout(1000);
    await setFlag(page, tmpPath, 'hold', false);
    const { runs, truth } = await settledRuns(page, tmpPath, 1);
    expectOneRunPerExecution(runs, truth);
    const [run] = runs;
    expect(run.status).toBe('ok');
    expect(run.metrics?.loss.count).toBe(3);
    // Every tick, logged before the reload and after it.
    expect(run.metrics?.tick.count).toBeGreaterThan(20);
    expect(run.capture?.missedMessages).toBe(false);
    const text = await readText(page, `${tmpPath}/drills.runs/${run.id}.json`);
    expect(text).toContain('kernel’s journal');
  });
});
