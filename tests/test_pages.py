"""Every built page, opened in a real browser (headless Chromium driven by Playwright).

For each page of the table of contents this checks what a reader would notice:
the math is typeset (no raw LaTeX and no MathJax error left), the console has no
error, nothing is fetched from outside the site (MathJax is served by the book
itself, so the math renders with no network), and every image has alt text and
actually loaded.
"""

from __future__ import annotations

import re
from urllib.parse import urlparse

import pytest

from _book import HTML, html_pages

pytestmark = pytest.mark.book

PAGES = html_pages()
RAW_LATEX = re.compile(r"\\(frac|partial|begin|end|mathrm|nabla|sum|int|sqrt|left|right|od|pd|Jac|Hess)\b|\$\$|\\\(|\\\[")

# The text a reader sees in the article, without code, outputs and typeset math.
VISIBLE_TEXT = """() => {
  const article = document.querySelector('article') || document.body;
  const clone = article.cloneNode(true);
  clone.querySelectorAll('pre, code, script, style, mjx-container, .cell_output, .highlight').forEach(e => e.remove());
  return clone.innerText;
}"""


def test_every_toc_page_was_built():
    missing = [str(p.relative_to(HTML)) for p in PAGES if not p.is_file()]
    assert not missing, f"pages in _toc.yml missing from the build: {missing}"


@pytest.mark.parametrize("page", PAGES, ids=[str(p.relative_to(HTML)) for p in PAGES])
def test_page_in_browser(browser, site, page):
    context = browser.new_context()
    tab = context.new_page()
    errors, outside = [], []
    tab.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    tab.on("pageerror", lambda e: errors.append(str(e)))

    def route(r):
        host = urlparse(r.request.url).hostname
        if r.request.url.startswith(("data:", "blob:")) or host == "127.0.0.1":
            r.continue_()
        else:
            outside.append(r.request.url)
            r.abort()

    tab.route("**/*", route)
    tab.goto(f"{site}/{page.relative_to(HTML).as_posix()}", wait_until="load")
    has_math = tab.evaluate("() => !!(window.MathJax && window.MathJax.startup)")
    if has_math:
        tab.wait_for_function("() => window.MathJax.startup.promise !== undefined")
        tab.evaluate("() => window.MathJax.startup.promise")

    text = tab.evaluate(VISIBLE_TEXT)
    raw = sorted(set(m.group(0) for m in RAW_LATEX.finditer(text)))
    merrors = tab.locator("mjx-merror").all_inner_texts()
    images = tab.evaluate(
        "() => Array.from(document.images).map(i => ({src: i.getAttribute('src'), alt: i.getAttribute('alt'),"
        " loaded: i.complete && i.naturalWidth > 0}))"
    )
    context.close()

    assert not outside, f"the page fetched from outside the site: {outside}"
    assert not errors, f"console errors: {errors}"
    assert not raw, f"raw LaTeX left on the page: {raw}"
    assert not merrors, f"MathJax errors: {merrors}"
    no_alt = [i["src"] for i in images if not (i["alt"] or "").strip()]
    assert not no_alt, f"images without alt text: {no_alt}"
    broken = [i["src"] for i in images if not i["loaded"]]
    assert not broken, f"images that did not load: {broken}"


def test_math_is_typeset_offline(browser, site):
    """A page with math really gets typeset by the book's own MathJax, with no network."""
    page = next((p for p in PAGES if 'class="math' in p.read_text(encoding="utf8")), None)
    assert page is not None, "no page of the book has any math"
    context = browser.new_context(offline=False)
    tab = context.new_page()
    tab.route("**/*", lambda r: r.continue_() if "127.0.0.1" in r.request.url else r.abort())
    tab.goto(f"{site}/{page.relative_to(HTML).as_posix()}", wait_until="load")
    tab.wait_for_function("() => window.MathJax && window.MathJax.startup && window.MathJax.startup.promise")
    tab.evaluate("() => window.MathJax.startup.promise")
    typeset = tab.locator("mjx-container").count()
    src = tab.evaluate("() => Array.from(document.scripts).map(s => s.src).filter(s => s.includes('mathjax'))")
    context.close()
    assert typeset > 0, "no typeset math on a page that has math"
    assert src and all(s.startswith("http://127.0.0.1") for s in src), f"MathJax not served by the site: {src}"
