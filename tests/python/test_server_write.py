"""The server extension's write endpoint writes a saved run's files as the
Contents API would (same bytes, same models, same hooks), reads the folder's
time around them, emits none of the Contents API's events, and refuses what
is not a run file of a servable folder; against a real Jupyter server and a
real disk (pytest-jupyter's ``jp_fetch``)."""

import json
import os
import time

import pytest

pytest.importorskip("pytest_jupyter")
from tornado.httpclient import HTTPClientError  # noqa: E402

ID = "01JDQ6Z0000000000000000000"
ENDPOINT = ("jupyterlab-runs", "api", "write")
CONTENTS_SCHEMA = "https://events.jupyter.org/jupyter_server/contents_service/v1"


@pytest.fixture
def runs(jp_root_dir):
    folder = jp_root_dir / "work" / "train.runs"
    folder.mkdir(parents=True)
    return folder


async def write(jp_fetch, folder, files):
    response = await jp_fetch(*ENDPOINT, method="POST",
                              body=json.dumps({"folder": folder, "files": files}))
    assert response.code == 200
    return json.loads(response.body)


def run_files():
    return [
        {"name": f"{ID}.series.json", "content": '{"loss": [[0, 1.5]]}'},
        {"name": f"{ID}.json", "content": '{"id": "%s", "note": "é ✓"}' % ID},
    ]


async def test_writes_the_files_in_order_and_answers_the_models_a_put_would(
        jp_fetch, runs):
    answer = await write(jp_fetch, "work/train.runs", run_files())
    assert answer["written"] is True
    for item, model in zip(run_files(), answer["models"]):
        assert (runs / item["name"]).read_text(encoding="utf-8") == item["content"]
        got = json.loads((await jp_fetch(
            "api", "contents", "work/train.runs", item["name"],
            params={"content": "0"})).body)
        for key in ("name", "path", "type", "size", "last_modified", "created"):
            assert model[key] == got[key], key
    # The run file last: it is the commit point readers trust.
    assert [m["name"] for m in answer["models"]] == [f"{ID}.series.json", f"{ID}.json"]


async def test_reads_the_folder_time_around_the_writes_and_names_what_changed(
        jp_fetch, runs, age_entries):
    (runs / "old.json").write_text("{}")
    age_entries(runs)
    stat = json.loads((await jp_fetch(
        "api", "contents", "work/train.runs", params={"content": "0"})).body)
    answer = await write(jp_fetch, "work/train.runs", run_files())
    assert answer["before"] == stat["last_modified"]
    after = json.loads((await jp_fetch(
        "api", "contents", "work/train.runs", params={"content": "0"})).body)
    assert answer["after"] == after["last_modified"]
    # Its own files, named as a stat ``since`` names them; not the old one.
    assert sorted(f["name"] for f in answer["changed"]) == sorted(
        f["name"] for f in run_files())
    # The folder's time is within what ``latest`` allows (OwnWrites).
    from datetime import datetime
    folder_ms = datetime.fromisoformat(answer["after"]).timestamp() * 1000
    assert folder_ms <= answer["latest"] + 1


async def test_emits_no_contents_event_where_a_put_emits_two(jp_fetch, jp_serverapp, runs):
    seen = []

    async def listener(logger, schema_id, data):
        seen.append((schema_id, data.get("action"), data.get("path")))

    jp_serverapp.event_logger.add_listener(schema_id=CONTENTS_SCHEMA, listener=listener)
    await jp_fetch("api", "contents", "work/train.runs", "put.json", method="PUT",
                   body=json.dumps({"type": "file", "format": "text", "content": "{}"}))
    await write(jp_fetch, "work/train.runs", run_files())
    await jp_fetch("api", "contents", "work/train.runs", "put2.json", method="PUT",
                   body=json.dumps({"type": "file", "format": "text", "content": "{}"}))
    for _ in range(50):
        if len([s for s in seen if s[2].endswith("put2.json")]) >= 2:
            break
        time.sleep(0.01)
        await jp_fetch("api", "status")
    paths = [path for _, _, path in seen]
    assert "work/train.runs/put.json" in paths  # the listener hears PUTs
    assert "work/train.runs/put2.json" in paths
    assert not any(ID in path for path in paths)


async def test_calls_the_contents_managers_save_hooks(jp_fetch, jp_serverapp, runs):
    pre, post = [], []
    manager = jp_serverapp.contents_manager
    manager.register_pre_save_hook(lambda model, path, **kw: pre.append(path))
    manager.register_post_save_hook(lambda model, os_path, **kw: post.append(os_path))
    await write(jp_fetch, "work/train.runs", run_files())
    assert pre == [f"work/train.runs/{f['name']}" for f in run_files()]
    assert post == [str(runs / f["name"]) for f in run_files()]


async def test_a_missing_or_hidden_folder_is_not_written_and_says_why(
        jp_fetch, jp_root_dir):
    answer = await write(jp_fetch, "work/none.runs", run_files())
    assert answer == {"written": False, "reason": "the folder is missing"}
    assert not (jp_root_dir / "work" / "none.runs").exists()
    (jp_root_dir / ".secret" / "a.runs").mkdir(parents=True)
    answer = await write(jp_fetch, ".secret/a.runs", run_files())
    assert answer["written"] is False
    assert list((jp_root_dir / ".secret" / "a.runs").iterdir()) == []


@pytest.mark.parametrize("folder", ["..", "../outside", "work/../..", "a/./b", "", "/", 7])
async def test_folders_that_leave_the_root_are_refused(jp_fetch, runs, folder):
    with pytest.raises(HTTPClientError) as refused:
        await jp_fetch(*ENDPOINT, method="POST",
                       body=json.dumps({"folder": folder, "files": run_files()}))
    assert refused.value.code == 400


@pytest.mark.parametrize("files", [
    [{"name": "../escape.json", "content": "{}"}],
    [{"name": "sub/x.json", "content": "{}"}],
    [{"name": ".hidden.json", "content": "{}"}],
    [{"name": "..", "content": "{}"}],
    [{"name": "a\x00b.json", "content": "{}"}],
    [{"name": "x.json", "content": 3}],
    [{"name": "x.json"}],
    ["x.json"],
    [],
    [{"name": f"{i}.json", "content": "{}"} for i in range(9)],
    "x.json",
], ids=lambda f: repr(f)[:40])
async def test_names_that_are_not_run_files_are_refused_and_nothing_is_written(
        jp_fetch, runs, files):
    with pytest.raises(HTTPClientError) as refused:
        await jp_fetch(*ENDPOINT, method="POST",
                       body=json.dumps({"folder": "work/train.runs", "files": files}))
    assert refused.value.code == 400
    assert list(runs.iterdir()) == []
    assert not (runs.parent / "escape.json").exists()


async def test_a_body_that_is_not_json_is_refused(jp_fetch, runs):
    with pytest.raises(HTTPClientError) as refused:
        await jp_fetch(*ENDPOINT, method="POST", body="{not json")
    assert refused.value.code == 400


def test_a_file_is_replaced_whole_keeping_its_mode_and_a_link_is_not_followed(tmp_path):
    from jupyterlab_runs._server.writing import _UMASK, replace_file

    old = tmp_path / "run.json"
    old.write_text('{"status": "running"}')
    os.chmod(old, 0o640)
    replace_file(str(old), '{"status": "ok"}')
    assert old.read_text() == '{"status": "ok"}'
    assert oct(old.stat().st_mode & 0o777) == oct(0o640)
    new = tmp_path / "new.json"
    replace_file(str(new), "{}")
    assert oct(new.stat().st_mode & 0o777) == oct(0o666 & ~_UMASK)
    target = tmp_path / "elsewhere.json"
    target.write_text("theirs")
    link = tmp_path / "link.json"
    link.symlink_to(target)
    replace_file(str(link), "mine")
    assert not link.is_symlink() and link.read_text() == "mine"
    assert target.read_text() == "theirs"
    # Nothing left beside them.
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "elsewhere.json", "link.json", "new.json", "run.json"]


def test_a_write_that_fails_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch):
    from jupyterlab_runs._server import writing

    old = tmp_path / "run.json"
    old.write_text('{"status": "running"}')

    def refuse(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(writing.os, "replace", refuse)
    with pytest.raises(OSError):
        writing.replace_file(str(old), '{"status": "ok"}')
    assert old.read_text() == '{"status": "running"}'
    assert [p.name for p in tmp_path.iterdir()] == ["run.json"]


async def test_a_failed_write_answers_500_with_the_reason(jp_fetch, runs, monkeypatch):
    from jupyterlab_runs._server import writing

    def refuse(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(writing.os, "replace", refuse)
    with pytest.raises(HTTPClientError) as failed:
        await jp_fetch(*ENDPOINT, method="POST",
                       body=json.dumps({"folder": "work/train.runs", "files": run_files()}))
    assert failed.value.code == 500
    assert "No space left" in failed.value.response.body.decode()
    assert list(runs.iterdir()) == []
