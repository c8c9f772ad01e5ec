/**
 * Fault drill: the Jupyter server is killed (SIGKILL) while a tagged cell
 * runs, then started again; the same page goes on with a new kernel
 * (Change Kernel) and runs the cell again. Every execution the kernel ran
 * (its own ground truth) ends as one saved run with a true status, each
 * with its own execution count and outputs, none left `running`.
 *
 * This test runs its own server (the shared one must stay up for the other
 * tests) on RUNS_DRILL_PORT, by default the test port + 11.
 */
import { expect, test } from './fixtures';
import { spawn, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  allowDeadKernel,
  DRILL,
  PARAMS,
  SETUP,
  expectOneRunPerExecution,
  expectOwnLogOutputs,
  expectStatuses,
  kernelIdle,
  openDrills,
  runCell,
  setFlag,
  settledRuns,
  startCell
} from './drillHelpers';

const port = Number(
  process.env.RUNS_DRILL_PORT ??
    Number(process.env.RUNS_TEST_PORT ?? '8888') + 11
);
const baseURL = `http://localhost:${port}`;
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'runs-server-killed-'));
let server: ChildProcess | null = null;

/** Start this test's server and wait until it answers. */
async function startServer(): Promise<void> {
  server = spawn(
    'jupyter',
    ['lab', '--config', 'jupyter_server_test_config.py'],
    {
      cwd: path.resolve(__dirname, '..'),
      env: {
        ...process.env,
        RUNS_TEST_PORT: String(port),
        JUPYTERLAB_GALATA_ROOT_DIR: root
      },
      stdio: process.env.RUNS_SERVER_LOG ? 'inherit' : 'ignore'
    }
  );
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`${baseURL}/api/status`);
      if (response.ok) {
        return;
      }
    } catch {
      // Not up yet.
    }
    await new Promise(resolve => setTimeout(resolve, 250));
  }
  throw new Error(`the drill's server did not start on ${baseURL}`);
}

/** SIGKILL: no shutdown hooks, no kernel shutdown requests. */
async function killServer(): Promise<void> {
  const dead = server;
  server = null;
  if (!dead || dead.exitCode !== null) {
    return;
  }
  const exited = new Promise(resolve => dead.once('exit', resolve));
  dead.kill('SIGKILL');
  await exited;
}

// Galata tracks kernels, sessions and terminals by routing their requests
// through the test runner, which fails while the server is down.
test.use({ baseURL, kernels: null, sessions: null, terminals: null });

test.beforeAll(async () => {
  test.setTimeout(150_000);
  await startServer();
});

test.afterAll(async () => {
  if (server) {
    server.kill('SIGTERM');
  }
});

test('the server killed mid-run, then three runs on a new kernel: no run lost, each with its own count and outputs', async ({
  page,
  tmpPath,
  quiet
}) => {
  allowDeadKernel(quiet);
  test.setTimeout(100_000);
  await openDrills(page, tmpPath);
  await setFlag(page, tmpPath, 'hold', true);
  await startCell(page, DRILL);
  await expectStatuses(page, `${tmpPath}/drills.runs`, ['running'], 30_000);

  await killServer();
  // The kernel notices that its parent is gone and exits (ipykernel's
  // parent poller); while the server is down the page keeps trying.
  await page.waitForTimeout(3000);
  await startServer();
  await setFlag(page, tmpPath, 'hold', false);

  // The page finds its session gone ("No Kernel"); JupyterLab may say the
  // connection was lost first (Close). The user then picks a kernel
  // (Kernel > Change Kernel…, Python 3).
  const lost = page.locator('.jp-Dialog', {
    hasText: 'Server Connection Error'
  });
  await expect
    .poll(
      async () => {
        if (await lost.isVisible()) {
          await lost.locator('.jp-Dialog-button').last().click();
        }
        return page.evaluate(() => {
          const panel = window.jupyterapp.shell.currentWidget as unknown as {
            sessionContext?: { session?: unknown };
          };
          return panel.sessionContext?.session ? 'a session' : 'no kernel';
        });
      },
      { timeout: 90_000, intervals: [1000] }
    )
    .toBe('no kernel');
  await page.evaluate(() => {
    void window.jupyterapp.commands.execute('kernelmenu:change');
  });
  const dialog = page.locator('.jp-Dialog', { hasText: 'Select Kernel' });
  await dialog.locator('.jp-mod-accept').click();
  await kernelIdle(page);
  await runCell(page, PARAMS);
  await runCell(page, SETUP);
  for (let i = 0; i < 3; i++) {
    await runCell(page, DRILL);
  }
  const { runs, truth } = await settledRuns(page, tmpPath, 4, 120_000);
  expectOneRunPerExecution(runs, truth);
  expect(runs.map(r => r.status)).toEqual(['interrupted', 'ok', 'ok', 'ok']);
  expect(runs[0].error?.ename).toMatch(/Kernel(Died|Stopped|Changed)/);
  // The points the first run logged before the kill are kept.
  expect(runs[0].metrics?.loss?.count).toBe(3);
  // Each later run has the outputs of its own execution.
  expectOwnLogOutputs(runs.slice(1));
});
