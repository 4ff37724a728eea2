"""The one shape of result that every iterative method in mvcalc returns.

Every iterative method (:func:`mvcalc.newton_raphson`, :func:`mvcalc.gradient_descent`,
:func:`mvcalc.steepest_descent_fit`, :func:`mvcalc.gauss_newton`,
:func:`mvcalc.levenberg_marquardt` and :func:`mvcalc.nn.train`) builds its
result here, so that they cannot drift apart. The vocabulary (scipy's) and the
status codes are documented once, for readers, in :mod:`mvcalc.optimise`'s
docstring; ``tests/test_vocabulary.py`` checks every method against it.
"""

from __future__ import annotations

from typing import Any

import numpy as np
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
    return scipy.optimize.OptimizeResult(
        x=x,
        fun=fun,
        jac=jac,
        nit=int(nit),
        nfev=int(nfev),
        njev=int(njev),
        status=int(status),
        success=status == CONVERGED,
        message=message,
        history=scipy.optimize.OptimizeResult(columns),
        **extra,
    )
