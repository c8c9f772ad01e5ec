"""Turning Python values into strict JSON.

Everything we publish goes through ``jupyter_client``'s packer, which calls
``json.dumps(..., allow_nan=False)``: a bare NaN would make it fall back to a
slow cleaning pass and print a deprecation warning, and the resulting
``NaN`` token is not JSON anyway. So non-finite floats are encoded here as
the strings ``"NaN"``, ``"Infinity"`` and ``"-Infinity"`` (the protobuf JSON
mapping; JavaScript's ``Number(s)`` turns them back into numbers).

Inputs may be numpy arrays or scalars; numpy is never imported, we only
duck-type ``tolist()`` / ``item()``.
"""

import hashlib
import json

NAN = "NaN"
POS_INF = "Infinity"
NEG_INF = "-Infinity"

_SCALARS = (str, int, float, bool, type(None))


def encode_float(v):
    """A float as a JSON value: itself if finite, else one of three strings."""
    if v - v == 0:  # false for NaN and +-inf, and cheaper than math.isfinite
        return v
    if v != v:
        return NAN
    return POS_INF if v > 0 else NEG_INF


def encode_floats(values):
    """Encode a list of floats, returning the same list when all are finite.

    The fast path matters: a flush may carry 100k points. ``sum`` runs in C
    and its result is finite only if every element is finite (or in the rare
    case of overflow, where we just take the slow path).
    """
    total = sum(values)
    if total - total == 0:
        return values
    return [v if v - v == 0 else encode_float(v) for v in values]


def decode_float(v):
    """Inverse of :func:`encode_float` (used by tests and by Python readers)."""
    if isinstance(v, str):
        return float({"NaN": "nan", "Infinity": "inf", "-Infinity": "-inf"}[v])
    return float(v)


def coerce_metric(name, value):
    """A metric value as a Python float, or TypeError for non-numbers.

    Strings are refused even though ``float("1.5")`` works: logging a string
    as a metric is almost always a bug, and ``"nan"`` would silently pass.
    """
    if isinstance(value, (str, bytes)):
        raise TypeError(f"metric {name!r}: value must be a number, got {type(value).__name__}")
    try:
        return float(value)
    except (TypeError, ValueError):
        raise TypeError(
            f"metric {name!r}: value must be a number (or a 1-element array), "
            f"got {type(value).__name__}"
        ) from None


def coerce_step(step):
    """A step as an int: ints, numpy integers and integral floats are accepted."""
    try:
        return int(step.__index__())
    except AttributeError:
        pass
    if isinstance(step, float) and step.is_integer():
        return int(step)
    raise TypeError(f"step must be an integer, got {step!r}")


def check_name(kind, name):
    """Names key dicts in the message and must be non-empty strings."""
    if not isinstance(name, str) or not name:
        raise TypeError(f"{kind} name must be a non-empty string, got {name!r}")
    if len(name) > 250:
        raise ValueError(f"{kind} name is longer than 250 characters: {name[:40]!r}...")


def unwrap_scalar(value):
    """numpy scalars (and 0-d arrays) as plain Python values; others unchanged."""
    if not isinstance(value, _SCALARS) and hasattr(value, "item") and hasattr(value, "dtype"):
        try:
            if getattr(value, "ndim", 0) == 0:
                return value.item()
        except Exception:  # noqa: BLE001 - a foreign object's item() may do anything
            return value
    return value


def json_scalar(value, max_str=6000):
    """A param-like value as JSON: scalars kept, anything else ``str()``-ed.

    MLflow stores params as strings; we keep numbers and booleans typed
    because the run table sorts and filters on them, and truncate long
    strings so one huge repr cannot bloat every message.
    """
    value = unwrap_scalar(value)
    if isinstance(value, float):
        return encode_float(value)
    if isinstance(value, bool) or value is None or isinstance(value, int):
        return value
    text = value if isinstance(value, str) else str(value)
    return text if len(text) <= max_str else text[: max_str - 3] + "..."


def to_list(values, what="values"):
    """A 1-D sequence (list, tuple, numpy array, pandas Series) as a list."""
    if hasattr(values, "tolist"):
        values = values.tolist()
    elif isinstance(values, (str, bytes)) or not hasattr(values, "__iter__"):
        raise TypeError(f"{what} must be a sequence, got {type(values).__name__}")
    else:
        values = [unwrap_scalar(v) for v in values]
    for v in values[:1]:
        if isinstance(v, (list, tuple)):
            raise ValueError(f"{what} must be one-dimensional")
    return list(values)


def label_json(label):
    """A class label as JSON: str/int/bool/finite float kept, else ``str()``."""
    label = unwrap_scalar(label)
    if isinstance(label, (str, bool, int)) or label is None:
        return label
    if isinstance(label, float):
        return encode_float(label)
    return str(label)


def canonical_json(obj):
    """Key-sorted, whitespace-free JSON: equal objects give equal bytes."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False)


def content_hash(obj):
    """sha256 (hex) of :func:`canonical_json`, for content-addressed storage."""
    return hashlib.sha256(canonical_json(obj).encode("utf-8")).hexdigest()
