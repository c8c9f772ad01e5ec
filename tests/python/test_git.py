"""Git state: commit, branch, dirty flag, capped diff, redacted remote."""

import shutil
import subprocess

import pytest

from jupyterlab_runs._git import git_state, redact_url

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs the git binary")


CANARY = "CANARY-7f3e9a1c"

# Every form a remote URL takes, and what is recorded of it (redact_url and
# git_state share this table: the second sets each as the remote of a repo).
REDACTION_TABLE = [
    # userinfo: user:password, token-only, percent-encoded
    ("https://user:token@host/x", "https://***@host/x"),
    ("https://ghp_abc123@github.com/org/repo.git", "https://***@github.com/org/repo.git"),
    ("https://x-access-token:" + CANARY + "@github.com/o/r.git", "https://***@github.com/o/r.git"),
    ("https://oauth2:" + CANARY + "@gitlab.com/o/r.git", "https://***@gitlab.com/o/r.git"),
    ("https://user:p%40ss@host:8443/x.git", "https://***@host:8443/x.git"),
    ("https://user%3A" + CANARY + "@host/x.git", "https://***@host/x.git"),
    ("https://a%40corp.com:" + CANARY + "@host/x.git", "https://***@host/x.git"),
    ("HTTPS://USER:" + CANARY + "@HOST/X.GIT", "HTTPS://***@HOST/X.GIT"),
    ("https://user:p@ss@host/x.git", "https://***@host/x.git"),
    # an unencoded / ? # inside the password cuts the authority short
    ("https://user:" + CANARY + "/more@host/x.git", "https://***@host/x.git"),
    ("https://user:" + CANARY + "#more@host/x.git", "https://***@host/x.git"),
    # query parameters, whatever their names, and fragments
    ("https://host/x.git?private_token=abc", "https://host/x.git?***"),
    ("https://host/x.git?access_token=" + CANARY + "&ref=main", "https://host/x.git?***"),
    ("https://host/x.git?sig=" + CANARY + "&se=2030", "https://host/x.git?***"),
    ("https://host/x.git?" + CANARY, "https://host/x.git?***"),
    ("https://host/repo.git#" + CANARY, "https://host/repo.git#***"),
    ("https://host/repo.git?a=1#" + CANARY, "https://host/repo.git?***#***"),
    ("https://host/repo.git#frag?token=" + CANARY, "https://host/repo.git#***"),
    # ssh: a user name alone is an account, a password is not
    ("ssh://git:secret@host/x", "ssh://***@host/x"),
    ("ssh://git@host:2222/org/x.git", "ssh://git@host:2222/org/x.git"),
    ("git+ssh://deploy:" + CANARY + "@host/x.git", "git+ssh://***@host/x.git"),
    ("git@github.com:org/repo.git", "git@github.com:org/repo.git"),
    ("alice:" + CANARY + "@host:org/repo.git", "***@host:org/repo.git"),
    # known token formats anywhere
    ("https://host/ghp_" + "A" * 36 + "/repo.git", "https://host/***/repo.git"),
    ("https://glpat-" + "b" * 20 + "@gitlab.example/x.git", "https://***@gitlab.example/x.git"),
    # nothing to hide
    ("https://github.com/org/repo.git", "https://github.com/org/repo.git"),
    ("https://host/path@v1/x", "https://host/path@v1/x"),
    ("https://[::1]:8080/x.git", "https://[::1]:8080/x.git"),
    ("/srv/git/project.git", "/srv/git/project.git"),
    ("file:///srv/git/project.git", "file:///srv/git/project.git"),
    ("", ""),
]


@pytest.mark.parametrize("url, expected", REDACTION_TABLE)
def test_redact_url(url, expected):
    assert redact_url(url) == expected
    assert CANARY not in redact_url(url)
    assert redact_url(expected) == expected  # recording twice changes nothing


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


def test_no_git_process_outside_a_repository(tmp_path, monkeypatch):
    plain = tmp_path / "plain"
    plain.mkdir()
    if any((parent / ".git").exists() for parent in [plain, *plain.parents]):
        pytest.skip("the temporary folder is inside a repository")
    spawned = []
    real_run = subprocess.run
    monkeypatch.setattr(subprocess, "run", lambda *a, **k: spawned.append(a) or real_run(*a, **k))
    monkeypatch.delenv("GIT_DIR", raising=False)
    monkeypatch.delenv("GIT_WORK_TREE", raising=False)
    assert git_state(plain) is None
    assert spawned == []
    # Pointed at a repository elsewhere, git is asked.
    monkeypatch.setenv("GIT_DIR", str(tmp_path / "elsewhere.git"))
    git_state(plain)
    assert spawned


def test_a_worktree_git_file_is_a_repository(repo, tmp_path):
    # `git worktree add` leaves a `.git` file, not a folder.
    tree = tmp_path / "tree"
    git(repo, "worktree", "add", "-q", "--detach", str(tree))
    assert (tree / ".git").is_file()
    state = git_state(tree)
    assert state is not None and state["root"] == str(tree)


def test_repository_without_commits(tmp_path):
    git(tmp_path, "init", "-q", "-b", "main")
    (tmp_path / "train.py").write_text("lr = 0.1\n")
    git(tmp_path, "add", "train.py")
    state = git_state(tmp_path)
    assert state["commit"] is None and state["branch"] == "main"
    assert state["dirty"] is True and state["diff"] == ""


def test_fewer_git_processes_than_fields(repo, monkeypatch):
    (repo / "train.py").write_text("lr = 0.2\n")
    spawned = []
    real_run = subprocess.run
    monkeypatch.setattr(subprocess, "run",
                        lambda args, **k: spawned.append(args[1]) or real_run(args, **k))
    state = git_state(repo)
    assert state["dirty"] is True and state["branch"] == "main" and state["commit"]
    # The root, the head (commit, branch, dirty), the remotes and the
    # remote's URL; the diff is read through Popen.
    assert spawned == ["rev-parse", "status", "remote", "remote"]


def test_not_a_repo(tmp_path):
    assert git_state(tmp_path / "missing") is None
    plain = tmp_path / "plain"
    plain.mkdir()
    # tmp dirs are never inside a repository unless the system is odd
    state = git_state(plain)
    assert state is None or state["root"] != str(plain)


@pytest.fixture
def home(tmp_path, monkeypatch):
    """A HOME of its own, so the user's ~/.gitconfig is not read."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for name in ("GIT_CONFIG_GLOBAL", "GIT_CONFIG_SYSTEM", "GIT_CONFIG_COUNT", "GIT_DIR",
                 "GIT_WORK_TREE"):
        monkeypatch.delenv(name, raising=False)
    return home


@pytest.mark.parametrize("url, expected", [row for row in REDACTION_TABLE if row[0]])
def test_recorded_remote(home, tmp_path, url, expected):
    repo = tmp_path / "r"
    repo.mkdir()
    git(repo, "init", "-q")
    git(repo, "remote", "add", "origin", url)
    assert git_state(repo)["remote"] == {"name": "origin", "url": expected}


def test_insteadof_rewrites_are_redacted(home, tmp_path):
    # git remote get-url applies url.<base>.insteadOf: the recorded URL is the
    # rewritten one, credentials of the base included, so they are redacted.
    repo = tmp_path / "r"
    repo.mkdir()
    git(repo, "init", "-q")
    git(repo, "config", f"url.https://x-access-token:{CANARY}@github.com/.insteadOf", "gh:")
    (home / ".gitconfig").write_text(
        f'[url "https://host.example/?token={CANARY}#"]\n\tinsteadOf = hq:\n')
    git(repo, "remote", "add", "origin", "gh:org/repo.git")
    git(repo, "remote", "add", "upstream", "hq:org/repo.git")
    state = git_state(repo)
    assert state["remote"] == {"name": "origin", "url": "https://***@github.com/org/repo.git"}
    git(repo, "remote", "remove", "origin")
    state = git_state(repo)
    assert state["remote"] == {"name": "upstream", "url": "https://host.example/?***#***"}


def test_canary_secrets_are_not_recorded(home, tmp_path, monkeypatch):
    """A secret in the environment, in git config or in a remote URL never
    reaches the recorded environment (git state included)."""
    from jupyterlab_runs._probe import environment, environment_json

    repo = tmp_path / "work"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "user.email", "t@example.invalid")
    git(repo, "config", "user.name", "T")
    (repo / "train.py").write_text("lr = 0.1\n")
    git(repo, "add", "train.py")
    git(repo, "commit", "-q", "-m", "init")
    git(repo, "config", "credential.helper", f"!f() {{ echo password={CANARY}-helper; }}; f")
    git(repo, "config", "http.extraHeader", f"Authorization: Bearer {CANARY}-header")
    git(repo, "config", "remote.origin.url",
        f"https://bot:{CANARY}-url@git.example.com/t/x.git#{CANARY}-fragment")
    git(repo, "config", "remote.origin.pushurl", f"https://bot:{CANARY}-push@git.example.com/t/x")
    (home / ".gitconfig").write_text(f"[github]\n\ttoken = {CANARY}-global\n")
    (home / ".git-credentials").write_text(f"https://bot:{CANARY}-store@git.example.com\n")
    monkeypatch.setenv("GITHUB_TOKEN", f"{CANARY}-env")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", f"{CANARY}-env2")
    # injected configuration through the environment, rewriting the remote
    monkeypatch.setenv("GIT_CONFIG_COUNT", "1")
    monkeypatch.setenv("GIT_CONFIG_KEY_0", f"url.https://{CANARY}-inject@git.example.com/.insteadOf")
    monkeypatch.setenv("GIT_CONFIG_VALUE_0", "https://nowhere.invalid/")
    monkeypatch.chdir(repo)

    env = environment(cwd=str(repo), gpus=False)
    assert env["git"]["remote"] == {"name": "origin",
                                    "url": "https://***@git.example.com/t/x.git#***"}
    assert CANARY not in repr(env)
    assert CANARY not in environment_json(str(repo))

    git(repo, "config", "remote.origin.url", "https://nowhere.invalid/t/x.git")
    env = environment(cwd=str(repo), gpus=False)
    assert env["git"]["remote"]["url"] == "https://***@git.example.com/t/x.git"
    assert CANARY not in repr(env)


def test_package_sources_are_not_recorded(home, tmp_path, monkeypatch):
    """A package installed from a URL with a token (its direct_url.json and
    RECORD name it) is recorded by name and version only."""
    from jupyterlab_runs import _sysinfo

    site = tmp_path / "site"
    info = site / "private_pkg-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: private-pkg\nVersion: 1.0\n"
                                  f"Download-URL: https://u:{CANARY}@pypi.example/simple\n")
    (info / "direct_url.json").write_text(
        '{"url": "https://__token__:%s@pypi.example/p/private_pkg-1.0.tar.gz", '
        '"archive_info": {}}' % CANARY)
    (info / "INSTALLER").write_text("pip\n")
    (site / "pip.conf").write_text(f"[global]\nindex-url = https://u:{CANARY}@pypi.example/\n")
    monkeypatch.setenv("PIP_INDEX_URL", f"https://u:{CANARY}@pypi.example/simple")
    monkeypatch.syspath_prepend(str(site))
    packages = _sysinfo.packages()
    assert packages["private-pkg"] == "1.0"
    assert CANARY not in repr(_sysinfo.machine(include_gpus=False))
