import { expect, test, type IJupyterLabPageFixture } from './fixtures';
import { execFileSync } from 'child_process';
import { rmSync } from 'fs';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '../..');
const GENERATOR = path.join(ROOT, 'scripts/make-fixture-runs.ts');

interface IFixtures {
  big?: { query: string; expected: string[]; runs: number };
  compare?: { compared: string[] };
  security?: { ids: string[] };
}

/** The server's root on disk, from the page config. */
async function serverRoot(page: IJupyterLabPageFixture): Promise<string> {
  return page.evaluate(() => {
    const node = document.getElementById('jupyter-config-data');
    return JSON.parse(node?.textContent ?? '{}').serverRoot as string;
  });
}

const made: string[] = [];

/**
 * Generate fixture run folders with the committed script, directly on disk
 * beside the test folder (Galata would delete 10,000 files one request at a
 * time); removed after each test.
 */
async function makeFixtures(
  page: IJupyterLabPageFixture,
  tmpPath: string,
  preset: string
): Promise<IFixtures> {
  const out = path.join(await serverRoot(page), `${tmpPath}-fixtures`);
  made.push(out);
  const text = execFileSync(
    path.join(ROOT, 'node_modules/.bin/tsx'),
    [GENERATOR, '--out', out, '--preset', preset],
    { cwd: ROOT, encoding: 'utf-8' }
  );
  return JSON.parse(text) as IFixtures;
}

async function openRuns(page: IJupyterLabPageFixture, notebook: string) {
  await page.notebook.openByPath(notebook);
  await page.sidebar.openTab('jp-runs-panel');
  const sidebar = page.getByRole('region', { name: 'Experiment Runs' });
  return { sidebar, rows: sidebar.locator('[role="row"].jp-RunsPanel-run') };
}

/** Select runs by id: click the first, Ctrl-click the others. */
async function selectRuns(page: IJupyterLabPageFixture, ids: string[]) {
  const sidebar = page.getByRole('region', { name: 'Experiment Runs' });
  for (const [i, id] of ids.entries()) {
    await sidebar
      .locator(`.jp-RunsPanel-run[data-run-id="${id}"] .jp-RunsTable-name`)
      .click({ modifiers: i ? ['ControlOrMeta'] : [] });
  }
}

async function openCompare(page: IJupyterLabPageFixture, ids: string[]) {
  await selectRuns(page, ids);
  await page.getByRole('button', { name: `Compare ${ids.length}` }).click();
  const compare = page.getByRole('region', { name: 'Compare runs' });
  await expect(compare).toBeVisible();
  return compare;
}

async function showTab(page: IJupyterLabPageFixture, label: string) {
  await page.getByRole('tab', { name: label }).click();
  const pane = page.getByRole('tabpanel', { name: label, exact: true });
  await expect(pane).toBeVisible();
  return pane;
}

function chart(
  pane: ReturnType<IJupyterLabPageFixture['locator']>,
  name: string
) {
  return pane.locator(`figure[data-chart="${name}"]`);
}

async function expectChart(
  pane: ReturnType<IJupyterLabPageFixture['locator']>,
  name: string
) {
  const fig = chart(pane, name);
  await expect(fig).toHaveAttribute('data-state', 'ready', { timeout: 30_000 });
  await expect(fig.locator('canvas')).toBeVisible();
}

test.use({ viewport: { width: 1600, height: 1000 } });

test.describe('Compare and explore runs', () => {
  // After the page is gone: deleted under an open page, the folder it
  // watches answers 404 (a failure the quiet fixture would rightly count).
  test.afterAll(() => {
    for (const dir of made.splice(0)) {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a compound query over 10,000 runs leaves exactly the matching runs', async ({
    page,
    tmpPath
  }) => {
    const fx = await makeFixtures(page, tmpPath, 'big');
    const { sidebar, rows } = await openRuns(
      page,
      `${tmpPath}-fixtures/big.ipynb`
    );
    const count = sidebar.getByRole('status').filter({ hasText: 'runs' });
    await expect(count).toHaveText('10000 runs', { timeout: 60_000 });
    // Virtualized: far fewer rows than runs exist in the DOM.
    expect(await rows.count()).toBeLessThan(120);

    const query = sidebar.getByRole('combobox', {
      name: 'Filter runs by query'
    });
    // An error points at the position.
    await query.fill('metrics.acc > ');
    await query.press('Enter');
    await expect(
      sidebar.getByRole('alert').filter({ hasText: 'Invalid query' })
    ).toContainText('^');

    // Key completion offers the metrics of the runs.
    await query.fill('metrics.va');
    await expect(
      sidebar.getByRole('option', { name: 'metrics.val_acc' })
    ).toBeVisible();

    const expected = fx.big!.expected;
    await query.fill(fx.big!.query);
    await query.press('Enter');
    await expect(count).toHaveText(`${expected.length} of 10000 runs`);
    await expect(rows).toHaveCount(expected.length);
    const shown = await rows.evaluateAll(els =>
      els.map(e => (e as HTMLElement).dataset.runId)
    );
    expect(shown.sort()).toEqual(expected);
  });

  test('selecting three runs compares params, curves, plots and code', async ({
    page,
    tmpPath
  }) => {
    const fx = await makeFixtures(page, tmpPath, 'compare');
    const ids = fx.compare!.compared;
    const { rows } = await openRuns(page, `${tmpPath}-fixtures/compare.ipynb`);
    await expect(rows).toHaveCount(24);
    const compare = await openCompare(page, ids);
    const shots: [string, () => Promise<void>][] = [];

    // Params side by side, differences marked, deltas against the reference.
    const params = await showTab(page, 'Params & metrics');
    const lr = params.locator('tr[data-key="param:lr"]');
    await expect(lr).toHaveClass(/jp-mod-differs/);
    await expect(lr.locator('td')).toHaveText([
      /^0\.003/,
      /^0\.01\+0\.007/,
      /^0\.001−?-?0\.002/
    ]);
    await expect(
      params.locator('tr[data-key="param:batch_size"]')
    ).toBeVisible();
    await params.getByRole('checkbox', { name: 'Differences only' }).check();
    await expect(params.locator('tr[data-key="param:batch_size"]')).toHaveCount(
      0
    );
    await expect(params.locator('tr[data-key="param:lr"]')).toBeVisible();
    shots.push(['params', async () => undefined]);

    const curves = await showTab(page, 'Learning curves');
    await expectChart(curves, 'learning-curves');
    shots.push(['curves', async () => undefined]);

    const paramCharts = await showTab(page, 'Params vs metrics');
    await expectChart(paramCharts, 'parallel-coordinates');
    await expectChart(paramCharts, 'scatter');
    await expectChart(paramCharts, 'metric-bars');
    shots.push(['param-charts', async () => undefined]);

    const classification = await showTab(page, 'Classification');
    await expectChart(classification, 'confusion-1');
    await expectChart(classification, 'confusion-3');
    await expectChart(classification, 'roc');
    await expectChart(classification, 'pr');
    shots.push(['classification', async () => undefined]);

    const importance = await showTab(page, 'Importance');
    await expect(importance.getByRole('table')).toBeVisible();
    const groups = await showTab(page, 'Groups');
    await expect(groups.getByRole('status')).toContainText("Welch's t-test");
    await expectChart(groups, 'mean-std-bands');
    shots.push(['groups', async () => undefined]);

    const changed = await showTab(page, 'What changed');
    const code = changed.locator('section[data-section="code"]');
    await expect(code.locator('.jp-RunsDiff-line.jp-mod-removed')).toHaveText([
      /lr = 0\.003$/
    ]);
    await expect(code.locator('.jp-RunsDiff-line.jp-mod-added')).toHaveText([
      /lr = 0\.01$/
    ]);
    await expect(
      changed.locator(
        'section[data-section="lineage"] .jp-RunsDiff-line.jp-mod-added'
      )
    ).toContainText([/augment=True/]);
    await expect(
      changed.locator('section[data-section="environment"]')
    ).toContainText('packages.numpy');
    await expect(
      changed.locator('section[data-section="data"] tr.jp-mod-changed')
    ).toContainText('data/train.csv');
    await expect(
      changed.locator('section[data-section="outputs"] img')
    ).toHaveCount(2);
    shots.push(['what-changed', async () => undefined]);

    const anomalies = await showTab(page, 'Anomalies');
    await expect(
      anomalies.locator('li[data-kind="non-finite"]').first()
    ).toBeVisible({ timeout: 30_000 });
    shots.push(['anomalies', async () => undefined]);

    // Screenshots of every pane in the light and dark themes.
    if (process.env.RUNS_SCREENSHOTS) {
      const dir = path.join(ROOT, 'docs/screenshots');
      await page.sidebar.close('left');
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
        const sidebar = page.getByRole('region', { name: 'Experiment Runs' });
        await sidebar.screenshot({
          path: path.join(dir, `runs-table-${theme}.png`)
        });
        const labels: Record<string, string> = {
          params: 'Params & metrics',
          curves: 'Learning curves',
          'param-charts': 'Params vs metrics',
          classification: 'Classification',
          groups: 'Groups',
          'what-changed': 'What changed',
          anomalies: 'Anomalies'
        };
        for (const [name] of shots) {
          const pane = await showTab(page, labels[name]);
          for (const fig of await pane.locator('figure[data-chart]').all()) {
            await expect(fig).toHaveAttribute('data-state', /ready|empty/, {
              timeout: 30_000
            });
          }
          await page.waitForTimeout(300);
          await compare.screenshot({
            path: path.join(dir, `compare-${name}-${theme}.png`)
          });
        }
      }
    }
  });

  test('the run detail shows code, outputs, artifacts and environment', async ({
    page,
    tmpPath
  }) => {
    const fx = await makeFixtures(page, tmpPath, 'compare');
    const id = fx.compare!.compared[0];
    const { sidebar } = await openRuns(
      page,
      `${tmpPath}-fixtures/compare.ipynb`
    );
    await sidebar
      .locator(`.jp-RunsPanel-run[data-run-id="${id}"] .jp-RunsTable-name`)
      .dblclick();
    const detail = page.getByRole('region', { name: 'Run details' });
    await expect(
      detail.locator('section[data-section="code"] .cm-content')
    ).toContainText('lr = 0.003');
    await expect(
      detail.locator('section[data-section="code"] .cm-content')
    ).toHaveAttribute('aria-readonly', 'true');
    await expect(
      detail.locator('section[data-section="lineage"]')
    ).toContainText('augment=False');
    await expect(
      detail.locator('section[data-section="params"]')
    ).toContainText('batch_size');
    await expect(
      detail.locator('section[data-section="outputs"] img')
    ).toBeVisible();
    // The logged figure is among the run's plots; text artifacts are
    // previewed under Artifacts.
    await expect(
      detail.locator('section[data-section="plots"] img')
    ).toBeVisible();
    await expect(
      detail.locator('section[data-section="artifacts"] img')
    ).toHaveCount(0);
    await expect(
      detail.locator('section[data-section="artifacts"] pre')
    ).toContainText('layers: 4');
    await expect(
      detail.locator('section[data-section="environment"]')
    ).toContainText('1.26.4');
    await expect(detail.locator('section[data-section="tags"]')).toContainText(
      'Best so far.'
    );
    await expectChart(detail, `metrics-${id}`);
    if (process.env.RUNS_SCREENSHOTS) {
      await page.sidebar.close('left');
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
          // Charts redraw with the theme's colors.
          await expectChart(detail, `metrics-${id}`);
        }
        await detail.screenshot({
          path: path.join(ROOT, `docs/screenshots/run-detail-${theme}.png`)
        });
      }
    }
  });

  test('script payloads in run data render as text and never execute', async ({
    page,
    tmpPath
  }) => {
    const fx = await makeFixtures(page, tmpPath, 'security');
    await page.evaluate(() => {
      (window as unknown as { __pwned?: boolean }).__pwned = undefined;
    });
    const { sidebar, rows } = await openRuns(
      page,
      `${tmpPath}-fixtures/security.ipynb`
    );
    await expect(rows).toHaveCount(3);
    await expect(rows.first()).toContainText(
      '<img src=x onerror="window.__pwned=true"> run'
    );
    // Tag columns and the payload metric column are text.
    await sidebar
      .getByRole('button', { name: 'Choose and pin columns' })
      .click();
    await expect(
      sidebar.getByText('metrics.<script>window.__pwned=true</script>loss')
    ).toBeVisible();
    // Closed by a press outside it (it may lie over its own button).
    await sidebar.locator('.jp-RunsExplorer-queryRow').click();
    await expect(
      sidebar.getByRole('group', { name: 'Choose and pin columns' })
    ).toBeHidden();

    const compare = await openCompare(page, fx.security!.ids);
    const params = await showTab(page, 'Params & metrics');
    await expect(
      params.getByText('<script>window.__pwned=true</script>', { exact: true })
    ).toBeVisible();
    await expect(
      params.getByText('javascript:window.__pwned=true').first()
    ).toBeVisible();
    for (const tab of [
      'Learning curves',
      'Params vs metrics',
      'Classification',
      'Groups',
      'Anomalies'
    ]) {
      const pane = await showTab(page, tab);
      for (const fig of await pane.locator('figure[data-chart]').all()) {
        await expect(fig).toHaveAttribute('data-state', /ready|empty/, {
          timeout: 30_000
        });
      }
    }
    const changed = await showTab(page, 'What changed');
    await expect(
      changed.locator('section[data-section="params"]')
    ).toBeVisible();
    await expect(
      changed
        .locator('section[data-section="outputs"]')
        .getByText('<script>window.__pwned=true</script>')
        .first()
    ).toBeVisible();
    await expect(compare).toBeVisible();

    // The detail view: code, tags, notes and outputs.
    await sidebar
      .locator('.jp-RunsPanel-run .jp-RunsTable-name')
      .first()
      .dblclick();
    const detail = page.getByRole('region', { name: 'Run details' });
    await expect(
      detail.locator('section[data-section="code"] .cm-content')
    ).toContainText('<script>window.__pwned=true</script>');
    await expect(detail.locator('section[data-section="tags"]')).toContainText(
      '<svg onload="window.__pwned=true">'
    );
    await expect(
      detail.locator('section[data-section="outputs"]')
    ).toContainText('<script>window.__pwned=true</script>');
    await page.waitForTimeout(1000);
    expect(
      await page.evaluate(
        () => (window as unknown as { __pwned?: boolean }).__pwned
      )
    ).toBeUndefined();
    expect(await page.locator('script:has-text("__pwned")').count()).toBe(0);
  });
});
