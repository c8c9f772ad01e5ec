"""The kernel-side logging API: ``import jupyterlab_runs as runs``.

There is no ``init()``/``finish()``: the run is the cell execution. Calls made
while a cell tagged ``experiment`` runs are attached to that run by the
frontend; elsewhere they still show a compact output and are harmless.

Names and signatures follow MLflow's where they overlap (``log_metric``,
``log_metrics``, ``log_param``, ``log_params``, ``set_tag``, ``set_tags``,
``log_artifact``, ``log_figure``).

Error policy: wrong *types* (a string as a metric, an unknown curve kind) raise
at once, since they are bugs that show on the first iteration. A *missing
file* only warns and logs nothing, so a typo in a path at the end of a long
training job does not throw the job away.
"""

import base64
import hashlib
import mimetypes
import os
import warnings

from . import _config
from ._curves import confusion_matrix, pr_curve, roc_curve
from ._encoding import check_name, encode_floats, json_scalar
from ._figures import figure_png, png_size
from ._hashing import file_record, tree_record
from ._transport import RECORDER

MAX_PARAM_CHARS = 6000  # MLflow's limit for a param value
MAX_TAG_CHARS = 8000  # MLflow's limit for a tag value

_metric = RECORDER.metric


def log_metric(name, value, step=None):
    """Log one point of metric ``name``; ``step`` defaults to the metric's
    previous step + 1 in this cell execution (0 for its first point).

    ``value`` is anything ``float()`` accepts except strings (numpy scalars,
    one-element tensors). NaN and infinities are allowed.
    """
    _metric(name, value, step)


def log_metrics(metrics, step=None):
    """Log several metrics at once, all at ``step`` (or each at its own next step)."""
    for name, value in _items(metrics, "metrics"):
        _metric(name, value, step)


def log_param(name, value):
    """Record a hyper-parameter. Numbers, booleans and None keep their type;
    anything else is stored as ``str(value)``. The last value logged wins."""
    check_name("param", name)
    RECORDER.keyed("param", name, json_scalar(value, MAX_PARAM_CHARS))


def log_params(params):
    for name, value in _items(params, "params"):
        log_param(name, value)


def set_tag(name, value):
    """Attach a string tag to the run (non-strings are ``str()``-ed, as in MLflow)."""
    check_name("tag", name)
    text = value if isinstance(value, str) else str(value)
    RECORDER.keyed("tag", name, text[:MAX_TAG_CHARS])


def set_tags(tags):
    for name, value in _items(tags, "tags"):
        set_tag(name, value)


def log_artifact(path):
    """Record a file produced by the run: path, size, sha256 and, when it is
    at most ``max_artifact_bytes`` (see :func:`configure`), its content.

    Larger files are recorded with ``skipped: True`` and a reason, and a
    warning tells the user. Returns the record (without the content) or
    None if the file does not exist.
    """
    path = os.fspath(path)
    if not os.path.isfile(path):
        return _missing("log_artifact", path, "file")
    limit = _config.settings["max_artifact_bytes"]
    size = os.path.getsize(path)
    event = {"name": os.path.basename(path), "mime": _mime(path), "skipped": size > limit}
    data = None
    if event["skipped"]:
        record = file_record(path)
        event["reason"] = (f"{path} is {size} bytes, above the {limit}-byte artifact limit; "
                           "only its size and sha256 were recorded (raise the limit with "
                           "jupyterlab_runs.configure(max_artifact_bytes=...)).")
        warnings.warn("jupyterlab-runs: " + event["reason"], stacklevel=2)
    elif RECORDER.wants_payload():
        record = file_record(path, digest=False)  # we hash exactly the bytes we send
        with open(path, "rb") as f:
            content = f.read()
        record["size"] = len(content)
        record["sha256"] = hashlib.sha256(content).hexdigest()
        data = base64.b64encode(content).decode("ascii")
    else:
        record = file_record(path)
    event.update(record)
    result = dict(event)
    if data is not None:
        event["encoding"], event["data"] = "base64", data
    RECORDER.event("artifact", event, nbytes=len(data or ""))
    return result


def log_dataset(path, name=None):
    """Record the version of a data file or folder: path, size, mtime, sha256.

    Hashing happens here, in chunks, and is cached while the file's size and
    mtime do not change. A folder's sha256 covers the sorted list of its
    files with their sizes and digests. Returns the record, or None if the
    path does not exist.
    """
    path = os.fspath(path)
    if os.path.isdir(path):
        record = tree_record(path)
    elif os.path.isfile(path):
        record = file_record(path)
    else:
        return _missing("log_dataset", path, "file or folder")
    record = dict({"name": name or os.path.basename(os.path.normpath(path))}, **record)
    RECORDER.event("dataset", dict(record))
    return record


def log_confusion_matrix(y_true, y_pred, labels=None, *, name=None):
    """Count (true, predicted) label pairs; rows are true labels, columns
    predictions, as in scikit-learn. Returns ``{labels, matrix, samples}``."""
    result = confusion_matrix(y_true, y_pred, labels)
    RECORDER.event("confusion_matrix", dict({"name": name or "confusion_matrix"}, **result))
    return result


def log_curve(kind, y_true, y_score, *, name=None, pos_label=None):
    """Log a ``"roc"`` curve (fpr, tpr, thresholds, auc) or a ``"pr"`` curve
    (precision, recall, thresholds, average_precision) of binary labels
    ``y_true`` (0/1, -1/1, booleans, or any two labels with ``pos_label``)
    against scores ``y_score``. Returns the computed curve."""
    if kind == "roc":
        result = roc_curve(y_true, y_score, pos_label)
    elif kind == "pr":
        result = pr_curve(y_true, y_score, pos_label)
    else:
        raise ValueError(f"log_curve kind must be 'roc' or 'pr', got {kind!r}")
    event = dict({"curve": kind, "name": name or kind}, **result)
    event["thresholds"] = encode_floats(list(result["thresholds"]))  # starts with +inf
    RECORDER.event("curve", event)
    return result


def log_figure(fig, *, name=None):
    """Log a matplotlib figure (or Axes, PNG bytes, or anything with
    ``savefig``/``_repr_png_``) as a base64 PNG. Returns the record without
    the image data."""
    png = figure_png(fig)
    limit = _config.settings["max_artifact_bytes"]
    width, height = png_size(png)
    event = {"name": name or "figure", "mime": "image/png", "width": width, "height": height,
             "size": len(png), "sha256": hashlib.sha256(png).hexdigest(),
             "skipped": len(png) > limit}
    if event["skipped"]:
        event["reason"] = f"the PNG is {len(png)} bytes, above the {limit}-byte artifact limit"
        warnings.warn("jupyterlab-runs: " + event["reason"], stacklevel=2)
    result = dict(event)
    data = "" if event["skipped"] else base64.b64encode(png).decode("ascii")
    if data:
        event["encoding"], event["data"] = "base64", data
    RECORDER.event("figure", event, nbytes=len(data))
    return result


def flush():
    """Send buffered points now instead of waiting for the interval or the
    end of the cell. Rarely needed."""
    RECORDER.flush()


def configure(**settings):
    """Change settings for later calls; returns all settings in effect.

    ``max_artifact_bytes`` (10 MB), ``flush_interval_ms`` (200),
    ``max_buffer_points`` (50000), ``max_buffer_bytes`` (4 MB),
    ``summary_max_items`` (100), ``mode`` ("auto", "live", "summary", "off").
    Interval, buffer and mode changes apply from the next cell execution.
    """
    return _config.configure(**settings)


def _items(mapping, what):
    if not hasattr(mapping, "items"):
        raise TypeError(f"{what} must be a dict, got {type(mapping).__name__}")
    return list(mapping.items())


def _mime(path):
    return mimetypes.guess_type(path)[0] or "application/octet-stream"


def _missing(func, path, what):
    warnings.warn(f"jupyterlab-runs: {func}() found no {what} at {path!r}; nothing logged.",
                  stacklevel=3)
    return None
