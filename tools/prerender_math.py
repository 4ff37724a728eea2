"""Typeset every formula once, when the book is built, instead of in each reader's browser.

Sphinx writes a formula as its TeX source (``<span class="math">\\(x^2\\)</span>``) and
leaves it to MathJax, loaded by every page, to typeset it in the reader's browser. That
costs each reader a 260 KB script and, worse, makes the text jump: the page is first drawn
with the raw TeX, then every formula changes size as MathJax replaces it (Lighthouse's
"cumulative layout shift"; on formula-heavy pages it cost 5 to 18 points of performance).

This extension runs MathJax 3 (npm ``mathjax-full``, pinned in ``tools/mathjax/``) in
Node.js over the pages Sphinx has written:

* every formula becomes MathJax's CommonHTML (the very markup MathJax would have made in
  the browser), with the hidden MathML that screen readers read; a display formula can
  take the keyboard focus (``tabindex="0"``), since a wide one scrolls sideways;
* each page gets the stylesheet for exactly the characters it uses, inline in its
  ``<head>``, and the MathJax fonts are copied to ``_static/mathjax-fonts/``;
* the MathJax scripts and their configuration are no longer put on the pages.

The TeX configuration (macros) is the one in ``_config.yml`` (``mathjax3_config``), so
the formulas look as they did. Unlike MathJax in a browser, which draws an unknown macro
in red and goes on, a TeX error here is a build warning, and the book builds with
warnings as errors. Pages already typeset (an incremental build leaves them alone) are
skipped. The ``singlehtml`` build that ``tools/book_pdf.py`` prints gets no hidden
MathML: a PDF has no screen reader, and its text layer would hold every formula twice.

Node.js (18 or later) and the npm packages (``npm ci --prefix tools/mathjax``, which
``make book`` runs) are needed to build the book.
"""

from __future__ import annotations

import html
import json
import posixpath
import re
import shutil
import subprocess
from pathlib import Path

from sphinx.errors import ExtensionError
from sphinx.util import logging

logger = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent / "mathjax"
SCRIPT = HERE / "typeset.js"
FONTS = HERE / "node_modules" / "mathjax-full" / "es5" / "output" / "chtml" / "fonts" / "woff-v2"
FONT_DIR = "_static/mathjax-fonts"  # under the output directory
FONT_URL = "@@MATHJAX-FONTS@@"  # placeholder in the stylesheet, replaced per page
STYLE_ID = "mvcalc-mathjax-styles"

# The TeX packages: what MathJax's tex-chtml component loads or autoloads for this book,
# without "noundefined" (an unknown macro must be an error) and "autoload"/"require".
PACKAGES = ["base", "ams", "newcommand", "configmacros", "boldsymbol", "cancel", "color"]

# A formula as Sphinx's MathJax renderer writes it: an inline span (\(...\)), or a
# display div (\[...\]), which may begin with its equation number; a display formula
# marked "nowrap" (an amsmath environment written straight into the Markdown) is the bare
# environment. No part reaches past the formula's own closing tag.
FORMULA = re.compile(
    r'(?P<open><(?P<tag>span|div) class="math notranslate nohighlight"[^>]*>)'
    r'(?P<eqno>\s*<span class="eqno">(?:(?!</span>).)*</span>)?'
    r"\s*(?:\\[(\[](?P<tex>(?:(?!</(?:span|div)>).)*?)\\[)\]]"
    r"|(?P<env>\\begin\{(?P<name>[^}]+)\}(?:(?!</div>).)*?\\end\{(?P=name)\}))\s*"
    r"(?P<close></(?P=tag)>)",
    re.DOTALL,
)
OPENING = re.compile(r'<(?:span|div) class="math notranslate nohighlight"')
HEAD_END = re.compile(r"</head>", re.IGNORECASE)
# how the page itself reaches _static/ (the singlehtml page at book/intro.html links from the root)
STATIC_LINK = re.compile(r'(?:href|src)="((?:\.\./)*)_static/')


def _formulas(text: str) -> list[re.Match]:
    return list(FORMULA.finditer(text))


def _check_node() -> str:
    node = shutil.which("node")
    if node is None:
        raise ExtensionError(
            "prerender_math: Node.js (18 or later) is needed to typeset the book's formulas, and "
            "no `node` is on the PATH. Install it (Debian/Ubuntu: `apt install nodejs npm`) and run "
            "`npm ci --prefix tools/mathjax` (make book does this)."
        )
    if not FONTS.is_dir():
        raise ExtensionError(
            "prerender_math: MathJax is not installed for the build. Run `npm ci --prefix tools/mathjax` "
            f"(make book does this); {FONTS} is missing."
        )
    return node


def typeset(pages: list[list[dict]], tex_config: dict, *, assistive: bool) -> list[dict]:
    """Typeset ``pages`` (lists of ``{"tex": ..., "display": ...}``) with MathJax in Node.js.

    Returns one ``{"html": [...], "css": str, "errors": [...]}`` per page, in order.
    """
    node = _check_node()
    request = {"tex": tex_config, "packages": PACKAGES, "assistive": assistive, "fontURL": FONT_URL, "pages": pages}
    done = subprocess.run(
        [node, str(SCRIPT)], input=json.dumps(request), capture_output=True, text=True, encoding="utf-8", check=False
    )
    if done.returncode != 0:
        raise ExtensionError(f"prerender_math: MathJax in Node.js failed:\n{done.stderr.strip()}")
    result = json.loads(done.stdout)["pages"]
    if len(result) != len(pages) or any(len(r["html"]) != len(p) for r, p in zip(result, pages)):
        raise ExtensionError("prerender_math: MathJax returned a different number of formulas")
    return result


# MathJax in a browser scales each formula so that its x-height matches the text's
# (``matchFontHeight``), which depends on the reader's system font: 113% with Segoe UI,
# about 120% with San Francisco or Roboto, 127% with DejaVu Sans. Without a browser to
# measure in, one scale for all: the middle of that range.
SCALE_CSS = 'mjx-container[jax="CHTML"]{font-size:120%}'


def _compact_css(css: str) -> str:
    return re.sub(r"\s*\n\s*", "", css)


def _rewrite(text: str, matches: list[re.Match], typeset_page: dict, fonts: str) -> str:
    pieces, last = [], 0
    for match, markup in zip(matches, typeset_page["html"]):
        if match["tag"] == "div":
            # a wide display formula scrolls sideways: it must take the keyboard focus to scroll
            markup = markup.replace("<mjx-container ", '<mjx-container tabindex="0" ', 1)
        pieces.append(text[last : match.start()])
        pieces.append(match["open"] + (match["eqno"] or "") + markup + match["close"])
        last = match.end()
    pieces.append(text[last:])
    text = "".join(pieces)
    css = SCALE_CSS + _compact_css(typeset_page["css"]).replace(FONT_URL, fonts)
    style = f'<style id="{STYLE_ID}">{css}</style>\n'
    text, n = HEAD_END.subn(lambda m: style + m.group(0), text, count=1)
    if n != 1:
        raise ExtensionError("prerender_math: a page with formulas has no </head>")
    return text


def prerender(outdir: Path, files: list[Path], tex_config: dict, *, assistive: bool) -> int:
    """Typeset the formulas of ``files`` (HTML pages under ``outdir``) in place.

    Returns the number of formulas typeset; raises ExtensionError if MathJax cannot run.
    TeX errors are logged as warnings, with the page and the formula.
    """
    todo = []
    for path in files:
        text = path.read_text(encoding="utf-8")
        if f'id="{STYLE_ID}"' in text:
            continue  # typeset by an earlier build and not rewritten since
        matches = _formulas(text)
        unread = len(OPENING.findall(text)) - len(matches)
        if unread:
            logger.warning(
                f"{unread} formulas written in a form prerender_math does not know; they would show as raw TeX",
                location=str(path.relative_to(outdir)),
                type="prerender_math",
            )
        if matches:
            todo.append((path, text, matches))
    if not todo:
        return 0
    pages = [
        [
            {"tex": html.unescape(m["tex"] if m["tex"] is not None else m["env"]), "display": m["tag"] == "div"}
            for m in matches
        ]
        for _, _, matches in todo
    ]
    results = typeset(pages, tex_config, assistive=assistive)
    for (path, text, matches), page, result in zip(todo, pages, results):
        for error in result["errors"]:
            formula = page[error["index"]]["tex"].strip() if error["index"] >= 0 else "?"
            logger.warning(
                f"TeX error in {formula!r}: {error['message']}",
                location=str(path.relative_to(outdir)),
                type="prerender_math",
            )
        link = STATIC_LINK.search(text)
        if link is not None:
            fonts = link.group(1) + FONT_DIR
        else:
            fonts = posixpath.relpath((outdir / FONT_DIR).as_posix(), path.parent.as_posix())
        path.write_text(_rewrite(text, matches, result, fonts), encoding="utf-8")
    return sum(len(p) for p in pages)


def _copy_fonts(outdir: Path) -> None:
    target = outdir / FONT_DIR
    target.mkdir(parents=True, exist_ok=True)
    for font in FONTS.glob("*.woff"):
        copy = target / font.name
        if not copy.is_file() or copy.stat().st_size != font.stat().st_size:
            shutil.copyfile(font, copy)


def _drop_mathjax_scripts(app, pagename, templatename, context, doctree) -> None:
    """Leave MathJax and its configuration off the page: the formulas are typeset already."""
    scripts = context.get("script_files")
    if not scripts:
        return
    path = app.config.mathjax_path

    def is_mathjax(script) -> bool:
        filename = getattr(script, "filename", script) or ""
        body = getattr(script, "attributes", {}).get("body", "")
        return filename == path or body.startswith(("window.MathJax =", "MathJax.Hub.Config"))

    context["script_files"] = [s for s in scripts if not is_mathjax(s)]


def _build_finished(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    _check_node()
    outdir = Path(app.outdir)
    files = sorted(p for p in outdir.rglob("*.html") if "_static" not in p.relative_to(outdir).parts)
    tex_config = dict((app.config.mathjax3_config or {}).get("tex", {}))
    count = prerender(outdir, files, tex_config, assistive=app.builder.name != "singlehtml")
    _copy_fonts(outdir)
    if count:
        logger.info(f"prerender_math: typeset {count} formulas with MathJax")


def setup(app):
    app.connect("builder-inited", lambda app: _check_node() if app.builder.format == "html" else None)
    # after sphinx.ext.mathjax (500) has added its scripts, before page_fixes defers the rest (900)
    app.connect("html-page-context", _drop_mathjax_scripts, priority=800)
    app.connect("build-finished", _build_finished)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
