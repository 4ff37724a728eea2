"""Every question of every built page, answered in a real browser as a reader would.

Each question is given its own answer, typed into the page (it must say "Correct"), then each
common wrong answer its page lists (it must say the answer is wrong, and show that answer's own
feedback). The build has fed the same answers to the same checker in Node.js
(tools/questions/selfcheck.js); this checks that the page, its data and its scripts agree with it.
Kept apart from test_questions_page.py so that the two run on different workers.
"""

from __future__ import annotations

import pytest

from _book import HTML
from _questions import PAGES, own_answer, page_questions, wrong_answers

pytestmark = pytest.mark.book


@pytest.mark.parametrize("page", PAGES, ids=[str(p.relative_to(HTML)) for p in PAGES])
def test_every_question_accepts_its_answer_and_rejects_the_common_wrong_ones(reader, page):
    r = reader(page)
    for q in page_questions(page):
        said = r.answer(q, own_answer(q))
        assert said.startswith("Correct"), f"{q['key']}: its own answer {own_answer(q)!r} got {said!r}"
        for given, feedback in wrong_answers(q):
            said = r.answer(q, given)
            assert not said.startswith("Correct"), f"{q['key']}: the wrong answer {given!r} was accepted"
            shown = r.question(q["key"]).locator(f".mvq-feedback .mvq-fb-{feedback}")
            assert shown.count() == 1, f"{q['key']}: {given!r} did not show its feedback ({said!r})"
    assert not r.errors, r.errors
