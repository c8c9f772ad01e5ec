"""Git state: commit, branch, dirty flag, capped diff, redacted remote."""

import shutil
import subprocess

import pytest

from jupyterlab_runs._git import git_state, redact_url

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs the git binary")


@pytest.mark.parametrize("url, expected", [
    ("https://user:token@host/x", "https://***@host/x"),
    ("https://ghp_abc123@github.com/org/repo.git", "https://***@github.com/org/repo.git"),
    ("https://user:p%40ss@host:8443/x.git", "https://***@host:8443/x.git"),
    ("ssh://git:secret@host/x", "ssh://***@host/x"),
    ("https://host/x.git?private_token=abc", "https://host/x.git?***"),
    ("https://github.com/org/repo.git", "https://github.com/org/repo.git"),
    ("https://host/path@v1/x", "https://host/path@v1/x"),
    ("git@github.com:org/repo.git", "git@github.com:org/repo.git"),
    ("", ""),
])
def test_redact_url(url, expected):
    assert redact_url(url) == expected


def git(repo, *args):
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True)


@pytest.fixture
def repo(tmp_path):
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "config", "user.email", "t@example.invalid")
    git(tmp_path, "config", "user.name", "T")
    (tmp_path / "train.py").write_text("lr = 0.1\n")
    git(tmp_path, "add", "train.py")
    git(tmp_path, "commit", "-q", "-m", "init")
    git(tmp_path, "remote", "add", "origin", "https://alice:s3cr3t-token@git.example.com/team/x.git")
    return tmp_path


def test_clean_repo(repo):
    state = git_state(repo)
    head = subprocess.run(["git", "-C", str(repo), "rev-parse", "HEAD"],
                          capture_output=True, text=True).stdout.strip()
    assert state["commit"] == head and len(head) == 40
    assert state["branch"] == "main" and state["dirty"] is False and state["diff"] == ""
    assert state["remote"] == {"name": "origin", "url": "https://***@git.example.com/team/x.git"}
    assert "s3cr3t" not in repr(state)


def test_dirty_repo_has_diff_of_tracked_files(repo):
    (repo / "train.py").write_text("lr = 0.2\n")
    (repo / "untracked.txt").write_text("not part of the diff\n")
    state = git_state(repo / ".")
    assert state["dirty"] is True and state["diff_truncated"] is False
    assert "-lr = 0.1" in state["diff"] and "+lr = 0.2" in state["diff"]
    assert "untracked" not in state["diff"]


def test_diff_is_capped(repo):
    (repo / "train.py").write_text("x = 1\n" * 10_000)
    state = git_state(repo, max_diff_bytes=100)
    assert state["diff_truncated"] is True and len(state["diff"].encode()) <= 100


def test_detached_head_and_subdirectory(repo):
    (repo / "sub").mkdir()
    git(repo, "checkout", "-q", "--detach")
    state = git_state(repo / "sub")
    assert state["branch"] is None and state["commit"] and state["root"] == str(repo)


def test_not_a_repo(tmp_path):
    assert git_state(tmp_path / "missing") is None
    plain = tmp_path / "plain"
    plain.mkdir()
    # tmp dirs are never inside a repository unless the system is odd
    state = git_state(plain)
    assert state is None or state["root"] != str(plain)
