/**
 * The runs sidebar's layout (#15, build item 6) at a sidebar width of 400
 * and 700 px: one toolbar row (what does not fit goes into "…"), name and
 * status in view without a horizontal scroll when narrow, params in view
 * when wide; Shift-click selects runs, not text; Compare's key column keeps
 * `max_iter` on one line; a run's detail in a narrow main area splits no
 * number and no column header ("Fina l", "0.0497 2" before).
 *
 * The README's screenshots of the sidebar at these widths come from
 * sweep-readable.spec.ts (RUNS_SCREENSHOTS=1).
 */
import { expect, test, type IJupyterLabPageFixture } from './fixtures';
import {
  expectSidebarRuns,
  openNotebook,
  putFile,
  runFile,
  runId
} from './historyHelpers';
import { notebookJson } from './notebooks';

test.use({ viewport: { width: 1600, height: 1000 } });

const RUNS = 8;
const SOLVERS = ['lbfgs', 'saga'];

/** A notebook with a sweep of `RUNS` logistic-regression runs. */
async function sweep(
  page: IJupyterLabPageFixture,
  tmpPath: string,
  status: (i: number) => string = () => 'ok'
): Promise<{ notebook: string; ids: string[] }> {
  const notebook = `${tmpPath}/sweep.ipynb`;
  await putFile(page.request, notebook, notebookJson());
  const folder = `${tmpPath}/sweep.runs`;
  await putFile(page.request, folder, null);
  const ids: string[] = [];
  for (let i = 0; i < RUNS; i++) {
    const id = runId(i);
    const record = JSON.parse(runFile(id, notebook, i));
    const acc = 0.8 + i / 100;
    Object.assign(record, {
      experiment: 'logreg',
      status: status(i),
      error: undefined,
      params: {
        C: [0.1, 1, 10, 100][i % 4],
        max_iter: 100 * (1 + (i % 3)),
        solver: SOLVERS[i % 2]
      },
      metrics: {
        accuracy: { last: acc, min: acc, max: acc, count: 1, lastStep: 0 },
        f1_macro: {
          last: acc - 0.05,
          min: acc - 0.05,
          max: acc - 0.05,
          count: 1,
          lastStep: 0
        }
      }
    });
    await putFile(page.request, `${folder}/${id}.json`, JSON.stringify(record));
    ids.push(id);
  }
  await openNotebook(page, notebook);
  return { notebook, ids: ids.reverse() };
}

function sidebar(page: IJupyterLabPageFixture) {
  return page.getByRole('region', { name: 'Experiment Runs' });
}

/** The sweep, opened, with its runs listed in the sidebar. */
async function shownSweep(page: IJupyterLabPageFixture, tmpPath: string) {
  const { ids } = await sweep(page, tmpPath);
  const panel = sidebar(page);
  await expectSidebarRuns(panel, RUNS);
  return { ids, panel };
}

/** Whether an element's box lies within the table's visible area. */
async function inView(
  page: IJupyterLabPageFixture,
  column: string
): Promise<boolean> {
  return sidebar(page)
    .locator(`.jp-RunsTable-header [data-column="${column}"]`)
    .evaluate(cell => {
      const scroller = cell.closest('.jp-RunsTable-scroller')!;
      const a = cell.getBoundingClientRect();
      const b = scroller.getBoundingClientRect();
      return a.width > 0 && a.left >= b.left && a.right <= b.right + 0.5;
    });
}

test.describe('Sidebar layout', () => {
  for (const theme of ['light', 'dark'] as const) {
    test(`fits a 400 px and a 700 px sidebar (${theme})`, async ({
      page,
      tmpPath
    }) => {
      if (theme === 'dark') {
        await page.theme.setDarkTheme();
      }
      const { panel } = await shownSweep(page, tmpPath);
      const toolbar = panel.getByRole('toolbar', { name: 'Runs table tools' });
      const scroller = panel.locator('.jp-RunsTable-scroller');

      // Narrow: one toolbar row; name and status in view, no sideways scroll.
      expect(await page.sidebar.setWidth(400, 'right')).toBe(true);
      await expect(panel.locator('.jp-RunsTable')).toHaveAttribute(
        'data-layout',
        'narrow'
      );
      await expect(toolbar).toBeVisible();
      await expect
        .poll(async () => (await toolbar.boundingBox())?.height ?? 999)
        .toBeLessThanOrEqual(40);
      await expect(
        toolbar.getByRole('button', { name: /^Compare/ })
      ).toBeVisible();
      await expect(
        panel.getByRole('columnheader', { name: 'Name' })
      ).toBeVisible();
      await expect(
        panel.getByRole('columnheader', { name: 'Status' })
      ).toBeVisible();
      expect(await inView(page, 'name')).toBe(true);
      expect(await inView(page, 'status')).toBe(true);
      expect(await scroller.evaluate(s => s.scrollWidth <= s.clientWidth)).toBe(
        true
      );

      // Wide: params in view without scrolling, the toolbar still one row.
      expect(await page.sidebar.setWidth(700, 'right')).toBe(true);
      await expect(panel.locator('.jp-RunsTable')).toHaveAttribute(
        'data-layout',
        'wide'
      );
      await expect(
        panel.getByRole('columnheader', { name: 'max_iter' })
      ).toBeVisible();
      expect(await inView(page, 'params.C')).toBe(true);
      expect(await inView(page, 'params.max_iter')).toBe(true);
      expect((await toolbar.boundingBox())!.height).toBeLessThanOrEqual(40);
    });
  }

  test('at its default width, every status badge is whole (an interrupted run too)', async ({
    page,
    tmpPath
  }) => {
    // A fresh JupyterLab's sidebar (about 250 px): the rows were 282 px
    // wide, and "Interrupted" lost its right edge (new-user trial).
    await sweep(page, tmpPath, i => (i === 2 ? 'interrupted' : 'ok'));
    const panel = sidebar(page);
    await expectSidebarRuns(panel, RUNS);
    await expect(panel.locator('.jp-RunsTable')).toHaveAttribute(
      'data-layout',
      'narrow'
    );
    const scroller = panel.locator('.jp-RunsTable-scroller');
    await expect
      .poll(() => scroller.evaluate(s => s.scrollWidth <= s.clientWidth))
      .toBe(true);
    const cut = await scroller.evaluate(s => {
      const box = s.getBoundingClientRect();
      return [...s.querySelectorAll('.jp-RunsTable-status > *')]
        .filter(b => b.getBoundingClientRect().right > box.right + 0.5)
        .map(b => b.textContent);
    });
    expect(cut).toEqual([]);
    await expect(
      panel.locator('.jp-RunsPanel-run[data-status="interrupted"]')
    ).toContainText('Interrupted');
    expect(await inView(page, 'name')).toBe(true);
    expect(await inView(page, 'status')).toBe(true);
  });

  test('a param pinned from the columns chooser shows in a narrow sidebar', async ({
    page,
    tmpPath
  }) => {
    const { panel } = await shownSweep(page, tmpPath);
    await page.sidebar.setWidth(400, 'right');
    await expect(panel.locator('[data-column="params.C"]')).toHaveCount(0);
    // The Columns button may sit in the toolbar's "…" popup when narrow.
    const columns = page.getByRole('button', {
      name: 'Choose and pin columns'
    });
    if (!(await columns.isVisible())) {
      await panel.locator('.jp-Toolbar-responsive-opener').click();
    }
    await columns.click();
    await page.getByRole('checkbox', { name: 'Pin params.C' }).check();
    await expect(
      panel.getByRole('columnheader', { name: 'C', exact: true })
    ).toBeVisible();
    expect(await inView(page, 'params.C')).toBe(true);
  });

  test('the pinned name stays in view when the table scrolls sideways', async ({
    page,
    tmpPath
  }) => {
    const { ids, panel } = await shownSweep(page, tmpPath);
    const table = panel.locator('.jp-RunsTable');
    const scroller = panel.locator('.jp-RunsTable-scroller');
    // Narrow: the rows fit, so nothing sticks, even under the pointer.
    expect(await page.sidebar.setWidth(400, 'right')).toBe(true);
    await expect(table).toHaveAttribute('data-layout', 'narrow');
    await scroller.hover();
    await expect(table).not.toHaveClass(/jp-mod-sticky/);
    // Wide, every column: wider than the sidebar, so the name sticks once
    // the table may be scrolled (under the pointer, focused, scrolled).
    expect(await page.sidebar.setWidth(700, 'right')).toBe(true);
    await expect(table).toHaveAttribute('data-layout', 'wide');
    await page.mouse.move(5, 5);
    await expect(table).not.toHaveClass(/jp-mod-sticky/);
    await scroller.hover();
    await expect(table).toHaveClass(/jp-mod-sticky/);
    expect(await scroller.evaluate(s => s.scrollWidth > s.clientWidth)).toBe(
      true
    );
    await scroller.evaluate(s => {
      s.scrollLeft = s.scrollWidth;
    });
    const name = panel.locator(
      `.jp-RunsPanel-run[data-run-id="${ids[0]}"] .jp-RunsTable-name`
    );
    await expect
      .poll(() =>
        name.evaluate(cell => {
          const box = cell.getBoundingClientRect();
          const view = cell
            .closest('.jp-RunsTable-scroller')!
            .getBoundingClientRect();
          return Math.abs(box.left - view.left) < 1;
        })
      )
      .toBe(true);
    expect(await inView(page, 'name')).toBe(true);
    // And the name reads over the cells scrolled under it.
    const hit = await name.evaluate(cell => {
      const box = cell.getBoundingClientRect();
      const at = document.elementFromPoint(box.left + 20, box.top + 10);
      return !!at && cell.contains(at);
    });
    expect(hit).toBe(true);
  });

  test('Shift-click selects runs, not text', async ({ page, tmpPath }) => {
    const { ids, panel } = await shownSweep(page, tmpPath);
    const name = (id: string) =>
      panel.locator(
        `.jp-RunsPanel-run[data-run-id="${id}"] .jp-RunsTable-name`
      );
    await name(ids[1]).click();
    await name(ids[4]).click({ modifiers: ['Shift'] });
    await expect(
      panel.locator('.jp-RunsPanel-run[aria-selected="true"]')
    ).toHaveCount(4);
    expect(
      await page.evaluate(() => window.getSelection()?.toString() ?? '')
    ).toBe('');
    await expect(
      panel.getByRole('button', { name: 'Compare 4' })
    ).toBeEnabled();
  });

  test('the Compare key column keeps max_iter on one line', async ({
    page,
    tmpPath
  }) => {
    const { ids, panel } = await shownSweep(page, tmpPath);
    // A wide sidebar leaves Compare a narrow main area: eight run columns
    // squeeze the key column.
    await page.sidebar.setWidth(700, 'right');
    const name = (id: string) =>
      panel.locator(
        `.jp-RunsPanel-run[data-run-id="${id}"] .jp-RunsTable-name`
      );
    await name(ids[0]).click();
    await name(ids[RUNS - 1]).click({ modifiers: ['Shift'] });
    await panel.getByRole('button', { name: `Compare ${RUNS}` }).click();
    const compare = page.getByRole('region', { name: 'Compare runs' });
    await expect(compare).toBeVisible();
    await page.getByRole('tab', { name: 'Params & metrics' }).click();
    const key = compare.locator('tr[data-key="param:max_iter"] > th');
    await expect(key).toHaveText('max_iter');
    // One line box: the text's client rects, and the cell's own height
    // against the one-line key "C".
    const lines = await key.evaluate(th => {
      const range = document.createRange();
      range.selectNodeContents(th);
      return range.getClientRects().length;
    });
    expect(lines).toBe(1);
    const c = compare.locator('tr[data-key="param:C"] > th');
    const [h1, h2] = await Promise.all([
      key.evaluate(th => th.getBoundingClientRect().height),
      c.evaluate(th => th.getBoundingClientRect().height)
    ]);
    expect(h1).toBeLessThanOrEqual(h2 + 0.5);
  });

  test('a run’s detail in a narrow main area keeps numbers and column headers whole', async ({
    page,
    tmpPath
  }) => {
    const { notebook } = await sweep(page, tmpPath);
    const panel = sidebar(page);
    // A run whose metrics have long numbers, as a loss and a step count do.
    const id = runId(RUNS);
    const record = JSON.parse(runFile(id, notebook, RUNS));
    Object.assign(record, {
      status: 'ok',
      error: undefined,
      metrics: {
        loss: {
          last: 0.000123456789,
          min: 0.0000987654321,
          max: 2.718281828,
          count: 123456,
          lastStep: 123455
        },
        val_accuracy_top5: {
          last: 0.912345678,
          min: 0.012345678,
          max: 0.987654321,
          count: 123456,
          lastStep: 123455
        }
      }
    });
    await putFile(
      page.request,
      `${tmpPath}/sweep.runs/${id}.json`,
      JSON.stringify(record)
    );
    await expectSidebarRuns(panel, RUNS + 1);
    // A laptop-sized window with the runs sidebar widened: the detail's
    // metrics table gets about 50 px a column.
    await page.setViewportSize({ width: 900, height: 900 });
    await page.sidebar.setWidth(560, 'right');
    await panel
      .locator(`.jp-RunsPanel-run[data-run-id="${id}"]`)
      .click({ button: 'right' });
    await page.getByRole('menuitem', { name: 'Open Run Details' }).click();
    const detail = page.getByRole('region', { name: 'Run details' });
    const metrics = detail.getByRole('table', { name: 'Metrics' });
    await expect(metrics).toBeVisible();
    // Each header and each number on as many lines as it has words.
    const broken = await metrics.evaluate(table =>
      [...table.querySelectorAll('thead th, td.jp-mod-number')]
        .map(cell => {
          const range = document.createRange();
          range.selectNodeContents(cell);
          const lines = new Set(
            [...range.getClientRects()].map(r => Math.round(r.top))
          ).size;
          const words = (cell.textContent ?? '').trim().split(/\s+/).length;
          return lines > words ? cell.textContent : null;
        })
        .filter(text => text !== null)
    );
    expect(broken).toEqual([]);
    // What the cells hold is all there: the table scrolls sideways instead.
    await expect(metrics.locator('thead th').nth(1)).toHaveText('Final');
    const width = await metrics.evaluate(
      t => t.closest('.jp-RunDetail-body')!.clientWidth
    );
    expect(width).toBeLessThan(400);
  });
});
