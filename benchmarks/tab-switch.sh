#!/usr/bin/env bash
# Selecting a notebook's tab to its rows painted in the runs sidebar, for
# folders of 1,000, 10,000 and 100,000 runs: first visit, return visits,
# after a reload, beside the server's own listing time and the machine's
# load. Prints a table. Needs the setup of scripts/test.sh (a venv with the
# extension installed, ui-tests/node_modules, chromium).
#
#   BENCH_SIZES=1000,10000 bash benchmarks/tab-switch.sh   # skip 100,000
#   RUNS_TEST_PORT=8890 ...                                 # another port
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${VIRTUAL_ENV:-}" ]; then
  # shellcheck disable=SC1091
  source .venv/bin/activate
fi
cd ui-tests
jlpm playwright test --config benchmarks.config.js tab-switch
