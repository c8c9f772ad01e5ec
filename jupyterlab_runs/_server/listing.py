"""A folder's listing as the Contents API gives it, made in a fraction of
the time.

``GET /api/contents/<folder>`` builds a full model per entry (a second
path check, hidden checks up the tree, a writability probe, a MIME guess):
about 0.35 ms an entry, so 3.4 s for a runs folder of 10,000 runs and over
two minutes for 100,000 (measured on this project's 2-core machine; see
docs/ARCHITECTURE.md, "Listing a runs folder"). The page needs only each
entry's name, type, size and time, and this module gives exactly those,
with the Contents API's rules and values:

- the same entries: ``should_list`` (the server's ``hide_globs``), hidden
  files only when ``allow_hidden``, only regular files, folders and links
  (a broken link too, as a file);
- the same ``last_modified`` and ``size`` (from ``lstat``, as its models
  have), so a time seen here equals the one a later ``GET`` or ``PUT`` of
  the Contents API answers: the page compares them as strings;
- the same refusal of a hidden folder (answered as absent).

The caller is authorized as for the Contents API (``handlers.py``); this
grants nothing the Contents API does not.
"""

import os
import stat
from datetime import datetime

from jupyter_server import _tz as tz
from jupyter_core.paths import is_file_hidden, is_hidden

from .links import api_segments


def _time(seconds):
    try:
        return tz.utcfromtimestamp(seconds)
    except (ValueError, OverflowError, OSError):
        # As the Contents API does for a file with an invalid time.
        return tz.utcfromtimestamp(0)


#: At most this many names answer ``since``; more is answered "too many".
CHANGED_LIMIT = 200

#: The runs folder's trash (``src/storage/trash.ts``): the one folder that
#: ``since`` names, as ``trash/``.
TRASH_FOLDER = "trash"


def list_folder(contents_manager, api_path, content=True, since=None):
    """The folder's directory model (``content`` holding its entries'
    ``name``, ``path``, ``type``, ``size``, ``last_modified``), or None when
    it does not exist or is not served (hidden). Without ``content``, the
    model alone (``content`` None), as ``GET ...?content=0`` gives it: the
    page's check of a folder's time, answered without a 404 when the folder
    is gone. With ``since`` (a time as the models give it), that model also
    has ``changed``: ``changed_since``."""
    segments = api_segments(api_path)
    root = os.path.abspath(contents_manager.root_dir)
    os_path = os.path.join(root, *segments)
    allow_hidden = contents_manager.allow_hidden
    try:
        return _folder_model(
            contents_manager, os_path, root, segments, content, allow_hidden, since)
    except (FileNotFoundError, NotADirectoryError):
        # Deleted (or replaced by a file) while it was being read: a folder
        # deleted by hand under a watching page. Absent, as after.
        return None


def _folder_model(contents_manager, os_path, root, segments, content, allow_hidden, since):
    if not os.path.isdir(os_path) or (not allow_hidden and is_hidden(os_path, root)):
        return None
    info = os.lstat(os_path)
    path = "/".join(segments)
    model = {
        "name": segments[-1],
        "path": path,
        "type": "directory",
        "format": None if not content else "json",
        "size": None,
        "last_modified": _time(info.st_mtime),
        "content": None,
    }
    if not content:
        if since is not None:
            model["changed"] = changed_since(os_path, since)
        return model
    model["content"] = entries_of(contents_manager, os_path, path, allow_hidden)
    return model


def entries_of(contents_manager, os_path, path, allow_hidden):
    """The entries of a folder that the Contents API would list."""
    content = []
    with os.scandir(os_path) as entries:
        for entry in entries:
            name = entry.name
            try:
                st = entry.stat(follow_symlinks=False)
            except OSError:
                continue
            mode = st.st_mode
            if not (stat.S_ISLNK(mode) or stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
                continue
            if not contents_manager.should_list(name):
                continue
            try:
                if not allow_hidden and is_file_hidden(entry.path, stat_res=st):
                    continue
                directory = entry.is_dir(follow_symlinks=True)
            except OSError:
                continue
            content.append({
                "name": name,
                "path": f"{path}/{name}",
                "type": "directory" if directory else (
                    "notebook" if name.endswith(".ipynb") else "file"),
                "size": None if directory else st.st_size,
                "last_modified": _time(st.st_mtime),
            })
    return content


def changed_since(os_path, since):
    """The folder's files changed at or after ``since``, a time as the
    models give it, each as ``{"name", "last_modified"}`` (its time as a
    model gives it: the page compares it with the time its own write of the
    file answered); None when ``since`` is not a time or more than
    ``CHANGED_LIMIT`` changed.

    The page reads its runs folder's time before a write of its own and
    after it (``src/storage/ownWrites.ts``). When only the time moved, it
    cannot tell another writer's file landing meanwhile from its own: that
    file was never listed. Every file counts here, hidden ones and the
    server's ``.~`` copies of a rewrite in progress too: a file the page did
    not write, or not at that time, is a change it must list. A file
    written, created, or renamed into the folder (a run restored from the
    trash keeps its old modification time) has an inode change time at or
    after it: the later of the two times is compared. Folders are not named: what changes in
    one (the kernel's journal, a file per execution; a run's artifacts)
    changes no entry the page lists, and a new one comes with its run's
    file. Except the trash (``trash/``, with its slash): a run deleted by
    another page moved there, and its time moved with it. Any other removal
    leaves no entry to name (``ownWrites.ts`` says what that leaves
    unseen)."""
    try:
        at = datetime.fromisoformat(since)
    except (TypeError, ValueError):
        return None
    if at.tzinfo is None:
        return None
    # Compared as seconds, a microsecond early: what the time's string
    # rounded may only add a name. The cost is one ``lstat`` per entry:
    # 10,000 entries in about 30 ms on this project's 2-core machine, and
    # 100,000 in about 0.5 s (the names alone: 4 ms for 10,000), in the
    # server's executor, once per saved run, after its files are written.
    threshold = at.timestamp() - 1e-6
    changed = []
    with os.scandir(os_path) as entries:
        for entry in entries:
            try:
                info = entry.stat(follow_symlinks=False)
            except OSError:
                continue  # removed meanwhile
            name = entry.name
            if stat.S_ISDIR(info.st_mode):
                if name != TRASH_FOLDER:
                    continue
                name += "/"
            if max(info.st_mtime, info.st_ctime) >= threshold:
                if len(changed) == CHANGED_LIMIT:
                    return None
                changed.append({"name": name, "last_modified": _time(info.st_mtime)})
    return changed
