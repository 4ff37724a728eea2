"""The glossary (book/glossary.md), its links from the chapters, and the general index.

On the sources: every glossary term is linked from a chapter with the ``{term}`` role
where the book defines it; every ``{term}`` role names a glossary term (the message
names the page); the glossary is sorted, has no duplicates, and each entry says where
it was introduced with a reference to a label that exists.

On the built book (marked ``book``): every entry has an anchor and is linked from a
chapter page; its "Introduced in" links reach an existing page and anchor; the general
index lists every term and is linked from the navigation of every page; and in a
browser the index renders cleanly and a term link in a chapter lands on its entry.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import yaml

from _book import HTML, ROOT, html_pages, toc_files

GLOSSARY = ROOT / "book" / "glossary.md"
PAGES = [
    ROOT / (n if n.endswith(".md") else n + ".md") for n in toc_files(yaml.safe_load((ROOT / "_toc.yml").read_text()))
]
CHAPTERS = [p for p in PAGES if p != GLOSSARY]
TERM_ROLE = re.compile(r"\{term\}`([^`]+)`")
REF_ROLE = re.compile(r"\{(?:ref|numref|prf:ref)\}`([^`]+)`")


def _target(content: str) -> str:
    """The term a ``{term}`` role points to: ``text <target>`` or the text itself."""
    explicit = re.fullmatch(r"(.*?)\s*<(.+)>", content, flags=re.S)
    return " ".join((explicit.group(2) if explicit else content).split())


def _key(term: str) -> str:
    """Sphinx's order for a ``:sorted:`` glossary, and its (case-insensitive) term lookup."""
    return unicodedata.normalize("NFD", term.lower())


def glossary_entries(text: str) -> tuple[list[str], list[tuple[list[str], str]]]:
    """The options and the (terms, definition) entries of the ``{glossary}`` block in ``text``."""
    block = re.search(r"^```\{glossary\}[^\n]*\n(.*?)^```$", text, flags=re.S | re.M)
    assert block, "the glossary page has no ```{glossary} block"
    options, entries, last_was_term = [], [], False
    for line in block.group(1).splitlines():
        if line.startswith(":") and not entries:
            options.append(line.strip())
        elif not line.strip():
            last_was_term = False
        elif not line[0].isspace():  # a term; consecutive term lines share one definition
            if last_was_term:
                entries[-1][0].append(line.strip())
            else:
                entries.append(([line.strip()], ""))
            last_was_term = True
        else:
            assert entries, f"definition text before the first term: {line.strip()!r}"
            entries[-1] = (entries[-1][0], (entries[-1][1] + " " + line.strip()).strip())
            last_was_term = False
    return options, entries


@cache
def source_glossary():
    return glossary_entries(GLOSSARY.read_text(encoding="utf8"))


def source_terms() -> list[str]:
    return [term for terms, _ in source_glossary()[1] for term in terms]


def term_roles(page: Path) -> list[str]:
    return [_target(m.group(1)) for m in TERM_ROLE.finditer(page.read_text(encoding="utf8"))]


# ---------------------------------------------------------------- the sources


def test_glossary_parser_reads_terms_and_definitions():
    options, entries = glossary_entries(
        "```{glossary}\n:sorted:\n\nalpha\nbeta\n  First line\n  second line.\n\ngamma\n  Third.\n```\n"
    )
    assert options == [":sorted:"]
    assert entries == [(["alpha", "beta"], "First line second line."), (["gamma"], "Third.")]
    assert _target("partial derivatives <partial derivative>") == "partial derivative"
    assert _target("Newton–Raphson method") == "Newton–Raphson method"


def test_glossary_has_terms_and_is_sorted_without_duplicates():
    options, entries = source_glossary()
    terms = source_terms()
    assert ":sorted:" in options, "the glossary directive should carry :sorted:"
    assert len(terms) >= 40, f"only {len(terms)} glossary terms"
    keys = [_key(t) for t in terms]
    duplicates = sorted({t for t in terms if keys.count(_key(t)) > 1})
    assert not duplicates, f"terms defined twice (Sphinx compares them case-insensitively): {duplicates}"
    assert keys == sorted(keys), "the glossary source is not in alphabetical order: " + ", ".join(
        f"{a!r} before {b!r}" for a, b in zip(terms, terms[1:]) if _key(a) > _key(b)
    )
    empty = [terms for terms, definition in entries if not definition]
    assert not empty, f"terms without a definition: {empty}"


def test_every_entry_says_where_it_was_introduced():
    labels = set()
    for page in PAGES:
        text = page.read_text(encoding="utf8")
        labels |= set(re.findall(r"^\(([\w-]+)\)=$", text, flags=re.M))
        labels |= set(re.findall(r"^:label: ([\w-]+)$", text, flags=re.M))
        labels |= set(re.findall(r"^\s*name: ([\w-]+)$", text, flags=re.M))
    for terms, definition in source_glossary()[1]:
        where = definition.partition("Introduced in")[2]
        refs = [_target(r) for r in REF_ROLE.findall(where)]
        assert refs, f"{terms[0]!r}: the definition should end 'Introduced in {{ref}}`label`', got {definition!r}"
        unknown = [r for r in refs if r not in labels]
        assert not unknown, f"{terms[0]!r}: references to labels that no page defines: {unknown}"


def test_every_glossary_term_is_linked_from_a_chapter():
    linked = {_key(t) for page in CHAPTERS for t in term_roles(page)}
    missing = [t for t in source_terms() if _key(t) not in linked]
    assert not missing, f"glossary terms that no chapter links with {{term}}: {missing}"


@pytest.mark.parametrize("page", PAGES, ids=[str(p.relative_to(ROOT)) for p in PAGES])
def test_term_roles_name_glossary_terms(page):
    known = {_key(t) for t in source_terms()}
    unknown = [t for t in term_roles(page) if _key(t) not in known]
    assert not unknown, f"{page.relative_to(ROOT)}: {{term}} roles for terms not in book/glossary.md: {unknown}"


# ---------------------------------------------------------------- the built book


def _soup(path: Path):
    from bs4 import BeautifulSoup

    if not path.is_file():
        pytest.fail(f"{path} is not built: run `make book` first")
    return BeautifulSoup(path.read_text(encoding="utf8"), "html.parser")


@cache
def _ids(path: Path) -> frozenset[str]:
    return frozenset(el["id"] for el in _soup(path).find_all(id=True))


def _resolve(page: Path, href: str) -> tuple[Path, str]:
    """The file and the anchor a relative link on ``page`` points to."""
    parts = urlsplit(href)
    target = (page.parent / unquote(parts.path)).resolve() if parts.path else page.resolve()
    return target, unquote(parts.fragment)


@cache
def html_glossary() -> dict[str, str]:
    """Each glossary term of the built page, with the id of its anchor."""
    page = HTML / "book" / "glossary.html"
    found = {}
    for dt in _soup(page).select("dl.glossary dt"):
        for link in dt.select("a.headerlink"):
            link.decompose()
        found[dt.get_text(" ", strip=True)] = dt.get("id", "")
    return found


@pytest.mark.book
def test_every_glossary_entry_has_an_anchor():
    built = html_glossary()
    assert sorted(built, key=_key) == sorted(source_terms(), key=_key), (
        "the built glossary has other terms than the source"
    )
    no_anchor = [t for t, anchor in built.items() if not anchor.startswith("term-")]
    assert not no_anchor, f"glossary terms without an anchor: {no_anchor}"


@pytest.mark.book
def test_every_glossary_entry_is_linked_from_a_chapter_page():
    glossary = (HTML / "book" / "glossary.html").resolve()
    linked = set()
    for page in html_pages():
        if page.resolve() == glossary:
            continue
        for a in _soup(page).select("article a[href]"):
            target, anchor = _resolve(page, a["href"])
            if target == glossary and anchor:
                assert anchor in _ids(glossary), f"{page.relative_to(HTML)} links to a missing term: #{anchor}"
                linked.add(anchor)
    missing = [t for t, anchor in html_glossary().items() if anchor not in linked]
    assert not missing, f"glossary entries that no chapter page links to: {missing}"


@pytest.mark.book
def test_introduced_in_links_reach_a_page_and_an_anchor():
    page = HTML / "book" / "glossary.html"
    entries = _soup(page).select("dl.glossary > dd")
    assert len(entries) == len(source_glossary()[1])
    for dd in entries:
        term = dd.find_previous_sibling("dt").get_text(" ", strip=True)
        links = [_resolve(page, a["href"]) for a in dd.select("a.reference.internal[href]")]
        assert links, f"{term!r}: no 'Introduced in' link"
        for target, anchor in links:
            assert target.is_file(), f"{term!r}: links to a page that does not exist: {target}"
            assert target != page.resolve(), f"{term!r}: 'Introduced in' should point to a chapter, not the glossary"
            assert not anchor or anchor in _ids(target), f"{term!r}: no anchor #{anchor} in {target.relative_to(HTML)}"


@pytest.mark.book
def test_the_general_index_lists_every_glossary_term():
    index = HTML / "genindex.html"
    glossary = (HTML / "book" / "glossary.html").resolve()
    listed = {
        anchor
        for a in _soup(index).select("article a[href]")
        for target, anchor in [_resolve(index, a["href"])]
        if target == glossary
    }
    missing = [t for t, anchor in html_glossary().items() if anchor not in listed]
    assert not missing, f"glossary terms missing from genindex.html: {missing}"
    # and the entries the chapters add with {index}, beyond the glossary
    assert len(_soup(index).select("table.indextable a[href]")) > len(html_glossary())


@pytest.mark.book
@pytest.mark.parametrize(
    "page",
    [*html_pages(), HTML / "genindex.html"],
    ids=[*(str(p.relative_to(HTML)) for p in html_pages()), "genindex.html"],
)
def test_the_navigation_links_the_general_index(page):
    index = (HTML / "genindex.html").resolve()
    nav = _soup(page).select("nav.bd-docs-nav a[href]")
    assert nav, f"{page.relative_to(HTML)} has no sidebar navigation"
    links = [a for a in nav if _resolve(page, a["href"])[0] == index]
    assert len(links) == 1, (
        f"the sidebar of {page.relative_to(HTML)} should link genindex.html once, found {len(links)}"
    )
    assert links[0].get_text(strip=True) == "Index"


@pytest.mark.book
def test_the_index_renders_in_a_browser(browser, site):
    context = browser.new_context()
    tab = context.new_page()
    errors, outside = [], []
    tab.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    tab.on("pageerror", lambda e: errors.append(str(e)))
    tab.route(
        "**/*",
        lambda r: (
            r.continue_()
            if urlsplit(r.request.url).hostname == "127.0.0.1"
            else (outside.append(r.request.url), r.abort())
        ),
    )
    tab.goto(f"{site}/genindex.html", wait_until="load")
    heading = tab.locator("article h1").inner_text().strip()
    letters = tab.locator("article .genindex-jumpbox a").all_inner_texts()
    derivative = tab.locator("article table.indextable a", has_text=re.compile(r"^derivative$"))
    active = tab.locator("nav.bd-docs-nav li.current a").all_inner_texts()
    derivative.first.click()
    tab.wait_for_url(re.compile(r"glossary\.html#term-derivative$"))
    context.close()
    assert not errors, f"console errors on genindex.html: {errors}"
    assert not outside, f"genindex.html fetched from outside the site: {outside}"
    assert heading.rstrip("#¶ ") == "Index"
    assert len(letters) >= 15 and "D" in letters, f"the letter bar of the index: {letters}"
    assert [a.strip() for a in active] == ["Index"], f"the sidebar should mark 'Index' as the current page: {active}"


@pytest.mark.book
def test_a_term_link_lands_on_its_entry(browser, site):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    tab = context.new_page()
    tab.goto(f"{site}/book/m1/derivative.html", wait_until="load")
    link = tab.locator("article strong a[href$='glossary.html#term-derivative']")
    assert link.count() == 1, "the defining occurrence of 'derivative' should be one bold glossary link"
    link.click()
    tab.wait_for_url(re.compile(r"glossary\.html#term-derivative$"))
    entry = tab.locator("dt#term-derivative")
    visible = entry.is_visible()
    top = entry.evaluate("e => e.getBoundingClientRect().top")
    text = entry.inner_text()
    context.close()
    assert visible and 0 <= top < 400, f"the entry is not scrolled into view (top at {top}px)"
    assert text.strip().startswith("derivative")


# --- the mathematical claims of the glossary's entries ---------------------------------------------


def test_an_inflection_point_can_be_where_the_curve_is_least_steep():
    import sympy as sp

    x = sp.Symbol("x", real=True)
    f = x**3
    f2 = sp.diff(f, x, 2)
    assert f2.subs(x, -sp.Rational(1, 10)) < 0 < f2.subs(x, sp.Rational(1, 10))  # f'' changes sign at 0
    slope = sp.diff(f, x)
    assert slope.subs(x, 0) == 0 and sp.minimum(slope, x) == 0  # the slope is smallest there: flat


def test_a_saddle_can_have_a_zero_hessian_eigenvalue():
    import sympy as sp

    x, y = sp.symbols("x y", real=True)
    f = x**3 + y**2
    assert [sp.diff(f, v).subs({x: 0, y: 0}) for v in (x, y)] == [0, 0]  # stationary
    H = sp.hessian(f, (x, y)).subs({x: 0, y: 0})
    assert sorted(H.eigenvals()) == [0, 2]
    t = sp.Rational(1, 100)
    assert f.subs({x: -t, y: 0}) < 0 < f.subs({x: t, y: 0})  # neither a minimum nor a maximum


def test_an_error_that_is_o_h2_need_not_quarter_when_h_halves():
    import numpy as np

    # the central difference of sin at 0: f'''(0) = -1 is not zero, and the error falls like h^2 (ratio 4);
    # of sin at pi/2 the true derivative is 0 and the difference is exactly 0 at every h: E = 0 = O(h^2),
    # and no ratio of about 4 exists. The bound says "at most C h^2", not "about C h^2".
    central = lambda f, x, h: (f(x + h) - f(x - h)) / (2 * h)
    err = lambda h: abs(central(np.sin, 0.0, h) - 1.0)
    assert 3.9 < err(1e-2) / err(5e-3) < 4.1
    e = [abs(central(np.sin, np.pi / 2, h) - 0.0) for h in (1e-2, 5e-3)]
    assert max(e) < 1e-15
