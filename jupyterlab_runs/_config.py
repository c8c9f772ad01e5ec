"""Process-wide settings, changed with :func:`jupyterlab_runs.configure`.

A plain dict rather than a class: the hot path reads a couple of these once
per session, and tests reset them with ``reset()``.
"""

DEFAULTS = {
    # Artifacts (and figures) larger than this are recorded by hash only.
    "max_artifact_bytes": 10 * 1024 * 1024,
    # Minimum time between two display updates of one cell execution.
    "flush_interval_ms": 200,
    # A flush also happens once this many metric points are buffered, so a
    # single message stays below a few megabytes.
    "max_buffer_points": 50_000,
    # Same idea for events carrying payloads (artifacts, figures).
    "max_buffer_bytes": 4 * 1024 * 1024,
    # "auto": live updates in a kernel, one summary line in terminal IPython,
    # nothing in plain Python. "live", "summary" and "off" force a mode.
    "mode": "auto",
    # How many metrics/params/tags the per-message summary lists by name.
    "summary_max_items": 100,
}

MODES = ("auto", "live", "summary", "off")

settings = dict(DEFAULTS)


def configure(**changes):
    """Change settings; returns the settings now in effect (a copy).

    Example: ``jupyterlab_runs.configure(max_artifact_bytes=50_000_000)``.
    Unknown keys raise TypeError so typos do not pass silently.
    """
    for key, value in changes.items():
        if key not in DEFAULTS:
            raise TypeError(f"configure() got an unknown setting {key!r}; "
                            f"known: {', '.join(sorted(DEFAULTS))}")
        if value is None:
            continue
        if key == "mode":
            if value not in MODES:
                raise ValueError(f"mode must be one of {MODES}, got {value!r}")
        elif not isinstance(value, (int, float)) or isinstance(value, bool) or value < 0:
            raise ValueError(f"{key} must be a non-negative number, got {value!r}")
        settings[key] = value
    return dict(settings)


def reset():
    """Back to the defaults (for tests)."""
    settings.clear()
    settings.update(DEFAULTS)
