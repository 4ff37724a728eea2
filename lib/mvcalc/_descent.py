"""The descent loop that gradient descent and the optimisers of modern training share.

``run_descent`` iterates ``x ← update(x, grad(x), i)`` from a starting point until the gradient is
short, stops with a message when the iterates diverge or the steps run out, and returns the result
in the vocabulary of :mod:`mvcalc.optimise`. :func:`mvcalc.gradient_descent` is its simplest
update, ``x - step * g``; :mod:`mvcalc.optimisers` adds momentum, Nesterov, RMSProp and Adam.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike

from ._results import CONVERGED, DIVERGED, MAXITER, optimize_result
from ._validation import as_point, call_checked, check_callable, check_integer, check_step, describe_point

if TYPE_CHECKING:  # the annotations name scipy's result class; scipy is imported only where it is used
    import scipy.optimize

#: The iterates count as diverging once ``|x|`` exceeds this many times ``max(1, |x0|)`` and the gradient grows.
DIVERGENCE_BOUND = 1e8

#: ``update(x, g, i)``: the next iterate from the current one, its gradient and the step's number (1, 2, ...).
Update = Callable[[np.ndarray, np.ndarray, int], np.ndarray]


def scalar_of_vector(f: Callable, x: np.ndarray, name: str) -> float:
    """Evaluate a function of several variables at x; check it returned one finite real number."""
    return float(call_checked(f, x, name, where=lambda: describe_point(x), scalar=True))


def gradient_at(grad: Callable, x: np.ndarray, first: bool) -> np.ndarray | None:
    """grad(x) as a float array of shape (n,); None if it is not finite after the first step."""
    value = call_checked(grad, x, "grad", where=lambda: describe_point(x), finite=first)
    if value.shape != x.shape:
        raise ValueError(
            f"grad must return an array of shape {x.shape} like x, got shape {value.shape} {describe_point(x)}"
        )
    if not np.all(np.isfinite(value)):
        return None
    return value.astype(np.float64)


def run_descent(
    grad: Callable,
    x0: ArrayLike,
    update: Update,
    *,
    f: Callable | None,
    gtol: float,
    maxiter: int,
    step: float,
) -> scipy.optimize.OptimizeResult:
    """Iterate ``x ← update(x, grad(x), i)`` from ``x0`` until the gradient is short, like gradient descent."""
    check_callable(grad, "grad")
    if f is not None:
        check_callable(f)
    x = as_point(x0, "x0")
    gtol = check_step(gtol, "gtol")
    maxiter = check_integer(maxiter, "maxiter")
    bound = DIVERGENCE_BOUND * max(1.0, float(np.linalg.norm(x)))

    g = gradient_at(grad, x, first=True)
    path, gradients = [x], [g]
    values = [scalar_of_vector(f, x, "f")] if f is not None else None
    norm = float(np.linalg.norm(g))
    status, unused_eval = MAXITER, False  # a last gradient evaluated at a point not kept in the path
    for i in range(1, maxiter + 2):
        if norm < gtol:
            status, message = CONVERGED, f"converged: ‖grad‖ = {norm:.3g} < gtol"
            break
        if i > maxiter:
            message = f"did not converge in maxiter={maxiter} steps (‖grad‖ = {norm:.3g})"
            break
        with np.errstate(all="ignore"):
            x_new = update(x, g, i)
        size = float(np.linalg.norm(x_new))
        if not np.isfinite(size):
            status = DIVERGED
            message = f"diverged at step {i}: x is no longer finite; the step {step:g} is too large"
            break
        g_new = gradient_at(grad, x_new, first=False)
        if g_new is None:
            status, unused_eval = DIVERGED, True
            message = f"diverged at step {i}: grad returned a non-finite value; the step {step:g} may be too large"
            break
        # Far from the start is not diverging by itself: a step may land on a distant minimum. It
        # diverges when it is far *and* the gradient did not shrink.
        if size > bound and float(np.linalg.norm(g_new)) >= norm:
            status, unused_eval = DIVERGED, True
            message = (
                f"diverged at step {i}: ‖x‖ = {size:.3g} exceeds the bound {bound:.3g} and the gradient grew; "
                f"the step {step:g} is too large"
            )
            break
        x, g = x_new, g_new
        path.append(x)
        gradients.append(g)
        if values is not None:
            values.append(scalar_of_vector(f, x, "f"))
        norm = float(np.linalg.norm(g))
    return descent_result(path, gradients, values, g, len(path) + unused_eval, status, message)


def descent_result(
    path: list, gradients: list, values: list | None, jac: np.ndarray, njev: int, status: int, message: str
) -> scipy.optimize.OptimizeResult:
    """The result of a descent: the last iterate of ``path``, and ``f`` along it when ``values`` were recorded."""
    history = {"x": path, "jac": gradients}
    if values is not None:
        history["fun"] = values
    return optimize_result(
        x=path[-1],
        fun=values[-1] if values is not None else None,
        jac=jac,
        nit=len(path) - 1,
        nfev=len(values) if values is not None else 0,
        njev=njev,
        status=status,
        message=message,
        history=history,
    )
