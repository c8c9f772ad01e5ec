"""Environment, system metrics and the silent snapshot the frontend runs."""

import json
import os

import jupyterlab_runs._probe as probe
from jupyterlab_runs import _sysinfo
from jupyterlab_runs._probe import environment, environment_hash, snapshot_json, system_metrics

SECRET_NAME, SECRET_VALUE = "JLRUNS_TEST_SECRET", "hunter2-7f1c9e"


def test_environment_contents(monkeypatch, tmp_path):
    monkeypatch.setenv(SECRET_NAME, SECRET_VALUE)
    env = environment(tmp_path, gpus=False)
    assert set(env) == {"python", "platform", "cpu", "memory", "gpus", "packages", "hash",
                        "cwd", "git"}
    assert env["python"]["version"].count(".") == 2 and env["python"]["implementation"]
    assert env["cpu"]["count"] == os.cpu_count()
    assert env["memory"]["total_bytes"] is None or env["memory"]["total_bytes"] > 0
    assert env["packages"].get("pytest")  # importlib.metadata sees the test runner
    assert env["cwd"] == os.getcwd()
    text = json.dumps(env)
    assert SECRET_VALUE not in text and SECRET_NAME not in text


def test_environment_hash_is_stable_and_content_addressed():
    first = environment(gpus=False, git=False)
    second = environment(gpus=False, git=False)
    assert first["hash"] == second["hash"] == environment_hash(first)
    assert len(first["hash"]) == 64
    changed = dict(first, packages=dict(first["packages"], newpkg="1.0"))
    assert environment_hash(changed) != first["hash"]
    assert environment_hash(dict(first, cwd="/elsewhere", git={"commit": "x"})) == first["hash"]


def test_gpus_from_nvidia_smi(monkeypatch, tmp_path):
    fake = tmp_path / "nvidia-smi"
    fake.write_text("#!/bin/sh\necho 'NVIDIA A100-SXM4-40GB, 40960 MiB'\n"
                    "echo 'Tesla T4, 15360 MiB'\n")
    fake.chmod(0o755)
    monkeypatch.setattr(_sysinfo, "_gpu_cache", None)
    monkeypatch.setattr(_sysinfo.shutil, "which", lambda name: str(fake))
    assert _sysinfo.gpus() == [{"name": "NVIDIA A100-SXM4-40GB", "memory_total": "40960 MiB"},
                               {"name": "Tesla T4", "memory_total": "15360 MiB"}]
    monkeypatch.setattr(_sysinfo, "_gpu_cache", None)
    monkeypatch.setattr(_sysinfo.shutil, "which", lambda name: None)
    assert _sysinfo.gpus() == []


def test_system_metrics_sampling():
    system_metrics()
    sum(i * i for i in range(200_000))  # burn some CPU between samples
    sample = system_metrics()
    assert sample["time_ms"] > 0 and sample["cpu_count"] == os.cpu_count()
    if os.path.exists("/proc/self/status"):
        assert sample["rss_bytes"] > 1_000_000
        assert 0 <= sample["memory_used_bytes"] <= sample["memory_total_bytes"]
        assert sample["cpu_percent"] is None or 0 <= sample["cpu_percent"] <= 100
    assert sample["process_cpu_percent"] is not None and sample["process_cpu_percent"] >= 0


def test_snapshot_through_silent_user_expressions(shell, tmp_path, monkeypatch):
    """What the frontend does: evaluate one expression, read text/plain as JSON."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "data.csv").write_text("a\n1\n")
    code = "lr = 0.03\nbatch = 16 * 2\n_private = 1\ndf = open('data.csv').read()\n"
    shell.run_cell(code)
    before_ns, before_count = dict(shell.user_ns), shell.execution_count
    options = json.dumps({"packages": False, "gpus": False, "system": True})
    expr = ("__import__('jupyterlab_runs._probe', fromlist=['_']).snapshot_json("
            f"{json.dumps(code)}, None, {json.dumps(options)})")
    reply = shell.user_expressions({"snap": expr})["snap"]
    assert reply["status"] == "ok"
    snap = json.loads(reply["data"]["text/plain"])
    assert snap["v"] == 1 and snap["errors"] == []
    # literal assignments only: `batch = 16 * 2` is computed, `df` a call's result
    assert snap["params"] == {"lr": 0.03}
    assert [d["path"] for d in snap["datasets"]] == ["data.csv"]
    assert snap["environment"]["packages"] == {} and snap["system"]["time_ms"] > 0
    assert shell.execution_count == before_count
    assert set(shell.user_ns) == set(before_ns)  # no new names, no _/__ updates
    assert shell.user_ns["_"] is before_ns["_"]


def test_snapshot_reports_errors_instead_of_raising(monkeypatch):
    snap = json.loads(snapshot_json("x = 1", None, "{not json"))
    assert snap["errors"][0]["part"] == "options"

    def boom(*args, **kwargs):
        raise RuntimeError("no /proc here")

    monkeypatch.setattr(probe, "system_metrics", boom)
    snap = json.loads(snapshot_json("x = 1", None, {"system": True, "environment": False}))
    assert snap["errors"] == [{"part": "system", "error": "RuntimeError('no /proc here')"}]
    assert "params" in snap


def test_json_text_repr_is_raw_json():
    text = probe.JSONText('{"a": "b\\n"}')
    assert repr(text) == '{"a": "b\\n"}' and json.loads(repr(text)) == {"a": "b\n"}


def fake_nvidia_smi(tmp_path, usage="0, 87, 1234\n1, [N/A], 2048\n"):
    fake = tmp_path / "nvidia-smi"
    fake.write_text("#!/bin/sh\n"
                    'case "$1" in\n'
                    "  --query-gpu=name*) echo 'NVIDIA A100, 40960 MiB'; echo 'Tesla T4, 15360 MiB';;\n"
                    f"  --query-gpu=index*) printf '{usage}';;\n"
                    "esac\n")
    fake.chmod(0o755)
    return fake


def test_gpu_metrics_from_nvidia_smi(monkeypatch, tmp_path):
    fake = fake_nvidia_smi(tmp_path)
    monkeypatch.setattr(_sysinfo, "_gpu_cache", None)
    monkeypatch.setattr(_sysinfo.shutil, "which", lambda name: str(fake))
    assert _sysinfo.gpu_metrics() == [
        {"index": 0, "utilization_percent": 87.0, "memory_used_bytes": 1234 * 1024 * 1024},
        {"index": 1, "utilization_percent": None, "memory_used_bytes": 2048 * 1024 * 1024},
    ]


def test_no_gpu_metrics_without_gpus(monkeypatch, tmp_path):
    monkeypatch.setattr(_sysinfo, "_gpu_cache", None)
    monkeypatch.setattr(_sysinfo.shutil, "which", lambda name: None)
    assert _sysinfo.gpu_metrics() == []
    # nvidia-smi present but listing no GPU: no sampling call either.
    calls = tmp_path / "calls"
    fake = tmp_path / "nvidia-smi"
    fake.write_text(f"#!/bin/sh\necho \"$1\" >> {calls}\n")
    fake.chmod(0o755)
    monkeypatch.setattr(_sysinfo, "_gpu_cache", None)
    monkeypatch.setattr(_sysinfo.shutil, "which", lambda name: str(fake))
    assert _sysinfo.gpu_metrics() == []
    assert calls.read_text().splitlines() == ["--query-gpu=name,memory.total"]
