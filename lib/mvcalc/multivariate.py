"""Partial derivatives of functions of several variables: gradient, Jacobian, Hessian.

Each partial derivative is a one-variable derivative taken along one axis with
the other variables held fixed, so each is a central difference along a unit
vector :math:`e_j`:

.. math::

    \\frac{\\partial f}{\\partial x_j}(x) \\approx \\frac{f(x + h_j e_j) - f(x - h_j e_j)}{2 h_j}.

Introduced in: Module 2, *The Jacobian* (``book/m2/jacobian.md``) and
*The Hessian* (``book/m2/hessian.md``).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike

from ._validation import as_point, call_checked, check_callable, check_step, describe_point

__all__ = ["gradient", "jacobian", "hessian"]

_EPS = np.finfo(np.float64).eps


def _steps(x: np.ndarray, h: float | None, power: float) -> np.ndarray:
    """One step per coordinate: ``h`` if given, else eps**power scaled by max(1, |x_j|)."""
    if h is None:
        step = _EPS**power * np.maximum(1.0, np.abs(x))
    else:
        step = np.full(x.shape, check_step(h))
    step = (x + step) - x  # exactly representable
    if np.any(step == 0):
        j = int(np.flatnonzero(step == 0)[0])
        raise ValueError(f"h={h!r} is too small to move x[{j}] = {x[j]!r} in float64; use a larger h (or h=None)")
    return step


def _evaluate(f: Callable, point: np.ndarray, scalar: bool) -> np.ndarray:
    """Call ``f`` on a copy of ``point``; check the result is finite and of the right kind."""
    value = call_checked(f, point, where=lambda: describe_point(point))
    if scalar and value.ndim != 0:
        raise ValueError(
            f"f must return a scalar, got an array of shape {value.shape} {describe_point(point)}; "
            "for a vector-valued function use jacobian"
        )
    if not scalar and value.ndim > 1:
        raise ValueError(
            f"f must return a scalar or a 1-D array of shape (m,), got shape {value.shape} {describe_point(point)}"
        )
    return value.astype(np.float64)


def gradient(f: Callable, x: ArrayLike, *, h: float | None = None) -> np.ndarray:
    """Gradient of a scalar function of several variables, by central differences.

    .. math::

        \\nabla f(x) = \\begin{bmatrix} \\dfrac{\\partial f}{\\partial x_1} & \\cdots &
        \\dfrac{\\partial f}{\\partial x_n} \\end{bmatrix}^\\top

    Parameters
    ----------
    f : callable
        ``f(x)`` takes a float array of shape ``(n,)`` and returns a scalar.
    x : array_like, shape (n,)
        The point.
    h : float, optional
        The step, a positive number. By default :math:`\\varepsilon^{1/3}\\max(1, |x_j|)`
        for coordinate :math:`j`, which balances truncation against round-off.

    Returns
    -------
    ndarray, shape (n,)

    Raises
    ------
    TypeError
        If ``f`` is not callable or ``x`` is not real.
    ValueError
        If ``x`` is not a finite 1-D array, ``h <= 0``, or ``f`` returns a
        non-scalar or a non-finite value.

    Examples
    --------
    >>> f = lambda v: v[0]**2 * v[1] + 3 * v[2]
    >>> np.round(gradient(f, [1.0, 2.0, 0.0]), 8)
    array([4., 1., 3.])

    Introduced in: Module 2, *The Jacobian*.
    """
    return _differences(f, x, h, scalar=True)[0]


def jacobian(f: Callable, x: ArrayLike, *, h: float | None = None) -> np.ndarray:
    """Jacobian matrix of a function of several variables, by central differences.

    .. math::

        J_{ij} = \\frac{\\partial f_i}{\\partial x_j}

    Row :math:`i` is the gradient of the output :math:`f_i`, transposed; column
    :math:`j` says how every output moves when :math:`x_j` alone moves.

    Parameters
    ----------
    f : callable
        ``f(x)`` takes a float array of shape ``(n,)`` and returns an array of
        shape ``(m,)`` or a scalar.
    x : array_like, shape (n,)
        The point.
    h : float, optional
        The step, as for :func:`gradient`.

    Returns
    -------
    ndarray, shape (m, n)
        Shape ``(1, n)`` when ``f`` returns a scalar.

    Raises
    ------
    TypeError, ValueError
        As for :func:`gradient`; also if ``f`` returns arrays of different
        shapes at different points.

    Examples
    --------
    >>> polar = lambda v: np.array([v[0] * np.cos(v[1]), v[0] * np.sin(v[1])])
    >>> np.round(jacobian(polar, [2.0, 0.0]), 8)
    array([[1., 0.],
           [0., 2.]])

    Introduced in: Module 2, *The Jacobian*.
    """
    return _differences(f, x, h, scalar=False)


def _differences(f: Callable, x: ArrayLike, h: float | None, scalar: bool) -> np.ndarray:
    """Central differences along each axis, stacked as the columns of a Jacobian."""
    check_callable(f)
    x = as_point(x)
    steps = _steps(x, h, 1.0 / 3.0)
    columns = []
    shape = None
    for j, hj in enumerate(steps):
        e = np.zeros_like(x)
        e[j] = hj
        f_plus = _evaluate(f, x + e, scalar)
        f_minus = _evaluate(f, x - e, scalar)
        if shape is None:
            shape = f_plus.shape
        if f_plus.shape != shape or f_minus.shape != shape:
            raise ValueError(
                f"f must return the same shape at every point, got {shape}, {f_plus.shape} and {f_minus.shape}"
            )
        columns.append((f_plus - f_minus) / (2 * hj))
    if shape == ():
        return np.array(columns)[None, :]
    return np.column_stack(columns)


def hessian(f: Callable, x: ArrayLike, *, h: float | None = None) -> np.ndarray:
    """Hessian matrix of a scalar function of several variables, by second differences.

    .. math::

        \\begin{aligned}
        H_{ij} = \\frac{\\partial^2 f}{\\partial x_i \\partial x_j}
        \\approx \\frac{1}{4 h_i h_j} \\big[
        & f(x + h_i e_i + h_j e_j) - f(x + h_i e_i - h_j e_j) \\\\
        & - f(x - h_i e_i + h_j e_j) + f(x - h_i e_i - h_j e_j) \\big],
        \\end{aligned}

    and on the diagonal :math:`H_{ii} \\approx (f(x + h_i e_i) - 2f(x) + f(x - h_i e_i))/h_i^2`.
    Each mixed entry is computed once and placed at both :math:`(i, j)` and
    :math:`(j, i)`, so the result is exactly symmetric.

    Parameters
    ----------
    f : callable
        ``f(x)`` takes a float array of shape ``(n,)`` and returns a scalar.
    x : array_like, shape (n,)
        The point.
    h : float, optional
        The step. By default :math:`\\varepsilon^{1/4}\\max(1, |x_j|)`: a second
        difference divides by :math:`h^2`, so it needs a larger step than a first.

    Returns
    -------
    ndarray, shape (n, n)
        Symmetric.

    Raises
    ------
    TypeError, ValueError
        As for :func:`gradient`.

    Examples
    --------
    >>> f = lambda v: v[0]**2 * v[1] * v[2]
    >>> np.round(hessian(f, [1.0, 2.0, 3.0]), 5)
    array([[12.,  6.,  4.],
           [ 6.,  0.,  1.],
           [ 4.,  1.,  0.]])

    Introduced in: Module 2, *The Hessian*.
    """
    check_callable(f)
    x = as_point(x)
    steps = _steps(x, h, 0.25)
    n = x.size
    H = np.empty((n, n))
    f0 = _evaluate(f, x, True)

    def at(*moves: tuple[int, float]) -> np.ndarray:
        p = x.copy()
        for index, delta in moves:
            p[index] += delta
        return _evaluate(f, p, True)

    for i in range(n):
        hi = steps[i]
        H[i, i] = (at((i, hi)) - 2 * f0 + at((i, -hi))) / hi**2
        for j in range(i + 1, n):
            hj = steps[j]
            H[i, j] = H[j, i] = (
                at((i, hi), (j, hj)) - at((i, hi), (j, -hj)) - at((i, -hi), (j, hj)) + at((i, -hi), (j, -hj))
            ) / (4 * hi * hj)
    return H
