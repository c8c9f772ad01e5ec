"""Non-finite numbers travel as the strings "NaN", "Infinity", "-Infinity"."""

import json
import math

import pytest

from jupyterlab_runs._encoding import decode_float, encode_float, encode_floats, json_scalar


@pytest.mark.parametrize("value, encoded", [
    (1.5, 1.5), (0.0, 0.0), (-2.0, -2.0), (math.nan, "NaN"), (math.inf, "Infinity"),
    (-math.inf, "-Infinity"), (1e308, 1e308)])
def test_encode_float(value, encoded):
    assert encode_float(value) == encoded
    back = decode_float(encode_float(value))
    assert (math.isnan(back) and math.isnan(value)) or back == value


def test_encode_floats_keeps_finite_list_and_fixes_others():
    finite = [1.0, 2.0]
    assert encode_floats(finite) is finite
    assert encode_floats([1.0, math.nan, math.inf, -math.inf]) == [1.0, "NaN", "Infinity", "-Infinity"]
    assert encode_floats([1e308, 1e308]) == [1e308, 1e308]  # sum overflows, values do not


def test_nan_metrics_in_messages(capture):
    capture.run("nan = float('nan'); inf = float('inf')\n"
                "for v in (1.0, nan, inf, -inf, 0.5):\n    runs.log_metric('m', v)\n"
                "runs.log_metric('last_nan', 2.0); runs.log_metric('last_nan', nan)\n"
                "runs.log_param('p', nan)")
    run = capture.only_run()  # conftest checks json.dumps(..., allow_nan=False) on each bundle
    assert run["metrics"]["m"][1] == [1.0, "NaN", "Infinity", "-Infinity", 0.5]
    summary = run["final"]["summary"]
    # infinities are real extremes, NaN never is (tests/python/test_aggregates.py)
    assert summary["metrics"]["m"] == {"last": 0.5, "step": 4, "count": 5,
                                       "min": "-Infinity", "max": "Infinity"}
    assert summary["metrics"]["last_nan"]["last"] == "NaN"
    assert summary["params"]["p"] == "NaN"
    assert "NaN" not in json.dumps(run["final"]).replace('"NaN"', "")


def test_all_nan_metric_has_nan_min_max(capture):
    capture.run("runs.log_metric('m', float('nan'))")
    m = capture.only_run()["final"]["summary"]["metrics"]["m"]
    assert (m["min"], m["max"]) == ("NaN", "NaN")


def test_json_scalar():
    np = pytest.importorskip("numpy")
    assert json_scalar(np.float64(0.5)) == 0.5 and type(json_scalar(np.int64(3))) is int
    assert json_scalar(np.bool_(True)) is True
    assert json_scalar("x" * 10, max_str=5) == "xx..."  # at most max_str chars
    assert json_scalar({"a": 1}) == "{'a': 1}"
