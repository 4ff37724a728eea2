"""The book's questions as a reader meets them: typed into the built pages in a real browser.

Every question of every page is answered with its own answer (and must say "Correct"), then with
each common wrong answer its page lists (and must say it is wrong, with that answer's feedback).
On a few real questions: equivalent forms, malformed input, the transpose of a matrix, the hints,
the solution, new numbers, keyboard only, the progress on the module's summary page and its reset.
Nothing may ever say "Correct" to a wrong answer, and the console must stay free of errors.
"""

from __future__ import annotations

import json
import re

import pytest
import sympy as sp

from _book import BUILD, HTML
from _questions import PAGES, own_answer, page_questions, url_of, wrong_answers
from mvcalc import quiz

pytestmark = pytest.mark.book


def test_the_book_has_its_questions():
    total = sum(len(page_questions(p)) for p in PAGES)
    assert total >= 150, total
    kinds = [q["kind"] for p in PAGES for q in page_questions(p)]
    drill = sum(k in ("formula", "matrix") for k in kinds)
    assert drill > len(kinds) / 2 - sum(k == "numeric" for k in kinds), "most answers are formulas, vectors, matrices"


def _first(kind: str, where: str = "", shape=None):
    for page in PAGES:
        if where and where not in page.as_posix():
            continue
        for q in page_questions(page):
            v = q["variants"][0]
            if q["kind"] == kind and (shape is None or shape(v)):
                return page, q
    pytest.fail(f"no {kind} question found")


def _sympy(text: str):
    return sp.sympify(text.replace("^", "**"), locals={"e": sp.E, "pi": sp.pi})


def test_equivalent_forms_are_accepted_and_a_near_miss_is_not(reader):
    page, q = _first("formula", "m1/rules", shape=lambda v: len(v["variables"]) == 1)
    r = reader(page)
    expr = _sympy(q["variants"][0]["answer"])
    variable = q["variants"][0]["variables"][0]
    forms = {
        quiz.to_mathjs(sp.expand(expr)),
        quiz.to_mathjs(sp.factor(expr)),
        quiz.to_mathjs(sp.expand(expr)).replace("*", " "),  # implicit products
        quiz.to_mathjs(2 * expr) + " - (" + quiz.to_mathjs(expr) + ")",
    }
    for form in forms:
        said = r.answer(q, form)
        assert said.startswith("Correct"), f"{form!r} (equal to {expr}) got {said!r}"
    for near in [quiz.to_mathjs(expr + 1), quiz.to_mathjs(expr * 2), quiz.to_mathjs(expr + sp.Symbol(variable) / 1000)]:
        said = r.answer(q, near)
        assert said.startswith("Not"), f"{near!r} got {said!r}"
    assert not r.errors, r.errors


def test_a_verdict_goes_away_when_the_answer_is_edited(reader):
    page, q = _first("formula", "m1/rules", shape=lambda v: len(v["variables"]) == 1)
    r = reader(page)
    box = r.question(q["key"])
    assert r.answer(q, own_answer(q)).startswith("Correct")
    box.locator(".mvq-input").press_sequentially(" + 1")
    assert box.locator(".mvq-feedback").inner_text() == "", "a verdict stayed beside an answer it was not given for"
    page, q = _first("choice", "m1/rules")
    r = reader(page)
    box = r.question(q["key"])
    assert r.answer(q, own_answer(q)).startswith("Correct")
    wrong = wrong_answers(q)[0][0]
    box.locator(".mvq-variant:not(.mvq-hidden) input").nth(wrong[-1]).check()
    assert box.locator(".mvq-feedback").inner_text() == ""
    assert not r.errors, r.errors


MALFORMED = ["2*x*", ")(", "", "x" * 10_000]


def test_input_the_page_cannot_read_gets_a_clear_message(reader):
    page, q = _first("formula", "m1/rules", shape=lambda v: v["variables"] == ["x"])
    r = reader(page)
    for typed in MALFORMED + ["2*q", "sin x", "f(x) = ", "x % 2"]:
        said = r.answer(q, typed)
        box = r.question(q["key"])
        assert "mvq-invalid" in box.locator(".mvq-feedback").get_attribute("class"), f"{typed[:20]!r}: {said!r}"
        assert len(said) > 10 and not said.startswith(("Correct", "Not right")), f"{typed[:20]!r}: {said!r}"
        assert box.locator(".mvq-input").get_attribute("aria-invalid") == "true"
    said = r.answer(q, "2*q")
    assert "q is not a variable of this question" in said
    said = r.answer(q, "x" * 10_000)
    assert "10000 characters" in said
    assert not r.errors, r.errors


def rows_of(answer: str) -> list[list[str]]:
    """The entries of a vector or matrix as the reader types it, ``[a, b; c, d]``."""

    def split(text, sep):
        parts, depth, current = [], 0, ""
        for ch in text:
            depth += ch in "([" and 1 or 0
            depth -= ch in ")]" and 1 or 0
            if ch == sep and depth == 0:
                parts.append(current.strip())
                current = ""
            else:
                current += ch
        return parts + [current.strip()]

    return [split(row, ",") for row in split(answer.strip()[1:-1], ";")]


def typed(rows: list[list[str]]) -> str:
    return "[" + "; ".join(", ".join(row) for row in rows) + "]"


def test_a_transposed_matrix_and_a_wrong_shape_are_named(reader):
    page, q = _first(
        "matrix", shape=lambda v: len(v["shape"]) == 2 and v["shape"][0] != v["shape"][1] >= 2
    )  # a row can lose an entry
    r = reader(page)
    rows = rows_of(q["variants"][0]["answer"])
    assert typed(rows) == q["variants"][0]["answer"]
    said = r.answer(q, typed([list(col) for col in zip(*rows)]))
    assert "transpose" in said, said
    said = r.answer(q, typed([row[:-1] for row in rows]))
    assert "the answer is a" in said, said
    assert not r.errors, r.errors


def test_hints_open_in_turn_then_the_solution(reader):
    from bs4 import BeautifulSoup

    def hints(div):
        return len(div.find("div", class_="mvq-extra").find_all("div", class_="mvq-hint"))

    found = next(
        (
            (p, div["id"])
            for p in PAGES
            for div in BeautifulSoup(p.read_text(), "html.parser").find_all("div", class_="mvq")
            if hints(div) >= 2
        ),
        None,
    )
    assert found, "no question with two hints"
    page, anchor = found
    r = reader(page)
    box = r.tab.locator(f"div.mvq#{anchor}")
    count = box.locator(".mvq-extra:not(.mvq-hidden) .mvq-hint").count()
    button = box.locator(".mvq-hint-button")
    for k in range(count):
        assert box.locator(".mvq-hint:not(.mvq-hidden)").count() == k
        assert f"({k + 1} of {count})" in button.inner_text()
        button.click()
    assert box.locator(".mvq-hint:not(.mvq-hidden)").count() == count
    assert button.is_disabled()
    solution = box.locator(".mvq-solution-button")
    assert solution.get_attribute("aria-expanded") == "false"
    solution.click()
    assert solution.get_attribute("aria-expanded") == "true"
    assert box.locator(".mvq-answer:not(.mvq-hidden), .mvq-solution:not(.mvq-hidden)").count() >= 1
    solution.click()
    assert box.locator(".mvq-answer:not(.mvq-hidden), .mvq-solution:not(.mvq-hidden)").count() == 0
    assert not r.errors, r.errors


def test_new_numbers_show_another_variant_that_is_checked_on_its_own(reader):
    page, q = next(
        (p, q)
        for p in PAGES
        for q in page_questions(p)
        if len(q["variants"]) > 1 and q["kind"] in ("formula", "matrix", "numeric")
    )
    r = reader(page)
    box = r.question(q["key"])
    first = box.locator(".mvq-variant:not(.mvq-hidden)").inner_text()
    box.locator(".mvq-new").click()
    assert box.locator(".mvq-variant:not(.mvq-hidden)").inner_text() != first
    assert "(2 of" in box.locator(".mvq-new").inner_text()
    assert box.locator(".mvq-input").input_value() == ""
    assert r.answer(q, own_answer(q, 1)).startswith("Correct")
    if own_answer(q, 0) != own_answer(q, 1):
        assert not r.answer(q, own_answer(q, 0)).startswith("Correct"), "variant 1's answer accepted for variant 2"
    assert not r.errors, r.errors


def test_keyboard_only_and_announced(reader):
    page, q = _first("formula")
    r = reader(page)
    box = r.question(q["key"])
    assert box.locator(".mvq-feedback").get_attribute("aria-live") == "polite"
    assert box.locator(".mvq-feedback").get_attribute("role") == "status"
    assert r.answer(q, own_answer(q), keyboard=True).startswith("Correct")
    page, c = _first("choice", shape=lambda v: not v["multiple"])
    r = reader(page)
    box = r.question(c["key"])
    right = own_answer(c)[0]
    box.locator(".mvq-variant:not(.mvq-hidden) input").nth(right).focus()
    r.tab.keyboard.press("Space")
    box.locator(".mvq-check").focus()
    r.tab.keyboard.press("Enter")
    r.tab.wait_for_function(
        "e => e.textContent.startsWith('Correct')", arg=box.locator(".mvq-feedback").element_handle(), timeout=60000
    )
    assert not r.errors, r.errors


def test_the_preview_typesets_what_was_read_and_nothing_loads_before_it_is_needed(reader):
    page, q = _first("formula")
    r = reader(page)
    requested = []
    r.tab.on("request", lambda req: requested.append(req.url))
    r.tab.reload(wait_until="load")
    assert not any(u.endswith(("math.js", "check.js", "tex-chtml.js")) for u in requested), requested
    field = r.question(q["key"]).locator(".mvq-input")
    field.fill("x^2 y")
    field.dispatch_event("input")
    preview = r.question(q["key"]).locator(".mvq-preview")
    if "y" in q["variants"][0]["variables"] and "x" in q["variants"][0]["variables"]:
        preview.locator("mjx-container").wait_for(timeout=20000)
    else:
        r.tab.wait_for_function("e => e.textContent.length > 0", arg=preview.element_handle(), timeout=20000)
    assert any(u.endswith("/_static/questions/math.js") for u in requested)
    field.fill(q["variants"][0]["answer"])
    field.dispatch_event("input")
    preview.locator("mjx-container").wait_for(timeout=20000)
    assert "Read as" in preview.inner_text()
    assert not any("mathjax-fonts" not in u and u.endswith(".woff") for u in requested)
    assert not r.errors, r.errors


def test_progress_is_remembered_shown_on_the_summary_and_reset(reader):
    page = next(p for p in PAGES if "/m2/" in p.as_posix() and p.stem != "summary")
    summary = HTML / "book" / "m2" / "summary.html"
    q = page_questions(page)[0]
    r = reader(page)
    assert r.answer(q, own_answer(q)).startswith("Correct")
    assert r.question(q["key"]).locator(".mvq-done-badge:not(.mvq-hidden)").count() == 1
    r.tab.goto(url_of(r.tab.url.split("/book/")[0], summary), wait_until="load")
    progress = r.tab.locator(".mvq-progress")
    total = sum(len(page_questions(p)) for p in PAGES if "/m2/" in p.as_posix())
    assert f"answered 1 of this module's {total} questions" in progress.inner_text()
    assert r.tab.locator(".mvq-progress-bar").evaluate("e => e.value") == 1
    r.tab.goto(url_of(r.tab.url.split("/book/")[0], page), wait_until="load")
    assert r.question(q["key"]).locator(".mvq-done-badge:not(.mvq-hidden)").count() == 1  # remembered
    r.tab.goto(url_of(r.tab.url.split("/book/")[0], summary), wait_until="load")
    r.tab.locator(".mvq-reset").click()
    assert "answered 0 of" in progress.inner_text()
    assert "forgotten" in r.tab.locator(".mvq-reset-status").inner_text()
    assert (
        json.loads(r.tab.evaluate("localStorage.getItem('mvcalc-questions')")).get(
            page.relative_to(HTML).with_suffix("").as_posix()
        )
        is None
    )
    assert not r.errors, r.errors


# --- the book's other forms: the PDF's single page and the Colab notebooks ------------------------

SINGLE = BUILD / "singlehtml" / "book" / "intro.html"  # the table of contents' root (index.html redirects)


def test_the_pdf_prints_questions_as_text_with_an_answer_key_per_page():
    if not SINGLE.is_file():
        pytest.fail("no single-page build: run `make pdf`")
    text = SINGLE.read_text(encoding="utf8")
    assert 'class="mvq-form"' not in text and "mvq-data" not in text
    total = sum(len(page_questions(p)) for p in PAGES)
    assert len(re.findall(r'class="mvq-print[ "]', text)) == total
    assert text.count("Answers to the questions of this section") == len(PAGES)
    assert text.count("The answer is in the key at the end of this section.") == total


@pytest.mark.parametrize("page", PAGES, ids=[str(p.relative_to(HTML)) for p in PAGES])
def test_each_colab_question_is_text_followed_by_its_answer_in_a_collapsed_cell(page):
    notebook = BUILD / "notebooks" / page.relative_to(HTML).with_suffix(".ipynb")
    cells = json.loads(notebook.read_text())["cells"]
    answers = [k for k, c in enumerate(cells) if "mvcalc-question-answer" in c["metadata"].get("tags", [])]
    assert len(answers) == len(page_questions(page))
    for k in answers:
        cell = cells[k]
        assert cell["metadata"]["jupyter"]["source_hidden"] is True
        source = "".join(cell["source"])
        assert source.startswith("<details>") and "The answer" in source
        assert "**Question" in "".join(cells[k - 1]["source"])


def test_opened_questions_have_no_serious_accessibility_violation_in_either_scheme(browser, site):
    """axe on a page whose questions show feedback, hints, solutions and a typeset preview."""
    from axe_playwright_python.sync_playwright import Axe

    from _a11y import SCHEMES, open_page, set_scheme
    from test_accessibility import describe, serious_violations

    axe = Axe()
    page = next(p for p in PAGES if "m2/jacobian" in p.as_posix())
    report = []
    with open_page(browser, url_of(site, page), SCHEMES[0]) as tab:
        for k, q in enumerate(page_questions(page)):
            box = tab.locator(f"div.mvq#question-{q['key'].replace('_', '-')}")
            if q["kind"] != "choice":
                box.locator(".mvq-input").fill(own_answer(q) if k % 2 else "2*")
                box.locator(".mvq-input").dispatch_event("input")
            box.locator(".mvq-check").click()
            if box.locator(".mvq-hint-button").is_visible():
                box.locator(".mvq-hint-button").click()
            box.locator(".mvq-solution-button").click()
        tab.wait_for_function("() => document.querySelectorAll('.mvq-feedback:empty').length === 0")
        tab.wait_for_function("() => document.querySelector('.mvq-preview mjx-container') !== null", timeout=20000)
        for scheme in SCHEMES:
            set_scheme(tab, scheme)
            violations = serious_violations(axe, tab)
            if violations:
                report.append(describe(violations, f"{page.relative_to(HTML)} ({scheme}, questions open)"))
    assert not report, "\n" + "\n".join(report)
