"""Reading a cell's source: its parameters and the files it names.

Runs inside a *silent* probe execution, so it only reads: the code is parsed
with ``ast`` (never executed). Parameters come from the source alone (see
:func:`literal_params`), never from the namespace.
"""

import ast
import functools
import os
import sys

from ._encoding import encode_float
from ._hashing import file_record

MAX_ITEMS = 32  # longest list/tuple/dict kept as a parameter
MAX_STR = 1000  # longest string kept as a parameter
MAX_DEPTH = 3  # deepest nesting of lists/tuples/dicts kept as a parameter
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


def _literal(node, depth=0, budget=None):
    """The JSON form of a literal expression node, or ``_SKIP``.

    Literal: a number, string, bool or None constant, ``-``/``+`` on a
    number, and tuples/lists/dicts (string-constant keys) of literals, nested
    at most MAX_DEPTH deep and holding at most MAX_ITEMS scalars in total (so
    a 32x32 grid is not a "parameter" but ``[[1, 2], [3]]`` is). Anything
    else — a call, a name, an operator, an f-string — is a computed value
    that the source alone does not give, so it is not a parameter.
    """
    if budget is None:
        budget = [MAX_ITEMS]
    if isinstance(node, ast.Constant):
        return _constant(node.value, budget)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)) \
            and isinstance(node.operand, ast.Constant):
        value = node.operand.value
        if type(value) not in (int, float):  # not bools (-True), strings, complex
            return _SKIP
        return _constant(-value if isinstance(node.op, ast.USub) else value, budget)
    if depth >= MAX_DEPTH:
        return _SKIP
    if isinstance(node, (ast.Tuple, ast.List)):
        if len(node.elts) > MAX_ITEMS:
            return _SKIP
        items = [_literal(element, depth + 1, budget) for element in node.elts]
        return _SKIP if any(v is _SKIP for v in items) else items
    if isinstance(node, ast.Dict):
        if len(node.keys) > MAX_ITEMS:
            return _SKIP
        items = {}
        for key, value in zip(node.keys, node.values):
            # `**other` has key None; non-string keys do not fit a JSON object
            if not (isinstance(key, ast.Constant) and type(key.value) is str):
                return _SKIP
            item = _literal(value, depth + 1, budget)
            if item is _SKIP:
                return _SKIP
            items[key.value] = item
        return items
    return _SKIP


def _constant(value, budget):
    budget[0] -= 1
    if budget[0] < 0:
        return _SKIP
    kind = type(value)
    if value is None or kind is bool or kind is int:
        return value
    if kind is float:
        return encode_float(value)  # 1e999 is a literal too
    if kind is str and len(value) <= MAX_STR:
        return value
    return _SKIP  # bytes, complex, Ellipsis, long strings


def _bind(target, value, out):
    """Pair assignment targets with literal values, appending (name, value).

    ``a, (b, *c) = 1, (2, 3, 4)`` binds a=1, b=2, c=[3, 4]. A target whose
    value is not a literal (or does not match its shape) is bound to
    ``_SKIP``: the name was assigned, but not to a value the code spells out.
    Attribute and subscript targets bind no name.
    """
    if isinstance(target, ast.Name):
        out.append((target.id, _SKIP if value is _SKIP else _literal(value)))
    elif isinstance(target, ast.Starred):
        _bind(target.value, value, out)
    elif isinstance(target, (ast.Tuple, ast.List)):
        elements = value.elts if isinstance(value, (ast.Tuple, ast.List)) else None
        starred = [i for i, t in enumerate(target.elts) if isinstance(t, ast.Starred)]
        if elements is not None and not any(isinstance(e, ast.Starred) for e in elements):
            if not starred and len(elements) == len(target.elts):
                for sub, element in zip(target.elts, elements):
                    _bind(sub, element, out)
                return
            if len(starred) == 1 and len(elements) >= len(target.elts) - 1:
                star = starred[0]
                after = len(target.elts) - star - 1
                rest = elements[star:len(elements) - after]
                for sub, element in zip(target.elts[:star], elements[:star]):
                    _bind(sub, element, out)
                _bind(target.elts[star], ast.List(elts=rest, ctx=ast.Load()), out)
                for sub, element in zip(target.elts[star + 1:], elements[len(elements) - after:]):
                    _bind(sub, element, out)
                return
        for sub in target.elts:  # unpacking a computed value (or a mismatch)
            _bind(sub, _SKIP, out)


def _bound_names(stmt):
    """Every name a top-level statement (re)binds or deletes, anywhere inside it.

    Used to forget an earlier literal: after ``lr = 0.1`` then
    ``for lr in (0.1, 0.2): ...`` or ``if fast: lr = 1`` or ``del lr``, the
    value the cell left is not the literal. Names a function or class body
    binds are its own, except those it declares ``global``.
    """
    names = set()

    def visit(node, top):
        if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            if top:
                names.add(node.id)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            if top:
                for alias in node.names:
                    names.add((alias.asname or alias.name).split(".")[0])
        elif isinstance(node, ast.Global):
            names.update(node.names)
        elif isinstance(node, ast.ExceptHandler) and node.name and top:
            names.add(node.name)
        elif isinstance(node, (ast.MatchAs, ast.MatchStar)) and node.name and top:
            names.add(node.name)
        elif isinstance(node, ast.MatchMapping) and node.rest and top:
            names.add(node.rest)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            if top:
                names.add(node.name)
            for child in ast.iter_child_nodes(node):
                visit(child, False)
            return
        if isinstance(node, (ast.Lambda, ast.ListComp, ast.SetComp, ast.DictComp,
                             ast.GeneratorExp)):
            for child in ast.walk(node):  # only a walrus escapes these scopes
                if isinstance(child, ast.NamedExpr) and top:
                    names.add(child.target.id)
            return
        for child in ast.iter_child_nodes(node):
            visit(child, top)

    visit(stmt, True)
    return names



def _root_name(node):
    """``model`` for ``model``, ``model.coef_``, ``d["k"]``, ``a.b[0].c``."""
    while isinstance(node, (ast.Attribute, ast.Subscript)):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def _mutated_names(node):
    """Names whose object the code may change in place: attribute/subscript
    assignment or deletion (``cfg["lr"] = 1``, ``del d[k]``) and method calls
    (``lst.append(1)``), anywhere in ``node``."""
    names = set()
    for child in ast.walk(node):
        if isinstance(child, (ast.Attribute, ast.Subscript)) \
                and isinstance(child.ctx, (ast.Store, ast.Del)):
            root = _root_name(child)
        elif isinstance(child, ast.Call) and isinstance(child.func, ast.Attribute):
            root = _root_name(child.func)
        else:
            continue
        if root:
            names.add(root)
    return names


def _walrus_names(node):
    return {n.target.id for n in ast.walk(node) if isinstance(n, ast.NamedExpr)}


def literal_assignments(tree):
    """``{name: JSON value or _SKIP}`` for a module's top-level statements,
    in first-assignment order, holding the value the cell's code leaves.

    Only ``x = <literal>``, ``x: T = <literal>`` and unpacking of literal
    tuples at the top level give values; any later rebinding of the name
    (``x = f()``, ``x += 1``, a loop, a conditional assignment, ``del``,
    ``import``, a ``def``) makes it ``_SKIP``, because then the literal is
    not what ran. So does an in-place change of a list or dict
    (``cfg["lr"] = 1``, ``sizes.append(8)``).
    """
    values = {}

    def forget(names, containers_only=False):
        for name in names:
            if name in values and (not containers_only
                                   or isinstance(values[name], (list, dict))):
                values[name] = _SKIP

    for stmt in tree.body:
        if isinstance(stmt, ast.Assign) or (isinstance(stmt, ast.AnnAssign)
                                            and stmt.value is not None):
            # the right-hand side runs first, and may rebind or change names
            forget(_walrus_names(stmt.value))
            forget(_mutated_names(stmt.value), containers_only=True)
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
            pairs = []
            for target in targets:
                _bind(target, stmt.value, pairs)
            for name, value in pairs:
                values[name] = value
            for target in targets:
                forget(_mutated_names(target), containers_only=True)
            continue
        forget(_mutated_names(stmt), containers_only=True)
        for name in _bound_names(stmt):
            values[name] = _SKIP
    return values


def literal_params(code):
    """``{name: value}`` of the cell's top-level literal assignments, read
    from the source alone.

    ``lr = 0.1``, ``a, b = 1, 2``, ``epochs: int = 10``, ``cfg = {"act":
    "relu"}``, ``lo = -1`` count; ``acc = f(x)``, ``lr = base * 2``,
    ``x = y``, f-strings and ``n += 1`` do not: a parameter is a value the
    experiment *chose*, not one it computed, and a computed value would have
    to be read from the namespace, where it may come from a previous run (a
    failed cell leaves the old value in place). Reading the AST instead
    gives the values of exactly this code, whether it ran to the end or not.
    A name whose last binding in the cell is not a literal is left out;
    private names (``_x``) too. Order: first assignment in the code.
    """
    tree = parse(code)
    if tree is None:
        return {}
    return {name: value for name, value in literal_assignments(tree).items()
            if value is not _SKIP and not name.startswith("_")}


def collect_params(code, namespace=None):
    """The cell's parameters: :func:`literal_params` of ``code``.

    ``namespace`` is ignored; it is kept so older callers keep working
    (values used to be read from it after the cell ran, which made a failed
    or interrupted cell report an earlier run's values).
    """
    return literal_params(code)


def hash_literal_paths(code, max_bytes, cwd=None):
    """Records for the existing files named by string literals in ``code``.

    ``pd.read_csv("data/train.csv")`` names ``data/train.csv``, and so do
    ``path = "data/train.csv"`` then ``pd.read_csv(path)``,
    ``f"{root}/train.csv"`` and ``os.path.join(root, "train.csv")`` with
    ``root`` a literal string of the cell (see :func:`hash_slice_paths`,
    which also follows such names into earlier cells). Relative paths
    resolve against ``cwd`` (default: the kernel's working directory, as the
    code itself would). Files up to ``max_bytes`` get a sha256; larger ones
    are listed with ``sha256: None`` and ``skipped: True``. ``path`` is the
    string as the code spells it, ``realpath`` the resolved file. Folders are
    ignored.
    """
    return hash_slice_paths((), code, max_bytes, cwd)


MAX_SLICE_LITERALS = 4 * MAX_LITERALS  # strings checked for one run, slice included
_PATH_CALLS = {"Path", "PurePath", "PosixPath", "WindowsPath", "join", "str", "fspath"}


def _fold(node, env):
    """The string ``node`` evaluates to when the code spells it out, or None.

    Folds string constants, names bound to such strings earlier (``env``),
    ``+``, f-strings without format specs, ``Path(a, b)`` / ``Path(a) / b``
    and ``os.path.join(a, b)``: enough to follow a data path from where it is
    written to where it is read, without running anything.
    """
    if isinstance(node, ast.Constant):
        return node.value if isinstance(node.value, str) else None
    if isinstance(node, ast.Name):
        return env.get(node.id)
    if isinstance(node, ast.JoinedStr):
        parts = []
        for value in node.values:
            if isinstance(value, ast.FormattedValue):
                if value.format_spec is not None or value.conversion not in (-1, ord("s")):
                    return None
                value = value.value
            text = _fold(value, env)
            if text is None:
                return None
            parts.append(text)
        return "".join(parts)
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Div)):
        left, right = _fold(node.left, env), _fold(node.right, env)
        if left is None or right is None:
            return None
        return left + right if isinstance(node.op, ast.Add) else os.path.join(left, right)
    if isinstance(node, ast.Call) and node.args and not node.keywords:
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
        if name not in _PATH_CALLS or (name == "join" and not _is_os_path(func)):
            return None
        if name in ("str", "fspath") and len(node.args) != 1:
            return None
        parts = [_fold(arg, env) for arg in node.args]
        return None if None in parts else os.path.join(*parts)
    return None


def _is_os_path(func):
    """``os.path.join`` / ``path.join`` / ``posixpath.join`` (not ``",".join``)."""
    owner = func.value if isinstance(func, ast.Attribute) else None
    return (isinstance(owner, ast.Attribute) and owner.attr == "path") or \
        (isinstance(owner, ast.Name) and owner.id in ("path", "posixpath", "ntpath", "osp"))


def _path_strings(tree, env):
    """The strings ``tree``'s statements spell, in source order, updating
    ``env`` (name → literal string) as its top-level statements run."""
    found = []
    for stmt in tree.body:
        nodes = [n for n in ast.walk(stmt)
                 if isinstance(n, (ast.Constant, ast.JoinedStr, ast.BinOp, ast.Call))
                 or (isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load))]
        nodes.sort(key=lambda n: (getattr(n, "lineno", 0), getattr(n, "col_offset", 0)))
        for node in nodes:
            text = _fold(node, env)
            if text and len(text) <= 1024 and "\n" not in text and "\0" not in text:
                found.append(text)
        value = getattr(stmt, "value", None) if isinstance(stmt, (ast.Assign, ast.AnnAssign)) \
            else None
        text = _fold(value, env) if value is not None else None
        for name in _bound_names(stmt):
            env.pop(name, None)
        if text is not None:
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
            for target in targets:
                if isinstance(target, ast.Name):
                    env[target.id] = text
    return found


@functools.lru_cache(maxsize=256)
def _code_path_strings(text, env):
    """One cell's path strings (each once) and the string variables after it,
    given those before it (``env``, as name/value pairs). Cached: a run's
    slice is mostly the same cells, run after run, and walking their trees
    took milliseconds per cell."""
    tree = parse(text)
    if tree is None:
        return (), env
    names = dict(env)
    # each string once per cell: a path variable read 100 times is one candidate
    found = tuple(dict.fromkeys(_path_strings(tree, names)))
    return found, tuple(names.items())


def slice_path_candidates(slice_codes, code):
    """The strings the run's code and its slice spell, that may be paths:
    the experiment cell's first (at most MAX_LITERALS), then the slice's in
    order, at most MAX_SLICE_LITERALS in all, each once (see
    :func:`hash_slice_paths`)."""
    env, per_code = (), []
    for text in list(slice_codes) + [code]:
        found, env = _code_path_strings(text, env) if text else ((), env)
        per_code.append(list(found))
    candidates = per_code[-1][:MAX_LITERALS] + [s for found in per_code[:-1] for s in found]
    return list(dict.fromkeys(candidates[:MAX_SLICE_LITERALS]))


def hash_slice_paths(slice_codes, code, max_bytes, cwd=None, skip=(), candidates=None):
    """Records for the existing files the run's code names: ``code`` (the
    experiment cell) and ``slice_codes`` (the cells it depends on, oldest
    first, e.g. from :meth:`jupyterlab_runs._slice.History.slice`).

    String variables flow from one cell to the next in that order, so
    ``path = "data/train.csv"`` in one cell and ``pd.read_csv(path)`` in the
    experiment cell name ``data/train.csv``; a name rebound to something
    else (``path = input()``) is forgotten. Strings written in the slice's
    cells count too: the cell that loads the data is rarely the experiment
    cell. The experiment cell's files come first, then the slice's in order;
    each file once (by real path). At most MAX_LITERALS strings of the
    experiment cell and MAX_SLICE_LITERALS in all are checked. Same record
    shape as :func:`hash_literal_paths`. Files whose real path is in
    ``skip`` (the run's outputs, :mod:`jupyterlab_runs._outputs`) are left
    out: a file the run wrote is not its input. ``candidates``: what
    :func:`slice_path_candidates` gave for these sources, if already known.
    """
    base = cwd or os.getcwd()
    seen, records = set(skip), []
    if candidates is None:
        candidates = slice_path_candidates(slice_codes, code)
    for text in candidates:
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
