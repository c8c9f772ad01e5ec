"""The kernel's time per execution of a cell tagged `experiment` against the
same cell untagged: from the execute request's start to its reply
(ipykernel's `metadata.started` to the reply's date), what the kernel side
of jupyterlab_runs adds to the wait for every tagged cell (its pre- and
post-run hooks: the journal, the snapshot, the slice, and the wait for the
IOPub thread they cause). No page: the requests carry the cell's tags as
JupyterLab sends them, and the kernel side is set up as a page sets it up.

    .venv/bin/python benchmarks/kernel-cost.py [PAIRS]   # default 150

The same cell as benchmarks/execution-cost.sh (10 params, 5 metrics and a
tag through the Python API), in a temporary folder; each pair in an order
drawn at random (seed 1). KERNEL_COST_NO_JOURNAL=1 turns the journal off,
to see what it costs.
"""

import json
import os
import random
import statistics
import sys
import tempfile

from dateutil.parser import isoparse
from jupyter_client import manager

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PAIRS = int(sys.argv[1]) if len(sys.argv) > 1 else 150
CELL = "\n".join([
    "params = {f'p{i}': i * 0.1 for i in range(9)}",
    "params['model'] = 'cnn'",
    'metrics = {f"m{i}": 1 / (i + 1) for i in range(5)}',
    "runs.log_params(params)",
    "runs.log_metrics(metrics)",
    "runs.set_tag('kind', 'bench')",
])
# What the page sends (src/capture/settings.ts, `kernelOptions`).
OPTIONS = {"notebook": "bench.ipynb", "environment": True, "packages": True, "git": True,
           "gpus": True, "max_diff_bytes": 100000, "params": True, "datasets": True,
           "max_dataset_bytes": 100_000_000, "system": False, "system_interval_ms": 0,
           "reply_snapshots": True}


def main():
    folder = tempfile.mkdtemp(prefix="kernel-cost-")
    env = dict(os.environ, JPY_SESSION_NAME=os.path.join(folder, "bench.ipynb"),
               PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    km, kc = manager.start_new_kernel(kernel_name="python3", startup_timeout=60,
                                      cwd=folder, env=env)
    try:
        kc.execute_interactive("import jupyterlab_runs as runs", timeout=60)
        setup = ("__import__('jupyterlab_runs._capture', fromlist=['_'])"
                 f".register({json.dumps(json.dumps(OPTIONS))}, '{{}}')")
        kc.execute_interactive(setup, silent=True, timeout=60)
        if os.environ.get("KERNEL_COST_NO_JOURNAL") == "1":
            kc.execute_interactive("__import__('jupyterlab_runs._capture', fromlist=['_'])"
                                   ".JOURNAL._notebook = None", silent=True, timeout=60)

        def run(tags):
            msg = kc.session.msg(
                "execute_request",
                {"code": CELL, "silent": False, "store_history": True, "user_expressions": {},
                 "allow_stdin": False, "stop_on_error": True},
                metadata={"tags": tags, "cellId": "measured"})
            kc.shell_channel.send(msg)
            while True:
                reply = kc.get_shell_msg(timeout=60)
                if reply["parent_header"].get("msg_id") == msg["header"]["msg_id"]:
                    break
            while True:  # the cell's IOPub messages, so the next starts clean
                got = kc.get_iopub_msg(timeout=60)
                if (got["parent_header"].get("msg_id") == msg["header"]["msg_id"]
                        and got["msg_type"] == "status"
                        and got["content"]["execution_state"] == "idle"):
                    break
            started = reply["metadata"]["started"]
            ended = reply["header"]["date"]
            started = isoparse(started) if isinstance(started, str) else started
            ended = isoparse(ended) if isinstance(ended, str) else ended
            return (ended - started).total_seconds() * 1000

        for _ in range(3):  # warm-up: the environment probe, first imports
            run(["experiment:bench"])
            run([])
        order = random.Random(1)
        times = {"tagged": [], "untagged": []}
        for _ in range(PAIRS):
            arms = ["tagged", "untagged"]
            order.shuffle(arms)
            for arm in arms:
                times[arm].append(run(["experiment:bench"] if arm == "tagged" else []))
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    print(f"kernel cost: {PAIRS} pairs, execute request start to reply, ms"
          f"{' (journal off)' if os.environ.get('KERNEL_COST_NO_JOURNAL') == '1' else ''}")
    for arm, values in times.items():
        print(f"  {arm:9s} mean {statistics.mean(values):6.2f}  p50 {statistics.median(values):6.2f}")
    diffs = [t - u for t, u in zip(times["tagged"], times["untagged"])]
    print(f"  tagged - untagged: mean {statistics.mean(diffs):.2f}, "
          f"p50 {statistics.median(times['tagged']) - statistics.median(times['untagged']):.2f}")


if __name__ == "__main__":
    main()
