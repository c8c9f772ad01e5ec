"""A saved run's files written in one request: each replaced whole, the
folder's time read around them, and none of the Contents API's events.

A run is two files (its series, then its run file), and each ``PUT
/api/contents/<path>`` makes the server emit two events on
``/api/events/subscribe`` (``save``, and ``get`` for the model it answers
with) to every page of every user connected: four messages per saved run
that each page parses and dispatches on its main thread, though nothing in
JupyterLab or in this extension reads them (the extension follows only
``rename`` events). Measured with ``benchmarks/execution-cost.sh`` (traced):
the events' tasks cost the page 2.9 ms per tagged execution against 0.6
untagged. Here the files are written with the Contents API's rules (its path
check, its hidden-file rule, its pre- and post-save hooks), each replaced
whole (``replace_file``), and nothing is emitted.

The page's writer worker asks this first and falls back to its ``PUT``s
when the server does not have it (an older server extension: 404) or cannot
(files not on this machine's disk, a folder that is missing: answered
``"written": false``).
"""

import contextlib
import os
import re
import stat
import tempfile
import time

from jupyter_core.paths import is_hidden
from tornado.ioloop import IOLoop

from .links import PathRefused, api_segments
from .listing import _time, changed_since

#: A run's file names (``<id>.json``, ``<id>.series.json``): letters, digits,
#: dots, dashes and underscores, not starting with a dot.
NAME = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9._-]{0,254}\Z")

#: At most this many files per request (a run writes two).
MAX_FILES = 8


#: The process's umask, read once (reading it sets it: not from threads).
_UMASK = os.umask(0o022)
os.umask(_UMASK)


def replace_file(os_path, content):
    """Write ``content`` (text) to ``os_path`` as a whole: into a temporary
    file beside it, flushed to disk, then renamed over it. A reader sees the
    old file or the new one, never a part: the Contents API's "atomic"
    writing copies the old file aside and rewrites the path in place, so a
    page (or a test) reading a run file while its ``running`` version is
    replaced by its final one could read it empty (seen in the fault drill
    "a kernel shut down mid-run": ``Unexpected end of JSON input``). An
    existing file keeps its mode; a new one gets the mode a ``PUT`` gives
    (0666 less the umask). A link at the path is replaced, not followed."""
    folder, name = os.path.split(os_path)
    fd, temporary = tempfile.mkstemp(prefix=f".~{name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content.encode("utf-8"))
            handle.flush()
            os.fsync(handle.fileno())
        mode = 0o666 & ~_UMASK
        with contextlib.suppress(FileNotFoundError):
            info = os.lstat(os_path)
            if not stat.S_ISLNK(info.st_mode):
                mode = stat.S_IMODE(info.st_mode)
        os.chmod(temporary, mode)
        os.replace(temporary, os_path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def _refuse_names(files):
    if not isinstance(files, list) or not files or len(files) > MAX_FILES:
        raise PathRefused(f"files must be a list of 1 to {MAX_FILES}")
    for item in files:
        if not isinstance(item, dict):
            raise PathRefused("a file is not an object")
        name, content = item.get("name"), item.get("content")
        if not isinstance(name, str) or not NAME.match(name):
            raise PathRefused(f"the file name {name!r} is not a run file's")
        if not isinstance(content, str):
            raise PathRefused(f"the content of {name!r} is not text")


async def write_files(contents_manager, api_folder, files):
    """Write ``files`` (``[{"name", "content"}]``, text) in order into the
    folder ``api_folder``; answer what the page's writer worker answers for
    a batch of ``PUT``s (``src/storage/writerWorker.ts``, ``IBatchAnswer``):
    the folder's time before the first write and after the last, the files
    changed since the first (``listing.changed_since``), ``latest`` (the
    latest file time plus the time its write took, epoch ms) and the model
    of each file, as a ``PUT`` answers it (``content`` None).

    ``{"written": False, "reason"}`` when the folder is missing or not
    served (hidden): the page then writes file by file, making the folder.
    Raises ``PathRefused`` for a path or a name it must not write, and
    ``OSError`` (or the hooks' errors) when a write fails: the files before
    it are written, those after it are not, as with the ``PUT``s."""
    segments = api_segments(api_folder)
    _refuse_names(files)
    root = os.path.abspath(contents_manager.root_dir)
    folder = "/".join(segments)
    os_folder = contents_manager._get_os_path(folder)
    if not os.path.isdir(os_folder):
        return {"written": False, "reason": "the folder is missing"}
    if not contents_manager.allow_hidden and is_hidden(os_folder, root):
        return {"written": False, "reason": "the folder is hidden"}
    before = _time(os.lstat(os_folder).st_mtime)
    models = []
    latest = float("-inf")
    for item in files:
        path = f"{folder}/{item['name']}"
        os_path = os.path.join(os_folder, item["name"])
        if os.path.isdir(os_path):
            raise PathRefused(f"{path!r} is a folder")
        model = {"type": "file", "format": "text", "content": item["content"]}
        started = time.time()
        contents_manager.run_pre_save_hooks(model=model, path=path)
        await IOLoop.current().run_in_executor(None, replace_file, os_path, model["content"])
        info = os.lstat(os_path)
        saved = {
            "name": item["name"],
            "path": path,
            "type": "file",
            "format": None,
            "mimetype": None,
            "content": None,
            "writable": True,
            "size": info.st_size,
            "created": _time(info.st_ctime),
            "last_modified": _time(info.st_mtime),
        }
        contents_manager.run_post_save_hooks(model=saved, os_path=os_path)
        # The folder's time may follow the file's by as long as the write
        # took (the rename of an atomic write), and by no more.
        latest = max(latest, info.st_mtime * 1000 + (time.time() - started) * 1000)
        models.append(saved)
    after = _time(os.lstat(os_folder).st_mtime)
    # One ``lstat`` per entry (``changed_since``): not on the event loop.
    changed = await IOLoop.current().run_in_executor(
        None, changed_since, os_folder, before.isoformat())
    return {
        "written": True,
        "before": before,
        "after": after,
        "changed": changed,
        "latest": latest,
        "models": models,
    }

