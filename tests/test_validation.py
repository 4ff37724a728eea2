"""The package's one integer check, ``mvcalc._validation.check_integer``, and that it is the only one."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import numpy as np
import pytest

from mvcalc._validation import check_integer

LIB = Path(__file__).resolve().parents[1] / "lib" / "mvcalc"


@pytest.mark.parametrize("value, minimum, expected", [(3, 1, 3), (np.int32(7), 1, 7), (0, 0, 0), (11, 11, 11)])
def test_a_whole_number_at_or_above_the_minimum_is_returned_as_an_int(value, minimum, expected):
    got = check_integer(value, "n", minimum)
    assert got == expected and type(got) is int


@pytest.mark.parametrize(
    "value, minimum, error, message",
    [
        (2.5, 1, TypeError, "n must be a positive integer, got float 2.5"),
        (2.0, 1, TypeError, "n must be a positive integer, got float 2.0"),  # a float is not a count
        (True, 1, TypeError, "n must be a positive integer, got bool True"),  # nor is a bool
        ("3", 1, TypeError, "n must be a positive integer, got str '3'"),
        (0, 1, ValueError, "n must be a positive integer, got 0"),
        (-1, 0, ValueError, "n must be a non-negative integer, got -1"),
        (10, 11, ValueError, "n must be an integer of at least 11, got 10"),
    ],
)
def test_anything_else_is_named_with_what_was_expected(value, minimum, error, message):
    with pytest.raises(error, match="^" + re.escape(message) + "$"):
        check_integer(value, "n", minimum)


def test_what_the_number_is_goes_in_the_message():
    with pytest.raises(ValueError, match=r"^n must be a positive integer \(the number of points\), got 0$"):
        check_integer(0, "n", what="the number of points")


def test_no_module_writes_its_own_integer_check():
    own = {
        p.relative_to(LIB).as_posix()
        for p in LIB.rglob("*.py")
        if p.name != "_validation.py"
        and re.search(r"isinstance\([^)]*(Integral|\bint\b)", p.read_text(encoding="utf8"))
    }
    assert not own, f"these modules check integers themselves instead of calling check_integer: {sorted(own)}"


def test_no_module_imports_another_modules_private_names():
    """Private names stay in their module; what modules share lives in a private module (_validation, _results, ...)."""
    found = []
    for path in LIB.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf8"))):
            if not isinstance(node, ast.ImportFrom) or (
                node.level == 0 and not (node.module or "").startswith("mvcalc")
            ):
                continue  # another package
            if node.module is None or node.module.split(".")[-1].startswith("_"):
                continue  # sibling modules (from . import _descent), or a private module shared on purpose
            found += [
                f"{path.relative_to(LIB).as_posix()}: from {node.module} import {a.name}"
                for a in node.names
                if a.name.startswith("_")
            ]
    assert not found, "modules import private names of other modules: " + "; ".join(found)
