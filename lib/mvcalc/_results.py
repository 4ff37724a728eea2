"""The one shape of result that every iterative method in mvcalc returns.

Every iterative method (:func:`mvcalc.newton_raphson`, :func:`mvcalc.gradient_descent`,
:func:`mvcalc.steepest_descent_fit`, :func:`mvcalc.gauss_newton`,
:func:`mvcalc.levenberg_marquardt` and :func:`mvcalc.nn.train`) builds its
result here, so that they cannot drift apart. The vocabulary (scipy's) and the
status codes are documented once, for readers, in :mod:`mvcalc.optimise`'s
docstring; ``tests/test_vocabulary.py`` checks every method against it.

The result is a :class:`scipy.optimize.OptimizeResult` whenever scipy can be
imported. A page run in the browser (Pyodide) loads only the packages its own
cells import, so on a page that never imports scipy, :func:`new_result` falls
back to :class:`OptimizeResult` here: the same dict with attribute access and
the same ``repr``, so that ``import mvcalc``, gradient descent and training do
not download scipy (``tests/test_lazy_imports.py``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:  # the annotations name scipy's class; only type checkers import it here
    import scipy.optimize

CONVERGED, MAXITER, DIVERGED, STOPPED, NO_DECREASE = 0, 1, 2, 3, 4

#: What each status code means, in the words of the result's ``message``.
STATUS = {
    CONVERGED: "finished",
    MAXITER: "reached maxiter",
    DIVERGED: "diverged",
    STOPPED: "cannot take the next step",
    NO_DECREASE: "no decrease",
}

#: The fields every iterative method's result has.
RESULT_FIELDS = ("x", "fun", "jac", "nit", "nfev", "njev", "status", "success", "message", "history")

# How scipy prints a result, as a reader sees it: the keys it knows first, in this order, the others
# after them; a few bookkeeping keys left out; names right-aligned one space past the longest; a
# value that takes several lines indented under its first; floats in arrays as 10-character
# scientific numbers, long arrays shortened to two items at each end.
_FIRST = ("message", "success", "status", "fun", "funl", "x", "xl", "col_ind", "nit", "lower", "upper",
          "eqlin", "ineqlin", "converged", "flag", "function_calls", "iterations", "root")  # fmt: skip
_HIDDEN = frozenset({"slack", "con", "crossover_nit", "_order_keys"})


def _rank(name: str) -> float:
    return _FIRST.index(name.lower()) if name.lower() in _FIRST else float("inf")


def _scientific(value: float) -> str:
    if np.isfinite(value):
        return np.format_float_scientific(value, precision=3, pad_left=2, unique=False)
    return f"{value!s:>10}"  # inf, -inf and nan, right-aligned in the same ten characters


def _show_value(value: Any, indent: int) -> str:
    if isinstance(value, dict):
        return _show_fields(value, indent, extra=0)
    options = {"linewidth": 76 - indent, "edgeitems": 2, "threshold": 12, "formatter": {"float_kind": _scientific}}
    with np.printoptions(**options):
        return str(value)


def _show_fields(fields: dict, indent: int = 0, extra: int = 1) -> str:
    width = max(len(name) for name in fields) + extra
    shown = sorted((item for item in fields.items() if item[0] not in _HIDDEN), key=lambda item: _rank(item[0]))
    lines = []
    for name, value in shown:
        text = _show_value(value, indent + width + 2)
        lines.append(f"{name:>{width}}: " + text.replace("\n", "\n" + " " * (width + 2)))
    return "\n".join(lines)


class OptimizeResult(dict):
    """A dict whose keys are also attributes, printed as :class:`scipy.optimize.OptimizeResult` prints.

    :func:`new_result` returns scipy's class when scipy is installed and this
    one when it is not, so results read the same either way.
    """

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError as e:
            raise AttributeError(name) from e

    __setattr__ = dict.__setitem__
    __delattr__ = dict.__delitem__

    def __repr__(self) -> str:
        return _show_fields(self) if self else "OptimizeResult()"

    def __dir__(self) -> list[str]:
        return list(self.keys())


def new_result(**fields: Any) -> scipy.optimize.OptimizeResult:
    """``scipy.optimize.OptimizeResult(**fields)``, or mvcalc's :class:`OptimizeResult` if scipy is absent."""
    try:
        from scipy.optimize import OptimizeResult as result_class
    except ImportError:  # a browser page that does not load scipy
        result_class = OptimizeResult
    return result_class(**fields)


def optimize_result(
    *,
    x: Any,
    fun: Any,
    jac: Any,
    nit: int,
    nfev: int,
    njev: int,
    status: int,
    message: str,
    history: dict[str, Any],
    **extra: Any,
) -> scipy.optimize.OptimizeResult:
    """An OptimizeResult with every field of :data:`RESULT_FIELDS`; ``success`` follows from ``status``.

    ``history`` maps some of ``"x"``, ``"fun"`` and ``"jac"`` to sequences with
    one entry per recorded iterate; they become arrays of one length.
    """
    if status not in STATUS:
        raise ValueError(f"status must be one of {sorted(STATUS)}, got {status!r}")  # a bug in mvcalc, not the caller
    unknown = set(history) - {"x", "fun", "jac"}
    if unknown:
        raise ValueError(f"history records only x, fun and jac, got {sorted(unknown)}")
    columns = {name: np.asarray(values, dtype=np.float64) for name, values in history.items()}
    if len({len(values) for values in columns.values()}) > 1:
        raise ValueError(f"history's columns differ in length: { {k: len(v) for k, v in columns.items()} }")
    return new_result(
        x=x,
        fun=fun,
        jac=jac,
        nit=int(nit),
        nfev=int(nfev),
        njev=int(njev),
        status=int(status),
        success=status == CONVERGED,
        message=message,
        history=new_result(**columns),
        **extra,
    )
