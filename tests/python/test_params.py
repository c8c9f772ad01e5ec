"""Parameters: a cell's top-level *literal* assignments, read from its source.

Before issue #13 the values were read from the namespace after the cell ran,
so computed values counted and a failed cell reported whatever an earlier
run had left. Now only what the code spells out is a parameter.
"""

import pytest

from jupyterlab_runs._params import literal_params
from jupyterlab_runs._probe import collect_params, snapshot

CASES = [
    ("literal", "lr = 0.1", {"lr": 0.1}),
    ("all scalar kinds", "a = 1\nb = 'adam'\nc = True\nd = None\ne = 2.5",
     {"a": 1, "b": "adam", "c": True, "d": None, "e": 2.5}),
    # Changed: `lr = base * 0.05` used to give lr = 0.1 from the namespace.
    ("computed excluded", "base = 2\nlr = base * 0.05", {"base": 2}),
    ("call results excluded", "acc = accuracy_score(y, p)\nw = np.zeros(3)\nn = len(xs)", {}),
    ("names excluded", "x = y\nz = None", {"z": None}),
    ("f-string excluded", "name = f'run-{lr}'\nplain = f'abc'", {}),
    ("operators excluded", "lr = 1 / 3\nsteps = 2 ** 10\nneg = -(1 + 2)", {}),
    ("tuple unpacking", "a, b = 1, 2", {"a": 1, "b": 2}),
    ("nested unpacking with star", "a, (b, *c) = 1, (2, 3, 4)", {"a": 1, "b": 2, "c": [3, 4]}),
    ("star in the middle", "first, *mid, last = [1, 2, 3, 4]",
     {"first": 1, "mid": [2, 3], "last": 4}),
    ("unpacking a computed value", "a, b = f()\nc, d = 1, g()", {"c": 1}),
    ("unpacking a mismatch", "a, b = 1, 2, 3", {}),
    ("annotated", "epochs: int = 10\nonly_annotation: int", {"epochs": 10}),
    ("annotated computed", "epochs: int = int('10')", {}),
    # Changed: `n = 1; n += 1` used to give n = 2 from the namespace.
    ("augmented is not a literal", "n = 1\nn += 1", {}),
    ("augmented alone", "total += 1", {}),
    ("chained", "x = y = 'adam'", {"x": "adam", "y": "adam"}),
    ("negatives", "lo = -1\nhi = +2.5\ntiny = -1e-8\nlst = [-1, +2]",
     {"lo": -1, "hi": 2.5, "tiny": -1e-8, "lst": [-1, 2]}),
    ("minus on a non-number", "a = -True\nb = -'x'\nc = -x", {}),
    ("small containers", "sizes = (64, 32)\ncfg = {'act': 'relu', 'p': 0.5}\nflags = [True, None]",
     {"sizes": [64, 32], "cfg": {"act": "relu", "p": 0.5}, "flags": [True, None]}),
    # Changed: nested containers were skipped; a literal nested config is a parameter now.
    ("nested containers",
     "grid = [[1, 2], [3]]\ncfg = {'opt': {'name': 'adam', 'betas': (0.9, 0.99)}}",
     {"grid": [[1, 2], [3]], "cfg": {"opt": {"name": "adam", "betas": [0.9, 0.99]}}}),
    ("too deep", "deep = [[[[1]]]]", {}),
    ("too many items",
     "big = [" + ", ".join(["1"] * 33) + "]\nok = [" + ", ".join(["1"] * 32) + "]",
     {"ok": [1] * 32}),
    ("too many scalars nested", "g2 = [" + ", ".join(["[1, 2]"] * 17) + "]", {}),
    ("long literal string skipped", f"s = '{'x' * 1001}'\nt = '{'x' * 1000}'", {"t": "x" * 1000}),
    ("computed string skipped", "s = 'x' * 5000", {}),
    ("non-str dict keys skipped", "d = {1: 2}\ne = {**base, 'a': 1}", {}),
    ("bytes and complex skipped", "b = b'x'\nc = 1j\nd = ...", {}),
    ("infinity encoded", "big = 1e999\nsmall = -1e999", {"big": "Infinity", "small": "-Infinity"}),
    ("private names skipped", "_seed = 1\n__x = 2\nkeep = 3", {"keep": 3}),
    ("nested scopes ignored", "def f():\n    inner = 1\nfor i in range(3):\n    j = i\n"
     "class C:\n    k = 1", {}),
    ("attributes and subscripts ignored", "cfg.lr = 1\nd['k'] = 2", {}),
    # Changed: a name missing from the namespace used to be skipped; the code is enough now.
    ("no namespace needed", "never = 1", {"never": 1}),
    ("last assignment wins", "lr = 0.1\nlr = 0.2", {"lr": 0.2}),
    ("last assignment not literal", "lr = 0.1\nlr = schedule(lr)", {}),
    ("literal after computed", "lr = schedule()\nlr = 0.3", {"lr": 0.3}),
    ("rebound by a loop", "lr = 0.1\nfor lr in (0.1, 0.2):\n    pass", {}),
    ("rebound conditionally", "lr = 0.1\nif fast:\n    lr = 1.0", {}),
    ("rebound by import and def", "np = 1\nimport numpy as np\nf = 2\ndef f(): pass", {}),
    ("deleted", "lr = 0.1\ndel lr", {}),
    ("rebound by walrus", "n = 1\nprint(n := 2)", {}),
    ("rebound in with/except", "f = 1\ne = 2\nwith open('x') as f:\n    pass\n"
     "try:\n    pass\nexcept Exception as e:\n    pass", {}),
    ("global in a function", "g = 2\ndef bump():\n    global g\n    g = 3", {}),
    ("mutated container", "cfg = {'lr': 1}\ncfg['lr'] = 2\nsizes = [1]\nsizes.append(2)\nt = 'ab'\n"
     "t.upper()", {"t": "ab"}),
    ("mutated on the right-hand side", "queue = [1, 2]\nfirst = queue.pop()", {}),
    ("magics tolerated", "%time z = 1\nw = 2\n!echo hi", {"w": 2}),
    ("syntax error gives nothing", "x = (", {}),
]


@pytest.mark.parametrize("label, code, expected", CASES, ids=[c[0] for c in CASES])
def test_literal_params(label, code, expected, shell):
    assert literal_params(code) == expected


def test_collect_params_ignores_the_namespace(shell):
    """The old entry point still works; values never come from the namespace."""
    assert collect_params("lr = 0.1\nacc = f()", {"lr": 99, "acc": 0.9}) == {"lr": 0.1}
    assert collect_params("lr = 0.1") == {"lr": 0.1}


def test_numpy_results_are_not_params():
    # Changed: numpy scalars read from the namespace used to become numbers.
    np = pytest.importorskip("numpy")
    ns = {"lr": np.float32(0.5), "n": np.int64(3), "w": np.zeros(3)}
    assert collect_params("lr = f()\nn = g()\nw = h()", ns) == {}


def test_order_follows_the_code():
    assert list(literal_params("b = 1\na = 2\nb = 3")) == ["b", "a"]


def test_a_failed_cell_reports_its_own_literals(shell):
    """A cell that raises after `lr = 0.5` reports 0.5, not the previous run's value,
    and never a name only an earlier run (or the namespace) had."""
    shell.run_cell("lr = 0.1\nepochs = 3\nstale = 'old'")
    code = "lr = 0.5\nepochs = 7\nraise RuntimeError('boom')\nlater = 1"
    result = shell.run_cell(code)
    assert not result.success
    assert shell.user_ns["lr"] == 0.5
    snap = snapshot(code, None, {"environment": False, "datasets": False})
    assert snap["params"] == {"lr": 0.5, "epochs": 7, "later": 1}
    # A cell failing before its assignments: still its literals, not 0.1/3 from the namespace.
    shell.run_cell("lr = 0.1\nepochs = 3")
    code = "1 / 0\nlr = 0.9\nepochs = acc_fn()"
    assert not shell.run_cell(code).success
    assert shell.user_ns["lr"] == 0.1
    assert snapshot(code, None, {"environment": False, "datasets": False})["params"] == {"lr": 0.9}


def test_a_cell_is_parsed_once_for_all_its_snapshots(monkeypatch):
    """Parameters and file names read one tree; a cell run again is not re-parsed."""
    from jupyterlab_runs import _params

    _params.parse.cache_clear()
    sources = []
    real = _params.python_source
    monkeypatch.setattr(_params, "python_source", lambda code: sources.append(code) or real(code))
    code = "lr = 0.5\npath = 'data.csv'"
    options = {"environment": False, "params": True, "datasets": True}
    for _ in range(3):
        snap = snapshot(code, None, options)
        assert snap["params"]["lr"] == 0.5
    assert sources == [code]


def test_path_strings_are_read_once_per_cell_and_the_variables_before_it():
    from jupyterlab_runs import _params

    _params._code_path_strings.cache_clear()
    first = _params.slice_path_candidates(["path = 'data/x.csv'"], "open(path)")
    again = _params.slice_path_candidates(["path = 'data/x.csv'"], "open(path)")
    assert first == again == ["data/x.csv"]
    assert _params._code_path_strings.cache_info().misses == 2
    # the same cell after another binding of `path` reads that one
    other = _params.slice_path_candidates(["path = 'data/y.csv'"], "open(path)")
    assert other == ["data/y.csv"]
