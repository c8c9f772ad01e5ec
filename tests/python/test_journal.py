"""The kernel's run journal: every experiment execution written down by the
kernel itself, so runs are not lost while no page listens."""

import json
import os
import shutil

import pytest

from jupyterlab_runs import _journal
from jupyterlab_runs._journal import Journal, date_ms, run_id

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# Shared with jest (src/core/__tests__/id.spec.ts): the page derives the same ids.
VECTORS = os.path.join(ROOT, "src", "core", "__tests__", "fixtures", "run-id-vectors.json")


def test_run_ids_match_the_shared_vectors():
    with open(VECTORS, encoding="utf-8") as f:
        vectors = json.load(f)
    assert len(vectors) >= 5
    for case in vectors:
        assert run_id(case["msgId"], case["dateMs"]) == case["runId"], case


def test_run_ids_are_ulids_that_sort_by_request_time():
    a = run_id("a", 1_700_000_000_000)
    b = run_id("a", 1_700_000_000_001)
    assert len(a) == 26 and a < b
    assert run_id("a", 5) != run_id("b", 5)


@pytest.mark.parametrize("date, expected", [
    ("2026-12-05T09:18:41.123Z", 1796462321123),
    ("2026-12-05T09:18:41.123456+00:00", 1796462321123),
    ("2026-12-05T10:18:41.5+01:00", 1796462321500),
])
def test_request_dates_become_epoch_ms(date, expected):
    assert date_ms(date) == expected


@pytest.mark.parametrize("notebook, session_name, cwd, root", [
    ("nb.ipynb", "/srv/lab/nb.ipynb", None, "/srv/lab"),
    ("a/b/nb.ipynb", "/srv/lab/a/b/nb.ipynb", None, "/srv/lab"),
    # Renamed since the kernel started: the folders still match.
    ("a/b/new.ipynb", "/srv/lab/a/b/old.ipynb", None, "/srv/lab"),
    # No JPY_SESSION_NAME: the kernel started in the notebook's folder.
    ("a/nb.ipynb", None, "/srv/lab/a", "/srv/lab"),
    ("nb.ipynb", None, "/srv/lab", "/srv/lab"),
    # Nothing agrees: no journal rather than one in the wrong place.
    ("a/nb.ipynb", None, "/elsewhere", None),
])
def test_the_server_root_is_found_on_disk(notebook, session_name, cwd, root):
    journal = Journal()
    journal.configure(notebook, session_name, cwd)
    if root is None:
        assert journal.folder() is None and "Could not locate" in journal.reason
    else:
        stem = notebook.rsplit("/", 1)[-1][:-len(".ipynb")]
        dirs = notebook.split("/")[:-1]
        assert journal.folder() == os.path.join(root, *dirs, stem + ".runs", "journal")


def test_a_path_with_dot_dot_is_refused():
    journal = Journal()
    journal.configure("../etc/nb.ipynb", "/srv/lab/nb.ipynb", None)
    assert journal.folder() is None


def test_one_file_per_execution_with_start_logs_and_end(tmp_path, monkeypatch):
    monkeypatch.setattr(_journal, "_kernel_id", lambda: "k1")
    journal = Journal()
    journal.configure("nb.ipynb", str(tmp_path / "nb.ipynb"), None)
    rid = journal.start("req-1", "2026-12-05T09:18:41.123Z", "cell-1", ["experiment"],
                        "x = 1", 3)
    assert rid == run_id("req-1", 1796462321123)
    journal.log({"seq": 1, "delta": {"metrics": {"loss": {"steps": [0], "values": [1.5]}}}})
    journal.log({"seq": 2, "delta": {"metrics": {"loss": {"steps": [1], "values": [float("nan")]}}}})
    assert journal.end("ok", None, {"params": {"x": 1}}) == rid
    folder = tmp_path / "nb.runs" / "journal"
    lines = [json.loads(line) for line in (folder / f"{rid}.jsonl").read_text().splitlines()]
    assert [line["e"] for line in lines] == ["start", "log", "log", "end"]
    assert lines[0]["code"] == "x = 1" and lines[0]["cellId"] == "cell-1"
    assert lines[0]["kernel"] == "k1" and lines[0]["pid"] == os.getpid()
    assert lines[2]["m"]["delta"]["metrics"]["loss"]["values"] == ["NaN"]
    assert lines[3]["status"] == "ok" and lines[3]["snapshot"] == {"params": {"x": 1}}
    assert json.loads((folder / "kernel-k1.json").read_text())["pid"] == os.getpid()
    # Nothing in progress any more: later log calls are not journaled.
    journal.log({"seq": 3})
    assert len((folder / f"{rid}.jsonl").read_text().splitlines()) == 4


def _lines(path):
    return [json.loads(line)["e"] for line in path.read_text().splitlines()]


@pytest.fixture()
def running(tmp_path, monkeypatch):
    """A journal of ``nb.ipynb`` in ``tmp_path`` with an execution started:
    the journal and the run's file name."""
    monkeypatch.setattr(_journal, "_kernel_id", lambda: "k1")
    journal = Journal()
    journal.configure("nb.ipynb", str(tmp_path / "nb.ipynb"), None)
    rid = journal.start("req-1", None, "c", ["experiment"], "fit()", 1)
    return journal, f"{rid}.jsonl"


def test_a_journal_moved_with_its_runs_folder_mid_run_is_followed_not_recreated(
        tmp_path, running):
    journal, name = running
    journal.log({"seq": 1})
    # The page renames the notebook and moves its runs folder; the kernel,
    # busy in the cell, hears of the new name only once it ends.
    os.rename(tmp_path / "nb.runs", tmp_path / "trained.runs")
    journal.log({"seq": 2})
    journal.end("ok")
    moved = tmp_path / "trained.runs" / "journal" / name
    assert _lines(moved) == ["start", "log", "log", "end"]
    assert not (tmp_path / "nb.runs").exists()


def test_a_journal_renamed_and_configured_mid_run_goes_on_under_the_new_name(
        tmp_path, running):
    journal, name = running
    # The rename reaches the kernel before the folder has moved: the file
    # stays where it is until it moves.
    journal.configure("trained.ipynb")
    journal.log({"seq": 1})
    assert _lines(tmp_path / "nb.runs" / "journal" / name) == ["start", "log"]
    os.rename(tmp_path / "nb.runs", tmp_path / "trained.runs")
    journal.end("ok")
    assert _lines(tmp_path / "trained.runs" / "journal" / name) == ["start", "log", "end"]
    assert not (tmp_path / "nb.runs").exists()


def test_a_journal_deleted_with_its_folder_mid_run_starts_again_where_runs_go(
        tmp_path, running):
    journal, name = running
    shutil.rmtree(tmp_path / "nb.runs")
    journal.log({"seq": 1})
    journal.end("ok")
    assert _lines(tmp_path / "nb.runs" / "journal" / name) == ["log", "end"]


def test_each_line_is_on_disk_as_it_is_written_from_one_open_file(tmp_path, running,
                                                                  monkeypatch):
    journal, name = running
    path = tmp_path / "nb.runs" / "journal" / name
    opened = []
    real_open = open
    monkeypatch.setattr("builtins.open", lambda *a, **k: opened.append(a[0]) or real_open(*a, **k))
    for seq in range(3):
        journal.log({"seq": seq})
        # A page reading the journal of a run still in flight (its tab was
        # closed) sees every line so far.
        assert _lines(path) == ["start"] + ["log"] * (seq + 1)
    journal.end("ok")
    assert _lines(path) == ["start", "log", "log", "log", "end"]
    # The file opened at the start served the rest: opening it again for
    # each line cost the kernel's reply about 1 ms per tagged execution.
    assert opened == ([] if os.name == "posix" else [str(path)] * 4)


def test_an_unwritable_folder_never_raises(tmp_path, monkeypatch):
    blocker = tmp_path / "nb.runs"
    blocker.write_text("a file where the folder should be")
    journal = Journal()
    journal.configure("nb.ipynb", str(tmp_path / "nb.ipynb"), None)
    assert journal.start("req", None, None, ["experiment"], "x", 1) is None
    assert "could not be written" in journal.reason
    journal.log({"seq": 1})
    assert journal.end("ok") is None


manager = pytest.importorskip("jupyter_client.manager")
pytest.importorskip("ipykernel")


@pytest.fixture()
def lab_kernel(tmp_path):
    """A kernel started as jupyter_server starts one for a notebook: in the
    notebook's folder, with JPY_SESSION_NAME set to the notebook on disk."""
    folder = tmp_path / "work"
    folder.mkdir()
    env = dict(os.environ, JPY_SESSION_NAME=str(folder / "train.ipynb"),
               PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    km, kc = manager.start_new_kernel(kernel_name="python3", startup_timeout=60,
                                      cwd=str(folder), env=env)
    yield kc, tmp_path
    kc.stop_channels()
    km.shutdown_kernel(now=True)


def _run_tagged(kc, code, tags, cell_id="cell-t"):
    msg = kc.session.msg(
        "execute_request",
        {"code": code, "silent": False, "store_history": True, "user_expressions": {},
         "allow_stdin": False, "stop_on_error": True},
        metadata={"tags": tags, "cellId": cell_id},
    )
    kc.shell_channel.send(msg)
    while True:
        got = kc.get_iopub_msg(timeout=60)
        if (got["parent_header"].get("msg_id") == msg["header"]["msg_id"]
                and got["msg_type"] == "status"
                and got["content"]["execution_state"] == "idle"):
            return msg


def _register(kc, datasets=False):
    """Set the kernel side up as a page does for ``work/train.ipynb``."""
    options = json.dumps({"notebook": "work/train.ipynb", "environment": False,
                          "params": True, "datasets": datasets})
    setup = ("__import__('jupyterlab_runs._capture', fromlist=['_'])"
             f".register({json.dumps(options)})")
    assert kc.execute_interactive(setup, silent=True, timeout=60)["content"]["status"] == "ok"


def test_a_real_kernel_journals_each_tagged_execution(lab_kernel):
    kc, root = lab_kernel
    _register(kc)
    code = ("import jupyterlab_runs as runs\nlr = 0.5\n"
            "for i in range(3):\n    runs.log_metric('loss', 1.0 / (i + 1))\n")
    first = _run_tagged(kc, code, ["experiment:sweep"])
    untagged = _run_tagged(kc, "x = 1", [])
    failing = _run_tagged(kc, "lr = 0.1\n1 / 0", ["experiment"])
    folder = root / "work" / "train.runs" / "journal"
    files = sorted(p.name for p in folder.iterdir())
    expected = {
        run_id(m["header"]["msg_id"], date_ms(m["header"]["date"])) + ".jsonl"
        for m in (first, failing)
    }
    assert expected <= set(files) and len([f for f in files if f.endswith(".jsonl")]) == 2
    assert run_id(untagged["header"]["msg_id"], date_ms(untagged["header"]["date"])) \
        + ".jsonl" not in files
    first_id = run_id(first["header"]["msg_id"], date_ms(first["header"]["date"]))
    lines = [json.loads(x) for x in (folder / f"{first_id}.jsonl").read_text().splitlines()]
    assert lines[0]["e"] == "start" and lines[0]["cellId"] == "cell-t"
    assert lines[0]["tags"] == ["experiment:sweep"] and lines[0]["code"] == code
    logged = [v for line in lines if line["e"] == "log"
              for v in line["m"]["delta"]["metrics"].get("loss", {}).get("values", [])]
    assert logged == [1.0, 0.5, 1.0 / 3]
    assert lines[-1]["e"] == "end" and lines[-1]["status"] == "ok"
    assert lines[-1]["snapshot"]["params"] == {"lr": 0.5}
    failing_id = run_id(failing["header"]["msg_id"], date_ms(failing["header"]["date"]))
    end = json.loads((folder / f"{failing_id}.jsonl").read_text().splitlines()[-1])
    assert end["status"] == "error" and end["error"]["ename"] == "ZeroDivisionError"
    assert end["error"]["traceback"]  # as the page would show it
    assert end["snapshot"]["params"] == {"lr": 0.1}  # never the earlier run's value


def test_each_run_journals_the_parameters_cell_it_ran_after(lab_kernel):
    """A sweep whose tab was closed: the kernel runs the queued `parameters`
    and experiment cells with no page listening, so the journal's start line
    is where the run's parameters are kept."""
    kc, root = lab_kernel
    _register(kc)
    experiment = "loss = lr * epochs\nprint(loss)"
    before = _run_tagged(kc, "lr = 1.0\nepochs = 1\n" + experiment, ["experiment"], "cell-e0")
    runs = []
    for lr in (0.01, 0.02):
        _run_tagged(kc, f"lr = {lr}\nepochs = 3  # a sweep", ["parameters"], "cell-p")
        runs.append(_run_tagged(kc, experiment, ["experiment:sweep"], "cell-e"))
    _run_tagged(kc, "lr = 0.5", [], "cell-x")  # not a parameters cell
    runs.append(_run_tagged(kc, experiment, ["experiment:sweep"], "cell-e"))
    folder = root / "work" / "train.runs" / "journal"

    def start(msg):
        rid = run_id(msg["header"]["msg_id"], date_ms(msg["header"]["date"]))
        return json.loads((folder / f"{rid}.jsonl").read_text().splitlines()[0])

    assert "params" not in start(before)  # no parameters cell had run
    assert [start(m)["params"] for m in runs] == [
        {"lr": 0.01, "epochs": 3}, {"lr": 0.02, "epochs": 3},
        {"lr": 0.02, "epochs": 3},  # an untagged cell is not the parameters cell
    ]
    # With the In[] number of that parameters cell's execution: the one
    # just before each of the first two runs.
    counts = [(start(m)["paramsCount"], start(m)["executionCount"]) for m in runs]
    assert [c for c, _ in counts] == [counts[0][1] - 1, counts[1][1] - 1, counts[1][1] - 1]


def test_each_run_carries_its_dependency_slice_not_the_session(lab_kernel):
    """A sweep re-running the experiment cell: every run's lineage is the
    cells it depends on, the same size for run 1 and run 5, and a data file
    named by a variable of the parameters cell is hashed as an input."""
    kc, root = lab_kernel
    (root / "work" / "train.csv").write_text("1,2\n3,4\n")
    _register(kc, datasets=True)
    _run_tagged(kc, "seed = 1\npath = 'train.csv'", ["parameters"], "params")
    _run_tagged(kc, "data = open(path).read().split()", [], "load")
    _run_tagged(kc, "unrelated = 42", [], "other")
    runs = [_run_tagged(kc, "lr = 0.1\nacc = len(data) * lr + seed", ["experiment"], "exp")
            for _ in range(5)]
    folder = root / "work" / "train.runs" / "journal"
    slices = []
    for msg in runs:
        rid = run_id(msg["header"]["msg_id"], date_ms(msg["header"]["date"]))
        end = json.loads((folder / f"{rid}.jsonl").read_text().splitlines()[-1])
        snap = end["snapshot"]
        slices.append(snap["slice"])
        assert snap["params"] == {"lr": 0.1}  # acc is a result, not a param
        assert [d["path"] for d in snap["datasets"]] == ["train.csv"]
    for cut in slices:
        assert [e["cellId"] for e in cut["executions"]] == ["params", "load"]
        assert cut["params"] == {"seed": 1, "path": "train.csv"}
        assert cut["unseen"] == 0
    assert slices[-1]["historyCount"] == slices[0]["historyCount"] + 4
