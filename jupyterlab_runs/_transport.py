"""Publishing log calls to the frontend as one self-updating output per cell.

Why this shape (see docs/PYTHON_API.md for the wire format):

* Every ``log_*`` call lands in an in-memory buffer; nothing is sent per call,
  so a tight loop of ``log_metric`` costs a few hundred nanoseconds a point.
* A cell execution is a *session* with its own ``display_id``. The first
  flush creates the output with ``display(..., raw=True, display_id=...)``,
  later flushes ``update_display`` it, so the notebook holds ONE output per
  execution however many points were logged.
* A flush sends the points logged since the previous flush (a delta, with a
  sequence number) plus a small summary. The frontend accumulates deltas; the
  last update of a session carries no delta, so the saved .ipynb only keeps
  the summary.
* Flushes happen at most every ``flush_interval_ms`` (or when the buffer is
  big), from the logging call itself or from a daemon thread for the tail of
  a burst, and always at the end of the cell (IPython ``post_run_cell``).
* Without an IPython kernel nothing is published: plain Python gets one
  stderr note, terminal IPython one summary line per cell.
"""

import os
import sys
import threading
import time
import uuid

from . import _config
from ._encoding import check_name, coerce_metric, coerce_step
from ._journal import JOURNAL
from ._summary import Series, summary, text

MIME_TYPE = "application/vnd.jupyterlab-runs.log+json"
VERSION = 1
_monotonic = time.monotonic
EVENT_KINDS = ("param", "tag", "artifact", "dataset", "confusion_matrix", "curve", "figure")


def _detect(mode):
    """Pick the publishing mode and the shell, without importing IPython.

    A plain ``DisplayPublisher`` is terminal IPython, which would print every
    update as a new line: there we only print the final summary.
    """
    if mode == "off":
        return "off", None
    getipython = sys.modules.get("IPython.core.getipython")
    shell = getipython.get_ipython() if getipython else None
    if shell is None:
        return "off", None
    if mode == "auto":
        from IPython.core.displaypub import DisplayPublisher

        plain = type(getattr(shell, "display_pub", None)) is DisplayPublisher
        mode = "summary" if plain else "live"
    return mode, shell


class Recorder:
    """The process-wide buffer. All state is guarded by one lock."""

    def __init__(self):
        self._lock = threading.Lock()
        self._cond = threading.Condition(self._lock)
        self._thread = None
        self._forked = False
        self._noted = False
        self._reset()

    def _reset(self):
        self._session = None
        self._mode = "off"
        self._series = {}
        self._events = []
        self._event_bytes = self._pending = self._points = self._seq = 0
        self._params, self._tags = {}, {}
        self._counts = dict.fromkeys(EVENT_KINDS[2:], 0)
        self._due = 0.0
        self._publish_failed = False

    # -- logging (called by api.py) ------------------------------------

    def metric(self, name, value, step=None):
        """The hot path: coerce, append to the metric's lists, maybe flush."""
        if value.__class__ is not float:
            value = coerce_metric(name, value)
        with self._lock:
            s = self._series.get(name)
            if s is None:
                check_name("metric", name)
                if not self._begin():
                    return
                s = self._series[name] = Series()
            if step is None:
                step = s.next_step
            elif step.__class__ is not int:
                step = coerce_step(step)
            s.next_step = step + 1
            s.steps.append(step)
            s.values.append(value)
            self._pending += 1
            if self._pending >= self._max_points or _monotonic() >= self._due:
                self._flush(final=False)

    def keyed(self, kind, name, value):
        """A param or tag: kept in the summary and sent as an event."""
        with self._lock:
            if not self._begin():
                return
            (self._params if kind == "param" else self._tags)[name] = value
            self._add({"kind": kind, "name": name, "value": value}, 0)

    def event(self, kind, payload, nbytes=0):
        """Any other event kind; ``nbytes`` is its payload size for flushing."""
        with self._lock:
            if not self._begin():
                return
            self._counts[kind] = self._counts.get(kind, 0) + 1
            self._add(dict({"kind": kind}, **payload), nbytes)

    def wants_payload(self):
        """True if file contents would be sent (so api.py may skip reading them)."""
        with self._lock:
            return self._begin() and self._mode == "live"

    def flush(self):
        """Send what is buffered now, ignoring the interval."""
        with self._lock:
            if self._session is not None and (self._pending or self._events):
                self._flush(final=False)

    def finish(self, *_result):
        """End of the cell execution: last delta, then the summary-only update."""
        with self._lock:
            if self._session is None:
                return
            try:
                if self._pending or self._events:
                    self._flush(final=False)
                self._flush(final=True)
            finally:
                self._reset()

    # -- internals (lock held) -----------------------------------------

    def _add(self, event, nbytes):
        event["time_ms"] = int(time.time() * 1000)
        if self._mode == "live":
            self._events.append(event)
            self._event_bytes += nbytes
            if self._event_bytes >= self._max_bytes or time.monotonic() >= self._due:
                self._flush(final=False)

    def _begin(self):
        """Start a session if none is active; False when nothing is recorded."""
        if self._session is not None:
            return True
        if self._forked:
            return False
        settings = _config.settings
        try:
            mode, shell = _detect(settings["mode"])
        except Exception:  # noqa: BLE001 - an odd shell must not break user code
            mode, shell = "off", None
        if mode == "off":
            if settings["mode"] == "auto" and not self._noted:
                self._noted = True
                print("jupyterlab-runs: not running in an IPython kernel; log calls are "
                      "ignored (this note is shown once).", file=sys.stderr)
            return False
        self._mode, self._pid = mode, os.getpid()
        self._session = uuid.uuid4().hex
        self._display_id = "jupyterlab-runs-" + self._session
        # The In[] number of the running cell; IPython versions differ in when
        # they bump execution_count, the display hook knows.
        self._exec_count = getattr(getattr(shell, "displayhook", None), "prompt_count", None)
        self._interval = settings["flush_interval_ms"] / 1000.0
        self._max_points = max(1, int(settings["max_buffer_points"]))
        self._max_bytes = settings["max_buffer_bytes"]
        self._cap = int(settings["summary_max_items"])
        self._due = 0.0  # the first flush is immediate: the output appears at once
        try:
            shell.events.register("post_run_cell", self.finish)  # no-op if already there
        except Exception:  # noqa: BLE001 - without the hook the tail flusher still sends
            pass
        if mode == "live":
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._tail_flusher, name="jupyterlab-runs-flush", daemon=True)
                self._thread.start()
            self._cond.notify_all()
        return True

    def _tail_flusher(self):
        """Flush points left over from a burst once the interval has passed."""
        with self._cond:
            while not self._forked:
                if self._session is None or self._mode != "live":
                    self._cond.wait()
                    continue
                wait = self._due - time.monotonic()
                if wait <= 0:
                    if self._pending or self._events:
                        self._flush(final=False)
                        continue
                    wait = self._interval
                self._cond.wait(max(wait, 0.005))

    def _take_delta(self):
        """Detach the unsent points and events (stats are updated on the way)."""
        live = self._mode == "live"
        metrics = {}
        for name, s in self._series.items():
            if s.steps:
                steps, values = s.take()
                if live:
                    metrics[name] = {"steps": steps, "values": values}
        self._points += self._pending
        self._pending = 0
        events, self._events, self._event_bytes = self._events, [], 0
        return {"metrics": metrics, "events": events}

    def _flush(self, final):
        delta = self._take_delta() if not final else {"metrics": {}, "events": []}
        self._due = time.monotonic() + self._interval
        if (self._mode != "live" and not final) or os.getpid() != self._pid:
            return
        self._seq += 1
        message = {
            "v": VERSION,
            "exec_id": self._session,
            "seq": self._seq,
            "final": final,
            "time_ms": int(time.time() * 1000),
            "execution_count": self._exec_count,
            "delta": delta,
            "summary": summary(self._series, self._params, self._tags, self._counts,
                               self._points, self._cap),
        }
        plain = text(self._series, self._params, self._tags, self._counts)
        # The kernel's own record of the run (see _journal.py): what a page
        # that is not listening would have read from this output.
        JOURNAL.log(message)
        self._publish({MIME_TYPE: message, "text/plain": plain})

    def _publish(self, bundle):
        """Create or update the session's output; never let a failure escape."""
        try:
            from IPython.display import display, update_display

            if self._seq == 1:
                display(bundle, raw=True, display_id=self._display_id)
            else:
                update_display(bundle, raw=True, display_id=self._display_id)
        except Exception as exc:  # noqa: BLE001 - logging must not break training
            if self._publish_failed:
                return
            self._publish_failed = True
            print(f"jupyterlab-runs: could not publish an update: {exc!r}", file=sys.stderr)

    def _after_fork(self):
        """In a forked worker (e.g. a DataLoader) the kernel's sockets are not ours."""
        self._lock = threading.Lock()
        self._cond = threading.Condition(self._lock)
        self._thread = None
        self._forked = True
        self._reset()


RECORDER = Recorder()

if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=lambda: RECORDER._after_fork())
