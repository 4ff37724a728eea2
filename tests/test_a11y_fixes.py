"""Unit tests of tools/a11y_fixes.py, the accessibility corrections to the built pages.

The built book is audited by axe-core in tests/test_accessibility.py; these check the
corrections themselves on small pieces of HTML shaped like the theme's and docutils'.
"""

from __future__ import annotations

from types import SimpleNamespace

from bs4 import BeautifulSoup

import a11y_fixes  # tools/, put on the path by conftest.py
from _book import ROOT

SIDEBAR = """<ul class="nav bd-sidenav">
<li class="toctree-l1 has-children"><a class="reference internal" href="m1/index.html">1. What Is Calculus?</a>
<details><summary><span class="toctree-toggle" role="presentation"><i class="fa-solid fa-chevron-down"></i></span></summary>
<ul><li class="toctree-l2"><a class="reference internal" href="m1/functions.html">1.1. Functions</a></li></ul></details></li>
<li class="toctree-l0 has-children"><details><summary><p class="caption">Back matter</p>
<span class="toctree-toggle" role="presentation"></span></summary><ul></ul></details></li>
</ul>"""


def test_sidebar_toggles_get_the_name_of_their_entry():
    soup = BeautifulSoup(a11y_fixes.label_sidebar_toggles(SIDEBAR), "html.parser")
    first, second = soup.select("summary")
    assert first["aria-label"] == "Show or hide the pages in 1. What Is Calculus?"
    assert "aria-label" not in second.attrs, "a summary with visible text keeps its own name"
    again = a11y_fixes.label_sidebar_toggles(a11y_fixes.label_sidebar_toggles(SIDEBAR))
    assert again.count("aria-label") == 1, "a labelled summary is not labelled twice"


def test_the_written_pages_are_labelled_and_other_builders_are_left_alone(tmp_path):
    page = tmp_path / "book" / "m1" / "index.html"
    page.parent.mkdir(parents=True)
    page.write_text(f"<html><body>{SIDEBAR}</body></html>", encoding="utf8")
    plain = tmp_path / "plain.html"
    plain.write_text("<p>no sidebar</p>", encoding="utf8")
    a11y_fixes._label_built_pages(SimpleNamespace(builder=SimpleNamespace(format="latex"), outdir=tmp_path), None)
    assert "aria-label" not in page.read_text(encoding="utf8")
    a11y_fixes._label_built_pages(SimpleNamespace(builder=SimpleNamespace(format="html"), outdir=tmp_path), None)
    assert 'aria-label="Show or hide the pages in 1. What Is Calculus?"' in page.read_text(encoding="utf8")
    assert plain.read_text(encoding="utf8") == "<p>no sidebar</p>"


def test_bibliography_entries_become_list_items():
    body = (
        '<div role="list" class="citation-list">\n<div class="citation" id="id1" role="doc-biblioentry">'
        '<span class="label">[A]</span><p>A.</p></div>\n</div>'
    )
    context = {"body": body}
    a11y_fixes._fix_bibliography_roles(None, "book/references", "page.html", context, None)
    assert context["body"].count('role="listitem"') == 1 and "doc-biblioentry" not in context["body"]
    untouched = {"body": "<p>no citations</p>"}
    a11y_fixes._fix_bibliography_roles(None, "book/intro", "page.html", untouched, None)
    assert untouched == {"body": "<p>no citations</p>"}


def test_the_style_sheet_is_registered_and_exists():
    config = SimpleNamespace(html_static_path=[])
    app = SimpleNamespace(confdir=str(ROOT))
    a11y_fixes._add_static(app, config)
    a11y_fixes._add_static(app, config)
    assert config.html_static_path == [str(ROOT / "book" / "_static")], "added once"
    assert (ROOT / "book" / "_static" / a11y_fixes.CSS).is_file()
