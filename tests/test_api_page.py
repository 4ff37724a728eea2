"""The library reference page (book/api.md) and its links back into the book.

Two kinds of checks:

* unit checks of ``tools/api_links.py`` on the sources: every public function
  and class of ``mvcalc`` names, in its "Introduced in" line, exactly one page
  of ``_toc.yml``, and a line that names no page, or two, is refused;
* checks of the built page (marked ``book``): every public name has its entry
  and anchor, the entries are exactly the public objects, and every entry's
  back-link leads to an anchor that exists on the page its docstring names.
"""

from __future__ import annotations

import importlib
import inspect
import logging
import pkgutil
import types
from functools import cache
from pathlib import PurePosixPath
from urllib.parse import urlsplit

import pytest

import api_links  # tools/, put on the path by conftest.py
import mvcalc
from _book import HTML, ROOT

# The modules the API page documents, in the page's order.
MODULES = [
    "mvcalc.derivatives",
    "mvcalc.multivariate",
    "mvcalc.sandpit",
    "mvcalc.nn",
    "mvcalc.autodiff",
    "mvcalc.checks",
    "mvcalc.datasets",
    "mvcalc.taylor",
    "mvcalc.optimise",
    "mvcalc.optimisers",
    "mvcalc.fitting",
    "mvcalc.fitcheck",
    "mvcalc.quiz",
    "mvcalc.plotting",
    "mvcalc.display",
    "mvcalc.widgets",
    "mvcalc.widgets.sandpit",
    "mvcalc.widgets.taylor",
]
API = HTML / "book" / "api.html"
PAGES = api_links.book_pages(ROOT)


def public_objects() -> list[tuple[str, object]]:
    """(full name, object) of each public function, class and constant, under the module that defines it."""
    found = []
    for modname in MODULES:
        module = importlib.import_module(modname)
        for name in module.__all__:
            obj = getattr(module, name)
            if (inspect.isclass(obj) or inspect.isfunction(obj)) and obj.__module__ != modname:
                continue  # imported from another module (fitcheck's CheckResult): documented there
            found.append((f"{modname}.{name}", obj))
    return found


PUBLIC = public_objects()
LINKED = [(name, obj) for name, obj in PUBLIC if inspect.isclass(obj) or inspect.isfunction(obj)]


# --------------------------------------------------------------------------- sources


def test_every_public_module_is_documented():
    public = {
        info.name
        for info in pkgutil.walk_packages(mvcalc.__path__, "mvcalc.")
        if not any(part.startswith("_") for part in info.name.split("."))
    }
    assert public == set(MODULES), f"add to the API page (and to MODULES): {sorted(public - set(MODULES))}"


def test_every_module_declares_its_public_names():
    for modname in MODULES:
        module = importlib.import_module(modname)
        assert hasattr(module, "__all__"), f"{modname} has no __all__"
        missing = [n for n in module.__all__ if not hasattr(module, n)]
        assert not missing, f"{modname}.__all__ names what it does not define: {missing}"


@pytest.mark.parametrize("name, obj", LINKED, ids=[name for name, _ in LINKED])
def test_introduced_in_names_exactly_one_page(name, obj):
    lines = api_links.introduced_lines(inspect.getdoc(obj))
    assert len(lines) == 1, f"{name}: expected one 'Introduced in' line, found {lines}"
    page = api_links.resolve(lines[0], PAGES)
    assert page in PAGES
    assert (ROOT / (page.docname + ".md")).is_file()


@pytest.mark.parametrize(
    "line, docname",
    [
        ("Introduced in: Module 1, *The Derivative*.", "book/m1/derivative"),
        ("Introduced in: *The Derivative* (``book/m1/derivative.md``).", "book/m1/derivative"),
        ("    Introduced in: Module 5, *Newton–Raphson*.", "book/m5/newton-raphson"),
        ("Introduced in: Module 2, *Summary*.", "book/m2/summary"),  # a title several modules share
        ("Introduced in: Module 2, *The Sandpit*, the first interactive figure.", "book/m2/sandpit"),
        ("Introduced in: ``book/notation.md``.", "book/notation"),
    ],
)
def test_resolve_finds_the_page(line, docname):
    assert api_links.resolve(line, PAGES).docname == docname


@pytest.mark.parametrize(
    "line, message",
    [
        ("Introduced in: Module 1, *The Derivatives*.", "no page of the book is titled 'The Derivatives'"),
        ("Introduced in: Module 1, *The derivative*.", "no page of the book is titled"),
        ("Introduced in: Module 1, *The Derivative* (``book/m1/derivatives.md``).", "no page of the book is"),
        ("Introduced in: Module 2, *The Derivative*.", "is in Module 1, not Module 2"),
        ("Introduced in: Module 4, *Linearisation* and *Multivariate Taylor Series*.", "names 2 pages"),
        ("Introduced in: *The Derivative* (``book/m1/rules.md``).", "names 2 pages"),
        ("Introduced in: *Summary*.", "several pages are titled 'Summary'"),
        ("Introduced in: Module 3, the assignment.", "names no page"),
        ("Introduced by: Module 1, *The Derivative*.", "not an 'Introduced in:' line"),
    ],
)
def test_resolve_refuses_a_line_that_names_no_single_page(line, message):
    with pytest.raises(api_links.IntroducedInError, match=message):
        api_links.resolve(line, PAGES)


def test_the_link_goes_to_the_page_label():
    page = api_links.resolve("Introduced in: Module 1, *The Derivative*.", PAGES)
    assert (page.label, page.title, page.module) == ("m1-derivative", "The Derivative", 1)
    assert page.reference() == ":ref:`Module 1, The Derivative <m1-derivative>`"
    unlabelled = api_links.Page("book/references", None, "References", None)
    assert unlabelled.reference() == ":doc:`References </book/references>`"


class _App:
    """The little of a Sphinx application that the docstring hook reads."""

    srcdir = ROOT
    config = types.SimpleNamespace(api_links_package="mvcalc")

    def __init__(self):
        self.env = types.SimpleNamespace(docname="book/api")


def test_the_hook_puts_the_link_under_the_summary():
    lines = ["Summary line.", "", "More.", "", "Introduced in: Module 1, *The Derivative*.", ""]
    api_links._process_docstring(_App(), "function", "mvcalc.thing", None, {}, lines)
    assert lines == ["Summary line.", "", "Introduced in :ref:`Module 1, The Derivative <m1-derivative>`.", "", "More."]


@pytest.mark.parametrize(
    "what, lines, message",
    [
        ("function", ["Summary.", "", "Introduced in: Module 1, *The Derivatives*."], "no page of the book is titled"),
        ("class", ["Summary.", "", "Introduced in: Module 9, *The Derivative*."], "not Module 9"),
        ("function", ["Summary, and no line that says where."], "has no 'Introduced in"),
    ],
)
def test_the_hook_warns_so_that_the_build_fails(caplog, what, lines, message):
    before = list(lines)
    with caplog.at_level(logging.WARNING):
        api_links._process_docstring(_App(), what, "mvcalc.thing", None, {}, lines)
    assert message in caplog.text and "mvcalc.thing" in caplog.text
    assert lines == before


def test_the_hook_leaves_other_packages_and_undocumented_methods_alone(caplog):
    with caplog.at_level(logging.WARNING):
        api_links._process_docstring(_App(), "function", "numpy.thing", None, {}, ["Summary."])
        api_links._process_docstring(_App(), "method", "mvcalc.Thing.method", None, {}, ["Summary."])
    assert not caplog.records


# --------------------------------------------------------------------------- the built page


@cache
def soup(path):
    from bs4 import BeautifulSoup

    if not path.is_file():
        pytest.fail(f"{path} is not built: run `make book` first")
    return BeautifulSoup(path.read_text(encoding="utf8"), "html.parser")


def entries():
    """The page's top-level entries (not methods or attributes): {entry's names: its <dl>}."""
    article = soup(API).find("article")
    found = {}
    for dl in article.select("dl.py"):
        if not ({"function", "class", "exception", "data"} & set(dl.get("class", []))):
            continue
        if dl.find_parent("dl", class_="py"):
            continue  # a method of a class
        dt = dl.find("dt")
        names = [dt["id"]] + [span["id"] for span in dt.find_all("span", id=True)]
        found[tuple(names)] = dl
    return found


@pytest.mark.book
def test_every_public_name_has_an_anchor():
    page = soup(API)
    missing = [name for name, _ in PUBLIC if page.find(id=name) is None]
    for name in mvcalc.__all__:
        obj = getattr(mvcalc, name)
        anchor = f"module-mvcalc.{name}" if inspect.ismodule(obj) else f"mvcalc.{name}"
        if page.find(id=anchor) is None:
            missing.append(anchor)
    assert not missing, f"no entry on the API page for {missing}"


@pytest.mark.book
def test_the_entries_are_exactly_the_public_objects():
    documented = entries()
    names = {name for names in documented for name in names}
    public = {name for name, _ in PUBLIC}
    assert len(documented) == len(PUBLIC), (
        f"{len(documented)} entries for {len(PUBLIC)} public objects; undocumented: {sorted(public - names)}, "
        f"documented but not public: {sorted(n for ns in documented for n in ns[:1] if not set(ns) & public)}"
    )
    assert public <= names


@pytest.mark.book
@pytest.mark.parametrize("name, obj", LINKED, ids=[name for name, _ in LINKED])
def test_every_entry_links_back_to_the_page_that_introduces_it(name, obj):
    dl = next(dl for names, dl in entries().items() if name in names)
    intro = [p for p in dl.find("dd").find_all("p", recursive=False) if p.get_text().startswith("Introduced in")]
    assert len(intro) == 1, f"{name}: expected one 'Introduced in' paragraph, found {len(intro)}"
    link = intro[0].find("a", class_="internal")
    assert link is not None, f"{name}: the 'Introduced in' line is not a link"
    url = urlsplit(link["href"])
    target = HTML / PurePosixPath("book", url.path)
    expected = api_links.resolve(api_links.introduced_lines(inspect.getdoc(obj))[0], PAGES)
    assert target.resolve() == (HTML / (expected.docname + ".html")).resolve(), f"{name} links to {link['href']}"
    assert target.is_file(), f"{name} links to a page that was not built: {link['href']}"
    assert url.fragment, f"{name}: the link has no anchor: {link['href']}"
    assert soup(target).find(id=url.fragment) is not None, f"{name}: no #{url.fragment} on {target.name}"
    assert expected.title in link.get_text()


@pytest.mark.book
def test_the_page_says_its_examples_are_tests():
    text = " ".join(soup(API).find("article").get_text(" ").split())
    assert "pytest --doctest-modules lib/mvcalc" in text
