"""The Taylor-series explorer (mvcalc.widgets.taylor), Module 4, *Power Series*.

Two kinds of checks:

1. Unit tests of the data the widget embeds: every polynomial it will draw is
   the Taylor polynomial that sympy computes, evaluated on the widget's grid;
   the output is deterministic; bad arguments raise the documented errors.
2. A real-browser test (marked ``book``) of the built Module 4 page: the widget
   responds to its slider (by keyboard and by ``fill``) and to its menu, draws
   what it should, and logs no console error, in the light and the dark mode.
"""

from __future__ import annotations

import json
import re
from urllib.parse import urlparse

import numpy as np
import pytest
import sympy as sp

from _book import HTML, serve
from mvcalc.widgets import HTMLWidget
from mvcalc.widgets.taylor import (
    DEFAULT_FUNCTIONS,
    TaylorFunction,
    polynomial_formula,
    taylor_explorer,
    taylor_explorer_data,
)

X = sp.symbols("x")
#: The default menu, as sympy expressions (same order as DEFAULT_FUNCTIONS).
SYMPY_FUNCTIONS = {
    "cos x": (sp.cos(X), 0),
    "sin x": (sp.sin(X), 0),
    "e\u02e3": (sp.exp(X), 0),
    "1/x": (1 / X, 1),
    "ln x": (sp.log(X), 1),
}
MAX_ORDER = 12  # as on the page


@pytest.fixture(scope="module")
def data():
    return taylor_explorer_data(max_order=MAX_ORDER, order=2)


def sympy_coefficients(expr, a, n):
    """Taylor coefficients f^(k)(a)/k!, k = 0..n, exactly."""
    series = sp.series(expr, X, a, n + 1).removeO()
    u = sp.symbols("u")
    poly = sp.Poly(sp.expand(series.subs(X, u + a)), u)
    return [poly.coeff_monomial(u**k) for k in range(n + 1)]


# --------------------------------------------------------------------------- the embedded data


def test_the_menu_is_the_course_widget_menu(data):
    labels = [fn["label"] for fn in data["functions"]]
    assert labels == list(SYMPY_FUNCTIONS)
    assert [fn["a"] for fn in data["functions"]] == [0.0, 0.0, 0.0, 1.0, 1.0]
    assert data["max_order"] == MAX_ORDER and data["order"] == 2


@pytest.mark.parametrize("label", list(SYMPY_FUNCTIONS))
def test_coefficients_are_sympys(data, label):
    fn = next(f for f in data["functions"] if f["label"] == label)
    expr, a = SYMPY_FUNCTIONS[label]
    exact = np.array([float(c) for c in sympy_coefficients(expr, a, MAX_ORDER)])
    assert np.allclose(fn["coefficients"], exact, rtol=1e-9, atol=1e-10)


@pytest.mark.parametrize("label", list(SYMPY_FUNCTIONS))
def test_polynomials_are_sympys_series_on_the_grid(data, label):
    """Row n of ``polynomials`` is sympy's series of order n, evaluated on the grid (rounded, clamped)."""
    fn = next(f for f in data["functions"] if f["label"] == label)
    expr, a = SYMPY_FUNCTIONS[label]
    x = np.array(fn["x"])
    ylo, yhi = fn["window"][2:]
    band = (ylo - 10 * (yhi - ylo), yhi + 10 * (yhi - ylo))
    assert len(fn["polynomials"]) == MAX_ORDER + 1
    for n in range(MAX_ORDER + 1):
        series = sp.series(expr, X, a, n + 1).removeO() if n > 0 else expr.subs(X, a)
        exact = np.asarray(sp.lambdify(X, series, "numpy")(x), dtype=float) * np.ones_like(x)
        drawn = np.array(fn["polynomials"][n], dtype=float)
        assert np.all(np.isfinite(drawn)), f"order {n}: a polynomial is defined everywhere"
        expected = np.clip(exact, *band)
        assert np.allclose(drawn, expected, atol=1e-3, rtol=1e-9), f"{label}, order {n}"


@pytest.mark.parametrize("label", list(SYMPY_FUNCTIONS))
def test_function_samples(data, label):
    fn = next(f for f in data["functions"] if f["label"] == label)
    expr, _ = SYMPY_FUNCTIONS[label]
    x = np.array(fn["x"])
    with np.errstate(all="ignore"):
        exact = np.asarray(sp.lambdify(X, expr, "numpy")(x), dtype=float)
    ylo, yhi = fn["window"][2:]
    defined = np.isfinite(exact)
    y = fn["y"]
    assert all(v is None for v, ok in zip(y, defined, strict=True) if not ok), "undefined values are null"
    got = np.array([v for v, ok in zip(y, defined, strict=True) if ok], dtype=float)
    expected = np.clip(exact[defined], ylo - 10 * (yhi - ylo), yhi + 10 * (yhi - ylo))
    assert np.allclose(got, expected, atol=6e-4)
    assert fn["fa"] == pytest.approx(float(expr.subs(X, fn["a"])), abs=6e-4)


def test_ln_is_undefined_left_of_zero(data):
    fn = next(f for f in data["functions"] if f["label"] == "ln x")
    x = np.array(fn["x"])
    assert all(v is None for v, xv in zip(fn["y"], x, strict=True) if xv <= 0)
    assert all(v is not None for v, xv in zip(fn["y"], x, strict=True) if xv > 0)


def test_formulas(data):
    by_label = {fn["label"]: fn["formulas"] for fn in data["functions"]}
    assert by_label["cos x"][4] == "p₄(x) = 1 − x²/2 + x⁴/24"
    assert by_label["cos x"][5] == "p₅(x) = 1 − x²/2 + x⁴/24", "cos has no odd powers"
    assert by_label["sin x"][5] == "p₅(x) = x − x³/6 + x⁵/120"
    assert by_label["e\u02e3"][3] == "p₃(x) = 1 + x + x²/2 + x³/6"
    assert by_label["1/x"][3] == "p₃(x) = 1 − (x − 1) + (x − 1)² − (x − 1)³"
    assert by_label["ln x"][3] == "p₃(x) = (x − 1) − (x − 1)²/2 + (x − 1)³/3"
    assert by_label["cos x"][0] == "p₀(x) = 1"
    assert by_label["sin x"][0] == "p₀(x) = 0"


@pytest.mark.parametrize("label", list(SYMPY_FUNCTIONS))
def test_formula_is_sympys_polynomial(data, label):
    """Parse the formula back (it is plain text) and compare with sympy's series."""
    fn = next(f for f in data["functions"] if f["label"] == label)
    expr, a = SYMPY_FUNCTIONS[label]
    for n in (0, 1, 2, 5, MAX_ORDER):
        text = fn["formulas"][n].split("=", 1)[1]
        text = text.replace("−", "-").translate(str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789"))
        text = re.sub(r"(\)|x)(\d+)", r"\1**\2", text)  # (x - 1)3 -> (x - 1)**3
        text = re.sub(r"(\d)\s*(x|\()", r"\1*\2", text)  # 2x -> 2*x
        parsed = sp.sympify(text, locals={"x": X})
        exact = sp.series(expr, X, a, n + 1).removeO() if n > 0 else expr.subs(X, a)
        assert sp.simplify(parsed - exact) == 0, f"{label}, order {n}: {fn['formulas'][n]}"


def test_polynomial_formula_other_points_and_decimals():
    assert polynomial_formula([2.0, -0.5], a=-1.5) == "p₁(x) = 2 − (x + 1.5)/2"
    assert polynomial_formula([0.0, 0.0]) == "p₁(x) = 0"
    assert polynomial_formula([np.e, np.e]) == "p₁(x) = 2.718 + 2.718 x"
    assert polynomial_formula([1.0, 3.0], a=2.0, name="q") == "q₁(x) = 1 + 3(x − 2)"


def test_a_single_custom_function():
    data = taylor_explorer_data([("my cosh", np.cosh)], max_order=4, x_range=(-2, 2), samples=9)
    (fn,) = data["functions"]
    assert fn["formulas"][4] == "p₄(x) = 1 + x²/2 + x⁴/24"
    assert fn["window"][:2] == [-2.0, 2.0]
    lo, hi = fn["window"][2:]
    assert lo < 1.0 and hi > np.cosh(2.0), "the automatic window holds the function"
    entry = TaylorFunction("e^x about 1", np.exp, a=1.0, x_range=(0, 2), y_range=(0, 8))
    (fn,) = taylor_explorer_data([entry], max_order=2, samples=5)["functions"]
    assert fn["a"] == 1.0 and fn["window"] == [0.0, 2.0, 0.0, 8.0]
    assert fn["coefficients"] == pytest.approx([np.e, np.e, np.e / 2], rel=1e-10)


# --------------------------------------------------------------------------- the HTML


def test_html_is_a_self_contained_widget():
    widget = taylor_explorer(max_order=MAX_ORDER, order=2, widget_id="tw")
    assert isinstance(widget, HTMLWidget)
    assert widget._repr_html_() == str(widget)
    assert re.fullmatch(r"<HTMLWidget: \d+ characters of HTML>", repr(widget))
    assert len(widget) < 150_000, "the page stays small"
    # labelled, keyboard-accessible controls
    assert '<label for="tw-function">' in widget and '<select id="tw-function">' in widget
    assert '<label for="tw-order">' in widget
    assert re.search(r'<input type="range" id="tw-order" min="0" max="12" step="1" value="2"', widget)
    assert widget.count("<option ") == len(DEFAULT_FUNCTIONS)
    # no network: no external script, style sheet or image
    assert not re.search(r"\b(src|href)=", widget)
    assert "fetch(" not in widget and "XMLHttpRequest" not in widget
    # the data round-trip, and the script initialises this widget
    payload = re.search(r'<script type="application/json" id="tw-data">(.*?)</script>', widget, re.S).group(1)
    assert json.loads(payload) == json.loads(json.dumps(taylor_explorer_data(max_order=MAX_ORDER, order=2)))
    assert 'window.mvcalcTaylor.init("tw")' in widget
    assert "mathjax_ignore" in widget, "MathJax leaves the widget alone"


def test_output_is_deterministic_and_ids_unique():
    menu = [("cos x, for the determinism test", np.cos)]  # data no other test builds
    first = taylor_explorer(menu, max_order=3, samples=13)
    again = taylor_explorer(menu, max_order=3, samples=13)
    other = taylor_explorer([("sin x, for the determinism test", np.sin)], max_order=3, samples=13)
    id_of = lambda w: re.match(r'<div class="mvcalc-taylor[^"]*" id="([\w-]+)"', w).group(1)  # noqa: E731
    assert re.fullmatch(r"mvcalc-taylor-[0-9a-f]{10}", id_of(first)), "derived from the data"
    assert id_of(again) == id_of(first) + "-2", "a second identical widget gets its own id"
    assert id_of(other) != id_of(first)
    assert first.replace(id_of(first), "ID") == again.replace(id_of(again), "ID"), "same data, same HTML"
    fixed = [taylor_explorer(menu, max_order=3, samples=13, widget_id="w1") for _ in range(2)]
    assert fixed[0] == fixed[1] and repr(fixed[0]) == repr(fixed[1])


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"max_order": -1}, ValueError, "max_order"),
        ({"max_order": 21}, ValueError, "max_order"),
        ({"max_order": 2.0}, TypeError, "max_order"),
        ({"max_order": True}, TypeError, "max_order"),
        ({"max_order": 3, "order": 4}, ValueError, "order"),
        ({"samples": 1}, ValueError, "samples"),
        ({"x_range": (1, 1)}, ValueError, "x_range"),
        ({"x_range": (0, np.inf)}, ValueError, "x_range"),
        ({"x_range": "wide"}, TypeError, "x_range"),
        ({"functions": []}, ValueError, "at least one"),
        ({"functions": [("cos x",)]}, ValueError, r"\(label, f\)"),
        ({"functions": [42]}, TypeError, "TaylorFunction"),
        ({"functions": [("", np.cos)]}, ValueError, "label"),
        ({"functions": [("cos x", "cos")]}, TypeError, "callable"),
        ({"functions": [("ln x", np.log, 0.0)]}, ValueError, "cannot be expanded"),
        ({"functions": [("cos x", np.cos, np.nan)]}, ValueError, "point of 'cos x' must be finite, got nan"),
        ({"functions": [("cos x", np.cos, "0")]}, TypeError, "point of 'cos x' must be a real number, got str '0'"),
        ({"functions": [("cos x", np.cos, True)]}, TypeError, "point of 'cos x' must be a real number, got bool"),
        ({"functions": [TaylorFunction("cos x", np.cos, y_range=(2, 1))]}, ValueError, "y_range"),
        ({"widget_id": "1abc"}, ValueError, "widget_id"),
        ({"widget_id": 'a" onload="x'}, ValueError, "widget_id"),
    ],
)
def test_validation(kwargs, error, match):
    kwargs = {"samples": 11, "max_order": 3, **kwargs}
    with pytest.raises(error, match=match):
        taylor_explorer(**kwargs)


# --------------------------------------------------------------------------- in a real browser

PAGE = "book/m4/power-series.html"

STATE = """(root) => ({
  order: root.getAttribute('data-order'),
  fn: root.getAttribute('data-function'),
  value: root.querySelector('.mvt-order').textContent,
  readout: root.querySelector('.mvt-readout').textContent,
  poly: root.querySelector('path.mvt-polynomial').getAttribute('d'),
  func: root.querySelector('path.mvt-function').getAttribute('d'),
  legend: root.querySelector('.mvt-legend').textContent,
  label: root.querySelector('svg.mvt-plot').getAttribute('aria-label'),
})"""

COLOURS = """(root) => {
  const style = (e) => getComputedStyle(e);
  // the colour actually behind an element: its own, or the first non-transparent ancestor's
  const behind = (e) => {
    for (let n = e; n; n = n.parentElement) {
      const c = style(n).backgroundColor;
      if (c && c !== 'rgba(0, 0, 0, 0)' && c !== 'transparent') return c;
    }
    return 'rgb(255, 255, 255)';
  };
  const select = root.querySelector('select');
  const label = root.querySelector('label');
  const tick = root.querySelector('.mvt-ticks text');
  return {
    theme: document.documentElement.getAttribute('data-theme'),
    selectText: style(select).color, selectBack: behind(select),
    labelText: style(label).color, labelBack: behind(label),
    tickFill: style(tick).fill, rootBack: behind(root),
    readoutText: style(root.querySelector('.mvt-readout')).color,
  };
}"""


def _rgb(text: str) -> tuple[float, ...]:
    return tuple(float(v) for v in re.findall(r"[\d.]+", text)[:3])


def _luminance(text: str) -> float:
    r, g, b = (c / 255 for c in _rgb(text))
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in (r, g, b)]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def _contrast(a: str, b: str) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


@pytest.mark.book
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_explorer_in_the_browser(browser, scheme, tmp_path):
    if not (HTML / PAGE).is_file():
        pytest.fail(f"{PAGE} is not built: build the book (with Module 4 in _toc.yml) first")
    with serve(HTML) as site:
        context = browser.new_context(color_scheme=scheme, viewport={"width": 1100, "height": 900})
        tab = context.new_page()
        errors, outside = [], []
        tab.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        tab.on("pageerror", lambda e: errors.append(str(e)))

        def route(r):
            if r.request.url.startswith(("data:", "blob:")) or urlparse(r.request.url).hostname == "127.0.0.1":
                r.continue_()
            else:
                outside.append(r.request.url)
                r.abort()

        tab.route("**/*", route)
        tab.goto(f"{site}/{PAGE}", wait_until="load")
        root = tab.locator("div.mvcalc-taylor").first
        root.wait_for()
        assert root.get_attribute("data-ready") == "1", "the script ran"
        root_id = root.get_attribute("id")
        select = tab.locator(f"#{root_id}-function")
        slider = tab.locator(f"#{root_id}-order")
        # the controls are labelled
        assert tab.locator(f'label[for="{root_id}-function"]').inner_text().strip() == "Function"
        assert tab.locator(f'label[for="{root_id}-order"]').inner_text().strip() == "Order"

        state = root.evaluate(STATE)
        assert state["order"] == "2" and state["fn"] == "0"
        assert state["value"] == "n = 2"
        assert state["readout"] == "p₂(x) = 1 − x²/2"
        assert state["poly"].count("L") > 50, "the polynomial is drawn"
        assert "order 2" in state["legend"] and "cos x" in state["label"]
        root.screenshot(path=str(tmp_path / f"{scheme}-cos-2.png"))

        # keyboard: one step right; cos has no x^3 term, so the curve stays, the text changes
        slider.focus()
        tab.keyboard.press("ArrowRight")
        step3 = root.evaluate(STATE)
        assert step3["order"] == "3" and step3["value"] == "n = 3"
        assert step3["readout"] == "p₃(x) = 1 − x²/2"
        assert step3["poly"] == state["poly"], "an odd order adds nothing to the cosine"
        tab.keyboard.press("ArrowRight")
        step4 = root.evaluate(STATE)
        assert step4["readout"] == "p₄(x) = 1 − x²/2 + x⁴/24"
        assert step4["poly"] != state["poly"], "order 4 bends the curve"

        # fill: jump to order 6
        slider.fill("6")
        step6 = root.evaluate(STATE)
        assert step6["order"] == "6" and step6["readout"].startswith("p₆(x) = 1 − x²/2 + x⁴/24 − x⁶/720")
        assert step6["poly"] not in (state["poly"], step4["poly"])

        # the menu: 1/x about 1; both the function and the polynomial change
        select.select_option(label="1/x, about x = 1")
        recip = root.evaluate(STATE)
        assert recip["fn"] == "3" and recip["order"] == "6"
        assert recip["readout"].startswith("p₆(x) = 1 − (x − 1) + (x − 1)²")
        assert recip["func"] != step6["func"] and recip["poly"] != step6["poly"]
        assert recip["func"].count("M") >= 2, "the two branches of 1/x are drawn apart (no line across the pole)"
        assert "about x = 1" in recip["legend"]
        root.screenshot(path=str(tmp_path / f"{scheme}-reciprocal-6.png"))

        # keyboard on the menu too: ArrowDown selects the next function, ln x
        select.focus()
        tab.keyboard.press("ArrowDown")
        log = root.evaluate(STATE)
        assert log["fn"] == "4" and log["readout"].startswith("p₆(x) = (x − 1) − (x − 1)²/2")

        colours = root.evaluate(COLOURS)
        context.close()

    assert not outside, f"the widget fetched from outside the site: {outside}"
    assert not errors, f"console errors: {errors}"
    if scheme == "dark":
        assert colours["theme"] == "dark", "the book follows the reader's colour scheme"
        assert _luminance(colours["rootBack"]) < 0.1, "a dark widget in the dark mode"
    else:
        assert _luminance(colours["rootBack"]) > 0.8
    for text, back in (
        ("selectText", "selectBack"),
        ("labelText", "labelBack"),
        ("tickFill", "rootBack"),
        ("readoutText", "rootBack"),
    ):
        assert colours[text] != colours[back]
        assert _contrast(colours[text], colours[back]) > 4.5, f"{text} on {back}: {colours}"
