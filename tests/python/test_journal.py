"""The kernel's run journal: every experiment execution written down by the
kernel itself, so runs are not lost while no page listens."""

import json
import os

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


def test_an_unwritable_folder_never_raises(tmp_path, monkeypatch):
    blocker = tmp_path / "nb.runs"
    blocker.write_text("a file where the folder should be")
    journal = Journal()
    journal.configure("nb.ipynb", str(tmp_path / "nb.ipynb"), None)
    assert journal.start("req", None, None, ["experiment"], "x", 1) is None
    assert "could not be written" in journal.reason
    journal.log({"seq": 1})
    assert journal.end("ok") is None
