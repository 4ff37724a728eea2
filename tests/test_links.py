"""No broken internal link or anchor anywhere in the built site.

Every ``href`` and ``src`` of every HTML file of the build that stays on the site
must name a file that exists, and a ``#fragment`` into an HTML page must name an
element ``id`` (or an ``<a name>``) of that page. External links are checked by the
weekly workflow (Sphinx's linkcheck), which needs the network.
"""

from __future__ import annotations

import functools
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from bs4 import BeautifulSoup

from _book import HTML

pytestmark = pytest.mark.book

ATTRIBUTES = {"a": "href", "link": "href", "img": "src", "script": "src", "source": "src", "iframe": "src"}


def site_pages() -> list[Path]:
    return sorted(p for p in HTML.rglob("*.html") if "_static" not in p.relative_to(HTML).parts)


@functools.cache
def parsed(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


@functools.cache
def anchors(path: Path) -> frozenset[str]:
    html = parsed(path)
    return frozenset(
        [e["id"] for e in html.find_all(id=True)] + [a["name"] for a in html.find_all("a", attrs={"name": True})]
    )


def internal_links(page: Path):
    """(tag, raw link, target file, fragment) of every link that stays on the site."""
    for tag, attribute in ATTRIBUTES.items():
        for element in parsed(page).find_all(tag, attrs={attribute: True}):
            raw = element[attribute].strip()
            parts = urlsplit(raw)
            if parts.scheme or parts.netloc or raw.startswith(("javascript:", "mailto:", "data:")) or not raw:
                continue
            target = page if not parts.path else (page.parent / unquote(parts.path)).resolve()
            if target.is_dir():
                target = target / "index.html"
            yield tag, raw, target, unquote(parts.fragment)


def test_the_site_has_pages():
    assert len(site_pages()) >= 30, f"only {len(site_pages())} HTML pages under {HTML}"


@pytest.mark.parametrize("page", site_pages(), ids=lambda p: str(p.relative_to(HTML)))
def test_internal_links_and_anchors_resolve(page):
    broken = []
    for tag, raw, target, fragment in internal_links(page):
        if not target.is_file():
            broken.append(
                f"<{tag}> {raw}: no file {target.relative_to(HTML.resolve()) if target.is_relative_to(HTML.resolve()) else target}"
            )
        elif fragment and target.suffix == ".html" and fragment not in anchors(target):
            broken.append(f"<{tag}> {raw}: no id {fragment!r} in {target.name}")
    assert not broken, "broken internal links:\n" + "\n".join(broken)


def test_the_link_checker_sees_a_broken_link(tmp_path, monkeypatch):
    """The check itself can fail: a page with a missing file and a missing anchor."""
    (tmp_path / "a.html").write_text(
        '<p id="here"><a href="b.html#nowhere">x</a><a href="#here">y</a>'
        '<img src="missing.png" alt="m"><a href="https://example.org/">z</a></p>'
    )
    (tmp_path / "b.html").write_text('<p id="somewhere"></p>')
    found = [
        (raw, target.is_file(), frag in anchors(target) if target.is_file() else None)
        for _, raw, target, frag in internal_links(tmp_path / "a.html")
    ]
    assert ("b.html#nowhere", True, False) in found
    assert ("#here", True, True) in found
    assert ("missing.png", False, None) in found
    assert all(raw != "https://example.org/" for raw, *_ in found)
