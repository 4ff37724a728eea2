"""Shared by the tests of the built pages' questions: the questions of each page, and a reader."""

from __future__ import annotations

import json
import re

from _a11y import LOAD_EVERYTHING
from _book import HTML, html_pages

PAGES = [p for p in html_pages() if p.is_file() and 'class="mvq-data"' in p.read_text(encoding="utf8")]
DATA = re.compile(r'<script type="application/json" class="mvq-data">(.*?)</script>', re.S)


def page_questions(page) -> list[dict]:
    return [json.loads(m.group(1).replace("<\\/", "</")) for m in DATA.finditer(page.read_text(encoding="utf8"))]


def url_of(site, page) -> str:
    return f"{site}/{page.relative_to(HTML).as_posix()}"


class Reader:
    """One browser tab on one page, answering its questions."""

    def __init__(self, browser, site, page):
        self.context = browser.new_context()
        self.tab = self.context.new_page()
        self.errors: list[str] = []
        self.tab.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.tab.on("pageerror", lambda e: self.errors.append(str(e)))
        self.tab.goto(url_of(site, page), wait_until="load")
        self.tab.evaluate(LOAD_EVERYTHING)  # the figures load lazily: let nothing move under a click

    def question(self, key: str):
        return self.tab.locator(f"div.mvq#question-{key.replace('_', '-')}")

    def answer(self, q: dict, given, *, keyboard: bool = False) -> str:
        """Give ``given`` (text, or the option indices) to question ``q``; the feedback it shows."""
        box = self.question(q["key"])
        if q["kind"] == "choice":
            boxes = box.locator(".mvq-variant:not(.mvq-hidden) input")
            for i in range(boxes.count()):
                if boxes.nth(i).get_attribute("type") == "checkbox":
                    boxes.nth(i).set_checked(i in given)
                elif i in given:
                    boxes.nth(i).check()  # a radio button is unticked by ticking another
        else:
            field = box.locator(".mvq-input")
            if keyboard:
                field.focus()
                field.press("Control+a")
                self.tab.keyboard.type(given)
            else:
                field.fill(given)
            if given.strip():  # as a reader would: read the preview (typeset, so nothing moves) before checking
                self.tab.wait_for_function(
                    "p => p.textContent && (p.classList.contains('mvq-preview-error') || p.querySelector('mjx-container'))",
                    arg=box.locator(".mvq-preview").element_handle(),
                    timeout=60000,
                )
        if keyboard and q["kind"] != "choice":
            self.tab.keyboard.press("Enter")
        else:
            box.locator(".mvq-check").click()
        feedback = box.locator(".mvq-feedback")  # emptied by the edit above: no earlier verdict is read here
        self.tab.wait_for_function(
            "e => e.textContent && !e.textContent.startsWith('Checking')", arg=feedback.element_handle(), timeout=60000
        )  # the first check loads mathjs
        return feedback.inner_text()

    def close(self):
        self.context.close()


def own_answer(q: dict, k: int = 0):
    v = q["variants"][k]
    if q["kind"] in ("formula", "matrix"):
        return v["answer"]
    if q["kind"] == "numeric":
        return repr(v["value"])
    return [i for i, o in enumerate(v["options"]) if o["correct"]]


def wrong_answers(q: dict) -> list[tuple[object, int | None]]:
    v = q["variants"][0]
    if q["kind"] in ("formula", "matrix"):
        return [(w["answer"], i) for i, w in enumerate(v["wrong"])]
    if q["kind"] == "numeric":
        return [(repr(w["value"]), i) for i, w in enumerate(v["wrong"])]
    right = [i for i, o in enumerate(v["options"]) if o["correct"]]
    return [((right + [i]) if v["multiple"] else [i], i) for i, o in enumerate(v["options"]) if not o["correct"]]
