"""Small corrections to the HTML pages that Jupyter Book 1 emits.

* Inline scripts (``add_js_file(None, body=...)``) are not de-duplicated by
  Sphinx, and sphinx-thebe's configuration script ends up on every page twice:
  the second ``const THEBE_JS_URL`` is a console error ("Identifier has already
  been declared"). Sphinx 7.4 keeps both because one copy is registered with
  ``filename=None`` and the other with ``filename=""``. Keep the first copy of
  each identical script.
"""

from __future__ import annotations


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


def setup(app):
    app.connect("html-page-context", _dedupe_scripts)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
