import type { IJupyterLabPageFixture } from '@jupyterlab/galata';
import { expect } from '@jupyterlab/galata';

/** A run file as the extension writes it (only the fields tests read). */
export interface IRunFile {
  id: string;
  code: string;
  status: string;
  cellId: string;
  experiment: string;
  executionCount: number | null;
  error?: { ename: string; evalue: string; traceback: string[] };
  outputs: Array<Record<string, unknown>>;
  kernel: { name: string; language: string; languageVersion: string };
  params?: Record<string, unknown>;
}

/** Read a server file through the Contents API, as any client would. */
export async function readText(
  page: IJupyterLabPageFixture,
  path: string
): Promise<string> {
  const response = await page.request.get(
    `/api/contents/${encodeURI(path)}?type=file&format=text&content=1`
  );
  expect(response.ok()).toBe(true);
  return (await response.json()).content as string;
}

/** All run files in a runs folder, oldest first (ids sort by time). */
export async function readRuns(
  page: IJupyterLabPageFixture,
  folder: string
): Promise<IRunFile[]> {
  const response = await page.request.get(
    `/api/contents/${encodeURI(folder)}?content=1`
  );
  if (response.status() === 404) {
    return [];
  }
  expect(response.ok()).toBe(true);
  const listing = (await response.json()).content as Array<{
    name: string;
    path: string;
    type: string;
  }>;
  const files = listing
    // Run files only: a runs folder also holds manifest shards, series,
    // annotations and artifacts.
    .filter(
      item =>
        item.type === 'file' && /^[0-9A-HJKMNP-TV-Z]{26}\.json$/.test(item.name)
    )
    .sort((a, b) => a.name.localeCompare(b.name));
  const runs: IRunFile[] = [];
  for (const file of files) {
    runs.push(JSON.parse(await readText(page, file.path)) as IRunFile);
  }
  return runs;
}

/** Wait until a runs folder holds exactly `count` run files, and return them. */
export async function waitForRuns(
  page: IJupyterLabPageFixture,
  folder: string,
  count: number
): Promise<IRunFile[]> {
  let runs: IRunFile[] = [];
  await expect
    .poll(
      async () => {
        try {
          runs = await readRuns(page, folder);
        } catch (error) {
          // Jupyter writes files in place (keeping a backup), so a file
          // being replaced can read as truncated JSON: look again.
          if (error instanceof SyntaxError) {
            return -1;
          }
          throw error;
        }
        return runs.length;
      },
      { timeout: 30_000 }
    )
    .toBe(count);
  return runs;
}

/** Run a command through the command palette, as a user would. */
export async function runFromPalette(
  page: IJupyterLabPageFixture,
  label: string
): Promise<void> {
  const palette = page.locator('#modal-command-palette');
  const input = palette.locator('input');
  // Opened again when it shows without its input: once in CI (a loaded
  // machine), the palette stayed "visible" with its input hidden for two
  // minutes, the modal having closed again as it opened.
  await expect(async () => {
    if (!(await input.isVisible())) {
      await page.menu.clickMenuItem('View>Activate Command Palette');
    }
    await expect(input).toBeVisible({ timeout: 3000 });
  }).toPass({ timeout: 30_000 });
  await input.fill(label);
  // The palette re-renders its items as commands change; pick the active
  // (first matching) item with the keyboard rather than clicking a node
  // that may be replaced under the pointer.
  await expect(
    palette.locator('.lm-CommandPalette-item.lm-mod-active')
  ).toContainText(label);
  await page.keyboard.press('Enter');
  await expect(palette).toBeHidden();
}

/** Reproduce a run from the command palette's command, with its args. */
export async function reproduce(
  page: IJupyterLabPageFixture,
  notebookPath: string,
  runId: string
): Promise<void> {
  await page.evaluate(
    ({ notebookPath, runId }) =>
      void window.jupyterapp.commands.execute('jupyterlab-runs:reproduce-run', {
        notebookPath,
        runId
      }),
    { notebookPath, runId }
  );
}

/** Set a cell's source in the current notebook, as a user's edit does. */
export async function editCell(
  page: IJupyterLabPageFixture,
  index: number,
  source: string
): Promise<void> {
  await page.evaluate(
    ({ index, source }) => {
      const panel = window.jupyterapp.shell.currentWidget as unknown as {
        content: {
          model: {
            cells: {
              get(i: number): { sharedModel: { setSource(s: string): void } };
            };
          };
        };
      };
      panel.content.model.cells.get(index).sharedModel.setSource(source);
    },
    { index, source }
  );
}

/** The colour of a run's swatch in a part of the page, by run id. */
export async function swatchColor(
  scope: ReturnType<IJupyterLabPageFixture['locator']>,
  runId: string
): Promise<string | undefined> {
  return scope
    .locator(`[data-run-id="${runId}"] .jp-RunsSwatch`)
    .first()
    .evaluate(node => (node as HTMLElement).dataset.color);
}
