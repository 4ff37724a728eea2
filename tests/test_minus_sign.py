"""Glued negative numbers carry a minus sign (U+2212), not a hyphen: tools/minus_sign.py."""

from __future__ import annotations

import re

import pytest

import minus_sign  # tools/, put on the path by conftest.py
from _book import html_pages

M = "\N{MINUS SIGN}"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("-0.829", M + "0.829"),
        ("(-1, -2.5)", f"({M}1, {M}2.5)"),
        ("-.5", M + ".5"),
        ("1.2e-05", "1.2e-05"),  # an exponent keeps its hyphen
        ("x-3", "x-3"),  # not a number's sign
        ("3-4", "3-4"),
        ("well-known", "well-known"),
        ("0.5", "0.5"),
    ],
)
def test_a_hyphen_that_starts_a_number_becomes_a_minus_sign(text, expected):
    assert minus_sign.with_minus_signs(text) == expected


PASTED = re.compile(r'<span class="pasted-text">([^<]*)</span>')


@pytest.mark.book
def test_no_glued_number_in_the_built_pages_starts_with_a_hyphen():
    pasted = [t for page in html_pages() if page.is_file() for t in PASTED.findall(page.read_text(encoding="utf8"))]
    assert pasted, "no glued text found: the test would check nothing"
    assert any(t.startswith(M) for t in pasted), "the book glues negative numbers; none has a minus sign"
    hyphens = [t for t in pasted if re.search(r"(?<![\w.])-(?=\.?\d)", t)]
    assert not hyphens, hyphens[:5]
