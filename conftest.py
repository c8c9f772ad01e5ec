"""pytest at the top: the Jupyter server fixtures (``jp_fetch``,
``jp_root_dir``, ...) for the server extension's tests, when
pytest-jupyter is installed (the ``test`` extra); the tests that need them
skip otherwise."""

import importlib.util

pytest_plugins = (
    ("pytest_jupyter.jupyter_server",) if importlib.util.find_spec("pytest_jupyter") else ()
)
