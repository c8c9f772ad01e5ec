"""The Jupyter server extension of jupyterlab-runs (enabled on install by
``jupyter-config/jupyter_server_config.d/jupyterlab_runs.json``).

Kept apart from the kernel-side package: ``jupyterlab_runs`` is imported in
kernels, which need not have jupyter_server; only this module imports it.
"""


def _load_jupyter_server_extension(server_app):
    from .handlers import setup_handlers

    setup_handlers(server_app.web_app)
    server_app.log.info("jupyterlab-runs: links and listing endpoints registered")
