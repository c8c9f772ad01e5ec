/**
 * Galata against a real JupyterLab and ipykernel, in Debian's Chromium.
 * Playwright cannot download its own browser on these machines.
 */
const baseConfig = require('@jupyterlab/galata/lib/playwright-config');

const chromium = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
// Several developers may run the UI tests at once on one machine.
const port = process.env.RUNS_TEST_PORT || '8888';

module.exports = {
  ...baseConfig,
  timeout: 120_000,
  workers: 1,
  retries: 0,
  reporter: [['list'], ['json', { outputFile: 'test-results/results.json' }]],
  use: {
    ...baseConfig.use,
    baseURL: `http://localhost:${port}`,
    video: 'off',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: chromium,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--disable-dev-shm-usage'
      ]
    }
  },
  webServer: {
    command: 'jlpm start',
    url: `http://localhost:${port}/lab`,
    timeout: 120_000,
    reuseExistingServer: !process.env.CI,
    // The server log is long; set RUNS_SERVER_LOG=1 to see it.
    stdout: process.env.RUNS_SERVER_LOG ? 'pipe' : 'ignore',
    stderr: process.env.RUNS_SERVER_LOG ? 'pipe' : 'ignore'
  }
};
