"""Runnable notebooks for Colab, and the download menu of every page.

Colab opens ``.ipynb`` files from GitHub, not MyST Markdown. So every build writes
one notebook per executed page into ``_build/notebooks/<page>.ipynb``: the executed
notebook with its outputs (from ``_build/jupyter_execute``), with two cells in front:

* a note that says where the rendered page is, and that the text is MyST Markdown;
* a setup cell that installs ``mvcalc`` when it is missing, pinned to the commit the
  book was built from, so a reader in Colab runs the same library as the book.

The deploy workflow pushes that folder to the repository's ``notebooks`` branch
(``sphinx: config: notebooks_branch`` in ``_config.yml``), and the Colab button that
this extension adds to every notebook page opens the page's notebook there. Binder
keeps opening the MyST source on the main branch (it installs the whole repository).

The extension also labels the theme's ``.ipynb`` download as the executed notebook
and adds the whole book's PDF (``tools/book_pdf.py``) to every page's download menu.
"""

from __future__ import annotations

import copy
import hashlib
import json
import shutil
from pathlib import Path

import nbformat
from sphinx.util import logging

import book_info
from book_pdf import PDF_NAME

LOGGER = logging.getLogger(__name__)
COLAB = "https://colab.research.google.com"
SETUP_TAG = "mvcalc-setup"


def repository_parts(url: str) -> tuple[str, str]:
    """(owner, name) of a ``https://github.com/owner/name`` address."""
    rest = url.rstrip("/").removeprefix("https://github.com/")
    parts = rest.split("/")
    if rest == url.rstrip("/") or len(parts) != 2 or not all(parts):
        raise ValueError(f"expected a repository address https://github.com/OWNER/NAME, got {url!r}")
    return parts[0], parts[1]


def site_url(repository_url: str) -> str:
    """The GitHub Pages address of the repository's site, with a trailing slash."""
    owner, name = repository_parts(repository_url)
    return f"https://{owner.lower()}.github.io/{name}/"


def colab_url(repository_url: str, branch: str, docname: str) -> str:
    """Colab's address for the published notebook of page ``docname`` (like ``book/m1/rules``)."""
    owner, name = repository_parts(repository_url)
    return f"{COLAB}/github/{owner}/{name}/blob/{branch}/{docname}.ipynb"


def install_requirement(repository_url: str, commit: str, fallback_branch: str) -> str:
    """The pip requirement that installs ``mvcalc`` at ``commit`` (or the branch when unknown)."""
    ref = commit if commit != "unknown" else fallback_branch
    return f"mvcalc @ git+{repository_url.rstrip('/')}.git@{ref}"


def setup_cells(docname: str, title: str, repository_url: str, requirement: str) -> list:
    """The two cells put in front of every published notebook (with fixed ids: same input, same file)."""
    page = f"{site_url(repository_url)}{docname}.html"
    note = nbformat.v4.new_markdown_cell(
        "*Multivariate Calculus for Machine Learning*: this notebook is the executed page "
        f"[{title}]({page}), with its outputs. Its text is written in MyST Markdown, so "
        "cross-references, figure captions and exercise boxes show as plain text here; "
        "the rendered page has them all. Run the setup cell below first.",
        metadata={"tags": [SETUP_TAG]}, id=f"{SETUP_TAG}-note",
    )
    code = nbformat.v4.new_code_cell(
        "# Setup: the chapters import mvcalc, the book's own library. When it is missing\n"
        "# (in Colab, say), install it at the version this book was built with.\n"
        "import importlib.util\n"
        "\n"
        'if importlib.util.find_spec("mvcalc") is None:\n'
        f'    %pip install --quiet "{requirement}"\n',
        metadata={"tags": [SETUP_TAG]}, id=f"{SETUP_TAG}-code",
    )
    return [note, code]


def publish(executed: Path, out: Path, docname: str, title: str, repository_url: str,
            requirement: str) -> Path:
    """Write the Colab notebook of one page from its executed notebook; returns its path."""
    nb = nbformat.read(executed, as_version=4)
    if not any(cell.get("outputs") for cell in nb.cells if cell.cell_type == "code"):
        raise ValueError(f"{executed} has no outputs: it is not an executed notebook")
    published = copy.deepcopy(nb)
    for number, cell in enumerate(published.cells):  # stable ids: the same page gives the same file
        cell.id = hashlib.sha1(f"{number}\0{cell.source}".encode()).hexdigest()[:8]
    published.cells = setup_cells(docname, title, repository_url, requirement) + published.cells
    published.metadata.pop("jupytext", None)  # a plain notebook now, not a paired text file
    published.metadata["colab"] = {"provenance": [], "name": Path(docname).name + ".ipynb"}
    nbformat.validate(published)
    target = out / f"{docname}.ipynb"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(published, indent=1, ensure_ascii=False, sort_keys=True) + "\n")
    return target


def _is_notebook_page(app, docname: str) -> bool:
    return "kernelspec" in app.env.metadata.get(docname, {})


def _buttons(app, pagename, templatename, context, doctree) -> None:
    """Add the Colab launch button and the whole-book PDF to the page's header buttons."""
    buttons = context.get("header_buttons")
    if buttons is None:
        return
    pathto = context["pathto"]
    for group in buttons:
        if group.get("label") == "download-buttons":
            for button in group["buttons"]:
                if button.get("label") == "download-notebook-button":
                    button["tooltip"] = "Download this page as an executed notebook, with its outputs"
            group["buttons"].append({
                "type": "link", "url": pathto(PDF_NAME, 1), "text": "book .pdf",
                "tooltip": "Download the whole book as one PDF", "icon": "fas fa-book",
                "label": "download-book-pdf-button",
            })
        if group.get("label") == "launch-buttons" and _is_notebook_page(app, pagename):
            group["buttons"].append({
                "type": "link", "text": "Colab", "tooltip": "Launch on Colab",
                "icon": "_static/images/logo_colab.png",
                "url": colab_url(app.config.html_theme_options["repository_url"],
                                 app.config.notebooks_branch, pagename),
            })


def _write_notebooks(app, exception) -> None:
    if exception is not None or app.builder.name != "html":
        return
    build = Path(app.outdir).parent
    executed, out = build / "jupyter_execute", build / "notebooks"
    repository = app.config.html_theme_options["repository_url"]
    facts = book_info.build_facts()
    requirement = install_requirement(
        repository, facts["commit"], app.config.html_theme_options.get("repository_branch", "main"))
    if out.exists():  # start afresh, so a page that was removed loses its notebook too
        shutil.rmtree(out)
    written = []
    for docname in sorted(app.env.found_docs):
        if not _is_notebook_page(app, docname):
            continue
        source = executed / f"{docname}.ipynb"
        if not source.is_file():
            LOGGER.warning(f"publish_notebooks: no executed notebook {source} for page {docname}")
            continue
        title = app.env.titles[docname].astext() if docname in app.env.titles else docname
        written.append(publish(source, out, docname, title, repository, requirement))
    readme = out / "README.md"
    readme.write_text(
        "# Notebooks of *Multivariate Calculus for Machine Learning*\n\n"
        "Generated by the book's build (`tools/publish_notebooks.py`) from commit "
        f"{facts['commit']}: one executed notebook per page, for Colab. Do not edit them here; "
        "edit the MyST Markdown pages on the main branch.\n")
    LOGGER.info(f"publish_notebooks: wrote {len(written)} notebooks to {out}")


def setup(app):
    app.add_config_value("notebooks_branch", "notebooks", "html")
    app.connect("html-page-context", _buttons, priority=510)  # after the theme's buttons (501)
    app.connect("build-finished", _write_notebooks)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
