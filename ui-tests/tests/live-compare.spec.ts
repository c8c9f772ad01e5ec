/**
 * Live compare with the sidebar collapsed (issue #14): a compare view of two
 * running runs keeps advancing while the Experiment Runs sidebar is closed
 * (the compare view reads the runs model and the recorder's live series,
 * not the sidebar's table), and no `.series.json` is requested while the
 * runs are in flight (the store is asked only once a run ended).
 *
 * One kernel runs one cell at a time on its main shell, so the second run
 * is the same experiment cell sent on a kernel subshell (JEP 91, ipykernel
 * 7), with the cell id and tags JupyterLab puts in an execute request's
 * metadata: both runs are then in flight at once, recorded by this page.
 * Both log until one deadline (set by a cell just before), so they end
 * together: the page's watchdog ends a run still in flight 3 s after the
 * kernel reports idle, and a subshell's idle is the kernel's. The fixture
 * logs in the library's wire format by hand: `jupyterlab_runs` buffers one
 * execution per process, and these two run at once.
 */
import { expect, test, type IJupyterLabPageFixture } from './fixtures';
import * as path from 'path';
import { runOnSubshell, subshellRunsDone } from './subshell';

const NOTEBOOK = 'live-compare.ipynb';
// Cells: 0 markdown, 1 setup, 2 deadline (30 s from now), 3 experiment:live.
const SETUP = 1;
const DEADLINE = 2;
const TRAIN = 3;

test.use({ kernels: null, viewport: { width: 1600, height: 1000 } });

function sidebar(page: IJupyterLabPageFixture) {
  return page.getByRole('region', { name: 'Experiment Runs' });
}

test('a compare view of two running runs advances with the sidebar collapsed, with no series request until they end', async ({
  page,
  tmpPath
}) => {
  // Every series file the page asks the server for, and any that failed.
  const seriesGets: string[] = [];
  const seriesFailures: string[] = [];
  page.on('request', request => {
    if (request.method() === 'GET' && /\.series\.json/.test(request.url())) {
      seriesGets.push(request.url());
    }
  });
  page.on('response', response => {
    if (/\.series\.json/.test(response.url()) && response.status() >= 400) {
      seriesFailures.push(`${response.status()} ${response.url()}`);
    }
  });

  await page.contents.uploadFile(
    path.resolve(__dirname, '../notebooks', NOTEBOOK),
    `${tmpPath}/${NOTEBOOK}`
  );
  await page.notebook.openByPath(`${tmpPath}/${NOTEBOOK}`);
  await page.notebook.activate(NOTEBOOK);
  await page.sidebar.openTab('jp-runs-panel');
  await page.notebook.runCell(SETUP);
  // Both runs log 10 steps every 50 ms until 30 s from now.
  await page.notebook.runCell(DEADLINE);

  // Run 1 on the main shell (not awaited), run 2 on a subshell.
  await page.notebook.selectCells(TRAIN);
  const mainRun = page.notebook.runCell(TRAIN);
  const running = sidebar(page).locator(
    '.jp-RunsPanel-run[data-status="running"]'
  );
  await expect(running).toHaveCount(1, { timeout: 30_000 });
  test.skip(
    !(await runOnSubshell(page, TRAIN)),
    'The kernel has no subshells: two runs cannot be in flight at once.'
  );
  await expect(running).toHaveCount(2, { timeout: 30_000 });
  const ids = await running.evaluateAll(rows =>
    rows.map(r => (r as HTMLElement).dataset.runId!)
  );

  // Compare them, then collapse the sidebar.
  await running.nth(0).locator('.jp-RunsTable-name').click();
  await running
    .nth(1)
    .locator('.jp-RunsTable-name')
    .click({ modifiers: ['ControlOrMeta'] });
  await sidebar(page).getByRole('button', { name: 'Compare 2' }).click();
  const compare = page.getByRole('region', { name: 'Compare runs' });
  await expect(compare).toBeVisible();
  await page.getByRole('tab', { name: 'Learning curves' }).click();
  const fig = compare.locator('figure[data-chart="learning-curves"]');
  await expect(fig).toHaveAttribute('data-state', 'ready', { timeout: 30_000 });
  await page.sidebar.close('right');
  expect(await page.sidebar.isOpen('right')).toBe(false);

  // The curves keep advancing: redrawn with new points, twice over. (Not
  // the rows drawn: M4 downsampling caps them at the chart's width, which
  // two runs at 200 points a second reach within seconds on a slow
  // machine; a live chart is redrawn only when points arrived.)
  const drawn = async () => Number((await fig.getAttribute('data-draws')) ?? 0);
  const first = await drawn();
  await expect.poll(drawn, { timeout: 10_000 }).toBeGreaterThan(first);
  const second = await drawn();
  await expect.poll(drawn, { timeout: 10_000 }).toBeGreaterThan(second);

  // Both still in flight (recorded by this page): no series asked for yet.
  const inFlight = await page.evaluate(
    runIds =>
      runIds.map(id =>
        (
          window.jupyterapp as unknown as {
            runsRecorder: { isRecording(id: string): boolean };
          }
        ).runsRecorder.isRecording(id)
      ),
    ids
  );
  expect(inFlight).toEqual([true, true]);
  expect(seriesGets).toEqual([]);

  // They end: each series is read at most once (often from the browser's
  // outbox, with no request at all), and no request fails.
  await page.notebook.activate(NOTEBOOK);
  await mainRun;
  await subshellRunsDone(page);
  await expect
    .poll(
      () =>
        page.evaluate(
          runIds =>
            runIds.some(id =>
              (
                window.jupyterapp as unknown as {
                  runsRecorder: { isRecording(id: string): boolean };
                }
              ).runsRecorder.isRecording(id)
            ),
          ids
        ),
      { timeout: 60_000 }
    )
    .toBe(false);
  await page.waitForTimeout(3000);
  expect(seriesFailures).toEqual([]);
  for (const id of ids) {
    expect(seriesGets.filter(url => url.includes(id)).length).toBeLessThan(2);
  }
});
