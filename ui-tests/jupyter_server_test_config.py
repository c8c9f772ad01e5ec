"""Server configuration for integration tests.

!! Never use this configuration in production because it
opens the server to the world and provides access to JupyterLab
JavaScript objects through the global window variable.
"""
import os

from jupyterlab.galata import configure_jupyter_server

configure_jupyter_server(c)  # noqa: F821

# CI and these machines run as root; without this the server silently
# refuses to start and Playwright only says the web server did not start.
c.ServerApp.allow_root = True  # noqa: F821

# Several developers may run the UI tests at once on one machine.
c.ServerApp.port = int(os.environ.get("RUNS_TEST_PORT", "8888"))  # noqa: F821
c.ServerApp.port_retries = 0  # noqa: F821

# The benchmarks isolate the page (COOP + COEP) so that performance.now()
# has 5 µs resolution instead of 100 µs: the per-run timings are sums of
# handlers that each take tens of microseconds.
if os.environ.get("RUNS_ISOLATED"):
    c.ServerApp.tornado_settings.update(  # noqa: F821
        {
            "headers": {
                "Cross-Origin-Opener-Policy": "same-origin",
                "Cross-Origin-Embedder-Policy": "require-corp",
            }
        }
    )
