"""Git state of the directory a run happened in, for reproducing it.

Uses the ``git`` binary (no GitPython) with a timeout, and never takes the
index lock (``GIT_OPTIONAL_LOCKS=0``) so a probe cannot collide with the
user's own git commands. Remote URLs often embed tokens
(``https://user:ghp_xxx@github.com/...``): credentials are redacted before
anything leaves this module.
"""

import os
import re
import subprocess
import threading

DEFAULT_MAX_DIFF_BYTES = 256 * 1024
_USERINFO = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*://)[^/?#]*@")
_QUERY = re.compile(r"\?.*$")


def redact_url(url):
    """Hide credentials in a remote URL.

    ``https://user:token@host/x`` becomes ``https://***@host/x``; a query
    string (where some hosts accept tokens) becomes ``?***``. scp-like
    ``git@host:org/repo`` has no secret and is kept.
    """
    if not url:
        return url
    url = _USERINFO.sub(r"\1***@", url.strip())
    if "://" in url:
        url = _QUERY.sub("?***", url)
    return url


def _env():
    # Passed to the child only; nothing from the environment is recorded.
    env = dict(os.environ)
    env.update({"GIT_OPTIONAL_LOCKS": "0", "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"})
    return env


def _git(args, cwd, timeout):
    """stdout of a git command as text, or None if it failed."""
    try:
        done = subprocess.run(["git", *args], cwd=cwd, env=_env(), timeout=timeout,
                              stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL)
    except (OSError, subprocess.SubprocessError):
        return None
    if done.returncode != 0:
        return None
    return done.stdout.decode("utf-8", "replace").strip()


def _capped_output(args, cwd, max_bytes, timeout):
    """(text, truncated) reading at most ``max_bytes`` of a command's output.

    A repository with large tracked data files can have a diff of gigabytes:
    we stop reading at the cap and kill git instead of buffering it all.
    """
    try:
        proc = subprocess.Popen(["git", *args], cwd=cwd, env=_env(), stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    except OSError:
        return None, False
    timer = threading.Timer(timeout, proc.kill)
    timer.start()
    try:
        data = proc.stdout.read(max_bytes + 1)
    finally:
        timer.cancel()
        proc.kill()
        proc.stdout.close()
        proc.wait()
    truncated = len(data) > max_bytes
    return data[:max_bytes].decode("utf-8", "replace"), truncated


def git_state(directory=None, max_diff_bytes=DEFAULT_MAX_DIFF_BYTES, timeout=5.0):
    """Commit, branch, dirty flag, capped diff and redacted remote, or None.

    None means "not inside a git work tree" (or no git binary). ``commit`` is
    None in a repository without commits, ``branch`` None on a detached HEAD.
    ``dirty`` and ``diff`` cover tracked files only (``git diff HEAD``);
    untracked files are not part of the state.
    """
    cwd = os.path.abspath(directory or os.getcwd())
    if not os.path.isdir(cwd):
        return None
    root = _git(["rev-parse", "--show-toplevel"], cwd, timeout)
    if not root:
        return None
    commit = _git(["rev-parse", "--verify", "-q", "HEAD"], cwd, timeout) or None
    status = _git(["status", "--porcelain", "--untracked-files=no"], cwd, timeout)
    state = {
        "root": root,
        "commit": commit,
        "branch": _git(["symbolic-ref", "--short", "-q", "HEAD"], cwd, timeout) or None,
        "dirty": bool(status),
        "diff": "",
        "diff_truncated": False,
        "remote": None,
    }
    if commit and status:
        diff, truncated = _capped_output(["diff", "HEAD", "--no-color", "--no-ext-diff"],
                                         cwd, max_diff_bytes, timeout)
        state["diff"], state["diff_truncated"] = diff or "", truncated
    remotes = (_git(["remote"], cwd, timeout) or "").split()
    if remotes:
        name = "origin" if "origin" in remotes else remotes[0]
        url = _git(["remote", "get-url", name], cwd, timeout)
        state["remote"] = {"name": name, "url": redact_url(url)}
    return state
