"""Taylor series: coefficients, truncated polynomials, and local linear and quadratic models.

The Taylor series of a well-behaved function about a point :math:`a` is

.. math::

    f(x) = \\sum_{k=0}^{\\infty} c_k (x - a)^k, \\qquad c_k = \\frac{f^{(k)}(a)}{k!}.

**Two paths.** The module computes derivatives in two ways, and each function
says which it takes:

- the *plain path*, for orders 1 and 2: :func:`linearise` and
  :func:`quadratic_model` take the Jacobian and the Hessian from
  :func:`mvcalc.gradient`, :func:`mvcalc.jacobian` and :func:`mvcalc.hessian`,
  the central differences of Module 2. It works for any real function of
  several variables, and it is the path to read first;
- the *advanced path*, for any order of one variable: :func:`taylor_coefficients`
  (and :func:`taylor_polynomial`, built on it) uses the Cauchy integral formula
  and the FFT, below. It needs ``f`` analytic and vectorised over complex
  numbers, and it is used whenever coefficients beyond the second are asked
  for, where differences have no correct digits left. The rest of this
  docstring explains it; the code of this path is marked *advanced path* too.

**Why not finite differences?** A :math:`k`-th difference divides by :math:`h^k`,
so its round-off grows like :math:`\\varepsilon |f| / h^k`: by :math:`k = 5` or so
no step :math:`h` leaves any correct digits. Instead this module uses the
**Cauchy integral formula**. If :math:`f` is analytic (has a convergent power
series) in a disc of radius :math:`R` about :math:`a`, then for any :math:`r < R`

.. math::

    c_k = \\frac{1}{2\\pi i} \\oint_{|z - a| = r} \\frac{f(z)}{(z - a)^{k+1}} \\, dz
        = \\frac{1}{2\\pi r^k} \\int_0^{2\\pi} f(a + r e^{i\\theta}) \\, e^{-ik\\theta} \\, d\\theta.

The trapezoidal rule at :math:`M` equally spaced angles
:math:`\\theta_j = 2\\pi j / M` turns this integral into a discrete Fourier
transform, which :func:`numpy.fft.fft` computes in one call:

.. math::

    c_k \\approx \\frac{1}{M r^k} \\sum_{j=0}^{M-1} f(a + r e^{i\\theta_j}) \\, e^{-2\\pi i jk/M}.

So ``f`` must accept complex input (``np.exp`` does; ``math.exp`` does not).

**Choosing** :math:`M` **and** :math:`r`. The computed coefficient has two errors:

- *aliasing*: the sum also picks up :math:`c_{k+M} r^{k+M} + c_{k+2M} r^{k+2M} + \\dots`,
  which relative to :math:`c_k r^k` is about :math:`(r/R)^M`. It is small when the
  circle stays well inside the disc of convergence and :math:`M` is large;
- *round-off*: each value of :math:`f` carries an error of about
  :math:`\\varepsilon \\max_{|z-a|=r} |f(z)|`, and the formula divides it by
  :math:`r^k`, so :math:`c_k` carries about :math:`\\varepsilon \\max|f| / r^k`.
  A small circle magnifies it; a large circle makes :math:`\\max|f|` grow
  (like :math:`e^r` for :math:`e^x`).

We take :math:`M = 128` points (more when :math:`n` is large): the trapezoidal rule
is then exact to rounding for :math:`(r/R)^{M/2} < 10^{-14}`, i.e. any circle
with :math:`r/R` below about :math:`0.6`. Because :math:`R` is not known in advance
(it is infinite for :math:`e^x`, 1 for :math:`1/(1-x)` about 0), we try the radii
:math:`r = 2^{j/2}` from about :math:`10^{-6}` up to :math:`2\\max(1, n, |a|)` and keep
a circle only if its Fourier coefficients :math:`c_j r^j` have died away to
rounding level by :math:`j = M/2`; a circle that encloses a pole, crosses a
branch cut or meets a point where ``f`` is not finite fails this test. For
each :math:`k` we then take the kept circle with the smallest estimated
round-off :math:`\\varepsilon \\max|f| (1 + |a|/r) / r^k` (the factor
:math:`1 + |a|/r` accounts for rounding :math:`a + re^{i\\theta}`). For a
unit-scale entire function such as :math:`e^x` this picks :math:`r \\approx k`,
where the error is a few :math:`\\varepsilon` relative to :math:`c_k` for
:math:`k \\le 10`.

The method is due to Fornberg (1981), *Numerical differentiation of analytic
functions*, ACM Transactions on Mathematical Software 7, 512–526; Bornemann
(2011), *Accuracy and stability of computing high-order derivatives of analytic
functions by Cauchy integrals*, Foundations of Computational Mathematics 11,
1–63, analyses the choice of radius.

Introduced in: Module 4, *Power Series* (``book/m4/power-series.md``),
*Linearisation* (``book/m4/linearisation.md``) and *Multivariate Taylor Series*
(``book/m4/multivariate.md``).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from ._validation import as_point, as_real_array, call_checked, check_callable, check_integer, check_real_scalar
from .multivariate import gradient, hessian, jacobian

__all__ = [
    "taylor_coefficients",
    "taylor_polynomial",
    "TaylorPolynomial",
    "linearise",
    "quadratic_model",
    "LocalModel",
]

# ---------------------------------------------------------------------------
# The advanced path: Taylor coefficients of any order by the Cauchy integral
# formula, computed with the FFT (see the module docstring). The plain path,
# for orders 1 and 2 by finite differences, is linearise and quadratic_model below.
# ---------------------------------------------------------------------------

_EPS = np.finfo(np.float64).eps

#: Smallest number of points on the circle (a power of two, for the FFT).
_MIN_POINTS = 128
#: A circle is kept if its Fourier coefficients beyond M/2 are below this times max|f|.
_TAIL_TOLERANCE = 1e3 * _EPS


#: The highest order taylor_coefficients computes (a bound on its work and memory).
MAX_ORDER = 1000


def taylor_coefficients(f: Callable, a: float, n: int) -> np.ndarray:
    """Taylor coefficients :math:`f^{(k)}(a)/k!` for :math:`k = 0, \\dots, n`, by the Cauchy integral formula.

    .. math::

        \\begin{aligned}
        c_k = \\frac{f^{(k)}(a)}{k!} &= \\frac{1}{2\\pi r^k} \\int_0^{2\\pi} f(a + r e^{i\\theta})
        e^{-ik\\theta} \\, d\\theta \\\\
        &\\approx \\frac{1}{M r^k} \\sum_{j=0}^{M-1} f(a + r e^{2\\pi i j/M}) \\, e^{-2\\pi i jk/M}
        \\end{aligned}

    The sum is a discrete Fourier transform of :math:`f` sampled on a circle of
    radius :math:`r` about :math:`a`. The module docstring explains how
    :math:`r` and :math:`M` are chosen.

    This is the module's *advanced path*, used for coefficients of any order.
    For a first or second derivative of a function of several variables, the
    plain path is :func:`linearise` or :func:`quadratic_model` (finite
    differences, no complex numbers needed).

    Parameters
    ----------
    f : callable
        A function of one variable that is analytic near ``a`` and real on the
        real line, vectorised over numpy arrays and accepting **complex**
        input (``np.exp``, ``np.sin`` and arithmetic do; ``math.exp``,
        ``abs`` and ``np.floor`` do not).
    a : float
        The centre of the expansion, a finite real number.
    n : int
        The highest order, a non-negative integer.

    Returns
    -------
    ndarray, shape (n + 1,)
        ``c[k]`` is :math:`f^{(k)}(a)/k!`. For unit-scale functions and
        :math:`k \\le 10` the relative error is below :math:`10^{-10}`
        (coefficients that are exactly zero come out below :math:`10^{-10}`
        times the largest coefficient).

    Raises
    ------
    TypeError
        If ``f`` is not callable, ``a`` is not a real number, ``n`` is not an
        integer, or ``f`` cannot take complex input (or drops its imaginary part).
    ValueError
        If ``a`` is not finite, ``n < 0``, ``f(a)`` is not finite or not real,
        ``f`` returns the wrong shape, or no circle about ``a`` passes the
        analyticity test (``f`` is not analytic at ``a``, for example
        :math:`\\sqrt{x}` at 0).

    Examples
    --------
    >>> print(np.round(taylor_coefficients(np.exp, 0.0, 5), 8))   # 1/k!
    [1.         1.         0.5        0.16666667 0.04166667 0.00833333]
    >>> c = taylor_coefficients(np.cos, 0.0, 4)   # cos is even: only even powers
    >>> print(np.round(c, 8) + 0.0)   # + 0.0 turns -0.0 into 0.0
    [ 1.          0.         -0.5         0.          0.04166667]
    >>> print(np.round(taylor_coefficients(lambda x: 1 / x, 1.0, 4), 10))   # 1/x about 1
    [ 1. -1.  1. -1.  1.]

    Introduced in: Module 4, *Power Series*.
    """
    check_callable(f)
    a = check_real_scalar(a, "a")
    n = check_integer(n, "n", minimum=0)
    if n > MAX_ORDER:
        raise ValueError(
            f"n must be at most {MAX_ORDER}, got {n}: the method samples f at about 4n points on circles "
            "about a, and beyond that order float64 cannot resolve the coefficients anyway"
        )
    with np.errstate(all="ignore"):  # a non-finite f(a) gets a clear error just below
        centre_value = complex(_call_complex(f, np.array([a], dtype=np.complex128), "at x = a")[0])
    if not np.isfinite(centre_value):
        raise ValueError(
            f"f(a) is not finite at a = {a!r} (f(a) = {_show(centre_value)}): f has no Taylor series "
            "about a point where it is undefined or infinite; expand about another point"
        )
    if abs(centre_value.imag) > 1e-12 * max(1.0, abs(centre_value.real)):
        raise ValueError(f"f(a) must be a real number, got f(a) = {centre_value!r} at a = {a!r}")

    points = max(_MIN_POINTS, 1 << int(np.ceil(np.log2(4 * (n + 1)))))
    best = np.full(n + 1, np.nan, dtype=np.complex128)
    best_error = np.full(n + 1, np.inf)
    for r in _radii(a, n):
        estimate = _coefficients_on_circle(f, a, r, points, n)
        if estimate is None:
            continue
        coefficients, error = estimate
        better = error < best_error
        best[better] = coefficients[better]
        best_error[better] = error[better]
    reached = np.isfinite(best_error)
    if not reached[0]:
        raise ValueError(
            f"f has no convergent power series about a = {a!r}: no circle about a, down to radius "
            f"{_radii(a, n)[0]:.1e}, keeps f analytic (f is not smooth at a, like sqrt(x) or |x| at 0, "
            "or it is not a function of a complex variable, like x * conj(x))"
        )
    if not np.all(reached):
        order = int(np.argmin(reached))
        raise ValueError(
            f"taylor_coefficients cannot reach order {order} about a = {a!r}: on every circle where f is "
            f"analytic, c_{order} r^{order} is below float64's resolution of f, so the coefficients up to "
            f"order {order - 1} are the most this method can give here; ask for n <= {order - 1}"
        )
    # Each coefficient's imaginary part should be rounding noise: compare it with that coefficient's own
    # error estimate (a coefficient that is zero, like sin's c_0, has noise but no size to compare with).
    scale = np.max(np.abs(best))
    if np.any(np.abs(best.imag) > 1e-8 * scale + 1e3 * best_error):
        raise ValueError(f"f must be real on the real line; its Taylor coefficients about a = {a!r} are complex")
    return best.real.astype(np.float64)


def _radii(a: float, n: int) -> np.ndarray:
    """Advanced path: the candidate radii 2**(j/2), from about 1e-6 up to 2 max(1, n, |a|)."""
    largest = np.log2(2 * max(1.0, n, abs(a)))
    return 2.0 ** (np.arange(-40, 2 * np.ceil(largest) + 1) / 2)


def _coefficients_on_circle(
    f: Callable, a: float, r: float, points: int, n: int
) -> tuple[np.ndarray, np.ndarray] | None:
    """Advanced path: coefficients c_0..c_n from the FFT of f on the circle |z - a| = r, and their errors.

    Returns ``None`` if the circle fails the analyticity test: f is not finite
    on it, or its Fourier coefficients c_j r^j have not died away by j = M/2.
    """
    unit_roots = np.exp(2j * np.pi * np.arange(points) / points)
    with np.errstate(all="ignore"):
        values = _call_complex(f, a + r * unit_roots, "at complex x")
    if not np.all(np.isfinite(values)):
        return None
    size = np.max(np.abs(values))
    if size == 0:  # f vanishes on the whole circle, so it is zero: so are its coefficients
        return np.zeros(n + 1, dtype=np.complex128), np.zeros(n + 1)
    spectrum = np.fft.fft(values) / points  # spectrum[j] = c_j r^j (plus aliasing)
    if np.max(np.abs(spectrum[points // 2 :])) > _TAIL_TOLERANCE * size:
        return None
    k = np.arange(n + 1)
    with np.errstate(all="ignore"):
        coefficients = spectrum[: n + 1] / r**k
        error = _EPS * size * (1 + abs(a) / r) / r**k
    error[~np.isfinite(coefficients)] = np.inf
    return coefficients, error


def _show(z: complex) -> str:
    """A complex number, written as a real one when its imaginary part is zero."""
    return repr(z.real) if z.imag == 0 else repr(z)


def _call_complex(f: Callable, z: np.ndarray, where: str) -> np.ndarray:
    """Evaluate ``f`` at complex points; check it accepted them and kept the imaginary part."""
    try:
        with warnings.catch_warnings():
            # numpy < 2.3 only warns when math.exp and friends turn an array into a scalar:
            # treat the warning as the error it later becomes
            warnings.simplefilter("error", DeprecationWarning)
            value = f(z)
    except (TypeError, DeprecationWarning) as exc:
        raise TypeError(
            "taylor_coefficients needs f to accept complex input (use numpy functions such as "
            f"np.sin, not math.sin or np.floor); f raised: {exc}"
        ) from exc
    value = np.asarray(value)
    if value.dtype == bool or value.dtype.kind not in "iufc":
        raise TypeError(f"f must return numbers, got {type(value).__name__} with dtype {value.dtype} {where}")
    if value.ndim == 0:  # a constant function: broadcast its value
        value = np.broadcast_to(value, z.shape)
    if value.shape != z.shape:
        raise ValueError(
            f"f must return an array of the same shape as its input {z.shape}, got shape "
            f"{value.shape} {where}; vectorise f (for example with numpy functions)"
        )
    if not np.iscomplexobj(value) and np.any(value != value.flat[0]) and np.any(z.imag != 0):
        raise TypeError(
            "taylor_coefficients needs f to accept complex input and return complex output "
            "(use numpy functions such as np.sin, not math.sin, abs or np.real); "
            f"f returned dtype {value.dtype} {where}"
        )
    return value.astype(np.complex128)


class TaylorPolynomial:
    """The Taylor polynomial :math:`p(x) = \\sum_{k=0}^{n} c_k (x - a)^k`, a callable.

    Made by :func:`taylor_polynomial`. Attributes: ``coefficients`` (shape
    ``(n + 1,)``), ``a`` and ``n``. Calling it on a number or an array
    evaluates the polynomial elementwise (by Horner's rule).

    Introduced in: Module 4, *Power Series*.
    """

    def __init__(self, coefficients: ArrayLike, a: float) -> None:
        self.coefficients = as_real_array(coefficients, "coefficients")
        if self.coefficients.ndim != 1 or self.coefficients.size == 0:
            raise ValueError(f"coefficients must be a non-empty 1-D array, got shape {self.coefficients.shape}")
        self.coefficients.setflags(write=False)
        self.a = check_real_scalar(a, "a")
        self.n = self.coefficients.size - 1

    def __call__(self, x: ArrayLike) -> np.ndarray | float:
        x = as_real_array(x)
        dx = x - self.a
        result = np.zeros_like(x)
        for c in self.coefficients[::-1]:  # Horner: c_0 + dx (c_1 + dx (c_2 + ...))
            result = result * dx + c
        return result if result.ndim else float(result)

    def __repr__(self) -> str:
        # Coefficients below 1e-13 of the largest are rounding noise of exact zeros: show them as 0.
        c = self.coefficients
        shown = np.where(np.abs(c) < 1e-13 * np.max(np.abs(c)), 0.0, c)
        coefficients = ", ".join(f"{v:.6g}" for v in shown)
        return f"TaylorPolynomial(a={self.a!r}, n={self.n}, coefficients=[{coefficients}])"


def taylor_polynomial(f: Callable, a: float, n: int) -> TaylorPolynomial:
    """The Taylor polynomial of order ``n`` of ``f`` about ``a``, as a callable.

    .. math::

        p_n(x) = \\sum_{k=0}^{n} \\frac{f^{(k)}(a)}{k!} (x - a)^k

    It takes the *advanced path*: the coefficients come from
    :func:`taylor_coefficients` (Cauchy integral formula and FFT), so ``f``
    must accept complex input. For order 1 or 2 of any real function,
    :func:`linearise` and :func:`quadratic_model` are the plain path.

    Parameters
    ----------
    f : callable
        As for :func:`taylor_coefficients`: analytic near ``a``, vectorised,
        accepting complex input.
    a : float
        The centre of the expansion.
    n : int
        The order, a non-negative integer.

    Returns
    -------
    TaylorPolynomial
        A callable ``p`` with ``p(x)`` vectorised over arrays of any shape, and
        attributes ``p.coefficients`` (shape ``(n + 1,)``), ``p.a`` and ``p.n``.

    Raises
    ------
    TypeError, ValueError
        As for :func:`taylor_coefficients`.

    Examples
    --------
    >>> p = taylor_polynomial(np.cos, 0.0, 4)
    >>> print(f"{p(0.5):.10f} {np.cos(0.5):.10f}")
    0.8776041667 0.8775825619
    >>> print(np.round(p([0.0, 1.0]), 6))
    [1.       0.541667]

    Introduced in: Module 4, *Power Series*.
    """
    return TaylorPolynomial(taylor_coefficients(f, a, n), a)


# ---------------------------------------------------------------------------
# The plain path: first- and second-order models of functions of several
# variables, from the finite-difference derivatives of mvcalc.multivariate.
# ---------------------------------------------------------------------------


class LocalModel:
    """A first- or second-order Taylor model of a function of several variables about ``x0``.

    .. math::

        m(x) = f(x_0) + J (x - x_0) \\;\\left[ + \\tfrac{1}{2} (x - x_0)^\\top H (x - x_0) \\right]

    Made by :func:`linearise` and :func:`quadratic_model`. Attributes:

    - ``x0``: shape ``(n,)``, the point of expansion;
    - ``value``: :math:`f(x_0)`, a float (scalar ``f``) or shape ``(m,)``;
    - ``jacobian``: the gradient, shape ``(n,)``, for scalar ``f``; the
      Jacobian, shape ``(m, n)``, for vector-valued ``f``;
    - ``hessian``: shape ``(n, n)`` for :func:`quadratic_model`, ``None`` for
      :func:`linearise`;
    - ``order``: 1 or 2.

    Calling the model on a point of shape ``(n,)`` returns a float (scalar
    ``f``) or shape ``(m,)``; on points of shape ``(k, n)`` it returns shape
    ``(k,)`` or ``(k, m)``.

    Introduced in: Module 4, *Linearisation*.
    """

    def __init__(self, x0: np.ndarray, value: Any, jacobian: np.ndarray, hessian: np.ndarray | None = None) -> None:
        self.x0 = x0
        self.value = value
        self.jacobian = jacobian
        self.hessian = hessian
        self.order = 1 if hessian is None else 2

    def __call__(self, x: ArrayLike) -> np.ndarray | float:
        x = as_real_array(x)
        n = self.x0.size
        if x.ndim not in (1, 2) or x.shape[-1] != n:
            raise ValueError(f"x must have shape ({n},) or (k, {n}), got shape {x.shape}")
        dx = x - self.x0  # shape (n,) or (k, n)
        result = self.value + dx @ self.jacobian.T
        if self.hessian is not None:
            result = result + 0.5 * np.einsum("...i,ij,...j->...", dx, self.hessian, dx)
        return result if np.ndim(result) else float(result)

    def __repr__(self) -> str:
        kind = "linear" if self.hessian is None else "quadratic"
        x0 = np.array2string(self.x0, precision=6, separator=", ")
        value = np.array2string(np.asarray(self.value), precision=6, separator=", ")
        return f"LocalModel({kind}, x0={x0}, value={value})"


def linearise(f: Callable, x0: ArrayLike) -> LocalModel:
    """The first-order Taylor model (the linearisation) of ``f`` about ``x0``.

    .. math::

        f(x) \\approx f(x_0) + J_f(x_0) \\, (x - x_0)

    The Jacobian comes from :func:`mvcalc.jacobian` (for scalar ``f``, the
    gradient from :func:`mvcalc.gradient`). The error is
    :math:`O(\\lVert x - x_0 \\rVert^2)`. This is the module's *plain path*:
    central differences, for any real ``f``; no complex numbers, no FFT.

    Parameters
    ----------
    f : callable
        ``f(x)`` takes a float array of shape ``(n,)`` and returns a scalar or
        an array of shape ``(m,)``.
    x0 : array_like, shape (n,)
        The point of expansion.

    Returns
    -------
    LocalModel
        A callable: ``model(x)`` for ``x`` of shape ``(n,)`` returns a float
        (scalar ``f``) or shape ``(m,)``; for ``x`` of shape ``(k, n)`` it
        returns shape ``(k,)`` or ``(k, m)``. Attributes ``value``,
        ``jacobian`` (shape ``(n,)`` for scalar ``f``, else ``(m, n)``),
        ``hessian`` (``None``) and ``x0``.

    Raises
    ------
    TypeError, ValueError
        As for :func:`mvcalc.jacobian`.

    Examples
    --------
    >>> f = lambda v: np.array([v[0] * np.cos(v[1]), v[0] * np.sin(v[1])])
    >>> model = linearise(f, [2.0, 0.0])
    >>> print(np.round(model.jacobian, 8))
    [[1. 0.]
     [0. 2.]]
    >>> print(np.round(model([2.1, 0.05]), 6), np.round(f(np.array([2.1, 0.05])), 6))
    [2.1 0.1] [2.097376 0.104956]

    Introduced in: Module 4, *Linearisation*.
    """
    check_callable(f)
    x0 = as_point(x0, "x0")
    value = _value_at(f, x0)
    J = gradient(f, x0) if value.ndim == 0 else jacobian(f, x0)
    return LocalModel(x0, float(value) if value.ndim == 0 else value, J)


def quadratic_model(f: Callable, x0: ArrayLike) -> LocalModel:
    """The second-order Taylor model of a scalar ``f`` about ``x0``.

    .. math::

        f(x) \\approx f(x_0) + \\nabla f(x_0)^\\top (x - x_0)
        + \\tfrac{1}{2} (x - x_0)^\\top H_f(x_0) \\, (x - x_0)

    The gradient and Hessian come from :func:`mvcalc.gradient` and
    :func:`mvcalc.hessian`. The error is :math:`O(\\lVert x - x_0 \\rVert^3)`.
    Near a minimum the model is a paraboloid; near a saddle, a saddle. This is
    the module's *plain path*, like :func:`linearise`: central differences, for
    any real ``f``.

    Parameters
    ----------
    f : callable
        ``f(x)`` takes a float array of shape ``(n,)`` and returns a scalar.
    x0 : array_like, shape (n,)
        The point of expansion.

    Returns
    -------
    LocalModel
        A callable: ``model(x)`` for ``x`` of shape ``(n,)`` returns a float;
        for ``x`` of shape ``(k, n)``, shape ``(k,)``. Attributes ``value``,
        ``jacobian`` (the gradient, shape ``(n,)``), ``hessian`` (shape
        ``(n, n)``) and ``x0``.

    Raises
    ------
    TypeError, ValueError
        As for :func:`mvcalc.hessian`; ``ValueError`` if ``f`` is not scalar.

    Examples
    --------
    >>> f = lambda v: np.exp(v[0]) * np.cos(v[1])
    >>> model = quadratic_model(f, [0.0, 0.0])
    >>> print(np.round(model.jacobian, 6), np.round(model.hessian, 6).tolist())
    [1. 0.] [[1.0, 0.0], [0.0, -1.0]]
    >>> print(f"{model([0.1, 0.2]):.6f} {f(np.array([0.1, 0.2])):.6f}")
    1.085000 1.083141

    Introduced in: Module 4, *Multivariate Taylor Series*.
    """
    check_callable(f)
    x0 = as_point(x0, "x0")
    value = _value_at(f, x0)
    if value.ndim != 0:
        raise ValueError(
            f"quadratic_model needs a scalar f, but f returned shape {value.shape} at x0; "
            "use linearise for a vector-valued f"
        )
    return LocalModel(x0, float(value), gradient(f, x0), hessian(f, x0))


def _value_at(f: Callable, x0: np.ndarray) -> np.ndarray:
    where = f"at x0 = {np.array2string(x0, precision=6)}"
    value = call_checked(f, x0, where=where)
    if value.ndim > 1:
        raise ValueError(f"f must return a scalar or a 1-D array of shape (m,), got shape {value.shape} {where}")
    return value.astype(np.float64)
