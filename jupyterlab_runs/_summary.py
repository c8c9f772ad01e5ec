"""Per-metric state and the compact summary every message carries.

Kept apart from the transport so the rules for what the notebook finally
stores (the summary and its text/plain twin) are in one small place.
"""

import itertools

from ._encoding import encode_float, encode_floats


class Series:
    """One metric in the current cell execution: unsent points and running stats."""

    __slots__ = ("steps", "values", "next_step", "count", "last", "last_step", "lo", "hi")

    def __init__(self):
        self.steps, self.values = [], []
        self.next_step = self.count = 0
        self.last = self.last_step = self.lo = self.hi = None

    def take(self):
        """Detach the unsent points as (steps, JSON-safe values), updating stats.

        min/max ignore NaN and infinities; ``last`` is the last value logged
        (log order, not highest step).
        """
        steps, values = self.steps, self.values
        self.steps, self.values = [], []
        encoded = encode_floats(values)
        finite = values if encoded is values else [v for v in values if v - v == 0]
        if finite:
            lo, hi = min(finite), max(finite)
            self.lo = lo if self.lo is None or lo < self.lo else self.lo
            self.hi = hi if self.hi is None or hi > self.hi else self.hi
        self.count += len(values)
        self.last, self.last_step = values[-1], steps[-1]
        return steps, encoded


def summary(series, params, tags, counts, points, cap):
    """The ``summary`` object of a message (see docs/PYTHON_API.md)."""
    metrics = {}
    for name, s in itertools.islice(series.items(), cap):
        if s.count:
            metrics[name] = {
                "last": encode_float(s.last), "step": s.last_step, "count": s.count,
                "min": None if s.lo is None else encode_float(s.lo),
                "max": None if s.hi is None else encode_float(s.hi),
            }
    totals = {"metrics": len(series), "params": len(params), "tags": len(tags), **counts}
    return {
        "points": points,
        "metrics": metrics,
        "params": dict(itertools.islice(params.items(), cap)),
        "tags": dict(itertools.islice(tags.items(), cap)),
        "counts": totals,
        "truncated": max(len(series), len(params), len(tags)) > cap,
    }


def _fmt(v):
    return format(v, ".4g") if isinstance(v, float) else str(v)


def text(series, params, tags, counts, shown=8):
    """The text/plain fallback: ``jupyterlab-runs: 1000 steps, loss=0.12 acc=0.95``.

    "steps" is the largest number of points of any one metric.
    """
    logged = [(n, s) for n, s in series.items() if s.count]
    head = f"{max((s.count for _, s in logged), default=0)} steps"
    if logged:
        head += ", " + " ".join(f"{n}={_fmt(s.last)}" for n, s in logged[:shown])
    others = [(len(params), "param"), (len(tags), "tag")]
    others += [(n, kind.replace("_", " ")) for kind, n in counts.items()]
    parts = [head] + [f"{n} {kind}{'s' if n != 1 else ''}" for n, kind in others if n]
    return "jupyterlab-runs: " + "; ".join(parts)
