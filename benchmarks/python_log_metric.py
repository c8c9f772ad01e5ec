"""Throughput of ``jupyterlab_runs.log_metric`` in a tight loop.

Runs 100,000 calls inside a real IPython ``InteractiveShell`` (cells go
through ``run_cell``, so the end-of-cell flush happens as in a kernel) whose
display publisher serializes every bundle the way jupyter_client does
(``json.dumps(..., allow_nan=False)``), and compares with the same loop
without the call. Prints numbers only; no assertions.

    python benchmarks/python_log_metric.py [--points N] [--repeat R]
"""

import argparse
import json
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from IPython.core.displaypub import DisplayPublisher  # noqa: E402
from IPython.core.interactiveshell import InteractiveShell  # noqa: E402

from jupyterlab_runs._transport import RECORDER  # noqa: E402


class SerializingPublisher(DisplayPublisher):
    """Counts messages and bytes, paying the JSON cost a kernel would pay."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.messages = 0
        self.bytes = 0

    def publish(self, data, metadata=None, source=None, *, transient=None, update=False):
        self.messages += 1
        self.bytes += len(json.dumps(data, allow_nan=False, ensure_ascii=False))


def timed_flushes():
    """Wrap the recorder's flush to measure each one (payload + publish)."""
    durations = []
    original = RECORDER._flush

    def wrapper(final):
        start = time.perf_counter()
        original(final)
        durations.append(time.perf_counter() - start)

    RECORDER._flush = wrapper
    return durations


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    shell = InteractiveShell.instance()
    pub = SerializingPublisher(parent=shell, shell=shell)
    shell.display_pub = pub
    shell.run_cell("import time\nimport jupyterlab_runs as runs")
    flushes = timed_flushes()
    n = args.points
    bare_cell = f"t0 = time.perf_counter()\nfor i in range({n}):\n    v = i * 0.5\n" \
                "elapsed = time.perf_counter() - t0"
    log_cell = f"t0 = time.perf_counter()\nfor i in range({n}):\n    runs.log_metric('loss', i * 0.5)\n" \
               "elapsed = time.perf_counter() - t0"

    bare, logged, messages, sizes, per_flush = [], [], [], [], []
    for _ in range(args.repeat):
        shell.run_cell(bare_cell)
        bare.append(shell.user_ns["elapsed"])
        pub.messages = pub.bytes = 0
        del flushes[:]
        shell.run_cell(log_cell)  # post_run_cell sends the tail and the final summary
        logged.append(shell.user_ns["elapsed"])
        messages.append(pub.messages)
        sizes.append(pub.bytes)
        per_flush.extend(flushes)

    b, t = min(bare), min(logged)
    print(f"python {sys.version.split()[0]}, {n:,} log_metric calls, best of {args.repeat}")
    print(f"bare loop:            {b * 1e3:8.2f} ms  ({n / b:,.0f} iterations/s)")
    print(f"log_metric loop:      {t * 1e3:8.2f} ms  ({n / t:,.0f} points/s, "
          f"median {n / statistics.median(logged):,.0f})")
    print(f"overhead per call:    {(t - b) / n * 1e9:8.0f} ns  ({t / b:.1f}x the bare loop)")
    print(f"display messages:     {statistics.median(messages):8.0f} per cell "
          f"(1 display + updates, incl. final summary)")
    print(f"bytes published:      {statistics.median(sizes) / 1e6:8.2f} MB per cell "
          f"({statistics.median(sizes) / n:.1f} B/point)")
    print(f"time per flush:       {statistics.mean(per_flush) * 1e3:8.2f} ms mean, "
          f"{max(per_flush) * 1e3:.2f} ms max ({len(per_flush)} flushes, JSON included)")


if __name__ == "__main__":
    main()
