"""Per-metric state and the compact summary every message carries.

Kept apart from the transport so the rules for what the notebook finally
stores (the summary and its text/plain twin) are in one small place.
"""

import itertools

from ._encoding import NAN, encode_float, encode_floats


class Series:
    """One metric in the current cell execution: unsent points and its aggregates.

    The aggregates are defined once for the whole extension (docs/RUN_FOLDER.md,
    "Metric aggregates"; the frontend's twin is ``src/core/series/aggregates.ts``,
    and ``src/core/__tests__/fixtures/aggregates.json`` checks both):

    - ``last``/``last_step``: the point at the highest step, the latest logged of
      several at that step (MLflow's latest value); it may be NaN or infinite.
    - ``lo``/``hi`` (min/max): over every value but NaN; +-inf are real extremes.
      None while every value was NaN (sent as ``"NaN"``).
    - ``count``: every point, NaN and infinities included.
    """

    __slots__ = ("steps", "values", "next_step", "count", "last", "last_step", "lo", "hi")

    def __init__(self):
        self.steps, self.values = [], []
        self.next_step = self.count = 0
        self.last = self.last_step = self.lo = self.hi = None

    def take(self):
        """Detach the unsent points as (steps, JSON-safe values), folding them in."""
        steps, values = self.steps, self.values
        self.steps, self.values = [], []
        encoded = encode_floats(values)
        self.fold(steps, values, all_finite=encoded is values)
        return steps, encoded

    def fold(self, steps, values, all_finite=False):
        """Fold points, logged after those already folded, into the aggregates.

        Built from C-level ``max``/``min``/``index`` rather than a Python loop per
        point: a flush may carry 100,000 points.
        """
        if not values:
            return
        self.count += len(values)
        top = max(steps)
        if self.last_step is None or top >= self.last_step:
            # The latest point at the highest step; usually the final one.
            i = len(steps) - 1 if steps[-1] == top else len(steps) - 1 - steps[::-1].index(top)
            self.last, self.last_step = values[i], top
        real = values if all_finite else [v for v in values if v == v]
        if real:
            lo, hi = min(real), max(real)
            self.lo = lo if self.lo is None or lo < self.lo else self.lo
            self.hi = hi if self.hi is None or hi > self.hi else self.hi

    def aggregates(self):
        """The aggregates as JSON (None before any point): the summary's entry."""
        if not self.count:
            return None
        return {
            "last": encode_float(self.last), "step": self.last_step, "count": self.count,
            "min": NAN if self.lo is None else encode_float(self.lo),
            "max": NAN if self.hi is None else encode_float(self.hi),
        }


def summary(series, params, tags, counts, points, cap):
    """The ``summary`` object of a message (see docs/PYTHON_API.md)."""
    metrics = {}
    for name, s in itertools.islice(series.items(), cap):
        aggregates = s.aggregates()
        if aggregates is not None:
            metrics[name] = aggregates
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
