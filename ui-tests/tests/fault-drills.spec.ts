/**
 * Fault drills: the runs folder deleted by hand, a notebook name with a
 * backslash, names too long for a file, a kernel that dies or is shut down
 * in the middle of a run. In each, every execution the kernel ran (its own
 * ground truth) ends as one saved run with a true status and reason.
 */
import { expect, test, type IJupyterLabPageFixture } from './fixtures';
import * as path from 'path';
import {
  allowDeadKernel,
  DRILL,
  PARAMS,
  SETUP,
  expectOneRunPerExecution,
  expectOwnLogOutputs,
  expectStatuses,
  groundTruth,
  kernelIdle,
  openDrills,
  prepare,
  uploadDrills,
  runCell,
  setFlag,
  settledRuns,
  startCell
} from './drillHelpers';
import { readRuns } from './helpers';
import { listNames } from './historyHelpers';

/** A 1×1 PNG, for a figure with a very long name. */
const PNG =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';

// Galata's kernel-tracking route parses every POST reply as JSON and fails
// on the empty 204 of an interrupt request: do not mock the kernels API.
test.use({ kernels: null });

/** Run code in the notebook's kernel, as a console would (not recorded). */
async function inKernel(page: IJupyterLabPageFixture, code: string) {
  await page.evaluate(async code => {
    const panel = window.jupyterapp.shell.currentWidget as unknown as {
      sessionContext: {
        session: {
          kernel: {
            requestExecute(c: object): { done: Promise<unknown> };
          };
        };
      };
    };
    await panel.sessionContext.session.kernel.requestExecute({
      code,
      silent: true,
      store_history: false
    }).done;
  }, code);
}

test.describe('Fault drills', () => {
  test('a runs folder deleted by hand is re-created by the next run', async ({
    page,
    tmpPath,
    quiet
  }) => {
    quiet.allow(
      /HTTP (404|500) PUT \S+\/drills\.runs\/manifest-|status of (404|500)/,
      // 500 when the folder is gone before the write, 404 when it goes
      // between the write and the server's reading back of the saved file.
      'the manifest shard already scheduled for the folder finds it deleted'
    );
    // The sidebar's watch of the folder's time (every 2.5 s) goes through
    // the server extension, which says "does not exist" with a 200: no 404.
    await openDrills(page, tmpPath);
    await runCell(page, DRILL);
    await settledRuns(page, tmpPath, 1);
    await kernelIdle(page);
    // Deleted once the page has written what it writes after a run (its
    // manifest shard, a second after saves pause), as a user deleting the
    // folder later would. Deleted while that shard lands, the folder keeps
    // it (`rmtree` fails, not empty) and loses the run file; that write's
    // own check of the folder cannot see a file removed meanwhile
    // (`src/storage/ownWrites.ts`), and the row stays until the folder's
    // next change (CI, once in many runs).
    await expect
      .poll(
        async () =>
          (await listNames(page.request, `${tmpPath}/drills.runs`)).some(n =>
            n.startsWith('manifest-')
          ),
        { timeout: 15_000 }
      )
      .toBe(true);
    await inKernel(page, "import shutil; shutil.rmtree('drills.runs')");
    expect(await readRuns(page, `${tmpPath}/drills.runs`)).toEqual([]);
    // The sidebar lets the deleted run go with its folder's next check.
    await expect(page.locator('.jp-RunsPanel-run')).toHaveCount(0, {
      timeout: 15_000
    });
    await runCell(page, DRILL);
    await runCell(page, DRILL);
    // The deleted folder took the first run; the two after it are there.
    await expectStatuses(page, `${tmpPath}/drills.runs`, ['ok', 'ok'], 60_000);
    const runs = await readRuns(page, `${tmpPath}/drills.runs`);
    expect(runs.map(r => r.executionCount)).toEqual(
      (await groundTruth(page, tmpPath)).slice(1)
    );
    // And shows the two on disk, not three.
    await expect(page.locator('.jp-RunsPanel-run')).toHaveCount(2);
    const shown = await page
      .locator('.jp-RunsPanel-run')
      .evaluateAll(rows => rows.map(r => (r as HTMLElement).dataset.runId));
    expect(shown.sort()).toEqual(runs.map(r => r.id).sort());
  });

  test('a notebook renamed by another client: its runs follow the new name', async ({
    page,
    tmpPath
  }) => {
    const nb = await openDrills(page, tmpPath);
    await runCell(page, DRILL);
    await settledRuns(page, tmpPath, 1);
    // Another client (a second tab, a script) renames the notebook through
    // the REST API while this page keeps it open under its old name.
    const response = await page.request.patch(
      `/api/contents/${encodeURI(nb)}`,
      { data: { path: `${tmpPath}/renamed.ipynb` } }
    );
    expect(response.ok()).toBe(true);
    await page.waitForTimeout(2000);
    await runCell(page, DRILL);
    await runCell(page, DRILL);
    const { runs, truth } = await settledRuns(
      page,
      tmpPath,
      3,
      60_000,
      `${tmpPath}/renamed.runs`
    );
    expectOneRunPerExecution(runs, truth);
    // Nothing went back to the old name.
    const old = await page.request.get(
      `/api/contents/${encodeURI(`${tmpPath}/drills.runs`)}?content=0`
    );
    expect(old.status()).toBe(404);
    // The sidebar shows the three as saved: the runs saved under the new
    // name are this notebook's (it stays open here under its old name),
    // not left "Running" from their live summaries.
    await expect(page.locator('.jp-RunsPanel-run')).toHaveCount(3);
    await expect(
      page.locator('.jp-RunsPanel-run[data-status="ok"]')
    ).toHaveCount(3);
  });

  test('a notebook whose name holds a backslash saves its runs, and so do the others', async ({
    page,
    tmpPath
  }) => {
    const odd = `${tmpPath}/back\\slash #1 100%.ipynb`;
    await uploadDrills(page, odd);
    await prepare(page, odd);
    await runCell(page, DRILL);
    await runCell(page, DRILL);
    const folder = `${tmpPath}/back\\slash #1 100%.runs`;
    const listing = await page.request.get(
      `/api/contents/${folder.split('/').map(encodeURIComponent).join('/')}?content=1`
    );
    await expect
      .poll(
        async () => {
          const response = await page.request.get(
            `/api/contents/${folder.split('/').map(encodeURIComponent).join('/')}?content=1`
          );
          if (!response.ok()) {
            return -1;
          }
          const items = (await response.json()).content as { name: string }[];
          return items.filter(i => /^[0-9A-Z]{26}\.json$/.test(i.name)).length;
        },
        { timeout: 60_000 }
      )
      .toBe(2);
    expect(listing.status()).not.toBe(500);
    // Another notebook in the same tab is not held back.
    await page.request.delete(
      `/api/contents/${encodeURI(`${tmpPath}/ground-truth.jsonl`)}`
    );
    const plain = `${tmpPath}/drills.ipynb`;
    await uploadDrills(page, plain);
    await prepare(page, plain);
    await runCell(page, DRILL);
    const { runs, truth } = await settledRuns(page, tmpPath, 1);
    expectOneRunPerExecution(runs, truth);
  });

  test('an experiment tag and a figure name too long for a file still make a saved run', async ({
    page,
    tmpPath
  }) => {
    const longTag = `experiment:${'x'.repeat(300)}`;
    const nb = `${tmpPath}/drills.ipynb`;
    await uploadDrills(page, nb, notebook => {
      const drill = notebook.cells[DRILL];
      drill.metadata.tags = [longTag];
      drill.source += `\nimport base64\nruns.log_figure(base64.b64decode('${PNG}'), name='${'f'.repeat(300)}')`;
    });
    await prepare(page, nb);
    await runCell(page, DRILL);
    const { runs } = await settledRuns(page, tmpPath, 1);
    const [run] = runs as ((typeof runs)[number] & {
      artifacts?: { path?: string; stored: boolean }[];
      capture?: { notes?: string[] };
    })[];
    expect(run.status).toBe('ok');
    expect(run.experiment.length).toBeLessThanOrEqual(256);
    expect(run.experiment.startsWith('x'.repeat(200))).toBe(true);
    const figure = run.artifacts?.[0];
    expect(figure?.stored).toBe(true);
    expect(
      new TextEncoder().encode(path.basename(figure!.path!)).length
    ).toBeLessThanOrEqual(255);
    const file = await page.request.get(
      `/api/contents/${encodeURI(`${tmpPath}/drills.runs/${figure!.path}`)}?content=0`
    );
    expect(file.ok()).toBe(true);
    expect(run.capture?.notes?.join('\n')).toMatch(/shortened/);
  });

  test('a kernel that dies mid-run: the run is interrupted, says so, and the next runs record', async ({
    page,
    tmpPath,
    quiet
  }) => {
    allowDeadKernel(quiet);
    await openDrills(page, tmpPath);
    await setFlag(page, tmpPath, 'die', true);
    await startCell(page, DRILL);
    // The kernel is restarted by the server; set the cells up again.
    await expect
      .poll(
        async () => (await readRuns(page, `${tmpPath}/drills.runs`)).length,
        {
          timeout: 60_000
        }
      )
      .toBe(1);
    // JupyterLab says the kernel died and restarts it.
    const dialog = page.locator('.jp-Dialog');
    await expect(dialog).toContainText('appears to have died');
    await dialog.locator('.jp-Dialog-button').first().click();
    // JupyterLab 4.6 then shows the kernel "Starting" until it is restarted
    // by hand (so with any notebook, this extension or not): restart it.
    await page.evaluate(() => {
      void window.jupyterapp.commands.execute('kernelmenu:restart');
    });
    await page.locator('.jp-Dialog .jp-mod-accept').click();
    await kernelIdle(page);
    await runCell(page, PARAMS);
    await runCell(page, SETUP);
    await runCell(page, DRILL);
    let { runs, truth } = await settledRuns(page, tmpPath, 2);
    expectOneRunPerExecution(runs, truth);
    // The point logged just before the kill may not have reached the page;
    // the kernel's journal has it and adds it once the grace period passed.
    await expect
      .poll(
        async () => {
          ({ runs, truth } = await settledRuns(page, tmpPath, 2));
          return (runs[0] as { metrics?: Record<string, { count: number }> })
            .metrics?.loss.count;
        },
        { timeout: 60_000, intervals: [2000] }
      )
      .toBe(4);
    const [died, next] = runs as ((typeof runs)[number] & {
      environment?: { reason?: string };
      metrics?: Record<string, { count: number }>;
    })[];
    expect(died.status).toBe('interrupted');
    expect(died.error?.ename).toBe('KernelDied');
    expect(died.environment?.reason ?? '').not.toMatch(/not importable/);
    // The points logged before it died are kept.
    expect(died.metrics?.loss.count).toBe(4);
    expect(next.status).toBe('ok');
  });

  test('a kernel shut down mid-run, then three runs on a new kernel: each with its own count and outputs', async ({
    page,
    tmpPath,
    quiet
  }) => {
    allowDeadKernel(quiet);
    await openDrills(page, tmpPath);
    await setFlag(page, tmpPath, 'hold', true);
    await startCell(page, DRILL);
    await expectStatuses(page, `${tmpPath}/drills.runs`, ['running'], 30_000);
    await page.menu.clickMenuItem('Kernel>Shut Down Kernel');
    await setFlag(page, tmpPath, 'hold', false);
    await expectStatuses(
      page,
      `${tmpPath}/drills.runs`,
      ['interrupted'],
      30_000
    );
    // Change Kernel…: pick Python again, a new kernel.
    await page.evaluate(() => {
      void window.jupyterapp.commands.execute('kernelmenu:change');
    });
    await page.locator('.jp-Dialog .jp-mod-accept').click();
    await kernelIdle(page);
    await runCell(page, PARAMS);
    await runCell(page, SETUP);
    for (let i = 0; i < 3; i++) {
      await runCell(page, DRILL);
    }
    const { runs, truth } = await settledRuns(page, tmpPath, 4);
    expectOneRunPerExecution(runs, truth);
    expect(runs.map(r => r.status)).toEqual(['interrupted', 'ok', 'ok', 'ok']);
    expect(runs[0].error?.ename).toMatch(
      /KernelChanged|KernelStopped|KeyboardInterrupt/
    );
    // Each later run has the outputs of its own execution.
    expectOwnLogOutputs(runs.slice(1));
  });
});
