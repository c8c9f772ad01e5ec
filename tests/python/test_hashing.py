"""Data versions: sha256 in chunks, cached by (realpath, size, mtime_ns)."""

import hashlib
import os

import pytest

import jupyterlab_runs as runs
from jupyterlab_runs import _hashing
from jupyterlab_runs._probe import hash_literal_paths

ABC_SHA256 = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"


@pytest.fixture
def reads(monkeypatch):
    """Count the times file content is actually read."""
    calls = []
    real = _hashing._digest

    def counting(path):
        calls.append(path)
        return real(path)

    _hashing.clear_cache()
    monkeypatch.setattr(_hashing, "_digest", counting)
    return calls


def test_known_sha256(tmp_path, reads):
    path = tmp_path / "abc.txt"
    path.write_bytes(b"abc")
    assert _hashing.sha256_file(path) == ABC_SHA256


def test_chunked_hash_equals_whole_file_hash(tmp_path, monkeypatch):
    monkeypatch.setattr(_hashing, "CHUNK_BYTES", 7)
    data = os.urandom(1000)
    (tmp_path / "x.bin").write_bytes(data)
    assert _hashing._digest(str(tmp_path / "x.bin")) == hashlib.sha256(data).hexdigest()


def test_cache_hit_does_not_reread(tmp_path, reads):
    path = tmp_path / "data.csv"
    path.write_bytes(b"a,b\n1,2\n")
    first = _hashing.sha256_file(path)
    assert _hashing.sha256_file(str(path)) == first
    link = tmp_path / "link.csv"
    link.symlink_to(path)
    assert _hashing.sha256_file(link) == first  # same realpath: still cached
    assert len(reads) == 1


def test_changed_file_is_rehashed(tmp_path, reads):
    path = tmp_path / "data.csv"
    path.write_bytes(b"abc")
    assert _hashing.sha256_file(path) == ABC_SHA256
    path.write_bytes(b"abcd")
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))
    assert _hashing.sha256_file(path) == hashlib.sha256(b"abcd").hexdigest()
    assert len(reads) == 2


def test_log_dataset_records_path_size_mtime_sha(capture, tmp_path, reads):
    path = tmp_path / "train.csv"
    path.write_bytes(b"abc")
    capture.shell.user_ns["p"] = str(path)
    capture.run("r1 = runs.log_dataset(p)\nr2 = runs.log_dataset(p, name='train-v1')")
    (first, second) = [e for e in capture.only_run()["events"] if e["kind"] == "dataset"]
    assert first["name"] == "train.csv" and second["name"] == "train-v1"
    assert first["path"] == str(path) and first["size"] == 3 and first["sha256"] == ABC_SHA256
    assert first["mtime"].endswith("Z") and "T" in first["mtime"]
    assert capture.shell.user_ns["r1"]["sha256"] == ABC_SHA256
    assert len(reads) == 1  # the second call hit the cache


def test_log_dataset_folder_hash_tracks_content(tmp_path):
    root = tmp_path / "images"
    (root / "sub").mkdir(parents=True)
    (root / "a.txt").write_bytes(b"a")
    (root / "sub" / "b.txt").write_bytes(b"bb")
    first = runs.log_dataset(root)
    assert first["files"] == 2 and first["size"] == 3 and first["name"] == "images"
    assert runs.log_dataset(root)["sha256"] == first["sha256"]
    (root / "sub" / "b.txt").write_bytes(b"bc")
    os.utime(root / "sub" / "b.txt", ns=(1, 1))
    assert runs.log_dataset(root)["sha256"] != first["sha256"]


def test_log_dataset_missing_path_warns(capture):
    with pytest.warns(UserWarning, match="no file or folder"):
        assert runs.log_dataset("/nonexistent/data.csv") is None
    runs.flush()
    assert capture.outputs == []


def test_hash_literal_paths(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "small.csv").write_bytes(b"abc")
    (tmp_path / "big.bin").write_bytes(b"x" * 100)
    (tmp_path / "folder").mkdir()
    code = ("import pandas as pd\n%time x = 1\n"
            "df = pd.read_csv('small.csv')\nraw = open(\"big.bin\", 'rb')\n"
            "again = 'small.csv'\nmissing = 'nope.csv'\nd = 'folder'\nmsg = 'hello world'\n")
    records = hash_literal_paths(code, max_bytes=10)
    assert [r["path"] for r in records] == ["small.csv", "big.bin"]
    small, big = records
    assert small["sha256"] == ABC_SHA256 and small["size"] == 3
    assert small["realpath"] == str(tmp_path / "small.csv")
    assert big["sha256"] is None and big["skipped"] is True and "100 bytes" in big["reason"]
    assert hash_literal_paths("this is (not python", 10) == []


def test_hash_slice_paths_follows_literal_paths_across_cells(tmp_path, monkeypatch):
    """`path = "data/train.csv"` in one cell, `pd.read_csv(path)` in another."""
    from jupyterlab_runs._params import hash_slice_paths

    monkeypatch.chdir(tmp_path)
    (tmp_path / "data").mkdir()
    for name in ("train.csv", "test.csv", "val.csv", "extra.csv", "labels.csv"):
        (tmp_path / "data" / name).write_bytes(b"abc")
    slice_codes = [
        "root = 'data'\ntrain_path = root + '/train.csv'\nlabels = 'data/labels.csv'",
        "test_path = os.path.join(root, 'test.csv')\nval = f'{root}/val.csv'\n"
        "extra = Path(root) / 'extra.csv'\nlabels = input()",
    ]
    code = ("df = pd.read_csv(train_path)\nt = pd.read_csv(test_path)\nv = open(val)\n"
            "e = open(extra)\nagain = pd.read_csv(train_path)\nl = open(labels)")
    records = hash_slice_paths(slice_codes, code, max_bytes=10)
    paths = [r["path"] for r in records]
    # experiment cell's files first (the rebound `labels` is not followed there),
    # then files the slice's cells spell; each file once
    assert paths == ["data/train.csv", "data/test.csv", "data/val.csv", "data/extra.csv",
                     "data/labels.csv"]
    assert all(r["sha256"] == ABC_SHA256 for r in records)
    assert set(records[0]) == {"path", "realpath", "size", "mtime", "sha256"}
    # Without the slice, the experiment cell alone names no file.
    assert hash_slice_paths([], code, max_bytes=10) == []
    # Within one cell too.
    assert [r["path"] for r in hash_literal_paths("p = 'data/val.csv'\nopen(p)", 10)] == [
        "data/val.csv"]
    # A path variable rebound to something computed is forgotten.
    assert hash_slice_paths(["p = 'data/val.csv'", "p = input()"], "open(p)", 10) == [
        r for r in hash_slice_paths(["p = 'data/val.csv'"], "", 10)]
