"""Every code cell of the book, run under Pyodide in Node.js, shows what the page shows (issue 15).

``tools/pyodide_cells.py`` runs each page's cells in a fresh Pyodide with ``tools/run_in_page/runner.py``
(the file the browser's Run button loads) and compares every cell's outputs with the executed
notebook. A cell whose outputs differ only in their numbers is listed in ``book/_pyodide.json``
(the page then says, beside its Run button, that a re-run may print different last digits); any
other difference fails here, naming the page, the cell and a diff. The last test fails when the
committed ``book/_pyodide.json`` names other packages than this run found, or misses a cell that
differs.

The unit tests of the comparison need nothing built; the ``book`` tests need the built book
(``_build/jupyter_execute`` and the site's ``_static/pyodide``, or ``PYODIDE_DIR``) and Node.js, and
take a few minutes (the whole book, two pages at a time).
"""

from __future__ import annotations

import json
import re
import shutil

import pytest

import pyodide_cells as pc
from _book import BUILD, notebook_pages

# --------------------------------------------------------------------------------------------------
# The comparison, on small made-up cells
# --------------------------------------------------------------------------------------------------


def out(text, name="stdout"):
    return {"type": "stream", "name": name, "text": text}


def test_mask_replaces_every_kind_of_number_and_evens_out_spaces():
    assert pc.mask("cost 0.0028 after 2000 steps, step 1e-05, x = -3.5E+02") == "cost#after#steps,step#,x=#"
    assert pc.mask("[ 0.1  -0.25]\n") == pc.mask("[0.1 -0.2]")
    assert pc.mask("W2 = 3") == "W#=#"
    assert pc.mask("cost 1 after") != pc.mask("cost 1 before")


def test_the_same_outputs_are_the_same():
    cell = [out("a = 1.5\n"), {"type": "image"}]
    assert pc.compare_cell(cell, [out("a = 1.5\n"), {"type": "image", "png": "iVBOR"}]) == ("same", "")


def test_prints_split_in_two_are_the_same_as_one():
    assert pc.compare_cell([out("a\n"), out("b\n")], [out("a\nb\n")])[0] == "same"


def test_different_numbers_are_a_numbers_difference_with_the_largest_relative_difference():
    verdict, detail = pc.compare_cell([out("off by 9.5e-12\nok 3\n")], [out("off by 8.8e-12\nok 3\n")])
    assert verdict == "numbers"
    assert detail.startswith("largest relative difference 0.074:")
    assert "'off by 9.5e-12' -> 'off by 8.8e-12'" in detail


@pytest.mark.parametrize(
    "got",
    [
        [out("cost 0.5 before\n")],  # a different word
        [out("cost 0.5 after\n"), out("RuntimeWarning: overflow\n", "stderr")],  # a warning only Pyodide prints
        [],  # the output is missing
        [out("cost 0.5 after\n"), {"type": "image"}],  # an extra figure
        [{"type": "error", "ename": "TypeError", "evalue": "no", "traceback": "Traceback ...\nTypeError: no"}],
        [out("cost nan after\n")],  # nan is a word, not a number
        [out("cost  0.5 after\n")],  # white space alone: not a difference of numbers
    ],
)
def test_any_other_difference_fails_with_a_diff(got):
    verdict, diff = pc.compare_cell([out("cost 0.5 after\n")], got)
    assert verdict == "fails"
    assert diff.startswith("--- notebook\n+++ pyodide")


def test_notebook_outputs_are_read_as_the_runner_writes_them():
    glued = {"output_type": "display_data", "data": {pc.GLUE_PREFIX + "text/plain": "0.5"}}
    glued["metadata"] = {"scrapbook": {"name": "x", "mime_prefix": pc.GLUE_PREFIX}}
    shown_glue = {"output_type": "display_data", "data": {"text/plain": "'s'"}}
    shown_glue["metadata"] = {"scrapbook": {"name": "s", "mime_prefix": ""}}
    outputs = [
        {"output_type": "stream", "name": "stdout", "text": ["a\n", "b\n"]},
        glued,
        {"output_type": "display_data", "data": {"image/png": "iVBOR", "text/plain": "<Figure>"}, "metadata": {}},
        {"output_type": "execute_result", "data": {"text/html": "<div/>", "text/plain": "W"}, "metadata": {}},
        shown_glue,
    ]
    shown, glue = pc.notebook_outputs(outputs)
    assert shown == [
        out("a\nb\n"),
        {"type": "image"},
        {"type": "html", "html": "<div/>"},
        {"type": "text", "text": "'s'"},
    ]
    assert glue == {"x": {"text/plain": "0.5"}, "s": {"text/plain": "'s'"}}


def test_the_file_lists_numbers_only_cells_and_is_written_sorted():
    pages = {"m9/p": [{"source": "", "outputs": [out("1.0\n")], "glued": {}, "tags": []}] * 3}
    run = {"cells": [[out("1.0\n")], [out("1.1\n")], [out("1.2\n")]], "packages": ["numpy", "mvcalc"], "glued": {}}
    comparison = pc.compare(pages, {"pyodide": "0.27.7", "pages": {"m9/p": run}})
    assert comparison["failures"] == []
    assert comparison["file"] == {
        "pyodide": "0.27.7",
        "pages": {"m9/p": {"packages": ["mvcalc", "numpy"], "differs": [1, 2]}},
    }
    text = pc.dumps(comparison["file"])
    assert json.loads(text) == comparison["file"]
    assert text.endswith("}\n") and text.index('"differs"') < text.index('"packages"')
    assert '    "m9/p": {"differs": [1, 2], "packages": ["mvcalc", "numpy"]}' in text.splitlines()


# --------------------------------------------------------------------------------------------------
# The whole book under Pyodide
# --------------------------------------------------------------------------------------------------

PAGES = [p.relative_to(pc.ROOT / "book").with_suffix("").as_posix() for p in notebook_pages()]
CODE_CELL = re.compile(r"^(`{3,}|:{3,})\{code-cell\}", re.M)


@pytest.fixture(scope="module")
def book_run():
    if not (BUILD / "jupyter_execute" / "book").is_dir():
        pytest.fail("the book is not built: run `make book` first")
    pyodide = pc.pyodide_dir(BUILD)
    if not (pyodide / "pyodide.mjs").is_file():
        pytest.fail(f"no Pyodide in {pyodide}: run `make book` (or set PYODIDE_DIR)")
    if shutil.which("node") is None:
        pytest.fail("Node.js is needed to run the cells under Pyodide")
    comparison, _ = pc.check(BUILD, pyodide)
    return comparison


@pytest.mark.book
def test_every_page_with_code_is_run_and_listed(book_run):
    with_code = sorted(p for p in PAGES if CODE_CELL.search((pc.ROOT / "book" / f"{p}.md").read_text()))
    assert sorted(pc.executed_pages(BUILD)) == with_code
    assert sorted(book_run["file"]["pages"]) == with_code
    assert len(with_code) >= 40, with_code


@pytest.mark.book
@pytest.mark.parametrize("page", PAGES)
def test_every_cell_shows_what_the_page_shows(book_run, page):
    failures = [(index, detail) for p, index, detail in book_run["failures"] if p == page]
    message = "\n\n".join(
        f"{page}, code cell {index} (0-based) differs under Pyodide, not only in its numbers:\n{detail}"
        for index, detail in failures
    )
    assert not failures, message


@pytest.mark.book
def test_the_committed_file_lists_what_the_run_found(book_run):
    """The committed file names every page's packages exactly and every cell that differs.

    Which packages a page imports depends only on its code, so they must be exactly what the run
    found. Which cells print different last digits depends also on the processor the notebooks were
    executed on (numpy picks its SIMD loops at run time), so a cell the file lists may print the
    same digits on another machine: the page then warns where it need not, which is harmless.
    A differing cell the file does not list is a page that fails to warn, and fails here.
    """
    assert pc.RESULT_FILE.is_file(), f"no {pc.RESULT_FILE.name}: run {pc.REGENERATE}"
    committed = json.loads(pc.RESULT_FILE.read_text(encoding="utf8"))
    found = book_run["file"]
    hint = f"book/_pyodide.json is not what running the book under Pyodide finds: run {pc.REGENERATE}"
    assert committed["pyodide"] == found["pyodide"], hint
    assert sorted(committed["pages"]) == sorted(found["pages"]), hint
    packages = {
        page: (committed["pages"][page]["packages"], entry["packages"])
        for page, entry in found["pages"].items()
        if committed["pages"][page]["packages"] != entry["packages"]
    }
    assert not packages, f"{hint}\n(committed, found) packages: {json.dumps(packages)}"
    unlisted = {
        page: sorted(set(entry["differs"]) - set(committed["pages"][page]["differs"]))
        for page, entry in found["pages"].items()
    }
    unlisted = {page: cells for page, cells in unlisted.items() if cells}
    assert not unlisted, f"{hint}\ncells that differ under Pyodide but are not listed: {json.dumps(unlisted)}"
