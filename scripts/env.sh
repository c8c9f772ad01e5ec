# Shared setup for scripts/lab.sh and scripts/test.sh; source it, do not run it.
# Everything is installed from scratch where missing, so a fresh clone on a
# fresh Debian machine (Python 3.11, Node 20, root) works with one command.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
export PIP_DISABLE_PIP_VERSION_CHECK=1
export YARN_ENABLE_TELEMETRY=0

log() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "Need root (or sudo) to run: $*" >&2; return 1; fi
}

# Debian's Chromium: Playwright cannot download its own browser here.
ensure_chromium() {
  if [ -x /usr/bin/chromium ]; then return 0; fi
  log "Installing Debian's chromium (apt-get)"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq \
    chromium fonts-dejavu-core fonts-liberation >/dev/null
}

ensure_venv() {
  if [ ! -x "$VENV/bin/python" ]; then
    log "Creating the Python environment in .venv"
    python3 -m venv "$VENV"
  fi
  # shellcheck disable=SC1091
  source "$VENV/bin/activate"
  if ! cmp -s "$ROOT/requirements-dev.txt" "$VENV/.requirements-dev.txt"; then
    log "Installing Python packages (requirements-dev.txt)"
    pip install -q -r "$ROOT/requirements-dev.txt"
    cp "$ROOT/requirements-dev.txt" "$VENV/.requirements-dev.txt"
  fi
}

ensure_node_modules() {
  log "Installing npm packages (jlpm install)"
  (cd "$ROOT" && jlpm install >/dev/null)
}
