"""Reading a cell's source: its parameters and the files it names.

Runs inside a *silent* probe execution, so it only reads: the code is parsed
with ``ast`` (never executed) and the namespace is only looked up.
"""

import ast
import functools
import os
import sys

from ._encoding import encode_float, unwrap_scalar
from ._hashing import file_record

MAX_ITEMS = 32  # longest list/tuple/dict kept as a parameter
MAX_STR = 1000  # longest string kept as a parameter
MAX_LITERALS = 256  # string literals checked for being paths, per cell
_SKIP = object()


def python_source(code):
    """Cell source with IPython syntax (``%magic``, ``!cmd``) turned into Python.

    Only when IPython is already loaded: importing it from plain Python would
    cost more than the parse itself.
    """
    if "IPython" in sys.modules:
        try:
            from IPython.core.inputtransformer2 import TransformerManager

            return TransformerManager().transform_cell(code)
        except Exception:  # noqa: BLE001 - fall back to parsing the raw source
            pass
    return code


@functools.lru_cache(maxsize=64)
def parse(code):
    """The cell's AST, or None if it is not valid (IPython-flavoured) Python.

    Cached by source: a snapshot reads the tree twice (parameters, file
    names) and an experiment cell is usually run many times unchanged.
    Callers only read the tree.
    """
    try:
        return ast.parse(python_source(code))
    except (SyntaxError, ValueError):
        return None


def _target_names(target):
    if isinstance(target, ast.Name):
        yield target.id
    elif isinstance(target, (ast.Tuple, ast.List)):
        for element in target.elts:
            yield from _target_names(element)
    elif isinstance(target, ast.Starred):
        yield from _target_names(target.value)
    # attributes (cfg.lr = ...) and subscripts (d["k"] = ...) are not names


def assigned_names(tree):
    """Names bound by top-level assignments, in source order, no duplicates."""
    names = {}
    for stmt in tree.body:
        if isinstance(stmt, ast.Assign):
            targets = stmt.targets
        elif isinstance(stmt, ast.AnnAssign) and stmt.value is not None:
            targets = [stmt.target]
        elif isinstance(stmt, ast.AugAssign):
            targets = [stmt.target]
        else:
            continue
        for target in targets:
            for name in _target_names(target):
                names.setdefault(name, None)
    return list(names)


def _scalar(value):
    value = unwrap_scalar(value)
    kind = type(value)
    if value is None or kind is bool or kind is int:
        return value
    if kind is float:
        return encode_float(value)
    if kind is str and len(value) <= MAX_STR:
        return value
    return _SKIP


def simple_value(value):
    """The JSON form of a parameter-like value, or ``_SKIP``.

    Scalars, and lists/tuples/dicts (string keys) of at most MAX_ITEMS
    scalars. Anything bigger or richer (arrays, models, data frames) is not
    a hyper-parameter worth a column in the run table.
    """
    kind = type(value)
    if kind in (list, tuple):
        if len(value) > MAX_ITEMS:
            return _SKIP
        items = [_scalar(v) for v in value]
        return _SKIP if any(v is _SKIP for v in items) else items
    if kind is dict:
        if len(value) > MAX_ITEMS or not all(type(k) is str for k in value):
            return _SKIP
        items = {k: _scalar(v) for k, v in value.items()}
        return _SKIP if any(v is _SKIP for v in items.values()) else items
    return _scalar(value)


def collect_params(code, namespace):
    """``{name: current value}`` for the cell's top-level simple assignments.

    ``lr = 0.1``, ``a, b = 1, 2``, ``epochs: int = 10`` and ``n += 1`` count;
    values are read from ``namespace`` *after* the cell ran, so computed
    values (``lr = base * 2``) are captured. Private names (``_x``), names
    missing from the namespace and non-simple values are skipped.
    """
    tree = parse(code)
    if tree is None:
        return {}
    params = {}
    for name in assigned_names(tree):
        if name.startswith("_") or name not in namespace:
            continue
        value = simple_value(namespace[name])
        if value is not _SKIP:
            params[name] = value
    return params


def hash_literal_paths(code, max_bytes, cwd=None):
    """Records for the existing files named by string literals in ``code``.

    ``pd.read_csv("data/train.csv")`` names ``data/train.csv``: relative
    paths resolve against ``cwd`` (default: the kernel's working directory,
    as the code itself would). Files up to ``max_bytes`` get a sha256; larger
    ones are listed with ``sha256: None`` and ``skipped: True``. ``path`` is
    the literal as written, ``realpath`` the resolved file. Folders are ignored.
    """
    tree = parse(code)
    if tree is None:
        return []
    base = cwd or os.getcwd()
    literals = [n for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)]
    literals.sort(key=lambda n: (getattr(n, "lineno", 0), getattr(n, "col_offset", 0)))
    seen, records, checked = set(), [], 0
    for node in literals:
        text = node.value
        if not text or len(text) > 1024 or "\n" in text or "\0" in text:
            continue
        checked += 1
        if checked > MAX_LITERALS:
            break
        path = os.path.join(base, os.path.expanduser(text))
        try:
            if not os.path.isfile(path) or os.path.realpath(path) in seen:
                continue
            record = file_record(path, max_bytes=max_bytes)
        except (OSError, ValueError):
            continue
        seen.add(record["realpath"])
        record["path"] = text
        records.append(record)
    return records
