"""The server extension's links endpoint, against a real Jupyter server and
real symbolic links on its disk (pytest-jupyter's ``jp_fetch``)."""

import json
import os

import pytest

pytest.importorskip("pytest_jupyter")
from tornado.httpclient import HTTPClientError  # noqa: E402

from jupyterlab_runs._server.links import find_links  # noqa: E402

ID = "01JDQ6Z0000000000000000000"
ENDPOINT = ("jupyterlab-runs", "api", "links")


@pytest.fixture
def outside(tmp_path):
    """A folder beside the server root, with a file a user cares about."""
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "secret.txt").write_text("do not share")
    return folder


@pytest.fixture
def runs(jp_root_dir):
    """``work/train.runs`` with one run and its artifacts folder."""
    folder = jp_root_dir / "work" / "train.runs"
    (folder / f"{ID}.artifacts").mkdir(parents=True)
    (folder / f"{ID}.json").write_text("{}")
    (folder / f"{ID}.artifacts" / "model.txt").write_text("weights")
    return folder


async def get_links(jp_fetch, path):
    response = await jp_fetch(*ENDPOINT, params={"path": path})
    assert response.code == 200
    return json.loads(response.body)


async def test_a_trash_linked_outside_the_root_is_named(jp_fetch, runs, outside):
    (runs / "trash").symlink_to(outside, target_is_directory=True)
    answer = await get_links(jp_fetch, "work/train.runs")
    assert answer["checked"] is True
    assert answer["complete"] is True
    assert answer["links"] == [
        {"path": "work/train.runs/trash", "role": "entry", "scope": "root", "kind": "directory"}
    ]
    # Where it points is not told to the page.
    assert str(outside) not in response_text(answer)


def response_text(answer):
    return json.dumps(answer)


async def test_links_at_any_depth_inside_and_outside_the_root(jp_fetch, jp_root_dir, runs, outside):
    elsewhere = jp_root_dir / "elsewhere"
    elsewhere.mkdir()
    (runs / f"{ID}.artifacts" / "deep").mkdir()
    # Inside the root but outside the runs folder.
    (runs / f"{ID}.artifacts" / "deep" / "data").symlink_to(elsewhere, target_is_directory=True)
    # A file outside the root.
    (runs / f"{ID}.artifacts" / "key.txt").symlink_to(outside / "secret.txt")
    # Dangling.
    (runs / f"{ID}.series.json").symlink_to(outside / "gone.json")
    # Inside the runs folder: harmless, not listed.
    (runs / "alias.json").symlink_to(runs / f"{ID}.json")
    answer = await get_links(jp_fetch, "work/train.runs")
    assert answer["links"] == [
        {"path": f"work/train.runs/{ID}.artifacts/deep/data", "role": "entry", "scope": "folder", "kind": "directory"},
        {"path": f"work/train.runs/{ID}.artifacts/key.txt", "role": "entry", "scope": "root", "kind": "file"},
        {"path": f"work/train.runs/{ID}.series.json", "role": "entry", "scope": "root", "kind": "broken"},
    ]


async def test_the_folder_itself_or_a_parent_linked_outside(jp_fetch, jp_root_dir, outside):
    (outside / "a.runs").mkdir()
    (jp_root_dir / "a.runs").symlink_to(outside / "a.runs", target_is_directory=True)
    (jp_root_dir / "proj").symlink_to(outside, target_is_directory=True)
    assert (await get_links(jp_fetch, "a.runs"))["links"] == [
        {"path": "a.runs", "role": "folder", "scope": "root", "kind": "directory"}
    ]
    assert (await get_links(jp_fetch, "proj/a.runs"))["links"] == [
        {"path": "proj", "role": "parent", "scope": "root", "kind": "directory"}
    ]


async def test_a_missing_folder_is_answered_not_404(jp_fetch):
    answer = await get_links(jp_fetch, "nowhere/x.runs")
    assert answer == {"path": "nowhere/x.runs", "exists": False, "complete": True,
                      "links": [], "checked": True}


async def test_the_walk_never_follows_a_link(jp_fetch, runs, outside):
    (outside / "inner").symlink_to("/", target_is_directory=True)
    (runs / "trash").symlink_to(outside, target_is_directory=True)
    answer = await get_links(jp_fetch, "work/train.runs")
    assert [link["path"] for link in answer["links"]] == ["work/train.runs/trash"]


@pytest.mark.parametrize("path", ["..", "../outside", "work/../..", "a/./b", "", "/"])
async def test_paths_that_leave_the_root_are_refused(jp_fetch, path):
    with pytest.raises(HTTPClientError) as refused:
        await jp_fetch(*ENDPOINT, params={"path": path})
    assert refused.value.code == 400


@pytest.mark.skipif(os.sep != "/", reason="a backslash is a separator here")
async def test_a_backslash_is_a_character_of_a_name_on_posix(jp_fetch, jp_root_dir):
    # A notebook named back\slash.ipynb keeps its runs in back\slash.runs.
    (jp_root_dir / "back\\slash.runs").mkdir()
    answer = await get_links(jp_fetch, "back\\slash.runs")
    assert answer["exists"] is True
    assert answer["path"] == "back\\slash.runs"
    answer = await get_links(jp_fetch, "a\\..\\b")
    assert answer["exists"] is False


def test_stops_after_the_entry_cap_and_says_so(tmp_path):
    folder = tmp_path / "x.runs"
    folder.mkdir()
    for i in range(5):
        (folder / f"{i}.json").write_text("{}")
    assert find_links(str(tmp_path), "x.runs", max_entries=3)["complete"] is False
    assert find_links(str(tmp_path), "x.runs", max_entries=5)["complete"] is True


@pytest.mark.parametrize("name", ["a:b.runs", "q?.runs", "%41.runs", "sp ace.runs"])
async def test_folder_names_with_odd_characters(jp_fetch, jp_root_dir, outside, name):
    # Legal on disk; the query string carries them percent-encoded.
    (jp_root_dir / name).mkdir()
    (jp_root_dir / name / "trash").symlink_to(outside, target_is_directory=True)
    answer = await get_links(jp_fetch, name)
    assert answer["path"] == name
    assert [link["path"] for link in answer["links"]] == [f"{name}/trash"]


CANARY = "CANARYf00dfacec0ffee"


@pytest.fixture
def canary_env(monkeypatch):
    """A secret in the server's environment before it starts."""
    monkeypatch.setenv("GITHUB_TOKEN", CANARY)


async def test_no_server_secret_or_outside_path_in_the_answer(canary_env, jp_fetch, runs, tmp_path):
    secret_place = tmp_path / CANARY
    secret_place.mkdir()
    (runs / "trash").symlink_to(secret_place, target_is_directory=True)
    response = await jp_fetch(*ENDPOINT, params={"path": "work/train.runs"})
    body = response.body.decode()
    assert "work/train.runs/trash" in body
    assert CANARY not in body
    assert str(tmp_path) not in body
