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
REDACTED = "***"
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*)://")
# Schemes whose user name is an account, never a secret (the secret is a key).
_SSH_SCHEMES = {"ssh", "git+ssh", "ssh+git"}
# Well-known token formats, redacted wherever they appear (a path, a user name).
_KNOWN_TOKENS = re.compile(
    r"(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}|glpat-[A-Za-z0-9_\-]{20,}"
    r"|xox[abposr]-[A-Za-z0-9\-]{10,}|(?:AKIA|ASIA)[0-9A-Z]{16}|hf_[A-Za-z0-9]{30,}"
    r"|npm_[A-Za-z0-9]{30,}|pypi-[A-Za-z0-9_\-]{30,})")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _userinfo(scheme, userinfo):
    """The recorded form of a URL's userinfo (the part before ``@``)."""
    if scheme.lower() in _SSH_SCHEMES and ":" not in userinfo and "%" not in userinfo:
        return userinfo  # ssh://git@host/x: an account name, authenticated by a key
    return REDACTED


def _split_tail(tail):
    """Path kept, query and fragment replaced whole: ``/x?***#***``."""
    path, hash_, fragment = tail.partition("#")
    path, question, _query = path.partition("?")
    out = path + ("?" + REDACTED if question else "")
    return out + ("#" + REDACTED if hash_ else "")


def _redact_scheme_url(scheme, rest):
    """``rest`` is what follows ``scheme://``."""
    end = len(rest)
    for sep in "/?#":
        found = rest.find(sep)
        if found != -1:
            end = min(end, found)
    authority, tail = rest[:end], rest[end:]
    if "@" in authority:
        userinfo, _, host = authority.rpartition("@")
        return _userinfo(scheme, userinfo) + "@" + host + _split_tail(tail)
    host, colon, port = authority.rpartition(":")
    if colon and not port.isdigit() and not authority.endswith("]"):
        # Not host:port. A password with an unencoded / ? or # in it
        # (https://u:pa/ss@host/x) ends the authority early: whatever follows
        # the colon, up to the first @ if there is one, is taken as secret.
        at = tail.find("@")
        if at != -1:
            return REDACTED + "@" + _redact_scheme_url(scheme, tail[at + 1:])
        return host + ":" + REDACTED + _split_tail(tail)
    return authority + _split_tail(tail)


def redact_url(url):
    """The form of a remote URL that may be recorded: credentials hidden.

    - userinfo (``https://user:pass@host``, ``https://TOKEN@host``, any
      percent-encoded form such as ``user%3Atoken`` or ``a%40b:pw``) becomes
      ``***@``; ``ssh://git@host`` keeps a user name without a password, since
      ssh authenticates with a key, and so does scp-like ``git@host:org/repo``;
    - the whole query becomes ``?***`` and the whole fragment ``#***``:
      every parameter, whatever its name (``access_token``, ``private_token``,
      ``sig``, ``X-Amz-Credential``, ``se``... cannot be listed), since a
      remote's query or fragment carries nothing needed to reproduce a run;
    - a colon in the host part that is not a port (an unencoded ``/``, ``?``
      or ``#`` inside a password cut the authority short) hides what follows
      it up to the next ``@``;
    - well-known token formats (``ghp_…``, ``github_pat_…``, ``glpat-…``,
      ``xox?-…``, AWS key ids, ``hf_…``) are hidden wherever they appear;
    - control characters are dropped, surrounding blanks stripped.
    """
    if not url:
        return url
    url = _CONTROL.sub("", url.strip())
    scheme = _SCHEME.match(url)
    if scheme:
        url = scheme.group(0) + _redact_scheme_url(scheme.group(1), url[scheme.end():])
    else:
        # scp-like [user@]host:path, or a local path
        head_end = url.find("/")
        head = url if head_end == -1 else url[:head_end]
        userinfo = head.rpartition("@")[0]
        if ":" in userinfo or "%" in userinfo:
            url = REDACTED + url[len(userinfo):]
        url = _split_tail(url)
    return _KNOWN_TOKENS.sub(REDACTED, url)


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


def _maybe_in_repository(cwd):
    """False when no ``.git`` (a folder, or a worktree's file) is in ``cwd``
    or any folder above it, and git is not pointed elsewhere by
    ``GIT_DIR``: then git would answer "not a repository" too, and the
    probe spares the kernel a ``git`` process each time it records the
    environment (about 2.6 ms of the cell's time on this project's
    machine)."""
    if os.environ.get("GIT_DIR") or os.environ.get("GIT_WORK_TREE"):
        return True
    folder = cwd
    while True:
        if os.path.lexists(os.path.join(folder, ".git")):
            return True
        parent = os.path.dirname(folder)
        if parent == folder:
            return False
        folder = parent


def _head(cwd, timeout):
    """(commit, branch, dirty) from one ``git status --porcelain=v2
    --branch``, where three commands gave them (each git process is about
    2.5 ms of the cell's time when the environment is recorded: a session's
    first run, and after a cell that runs pip or git), or None when git
    cannot say so."""
    out = _git(["status", "--porcelain=v2", "--branch", "--untracked-files=no"], cwd, timeout)
    if out is None:
        return None
    commit = branch = None
    dirty = False
    seen = False
    for line in out.splitlines():
        if line.startswith("# branch.oid "):
            oid = line[len("# branch.oid "):].strip()
            commit = None if oid == "(initial)" else oid
            seen = True
        elif line.startswith("# branch.head "):
            name = line[len("# branch.head "):].strip()
            branch = None if name == "(detached)" else name
        elif line and not line.startswith("#"):
            dirty = True  # a changed tracked file (untracked ones are not asked)
    return (commit, branch, dirty) if seen else None


def git_state(directory=None, max_diff_bytes=DEFAULT_MAX_DIFF_BYTES, timeout=5.0):
    """Commit, branch, dirty flag, capped diff and redacted remote, or None.

    None means "not inside a git work tree" (or no git binary). ``commit`` is
    None in a repository without commits, ``branch`` None on a detached HEAD.
    ``dirty`` and ``diff`` cover tracked files only (``git diff HEAD``);
    untracked files are not part of the state.
    """
    cwd = os.path.abspath(directory or os.getcwd())
    if not os.path.isdir(cwd) or not _maybe_in_repository(cwd):
        return None
    root = _git(["rev-parse", "--show-toplevel"], cwd, timeout)
    if not root:
        return None
    head = _head(cwd, timeout)
    if head is None:
        # A git without `status --porcelain=v2` (before 2.11): one command each.
        head = (_git(["rev-parse", "--verify", "-q", "HEAD"], cwd, timeout) or None,
                _git(["symbolic-ref", "--short", "-q", "HEAD"], cwd, timeout) or None,
                bool(_git(["status", "--porcelain", "--untracked-files=no"], cwd, timeout)))
    commit, branch, dirty = head
    state = {
        "root": root,
        "commit": commit,
        "branch": branch,
        "dirty": dirty,
        "diff": "",
        "diff_truncated": False,
        "remote": None,
    }
    if commit and dirty:
        diff, truncated = _capped_output(["diff", "HEAD", "--no-color", "--no-ext-diff"],
                                         cwd, max_diff_bytes, timeout)
        state["diff"], state["diff_truncated"] = diff or "", truncated
    remotes = (_git(["remote"], cwd, timeout) or "").split()
    if remotes:
        name = "origin" if "origin" in remotes else remotes[0]
        url = _git(["remote", "get-url", name], cwd, timeout)
        state["remote"] = {"name": name, "url": redact_url(url)}
    return state
