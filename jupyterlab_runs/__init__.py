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


def _jupyter_server_extension_points():
    # A submodule: kernels import this package without jupyter_server.
    return [{"module": "jupyterlab_runs._server"}]


from ._transport import MIME_TYPE  # noqa: E402
from .api import (  # noqa: E402
    configure,
    flush,
    log_artifact,
    log_confusion_matrix,
    log_curve,
    log_dataset,
    log_figure,
    log_metric,
    log_metrics,
    log_param,
    log_params,
    set_tag,
    set_tags,
)

__all__ = [
    "MIME_TYPE",
    "configure",
    "flush",
    "log_artifact",
    "log_confusion_matrix",
    "log_curve",
    "log_dataset",
    "log_figure",
    "log_metric",
    "log_metrics",
    "log_param",
    "log_params",
    "set_tag",
    "set_tags",
]
