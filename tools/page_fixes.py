"""Small corrections to the HTML pages that Jupyter Book 1 emits.

* Inline scripts (``add_js_file(None, body=...)``) are not de-duplicated by
  Sphinx, and sphinx-thebe's configuration script ends up on every page twice:
  the second ``const THEBE_JS_URL`` is a console error ("Identifier has already
  been declared"). Sphinx 7.4 keeps both because one copy is registered with
  ``filename=None`` and the other with ``filename=""``. Keep the first copy of
  each identical script.
* Scripts in the ``<head>`` block the page: the browser shows nothing until each is
  downloaded and run. Every script of the book's extensions only sets things up
  for when the page has loaded, so every external one is deferred (run in the
  same order, once the page is parsed); the inline ones, which only set
  variables, stay where they are.
* ``templates/layout.html`` changes two things in the theme's ``<head>``: it
  defers the search scripts and the search index (``searchindex.js``) that
  pydata-sphinx-theme loads synchronously on every page, and it leaves out the
  theme's Font Awesome script (540 KB compressed, the largest file of every page,
  there "so that users can add custom icons"; the book adds none, and the
  theme's stylesheet draws every icon with the Font Awesome web font). The
  script also marked each icon ``aria-hidden`` for screen readers: after the
  build, every ``<i class="fa...">`` icon gets ``aria-hidden="true"``.
* Every image is fetched as the page loads, though most figures are screens
  below: on the Sandpit pages a megabyte of PNGs competes with the text for the
  connection. After the build every ``<img>`` gets ``loading="lazy"`` (the browser
  fetches it as the reader scrolls near it) and ``decoding="async"``; not in the
  ``singlehtml`` build, which ``tools/book_pdf.py`` prints all at once.
"""

from __future__ import annotations

import re
from pathlib import Path

from sphinx.builders.html._assets import _JavaScript

ICON = re.compile(r'<i class="((?:[\w-]+ )*fa[bsr]?(?:-[\w-]+)?(?: [^"]*)?)"(?![^>]*aria-hidden)')
IMG = re.compile(r"<img (?![^>]*\bloading=)")


def _dedupe_scripts(app, pagename, templatename, context, doctree) -> None:
    scripts = context.get("script_files")
    if not scripts:
        return
    seen, kept = set(), []
    for script in scripts:
        # the same inline script is registered once with filename None and once with ""
        key = (
            getattr(script, "filename", script) or "",
            tuple(sorted(getattr(script, "attributes", {}).items())),
        )
        if key not in seen:
            seen.add(key)
            kept.append(script)
    context["script_files"] = kept


def _defer_scripts(app, pagename, templatename, context, doctree) -> None:
    scripts = context.get("script_files")
    if not scripts:
        return
    deferred = []
    for script in scripts:
        attributes = getattr(script, "attributes", {})
        if getattr(script, "filename", None) and not {"async", "defer"} & set(attributes):
            script = _JavaScript(script.filename, priority=script.priority, **attributes, defer="defer")
        deferred.append(script)
    context["script_files"] = deferred


def _fix_built_pages(app, exception) -> None:
    """Mark icons aria-hidden and images lazy in the built pages (see the module's docstring)."""
    if exception is not None or app.builder.format != "html":
        return
    lazy = app.builder.name != "singlehtml"
    for page in Path(app.outdir).rglob("*.html"):
        text = page.read_text(encoding="utf8")
        marked = ICON.sub(r'<i aria-hidden="true" class="\1"', text)
        if lazy:
            marked = IMG.sub('<img loading="lazy" decoding="async" ', marked)
        if marked != text:
            page.write_text(marked, encoding="utf8")


def _add_templates(app, config) -> None:
    here = Path(__file__).parent
    config.templates_path.append(str(here / "templates"))


def setup(app):
    app.connect("html-page-context", _dedupe_scripts)
    app.connect("html-page-context", _defer_scripts, priority=900)  # after every other extension
    app.connect("config-inited", _add_templates)
    app.connect("build-finished", _fix_built_pages)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
