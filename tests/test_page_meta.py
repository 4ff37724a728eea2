"""What search engines and browsers read from each page's <head>.

Every page of the built book has a title, ``<html lang="en">``, a favicon that exists,
and a description (tools/page_meta.py) that is not empty, fits the 160 characters a
search result shows, and is not shared with another page. The helpers of
tools/page_meta.py that write the descriptions are checked on their own too.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from bs4 import BeautifulSoup

from _book import HTML, ROOT, html_pages

sys.path.insert(0, str(ROOT / "tools"))
import page_meta  # noqa: E402

PAGES = html_pages()
IDS = [str(p.relative_to(HTML)) for p in PAGES]


def head(page: Path) -> BeautifulSoup:
    if not page.is_file():
        pytest.fail(f"{page} is not built: run `make book` first")
    return BeautifulSoup(page.read_text(encoding="utf8"), "html.parser")


def descriptions(soup: BeautifulSoup) -> list[str]:
    return [m.get("content", "") for m in soup.find_all("meta", attrs={"name": "description"})]


@pytest.mark.book
@pytest.mark.parametrize("page", PAGES, ids=IDS)
def test_page_head(page):
    soup = head(page)
    assert soup.html.get("lang") == "en", '<html> needs lang="en"'
    assert soup.title and soup.title.get_text(strip=True), "the page has no <title>"
    found = descriptions(soup)
    assert len(found) == 1, f"expected one meta description, found {len(found)}"
    text = found[0].strip()
    assert text, "the meta description is empty"
    assert len(text) <= page_meta.MAX_LENGTH, f"the description is {len(text)} characters: {text!r}"
    assert "\\" not in text and "$" not in text, f"raw LaTeX in the description: {text!r}"
    icons = [link for link in soup.find_all("link", href=True) if "icon" in link.get("rel", [])]
    assert icons, "no favicon link"
    for link in icons:
        href = urlsplit(link["href"])
        assert not href.scheme and not href.netloc, f"the favicon is not served by the site: {link['href']}"
        target = (page.parent / unquote(href.path)).resolve()
        assert target.is_file(), f"the favicon {link['href']} does not exist ({target})"


@pytest.mark.book
def test_descriptions_are_unique():
    pages_by_text = defaultdict(list)
    for page in PAGES:
        for text in descriptions(head(page)):
            pages_by_text[text.strip()].append(str(page.relative_to(HTML)))
    shared = {text: pages for text, pages in pages_by_text.items() if len(pages) > 1}
    assert not shared, f"pages that share a description: {shared}"


@pytest.mark.parametrize(
    "tex, plain",
    [
        (r"e^x", "eˣ"),
        (r"\chi^2", "χ²"),
        (r"\cos x", "cos x"),
        (r"\sin(x)", "sin(x)"),
        (r"\Delta x", "Δx"),
        (r"x \in \R^n", "x ∈ ℝⁿ"),
        (r"x_{1} \le x_2", "x₁ ≤ x₂"),
        (r"\mathbb{R}^{2}", "ℝ²"),
        (r"\nabla f", "∇f"),
        (r"f(x) = 0", "f(x) = 0"),
        (r"\frac{a}{b}", None),
        (r"\pd{f}{x}", None),
    ],
)
def test_plain_math(tex, plain):
    assert page_meta.plain_math(tex) == plain


def test_first_sentences_fit_and_fill():
    short = "One short sentence. Another."
    assert page_meta.first_sentences(short) == short
    text = (
        "Most quantities depend on more than one thing. The mass of a can depends on its radius, its "
        "height, the thickness of its wall and the density of its metal, and the loss of a model on "
        "all its weights."
    )
    got = page_meta.first_sentences(text)
    assert len(got) <= 160 and got.endswith("…") and got.startswith("Most quantities depend")
    assert text.startswith(got[:-1]) and text[len(got) - 1] in " ,;:", "cut at a word, without its comma"
    whole = "A first sentence of a fair length, about one line of a page or so in all. " * 3
    assert page_meta.first_sentences(whole) == " ".join(
        ["A first sentence of a fair length, about one line of a page or so in all."] * 2
    )
    long = "word " * 100
    got = page_meta.first_sentences(long)
    assert len(got) <= 160 and got.endswith("word…")


def test_parenthesised_references_are_dropped():
    marked = f"Newton–Raphson ({page_meta.REF_START}Newton–Raphson{page_meta.REF_END}) finds zeros."
    assert page_meta.clean(marked) == "Newton–Raphson finds zeros."
    inline = f"On {page_meta.REF_START}Functions{page_meta.REF_END} we measured."
    assert page_meta.clean(inline) == "On Functions we measured."
