"""A static file server on a free loopback port, for the browser checks and the PDF print."""

from __future__ import annotations

import contextlib
import functools
import http.server
import threading
from pathlib import Path


@contextlib.contextmanager
def serve(directory: Path, handler: type[http.server.SimpleHTTPRequestHandler] | None = None):
    """Serve ``directory`` over HTTP on a free loopback port; yields the base URL.

    ``handler`` (a ``SimpleHTTPRequestHandler`` subclass) answers the requests; by default a
    plain one that logs nothing. ``benchmarks/lighthouse.py`` passes one that serves like
    GitHub Pages.
    """
    handler = functools.partial(handler or _QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - signature fixed by the base class
        pass
