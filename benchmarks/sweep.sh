#!/usr/bin/env bash
# A 50-run interactive sweep in a real JupyterLab + ipykernel + Chromium:
# run-file size at run 1 and run 50, and the share of runs Reproduce Run
# reproduces exactly. Prints numbers. Needs the setup of scripts/test.sh.
# SWEEP_RUNS=10 for a shorter one.
set -euo pipefail
cd "$(dirname "$0")/.."
source .venv/bin/activate
cd ui-tests
jlpm playwright test --config benchmarks.config.js benchmarks/sweep.bench.ts
