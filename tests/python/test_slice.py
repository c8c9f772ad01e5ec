"""The slicer: what each cell defines/uses, and which earlier executions a run needs."""

import json
import os

import pytest

from jupyterlab_runs._params import hash_slice_paths
from jupyterlab_runs._slice import History, analyze, bindings, rebound


def history(cells):
    """A History of ``cells``: each a source (cell id c<i>) or (cell id, source)."""
    h = History()
    for i, cell in enumerate(cells):
        cell_id, code = cell if isinstance(cell, tuple) else (f"c{i}", cell)
        h.record(f"r{i}", cell_id, code, i + 1)
    return h


def slice_ids(h, which=None):
    return [e.request for e in h.slice(which)]


# (label, cells, requests of the last execution's slice, oldest first)
SLICES = [
    ("reassignment: latest definition", ["x = 1", "x = 2", "y = x"], ["r1"]),
    ("unrelated cells left out", ["x = 1", "z = 5", "print(x)"], ["r0"]),
    ("transitive", ["a = 1", "b = a + 1", "c = 0", "print(b)"], ["r0", "r1"]),
    ("defined in the same cell first", ["x = 1", "x = 2\nprint(x)"], []),
    ("used before defined in the same cell", ["x = 1", "print(x)\nx = 2"], ["r0"]),
    ("augmented assignment", ["n = 0", "n += 1", "print(n)"], ["r0", "r1"]),
    ("function defined earlier", ["k = 2", "def f(x):\n    return x * k", "f(3)"], ["r0", "r1"]),
    ("parameters are not uses", ["x = 1", "def f(x):\n    return x", "f(2)"], ["r1"]),
    ("function locals are not uses", ["y = 1", "def f():\n    y = 2\n    return y", "f()"], ["r1"]),
    ("name defined after the def in its cell", ["lr = 1", "def f():\n    return lr\nlr = 2",
                                                "f()"], ["r1"]),
    ("class used later", ["base = 1", "class A:\n    z = base", "A()"], ["r0", "r1"]),
    ("method reads a global", ["scale = 3", "class M:\n    def go(self):\n        return scale",
                               "M().go()"], ["r0", "r1"]),
    ("import", ["import numpy as np", "x = 1", "np.zeros(x)"], ["r0", "r1"]),
    ("import a.b defines a", ["import os.path", "os.path.join('a')"], ["r0"]),
    ("from import as", ["from sklearn.linear_model import LogisticRegression as LR", "m = LR()"],
     ["r0"]),
    ("attribute mutation: model.fit", ["X = 1", "model = M()", "model.fit(X)", "print(model)"],
     ["r0", "r1", "r2"]),
    ("mutations accumulate, pure methods do not",
     ["model = M()", "model.fit(1)", "model.predict(1)", "model.fit(2)", "model.score(3)"],
     ["r0", "r1", "r3"]),
    ("attribute assignment", ["cfg = C()", "cfg.lr = 0.1", "train(cfg)"], ["r0", "r1"]),
    ("module functions do not change the module",
     ["import numpy as np", "a = np.ones(3)", "np.mean(a)", "b = np.zeros(2)", "print(b)"],
     ["r0", "r3"]),
    ("seeding changes the module", ["import numpy as np", "np.random.seed(0)",
                                    "x = np.random.rand()"], ["r0", "r1"]),
    ("subscript assignment", ["d = {}", "d['k'] = 1", "print(d)"], ["r0", "r1"]),
    ("subscript index is a use", ["i = 0", "lst = [0]", "lst[i] = 5", "print(lst)"],
     ["r0", "r1", "r2"]),
    ("list append", ["lst = []", "lst.append(1)", "sum(lst)"], ["r0", "r1"]),
    ("inplace=True", ["df = load()", "df.dropna(inplace=True)", "df.head()", "print(df)"],
     ["r0", "r1"]),
    ("del is a kill", ["x = 1", "del x", "x = 2", "print(x)"], ["r2"]),
    ("del of an item changes the object", ["d = {'a': 1}", "del d['a']", "print(d)"],
     ["r0", "r1"]),
    ("loop target", ["xs = [1]", "for i in xs:\n    last = i", "print(last)"], ["r0", "r1"]),
    ("a loop may not run: older definition kept", ["last = -1", "for i in []:\n    last = i",
                                                   "print(last)"], ["r0", "r1"]),
    ("if/else binding both ways is sure", ["a = 0", "if c:\n    a = 1\nelse:\n    a = 2",
                                           "print(a)"], ["r1"]),
    ("if without else may not bind", ["a = 0", "if c:\n    a = 1", "print(a)"], ["r0", "r1"]),
    ("comprehension variables are local", ["x = 5", "ys = [1]", "zs = [x for x in ys]"], ["r1"]),
    ("comprehension free names are uses", ["k = 2", "ys = [1]", "zs = {y: y * k for y in ys}"],
     ["r0", "r1"]),
    ("lambda", ["k = 2", "f = lambda v: v * k", "f(1)"], ["r0", "r1"]),
    ("nested functions", ["q = 1", "def outer():\n    def inner():\n        return q\n"
                          "    return inner", "outer()()"], ["r0", "r1"]),
    ("global in a called function", ["def bump():\n    global counter\n    counter = 1",
                                     "counter = 0", "bump()", "print(counter)"],
     ["r0", "r1", "r2"]),
    ("global augmented in a function", ["counter = 0", "def bump():\n    global counter\n"
                                        "    counter += 1", "bump()\nprint(counter)"],
     ["r0", "r1"]),
    ("function changing a global object", ["model = M()", "def train():\n    model.fit(1)",
                                           "train()", "model.score(1)"], ["r0", "r1", "r2"]),
    ("walrus", ["data = [1]", "if (n := len(data)) > 0:\n    pass", "print(n)"], ["r0", "r1"]),
    ("with/as", ["p = 'f.txt'", "with open(p) as fh:\n    text = fh.read()", "print(text)"],
     ["r0", "r1"]),
    ("try/except as", ["err = 5", "try:\n    pass\nexcept Exception as err:\n    pass",
                       "print(err)"], ["r0", "r1"]),
    ("try body may stop early", ["v = 0", "try:\n    v = risky()\nexcept Exception:\n    pass",
                                 "print(v)"], ["r0", "r1"]),
    ("%time x = f()", ["def f():\n    return 1", "%time x = f()", "print(x)"], ["r0", "r1"]),
    ("%%time cell magic", ["a = 1", "%%time\nb = a + 1", "print(b)"], ["r0", "r1"]),
    ("%timeit binds nothing", ["y = 1", "%timeit y = 2", "print(y)"], ["r0"]),
    ("!ls with expansions", ["folder = 'data'", "other = 1", "!ls $folder"], ["r0"]),
    ("files = !ls", ["files = !ls", "print(files)"], ["r0"]),
    ("harmless magics", ["%matplotlib inline", "%load_ext autoreload", "x = 1", "print(x)"],
     ["r2"]),
    ("%run fallback: included when a read is not surely bound after it",
     ["a = 1", "%run script.py", "b = 2", "print(a, b)"], ["r0", "r1", "r2"]),
    ("%run fallback: not included when every read is bound after it",
     ["%run script.py", "a = 1", "print(a)"], ["r1"]),
    ("%run fallback: an unsure cell reads everything before it",
     ["w = 1", "v = 2", "%run -i script.py", "print(z)"], ["r0", "r1", "r2"]),
    ("%load fallback", ["%load snippet.py", "print(z)"], ["r0"]),
    ("%store -r fallback", ["%store -r model", "model.predict(1)"], ["r0"]),
    ("unknown magic fallback", ["%sql select 1", "print(rows)"], ["r0"]),
    ("star import fallback", ["from math import *", "print(pi)"], ["r0"]),
    ("exec fallback", ["exec('z = 1')", "print(z)"], ["r0"]),
    ("eval fallback", ["k = 1", "eval('k')", "print(q)"], ["r0", "r1"]),
    ("globals() fallback", ["globals()['z'] = 1", "print(z)"], ["r0"]),
    ("get_ipython() fallback", ["get_ipython().push({'z': 1})", "print(z)"], ["r0"]),
    ("syntax error fallback", ["x = 1", "x = (", "print(x)"], ["r0", "r1"]),
    ("builtins are not uses", ["x = 1", "print(len([x]))"], ["r0"]),
    ("a shadowed builtin is a use", ["len = 3", "print(len)"], ["r0"]),
    ("edited cell: the new source is what ran", [("A", "x = 1"), ("A", "x = 2"), ("B", "print(x)")],
     ["r1"]),
    ("re-run definer: replay order kept", [("A", "x = 1"), ("B", "y = x"), ("A", "x = 1"),
                                           ("C", "print(x, y)")], ["r0", "r1", "r2"]),
    ("a re-run of the run's own cell is skipped", [("P", "n = 0"), ("E", "n += 1"),
                                                   ("E", "n += 1"), ("E", "n += 1")], ["r0"]),
]


@pytest.mark.parametrize("label, cells, expected", SLICES, ids=[c[0] for c in SLICES])
def test_slice(label, cells, expected, shell):
    assert slice_ids(history(cells)) == expected


# (label, code, defines, uses, unsure reason or None)
ANALYSES = [
    ("assignment", "x = 1\ny = x + z", {"x", "y"}, {"z"}, None),
    ("tuple targets", "a, (b, *c) = f()", {"a", "b", "c"}, {"f"}, None),
    ("augmented", "n += 1", {"n"}, {"n"}, None),
    ("annotated", "e: int = 1\nonly: Foo", {"e"}, {"Foo"}, None),
    ("import a.b", "import a.b\nfrom c import d as e", {"a", "e"}, set(), None),
    ("method call mutates", "model.fit(X)", {"model"}, {"model", "X"}, None),
    ("subscript store", "d[k] = v", {"d"}, {"d", "k", "v"}, None),
    ("del", "del x, d['k']", {"x", "d"}, {"d"}, None),
    ("for", "for i, j in pairs:\n    total = i", {"i", "j", "total"}, {"pairs"}, None),
    ("comprehension", "[y * k for y in ys if y]", set(), {"k", "ys"}, None),
    ("a loop that surely runs binds surely", "for _ in range(100):\n    p = g(p0)\nacc = p",
     {"_", "p", "acc"}, {"g", "p0"}, None),
    ("a loop over a literal list surely runs", "for lr in [0.1, 0.2]:\n    best = lr\nprint(best)",
     {"lr", "best"}, set(), None),
    ("a loop of unknown length may not run", "for _ in range(n):\n    p = g()\nacc = p",
     {"_", "p", "acc"}, {"n", "g", "p"}, None),
    ("an empty range does not run", "for i in range(0):\n    q = 1\nprint(q)", {"i", "q"}, {"q"},
     None),
    ("a break may skip the rest of the body",
     "for _ in range(3):\n    if c:\n        break\n    p = 1\nacc = p",
     {"_", "p", "acc"}, {"c", "p"}, None),
    ("a nested loop's break is its own",
     "for _ in range(3):\n    for j in xs:\n        break\n    p = 1\nacc = p",
     {"_", "j", "p", "acc"}, {"xs"}, None),
    ("comprehension walrus", "[last := y for y in ys]", {"last"}, {"ys"}, None),
    ("function", "def f(a, *args, b=dflt, **kw):\n    c = a + g\n    return c",
     {"f"}, {"dflt", "g"}, None),
    ("decorator and annotations", "@dec\ndef f(a: T) -> R:\n    pass", {"f"}, {"dec", "T", "R"},
     None),
    ("class", "class A(B, metaclass=M):\n    k = v\n    def m(self):\n        return self.k + w",
     {"A"}, {"B", "M", "v", "w"}, None),
    ("global declaration", "def f():\n    global g\n    g = 1", {"f", "g"}, set(), None),
    ("walrus", "print(n := 3)", {"n"}, set(), None),
    ("with", "with ctx() as (a, b):\n    pass", {"a", "b"}, {"ctx"}, None),
    ("except as", "try:\n    pass\nexcept E as e:\n    log(e)", {"e"}, {"E", "log"}, None),
    ("match", "match p:\n    case Point(x=px) if px > lim:\n        q = px\n"
     "    case {'k': v, **rest}:\n        pass", {"px", "q", "v", "rest"}, {"p", "Point", "lim"},
     None),
    ("%time", "%time x = f()", {"x"}, {"f"}, None),
    ("%timeit with options", "%timeit -n 10 -r 3 f(x)", set(), {"f", "x"}, None),
    ("%prun with options", "%prun -s cumulative y = train(m)", {"y"}, {"train", "m"}, None),
    ("%%capture", "%%capture out\nq = r", {"out", "q"}, {"r"}, None),
    ("!cmd expansions", "!ls $path {n + 1}", set(), {"path", "n"}, None),
    ("%store (no -r)", "%store model", set(), {"model"}, None),
    ("%%bash --out", "%%bash --out listing\nls", {"listing"}, set(), None),
    ("help", "x?", set(), set(), None),
    ("builtins", "print(len(range(3)))", set(), set(), None),
    ("%run", "%run train.py", set(), set(), "%run"),
    ("%store -r", "%store -r model", set(), set(), "%store"),
    ("star import", "from math import *", set(), set(), "from math import *"),
    ("exec", "exec(code)", set(), {"code"}, "exec()"),
    ("exec inside a function", "def f():\n    exec('x')", {"f"}, set(), "exec()"),
    ("locals", "print(locals())", set(), set(), "locals()"),
    ("vars()", "vars()", set(), set(), "vars()"),
    ("vars(obj) is fine", "vars(o)", set(), {"o"}, None),
    ("get_ipython", "ip = get_ipython()", {"ip"}, set(), "get_ipython() use"),
    ("unknown magic", "%foo bar", set(), set(), "unknown magic %foo"),
    ("syntax error", "x = (", set(), set(), "does not parse: SyntaxError"),
]


@pytest.mark.parametrize("label, code, defines, uses, unsure", ANALYSES,
                         ids=[c[0] for c in ANALYSES])
def test_analyze(label, code, defines, uses, unsure, shell):
    entry = History().record("r", "c", code, 1)
    assert set(entry.defines) == defines
    assert entry.uses == uses
    assert entry.unsure == unsure


def test_rerunning_the_experiment_cell_keeps_the_slice_constant(shell):
    h = history(["import numpy as np", "X = np.ones(3)", "model = M()", "other = 1"])
    code = "model.fit(X)\nacc = model.score(X)\nprint(np.mean(X))"
    sizes = []
    for k in range(50):
        h.record(f"e{k}", "exp", code, 10 + k)
        h.record(f"plot{k}", "plot", "plt.plot(acc)", 100 + k)  # a cell run after each run
        sizes.append(len(h.slice(f"e{k}")))
    assert sizes == [3] * 50
    run50 = h.slice("e49")
    assert [e.request for e in run50] == ["r0", "r1", "r2"]
    # model.fit on a model earlier runs trained: flagged, in place
    assert run50.self_dependent == ["model"]
    assert run50.reruns == [{"name": "model", "cellId": "exp", "skipped": 49, "inPlace": True,
                             "key": ("exp", code)}]
    assert h.slice("e0").self_dependent == []
    # A later reader of the model takes the latest experiment run only.
    h.record("after", "eval", "model.score(X)", 999)
    assert [e.request for e in h.slice("after")] == ["r0", "r1", "r2", "e49"]


def test_a_sweep_cell_that_seeds_its_generators_is_not_self_dependent(shell):
    """A new user's sweep: ``import random`` once, then the parameters and
    the experiment cell (``random.seed(seed)`` first) run again and again.
    Each run drew only from the state it seeded: it is not "self-dependent"
    on ``random`` (every run but the first was reported stale), and its
    slice still holds the import that bound the name."""
    h = history(["import random, time", "data = list(range(100))"])
    code = ("random.seed(seed)\nloss = 1.0\nfor step in range(10):\n"
            "    loss *= (1 - lr) + random.random() * 0.01")
    for k in range(4):
        h.record(f"p{k}", "params", f"lr = 0.{k + 1}\nseed = {k}", 10 + 2 * k,
                 kind="parameters")
        h.record(f"e{k}", "train", code, 11 + 2 * k)
    for k in range(4):
        s = h.slice(f"e{k}")
        assert s.self_dependent == [], k
        assert [e.request for e in s] == ["r0", f"p{k}"], k
        assert s.provides[0] == ["random"]
    # Another cell that draws without seeding reads the state the latest
    # run left: it depends on that run.
    h.record("draw", "sample", "x = random.random()", 99)
    assert [e.request for e in h.slice("draw")] == ["r0", "p3", "e3"]
    # numpy's and torch's seeds, through the module's attributes
    h = history(["import numpy as np", "import torch"])
    code = "np.random.seed(seed)\ntorch.manual_seed(seed)\nx = np.random.rand() + torch.rand(1)"
    for k in range(3):
        h.record(f"p{k}", "params", f"seed = {k}", 10 + 2 * k, kind="parameters")
        h.record(f"e{k}", "train", code, 11 + 2 * k)
    s = h.slice("e2")
    assert s.self_dependent == []
    assert [e.request for e in s] == ["r0", "r1", "p2"]
    # Through a helper of an earlier cell, as many notebooks seed.
    h = history(["import random\nimport numpy as np",
                 "def seed_everything(s):\n    random.seed(s)\n    np.random.seed(s)"])
    for k in range(3):
        h.record(f"p{k}", "params", f"seed = {k}", 10 + 2 * k, kind="parameters")
        h.record(f"e{k}", "train", "seed_everything(seed)\nx = random.random() + np.random.rand()",
                 11 + 2 * k)
    s = h.slice("e2")
    assert s.self_dependent == []
    assert [e.request for e in s] == ["r0", "r1", "p2"]
    # Only the seeded module's state is replaced: a model the earlier runs
    # trained is still read from them.
    h = history(["import random", "model = M()"])
    for k in range(2):
        h.record(f"e{k}", "train", "random.seed(1)\nmodel.fit(random.random())", 10 + k)
    assert h.slice("e1").self_dependent == ["model"]


def test_modules_imported_before_the_history_started_are_not_changed_by_calls(shell):
    """The first cell (``import numpy as np``, ``import jupyterlab_runs as
    runs``) usually runs before the kernel side is set up. Without the
    namespace, every ``np.mean(x)`` or ``runs.log_metric`` may change the
    name, and each such cell is in the lineage of every later one: the
    sweep's run 6 needed runs 1 to 5 and a plotting cell."""
    import numpy
    import jupyterlab_runs

    experiment = "acc = np.mean(X)\nruns.log_metric('acc', acc)"
    namespace = {"np": numpy, "runs": jupyterlab_runs, "X": [1.0]}
    for seen in (None, namespace):
        h = History()
        h.record("data", "data", "X = [1.0, 2.0]", 2, namespace=seen)
        for k in range(3):
            h.record(f"e{k}", "exp", experiment, 3 + 2 * k, namespace=seen)
            h.record(f"plot{k}", "plot", "np.log(acc)\nruns.log_metric('x', 1)", 4 + 2 * k,
                     namespace=seen)
        s = h.slice("e2")
        if seen is None:  # unknown names: each call may change them: the whole session
            assert [e.request for e in s] == ["data", "e0", "plot0", "e1", "plot1"]
        else:
            assert [e.request for e in s] == ["data"]
            assert s.unresolved == ["np", "runs"]
    # a name rebound to something else is no module any more
    h = History()
    h.record("a", "a", "np.mean(X)", 1, namespace={"np": numpy})
    h.record("b", "b", "np = Thing()", 2, namespace={"np": object()})
    h.record("c", "c", "np.fit(X)", 3, namespace={"np": object()})
    h.record("d", "d", "print(np)", 4, namespace={"np": object()})
    assert [e.request for e in h.slice("d")] == ["b", "c"]


def test_a_training_loop_is_not_self_dependent(shell):
    # the sweep notebook's experiment cell: p is bound by a loop that runs
    h = history(["lr = 0.1", "import numpy as np", "data = np.ones((4, 3))"])
    code = ("w = np.zeros(2)\nfor _ in range(100):\n    p = 1 / (1 + np.exp(-(data[:, :2] @ w)))\n"
            "    w -= lr * data[:, :2].T @ (p - data[:, 2])\nacc = float(((p > 0.5) == data[:, 2]).mean())")
    for k in range(3):
        h.record(f"e{k}", "exp", code, 10 + k)
    s = h.slice("e2")
    assert [e.request for e in s] == ["r0", "r1", "r2"] and s.self_dependent == []


def test_a_loop_of_unknown_length_reads_its_own_binding_when_it_ran(shell):
    # for t in range(steps) binds p; the read after the loop is this run's
    # p if the loop ran (the kernel sees p rebound), the last run's if not
    code = "for t in range(steps):\n    p = t * 2\nacc = p"
    assert analyze(code).maybe_uses == {"p"} and "p" in analyze(code).uses
    h = history(["steps = 3"])
    h.record("e0", "exp", code, 10, rebound={"p", "t", "acc"})
    h.record("e1", "exp", code, 11, rebound={"p", "t", "acc"})
    assert h.slice("e1").self_dependent == []
    h.record("e2", "exp", code, 12, rebound=set())  # steps = 0: p is e1's
    assert h.slice("e2").self_dependent == ["p"]
    # without the kernel's word (no rebound given): the safe side
    h.record("e3", "exp", code, 13)
    assert h.slice("e3").self_dependent == ["p"]


def test_a_read_before_the_loop_stays_a_use_even_when_rebound(shell):
    code = "print(p)\nfor t in range(steps):\n    p = t\nacc = p"
    assert analyze(code).maybe_uses == set()
    h = history(["steps = 3"])
    h.record("e0", "exp", code, 10, rebound={"p"})
    h.record("e1", "exp", code, 11, rebound={"p"})
    assert h.slice("e1").self_dependent == ["p"]


def test_bindings_tell_which_names_a_cell_rebound(shell):
    big = bytearray(2 << 20)  # held by identity only
    ns = {"p": 1.5, "w": [1, 2], "m": big}
    taken = bindings(ns, ["p", "w", "m", "absent"])
    ns["p"] = 2.5
    ns["w"].append(3)  # mutated, not rebound
    ns["absent"] = 0
    assert rebound(ns, taken) == {"p", "absent"}


def test_a_self_dependent_counter_is_flagged(shell):
    h = history([("init", "n = 0")])
    for k in range(5):
        h.record(f"e{k}", "exp", "n += 1\nprint(n)", k + 2)
    s = h.slice()
    assert [e.request for e in s] == ["r0"] and s.self_dependent == ["n"]
    assert s.to_json()["reruns"] == [{"name": "n", "cellId": "exp", "skipped": 4,
                                      "inPlace": False}]


def test_a_cell_that_calls_get_ipython_is_not_self_dependent_on_everything(shell):
    """A cell using ``get_ipython()`` (or ``exec``, or a magic the slicer
    cannot see through) is unsure: it may bind and read any name. Run twice,
    its second run used to be "self-dependent" on every name in the session
    (the first run "may have bound" each): every such run looked stale.
    Self-dependence now needs evidence: a name the run visibly reads that its
    earlier run visibly binds or changes."""
    code = ("ip = get_ipython()\nfor i in range(n):\n    time.sleep(delay)\n"
            "f = open(path)\njson.dump({}, f)")
    h = history(["import json, time", "delay = 0.1", "n = 3", "path = 'p'"])
    for k in range(3):
        h.record(f"e{k}", "exp", code, 10 + k)
    s = h.slice("e2")
    assert h.get("e2").unsure == "get_ipython() use"
    assert [e.request for e in s] == ["r0", "r1", "r2", "r3"]
    assert s.self_dependent == [] and s.reruns == []
    # ...while a counter in such a cell still is
    h.record("x0", "count", "get_ipython()\nn += 1", 20)
    h.record("x1", "count", "get_ipython()\nn += 1", 21)
    assert h.slice("x1").self_dependent == ["n"]
    # and an unsure run of another cell is still in the slice when it may
    # have bound what the reader reads
    h.record("u", "other", "exec(src)", 22)
    h.record("e3", "exp", code, 23)
    assert "u" in slice_ids(h, "e3") and h.slice("e3").self_dependent == []


def test_parameter_values_used_by_the_slice(shell):
    """"`seed` is 5 in the parameters cell now, but the data split used `seed = 1`"."""
    h = History()
    h.record("p1", "params", "seed = 1\nlr = 0.1\nunused = 'x'\nwhen = now()", 1, kind="parameters")
    h.record("d1", "split", "train, test = split(data, seed=seed)\nw = when", 2)
    h.record("p2", "params", "seed = 5\nlr = 0.1\nunused = 'x'\nwhen = now()", 3, kind="parameters")
    h.record("e1", "exp", "fit(train, lr=lr)", 4)
    s = h.slice("e1")
    assert [e.request for e in s] == ["p1", "d1", "p2"]
    # the split read seed (and `when`, computed: no literal) from the first run,
    # the experiment read lr from the second
    assert s.provides == {0: ["seed", "when"], 1: ["train"], 2: ["lr"]}
    assert s.params == {"seed": 1, "lr": 0.1}
    assert s.literals["seed"] == {"value": 1, "request": "p1", "cellId": "params",
                                  "executionCount": 1, "parameters": True}
    assert "unused" not in s.params and "when" not in s.literals
    # literals from cells not tagged parameters are reported too, not as params
    h.record("s", "setup", "split_seed = 3", 5)
    h.record("e2", "exp2", "print(split_seed)", 6)
    s = h.slice("e2")
    assert s.params == {} and s.literals["split_seed"]["value"] == 3
    assert s.literals["split_seed"]["parameters"] is False


def test_unsure_execution_rule(shell):
    """An unsure cell is included exactly when some read is not surely bound after it."""
    h = history(["a = 1", "exec(src)", "b = 2", "print(b)"])
    assert slice_ids(h) == ["r2"]
    s = h.slice("r3")
    assert s.unsure == [] and s.unresolved == []
    h = history(["src = 's'", "exec(src)", "print(z)"])
    s = h.slice()
    assert [e.request for e in s] == ["r0", "r1"]
    assert s.unsure == [{"index": 1, "reason": "exec()"}]
    assert s.unresolved == ["z"]  # bound by nothing we can see
    entry = s.to_json()["executions"][1]
    assert entry["unsure"] == "exec()" and entry["uses"] == ["src"] and entry["defines"] == []


def test_history_is_bounded_and_counts_everything(shell):
    h = History(max_executions=10)
    h.record("first", "c0", "x = 1", 1)
    for k in range(25):
        h.record(f"r{k}", f"c{k % 3}", f"y{k % 3} = {k}", k + 2)
    h.record("last", "z", "print(x, y1)", 99)
    assert len(h) == 10 and h.count == 27 and h.first_index == 17
    s = h.slice()
    assert [e.request for e in s] == ["r22"]
    assert s.unresolved == ["x"] and s.truncated is True
    assert s.history_count == 27 and s.kept == 10
    with pytest.raises(KeyError):
        h.get(0)  # forgotten
    assert h.get(17).request == "r16" and h.get(-1).request == "last"
    assert h.get("print(x, y1)").request == "last" and h.get("r24").index == 25
    # the name index forgets old executions too (every max_executions records)
    assert all(i >= h.first_index - h.max_executions for ids in h._by_name.values() for i in ids)
    h._prune()
    assert all(i >= h.first_index for ids in h._by_name.values() for i in ids)


def test_to_json_shapes(shell):
    h = history(["import pandas as pd", "df = pd.read_csv(path)\ndf['x'] = 1"])
    entry = h.get(-1).to_json()
    assert entry == {"request": "r1", "cellId": "c1", "code": "df = pd.read_csv(path)\ndf['x'] = 1",
                     "executionCount": 2, "defines": ["df"], "uses": ["path", "pd"],
                     "unsure": None, "parameters": False}
    doc = h.slice().to_json()
    json.dumps(doc, allow_nan=False)
    assert set(doc) == {"target", "executions", "provides", "params", "literals", "selfDependent",
                        "reruns", "unsure", "unresolved", "truncated", "historyCount", "kept"}
    assert doc["target"] == entry and doc["provides"] == [["pd"]]
    assert doc["unresolved"] == ["path"] and doc["truncated"] is False


def test_slice_files_follow_variables_across_cells(tmp_path, monkeypatch, shell):
    monkeypatch.chdir(tmp_path)
    os.makedirs("data")
    (tmp_path / "data" / "train.csv").write_text("a\n1\n")
    h = history(["import pandas as pd", "path = 'data/train.csv'", "df = pd.read_csv(path)",
                 "model.fit(df)"])
    s = h.slice()
    assert [e.request for e in s] == ["r0", "r1", "r2"]
    records = hash_slice_paths(s.codes(), s.target.code, max_bytes=1 << 20)
    assert [r["path"] for r in records] == ["data/train.csv"]


def test_analysis_is_cached_per_source(shell, monkeypatch):
    from jupyterlab_runs import _slice

    _slice.analyze.cache_clear()
    h = History()
    for k in range(20):
        h.record(f"r{k}", "exp", "acc = evaluate(model)", k)
    assert _slice.analyze.cache_info().misses == 1
    assert analyze("acc = evaluate(model)").uses == {"evaluate", "model"}


def test_recorded_from_post_run_cell_in_a_real_shell(shell):
    """How the capture hooks would feed it: every non-silent execution, in order,
    failed ones included (their bindings up to the error are still in place)."""
    h = History()

    def post_run_cell(result):
        h.record(f"req{result.execution_count}", None, result.info.raw_cell,
                 result.execution_count)

    shell.events.register("post_run_cell", post_run_cell)
    try:
        shell.run_cell("import math", store_history=True)
        shell.run_cell("base = 2\nscale = math.sqrt(base)", store_history=True)
        shell.run_cell("%time offset = 1", store_history=True)
        shell.run_cell("unused = 0", store_history=True)
        shell.run_cell("bad = 1 / 0", store_history=True)  # fails
        shell.run_cell("result = scale + offset", store_history=True)
        shell.run_cell("print(result)", silent=True)  # silent: no post_run_cell
    finally:
        shell.events.unregister("post_run_cell", post_run_cell)
    assert h.count == 6
    s = h.slice("result = scale + offset")
    assert [e.code for e in s] == ["import math", "base = 2\nscale = math.sqrt(base)",
                                   "%time offset = 1"]
    # `scale` is computed and `%time offset = 1` is a magic: no literal values taken
    assert s.provides == {0: ["math"], 1: ["scale"], 2: ["offset"]} and s.literals == {}
    assert s.unresolved == [] and s.self_dependent == []
