"""Files a run wrote: recorded as its outputs, never as its input data.

A cell that does ``np.save("weights.npy", w)`` or ``df.to_csv(out_path)``
names that file in its code, so reading the code alone would list it as
input data. Instead the kernel looks at the file system around the run,
cheaply and with bounds:

* **before** the experiment cell runs (``pre_run_cell``): the clock
  (``time.time_ns()``) and one ``os.scandir`` of the working directory —
  ``(mtime_ns, size)`` of each of its direct files, at most
  :data:`MAX_LISTED` of them;
* **after** it (``post_run_cell``): the working directory's direct files
  again, plus the *candidates* — every path the run's code and its slice
  name (literals and variables holding literal paths, the same strings
  :func:`jupyterlab_runs._params.hash_slice_paths` follows) and the direct
  files of folders they name.

A file is an **output** when it is new or its ``(mtime_ns, size)`` changed
in the working directory listing, or, for a candidate outside that listing,
when it was modified at or after the run started. Outputs get a sha256
(files up to the dataset size cap, at most :data:`MAX_HASH_BYTES` hashed in
all per run), size and mtime; at most :data:`MAX_OUTPUTS` are kept.

What it does not see (said in docs/ARCHITECTURE.md): files written deeper
than the working directory under names the code does not spell (a path
computed at run time), and files another process writes in the working
directory while the run executes are taken as the run's. Hidden files,
notebooks (JupyterLab autosaves the notebook during a run) and runs folders
are never outputs.
"""

import os
import time

from ._hashing import file_record

MAX_LISTED = 2000  # direct entries of the working directory looked at
MAX_CANDIDATES = 1000  # named paths (and entries of named folders) stat'ed
MAX_OUTPUTS = 64  # output records kept per run
MAX_HASH_BYTES = 256 * 1024 * 1024  # bytes hashed for outputs per run


class Watch:
    """The state of the working directory when a run started."""

    __slots__ = ("cwd", "started_ns", "before", "complete")

    def __init__(self, cwd, started_ns, before, complete):
        self.cwd = cwd
        self.started_ns = started_ns
        self.before = before
        self.complete = complete


def _ignored(name):
    return name.startswith(".") or name.endswith((".ipynb", ".runs"))


def _listing(cwd):
    """``{name: (mtime_ns, size)}`` of the direct files of ``cwd``, and
    whether the listing is complete (False past :data:`MAX_LISTED`)."""
    files = {}
    try:
        with os.scandir(cwd) as entries:
            for count, entry in enumerate(entries):
                if count >= MAX_LISTED:
                    return files, False
                if _ignored(entry.name):
                    continue
                try:
                    if not entry.is_file():
                        continue
                    st = entry.stat()
                except OSError:
                    continue
                files[entry.name] = (st.st_mtime_ns, st.st_size)
    except OSError:
        return files, False
    return files, True


def start(cwd=None):
    """Look at the working directory before a run (see the module docs)."""
    cwd = cwd or os.getcwd()
    started = time.time_ns()
    before, complete = _listing(cwd)
    return Watch(cwd, started, before, complete)


def _candidate_files(cwd, texts):
    """Real paths of existing files the strings name, folders expanded to
    their direct files, at most :data:`MAX_CANDIDATES` stat'ed."""
    found, budget = {}, MAX_CANDIDATES
    for text in texts:
        if budget <= 0:
            break
        path = os.path.join(cwd, os.path.expanduser(text))
        budget -= 1
        try:
            if os.path.isfile(path):
                found.setdefault(os.path.realpath(path), text)
            elif os.path.isdir(path) and os.path.realpath(path) != os.path.realpath(cwd):
                with os.scandir(path) as entries:
                    for entry in entries:
                        budget -= 1
                        if budget <= 0:
                            break
                        if not _ignored(entry.name) and entry.is_file():
                            found.setdefault(os.path.realpath(entry.path),
                                             os.path.join(text, entry.name))
        except (OSError, ValueError):
            continue
    return found


def detect(watch, texts=(), max_bytes=None):
    """Output records of the run ``watch`` started, and notes on what was
    left out. ``texts``: the paths the run's code and slice name."""
    if watch is None:
        return [], []
    cwd = watch.cwd
    real_cwd = os.path.realpath(cwd)
    after, _complete = _listing(cwd)
    changed = {}  # realpath -> path as shown
    for name, stamp in after.items():
        previous = watch.before.get(name)
        if previous is None and not watch.complete and stamp[0] < watch.started_ns:
            continue  # not listed before because the listing was cut: old
        if previous != stamp:
            changed.setdefault(os.path.realpath(os.path.join(cwd, name)), name)
    for real, text in _candidate_files(cwd, texts).items():
        if os.path.dirname(real) == real_cwd:
            # the working directory's own files were compared above
            if real in changed:
                changed[real] = text  # as the code spells it
            continue
        try:
            if os.stat(real).st_mtime_ns >= watch.started_ns:
                changed[real] = text
        except OSError:
            continue
    records, notes, hashed = [], [], 0
    for real, text in sorted(changed.items(), key=lambda kv: kv[1]):
        if len(records) >= MAX_OUTPUTS:
            notes.append(f"{len(changed) - MAX_OUTPUTS} more files written by the run were "
                         f"not recorded (at most {MAX_OUTPUTS}).")
            break
        try:
            size = os.stat(real).st_size
            cap = max_bytes if max_bytes is not None else size
            budget = MAX_HASH_BYTES - hashed
            record = file_record(real, max_bytes=min(cap, budget), digest=True)
        except OSError:
            continue
        if record.get("skipped") and size <= cap:
            record["reason"] = (f"not hashed: the run's outputs are hashed up to "
                                f"{MAX_HASH_BYTES} bytes in all")
        if record["sha256"] is not None:
            hashed += size
        record["path"] = text
        if os.path.dirname(real) == real_cwd and watch.complete:
            record["created"] = os.path.basename(real) not in watch.before
        records.append(record)
    return records, notes
