"""The server of benchmarks/lighthouse.py serves the site as GitHub Pages does.

Lighthouse's scores depend on how the pages are served: compressed or not, and with
which headers. These tests fetch files from the benchmark's server over real HTTP and
check that text is gzipped exactly when the client accepts gzip, that the body then
decompresses to the file, and that the headers (type, length, cache) are right.
"""

from __future__ import annotations

import gzip
import http.client
import importlib.util
import re
from contextlib import closing, contextmanager
from urllib.parse import urlsplit

import pytest

from _book import ROOT

_spec = importlib.util.spec_from_file_location("lighthouse_bench", ROOT / "benchmarks" / "lighthouse.py")
lighthouse = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(lighthouse)

HTML = "<!DOCTYPE html><html lang='en'><head><title>t</title></head><body>" + "<p>text</p>" * 200 + "</body></html>"
FILES = {
    "index.html": HTML.encode(),
    "book/page.html": HTML.replace("text", "page").encode(),
    "_static/style.css": b"body { color: #111; }\n" * 100,
    "_static/app.js": b"console.log('one');\n" * 100,
    "_static/icon.svg": b"<svg xmlns='http://www.w3.org/2000/svg'><rect width='1' height='1'/></svg>" * 20,
    "_static/data.json": b'{"x": [1, 2, 3]}' * 100,
    "_static/plot.png": b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8,
    "404.html": b"<!DOCTYPE html><title>Not found</title>",
}
TYPES = {
    "index.html": "text/html; charset=utf-8",
    "_static/style.css": "text/css; charset=utf-8",
    "_static/app.js": "text/javascript; charset=utf-8",
    "_static/icon.svg": "image/svg+xml",
    "_static/data.json": "application/json; charset=utf-8",
}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("site")
    for name, data in FILES.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    with lighthouse.serve(root) as url:
        yield urlsplit(url).netloc


@contextmanager
def fetch(netloc, path, method="GET", **headers):
    with closing(http.client.HTTPConnection(netloc, timeout=10)) as connection:
        connection.request(method, path, headers=headers)
        response = connection.getresponse()
        body = response.read()
        yield response, body


@pytest.mark.parametrize("name", sorted(TYPES))
def test_text_is_gzipped_when_the_client_accepts_gzip(site, name):
    with fetch(site, f"/{name}", **{"Accept-Encoding": "gzip, deflate, br"}) as (response, body):
        assert response.status == 200
        assert response.getheader("Content-Encoding") == "gzip"
        assert response.getheader("Content-Type") == TYPES[name]
        assert int(response.getheader("Content-Length")) == len(body)
        assert len(body) < len(FILES[name]), "gzip made the file smaller"
        assert gzip.decompress(body) == FILES[name]
        assert response.getheader("Vary") == "Accept-Encoding"
        assert response.getheader("Cache-Control") == "max-age=600"


@pytest.mark.parametrize("accept", [None, "identity", "deflate, br", "gzip;q=0", "*;q=0"])
def test_text_is_plain_when_the_client_does_not_accept_gzip(site, accept):
    headers = {} if accept is None else {"Accept-Encoding": accept}
    with fetch(site, "/_static/style.css", **headers) as (response, body):
        assert response.status == 200
        assert response.getheader("Content-Encoding") is None
        assert body == FILES["_static/style.css"]
        assert int(response.getheader("Content-Length")) == len(FILES["_static/style.css"])
        assert response.getheader("Content-Type") == "text/css; charset=utf-8"
        assert response.getheader("Vary") == "Accept-Encoding"
        assert response.getheader("Cache-Control") == "max-age=600"


def test_images_are_never_gzipped(site):
    with fetch(site, "/_static/plot.png", **{"Accept-Encoding": "gzip"}) as (response, body):
        assert response.status == 200
        assert response.getheader("Content-Encoding") is None
        assert response.getheader("Content-Type") == "image/png"
        assert body == FILES["_static/plot.png"]
        assert int(response.getheader("Content-Length")) == len(body)
        assert response.getheader("Cache-Control") == "max-age=600"


def test_validators_and_expiry(site):
    with fetch(site, "/book/page.html", **{"Accept-Encoding": "gzip"}) as (response, _):
        etag, modified, expires = (response.getheader(h) for h in ("ETag", "Last-Modified", "Expires"))
    assert re.fullmatch(r'W/"[0-9a-f]+-[0-9a-f]+"', etag), etag  # gzipped: a weak tag
    assert modified.endswith(" GMT") and expires.endswith(" GMT")
    with fetch(site, "/book/page.html", **{"Accept-Encoding": "gzip", "If-None-Match": etag}) as (response, body):
        assert response.status == 304 and body == b""
    with fetch(site, "/book/page.html") as (response, _):
        assert not response.getheader("ETag").startswith("W/"), "the plain file has its own strong tag"


def test_head_sends_the_headers_without_the_body(site):
    with fetch(site, "/index.html", method="HEAD", **{"Accept-Encoding": "gzip"}) as (response, body):
        assert response.status == 200 and body == b""
        assert response.getheader("Content-Encoding") == "gzip"
        assert int(response.getheader("Content-Length")) == len(gzip.compress(FILES["index.html"], 6, mtime=0))


def test_directories_and_missing_files(site):
    with fetch(site, "/") as (response, body):
        assert response.status == 200 and body == FILES["index.html"]
    with fetch(site, "/book?x=1") as (response, _):
        assert response.status == 301 and response.getheader("Location") == "/book/?x=1"
    with fetch(site, "/book/missing.html") as (response, body):
        assert response.status == 404 and body == FILES["404.html"]


@pytest.mark.parametrize(
    "header, expected",
    [
        ("gzip", True),
        ("GZIP", True),
        ("br, gzip;q=0.5", True),
        ("*", True),
        ("gzip;q=0", False),
        ("gzip;q=0.0, *", False),
        ("deflate", False),
        ("", False),
        (None, False),
        ("*;q=0, gzip;q=1", True),
    ],
)
def test_accepts_gzip(header, expected):
    assert lighthouse.accepts_gzip(header) is expected


def test_a_page_exempt_from_the_performance_target_still_needs_the_other_three():
    def row(page, perf, a11y=100):
        return {"page": page, "scores": {"performance": perf, "accessibility": a11y, "best-practices": 100, "seo": 100}}

    rows = [row("book/intro", 99), row("book/api", 91), row("book/glossary", 97)]
    assert lighthouse.failing(rows) == ["book/api", "book/glossary"]
    assert lighthouse.failing(rows, ["book/api"]) == ["book/glossary"]
    assert lighthouse.failing([row("book/api", 91, a11y=96)], ["book/api"]) == ["book/api"]
    assert lighthouse.failing([row("book/api", None)], ["book/api"]) == []
