"""The wire: one display per cell execution, updated in place, format v1."""

import sys

from IPython.core.displaypub import DisplayPublisher

import jupyterlab_runs as runs
from jupyterlab_runs._transport import MIME_TYPE


def test_mime_type_is_the_documented_one():
    assert runs.MIME_TYPE == MIME_TYPE == "application/vnd.jupyterlab-runs.log+json"


def test_one_display_per_execution_updated_in_place(capture):
    runs.configure(flush_interval_ms=0)  # flush on every call: many updates
    capture.run("for i in range(5):\n    runs.log_metric('loss', 1.0 / (i + 1))\n"
                "runs.log_param('lr', 0.1)\nruns.set_tag('model', 'mlp')")
    run = capture.only_run()
    assert len(run["display_ids"]) == 1
    assert run["updates"][0] is False and all(run["updates"][1:])  # display, then updates
    assert run["seqs"] == list(range(1, len(run["seqs"]) + 1))
    assert run["metrics"]["loss"] == ([0, 1, 2, 3, 4], [1.0, 0.5, 1 / 3, 0.25, 0.2])
    assert [(e["kind"], e["name"], e["value"]) for e in run["events"]] == [
        ("param", "lr", 0.1), ("tag", "model", "mlp")]


def test_final_update_is_summary_only(capture, shell):
    capture.run("for i in range(3):\n    runs.log_metrics({'loss': 3.0 - i, 'acc': i / 2}, step=i * 10)")
    out, final = capture.messages()[-1]
    assert final["final"] is True and out["update"] is True
    assert final["delta"] == {"metrics": {}, "events": []}
    summary = final["summary"]
    assert summary["points"] == 6
    assert summary["metrics"]["loss"] == {"last": 1.0, "step": 20, "count": 3, "min": 1.0, "max": 3.0}
    assert summary["metrics"]["acc"]["last"] == 1.0
    assert summary["counts"]["metrics"] == 2
    assert out["data"]["text/plain"] == "jupyterlab-runs: 3 steps, loss=1 acc=1"


def test_message_envelope(capture, shell):
    count = shell.execution_count
    capture.run("runs.log_metric('x', 1)")
    msg = capture.messages()[0][1]
    assert set(msg) == {"v", "exec_id", "seq", "final", "time_ms", "execution_count", "delta", "summary"}
    assert msg["v"] == 1 and msg["seq"] == 1 and msg["final"] is False
    assert msg["execution_count"] == count
    assert set(msg["summary"]) == {"points", "metrics", "params", "tags", "counts", "truncated"}
    assert capture.outputs[0]["transient"]["display_id"] == "jupyterlab-runs-" + msg["exec_id"]


def test_each_execution_is_a_new_run_with_fresh_steps(capture):
    capture.run("runs.log_metric('loss', 1); runs.log_metric('loss', 2)")
    capture.run("runs.log_metric('loss', 3)")
    first, second = capture.runs().values()
    assert first["display_ids"] != second["display_ids"]
    assert first["metrics"]["loss"][0] == [0, 1]
    assert second["metrics"]["loss"][0] == [0]
    assert second["seqs"][0] == 1


def test_auto_step_continues_after_explicit_step(capture):
    capture.run("runs.log_metric('a', 1); runs.log_metric('a', 2, step=10); runs.log_metric('a', 3)\n"
                "import numpy as np; runs.log_metric('a', np.float32(4), step=np.int64(20))")
    assert capture.only_run()["metrics"]["a"] == ([0, 10, 11, 20], [1.0, 2.0, 3.0, 4.0])


def test_cells_without_logging_publish_nothing(capture):
    capture.run("x = 1")
    assert capture.outputs == []


def test_params_keep_json_types_and_stringify_objects(capture):
    capture.run("runs.log_params({'lr': 0.1, 'n': 3, 'ok': True, 'none': None, 'obj': [1, 2]})\n"
                "runs.log_param('lr', 0.2)\nruns.set_tags({'n': 5})")
    summary = capture.messages()[-1][1]["summary"]
    assert summary["params"] == {"lr": 0.2, "n": 3, "ok": True, "none": None, "obj": "[1, 2]"}
    assert summary["tags"] == {"n": "5"}


def test_summary_lists_are_capped(capture):
    runs.configure(summary_max_items=2)
    capture.run("runs.log_params({f'p{i}': i for i in range(5)})")
    summary = capture.messages()[-1][1]["summary"]
    assert summary["params"] == {"p0": 0, "p1": 1}
    assert summary["counts"]["params"] == 5 and summary["truncated"] is True
    assert len([e for e in capture.only_run()["events"] if e["kind"] == "param"]) == 5


def test_tail_of_a_burst_is_flushed_without_further_calls(capture):
    runs.configure(flush_interval_ms=50)
    capture.run("import time\nruns.log_metric('m', 1); runs.log_metric('m', 2)\n"
                "time.sleep(0.5)\nseen = len(runs_pub.outputs)".replace(
                    "runs_pub", "get_ipython().display_pub"))
    assert capture.shell.user_ns["seen"] == 2  # the immediate first flush + the tail
    assert capture.only_run()["metrics"]["m"] == ([0, 1], [1.0, 2.0])


def test_terminal_ipython_prints_one_summary(capture, shell, monkeypatch):
    # auto mode treats the exact DisplayPublisher class as terminal IPython,
    # which would print every update as a new line
    shell.display_pub = DisplayPublisher(parent=shell, shell=shell)
    published = []
    monkeypatch.setattr(shell.display_pub, "publish",
                        lambda data, metadata=None, source=None, *, transient=None, update=False:
                        published.append((data, update)))
    capture.run("for i in range(1000):\n    runs.log_metric('loss', i)\nruns.log_param('a', 1)")
    assert len(published) == 1
    data, update = published[0]
    assert update is False
    assert data["text/plain"] == "jupyterlab-runs: 1000 steps, loss=999; 1 param"
    assert data[MIME_TYPE]["final"] is True and data[MIME_TYPE]["summary"]["points"] == 1000


def test_mode_off_publishes_nothing(capture):
    runs.configure(mode="off")
    capture.run("runs.log_metric('x', 1); runs.log_param('p', 1)")
    assert capture.outputs == []


def test_publish_failure_never_breaks_the_loop(capture, shell, capsys):
    def broken(*args, **kwargs):
        raise RuntimeError("channel closed")

    capture.pub.publish = broken
    runs.configure(flush_interval_ms=0)
    capture.run("for i in range(100):\n    runs.log_metric('x', i)\ndone = True")
    assert shell.user_ns["done"] is True
    assert capsys.readouterr().err.count("could not publish") == 1


def test_bad_metric_values_raise_type_error(capture):
    for code in ("runs.log_metric('x', 'nan')", "runs.log_metric('x', object())",
                 "runs.log_metric('', 1)", "runs.log_metric('x', 1, step=1.5)"):
        result = capture.shell.run_cell(code)
        assert isinstance(result.error_in_exec, TypeError), code
    assert "jupyterlab_runs" in sys.modules
