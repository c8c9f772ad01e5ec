#!/usr/bin/env bash
# Run every test of jupyterlab-runs, installing whatever is missing first:
# lint, jest, the wheel (built, then installed in a fresh venv without node),
# pytest, and Galata in Debian's Chromium against a real JupyterLab and
# ipykernel. Ends with one line "N passed, M failed" summed over the runners.
set -uo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"
set -e
REPORTS="$ROOT/reports"
rm -rf "$REPORTS" && mkdir -p "$REPORTS"
start=$(date +%s)

ensure_chromium
ensure_venv
ensure_node_modules
set +e

failed_steps=()
step() {
  local name=$1
  shift
  log "$name"
  if ! "$@"; then
    failed_steps+=("$name")
  fi
}

lint() {
  jlpm build:schema >/dev/null && jlpm lint:check
}

unit_tests() {
  npx jest --json --outputFile="$REPORTS/jest.json"
}

python_tests() {
  if [ -d tests ] && find tests -name 'test_*.py' | grep -q .; then
    python -m pytest tests -q --junitxml="$REPORTS/pytest.xml"
  fi
}

build_wheel() {
  # A dev build left in place would be packaged as is: start clean.
  rm -rf jupyterlab_runs/labextension dist
  python -m build --wheel --outdir dist . >"$REPORTS/wheel-build.log" 2>&1 ||
    { tail -40 "$REPORTS/wheel-build.log"; return 1; }
  ls -l dist/*.whl
}

check_wheel_without_node() {
  local venv="$ROOT/.venv-wheelcheck"
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q "jupyterlab==4.6.4" dist/*.whl || return 1
  # Only the fresh venv on PATH: no node, no jlpm.
  env -i HOME="$HOME" PATH="$venv/bin" /bin/bash -c '
    if command -v node >/dev/null; then echo "node is on PATH" >&2; exit 1; fi
    jupyter labextension list 2>&1' | tee "$REPORTS/labextension-list.txt"
  grep -Eq 'jupyterlab-runs v[0-9.]+.*enabled.*OK' "$REPORTS/labextension-list.txt"
}

install_wheel_for_ui_tests() {
  pip install -q --force-reinstall --no-deps dist/*.whl &&
    jupyter labextension list 2>&1 | grep jupyterlab-runs
}

ui_tests() {
  (cd ui-tests && jlpm install >/dev/null &&
    # The export test validates notebooks with nbformat from this .venv.
    RUNS_PYTHON="$VENV/bin/python" \
      PLAYWRIGHT_JSON_OUTPUT_NAME="$REPORTS/playwright.json" \
      jlpm playwright test --reporter=list,json)
}

step "Lint (eslint, prettier, stylelint)" lint
step "Unit tests (jest)" unit_tests
step "Build the wheel" build_wheel
step "Wheel in a fresh venv with no node: labextension enabled and OK" check_wheel_without_node
step "Install the wheel for the UI tests" install_wheel_for_ui_tests
# After the build, which writes jupyterlab_runs/_version.py.
step "Python tests (pytest)" python_tests
step "UI tests (Galata, Chromium, JupyterLab, ipykernel)" ui_tests

log "Summary ($(($(date +%s) - start)) s)"
python scripts/summarize_tests.py "$REPORTS"
summary_status=$?
if [ ${#failed_steps[@]} -gt 0 ]; then
  printf 'failed step: %s\n' "${failed_steps[@]}"
  exit 1
fi
exit $summary_status
