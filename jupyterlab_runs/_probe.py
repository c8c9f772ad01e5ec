"""What the frontend asks the kernel by *silent* execution.

The frontend runs an empty cell with ``silent: true, store_history: false``
and one ``user_expressions`` entry, e.g.::

    __import__('jupyterlab_runs._probe', fromlist=['_']).snapshot_json(
        "<cell code>", "<cwd or None>", "<options as JSON text>")

(string arguments written with ``JSON.stringify``, whose escapes Python
string literals understand). Nothing is printed and no user variable,
``In``/``Out`` or history entry is created: these functions only read, and
return JSON text. The reply's ``data['text/plain']`` *is* that JSON text,
because the returned string's ``repr`` is itself (see :class:`JSONText`),
so the frontend does ``JSON.parse(reply.user_expressions.x.data['text/plain'])``.
No function here raises: failures are reported inside the JSON.
"""

import json
import os
import time

from ._encoding import content_hash
from ._git import DEFAULT_MAX_DIFF_BYTES, git_state, redact_url
from ._params import collect_params, hash_literal_paths, hash_slice_paths, literal_params
from ._sysinfo import machine, system_metrics

__all__ = ["environment", "environment_hash", "collect_params", "literal_params",
           "hash_literal_paths", "hash_slice_paths",
           "snapshot", "snapshot_json", "environment_json", "system_metrics", "system_metrics_json",
           "redact_url", "JSONText"]

SNAPSHOT_VERSION = 1
DEFAULT_OPTIONS = {
    "environment": True,  # python/platform/cpu/memory/gpus/packages + cwd + git
    "packages": True,
    "gpus": True,
    "git": True,
    "max_diff_bytes": DEFAULT_MAX_DIFF_BYTES,
    "params": True,
    "datasets": True,  # hash files named by string literals in the code
    "max_dataset_bytes": 64 * 1024 * 1024,
    "system": False,  # include one system_metrics() sample
}


class JSONText(str):
    """A str whose repr is itself, so IPython's text/plain of it is raw JSON."""

    __slots__ = ()

    def __repr__(self):
        return str(self)

    def _repr_pretty_(self, p, cycle):
        p.text(str(self))


def environment_hash(env):
    """sha256 of the canonical JSON of the machine part of ``env``.

    ``cwd``, ``git`` and ``hash`` itself are left out: they change from run
    to run, while the rest is shared by every run on the same setup, so the
    frontend can store it once under this name.
    """
    return content_hash({k: v for k, v in env.items() if k not in ("cwd", "git", "hash")})


def environment(cwd=None, packages=True, gpus=True, git=True,
                max_diff_bytes=DEFAULT_MAX_DIFF_BYTES):
    """Python, platform, CPU, memory, GPUs, packages, working directory and
    git state of ``cwd`` (default: the kernel's working directory), plus
    ``hash`` (see :func:`environment_hash`). Never environment variables."""
    env = machine(include_packages=packages, include_gpus=gpus)
    env["hash"] = environment_hash(env)
    env["cwd"] = os.getcwd()
    env["git"] = git_state(cwd or os.getcwd(), max_diff_bytes) if git else None
    return env


def _options(options):
    if isinstance(options, str):
        options = json.loads(options) if options.strip() else {}
    merged = dict(DEFAULT_OPTIONS)
    merged.update(options or {})
    return merged


def snapshot(code="", cwd=None, options=None, namespace=None):
    """Everything the frontend records about a run at its end, as a dict.

    Keys: ``v``, ``time_ms``, ``environment`` (or None), ``params``,
    ``datasets``, ``system`` (or None) and ``errors`` (a list of
    ``{"part", "error"}`` for parts that failed; the others are still there).
    ``cwd`` is where relative paths in the code resolve and whose git state
    is read; None (the usual) means the kernel's working directory, which is
    what the code itself used. ``params`` are the literal assignments of
    ``code`` (:func:`literal_params`), read from the source, so a failed
    cell reports its own values, never an earlier run's; ``namespace`` is
    accepted for older callers and no longer read.
    """
    result = {"v": SNAPSHOT_VERSION, "time_ms": int(time.time() * 1000), "environment": None,
              "params": {}, "datasets": [], "system": None, "errors": []}
    errors = result["errors"]
    try:
        opts = _options(options)
    except (ValueError, TypeError) as exc:
        errors.append({"part": "options", "error": repr(exc)})
        opts = dict(DEFAULT_OPTIONS)
    code = code or ""
    parts = {
        "environment": lambda: environment(cwd, opts["packages"], opts["gpus"], opts["git"],
                                           int(opts["max_diff_bytes"])),
        "params": lambda: literal_params(code),
        "datasets": lambda: hash_literal_paths(code, int(opts["max_dataset_bytes"]), cwd),
        "system": system_metrics,
    }
    for part, compute in parts.items():
        if not opts.get(part):
            continue
        try:
            result[part] = compute()
        except Exception as exc:  # noqa: BLE001 - one failing part must not lose the rest
            errors.append({"part": part, "error": repr(exc)})
    return result


def _dumps(obj):
    return JSONText(json.dumps(obj, separators=(",", ":"), allow_nan=False, default=str))


def snapshot_json(code="", cwd=None, options=None):
    """:func:`snapshot` as JSON text (a :class:`JSONText`); never raises."""
    try:
        return _dumps(snapshot(code, cwd, options))
    except Exception as exc:  # noqa: BLE001 - e.g. a value json cannot encode
        return _dumps({"v": SNAPSHOT_VERSION, "errors": [{"part": "snapshot",
                                                          "error": repr(exc)}]})


def environment_json(cwd=None):
    try:
        return _dumps(environment(cwd))
    except Exception as exc:  # noqa: BLE001
        return _dumps({"errors": [{"part": "environment", "error": repr(exc)}]})


def system_metrics_json():
    """:func:`system_metrics` as JSON text, for periodic silent sampling."""
    try:
        return _dumps(system_metrics())
    except Exception as exc:  # noqa: BLE001
        return _dumps({"errors": [{"part": "system", "error": repr(exc)}]})
