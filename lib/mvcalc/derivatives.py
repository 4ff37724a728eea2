"""Derivatives of functions of one variable, by finite differences.

The derivative is the limit of rise over run,

.. math::

    f'(x) = \\lim_{h \\to 0} \\frac{f(x + h) - f(x)}{h},

and a computer cannot take a limit: it can only pick a small step :math:`h`.
This module picks it well. A step that is too large leaves *truncation*
error (the secant is not the tangent); a step that is too small leaves
*round-off* error (the two values of :math:`f` agree in almost every digit
and their difference is mostly noise). The best step balances the two.

Introduced in: Module 1, *The Derivative* (``book/m1/derivative.md``).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike

from ._validation import as_real_array, call_checked, check_callable, check_step

__all__ = ["derivative", "secant_slope", "default_step", "METHODS"]

#: The finite-difference methods understood by :func:`derivative`.
METHODS = ("forward", "backward", "central", "complex")

_EPS = np.finfo(np.float64).eps

# Relative step that balances truncation against round-off for each method,
# assuming f and its derivatives are of order one near x:
#   one-sided: error ~ h |f''| / 2 + 2 eps |f| / h      -> h ~ eps^(1/2)
#   central:   error ~ h^2 |f'''| / 6 + eps |f| / h      -> h ~ eps^(1/3)
#   complex:   error ~ h^2 |f'''| / 6, with no round-off -> any tiny h
_RELATIVE_STEP = {
    "forward": np.sqrt(_EPS),
    "backward": np.sqrt(_EPS),
    "central": np.cbrt(_EPS),
    "complex": 1e-20,
}


def default_step(x: ArrayLike, method: str = "central") -> np.ndarray | float:
    """The step that :func:`derivative` uses when ``h`` is not given.

    For a one-sided difference the error is about
    :math:`\\tfrac{1}{2}h|f''| + 2\\varepsilon|f|/h`, smallest at
    :math:`h \\approx \\sqrt{\\varepsilon}`; for the central difference it is about
    :math:`\\tfrac{1}{6}h^2|f'''| + \\varepsilon|f|/h`, smallest at
    :math:`h \\approx \\varepsilon^{1/3}`. Here :math:`\\varepsilon \\approx 2.2 \\times 10^{-16}`
    is the machine epsilon of float64. The complex step suffers no cancellation,
    so its step can be as small as :math:`10^{-20}`. The step is scaled by
    :math:`\\max(1, |x|)` so that :math:`x + h` differs from :math:`x`.

    Parameters
    ----------
    x : float or array_like
        Where the derivative will be taken.
    method : {"forward", "backward", "central", "complex"}

    Returns
    -------
    float or ndarray
        The step, with the shape of ``x``.

    Examples
    --------
    >>> print(f"{default_step(0.0, 'forward'):.3e}")
    1.490e-08
    >>> print(f"{default_step(100.0, 'central'):.3e}")  # scaled with |x|
    6.055e-04

    Introduced in: Module 1, *Optional: Derivatives in Floating Point*.
    """
    method = _check_method(method)
    x = as_real_array(x)
    h = _RELATIVE_STEP[method] * np.maximum(1.0, np.abs(x))
    return h if h.ndim else float(h)


def derivative(f: Callable, x: ArrayLike, *, h: float | None = None, method: str = "central") -> np.ndarray | float:
    """Derivative of a function of one variable by a finite difference.

    .. math::

        \\begin{aligned}
        &\\text{forward: } \\frac{f(x+h) - f(x)}{h}, &
        &\\text{backward: } \\frac{f(x) - f(x-h)}{h}, \\\\
        &\\text{central: } \\frac{f(x+h) - f(x-h)}{2h}, &
        &\\text{complex: } \\frac{\\operatorname{Im} f(x + ih)}{h}.
        \\end{aligned}

    Parameters
    ----------
    f : callable
        A function of one real variable, vectorised like a numpy ufunc: given an
        array it returns an array of the same shape. For ``method="complex"`` it
        must also accept complex input (``np.sin`` does; ``math.sin`` and
        ``abs`` do not).
    x : float or array_like
        Where to take the derivative; any shape.
    h : float, optional
        The step, a positive number. By default :func:`default_step`, which
        balances truncation against round-off for the chosen method.
    method : {"forward", "backward", "central", "complex"}
        ``"central"`` (the default) has error :math:`O(h^2)`; the one-sided
        differences :math:`O(h)`; the complex step :math:`O(h^2)` with no
        round-off, so it is exact to rounding for analytic functions.

    Returns
    -------
    float or ndarray
        :math:`f'(x)`, with the shape of ``x``.

    Raises
    ------
    TypeError
        If ``f`` is not callable, ``x`` is not real, ``f`` returns complex
        values for a real method, or ``f`` cannot take complex input (or returns
        a real value for it) when ``method="complex"``.
    ValueError
        If ``x`` is not finite, ``h <= 0``, ``h`` is too small to change ``x``
        in float64, ``method`` is unknown, or ``f`` returns a value of the wrong
        shape or a non-finite value.

    Notes
    -----
    The default step assumes that ``f`` changes on the scale of
    :math:`\\max(1, |x|)`. A function that wiggles much faster than that far
    from the origin, such as :math:`\\sin x` near :math:`x = 10^6`, needs an
    explicit, smaller ``h`` (or ``method="complex"``, whose tiny step suits any
    scale).

    Examples
    --------
    >>> round(derivative(lambda x: 5 * x**2, 3.0), 8)
    30.0
    >>> derivative(np.sin, [0.0, np.pi], method="complex")
    array([ 1., -1.])

    Introduced in: Module 1, *The Derivative*.
    """
    check_callable(f)
    method = _check_method(method)
    x = as_real_array(x)
    if h is None:
        step = _RELATIVE_STEP[method] * np.maximum(1.0, np.abs(x))
    else:
        step = np.full_like(x, check_step(h))

    if method == "complex":
        try:
            value = _call(f, x + 1j * step, x.shape, "at x + i*h", complex_ok=True)
        except TypeError as exc:
            raise TypeError(
                "method='complex' needs f to accept complex input (use numpy functions such as "
                f"np.sin, not math.sin or np.floor); f raised: {exc}"
            ) from exc
        if not np.iscomplexobj(value):
            raise TypeError(
                "method='complex' needs f to accept complex input and return complex "
                "output (use numpy functions such as np.sin, not math.sin); "
                f"f returned dtype {np.asarray(value).dtype}"
            )
        _check_constant(f, x, (value,))
        result = value.imag / step
    else:
        # Make the step exactly representable, so that (x + h) - x == h.
        step = (x + step) - x
        if np.any(step == 0):
            raise ValueError(
                f"h={h!r} is too small to move x: in float64, x + h == x at "
                f"x = {x[step == 0].ravel()[0]!r}; use a larger h (or h=None)"
            )
        if method == "central":
            ahead, behind = _call(f, x + step, x.shape, "at x + h"), _call(f, x - step, x.shape, "at x - h")
            result = (ahead - behind) / (2 * step)
        elif method == "forward":
            ahead, behind = _call(f, x + step, x.shape, "at x + h"), _call(f, x, x.shape, "at x")
            result = (ahead - behind) / step
        else:
            ahead, behind = _call(f, x, x.shape, "at x"), _call(f, x - step, x.shape, "at x - h")
            result = (ahead - behind) / step
        _check_constant(f, x, (ahead, behind))
    result = np.asarray(result, dtype=np.float64)
    return result if result.ndim else float(result)


def secant_slope(f: Callable, x: ArrayLike, h: ArrayLike) -> np.ndarray | float:
    """Rise over run of ``f`` between ``x`` and ``x + h``.

    .. math::

        \\frac{f(x + h) - f(x)}{h}

    This is the slope of the secant line through two points of the graph; the
    derivative is its limit as ``h`` shrinks to zero.

    Parameters
    ----------
    f : callable
        A vectorised function of one real variable.
    x, h : float or array_like
        The start and the run; they broadcast against each other. ``h`` may be
        negative (a run to the left) but not zero.

    Returns
    -------
    float or ndarray
        The slope, with the broadcast shape of ``x`` and ``h``.

    Examples
    --------
    >>> secant_slope(lambda x: x**2, 1.0, [1.0, 0.1, 0.01])
    array([3.  , 2.1 , 2.01])

    Introduced in: Module 1, *The Derivative*.
    """
    check_callable(f)
    x = as_real_array(x)
    h = as_real_array(h, "h")
    if np.any(h == 0):
        raise ValueError("h must be non-zero: the run of a secant cannot be zero")
    x, h = np.broadcast_arrays(x, h)
    ahead, here = _call(f, x + h, x.shape, "at x + h"), _call(f, x, x.shape, "at x")
    _check_constant(f, x, (ahead, here))
    result = (ahead - here) / h
    return result if result.ndim else float(result)


def _check_method(method: str) -> str:
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    return method


def _check_constant(f: Callable, x: np.ndarray, values: tuple[np.ndarray, ...]) -> None:
    """A single number returned for an array ``x`` is a constant function's value, or an error.

    ``derivative`` differentiates elementwise, so ``f`` must return one value per entry of ``x``.
    A constant such as ``lambda x: 4.0`` may return one number; a reduction such as
    ``lambda t: np.sum(t**2)`` also returns one number, and its "elementwise derivative" would be
    meaningless. The two are told apart by the value: a constant has the same value at ``x`` and
    at every step from it.
    """
    if x.size <= 1 or not any(v.ndim == 0 for v in values):
        return
    at_x = np.asarray(f(x.copy()))
    if at_x.ndim == 0 and all(np.all(v == at_x) for v in values):
        return
    raise ValueError(
        f"f must return an array of the same shape as its input {x.shape}, one value per entry: it "
        "returned a single number that changes with x, as a sum or a norm does. derivative "
        "differentiates elementwise; for the derivatives of a function of a vector use "
        "mvcalc.gradient (or mvcalc.jacobian)"
    )


def _call(f: Callable, x: np.ndarray, shape: tuple, where: str, complex_ok: bool = False) -> np.ndarray:
    """Evaluate ``f`` at ``x`` and check that it returned finite values of ``shape``."""
    value = call_checked(f, x, where=where, complex_ok=complex_ok)
    if value.shape != shape:
        if value.ndim == 0:  # one number: a constant function's, if _check_constant agrees
            return value
        raise ValueError(
            f"f must return an array of the same shape as its input {shape}, got shape "
            f"{value.shape} {where}; vectorise f (for example with numpy functions)"
        )
    return value
