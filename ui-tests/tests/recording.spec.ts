import { expect, test } from './fixtures';
import * as path from 'path';
import { readRuns, readText, runFromPalette, waitForRuns } from './helpers';
import { reloadWith } from './historyHelpers';

const NOTEBOOK = 'tagging.ipynb';
// Cell indexes in the fixture: 0 markdown, 1 setup, 2 train, 3 untagged.
const SETUP = 1;
const TRAIN = 2;
const PLAIN = 3;

test.describe('Recording runs of experiment cells', () => {
  test.beforeEach(async ({ page, tmpPath }) => {
    await page.contents.uploadFile(
      path.resolve(__dirname, '../notebooks', NOTEBOOK),
      `${tmpPath}/${NOTEBOOK}`
    );
    await page.notebook.openByPath(`${tmpPath}/${NOTEBOOK}`);
    await page.notebook.activate(NOTEBOOK);
  });

  test('records tagged executions beside the notebook and lists them', async ({
    page,
    tmpPath
  }) => {
    const folder = `${tmpPath}/tagging.runs`;
    const sidebar = page.getByRole('region', { name: 'Experiment Runs' });
    const rows = sidebar.locator('[role="row"].jp-RunsPanel-run');

    // Tag the training cell through the command palette.
    await page.notebook.selectCells(TRAIN);
    await runFromPalette(page, 'Toggle Experiment Tag');
    const trainCell = await page.notebook.getCellLocator(TRAIN);
    await expect(trainCell!).toHaveClass(/jp-runs-experimentCell/);
    await expect(await page.notebook.getCellLocator(SETUP)).not.toHaveClass(
      /jp-runs-experimentCell/
    );

    // The sidebar explains how to start while there are no runs.
    await page.sidebar.openTab('jp-runs-panel');
    await expect(sidebar.getByText('No runs yet')).toBeVisible();

    // Untagged executions record nothing; the tagged one succeeds.
    await page.notebook.runCell(SETUP);
    await page.notebook.runCell(PLAIN);
    await page.notebook.runCell(TRAIN);
    let runs = await waitForRuns(page, folder, 1);
    await expect(rows).toHaveCount(1);

    // Second execution raises. Once set up, capturing a run adds no
    // message to the kernel traffic: the snapshot comes in the cell's own
    // execute reply (no request, no comm or kernel subshell per run).
    await page.notebook.setCell(SETUP, 'code', 'should_fail = True');
    await page.notebook.runCell(SETUP);
    await page.evaluate(() => {
      const panel = window.jupyterapp.shell.currentWidget as unknown as {
        sessionContext: {
          session: {
            kernel: {
              anyMessage: {
                connect(
                  fn: (
                    _: unknown,
                    a: {
                      direction: string;
                      msg: {
                        header: { msg_type: string };
                        content: { payload?: { source?: string }[] };
                      };
                    }
                  ) => void
                ): void;
              };
            };
          };
        };
      };
      const seen: string[] = [];
      (window as unknown as { runsTraffic: string[] }).runsTraffic = seen;
      panel.sessionContext.session.kernel.anyMessage.connect((_, a) => {
        seen.push(`${a.direction} ${a.msg.header.msg_type}`);
        for (const item of a.msg.header.msg_type === 'execute_reply'
          ? (a.msg.content.payload ?? [])
          : []) {
          seen.push(`payload ${item.source}`);
        }
      });
      // Files saved through the page's contents manager.
      const contents = window.jupyterapp.serviceManager.contents as unknown as {
        fileChanged: {
          connect(
            fn: (
              _: unknown,
              c: { type: string; newValue?: { path?: string } }
            ) => void
          ): void;
        };
      };
      contents.fileChanged.connect((_, c) =>
        seen.push(`${c.type} ${c.newValue?.path ?? ''}`)
      );
    });
    await page.notebook.runCell(TRAIN);
    runs = await waitForRuns(page, folder, 2);
    const traffic = await page.evaluate(
      () => (window as unknown as { runsTraffic: string[] }).runsTraffic
    );
    // The run's snapshot came with its cell's execute reply: not one more
    // IOPub message (a comm's) for every page on the kernel.
    expect(traffic.filter(m => m.startsWith('payload'))).toEqual([
      'payload jupyterlab_runs.snapshot'
    ]);
    expect(traffic.filter(m => m.includes('comm_msg'))).toEqual([]);
    expect(
      traffic.filter(m => /comm_open|comm_close|subshell|send execute/.test(m))
    ).toEqual(['send execute_request']);
    // The run file went out from the writer worker, not through the page's
    // contents manager (whose saves cost the main thread ~2 ms each).
    // (Manifest shards and folders still go through it, seldom.)
    const runFile = /^save .*\/[0-9A-HJKMNP-TV-Z]{26}(\.series)?\.json$/;
    expect(traffic.filter(m => runFile.test(m))).toEqual([]);
    expect(page.workers().map(w => w.url().split(':')[0])).toContain('blob');

    const [ok, failed] = runs;
    const trainCode =
      'value = 21 * 2\nprint("answer", value)\nif should_fail:\n    raise ValueError("planned failure")';
    expect(ok.code).toBe(trainCode);
    expect(ok.status).toBe('ok');
    expect(ok.cellId).toBe('train');
    expect(ok.experiment).toBe('tagging');
    expect(ok.error).toBeUndefined();
    expect(ok.outputs).toEqual([
      { output_type: 'stream', name: 'stdout', text: 'answer 42\n' }
    ]);
    expect(ok.kernel.language).toBe('python');
    expect(ok.kernel.languageVersion).toMatch(/^3\.\d+/);

    expect(failed.code).toBe(trainCode);
    expect(failed.status).toBe('error');
    expect(failed.error?.ename).toBe('ValueError');
    expect(failed.error?.evalue).toBe('planned failure');
    expect(failed.error?.traceback.join('\n')).toContain('planned failure');
    expect(failed.outputs.map(o => o.output_type)).toEqual(['stream', 'error']);
    expect(failed.executionCount).toBeGreaterThan(ok.executionCount ?? 0);
    for (const run of runs) {
      expect(run.code).not.toContain('untagged');
    }

    // The sidebar lists both, newest first, with their statuses.
    await expect(rows).toHaveCount(2);
    await expect(rows.nth(0)).toHaveAttribute('data-status', 'error');
    await expect(rows.nth(0)).toContainText('Failed');
    await expect(rows.nth(1)).toHaveAttribute('data-status', 'ok');
    await expect(rows.nth(1)).toContainText('Succeeded');
    await expect(rows.nth(1)).toContainText('tagging');

    // Editing the tagged cell after it ran leaves the recorded code alone.
    await page.notebook.setCell(TRAIN, 'code', 'print("edited after the run")');
    await page.notebook.save();
    const afterEdit = await readRuns(page, folder);
    expect(afterEdit.map(run => run.code)).toEqual([trainCode, trainCode]);

    // The notebook file holds no run data.
    const notebookText = await readText(page, `${tmpPath}/${NOTEBOOK}`);
    expect(notebookText).toContain('edited after the run');
    for (const run of runs) {
      expect(notebookText).not.toContain(run.id);
    }
    expect(notebookText).not.toContain('tagging.runs');
    expect(notebookText).not.toContain('jupyterlab-runs');

    // After a reload both runs are read back from the folder.
    await reloadWith(page, `${tmpPath}/${NOTEBOOK}`);
    await expect(rows).toHaveCount(2);
    await expect(rows.nth(0)).toHaveAttribute('data-status', 'error');
    await expect(rows.nth(1)).toHaveAttribute('data-status', 'ok');

    // The kernel outlived the page: the new page's first run still gets the
    // kernel's snapshot, sent on the control comm the old page had opened.
    await page.notebook.setCell(SETUP, 'code', 'should_fail = False');
    await page.notebook.runCell(SETUP);
    await page.notebook.setCell(TRAIN, 'code', 'lr = 0.5\nprint(lr)');
    await page.notebook.runCell(TRAIN);
    await expect
      .poll(async () => (await readRuns(page, folder))[2]?.params, {
        timeout: 30_000
      })
      .toEqual({ lr: 0.5 });
  });

  test('records through the contents manager when the writer worker cannot start', async ({
    page,
    tmpPath
  }) => {
    // As under a Content Security Policy that refuses workers, the worker
    // fails after it was created: an error event, no message ever answered.
    // (A CSP header added by routing the page cannot be used: Chromium then
    // treats the page as public and blocks its websockets to localhost.)
    await page.addInitScript(() => {
      const RealWorker = window.Worker;
      (window as unknown as { Worker: unknown }).Worker = function () {
        const refused = new Blob(['throw new Error("refused by policy")'], {
          type: 'text/javascript'
        });
        return new RealWorker(URL.createObjectURL(refused));
      };
    });
    const failures: string[] = [];
    page.on('console', message => {
      if (message.text().includes('the background writer failed')) {
        failures.push(message.text());
      }
    });
    await reloadWith(page, `${tmpPath}/${NOTEBOOK}`);
    // The command itself: a palette opened while the reloaded page settles
    // can lose focus and close (the palette is tested above).
    await page.notebook.selectCells(TRAIN);
    await page.evaluate(() =>
      window.jupyterapp.commands.execute(
        'jupyterlab-runs:toggle-experiment-tag'
      )
    );
    await expect((await page.notebook.getCellLocator(TRAIN))!).toHaveClass(
      /jp-runs-experimentCell/
    );
    await page.notebook.runCell(SETUP);
    await page.notebook.runCell(TRAIN);
    const [run] = await waitForRuns(page, `${tmpPath}/tagging.runs`, 1);
    expect(run.status).toBe('ok');
    expect(run.outputs).toEqual([
      { output_type: 'stream', name: 'stdout', text: 'answer 42\n' }
    ]);
    expect(failures).toHaveLength(1);
  });

  test('toggles the tag from the context menu, the cell toolbar and the keyboard', async ({
    page
  }) => {
    const cell = (await page.notebook.getCellLocator(TRAIN))!;
    const tags = () =>
      page.evaluate(
        index =>
          (
            window.jupyterapp.shell.currentWidget as unknown as {
              content: {
                widgets: { model: { getMetadata(k: string): unknown } }[];
              };
            }
          ).content.widgets[index].model.getMetadata('tags') ?? null,
        TRAIN
      );

    // Cell context menu.
    await page.notebook.selectCells(TRAIN);
    await cell.locator('.jp-InputArea-editor').click({ button: 'right' });
    await page.getByRole('menuitem', { name: 'Toggle Experiment Tag' }).click();
    await expect(cell).toHaveClass(/jp-runs-experimentCell/);
    expect(await tags()).toEqual(['experiment']);

    // Cell toolbar button.
    await cell.click();
    await cell
      .getByRole('button', { name: /Record every execution of the selected/ })
      .click();
    await expect(cell).not.toHaveClass(/jp-runs-experimentCell/);
    expect(await tags()).toBeNull();

    // Keyboard shortcut, in command mode.
    await page.notebook.selectCells(TRAIN);
    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+Alt+e');
    await expect(cell).toHaveClass(/jp-runs-experimentCell/);
    expect(await tags()).toEqual(['experiment']);
  });
});
