"""Shared fixtures: an in-process IPython shell whose display output is captured.

``InteractiveShell`` with a ``CapturingDisplayPublisher`` sees exactly the
``display``/``update_display`` calls a kernel would turn into IOPub
``display_data``/``update_display_data`` messages, so transport tests run
without ZMQ. Cells run through ``shell.run_cell`` so ``post_run_cell`` fires
as in a kernel.
"""

import json
import os
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

from IPython.core.displaypub import CapturingDisplayPublisher  # noqa: E402
from IPython.core.interactiveshell import InteractiveShell  # noqa: E402

from jupyterlab_runs import _config, _hashing  # noqa: E402
from jupyterlab_runs._transport import MIME_TYPE, RECORDER  # noqa: E402


class Capture:
    """The outputs one test published, with helpers to decode them."""

    def __init__(self, shell):
        self.shell = shell
        self.pub = CapturingDisplayPublisher(parent=shell, shell=shell)

    @property
    def outputs(self):
        return self.pub.outputs

    def run(self, code):
        result = self.shell.run_cell(code, store_history=True)
        if not result.success:
            raise AssertionError(f"cell failed: {result.error_in_exec or result.error_before_exec!r}")
        return result

    def messages(self):
        """(output, message) pairs; asserts every bundle is strict JSON."""
        pairs = []
        for out in self.outputs:
            json.dumps(out["data"], allow_nan=False)  # what jupyter_client's packer does
            if MIME_TYPE in out["data"]:
                pairs.append((out, out["data"][MIME_TYPE]))
        return pairs

    def runs(self):
        """Rebuild each run from its deltas the way the frontend must.

        Returns {run id: {"metrics": {name: (steps, values)}, "events": [...],
        "final": message or None, "display_ids": set, "seqs": [...]}} and
        checks that sequence numbers have no gaps.
        """
        runs = {}
        for out, msg in self.messages():
            run = runs.setdefault(msg["exec_id"], {"metrics": {}, "events": [], "final": None,
                                               "display_ids": set(), "seqs": [], "updates": []})
            assert msg["seq"] == len(run["seqs"]) + 1, "gap or reordering in sequence numbers"
            run["seqs"].append(msg["seq"])
            run["updates"].append(out["update"])
            run["display_ids"].add(out["transient"]["display_id"])
            for name, series in msg["delta"]["metrics"].items():
                steps, values = run["metrics"].setdefault(name, ([], []))
                assert len(series["steps"]) == len(series["values"])
                steps.extend(series["steps"])
                values.extend(series["values"])
            run["events"].extend(msg["delta"]["events"])
            if msg["final"]:
                run["final"] = msg
        return runs

    def only_run(self):
        runs = self.runs()
        assert len(runs) == 1, f"expected one run, got {len(runs)}"
        return next(iter(runs.values()))


@pytest.fixture(scope="session")
def shell():
    shell = InteractiveShell.instance()
    shell.run_cell("import jupyterlab_runs as runs")
    return shell


@pytest.fixture
def capture(shell):
    """A fresh recorder and settings, and a display publisher that records."""
    RECORDER.finish()
    _config.reset()
    _hashing.clear_cache()
    saved = shell.display_pub
    cap = Capture(shell)
    shell.display_pub = cap.pub
    yield cap
    RECORDER.finish()
    shell.display_pub = saved
    _config.reset()


@pytest.fixture
def jp_server_config():
    """The Jupyter server of the server extension's tests (pytest-jupyter's
    ``jp_fetch``): the extension enabled as installed, and every endpoint
    requiring authentication, as in production. Only the ``test_server_*``
    modules start a server."""
    return {
        "ServerApp": {
            "jpserver_extensions": {"jupyterlab_runs": True},
            "allow_unauthenticated_access": False,
        }
    }


@pytest.fixture
def age_entries():
    """Give every entry of a folder an old time, then move the folder's own
    time past theirs: a stat ``since`` the folder's time then names only
    what changes after it (the page's reads around its own writes)."""
    import time

    def age(folder):
        for entry in folder.iterdir():
            os.utime(entry, (1_600_000_000, 1_600_000_000), follow_symlinks=False)
        time.sleep(0.05)  # (that changed their inodes: the folder's time after)
        (folder / "gone.tmp").write_text("")
        (folder / "gone.tmp").unlink()

    return age
