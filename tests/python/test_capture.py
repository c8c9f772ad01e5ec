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
    monkeypatch.setattr(_capture, "_controls", [])
    monkeypatch.setattr(_capture, "_options", None)
    monkeypatch.setattr(_capture, "_need_environment", True)
    monkeypatch.setattr(_capture, "_ensure_hook", lambda: None)
    sent = []
    monkeypatch.setattr(
        _capture, "_send", lambda key, snap, request=None: sent.append((key, snap))
    )
    return sent


class Request:
    """The execute request the kernel is handling (id and cell tags)."""

    def __init__(self, monkeypatch):
        self.msg_id, self.tags = None, ()
        monkeypatch.setattr(_capture, "_request", lambda: (self.msg_id, self.tags))

    def run(self, code, msg_id, tags=()):
        """Run a cell through both hooks, as ipykernel does."""
        self.msg_id, self.tags = msg_id, list(tags)
        _capture._pre_run_cell(FakeInfo(code))
        _capture._post_run_cell(FakeResult(code))


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

        def on_close(self, callback):
            pass

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


def recorded_probes(monkeypatch):
    """Replace the snapshot: record whether each probed the environment."""
    probed = []
    monkeypatch.setattr(
        _capture,
        "snapshot",
        lambda code, cwd, options: probed.append(options["environment"])
        or {"environment": {"hash": "h"} if options["environment"] else None},
    )
    return probed


def sent_with_requests(monkeypatch):
    sent = []
    monkeypatch.setattr(
        _capture, "_send", lambda key, snap, request=None: sent.append((key, request, snap))
    )
    return sent


def test_tagged_cells_arm_themselves_once_registered(monkeypatch):
    sent = sent_with_requests(monkeypatch)
    snapshot_of(monkeypatch, {"lr": 0.1})
    req = Request(monkeypatch)
    # Before the frontend configured the module, nothing is armed.
    req.run("lr = 0.1", "r0", ["experiment"])
    assert sent == []
    _capture.register({"environment": False, "params": True})
    req.run("lr = 0.1", "r1", ["experiment:mnist"])
    req.run("print(lr)", "r2", ["other"])
    req.run("lr = 0.1", "r3", ["experiment", "parameters"])
    assert [(key, request) for key, request, _ in sent] == [(None, "r1"), (None, "r3")]
    assert sent[0][2]["params"] == {"lr": 0.1}
    assert sent[0][2]["kernel_ms"] >= 0
    assert len(_capture._armed) == 0


def test_parameters_cells_arm_themselves_unless_params_are_off(monkeypatch):
    sent = sent_with_requests(monkeypatch)
    snapshot_of(monkeypatch, {"epochs": 3})
    req = Request(monkeypatch)
    _capture.register({"params": True})
    req.run("epochs = 3", "p1", ["parameters"])
    assert [(request, snap["params"], snap["environment"]) for _, request, snap in sent] == [
        ("p1", {"epochs": 3}, None)
    ]
    _capture.register({"params": False})
    req.run("epochs = 3", "p2", ["parameters"])
    assert len(sent) == 1


def test_a_cell_armed_by_request_is_not_armed_twice(monkeypatch):
    sent = sent_with_requests(monkeypatch)
    snapshot_of(monkeypatch, {"x": 1})
    req = Request(monkeypatch)
    _capture.register({"environment": False})
    _capture.arm("run-1", "x = 1", {"environment": False})
    req.run("x = 1", "r1", ["experiment"])
    assert [(key, request) for key, request, _ in sent] == [("run-1", "r1")]
    assert len(_capture._armed) == 0


def test_environment_is_probed_first_and_after_package_changes(monkeypatch):
    sent = sent_with_requests(monkeypatch)
    probed = recorded_probes(monkeypatch)
    req = Request(monkeypatch)
    _capture.register({"environment": True})
    req.run("fit()", "r1", ["experiment"])
    req.run("fit()", "r2", ["experiment"])
    req.run("%pip install -q tqdm", "r3")
    req.run("fit()", "r4", ["experiment"])
    req.run("fit()", "r5", ["experiment"])
    req.run("!git checkout other-branch", "r6")
    req.run("fit()", "r7", ["experiment"])
    assert probed == [True, False, True, False, True]
    assert len(sent) == 5


def test_environment_capture_off_is_never_probed(monkeypatch):
    sent_with_requests(monkeypatch)
    probed = recorded_probes(monkeypatch)
    req = Request(monkeypatch)
    _capture.register({"environment": False})
    req.run("fit()", "r1", ["experiment"])
    assert probed == [False]


def test_control_comm_configures_and_asks_for_a_probe(monkeypatch):
    sent_with_requests(monkeypatch)
    probed = recorded_probes(monkeypatch)

    class Channel:
        def on_msg(self, callback):
            self.callback = callback

        def on_close(self, callback):
            pass

    channel = Channel()
    _capture._on_control_open(channel, {})
    send = lambda data: channel.callback({"content": {"data": data}})  # noqa: E731
    req = Request(monkeypatch)
    send({"configure": {"environment": True, "params": True}})
    req.run("fit()", "r1", ["experiment"])
    req.run("fit()", "r2", ["experiment"])
    send({"environment": True})  # the frontend could not store it
    req.run("fit()", "r3", ["experiment"])
    assert probed == [True, False, True]


class ControlComm:
    """A control comm the frontend opened (ipykernel's comm, faked)."""

    def __init__(self, fail=False):
        self.sent, self.fail = [], fail

    def on_msg(self, callback):
        self.on_message = callback

    def on_close(self, callback):
        self.closed = callback

    def send(self, data):
        if self.fail:
            raise RuntimeError("comm closed")
        self.sent.append(data)


def opened_comms(monkeypatch):
    """The comms _send opens itself (target, data)."""
    opened = []

    class FakeComm:
        def __init__(self, target_name, data):
            opened.append((target_name, data))

        def close(self):
            pass

    import comm

    monkeypatch.setattr(comm, "create_comm", FakeComm)
    return opened


def test_snapshots_name_their_request_on_the_comm(monkeypatch):
    monkeypatch.setattr(_capture, "_send", REAL_SEND)
    opened = opened_comms(monkeypatch)
    _capture._send("", {"v": 1}, "req-7")
    [(target, data)] = opened
    assert target == "jupyterlab-runs"
    assert (data["key"], data["request"], json.loads(data["json"])) == ("", "req-7", {"v": 1})


def test_snapshots_go_on_the_latest_control_comm_not_a_comm_each(monkeypatch):
    """One IOPub message per run: no comm (and JupyterLab subshell) per run.
    Every page reads it on IOPub, whichever page opened the comm."""
    monkeypatch.setattr(_capture, "_send", REAL_SEND)
    opened = opened_comms(monkeypatch)
    first, second = ControlComm(), ControlComm()  # e.g. a page, then a reload
    _capture._on_control_open(first, {})
    _capture._on_control_open(second, {})
    _capture._send("", {"v": 1}, "req-7")
    assert opened == [] and first.sent == []
    [message] = second.sent
    data = message["snapshot"]
    assert (data["key"], data["request"], json.loads(data["json"])) == ("", "req-7", {"v": 1})


def test_closed_or_broken_control_comms_are_forgotten(monkeypatch):
    monkeypatch.setattr(_capture, "_send", REAL_SEND)
    opened = opened_comms(monkeypatch)
    kept, closed, broken = ControlComm(), ControlComm(), ControlComm(fail=True)
    for channel in (kept, closed, broken):
        _capture._on_control_open(channel, {})
    closed.closed({})  # the frontend closed it
    _capture._send("k", {"v": 2})
    assert [m["snapshot"]["key"] for m in kept.sent] == ["k"]
    assert closed.sent == [] and _capture._controls == [kept]
    kept.closed({})
    # Nothing open any more: the snapshot still reaches the frontend.
    _capture._send("k2", {"v": 3})
    [(target, data)] = opened
    assert (target, data["key"]) == ("jupyterlab-runs", "k2")


def test_only_the_latest_control_comms_are_kept(monkeypatch):
    channels = [ControlComm() for _ in range(_capture._MAX_CONTROLS + 3)]
    for channel in channels:
        _capture._on_control_open(channel, {})
    assert _capture._controls == channels[3:]


def test_request_reads_the_cell_tags_of_the_execute_request(monkeypatch):
    class Kernel:
        def get_parent(self):
            return {
                "header": {"msg_id": "abc"},
                "metadata": {"tags": ["experiment"], "cellId": "c1"},
            }

    class Shell:
        kernel = Kernel()

    import IPython

    monkeypatch.setattr(IPython, "get_ipython", lambda: Shell())
    assert _capture._request() == ("abc", ["experiment"])
    monkeypatch.setattr(IPython, "get_ipython", lambda: None)
    assert _capture._request() == (None, ())


def test_arming_times_of_dropped_arms_are_forgotten(clean, monkeypatch):
    snapshot_of(monkeypatch, {})
    _capture.arm("aborted", "a = 1", {"environment": False})
    _capture.arm("ran", "b = 2", {"environment": False})
    _capture._post_run_cell(FakeResult("b = 2"))
    assert _capture._arm_ms == {}


def test_system_metrics_include_gpus_when_present(clean, monkeypatch, tmp_path):
    import time as _time

    from jupyterlab_runs import _sysinfo, api
    from test_probe import fake_nvidia_smi

    fake = fake_nvidia_smi(tmp_path)
    monkeypatch.setattr(_sysinfo, "_gpu_cache", None)
    monkeypatch.setattr(_sysinfo.shutil, "which", lambda name: str(fake))
    snapshot_of(monkeypatch, {})
    logged = []
    monkeypatch.setattr(api, "log_metrics", lambda values, step=None: logged.append(values))
    _capture.arm("run-g", "fit()", {"environment": False, "system_interval_ms": 100})
    _capture._pre_run_cell(FakeInfo("fit()"))
    _time.sleep(0.5)
    _capture._post_run_cell(FakeResult("fit()"))
    assert logged
    first = logged[0]
    assert first["system/gpu0_utilization_percent"] == 87.0
    assert first["system/gpu0_memory_used_bytes"] == 1234 * 1024 * 1024
    assert first["system/gpu1_memory_used_bytes"] == 2048 * 1024 * 1024
    assert "system/gpu1_utilization_percent" not in first  # [N/A]
