"""Batching: a tight loop does not flood the channel and loses no point."""

import jupyterlab_runs as runs

LOOP = "import time\nt0 = time.perf_counter()\nfor i in range(100_000):\n" \
       "    runs.log_metric('loss', i * 0.5)\nelapsed = time.perf_counter() - t0\n"


def test_100k_points_make_a_handful_of_updates_and_rebuild_exactly(capture):
    capture.run(LOOP)
    assert len(capture.outputs) <= 10, f"{len(capture.outputs)} display messages"
    run = capture.only_run()
    steps, values = run["metrics"]["loss"]
    assert steps == list(range(100_000))
    assert values == [i * 0.5 for i in range(100_000)]
    assert run["final"]["summary"]["points"] == 100_000
    assert run["final"]["summary"]["metrics"]["loss"]["count"] == 100_000
    assert run["final"]["summary"]["metrics"]["loss"]["last"] == 49_999.5
    assert run["updates"].count(False) == 1  # a single display_data, then updates


def test_logging_is_fast(capture):
    capture.run(LOOP)
    rate = 100_000 / capture.shell.user_ns["elapsed"]
    assert rate >= 100_000, f"only {rate:.0f} points/s"


def test_interleaved_metrics_rebuild_per_metric(capture):
    runs.configure(flush_interval_ms=1)
    capture.run("for i in range(20_000):\n    runs.log_metric('a', i)\n"
                "    if i % 3 == 0:\n        runs.log_metric('b', -i, step=i)")
    run = capture.only_run()
    assert run["metrics"]["a"] == (list(range(20_000)), [float(i) for i in range(20_000)])
    b = list(range(0, 20_000, 3))
    assert run["metrics"]["b"] == (b, [float(-i) for i in b])


def test_buffer_size_forces_a_flush(capture):
    runs.configure(flush_interval_ms=60_000, max_buffer_points=1000)
    capture.run("for i in range(10_000):\n    runs.log_metric('x', i)")
    sizes = [len(m["delta"]["metrics"].get("x", {"steps": []})["steps"])
             for _, m in capture.messages()]
    # first call flushes at once (the output appears), then every 1000 points
    assert sizes[0] == 1 and max(sizes) <= 1000
    assert sum(sizes) == 10_000
    assert capture.messages()[-1][1]["final"] is True


def test_interval_limits_update_rate(capture):
    runs.configure(flush_interval_ms=60_000)
    capture.run("for i in range(30_000):\n    runs.log_metric('x', i)")
    # immediate first flush, end-of-cell delta, final summary
    assert len(capture.outputs) == 3
    assert capture.only_run()["metrics"]["x"][0] == list(range(30_000))


def test_events_are_batched_with_points(capture):
    runs.configure(flush_interval_ms=60_000)
    capture.run("runs.log_metric('x', 0)\nfor i in range(100):\n"
                "    runs.log_param(f'p{i}', i); runs.log_metric('x', i)")
    run = capture.only_run()
    assert [e["name"] for e in run["events"]] == [f"p{i}" for i in range(100)]
    assert len(capture.outputs) == 3
