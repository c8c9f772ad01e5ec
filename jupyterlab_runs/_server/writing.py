"""A saved run's files written in one request, with the folder's time read
around them, and without the Contents API's event per file.

A run is two files (its series, then its run file), and each ``PUT
/api/contents/<path>`` makes the server emit two events on
``/api/events/subscribe`` (``save``, and ``get`` for the model it answers
with) to every page of every user connected: four messages per saved run
that each page parses and dispatches on its main thread, though nothing in
JupyterLab or in this extension reads them (the extension follows only
``rename`` events). Measured with ``benchmarks/execution-cost.sh`` (traced):
the events' tasks cost the page 2.9 ms per tagged execution against 0.6
untagged. Here the files are written as the Contents API writes them (its
path check, its hidden-file rule, its pre- and post-save hooks, its atomic
write), and nothing is emitted.

The page's writer worker asks this first and falls back to its ``PUT``s
when the server does not have it (an older server extension: 404) or cannot
(files not on this machine's disk, a folder that is missing: answered
``"written": false``).
"""

import inspect
import os
import re
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
        # The Contents API's own write (atomic when it is configured so):
        # awaited from an async contents manager, in the executor from a
        # synchronous one.
        if inspect.iscoroutinefunction(contents_manager._save_file):
            await contents_manager._save_file(os_path, model["content"], "text")
        else:
            await IOLoop.current().run_in_executor(
                None, contents_manager._save_file, os_path, model["content"], "text")
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

