"""Shared paths and helpers for the checks of the built book (imported by test modules)."""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HTML = Path(os.environ.get("BOOK_HTML", ROOT / "_build" / "html"))  # BOOK_HTML: test another build
BUILD = HTML.parent  # the build's other outputs (executed and published notebooks) sit beside it
EXECUTED = BUILD / "jupyter_execute"

sys.path.insert(0, str(ROOT / "tools"))
from execute import notebook_pages, toc_files  # noqa: E402
from find_browser import find_chromium  # noqa: E402

__all__ = ["ROOT", "BUILD", "HTML", "EXECUTED", "notebook_pages", "toc_files", "find_chromium",
           "html_pages", "serve"]


def html_pages() -> list[Path]:
    """Every page of the book in the build: one per table-of-contents entry."""
    import yaml

    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    return [HTML / (name.removesuffix(".md") + ".html") for name in toc_files(toc)]


@contextlib.contextmanager
def serve(directory: Path):
    """Serve ``directory`` over HTTP on a free loopback port; yields the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
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
