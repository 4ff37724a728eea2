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
:func:`scipy.optimize.minimize`.

Introduced in: Module 5, *Newton–Raphson* (``book/m5/newton-raphson.md``),
*Gradient Descent* (``book/m5/gradient-descent.md``) and *Lagrange Multipliers*
(``book/m5/lagrange.md``).
"""

from __future__ import annotations

from typing import Callable

import numpy as np
import scipy.optimize
from numpy.typing import ArrayLike

from ._validation import as_point, check_callable, check_finite_output, check_integer, check_real_scalar, check_step
from .derivatives import derivative
from .multivariate import gradient, jacobian

__all__ = ["newton_raphson", "gradient_descent", "lagrange_multipliers", "DIVERGENCE_BOUND"]

_EPS = np.finfo(np.float64).eps

#: The iterates count as diverging once ``|x|`` exceeds this many times ``max(1, |x0|)``.
DIVERGENCE_BOUND = 1e8


def newton_raphson(
    f: Callable,
    x0: float,
    *,
    fprime: Callable | None = None,
    tol: float = 1e-12,
    max_iter: int = 50,
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
    tol : float
        Converged when a step is at most ``tol * max(1, |x|)``, or when
        :math:`f(x) = 0` exactly.
    max_iter : int
        The most steps to take.

    Returns
    -------
    scipy.optimize.OptimizeResult
        ``x`` (the last iterate: the root if ``success``), ``fun`` (:math:`f(x)`),
        ``nit`` (steps taken), ``success``, ``message``, and ``history``, the
        iterates as an array of shape ``(nit + 1,)`` starting with ``x0``
        (``history[-1] == x``).

    Raises
    ------
    TypeError
        If ``f`` or ``fprime`` is not callable, ``x0`` or ``tol`` is not a
        real number, ``max_iter`` is not an integer, or ``f`` or ``fprime``
        returns something other than a real scalar.
    ValueError
        If ``x0`` is not finite, ``tol <= 0``, ``max_iter < 1``, or ``f`` or
        ``fprime`` returns a non-finite value.

    Notes
    -----
    The iteration stops with ``success=False`` and a message that says why:

    - **zero derivative**: :math:`f'(x_i) = 0`, or so small that the step
      :math:`|f/f'|` exceeds :math:`\\max(1, |x_i|)/\\sqrt{\\varepsilon} \\approx
      6.7 \\times 10^7 \\max(1, |x_i|)`: the tangent is flat to working precision;
    - **cycle**: an iterate repeats an earlier one (not the previous one) to
      within ``tol``, so the iteration will go round for ever;
    - **divergence**: the next iterate is not finite or :math:`|x|` exceeds
      ``DIVERGENCE_BOUND * max(1, |x0|)`` (:math:`10^8 \\max(1, |x_0|)`);
    - **max_iter** steps without converging (for example an oscillation that
      never exactly repeats).

    ``x`` is always the last finite iterate, never ``nan``.

    Examples
    --------
    >>> f = lambda x: x**3 - 2 * x + 2
    >>> res = newton_raphson(f, -2.0)
    >>> print(f"{res.x:.6f} after {res.nit} steps: {res.success}")
    -1.769292 after 5 steps: True
    >>> res = newton_raphson(f, 0.0, fprime=lambda x: 3 * x**2 - 2)
    >>> print(res.success, res.history)
    False [0. 1. 0.]
    >>> print(res.message)
    cycle: iterate 2 (x = 0) repeats iterate 0, so the iteration goes round 0 → 1 → 0 → … for ever

    Introduced in: Module 5, *Newton–Raphson*.
    """
    check_callable(f)
    if fprime is not None:
        check_callable(fprime, "fprime")
    x = check_real_scalar(x0, "x0")
    tol = check_step(tol, "tol")
    max_iter = check_integer(max_iter, "max_iter")
    bound = DIVERGENCE_BOUND * max(1.0, abs(x))

    history = [x]
    fx = _scalar(f, x, "f")
    success = False
    while True:
        if fx == 0:
            success, message = True, "converged: f(x) = 0 exactly"
            break
        if len(history) > max_iter:
            message = f"did not converge in max_iter={max_iter} steps (|f(x)| = {abs(fx):.3g})"
            break
        slope = _scalar(fprime, x, "fprime") if fprime is not None else _numerical_slope(f, x)
        step = fx / slope if slope != 0 else np.inf
        if abs(step) > max(1.0, abs(x)) / np.sqrt(_EPS):
            size = "0" if slope == 0 else f"{slope:.3g}, zero to working precision,"
            message = (
                f"zero derivative: f'(x) = {size} at x = {x:.12g}, so the tangent line "
                "does not cross zero (x is a stationary point of f: a turning point or an inflection)"
            )
            break
        x_new = x - step
        if not np.isfinite(x_new) or abs(x_new) > bound:
            message = (
                f"diverged: the next iterate x = {x_new:.3g} is beyond the bound {bound:.3g} "
                f"(from x = {x:.6g}, where f'(x) = {slope:.3g})"
            )
            break
        history.append(x_new)
        x, fx = x_new, _scalar(f, x_new, "f")
        scale = tol * max(1.0, abs(x))
        if abs(step) <= scale:
            success, message = True, f"converged: the last step was {abs(step):.3g} <= tol * max(1, |x|)"
            break
        repeats = [j for j, earlier in enumerate(history[:-2]) if abs(x - earlier) <= scale]
        if repeats:
            cycle = " → ".join(f"{round(v, 9) + 0.0:.6g}" for v in history[repeats[-1] :])
            message = (
                f"cycle: iterate {len(history) - 1} (x = {x:.6g}) repeats iterate {repeats[-1]}, "
                f"so the iteration goes round {cycle} → … for ever"
            )
            break
    return scipy.optimize.OptimizeResult(
        x=x, fun=fx, nit=len(history) - 1, success=success, message=message, history=np.array(history)
    )


def gradient_descent(
    grad: Callable,
    x0: ArrayLike,
    *,
    step: float,
    tol: float = 1e-8,
    max_iter: int = 10_000,
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
    tol : float
        Converged when :math:`\\lVert \\nabla f(x) \\rVert < \\text{tol}`.
    max_iter : int
        The most steps to take.

    Returns
    -------
    scipy.optimize.OptimizeResult
        ``x`` (shape ``(n,)``, the last iterate), ``jac`` (the gradient at
        ``x``), ``nit`` (steps taken), ``success``, ``message``, ``path`` (the
        iterates, shape ``(nit + 1, n)``, starting with ``x0``) and
        ``grad_norms`` (:math:`\\lVert \\nabla f \\rVert` at each iterate of
        ``path``, shape ``(nit + 1,)``).

    Raises
    ------
    TypeError
        If ``grad`` is not callable, ``x0``, ``step`` or ``tol`` is not real,
        ``max_iter`` is not an integer, or ``grad`` returns non-numbers.
    ValueError
        If ``x0`` is not a finite 1-D array, ``step <= 0``, ``tol <= 0``,
        ``max_iter < 1``, ``grad`` returns the wrong shape, or ``grad(x0)`` is
        not finite.

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
    >>> print(res.success, res.message)
    False diverged at step 103: ‖x‖ = 1.43e+08 exceeds the bound 1.41e+08; the step 0.11 is too large

    Introduced in: Module 5, *Gradient Descent*.
    """
    check_callable(grad, "grad")
    x = as_point(x0, "x0")
    step = check_step(step, "step")
    tol = check_step(tol, "tol")
    max_iter = check_integer(max_iter, "max_iter")
    bound = DIVERGENCE_BOUND * max(1.0, float(np.linalg.norm(x)))

    g = _gradient_at(grad, x, first=True)
    path, norms = [x], [float(np.linalg.norm(g))]
    success = False
    for i in range(1, max_iter + 1):
        if norms[-1] < tol:
            success, message = True, f"converged: ‖grad‖ = {norms[-1]:.3g} < tol"
            break
        with np.errstate(all="ignore"):
            x_new = x - step * g
        size = float(np.linalg.norm(x_new))
        if not np.isfinite(size) or size > bound:
            message = (
                f"diverged at step {i}: ‖x‖ = {size:.3g} exceeds the bound {bound:.3g}; "
                f"the step {step:g} is too large"
            )
            break
        g_new = _gradient_at(grad, x_new, first=False)
        if g_new is None:
            message = f"diverged at step {i}: grad returned a non-finite value; the step {step:g} may be too large"
            break
        x, g = x_new, g_new
        path.append(x)
        norms.append(float(np.linalg.norm(g)))
    else:
        if norms[-1] < tol:
            success, message = True, f"converged: ‖grad‖ = {norms[-1]:.3g} < tol"
        else:
            message = f"did not converge in max_iter={max_iter} steps (‖grad‖ = {norms[-1]:.3g})"
    return scipy.optimize.OptimizeResult(
        x=x,
        jac=g,
        nit=len(path) - 1,
        success=success,
        message=message,
        path=np.array(path),
        grad_norms=np.array(norms),
    )


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
        (:math:`f(x)`), ``constraint`` (:math:`g(x)`, near 0 on success),
        ``success``, ``message`` and ``nfev`` (evaluations of
        :math:`\\nabla \\mathcal{L}`) from :func:`scipy.optimize.root`.

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
    _scalar_of_vector(f, x0, "f")
    _scalar_of_vector(g, x0, "g")
    n = x0.size

    def grad_lagrangian(z: np.ndarray) -> np.ndarray:
        x, lam = z[:n], z[n]
        return np.append(gradient(f, x) - lam * gradient(g, x), -_scalar_of_vector(g, x, "g"))

    solution = scipy.optimize.root(grad_lagrangian, np.append(x0, lam0), jac=lambda z: jacobian(grad_lagrangian, z))
    x, lam = solution.x[:n], float(solution.x[n])
    return scipy.optimize.OptimizeResult(
        x=x,
        lam=lam,
        fun=_scalar_of_vector(f, x, "f"),
        constraint=_scalar_of_vector(g, x, "g"),
        success=bool(solution.success),
        message=" ".join(str(solution.message).split()),  # MINPACK's messages contain line breaks
        nfev=int(solution.nfev),
    )


# ---------------------------------------------------------------------------
# Argument checks and safe evaluation.
# ---------------------------------------------------------------------------


def _numerical_slope(f: Callable, x: float) -> float:
    """f'(x) by a central difference (:func:`mvcalc.derivative`)."""
    return float(derivative(f, x))


def _scalar(f: Callable, x: float, name: str) -> float:
    """Evaluate a function of one variable at x; check it returned one finite real number."""
    where = f"at x = {x!r}"
    value = check_finite_output(f(x), where, name)
    if np.iscomplexobj(value):
        raise TypeError(f"{name} must return real values, got dtype {value.dtype} {where}")
    if value.size != 1:
        raise ValueError(f"{name} must return a scalar, got an array of shape {value.shape} {where}")
    return float(value.reshape(()))


def _scalar_of_vector(f: Callable, x: np.ndarray, name: str) -> float:
    """Evaluate a function of several variables at x; check it returned one finite real number."""
    where = f"at x = {np.array2string(x, precision=6)}"
    value = check_finite_output(f(x.copy()), where, name)
    if np.iscomplexobj(value):
        raise TypeError(f"{name} must return real values, got dtype {value.dtype} {where}")
    if value.ndim != 0:
        raise ValueError(f"{name} must return a scalar, got an array of shape {value.shape} {where}")
    return float(value)


def _gradient_at(grad: Callable, x: np.ndarray, first: bool) -> np.ndarray | None:
    """grad(x) as a float array of shape (n,); None if it is not finite after the first step."""
    where = f"at x = {np.array2string(x, precision=6)}"
    with np.errstate(all="ignore"):
        value = np.asarray(grad(x.copy()))
    if value.dtype == bool or value.dtype.kind not in "iuf":
        raise TypeError(f"grad must return real numbers, got dtype {value.dtype} {where}")
    if value.shape != x.shape:
        raise ValueError(f"grad must return an array of shape {x.shape} like x, got shape {value.shape} {where}")
    if not np.all(np.isfinite(value)):
        if first:
            raise ValueError(f"grad returned a non-finite value {value!r} {where}")
        return None
    return value.astype(np.float64)
