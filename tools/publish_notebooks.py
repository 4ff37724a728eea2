"""Runnable notebooks for Colab, and the download menu of every page.

Colab opens ``.ipynb`` files from GitHub, not MyST Markdown. So every build writes
one notebook per executed page into ``_build/notebooks/<page>.ipynb``: the executed
notebook with its outputs (from ``_build/jupyter_execute``), with two cells in front:

* a note that says where the rendered page is;
* a setup cell that installs ``mvcalc`` when it is missing, pinned to the commit the
  book was built from, so a reader in Colab runs the same library as the book.

The Markdown cells are the page's MyST Markdown turned into plain Jupyter Markdown
(``tools/myst_to_markdown.py``), with cross-references, citations and numbers resolved from
Sphinx's environment by ``SiteResolver``: links to the website, glued values, numbered
exercises and theorems. Code cells and their outputs are the executed ones, untouched.

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
import posixpath
import shutil
from pathlib import Path
from urllib.parse import urljoin

import nbformat
from sphinx.util import logging

import book_info
import myst_to_markdown
from book_pdf import PDF_NAME

LOGGER = logging.getLogger(__name__)
COLAB = "https://colab.research.google.com"
SETUP_TAG = "mvcalc-setup"
CAPTION_TAG = "mvcalc-figure-caption"


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
        f"[{title}]({page}), with its outputs. Its cross-references, citations and glossary "
        "terms link to the book's website; figures, equations, exercises and theorems carry "
        "the same numbers as there. Run the setup cell below first.",
        metadata={"tags": [SETUP_TAG]},
        id=f"{SETUP_TAG}-note",
    )
    code = nbformat.v4.new_code_cell(
        "# Setup: the chapters import mvcalc, the book's own library. When it is missing\n"
        "# (in Colab, say), install it at the version this book was built with.\n"
        "import importlib.util\n"
        "\n"
        'if importlib.util.find_spec("mvcalc") is None:\n'
        f'    %pip install --quiet "{requirement}"\n',
        metadata={"tags": [SETUP_TAG]},
        id=f"{SETUP_TAG}-code",
    )
    return [note, code]


ANSWER_TAG = "mvcalc-question-answer"


def markdown_cells(converted: str) -> list:
    """A converted Markdown cell as notebook cells: each question's answer in a collapsed cell of its own.

    ``myst_to_markdown`` marks where an answer starts (``ANSWER_CELL``); the answer (a
    ``<details>`` block, so Colab collapses it too) becomes a cell tagged ``ANSWER_TAG`` with
    its source hidden in JupyterLab, and the text after it a cell of its own again.
    """
    text, *answers = converted.split(myst_to_markdown.ANSWER_CELL)
    cells = [nbformat.v4.new_markdown_cell(text.strip("\n"))]
    for answer in answers:
        answer, _, rest = answer.strip("\n").partition("</details>")
        cells.append(
            nbformat.v4.new_markdown_cell(
                answer + "</details>", metadata={"tags": [ANSWER_TAG], "jupyter": {"source_hidden": True}}
            )
        )
        if rest.strip():
            cells.append(nbformat.v4.new_markdown_cell(rest.strip("\n")))
    return cells


def glued_outputs(nb) -> dict[str, dict]:
    """``{key: MIME bundle}`` of the values a notebook glued with ``myst_nb.glue``."""
    found = {}
    for cell in nb.cells:
        for output in cell.get("outputs", []) if cell.cell_type == "code" else []:
            scrapbook = output.get("metadata", {}).get("scrapbook")
            if scrapbook:
                prefix = len(scrapbook.get("mime_prefix", ""))
                found[scrapbook["name"]] = {mime[prefix:]: value for mime, value in output.get("data", {}).items()}
    return found


def publish(
    executed: Path, out: Path, docname: str, title: str, repository_url: str, requirement: str, *, resolver
) -> Path:
    """Write the Colab notebook of one page from its executed notebook; returns its path.

    ``resolver`` answers ``tools/myst_to_markdown.py``'s questions about the website (see
    ``SiteResolver``); the Markdown cells are converted with it, and a cell left empty (a
    target or an index entry alone) is dropped. Code cells and outputs are copied as they are;
    a code cell with a figure (``mystnb: figure:``) is followed by a cell with its numbered caption.
    """
    nb = nbformat.read(executed, as_version=4)
    if not any(cell.get("outputs") for cell in nb.cells if cell.cell_type == "code"):
        raise ValueError(f"{executed} has no outputs: it is not an executed notebook")
    published = copy.deepcopy(nb)
    if getattr(resolver, "glued", None) is None:
        resolver.glued = glued_outputs(nb)
    cells = []
    for cell in published.cells:
        if cell.cell_type == "markdown":
            cell.source = myst_to_markdown.convert(cell.source, resolver)
            if not cell.source.strip():
                continue
            parts = markdown_cells(cell.source)
            cell.source = parts[0].source
            cells.append(cell)
            cells.extend(parts[1:])
            continue
        cells.append(cell)
        figure = cell.metadata.get("mystnb", {}).get("figure") if cell.cell_type == "code" else None
        if figure:  # Jupyter shows the figure without its caption: put it under the output
            caption = myst_to_markdown.figure_caption(figure, resolver)
            if caption:
                cells.append(nbformat.v4.new_markdown_cell(caption, metadata={"tags": [CAPTION_TAG]}))
    for number, cell in enumerate(cells):  # stable ids: the same page gives the same file
        cell.id = hashlib.sha1(f"{number}\0{cell.source}".encode()).hexdigest()[:8]
    published.cells = setup_cells(docname, title, repository_url, requirement) + cells
    published.metadata.pop("jupytext", None)  # a plain notebook now, not a paired text file
    published.metadata["colab"] = {"provenance": [], "name": Path(docname).name + ".ipynb"}
    nbformat.validate(published)
    target = out / f"{docname}.ipynb"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(published, indent=1, ensure_ascii=False, sort_keys=True) + "\n")
    return target


class SiteResolver:
    """What the website shows for the references of page ``docname``, read from Sphinx's environment.

    Used by ``myst_to_markdown.convert`` (see its docstring for the questions). Every link is an
    absolute address on the website (``site_url``); what cannot be resolved is a build warning.
    """

    def __init__(self, app, docname: str, site: str, glued: dict | None = None):
        self.app, self.env, self.docname, self.site = app, app.env, docname, site
        self.glued = glued
        self.macros = myst_to_markdown.macros_from_mathjax(app.config.mathjax3_config or {})

    def url(self, docname: str, anchor: str = "") -> str:
        return f"{self.site}{docname}.html" + (f"#{anchor}" if anchor else "")

    def warn(self, message: str) -> None:
        LOGGER.warning(f"publish_notebooks: {message}", location=(self.docname, None), type="publish_notebooks")

    def glue(self, key: str):
        return (self.glued or {}).get(key)

    def _std(self):
        """Sphinx's standard domain: its ``labels``, ``anonlabels`` and ``objects`` are public properties."""
        return self.env.get_domain("std")

    def _equations(self) -> dict:
        """The math domain's numbered equations, label -> (docname, number): its public ``equations``."""
        return self.env.get_domain("math").equations

    def _number(self, docname: str, kind: str, anchor: str) -> str | None:
        numbers = self.env.toc_fignumbers.get(docname, {}).get(kind, {}).get(anchor)
        return ".".join(map(str, numbers)) if numbers else None

    def _exercise(self, label: str):
        entry = getattr(self.env, "sphinx_exercise_registry", {}).get(label)
        if entry is None or entry.get("type") != "exercise":
            return None
        number = self._number(entry["docname"], "exercise", label)
        if number is None:
            return None
        return self.app.config.numfig_format["exercise"] % number, self.url(entry["docname"], label)

    def _proof(self, label: str):
        entry = getattr(self.env, "proof_list", {}).get(label)
        if entry is None:
            return None
        number = "" if entry["nonumber"] else self._number(entry["docname"], entry["countertype"], label)
        if number is None:
            return None
        return f"{entry['realtype'].title()} {number}".strip(), self.url(entry["docname"], label)

    def link(self, role: str, target: str):
        std = self._std()
        if role == "ref":  # sphinx-exercise labels its exercises "Exercise" in std: its number first
            numbered = self._exercise(target) or self._proof(target)
            if numbered:
                return numbered
            if target in std.labels:
                docname, anchor, title = std.labels[target]
                if title:
                    return title, self.url(docname, anchor)
            return None
        if role == "numref":
            numbered = self._exercise(target) or self._proof(target)
            if numbered:
                return numbered
            if target in std.anonlabels:
                docname, anchor = std.anonlabels[target]
                for kind, numbers in self.env.toc_fignumbers.get(docname, {}).items():
                    if anchor in numbers and kind in self.app.config.numfig_format:
                        number = ".".join(map(str, numbers[anchor]))
                        return self.app.config.numfig_format[kind] % number, self.url(docname, anchor)
            return None
        if role == "eq":
            found = self._equations().get(target)
            if found is None:
                return None
            docname, number = found
            anchor = f"equation-{target}"
            if self.app.config.math_numfig and self.app.config.numfig:
                number = self._number(docname, "displaymath", anchor) or number
            return self.app.config.math_eqref_format.format(number=number), self.url(docname, anchor)
        if role == "prf:ref":
            return self._proof(target)
        if role == "term":
            objects = std.objects
            found = objects.get(("term", target)) or objects.get(("term", target.lower()))
            return (target, self.url(*found)) if found else None
        if role == "doc":
            if not target:
                docname = self.docname
            elif target.startswith("/"):
                docname = target[1:]
            else:
                docname = posixpath.normpath(posixpath.join(posixpath.dirname(self.docname), target))
            docname = docname.removesuffix(".md")
            if docname not in self.env.titles:
                return None
            return self.env.titles[docname].astext(), self.url(docname)
        return None

    def cite(self, role: str, keys: str):
        """The citation as the website writes it (sphinxcontrib-bibtex's own formatting)."""
        from docutils import nodes
        from sphinx.addnodes import pending_xref

        typ = role.partition(":")[2] or "p"
        node = pending_xref(keys, refdomain="cite", reftype=typ, reftarget=keys, refdoc=self.docname)
        node.source, node.line = str(self.env.doc2path(self.docname)), None
        known = {c.key for c in self.env.get_domain("cite").citations}
        if not all(k.strip() in known for k in keys.split(",")):
            return None
        result = self.env.get_domain("cite").resolve_xref(
            self.env, self.docname, self.app.builder, typ, keys, node, nodes.inline(keys, keys)
        )
        return _markdown_of(result, self.url(self.docname)) if result is not None else None


def _markdown_of(node, base: str) -> str:
    """Inline docutils nodes (text, emphasis, strong, references) as Markdown; links made absolute."""
    from docutils import nodes

    if isinstance(node, nodes.Text):
        return str(node).replace("[", r"\[").replace("]", r"\]").replace("*", r"\*")
    inner = "".join(_markdown_of(child, base) for child in node.children)
    if isinstance(node, nodes.reference) and node.get("refuri"):
        return f"[{inner}]({urljoin(base, node['refuri'])})"
    if isinstance(node, nodes.emphasis):
        return f"*{inner}*"
    if isinstance(node, nodes.strong):
        return f"**{inner}**"
    return inner


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
            group["buttons"].append(
                {
                    "type": "link",
                    "url": pathto(PDF_NAME, 1),
                    "text": "book .pdf",
                    "tooltip": "Download the whole book as one PDF",
                    "icon": "fas fa-book",
                    "label": "download-book-pdf-button",
                }
            )
        if group.get("label") == "launch-buttons" and _is_notebook_page(app, pagename):
            group["buttons"].append(
                {
                    "type": "link",
                    "text": "Colab",
                    "tooltip": "Launch on Colab",
                    "icon": "_static/images/logo_colab.png",
                    "url": colab_url(
                        app.config.html_theme_options["repository_url"], app.config.notebooks_branch, pagename
                    ),
                }
            )


def _write_notebooks(app, exception) -> None:
    if exception is not None or app.builder.name != "html":
        return
    build = Path(app.outdir).parent
    executed, out = build / "jupyter_execute", build / "notebooks"
    repository = app.config.html_theme_options["repository_url"]
    facts = book_info.build_facts()
    requirement = install_requirement(
        repository, facts["commit"], app.config.html_theme_options.get("repository_branch", "main")
    )
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
        resolver = SiteResolver(app, docname, site_url(repository))
        written.append(publish(source, out, docname, title, repository, requirement, resolver=resolver))
    readme = out / "README.md"
    readme.write_text(
        "# Notebooks of *Multivariate Calculus for Machine Learning*\n\n"
        "Generated by the book's build (`tools/publish_notebooks.py`) from commit "
        f"{facts['commit']}: one executed notebook per page, for Colab. Do not edit them here; "
        "edit the MyST Markdown pages on the main branch.\n"
    )
    LOGGER.info(f"publish_notebooks: wrote {len(written)} notebooks to {out}")


def setup(app):
    app.add_config_value("notebooks_branch", "notebooks", "html")
    app.connect("html-page-context", _buttons, priority=510)  # after the theme's buttons (501)
    app.connect("build-finished", _write_notebooks)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
