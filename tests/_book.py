"""Shared paths and helpers for the checks of the built book (imported by test modules)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HTML = Path(os.environ.get("BOOK_HTML", ROOT / "_build" / "html"))  # BOOK_HTML: test another build
BUILD = HTML.parent  # the build's other outputs (executed and published notebooks) sit beside it
EXECUTED = BUILD / "jupyter_execute"

sys.path.insert(0, str(ROOT / "tools"))
from execute import notebook_pages, toc_files  # noqa: E402
from find_browser import find_chromium  # noqa: E402
from local_server import serve  # noqa: E402

__all__ = ["ROOT", "BUILD", "HTML", "EXECUTED", "notebook_pages", "toc_files", "find_chromium", "html_pages", "serve"]


def html_pages() -> list[Path]:
    """Every page of the book in the build: one per table-of-contents entry."""
    import yaml

    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    return [HTML / (name.removesuffix(".md") + ".html") for name in toc_files(toc)]
