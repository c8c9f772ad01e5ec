"""The server extension's endpoints, authenticated and authorized as the
Contents API is (resource ``contents``; action ``read`` for the GETs:
whoever may list the folder may ask; ``write`` for the POST, as a ``PUT``).

- ``GET /jupyterlab-runs/api/links?path=<runs folder>``: the links in and
  above a runs folder that lead out of it (``links.find_links``).
- ``GET /jupyterlab-runs/api/listing?path=<folder>``: the folder's listing
  as the Contents API gives it, made about 80 times faster
  (``listing.list_folder``); with ``&content=0``, the folder's model alone
  (its time), and with ``&since=<time>`` beside it, the files changed
  since, each with its time (``listing.changed_since``). Always 200 for a
  path it can judge: a missing folder is ``{"listed": true, "exists":
  false}``, so a 404 means only that this extension is not there (the page
  then lists through the Contents API).
- ``POST /jupyterlab-runs/api/write`` (action ``write``, as a ``PUT`` of
  the Contents API), body ``{"folder", "files": [{"name", "content"}]}``: a
  saved run's files written in one request, with the folder's time read
  around them, and without the Contents API's events (``writing.py``).
"""

import json

import tornado
from jupyter_client.jsonutil import json_default
from jupyter_server.auth.decorator import authorized
from jupyter_server.base.handlers import APIHandler
from jupyter_server.services.contents.fileio import FileManagerMixin
from jupyter_server.utils import url_path_join
from tornado.ioloop import IOLoop

from .links import PathRefused, find_links
from .listing import list_folder
from .writing import write_files

ROUTE = ("jupyterlab-runs", "api", "links")
LISTING_ROUTE = ("jupyterlab-runs", "api", "listing")
WRITE_ROUTE = ("jupyterlab-runs", "api", "write")


def _files_on_disk(contents_manager):
    """Whether the contents manager keeps its files on this machine's disk."""
    return isinstance(contents_manager, FileManagerMixin) and isinstance(
        getattr(contents_manager, "root_dir", None), str)


class LinksHandler(APIHandler):
    """Lists symbolic links of a runs folder that resolve outside it."""

    auth_resource = "contents"

    @tornado.web.authenticated
    @authorized
    async def get(self):
        path = self.get_query_argument("path", default="")
        root_dir = getattr(self.contents_manager, "root_dir", None)
        if not _files_on_disk(self.contents_manager):
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


class ListingHandler(APIHandler):
    """Lists a folder as the Contents API does, fast (``listing.py``)."""

    auth_resource = "contents"

    @tornado.web.authenticated
    @authorized
    async def get(self):
        path = self.get_query_argument("path", default="")
        # ``content=0``: the folder's model alone, as the Contents API's
        # ``?content=0`` (a check of its time), with no entry read.
        content = self.get_query_argument("content", default="1") != "0"
        # With ``content=0``: the files changed at or after this time too.
        since = self.get_query_argument("since", default=None)
        if not _files_on_disk(self.contents_manager):
            self.finish(json.dumps({"path": path, "listed": False,
                                    "reason": "the contents manager does not keep files on disk"}))
            return
        try:
            model = await IOLoop.current().run_in_executor(
                None, list_folder, self.contents_manager, path, content, since)
        except PathRefused as error:
            raise tornado.web.HTTPError(400, f"Refused path: {error}") from None
        answer = {"path": path, "listed": True, "exists": model is not None}
        if model is not None:
            answer["model"] = model
        # Times as the Contents API writes them (``json_default``): the page
        # compares a folder's time from here with one from there.
        self.finish(json.dumps(answer, default=json_default))


class WriteHandler(APIHandler):
    """Writes a saved run's files (``writing.py``)."""

    auth_resource = "contents"

    @tornado.web.authenticated
    @authorized
    async def post(self):
        try:
            body = json.loads(self.request.body or b"{}")
        except ValueError:
            raise tornado.web.HTTPError(400, "The body is not JSON") from None
        if not isinstance(body, dict):
            raise tornado.web.HTTPError(400, "The body is not a JSON object")
        if not _files_on_disk(self.contents_manager):
            self.finish(json.dumps({"written": False,
                                    "reason": "the contents manager does not keep files on disk"}))
            return
        try:
            answer = await write_files(self.contents_manager, body.get("folder"), body.get("files"))
        except PathRefused as error:
            raise tornado.web.HTTPError(400, f"Refused: {error}") from None
        except OSError as error:
            # As the Contents API answers a write that failed.
            raise tornado.web.HTTPError(500, f"Unexpected error while saving file: {error}") from error
        self.finish(json.dumps(answer, default=json_default))


def setup_handlers(web_app):
    """Adds the routes under the server's base URL."""
    base = web_app.settings["base_url"]
    web_app.add_handlers(".*$", [
        (url_path_join(base, *ROUTE), LinksHandler),
        (url_path_join(base, *LISTING_ROUTE), ListingHandler),
        (url_path_join(base, *WRITE_ROUTE), WriteHandler),
    ])
