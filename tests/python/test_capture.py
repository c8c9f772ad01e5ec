"""The kernel-side half of capture: arm, snapshot after the cell, send."""

import json

import pytest

from jupyterlab_runs import _capture

REAL_SEND = _capture._send


class FakeInfo:
    def __init__(self, raw_cell):
        self.raw_cell = raw_cell


class FakeResult:
    def __init__(self, raw_cell):
        self.info = FakeInfo(raw_cell)


@pytest.fixture(autouse=True)
def clean(monkeypatch):
    _capture._armed.clear()
    _capture._arm_ms.clear()
    _capture._unsent.clear()
    monkeypatch.setattr(_capture, "_ensure_hook", lambda: None)
    sent = []
    monkeypatch.setattr(_capture, "_send", lambda key, snap: sent.append((key, snap)))
    return sent


def snapshot_of(monkeypatch, namespace):
    real = _capture.snapshot
    monkeypatch.setattr(
        _capture, "snapshot", lambda code, cwd, options: real(code, cwd, options, namespace)
    )


def test_snapshot_is_taken_when_the_armed_cell_ends(clean, monkeypatch):
    snapshot_of(monkeypatch, {"lr": 0.1, "epochs": 3})
    code = "lr = 0.1\nepochs = 3"
    assert _capture.arm("run-1", code, {"environment": False}) is True
    _capture._post_run_cell(FakeResult(code))
    [(key, snap)] = clean
    assert key == "run-1"
    assert snap["params"] == {"lr": 0.1, "epochs": 3}
    assert snap["environment"] is None
    assert snap["kernel_ms"] >= 0


def test_other_cells_do_not_consume_the_arm(clean, monkeypatch):
    snapshot_of(monkeypatch, {"x": 1})
    _capture.arm("run-1", "x = 1", {"environment": False})
    _capture._post_run_cell(FakeResult("print('unrelated')"))
    assert clean == []
    _capture._post_run_cell(FakeResult("x = 1"))
    assert [key for key, _ in clean] == ["run-1"]


def test_values_are_read_right_after_the_cell_not_later(clean, monkeypatch):
    namespace = {"lr": 0.1}
    snapshot_of(monkeypatch, namespace)
    _capture.arm("run-1", "lr = 0.1", {"environment": False})
    _capture._post_run_cell(FakeResult("lr = 0.1"))
    namespace["lr"] = 99  # a later cell changes it
    assert clean[0][1]["params"] == {"lr": 0.1}


def test_arms_of_aborted_executions_are_dropped(clean, monkeypatch):
    snapshot_of(monkeypatch, {"b": 2})
    _capture.arm("aborted", "a = 1", {"environment": False})
    _capture.arm("ran", "b = 2", {"environment": False})
    _capture._post_run_cell(FakeResult("b = 2"))
    assert [key for key, _ in clean] == ["ran"]
    assert len(_capture._armed) == 0


def test_unsent_snapshots_can_be_taken(monkeypatch):
    monkeypatch.setattr(_capture, "_send", REAL_SEND)
    import builtins

    real_import = builtins.__import__

    def no_comm(name, *args, **kwargs):
        if name == "comm":
            raise ImportError("no comm here")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_comm)
    _capture._send("k", {"v": 1, "params": {"a": 1}})
    monkeypatch.setattr(builtins, "__import__", real_import)
    assert json.loads(str(_capture.take_json("k"))) == {"v": 1, "params": {"a": 1}}
    assert json.loads(str(_capture.take_json("k"))) is None


def test_control_comm_messages_arm_like_the_call(clean, monkeypatch):
    snapshot_of(monkeypatch, {"lr": 0.3})

    class Channel:
        def on_msg(self, callback):
            self.callback = callback

    channel = Channel()
    _capture._on_control_open(channel, {})
    channel.callback(
        {"content": {"data": {"key": "run-9", "code": "lr = 0.3", "options": {"environment": False}}}}
    )
    _capture._post_run_cell(FakeResult("lr = 0.3"))
    assert [(key, snap["params"]) for key, snap in clean] == [("run-9", {"lr": 0.3})]


def test_system_metrics_are_sampled_only_while_the_armed_cell_runs(clean, monkeypatch):
    import time as _time

    snapshot_of(monkeypatch, {})
    logged = []
    from jupyterlab_runs import api

    monkeypatch.setattr(api, "log_metrics", lambda values, step=None: logged.append((step, values)))
    code = "train()"
    _capture.arm("run-s", code, {"environment": False, "system_interval_ms": 100})
    _capture._pre_run_cell(FakeInfo(code))
    _time.sleep(0.45)
    _capture._post_run_cell(FakeResult(code))
    count = len(logged)
    _time.sleep(0.3)
    assert count >= 2
    assert len(logged) == count  # stopped with the cell
    assert [step for step, _ in logged] == list(range(count))
    assert all(name.startswith("system/") for _, values in logged for name in values)
    assert "system/rss_bytes" in logged[0][1]


def test_no_sampling_unless_asked(clean, monkeypatch):
    snapshot_of(monkeypatch, {})
    _capture.arm("run-t", "x()", {"environment": False})
    _capture._pre_run_cell(FakeInfo("x()"))
    assert _capture._sampler._stop.is_set()
    _capture._post_run_cell(FakeResult("x()"))
