"""Sphinx extension: a Run button on every code cell, running it in the reader's browser (Pyodide).

On each page with code cells it adds ``_static/run_in_page/runcell.css`` and (deferred)
``runcell.js``, and a ``<meta name="run-in-page" content="{json}">`` that says what
``book/_pyodide.json`` says of the page: the packages to load and the code cells whose printed
numbers differ in the browser (``differs``, 0-based among the page's code cells, removed ones
included). ``cells`` gives, for each cell shown with its code, its index among the page's code
cells, so that runcell.js can match the two. Nothing loads until the reader presses Run.

At ``build-finished`` it copies ``runcell.js``, ``runcell.css``, ``worker.js`` and ``runner.py``
to ``_static/run_in_page/``, assembles the runtime and packages into ``_static/pyodide/``
(``tools/pyodide_dist.py``; skipped with a message if that module is missing), and writes the
service worker to the site root as ``run-in-page-sw.js`` (its scope is then the whole site), with a
cache name made of the Pyodide version and a hash of the shipped lock and runner files.
"""

from __future__ import annotations

import hashlib
import html
import json
import shutil
from pathlib import Path

from docutils import nodes
from sphinx.util import logging

logger = logging.getLogger(__name__)

ASSETS = Path(__file__).resolve().parent / "run_in_page"
STATIC = "_static/run_in_page"
FILES = ("runcell.js", "runcell.css", "worker.js", "runner.py")
SW_NAME = "run-in-page-sw.js"
PLACEHOLDER = "__RUN_IN_PAGE_VERSION__"
BOOK_DIR = "book"  # pages are "book/m2/jacobian"; book/_pyodide.json names them "m2/jacobian"


def load_pages(srcdir: Path) -> dict:
    """``book/_pyodide.json`` (``{}`` where it is missing)."""
    path = Path(srcdir) / BOOK_DIR / "_pyodide.json"
    if not path.is_file():
        return {}
    return json.loads(path.read_text(encoding="utf-8"))


def code_cells(doctree: nodes.Node) -> list[dict]:
    """The page's rendered code cells, in order: their notebook cell index and whether the code shows."""
    found = []
    for node in doctree.findall(nodes.container):
        if node.get("nb_element") != "cell_code":
            continue
        shown = any(
            isinstance(child, nodes.container) and child.get("nb_element") == "cell_code_source"
            for child in node.findall(nodes.container)
        )
        found.append({"cell_index": node.get("cell_index"), "shown": shown})
    return found


def code_ordinals(source: Path) -> dict[int, int]:
    """Notebook cell index -> index among the notebook's code cells (removed ones included)."""
    return {i: k for k, (i, _) in enumerate(_code_sources(source))}


def _code_sources(source: Path) -> list[tuple[int, str]]:
    """(notebook cell index, source) of every code cell of the page, in order."""
    try:
        from myst_nb.core.read import read_myst_markdown_notebook

        notebook = read_myst_markdown_notebook(source.read_text(encoding="utf-8"))
    except Exception:  # not a MyST notebook: the shown cells are then numbered in order
        return []
    return [(i, cell.source) for i, cell in enumerate(notebook.cells) if cell.cell_type == "code"]


def hidden_cells(cells: list[dict], source: Path) -> list[list]:
    """[ordinal, code] of each code cell the page does not show (``remove-cell``, ``remove-input``).

    Their code is part of the page's Python: later cells use what they define (imports, helper
    functions, glued values), so runcell.js runs them, silently, before the first shown cell after
    them. A page the build could not read as a notebook has none.
    """
    shown = {c["cell_index"] for c in cells if c["shown"]}
    return [[k, code] for k, (i, code) in enumerate(_code_sources(source)) if i not in shown]


def page_data(cells: list[dict], ordinals: dict[int, int], entry: dict | None, version: str) -> dict:
    """What the page's meta tag holds (see the module docstring)."""
    shown = [c for c in cells if c["shown"]]
    indices = [ordinals.get(c["cell_index"], i) for i, c in enumerate(shown)]
    entry = entry or {}
    return {
        "version": version,
        "packages": list(entry.get("packages", [])),
        "differs": [int(i) for i in entry.get("differs", [])],
        "cells": indices,
    }


def meta_tag(data: dict) -> str:
    return f'<meta name="run-in-page" content="{html.escape(json.dumps(data, separators=(",", ":")), quote=True)}">\n'


def _builder_inited(app) -> None:
    app.env.run_in_page_data = load_pages(Path(app.srcdir))


def _page_context(app, pagename, templatename, context, doctree) -> None:
    if doctree is None or app.builder.name == "singlehtml" or app.builder.format != "html":
        return
    cells = code_cells(doctree)
    if not any(c["shown"] for c in cells):
        return
    data = getattr(app.env, "run_in_page_data", None) or {}
    key = pagename.removeprefix(BOOK_DIR + "/")
    entry = data.get("pages", {}).get(key)
    source = Path(app.env.doc2path(pagename))
    info = page_data(cells, code_ordinals(source), entry, str(data.get("pyodide", "")))
    info["hidden"] = hidden_cells(cells, source)
    context["metatags"] = context.get("metatags", "") + meta_tag(info)
    # added in html-page-context, these go on this page only (as in tools/questions.py)
    app.add_css_file("run_in_page/runcell.css")
    app.add_js_file("run_in_page/runcell.js", loading_method="defer")


def cache_version(outdir: Path) -> str:
    """The service worker's cache name: Pyodide's version and a hash of the lock and the runner files."""
    digest = hashlib.sha256()
    version = "none"
    lock = outdir / "_static" / "pyodide" / "pyodide-lock.json"
    if lock.is_file():
        digest.update(lock.read_bytes())
        version = json.loads(lock.read_text(encoding="utf-8")).get("info", {}).get("version", "none")
    for name in FILES:
        digest.update((ASSETS / name).read_bytes())
    return f"{version}-{digest.hexdigest()[:12]}"


def write_service_worker(outdir: Path) -> Path:
    text = (ASSETS / "sw.js").read_text(encoding="utf-8").replace(PLACEHOLDER, cache_version(outdir))
    target = outdir / SW_NAME
    if not target.is_file() or target.read_text(encoding="utf-8") != text:
        target.write_text(text, encoding="utf-8")
    return target


def copy_assets(outdir: Path) -> None:
    target = outdir / STATIC
    target.mkdir(parents=True, exist_ok=True)
    for name in FILES:
        source, copy = ASSETS / name, target / name
        if not copy.is_file() or copy.read_bytes() != source.read_bytes():
            shutil.copyfile(source, copy)


def _build_finished(app, exception) -> None:
    if exception is not None or app.builder.format != "html" or app.builder.name == "singlehtml":
        return
    outdir = Path(app.outdir)
    copy_assets(outdir)
    try:
        from pyodide_dist import assemble
    except ImportError:
        logger.info("run_in_page: tools/pyodide_dist.py not found; _static/pyodide/ is not assembled")
    else:
        assemble(outdir / "_static" / "pyodide")
    write_service_worker(outdir)


def setup(app):
    app.connect("builder-inited", _builder_inited)
    app.connect("html-page-context", _page_context, priority=100)  # before handlers that copy the script list
    app.connect("build-finished", _build_finished)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
