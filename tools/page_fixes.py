"""Small corrections to the HTML pages that Jupyter Book 1 emits, made once the build has written them.

Sphinx has no event that hands an extension the finished HTML of a page, and the theme's
``<head>`` comes from its own template macros, which no option changes. So at ``build-finished``
each written page is read back and corrected, by its HTML alone (no Sphinx or theme internals):

* In the ``<head>``, an inline script identical to one before it is dropped. sphinx-thebe's
  configuration script is registered twice (Sphinx 7.4 keeps one copy with ``filename=None`` and
  one with ``filename=""``), and the second ``const THEBE_JS_URL`` is a console error
  ("Identifier has already been declared").
* In the ``<head>``, every external script without ``async`` or ``defer`` gets ``defer``: the browser
  shows nothing until a blocking script is downloaded and run. Every script of the book's extensions,
  and the search scripts and search index (``searchindex.js``, about 160 KB) that pydata-sphinx-theme
  loads on every page, only sets things up for when the page has loaded; deferred, they run in the
  same order once the page is parsed. Inline scripts, which only set variables, stay as they are, and
  so does Sphinx's ``documentation_options.js``: it defines ``DOCUMENTATION_OPTIONS``, to which the
  theme's inline scripts after it add the page's name.
* pydata-sphinx-theme's Font Awesome script is left out: 540 KB compressed, the largest file of every
  page, loaded "so that users can add custom icons"; the book adds none, and the theme's stylesheet
  draws every icon with the Font Awesome web font. The script also marked each icon ``aria-hidden``
  for screen readers, so every ``<i class="fa...">`` icon gets ``aria-hidden="true"``.
* Every image is fetched as the page loads, though most figures are screens below: on the Sandpit
  pages a megabyte of PNGs competes with the text for the connection. Every ``<img>`` gets
  ``loading="lazy"`` (the browser fetches it as the reader scrolls near it) and ``decoding="async"``;
  not in the ``singlehtml`` build, which ``tools/book_pdf.py`` prints all at once.
"""

from __future__ import annotations

import re
from pathlib import Path

SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script>", re.DOTALL)
LOADING = re.compile(r"(?:^|\s)(?:async|defer)(?:[\s=]|$)")
FONT_AWESOME = re.compile(r"""\bsrc=["'][^"']*_static/scripts/fontawesome\.js\b""")
KEEP_BLOCKING = re.compile(r"""\bsrc=["'][^"']*_static/documentation_options\.js\b""")
ICON = re.compile(r'<i class="((?:[\w-]+ )*fa[bsr]?(?:-[\w-]+)?(?: [^"]*)?)"(?![^>]*aria-hidden)')
IMG = re.compile(r"<img (?![^>]*\bloading=)")


def fix_head(head: str) -> str:
    """The ``<head>`` with repeated inline scripts dropped, external ones deferred, no Font Awesome."""
    seen = set()

    def fix(match: re.Match) -> str:
        tag, attributes, body = match.group(0), match.group(1), match.group(2)
        if "src=" not in attributes:
            if tag in seen:
                return ""
            seen.add(tag)
            return tag
        if FONT_AWESOME.search(attributes):
            return ""
        if LOADING.search(attributes) or KEEP_BLOCKING.search(attributes):
            return tag
        return f"<script defer{attributes}>{body}</script>"

    return SCRIPT.sub(fix, head)


def fix_page(text: str, lazy: bool) -> str:
    """A built page with every correction of the module's docstring made."""
    head, end, body = text.partition("</head>")
    if end:
        text = fix_head(head) + end + body
    text = ICON.sub(r'<i aria-hidden="true" class="\1"', text)
    if lazy:
        text = IMG.sub('<img loading="lazy" decoding="async" ', text)
    return text


def _fix_built_pages(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    lazy = app.builder.name != "singlehtml"
    for page in Path(app.outdir).rglob("*.html"):
        text = page.read_text(encoding="utf8")
        fixed = fix_page(text, lazy)
        if fixed != text:
            page.write_text(fixed, encoding="utf8")


def setup(app):
    app.connect("build-finished", _fix_built_pages)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
