"""collect_params: top-level simple assignments, values read after the cell ran."""

import pytest

from jupyterlab_runs._probe import collect_params

CASES = [
    ("literal", "lr = 0.1", {"lr": 0.1}, {"lr": 0.1}),
    ("computed", "base = 2\nlr = base * 0.05", {"base": 2, "lr": 0.1}, {"base": 2, "lr": 0.1}),
    ("tuple unpacking", "a, (b, *c) = 1, (2, 3, 4)", {"a": 1, "b": 2, "c": [3, 4]},
     {"a": 1, "b": 2, "c": [3, 4]}),
    ("annotated", "epochs: int = 10\nonly_annotation: int", {"epochs": 10}, {"epochs": 10}),
    ("augmented", "n = 1\nn += 1", {"n": 2}, {"n": 2}),
    ("chained", "x = y = 'adam'", {"x": "adam", "y": "adam"}, {"x": "adam", "y": "adam"}),
    ("small containers", "sizes = (64, 32)\ncfg = {'act': 'relu', 'p': 0.5}\nflags = [True, None]",
     {"sizes": (64, 32), "cfg": {"act": "relu", "p": 0.5}, "flags": [True, None]},
     {"sizes": [64, 32], "cfg": {"act": "relu", "p": 0.5}, "flags": [True, None]}),
    ("private names skipped", "_seed = 1\n__x = 2\nkeep = 3", {"_seed": 1, "__x": 2, "keep": 3},
     {"keep": 3}),
    ("big list skipped", "big = list(range(1000))", {"big": list(range(1000))}, {}),
    ("long string skipped", "s = 'x' * 5000", {"s": "x" * 5000}, {}),
    ("nested container skipped", "grid = [[1, 2], [3]]", {"grid": [[1, 2], [3]]}, {}),
    ("objects skipped", "import os\nf = os.path.join\nm = object()", {"f": print, "m": object()}, {}),
    ("non-str dict keys skipped", "d = {1: 2}", {"d": {1: 2}}, {}),
    ("nested scopes ignored", "def f():\n    inner = 1\nfor i in range(3):\n    j = i\n"
     "class C:\n    k = 1", {"inner": 1, "i": 2, "j": 2, "k": 1}, {}),
    ("attributes and subscripts ignored", "cfg.lr = 1\nd['k'] = 2", {"cfg": 1, "d": 2}, {}),
    ("missing from namespace", "never = 1", {}, {}),
    ("nan encoded", "loss = float('nan')", {"loss": float("nan")}, {"loss": "NaN"}),
    ("magics tolerated", "%time z = 1\nw = 2\n!echo hi", {"z": 1, "w": 2}, {"w": 2}),
    ("syntax error gives nothing", "x = (", {"x": 1}, {}),
]


@pytest.mark.parametrize("label, code, namespace, expected", CASES, ids=[c[0] for c in CASES])
def test_collect_params(label, code, namespace, expected, shell):
    assert collect_params(code, namespace) == expected


def test_numpy_scalars_become_numbers():
    np = pytest.importorskip("numpy")
    ns = {"lr": np.float32(0.5), "n": np.int64(3), "w": np.zeros(3)}
    assert collect_params("lr = f()\nn = g()\nw = h()", ns) == {"lr": 0.5, "n": 3}


def test_order_follows_the_code():
    assert list(collect_params("b = 1\na = 2\nb = 3", {"a": 2, "b": 3})) == ["b", "a"]


def test_a_cell_is_parsed_once_for_all_its_snapshots(monkeypatch):
    """Parameters and file names read one tree; a cell run again is not re-parsed."""
    from jupyterlab_runs import _params
    from jupyterlab_runs._probe import snapshot

    _params.parse.cache_clear()
    sources = []
    real = _params.python_source
    monkeypatch.setattr(_params, "python_source", lambda code: sources.append(code) or real(code))
    code = "lr = 0.5\npath = 'data.csv'"
    options = {"environment": False, "params": True, "datasets": True}
    for _ in range(3):
        snap = snapshot(code, None, options, {"lr": 0.5, "path": "data.csv"})
        assert snap["params"]["lr"] == 0.5
    assert sources == [code]
