"""What a built page states: its glued values, as the reader sees them, and the printed output of its cells.

The formula tests (tests/test_formulas_*.py) recompute each formula on their own; the functions here let
them also check the numbers a page actually shows, so that a wrong value on a page fails a test.

Where the values come from. When the book is built, myst-nb executes each page and writes, next to the
executed notebook ``_build/jupyter_execute/book/<page>.ipynb``, a file ``<page>.glue.json``: a JSON object
with one entry per ``glue(name, value)`` call of the page. Each entry is the display output of that value
(``{"data": {mimetype: text}, "metadata": ..., "output_type": "display_data"}``). A number is stored as its
``repr`` under ``text/plain`` (``"0.5625"``, ``"7"``); a value the page formats itself, such as
``$2.5 \\times 10^{-9}$``, is stored under ``text/markdown`` too. The page's source,
``book/<page>.md``, shows a value with a role such as ``{glue:text}`name:.4f``` or ``{glue}`name```: the
format after the last colon is how many digits the reader sees.

A test calls ``assert_states(page, name, expected)`` with its own, independent, value of the quantity:
the check passes if the glued value and ``expected`` agree to the precision the page prints them with (half a
unit of the last printed digit), so a typo in the page's code, or a value glued under the wrong name, fails.
A name the page does not glue, or does not show, fails the test too: it never skips.

These tests need the built book: mark them ``@pytest.mark.book``. Without a build they fail with a message
that says to run ``make book`` first, as the other book-marked tests do. ``GLUE_DIR`` is where the built
pages are read from; a test may point it at a copy (with ``monkeypatch``) to check that a changed value fails.
"""

from __future__ import annotations

import ast
import json
import math
import re
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from _book import EXECUTED, ROOT

__all__ = [
    "GLUE_DIR",
    "SOURCE_DIR",
    "Stated",
    "assert_states",
    "cell_output",
    "change_glued_value",
    "glue_data",
    "stated",
]

GLUE_DIR: Path = EXECUTED / "book"  # the executed pages of the build, one folder per module
SOURCE_DIR: Path = ROOT / "book"  # the pages' MyST sources, which say how each glued value is shown

# A value the page wrote as LaTeX scientific notation: $2.5 \times 10^{-9}$ (mantissa optional: $10^{-3}$).
_SCIENTIFIC = re.compile(
    r"^\$\s*(?:(?P<mantissa>[-+]?\d+(?:\.\d+)?)\s*\\times\s*)?10\^\{(?P<exponent>[-+]?\d+)\}\s*\$$"
)
# The format spec of a standard format_spec's precision and type: ".4f", ".2g", ".0e", ",d", "" ...
_SPEC = re.compile(r"^(?P<grouping>[,_])?(?:\.(?P<digits>\d+))?(?P<kind>[defgn%]?)$")


def _built(path: Path) -> Path:
    """``path`` if it exists, else fail the test with what to do."""
    if not path.is_file():
        pytest.fail(f"{path} is not built: run `make book` first")
    return path


def glue_data(page: str) -> dict[str, dict]:
    """Every glued output of a built page, by name.

    Parameters
    ----------
    page : str
        The page's path under book/, without suffix: ``"m1/derivative"``, ``"refresher"``.

    Returns
    -------
    dict
        ``{name: {"data": {mimetype: text, ...}, ...}}``, as myst-nb wrote it in ``<page>.glue.json``.
    """
    return json.loads(_built(GLUE_DIR / f"{page}.glue.json").read_text(encoding="utf-8"))


def _formats(page: str, name: str) -> list[str]:
    """The format specs with which the page's source shows the glued ``name`` ("" for a bare ``{glue}``)."""
    source = (SOURCE_DIR / f"{page}.md").read_text(encoding="utf-8")
    role = re.compile(r"\{glue(?::(?P<role>\w+))?\}`" + re.escape(name) + r"(?::(?P<spec>[^`]*))?`")
    return [m.group("spec") or "" for m in role.finditer(source)]


@dataclass(frozen=True)
class Stated:
    """One glued value of a page: the value itself and the half-width of the precision the page shows it at.

    ``value`` is the Python value of the glued output (``int``, ``float``, ``str``, ...), or, for a value the page
    wrote as ``$m \\times 10^{e}$``, that number as a float. ``tolerance`` is half a unit of the last digit the
    reader sees (0 when the reader sees every digit of an integer); ``shown`` is the text as the reader sees it.
    """

    page: str
    name: str
    value: object
    tolerance: float
    shown: str


def _half_unit(value: float, spec: str) -> tuple[float, str]:
    """Half a unit of the last digit that ``format(value, spec)`` shows, and that text."""
    match = _SPEC.match(spec)
    if match is None:
        raise ValueError(f"format spec {spec!r} of a glued value is not one the tests can read")
    shown = format(value, spec)
    digits, kind = match.group("digits"), match.group("kind")
    if kind == "d" or (isinstance(value, int) and digits is None and kind in ("", "n")):
        return 0.0, shown  # an integer, every digit shown
    if kind in ("f", "%") or (digits is None and kind == ""):
        places = int(digits) if digits is not None else _decimals(shown)
        return 0.5 * 10.0 ** -(places + (2 if kind == "%" else 0)), shown
    # e, g, n and a precision with no type count significant digits: the tolerance is relative to the value.
    significant = int(digits) if digits is not None else 6
    if kind == "e":
        significant += 1
    magnitude = math.floor(math.log10(abs(value))) if value else 0
    return 0.5 * 10.0 ** (magnitude - significant + 1), shown


def _decimals(text: str) -> int:
    """How many decimals a repr shows: 2 for ``"0.25"``, 0 for ``"7"``; a repr with an exponent counts them."""
    mantissa, _, exponent = text.lower().partition("e")
    places = len(mantissa.partition(".")[2])
    return places - int(exponent or 0)


def stated(page: str, name: str) -> Stated:
    """The value a built page glues under ``name``, and the precision the page shows it at.

    Fails the test (it does not skip) if the page is not built, does not glue ``name``, or never shows it.
    """
    data = glue_data(page)
    if name not in data:
        pytest.fail(f"book/{page}.md glues no value named {name!r}; it glues {sorted(data)}")
    outputs = data[name]["data"]
    specs = _formats(page, name)
    if not specs:
        pytest.fail(f"book/{page}.md glues {name!r} but never shows it with a {{glue}} role")
    if "text/markdown" in outputs:
        text = outputs["text/markdown"].strip()
        match = _SCIENTIFIC.match(text)
        if match is None:
            pytest.fail(
                f"book/{page}.md glues {name!r} as {text!r}, which is not a number in the form $m \\times 10^{{e}}$"
            )
        mantissa = match.group("mantissa") or "1"
        exponent = int(match.group("exponent"))
        places = len(mantissa.partition(".")[2])
        return Stated(page, name, float(f"{mantissa}e{exponent}"), 0.5 * 10.0 ** (exponent - places), text)
    value = ast.literal_eval(outputs["text/plain"])
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return Stated(page, name, value, 0.0, str(value))
    widths = [_half_unit(value, spec) for spec in specs]
    tolerance, shown = min(widths)  # the finest precision the page shows the value with
    return Stated(page, name, value, tolerance, shown)


def assert_states(page: str, name: str, expected: float, *, slack: float = 1e-9) -> None:
    """Assert that the page's glued ``name`` equals ``expected`` (an independent value) as the page prints it.

    Parameters
    ----------
    page : str
        The page under book/, without suffix: ``"m2/hessian"``.
    name : str
        The glue name.
    expected : float
        The test's own value of the quantity (sympy, scipy, a closed form), not the page's code.
    slack : float
        A relative allowance, for ``expected`` itself being a floating-point computation.
    """
    s = stated(page, name)
    expected = float(expected)
    if isinstance(s.value, str):
        pytest.fail(f"book/{page}.md glues {name!r} as the text {s.value!r}, not a number")
    allowed = s.tolerance + slack * abs(expected)
    assert abs(float(s.value) - expected) <= allowed, (
        f"book/{page}.md states {name} = {s.shown} (glued {s.value!r}), but it is {expected!r}: "
        f"they differ by {abs(float(s.value) - expected):.3g}, more than the {s.tolerance:.3g} the page's digits allow"
    )


def cell_output(page: str, source_contains: str) -> str:
    """The printed output (stdout and text/plain results) of the one code cell whose source contains a string.

    Fails the test if the page is not built, or if no cell or more than one cell matches.
    """
    notebook = json.loads(_built(GLUE_DIR / f"{page}.ipynb").read_text(encoding="utf-8"))
    cells = [c for c in notebook["cells"] if c["cell_type"] == "code" and source_contains in "".join(c["source"])]
    if len(cells) != 1:
        pytest.fail(f"{len(cells)} code cells of book/{page}.md contain {source_contains!r}; expected exactly one")
    parts = []
    for output in cells[0].get("outputs", []):
        if output["output_type"] == "stream" and output["name"] == "stdout":
            parts.append("".join(output["text"]))
        elif output["output_type"] in ("execute_result", "display_data") and "text/plain" in output["data"]:
            parts.append("".join(output["data"]["text/plain"]) + "\n")
    return "".join(parts)


def change_glued_value(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, page: str, name: str, value: object) -> None:
    """Point the helper at a copy of the build's glue files in which ``page`` glues ``value`` under ``name``.

    For tests of the tests: after this call, ``stated`` reads the copy for the rest of the test (``monkeypatch``
    restores ``GLUE_DIR`` afterwards), so a check of that value should now fail. Every page's glue file is
    copied, so checks of other pages still read their built values; the executed notebooks are not copied.
    """
    data = glue_data(page)
    if name not in data:
        pytest.fail(f"book/{page}.md glues no value named {name!r}")
    copy = tmp_path / "book"
    for original in GLUE_DIR.rglob("*.glue.json"):
        target = copy / original.relative_to(GLUE_DIR)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(original, target)
    data[name]["data"] = {"text/plain": repr(value)}
    (copy / f"{page}.glue.json").write_text(json.dumps(data), encoding="utf-8")
    monkeypatch.setattr(sys.modules[__name__], "GLUE_DIR", copy)
