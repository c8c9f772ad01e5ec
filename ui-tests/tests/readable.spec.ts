/**
 * Readable at a glance (#15): runs recorded from the drills notebook are
 * called `drill #1..#3` in the table and the detail (the id only on the
 * detail's "Run id" line); each run has one colour, the same in the
 * table's swatch, the compare header and the learning-curves legend; a
 * query typed for one notebook does not filter another's runs (and comes
 * back with its notebook); the status bar says nothing about saving at
 * load or once runs are saved.
 */
import { expect, test, type IJupyterLabPageFixture } from './fixtures';
import { DRILL, openDrills, runCell, settledRuns } from './drillHelpers';
import { swatchColor } from './helpers';
import {
  expectSidebarRuns,
  openNotebook,
  putFile,
  writeRuns
} from './historyHelpers';
import { notebookJson } from './notebooks';

test.use({ viewport: { width: 1600, height: 1000 } });

/** The sidebar rows' names, newest first. */
function names(page: IJupyterLabPageFixture): Promise<string[]> {
  return page
    .locator('#jp-runs-panel .jp-RunsPanel-run .jp-RunsTable-name')
    .allTextContents();
}

test.describe('Readable at a glance', () => {
  test('names, colours and per-notebook queries', async ({ page, tmpPath }) => {
    const pendingItem = page.locator('.jp-runs-PendingItem');
    const notebook = await openDrills(page, tmpPath);
    // Page loaded, nothing recorded yet: no "Saving" in the status bar.
    await expect(pendingItem).toBeHidden();
    await expect(page.locator('#jp-main-statusbar')).not.toContainText(
      'Saving'
    );

    for (let i = 0; i < 3; i++) {
      await runCell(page, DRILL);
      await settledRuns(page, tmpPath, i + 1);
    }
    const sidebar = page.locator('#jp-runs-panel');
    await expectSidebarRuns(sidebar, 3);
    await expect
      .poll(() => names(page))
      .toEqual(['drill #3', 'drill #2', 'drill #1']);
    const ids = await sidebar
      .locator('.jp-RunsPanel-run')
      .evaluateAll(rows => rows.map(r => (r as HTMLElement).dataset.runId!));
    // No ULID in the table.
    for (const id of ids) {
      await expect(sidebar).not.toContainText(id);
    }
    // Saved: the status bar still says nothing about saving.
    await expect(pendingItem).toBeHidden();
    await expect(page.locator('#jp-main-statusbar')).not.toContainText(
      'Saving'
    );

    // Table swatches: three runs, three colours.
    const colors = await Promise.all(ids.map(id => swatchColor(sidebar, id)));
    expect(new Set(colors).size).toBe(3);

    // The detail is titled by the name; the id is on its "Run id" line.
    const row = (id: string) =>
      sidebar.locator(`.jp-RunsPanel-run[data-run-id="${id}"]`);
    await row(ids[1]).click({ button: 'right' });
    await page.getByRole('menuitem', { name: 'Open Run Details' }).click();
    const detail = page.getByRole('region', { name: 'Run details' });
    await expect(detail.locator('.jp-RunDetail-title')).toHaveText('drill #2');
    await expect(detail.getByRole('row', { name: /^Run id/ })).toContainText(
      ids[1]
    );
    await expect(
      detail.locator('.jp-RunDetail-title .jp-RunsSwatch')
    ).toHaveAttribute('data-color', colors[1]!);

    // Compare all three: header and legend in the table's colours.
    for (const [i, id] of ids.entries()) {
      await row(id)
        .locator('.jp-RunsTable-name')
        .click({ modifiers: i ? ['ControlOrMeta'] : [] });
    }
    await page.getByRole('button', { name: 'Compare 3' }).click();
    const compare = page.getByRole('region', { name: 'Compare runs' });
    await expect(compare.locator('.jp-RunsCompare-run')).toHaveCount(3);
    for (const [i, id] of ids.entries()) {
      expect(await swatchColor(compare, id)).toBe(colors[i]);
    }
    await compare.getByRole('tab', { name: 'Learning curves' }).click();
    const chart = compare.locator(
      '.jp-RunsChart[data-chart="learning-curves"]'
    );
    await expect(chart).toHaveAttribute('data-state', 'ready', {
      timeout: 30_000
    });
    const legend = JSON.parse(
      (await chart.getAttribute('data-colors')) ?? '{}'
    ) as Record<string, string>;
    expect(legend).toEqual({
      'drill #3': colors[0],
      'drill #2': colors[1],
      'drill #1': colors[2]
    });

    // A query in notebook A does not filter notebook B.
    const other = `${tmpPath}/other.ipynb`;
    await putFile(page.request, other, notebookJson());
    await writeRuns(page.request, `${tmpPath}/other.runs`, other, 2);
    await openNotebook(page, notebook);
    const query = sidebar.getByRole('combobox', {
      name: 'Filter runs by query'
    });
    await query.fill('metrics.loss < 0');
    await expectSidebarRuns(sidebar, 0);

    await openNotebook(page, other);
    await expectSidebarRuns(sidebar, 2);
    await expect(query).toHaveValue('');
    await expect.poll(() => names(page)).toEqual(['history #2', 'history #1']);

    // Back in A (its tab clicked, as a user does), its query is back.
    await page.getByRole('tab', { name: 'drills.ipynb' }).click();
    await expect(query).toHaveValue('metrics.loss < 0');
    await expectSidebarRuns(sidebar, 0);
  });
});
