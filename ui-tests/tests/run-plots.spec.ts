/**
 * A run's own plots (#15): a scikit-learn style evaluation (accuracy logged
 * once, a five-point loss, a confusion matrix, ROC and PR curves computed
 * by `jupyterlab_runs` from fixed labels and scores: deterministic, no
 * scikit-learn) shows in its detail a confusion matrix, a ROC chart with
 * its AUC written out, the loss as a line and the accuracy as a bar, never
 * an empty chart. Compare's Learning curves and Groups panes draw the
 * metric logged once as bars too.
 */
import { expect, test, type IJupyterLabPageFixture } from './fixtures';
import type { Locator } from '@playwright/test';
import * as path from 'path';
import { kernelIdle, runCell } from './drillHelpers';
import { readRuns } from './helpers';
import { openNotebook } from './historyHelpers';

test.use({ kernels: null, viewport: { width: 1600, height: 1000 } });

/** The tagged cell of notebooks/run-plots.ipynb. */
const EVALUATE = 2;

/** The chart `name` in `scope`, drawn. */
async function drawn(scope: Locator, name: string): Promise<Locator> {
  const chart = scope.locator(`.jp-RunsChart[data-chart="${name}"]`);
  await expect(chart).toHaveAttribute('data-state', 'ready', {
    timeout: 30_000
  });
  return chart;
}

async function recordTwoRuns(
  page: IJupyterLabPageFixture,
  tmpPath: string
): Promise<{ notebook: string; ids: string[] }> {
  const notebook = `${tmpPath}/run-plots.ipynb`;
  await page.contents.uploadFile(
    path.resolve(__dirname, '../notebooks/run-plots.ipynb'),
    notebook
  );
  await openNotebook(page, notebook);
  await kernelIdle(page);
  await runCell(page, 1);
  for (let i = 1; i <= 2; i++) {
    await runCell(page, EVALUATE);
    await expect
      .poll(
        async () =>
          (await readRuns(page, `${tmpPath}/run-plots.runs`)).filter(
            r => r.status === 'ok'
          ).length,
        { timeout: 60_000 }
      )
      .toBe(i);
    await kernelIdle(page);
  }
  const ids = (await readRuns(page, `${tmpPath}/run-plots.runs`)).map(
    r => r.id
  );
  return { notebook, ids };
}

test('a run detail shows its own plots; a metric logged once is drawn as bars', async ({
  page,
  tmpPath
}) => {
  test.setTimeout(240_000);
  const { notebook, ids } = await recordTwoRuns(page, tmpPath);

  // The detail of the second run, from its row's context menu.
  const sidebar = page.locator('#jp-runs-panel');
  await sidebar
    .locator(`.jp-RunsPanel-run[data-run-id="${ids[1]}"]`)
    .click({ button: 'right' });
  await page.getByRole('menuitem', { name: 'Open Run Details' }).click();
  const detail = page.getByRole('region', { name: 'Run details' });
  await expect(detail.locator('.jp-RunDetail-title')).toHaveText('logreg #2');
  const plots = detail.locator('section[data-section="plots"]');

  // Its confusion matrix and ROC curve, the AUC as text beside the chart.
  const matrix = await drawn(plots, 'confusion-1');
  await expect(matrix).toHaveAttribute('data-mark', /\brect\b/);
  const roc = await drawn(plots, 'roc');
  await expect(roc).toHaveAttribute('data-mark', 'line');
  const areas = plots.getByRole('list', { name: 'Areas under the curves' });
  await expect(areas.first()).toHaveText('logreg #2: AUC 0.92');
  await expect(areas.last()).toHaveText('logreg #2: AP 0.9429');
  await expect(areas.first()).toBeVisible();

  // The five-point loss is a line; the accuracy, logged once, a bar.
  const loss = await drawn(plots, `metrics-${ids[1]}`);
  // A line (with the pointer's rule), never bars.
  await expect(loss).toHaveAttribute('data-mark', /^line\b(?!.*\bbar\b)/);
  await expect(
    plots.getByRole('combobox', { name: 'Metric' }).locator('option')
  ).toHaveText(['loss']);
  const values = await drawn(plots, `values-${ids[1]}`);
  await expect(values).toHaveAttribute('data-mark', /^bar\b/);
  await expect(values).toHaveAttribute('data-rows', '1');
  // No chart of the detail is empty or failed.
  await expect(
    detail.locator('.jp-RunsChart:not([data-state="ready"])')
  ).toHaveCount(0);

  // Compare both runs: accuracy in Learning curves is one bar per run,
  // each in its run's colour, named as the run.
  await page.evaluate(
    async args => {
      await window.jupyterapp.commands.execute(
        'jupyterlab-runs:compare-runs',
        args
      );
    },
    { runIds: ids, notebookPath: notebook }
  );
  const compare = page.getByRole('region', { name: 'Compare runs' });
  await compare.getByRole('tab', { name: 'Learning curves' }).click();
  const curvesPane = compare.getByRole('tabpanel', {
    name: 'Learning curves',
    exact: true
  });
  await curvesPane
    .getByRole('combobox', { name: 'Metric' })
    .selectOption('accuracy');
  const curves = curvesPane.locator(
    '.jp-RunsChart[data-chart="learning-curves"][data-mark="bar"]'
  );
  await expect(curves).toHaveAttribute('data-state', 'ready', {
    timeout: 30_000
  });
  await expect(curves).toHaveAttribute('data-rows', '2');
  const colors = JSON.parse(
    (await curves.getAttribute('data-colors')) ?? '{}'
  ) as Record<string, string>;
  expect(Object.keys(colors).sort()).toEqual(['logreg #1', 'logreg #2']);
  for (const [i, id] of ids.entries()) {
    const swatch = await compare
      .locator(`[data-run-id="${id}"] .jp-RunsSwatch`)
      .first()
      .getAttribute('data-color');
    expect(colors[`logreg #${i + 1}`]).toBe(swatch);
  }

  // Back to loss: lines again.
  await curvesPane
    .getByRole('combobox', { name: 'Metric' })
    .selectOption('loss');
  await expect(
    curvesPane.locator(
      '.jp-RunsChart[data-chart="learning-curves"][data-mark^="line"]'
    )
  ).toHaveAttribute('data-state', 'ready', { timeout: 30_000 });

  // Groups: accuracy per group as a bar with its runs as points.
  await compare.getByRole('tab', { name: 'Groups' }).click();
  const groupsPane = compare.getByRole('tabpanel', {
    name: 'Groups',
    exact: true
  });
  await groupsPane
    .getByRole('combobox', { name: 'Metric' })
    .selectOption('accuracy');
  await expect(
    groupsPane.locator(
      '.jp-RunsChart[data-chart="mean-std-bands"][data-mark~="bar"]'
    )
  ).toHaveAttribute('data-state', 'ready', { timeout: 30_000 });
});
