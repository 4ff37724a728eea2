"""Accessibility corrections to the pages Jupyter Book 1 emits (checked by tests/test_accessibility.py).

* The theme's sidebar opens and closes each module's pages with a ``<summary>`` that
  holds only a chevron icon: a screen reader announces a button with no name (axe:
  ``summary-name``). Once the build has written the pages, each such summary gets an
  ``aria-label`` naming the entry it opens (no theme option or template block names it).
* docutils writes the bibliography as ``<div role="list">`` of ``<div
  role="doc-biblioentry">``: that role is deprecated (DPUB-ARIA 1.1) and is not a
  list item, so the list has no items (axe: ``aria-required-children``). The
  entries get ``role="listitem"``.
* ``book/_static/a11y.css`` is added to every page: colours that keep the
  contrast WCAG AA asks for where the themes' own do not (see the file).
"""

from __future__ import annotations

import html
import re
from pathlib import Path

# an entry of the theme's sidebar that opens a list of pages: its link, then a summary with no name
TOGGLE = re.compile(
    r'(<li class="[^"]*\bhas-children\b[^"]*">\s*<a [^>]*>((?:(?!</a>).)*)</a>\s*<details[^>]*>\s*'
    r"<summary)>",
    re.DOTALL,
)
STATIC = Path(__file__).resolve().parent.parent / "book" / "_static"
CSS = "a11y.css"


def label_sidebar_toggles(text: str) -> str:
    """A built page with every sidebar ``<summary>`` that holds only the chevron named after its entry."""

    def label(match: re.Match) -> str:
        title = " ".join(html.unescape(re.sub(r"<[^>]+>", "", match.group(2))).split())
        name = f"Show or hide the pages in {title}" if title else "Show or hide these pages"
        return f'{match.group(1)} aria-label="{html.escape(name)}">'

    return TOGGLE.sub(label, text)


def _label_built_pages(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    for page in Path(app.outdir).rglob("*.html"):
        text = page.read_text(encoding="utf8")
        labelled = label_sidebar_toggles(text)
        if labelled != text:
            page.write_text(labelled, encoding="utf8")


def _fix_bibliography_roles(app, pagename, templatename, context, doctree) -> None:
    body = context.get("body")
    if body and 'role="doc-biblioentry"' in body:
        context["body"] = body.replace('role="doc-biblioentry"', 'role="listitem"')


def _add_static(app, config) -> None:
    if str(STATIC) not in [str(Path(app.confdir, p).resolve()) for p in config.html_static_path]:
        config.html_static_path.append(str(STATIC))


def setup(app):
    app.connect("config-inited", _add_static)
    app.add_css_file(CSS)
    app.connect("build-finished", _label_built_pages)
    app.connect("html-page-context", _fix_bibliography_roles)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
