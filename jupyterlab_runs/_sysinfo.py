"""What machine and software a run used, and cheap resource samples.

Standard library only: /proc on Linux, ``os.sysconf``/``getloadavg``
elsewhere, ``importlib.metadata`` for packages and ``nvidia-smi`` for GPUs.
Environment variables are deliberately never read into the result: they
routinely hold secrets (tokens, passwords) and the run files get shared.
"""

import os
import platform
import shutil
import subprocess
import sys
import threading
import time

_lock = threading.Lock()
_gpu_cache = None
_pkg_cache = (None, None)
_last_cpu = None  # (busy, total) jiffies from the previous /proc/stat sample
_last_proc = None  # (process cpu seconds, wall seconds) from the previous sample


def _read(path):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read()
    except OSError:
        return None


def _meminfo():
    """/proc/meminfo as {key: bytes}; empty off Linux."""
    info = {}
    for line in (_read("/proc/meminfo") or "").splitlines():
        key, _, rest = line.partition(":")
        parts = rest.split()
        if parts and parts[0].isdigit():
            info[key] = int(parts[0]) * (1024 if parts[1:2] == ["kB"] else 1)
    return info


def memory_total():
    total = _meminfo().get("MemTotal")
    if total is None:
        try:
            total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
        except (ValueError, OSError, AttributeError):
            total = None
    return total


def _cpu_model():
    for line in (_read("/proc/cpuinfo") or "").splitlines():
        if line.startswith(("model name", "Model", "cpu model")):
            return line.partition(":")[2].strip()
    return platform.processor() or None


def _os_release():
    for line in (_read("/etc/os-release") or "").splitlines():
        if line.startswith("PRETTY_NAME="):
            return line.partition("=")[2].strip().strip('"')
    return None


def gpus(timeout=5.0):
    """GPUs from ``nvidia-smi`` (cached: they do not change while we run)."""
    global _gpu_cache
    with _lock:
        if _gpu_cache is not None:
            return list(_gpu_cache)
    found = []
    exe = shutil.which("nvidia-smi")
    if exe:
        try:
            out = subprocess.run([exe, "--query-gpu=name,memory.total", "--format=csv,noheader"],
                                 stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                 stderr=subprocess.DEVNULL, timeout=timeout).stdout
        except (OSError, subprocess.SubprocessError):
            out = b""
        for line in out.decode("utf-8", "replace").splitlines():
            name, _, mem = line.partition(",")
            if name.strip():
                found.append({"name": name.strip(), "memory_total": mem.strip() or None})
    with _lock:
        _gpu_cache = found
    return list(found)


def gpu_metrics(timeout=2.0):
    """Utilization and memory in use of each GPU, from ``nvidia-smi``.

    An empty list without GPUs (``gpus()`` found none: no subprocess then)
    or when ``nvidia-smi`` fails. One call takes tens of milliseconds: meant
    for the sampling thread, not for the cell's thread.
    """
    exe = shutil.which("nvidia-smi")
    if not exe or not gpus():
        return []
    try:
        out = subprocess.run(
            [exe, "--query-gpu=index,utilization.gpu,memory.used",
             "--format=csv,noheader,nounits"],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL, timeout=timeout).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    samples = []
    for line in out.decode("utf-8", "replace").splitlines():
        parts = [p.strip() for p in line.split(",")]
        if len(parts) != 3:
            continue
        try:
            index = int(parts[0])
        except ValueError:
            continue
        samples.append({
            "index": index,
            "utilization_percent": _number(parts[1]),
            "memory_used_bytes": None if _number(parts[2]) is None
            else int(_number(parts[2]) * 1024 * 1024),
        })
    return samples


def _number(text):
    """A float, or None for nvidia-smi's "[N/A]" and the like."""
    try:
        return float(text)
    except ValueError:
        return None


def _paths_key():
    """sys.path with directory mtimes: installing a package changes one."""
    key = []
    for entry in sys.path:
        try:
            key.append((entry, os.stat(entry or ".").st_mtime_ns))
        except OSError:
            key.append((entry, None))
    return tuple(key)


def packages():
    """{distribution name: version}, sorted, as importlib.metadata sees them.

    Walking every dist-info costs tens of milliseconds, so the result is
    cached until ``sys.path`` or a directory on it changes (``%pip install``).
    """
    global _pkg_cache
    from importlib import metadata

    key = _paths_key()
    with _lock:
        if _pkg_cache[0] == key:
            return dict(_pkg_cache[1])
    found = {}
    for dist in metadata.distributions():
        try:
            name = dist.metadata["Name"]
        except Exception:  # noqa: BLE001 - a broken dist-info must not break the probe
            continue
        if name and name not in found:  # the first on sys.path is the one imported
            found[name] = dist.version
    result = dict(sorted(found.items(), key=lambda kv: kv[0].lower()))
    with _lock:
        _pkg_cache = (key, result)
    return dict(result)


def machine(include_packages=True, include_gpus=True):
    """The stable part of the environment: same machine + software, same dict."""
    return {
        "python": {
            "version": platform.python_version(),
            "implementation": platform.python_implementation(),
            "executable": sys.executable,
        },
        "platform": {
            "system": platform.system(),
            "release": platform.release(),
            "machine": platform.machine(),
            "platform": platform.platform(),
            "distribution": _os_release(),
        },
        "cpu": {"count": os.cpu_count(), "model": _cpu_model()},
        "memory": {"total_bytes": memory_total()},
        "gpus": gpus() if include_gpus else [],
        "packages": packages() if include_packages else {},
    }


def _proc_stat():
    line = (_read("/proc/stat") or "").partition("\n")[0].split()
    if not line or line[0] != "cpu":
        return None
    ticks = [int(x) for x in line[1:]]
    idle = ticks[3] + (ticks[4] if len(ticks) > 4 else 0)  # idle + iowait
    return sum(ticks) - idle, sum(ticks)


def _rss():
    for line in (_read("/proc/self/status") or "").splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return None


def system_metrics():
    """One cheap resource sample (no sleeping, no subprocess).

    CPU percentages are averages since the previous call, so the first call
    returns None for them; sample at a steady rate. ``cpu_percent`` is the
    whole machine (0-100), ``process_cpu_percent`` this kernel (may exceed
    100 with several threads).
    """
    global _last_cpu, _last_proc
    now = time.monotonic()
    times = os.times()
    proc = (times.user + times.system, now)
    stat = _proc_stat()
    with _lock:
        prev_cpu, prev_proc = _last_cpu, _last_proc
        _last_cpu, _last_proc = stat, proc
    cpu = None
    if stat and prev_cpu and stat[1] > prev_cpu[1]:
        cpu = 100.0 * (stat[0] - prev_cpu[0]) / (stat[1] - prev_cpu[1])
    proc_cpu = None
    if prev_proc and proc[1] > prev_proc[1]:
        proc_cpu = 100.0 * (proc[0] - prev_proc[0]) / (proc[1] - prev_proc[1])
    mem = _meminfo()
    total = mem.get("MemTotal") or memory_total()
    available = mem.get("MemAvailable")
    try:
        load = list(os.getloadavg())
    except (OSError, AttributeError):
        load = None
    return {
        "time_ms": int(time.time() * 1000),
        "cpu_percent": cpu,
        "process_cpu_percent": proc_cpu,
        "load_avg": load,
        "cpu_count": os.cpu_count(),
        "rss_bytes": _rss(),
        "memory_total_bytes": total,
        "memory_used_bytes": (total - available) if total and available is not None else None,
    }
