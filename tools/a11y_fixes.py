"""Accessibility corrections to the pages Jupyter Book 1 emits (checked by tests/test_accessibility.py).

* The theme's sidebar (pydata-sphinx-theme's ``add_collapse_checkboxes``) opens and
  closes each module's pages with a ``<summary>`` that holds only a chevron icon:
  a screen reader announces a button with no name (axe: ``summary-name``). Each
  such summary gets an ``aria-label`` naming the entry it opens.
* docutils writes the bibliography as ``<div role="list">`` of ``<div
  role="doc-biblioentry">``: that role is deprecated (DPUB-ARIA 1.1) and is not a
  list item, so the list has no items (axe: ``aria-required-children``). The
  entries get ``role="listitem"``.
* ``book/_static/a11y.css`` is added to every page: colours that keep the
  contrast WCAG AA asks for where the themes' own do not (see the file).
"""

from __future__ import annotations

from pathlib import Path

STATIC = Path(__file__).resolve().parent.parent / "book" / "_static"
CSS = "a11y.css"


def _label_sidebar_toggles(soup) -> None:
    """Name every sidebar ``<summary>`` whose only content is the chevron icon."""
    for summary in soup.select("li.has-children > details > summary"):
        if summary.get_text(strip=True) or summary.get("aria-label"):
            continue
        link = summary.find_parent("li").find("a", recursive=False)
        title = link.get_text(" ", strip=True) if link else ""
        summary["aria-label"] = f"Show or hide the pages in {title}" if title else "Show or hide these pages"


def _wrap_toctree(app, pagename, templatename, context, doctree) -> None:
    generate = context.get("generate_toctree_html")
    if generate is None or getattr(generate, "_a11y", False):
        return

    def generate_toctree_html(kind, *args, **kwargs):
        soup = generate(kind, *args, **kwargs)
        if kind == "sidebar" and hasattr(soup, "select"):
            _label_sidebar_toggles(soup)
        return soup

    generate_toctree_html._a11y = True
    context["generate_toctree_html"] = generate_toctree_html


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
    # after the theme (priority 500), which puts generate_toctree_html in the context
    app.connect("html-page-context", _wrap_toctree, priority=600)
    app.connect("html-page-context", _fix_bibliography_roles)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
