/**
 * Benchmark of "compare and explore" in Chromium: the runs table ready with
 * 10,000 and 100,000 runs (and scrolling it), query time over 100,000 runs,
 * and the learning-curve overlay for 100 runs × 100,000 points (spec,
 * downsampling and the Vega canvas render), each overlay the first chart of
 * a fresh page (cold JIT): drawn from unprepared series, and drawn once
 * series prepared as they arrived (see `overlay` in compare-harness.ts).
 * Prints numbers; asserts nothing.
 *
 *   npx tsx benchmarks/compare-ui.ts
 *
 * Bundles `compare-harness.ts` (the real table and chart code) with esbuild
 * and runs it in the Chromium the UI tests use (CHROMIUM_PATH, default
 * /usr/bin/chromium) through ui-tests' Playwright.
 */
import { build } from 'esbuild';
import { createRequire } from 'module';
import { join } from 'path';
import type * as PlaywrightCore from 'playwright-core';

const root = join(__dirname, '..');
const requireUi = createRequire(join(root, 'ui-tests/package.json'));
const { chromium } = requireUi('playwright-core') as typeof PlaywrightCore;

async function main() {
  const bundle = await build({
    entryPoints: [join(__dirname, 'compare-harness.ts')],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    logLevel: 'error'
  });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage'
    ]
  });
  /** A fresh page with the harness loaded: nothing compiled or cached. */
  const freshPage = async () => {
    const page = await browser.newPage({
      viewport: { width: 1200, height: 900 }
    });
    await page.setContent('<!doctype html><html><body></body></html>');
    await page.addStyleTag({ path: join(root, 'style/base.css') });
    await page.addScriptTag({ content: bundle.outputFiles[0].text });
    return page;
  };
  const inFreshPage = async (expr: string) => {
    const page = await freshPage();
    const result = (await page.evaluate(expr)) as Record<string, number>;
    await page.close();
    return result;
  };
  const tables = await freshPage();
  const run = (expr: string) =>
    tables.evaluate(expr) as Promise<Record<string, number>>;
  const fmt = (v: number) => (Number.isInteger(v) ? String(v) : v.toFixed(1));
  const show = (label: string, r: Record<string, number>) =>
    console.log(
      `${label}: ${Object.entries(r)
        .map(([k, v]) => `${k}=${fmt(v)}`)
        .join(' ')}`
    );
  show('table 10,000 runs ', await run('bench.table(10000)'));
  show('table 100,000 runs', await run('bench.table(100000)'));
  show(
    'overlay 100 × 100,000, nothing prepared',
    await inFreshPage("bench.overlay(100, 100000, 'cold')")
  );
  show(
    'overlay 100 × 100,000, prepared as series arrived',
    await inFreshPage("bench.overlay(100, 100000, 'arrival')")
  );
  show(
    'overlay 10 × 100,000, nothing prepared',
    await inFreshPage("bench.overlay(10, 100000, 'cold')")
  );
  await browser.close();
}

void main();
