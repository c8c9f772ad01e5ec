/** Playwright config for the benchmarks in ui-tests/benchmarks (not tests). */
const config = require('./playwright.config');

module.exports = {
  ...config,
  testDir: './benchmarks',
  testMatch: '**/*.bench.ts',
  reporter: [['list']],
  // Tracing snapshots the page's DOM at every action, in the page's main
  // thread: it would be measured with what the benchmarks measure.
  use: {
    ...config.use,
    trace: 'off',
    launchOptions: {
      ...config.use.launchOptions,
      // BENCH_CHROMIUM_ARGS: more switches, space separated (for example
      // --js-flags=--no-flush-bytecode).
      args: [
        ...config.use.launchOptions.args,
        ...(process.env.BENCH_CHROMIUM_ARGS ?? '').split(' ').filter(Boolean)
      ]
    }
  },
  // A cross-origin isolated page: performance.now() at 5 µs, not 100 µs
  // (jupyter_server_test_config.py). Always a fresh server: one left
  // running by the UI tests would not send the headers.
  webServer: {
    ...config.webServer,
    env: { ...process.env, RUNS_ISOLATED: '1' },
    reuseExistingServer: false
  }
};
