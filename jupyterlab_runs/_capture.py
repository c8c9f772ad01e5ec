"""Snapshots of experiment cells, taken by the kernel the moment they end.

Why not simply probe after the cell? JupyterLab sends every cell of "Run All"
at once, so a probe sent when a cell finishes is queued behind the later
cells, which may have changed the namespace (and a long later cell would hold
the run open). Instead a capture is *armed* before the experiment cell runs,
and this module's ``post_run_cell`` hook takes the snapshot right after that
cell and sends it to the frontend with the cell's own execute reply (a
payload, when the frontend asked for that: ``reply_snapshots``), which
ipykernel sends before it starts the next cell, or else over IOPub: as a
message on the control comm a frontend opened (``jupyterlab-runs-control``),
which every page reads on IOPub, or, before any is open, as a comm of its
own (target ``jupyterlab-runs``). Either way the frontend has it while the
kernel is busy with later cells. Nothing is printed, and the user namespace
is only read.

Arming costs the frontend nothing per run once this module is set up:
JupyterLab sends each cell's metadata with its execute request, so the
``pre_run_cell`` hook reads the cell's tags there and arms cells tagged
``experiment``/``experiment:<name>`` (and ``parameters``) itself, with the
options the frontend configured once per kernel. The frontend sets the module
up with one silent request (``arm`` for the first cell, then ``register``),
and until it has the reply it arms the cells it sends with that same request.
Snapshots name the execute request they belong to, which the frontend already
knows from the cell's ``execute_input``.

The environment is probed on the first experiment run of a kernel process
and again after a cell that may have changed packages or the git state
(``%pip``, ``!pip install``, ``!git checkout`` …), or when the frontend asks.

Silent executions do not trigger ``post_run_cell``, so the extension's own
requests are never captured.
"""

import collections
import json
import os
import re
import threading
import time

from . import _outputs
from ._journal import JOURNAL
from ._params import hash_slice_paths, slice_path_candidates
from ._probe import _dumps, _options as _snapshot_options, snapshot
from ._slice import HISTORY
from ._sysinfo import gpu_metrics, system_metrics

COMM_TARGET = "jupyterlab-runs"
# An execute reply's payload holding a snapshot (`_reply_with`).
PAYLOAD_SOURCE = "jupyterlab_runs.snapshot"
CONTROL_TARGET = "jupyterlab-runs-control"
_MAX_PENDING = 64
# Control comms the frontend opened, kept to send snapshots on (the latest;
# the others in case it was closed): one per page set up.
_MAX_CONTROLS = 8

# Armed captures, oldest first: (key, code, options, armed_at). `key` is the
# frontend's (explicit arms) or None (self-armed: the request id names it).
_armed = collections.deque()
_arm_ms = {}
_unsent = collections.OrderedDict()
_hooked_shell = None
# The control comms the frontend opened, oldest first.
_controls = []
# Options for the cells this module arms itself, set by the frontend
# (`register`, control comm); None until then: nothing is self-armed.
_options = None
# Whether the next self-armed experiment run probes the environment.
_need_environment = True
# The working directory as the running experiment cell found it (its
# outputs are what changed, see _outputs.py); None between runs.
_watch = None
_bindings = None  # names a cell may read from an earlier run → their bindings before it
# The values of the last `parameters` cell this kernel ran (its snapshot's
# `params`) and that execution's In[] number, for the journal: a run no
# page sees (its tab closed mid-burst) still says what it ran with. None
# until one ran; a restart starts afresh.
_parameters = None
# Code that may change packages or the git state.
ENVIRONMENT_CHANGE = re.compile(
    r"(^|\n)\s*[!%]\s*(pip|conda|mamba|micromamba|uv)\b|\bpip\s+install\b"
    r"|(^|\n)\s*!\s*git\s+(checkout|switch|commit|pull|merge|reset|rebase|stash)\b"
)
EXPERIMENT_TAG = "experiment"
PARAMETERS_TAG = "parameters"
# The notebook's folder, when the kernel started (it usually starts there):
# where the journal goes when JPY_SESSION_NAME does not say.
_START_CWD = os.getcwd()


def arm(key, code, options=None):
    """Capture a snapshot of the next execution of ``code``, under ``key``.

    Called by the frontend (silently) right before it sends an experiment
    cell. Returns True so the frontend knows the module is importable.
    """
    started = time.perf_counter()
    _ensure_hook()
    _armed.append((str(key), code, options, started))
    while len(_armed) > _MAX_PENDING:
        _drop(_armed.popleft())
    _arm_ms[str(key)] = (time.perf_counter() - started) * 1000.0
    return True


def _arm_key(entry):
    """Where an entry's arming time is kept: its key, or the entry itself."""
    return entry[0] if entry[0] is not None else id(entry)


def _drop(entry):
    _arm_ms.pop(_arm_key(entry), None)


def register(options=None, cells=None):
    """Arm tagged cells from now on, and open the control comm target.

    ``options`` (a dict or its JSON) are the snapshot options of the cells
    armed here; the control comm (``jupyterlab-runs-control``) changes them
    when the user changes a setting, asks for a new environment probe, or
    arms a cell explicitly. ``cells`` (a dict or its JSON): what the page
    knows of the executions before this call, ``{"<In[] number>": [cell id,
    "parameters" or null]}``; the first call of a kernel session takes those
    executions into the slicer's history (``_backfill``). Returns False
    without comm support.
    """
    _ensure_hook()
    if options is not None:
        _configure(options)
    from IPython import get_ipython

    shell = get_ipython()
    if HISTORY.count == 0:
        _backfill(shell, cells)
    manager = getattr(getattr(shell, "kernel", None), "comm_manager", None)
    if manager is None:
        return False
    manager.register_target(CONTROL_TARGET, _on_control_open)
    return True


def _backfill(shell, cells):
    """Take the executions that ran before the module was set up into the
    slicer's history, from IPython's own (``input_hist_raw``, by In[]
    number), with the cell ids and kinds the page saw them with.

    A user who runs a few cells, then tags one ``experiment``, set the
    kernel side up only then: every name the run read from those cells was
    unresolved, and every run of the session fell back to the whole session
    as its lineage (provenance unknown). Executions the page did not see (a
    reload, another client) get no cell id: the page ties each to the one
    cell with its code (``attributeByCode``). Never raises."""
    try:
        if isinstance(cells, str):
            cells = json.loads(cells)
        if not isinstance(cells, dict):
            cells = {}
        inputs = shell.history_manager.input_hist_raw
        upto = min(int(shell.execution_count), len(inputs))
        namespace = shell.user_ns
    except Exception:  # noqa: BLE001 - no IPython history: nothing to take
        return
    for count in range(1, upto):
        code = inputs[count]
        known = cells.get(str(count))
        cell_id, kind = None, None
        if isinstance(known, list) and len(known) == 2:
            cell_id = known[0] if isinstance(known[0], str) else None
            kind = known[1] if known[1] == "parameters" else None
        try:
            HISTORY.record(None, cell_id, code if isinstance(code, str) else "", count, kind,
                           namespace=namespace)
        except Exception:  # noqa: BLE001 - the history must never break the kernel
            return


def _configure(options):
    global _options
    if isinstance(options, str):
        try:
            options = json.loads(options)
        except ValueError:
            return
    if isinstance(options, dict):
        _options = dict(options)
        if "notebook" in options:
            JOURNAL.configure(options["notebook"], os.environ.get("JPY_SESSION_NAME"),
                              _START_CWD)


def _on_control_open(channel, _open_msg):
    _controls.append(channel)
    while len(_controls) > _MAX_CONTROLS:
        _controls.pop(0)

    def on_close(_msg):
        if channel in _controls:
            _controls.remove(channel)

    def on_msg(msg):
        global _need_environment
        data = msg.get("content", {}).get("data", {})
        if not isinstance(data, dict):
            return
        if "configure" in data:
            _configure(data["configure"])
        if data.get("environment"):
            _need_environment = True
        if "key" in data:
            arm(data["key"], data.get("code", ""), data.get("options"))

    channel.on_msg(on_msg)
    channel.on_close(on_close)


def _parent():
    """The execute request being handled (a message dict), or {}."""
    try:
        from IPython import get_ipython

        parent = get_ipython().kernel.get_parent()
    except Exception:  # noqa: BLE001 - no kernel (plain IPython, tests)
        return {}
    return parent if isinstance(parent, dict) else {}


def _request():
    """The execute request being handled: (msg_id, cell tags)."""
    parent = _parent()
    msg_id = (parent.get("header") or {}).get("msg_id")
    tags = (parent.get("metadata") or {}).get("tags")
    return msg_id, tags if isinstance(tags, list) else ()


def _kind(tags):
    """'experiment', 'parameters' or None, as the frontend reads the tags."""
    parameters = False
    for tag in tags:
        if not isinstance(tag, str):
            continue
        if tag == EXPERIMENT_TAG or tag.startswith(EXPERIMENT_TAG + ":"):
            return "experiment"
        parameters = parameters or tag == PARAMETERS_TAG
    return "parameters" if parameters else None


def _self_arm(raw_cell):
    """Arm this cell if its tags make it an experiment or parameters cell."""
    started = time.perf_counter()
    _msg_id, tags = _request()
    kind = _kind(tags)
    if kind == "experiment":
        options = dict(_options, environment="auto")
    elif kind == "parameters" and _options.get("params", True):
        options = {"environment": False, "datasets": False, "params": True}
    else:
        return None
    entry = (None, raw_cell, options, started)
    _armed.append(entry)
    _arm_ms[_arm_key(entry)] = (time.perf_counter() - started) * 1000.0
    return entry


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
# Per GPU, when nvidia-smi finds any: system/gpu<index>_<key>.
GPU_KEYS = ("utilization_percent", "memory_used_bytes")


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
                for gpu in gpu_metrics():
                    for k in GPU_KEYS:
                        if isinstance(gpu.get(k), (int, float)):
                            values[f"system/gpu{gpu['index']}_{k}"] = gpu[k]
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
            options = json.loads(options)
        except ValueError:
            return 0
    try:
        return float((options or {}).get("system_interval_ms") or 0) / 1000.0
    except (TypeError, ValueError, AttributeError):
        return 0


def _pre_run_cell(info):
    global _need_environment
    raw = getattr(info, "raw_cell", None)
    if not isinstance(raw, str):
        return
    if ENVIRONMENT_CHANGE.search(raw):
        _need_environment = True
    entry = next((e for e in _armed if e[1] == raw), None)
    if entry is None and _options is not None:
        entry = _self_arm(raw)
    _journal_start(raw)
    _take_bindings(raw)
    _watch_outputs(entry)
    if entry is not None:
        interval = _interval_of(entry[2])
        if interval > 0:
            _sampler.start(max(interval, 0.1))


def _take_bindings(raw_cell):
    """Before a cell runs: what the names it may read from an earlier
    execution are bound to (a loop of unknown length that binds them, then a
    read after it), so the history can tell whether it read its own."""
    global _bindings
    _bindings = None
    try:
        from ._slice import analyze, bindings
        names = analyze(raw_cell).maybe_uses
        if names:
            from IPython import get_ipython
            _bindings = bindings(get_ipython().user_ns, names)
    except Exception:  # noqa: BLE001 - the history must never break a cell
        _bindings = None


def _watch_outputs(entry):
    """Look at the working directory before an armed experiment cell runs."""
    global _watch
    _watch = None
    if entry is None or _kind(_request()[1]) != "experiment":
        return
    try:
        _watch = _outputs.start()
    except Exception:  # noqa: BLE001 - outputs are best effort, never break a cell
        _watch = None


def _journal_start(raw_cell):
    """Write the journal's first line for an experiment cell (tags as sent)."""
    if JOURNAL.current is not None:
        JOURNAL.end("unknown", {"ename": "RunAbandoned", "evalue": (
            "The kernel started another cell before this one was seen to end."),
            "traceback": []})
    parent = _parent()
    metadata = parent.get("metadata") or {}
    tags = metadata.get("tags")
    if _kind(tags if isinstance(tags, list) else ()) != "experiment":
        return
    header = parent.get("header") or {}
    count = None
    try:
        from IPython import get_ipython

        # The In[] number: `execution_count` is already the next one here.
        count = get_ipython().displayhook.prompt_count
    except Exception:  # noqa: BLE001
        pass
    JOURNAL.start(header.get("msg_id"), header.get("date"), metadata.get("cellId"), tags,
                  raw_cell, count, parameters=_parameters)


def _outcome(result):
    """(status, error) of a finished cell, as the page records them."""
    exc = getattr(result, "error_in_exec", None) or getattr(result, "error_before_exec", None)
    if exc is None:
        return "ok", None
    status = "interrupted" if isinstance(exc, KeyboardInterrupt) else "error"
    traceback = []
    try:
        from IPython import get_ipython

        stb = getattr(get_ipython(), "_last_traceback", None)
        if isinstance(stb, list):
            traceback = [str(line) for line in stb]
    except Exception:  # noqa: BLE001
        pass
    return status, {"ename": type(exc).__name__, "evalue": str(exc), "traceback": traceback}


def _match(raw_cell):
    """Pop the armed entry for this cell. Entries armed before it were for
    executions that never ran (aborted after an error): drop them."""
    for index, (_key, code, _options, _started) in enumerate(_armed):
        if code == raw_cell:
            for _ in range(index):
                _drop(_armed.popleft())
            return _armed.popleft()
    return None


def _post_run_cell(result):
    global _parameters
    _sampler.stop()
    journaled = JOURNAL.current is not None
    if journaled:
        # The last log flush goes into the journal before its end line.
        from ._transport import RECORDER

        RECORDER.finish()
    execution = _record_history(result)
    snap = _take_snapshot(result, execution)
    key = snap.pop("_key") if snap is not None else None
    if journaled:
        status, error = _outcome(result)
        JOURNAL.end(status, error, snap)
        if snap is not None:
            # Tells the page the kernel journaled this run (a page deletes
            # journal files once their runs are final on the server).
            snap["journal"] = True
    if snap is not None:
        request, tags = _request()
        if _kind(tags) == "parameters" and isinstance(snap.get("params"), dict):
            count = getattr(result, "execution_count", None)
            _parameters = (snap["params"], count if isinstance(count, int) else None)
        if not (request and _kind(tags) == "experiment" and _reply_with(key, snap, request)):
            _send(key, snap, request)


def _record_history(result):
    """Add the cell that just ended to the session history the slicer cuts
    lineages from (jupyterlab_runs/_slice.py); never raises."""
    global _bindings
    try:
        parent = _parent()
        metadata = parent.get("metadata") or {}
        tags = metadata.get("tags")
        cell_id = metadata.get("cellId")
        count = getattr(result, "execution_count", None)
        from IPython import get_ipython
        namespace = get_ipython().user_ns
        changed = None
        if _bindings:
            from ._slice import rebound
            changed = rebound(namespace, _bindings)
        return HISTORY.record((parent.get("header") or {}).get("msg_id"),
                              cell_id if isinstance(cell_id, str) else None,
                              getattr(getattr(result, "info", None), "raw_cell", "") or "",
                              count if isinstance(count, int) else None,
                              _kind(tags if isinstance(tags, list) else ()),
                              rebound=changed, namespace=namespace)
    except Exception:  # noqa: BLE001 - the history must never break a cell
        return None
    finally:
        _bindings = None  # let go of the values held while the cell ran


def _slice_of(execution):
    """The run's dependency slice as JSON and the sources it holds (oldest
    first), or (None, ()) when there is no history to cut it from."""
    if execution is None:
        return None, ()
    try:
        cut = HISTORY.slice(execution.index)
        data = cut.to_json()
        target = data.pop("target", None) or {}
        # What the run's own cell read (provenance: who used a stale value).
        data["uses"] = target.get("uses", [])
        # In[] numbers before this run that the history never saw (cells
        # run before this module was set up).
        count = execution.execution_count
        data["unseen"] = max(0, count - cut.history_count) if isinstance(count, int) else 0
        return data, cut.codes()
    except Exception as exc:  # noqa: BLE001 - fall back to the page's own history
        return {"error": repr(exc)}, ()


def _files_of(codes, code, options, watch):
    """(inputs, outputs, notes): the files the run's code and slice name,
    hashed as inputs, and the files it wrote (see _outputs.py), which are
    never inputs."""
    max_bytes = int(options["max_dataset_bytes"])
    outputs, notes = [], []
    candidates = slice_path_candidates(codes, code)
    try:
        outputs, notes = _outputs.detect(watch, candidates, max_bytes)
    except Exception as exc:  # noqa: BLE001
        notes = [f"Output files were not detected: {exc!r}"]
    written = {o["realpath"] for o in outputs}
    return (hash_slice_paths(codes, code, max_bytes, skip=written, candidates=candidates),
            outputs, notes)


def _take_snapshot(result, execution=None):
    """The armed snapshot of the cell that just ended, or None."""
    global _need_environment
    if not _armed:
        return None
    info = getattr(result, "info", None)
    entry = _match(getattr(info, "raw_cell", None))
    if entry is None:
        return None
    key, code, options, _armed_at = entry
    arm_ms = _arm_ms.pop(_arm_key(entry), 0.0)
    options = _resolve_environment(options)
    started = time.perf_counter()
    try:
        opts = _snapshot_options(options)
    except (ValueError, TypeError):
        opts = options  # snapshot() reports it
    experiment = isinstance(opts, dict) and opts.get("slice", True) and (
        _kind(_request()[1]) == "experiment")
    cut, codes = _slice_of(execution) if experiment else (None, ())
    files = None
    if _kind(_request()[1]) == "experiment" and isinstance(opts, dict) and opts.get("datasets"):
        files = _files_of(codes, code, opts, _watch)
        opts = dict(opts, datasets=False)  # hashed from the slice instead
    snap = snapshot(code, None, opts)
    if cut is not None:
        snap["slice"] = cut
    if files is not None:
        snap["datasets"], snap["outputFiles"], notes = files
        if notes:
            snap["notes"] = notes
    snapshot_ms = (time.perf_counter() - started) * 1000.0
    if snap.get("environment"):
        _need_environment = False
    # Kernel time this run cost: arming it plus taking the snapshot.
    snap["kernel_ms"] = snapshot_ms + arm_ms
    snap["snapshot_ms"] = snapshot_ms
    snap["_key"] = key
    return snap


def _resolve_environment(options):
    """A self-armed run probes the environment only when it may have changed."""
    if not isinstance(options, dict) or options.get("environment") != "auto":
        return options
    wanted = bool((_options or {}).get("environment", True)) and _need_environment
    return dict(options, environment=wanted)


def _reply_with(key, snap, request):
    """Put an experiment cell's snapshot in its execute reply, if the page
    asked for that (``reply_snapshots`` in its options); whether it did.

    The reply goes to the page that sent the request, the one recording the
    run, with the message it waits for anyway; on the control comm the
    snapshot was one more IOPub message for every page to receive, parse and
    dispatch (about 1 ms of the page per tagged execution, and the kernel's
    own send). A page that does not ask (an older version) gets the comm,
    and so does a ``parameters`` cell's snapshot, which later runs read: on
    IOPub it comes before their messages; a reply, on another channel, has
    no order with them (the page read it after the next run had ended).
    """
    if not (_options or {}).get("reply_snapshots"):
        return False
    try:
        from IPython import get_ipython

        payloads = get_ipython().payload_manager
        payloads.write_payload({
            "source": PAYLOAD_SOURCE,
            "key": key or "",
            "request": request,
            "json": str(_dumps(snap)),
        })
        return True
    except Exception:  # noqa: BLE001 - not in a kernel: the comm then
        return False


def _send(key, snap, request=None):
    """Send a snapshot under the frontend's key and/or the request id.

    As one message on the latest open control comm: every page connected to
    the kernel sees it on IOPub, whichever page opened that comm (a page
    reloaded before it has opened its own reads it there too), and takes
    the snapshots of its own runs. Opening a comm per run would cost three
    messages (open, close, and in JupyterLab 4.4+ a kernel subshell created
    and deleted for it, with their busy/idle status).
    """
    data = {"key": key or "", "request": request or "", "json": str(_dumps(snap))}
    while _controls:
        try:
            _controls[-1].send({"snapshot": data})
            return
        except Exception:  # noqa: BLE001 - a closed comm: forget it
            _controls.pop()
    try:
        from comm import create_comm

        channel = create_comm(target_name=COMM_TARGET, data=data)
        channel.close()
    except Exception:  # noqa: BLE001 - no comm support: the frontend can still take it
        name = key or request
        if name:
            _unsent[name] = snap
            while len(_unsent) > _MAX_PENDING:
                _unsent.popitem(last=False)
