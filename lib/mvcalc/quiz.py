"""Questions whose answers the page's own code computes, checked in the reader's browser.

A page builds each question in a code cell and glues it under a name,

>>> import sympy as sp
>>> x = sp.symbols("x")
>>> q = formula(sp.diff(x**3, x), variables="x",
...             wrong={x**2: "that is the function itself", 3 * x**3: "the power comes down *and* drops by one"})
>>> q
<formula question: 1 variant, 2 common wrong answers>
>>> q.spec["variants"][0]["answer"]
'3*x^2'

and then writes the question's text in a ``{question}`` block that names it (the book's
``tools/questions.py``; CONTRIBUTING.md shows a whole example). The build turns the block into a
small form; the reader's answer is checked in the browser by ``tools/questions/check.js``, and the
build feeds every question's own answer, and every common wrong answer listed here, to that same
code: a question whose answer is not accepted, or whose wrong answer is, fails the build.

There are five kinds of answer:

- :func:`formula`: an expression in the question's variables, accepted when it equals the answer at
  many random points of the domain, so every equivalent form is right;
- :func:`numeric`: a number, within a stated tolerance and with units where they apply;
- :func:`matrix`: a vector or a matrix of numbers or formulas (a gradient, a Jacobian, a Hessian, a
  layer's output), checked entry by entry, with the shape and the transpose named when they are wrong;
- :func:`choice`: one or several of a list of options (text or a figure made by the page's code),
  each wrong option with the misconception it stands for;
- and any of these with seeded *variants* (:func:`variants`): a new set of numbers at a click.

The reference values are computed here with sympy's arbitrary-precision arithmetic, so they are the
same on every machine, and rounded to 12 significant digits.

Introduced in: *Functions* (``book/m1/functions.md``), the first page with questions.
"""

from __future__ import annotations

import base64
import io
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import sympy as sp
from sympy.printing.str import StrPrinter

from ._validation import check_integer, check_real_scalar

__all__ = ["Option", "Question", "choice", "formula", "matrix", "numeric", "plot", "to_mathjs", "variants"]

#: How many points of the domain a formula is compared at.
DEFAULT_POINTS = 8
#: Default tolerances of a formula or matrix answer: the reader's value ``u`` is accepted against
#: the answer's ``v`` when ``|u - v| <= atol + rtol * |v|`` at every point.
FORMULA_RTOL = 1e-6
FORMULA_ATOL = 1e-9
#: Default relative tolerance of a numeric answer: within 0.5 %, about three significant figures.
NUMERIC_RTOL = 5e-3
#: Functions the reader may type (the page's checker knows exactly these; ``ln`` is ``log``).
FUNCTIONS = (
    "sin",
    "cos",
    "tan",
    "sec",
    "csc",
    "cot",
    "asin",
    "acos",
    "atan",
    "sinh",
    "cosh",
    "tanh",
    "sech",
    "csch",
    "coth",
    "exp",
    "log",
    "ln",
    "sqrt",
    "cbrt",
    "abs",
    "sign",
)
_SPEC_FORMAT = 1
#: The MIME type a question is glued under (a "+json" type, so a notebook stores it as JSON).
MIME_TYPE = "application/vnd.mvcalc.question+json"


# --- sympy to the notation the reader types -----------------------------------------------------


class _MathjsPrinter(StrPrinter):
    """Print a sympy expression in the notation of the page's maths parser (mathjs): ``^`` for powers."""

    def _print_Pow(self, expr, rational=False):
        base, exponent = expr.as_base_exp()
        if exponent == sp.S.Half:
            return f"sqrt({self._print(base)})"
        if exponent == -1:
            return f"1/{self._atom(base)}"
        if exponent.is_Rational and exponent < 0:
            return f"1/{self._atom(base)}^{self._atom(-exponent)}"
        return f"{self._atom(base)}^{self._atom(exponent)}"

    def _atom(self, expr) -> str:
        text = self._print(expr)
        simple = expr.is_Symbol or expr.is_Function or (expr.is_Integer and expr >= 0) or expr in (sp.E, sp.pi)
        return text if simple else f"({text})"

    def _print_Exp1(self, expr):
        return "e"

    def _print_Pi(self, expr):
        return "pi"

    def _print_Abs(self, expr):
        return f"abs({self._print(expr.args[0])})"

    def _print_ImaginaryUnit(self, expr):
        raise ValueError("answers are real: the expression contains the imaginary unit I")

    def _print_Function(self, expr):
        name = expr.func.__name__
        if name not in FUNCTIONS:
            raise ValueError(f"the page's checker does not know the function {name}; use one of {', '.join(FUNCTIONS)}")
        return f"{name}({', '.join(self._print(a) for a in expr.args)})"

    def _print_Rational(self, expr):
        return f"{expr.p}/{expr.q}" if expr.q != 1 else str(expr.p)

    def _print_Float(self, expr):
        return repr(float(expr))


def to_mathjs(expr: Any) -> str:
    """The expression as the reader would type it (``^`` for powers), for the page's checker.

    >>> x, y = sp.symbols("x y")
    >>> to_mathjs(x**2 * y + sp.exp(-x**2) / 2)
    'x^2*y + exp(-x^2)/2'

    Introduced in: Module 1, *Functions*, the first page with questions.
    """
    expr = _sympify(expr, "expr")
    if isinstance(expr, sp.MatrixBase):
        rows = [", ".join(to_mathjs(e) for e in expr.row(i)) for i in range(expr.rows)]
        return "[" + "; ".join(rows) + "]"
    return _MathjsPrinter().doprint(expr)


def _sympify(value: Any, name: str):
    if isinstance(value, (sp.Basic, sp.MatrixBase)):
        return value
    if isinstance(value, bool) or value is None:
        raise TypeError(f"{name} must be a sympy expression, a number or a string sympy can read, got {value!r}")
    try:
        return sp.sympify(value, rational=isinstance(value, str))
    except (sp.SympifyError, SyntaxError, TypeError) as exc:
        raise TypeError(
            f"{name} must be a sympy expression, a number or a string sympy can read, got {value!r}"
        ) from exc


def _round(value: float) -> float:
    """12 significant digits: the same on every machine, far inside any tolerance the checker uses."""
    return float(f"{value:.12g}")


def _real(expr, subs: Mapping, what: str) -> float | None:
    """The value of ``expr`` at ``subs`` as a float, or None where it is not a finite real number."""
    value = sp.N(expr.subs(subs) if subs else expr, 17)
    if not value.is_number:
        stray = sorted(map(str, value.free_symbols))
        raise ValueError(f"{what} has symbols that are not variables of the question: {stray}")
    if value.has(sp.zoo, sp.oo, -sp.oo, sp.nan):
        return None
    re_part, im_part = value.as_real_imag()
    re_part, im_part = complex(re_part).real, complex(im_part).real
    if abs(im_part) > 1e-12 * max(1.0, abs(re_part)) or not math.isfinite(re_part):
        return None
    return re_part


# --- the variables and the points a formula is compared at ---------------------------------------


def _symbols(variables: Any) -> list[sp.Symbol]:
    if isinstance(variables, str):
        variables = variables.replace(",", " ").split()
    if isinstance(variables, sp.Symbol):
        variables = [variables]
    try:
        names = [sp.Symbol(v) if isinstance(v, str) else v for v in variables]
    except TypeError as exc:
        raise TypeError(f"variables must be a string like 'x y' or a list of sympy symbols, got {variables!r}") from exc
    for s in names:
        if not isinstance(s, sp.Symbol):
            raise TypeError(f"variables must be sympy symbols or their names, got {s!r}")
        if str(s) in FUNCTIONS or str(s) in ("e", "pi", "i"):
            raise ValueError(f"{s} cannot be a variable: the reader's {s} means the function or constant")
    if len({str(s) for s in names}) != len(names):
        raise ValueError(f"variables are named twice: {[str(s) for s in names]}")
    return names


def _domain(domain: Any, names: Sequence[sp.Symbol]) -> dict[str, tuple[float, float]]:
    if domain is None:
        domain = (-2.0, 2.0)
    if isinstance(domain, Mapping):
        boxes = {str(k): v for k, v in domain.items()}
        unknown = set(boxes) - {str(s) for s in names}
        if unknown:
            raise ValueError(f"domain names {sorted(unknown)}, which are not variables of the question")
        boxes = {str(s): boxes.get(str(s), (-2.0, 2.0)) for s in names}
    else:
        boxes = {str(s): domain for s in names}
    out = {}
    for name, box in boxes.items():
        try:
            lo, hi = (float(b) for b in box)
        except (TypeError, ValueError) as exc:
            raise TypeError(f"the domain of {name} must be a pair (low, high), got {box!r}") from exc
        if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
            raise ValueError(f"the domain of {name} must be finite with low < high, got {box!r}")
        out[name] = (lo, hi)
    return out


def _points(exprs: Sequence, names: Sequence[sp.Symbol], domain: dict, npoints: int, seed: int) -> list[dict]:
    """``npoints`` random points of the domain (4 decimals) where every expression is real and finite."""
    if not names:
        return [{}]
    rng = np.random.default_rng(seed)
    points: list[dict] = []
    for _ in range(40 * npoints):
        point = {str(s): round(float(rng.uniform(*domain[str(s)])), 4) for s in names}
        subs = {s: sp.Rational(str(point[str(s)])) for s in names}
        if all(_real(e, subs, "the answer") is not None for e in exprs):
            points.append(point)
            if len(points) == npoints:
                return points
    raise ValueError(
        f"the answer is not a finite real number at enough points of the domain {domain}; "
        "choose a domain where it is defined"
    )


def _values(expr, names, points) -> list[float]:
    out = []
    for point in points:
        subs = {s: sp.Rational(str(point[str(s)])) for s in names}
        value = _real(expr, subs, "the answer")
        out.append(None if value is None else _round(value))
    return out


def _tex(expr) -> str:
    if isinstance(expr, sp.MatrixBase):  # the book writes matrices as bmatrix (notation page)
        return sp.latex(expr, mat_str="bmatrix", mat_delim="")
    return sp.latex(expr)


# --- questions ----------------------------------------------------------------------------------


class Question:
    """A question's answer, its common wrong answers and their feedback, ready to glue into a page.

    ``spec`` is the JSON the page's checker reads: ``{"kind": ..., "variants": [...]}``, one entry a
    variant. Build one with :func:`formula`, :func:`numeric`, :func:`matrix`, :func:`choice` or
    :func:`variants`.

    Introduced in: Module 1, *Functions*, the first page with questions.
    """

    def __init__(self, kind: str, variants: list[dict], images: dict[str, str] | None = None):
        self.kind = kind
        self.spec = {"format": _SPEC_FORMAT, "kind": kind, "variants": variants}
        self.images = images or {}

    def __repr__(self) -> str:
        n = len(self.spec["variants"])
        wrong = len(self.spec["variants"][0].get("wrong", ()))
        extra = (
            f", {wrong} common wrong answer{'s' * (wrong != 1)}"
            if self.kind != "choice"
            else f", {len(self.spec['variants'][0]['options'])} options"
        )
        return f"<{self.kind} question: {n} variant{'s' * (n != 1)}{extra}>"

    def _repr_mimebundle_(self, include=None, exclude=None):
        # The figures of a graph-matching question travel in the output's metadata: like a figure's
        # image/png, their bytes may differ between machines, and nbval compares data, not metadata.
        data = {MIME_TYPE: self.spec, "text/plain": repr(self)}
        metadata = {MIME_TYPE: {"mvcalc-quiz-images": self.images}} if self.images else {}
        return data, metadata


def _check_texts(stem, solution, hints) -> dict:
    out = {}
    if stem is not None:
        if not isinstance(stem, str) or not stem.strip():
            raise TypeError(f"stem must be a non-empty string of MyST Markdown, got {stem!r}")
        out["stem"] = stem
    if solution is not None:
        if not isinstance(solution, str) or not solution.strip():
            raise TypeError(f"solution must be a non-empty string of MyST Markdown, got {solution!r}")
        out["solution"] = solution
    hints = [hints] if isinstance(hints, str) else list(hints or ())
    for h in hints:
        if not isinstance(h, str) or not h.strip():
            raise TypeError(f"each hint must be a non-empty string of MyST Markdown, got {h!r}")
    if hints:
        out["hints"] = hints
    return out


def _check_tolerance(value: Any, name: str) -> float:
    """Return a tolerance as a float if it is a finite, non-negative real number (not a bool)."""
    value = check_real_scalar(value, name)
    if value < 0:
        raise ValueError(f"{name} must be non-negative (0 for no tolerance of this kind), got {value!r}")
    return value


def _wrong_items(wrong: Any) -> list[tuple[Any, str]]:
    if wrong is None:
        return []
    if not isinstance(wrong, Mapping):
        raise TypeError(f"wrong must map each common wrong answer to its feedback, got {type(wrong).__name__}")
    items = list(wrong.items())
    for _, feedback in items:
        if not isinstance(feedback, str) or not feedback.strip():
            raise TypeError(f"the feedback of a wrong answer must be a non-empty string, got {feedback!r}")
    return items


def _accepts(u: float | None, v: float | None, rtol: float, atol: float) -> bool:
    if v is None:  # the answer itself is not real here: the point is left out of the comparison
        return True
    return u is not None and abs(u - v) <= atol + rtol * abs(v)


def formula(
    answer: Any,
    variables: Any,
    *,
    domain: Any = None,
    wrong: Mapping | None = None,
    rtol: float = FORMULA_RTOL,
    atol: float = FORMULA_ATOL,
    npoints: int = DEFAULT_POINTS,
    seed: int = 0,
    stem: str | None = None,
    solution: str | None = None,
    hints: Iterable[str] | str = (),
) -> Question:
    r"""A question answered by a formula in ``variables``.

    Parameters
    ----------
    answer : sympy expression (or a string sympy reads)
        The right answer, as the page's code computed it.
    variables : str or sequence of sympy symbols
        The variables the reader may use, such as ``"x y"``.
    domain : (low, high) or dict of them, optional
        Where the points are drawn (default ``(-2, 2)`` for each variable). Choose it inside the
        answer's domain of definition: points where the answer is not real are not used.
    wrong : dict, optional
        Common wrong answers, each mapped to feedback that names the misconception. Each must differ
        from the answer at some point, or this raises ``ValueError``.
    rtol, atol : float
        The reader's value ``u`` is accepted against the answer's ``v`` when
        ``|u - v| <= atol + rtol * |v|`` at every point.
    npoints, seed : int
        How many points, from which seed.
    stem, solution, hints : str, optional
        MyST Markdown for a variant's own text (see :func:`variants`); a question without variants
        writes them in its ``{question}`` block instead.

    Returns
    -------
    Question
        Glue it with ``glue(name, q, display=False)`` and name it in a ``{question}`` block.

    Examples
    --------
    >>> x, y = sp.symbols("x y")
    >>> q = formula(sp.diff(x**2 * y, x), "x y")
    >>> q.spec["variants"][0]["answer"], len(q.spec["variants"][0]["points"])
    ('2*x*y', 8)

    Introduced in: Module 1, *Functions*, the first page with questions.
    """
    names = _symbols(variables)
    expr = _sympify(answer, "answer")
    if isinstance(expr, sp.MatrixBase):
        raise TypeError("answer is a matrix: use quiz.matrix for vector and matrix answers")
    rtol, atol = _check_tolerance(rtol, "rtol"), _check_tolerance(atol, "atol")
    npoints = check_integer(npoints, "npoints")
    stray = expr.free_symbols - set(names)
    if stray:
        raise ValueError(
            f"the answer uses {sorted(map(str, stray))}, which are not among the variables {[str(s) for s in names]}"
        )
    points = _points([expr], names, _domain(domain, names), npoints, check_integer(seed, "seed", minimum=0))
    values = _values(expr, names, points)
    scale = max([1.0] + [abs(v) for v in values if v is not None])
    variant = {
        "answer": to_mathjs(expr),
        "tex": _tex(expr),
        "variables": [str(s) for s in names],
        "points": points,
        "values": values,
        "rtol": rtol,
        "atol": atol * scale,
        "wrong": [],
    }
    for wrong_answer, feedback in _wrong_items(wrong):
        w = _sympify(wrong_answer, "a wrong answer")
        stray = w.free_symbols - set(names)
        if stray:
            raise ValueError(f"the wrong answer {w} uses {sorted(map(str, stray))}, not variables of the question")
        w_values = _values(w, names, points)
        if all(_accepts(u, v, rtol, variant["atol"]) for u, v in zip(w_values, values, strict=False)):
            raise ValueError(
                f"the wrong answer {w} equals the answer {expr} at every point: the checker would accept it"
            )
        variant["wrong"].append({"answer": to_mathjs(w), "tex": _tex(w), "values": w_values, "feedback": feedback})
    variant.update(_check_texts(stem, solution, hints))
    return Question("formula", [variant])


def numeric(
    answer: Any,
    *,
    rtol: float | None = None,
    atol: float | None = None,
    units: str | None = None,
    wrong: Mapping | None = None,
    stem: str | None = None,
    solution: str | None = None,
    hints: Iterable[str] | str = (),
) -> Question:
    """A question answered by one number (the reader may type ``1/3`` or ``sqrt(2)``).

    The default tolerance is ``rtol=0.005`` (within 0.5 %); give ``atol`` for an answer that may be
    zero. The page states the tolerance under the box. ``units`` (such as ``"m/s"``) are shown
    beside it. ``wrong`` maps common wrong values to their feedback.

    >>> numeric(sp.sqrt(2)).spec["variants"][0]["value"]
    1.41421356237

    Introduced in: Module 1, *Functions*, the first page with questions.
    """
    value = _sympify(answer, "answer")
    v = _real(value, {}, "the answer") if isinstance(value, sp.Basic) else None
    if v is None:
        raise ValueError(f"answer must be a finite real number, got {answer!r}")
    if rtol is None and atol is None:
        rtol = NUMERIC_RTOL
    rtol = 0.0 if rtol is None else _check_tolerance(rtol, "rtol")
    atol = 0.0 if atol is None else _check_tolerance(atol, "atol")
    if rtol == 0 and atol == 0:
        raise ValueError("a numeric answer needs a tolerance: rtol or atol must be positive")
    if v == 0 and atol == 0:
        raise ValueError("the answer is 0, where a relative tolerance accepts nothing else: give atol")
    if units is not None and (not isinstance(units, str) or not units.strip()):
        raise TypeError(f"units must be a non-empty string such as 'm/s', got {units!r}")
    variant = {"value": _round(v), "tex": _tex(value), "rtol": rtol, "atol": atol, "wrong": []}
    if units:
        variant["units"] = units
    for wrong_value, feedback in _wrong_items(wrong):
        w = _real(_sympify(wrong_value, "a wrong answer"), {}, "a wrong answer")
        if w is None:
            raise ValueError(f"the wrong answer {wrong_value!r} is not a finite real number")
        if _accepts(w, v, rtol, atol):
            raise ValueError(f"the wrong answer {wrong_value!r} is within the tolerance of the answer {v}")
        variant["wrong"].append({"value": _round(w), "feedback": feedback})
    variant.update(_check_texts(stem, solution, hints))
    return Question("numeric", [variant])


def matrix(
    answer: Any,
    variables: Any = (),
    *,
    domain: Any = None,
    wrong: Mapping | Sequence | None = None,
    rtol: float = FORMULA_RTOL,
    atol: float = FORMULA_ATOL,
    npoints: int = DEFAULT_POINTS,
    seed: int = 0,
    stem: str | None = None,
    solution: str | None = None,
    hints: Iterable[str] | str = (),
) -> Question:
    r"""A question answered by a vector or a matrix, of numbers or of formulas in ``variables``.

    ``answer`` is a sympy ``Matrix``, a numpy array or nested lists; a 1-D answer (a gradient, a
    layer's output) accepts a row or a column. The reader types ``[a, b; c, d]`` (rows split by
    ``;``) or ``[[a, b], [c, d]]``. The page says which entries are wrong, and says so when the shape
    is wrong or the answer is the transpose. ``wrong`` is a sequence of ``(answer, feedback)`` pairs
    (or a dict keyed by sympy matrices' tuples).

    >>> x, y = sp.symbols("x y")
    >>> q = matrix(sp.Matrix([[2 * x * y, x**2]]), "x y")
    >>> q.spec["variants"][0]["shape"], q.spec["variants"][0]["answer"]
    ([1, 2], '[2*x*y, x^2]')

    Introduced in: Module 1, *Functions*, the first page with questions.
    """
    names = _symbols(variables) if variables not in ((), None, "") else []
    m, flat = _as_matrix(answer, "answer")
    rtol, atol = _check_tolerance(rtol, "rtol"), _check_tolerance(atol, "atol")
    npoints = check_integer(npoints, "npoints")
    stray = set().union(*(e.free_symbols for e in m)) - set(names)
    if stray:
        raise ValueError(
            f"the answer uses {sorted(map(str, stray))}, which are not among the variables {[str(s) for s in names]}"
        )
    seed = check_integer(seed, "seed", minimum=0)
    points = _points(list(m), names, _domain(domain, names), npoints if names else 1, seed)
    values = [[_values(e, names, [p])[0] for e in m] for p in points]
    scale = max([1.0] + [abs(v) for row in values for v in row if v is not None])
    variant = {
        "shape": [m.cols] if flat else [m.rows, m.cols],
        "answer": to_mathjs(m),
        "tex": _tex(m),
        "variables": [str(s) for s in names],
        "points": points,
        "values": values,
        "rtol": rtol,
        "atol": atol * scale,
        "wrong": [],
    }
    items = list(wrong.items()) if isinstance(wrong, Mapping) else list(wrong or ())
    for item in items:
        if not (isinstance(item, tuple) and len(item) == 2 and isinstance(item[1], str) and item[1].strip()):
            raise TypeError(f"each wrong answer must be an (answer, feedback) pair, got {item!r}")
        w, w_flat = _as_matrix(item[0], "a wrong answer")
        w_values = [[_values(e, names, [p])[0] for e in w] for p in points]
        pairs = (uv for ru, rv in zip(w_values, values, strict=False) for uv in zip(ru, rv, strict=False))
        if w.shape == m.shape and all(_accepts(u, v, rtol, variant["atol"]) for u, v in pairs):
            raise ValueError(f"the wrong answer {w.tolist()} equals the answer: the checker would accept it")
        variant["wrong"].append(
            {
                "answer": to_mathjs(w),
                "shape": [w.cols] if w_flat else [w.rows, w.cols],
                "values": w_values,
                "feedback": item[1],
            }
        )
    variant.update(_check_texts(stem, solution, hints))
    return Question("matrix", [variant])


def _as_matrix(value: Any, name: str) -> tuple[sp.Matrix, bool]:
    """A sympy Matrix (a 1-D input becomes one row) and whether the input was 1-D."""
    if isinstance(value, np.ndarray):
        if value.dtype.kind not in "iuf" or value.dtype == bool:
            raise TypeError(f"{name} must hold real numbers, got dtype {value.dtype}")
        if not np.all(np.isfinite(value)):
            raise ValueError(f"{name} must be finite, got {value!r}")
        value = (
            [[_round(float(v)) for v in row] for row in np.atleast_2d(value)]
            if value.ndim == 2
            else [_round(float(v)) for v in value]
        )
    try:
        m = sp.Matrix(value)
    except (TypeError, ValueError, sp.SympifyError) as exc:
        raise TypeError(f"{name} must be a sympy Matrix, a numpy array or nested lists, got {value!r}") from exc
    if m.rows == 0 or m.cols == 0:
        raise ValueError(f"{name} must not be empty")
    flat = not isinstance(value, sp.MatrixBase) and not (
        isinstance(value, (list, tuple)) and isinstance(value[0], (list, tuple, np.ndarray))
    )
    if flat:
        m = m.T  # sympy makes a column of a flat list; the book writes a flat vector as a row
    return m, flat


class Option:
    """One option of a :func:`choice` question: MyST text or a figure, and feedback if it is wrong.

    ``image`` is a matplotlib figure (closed once it is drawn) and needs ``alt``, a sentence that
    says what it shows. A wrong option needs ``feedback`` naming the misconception it stands for.

    Introduced in: Module 1, *Functions*, the first page with questions.
    """

    def __init__(
        self,
        text: str = "",
        *,
        correct: bool = False,
        feedback: str | None = None,
        image: Any = None,
        alt: str | None = None,
    ):
        if not isinstance(correct, (bool, np.bool_)):
            raise TypeError(f"correct must be True or False, got {correct!r}")
        if not isinstance(text, str):
            raise TypeError(f"an option's text must be a string of MyST Markdown, got {text!r}")
        if image is None and not text.strip():
            raise ValueError("an option needs text or an image")
        if image is not None and (not isinstance(alt, str) or not alt.strip()):
            raise ValueError("an option with an image needs alt text that says what the figure shows")
        if not correct and (not isinstance(feedback, str) or not feedback.strip()):
            raise ValueError(f"the wrong option {text or alt!r} needs feedback that names the misconception")
        self.text, self.correct, self.feedback, self.alt = text, bool(correct), feedback, alt
        self.image = _png(image) if image is not None else None


def _png(figure: Any) -> str:
    """A matplotlib figure as base64 PNG; the figure is closed."""
    if not hasattr(figure, "savefig"):
        raise TypeError(f"image must be a matplotlib figure, got {type(figure).__name__}")
    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=80, metadata={"Software": None})
    plt.close(figure)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def choice(
    options: Sequence[Option],
    *,
    multiple: bool | None = None,
    figure: Any = None,
    figure_alt: str | None = None,
    stem: str | None = None,
    solution: str | None = None,
    hints: Iterable[str] | str = (),
) -> Question:
    """A question answered by choosing among ``options`` (:class:`Option`), in the order given.

    With ``multiple=True`` the reader ticks every right option ("select all that apply"); by default
    that is so when more than one option is right. ``figure`` (with ``figure_alt``) is a matplotlib
    figure shown with the question, such as the graph whose derivative the reader must pick.

    >>> q = choice([Option("$2x$", correct=True), Option("$x^2$", feedback="that is $f$ itself")])
    >>> [o["correct"] for o in q.spec["variants"][0]["options"]]
    [True, False]

    Introduced in: Module 1, *Functions*, the first page with questions.
    """
    options = list(options)
    if len(options) < 2:
        raise ValueError(f"a choice question needs at least two options, got {len(options)}")
    for o in options:
        if not isinstance(o, Option):
            raise TypeError(f"each option must be a quiz.Option, got {type(o).__name__}")
    right = sum(o.correct for o in options)
    if right == 0:
        raise ValueError("no option is marked correct")
    if multiple is None:
        multiple = right > 1
    if not multiple and right > 1:
        raise ValueError(f"{right} options are correct but multiple=False")
    images: dict[str, str] = {}
    variant_options = []
    for k, o in enumerate(options):
        entry = {"text": o.text, "correct": o.correct}
        if o.feedback:
            entry["feedback"] = o.feedback
        if o.image is not None:
            images[f"option-{k}"] = o.image
            entry["alt"] = o.alt
        variant_options.append(entry)
    variant = {"multiple": bool(multiple), "options": variant_options}
    if figure is not None:
        if not isinstance(figure_alt, str) or not figure_alt.strip():
            raise ValueError("a question with a figure needs figure_alt, a sentence that says what it shows")
        images["figure"] = _png(figure)
        variant["figure_alt"] = figure_alt
    variant.update(_check_texts(stem, solution, hints))
    return Question("choice", [variant], images)


def variants(make: Callable[[np.random.Generator], Question], n: int = 5, *, seed: int = 0) -> Question:
    """``n`` seeded variants of one question: ``make(rng)`` builds each, with its own ``stem``.

    The page shows the first and offers "new numbers" for the others. Each variant must be of the
    same kind and carry a ``stem`` (the question's text with this variant's numbers).

    >>> x = sp.symbols("x")
    >>> def make(rng):
    ...     n = int(rng.integers(2, 7))
    ...     return formula(sp.diff(x**n, x), "x", stem=f"Differentiate $x^{{{n}}}$.")
    >>> q = variants(make, 3, seed=1)
    >>> [v["stem"] for v in q.spec["variants"]]
    ['Differentiate $x^{4}$.', 'Differentiate $x^{5}$.', 'Differentiate $x^{6}$.']

    Introduced in: Module 1, *Functions*, the first page with questions.
    """
    if not callable(make):
        raise TypeError(f"make must be a function of a numpy Generator, got {type(make).__name__}")
    n, seed = check_integer(n, "n"), check_integer(seed, "seed", minimum=0)
    built = []
    images: dict[str, str] = {}
    for k in range(20 * n):  # draws that repeat an earlier variant's stem are skipped
        q = make(np.random.default_rng([seed, k]))
        if not isinstance(q, Question):
            raise TypeError(f"make must return a quiz question, got {type(q).__name__}")
        if built and q.kind != built[0][0]:
            raise ValueError(f"every variant must be of one kind: variant {k} is {q.kind}, the first {built[0][0]}")
        if len(q.spec["variants"]) != 1 or "stem" not in q.spec["variants"][0]:
            raise ValueError("each variant must be one question with its own stem=...")
        if any(q.spec["variants"][0]["stem"] == v["stem"] for _, v in built):
            continue
        images.update({f"v{len(built)}-{name}": png for name, png in q.images.items()})
        built.append((q.kind, q.spec["variants"][0]))
        if len(built) == n:
            break
    else:
        raise ValueError(
            f"make gave fewer than {n} different stems in {20 * n} draws: draw the parameters from a wider range"
        )
    return Question(built[0][0], [v for _, v in built], images)


def plot(
    f: Callable,
    xlim: tuple[float, float] = (-3.0, 3.0),
    *,
    ylim: tuple[float, float] | None = None,
    color: str | None = None,
):
    """A small figure of ``y = f(x)`` for a graph-matching option (no title; the option is the label).

    >>> import numpy as np
    >>> fig = plot(np.sin)
    >>> len(_png(fig)) > 1000
    True

    Introduced in: Module 1, *Functions*, the first page with questions.
    """
    import matplotlib.pyplot as plt

    from .plotting import COLORS

    fig, ax = plt.subplots(figsize=(2.6, 1.9))
    xs = np.linspace(*xlim, 400)
    with np.errstate(all="ignore"):
        ys = np.asarray(f(xs), dtype=float)
    ys = np.where(np.isfinite(ys), ys, np.nan)
    ax.plot(xs, ys, color=color or COLORS["blue"], lw=2)
    ax.axhline(0, color="#777777", lw=0.8)
    ax.axvline(0, color="#777777", lw=0.8)
    ax.set_xlim(*xlim)
    if ylim is not None:
        ax.set_ylim(*ylim)
    ax.set_xlabel("x")
    fig.tight_layout()
    return fig
