"""The kernel's own record of every experiment execution: the run journal.

Why: capture used to live only in the page. Whatever the kernel ran while no
page listened (a tab closed or reloaded in the middle of a queued burst, a
browser that crashed, a laptop that slept) was never recorded. The kernel
sees every execution, with the cell's tags (JupyterLab sends them with each
execute request), so it writes down what it ran, and a page turns that into
run files when it next sees the runs folder (src/capture/journal.ts).

Layout: one small file per execution, ``<stem>.runs/journal/<run id>.jsonl``,
one JSON object a line:

- ``{"e": "start", ...}``: written as the cell starts (request id and date,
  cell id, tags, code, execution count, kernel id and process id);
- ``{"e": "log", "m": {...}}``: each flush of the logging API, exactly the
  payload the page reads from the cell's output (so one parser serves both);
- ``{"e": "end", ...}``: written when the cell ends, with its status, the
  error and the kernel snapshot (params, data hashes, environment).

Plus ``journal/kernel-<kernel id>.json``: which process runs that kernel now,
so a page can tell an execution still running from one a restart ended.

A run's id is derived from its execute request (``run_id``), by the kernel
and by the page alike, so the run a page records and the one it rebuilds
from the journal are the same file: no duplicates, whoever writes first.
A page deletes an execution's journal file once its run file is final.

Writes never raise into user code: a journal that cannot be written (no
notebook path, read-only folder) is switched off and the reason kept.
"""

import hashlib
import json
import os
import threading
import time

VERSION = 1
JOURNAL_DIR = "journal"
_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_lock = threading.RLock()
# An execution's file stays open from its first line to its last where an
# open file does not stop its folder from being renamed (not on Windows).
_KEEP_OPEN = os.name == "posix"


def run_id(msg_id, date_ms):
    """The run id of an execute request: a ULID whose time is the request's
    date (ms) and whose 80 random bits are the first 10 bytes of
    sha256("jupyterlab-runs/run:" + msg_id). The page computes the same
    (src/core/id.ts ``runIdForRequest``)."""
    digest = hashlib.sha256(("jupyterlab-runs/run:" + str(msg_id)).encode("utf-8")).digest()
    rand = int.from_bytes(digest[:10], "big")
    ms = max(0, min(int(date_ms), 2**48 - 1))
    time_part = "".join(_CROCKFORD[(ms >> (5 * (9 - i))) & 31] for i in range(10))
    rand_part = "".join(_CROCKFORD[(rand >> (5 * (15 - i))) & 31] for i in range(16))
    return time_part + rand_part


def date_ms(date):
    """Epoch ms of a message header's ``date`` (a datetime or ISO text)."""
    if date is None:
        return int(time.time() * 1000)
    if isinstance(date, str):
        from datetime import datetime

        text = date.replace("Z", "+00:00")
        try:
            date = datetime.fromisoformat(text)
        except ValueError:
            return int(time.time() * 1000)
    try:
        if date.tzinfo is None:
            from datetime import timezone

            date = date.replace(tzinfo=timezone.utc)
        return int(round(date.timestamp() * 1000))
    except (AttributeError, OverflowError, ValueError):
        return int(time.time() * 1000)


def _kernel_id():
    """The kernel's id, from its connection file name (kernel-<id>.json)."""
    try:
        from ipykernel.connect import get_connection_file

        name = os.path.basename(get_connection_file())
    except Exception:  # noqa: BLE001 - not an ipykernel, or no connection file
        return ""
    if name.startswith("kernel-") and name.endswith(".json"):
        return name[len("kernel-"):-len(".json")]
    return ""


def _stem(name):
    """The notebook's file name without its extension (src/core/paths.ts)."""
    dot = name.rfind(".")
    return name[:dot] if dot > 0 else name


class Journal:
    """Where and how this kernel process writes its journal."""

    def __init__(self):
        self._root = None  # the server root on disk, once known
        self._notebook = None  # the notebook's server path
        self.reason = "No page has told this kernel which notebook it runs."
        self._current = None  # (run id, path) of the execution in progress
        # Its file, open from its first line to its last (``_append``).
        self._file = None
        self._kernel = None
        self._announced = None
        self._made = None  # the folder last made (or seen) by ``_write``

    # -- where ---------------------------------------------------------

    def configure(self, notebook_path, session_name=None, cwd=None):
        """Follow the notebook at ``notebook_path`` (its server path, with
        ``/`` separators, as the page knows it).

        The server root on disk comes from ``JPY_SESSION_NAME`` (the
        notebook's path on disk when the kernel started, set by
        jupyter_server) or else from the kernel's starting directory (the
        notebook's folder): the server path's parts are taken off its end.
        A rename sends the new server path; the root stays.
        """
        if not isinstance(notebook_path, str) or not notebook_path.strip("/"):
            return
        parts = [p for p in notebook_path.split("/") if p]
        if any(p in (".", "..") for p in parts):
            self.reason = f"Refused the notebook path {notebook_path!r}."
            return
        with _lock:
            if self._root is None:
                self._root = _root_from(parts, session_name, cwd)
                if self._root is None:
                    self.reason = ("Could not locate the notebook on disk from the kernel "
                                   "(JPY_SESSION_NAME and the working directory disagree).")
            self._notebook = parts
            self._announced = None

    def folder(self):
        """The journal folder on disk, or None."""
        if self._root is None or not self._notebook:
            return None
        parts = self._notebook
        return os.path.join(self._root, *parts[:-1], _stem(parts[-1]) + ".runs", JOURNAL_DIR)

    # -- what ----------------------------------------------------------

    def start(self, msg_id, date, cell_id, tags, code, execution_count, parameters=None):
        """An experiment cell starts: write its first line. Returns the run id.

        ``parameters``: ``(values, In[] number)`` of the last ``parameters``
        cell the kernel ran before it (the page reads them when no page saw
        the run), or None.
        """
        folder = self.folder()
        if folder is None or not msg_id:
            return None
        when = date_ms(date)
        rid = run_id(msg_id, when)
        path = os.path.join(folder, rid + ".jsonl")
        line = {"e": "start", "v": VERSION, "id": rid, "request": msg_id,
                "date": when, "t": int(time.time() * 1000),
                "cellId": cell_id if isinstance(cell_id, str) else None,
                "tags": [t for t in tags if isinstance(t, str)], "code": code,
                "executionCount": execution_count, "kernel": self._kernel_id(),
                "pid": os.getpid(), "notebook": "/".join(self._notebook)}
        if parameters is not None and isinstance(parameters[0], dict):
            line["params"], line["paramsCount"] = parameters
        with _lock:
            self._close()
            self._announce(folder)
            handle = self._write(path, line, "w", keep=_KEEP_OPEN)
            if handle:
                self._current = (rid, path)
                self._file = handle if handle is not True else None
                return rid
        return None

    def log(self, message):
        """A flush of the logging API during the execution in progress."""
        with _lock:
            if self._current is not None:
                self._current = self._append(self._current, {"e": "log", "m": message})

    def end(self, status, error=None, snapshot=None):
        """The execution in progress ended: its last line."""
        with _lock:
            current, self._current = self._current, None
            if current is None:
                return None
            line = {"e": "end", "t": int(time.time() * 1000), "status": status,
                    "error": error, "snapshot": snapshot}
            self._append(current, line)
            self._close()
            return current[0]

    @property
    def current(self):
        return self._current[0] if self._current else None

    # -- internals -----------------------------------------------------

    def _kernel_id(self):
        if self._kernel is None:
            self._kernel = _kernel_id()
        return self._kernel

    def _append(self, current, line):
        """Append ``line`` to the journal of the execution ``current`` (its run
        id and file; under ``_lock``) where that file is now; returns where.

        Its file moves when the notebook is renamed during the run: the page
        moves the runs folder at once, but this kernel hears of the new name
        only once the cell ends (the rename comes as a comm message), and
        appending at the old path re-created the old folder with the rest of
        the run in it, leaving the moved journal without its end and a
        stray ``<old name>.runs/journal`` beside the notebook. So when the
        file is gone from where it was, it is looked for under the current
        name, then in the other runs folders beside it (a run id is unique);
        only a journal deleted with its folder is started again where the
        notebook's runs now go.
        """
        rid, path = current
        # The file stays open for the execution: a line is one write, where
        # opening, appending and closing by path (and making sure of the
        # folder and the file first) cost the kernel about 0.5 ms of its reply
        # per tagged execution (kernel-cost benchmark). An open file follows
        # its folder when the page renames it; a file deleted (with its
        # folder, or moved by a copy) is looked for by path, as below.
        handle = self._file
        if handle is not None:
            try:
                if os.fstat(handle.fileno()).st_nlink > 0:
                    handle.write(self._line(line))
                    handle.flush()
                    return rid, path
            except (OSError, ValueError):
                pass
            self._close()
        if not os.path.exists(path):
            path = self._find_moved(rid, path) or path
        self._write(path, line, "a")
        return rid, path

    def _close(self):
        handle, self._file = self._file, None
        if handle is not None:
            try:
                handle.close()
            except OSError:
                pass

    def _find_moved(self, rid, path):
        name = rid + ".jsonl"
        folder = self.folder()
        if folder is not None and os.path.exists(os.path.join(folder, name)):
            return os.path.join(folder, name)
        parent = os.path.dirname(os.path.dirname(os.path.dirname(path)))
        try:
            siblings = [e for e in os.listdir(parent) if e.endswith(".runs")]
        except OSError:
            siblings = []
        for sibling in siblings:
            candidate = os.path.join(parent, sibling, JOURNAL_DIR, name)
            if os.path.exists(candidate):
                return candidate
        return os.path.join(folder, name) if folder is not None else None

    def _announce(self, folder):
        """Write kernel-<id>.json (this process runs that kernel) once per folder."""
        if self._announced == folder or not self._kernel_id():
            return
        path = os.path.join(folder, f"kernel-{self._kernel_id()}.json")
        if self._write(path, {"v": VERSION, "kernel": self._kernel_id(), "pid": os.getpid(),
                              "t": int(time.time() * 1000)}, "w"):
            self._announced = folder

    @staticmethod
    def _line(obj):
        try:
            text = json.dumps(obj, separators=(",", ":"), allow_nan=False, default=str)
        except ValueError:
            text = json.dumps(_finite(obj), separators=(",", ":"), default=str)
        return text + "\n"

    def _write(self, path, obj, mode, keep=False):
        """Write ``obj`` as a line; True, or the open file with ``keep``
        (its line flushed); False if it could not be written."""
        text = self._line(obj)
        folder = os.path.dirname(path)
        try:
            try:
                if folder != self._made:
                    os.makedirs(folder, exist_ok=True)
                f = open(path, mode, encoding="utf-8")
            except FileNotFoundError:
                # The folder went since it was last made here.
                os.makedirs(folder, exist_ok=True)
                f = open(path, mode, encoding="utf-8")
            self._made = folder
            try:
                f.write(text)
                f.flush()
            except BaseException:
                f.close()
                raise
            if keep:
                return f
            f.close()
            return True
        except OSError as exc:
            self.reason = f"The journal could not be written: {exc}"
            return False


def _finite(obj):
    """``obj`` with non-finite floats as strings (the page's number encoding)."""
    if isinstance(obj, float):
        if obj != obj:
            return "NaN"
        if obj in (float("inf"), float("-inf")):
            return "Infinity" if obj > 0 else "-Infinity"
        return obj
    if isinstance(obj, dict):
        return {k: _finite(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_finite(v) for v in obj]
    return obj


def _root_from(parts, session_name, cwd):
    """The server root on disk, or None: the notebook's path on disk (or its
    folder, the kernel's starting directory) with the server path's parts
    taken off its end."""
    if isinstance(session_name, str) and os.path.isabs(session_name):
        on_disk = os.path.normpath(session_name).split(os.sep)
        if len(on_disk) > len(parts) and on_disk[-len(parts):] == parts:
            return os.sep.join(on_disk[:-len(parts)]) or os.sep
        # Renamed since the kernel started: match the folders only.
        folder = on_disk[:-1]
        if len(parts) == 1:
            return os.sep.join(folder) or os.sep
        if len(folder) >= len(parts) - 1 and folder[-(len(parts) - 1):] == parts[:-1]:
            return os.sep.join(folder[:-(len(parts) - 1)]) or os.sep
    if isinstance(cwd, str) and os.path.isabs(cwd):
        folder = os.path.normpath(cwd).split(os.sep)
        dirs = parts[:-1]
        if not dirs:
            return os.sep.join(folder) or os.sep
        if len(folder) > len(dirs) and folder[-len(dirs):] == dirs:
            return os.sep.join(folder[:-len(dirs)]) or os.sep
    return None


JOURNAL = Journal()
