import { expect, test, type IJupyterLabPageFixture } from './fixtures';
import { createHash } from 'crypto';
import * as path from 'path';
import { readText, waitForRuns, type IRunFile } from './helpers';
import { reloadWith } from './historyHelpers';

const NOTEBOOK = 'capture.ipynb';
// Cells: 0 markdown, 1 parameters, 2 setup, 3 experiment:logreg, 4 experiment:slow.
const PARAMS = 1;
const SETUP = 2;
const TRAIN = 3;
const SLOW = 4;

interface ICapturedRun extends IRunFile {
  params: Record<string, unknown>;
  paramSources: Record<string, string>;
  metrics: Record<string, { count: number; lastStep: number }>;
  lineage: {
    scope: string;
    entries: { cellId: string | null; code: string; state: string }[];
  };
  provenance: { state: string };
  environment: { deepProbe: boolean; hash: string; cwd: string };
  datasets: { path: string; sha256: string; source: string; size: number }[];
  artifacts: {
    name: string;
    path: string;
    sha256: string;
    size: number;
    stored: boolean;
  }[];
  capture: { kernelMs: number | null; missedMessages: boolean };
}

async function readBytes(
  page: IJupyterLabPageFixture,
  filePath: string
): Promise<Buffer> {
  const response = await page.request.get(
    `/api/contents/${encodeURI(filePath)}?type=file&format=base64&content=1`
  );
  expect(response.ok()).toBe(true);
  return Buffer.from((await response.json()).content as string, 'base64');
}

const sha256 = (bytes: Buffer) =>
  createHash('sha256').update(bytes).digest('hex');

// Galata's kernel-tracking route parses every POST reply as JSON and fails
// on the empty 204 of an interrupt request: do not mock the kernels API.
test.use({ kernels: null });

test.describe('Capturing what a run needs', () => {
  test.beforeEach(async ({ page, tmpPath }) => {
    await page.contents.uploadFile(
      path.resolve(__dirname, '../notebooks', NOTEBOOK),
      `${tmpPath}/${NOTEBOOK}`
    );
    await page.notebook.openByPath(`${tmpPath}/${NOTEBOOK}`);
    await page.notebook.activate(NOTEBOOK);
    await page.sidebar.openTab('jp-runs-panel');
  });

  test('records lineage, params, metrics, environment, data and artifacts', async ({
    page,
    tmpPath
  }) => {
    const folder = `${tmpPath}/capture.runs`;
    const rows = page
      .getByRole('region', { name: 'Experiment Runs' })
      .locator('[role="row"].jp-RunsPanel-run');

    await page.notebook.runCell(PARAMS);
    await page.notebook.runCell(SETUP);
    const numpyVersion = (
      await page.notebook.getCellTextOutput(SETUP)
    )?.[0].match(/numpy (\S+)/)?.[1];
    expect(numpyVersion).toBeTruthy();

    // Start training without waiting: the run shows as running and updates.
    await page.notebook.selectCells(TRAIN);
    const done = page.notebook.runCell(TRAIN);
    await expect(rows.first()).toHaveAttribute('data-status', 'running');
    const live = rows.first().locator('.jp-RunsPanel-live');
    // Read the step once it shows (the row may update between two reads).
    let firstStep = -1;
    await expect
      .poll(async () => {
        const m = ((await live.textContent()) ?? '').match(/step (\d+)/);
        firstStep = m ? Number(m[1]) : -1;
        return firstStep;
      })
      .toBeGreaterThanOrEqual(0);
    await expect
      .poll(async () =>
        Number(
          ((await live.textContent()) ?? '').match(/step (\d+)/)?.[1] ?? -1
        )
      )
      .toBeGreaterThan(firstStep);
    await done;

    const [run] = (await waitForRuns(page, folder, 1)) as ICapturedRun[];
    await expect
      .poll(async () => (await waitForRuns(page, folder, 1))[0].status)
      .toBe('ok');
    const final = (await waitForRuns(page, folder, 1))[0] as ICapturedRun;
    expect(final.id).toBe(run.id);
    await expect(rows.first()).toHaveAttribute('data-status', 'ok');

    // Lineage: the parameters and setup cells, as they ran.
    expect(final.lineage.entries.map(e => e.cellId)).toEqual([
      'params',
      'setup'
    ]);
    expect(final.lineage.entries[1].code).toContain("np.savetxt('data.csv'");
    expect(final.lineage.scope).toBe('slice');
    expect(final.provenance.state).toBe('clean');

    // Params: from the parameters cell, inferred from the cell, explicit wins.
    expect(final.params).toMatchObject({
      learning_rate: 0.5,
      epochs: 1000,
      label: 'numpy-logreg',
      optimizer: 'sgd',
      batch_size: 64
    });
    expect(final.paramSources).toMatchObject({
      learning_rate: 'parameters',
      optimizer: 'explicit',
      batch_size: 'explicit'
    });

    // Metrics: the complete series, in order.
    expect(
      final.metrics.loss,
      `capture diagnostics: ${JSON.stringify(final.capture)}`
    ).toMatchObject({ count: 1000, lastStep: 999 });
    const series = JSON.parse(
      await readText(page, `${folder}/${final.id}.series.json`)
    );
    expect(series.metrics.loss.step).toEqual(
      Array.from({ length: 1000 }, (_, i) => i)
    );
    expect(series.metrics.accuracy.value).toHaveLength(1000);

    // Environment: content-addressed, with the exact numpy version.
    expect(final.environment.deepProbe).toBe(true);
    const env = JSON.parse(
      await readText(page, `${folder}/env-${final.environment.hash}.json`)
    );
    expect(env.packages.numpy).toBe(numpyVersion);
    expect(JSON.stringify(env)).not.toMatch(/"PATH"|"HOME"|JUPYTER_TOKEN/);

    // Data versions and artifacts, with hashes that match the files.
    const dataHash = sha256(await readBytes(page, `${tmpPath}/data.csv`));
    const logged = final.datasets.find(d => d.source === 'logged');
    expect(logged?.sha256).toBe(dataHash);
    expect(final.datasets.find(d => d.source === 'literal')?.sha256).toBe(
      dataHash
    );
    const [artifact] = final.artifacts;
    expect(artifact).toMatchObject({ name: 'weights.npy', stored: true });
    const stored = await readBytes(page, `${folder}/${artifact.path}`);
    expect(sha256(stored)).toBe(artifact.sha256);
    expect(sha256(stored)).toBe(
      sha256(await readBytes(page, `${tmpPath}/weights.npy`))
    );

    // The notebook keeps exactly one compact log output for the run.
    await page.notebook.save();
    const nb = JSON.parse(await readText(page, `${tmpPath}/${NOTEBOOK}`));
    const outputs = nb.cells[TRAIN].outputs as {
      data?: Record<string, unknown>;
    }[];
    const logs = outputs.filter(
      o => o.data?.['application/vnd.jupyterlab-runs.log+json']
    );
    expect(logs).toHaveLength(1);
    expect(JSON.stringify(logs[0]).length).toBeLessThan(5000);
    await expect(
      (await page.notebook.getCellLocator(TRAIN))!.locator('.jp-RunsLog')
    ).toContainText('loss');

    // The README's picture of it: the notebook with its live log output and
    // the runs sidebar, in the light and dark themes.
    if (process.env.RUNS_SCREENSHOTS) {
      const dir = path.resolve(__dirname, '../../docs/screenshots');
      await page.sidebar.close('left');
      await (await page.notebook.getCellLocator(
        TRAIN
      ))!.scrollIntoViewIfNeeded();
      for (const theme of ['light', 'dark']) {
        if (theme === 'dark') {
          await page.evaluate(() =>
            window.jupyterapp.commands.execute('apputils:change-theme', {
              theme: 'JupyterLab Dark'
            })
          );
          await expect(page.locator('body')).toHaveAttribute(
            'data-jp-theme-light',
            'false'
          );
        }
        await page.waitForTimeout(300);
        await page.screenshot({
          path: path.join(dir, `notebook-${theme}.png`)
        });
      }
    }
  });

  test('an interrupted run keeps the steps logged so far', async ({
    page,
    tmpPath
  }) => {
    const folder = `${tmpPath}/capture.runs`;
    const rows = page
      .getByRole('region', { name: 'Experiment Runs' })
      .locator('[role="row"].jp-RunsPanel-run');
    await page.notebook.runCell(SETUP);
    await page.notebook.selectCells(SLOW);
    const running = page.notebook.runCell(SLOW);
    await expect(rows.first()).toHaveAttribute('data-status', 'running');
    await expect(rows.first().locator('.jp-RunsPanel-live')).toContainText(
      /step [1-9]\d*/
    );
    await page.menu.clickMenuItem('Kernel>Interrupt Kernel');
    await running;
    await expect
      .poll(async () => (await waitForRuns(page, folder, 1))[0].status)
      .toBe('interrupted');
    const [run] = (await waitForRuns(page, folder, 1)) as ICapturedRun[];
    expect(run.error?.ename).toBe('KeyboardInterrupt');
    const series = JSON.parse(
      await readText(page, `${folder}/${run.id}.series.json`)
    );
    const steps = series.metrics.tick.step as number[];
    expect(steps.length).toBeGreaterThan(0);
    expect(steps.length).toBeLessThan(100000);
    expect(steps).toEqual(Array.from({ length: steps.length }, (_, i) => i));
    expect(run.metrics.tick.count).toBe(steps.length);
    await expect(rows.first()).toHaveAttribute('data-status', 'interrupted');
  });

  test('a kernel restart ends the run in flight as interrupted', async ({
    page,
    tmpPath
  }) => {
    const folder = `${tmpPath}/capture.runs`;
    const rows = page
      .getByRole('region', { name: 'Experiment Runs' })
      .locator('[role="row"].jp-RunsPanel-run');
    await page.notebook.runCell(SETUP);
    await page.notebook.selectCells(SLOW);
    // Start the cell without Galata's wait for its end: it never ends here.
    await page.evaluate(() => {
      void window.jupyterapp.commands.execute('notebook:run-cell');
    });
    await expect(rows.first().locator('.jp-RunsPanel-live')).toContainText(
      /step [1-9]\d*/
    );
    // Restart through the kernel API (the menu's confirmation dialog is not
    // what is under test here).
    await page.evaluate(async () => {
      const app = window.jupyterapp;
      const panel = app.shell.currentWidget as unknown as {
        sessionContext: { session: { kernel: { restart(): Promise<void> } } };
      };
      await panel.sessionContext.session.kernel.restart();
    });
    await expect
      .poll(async () => (await waitForRuns(page, folder, 1))[0].status, {
        timeout: 30_000
      })
      .toBe('interrupted');
    const [run] = await waitForRuns(page, folder, 1);
    expect(run.error?.ename).toBe('KernelRestart');
    await expect(rows.first()).toHaveAttribute('data-status', 'interrupted');
  });

  test('a run left running by a reloaded page ends as the kernel ended it', async ({
    page,
    tmpPath
  }) => {
    const folder = `${tmpPath}/capture.runs`;
    await page.notebook.runCell(SETUP);
    await page.notebook.selectCells(SLOW);
    await page.evaluate(() => {
      void window.jupyterapp.commands.execute('notebook:run-cell');
    });
    await expect
      .poll(async () => (await waitForRuns(page, folder, 1))[0].status)
      .toBe('running');

    // The page goes away mid-run; the kernel keeps executing, and writes
    // the run down in its journal.
    await reloadWith(page, `${tmpPath}/${NOTEBOOK}`);
    await page.waitForTimeout(1000);
    await page.menu.clickMenuItem('Kernel>Interrupt Kernel');
    await expect
      .poll(async () => (await waitForRuns(page, folder, 1))[0].status, {
        timeout: 60_000
      })
      .toBe('interrupted');
    const [run] = (await waitForRuns(page, folder, 1)) as ICapturedRun[];
    // The true end, from the kernel: interrupted by the user, with every
    // tick logged before and after the reload.
    expect(run.error?.ename).toBe('KeyboardInterrupt');
    const ticks = run.metrics.tick;
    expect(ticks.count).toBe(ticks.lastStep + 1);
  });
});
