"""End to end through a real ipykernel: the IOPub messages the frontend sees."""

import os

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MIME = "application/vnd.jupyterlab-runs.log+json"

manager = pytest.importorskip("jupyter_client.manager")
pytest.importorskip("ipykernel")


@pytest.fixture(scope="module")
def kernel():
    km, kc = manager.start_new_kernel(kernel_name="python3", startup_timeout=60)
    kc.execute_interactive(f"import sys; sys.path.insert(0, {ROOT!r})\n"
                           "import jupyterlab_runs as runs", timeout=60)
    yield kc
    kc.stop_channels()
    km.shutdown_kernel(now=True)


def execute(kc, code):
    """Run a cell; return its display messages (IOPub, same parent) and the reply."""
    seen = []

    def hook(msg):
        if msg["msg_type"] in ("display_data", "update_display_data", "stream", "error"):
            seen.append(msg)

    reply = kc.execute_interactive(code, output_hook=hook, timeout=120)
    return seen, reply


def run_with_tags(kernel, code, tags, cell_id="c1"):
    """Run a cell with its metadata, as JupyterLab sends it; return its
    request id and the snapshots sent for it."""
    msg = kernel.session.msg(
        "execute_request",
        {"code": code, "silent": False, "store_history": True,
         "user_expressions": {}, "allow_stdin": False, "stop_on_error": True},
        metadata={"tags": tags, "cellId": cell_id},
    )
    kernel.shell_channel.send(msg)
    msg_id = msg["header"]["msg_id"]
    snapshots = []
    while True:
        got = kernel.get_iopub_msg(timeout=60)
        content = got["content"]
        kind = got["msg_type"]
        if kind == "comm_open" and content.get("target_name") == "jupyterlab-runs":
            snapshots.append(("own comm", content["data"]))
        if kind == "comm_msg" and "snapshot" in content.get("data", {}):
            snapshots.append((content["comm_id"], content["data"]["snapshot"]))
        if (got["parent_header"].get("msg_id") == msg_id and got["msg_type"] == "status"
                and content["execution_state"] == "idle"):
            return msg_id, snapshots


def test_tight_loop_in_a_real_kernel(kernel):
    msgs, reply = execute(kernel, "for i in range(100_000):\n    runs.log_metric('loss', i)\n"
                                  "runs.log_param('lr', 0.1)")
    assert reply["content"]["status"] == "ok"
    assert [m["msg_type"] for m in msgs if m["msg_type"] in ("stream", "error")] == []
    assert msgs[0]["msg_type"] == "display_data"
    assert {m["msg_type"] for m in msgs[1:]} == {"update_display_data"}
    assert len(msgs) <= 10
    ids = {m["content"]["transient"]["display_id"] for m in msgs}
    assert len(ids) == 1
    steps, seqs, params = [], [], []
    for m in msgs:
        body = m["content"]["data"][MIME]
        seqs.append(body["seq"])
        steps += body["delta"]["metrics"].get("loss", {}).get("steps", [])
        params += [e["name"] for e in body["delta"]["events"]]
    assert seqs == list(range(1, len(msgs) + 1))
    assert steps == list(range(100_000)) and params == ["lr"]
    final = msgs[-1]["content"]["data"]
    assert final[MIME]["final"] is True and final[MIME]["delta"] == {"metrics": {}, "events": []}
    assert final[MIME]["execution_count"] == reply["content"]["execution_count"]
    assert final["text/plain"] == "jupyterlab-runs: 100000 steps, loss=1e+05; 1 param"


def test_tail_is_flushed_by_the_background_thread(kernel):
    msgs, _ = execute(kernel, "import time\nruns.log_metric('a', 1); runs.log_metric('a', 2)\n"
                              "time.sleep(0.6)\nprint('after sleep')")
    kinds = [m["msg_type"] for m in msgs]
    # first point at once, second from the flusher thread during the sleep
    assert kinds[:3] == ["display_data", "update_display_data", "stream"]
    assert msgs[1]["content"]["data"][MIME]["delta"]["metrics"]["a"]["steps"] == [1]


def test_silent_snapshot_as_the_frontend_runs_it(kernel):
    import json

    execute(kernel, "lr = 0.5 * 2\nbatch, _seed = 32, 7")
    code = "lr = 0.5 * 2\nbatch, _seed = 32, 7\n"
    options = json.dumps({"packages": False, "gpus": False})
    expr = ("__import__('jupyterlab_runs._probe', fromlist=['_']).snapshot_json("
            f"{json.dumps(code)}, None, {json.dumps(options)})")
    before = kernel.execute_interactive("", silent=True, store_history=False, timeout=60)
    seen = []
    msg_id = kernel.execute("", silent=True, store_history=False, user_expressions={"s": expr})
    reply = kernel.get_shell_msg(timeout=60)
    while reply["parent_header"].get("msg_id") != msg_id:
        reply = kernel.get_shell_msg(timeout=60)
    while True:  # drain IOPub up to the idle status of our request
        msg = kernel.get_iopub_msg(timeout=10)
        if msg["parent_header"].get("msg_id") == msg_id:
            seen.append(msg["msg_type"])
            if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                break
    assert [t for t in seen if t != "status"] == []  # nothing printed or displayed
    result = reply["content"]["user_expressions"]["s"]
    snap = json.loads(result["data"]["text/plain"])
    # A computed value (lr = 0.5 * 2) is a result, not a parameter (#13).
    assert snap["params"] == {"batch": 32} and snap["errors"] == []
    assert snap["environment"]["python"]["version"]
    assert reply["content"]["execution_count"] == before["content"]["execution_count"]


def test_tagged_cell_arms_itself_from_its_execute_request(kernel):
    """What JupyterLab sends: the cell's metadata (tags) with its request."""
    import json

    options = json.dumps({"environment": True, "packages": False, "gpus": False, "params": True})
    setup = ("__import__('jupyterlab_runs._capture', fromlist=['_'])"
             f".register({json.dumps(options)})")
    assert kernel.execute_interactive(setup, silent=True, timeout=60)["content"]["status"] == "ok"

    def run_cell(code, tags):
        return run_with_tags(kernel, code, tags)

    # Before the frontend opened the control comm: a comm of its own.
    msg_id, [(how, data)] = run_cell("lr = 0.125", ["experiment"])
    assert how == "own comm" and data["request"] == msg_id
    assert json.loads(data["json"])["environment"]["python"]["version"]  # first run: probed
    # As the frontend does once set up: open the control comm, on the main
    # shell (no subshell), and receive every later snapshot on it.
    control = kernel.session.msg(
        "comm_open", {"comm_id": "control-1", "target_name": "jupyterlab-runs-control", "data": {}}
    )
    kernel.shell_channel.send(control)

    msg_id, [(how, data)] = run_cell("lr = 0.25\nepochs = 4", ["experiment:tiny"])
    snap = json.loads(data["json"])
    assert how == "control-1"
    assert data["request"] == msg_id and data["key"] == ""
    assert snap["params"] == {"lr": 0.25, "epochs": 4}
    msg_id, [(how, data)] = run_cell("lr = 0.5", ["experiment"])
    assert how == "control-1" and data["request"] == msg_id
    assert json.loads(data["json"])["environment"] is None  # nothing changed since
    _, snapshots = run_cell("x = 1", ["not-an-experiment"])
    assert snapshots == []


def test_a_module_imported_before_set_up_does_not_chain_the_lineage(kernel):
    """`import jupyterlab_runs as runs` ran before the kernel side was set up
    (the fixture's first cell, as a notebook's first cell): later cells that
    call `runs.log_metric` do not change `runs`, so a run's lineage is what
    it read, not every earlier cell that logged something."""
    import json

    kernel.execute_interactive("data = [1.0, 2.0]", timeout=60)
    code = "acc = sum(data) / len(data)\nruns.log_metric('acc', acc)"
    for k in range(3):
        _, snaps = run_with_tags(kernel, code, ["experiment:lineage"], "exp")
        run_with_tags(kernel, "runs.log_metric('other', 1)", [], f"plot{k}")
    lineage = json.loads(snaps[-1][1]["json"])["slice"]
    # The import ran before the set-up: taken into the history then
    # (`_backfill`), so `runs` resolves to it.
    assert [e["code"] for e in lineage["executions"]] == [
        f"import sys; sys.path.insert(0, {ROOT!r})\nimport jupyterlab_runs as runs",
        "data = [1.0, 2.0]"]
    assert lineage["unresolved"] == []


@pytest.fixture
def fresh_kernel():
    km, kc = manager.start_new_kernel(kernel_name="python3", startup_timeout=60)
    kc.execute_interactive(f"import sys; sys.path.insert(0, {ROOT!r})", silent=True,
                           store_history=False, timeout=60)
    yield kc
    kc.stop_channels()
    km.shutdown_kernel(now=True)


def test_cells_run_before_set_up_are_in_the_lineage_of_a_cell_tagged_later(fresh_kernel):
    """A user runs a few cells, then tags one `experiment`: the kernel side
    is set up only then. The cells that ran before are taken into the
    slicer's history at set-up, with the cell ids the page gives, so the
    run's lineage is what it read (not unresolved names, and then the whole
    session)."""
    import json

    kernel = fresh_kernel
    run_with_tags(kernel, "import statistics", [], "c-imports")
    run_with_tags(kernel, "data = [1.0, 2.0, 3.0]\nunused = 5", [], "c-data")
    run_with_tags(kernel, "lr = 0.5", ["parameters"], "c-params")
    run_with_tags(kernel, "print(unused)", [], "c-look")
    cells = json.dumps({"1": ["c-imports", None], "2": ["c-data", None],
                        "3": ["c-params", "parameters"]})  # not In[4]: another client's
    setup = ("__import__('jupyterlab_runs._capture', fromlist=['_'])"
             f".register({json.dumps(json.dumps({'environment': False}))}, {json.dumps(cells)})")
    assert kernel.execute_interactive(setup, silent=True, store_history=False,
                                      timeout=60)["content"]["status"] == "ok"
    code = "total = statistics.mean(data) * lr"
    _, snapshots = run_with_tags(kernel, code, ["experiment"], "c-exp")
    cut = json.loads(snapshots[-1][1]["json"])["slice"]
    assert [(e["cellId"], e["code"]) for e in cut["executions"]] == [
        ("c-imports", "import statistics"),
        ("c-data", "data = [1.0, 2.0, 3.0]\nunused = 5"),
        ("c-params", "lr = 0.5"),
    ]
    assert cut["unresolved"] == [] and cut["unseen"] == 0
    assert cut["historyCount"] == 5
    # The parameters cell's value, as if the kernel had seen it run.
    assert cut["executions"][2]["parameters"] is True
    # A second set-up (another page, a reload) takes nothing twice.
    assert kernel.execute_interactive(setup, silent=True, store_history=False,
                                      timeout=60)["content"]["status"] == "ok"
    _, snapshots = run_with_tags(kernel, code, ["experiment"], "c-exp")
    assert json.loads(snapshots[-1][1]["json"])["slice"]["historyCount"] == 6


def test_a_page_that_asks_gets_the_snapshot_in_the_execute_reply(fresh_kernel):
    """With ``reply_snapshots`` an experiment cell's snapshot comes with its
    execute reply (to the page that sent the request), and no IOPub message
    carries it; without, it comes on IOPub, as for older pages. A failing
    cell's reply carries it too (ipykernel reads the payloads whatever the
    outcome)."""
    import json

    kernel = fresh_kernel

    def set_up(options):
        call = ("__import__('jupyterlab_runs._capture', fromlist=['_'])"
                f"._configure({json.dumps(json.dumps(options))})")
        register = ("__import__('jupyterlab_runs._capture', fromlist=['_'])"
                    f".register({json.dumps(json.dumps(options))}, '{{}}')")
        for code in (register, call):
            reply = kernel.execute_interactive(code, silent=True, store_history=False,
                                               timeout=60)
            assert reply["content"]["status"] == "ok", reply["content"]

    def reply_of(msg_id):
        while True:
            reply = kernel.get_shell_msg(timeout=60)
            if reply["parent_header"].get("msg_id") == msg_id:
                return reply

    def payload(reply):
        return [p for p in reply["content"]["payload"]
                if p.get("source") == "jupyterlab_runs.snapshot"]

    set_up({"environment": False, "reply_snapshots": True})
    msg_id, on_iopub = run_with_tags(kernel, "x = 41 + 1", ["experiment"], "c-x")
    reply = reply_of(msg_id)
    [item] = payload(reply)
    assert on_iopub == []
    assert item["request"] == msg_id
    snap = json.loads(item["json"])
    assert snap["v"] >= 1 and "slice" in snap

    msg_id, on_iopub = run_with_tags(kernel, "raise ValueError('no')", ["experiment"], "c-e")
    reply = reply_of(msg_id)
    assert reply["content"]["status"] == "error"
    assert [p["request"] for p in payload(reply)] == [msg_id] and on_iopub == []

    # A parameters cell's snapshot stays on IOPub, in order with the runs
    # after it that take its values.
    msg_id, on_iopub = run_with_tags(kernel, "lr = 0.3", ["parameters"], "c-p")
    assert payload(reply_of(msg_id)) == []
    assert [json.loads(s["json"])["params"] for _, s in on_iopub] == [{"lr": 0.3}]

    set_up({"environment": False})
    msg_id, on_iopub = run_with_tags(kernel, "y = 1", ["experiment"], "c-y")
    assert payload(reply_of(msg_id)) == []
    assert [json.loads(s["json"])["v"] >= 1 for _, s in on_iopub] == [True]
    assert on_iopub[0][1]["request"] == msg_id
