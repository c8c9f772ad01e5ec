#!/usr/bin/env bash
# Live compare of 4 runs in flight, each logging 1,000 points a second, with
# the runs sidebar collapsed: how often the learning curves redraw, the
# gaps between redraws, series requests (none expected) and the main
# thread's busy share. Prints numbers. Needs the setup of scripts/test.sh
# (a venv with the extension installed, ui-tests/node_modules, chromium).
#
#   BENCH_LIVE_RUNS=2 BENCH_LIVE_RATE=200 bash benchmarks/live-compare.sh
#   BENCH_LIVE_SECONDS=20 ...           # a longer measuring window
#   RUNS_TEST_PORT=8890 ...             # another port
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${VIRTUAL_ENV:-}" ]; then
  # shellcheck disable=SC1091
  source .venv/bin/activate
fi
cd ui-tests
jlpm playwright test --config benchmarks.config.js live-compare
