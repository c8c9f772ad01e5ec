"""Symbolic links that would make a runs folder act outside itself.

The Contents API shows a symbolic link to a folder as a folder and one to a
file as a file, so the page cannot tell that ``<stem>.runs/trash`` or
``<id>.artifacts`` is a link to a folder elsewhere: emptying the trash would
delete there, an export would copy from there. This module finds them on
disk, for the page to refuse (docs/RUN_FOLDER.md, "Links").

Pure over the file system (no Jupyter imports), so tests and the handler
share it.
"""

import os

#: Walking stops after this many entries; the answer then says it is
#: incomplete, and the page treats the folder as unchecked.
MAX_ENTRIES = 200_000


class PathRefused(ValueError):
    """An API path that is not a relative path inside the root."""


def _inside(path, folder):
    """Whether ``path`` is ``folder`` or lies under it (both real paths)."""
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def api_segments(api_path):
    """The segments of a Contents API path; refuses any that leaves the root."""
    if not isinstance(api_path, str) or "\x00" in api_path:
        raise PathRefused("not a path")
    if "\\" in (os.sep, os.altsep) and "\\" in api_path:
        # A separator on this system (Windows); on POSIX a backslash is a
        # character of a name, and notebooks are named with it.
        raise PathRefused("has a backslash")
    segments = [s for s in api_path.strip("/").split("/") if s]
    if not segments:
        raise PathRefused("the server root is not a runs folder")
    for segment in segments:
        if segment in (".", ".."):
            raise PathRefused(f"has a {segment!r} segment")
    return segments


def find_links(root_dir, api_path, max_entries=MAX_ENTRIES):
    """Links in and above a runs folder whose target leaves it.

    - the folder itself and each of its parents below the root: reported
      when the link resolves outside the server root (``scope: "root"``);
    - every entry under the folder (files, folders, at any depth; the walk
      never follows a link): reported when it resolves outside the folder
      (``scope: "folder"``), or outside the root (``scope: "root"``).
      A link whose target does not exist is reported like any other.

    Returns ``{"path", "exists", "complete", "links": [{"path", "role",
    "scope", "kind"}]}``, link paths as API paths (relative to the root).
    Targets are not returned: where a link points outside the root is none
    of the page's business.
    """
    segments = api_segments(api_path)
    root = os.path.realpath(root_dir)
    links = []

    def describe(os_path, rel, role, boundary):
        target = os.path.realpath(os_path)
        if _inside(target, boundary):
            return
        if not os.path.exists(target):
            kind = "broken"
        else:
            kind = "directory" if os.path.isdir(target) else "file"
        links.append({
            "path": rel,
            "role": role,
            "scope": "folder" if _inside(target, root) else "root",
            "kind": kind,
        })

    # The folder and its parents: a link among them moves the whole folder.
    current = root
    for depth, segment in enumerate(segments):
        current = os.path.join(current, segment)
        rel = "/".join(segments[: depth + 1])
        if os.path.islink(current):
            role = "folder" if depth == len(segments) - 1 else "parent"
            describe(current, rel, role, root)
    folder = os.path.join(root, *segments)
    result = {
        "path": "/".join(segments),
        "exists": os.path.isdir(folder),
        "complete": True,
        "links": links,
    }
    if not result["exists"] or any(link["scope"] == "root" for link in links):
        # Nothing under a folder that is not there, or that is elsewhere.
        return result
    boundary = os.path.realpath(folder)
    seen = 0
    stack = [(folder, "/".join(segments))]
    while stack:
        os_dir, rel_dir = stack.pop()
        try:
            entries = list(os.scandir(os_dir))
        except OSError:
            result["complete"] = False
            continue
        for entry in entries:
            seen += 1
            if seen > max_entries:
                result["complete"] = False
                return result
            rel = f"{rel_dir}/{entry.name}"
            if entry.is_symlink():
                describe(entry.path, rel, "entry", boundary)
            elif entry.is_dir(follow_symlinks=False):
                stack.append((entry.path, rel))
    links.sort(key=lambda link: link["path"])
    return result
