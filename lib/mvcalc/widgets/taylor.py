"""The Taylor-series explorer: a function and its Taylor polynomial of a chosen order.

The reader picks a function and drags a slider for the order :math:`n`; the
widget draws the function and its Taylor polynomial about the point :math:`a`,

.. math::

    p_n(x) = \\sum_{k=0}^{n} \\frac{f^{(k)}(a)}{k!} (x - a)^k,

and writes the polynomial out. Everything is computed here, in Python, when
the page executes: the coefficients by :func:`mvcalc.taylor_coefficients`, the
samples of the function and of every polynomial by numpy. The browser only
draws, with a small script of its own (``static/taylor.js``), so the widget
works in the published book with no kernel.

Introduced in: Module 4, *Power Series* (``book/m4/power-series.md``).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from .._validation import check_integer, check_real_scalar
from ..taylor import taylor_coefficients
from . import HTMLWidget, escape, static_text, to_json

__all__ = ["TaylorFunction", "DEFAULT_FUNCTIONS", "taylor_explorer", "taylor_explorer_data", "polynomial_formula"]


@dataclass(frozen=True)
class TaylorFunction:
    """One function of the explorer's menu.

    Parameters
    ----------
    label : str
        How the page names the function, as plain text (``"cos x"``).
    f : callable
        ``f(x)`` for numpy arrays, real *and* complex: the coefficients come
        from :func:`mvcalc.taylor_coefficients`, which evaluates ``f`` on a
        small circle in the complex plane.
    a : float, optional
        The point the polynomials are expanded about; by default the ``a`` of
        :func:`taylor_explorer`.
    x_range, y_range : (float, float), optional
        The window drawn. By default the ``x_range`` of :func:`taylor_explorer`,
        and a ``y_range`` that fits the function's values on it.

    Introduced in: Module 4, *Power Series*.
    """

    label: str
    f: Callable
    a: float | None = None
    x_range: tuple[float, float] | None = None
    y_range: tuple[float, float] | None = None


#: The functions of the course's "Visualising Taylor Series" widget.
DEFAULT_FUNCTIONS = (
    TaylorFunction("cos x", np.cos, 0.0, (-7.0, 7.0), (-3.0, 3.0)),
    TaylorFunction("sin x", np.sin, 0.0, (-7.0, 7.0), (-3.0, 3.0)),
    TaylorFunction("e\u02e3", np.exp, 0.0, (-5.0, 3.5), (-3.0, 12.0)),
    TaylorFunction("1/x", np.reciprocal, 1.0, (-2.0, 4.0), (-4.0, 5.0)),
    TaylorFunction("ln x", np.log, 1.0, (-1.0, 4.0), (-4.0, 3.0)),
)

_SUPERSCRIPT = str.maketrans("0123456789", "\u2070\u00b9\u00b2\u00b3\u2074\u2075\u2076\u2077\u2078\u2079")
_SUBSCRIPT = str.maketrans("0123456789", "\u2080\u2081\u2082\u2083\u2084\u2085\u2086\u2087\u2088\u2089")
_MINUS = "\u2212"
_ID = re.compile(r"[A-Za-z][A-Za-z0-9_-]*\Z")
_issued: dict[str, int] = {}  # ids already given out in this session, by digest


def _number(value: float) -> str:
    """A short decimal with a real minus sign: 1, 0.5, -2.25 -> '1', '0.5', '−2.25'."""
    text = f"{float(value):.6g}"
    return text.replace("-", _MINUS)


def _as_fraction(c: float) -> Fraction | None:
    """``c`` as a simple fraction p/q, if it is one (to 1e-8 relative), else None.

    The first convergent of the continued fraction of ``c`` that is that close
    is the simplest fraction near ``c``; it counts as simple if ``|p| <= 1000``.
    So 1/39916800 (= 1/11!) and -41/120 are recognised, and e is not.
    """
    c = float(c)
    x, (p0, q0), (p1, q1) = abs(c), (0, 1), (1, 0)
    for _ in range(40):
        a = int(x)
        p0, q0, p1, q1 = p1, q1, a * p1 + p0, a * q1 + q0
        if abs(p1 / q1 - abs(c)) <= 1e-8 * abs(c) or p1 > 1000:
            break
        if x == a:
            break
        x = 1 / (x - a)
    if p1 > 1000 or q1 > 10**13 or abs(p1 / q1 - abs(c)) > 1e-8 * abs(c):
        return None
    return Fraction(p1 if c >= 0 else -p1, q1)


def polynomial_formula(coefficients: Sequence[float], a: float = 0.0, *, name: str = "p") -> str:
    """The polynomial :math:`\\sum_k c_k (x - a)^k` written out as plain text.

    Coefficients that are fractions with small denominators (as the Taylor
    coefficients of the elementary functions are) are written as fractions,
    the others to four significant figures; zero terms are left out.

    Parameters
    ----------
    coefficients : sequence of float, shape (n + 1,)
        :math:`c_0, c_1, \\dots, c_n`.
    a : float
        The point of expansion.
    name : str
        The polynomial's name; the result starts ``name`` with the order ``n``
        as a subscript.

    Returns
    -------
    str
        For example ``'p₄(x) = 1 − x²/2 + x⁴/24'``.

    Examples
    --------
    >>> polynomial_formula([1.0, 0.0, -0.5, 0.0, 1 / 24])
    'p₄(x) = 1 − x²/2 + x⁴/24'
    >>> polynomial_formula([0.0, 1.0, -0.5, 1 / 3], a=1.0)
    'p₃(x) = (x − 1) − (x − 1)²/2 + (x − 1)³/3'

    Introduced in: Module 4, *Power Series*.
    """
    coefficients = [float(c) for c in coefficients]
    n = len(coefficients) - 1
    scale = max([abs(c) for c in coefficients] + [1.0])
    if a == 0:
        base = "x"
    else:
        base = f"(x {'−' if a > 0 else '+'} {_number(abs(a))})"
    terms = []
    for k, c in enumerate(coefficients):
        if abs(c) <= 1e-10 * scale:
            continue
        power = "" if k == 0 else base + (str(k).translate(_SUPERSCRIPT) if k > 1 else "")
        frac = _as_fraction(c)
        if frac is not None:
            p, q = abs(frac.numerator), frac.denominator
            if k == 0:
                body = f"{p}/{q}" if q > 1 else f"{p}"
            else:
                body = ("" if p == 1 else f"{p}") + power + (f"/{q}" if q > 1 else "")
        else:
            body = f"{abs(c):.4g}" + (" " + power if power else "")
        terms.append((c < 0, body))
    text = "0"
    if terms:
        negative, body = terms[0]
        text = (_MINUS if negative else "") + body
        for negative, body in terms[1:]:
            text += f" {_MINUS if negative else '+'} {body}"
    return f"{name}{str(n).translate(_SUBSCRIPT)}(x) = {text}"


def _check_range(value, name: str) -> tuple[float, float]:
    try:
        lo, hi = (float(v) for v in value)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a pair of numbers (low, high), got {value!r}") from None
    if not (np.isfinite(lo) and np.isfinite(hi) and lo < hi):
        raise ValueError(f"{name} must be finite with low < high, got {value!r}")
    return lo, hi


def _check_int(value, name: str, low: int, high: int) -> int:
    n = check_integer(value, name, minimum=low)
    if n > high:
        raise ValueError(f"{name} must be at most {high}, got {value!r}")
    return n


def _as_entry(item, a: float, x_range: tuple[float, float]) -> TaylorFunction:
    """A :class:`TaylorFunction` from an entry of ``functions``, with the defaults filled in."""
    if isinstance(item, tuple) and not isinstance(item, TaylorFunction):
        if len(item) not in (2, 3):
            raise ValueError(f"a function is given as (label, f) or (label, f, a), got a tuple of {len(item)}")
        item = TaylorFunction(*item)
    if not isinstance(item, TaylorFunction):
        raise TypeError(f"each function must be a TaylorFunction or a tuple (label, f[, a]), got {item!r}")
    if not isinstance(item.label, str) or not item.label.strip():
        raise ValueError(f"a function's label must be a non-empty string, got {item.label!r}")
    if not callable(item.f):
        raise TypeError(f"the f of {item.label!r} must be callable, got {item.f!r}")
    point = check_real_scalar(a if item.a is None else item.a, f"the expansion point of {item.label!r}")
    xr = _check_range(x_range if item.x_range is None else item.x_range, f"the x_range of {item.label!r}")
    yr = None if item.y_range is None else _check_range(item.y_range, f"the y_range of {item.label!r}")
    return TaylorFunction(item.label, item.f, point, xr, yr)


def _clean(values: np.ndarray, lo: float, hi: float, decimals: int) -> list:
    """Samples for the page: clamped far outside the window, rounded, non-finite as None."""
    span = hi - lo
    finite = np.isfinite(values)
    values = np.clip(np.where(finite, values, 0.0), lo - 10 * span, hi + 10 * span)
    values = np.round(values, decimals) + 0.0  # + 0.0: no "-0.0"
    return [float(v) if ok else None for v, ok in zip(values, finite, strict=True)]


def taylor_explorer_data(
    functions: Sequence[TaylorFunction | tuple] = DEFAULT_FUNCTIONS,
    *,
    a: float = 0.0,
    max_order: int = 10,
    x_range: tuple[float, float] = (-6.0, 6.0),
    samples: int = 201,
    decimals: int = 3,
    order: int = 1,
) -> dict:
    """The data that :func:`taylor_explorer` embeds in the page, as a dictionary.

    Parameters are those of :func:`taylor_explorer`. For each function the
    dictionary holds ``label``, ``a``, ``fa`` (the value :math:`f(a)`),
    ``window`` (``[x_low, x_high, y_low, y_high]``), the grid ``x``, the
    samples ``y`` of the function, ``coefficients`` (:math:`f^{(k)}(a)/k!`
    for :math:`k = 0, \\dots,` ``max_order``), ``polynomials`` (row ``n`` holds
    the samples of :math:`p_n`) and ``formulas`` (row ``n`` is :math:`p_n`
    written out). Samples are rounded to ``decimals`` decimals and clamped to ten
    window heights beyond the window; where the function is undefined they are
    ``None``.

    Examples
    --------
    >>> data = taylor_explorer_data([("cos x", np.cos)], max_order=4, x_range=(-1, 1), samples=5)
    >>> fn = data["functions"][0]
    >>> fn["x"]
    [-1.0, -0.5, 0.0, 0.5, 1.0]
    >>> fn["polynomials"][2]
    [0.5, 0.875, 1.0, 0.875, 0.5]
    >>> fn["formulas"][4]
    'p₄(x) = 1 − x²/2 + x⁴/24'

    Introduced in: Module 4, *Power Series*.
    """
    max_order = _check_int(max_order, "max_order", 0, 20)
    order = _check_int(order, "order", 0, max_order)
    samples = _check_int(samples, "samples", 2, 2001)
    decimals = _check_int(decimals, "decimals", 0, 8)
    x_range = _check_range(x_range, "x_range")
    if isinstance(functions, (TaylorFunction, tuple)) and not (
        isinstance(functions, tuple) and functions and isinstance(functions[0], (TaylorFunction, tuple))
    ):
        functions = [functions]
    entries = [_as_entry(item, a, x_range) for item in functions]
    if not entries:
        raise ValueError("functions must hold at least one function")

    out = []
    for entry in entries:
        x = np.round(np.linspace(*entry.x_range, samples), 6) + 0.0
        with np.errstate(all="ignore"):
            y = np.asarray(entry.f(x), dtype=float)
            fa = float(np.asarray(entry.f(np.float64(entry.a)), dtype=float))
        if y.shape != x.shape:
            raise ValueError(f"f of {entry.label!r} must return one value per x: shape {x.shape}, got {y.shape}")
        if not np.isfinite(fa):
            raise ValueError(f"{entry.label!r} cannot be expanded about x = {entry.a:g}: f(a) = {fa}")
        coefficients = np.asarray(taylor_coefficients(entry.f, entry.a, max_order), dtype=float)
        coefficients[np.abs(coefficients) <= 1e-10 * np.abs(coefficients).max()] = 0.0  # zero to rounding
        if entry.y_range is not None:
            ylo, yhi = entry.y_range
        else:
            finite = y[np.isfinite(y)]
            ylo, yhi = (float(finite.min()), float(finite.max())) if finite.size else (-1.0, 1.0)
            if yhi - ylo > 50:  # a pole: frame the bulk of the values instead
                ylo, yhi = (float(v) for v in np.percentile(finite, [5, 95]))
            pad = 0.25 * (yhi - ylo) if yhi > ylo else 1.0
            ylo, yhi = round(ylo - pad, 2), round(yhi + pad, 2)
        polynomials, formulas = [], []
        for n in range(max_order + 1):
            values = np.polynomial.polynomial.polyval(x - entry.a, coefficients[: n + 1])
            polynomials.append(_clean(values, ylo, yhi, decimals))
            formulas.append(polynomial_formula(coefficients[: n + 1], entry.a))
        out.append(
            {
                "label": entry.label,
                "a": entry.a,
                "fa": round(fa, decimals) + 0.0,
                "window": [entry.x_range[0], entry.x_range[1], ylo, yhi],
                "x": [float(v) for v in x],
                "y": _clean(y, ylo, yhi, decimals),
                "coefficients": [float(f"{c:.12g}") + 0.0 for c in coefficients],
                "polynomials": polynomials,
                "formulas": formulas,
            }
        )
    return {"functions": out, "max_order": max_order, "order": order}


def taylor_explorer(
    functions: Sequence[TaylorFunction | tuple] = DEFAULT_FUNCTIONS,
    *,
    a: float = 0.0,
    max_order: int = 10,
    x_range: tuple[float, float] = (-6.0, 6.0),
    samples: int = 201,
    decimals: int = 3,
    order: int = 1,
    widget_id: str | None = None,
) -> HTMLWidget:
    """An interactive plot of functions and their Taylor polynomials, for a static page.

    The reader chooses a function from a menu and the order :math:`n` with a
    slider; the plot shows the function, its Taylor polynomial

    .. math::

        p_n(x) = \\sum_{k=0}^{n} \\frac{f^{(k)}(a)}{k!} (x - a)^k

    about :math:`a`, and the point :math:`(a, f(a))` where the two touch, and a
    line of text writes :math:`p_n` out. The data are computed now (see
    :func:`taylor_explorer_data`) and embedded as JSON with the drawing script,
    so the result needs no kernel, no server and no network.

    Parameters
    ----------
    functions : sequence of TaylorFunction or (label, f[, a]) tuples, optional
        The menu; by default :data:`DEFAULT_FUNCTIONS`: cos x, sin x and eˣ
        about 0, 1/x and ln x about 1. Each ``f`` must accept complex arrays.
        A single entry may be given on its own.
    a : float, optional
        The expansion point of entries that do not give their own.
    max_order : int, optional
        The slider runs from 0 to ``max_order`` (at most 20). Coefficients
        below :math:`10^{-10}` times the largest are taken to be zero (that is
        the accuracy of :func:`mvcalc.taylor_coefficients`), so keep
        :math:`k!` well below :math:`10^{10}`, i.e. ``max_order`` up to about 12,
        for functions such as :math:`e^x` whose coefficients are :math:`1/k!`.
    x_range : (float, float), optional
        The window of entries that do not give their own.
    samples : int, optional
        Grid points per function.
    decimals : int, optional
        Decimals kept of every sample: the page stays small and deterministic.
    order : int, optional
        The order shown first.
    widget_id : str, optional
        The id of the widget's root element (letters, digits, ``-``, ``_``).
        By default one derived from the data, so that it is the same on every
        build; a second widget with identical data gets ``-2``, and so on.

    Returns
    -------
    HTMLWidget
        HTML that Jupyter and the book display as the widget.

    Raises
    ------
    TypeError, ValueError
        For a malformed menu, a range that is not ``(low, high)``, an order
        outside ``0 .. max_order``, a bad id, or a function that is undefined
        at its expansion point.

    Examples
    --------
    >>> widget = taylor_explorer([("cos x", np.cos)], max_order=4, samples=11, widget_id="demo")
    >>> widget.startswith('<div class="mvcalc-taylor')
    True
    >>> 'id="demo-order"' in widget and 'max="4"' in widget
    True

    Introduced in: Module 4, *Power Series*.
    """
    data = taylor_explorer_data(
        functions, a=a, max_order=max_order, x_range=x_range, samples=samples, decimals=decimals, order=order
    )
    payload = to_json(data)
    if widget_id is None:
        digest = hashlib.sha256(payload.encode("utf8")).hexdigest()[:10]
        count = _issued[digest] = _issued.get(digest, 0) + 1
        widget_id = f"mvcalc-taylor-{digest}" + ("" if count == 1 else f"-{count}")
    elif not isinstance(widget_id, str) or not _ID.match(widget_id):
        raise ValueError(
            f"widget_id must start with a letter and hold only letters, digits, - and _, got {widget_id!r}"
        )
    i = escape(widget_id)
    options = "".join(
        f'<option value="{k}"{" selected" if k == 0 else ""}>{escape(fn["label"])}'
        f"{escape(', about x = ' + _number(fn['a'])) if fn['a'] != 0 else ''}</option>"
        for k, fn in enumerate(data["functions"])
    )
    html = (
        f'<div class="mvcalc-taylor tex2jax_ignore mathjax_ignore" id="{i}">'
        f"<style>{static_text('taylor.css')}</style>"
        f'<div class="mvt-controls">'
        f'<span><label for="{i}-function">Function</label>'
        f'<select id="{i}-function">{options}</select></span>'
        f'<span><label for="{i}-order">Order</label>'
        f'<input type="range" id="{i}-order" min="0" max="{data["max_order"]}" step="1" '
        f'value="{data["order"]}" aria-describedby="{i}-readout"> '
        f'<output class="mvt-order" id="{i}-value" for="{i}-order">n = {data["order"]}</output></span>'
        f"</div>"
        f'<output class="mvt-readout" id="{i}-readout" for="{i}-function {i}-order" aria-live="polite">'
        f"</output>"
        f'<div class="mvt-legend" aria-hidden="true"></div>'
        f'<svg class="mvt-plot" viewBox="0 0 640 380" role="img" '
        f'aria-label="Graph of a function and its Taylor polynomial" '
        f'xmlns="http://www.w3.org/2000/svg"></svg>'
        f'<noscript><p class="mvt-note">This interactive plot needs JavaScript.</p></noscript>'
        f'<script type="application/json" id="{i}-data">{payload}</script>'
        f"<script>{static_text('taylor.js')}\nwindow.mvcalcTaylor.init({to_json(widget_id)});</script>"
        f"</div>"
    )
    return HTMLWidget(html)
