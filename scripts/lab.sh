#!/usr/bin/env bash
# Set everything up and open JupyterLab with jupyterlab-runs and the example
# notebook. Extra arguments go to `jupyter lab` (e.g. --port 9999).
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"

ensure_venv
ensure_node_modules
log "Building the extension and installing it into .venv (development mode)"
jlpm build >/dev/null
pip install -q -e . --no-deps
jupyter labextension develop --overwrite . >/dev/null 2>&1
jupyter labextension list 2>&1 | grep jupyterlab-runs

args=(--notebook-dir="$ROOT/examples")
[ "$(id -u)" = 0 ] && args+=(--allow-root)
log "Opening JupyterLab on examples/quickstart.ipynb (Ctrl+C to stop)"
exec jupyter lab "${args[@]}" "$@" "$ROOT/examples/quickstart.ipynb"
