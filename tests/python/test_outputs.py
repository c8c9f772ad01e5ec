"""Files a run writes are its outputs, not its input data (issue #13, item 4)."""

import hashlib
import os

import pytest

from jupyterlab_runs import _capture, _outputs
from jupyterlab_runs._slice import HISTORY


class FakeInfo:
    def __init__(self, raw_cell):
        self.raw_cell = raw_cell


class FakeResult:
    def __init__(self, raw_cell):
        self.info = FakeInfo(raw_cell)
        self.execution_count = None


@pytest.fixture
def kernel(monkeypatch, tmp_path):
    """The capture hooks in ``tmp_path`` as the working directory, with a
    way to run a cell whose effects on disk a callback plays."""
    monkeypatch.chdir(tmp_path)
    _capture._armed.clear()
    _capture._arm_ms.clear()
    HISTORY.clear()
    monkeypatch.setattr(_capture, "_controls", [])
    monkeypatch.setattr(_capture, "_options", None)
    monkeypatch.setattr(_capture, "_ensure_hook", lambda: None)
    sent = []
    monkeypatch.setattr(_capture, "_send", lambda key, snap, request=None: sent.append(snap))
    state = {"tags": ()}
    monkeypatch.setattr(_capture, "_request", lambda: ("req", list(state["tags"])))
    _capture.register({"environment": False, "params": True, "datasets": True})

    def run(code, tags=(), effect=None):
        state["tags"] = tags
        _capture._pre_run_cell(FakeInfo(code))
        if effect is not None:
            effect()
        _capture._post_run_cell(FakeResult(code))
        return sent[-1] if tags and sent else None

    yield run
    HISTORY.clear()


def sha(data):
    return hashlib.sha256(data).hexdigest()


def test_a_file_the_cell_saves_is_an_output_not_an_input(kernel, tmp_path):
    (tmp_path / "train.csv").write_text("1,2\n")
    snap = kernel(
        "data = np.loadtxt('train.csv')\nnp.save('weights.npy', w)",
        ["experiment"],
        lambda: (tmp_path / "weights.npy").write_bytes(b"w1"),
    )
    assert [d["path"] for d in snap["datasets"]] == ["train.csv"]
    [out] = snap["outputFiles"]
    assert out["path"] == "weights.npy"
    assert out["sha256"] == sha(b"w1")
    assert out["size"] == 2
    assert out["created"] is True


def test_a_path_assigned_in_the_parameters_cell_is_an_input(kernel, tmp_path):
    (tmp_path / "sweep-data.csv").write_text("x\n")
    kernel("data_path = 'sweep-data.csv'\nout_path = 'preds.csv'", ["parameters"])
    snap = kernel(
        "data = load(data_path)\ndf.to_csv(out_path)",
        ["experiment"],
        lambda: (tmp_path / "preds.csv").write_text("p\n"),
    )
    assert [d["path"] for d in snap["datasets"]] == ["sweep-data.csv"]
    assert [o["path"] for o in snap["outputFiles"]] == ["preds.csv"]


def test_a_file_rewritten_in_place_is_an_output(kernel, tmp_path):
    target = tmp_path / "model.pkl"
    target.write_bytes(b"old")
    os.utime(target, ns=(1_000_000_000, 1_000_000_000))
    snap = kernel(
        "pickle.dump(model, open('model.pkl', 'wb'))",
        ["experiment"],
        lambda: target.write_bytes(b"new model"),
    )
    assert [(o["path"], o["sha256"], o["created"]) for o in snap["outputFiles"]] == [
        ("model.pkl", sha(b"new model"), False)
    ]
    assert snap["datasets"] == []


def test_untouched_files_hidden_files_and_notebooks_are_not_outputs(kernel, tmp_path):
    (tmp_path / "old.txt").write_text("kept")

    def effect():
        (tmp_path / "train.ipynb").write_text("{}")  # JupyterLab's autosave
        (tmp_path / ".~train.ipynb").write_text("{}")  # its atomic-write temp file
        (tmp_path / "train.runs").mkdir()

    snap = kernel("x = 1", ["experiment"], effect)
    assert snap["outputFiles"] == []


def test_files_written_into_a_named_folder_are_outputs(kernel, tmp_path):
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "before.txt").write_text("b")
    os.utime(tmp_path / "out" / "before.txt", ns=(1_000_000_000, 1_000_000_000))
    kernel("out_dir = 'out'", ["parameters"])
    snap = kernel(
        "save(model, os.path.join(out_dir, name))",
        ["experiment"],
        lambda: (tmp_path / "out" / "model.bin").write_bytes(b"m"),
    )
    assert [o["path"] for o in snap["outputFiles"]] == [os.path.join("out", "model.bin")]
    assert "created" not in snap["outputFiles"][0]  # not known outside the listing


def test_large_outputs_are_listed_without_a_hash(kernel, tmp_path, monkeypatch):
    kernel("x = 1", ["parameters"])
    _capture._options["max_dataset_bytes"] = 10
    snap = kernel(
        "np.save('big.npy', a)",
        ["experiment"],
        lambda: (tmp_path / "big.npy").write_bytes(b"x" * 11),
    )
    [out] = snap["outputFiles"]
    assert out["sha256"] is None and out["skipped"] is True and out["size"] == 11


def test_outputs_are_bounded_and_say_how_many_were_left_out(kernel, tmp_path, monkeypatch):
    monkeypatch.setattr(_outputs, "MAX_OUTPUTS", 3)

    def effect():
        for i in range(5):
            (tmp_path / f"f{i}.txt").write_text(str(i))

    snap = kernel("x = 1", ["experiment"], effect)
    assert [o["path"] for o in snap["outputFiles"]] == ["f0.txt", "f1.txt", "f2.txt"]
    assert snap["notes"] == [
        "2 more files written by the run were not recorded (at most 3)."
    ]


def test_the_hash_budget_is_shared_by_the_runs_outputs(kernel, tmp_path, monkeypatch):
    monkeypatch.setattr(_outputs, "MAX_HASH_BYTES", 5)

    def effect():
        (tmp_path / "a.bin").write_bytes(b"1234")
        (tmp_path / "b.bin").write_bytes(b"5678")

    snap = kernel("x = 1", ["experiment"], effect)
    a, b = snap["outputFiles"]
    assert a["sha256"] == sha(b"1234")
    assert b["sha256"] is None and "in all" in b["reason"]


def test_non_experiment_cells_watch_nothing(kernel, tmp_path):
    kernel("x = 1", ["parameters"], lambda: (tmp_path / "p.txt").write_text("p"))
    assert _capture._watch is None


def test_detect_without_a_watch_finds_nothing():
    assert _outputs.detect(None, ["a.txt"]) == ([], [])


def test_a_cut_listing_ignores_old_files_it_did_not_list(tmp_path, monkeypatch):
    monkeypatch.setattr(_outputs, "MAX_LISTED", 1)
    for name in ("a.txt", "b.txt"):
        (tmp_path / name).write_text(name)
        os.utime(tmp_path / name, ns=(1_000_000_000, 1_000_000_000))
    watch = _outputs.start(str(tmp_path))
    assert not watch.complete
    assert _outputs.detect(watch)[0] == []
