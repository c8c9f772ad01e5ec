import { expect, test } from './fixtures';
import type { Page, Route } from '@playwright/test';

/** The slice of a notebook panel these tests drive. */
interface INotebookLike {
  id: string;
  context?: { path: string };
  sessionContext: { ready: Promise<void> };
  content: { activeCellIndex: number };
}
import { execFileSync } from 'child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import {
  countRunFileReads,
  expectSidebarRuns,
  isRunFileName,
  listNames,
  openFreshLab,
  openNotebook,
  putFile,
  reloadWith,
  runId,
  runFile,
  writeRuns
} from './historyHelpers';

const FIXTURE = path.resolve(__dirname, '../notebooks/history.ipynb');
/**
 * A write of this page's run: a PUT of its run file, or (first) the
 * server extension's write endpoint, which takes the run's files at once.
 */
const RUN_WRITE = /\/[0-9A-Z]{26}\.json(\?|$)|\/jupyterlab-runs\/api\/write$/;

/**
 * The Python that validates exports with nbformat: RUNS_PYTHON when set
 * (scripts/test.sh sets it to the repository's .venv), else that .venv when
 * it exists, else `python3` from PATH.
 */
function nbformatPython(): string {
  if (process.env.RUNS_PYTHON) {
    return process.env.RUNS_PYTHON;
  }
  const venv = path.resolve(__dirname, '../../.venv/bin/python');
  return existsSync(venv) ? venv : 'python3';
}

/** Execute the tagged cell (index 1) `count` times, as a user would. */
async function recordRuns(
  page: Page,
  notebookPath: string,
  count: number
): Promise<void> {
  await page.waitForFunction(
    path =>
      [...window.jupyterapp.shell.widgets('main')].some(
        w => (w as unknown as INotebookLike).context?.path === path
      ),
    notebookPath
  );
  await page.evaluate(
    async ([path, count]) => {
      const app = window.jupyterapp;
      const panel = [...app.shell.widgets('main')].find(
        w => (w as unknown as INotebookLike).context?.path === path
      ) as unknown as INotebookLike;
      app.shell.activateById(panel.id);
      await panel.sessionContext.ready;
      for (let i = 0; i < (count as number); i++) {
        panel.content.activeCellIndex = 1;
        await app.commands.execute('notebook:run-cell');
      }
    },
    [notebookPath, count] as const
  );
}

async function runFileNames(page: Page, folder: string): Promise<string[]> {
  return (await listNames(page.request, folder)).filter(isRunFileName);
}

/** Run a command from the command palette, as a user would. */
async function fromPalette(page: Page, label: string): Promise<void> {
  await page.keyboard.press('Control+Shift+C');
  await page.keyboard.type(label);
  await page.getByRole('menuitem', { name: label }).first().click();
}

/**
 * The user's annotation file of a run, parsed ({} until written). The
 * server writes a file in place (jupyter_server's atomic writing keeps a
 * copy beside it, it does not write a temporary and rename), so a read
 * while the page saves may see it empty or cut: that is {} too, and the
 * polls that call this ask again.
 */
async function annotationOf(
  page: Page,
  folder: string,
  id: string
): Promise<Record<string, unknown>> {
  const response = await page.request.get(
    `/api/contents/${encodeURI(`${folder}/${id}.annotations.json`)}?type=file&format=text&content=1`
  );
  if (!response.ok()) {
    return {};
  }
  try {
    return JSON.parse((await response.json()).content);
  } catch {
    return {}; // being written
  }
}

test.describe('Durable run history', () => {
  let notebook: string;
  let folder: string;

  test.beforeEach(async ({ page, tmpPath }) => {
    notebook = `${tmpPath}/history.ipynb`;
    folder = `${tmpPath}/history.runs`;
    await page.contents.uploadFile(FIXTURE, notebook);
  });

  test('opens 200 runs from the cache after a reload, reading no run file', async ({
    page,
    browser
  }) => {
    await writeRuns(page.request, folder, notebook, 200);
    const sidebar = page.locator('#jp-runs-panel');

    // Cold: no shard, no cache, so every run file is read once...
    const coldReads = countRunFileReads(page, folder);
    await openNotebook(page, notebook);
    await expectSidebarRuns(sidebar, 200);
    expect(coldReads()).toBe(200);
    // ...and this tab writes its manifest shard.
    await expect
      .poll(async () =>
        (await listNames(page.request, folder)).filter(n =>
          n.startsWith('manifest-')
        )
      )
      .toHaveLength(1);

    // Warm: after a reload the sidebar is ready from IndexedDB.
    const warmReads = countRunFileReads(page, folder);
    await reloadWith(page, notebook);
    await expectSidebarRuns(sidebar, 200);
    expect(warmReads()).toBe(0);

    // Another browser (empty IndexedDB) opens from the shard alone.
    let otherReads = () => -1;
    const { context, page: other } = await openFreshLab(
      browser,
      page.url().split('/lab')[0],
      p => (otherReads = countRunFileReads(p, folder))
    );
    await openNotebook(other, notebook);
    await expectSidebarRuns(other.locator('#jp-runs-panel'), 200);
    expect(otherReads()).toBe(0);
    await context.close();
  });

  test('keeps runs recorded while the server is unreachable, across a reload', async ({
    page,
    quiet
  }) => {
    quiet.allow(
      /request net::ERR_FAILED (PUT|POST) |Failed to load resource: net::ERR_FAILED/,
      'the test refuses every write, as an unreachable server would'
    );
    await openNotebook(page, notebook);
    const sidebar = page.locator('#jp-runs-panel');
    const refuse = (route: Route) =>
      route.request().method() === 'PUT' ? route.abort() : route.continue();
    await page.route('**/api/contents/**', refuse);
    // And the server extension's write endpoint, where run files go first.
    const refuseAll = (route: Route) => route.abort();
    await page.route('**/jupyterlab-runs/api/write', refuseAll);

    await recordRuns(page, notebook, 20);
    const banner = sidebar.locator('.jp-RunsPanel-pending');
    const status = page.locator('.jp-runs-PendingItem');
    // The last run is committed once its kernel snapshot arrived, a moment
    // after its cell finished.
    await expect(banner).toContainText('20 runs not yet saved', {
      timeout: 20_000
    });
    await expect(banner).toContainText('cannot be reached');
    await expect(status).toContainText('20 runs not yet saved');
    expect(await runFileNames(page, folder)).toEqual([]);

    // Reloaded while they wait: still counted, still listed.
    await reloadWith(page, notebook);
    await expect(page.locator('.jp-runs-PendingItem')).toContainText(
      '20 runs not yet saved'
    );
    await expect(sidebar.locator('.jp-RunsPanel-pending')).toContainText(
      '20 runs not yet saved'
    );
    await expectSidebarRuns(sidebar, 20);

    // Back: writing resumes by itself (no click, no command).
    await page.unroute('**/api/contents/**', refuse);
    await page.unroute('**/jupyterlab-runs/api/write', refuseAll);
    await expect
      .poll(async () => (await runFileNames(page, folder)).length, {
        timeout: 60_000
      })
      .toBe(20);
    await expect(page.locator('.jp-runs-PendingItem')).toBeHidden({
      timeout: 20_000
    });
    await expect(sidebar.locator('.jp-RunsPanel-pending')).toBeHidden();
  });

  test('two pages recording into one folder at once lose nothing', async ({
    page,
    browser
  }) => {
    const base = page.url().split('/lab')[0];
    const fresh = await Promise.all([
      openFreshLab(browser, base),
      openFreshLab(browser, base)
    ]);
    const contexts = fresh.map(f => f.context);
    const pages = fresh.map(f => f.page);
    await Promise.all(pages.map(p => openNotebook(p, notebook)));
    await Promise.all(pages.map(p => recordRuns(p, notebook, 8)));
    await expect
      .poll(async () => (await runFileNames(page, folder)).length, {
        timeout: 60_000
      })
      .toBe(16);
    // Each page writes its own manifest shard; a fresh reader sees all.
    await Promise.all(contexts.map(c => c.close()));
    await openNotebook(page, notebook);
    await expectSidebarRuns(page.locator('#jp-runs-panel'), 16);
  });

  test('a tab opened from another, with a copy of its session storage, writes a manifest shard of its own', async ({
    page,
    browser
  }) => {
    const base = page.url().split('/lab')[0];
    const { context, page: first } = await openFreshLab(browser, base);
    await openNotebook(first, notebook);
    await recordRuns(first, notebook, 2);
    const writerOf = (p: Page) =>
      p.evaluate(() =>
        window.sessionStorage.getItem('jupyterlab-runs:writer-id')
      );
    const firstId = await writerOf(first);
    expect(firstId).toMatch(/^[0-9A-Z]{26}$/);
    // What the browser's "Duplicate tab" does to session storage: the new
    // tab starts with a copy of it, the first tab's writer id included.
    await first.evaluate(() => window.sessionStorage.setItem('copied', 'yes'));
    const [second] = await Promise.all([
      context.waitForEvent('page'),
      first.evaluate(url => void window.open(url), `${base}/lab`)
    ]);
    await second.waitForLoadState();
    expect(
      await second.evaluate(() => window.sessionStorage.getItem('copied'))
    ).toBe('yes');
    await openNotebook(second, notebook);
    await recordRuns(second, notebook, 2);
    const secondId = await writerOf(second);
    expect(secondId).toMatch(/^[0-9A-Z]{26}$/);
    expect(secondId).not.toBe(firstId);
    await recordRuns(first, notebook, 1);
    // On disk: every run, and one shard per tab, each under its own id.
    await expect
      .poll(async () => (await runFileNames(page, folder)).length, {
        timeout: 60_000
      })
      .toBe(5);
    await expect
      .poll(
        async () =>
          (await listNames(page.request, folder))
            .filter(n => n.startsWith('manifest-'))
            .sort(),
        { timeout: 60_000 }
      )
      .toEqual(
        [`manifest-${firstId}.json`, `manifest-${secondId}.json`].sort()
      );
    // And the first tab kept its id (it was open all along).
    expect(await writerOf(first)).toBe(firstId);
    await context.close();
  });

  test('renaming the notebook in the file browser takes its runs along', async ({
    page,
    tmpPath
  }) => {
    const ids = await writeRuns(page.request, folder, notebook, 3);
    await putFile(page.request, `${folder}/${ids[0]}.artifacts`, null);
    await putFile(page.request, `${folder}/${ids[0]}.artifacts/model.txt`, 'w');
    await openNotebook(page, notebook);
    await expectSidebarRuns(page.locator('#jp-runs-panel'), 3);

    await page.filebrowser.openDirectory(tmpPath);
    const item = page.locator('.jp-DirListing-item', {
      hasText: 'history.ipynb'
    });
    await item.click({ button: 'right' });
    await page
      .locator('.lm-Menu-item[data-command="filebrowser:rename"]')
      .click();
    const editor = page.locator('.jp-DirListing-editor');
    await editor.fill('renamed.ipynb');
    await editor.press('Enter');

    const moved = `${tmpPath}/renamed.runs`;
    await expect
      .poll(async () => runFileNames(page, moved))
      .toEqual([...ids].map(id => `${id}.json`).sort());
    expect(await listNames(page.request, folder)).toEqual([]);
    expect(
      await listNames(page.request, `${moved}/${ids[0]}.artifacts`)
    ).toEqual(['model.txt']);
    await expectSidebarRuns(page.locator('#jp-runs-panel'), 3);
  });

  test('skips corrupt files with a warning naming them, shows the rest', async ({
    page
  }) => {
    await writeRuns(page.request, folder, notebook, 5);
    const bad = {
      truncated: runId(100),
      notJson: runId(101),
      wrongType: runId(102),
      newer: runId(103)
    };
    await putFile(
      page.request,
      `${folder}/${bad.truncated}.json`,
      runFile(bad.truncated, notebook, 100).slice(0, 120)
    );
    await putFile(page.request, `${folder}/${bad.notJson}.json`, 'hello');
    await putFile(
      page.request,
      `${folder}/${bad.wrongType}.json`,
      runFile(bad.wrongType, notebook, 102).replace(
        '"durationMs": 500',
        '"durationMs": "slow"'
      )
    );
    await putFile(
      page.request,
      `${folder}/${bad.newer}.json`,
      runFile(bad.newer, notebook, 103).replace(
        '"schemaVersion": 2',
        '"schemaVersion": 99'
      )
    );
    await openNotebook(page, notebook);
    const sidebar = page.locator('#jp-runs-panel');
    await expectSidebarRuns(sidebar, 5);
    const warnings = sidebar.locator('.jp-RunsPanel-warning');
    await expect(warnings).toHaveCount(4);
    await expect(
      warnings.filter({ hasText: `${bad.truncated}.json` })
    ).toContainText('not valid JSON');
    await expect(
      warnings.filter({ hasText: `${bad.notJson}.json` })
    ).toContainText('not valid JSON');
    await expect(
      warnings.filter({ hasText: `${bad.wrongType}.json` })
    ).toContainText('durationMs');
    await expect(
      warnings.filter({ hasText: `${bad.newer}.json` })
    ).toContainText('newer');
  });

  test('exports a valid notebook with its runs and imports it identical', async ({
    page,
    tmpPath
  }) => {
    const ids = await writeRuns(page.request, folder, notebook, 4);
    await putFile(
      page.request,
      `${folder}/${ids[1]}.series.json`,
      JSON.stringify({
        format: 'jupyterlab-runs/series',
        version: 1,
        runId: ids[1],
        metrics: { loss: { step: [0, 1], value: [2, 'NaN'], time: [1, 2] } }
      })
    );
    await putFile(
      page.request,
      `${folder}/env-0123abcd.json`,
      '{"python": "3.12"}\n'
    );
    await putFile(page.request, `${folder}/${ids[2]}.artifacts`, null);
    await putFile(
      page.request,
      `${folder}/${ids[2]}.artifacts/model.bin`,
      'AP8BAg==',
      'base64'
    );
    await openNotebook(page, notebook);
    await expectSidebarRuns(page.locator('#jp-runs-panel'), 4);
    await page.evaluate(
      async ([runId, notebookPath]) => {
        await window.jupyterapp.commands.execute(
          'jupyterlab-runs:toggle-run-star',
          { runId, notebookPath }
        );
      },
      [ids[3], notebook]
    );

    const exported = `${tmpPath}/history-with-runs.ipynb`;
    await page.evaluate(
      notebookPath =>
        window.jupyterapp.commands.execute(
          'jupyterlab-runs:export-notebook-with-runs',
          { notebookPath }
        ),
      notebook
    );
    const response = await page.request.get(
      `/api/contents/${encodeURI(exported)}?type=file&format=text&content=1`
    );
    expect(response.ok()).toBe(true);
    const text = (await response.json()).content as string;

    // nbformat's own validator, in Python.
    const dir = mkdtempSync(path.join(tmpdir(), 'runs-export-'));
    const file = path.join(dir, 'exported.ipynb');
    writeFileSync(file, text);
    const python = nbformatPython();
    const out = execFileSync(python, [
      '-c',
      'import sys, nbformat; nb = nbformat.read(sys.argv[1], as_version=4); nbformat.validate(nb); print("valid", len(nb.metadata["jupyterlab-runs"]["runs"]))',
      file
    ]).toString();
    expect(out.trim()).toBe('valid 4');

    // Import into a fresh folder: opening it offers to restore the runs.
    const fresh = `${tmpPath}/fresh/history.ipynb`;
    await putFile(page.request, `${tmpPath}/fresh`, null);
    await putFile(page.request, fresh, text);
    await page.evaluate(
      // Return nothing: Playwright would serialize the whole widget graph.
      async path => {
        await window.jupyterapp.commands.execute('docmanager:open', { path });
      },
      fresh
    );
    const dialog = page.locator('.jp-Dialog');
    await expect(dialog).toContainText('4 runs');
    await dialog.getByRole('button', { name: 'Restore' }).click();

    const freshFolder = `${tmpPath}/fresh/history.runs`;
    const original = (await listNames(page.request, folder)).filter(
      n => !n.startsWith('manifest-')
    );
    await expect
      .poll(async () =>
        (await listNames(page.request, freshFolder)).filter(
          n => !n.startsWith('manifest-')
        )
      )
      .toEqual(original);
    const read = async (p: string) => {
      const r = await page.request.get(
        `/api/contents/${encodeURI(p)}?type=file&format=base64&content=1`
      );
      return Buffer.from((await r.json()).content, 'base64');
    };
    for (const name of original) {
      if (name.endsWith('.artifacts')) {
        expect(await read(`${freshFolder}/${name}/model.bin`)).toEqual(
          await read(`${folder}/${name}/model.bin`)
        );
        continue;
      }
      const [a, b] = [
        await read(`${folder}/${name}`),
        await read(`${freshFolder}/${name}`)
      ];
      // Every file byte for byte, run and series files too (the server
      // stored the notebook with sorted keys; docs/RUN_FOLDER.md).
      expect([name, b.toString('base64')]).toEqual([
        name,
        a.toString('base64')
      ]);
    }

    // The zip bundle carries the whole folder, byte for byte.
    await page.evaluate(
      notebookPath =>
        window.jupyterapp.commands.execute('jupyterlab-runs:export-runs-zip', {
          notebookPath
        }),
      notebook
    );
    await page.evaluate(
      ([p, target]) =>
        window.jupyterapp.commands.execute(
          'jupyterlab-runs:import-runs-bundle',
          { path: p, target }
        ),
      [`${tmpPath}/history-with-runs.zip`, `${tmpPath}/unzipped`]
    );
    const unzipped = `${tmpPath}/unzipped/history.runs`;
    await expect
      .poll(async () => listNames(page.request, unzipped))
      .toEqual(await listNames(page.request, folder));
    for (const name of original.filter(n => !n.endsWith('.artifacts'))) {
      expect([
        name,
        (await read(`${unzipped}/${name}`)).toString('base64')
      ]).toEqual([name, (await read(`${folder}/${name}`)).toString('base64')]);
    }
  });

  test('manages a run from its context menu: rename, star, note, tags, delete and restore', async ({
    page
  }) => {
    const ids = await writeRuns(page.request, folder, notebook, 3);
    await openNotebook(page, notebook);
    const sidebar = page.locator('#jp-runs-panel');
    await expectSidebarRuns(sidebar, 3);
    const id = ids[1];
    const row = sidebar.locator(`.jp-RunsPanel-run[data-run-id="${id}"]`);
    const dialog = page.getByRole('dialog');
    const fromMenu = async (item: string) => {
      await row.click({ button: 'right' });
      const entry = page.getByRole('menuitem', { name: item });
      await entry.hover();
      await entry.click();
      await expect(entry).toBeHidden();
    };
    const answer = async (text: string) => {
      await dialog.getByRole('textbox').fill(text);
      await dialog.getByRole('button', { name: /^ok$/i }).click();
      await expect(dialog).toHaveCount(0);
    };

    await fromMenu('Rename Run…');
    await answer('lr one, =bold');
    await expect(row).toContainText('lr one, =bold');

    await fromMenu('Star or Unstar Run');
    await expect(row.getByRole('img', { name: 'Starred' })).toBeVisible();

    await fromMenu('Edit Run Note…');
    await answer('diverged after <b>epoch</b> 3');
    // Saved (and the row redrawn) before the next menu opens on it.
    await expect
      .poll(async () => (await annotationOf(page, folder, id)).note)
      .toBe('diverged after <b>epoch</b> 3');
    await expect(row.getByRole('img', { name: 'Starred' })).toBeVisible();
    await fromMenu('Add Run Tags…');
    await answer('baseline, owner=alice');
    await expect
      .poll(() => annotationOf(page, folder, id))
      .toMatchObject({
        name: 'lr one, =bold',
        starred: true,
        note: 'diverged after <b>epoch</b> 3',
        tags: { baseline: '', owner: 'alice' }
      });
    // Notes are text, never markup.
    await expect(page.locator('#jp-runs-panel b')).toHaveCount(0);

    // Delete asks first; Cancel keeps the run.
    await fromMenu('Delete Run…');
    await expect(dialog).toContainText('trash');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expectSidebarRuns(sidebar, 3);
    await fromMenu('Delete Run…');
    await dialog.getByRole('button', { name: 'Delete' }).click();
    await expect(row).toHaveCount(0);
    await expectSidebarRuns(sidebar, 2);
    expect(await runFileNames(page, folder)).not.toContain(`${id}.json`);
    await expect
      .poll(async () => listNames(page.request, `${folder}/trash`))
      .toEqual(
        expect.arrayContaining([`${id}.json`, `${id}.annotations.json`])
      );

    // The trash gives it back, with what the user said about it.
    await fromPalette(page, 'Restore Deleted Runs…');
    await dialog.getByRole('combobox').selectOption({ index: 0 });
    await expect(dialog.getByRole('combobox')).toContainText(id);
    await dialog.getByRole('button', { name: /^ok$/i }).click();
    await expectSidebarRuns(sidebar, 3);
    await expect(row).toContainText('lr one, =bold');
    await expect(row.getByRole('img', { name: 'Starred' })).toBeVisible();
    expect(await runFileNames(page, folder)).toContain(`${id}.json`);
    expect(await listNames(page.request, `${folder}/trash`)).not.toContain(
      `${id}.json`
    );
  });

  test('a run renamed while the page writes its manifest shard shows its new name', async ({
    page
  }) => {
    // The page's first shard write of the folder starts about a second
    // after it is listed. The rename's save is held until that write is on
    // its way, and the write until the rename's save has landed: the rename
    // lands inside the shard write's window (between its two reads of the
    // folder's time), which must not take the folder's new time as its own.
    let shardArrived!: () => void;
    const shardOnItsWay = new Promise<void>(r => (shardArrived = r));
    let renameLanded!: () => void;
    const renameDone = new Promise<void>(r => (renameLanded = r));
    const order: string[] = [];
    await page.context().route(/\/manifest-[0-9A-Z]+\.json/, async route => {
      if (route.request().method() === 'PUT') {
        order.push('shard sent');
        shardArrived();
        await renameDone;
        await new Promise(resolve => setTimeout(resolve, 500));
        order.push('shard released');
      }
      await route.continue();
    });
    await page.context().route(/\.annotations\.json/, async route => {
      if (route.request().method() === 'PUT') {
        order.push('rename sent');
        await shardOnItsWay;
        await route.continue();
        // Its answer has come: the file is on disk.
        order.push('rename landed');
        setTimeout(renameLanded, 200);
        return;
      }
      await route.continue();
    });
    const ids = await writeRuns(page.request, folder, notebook, 3);
    await openNotebook(page, notebook);
    const sidebar = page.locator('#jp-runs-panel');
    await expectSidebarRuns(sidebar, 3);
    const row = sidebar.locator(`.jp-RunsPanel-run[data-run-id="${ids[1]}"]`);
    await row.click({ button: 'right' });
    await page.getByRole('menuitem', { name: 'Rename Run…' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('textbox').fill('renamed mid-write');
    await dialog.getByRole('button', { name: /^ok$/i }).click();
    await expect(row).toContainText('renamed mid-write', { timeout: 15_000 });
    // The rename landed while the shard's write was on its way (whichever
    // was sent first: a rename sent second waits for that write's window,
    // at most 5 s, then goes).
    expect(order.indexOf('shard sent')).toBeLessThan(
      order.indexOf('rename landed')
    );
    expect(order.indexOf('rename landed')).toBeLessThan(
      order.indexOf('shard released')
    );
    await page.context().unrouteAll({ behavior: 'ignoreErrors' });
  });

  test("another tab's run that lands while this page writes a run of its own is listed within seconds", async ({
    page
  }) => {
    // Two tabs recording into one folder: the other tab's run file lands
    // while this page's run is on its way, between its reads of the
    // folder's time before and after. The time then moves no later than
    // this page's own write explains; only the names the server gives with
    // the read after (`since`) tell the other file apart.
    const theirs = runId(50, 7);
    const order: string[] = [];
    let held = true; // (armed below)
    await page.context().route(RUN_WRITE, async route => {
      const request = route.request();
      if (
        !held &&
        request.method() !== 'GET' &&
        !request.url().includes(theirs)
      ) {
        held = true;
        order.push('own run sent');
        await putFile(
          page.request,
          `${folder}/${theirs}.json`,
          runFile(theirs, notebook, 50)
        );
        order.push('their run landed');
        await new Promise(resolve => setTimeout(resolve, 300));
      }
      await route.continue();
    });
    await writeRuns(page.request, folder, notebook, 3);
    await openNotebook(page, notebook);
    const sidebar = page.locator('#jp-runs-panel');
    await expectSidebarRuns(sidebar, 3);
    // A first run of the kernel's: its journal's folder is made then, a
    // change the page lists in any case. Then the shard's write, a second
    // later.
    await recordRuns(page, notebook, 1);
    await expectSidebarRuns(sidebar, 4);
    await page.waitForTimeout(3000);
    held = false;
    await recordRuns(page, notebook, 1);
    // Its own run, then theirs: no click, within the watch's few seconds.
    await expect
      .poll(async () => (await runFileNames(page, folder)).length, {
        timeout: 30_000
      })
      .toBe(6);
    expect(order).toEqual(['own run sent', 'their run landed']);
    await expect(
      sidebar.locator(`.jp-RunsPanel-run[data-run-id="${theirs}"]`)
    ).toBeVisible({ timeout: 5_000 });
    await expectSidebarRuns(sidebar, 6);

    // A run of its own alone (the kernel's journal changing with it) is
    // told apart: the folder is not listed again.
    const listings: string[] = [];
    page.on('request', request => {
      const url = new URL(request.url());
      if (
        url.pathname.endsWith('/jupyterlab-runs/api/listing') &&
        url.searchParams.get('path') === folder &&
        url.searchParams.get('content') !== '0'
      ) {
        listings.push(request.url());
      }
    });
    await recordRuns(page, notebook, 1);
    await expectSidebarRuns(sidebar, 7);
    await expect
      .poll(async () => (await runFileNames(page, folder)).length)
      .toBe(7);
    await page.waitForTimeout(4000); // the watch's checks come and go
    expect(listings).toEqual([]);
    await page.context().unrouteAll({ behavior: 'ignoreErrors' });
  });

  test('a run another tab deletes while this page writes a run of its own leaves the list within seconds', async ({
    page
  }) => {
    // As above, with another tab's deletion: the run moves to the trash,
    // which the server names with the read after (`trash/`).
    const ids = await writeRuns(page.request, folder, notebook, 3);
    await putFile(page.request, `${folder}/trash`, null);
    const gone = ids[0];
    const order: string[] = [];
    let held = true; // (armed below)
    await page.context().route(RUN_WRITE, async route => {
      const request = route.request();
      if (!held && request.method() !== 'GET') {
        held = true;
        order.push('own run sent');
        const moved = await page.request.patch(
          `/api/contents/${folder}/${gone}.json`,
          { data: { path: `${folder}/trash/${gone}.json` } }
        );
        expect(moved.ok()).toBe(true);
        order.push('their deletion landed');
        await new Promise(resolve => setTimeout(resolve, 300));
      }
      await route.continue();
    });
    await openNotebook(page, notebook);
    const sidebar = page.locator('#jp-runs-panel');
    await expectSidebarRuns(sidebar, 3);
    await recordRuns(page, notebook, 1); // the journal's folder made
    await expectSidebarRuns(sidebar, 4);
    await page.waitForTimeout(3000);
    held = false;
    await recordRuns(page, notebook, 1);
    await expect
      .poll(() => order, { timeout: 30_000 })
      .toEqual(['own run sent', 'their deletion landed']);
    // Its two runs and two of the three others.
    await expect
      .poll(async () => (await runFileNames(page, folder)).length, {
        timeout: 30_000
      })
      .toBe(4);
    expect(await runFileNames(page, folder)).not.toContain(`${gone}.json`);
    await expect(
      sidebar.locator(`.jp-RunsPanel-run[data-run-id="${gone}"]`)
    ).toHaveCount(0, { timeout: 5_000 });
    await expectSidebarRuns(sidebar, 4);
    await page.context().unrouteAll({ behavior: 'ignoreErrors' });
  });

  test('opens the runs of a deleted notebook from "Open Runs Folder…"', async ({
    page,
    tmpPath
  }) => {
    const ids = await writeRuns(page.request, folder, notebook, 3);
    await page.filebrowser.openDirectory(tmpPath);
    await page
      .getByRole('listitem', { name: /^Name: history\.ipynb / })
      .click({ button: 'right' });
    // JupyterLab says "Move to Trash" when the server keeps a trash.
    await page
      .getByRole('menuitem', { name: /^(Delete|Move to Trash)\b/ })
      .click();
    const dialog = page.getByRole('dialog');
    await dialog
      .getByRole('button', { name: /^(Delete|Move to Trash)$/ })
      .click();
    await expect(
      page.getByRole('listitem', { name: /^Name: history\.ipynb / })
    ).toHaveCount(0);
    // The runs stay.
    expect(await runFileNames(page, folder)).toHaveLength(3);

    await fromPalette(page, 'Open Runs Folder…');
    await dialog
      .getByRole('combobox')
      .selectOption({ label: `${folder} (notebook deleted)` });
    await dialog.getByRole('button', { name: /^ok$/i }).click();
    const view = page.getByRole('region', { name: `Runs in ${folder}` });
    await expect(view).toBeVisible();
    const rows = view.locator('.jp-RunsPanel-run');
    await expect(rows).toHaveCount(3);
    expect(
      await rows.evaluateAll(nodes =>
        nodes.map(n => (n as HTMLElement).dataset.runId).sort()
      )
    ).toEqual([...ids].sort());

    // The run context menu works there too.
    const row = view.locator(`.jp-RunsPanel-run[data-run-id="${ids[0]}"]`);
    await row.click({ button: 'right' });
    await page.getByRole('menuitem', { name: 'Star or Unstar Run' }).click();
    await expect(row).toContainText('★');
    await expect
      .poll(() => annotationOf(page, folder, ids[0]))
      .toMatchObject({ starred: true });
  });
});
