/** Playwright config for the benchmarks in ui-tests/benchmarks (not tests). */
const config = require('./playwright.config');

module.exports = {
  ...config,
  testDir: './benchmarks',
  testMatch: '**/*.bench.ts',
  reporter: [['list']]
};
