"""One definition of a metric's aggregates, shared with the frontend.

The cases are src/core/__tests__/fixtures/aggregates.json, which jest reads too
(src/core/series/__tests__/aggregates.spec.ts): the notebook's log output must
show the aggregates that the runs table shows.
"""

import json
import os

import pytest

from jupyterlab_runs._encoding import decode_float
from jupyterlab_runs._summary import Series, _fmt

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FIXTURE = os.path.join(ROOT, "src", "core", "__tests__", "fixtures", "aggregates.json")

with open(FIXTURE, encoding="utf-8") as f:
    CASES = json.load(f)["cases"]


def wire(expected):
    """The fixture's expected aggregates as the log message's summary holds them."""
    if expected is None:
        return None
    return {"last": expected["last"], "step": expected["lastStep"], "count": expected["count"],
            "min": expected["min"], "max": expected["max"]}


def folded(steps, values, chunk):
    s = Series()
    for i in range(0, len(values), chunk):
        s.steps, s.values = list(steps[i:i + chunk]), [decode_float(v) for v in values[i:i + chunk]]
        s.take()
    return s.aggregates()


def test_the_fixture_covers_what_the_definition_is_about():
    names = "\n".join(case["name"] for case in CASES)
    for topic in ("out-of-order", "duplicate", "NaN", "Infinity", "empty", "single point", "integer"):
        assert topic in names


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_series_aggregates_match_the_fixture_however_points_are_flushed(case):
    steps, values = case["steps"], case["values"]
    assert folded(steps, values, max(1, len(values))) == wire(case["expected"])
    for chunk in range(1, len(values)):
        assert (chunk, folded(steps, values, chunk)) == (chunk, wire(case["expected"]))


@pytest.mark.parametrize("flush_interval_ms", [0, 60_000])
@pytest.mark.parametrize("case", [c for c in CASES if c["values"]],
                         ids=[c["name"] for c in CASES if c["values"]])
def test_the_notebook_output_shows_the_fixture_aggregates(capture, shell, case, flush_interval_ms):
    """Through the public API, as a cell logs them: the message summary and its text."""
    import jupyterlab_runs as runs

    runs.configure(flush_interval_ms=flush_interval_ms)  # 0: one flush per point
    ints = all(isinstance(v, int) for v in case["values"])
    shell.user_ns["points"] = [(s, v if ints else decode_float(v))
                               for s, v in zip(case["steps"], case["values"])]
    capture.run("for s, v in points:\n    runs.log_metric('m', v, step=s)")
    run = capture.only_run()
    assert run["final"]["summary"]["metrics"]["m"] == wire(case["expected"])
    out, _ = capture.messages()[-1]
    last = decode_float(case["expected"]["last"])
    assert out["data"]["text/plain"].startswith(
        f"jupyterlab-runs: {case['expected']['count']} steps, m={_fmt(last)}")
