#!/usr/bin/env python3
"""Which functions ran between two marks of the execution-cost benchmark's
kept traces, tagged against untagged.

    BENCH_TRACE=1 BENCH_TRACES=15 BENCH_TRACE_DIR=/tmp/traces \\
        bash benchmarks/execution-cost.sh
    python3 benchmarks/trace-window.py /tmp/traces [FROM_MARK TO_MARK]

Each kept trace (``cost-<folder>-<arm>-<n>.json``) has a CPU profile of the
same span beside it (``.cpuprofile``), whose sample times are the trace's
clock. By default the window is from the execute request sent
(``runs-bench-sent``) to its reply arriving (``runs-bench-reply``): the page's
work there is what a cell's reply waits behind. Printed per execution, in
ms: busy time and the time with this extension's code on the stack, then
the functions whose self time and whose time on the stack grew most from
untagged to tagged.
"""

import collections
import glob
import json
import os
import sys

OURS = "jupyterlab-runs"
IDLE = {"(idle)", "(program)"}


def frame_key(frame):
    url = frame["url"].rsplit("/", 1)[-1].split("?", 1)[0]
    return f'{frame["functionName"] or "(anonymous)"} {url}:{frame["lineNumber"] + 1}'


def window(trace_path, start_mark, end_mark):
    events = json.load(open(trace_path))["traceEvents"]
    marks = {e["name"]: e["ts"] for e in events if e.get("name") in (start_mark, end_mark)}
    if start_mark not in marks or end_mark not in marks:
        return None
    return marks[start_mark], marks[end_mark]


def add_profile(totals, profile_path, start, end):
    profile = json.load(open(profile_path))
    nodes = {n["id"]: n for n in profile["nodes"]}
    parent = {c: n["id"] for n in profile["nodes"] for c in n.get("children", [])}
    samples, deltas = profile["samples"], profile["timeDeltas"]
    at_us = profile["startTime"]
    for i in range(len(samples) - 1):
        at_us += deltas[i]
        if not start <= at_us <= end:
            continue
        ms = deltas[i + 1] / 1000  # a sample lasts until the next one
        node = nodes[samples[i]]
        if node["callFrame"]["functionName"] in IDLE:
            continue
        totals["busy"] += ms
        totals["self"][frame_key(node["callFrame"])] += ms
        seen, ours = set(), False
        walk = node["id"]
        while walk is not None:
            frame = nodes[walk]["callFrame"]
            ours = ours or OURS in frame["url"]
            key = frame_key(frame)
            if key not in seen:
                seen.add(key)
                totals["stack"][key] += ms
            walk = parent.get(walk)
        if ours:
            totals["ours"] += ms


def main():
    folder = sys.argv[1] if len(sys.argv) > 1 else "."
    start_mark, end_mark = (sys.argv[2], sys.argv[3]) if len(sys.argv) > 3 else (
        "runs-bench-sent", "runs-bench-reply")
    arms = {}
    for trace in sorted(glob.glob(os.path.join(folder, "cost-*.json"))):
        profile = trace[: -len(".json")] + ".cpuprofile"
        span = window(trace, start_mark, end_mark)
        if span is None or not os.path.exists(profile):
            continue
        arm = "tagged" if "-tagged-" in trace else "untagged"
        totals = arms.setdefault(arm, {
            "n": 0, "busy": 0.0, "ours": 0.0,
            "self": collections.Counter(), "stack": collections.Counter()})
        totals["n"] += 1
        add_profile(totals, profile, *span)
    if set(arms) != {"tagged", "untagged"}:
        sys.exit(f"no tagged and untagged traces with profiles in {folder}")
    t, u = arms["tagged"], arms["untagged"]
    per = lambda totals, value: value / totals["n"]
    print(f"{start_mark} to {end_mark}, per execution (ms), {t['n']} tagged and {u['n']} untagged")
    print(f"  busy                          {per(t, t['busy']):7.2f} {per(u, u['busy']):7.2f}")
    print(f"  this extension on the stack   {per(t, t['ours']):7.2f} {per(u, u['ours']):7.2f}")
    for kind, label in (("self", "self time"), ("stack", "time on the stack")):
        print(f"  {label}, grown most (tagged − untagged, tagged, untagged):")
        keys = set(t[kind]) | set(u[kind])
        grown = sorted(keys, key=lambda k: per(u, u[kind][k]) - per(t, t[kind][k]))
        for key in grown[:15]:
            a, b = per(t, t[kind][key]), per(u, u[kind][key])
            print(f"    {a - b:+6.2f} {a:6.2f} {b:6.2f}  {key}")


if __name__ == "__main__":
    main()
