/**
 * Charts that follow the theme and answer the pointer (#15, items 4 and 9):
 * with a comparison and a run detail open, switching to the dark theme
 * redraws both charts in the dark theme's text colour (the one on screen
 * at once, the other when its tab is shown); on the learning curves a
 * wheel zooms x and Reset restores it, and a legend click hides a run and
 * takes it out of the y-domain. A canvas has no DOM to query: the figure's
 * `data-` attributes (ChartView, `chartState.ts`) say what it drew.
 */
import { expect, test, type IJupyterLabPageFixture } from './fixtures';
import { execFileSync } from 'child_process';
import { rmSync } from 'fs';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '../..');
const GENERATOR = path.join(ROOT, 'scripts/make-fixture-runs.ts');

type Figure = ReturnType<IJupyterLabPageFixture['locator']>;

const made: string[] = [];

/**
 * The `compare` fixture folder (24 runs, the newest three with 100,000-step
 * series), written on disk beside the test folder as compare.spec.ts does.
 */
async function compareFixtures(
  page: IJupyterLabPageFixture,
  tmpPath: string
): Promise<{ compared: string[]; notebook: string }> {
  const root = await page.evaluate(() => {
    const node = document.getElementById('jupyter-config-data');
    return JSON.parse(node?.textContent ?? '{}').serverRoot as string;
  });
  const out = path.join(root, `${tmpPath}-fixtures`);
  made.push(out);
  const text = execFileSync(
    path.join(ROOT, 'node_modules/.bin/tsx'),
    [GENERATOR, '--out', out, '--preset', 'compare'],
    { cwd: ROOT, encoding: 'utf-8' }
  );
  const fx = JSON.parse(text) as { compare: { compared: string[] } };
  return {
    compared: fx.compare.compared,
    notebook: `${tmpPath}-fixtures/compare.ipynb`
  };
}

async function ready(figure: Figure): Promise<void> {
  await expect(figure).toHaveAttribute('data-state', 'ready', {
    timeout: 30_000
  });
}

/** A JSON `data-` attribute of a figure. */
async function json<T>(figure: Figure, name: string): Promise<T> {
  return JSON.parse((await figure.getAttribute(`data-${name}`)) ?? 'null');
}

test.use({ viewport: { width: 1600, height: 1000 } });

test.describe('Interactive charts that follow the theme', () => {
  // After the pages are closed, as compare.spec.ts does: removed after each
  // test, the folder was still open in the file browser, whose next
  // refresh asked for it (a 404 and a console error in the page, CI).
  test.afterAll(() => {
    for (const dir of made.splice(0)) {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a theme switch redraws the compare and detail charts; curves zoom, reset and hide runs', async ({
    page,
    tmpPath
  }) => {
    const { compared, notebook } = await compareFixtures(page, tmpPath);
    await page.notebook.openByPath(notebook);
    await page.sidebar.openTab('jp-runs-panel');
    const sidebar = page.getByRole('region', { name: 'Experiment Runs' });
    const row = (id: string) =>
      sidebar.locator(
        `.jp-RunsPanel-run[data-run-id="${id}"] .jp-RunsTable-name`
      );
    await expect(row(compared[0])).toBeVisible();

    // Compare the three runs with series, on the learning curves.
    for (const [i, id] of compared.entries()) {
      await row(id).click({ modifiers: i ? ['ControlOrMeta'] : [] });
    }
    await page.getByRole('button', { name: 'Compare 3' }).click();
    const compare = page.getByRole('region', { name: 'Compare runs' });
    await compare.getByRole('tab', { name: 'Learning curves' }).click();
    const curves = compare.locator('figure[data-chart="learning-curves"]');
    await ready(curves);
    await expect(curves).toHaveAttribute('data-theme', 'light');
    const lightText = await curves.getAttribute('data-text-color');
    expect(lightText).toBeTruthy();

    // Zoom: a wheel over the plot narrows the x-domain; Reset restores it.
    const reset = curves.getByRole('button', { name: 'Reset' });
    await expect(reset).toBeVisible();
    const initial = await json<[number, number]>(curves, 'x-domain');
    expect(initial[1]).toBeGreaterThan(initial[0]);
    const canvas = curves.locator('canvas');
    const box = (await canvas.boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.5);
    await page.mouse.wheel(0, -400);
    await expect
      .poll(async () => {
        const [lo, hi] = await json<[number, number]>(curves, 'x-domain');
        return hi - lo;
      })
      .toBeLessThan(initial[1] - initial[0]);
    await reset.click();
    await ready(curves);
    await expect
      .poll(() => json<[number, number]>(curves, 'x-domain'))
      .toEqual(initial);

    // A legend click hides that run; a second click shows it again.
    const legend = await json<Record<string, [number, number]>>(
      curves,
      'legend'
    );
    const labels = Object.keys(legend);
    expect(labels).toHaveLength(3);
    await expect(curves).toHaveAttribute('data-hidden-runs', '[]');
    const [x, y] = legend[labels[0]];
    await canvas.click({ position: { x, y } });
    await expect
      .poll(() => json<string[]>(curves, 'hidden-runs'))
      .toEqual([labels[0]]);
    await canvas.click({ position: { x, y } });
    await expect(curves).toHaveAttribute('data-hidden-runs', '[]');

    // A run detail, opened over the comparison (its tab now hidden).
    await row(compared[0]).dblclick();
    const detail = page.getByRole('region', { name: 'Run details' });
    const detailChart = detail.locator('figure.jp-RunsChart').first();
    await ready(detailChart);
    await expect(detailChart).toHaveAttribute('data-text-color', lightText!);
    // On screen (the detail shows its overview first; a chart scrolled
    // away redraws when it is scrolled to).
    await detailChart.scrollIntoViewIfNeeded();

    await page.evaluate(async () => {
      await window.jupyterapp.commands.execute('apputils:change-theme', {
        theme: 'JupyterLab Dark'
      });
    });
    await expect(page.locator('body')).toHaveAttribute(
      'data-jp-theme-light',
      'false'
    );
    // The chart on screen is redrawn in the dark theme's colours...
    await expect(detailChart).toHaveAttribute('data-theme', 'dark');
    await ready(detailChart);
    const darkText = await detailChart.getAttribute('data-text-color');
    expect(darkText).toBeTruthy();
    expect(darkText).not.toBe(lightText);
    // ...and the comparison's when its tab is shown again.
    await page.getByRole('tab', { name: 'Compare 3 runs' }).click();
    await expect(curves).toHaveAttribute('data-theme', 'dark');
    await expect(curves).toHaveAttribute('data-text-color', darkText!);
    await ready(curves);
  });
});
