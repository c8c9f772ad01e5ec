"""Snapshots of experiment cells, taken by the kernel the moment they end.

Why not simply probe after the cell? JupyterLab sends every cell of "Run All"
at once, so a probe sent when a cell finishes is queued behind the later
cells, which may have changed the namespace (and a long later cell would hold
the run open). Instead the frontend *arms* a capture with a silent request
sent just before the experiment cell (so the kernel sees it first); this
module's ``post_run_cell`` hook takes the snapshot right after that cell, and
sends it to the frontend on a comm (target ``jupyterlab-runs``) over IOPub,
which the frontend reads even while the kernel is busy with later cells.
Nothing is printed, and the user namespace is only read.

Silent executions do not trigger ``post_run_cell``, so the extension's own
requests are never captured.
"""

import collections
import threading
import time

from ._probe import _dumps, snapshot
from ._sysinfo import system_metrics

COMM_TARGET = "jupyterlab-runs"
CONTROL_TARGET = "jupyterlab-runs-control"
_MAX_PENDING = 64

_armed = collections.deque()
_arm_ms = {}
_unsent = collections.OrderedDict()
_hooked_shell = None


def arm(key, code, options=None):
    """Capture a snapshot of the next execution of ``code``, under ``key``.

    Called by the frontend (silently) right before it sends an experiment
    cell. Returns True so the frontend knows the module is importable.
    """
    started = time.perf_counter()
    _ensure_hook()
    _armed.append((str(key), code, options, started))
    while len(_armed) > _MAX_PENDING:
        _armed.popleft()
    _arm_ms[str(key)] = (time.perf_counter() - started) * 1000.0
    return True


def register():
    """Let the frontend arm captures with comm messages from now on.

    A comm message costs the kernel far less than an execute request (no
    execution machinery, hooks or reply with user expressions), and the
    kernel handles it in order with execute requests on the shell channel,
    so an arm sent just before a cell still arrives first.
    """
    _ensure_hook()
    from IPython import get_ipython

    shell = get_ipython()
    manager = getattr(getattr(shell, "kernel", None), "comm_manager", None)
    if manager is None:
        return False
    manager.register_target(CONTROL_TARGET, _on_control_open)
    return True


def _on_control_open(channel, _open_msg):
    def on_msg(msg):
        data = msg.get("content", {}).get("data", {})
        if isinstance(data, dict) and "key" in data:
            arm(data["key"], data.get("code", ""), data.get("options"))

    channel.on_msg(on_msg)


def take_json(key):
    """A snapshot that could not be sent on a comm, as JSON text (or null)."""
    return _dumps(_unsent.pop(str(key), None))


def _ensure_hook():
    global _hooked_shell
    from IPython import get_ipython

    shell = get_ipython()
    if shell is None or shell is _hooked_shell:
        return
    shell.events.register("pre_run_cell", _pre_run_cell)
    shell.events.register("post_run_cell", _post_run_cell)
    _hooked_shell = shell


# Resource samples logged as metrics while an armed cell runs (opt-in).
SYSTEM_KEYS = ("cpu_percent", "process_cpu_percent", "rss_bytes", "memory_used_bytes")


class _Sampler:
    """A daemon thread logging ``system/*`` metrics every interval."""

    def __init__(self):
        self._stop = threading.Event()
        self._stop.set()

    def start(self, interval_s):
        self.stop()
        stop = self._stop = threading.Event()

        def loop():
            from . import api

            system_metrics()  # CPU percentages are deltas: prime them
            step = 0
            while not stop.wait(interval_s):
                sample = system_metrics()
                values = {f"system/{k}": sample[k] for k in SYSTEM_KEYS
                          if isinstance(sample.get(k), (int, float))}
                if values:
                    api.log_metrics(values, step=step)
                    step += 1

        threading.Thread(target=loop, name="jupyterlab-runs-system", daemon=True).start()

    def stop(self):
        self._stop.set()


_sampler = _Sampler()


def _interval_of(options):
    if isinstance(options, str):
        try:
            import json

            options = json.loads(options)
        except ValueError:
            return 0
    try:
        return float((options or {}).get("system_interval_ms") or 0) / 1000.0
    except (TypeError, ValueError, AttributeError):
        return 0


def _pre_run_cell(info):
    raw = getattr(info, "raw_cell", None)
    for _key, code, options, _started in _armed:
        if code == raw:
            interval = _interval_of(options)
            if interval > 0:
                _sampler.start(max(interval, 0.1))
            return


def _match(raw_cell):
    """Pop the armed entry for this cell. Entries armed before it were for
    executions that never ran (aborted after an error): drop them."""
    for index, (_key, code, _options, _started) in enumerate(_armed):
        if code == raw_cell:
            for _ in range(index):
                _armed.popleft()
            return _armed.popleft()
    return None


def _post_run_cell(result):
    _sampler.stop()
    if not _armed:
        return
    info = getattr(result, "info", None)
    entry = _match(getattr(info, "raw_cell", None))
    if entry is None:
        return
    key, code, options, _armed_at = entry
    started = time.perf_counter()
    snap = snapshot(code, None, options)
    snapshot_ms = (time.perf_counter() - started) * 1000.0
    # Kernel time this run cost: arming it plus taking the snapshot.
    snap["kernel_ms"] = snapshot_ms + _arm_ms.pop(key, 0.0)
    snap["snapshot_ms"] = snapshot_ms
    _send(key, snap)


def _send(key, snap):
    text = str(_dumps(snap))
    try:
        from comm import create_comm

        channel = create_comm(target_name=COMM_TARGET, data={"key": key, "json": text})
        channel.close()
    except Exception:  # noqa: BLE001 - no comm support: the frontend can still take it
        _unsent[key] = snap
        while len(_unsent) > _MAX_PENDING:
            _unsent.popitem(last=False)
