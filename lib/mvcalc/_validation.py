"""Argument checks shared by the public functions of :mod:`mvcalc`.

Every public function validates its input once, here at the edge, so that a
mistake produces a message that says what was received and what was expected,
instead of a silent ``nan`` somewhere downstream.
"""

from __future__ import annotations

from collections.abc import Callable
from numbers import Integral, Real
from typing import Any

import numpy as np


def check_callable(f: Any, name: str = "f") -> Callable:
    """Return ``f`` if it is callable, else raise ``TypeError``."""
    if not callable(f):
        raise TypeError(f"{name} must be a callable function, got {type(f).__name__} {f!r}")
    return f


def as_real_array(x: Any, name: str = "x") -> np.ndarray:
    """Convert ``x`` to a finite float64 array, rejecting strings, complex and booleans.

    Real numbers of any Python type are accepted, also inside lists: ``Fraction(1, 3)``, ``Decimal``,
    integers too large for int64. An integer beyond float64's range (about 1.8e308) is a ``ValueError``
    that says so, and a ragged list a ``ValueError`` naming the shapes.
    """
    try:
        arr = np.asarray(x)
    except ValueError as exc:  # a ragged list, such as [1.0, [2.0, 3.0]]
        raise ValueError(
            f"{name} must be a regular array of real numbers, got a ragged {type(x).__name__}: {exc}"
        ) from exc
    if arr.dtype == object:
        arr = _object_to_float(arr, x, name)
    if arr.dtype == bool or arr.dtype.kind not in "iuf":
        detail = f"with dtype {arr.dtype}"
        if arr.dtype == object:
            odd = next(v for v in arr.ravel() if not isinstance(v, Real) or isinstance(v, bool))
            detail = f"holding {type(odd).__name__} {odd!r}"
        raise TypeError(f"{name} must be a real number or an array of real numbers, got {type(x).__name__} {detail}")
    arr = arr.astype(np.float64)
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite, got {x!r}")
    return arr


def _object_to_float(arr: np.ndarray, x: Any, name: str) -> np.ndarray:
    """An object array of real numbers (fractions, big ints) as float64; anything else unchanged."""
    flat = arr.ravel()
    if flat.size == 0 or not all(isinstance(v, Real) and not isinstance(v, bool) for v in flat):
        return arr  # not all real numbers: the caller's type check names it
    values = np.empty(flat.size)
    for i, v in enumerate(flat):
        try:
            values[i] = float(v)
        except OverflowError:
            raise ValueError(
                f"{name} must be within the range of float64 (about ±1.8e308), got {str(v)[:20]}… "
                f"({len(str(abs(int(v))))} digits)"
            ) from None
    return values.reshape(arr.shape)


def as_point(x: Any, name: str = "x") -> np.ndarray:
    """Convert ``x`` to a finite 1-D float64 array of shape ``(n,)`` with ``n >= 1``."""
    arr = as_real_array(x, name)
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"{name} must be a 1-D array of shape (n,) with n >= 1, got shape {arr.shape}")
    return arr


def check_step(h: Any, name: str = "h") -> float:
    """Return ``h`` as a float if it is a finite positive real number."""
    if isinstance(h, bool) or not isinstance(h, (Real, np.floating, np.integer)):
        raise TypeError(f"{name} must be a positive real number, got {type(h).__name__} {h!r}")
    h = float(h)
    if not np.isfinite(h) or h <= 0:
        raise ValueError(f"{name} must be a finite positive number, got {h!r}")
    return h


def call_checked(
    func: Callable,
    arg: Any,
    name: str = "f",
    *,
    where: str | Callable[[], str] = "",
    complex_ok: bool = False,
    finite: bool = True,
    scalar: bool = False,
) -> np.ndarray:
    """Call the reader's function and check what it returned: the one place mvcalc does this.

    Calls ``func(arg)`` (on a copy of ``arg`` if it is an array, so that ``func``
    cannot change the caller's point) under ``np.errstate(all="ignore")``: a
    non-finite value is reported by this check, not by a numpy warning. The
    value must be numbers (not booleans or strings), real unless
    ``complex_ok``, finite unless ``finite=False`` (for callers that treat a
    non-finite value as a step too far rather than a mistake), and a scalar
    when ``scalar``. ``where`` says where the call was made, for the message:
    a string, or a function that returns one, called only when an error is
    raised, so that describing a large point costs nothing when all is well.

    >>> call_checked(lambda x: x**2, np.array([1.0, 2.0]))
    array([1., 4.])
    >>> call_checked(lambda x: np.log(x - 1), 1.0, where="at x = 1")
    Traceback (most recent call last):
    ValueError: f returned a non-finite value -inf at x = 1
    >>> call_checked(lambda x: x, np.ones(2), "g", scalar=True)
    Traceback (most recent call last):
    ValueError: g must return a scalar, got an array of shape (2,)
    """
    with np.errstate(all="ignore"):
        value = func(arg.copy() if isinstance(arg, np.ndarray) else arg)

    def at() -> str:
        text = where() if callable(where) else where
        return f" {text}" if text else ""

    try:
        arr = np.asarray(value)
    except ValueError as exc:  # a ragged return value, such as [x[0], [x[1], 1]]
        raise ValueError(f"{name} must return a number or a regular array of numbers, got a ragged "
                         f"{type(value).__name__}{at()}: {exc}") from None  # fmt: skip
    if arr.dtype == object:  # fractions, or integers too large for int64
        arr = _object_to_float(arr, value, f"the value {name} returned{at()}")

    if arr.dtype.kind not in "iufc" or arr.dtype == bool:
        got = f"an array of dtype {arr.dtype}" if arr.ndim else f"{type(value).__name__} {value!r}"
        raise TypeError(f"{name} must return numbers, got {got}{at()}")
    if not complex_ok and arr.dtype.kind == "c":
        raise TypeError(f"{name} must return real values, got dtype {arr.dtype}{at()}")
    if finite and not np.all(np.isfinite(arr)):
        shown = repr(arr.item()) if arr.ndim == 0 else repr(value)
        raise ValueError(f"{name} returned a non-finite value {shown}{at()}")
    if scalar and arr.ndim != 0:
        raise ValueError(f"{name} must return a scalar, got an array of shape {arr.shape}{at()}")
    return arr


def describe_point(x: Any) -> str:
    """``"at x = [...]"`` for a message, at six significant digits."""
    return f"at x = {np.array2string(np.asarray(x), precision=6)}"


def check_rng(rng: Any, name: str = "rng") -> np.random.Generator:
    """Return ``rng`` if it is a ``numpy.random.Generator``, else raise ``TypeError``."""
    if not isinstance(rng, np.random.Generator):
        raise TypeError(
            f"{name} must be a numpy.random.Generator such as np.random.default_rng(0), "
            f"got {type(rng).__name__} {rng!r}"
        )
    return rng


def check_integer(value: Any, name: str, minimum: int = 1, what: str = "") -> int:
    """Return ``value`` as an int if it is a whole number (not a bool) of at least ``minimum``.

    The one integer check of the package: a count, an order, a seed. ``what`` says in a few words
    what the number is, for the message.

    >>> check_integer(3, "n")
    3
    >>> check_integer(0, "seed", minimum=0)
    0
    >>> check_integer(2.5, "n", what="the number of points")
    Traceback (most recent call last):
    TypeError: n must be a positive integer (the number of points), got float 2.5
    >>> check_integer(1, "n", minimum=2)
    Traceback (most recent call last):
    ValueError: n must be an integer of at least 2, got 1
    """
    kind = {0: "a non-negative integer", 1: "a positive integer"}.get(minimum, f"an integer of at least {minimum}")
    detail = f" ({what})" if what else ""
    if isinstance(value, bool) or not isinstance(value, (Integral, np.integer)):
        raise TypeError(f"{name} must be {kind}{detail}, got {type(value).__name__} {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be {kind}{detail}, got {value!r}")
    return int(value)


def check_real_scalar(value: Any, name: str) -> float:
    """Return ``value`` as a float if it is a finite real number (not a bool); a 0-d array counts as one."""
    if isinstance(value, np.ndarray) and value.ndim == 0 and value.dtype != bool and value.dtype.kind in "iuf":
        value = value[()]
    if isinstance(value, bool) or not isinstance(value, (Real, np.floating, np.integer)):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__} {value!r}")
    try:
        value = float(value)
    except OverflowError:
        raise ValueError(f"{name} must be within the range of float64 (about ±1.8e308), got an integer "
                         f"of {len(str(abs(int(value))))} digits") from None  # fmt: skip
    if not np.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value!r}")
    return value
