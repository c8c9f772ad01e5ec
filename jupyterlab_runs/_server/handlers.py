"""``GET /jupyterlab-runs/api/links?path=<runs folder>``: the links in and
above a runs folder that lead out of it (``links.find_links``).

Authenticated and authorized as the Contents API is (resource
``contents``, action ``read``): whoever may list the folder may ask.
"""

import json

import tornado
from jupyter_server.auth.decorator import authorized
from jupyter_server.base.handlers import APIHandler
from jupyter_server.services.contents.fileio import FileManagerMixin
from jupyter_server.utils import url_path_join
from tornado.ioloop import IOLoop

from .links import PathRefused, find_links

ROUTE = ("jupyterlab-runs", "api", "links")


class LinksHandler(APIHandler):
    """Lists symbolic links of a runs folder that resolve outside it."""

    auth_resource = "contents"

    @tornado.web.authenticated
    @authorized
    async def get(self):
        path = self.get_query_argument("path", default="")
        root_dir = getattr(self.contents_manager, "root_dir", None)
        if not isinstance(self.contents_manager, FileManagerMixin) or not isinstance(root_dir, str):
            # Not files on this machine's disk (another contents manager):
            # there is nothing this handler can check.
            self.finish(json.dumps({"path": path, "checked": False,
                                    "reason": "the contents manager does not keep files on disk"}))
            return
        try:
            # The walk can take a while on a large folder: not on the event loop.
            result = await IOLoop.current().run_in_executor(None, find_links, root_dir, path)
        except PathRefused as error:
            raise tornado.web.HTTPError(400, f"Refused path: {error}") from None
        result["checked"] = True
        self.finish(json.dumps(result))


def setup_handlers(web_app):
    """Adds the route under the server's base URL."""
    pattern = url_path_join(web_app.settings["base_url"], *ROUTE)
    web_app.add_handlers(".*$", [(pattern, LinksHandler)])
