/**
 * Symbolic links that lead out of a runs folder, made for real on the
 * server's disk: the trash and the exports must never act through them
 * (issue #16). Needs the jupyterlab-runs server extension enabled (the
 * package's jupyter-config, installed with the package).
 *
 * The test finds the server root from the page config (`serverRoot`), so
 * it works with `reuseExistingServer` too.
 */
import { expect, test, type IJupyterLabPageFixture } from './fixtures';
import { unzipSync } from 'fflate';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { openNotebook, putFile, writeRuns } from './historyHelpers';
import { notebookJson } from './notebooks';

const SECRET = 'SECRET-OUTSIDE-7f3a';

/** The server's root on disk, from the page config. */
async function serverRoot(page: IJupyterLabPageFixture): Promise<string> {
  return page.evaluate(() => {
    const node = document.getElementById('jupyter-config-data');
    return JSON.parse(node?.textContent ?? '{}').serverRoot as string;
  });
}

/** Every file under a folder, by relative path, as base64 of its bytes. */
function snapshot(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (at: string, prefix: string) => {
    for (const entry of fs.readdirSync(at, { withFileTypes: true })) {
      const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
      const full = path.join(at, entry.name);
      if (entry.isDirectory()) {
        files[`${rel}/`] = '';
        walk(full, rel);
      } else {
        files[rel] = fs.readFileSync(full).toString('base64');
      }
    }
  };
  walk(dir, '');
  return files;
}

const NOTEBOOK = notebookJson();

/** A notification saying `summary`, whose Details name `entry`. */
async function expectReported(
  page: IJupyterLabPageFixture,
  summary: string,
  entry: string
): Promise<void> {
  const toast = page.getByRole('alert').filter({ hasText: summary }).first();
  await toast.getByRole('button', { name: 'Details' }).click();
  const dialog = page.locator('.jp-Dialog');
  await expect(dialog).toContainText(entry);
  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(dialog).toHaveCount(0);
}

test.describe('Symbolic links out of a runs folder', () => {
  let outside: string;
  let root: string;
  let notebook: string;
  let folder: string;
  let ids: string[];

  test.beforeEach(async ({ page, tmpPath }) => {
    root = await serverRoot(page);
    // A folder outside the server root, with files the extension never
    // wrote — one of them named like a run's file.
    outside = fs.mkdtempSync(path.join(os.tmpdir(), 'runs-outside-'));
    fs.writeFileSync(path.join(outside, 'secret.txt'), SECRET);
    fs.mkdirSync(path.join(outside, 'project'));
    fs.writeFileSync(path.join(outside, 'project', 'thesis.tex'), SECRET);
    notebook = `${tmpPath}/links.ipynb`;
    folder = `${tmpPath}/links.runs`;
    await putFile(page.request, notebook, NOTEBOOK);
    ids = await writeRuns(page.request, folder, notebook, 2);
    fs.writeFileSync(path.join(outside, `${ids[1]}.json`), SECRET);
  });

  test.afterEach(() => {
    fs.rmSync(outside, { recursive: true, force: true });
  });

  test('a trash linked outside: delete and empty trash leave it byte for byte and name the link', async ({
    page
  }) => {
    fs.symlinkSync(outside, path.join(root, folder, 'trash'), 'dir');
    const before = snapshot(outside);
    await openNotebook(page, notebook);

    const deleting = page.evaluate(
      ([notebookPath, runId]) =>
        window.jupyterapp.commands.execute('jupyterlab-runs:delete-run', {
          notebookPath,
          runId
        }),
      [notebook, ids[0]]
    );
    await page
      .getByRole('dialog')
      .getByRole('button', { name: 'Delete' })
      .click();
    const deleted = (await deleting) as {
      moved: string[];
      refused?: string;
      leftAlone: { name: string; reason: string }[];
    };
    expect(deleted.moved).toEqual([]);
    expect(deleted.leftAlone).toContainEqual({
      name: `${folder}/trash`,
      reason: 'is a symbolic link to outside the server root'
    });
    await expectReported(page, 'nothing was done', `${folder}/trash`);
    // The run stays where it was.
    expect(fs.existsSync(path.join(root, folder, `${ids[0]}.json`))).toBe(true);

    const emptying = page.evaluate(
      notebookPath =>
        window.jupyterapp.commands.execute('jupyterlab-runs:empty-runs-trash', {
          notebookPath
        }),
      notebook
    );
    await page
      .getByRole('dialog')
      .getByRole('button', { name: 'Delete for Good' })
      .click();
    const emptied = (await emptying) as {
      deleted: string[];
      refused?: string;
    };
    expect(emptied.deleted).toEqual([]);
    expect(emptied.refused).toContain(`${folder}/trash`);
    expect(snapshot(outside)).toEqual(before);
  });

  test('an artifacts folder linked outside: zip and notebook exports carry nothing of it and list it', async ({
    page,
    tmpPath
  }) => {
    const artifacts = `${folder}/${ids[0]}.artifacts`;
    fs.symlinkSync(outside, path.join(root, artifacts), 'dir');
    const before = snapshot(outside);
    await openNotebook(page, notebook);

    const zipReport = (await page.evaluate(
      notebookPath =>
        window.jupyterapp.commands.execute('jupyterlab-runs:export-runs-zip', {
          notebookPath
        }),
      notebook
    )) as { path: string; skipped: { path: string; reason: string }[] };
    expect(zipReport.skipped).toEqual([
      {
        path: artifacts,
        reason: 'is a symbolic link to outside the server root'
      }
    ]);
    const zip = unzipSync(
      new Uint8Array(fs.readFileSync(path.join(root, zipReport.path)))
    );
    expect(Object.keys(zip)).toContain(`links.runs/${ids[1]}.json`);
    expect(
      Object.keys(zip).filter(name => name.includes('.artifacts'))
    ).toEqual([]);
    for (const [name, bytes] of Object.entries(zip)) {
      expect([name, Buffer.from(bytes).includes(SECRET)]).toEqual([
        name,
        false
      ]);
    }
    await expectReported(page, 'leaving out 1', artifacts);

    const nbReport = (await page.evaluate(
      notebookPath =>
        window.jupyterapp.commands.execute(
          'jupyterlab-runs:export-notebook-with-runs',
          { notebookPath }
        ),
      notebook
    )) as { path: string; skipped: { path: string }[] };
    expect(nbReport.path).toBe(`${tmpPath}/links-with-runs.ipynb`);
    expect(nbReport.skipped.map(s => s.path)).toEqual([artifacts]);
    const text = fs.readFileSync(path.join(root, nbReport.path), 'utf-8');
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain(Buffer.from(SECRET).toString('base64'));
    const embedded = JSON.parse(text).metadata['jupyterlab-runs'];
    expect(embedded.runs.map((r: { id: string }) => r.id).sort()).toEqual(
      [...ids].sort()
    );
    expect(snapshot(outside)).toEqual(before);
  });
});
