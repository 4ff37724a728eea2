"""Optimisation: Newton–Raphson, gradient descent and Lagrange multipliers.

Each method replaces a hard problem by a sequence of easy ones built from
derivatives. Newton–Raphson follows the tangent line to where it crosses
zero; gradient descent takes a small step downhill, against the gradient;
Lagrange multipliers turn a constrained problem into a root of
:math:`\\nabla \\mathcal{L} = 0`.

The iterative methods here stop with ``success=False`` and a message that
says what went wrong (a zero derivative, a cycle, divergence, or running out of
iterations) instead of returning ``nan``: their failures are part of the
lesson. Each returns a :class:`scipy.optimize.OptimizeResult`, like
:func:`scipy.optimize.minimize`, in the vocabulary that every iterative method
of mvcalc shares:

- arguments ``maxiter`` (the most iterations) and tolerances split by meaning:
  ``xtol`` on the relative step, ``gtol`` on the size of the gradient,
  ``ftol`` on the relative decrease of the objective;
- results ``x``, ``fun``, ``jac`` (the derivative at ``x``), ``nit``,
  ``nfev`` and ``njev`` (evaluations of the function and of its derivative),
  ``status``, ``success``, ``message``, and ``history``, the record of the
  iterations (``history.x``, the iterates from the start, and ``history.fun``
  and ``history.jac`` where the method has them);
- status codes: 0 converged (or, for a method with a fixed number of steps,
  took them all and the objective decreased), 1 reached ``maxiter``, 2
  diverged, 3 cannot take the next step (a zero derivative, a cycle, a
  singular matrix), 4 took a fixed number of steps but the objective ended no
  lower than it started; ``success`` is ``status == 0``.

Where scipy is not installed (a page run in the browser that never imports
it), the result is mvcalc's own dict of the same fields, which reads and
prints the same; only :func:`lagrange_multipliers` needs scipy itself.

Introduced in: Module 5, *Newton–Raphson* (``book/m5/newton-raphson.md``),
*Gradient Descent* (``book/m5/gradient-descent.md``) and *Lagrange Multipliers*
(``book/m5/lagrange.md``).
"""

from __future__ import annotations

import bisect
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike

from . import _descent
from ._descent import run_descent, scalar_of_vector
from ._results import CONVERGED, DIVERGED, MAXITER, STOPPED, optimize_result
from ._validation import (
    as_point,
    call_checked,
    check_callable,
    check_integer,
    check_real_scalar,
    check_step,
)
from .derivatives import derivative
from .multivariate import gradient, jacobian

if TYPE_CHECKING:  # the annotations name scipy's result class; scipy is imported only where it is used
    import scipy.optimize

__all__ = ["newton_raphson", "gradient_descent", "lagrange_multipliers", "DIVERGENCE_BOUND"]

#: The iterates count as diverging once ``|x|`` exceeds this many times ``max(1, |x0|)``; the same bound for all.
DIVERGENCE_BOUND = _descent.DIVERGENCE_BOUND

_EPS = np.finfo(np.float64).eps


def newton_raphson(
    f: Callable,
    x0: float,
    *,
    fprime: Callable | None = None,
    xtol: float = 1e-12,
    maxiter: int = 50,
) -> scipy.optimize.OptimizeResult:
    """A root of a function of one variable by the Newton–Raphson method.

    .. math::

        x_{i+1} = x_i - \\frac{f(x_i)}{f'(x_i)}

    Each step replaces :math:`f` by its tangent line at :math:`x_i` and moves
    to where that line crosses zero.

    Parameters
    ----------
    f : callable
        ``f(x)`` takes a float and returns a float.
    x0 : float
        The starting guess.
    fprime : callable, optional
        The derivative :math:`f'`. By default a central difference,
        :func:`mvcalc.derivative`.
    xtol : float
        Converged when a step is at most ``xtol * max(1, |x|)`` (a relative
        step, as in :func:`scipy.optimize.newton`'s ``tol``), or when
        :math:`f(x) = 0` exactly.
    maxiter : int
        The most steps to take.

    Returns
    -------
    scipy.optimize.OptimizeResult
        ``x`` (the last iterate: the root if ``success``), ``fun`` (:math:`f(x)`),
        ``jac`` (:math:`f'(x)`, or ``None`` if :math:`f'` cannot be evaluated
        there), ``nit`` (steps taken), ``nfev`` and ``njev`` (calls of ``f``,
        including those of the central difference, and of ``fprime``),
        ``status`` (0 converged, 1 ``maxiter`` reached, 2 diverged, 3 a zero
        derivative or a cycle), ``success``, ``message``, and ``history``:
        ``history.x``, the iterates, shape ``(nit + 1,)``, starting with ``x0``
        (``history.x[-1] == x``), and ``history.fun``, :math:`f` at each.

    Raises
    ------
    TypeError
        If ``f`` or ``fprime`` is not callable, ``x0`` or ``xtol`` is not a
        real number, ``maxiter`` is not an integer, or ``f`` or ``fprime``
        returns something other than a real scalar.
    ValueError
        If ``x0`` is not finite, ``xtol <= 0``, ``maxiter < 1``, or ``f`` or
        ``fprime`` returns a non-finite value.

    Notes
    -----
    The iteration stops with ``success=False`` and a message that says why:

    - **zero derivative**: :math:`f'(x_i) = 0`, or so small that the step
      :math:`|f/f'|` exceeds :math:`\\max(1, |x_i|)/\\sqrt{\\varepsilon} \\approx
      6.7 \\times 10^7 \\max(1, |x_i|)` and :math:`|f|` is no smaller where it
      lands: the tangent is flat to working precision;
    - **underflow**: :math:`f(x) = 0` exactly and :math:`f'(x) = 0` after a
      step that was still long (as for :math:`x e^{-x}` far out, where
      :math:`e^{-x}` is 0 in floating point): not counted as a root;
    - **cycle**: an iterate repeats an earlier one (not the previous one) to
      within ``xtol``, so the iteration will go round for ever;
    - **divergence**: the next iterate is not finite, or :math:`|x|` exceeds
      ``DIVERGENCE_BOUND * max(1, |x0|)`` (:math:`10^8 \\max(1, |x_0|)`) and
      :math:`|f|` is no smaller there (a long step to a far root is kept);
    - **maxiter** steps without converging (for example an oscillation that
      never exactly repeats).

    ``x`` is always the last finite iterate, never ``nan``.

    Examples
    --------
    >>> f = lambda x: x**3 - 2 * x + 2
    >>> res = newton_raphson(f, -2.0)
    >>> print(f"{res.x:.6f} after {res.nit} steps: {res.success}")
    -1.769292 after 5 steps: True
    >>> res = newton_raphson(f, 0.0, fprime=lambda x: 3 * x**2 - 2)
    >>> print(res.success, res.status, res.history.x)
    False 3 [0. 1. 0.]
    >>> print(res.message)
    cycle: iterate 2 (x = 0) repeats iterate 0, so the iteration goes round 0 → 1 → 0 → … for ever

    Introduced in: Module 5, *Newton–Raphson*.
    """
    check_callable(f)
    if fprime is not None:
        check_callable(fprime, "fprime")
    x = check_real_scalar(x0, "x0")
    xtol = check_step(xtol, "xtol")
    maxiter = check_integer(maxiter, "maxiter")
    bound = DIVERGENCE_BOUND * max(1.0, abs(x))
    calls = {"f": 0, "fprime": 0}

    def counted_f(t):
        calls["f"] += 1
        return f(t)

    def slope_at(t: float) -> float:
        if fprime is None:
            return _numerical_slope(counted_f, t)
        calls["fprime"] += 1
        return _scalar(fprime, t, "fprime")

    history, values = [x], [_scalar(counted_f, x, "f")]
    # The iterates before the last two, sorted as (value, index): a repeat is found by bisection, so the
    # check costs O(log n) a step, not a scan of the whole history.
    earlier: list[tuple[float, int]] = []
    fx, slope, slope_x = values[0], None, None
    status = None
    while True:
        if fx == 0:
            if len(history) > 2:
                slope, slope_x = slope_at(x), x
            if len(history) > 2 and _underflowed(history, slope):
                last = abs(history[-1] - history[-2])
                status = STOPPED
                message = (
                    f"zero derivative: f(x) and f'(x) both evaluate to 0 at x = {x:.6g}, reached by a step of "
                    f"{last:.3g}, not a converging one: f has most likely underflowed there, far from a root"
                )
            else:
                status, message = CONVERGED, "converged: f(x) = 0 exactly"
            break
        if len(history) > maxiter:
            status, message = MAXITER, f"did not converge in maxiter={maxiter} steps (|f(x)| = {abs(fx):.3g})"
            break
        slope, slope_x = slope_at(x), x
        step = fx / slope if slope != 0 else np.inf
        x_new = x - step
        flat = slope == 0 or abs(step) > max(1.0, abs(x)) / np.sqrt(_EPS)
        far = not np.isfinite(x_new) or abs(x_new) > bound
        fx_new = None
        if flat or far:
            # A step this long is trusted only if it made progress: a far root is still a root.
            fx_new = _trial(counted_f, x_new)
            if fx_new is None or not abs(fx_new) < abs(fx):
                if flat:
                    if slope == 0:
                        size, where = "0", "so the tangent line does not cross zero"
                    else:
                        size = f"{slope:.3g}, zero to working precision,"
                        where = f"so the tangent line crosses zero only at x = {x_new:.3g}, where |f| is no smaller"
                    status = STOPPED
                    message = (
                        f"zero derivative: f'(x) = {size} at x = {x:.12g}, {where} "
                        "(x is a stationary point of f: a turning point or an inflection)"
                    )
                else:
                    status = DIVERGED
                    message = (
                        f"diverged: the next iterate x = {x_new:.3g} is beyond the bound {bound:.3g} and |f| "
                        f"did not decrease there (from x = {x:.6g}, where f'(x) = {slope:.3g})"
                    )
                break
        history.append(x_new)
        x, fx = x_new, (fx_new if fx_new is not None else _scalar(counted_f, x_new, "f"))
        values.append(fx)
        scale = xtol * max(1.0, abs(x))
        if abs(step) <= scale:
            status, message = CONVERGED, f"converged: the last step was {abs(step):.3g} <= xtol * max(1, |x|)"
            break
        if len(history) >= 3:
            bisect.insort(earlier, (history[-3], len(history) - 3))
        low = bisect.bisect_left(earlier, (x - scale, -1))
        high = bisect.bisect_right(earlier, (x + scale, len(history)))
        if high > low:
            repeated = max(index for _, index in earlier[low:high])
            cycle = " → ".join(f"{round(v, 9) + 0.0:.6g}" for v in history[repeated:])
            status = STOPPED
            message = (
                f"cycle: iterate {len(history) - 1} (x = {x:.6g}) repeats iterate {repeated}, "
                f"so the iteration goes round {cycle} → … for ever"
            )
            break
    if slope_x != x:
        try:
            slope = slope_at(x)
        except ValueError:  # f' is not finite at the last iterate: there is no derivative to report
            slope = None
    return optimize_result(
        x=x,
        fun=fx,
        jac=slope,
        nit=len(history) - 1,
        nfev=calls["f"],
        njev=calls["fprime"],
        status=status,
        message=message,
        history={"x": history, "fun": values},
    )


def gradient_descent(
    grad: Callable,
    x0: ArrayLike,
    *,
    step: float,
    f: Callable | None = None,
    gtol: float = 1e-8,
    maxiter: int = 10_000,
) -> scipy.optimize.OptimizeResult:
    """A minimum by gradient descent with a fixed step: walk downhill, against the gradient.

    .. math::

        x_{i+1} = x_i - \\gamma \\, \\nabla f(x_i)

    Parameters
    ----------
    grad : callable
        ``grad(x)`` takes a float array of shape ``(n,)`` and returns the
        gradient :math:`\\nabla f(x)`, shape ``(n,)``. (For a numerical
        gradient, pass ``lambda x: mvcalc.gradient(f, x)``.)
    x0 : array_like, shape (n,)
        The starting point.
    step : float
        The step size :math:`\\gamma > 0`. On a quadratic whose Hessian has
        largest eigenvalue :math:`\\lambda_{\\max}` the iteration converges if
        and only if :math:`\\gamma < 2/\\lambda_{\\max}`.
    f : callable, optional
        The function being minimised, ``f(x)`` a real number. The descent does
        not need it; when it is given, ``fun`` and ``history.fun`` record it.
    gtol : float
        Converged when :math:`\\lVert \\nabla f(x) \\rVert < \\text{gtol}`.
    maxiter : int
        The most steps to take.

    Returns
    -------
    scipy.optimize.OptimizeResult
        ``x`` (shape ``(n,)``, the last iterate), ``fun`` (:math:`f(x)`, or
        ``None`` without ``f``), ``jac`` (the gradient at ``x``), ``nit``
        (steps taken), ``nfev`` and ``njev`` (calls of ``f`` and ``grad``),
        ``status`` (0 converged, 1 ``maxiter`` reached, 2 diverged),
        ``success``, ``message``, and ``history``: ``history.x`` (the iterates,
        shape ``(nit + 1, n)``, starting with ``x0``), ``history.jac`` (the
        gradient at each, same shape) and, with ``f``, ``history.fun``.

    Raises
    ------
    TypeError
        If ``grad`` or ``f`` is not callable, ``x0``, ``step`` or ``gtol`` is
        not real, ``maxiter`` is not an integer, or ``grad`` returns non-numbers.
    ValueError
        If ``x0`` is not a finite 1-D array, ``step <= 0``, ``gtol <= 0``,
        ``maxiter < 1``, ``grad`` returns the wrong shape, ``grad(x0)`` is
        not finite, or ``f`` returns a non-scalar or non-finite value.

    Notes
    -----
    The iteration stops with ``success=False`` if it diverges (the next iterate
    or the gradient is not finite, or :math:`\\lVert x \\rVert` exceeds
    ``DIVERGENCE_BOUND * max(1, ‖x0‖)``) or runs out of steps. ``x`` is always
    the last finite iterate.

    Examples
    --------
    >>> grad = lambda v: np.array([2 * v[0], 20 * v[1]])   # f = x² + 10 y²
    >>> res = gradient_descent(grad, [1.0, 1.0], step=0.05)
    >>> print(res.success, res.nit, np.round(res.x, 8) + 0.0)
    True 182 [0. 0.]
    >>> res = gradient_descent(grad, [1.0, 1.0], step=0.11)   # beyond 2/20
    >>> print(res.success, res.status, res.message)
    False 2 diverged at step 103: ‖x‖ = 1.43e+08 exceeds the bound 1.41e+08 and the gradient grew; the step 0.11 is too large

    Introduced in: Module 5, *Gradient Descent*.
    """
    step = check_step(step, "step")
    return run_descent(grad, x0, lambda x, g, i: x - step * g, f=f, gtol=gtol, maxiter=maxiter, step=step)


#: How close to zero ``lagrange_multipliers`` requires g(x), and ``|grad f - lam grad g|`` relative to
#: ``max(1, |grad f|)``, before it reports success: the accuracy of central-difference gradients.
LAGRANGE_TOL = 1e-6


def lagrange_multipliers(
    f: Callable, g: Callable, x0: ArrayLike, *, lam0: float = 0.0
) -> scipy.optimize.OptimizeResult:
    """A stationary point of ``f`` on the constraint ``g = 0``, by Lagrange multipliers.

    At a constrained maximum or minimum the contour of :math:`f` touches the
    constraint curve, so the two gradients are parallel:

    .. math::

        \\nabla f(x) = \\lambda \\nabla g(x), \\qquad g(x) = 0.

    Equivalently :math:`\\nabla_{x, \\lambda} \\mathcal{L} = 0` for the Lagrangian
    :math:`\\mathcal{L}(x, \\lambda) = f(x) - \\lambda g(x)`: a root-finding problem
    in :math:`n + 1` unknowns,

    .. math::

        \\nabla \\mathcal{L} = \\begin{bmatrix} \\nabla f(x) - \\lambda \\nabla g(x) \\\\ -g(x) \\end{bmatrix} = 0.

    The gradients come from :func:`mvcalc.gradient`; the root is found by
    :func:`scipy.optimize.root` (method ``"hybr"``, MINPACK's Powell hybrid
    method) with the Jacobian of :math:`\\nabla \\mathcal{L}` from
    :func:`mvcalc.jacobian`.

    Parameters
    ----------
    f : callable
        The objective: ``f(x)`` takes shape ``(n,)``, ``n >= 2``, and returns a scalar.
    g : callable
        The constraint function: ``g(x)`` takes shape ``(n,)`` and returns a
        scalar; the constraint is :math:`g(x) = 0`.
    x0 : array_like, shape (n,)
        The starting guess. Different guesses find different stationary
        points (maxima, minima or saddles of ``f`` on the constraint).
    lam0 : float
        The starting guess for :math:`\\lambda`.

    Returns
    -------
    scipy.optimize.OptimizeResult
        ``x`` (shape ``(n,)``), ``lam`` (:math:`\\lambda`), ``fun``
        (:math:`f(x)`), ``constraint`` (:math:`g(x)`), ``success``, ``message``
        and ``nfev`` (evaluations of :math:`\\nabla \\mathcal{L}`). ``success``
        is true only if :func:`scipy.optimize.root` converged *and* the point
        solves the problem: :math:`|g(x)| \\le` ``LAGRANGE_TOL`` and
        :math:`\\lVert \\nabla f - \\lambda \\nabla g \\rVert \\le` ``LAGRANGE_TOL``
        :math:`\\cdot \\max(1, \\lVert \\nabla f \\rVert)`; otherwise ``message`` says
        which condition failed.

    Raises
    ------
    TypeError
        If ``f`` or ``g`` is not callable, or ``x0`` or ``lam0`` is not real.
    ValueError
        If ``x0`` is not a finite 1-D array with at least 2 entries, ``lam0``
        is not finite, or ``f`` or ``g`` returns a non-scalar or non-finite value.

    Examples
    --------
    Optimise :math:`x^2 y` on the unit circle :math:`x^2 + y^2 = 1`:

    >>> f = lambda v: v[0]**2 * v[1]
    >>> g = lambda v: v[0]**2 + v[1]**2 - 1
    >>> res = lagrange_multipliers(f, g, [1.0, 1.0])
    >>> print(res.success, np.round(res.x, 6), round(res.lam, 6))
    True [0.816497 0.57735 ] 0.57735
    >>> print(f"{np.sqrt(2 / 3):.6f} {1 / np.sqrt(3):.6f}")   # x = √(2/3), y = λ = 1/√3
    0.816497 0.577350

    Introduced in: Module 5, *Lagrange Multipliers*.
    """
    check_callable(f)
    check_callable(g, "g")
    x0 = as_point(x0, "x0")
    if x0.size < 2:
        raise ValueError(
            f"x0 must have at least 2 entries (a constraint in 1-D leaves nothing to optimise), got shape {x0.shape}"
        )
    lam0 = check_real_scalar(lam0, "lam0")
    scalar_of_vector(f, x0, "f")
    scalar_of_vector(g, x0, "g")
    n = x0.size

    def grad_lagrangian(z: np.ndarray) -> np.ndarray:
        x, lam = z[:n], z[n]
        return np.append(gradient(f, x) - lam * gradient(g, x), -scalar_of_vector(g, x, "g"))

    import scipy.optimize  # the one solver of mvcalc that needs scipy: a page that calls it loads scipy

    solution = scipy.optimize.root(grad_lagrangian, np.append(x0, lam0), jac=lambda z: jacobian(grad_lagrangian, z))
    x, lam = solution.x[:n], float(solution.x[n])
    fun, constraint = scalar_of_vector(f, x, "f"), scalar_of_vector(g, x, "g")
    message = " ".join(str(solution.message).split())  # MINPACK's messages contain line breaks
    # MINPACK stops when its steps become small, which can happen far from a root (a start at
    # x = 100 on e^x + y^2 stalls with g = 1321): success is decided here, from the two conditions.
    grad_f = gradient(f, x)
    stationarity = float(np.linalg.norm(grad_f - lam * gradient(g, x)))
    stationary = stationarity <= LAGRANGE_TOL * max(1.0, float(np.linalg.norm(grad_f)))
    on_constraint = abs(constraint) <= LAGRANGE_TOL
    success = bool(solution.success) and stationary and on_constraint
    if solution.success and not on_constraint:
        message = (
            f"not a solution: the constraint is violated, g(x) = {constraint:.3g} (tolerance {LAGRANGE_TOL:g}); "
            f"MINPACK stopped with: {message} Try another x0 or lam0"
        )
    elif solution.success and not stationary:
        message = (
            f"not a solution: the gradients are not parallel, |grad f - lam grad g| = {stationarity:.3g}; "
            f"MINPACK stopped with: {message} Try another x0 or lam0"
        )
    result = scipy.optimize.OptimizeResult(
        x=x, lam=lam, fun=fun, constraint=constraint, success=success, message=message, nfev=int(solution.nfev)
    )
    return result


# ---------------------------------------------------------------------------
# Argument checks and safe evaluation.
# ---------------------------------------------------------------------------


def _numerical_slope(f: Callable, x: float) -> float:
    """f'(x) by a central difference (:func:`mvcalc.derivative`)."""
    return float(derivative(f, x))


def _underflowed(history: list[float], slope: float) -> bool:
    """Whether f(x) = 0 at the last iterate looks like underflow rather than a root.

    Newton's method lands exactly on a root in one step where f is linear, or reaches a root with a
    slope there, or approaches a multiple root with steps that shrink until ``xtol`` stops it. f and
    f' both 0 after two or more steps, the last of them still long compared with x, is what a function
    such as x e^(-x) gives far out, where e^(-x) has underflowed to 0.
    """
    if slope != 0 or len(history) < 3:
        return False
    return abs(history[-1] - history[-2]) > np.sqrt(_EPS) * max(1.0, abs(history[-1]))


def _trial(f: Callable, x: float) -> float | None:
    """f at a far trial point x, or None where x or f(x) is not a finite real number."""
    if not np.isfinite(x):
        return None
    try:
        return _scalar(f, x, "f")
    except ValueError:
        return None


def _scalar(f: Callable, x: float, name: str) -> float:
    """Evaluate a function of one variable at x; check it returned one finite real number."""
    value = call_checked(f, x, name, where=lambda: f"at x = {x!r}")
    if value.size != 1:
        raise ValueError(f"{name} must return a scalar, got an array of shape {value.shape} at x = {x!r}")
    return float(value.reshape(()))
