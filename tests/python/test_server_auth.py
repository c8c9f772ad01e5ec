"""Every endpoint of the server extension is authenticated and authorized as
the Contents API is (resource ``contents``; action ``read``, and ``write``
for the write endpoint's POST), against a real
Jupyter server (pytest-jupyter's ``jp_fetch``; ``jp_server_config`` in
``conftest.py`` enables the extension and requires authentication)."""

import pytest

pytest.importorskip("pytest_jupyter")
from jupyter_server.auth.authorizer import Authorizer  # noqa: E402
from tornado.httpclient import HTTPClientError  # noqa: E402

WRITE = ("jupyterlab-runs", "api", "write")
WRITE_BODY = '{"folder": "work/train.runs", "files": [{"name": "a.json", "content": "{}"}]}'

ENDPOINTS = [
    ("jupyterlab-runs", "api", "links"),
    ("jupyterlab-runs", "api", "listing"),
]


class DenyContents(Authorizer):
    """Refuses the ``contents`` resource and remembers what it was asked."""

    asked = []

    def is_authorized(self, handler, user, action, resource):
        DenyContents.asked.append((action, resource))
        return resource != "contents"


@pytest.fixture
def runs(jp_root_dir):
    folder = jp_root_dir / "work" / "train.runs"
    folder.mkdir(parents=True)
    (folder / "01JDQ6Z0000000000000000000.json").write_text("{}")
    return folder


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: e[-1])
async def test_answers_an_authenticated_request(jp_fetch, runs, endpoint):
    response = await jp_fetch(*endpoint, params={"path": "work/train.runs"})
    assert response.code == 200


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: e[-1])
async def test_requires_authentication(jp_fetch, runs, endpoint):
    with pytest.raises(HTTPClientError) as refused:
        await jp_fetch(*endpoint, params={"path": "work/train.runs"}, headers={"Authorization": ""})
    assert refused.value.code == 403


class TestAuthorization:
    @pytest.fixture
    def jp_server_config(self):
        return {
            "ServerApp": {
                "jpserver_extensions": {"jupyterlab_runs": True},
                "authorizer_class": DenyContents,
            }
        }

    @pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: e[-1])
    async def test_asks_for_reading_contents(self, jp_fetch, runs, endpoint):
        DenyContents.asked.clear()
        with pytest.raises(HTTPClientError) as refused:
            await jp_fetch(*endpoint, params={"path": "work/train.runs"})
        assert refused.value.code == 403
        assert ("read", "contents") in DenyContents.asked

    async def test_asks_for_writing_contents(self, jp_fetch, runs):
        DenyContents.asked.clear()
        with pytest.raises(HTTPClientError) as refused:
            await jp_fetch(*WRITE, method="POST", body=WRITE_BODY)
        assert refused.value.code == 403
        assert ("write", "contents") in DenyContents.asked
        assert not (runs / "a.json").exists()


async def test_the_write_endpoint_requires_authentication(jp_fetch, runs):
    with pytest.raises(HTTPClientError) as refused:
        await jp_fetch(*WRITE, method="POST", body=WRITE_BODY, headers={"Authorization": ""})
    assert refused.value.code == 403
    assert not (runs / "a.json").exists()
