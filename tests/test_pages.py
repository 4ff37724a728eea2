"""Every built page, opened in a real browser (headless Chromium driven by Playwright).

For each page of the table of contents this checks what a reader would notice:
the math is typeset (no raw LaTeX and no MathJax error left), the console has no
error, nothing is fetched from outside the site (the formulas are typeset when the
book is built, and their fonts are served by the book itself, so the math renders
with no network), and every image has alt text and actually loaded.
"""

from __future__ import annotations

import re
from urllib.parse import urlparse

import pytest

from _a11y import LOAD_EVERYTHING
from _book import HTML, html_pages

pytestmark = pytest.mark.book

PAGES = html_pages()
RAW_LATEX = re.compile(
    r"\\(frac|partial|begin|end|mathrm|nabla|sum|int|sqrt|left|right|od|pd|Jac|Hess)\b|\$\$|\\\(|\\\["
)

# The text a reader sees in the article, without code, outputs and typeset math.
VISIBLE_TEXT = """() => {
  const article = document.querySelector('article') || document.body;
  const clone = article.cloneNode(true);
  clone.querySelectorAll('pre, code, script, style, mjx-container, .cell_output, .highlight').forEach(e => e.remove());
  return clone.innerText;
}"""


# Every formula of a page: how many there are, how many are typeset, and the state of
# the MathJax fonts the page declares (a font is only fetched once something uses it).
MATH_STATE = """() => {
  const formulas = Array.from(document.querySelectorAll('.math'));
  const fonts = Array.from(document.fonts).filter(f => f.family.startsWith('MJX'));
  return {
    formulas: formulas.length,
    typeset: formulas.filter(e => e.querySelectorAll(':scope > mjx-container').length === 1).length,
    empty: formulas.filter(e => { const r = e.getBoundingClientRect(); return r.width === 0 && e.offsetParent; }).length,
    mathjax: !!window.MathJax || Array.from(document.scripts).some(s => /mathjax/i.test(s.src)),
    failed: fonts.filter(f => f.status === 'error').map(f => f.family),
    loaded: fonts.filter(f => f.status === 'loaded').map(f => f.family),
  };
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
    tab.evaluate(LOAD_EVERYTHING)
    text = tab.evaluate(VISIBLE_TEXT)
    math = tab.evaluate(MATH_STATE)
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
    assert math["typeset"] == math["formulas"], f"formulas not typeset when the book was built: {math}"
    assert not math["empty"], f"formulas drawn with no width: {math}"
    assert not math["failed"], f"MathJax fonts that failed to load: {math['failed']}"
    assert not math["mathjax"], "the page loads MathJax, though its formulas are typeset when the book is built"
    no_alt = [i["src"] for i in images if not (i["alt"] or "").strip()]
    assert not no_alt, f"images without alt text: {no_alt}"
    broken = [i["src"] for i in images if not i["loaded"]]
    assert not broken, f"images that did not load: {broken}"


def test_images_load_lazily():
    """Figures below the fold are fetched as the reader scrolls, not all with the page."""
    eager = {}
    for page in PAGES:
        tags = re.findall(r"<img [^>]*>", page.read_text(encoding="utf8"))
        missing = [t[:90] for t in tags if 'loading="lazy"' not in t or 'decoding="async"' not in t]
        if missing:
            eager[str(page.relative_to(HTML))] = missing
    assert not eager, f"images without loading=lazy and decoding=async: {eager}"
    assert sum(len(re.findall(r"<img ", p.read_text(encoding="utf8"))) for p in PAGES) > 50


def test_math_is_typeset_when_built(browser, site):
    """The formulas arrive typeset: no MathJax runs in the browser, and the fonts come from the site."""
    page = next((p for p in PAGES if p.name == "derivative.html"), None)
    assert page is not None, "the derivative page is missing from the build"
    context = browser.new_context()
    tab = context.new_page()
    fetched = []
    tab.on("request", lambda r: fetched.append(r.url))
    tab.route("**/*", lambda r: r.continue_() if urlparse(r.request.url).hostname == "127.0.0.1" else r.abort())
    tab.goto(f"{site}/{page.relative_to(HTML).as_posix()}", wait_until="load")
    tab.evaluate("() => document.fonts.ready.then(() => true)")
    state = tab.evaluate(MATH_STATE)
    context.close()
    assert state["formulas"] > 100, f"the derivative page should be full of formulas: {state}"
    assert state["typeset"] == state["formulas"], f"formulas left untypeset: {state}"
    assert not state["empty"], f"formulas drawn with no width: {state}"
    assert not state["mathjax"], "a page loads MathJax, though its formulas are typeset when the book is built"
    assert not state["failed"], f"MathJax fonts that failed to load: {state['failed']}"
    # the text font, italics for variables, and the fraction/size fonts all render from the site
    assert {"MJXTEX", "MJXTEX-I"} <= set(state["loaded"]), f"MathJax fonts not loaded: {state['loaded']}"
    fonts = [u for u in fetched if u.endswith(".woff")]
    assert fonts and all("/_static/mathjax-fonts/" in u for u in fonts), fonts
