"""The server extension's listing endpoint gives what the Contents API gives
for a folder (entries, sizes, times as the same strings), against a real
Jupyter server and a real disk (pytest-jupyter's ``jp_fetch``)."""

import json
import os
import time

import pytest

pytest.importorskip("pytest_jupyter")
from tornado.httpclient import HTTPClientError  # noqa: E402

ID = "01JDQ6Z0000000000000000000"
ENDPOINT = ("jupyterlab-runs", "api", "listing")


@pytest.fixture
def runs(jp_root_dir, tmp_path):
    """``work/train.runs`` with what a runs folder holds, and what it should
    not: hidden files, server-hidden globs, links, odd names."""
    folder = jp_root_dir / "work" / "train.runs"
    (folder / f"{ID}.artifacts").mkdir(parents=True)
    (folder / f"{ID}.json").write_text('{"id": 1}')
    (folder / f"{ID}.series.json").write_text("[]" * 100)
    (folder / f"manifest-{ID}.json").write_text("{}")
    (folder / "trash").mkdir()
    (folder / ".hidden.json").write_text("{}")
    (folder / "__pycache__").mkdir()
    (folder / "x.pyc").write_text("")
    (folder / "odd #1 100% é\\name.json").write_text("{}")
    (folder / "nb.ipynb").write_text("{}")
    (folder / "link.json").symlink_to(folder / f"{ID}.json")
    (folder / "broken.json").symlink_to(folder / "nowhere.json")
    outside = tmp_path / "outside"
    outside.mkdir()
    (folder / "elsewhere").symlink_to(outside, target_is_directory=True)
    # A time with microseconds and one with none.
    os.utime(folder / f"{ID}.json", (1_700_000_000.123456, 1_700_000_000.123456))
    os.utime(folder / "nb.ipynb", (1_700_000_000, 1_700_000_000))
    return folder


async def listing(jp_fetch, path, content=1):
    response = await jp_fetch(*ENDPOINT, params={"path": path, "content": str(content)})
    assert response.code == 200
    return json.loads(response.body)


async def contents(jp_fetch, path, content=1):
    response = await jp_fetch("api", "contents", path, params={"content": str(content)})
    return json.loads(response.body)


def essentials(model):
    return sorted(
        (e["name"], e["path"], e["type"], e["size"], e["last_modified"])
        for e in model["content"]
    )


async def test_lists_what_the_contents_api_lists_with_the_same_values(jp_fetch, runs):
    answer = await listing(jp_fetch, "work/train.runs")
    assert answer["listed"] is True
    assert answer["exists"] is True
    model = answer["model"]
    expected = await contents(jp_fetch, "work/train.runs")
    assert essentials(model) == essentials(expected)
    assert model["last_modified"] == expected["last_modified"]
    assert model["type"] == "directory"
    names = {e["name"] for e in model["content"]}
    # The server's rules, not ours: hidden files and hide_globs stay out.
    assert ".hidden.json" not in names
    assert "__pycache__" not in names and "x.pyc" not in names
    assert {f"{ID}.json", "link.json", "broken.json", "elsewhere", "odd #1 100% é\\name.json"} <= names


async def test_the_folder_time_equals_a_later_contents_stat(jp_fetch, runs):
    # The page revalidates a listed folder by its time from a content=0 GET
    # and compares the two as strings.
    (runs / f"{ID}.json").write_text('{"id": 2}')
    answer = await listing(jp_fetch, "work/train.runs")
    stat = await contents(jp_fetch, "work/train.runs", content=0)
    assert answer["model"]["last_modified"] == stat["last_modified"]
    saved = await jp_fetch(
        "api", "contents", "work/train.runs", f"manifest-{ID}.json",
        method="PUT", body=json.dumps({"type": "file", "format": "text", "content": "{}"}))
    put_time = json.loads(saved.body)["last_modified"]
    again = await listing(jp_fetch, "work/train.runs")
    entry = next(e for e in again["model"]["content"] if e["name"] == f"manifest-{ID}.json")
    assert entry["last_modified"] == put_time


async def test_a_stat_gives_the_folder_model_alone_with_the_contents_api_time(jp_fetch, runs):
    # ``content=0`` is the page's check of a folder's time (every 2.5 s for
    # a watched folder): no entry read, the same time as the Contents API's.
    (runs / f"{ID}.json").write_text('{"id": 3}')
    answer = await listing(jp_fetch, "work/train.runs", content=0)
    stat = await contents(jp_fetch, "work/train.runs", content=0)
    model = answer["model"]
    assert answer["exists"] is True
    assert model["content"] is None and stat["content"] is None
    assert (model["name"], model["path"], model["type"], model["last_modified"]) == (
        stat["name"], stat["path"], stat["type"], stat["last_modified"])
    # A folder deleted by hand is a 200 that says so, not a 404.
    for entry in sorted(runs.rglob("*"), reverse=True):
        entry.unlink() if entry.is_symlink() or entry.is_file() else entry.rmdir()
    runs.rmdir()
    assert await listing(jp_fetch, "work/train.runs", content=0) == {
        "path": "work/train.runs", "listed": True, "exists": False}


@pytest.mark.parametrize(("vanishes_in", "content"), [("lstat", 0), ("lstat", 1), ("scandir", 1)])
async def test_a_folder_deleted_while_it_is_read_is_absent_not_an_error(
        jp_fetch, runs, monkeypatch, vanishes_in, content):
    # A user deletes a runs folder by hand (``rm -r``) while the page's
    # watch asks for its time: seen there a moment ago, gone when read.
    from jupyterlab_runs._server import listing as module

    real = getattr(os, vanishes_in)

    def gone(path, *args, **kwargs):
        if str(path).endswith("train.runs"):
            raise FileNotFoundError(2, "No such file or directory", str(path))
        return real(path, *args, **kwargs)

    monkeypatch.setattr(module.os, vanishes_in, gone)
    assert await listing(jp_fetch, "work/train.runs", content=content) == {
        "path": "work/train.runs", "listed": True, "exists": False}


async def test_a_missing_or_hidden_folder_is_absent_not_404(jp_fetch, jp_root_dir):
    # A 404 would mean "no extension" to the page.
    assert await listing(jp_fetch, "work/none.runs") == {
        "path": "work/none.runs", "listed": True, "exists": False}
    (jp_root_dir / ".secret" / "a.runs").mkdir(parents=True)
    (jp_root_dir / ".secret" / "a.runs" / "x.json").write_text("{}")
    with pytest.raises(HTTPClientError) as refused:
        await contents(jp_fetch, ".secret/a.runs")
    assert refused.value.code == 404
    assert (await listing(jp_fetch, ".secret/a.runs"))["exists"] is False
    (jp_root_dir / "file.runs").write_text("not a folder")
    assert (await listing(jp_fetch, "file.runs"))["exists"] is False


@pytest.mark.parametrize("path", ["..", "../outside", "work/../..", "a/./b", "", "/"])
async def test_paths_that_leave_the_root_are_refused(jp_fetch, path):
    with pytest.raises(HTTPClientError) as refused:
        await jp_fetch(*ENDPOINT, params={"path": path})
    assert refused.value.code == 400


async def test_lists_ten_thousand_runs_faster_than_the_contents_api(jp_fetch, jp_root_dir):
    # Not a timing assertion: both answers must agree entry for entry on a
    # folder of the size the endpoint exists for. (The times are printed
    # for the curious; benchmarks/tab-switch.sh measures them in the page.)
    folder = jp_root_dir / "big.runs"
    folder.mkdir()
    for i in range(10_000):
        (folder / f"01J{i:023d}.json").write_text("{}")
    started = time.perf_counter()
    answer = await listing(jp_fetch, "big.runs")
    fast = time.perf_counter() - started
    started = time.perf_counter()
    expected = await contents(jp_fetch, "big.runs")
    slow = time.perf_counter() - started
    print(f"listing 10,000 runs: endpoint {fast * 1000:.0f} ms, Contents API {slow * 1000:.0f} ms")
    assert essentials(answer["model"]) == essentials(expected)


async def test_a_stat_since_a_time_names_every_entry_changed_since(jp_fetch, runs, age_entries):
    # The page's check after a write of its own: which files changed since
    # its check before it. Another page's run landing meanwhile is named,
    # so the page lists the folder rather than take the change as its own.
    age_entries(runs)
    before = (await listing(jp_fetch, "work/train.runs", content=0))["model"]["last_modified"]
    time.sleep(0.01)
    for name in ("mine.json", "theirs.json"):
        await jp_fetch(
            "api", "contents", "work/train.runs", name, method="PUT",
            body=json.dumps({"type": "file", "format": "text", "content": "{}"}))
    (runs / ".~busy.json").write_text("")  # a rewrite in progress
    (runs / f"{ID}.artifacts" / "plot.png").write_bytes(b"")
    (runs / "journal").mkdir()
    (runs / "journal" / "run.jsonl").write_text("{}")
    # Restored from elsewhere with its old time kept.
    (runs / "trash" / "old.json").write_text("{}")
    os.utime(runs / "trash" / "old.json", (1_600_000_000, 1_600_000_000))
    (runs / "trash" / "old.json").rename(runs / "old.json")
    response = await jp_fetch(*ENDPOINT, params={
        "path": "work/train.runs", "content": "0", "since": before})
    model = json.loads(response.body)["model"]
    # Not the folders: what changes in them (the kernel's journal, a file
    # per execution) changes no entry the page lists.
    # Each with its time as a model gives it (the page compares it with the
    # time its own write of the file answered).
    mine = json.loads((await jp_fetch(
        "api", "contents", "work/train.runs", "mine.json", params={"content": "0"})).body)
    assert {"name": "mine.json", "last_modified": mine["last_modified"]} in model["changed"]
    # The trash is named (as ``trash/``): old.json left it.
    assert sorted(f["name"] for f in model["changed"]) == sorted(
        ["mine.json", "theirs.json", ".~busy.json", "old.json", "trash/"])
    assert model["content"] is None
    # Without ``since``, the stat is what it was.
    assert "changed" not in (await listing(jp_fetch, "work/train.runs", content=0))["model"]


async def test_a_stat_since_a_time_names_the_trash_a_run_was_moved_into(
        jp_fetch, runs, age_entries):
    # Another page deletes a run (it moves to the trash) while this page
    # writes one: the run file leaves no entry to name, the trash does.
    (runs / "trash").mkdir(exist_ok=True)
    other = runs / "01HZZZZZZZZZZZZZZZZZZZZZZ9.json"
    other.write_text("{}")
    age_entries(runs)
    before = (await listing(jp_fetch, "work/train.runs", content=0))["model"]["last_modified"]
    time.sleep(0.01)
    await jp_fetch(
        "api", "contents", "work/train.runs/" + other.name, method="PATCH",
        body=json.dumps({"path": "work/train.runs/trash/" + other.name}))
    response = await jp_fetch(*ENDPOINT, params={
        "path": "work/train.runs", "content": "0", "since": before})
    changed = json.loads(response.body)["model"]["changed"]
    assert [f["name"] for f in changed] == ["trash/"]
    # Nothing moved since: nothing named (the journal folder never is).
    (runs / "journal").mkdir(exist_ok=True)
    time.sleep(0.01)
    after = (await listing(jp_fetch, "work/train.runs", content=0))["model"]["last_modified"]
    time.sleep(0.01)
    (runs / "journal" / "run.jsonl").write_text("{}")
    response = await jp_fetch(*ENDPOINT, params={
        "path": "work/train.runs", "content": "0", "since": after})
    assert json.loads(response.body)["model"]["changed"] == []


def test_changed_since_says_when_it_cannot_tell(tmp_path, monkeypatch):
    from jupyterlab_runs._server import listing as module

    for i in range(5):
        (tmp_path / f"{i}.json").write_text("{}")
    assert sorted(f["name"] for f in module.changed_since(
        str(tmp_path), "2000-01-01T00:00:00Z")) == [f"{i}.json" for i in range(5)]
    assert module.changed_since(str(tmp_path), "2999-01-01T00:00:00.000001Z") == []
    # Not a time, or a time without its zone: not guessed.
    assert module.changed_since(str(tmp_path), "yesterday") is None
    assert module.changed_since(str(tmp_path), "2000-01-01T00:00:00") is None
    monkeypatch.setattr(module, "CHANGED_LIMIT", 4)
    assert module.changed_since(str(tmp_path), "2000-01-01T00:00:00Z") is None
