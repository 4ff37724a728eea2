"""The corrections tools/page_fixes.py makes to every built page's HTML.

A page's ``<head>`` repeats no inline script, blocks on no external script but Sphinx's
``documentation_options.js`` (each is deferred or async), and loads no Font Awesome script;
every Font Awesome icon is hidden from screen readers. The same corrections are checked on a
head written like the theme's.
"""

from __future__ import annotations

import re
import sys

import pytest

from _book import HTML, ROOT, html_pages

sys.path.insert(0, str(ROOT / "tools"))
import page_fixes  # noqa: E402

PAGES = html_pages() + [HTML / "search.html", HTML / "genindex.html"]
SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script>", re.DOTALL)

THEME_HEAD = """<head>
  <script data-cfasync="false">document.documentElement.dataset.mode = "auto";</script>
  <!-- So that users can add custom icons -->
  <script defer src="../_static/scripts/fontawesome.js?digest=55c2"></script>
  <script src="../_static/documentation_options.js?v=9eb3"></script>
  <script src="../_static/doctools.js?v=9a2d"></script>
  <script>DOCUMENTATION_OPTIONS.pagename = 'book/m1/derivative';</script>
  <script>const THEBE_JS_URL = "https://unpkg.com/thebe@0.8.2/lib/index.js"</script>
  <script>const THEBE_JS_URL = "https://unpkg.com/thebe@0.8.2/lib/index.js"</script>
  <script async="async" src="../_static/sphinx-thebe.js?v=c100"></script>
  <script src="../searchindex.js"></script>
</head>"""
THEME_BODY = '<body><i class="fa-solid fa-arrow-up"></i><img src="a.png" alt="a"></body>'


def problems(text: str) -> list[str]:
    """What page_fixes should have corrected in a page, in words."""
    head = text.partition("</head>")[0]
    found, inline = [], []
    for attributes, body in SCRIPT.findall(head):
        if "src=" not in attributes:
            if (attributes, body) in inline:
                found.append(f"repeated inline script {body[:40]!r}")
            inline.append((attributes, body))
        elif "fontawesome" in attributes:
            found.append("the Font Awesome script")
        elif "documentation_options.js" in attributes:
            continue  # it defines DOCUMENTATION_OPTIONS, which the inline scripts after it use
        elif not re.search(r"(?:^|\s)(?:async|defer)\b", attributes):
            found.append(f"blocking script {attributes.strip()}")
    found += [
        f"icon without aria-hidden: {tag}"
        for tag in re.findall(r"<i class=\"[^\"]*\bfa[\w-]*[^>]*>", text)
        if "aria-hidden" not in tag
    ]
    return found


def test_theme_head_is_corrected():
    page = THEME_HEAD + THEME_BODY
    assert len(problems(page)) == 5, problems(page)  # the check sees what is wrong before
    fixed = page_fixes.fix_page(page, lazy=True)
    assert problems(fixed) == []
    assert fixed.count("THEBE_JS_URL") == 1
    assert '<script defer src="../searchindex.js"></script>' in fixed
    assert '<script src="../_static/documentation_options.js?v=9eb3"></script>' in fixed, (
        "DOCUMENTATION_OPTIONS is defined before the inline scripts that use it"
    )
    assert '<script async="async" src="../_static/sphinx-thebe.js?v=c100"></script>' in fixed
    assert 'data-cfasync="false">document' in fixed, "an inline script stays as it was"
    assert '<img loading="lazy" decoding="async" src="a.png"' in fixed
    assert '<img src="a.png"' in page_fixes.fix_page(page, lazy=False), "no lazy images for the PDF"
    assert page_fixes.fix_page(fixed, lazy=True) == fixed, "correcting twice changes nothing"


@pytest.mark.book
@pytest.mark.parametrize("page", PAGES, ids=[str(p.relative_to(HTML)) for p in PAGES])
def test_built_page_is_corrected(page):
    if not page.is_file():
        pytest.fail(f"{page} is not built: run `make book` first")
    text = page.read_text(encoding="utf8")
    assert problems(text) == []
    assert SCRIPT.search(text.partition("</head>")[0]), "the head has no scripts at all"
