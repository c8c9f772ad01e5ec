"""sha256 of files and folders, computed in the kernel and cached.

Hashing happens kernel-side because that is where the data is (the frontend
may be on another machine), in 1 MiB chunks so a 50 GB file never sits in
memory. Re-running a cell should not re-read unchanged data, so digests are
cached in-process by ``(realpath, size, mtime_ns)``: a file rewritten in place
changes its mtime and misses the cache.
"""

import hashlib
import os
import threading
from collections import OrderedDict
from datetime import datetime, timezone

CHUNK_BYTES = 1 << 20
CACHE_MAX = 4096

_cache = OrderedDict()
_lock = threading.Lock()


def _digest(path):
    """Read ``path`` once, chunk by chunk. The only function that reads data."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while True:
            chunk = f.read(CHUNK_BYTES)
            if not chunk:
                return h.hexdigest()
            h.update(chunk)


def sha256_file(path, stat=None):
    """Hex sha256 of a file, from the cache when size and mtime are unchanged."""
    real = os.path.realpath(os.fspath(path))
    st = stat or os.stat(real)
    key = (real, st.st_size, st.st_mtime_ns)
    with _lock:
        digest = _cache.get(key)
        if digest is not None:
            _cache.move_to_end(key)
            return digest
    digest = _digest(real)
    after = os.stat(real)
    if (after.st_size, after.st_mtime_ns) == key[1:]:  # not modified while we read it
        with _lock:
            _cache[key] = digest
            while len(_cache) > CACHE_MAX:
                _cache.popitem(last=False)
    return digest


def clear_cache():
    with _lock:
        _cache.clear()


def iso_utc(ns):
    """An mtime in nanoseconds as RFC 3339 UTC, the way the run files store dates."""
    dt = datetime.fromtimestamp(ns / 1e9, tz=timezone.utc)
    return dt.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def file_record(path, max_bytes=None, digest=True):
    """Path, size, mtime and sha256 of one file.

    Files larger than ``max_bytes`` are described without reading them:
    ``sha256`` is None and ``skipped`` says why. ``digest=False`` leaves the
    hashing to a caller that reads the content anyway.
    """
    given = os.fspath(path)
    real = os.path.realpath(given)
    st = os.stat(real)
    record = {
        "path": given,
        "realpath": real,
        "size": st.st_size,
        "mtime": iso_utc(st.st_mtime_ns),
        "sha256": None,
    }
    if max_bytes is not None and st.st_size > max_bytes:
        record["skipped"] = True
        record["reason"] = f"file is {st.st_size} bytes, larger than the {max_bytes} byte limit"
    elif digest:
        record["sha256"] = sha256_file(real, st)
    return record


def tree_record(path):
    """A folder as one version: sha256 over a sorted manifest of its files.

    The manifest has one ``relative/path<TAB>size<TAB>sha256`` line per file
    (``/``-separated, symlinks not followed), so renaming, adding or changing
    any file changes the digest while the order of ``os.walk`` does not.
    """
    given = os.fspath(path)
    root = os.path.realpath(given)
    lines, total, newest, count = [], 0, 0, 0
    for folder, dirs, files in os.walk(root):
        dirs.sort()
        for name in sorted(files):
            full = os.path.join(folder, name)
            if os.path.islink(full) or not os.path.isfile(full):
                continue
            st = os.stat(full)
            rel = os.path.relpath(full, root).replace(os.sep, "/")
            lines.append(f"{rel}\t{st.st_size}\t{sha256_file(full, st)}\n")
            total += st.st_size
            newest = max(newest, st.st_mtime_ns)
            count += 1
    lines.sort()
    manifest = hashlib.sha256("".join(lines).encode("utf-8")).hexdigest()
    return {
        "path": given,
        "realpath": root,
        "size": total,
        "mtime": iso_utc(newest or os.stat(root).st_mtime_ns),
        "sha256": manifest,
        "files": count,
    }
