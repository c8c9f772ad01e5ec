"""jupyterlab-runs: experiment tracking that lives inside the notebook.

The JupyterLab extension records every execution of a cell tagged
``experiment`` as a run. This Python package ships that extension and a small
logging API for the kernel side.
"""

try:
    from ._version import __version__
except ImportError:  # pragma: no cover - only in a source tree that was never built
    import warnings

    warnings.warn("Importing 'jupyterlab_runs' outside a proper installation.")
    __version__ = "dev"


def _jupyter_labextension_paths():
    return [{"src": "labextension", "dest": "jupyterlab-runs"}]
