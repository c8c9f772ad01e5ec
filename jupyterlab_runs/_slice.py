"""Which earlier executions a run depends on: a static slice of the session.

A run is reproducible only if we know what ran before it: the cell that
loaded the data, the one that set the seed, the function the experiment
calls. The kernel sees every execution in order (``post_run_cell``), so we
keep a bounded :class:`History` of them and, for a run, cut the *slice*: the
earlier executions whose definitions it used, transitively (issue #13).

Everything here is static: each cell's source is parsed (after IPython's
transformation of ``%magics`` and ``!commands``), never executed, and the
namespace is never read. Per cell, :func:`analyze` finds

* the names it **defines**: assignment targets, augmented assignment,
  ``for``/``with``/``except ... as`` targets, imports (``import a.b`` defines
  ``a``), ``def``/``class``, ``del`` (a kill is a definition too), walrus,
  and names functions declare ``global``;
* the names it **mutates**: ``model.fit(X)``, ``d["k"] = 1``,
  ``lst.append(1)`` change an object in place, so they are a use *and* a
  (non-killing) definition of ``model``/``d``/``lst``;
* the names it **uses**: loads of names not bound earlier in the same cell,
  plus the free names of functions it defines (they run later, with
  whatever those names then hold). Builtins are not uses (unless an earlier
  cell rebinds them, see :attr:`CellInfo.builtin_uses`).

When a cell can touch names we cannot see — ``exec``/``eval``,
``globals()``/``locals()``/``vars()``, ``from x import *``, ``%run``,
``%load``, ``%store -r``, any direct ``get_ipython()`` use, an unknown
magic, or code that does not parse — it is flagged ``unsure`` (with the
reason) and treated as possibly defining *and* using every name: its
``defines``/``uses`` lists still hold what was seen, and the slicer widens
them (see :meth:`History.slice`).
"""

import ast
import bisect
import builtins
import collections
import functools
import heapq
import keyword
import re
import sys
import types

from ._params import literal_params, python_source

__all__ = ["CellInfo", "Execution", "History", "Slice", "analyze", "MAX_EXECUTIONS"]

MAX_EXECUTIONS = 5000  # executions a History keeps (older ones are forgotten)

_BUILTINS = frozenset(dir(builtins)) | {"get_ipython", "display", "In", "Out", "exit", "quit"}
# Calls that reach the namespace by name: we cannot see what they read or write.
_DYNAMIC = {"exec": "exec()", "eval": "eval()", "globals": "globals()", "locals": "locals()",
            "get_ipython": "get_ipython() use"}
# Methods that only read their object (common numpy/pandas/sklearn/str/dict
# ones). Any other method call on a name counts as possibly changing it:
# `model.fit(X)`, `lst.append(1)`, `df.drop(..., inplace=True)`.
PURE_METHODS = frozenset("""
    copy head tail describe info get keys values items count index find startswith endswith
    mean sum min max std var median mode quantile abs round argmax argmin nunique unique
    value_counts isna isnull notna notnull any all astype to_numpy numpy tolist to_list to_dict
    to_csv to_json to_parquet to_pickle to_string to_markdown to_frame reshape view ravel flatten
    predict predict_proba predict_log_proba decision_function score transform
    format join split rsplit strip lstrip rstrip lower upper title encode decode
    groupby agg aggregate pivot_table merge query filter select_dtypes sort_values sort_index
    dropna fillna drop replace rename reset_index set_index apply map applymap
    plot show hist savefig get_params state_dict parameters named_parameters
    """.split())
# ... unless called with inplace=True.
# On an imported module, a method call is a plain function call (`np.mean(x)`
# does not change `np`), except for the global random state:
SEED_METHODS = frozenset({"seed", "manual_seed", "manual_seed_all", "set_seed",
                          "set_random_seed", "setstate"})

# Magics, by what they do to the namespace (the line/body is IPython's, as
# transformed into get_ipython().run_line_magic(name, line) / run_cell_magic(name, line, body)).
_INLINE_MAGICS = {"time", "prun", "capture", "debug"}  # run their code in the namespace
_LOCAL_MAGICS = {"timeit"}  # run their code in a function: uses only
_UNSURE_MAGICS = {"run", "load", "loadpy", "recall", "rerun", "macro", "reset",
                  "reset_selective", "xdel", "edit", "paste", "cpaste", "pylab", "autoawait",
                  "sql", "R", "Rpush", "Rpull", "octave", "julia"}
_HARMLESS_MAGICS = set("""
    matplotlib pip conda mamba micromamba uv load_ext reload_ext unload_ext autoreload aimport
    config env set_env cd pwd ls ll lf lk lx ldir mkdir rm rmdir cp mv cat less more man clear
    pinfo pinfo2 psearch pdoc pdef psource pfile who whos who_ls precision pdb xmode history
    lsmagic magic alias unalias colors notebook tb page pprint doctest_mode automagic autocall
    dhist dirs pushd popd bookmark killbgscripts qtconsole writefile file save logstart logstop
    logon logoff logstate pycat system sx bash sh script html HTML javascript js latex markdown
    svg perl ruby python python2 python3 pypy sx conda_env gui connect_info
    """.split())
_SHELL_OUT = {"bash", "sh", "script", "perl", "ruby", "python", "python2", "python3", "pypy"}


def _unsure_store_line(line):
    return "-r" in line.split()


def _parse_magic_code(code, options):
    """The AST of the code a ``%time``/``%timeit``/``%prun`` line runs, or None.

    Line magics may start with options (``%timeit -n 10 -r 3 f()``,
    ``%prun -s cumulative f()``): when the line starts with ``-``, leading
    tokens (options and their values) are dropped, one more at a time, until
    the rest parses.
    """
    rest = code
    for _ in range(10):
        try:
            return ast.parse(python_source(rest))
        except (SyntaxError, ValueError):
            pass
        if not options or not code.lstrip().startswith("-"):
            return None
        parts = rest.split(None, 1)
        if len(parts) < 2:
            return None
        rest = parts[1]
    return None


_UNBOUND = object()
# Values above this size are compared by identity only (an id can be reused
# once the old value is freed: then the name counts as not rebound, which
# keeps the earlier execution in the slice, the safe side).
_HELD_BYTES = 1 << 20


def bindings(namespace, names):
    """What ``names`` are bound to now, to tell afterwards which the cell
    rebound (:func:`rebound`). Small values are held so their ids stay
    unique while the cell runs; large ones are not (no copy of a model)."""
    taken = {}
    for name in names:
        value = namespace.get(name, _UNBOUND)
        try:
            small = sys.getsizeof(value) <= _HELD_BYTES
        except Exception:  # noqa: BLE001 - any object's __sizeof__ may fail
            small = False
        taken[name] = (id(value), value if small else None)
    return taken


def rebound(namespace, taken):
    """The names of ``taken`` whose binding is another object now."""
    return {name for name, (ident, _) in taken.items()
            if id(namespace.get(name, _UNBOUND)) != ident}


@functools.lru_cache(maxsize=256)
def analyze(code):
    """The :class:`CellInfo` of one cell's source. Cached: an experiment
    cell re-run many times is analysed once."""
    try:
        tree = ast.parse(python_source(code))
    except (SyntaxError, ValueError) as exc:
        return CellInfo(unsure=f"does not parse: {exc.__class__.__name__}")
    return _ModuleAnalyzer().run(tree)


class CellInfo:
    """What one cell's source defines, mutates and uses (see module docs).

    ``defines``: names it surely binds or deletes (kills). ``maybe``: names it
    may bind (in a branch or loop, ``global`` in a function it defines).
    ``mutates``: names whose object it changes in place for sure (attribute or
    subscript assignment, ``inplace=True``). ``calls``: ``(name, method)``
    method calls that may change ``name`` — unless ``name`` turns out to be
    a module (the :class:`History` knows). ``imports``: names bound by
    imports. ``uses``: names read before the cell binds them, builtins
    excepted; ``builtin_uses``: builtin names it reads (a use only if some
    earlier cell rebound them). ``called``: names called as functions;
    ``effects``: ``{function: ((name, method or None), ...)}``, what each
    function it defines changes outside itself when called. ``unsure``: the
    reason it may touch any name, or None. ``maybe_uses``: the uses read
    only where the cell may already have bound them (after a loop of unknown
    length that binds them, or a branch); a use of the run before only when
    the execution did not rebind them.
    """

    __slots__ = ("defines", "maybe", "mutates", "calls", "imports", "uses", "builtin_uses",
                 "called", "effects", "unsure", "maybe_uses")

    def __init__(self, defines=(), maybe=(), mutates=(), calls=(), imports=(), uses=(),
                 builtin_uses=(), called=(), effects=None, unsure=None, maybe_uses=()):
        self.defines = frozenset(defines)
        self.maybe = frozenset(maybe) - self.defines
        self.mutates = frozenset(mutates)
        self.calls = frozenset(calls)
        self.imports = frozenset(imports)
        self.uses = frozenset(uses)
        self.builtin_uses = frozenset(builtin_uses)
        self.called = frozenset(called)
        self.effects = dict(effects or {})
        self.unsure = unsure
        # uses that only happen where this cell may already have bound the
        # name (read after a loop of unknown length that binds it): not a
        # use when the execution did bind it (History.record's ``rebound``)
        self.maybe_uses = frozenset(maybe_uses) & self.uses

    def __repr__(self):
        parts = [f"{k}={sorted(getattr(self, k))}" for k in
                 ("defines", "maybe", "mutates", "uses") if getattr(self, k)]
        if self.calls:
            parts.append(f"calls={sorted(self.calls)}")
        if self.unsure:
            parts.append(f"unsure={self.unsure!r}")
        return f"CellInfo({', '.join(parts)})"


def _root(node):
    """``model`` for ``model``, ``model.coef_``, ``d["k"]``, ``a.b[0].c``, ``f().x``→None."""
    while isinstance(node, (ast.Attribute, ast.Subscript)):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def _inplace(call):
    return any(k.arg == "inplace" and not (isinstance(k.value, ast.Constant)
                                           and k.value.value in (False, None))
               for k in call.keywords)


def _argument_names(args):
    names = [a.arg for a in args.posonlyargs + args.args + args.kwonlyargs]
    names += [a.arg for a in (args.vararg, args.kwarg) if a is not None]
    return names


_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
_EXPANSION = re.compile(r"(?<!\$)\$([A-Za-z_]\w*)|\{([^{}]+)\}")


class _Scan:
    """Free names and outside effects of a nested scope (function, lambda,
    class body, comprehension), flow-insensitively: Python decides a name is
    local to a function from any binding anywhere in it."""

    def __init__(self):
        self.free = set()  # names read that are not local
        self.mutated = set()  # non-local names changed in place (for sure)
        self.calls = set()  # (non-local name, method) that may change it
        self.assigned_globals = set()  # names declared global/nonlocal and bound
        self.walrus = set()  # comprehension walrus targets: bound in the enclosing scope
        self.called = set()
        self.unsure = None


def _bindings(body, params=()):
    """Names bound directly in a scope's body (not in nested scopes, except
    walrus targets in comprehensions), and the names it declares
    global/nonlocal."""
    bound, declared = set(params), set()

    def visit(node):
        if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            bound.add(node.id)
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            declared.update(node.names)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            bound.update((a.asname or a.name).split(".")[0] for a in node.names if a.name != "*")
        elif isinstance(node, ast.ExceptHandler) and node.name:
            bound.add(node.name)
        elif isinstance(node, (ast.MatchAs, ast.MatchStar)) and node.name:
            bound.add(node.name)
        elif isinstance(node, ast.MatchMapping) and node.rest:
            bound.add(node.rest)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound.add(node.name)
            for child in node.decorator_list + _defaults(node):
                visit(child)
            return
        if isinstance(node, ast.Lambda):
            for child in _defaults(node):
                visit(child)
            return
        if isinstance(node, _COMPREHENSIONS):
            bound.update(n.target.id for n in ast.walk(node) if isinstance(n, ast.NamedExpr))
            return
        for child in ast.iter_child_nodes(node):
            visit(child)

    for stmt in body:
        visit(stmt)
    return bound - declared, declared


def _defaults(node):
    """Expressions of a def/lambda/class evaluated where it is defined."""
    if isinstance(node, ast.ClassDef):
        return list(node.bases) + [k.value for k in node.keywords]
    args = node.args
    out = list(args.defaults) + [d for d in args.kw_defaults if d is not None]
    if not isinstance(node, ast.Lambda):
        for a in args.posonlyargs + args.args + args.kwonlyargs + [args.vararg, args.kwarg]:
            if a is not None and a.annotation is not None:
                out.append(a.annotation)
        if node.returns is not None:
            out.append(node.returns)
    return out


def _scan_scope(node):
    """A :class:`_Scan` of a nested scope ``node`` (its body only: the
    caller handles decorators, defaults and bases, evaluated outside)."""
    scan = _Scan()
    if isinstance(node, _COMPREHENSIONS):
        targets = set()
        for gen in node.generators:
            targets.update(n.id for n in ast.walk(gen.target) if isinstance(n, ast.Name))
        local, declared = targets, set()
        parts = [g for g in node.generators]
        parts += [node.key, node.value] if isinstance(node, ast.DictComp) else [node.elt]
        scan.walrus = {n.target.id for n in ast.walk(node) if isinstance(n, ast.NamedExpr)}
        local = local - scan.walrus
    elif isinstance(node, ast.Lambda):
        local, declared = _bindings([node.body], _argument_names(node.args))
        parts = [node.body]
    elif isinstance(node, ast.ClassDef):
        local, declared = _bindings(node.body)
        parts = node.body
    else:
        local, declared = _bindings(node.body, _argument_names(node.args))
        parts = node.body

    def load(name):
        if name not in local:
            scan.free.add(name)
        if name in _DYNAMIC and scan.unsure is None:
            scan.unsure = _DYNAMIC[name]

    def changed(target, method=None, sure=True):
        name = _root(target)
        if name is None or (name in local and name not in declared):
            return
        if sure:
            scan.mutated.add(name)
        else:
            scan.calls.add((name, method))

    def visit(n):
        if isinstance(n, ast.Name):
            if isinstance(n.ctx, ast.Load):
                load(n.id)
            elif n.id in declared:
                scan.assigned_globals.add(n.id)
            return
        if isinstance(n, (ast.Attribute, ast.Subscript)) \
                and isinstance(n.ctx, (ast.Store, ast.Del)):
            changed(n)
        elif isinstance(n, ast.AugAssign) and isinstance(n.target, ast.Name) \
                and n.target.id in declared:
            scan.free.add(n.target.id)
        elif isinstance(n, ast.Call):
            if isinstance(n.func, ast.Name):
                scan.called.add(n.func.id)
                if n.func.id == "vars" and not n.args and scan.unsure is None:
                    scan.unsure = "vars()"
            elif isinstance(n.func, ast.Attribute):
                if _inplace(n):
                    changed(n.func)
                elif n.func.attr not in PURE_METHODS:
                    changed(n.func, n.func.attr, sure=False)
        elif isinstance(n, ast.ImportFrom) and any(a.name == "*" for a in n.names):
            scan.unsure = scan.unsure or "from ... import *"
        if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)
                      + _COMPREHENSIONS) and n is not node:
            if not isinstance(n, _COMPREHENSIONS):
                for child in getattr(n, "decorator_list", []) + _defaults(n):
                    visit(child)
            inner = _scan_scope(n)
            for name in inner.free:
                load(name)
            for name in inner.walrus:
                if name in declared:
                    scan.assigned_globals.add(name)
            for name in inner.mutated:
                if name not in local or name in declared:
                    scan.mutated.add(name)
            scan.calls.update(c for c in inner.calls if c[0] not in local or c[0] in declared)
            scan.assigned_globals.update(inner.assigned_globals)
            scan.called.update(inner.called)
            scan.unsure = scan.unsure or inner.unsure
            return
        for child in ast.iter_child_nodes(n):
            visit(child)

    for part in parts:
        visit(part)
    return scan


def _runs_at_least_once(loop):
    """Whether a ``for`` loop's body surely runs once to its end: the
    iterable is ``range`` of int literals with at least one step, or a
    non-empty literal list/tuple/set/string, and the body has no ``break``
    or ``continue`` of its own (either could skip the rest of it)."""
    it = loop.iter
    if isinstance(it, ast.Call) and isinstance(it.func, ast.Name) and it.func.id == "range":
        if it.keywords or not 1 <= len(it.args) <= 3:
            return False
        values = [_int_literal(a) for a in it.args]
        if any(v is None for v in values) or (len(values) == 3 and values[2] == 0):
            return False
        nonempty = len(range(*values)) > 0
    elif isinstance(it, (ast.List, ast.Tuple, ast.Set)):
        nonempty = bool(it.elts) and not any(isinstance(e, ast.Starred) for e in it.elts)
    elif isinstance(it, ast.Constant) and isinstance(it.value, (str, bytes)):
        nonempty = len(it.value) > 0
    else:
        return False
    return nonempty and not _jumps_out(loop.body)


def _int_literal(node):
    if isinstance(node, ast.Constant) and type(node.value) is int:
        return node.value
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        inner = _int_literal(node.operand)
        return None if inner is None else -inner
    return None


def _jumps_out(body):
    """A ``break`` or ``continue`` of this loop (not of a nested loop or a
    nested function) anywhere in ``body``."""
    todo = list(body)
    while todo:
        node = todo.pop()
        if isinstance(node, (ast.Break, ast.Continue)):
            return True
        if isinstance(node, (ast.For, ast.AsyncFor, ast.While)):
            todo.extend(node.orelse)  # the nested loop's own jumps are its own
            continue
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            continue
        todo.extend(ast.iter_child_nodes(node))
    return False


class _ModuleAnalyzer:
    """Flow-sensitive walk over a cell's top-level statements, in order.

    ``defined`` is the set of names surely bound at the current point, so a
    read after ``x = 1`` in the same cell is not a use; inside branches and
    loops bindings are only *maybe* (the branch may not run), and an
    ``if``/``else`` binding a name on both sides binds it surely.
    """

    def __init__(self):
        self.defined = set()
        self.conditional = 0
        self.defines, self.maybe, self.mutates, self.calls = set(), set(), set(), set()
        self.imports, self.uses, self.builtin_uses = set(), set(), set()
        self.sure_uses = set()  # read where the cell had not bound them at all
        self.deferred = set()  # free names of functions defined here (read when called)
        self.called, self.effects = set(), {}
        self.unsure = None

    def run(self, tree):
        self.block(tree.body)
        # a function's free names are read when it is called, later: a name
        # this cell surely binds anywhere (even after the def) is its own
        for name in self.deferred - self.defines:
            self.load(name, deferred=True)
        return CellInfo(self.defines, self.maybe, self.mutates, self.calls, self.imports,
                        self.uses, self.builtin_uses, self.called, self.effects, self.unsure,
                        self.uses - self.sure_uses)

    # -- names -------------------------------------------------------------

    def flag(self, reason):
        if self.unsure is None:
            self.unsure = reason

    def load(self, name, deferred=False):
        if name in _DYNAMIC:
            self.flag(_DYNAMIC[name])
        if not deferred and name in self.defined:
            return
        (self.builtin_uses if name in _BUILTINS else self.uses).add(name)
        if deferred or name not in self.maybe:
            self.sure_uses.add(name)

    def store(self, name):
        (self.maybe if self.conditional else self.defines).add(name)
        self.defined.add(name)

    def mutate(self, node, method=None, sure=True):
        name = _root(node)
        if name is None:
            return
        if sure:
            self.mutates.add(name)
        else:
            self.calls.add((name, method))

    # -- statements --------------------------------------------------------

    def block(self, body):
        for stmt in body:
            self.statement(stmt)

    def branch(self, body, start, first=None):
        """Visit ``body`` as a branch that may not run (after calling
        ``first``, e.g. to bind a pattern's names): returns the names surely
        bound at its end, without changing the outer ``defined``."""
        saved = self.defined
        self.defined = set(start)
        self.conditional += 1
        try:
            if first is not None:
                first()
            self.block(body)
            return self.defined
        finally:
            self.conditional -= 1
            self.defined = saved

    def statement(self, s):
        if isinstance(s, ast.Assign):
            self.expr(s.value)
            for target in s.targets:
                self.target(target)
        elif isinstance(s, ast.AugAssign):
            self.expr(s.value)
            if isinstance(s.target, ast.Name):
                self.load(s.target.id)  # n += 1 reads n first
                self.store(s.target.id)
            else:
                self.target(s.target)
                self.expr(s.target.value)
        elif isinstance(s, ast.AnnAssign):
            self.expr(s.annotation)
            if s.value is not None:
                self.expr(s.value)
                self.target(s.target)
        elif isinstance(s, (ast.For, ast.AsyncFor)):
            self.expr(s.iter)
            start = set(self.defined)
            self.conditional += 1
            self.target(s.target)
            self.conditional -= 1
            after_body = self.branch(s.body, self.defined)
            self.branch(s.orelse, start)
            self.defined = start
            if _runs_at_least_once(s):
                # `for _ in range(100): p = ...` binds p surely: a read of p
                # after the loop is this cell's own p, not an earlier run's
                for name in after_body - start:
                    self.store(name)
        elif isinstance(s, ast.While):
            self.expr(s.test)
            self.branch(s.body, self.defined)
            self.branch(s.orelse, self.defined)
        elif isinstance(s, ast.If):
            self.expr(s.test)
            start = set(self.defined)
            both = self.branch(s.body, start) & self.branch(s.orelse, start)
            for name in both - start:  # bound whichever way the test went
                self.store(name)
        elif isinstance(s, (ast.With, ast.AsyncWith)):
            for item in s.items:
                self.expr(item.context_expr)
                if item.optional_vars is not None:
                    self.target(item.optional_vars)
            self.block(s.body)
        elif isinstance(s, (ast.Try, getattr(ast, "TryStar", ast.Try))):
            start = set(self.defined)
            after_body = self.branch(s.body, start)  # may stop at any statement
            for handler in s.handlers:
                if handler.type is not None:
                    self.expr(handler.type)
                # `as e` binds e (and Python deletes it after the handler)
                self.branch(handler.body, start,
                            (lambda n=handler.name: self.store(n)) if handler.name else None)
            self.branch(s.orelse, after_body)
            self.block(s.finalbody)
        elif isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            for node in s.decorator_list + _defaults(s):
                self.expr(node)
            scan = _scan_scope(s)
            if isinstance(s, ast.ClassDef):
                # the class body runs now: its reads are reads of this cell
                # (its methods' free names too, conservatively)
                for name in scan.free:
                    self.load(name)
            else:
                self.deferred |= scan.free
                effects = {(n, None) for n in scan.mutated | scan.assigned_globals} | scan.calls
                if effects:
                    self.effects[s.name] = tuple(sorted(effects, key=str))
                # `global g` in the body: calling it (maybe here) rebinds g
                self.maybe |= scan.assigned_globals
            if isinstance(s, ast.ClassDef):
                self.mutates |= scan.mutated
                self.calls |= scan.calls
            if scan.unsure:
                self.flag(scan.unsure)
            self.store(s.name)
        elif isinstance(s, ast.Import):
            for alias in s.names:
                name = (alias.asname or alias.name).split(".")[0]  # import a.b binds a
                self.store(name)
                self.imports.add(name)
        elif isinstance(s, ast.ImportFrom):
            for alias in s.names:
                if alias.name == "*":
                    self.flag(f"from {s.module or '.'} import *")
                    continue
                name = alias.asname or alias.name
                self.store(name)
                self.imports.add(name)
        elif isinstance(s, ast.Delete):
            for target in s.targets:
                self.target(target)
        elif isinstance(s, getattr(ast, "Match", ())):
            self.expr(s.subject)
            start = set(self.defined)
            for case in s.cases:
                def first(case=case):
                    self.pattern(case.pattern)
                    self.expr(case.guard)
                self.branch(case.body, start, first)
        elif isinstance(s, (ast.Global, ast.Nonlocal, ast.Pass, ast.Break, ast.Continue)):
            pass
        else:  # Expr, Return, Raise, Assert, ...
            for child in ast.iter_child_nodes(s):
                self.expr(child)

    def pattern(self, p):
        for node in ast.walk(p):
            if isinstance(node, (ast.MatchAs, ast.MatchStar)) and node.name:
                self.store(node.name)
            elif isinstance(node, ast.MatchMapping) and node.rest:
                self.store(node.rest)
            elif isinstance(node, ast.MatchValue):
                self.expr(node.value)
            elif isinstance(node, ast.MatchClass):
                self.expr(node.cls)

    def target(self, t):
        """An assignment/del/for/with target."""
        if isinstance(t, ast.Name):
            self.store(t.id)
        elif isinstance(t, (ast.Tuple, ast.List)):
            for element in t.elts:
                self.target(element)
        elif isinstance(t, ast.Starred):
            self.target(t.value)
        elif isinstance(t, (ast.Attribute, ast.Subscript)):
            # model.coef_ = w / d["k"] = 1 / del d["k"]: reads and changes model/d
            self.expr(t.value)
            if isinstance(t, ast.Subscript):
                self.expr(t.slice)
            self.mutate(t)

    # -- expressions -------------------------------------------------------

    def expr(self, node):
        if node is None:
            return
        if isinstance(node, ast.Name):
            if isinstance(node.ctx, ast.Load):
                self.load(node.id)
            else:
                self.store(node.id)
            return
        if isinstance(node, ast.NamedExpr):
            self.expr(node.value)
            self.store(node.target.id)
            return
        if isinstance(node, ast.Lambda):
            for child in _defaults(node):
                self.expr(child)
            scan = _scan_scope(node)
            self.deferred |= scan.free
            if scan.unsure:
                self.flag(scan.unsure)
            return
        if isinstance(node, _COMPREHENSIONS):
            scan = _scan_scope(node)  # runs now: its free names are read now
            for name in scan.free:
                self.load(name)
            self.mutates |= scan.mutated
            self.calls |= scan.calls
            self.called |= scan.called
            for name in scan.walrus:
                self.store(name)
            if scan.unsure:
                self.flag(scan.unsure)
            return
        if isinstance(node, ast.Call):
            if self.ipython_call(node):
                return
            func = node.func
            if isinstance(func, ast.Name):
                self.called.add(func.id)
                if func.id == "vars" and not node.args:
                    self.flag("vars()")
            elif isinstance(func, ast.Attribute):
                if _inplace(node):
                    self.mutate(func)
                elif func.attr not in PURE_METHODS:
                    self.mutate(func, func.attr, sure=False)
        for child in ast.iter_child_nodes(node):
            self.expr(child)

    # -- IPython -----------------------------------------------------------

    def ipython_call(self, node):
        """``get_ipython().run_line_magic(...)`` and friends, as IPython's
        transformer writes magics and shell commands. Returns True when
        handled (the call is not visited as ordinary code)."""
        func = node.func
        if not (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Call)
                and isinstance(func.value.func, ast.Name) and func.value.func.id == "get_ipython"
                and not func.value.args):
            return False
        args = [a.value if isinstance(a, ast.Constant) and isinstance(a.value, str) else None
                for a in node.args]
        method = func.attr
        if method in ("system", "getoutput") and args and args[0] is not None:
            self.expansions(args[0])  # !ls $path {n + 1}
            return True
        if method == "run_line_magic" and len(args) >= 2 and None not in args[:2]:
            self.magic(args[0], args[1], None)
            return True
        if method == "run_cell_magic" and len(args) >= 3 and None not in args[:3]:
            self.magic(args[0], args[1], args[2])
            return True
        self.flag("get_ipython() use")
        return True

    def expansions(self, text):
        """Names IPython substitutes into a command line: ``$name``, ``{expr}``."""
        for name, expression in _EXPANSION.findall(text):
            if name:
                self.load(name)
                continue
            try:
                parsed = ast.parse(expression.strip(), mode="eval")
            except SyntaxError:
                continue
            self.expr(parsed.body)

    def magic(self, name, line, body):
        cell = body is not None
        if name in _INLINE_MAGICS or name in _LOCAL_MAGICS:
            code = body if cell else line
            if name == "capture" and cell:
                for token in line.split():
                    if not token.startswith("-") and token.isidentifier():
                        self.store(token)  # %%capture out
            tree = _parse_magic_code(code, options=not cell)
            if tree is None:
                self.flag(f"%{name} code does not parse")
                return
            if name in _LOCAL_MAGICS:  # %timeit: its assignments are local to a function
                saved = (set(self.defined), set(self.defines), set(self.maybe))
                self.block(tree.body)
                self.defined, self.defines, self.maybe = saved
            else:
                self.block(tree.body)
            return
        if name in _UNSURE_MAGICS or (name == "store" and _unsure_store_line(line)):
            self.flag(f"%{name}")
            return
        if name == "store":  # %store x y: reads x and y
            for token in line.split():
                if token.isidentifier() and not keyword.iskeyword(token):
                    self.load(token)
            return
        if name in _HARMLESS_MAGICS:
            if not cell:
                self.expansions(line)
            if cell and name in _SHELL_OUT:  # %%bash --out var --err var2
                tokens = line.split()
                for flag, value in zip(tokens, tokens[1:]):
                    if flag in ("--out", "--err", "--proc") and value.isidentifier():
                        self.store(value)
            return
        self.flag(f"unknown magic %{name}")


class Execution:
    """One recorded execution: who ran what, and what it defined and used.

    ``index`` counts every execution the :class:`History` saw (0-based), so
    it stays valid while older ones are forgotten. ``kills``: names it surely
    rebinds or deletes. ``touches``: names it may change without surely
    rebinding them (conditional bindings, in-place changes, the effects of
    functions it calls), which never end the search for an older definition.
    ``uses``: names it reads (builtins only when rebound earlier, see
    ``builtin_uses``). ``unsure``: the reason it may define and use *any*
    name, or None. ``reseeds``: modules whose random state it seeds itself
    (``random.seed(seed)``, ``torch.manual_seed(0)``, or a function of an
    earlier cell that does, such as ``seed_everything(seed)``): it reads
    none of the state earlier executions left there.
    """

    __slots__ = ("index", "request", "cell_id", "code", "execution_count", "kind", "info",
                 "kills", "touches", "uses", "builtin_uses", "unsure", "key", "reseeds")

    def __init__(self, index, request, cell_id, code, execution_count, kind, info, kills,
                 touches, uses, reseeds=()):
        self.index = index
        self.request = request
        self.cell_id = cell_id
        self.code = code
        self.execution_count = execution_count
        self.kind = kind
        self.info = info
        self.kills = frozenset(kills)
        self.touches = frozenset(touches) - self.kills
        self.uses = frozenset(uses)
        self.builtin_uses = info.builtin_uses
        self.unsure = info.unsure
        # Runs of the same cell with the same source are "the same cell" for
        # the slicer: a later run in a slice stands for the earlier ones.
        self.key = (cell_id, code) if cell_id else (None, code)
        self.reseeds = frozenset(reseeds)

    @property
    def defines(self):
        """Every name it may define, kill or change (sorted)."""
        return sorted(self.kills | self.touches)

    def to_json(self):
        """``{"request", "cellId", "code", "executionCount", "defines", "uses", "unsure",
        "parameters"}`` (``parameters``: a ``parameters`` cell ran it).

        ``defines`` lists every name it binds, deletes or changes in place;
        ``uses`` the names it reads; for an ``unsure`` execution (reason
        given) both are what could be seen, and it is treated as defining and
        using every name.
        """
        return {"request": self.request, "cellId": self.cell_id, "code": self.code,
                "executionCount": self.execution_count, "defines": self.defines,
                "uses": sorted(self.uses), "unsure": self.unsure,
                "parameters": self.kind == "parameters"}

    def __repr__(self):
        return (f"Execution(#{self.index}, cell={self.cell_id!r}, count={self.execution_count}, "
                f"kills={sorted(self.kills)}, touches={sorted(self.touches)}, "
                f"uses={sorted(self.uses)}, unsure={self.unsure!r})")


class Slice(list):
    """The executions a run depends on, oldest first (a list of
    :class:`Execution`; the run's own execution is ``target``, not in it).

    Attributes:

    * ``target``: the sliced execution.
    * ``provides``: ``{execution index: sorted names}`` — what each
      execution in the slice was included for.
    * ``literals``: ``{name: {"value", "request", "cellId", "executionCount",
      "parameters"}}`` — for each name the slice takes from an execution
      that bound it to a literal (``seed = 1``), that value as its code
      spells it (:func:`literal_params`), so a caller can tell that the data
      split used ``seed = 1`` while the parameters cell now says 5.
      ``parameters`` is True when that execution was a ``parameters`` cell.
    * ``params``: the same, only from ``parameters`` cells, as
      ``{name: value}``.
    * ``self_dependent``: sorted names the run reads from earlier runs of its
      *own* cell (``n += 1``, ``model.fit(X)`` on a model only an earlier run
      trained): replaying the slice once does not rebuild that state.
    * ``reruns``: ``[{"name", "cellId", "skipped", "inPlace"}]`` — every
      name for which earlier runs of a cell were skipped because a later run
      of it in the slice redoes them (the target's own cell included), with
      how many; ``inPlace`` when those runs only changed the object
      (``model.fit(X)``) rather than rebinding the name (``n += 1``).
    * ``unsure``: ``[{"index", "reason"}]`` of unsure executions included.
    * ``unresolved``: sorted names read but defined by no kept execution
      (defined before the kept window, by IPython, or by nothing).
    * ``truncated``: True when executions were forgotten (see
      ``History.max_executions``) and some name is unresolved.
    * ``history_count`` / ``kept``: executions seen in all / still kept.
    """

    def __init__(self, executions, target, provides, reruns, unresolved, history_count, kept):
        super().__init__(executions)
        self.target = target
        self.provides = provides
        self.reruns = reruns
        self.self_dependent = sorted({r["name"] for r in reruns if r["key"] == target.key})
        self.unsure = [{"index": e.index, "reason": e.unsure} for e in executions if e.unsure]
        self.unresolved = sorted(unresolved)
        self.history_count = history_count
        self.kept = kept
        self.truncated = bool(unresolved) and history_count > kept
        self.literals = self._literals()
        self.params = {name: entry["value"] for name, entry in self.literals.items()
                       if entry["parameters"]}

    def _literals(self):
        found = {}
        for execution in self:  # oldest first: a later binding wins
            names = self.provides.get(execution.index, ())
            values = literal_params(execution.code) if names else {}
            for name in names:
                if name in values:
                    found[name] = {"value": values[name], "request": execution.request,
                                   "cellId": execution.cell_id,
                                   "executionCount": execution.execution_count,
                                   "parameters": execution.kind == "parameters"}
        return found

    def codes(self):
        """The slice's sources, oldest first (for :func:`hash_slice_paths`)."""
        return [execution.code for execution in self]

    def to_json(self):
        """``{"target", "executions", "provides", "params", "literals",
        "selfDependent", "reruns", "unsure", "unresolved", "truncated",
        "historyCount", "kept"}``; ``target`` and ``executions`` items are
        :meth:`Execution.to_json` shapes, ``provides`` is aligned with
        ``executions`` (a list of name lists)."""
        return {"target": self.target.to_json(),
                "executions": [e.to_json() for e in self],
                "provides": [list(self.provides.get(e.index, ())) for e in self],
                "params": self.params, "literals": self.literals,
                "selfDependent": self.self_dependent,
                "reruns": [{k: v for k, v in r.items() if k != "key"} for r in self.reruns],
                "unsure": self.unsure, "unresolved": self.unresolved,
                "truncated": self.truncated, "historyCount": self.history_count,
                "kept": self.kept}


def _modules_in(namespace, info, effects, known):
    """The names ``info``'s method calls (its own, and those of the
    functions it calls) are made on that ``namespace`` binds to a module,
    beyond ``known`` and the names the cell itself binds."""
    names = {name for name, _method in info.calls}
    for function in info.called:
        names.update(name for name, _method in effects.get(function, ()))
    names -= known | info.defines | info.maybe
    return {name for name in names if isinstance(namespace.get(name), types.ModuleType)}


class History:
    """The session's executions, in order, at most ``max_executions`` kept.

    Call :meth:`record` after each execution (``post_run_cell``: silent
    probes are not recorded), then :meth:`slice` for a run. ``count`` is the
    number of executions ever recorded (the full history count), ``len()``
    the number kept. An index from each name to the executions that bind or
    change it keeps slicing proportional to what a run reads, not to the
    length of the session.
    """

    def __init__(self, max_executions=MAX_EXECUTIONS):
        self.max_executions = max_executions
        self._entries = collections.deque(maxlen=max_executions)
        self.count = 0
        self._modules = set()  # names whose latest binding is an import
        self._effects = {}  # function name -> what calling it changes
        self._by_name = {}  # name -> ascending indices of executions binding/changing it
        self._unsure = []  # ascending indices of unsure executions

    def __len__(self):
        return len(self._entries)

    def __iter__(self):
        return iter(self._entries)

    @property
    def first_index(self):
        """Index of the oldest execution still kept."""
        return self.count - len(self._entries)

    def clear(self):
        """Forget everything (the kernel restarted)."""
        self._entries.clear()
        self.count = 0
        self._modules.clear()
        self._effects.clear()
        self._by_name.clear()
        self._unsure.clear()

    def record(self, request_id, cell_id, code, execution_count, kind=None, rebound=None,
               namespace=None):
        """Add one execution (in execution order) and return its :class:`Execution`.

        ``kind`` is ``"parameters"`` for a cell tagged ``parameters`` (its
        literal values are reported by :attr:`Slice.params`), else anything.
        ``rebound``: names the execution was seen to bind anew (the kernel
        compares them before and after, see :func:`bindings`); those of the
        cell's ``maybe_uses`` it read its own value of, not an earlier one.
        ``namespace``: the kernel's namespace after the execution. A name
        whose methods the cell calls and that is bound there to a module
        counts as imported, although no execution in the history imported
        it: the first cell's ``import numpy as np`` usually ran before the
        history started. Without it, every ``np.mean(x)`` or
        ``runs.log_metric(...)`` may change ``np`` or ``runs``, and each
        cell calling one would be in the lineage of every later one.
        """
        info = analyze(code or "")
        modules = (self._modules - info.defines - info.maybe) | info.imports
        if namespace is not None:
            modules |= _modules_in(namespace, info, self._effects, modules)
        touches = set(info.maybe) | info.mutates
        reseeds = set()
        for name, method in info.calls:
            # np.mean(x) does not change np; np.random.seed(0) does
            if name not in modules or method in SEED_METHODS:
                touches.add(name)
            if name in modules and method in SEED_METHODS:
                reseeds.add(name)
        for name, effects in info.effects.items():
            self._effects[name] = effects
        uses = set(info.uses) - (info.maybe_uses & set(rebound or ()))
        for function in info.called:
            for name, method in self._effects.get(function, ()):
                if method is None or name not in modules or method in SEED_METHODS:
                    touches.add(name)  # train() changes the model train's body fits,
                    uses.add(name)  # and what it changes it also read
                if name in modules and method in SEED_METHODS:
                    reseeds.add(name)  # seed_everything(seed) seeds them itself
        for name in info.defines | info.maybe:
            if name not in info.effects:
                self._effects.pop(name, None)
        self._modules = modules
        execution = Execution(self.count, request_id, cell_id, code or "", execution_count, kind,
                              info, info.defines, touches, uses, reseeds)
        self._entries.append(execution)
        for name in execution.kills | execution.touches:
            self._by_name.setdefault(name, []).append(execution.index)
        if execution.unsure:
            self._unsure.append(execution.index)
        self.count += 1
        if self.count % self.max_executions == 0:
            self._prune()
        return execution

    def _prune(self):
        """Drop forgotten executions from the name index (amortized: once
        per ``max_executions`` records)."""
        first = self.first_index
        for name in list(self._by_name):
            kept = [i for i in self._by_name[name] if i >= first]
            if kept:
                self._by_name[name] = kept
            else:
                del self._by_name[name]
        self._unsure = [i for i in self._unsure if i >= first]

    def _entry(self, index):
        return self._entries[index - self.first_index]

    def get(self, code_or_index=None):
        """An execution by index (``Execution.index``; negative: from the
        latest kept, -1 = latest), request id, or source (its latest run);
        None = the latest. KeyError if it is not kept."""
        entries = self._entries
        if code_or_index is None:
            code_or_index = -1
        if isinstance(code_or_index, Execution):
            code_or_index = code_or_index.index
        if isinstance(code_or_index, int):
            if code_or_index < 0:
                if -code_or_index > len(entries):
                    raise KeyError(code_or_index)
                return entries[code_or_index]
            position = code_or_index - self.first_index
            if not 0 <= position < len(entries):
                raise KeyError(code_or_index)
            return entries[position]
        for wanted in ("request", "code"):
            for execution in reversed(entries):
                if getattr(execution, wanted) == code_or_index:
                    return execution
        raise KeyError(code_or_index)

    def _candidates(self, name, before):
        """Kept executions before index ``before`` that may bind or change
        ``name`` (those that do, and unsure ones), latest first.

        A builtin name (``print``, ``len``) is only looked up in executions
        that visibly rebind it: counting unsure ones would put every unsure
        cell in every slice, for a shadowing that practically never happens.
        """
        first = self.first_index
        indices = self._by_name.get(name, ())
        own = reversed(indices[bisect.bisect_left(indices, first):
                               bisect.bisect_left(indices, before)])
        unsure = () if name in _BUILTINS else \
            reversed(self._unsure[bisect.bisect_left(self._unsure, first):
                                  bisect.bisect_left(self._unsure, before)])
        previous = None
        for index in heapq.merge(own, unsure, reverse=True):
            if index != previous:
                previous = index
                yield index

    def _bound_before(self, before):
        """Every name some kept execution before ``before`` binds or changes."""
        first = self.first_index
        return {name for name, indices in self._by_name.items()
                if bisect.bisect_left(indices, first) < bisect.bisect_left(indices, before)}

    def slice(self, code_or_index=None):
        """The :class:`Slice` of one execution (see :meth:`get` for how it is
        named): the executions before it whose definitions it used,
        transitively, oldest first.

        The rule, for each name an execution reads, looking back from it:

        1. the latest earlier execution that surely binds or deletes the name
           is included, and the search for that name stops there;
        2. executions on the way that may change it without surely rebinding
           it (in-place changes such as ``model.fit(X)``, bindings in a branch
           or loop, calls of functions that change it) are included too, and
           the search goes on past them;
        3. an unsure execution on the way is included (it may have bound the
           name) and the search goes on past it, since it may not have: so an
           unsure execution is in a slice exactly when some name the slice
           reads is not surely bound after it;
        4. an earlier run of a cell (same cell id and same source) that
           already has a run in the slice between it and the reader — the
           reader's own cell included — is skipped and counted in
           ``reruns``, and the search goes on past it: the later run redoes
           what it did. So re-running the experiment cell 50 times does not
           grow run 50's slice (its earlier runs are all skipped), nor does
           a later reader's slice pull in all 50 runs of a ``model.fit(X)``
           cell. When a run read state an earlier run of its own cell left
           (``n += 1``, or ``model.fit(X)`` on a model only an earlier run
           trained) the name is listed in ``self_dependent``: replaying the
           slice once does not rebuild it. An earlier run needed by a reader
           that comes *before* the cell's later run is included, so the
           slice stays a valid replay order (``x = 1`` / ``y = x`` /
           ``x = 1`` again / ``print(x, y)`` keeps both runs of the first
           cell); only genuinely interleaved dependencies (two cells feeding
           each other run after run) make a slice grow with the session.
           A skipped run is counted (and so may make the reader
           self-dependent) only on evidence: a name the reader visibly
           reads that the skipped run visibly binds or changes. An unsure
           reader "reads" every name only to keep the slice complete, and
           an unsure earlier run "may bind" every name: counting those made
           any cell that calls ``get_ipython()`` or a magic, run twice,
           self-dependent on every name in the session;
        5. for a module the reader seeds itself (``random.seed(seed)`` in its
           own code, or through a function that does), earlier executions
           that only changed the module's state (seeded it, drew from it)
           are passed over: the reader replaced that state before drawing
           from it. So a sweep cell that seeds its generators is not
           "self-dependent" on its earlier runs; the search still goes on to
           the ``import`` that bound the name. (A cell that draws before it
           seeds is taken as seeding first.)

        Every included execution's own reads are resolved the same way from
        its position; an unsure one reads every name bound before it.
        Executions are processed latest first, so when an execution is
        looked at, every later one that will be in the slice already is.
        """
        target = self.get(code_or_index)
        keys = {target.key: [target.index]}  # cell -> indices of its runs in the slice
        provides, reruns, unresolved = {}, collections.Counter(), set()
        heap = [-target.index]
        while heap:
            index = -heapq.heappop(heap)
            reader = self._entry(index)
            visible = set(reader.uses) | set(reader.builtin_uses)
            names = visible | self._bound_before(index) if reader.unsure else visible
            for name in sorted(names):
                resolved = False
                for earlier in self._candidates(name, index):
                    candidate = self._entry(earlier)
                    if (name in reader.reseeds and not candidate.unsure
                            and name not in candidate.kills):
                        continue  # state the reader replaced by seeding it
                    runs = keys.setdefault(candidate.key, [])
                    later = bisect.bisect_right(runs, earlier)
                    if later < len(runs) and runs[later] <= index:
                        # a run of this cell between it and the reader redoes
                        # it; counted only on evidence (see rule 4)
                        if name in visible and (name in candidate.kills
                                                or name in candidate.touches):
                            reruns[(name, candidate.key, name not in candidate.kills)] += 1
                        continue
                    if earlier not in provides:
                        provides[earlier] = set()
                        bisect.insort(runs, earlier)
                        heapq.heappush(heap, -earlier)
                    provides[earlier].add(name)
                    if not candidate.unsure and name in candidate.kills:
                        resolved = True
                        break
                if not resolved and name not in _BUILTINS:
                    unresolved.add(name)
        executions = [self._entry(i) for i in sorted(provides)]
        merged = collections.OrderedDict()
        for (name, key, in_place), skipped in sorted(reruns.items(), key=lambda kv: kv[0][0]):
            entry = merged.setdefault((name, key), {"name": name, "cellId": key[0],
                                                    "skipped": 0, "inPlace": True, "key": key})
            entry["skipped"] += skipped
            entry["inPlace"] = entry["inPlace"] and in_place
        return Slice(executions, target, {i: sorted(n) for i, n in provides.items()},
                     list(merged.values()), unresolved, self.count, len(self._entries))


# The kernel's history, for the capture hooks to record into.
HISTORY = History()
