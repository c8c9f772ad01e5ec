/**
 * Readable at a glance, on a sweep as a new user runs one (#15): a fresh
 * logistic-regression notebook, the `parameters` cell edited and Run All
 * eight times (one setting diverges). Then, in the light and the dark
 * theme: every run named `logreg #n` with one colour, the same in the
 * table, the compare header, the learning-curves legend and the detail;
 * the detail of a run shows its own confusion matrix and ROC with its
 * AUC, and its once-logged accuracy as bars; the converged runs carry no
 * "best step is not the last" flag and the diverging one does; Compare and
 * the detail redraw in the new theme's colours.
 *
 * With RUNS_SCREENSHOTS=1 it also writes the README's screenshots: the
 * sidebar at 400 and 700 px, Compare and the detail, light and dark.
 */
import { expect, test, type IJupyterLabPageFixture } from './fixtures';
import * as path from 'path';
import { kernelIdle } from './drillHelpers';
import { editCell, readRuns, swatchColor } from './helpers';
import { openNotebook } from './historyHelpers';

const NOTEBOOK = path.resolve(__dirname, '../notebooks/logreg-sweep.ipynb');
const SHOTS = path.resolve(__dirname, '../../docs/screenshots');
/** The sweep: C for each Run All; the fourth setting diverges. */
const SWEEP = [0.05, 0.1, 0.3, 1, 0.5, 2, 3, 5];
const DIVERGES = 3;

async function setTheme(
  page: IJupyterLabPageFixture,
  theme: 'light' | 'dark'
): Promise<void> {
  await page.evaluate(
    name =>
      window.jupyterapp.commands.execute('apputils:change-theme', {
        theme: name
      }),
    theme === 'dark' ? 'JupyterLab Dark' : 'JupyterLab Light'
  );
  await expect(page.locator('body')).toHaveAttribute(
    'data-jp-theme-light',
    theme === 'dark' ? 'false' : 'true'
  );
}

/** Wait until every chart in `scope` is drawn (or says it has nothing). */
async function chartsSettled(
  scope: ReturnType<IJupyterLabPageFixture['locator']>
): Promise<void> {
  for (const fig of await scope.locator('figure[data-chart]').all()) {
    await expect(fig).toHaveAttribute('data-state', /ready|empty/, {
      timeout: 30_000
    });
  }
}

test.use({ kernels: null, viewport: { width: 1600, height: 1000 } });

test('an eight-run sweep reads at a glance, light and dark', async ({
  page,
  tmpPath
}) => {
  test.setTimeout(420_000);
  const notebook = `${tmpPath}/logreg-sweep.ipynb`;
  const folder = `${tmpPath}/logreg-sweep.runs`;
  await page.contents.uploadFile(NOTEBOOK, notebook);
  await openNotebook(page, notebook);
  await kernelIdle(page);

  for (const [i, C] of SWEEP.entries()) {
    await editCell(
      page,
      1,
      `C = ${C}\nlr = 0.5\ndiverge = ${i === DIVERGES ? 'True' : 'False'}`
    );
    await page.menu.clickMenuItem('Run>Run All Cells');
    await expect
      .poll(
        async () =>
          (await readRuns(page, folder)).filter(r => r.status === 'ok').length,
        { timeout: 60_000 }
      )
      .toBe(i + 1);
    await kernelIdle(page);
  }
  const runs = await readRuns(page, folder);
  const ids = runs.map(r => r.id); // oldest first: logreg #1 .. #8
  const name = (i: number) => `logreg #${i + 1}`;

  const sidebar = page.locator('#jp-runs-panel');
  await expect(sidebar.locator('.jp-RunsPanel-run')).toHaveCount(8, {
    timeout: 30_000
  });
  const row = (id: string) =>
    sidebar.locator(`.jp-RunsPanel-run[data-run-id="${id}"]`);
  for (const [i, id] of ids.entries()) {
    await expect(row(id).locator('.jp-RunsTable-name')).toHaveText(name(i));
  }
  const colors = await Promise.all(ids.map(id => swatchColor(sidebar, id)));
  expect(new Set(colors).size).toBe(8);

  // Compare all eight.
  for (const [i, id] of ids.entries()) {
    await row(id)
      .locator('.jp-RunsTable-name')
      .click({ modifiers: i ? ['Shift'] : [] });
  }
  // Shift-click selects rows, not the table's text.
  expect(await page.evaluate(() => String(window.getSelection()))).toBe('');
  await page.getByRole('button', { name: 'Compare 8' }).click();
  const compare = page.getByRole('region', { name: 'Compare runs' });
  await expect(compare.locator('.jp-RunsCompare-run')).toHaveCount(8);
  for (const [i, id] of ids.entries()) {
    expect(await swatchColor(compare, id)).toBe(colors[i]);
  }

  // Anomalies: the diverging run is flagged, the converged ones are not.
  await compare.getByRole('tab', { name: 'Anomalies' }).click();
  const flags = compare.locator('li.jp-RunsCompare-anomaly');
  await expect(flags.first()).toBeVisible({ timeout: 30_000 });
  const flagged = await flags.evaluateAll(items =>
    items.map(li => ({
      kind: (li as HTMLElement).dataset.kind!,
      text: li.textContent ?? ''
    }))
  );
  const bestNotLast = flagged.filter(f => f.kind === 'best-not-last');
  expect(bestNotLast.map(f => f.text.split(' · ')[0])).toEqual([
    name(DIVERGES)
  ]);
  // The flag says by how much the last value is worse.
  expect(bestNotLast[0].text).toMatch(/%|×/);

  // The legend of the learning curves: the table's colours, by name.
  await compare.getByRole('tab', { name: 'Learning curves' }).click();
  const curves = compare.locator('.jp-RunsChart[data-chart="learning-curves"]');
  await expect(curves).toHaveAttribute('data-state', 'ready', {
    timeout: 30_000
  });
  const legend = JSON.parse(
    (await curves.getAttribute('data-colors')) ?? '{}'
  ) as Record<string, string>;
  for (const [i] of ids.entries()) {
    expect(legend[name(i)]).toBe(colors[i]);
  }

  // The detail of one run: its own plots, in its colour.
  await row(ids[2]).locator('.jp-RunsTable-name').dblclick();
  const detail = page.getByRole('region', { name: 'Run details' });
  await expect(detail.locator('.jp-RunDetail-title')).toHaveText(name(2));
  await expect(
    detail.locator('.jp-RunDetail-title .jp-RunsSwatch')
  ).toHaveAttribute('data-color', colors[2]!);
  await chartsSettled(detail);

  for (const theme of ['light', 'dark'] as const) {
    await setTheme(page, theme);
    await chartsSettled(detail);
    await chartsSettled(compare);
    // Colours do not change with the theme.
    expect(await swatchColor(sidebar, ids[0])).toBe(colors[0]);
    if (process.env.RUNS_SCREENSHOTS) {
      await takeScreenshots(page, theme);
    }
  }
});

/** The README's screenshots, in the current theme. */
async function takeScreenshots(
  page: IJupyterLabPageFixture,
  theme: 'light' | 'dark'
): Promise<void> {
  const sidebar = page.getByRole('region', { name: 'Experiment Runs' });
  for (const width of [400, 700]) {
    expect(await page.sidebar.setWidth(width, 'right')).toBe(true);
    // JupyterLab's toolbar moves items to and from "…" at most twice a
    // second.
    await page.waitForTimeout(1200);
    await sidebar.screenshot({
      path: path.join(SHOTS, `sidebar-${width}-${theme}.png`)
    });
  }
  await page.sidebar.setWidth(400, 'right');
  for (const [region, file] of [
    ['Compare runs', 'sweep-compare'],
    ['Run details', 'sweep-detail']
  ]) {
    const widget = page.getByRole('region', { name: region });
    await page.evaluate(
      label =>
        window.jupyterapp.shell.activateById(
          [...window.jupyterapp.shell.widgets('main')].find(
            w =>
              w.node.getAttribute('aria-label') === label ||
              !!w.node.querySelector(`[aria-label="${label}"]`)
          )!.id
        ),
      region
    );
    await chartsSettled(widget);
    await page.waitForTimeout(300);
    await widget.screenshot({
      path: path.join(SHOTS, `${file}-${theme}.png`)
    });
  }
}
