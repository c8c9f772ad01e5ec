#!/usr/bin/env bash
# Capture cost per tagged execution (main thread, kernel side, end to end) in
# a real JupyterLab + ipykernel + Chromium, and the kernel-side log_metric
# throughput. Prints numbers. Needs the setup of scripts/test.sh (.venv with
# the extension installed, ui-tests/node_modules, chromium).
set -euo pipefail
cd "$(dirname "$0")/.."
source .venv/bin/activate
python benchmarks/python_log_metric.py
cd ui-tests
BENCH_RUNS="${BENCH_RUNS:-40}" jlpm playwright test --config benchmarks.config.js
