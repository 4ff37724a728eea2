"""What the book publishes besides its pages: launch links, notebooks, downloads, PDF, status.

* every page with code launches in Binder (the MyST source on the main branch) and in
  Colab (the executed notebook that the deploy workflow pushes to the notebooks branch);
  each link is checked against the file it must open;
* the Colab notebooks hold the page's code and outputs, and a setup cell that installs
  ``mvcalc`` at the commit the book was built from; their Markdown is plain Jupyter Markdown
  (``tools/myst_to_markdown.py``): no MyST syntax left, every link to the website reaches an
  existing page and anchor, every formula's dollars balanced;
* each page's ``.ipynb`` download is the executed notebook, with its outputs;
* the whole book's PDF exists, is linked from every page, and holds every page with its
  math typeset and its figures;
* the status page lists every executed page and the software of the build; every page's
  footer gives the version, commit and date.
"""

from __future__ import annotations

import functools
import json
import pickle
import re
import sys
import types
import unicodedata
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import nbformat
import pytest
import yaml
from bs4 import BeautifulSoup

from _book import BUILD, EXECUTED, HTML, ROOT, html_pages, notebook_pages

sys.path.insert(0, str(ROOT / "tools"))
import book_info  # noqa: E402
import myst_to_markdown  # noqa: E402
import publish_notebooks  # noqa: E402
from book_pdf import PDF_NAME  # noqa: E402

CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text())
REPO_URL = CONFIG["repository"]["url"].rstrip("/")
OWNER, NAME = publish_notebooks.repository_parts(REPO_URL)
BRANCH = CONFIG["repository"]["branch"]
NB_BRANCH = CONFIG["sphinx"]["config"]["notebooks_branch"]
NOTEBOOKS = BUILD / "notebooks"
NOTEBOOK_DOCS = sorted(p.relative_to(ROOT).with_suffix("").as_posix() for p in notebook_pages())
PAGES = html_pages()


def ids(paths):
    return [str(p.relative_to(HTML)) for p in paths]


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def docname(page: Path) -> str:
    return page.relative_to(HTML).with_suffix("").as_posix()


# --- unit checks of the helpers (no build needed) ----------------------------------


def test_colab_url_of_a_page():
    url = publish_notebooks.colab_url("https://github.com/Org/repo", "nb", "book/m1/rules")
    assert url == "https://colab.research.google.com/github/Org/repo/blob/nb/book/m1/rules.ipynb"


@pytest.mark.parametrize("bad", ["https://gitlab.com/a/b", "https://github.com/only-owner", "github.com/a/b"])
def test_a_repository_address_that_is_not_github_is_refused(bad):
    with pytest.raises(ValueError, match="OWNER/NAME"):
        publish_notebooks.repository_parts(bad)


def test_install_requirement_pins_the_commit_and_falls_back_to_the_branch():
    sha = "0123456789abcdef0123456789abcdef01234567"
    assert (
        publish_notebooks.install_requirement("https://github.com/a/b", sha, "main")
        == f"mvcalc @ git+https://github.com/a/b.git@{sha}"
    )
    assert (
        publish_notebooks.install_requirement("https://github.com/a/b/", "unknown", "main")
        == "mvcalc @ git+https://github.com/a/b.git@main"
    )


def test_setup_cell_is_valid_ipython_that_installs_only_when_mvcalc_is_missing():
    from IPython.core.inputtransformer2 import TransformerManager

    cells = publish_notebooks.setup_cells("book/m1/rules", "Rules", REPO_URL, "mvcalc @ git+x@y")
    python = TransformerManager().transform_cell(cells[1].source)
    compile(python, "<setup cell>", "exec")  # the %pip magic became valid Python
    assert "run_line_magic('pip', 'install --quiet \"mvcalc @ git+x@y\"')" in python
    guard = 'if importlib.util.find_spec("mvcalc") is None:'
    assert guard in python and python.index(guard) < python.index("run_line_magic")


def test_publishing_refuses_a_notebook_without_outputs(tmp_path):
    empty = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 + 1")])
    source = tmp_path / "page.ipynb"
    nbformat.write(empty, source)
    with pytest.raises(ValueError, match="no outputs"):
        publish_notebooks.publish(
            source, tmp_path / "out", "book/page", "Page", REPO_URL, "mvcalc", resolver=types.SimpleNamespace()
        )


def test_build_date_honours_source_date_epoch(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795219200")
    assert book_info.build_date() == "2026-11-21"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    with pytest.raises(ValueError, match="SOURCE_DATE_EPOCH"):
        book_info.build_date()


def test_library_version_is_read_from_the_source():
    import mvcalc

    assert book_info.library_version(ROOT) == mvcalc.__version__


# --- the built book --------------------------------------------------------------------


@pytest.fixture(scope="module")
def built():
    if not (HTML / "index.html").is_file():
        pytest.fail("the book is not built: run `make book` first")
    return HTML


def launch_links(page: Path) -> dict[str, list[str]]:
    links = {"binder": [], "colab": []}
    for a in soup(page).select(".dropdown-launch-buttons a[href]"):
        href = a["href"]
        if href.startswith("https://mybinder.org/"):
            links["binder"].append(href)
        elif href.startswith(publish_notebooks.COLAB):
            links["colab"].append(href)
    return links


@pytest.mark.book
@pytest.mark.parametrize("page", PAGES, ids=ids(PAGES))
def test_launch_links_open_files_that_exist(built, page):
    links = launch_links(page)
    doc = docname(page)
    if doc not in NOTEBOOK_DOCS:
        assert links == {"binder": [], "colab": []}, f"{doc} has no code but offers to launch it"
        return
    assert len(links["binder"]) == 1 and len(links["colab"]) == 1, f"{doc}: {links}"

    binder = urlparse(links["binder"][0])
    assert binder.path == f"/v2/gh/{OWNER}/{NAME}/{BRANCH}", binder.path
    target = parse_qs(binder.query)["urlpath"][0].removeprefix("lab/tree/")
    assert (ROOT / target).is_file(), f"Binder would open {target}, which is not in the repository"
    assert target == f"{doc}.md" and "format_name: myst" in (ROOT / target).read_text()

    colab = urlparse(links["colab"][0])
    prefix = f"/github/{OWNER}/{NAME}/blob/{NB_BRANCH}/"
    assert colab.path.startswith(prefix), colab.path
    published = NOTEBOOKS / colab.path.removeprefix(prefix)
    assert published.is_file(), f"Colab would open {published.relative_to(BUILD)}, which the build did not publish"
    assert published == NOTEBOOKS / f"{doc}.ipynb"


@pytest.mark.book
def test_the_published_notebooks_are_exactly_the_executed_pages(built):
    published = sorted(p.relative_to(NOTEBOOKS).with_suffix("").as_posix() for p in NOTEBOOKS.rglob("*.ipynb"))
    assert published == NOTEBOOK_DOCS


@pytest.fixture(scope="module")
def environment():
    """The build's Sphinx environment (references, numbers, glossary), read from its pickle."""
    path = BUILD / ".doctrees" / "environment.pickle"
    if not path.is_file():
        pytest.fail(f"no {path}: build the book first")
    with path.open("rb") as f:
        return pickle.load(f)


class _Resolver(publish_notebooks.SiteResolver):
    """The build's resolver, outside Sphinx: warnings are collected, citations are left open
    (they need sphinxcontrib-bibtex's domain; the link checks below cover them)."""

    CITE = "\x00citation\x00"

    def __init__(self, env, doc):
        app = types.SimpleNamespace(env=env, config=env.config, builder=None)
        super().__init__(app, doc, publish_notebooks.site_url(REPO_URL))
        self.warnings = []

    def warn(self, message):
        self.warnings.append(message)

    def cite(self, role, keys):
        return self.CITE

    # A pickled environment leaves its domains behind (a build rebuilds them with the application):
    # read the same tables from the data the domains keep, so these tests need no Sphinx application.
    def _std(self):
        data = self.env.domaindata["std"]
        return types.SimpleNamespace(labels=data["labels"], anonlabels=data["anonlabels"], objects=data["objects"])

    def _equations(self):
        return self.env.domaindata["math"]["objects"]


@pytest.mark.book
@pytest.mark.parametrize("doc", NOTEBOOK_DOCS)
def test_published_notebook_is_the_executed_page_behind_a_setup_cell(built, environment, doc):
    nb = nbformat.read(NOTEBOOKS / f"{doc}.ipynb", as_version=4)
    nbformat.validate(nb)
    executed = nbformat.read(EXECUTED / f"{doc}.ipynb", as_version=4)
    setup, rest = nb.cells[:2], nb.cells[2:]
    assert all(publish_notebooks.SETUP_TAG in c.metadata.get("tags", []) for c in setup)
    # code cells and their outputs: exactly the executed ones
    code = [c for c in rest if c.cell_type == "code"]
    executed_code = [c for c in executed.cells if c.cell_type == "code"]
    assert [c.source for c in code] == [c.source for c in executed_code]
    outputs = [c.outputs for c in code]
    assert outputs == [c.outputs for c in executed_code]
    assert any(outputs), f"{doc}: the published notebook has no outputs"
    # Markdown cells: the executed ones converted (empty results dropped), in the same places
    resolver = _Resolver(environment, doc)
    resolver.glued = publish_notebooks.glued_outputs(executed)
    expected = []
    for cell in executed.cells:
        if cell.cell_type == "markdown":
            converted = myst_to_markdown.convert(cell.source, resolver)
            if converted.strip():  # a question's answer follows it in a cell of its own
                expected += [("markdown", part.source) for part in publish_notebooks.markdown_cells(converted)]
        else:
            expected.append(("code", cell.source))
            figure = cell.metadata.get("mystnb", {}).get("figure")
            if figure:
                expected.append(("markdown", myst_to_markdown.figure_caption(figure, resolver)))
    assert resolver.warnings == []
    captions = [c for c in rest if publish_notebooks.CAPTION_TAG in c.metadata.get("tags", [])]
    figures = [c for c in executed.cells if c.metadata.get("mystnb", {}).get("figure")]
    assert len(captions) == len(figures)
    assert all(re.fullmatch(r"\*Fig\. \d+(\.\d+)*: .+\*", c.source, re.S) for c in captions), (
        captions
    )  # pages outside a numbered module: "Fig. 3"
    assert len(rest) == len(expected)
    for cell, (kind, source) in zip(rest, expected):
        assert cell.cell_type == kind
        if kind == "markdown":
            pattern = ".+?".join(map(re.escape, source.split(_Resolver.CITE)))
            assert re.fullmatch(pattern, cell.source, re.DOTALL), f"{doc}: {cell.source[:200]!r}"
    sha = book_info.commit(BUILD.parent)
    assert sha != "unknown", "the tests run in a git clone of the book"
    assert f'"mvcalc @ git+{REPO_URL}.git@{sha}"' in setup[1].source, "the setup cell pins another commit"
    assert f"{publish_notebooks.site_url(REPO_URL)}{doc}.html" in setup[0].source
    assert "MyST" not in setup[0].source and "link to the book's website" in setup[0].source


def _markdown_cells(doc: str) -> list[str]:
    nb = nbformat.read(NOTEBOOKS / f"{doc}.ipynb", as_version=4)
    return [c.source for c in nb.cells[2:] if c.cell_type == "markdown"]


def _prose(source: str) -> str:
    """A Markdown cell without its code blocks and code spans (where MyST may be quoted)."""
    source = re.sub(r"^(`{3,}|~{3,}).*?^\1[ \t]*$", "", source, flags=re.M | re.S)
    return re.sub(r"(`+)(?:(?!\1).|\n)+?\1(?!`)", "", source)


@pytest.mark.book
@pytest.mark.parametrize("doc", NOTEBOOK_DOCS)
def test_published_markdown_has_no_myst_syntax_left(built, doc):
    left = [
        m.group(0) for source in _markdown_cells(doc) for m in myst_to_markdown.MYST_SYNTAX.finditer(_prose(source))
    ]
    assert not left, f"{doc}: MyST syntax in the Colab notebook: {left[:5]}"
    for source in _markdown_cells(doc):
        assert not re.search(r"^\$\$.*\$\$[ \t]*\([^)\s]+\)[ \t]*$", source, re.M), "an equation label is left"


@functools.cache
def _anchors(page: Path) -> frozenset[str]:
    return frozenset(tag["id"] for tag in soup(page).find_all(id=True))


@pytest.mark.book
@pytest.mark.parametrize("doc", NOTEBOOK_DOCS)
def test_published_links_to_the_website_reach_existing_pages_and_anchors(built, doc):
    site = publish_notebooks.site_url(REPO_URL)
    links = [url for source in _markdown_cells(doc) for url in re.findall(r"\]\(([^)\s]+)\)", _prose(source))]
    ours = [url for url in links if url.startswith(site)]
    assert ours, f"{doc}: no link to the website in its notebook"
    for url in ours:
        path, _, anchor = url.removeprefix(site).partition("#")
        page = HTML / path
        assert page.is_file(), f"{doc}: {url} points to a page the build does not have"
        if anchor:
            assert anchor in _anchors(page), f"{doc}: {url}: no id {anchor!r} in {path}"
    strangers = [url for url in links if not url.startswith(site)]
    assert all(url.startswith("https://") for url in strangers), f"{doc}: links that do not work in Colab: {strangers}"


def _balanced(source: str) -> bool:
    """Every ``$$`` block closed, and the single ``$`` of inline formulas in pairs."""
    prose = _prose(source).replace("\\$", "")
    if prose.count("$$") % 2:
        return False
    return re.sub(r"\$\$.+?\$\$", "", prose, flags=re.S).count("$") % 2 == 0


def test_balanced_dollars():
    assert _balanced("a $x$ and\n\n$$\ny\n$$\n\ncosts \\$5 `$`")
    assert not _balanced("a $x and")
    assert not _balanced("$$\nx\n")


@pytest.mark.book
@pytest.mark.parametrize("doc", NOTEBOOK_DOCS)
def test_published_formulas_are_balanced(built, doc):
    bad = [source[:120] for source in _markdown_cells(doc) if not _balanced(source)]
    assert not bad, f"{doc}: unbalanced $ in {bad}"


@pytest.mark.book
@pytest.mark.parametrize("doc", NOTEBOOK_DOCS)
def test_ipynb_download_is_the_executed_notebook(built, doc):
    page = HTML / f"{doc}.html"
    link = soup(page).select_one(".dropdown-download-buttons a.btn-download-notebook-button")
    assert link is not None, f"{doc} offers no .ipynb download"
    target = (page.parent / link["href"]).resolve()
    assert target.is_file(), f"the .ipynb download of {doc} points to a missing {target}"
    downloaded = json.loads(target.read_text())
    code = [c for c in downloaded["cells"] if c["cell_type"] == "code"]
    executed = [c for c in nbformat.read(EXECUTED / f"{doc}.ipynb", as_version=4).cells if c.cell_type == "code"]
    assert len(code) == len(executed)
    assert [len(c["outputs"]) for c in code] == [len(c.outputs) for c in executed]
    assert sum(len(c["outputs"]) for c in code) > 0, f"the .ipynb download of {doc} has no outputs"


@pytest.mark.book
@pytest.mark.parametrize("page", PAGES, ids=ids(PAGES))
def test_every_page_links_the_book_pdf_and_shows_version_commit_and_date(built, page):
    html = soup(page)
    link = html.select_one("a.btn-download-book-pdf-button")
    if html.select_one(".dropdown-download-buttons") is not None:
        assert link is not None, "the download menu does not offer the book's PDF"
        assert (page.parent / link["href"]).resolve() == (HTML / PDF_NAME).resolve()
    footer = html.select_one("p.build-info")
    assert footer is not None, "no build information in the footer"
    facts = book_info.build_facts(BUILD.parent)
    text = " ".join(footer.get_text().split())
    assert re.fullmatch(r"Version (\S+), commit ([0-9a-f]{7}|unknown), built (\d{4}-\d\d-\d\d)\.", text), text
    assert f"Version {facts['version']}, commit {facts['short_commit']}," in text


@pytest.mark.book
def test_status_page_lists_every_executed_page_and_the_build_software(built):
    import importlib.metadata
    import platform

    html = soup(HTML / "book" / "status.html")
    tables = html.select("article table")
    info = {
        r.select("td")[0].get_text(strip=True): r.select("td")[1].get_text(strip=True)
        for r in tables[0].select("tbody tr")
    }
    assert info["Python"] == platform.python_version()
    for name in ("numpy", "scipy", "matplotlib", "jupyter-book", "sphinx", "myst-nb"):
        assert info[name] == importlib.metadata.version(name), name
    assert info["book and mvcalc version"] == book_info.library_version(ROOT)
    assert info["commit"] == book_info.commit(BUILD.parent)

    rows = [[td.get_text(strip=True) for td in tr.select("td")] for tr in tables[1].select("tbody tr")]
    assert sorted(r[0] for r in rows) == NOTEBOOK_DOCS
    for doc, _modified, method, seconds, status in rows:
        assert method in {"cache", "auto", "force"}, f"{doc} was not executed ({method})"
        assert float(seconds) > 0 and status == "ok", f"{doc}: {seconds} s, status {status}"


# --- the PDF ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pdf():
    path = HTML / PDF_NAME
    if not path.is_file():
        pytest.fail(f"no {PDF_NAME} in the build: run `make pdf`")
    from pypdf import PdfReader

    reader = PdfReader(path)
    texts = [page.extract_text() or "" for page in reader.pages]
    return reader, texts


def _words(text: str) -> str:
    """Lowercase text with single spaces and ligatures undone (the PDF sets "ff" as one glyph)."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).strip().lower()


@pytest.mark.book
def test_pdf_holds_every_page_of_the_book(pdf):
    reader, texts = pdf
    assert len(reader.pages) > 100, f"only {len(reader.pages)} pages"
    whole = _words(" ".join(texts))
    missing = []
    for page in PAGES:
        h1 = soup(page).select_one("article h1")
        title = re.sub(r"^[\d.]+\s*", "", h1.get_text(" ", strip=True).rstrip("#")).strip()
        if _words(title) not in whole:
            missing.append(title)
    assert not missing, f"pages missing from the PDF: {missing}"

    def flat(items):
        for item in items:
            yield from flat(item) if isinstance(item, list) else [item.title]

    outline = _words(" | ".join(flat(reader.outline)))
    for module in ("what is calculus", "multivariate calculus", "taylor series", "optimisation", "regression"):
        assert module in outline, f"the PDF's outline (bookmarks) has no {module!r}"


@pytest.mark.book
def test_pdf_math_is_typeset_and_figures_are_there(pdf):
    reader, texts = pdf
    whole = " ".join(texts)
    raw = re.findall(r"\\(?:frac|partial|pd|od|Jac|Hess|begin|mathrm)\b|\$\$", whole)
    assert not raw, f"untypeset LaTeX in the PDF: {raw[:5]}"
    assert "Math input error" not in whole and "Undefined control sequence" not in whole
    # a question prints its first variant: the figures of the others are not in the PDF
    figures = sum(
        len(soup(p).select("article img")) - len(soup(p).select("article .mvq-variant.mvq-hidden img"))
        for p in PAGES
        if p.name not in {"genindex.html"}
    )
    images = sum(len(page.images) for page in reader.pages)
    assert images >= figures * 0.95, f"the PDF holds {images} images, the pages {figures}"
