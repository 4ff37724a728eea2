"""The in-page runner (tools/run_in_page.py and tools/run_in_page/*.js): a Run button on every code cell.

Two kinds of checks:

1. Unit tests of the Sphinx extension, without a build or a browser: which cells it finds in a
   page's doctree, how it numbers them against ``book/_pyodide.json``, the page's meta tag, the
   files it copies and the service worker's cache name.
2. Real-browser tests (marked ``book``) of the built site, as a reader would use it, in headless
   Chromium over loopback: press Run on a cell of m2/jacobian and see its output, a figure and a
   traceback (the page still working after it); complete a "Try it yourself" Jacobian of
   m3/backprop-try wrongly and then rightly and see the checker's two verdicts; load a second page
   and see the runtime come from the service worker's cache. These need ``_static/pyodide/`` in the
   build (tools/pyodide_dist.py).
"""

from __future__ import annotations

import html
import json
import re
import types

import pytest
from docutils import nodes
from docutils.frontend import get_default_settings
from docutils.parsers.rst import Parser
from docutils.utils import new_document

import run_in_page as rip
from _book import HTML

# --------------------------------------------------------------------------- the extension


def _doctree(cells: list[tuple[int, bool]]) -> nodes.document:
    """A page with myst-nb code cells: (notebook cell index, whether its code is shown)."""
    document = new_document("test", get_default_settings(Parser))
    for index, shown in cells:
        cell = nodes.container(nb_element="cell_code", cell_index=index, classes=["cell"])
        if shown:
            source = nodes.container(nb_element="cell_code_source", classes=["cell_input"])
            source += nodes.literal_block(text="print(1)")
            cell += source
        output = nodes.container(nb_element="cell_code_output", classes=["cell_output"])
        cell += output
        document += cell
    document += nodes.container(classes=["other"])  # not a cell
    return document


def test_code_cells_in_order_with_their_index_and_whether_the_code_shows():
    found = rip.code_cells(_doctree([(1, True), (4, False), (6, True)]))
    assert found == [
        {"cell_index": 1, "shown": True},
        {"cell_index": 4, "shown": False},
        {"cell_index": 6, "shown": True},
    ]


def test_code_ordinals_count_removed_cells_and_skip_markdown(tmp_path):
    source = tmp_path / "page.md"
    source.write_text(
        "---\njupytext:\n  text_representation:\n    format_name: myst\nkernelspec:\n  name: python3\n"
        "  display_name: Python 3\n---\n\n# Title\n\n```{code-cell} ipython3\na = 1\n```\n\nText.\n\n"
        "```{code-cell} ipython3\n:tags: [remove-cell]\nb = 2\n```\n\nMore.\n\n"
        "```{code-cell} ipython3\nprint(a)\n```\n",
        encoding="utf-8",
    )
    ordinals = rip.code_ordinals(source)
    assert list(ordinals.values()) == [0, 1, 2]
    assert len(set(ordinals)) == 3 and all(i > 0 for i in ordinals)  # notebook indices, after markdown cells


def test_page_data_numbers_the_shown_cells_among_all_code_cells():
    cells = [{"cell_index": 1, "shown": True}, {"cell_index": 4, "shown": False}, {"cell_index": 6, "shown": True}]
    ordinals = {1: 0, 3: 1, 4: 2, 6: 3}  # cell 3 was removed from the page
    entry = {"packages": ["numpy", "mvcalc"], "differs": [3]}
    data = rip.page_data(cells, ordinals, entry, "0.27.7")
    assert data == {"version": "0.27.7", "packages": ["numpy", "mvcalc"], "differs": [3], "cells": [0, 3]}
    bare = rip.page_data(cells, {}, None, "")  # no _pyodide.json entry, no notebook source
    assert bare == {"version": "", "packages": [], "differs": [], "cells": [0, 1]}


def test_meta_tag_round_trips_quotes_and_angle_brackets():
    data = {"packages": ['a"b', "<c>"], "differs": [], "cells": [0]}
    tag = rip.meta_tag(data)
    content = re.fullmatch(r'<meta name="run-in-page" content="([^"]*)">\n', tag)
    assert content is not None
    assert json.loads(html.unescape(content.group(1))) == data


def test_load_pages_reads_the_file_or_gives_nothing(tmp_path):
    assert rip.load_pages(tmp_path) == {}
    (tmp_path / "book").mkdir()
    data = {"pyodide": "0.27.7", "pages": {"m2/jacobian": {"packages": ["numpy"], "differs": [2]}}}
    (tmp_path / "book" / "_pyodide.json").write_text(json.dumps(data), encoding="utf-8")
    assert rip.load_pages(tmp_path) == data


def _fake_app(tmp_path, data, builder="html"):
    added = {"js": [], "css": []}
    app = types.SimpleNamespace(
        builder=types.SimpleNamespace(name=builder, format="html"),
        env=types.SimpleNamespace(run_in_page_data=data, doc2path=lambda name: tmp_path / f"{name}.md"),
        add_js_file=lambda name, **kw: added["js"].append((name, kw)),
        add_css_file=lambda name, **kw: added["css"].append(name),
    )
    return app, added


def test_page_context_adds_the_script_and_meta_only_to_pages_with_code(tmp_path):
    data = {"pyodide": "0.27.7", "pages": {"m2/jacobian": {"packages": ["numpy"], "differs": [1]}}}
    app, added = _fake_app(tmp_path, data)
    context = {"metatags": ""}
    rip._page_context(app, "book/m2/jacobian", "page.html", context, _doctree([(1, True), (2, True)]))
    assert added["js"] == [("run_in_page/runcell.js", {"loading_method": "defer"})]
    assert added["css"] == ["run_in_page/runcell.css"]
    content = re.search(r'content="([^"]*)"', context["metatags"]).group(1)
    assert json.loads(html.unescape(content)) == {
        "version": "0.27.7",
        "packages": ["numpy"],
        "differs": [1],
        "cells": [0, 1],
        "hidden": [],
    }

    for tree in (_doctree([(1, False)]), _doctree([]), None):  # no code shown: nothing added
        app, added = _fake_app(tmp_path, data)
        context = {"metatags": ""}
        rip._page_context(app, "book/m1/index", "page.html", context, tree)
        assert added == {"js": [], "css": []} and context["metatags"] == ""
    app, added = _fake_app(tmp_path, data, builder="singlehtml")  # the PDF's page runs nothing
    rip._page_context(app, "book/m2/jacobian", "page.html", {"metatags": ""}, _doctree([(1, True)]))
    assert added == {"js": [], "css": []}


def test_hidden_cells_carry_the_code_of_the_cells_the_page_does_not_show(tmp_path):
    source = tmp_path / "page.md"
    source.write_text(
        "---\njupytext:\n  text_representation:\n    format_name: myst\nkernelspec:\n  name: python3\n"
        "  display_name: Python 3\n---\n\n# A page\n\n"
        "```{code-cell} ipython3\n:tags: [remove-cell]\nimport numpy as np\n```\n\n"
        "```{code-cell} ipython3\nprint(np.pi)\n```\n",
        encoding="utf-8",
    )
    ordinals = rip.code_ordinals(source)
    assert sorted(ordinals.values()) == [0, 1]
    shown_index = max(ordinals)  # the notebook index of the second code cell, the one shown
    hidden = rip.hidden_cells([{"cell_index": shown_index, "shown": True}], source)
    assert hidden == [[0, "import numpy as np"]]


def test_assets_are_copied_and_the_service_worker_gets_a_versioned_cache(tmp_path):
    rip.copy_assets(tmp_path)
    for name in rip.FILES:
        assert (tmp_path / "_static" / "run_in_page" / name).read_bytes() == (rip.ASSETS / name).read_bytes()
    without_lock = rip.write_service_worker(tmp_path).read_text(encoding="utf-8")
    assert rip.PLACEHOLDER not in without_lock and 'const VERSION = "none-' in without_lock
    lock = tmp_path / "_static" / "pyodide" / "pyodide-lock.json"
    lock.parent.mkdir(parents=True)
    lock.write_text(json.dumps({"info": {"version": "0.27.7"}, "packages": {"mvcalc": {"sha256": "aa"}}}))
    first = rip.cache_version(tmp_path)
    assert first.startswith("0.27.7-") and len(first) == len("0.27.7-") + 12
    lock.write_text(json.dumps({"info": {"version": "0.27.7"}, "packages": {"mvcalc": {"sha256": "bb"}}}))
    second = rip.cache_version(tmp_path)
    assert second != first, "a new mvcalc wheel gives a new cache"
    assert f'const VERSION = "{second}"' in rip.write_service_worker(tmp_path).read_text(encoding="utf-8")
    assert (tmp_path / rip.SW_NAME).is_file()


def test_the_worker_never_uses_stack_switching():
    worker = (rip.ASSETS / "worker.js").read_text(encoding="utf-8")
    code = "\n".join(line for line in worker.splitlines() if not line.lstrip().startswith("//"))
    assert "runPython(" in code
    assert "runPythonAsync" not in code and "run_until_complete" not in code and "runPythonSync" not in code


# --------------------------------------------------------------------------- in the browser

LOAD = 240_000  # ms: the first load of Python and its packages, in headless Chromium on a busy machine
RUN = 120_000


@pytest.fixture(scope="module")
def context(browser, site):
    if not (HTML / "_static" / "pyodide" / "pyodide-lock.json").is_file():
        pytest.fail("the build has no _static/pyodide/: tools/pyodide_dist.py assembles it")
    ctx = browser.new_context(viewport={"width": 1280, "height": 1600}, base_url=site)
    yield ctx
    ctx.close()


def _open(ctx, path):
    tab = ctx.new_page()
    errors = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    tab.goto(path)
    tab.wait_for_selector("button.rip-run")
    return tab, errors


def _cell_with(tab, text):
    """The index of the first code cell whose code contains ``text``."""
    codes = tab.locator("div.cell_input pre").all_text_contents()
    return next(i for i, code in enumerate(codes) if text in code)


def _output(tab, n):
    return tab.locator("div.rip-output").nth(n)


def _wait_ran(tab, n, timeout=LOAD):
    tab.locator("div.rip-output").nth(n).locator(".rip-label").wait_for(timeout=timeout)
    return _output(tab, n)


@pytest.mark.book
def test_jacobian_cells_run_draw_and_raise(context):
    tab, errors = _open(context, "/book/m2/jacobian.html")
    assert tab.locator("div.cell_input").count() == tab.locator("button.rip-run").count() > 10
    # nothing of Python is loaded before Run
    assert tab.evaluate("performance.getEntriesByType('resource').filter(e => e.name.includes('pyodide')).length") == 0

    second = _cell_with(tab, "mvcalc.jacobian")
    tab.locator("button.rip-above").nth(second).click()
    out = _wait_ran(tab, second)
    text = out.inner_text()
    assert "mvcalc.jacobian shape: (1, 3)" in text, text
    assert "at [1.0, 2.0, -1.0]: sympy [4. 1. 3.], mvcalc [4. 1. 3.]" in text, text
    assert tab.locator(".rip-output[aria-live='polite']").count() == tab.locator("button.rip-run").count()

    # a plotting cell (its code is hidden: the reader opens it first), run with the cells above it
    plot = _cell_with(tab, "plt.")
    details = tab.locator("div.cell_input").nth(plot).locator("xpath=ancestor::details")
    if details.count():
        details.locator("summary").click()
    tab.locator("button.rip-above").nth(plot).click()
    figure = _wait_ran(tab, plot, RUN).locator("img.rip-figure")
    figure.first.wait_for(timeout=RUN)
    assert figure.first.get_attribute("alt") == f"Figure produced by cell {plot + 1}"
    assert figure.first.evaluate("img => img.naturalWidth") > 100

    # the reader edits a cell to raise; the traceback shows, and the next cell still runs
    tab.locator("button.rip-edit").nth(second).click()
    editor = tab.get_by_label(f"Code of cell {second + 1}")
    editor.fill("x = 1\n1/0")
    editor.press("Shift+Enter")
    error = _output(tab, second).locator("pre.rip-error")
    error.wait_for(timeout=RUN)
    assert "ZeroDivisionError: division by zero" in error.inner_text()
    assert "Cell In [" in error.inner_text() and "runner.py" not in error.inner_text()
    tab.locator("button.rip-run").nth(second + 1).click()
    tab.wait_for_function(
        f"document.querySelectorAll('div.rip-output')[{second + 1}].textContent.includes('0.77880')", timeout=RUN
    )
    assert _output(tab, second + 1).locator("pre.rip-error").count() == 0
    assert errors == []
    tab.close()


J_B3_WRONG = """def J_b3(network, x, y):
    a0, z1, a1, z2, a2, z3, a3 = network_function(network, x)
    J = 2 * (a3 - y) * d_sigmoid(z3)
    return np.sum(J, axis=1, keepdims=True)
"""
J_B3_RIGHT = J_B3_WRONG.replace("keepdims=True)", "keepdims=True) / x.size")


@pytest.mark.book
def test_try_it_yourself_checker_gives_its_verdicts_in_the_page(context):
    tab, errors = _open(context, "/book/m3/backprop-try.html")
    yours = _cell_with(tab, "def J_b3(network, x, y):")
    check = _cell_with(tab, "check_all(yours)")
    assert check > yours

    tab.locator("button.rip-edit").nth(yours).click()
    editor = tab.get_by_label(f"Code of cell {yours + 1}")
    original = editor.input_value()
    editor.fill(J_B3_WRONG + original[original.index("\n\n\ndef J_b2") :])
    tab.locator("button.rip-above").nth(check).click()  # the cells above, with the reader's J_b3, then the checker
    verdict = _wait_ran(tab, check, LOAD)
    tab.wait_for_function(f"document.querySelectorAll('div.rip-output')[{check}].textContent.includes('correct.')")
    assert "J_b3: not right yet." in verdict.inner_text(), verdict.inner_text()
    assert "J_W3: correct." in verdict.inner_text()

    editor.fill(J_B3_RIGHT + original[original.index("\n\n\ndef J_b2") :])
    tab.locator("button.rip-run").nth(yours).click()
    tab.locator("button.rip-run").nth(check).click()
    tab.wait_for_function(
        f"document.querySelectorAll('div.rip-output')[{check}].textContent.includes('J_b3: correct.')", timeout=RUN
    )
    assert "3 of 6 correct." in _output(tab, check).inner_text()
    assert errors == []
    tab.close()


@pytest.mark.book
def test_a_second_page_gets_the_runtime_from_the_cache(context):
    first, _ = _open(context, "/book/m2/jacobian.html")
    first.locator("button.rip-run").first.click()  # fills the cache if this test runs alone
    _wait_ran(first, 0)
    first.close()

    tab = context.new_page()
    responses = []
    tab.on("response", lambda response: responses.append(response))
    tab.goto("/book/m1/derivative.html")
    assert not [r for r in responses if "/_static/pyodide/" in r.url], "nothing loads before Run"
    tab.locator("button.rip-run").first.click()
    _wait_ran(tab, 0, LOAD)
    runtime = [
        r for r in responses if re.search(r"/_static/pyodide/(pyodide\.asm\.wasm|python_stdlib\.zip|numpy-)", r.url)
    ]
    assert runtime, [r.url for r in responses]
    assert all(r.from_service_worker for r in runtime), [(r.url, r.from_service_worker) for r in runtime]
    tab.close()


@pytest.mark.book
def test_a_widget_run_in_the_page_takes_the_page_colour_scheme(context):
    """The Taylor explorer's HTML runs in a sandboxed frame: it starts in the page's scheme (dark here)
    and follows the reader's switch to light, as the widget on the page does."""
    tab, errors = _open(context, "/book/m4/power-series.html")
    tab.evaluate("document.documentElement.dataset.theme = 'dark'")
    widget = _cell_with(tab, "taylor_explorer(max_order=12, order=2)")
    tab.locator("button.rip-above").nth(widget).click()
    frame_element = _wait_ran(tab, widget, LOAD).locator("iframe.rip-html")
    frame_element.wait_for(timeout=RUN)
    frame = frame_element.element_handle().content_frame()
    frame.wait_for_selector(".mvcalc-taylor", timeout=RUN)
    page_colours = tab.evaluate(
        "[getComputedStyle(document.body).backgroundColor, getComputedStyle(document.body).color]"
    )

    def scheme():
        return frame.evaluate(
            "[document.documentElement.dataset.theme, getComputedStyle(document.body).backgroundColor,"
            " getComputedStyle(document.body).color,"
            " getComputedStyle(document.querySelector('.mvcalc-taylor')).getPropertyValue('--mvt-function').trim()]"
        )

    theme, background, text, curve = scheme()
    assert (theme, [background, text]) == ("dark", page_colours)
    assert curve.lower() == "#56b4e9"  # the widget's own dark-mode colour for the function
    # the widget's panel takes the theme's colours, as on the page (not its light fallback, white)
    panel = frame.evaluate("getComputedStyle(document.querySelector('.mvcalc-taylor')).backgroundColor")
    theme_background = tab.evaluate(
        "(() => { const d = document.createElement('div'); d.style.background = 'var(--pst-color-background)';"
        " document.body.append(d); const c = getComputedStyle(d).backgroundColor; d.remove(); return c; })()"
    )
    assert panel == theme_background != "rgb(255, 255, 255)"
    tab.evaluate("document.documentElement.dataset.theme = 'light'")
    tab.wait_for_function("document.documentElement.dataset.theme === 'light'")
    frame.wait_for_function("document.documentElement.dataset.theme === 'light'", timeout=RUN)
    light = tab.evaluate("[getComputedStyle(document.body).backgroundColor, getComputedStyle(document.body).color]")
    assert light != page_colours
    assert scheme()[:3] == ["light", *light]
    assert errors == []
    tab.close()
