#!/usr/bin/env bash
# The whole page's main-thread CPU and wall time per tagged execution against
# the same cell untagged, interleaved, runs sidebar open, in folders of 0
# and 10,000 runs, with a profile of where the difference goes. Prints
# numbers. Needs the setup of scripts/test.sh (a venv with the extension
# installed, ui-tests/node_modules, chromium).
#
#   BENCH_RUNS=40 BENCH_FOLDERS=0,10000 bash benchmarks/execution-cost.sh
#   BENCH_MLFLOW=1 [BENCH_MLFLOW_PATH=DIR] ...  # MLflow's cell for reference
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${VIRTUAL_ENV:-}" ]; then
  # shellcheck disable=SC1091
  source .venv/bin/activate
fi
cd ui-tests
jlpm playwright test --config benchmarks.config.js execution-cost
