"""The whole book as one PDF, printed by a real browser from the single-page HTML build.

Why not LaTeX: the book's pages hold executed outputs, interactive figures with static
fallbacks, the book's TeX macros and sphinx-proof/sphinx-exercise blocks. A browser renders all
of them exactly as the website does, so the PDF shows what readers see online, math and
figures intact, with no TeX installation.

Two parts:

* a Sphinx extension (listed in ``_config.yml``) that lets the ``singlehtml`` builder
  render every node the ``html`` builder renders (sphinx-exercise registers handlers for
  ``singlehtml`` alone, which hides sphinx-proof's ``html`` handlers from that builder);
* a command, ``python tools/book_pdf.py``, that builds ``_build/singlehtml`` from the
  execution cache and prints it with headless Chromium to ``_build/html/<name>.pdf``.
  The formulas arrive typeset (``tools/prerender_math.py`` runs in that build too,
  without the hidden MathML, which a PDF does not need and would hold twice).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PDF_NAME = "multivariate-calculus-ml.pdf"

#: CSS for the printed book: no navigation, no buttons, no toggles; code wraps.
PRINT_CSS = """
@page { size: A4; margin: 18mm 16mm 20mm 16mm; }
.bd-header, .bd-sidebar-primary, .bd-sidebar-secondary, .header-article, .bd-footer,
.bd-footer-article, .prev-next-area, .toggle-button, .theme-switch-button, .search-button,
.headerlink, #pst-back-to-top, .bd-header-announcement, .skip-link, .copybtn { display: none !important; }
.bd-main .bd-content .bd-article-container { max-width: 100% !important; }
html, body { background: #fff !important; }
div.cell details.hide > summary, details.above-input > summary { display: none !important; }
pre, .highlight pre { white-space: pre-wrap !important; word-break: break-word; }
figure, img, table, .proof, .admonition, .exercise, .solution { break-inside: avoid; }
h1 { break-before: page; }
"""


def _merge_html_handlers(app) -> None:
    """Give ``singlehtml`` every node handler that ``html`` has and it lacks."""
    if app.builder.name != "singlehtml":
        return
    handlers = app.registry.translation_handlers
    single = handlers.setdefault("singlehtml", {})
    for node, pair in handlers.get("html", {}).items():
        single.setdefault(node, pair)


def setup(app):
    app.connect("builder-inited", _merge_html_handlers)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}


def single_page(root: Path) -> Path:
    """The one page of the ``singlehtml`` build: the table of contents' root document."""
    import yaml

    name = yaml.safe_load((root / "_toc.yml").read_text())["root"]
    return root / "_build" / "singlehtml" / (name.removesuffix(".md") + ".html")


def build_singlehtml(root: Path) -> Path:
    """Run Jupyter Book's ``singlehtml`` builder (outputs come from the execution cache)."""
    jb = Path(sys.executable).with_name("jupyter-book")
    subprocess.run(
        [str(jb), "build", str(root), "--builder", "singlehtml", "--warningiserror", "--nitpick", "--keep-going"],
        check=True,
    )
    out = single_page(root)
    if not out.is_file():
        raise FileNotFoundError(f"the singlehtml build wrote no {out}")
    return out


def print_pdf(single_page_source: Path, pdf: Path, chromium: str, timeout_s: float = 900.0) -> dict:
    """Print the single page to ``pdf`` with Chromium once its fonts are loaded; returns facts about it."""
    from playwright.sync_api import sync_playwright

    sys.path.insert(0, str(ROOT / "tools"))
    from local_server import serve

    pdf.parent.mkdir(parents=True, exist_ok=True)
    # Sphinx writes the one page at the root document's path (book/intro.html) but with
    # links relative to the build's root: print a copy that sits at the root.
    site = single_page_source.parent
    while site.name != "singlehtml" and site != site.parent:
        site = site.parent
    index = site / "print.html"
    index.write_text(single_page_source.read_text(encoding="utf-8"), encoding="utf-8")
    with serve(site) as url, sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=chromium,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        page = browser.new_page(color_scheme="light")
        page.route("**/*", lambda r: r.continue_() if r.request.url.startswith((url, "data:", "blob:")) else r.abort())
        page.goto(f"{url}/{index.relative_to(site).as_posix()}", wait_until="load", timeout=timeout_s * 1000)
        page.add_style_tag(content=PRINT_CSS)
        page.emulate_media(media="print")
        # the MathJax fonts, all of them, before printing (a browser fetches a font when it first draws it)
        page.evaluate(
            "() => Promise.all(Array.from(document.fonts).filter(f => f.family.startsWith('MJX'))"
            ".map(f => f.load().catch(() => null))).then(() => document.fonts.ready).then(() => true)"
        )
        facts = page.evaluate("""() => ({
            formulas: document.querySelectorAll('mjx-container').length,
            untypeset: document.querySelectorAll('.math').length - document.querySelectorAll('.math > mjx-container').length,
            fonts_failed: Array.from(document.fonts).filter(f => f.status === 'error').map(f => f.family),
            errors: document.querySelectorAll('mjx-merror').length,
            images: document.querySelectorAll('article img, .bd-article img').length,
        })""")
        page.pdf(
            path=str(pdf),
            format="A4",
            print_background=True,
            outline=True,
            tagged=True,
            display_header_footer=True,
            header_template="<span></span>",
            footer_template='<div style="font-size:8px;width:100%;text-align:center;">'
            '<span class="pageNumber"></span></div>',
            margin={"top": "16mm", "bottom": "18mm", "left": "14mm", "right": "14mm"},
        )
        browser.close()
    return facts


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--root", type=Path, default=ROOT, help="the book's folder")
    parser.add_argument("--skip-build", action="store_true", help="reuse _build/singlehtml")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT / "tools"))
    from find_browser import find_chromium

    chromium = find_chromium()
    if chromium is None:
        sys.exit("book_pdf: no Chromium found: run `make browser` (tools/find_browser.py)")
    start = time.perf_counter()
    index = single_page(args.root)
    if not args.skip_build:
        index = build_singlehtml(args.root)
    pdf = args.root / "_build" / "html" / PDF_NAME
    facts = print_pdf(index, pdf, chromium)
    if facts["errors"] or facts["untypeset"]:
        sys.exit(
            f"book_pdf: {facts['errors']} MathJax errors and {facts['untypeset']} formulas not typeset"
            " in the single-page book"
        )
    if facts["fonts_failed"]:
        sys.exit(f"book_pdf: fonts that did not load: {facts['fonts_failed']}")
    print(
        f"book_pdf: wrote {pdf.relative_to(args.root)} ({pdf.stat().st_size / 1e6:.1f} MB, "
        f"{facts['formulas']} formulas, {facts['images']} images) in {time.perf_counter() - start:.0f} s"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
