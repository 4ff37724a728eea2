"""A small neural network, its cost, and backpropagation: the chain rule in matrix form.

A network of :math:`L` layers maps an input :math:`a^{(0)} = x` to an output
:math:`a^{(L)}` one layer at a time,

.. math::

    z^{(l)} = W^{(l)} a^{(l-1)} + b^{(l)}, \\qquad a^{(l)} = \\sigma(z^{(l)}),
    \\qquad l = 1, \\dots, L,

with the logistic function :math:`\\sigma(z) = 1/(1 + e^{-z})` applied entry by
entry. The whole training set goes through at once: the :math:`N` examples are
the columns of ``x``, so every :math:`z^{(l)}` and :math:`a^{(l)}` has one
column per example and each bias column is broadcast across them.

A network is a plain list of ``(W, b)`` pairs, one per layer: ``network[l]``
holds :math:`W^{(l+1)}` of shape ``(n_out, n_in)`` and :math:`b^{(l+1)}` of
shape ``(n_out, 1)``.

Introduced in: Module 3, *Simple Neural Networks* and *Training a Network*; used to train the
network of *Backpropagation: A Network Learns to Draw* (``book/m3/backprop.md``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import ArrayLike

from ._results import CONVERGED, DIVERGED, NO_DECREASE, optimize_result
from ._validation import check_callable, check_integer, check_real_scalar, check_rng, check_step

if TYPE_CHECKING:  # the annotations name scipy's result class; scipy is imported only where it is used
    import scipy.optimize

__all__ = [
    "sigmoid",
    "d_sigmoid",
    "d_tanh",
    "relu",
    "d_relu",
    "softmax",
    "log_softmax",
    "cross_entropy",
    "d_cross_entropy",
    "init_network",
    "feed_forward",
    "cost",
    "backprop",
    "backprop_variant",
    "train",
]

#: A network: one ``(W, b)`` pair per layer.
Network = list[tuple[np.ndarray, np.ndarray]]


# ---------------------------------------------------------------------------
# Activation functions and their derivatives
# ---------------------------------------------------------------------------


def _as_float(z: Any, name: str = "z") -> np.ndarray:
    """``z`` as a float64 array; rejects strings, complex and booleans (inf and nan pass, as in numpy)."""
    arr = np.asarray(z)
    if arr.dtype == bool or arr.dtype.kind not in "iuf":
        raise TypeError(
            f"{name} must be a real number or an array of real numbers, got {type(z).__name__} with dtype {arr.dtype}"
        )
    return arr.astype(np.float64, copy=False)


def _scalar_or_array(arr: np.ndarray) -> np.ndarray | float:
    return float(arr) if arr.ndim == 0 else arr


def _sigmoid(z: np.ndarray) -> np.ndarray:
    # For z >= 0:  1 / (1 + e^{-z}).
    # For z <  0:  multiply top and bottom by e^{z}:  e^{z} / (1 + e^{z}).
    # Either way the exponential is e^{-|z|}, which lies in (0, 1] and cannot overflow.
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0, e) / (1.0 + e)


def sigmoid(z: ArrayLike) -> np.ndarray | float:
    """The logistic function, the activation of the Backpropagation assignment.

    .. math::

        \\sigma(z) = \\frac{1}{1 + e^{-z}} = \\frac{e^{z}}{1 + e^{z}}

    The first form is used for :math:`z \\ge 0` and the second for :math:`z < 0`,
    so the exponential is always :math:`e^{-|z|} \\le 1`: no overflow for large
    :math:`|z|`, and full relative accuracy even where :math:`\\sigma(z)` is tiny.
    The result equals ``scipy.special.expit(z)``.

    Parameters
    ----------
    z : float or array_like
        Any shape; applied entry by entry.

    Returns
    -------
    float or ndarray
        :math:`\\sigma(z)` in :math:`[0, 1]`, with the shape of ``z``.

    Raises
    ------
    TypeError
        If ``z`` is not real (a string, a complex number or a boolean).

    Examples
    --------
    >>> sigmoid(0.0)
    0.5
    >>> print(sigmoid(np.array([-1000.0, -2.0, 2.0, 1000.0])))
    [0.         0.11920292 0.88079708 1.        ]

    Introduced in: Module 3, *Simple Neural Networks* (``book/m3/neural-networks.md``).
    """
    return _scalar_or_array(_sigmoid(_as_float(z)))


def d_sigmoid(z: ArrayLike) -> np.ndarray | float:
    """Derivative of the logistic function.

    .. math::

        \\sigma'(z) = \\sigma(z)\\,\\bigl(1 - \\sigma(z)\\bigr)
        = \\frac{1}{4\\cosh^2(z/2)} = \\frac{e^{-|z|}}{(1 + e^{-|z|})^2}

    The last form is evaluated: it has no overflow for large :math:`|z|` and,
    unlike :math:`\\sigma(1 - \\sigma)`, keeps its relative accuracy where
    :math:`\\sigma(z)` rounds to 1.

    Parameters
    ----------
    z : float or array_like
        Any shape; applied entry by entry.

    Returns
    -------
    float or ndarray
        :math:`\\sigma'(z)` in :math:`[0, 1/4]`, with the shape of ``z``.

    Raises
    ------
    TypeError
        If ``z`` is not real.

    Examples
    --------
    >>> d_sigmoid(0.0)
    0.25
    >>> z = np.array([-3.0, 0.5, 40.0])
    >>> print(d_sigmoid(z))
    [4.51766597e-02 2.35003712e-01 4.24835426e-18]
    >>> bool(np.allclose(d_sigmoid(z), sigmoid(z) * (1 - sigmoid(z)), rtol=0, atol=1e-16))
    True

    Introduced in: Module 3, *Simple Neural Networks* (``book/m3/neural-networks.md``).
    """
    z = _as_float(z)
    e = np.exp(-np.abs(z))  # σ′ is even, so use e^{-|z|} <= 1
    return _scalar_or_array(e / (1.0 + e) ** 2)


def d_tanh(z: ArrayLike) -> np.ndarray | float:
    """Derivative of the hyperbolic tangent, the activation of the lecture videos.

    .. math::

        \\tanh'(z) = \\frac{1}{\\cosh^2 z} = 1 - \\tanh^2 z
        = \\frac{4 e^{-2|z|}}{(1 + e^{-2|z|})^2}

    The last form is evaluated: :math:`\\cosh z` overflows for
    :math:`|z| > 710`, and :math:`1 - \\tanh^2 z` loses every digit for
    :math:`|z| > 19`; :math:`e^{-2|z|} \\le 1` does neither. Note
    :math:`\\sigma'(z) = \\tfrac{1}{4}\\tanh'(z/2)`.

    Parameters
    ----------
    z : float or array_like
        Any shape; applied entry by entry.

    Returns
    -------
    float or ndarray
        :math:`1/\\cosh^2 z` in :math:`[0, 1]`, with the shape of ``z``.

    Raises
    ------
    TypeError
        If ``z`` is not real.

    Examples
    --------
    >>> d_tanh(0.0)
    1.0
    >>> print(d_tanh(np.array([-1.0, 20.0, 1000.0])))
    [4.19974342e-01 1.69934170e-17 0.00000000e+00]

    Introduced in: Module 3, *Simple Neural Networks* (``book/m3/neural-networks.md``).
    """
    z = _as_float(z)
    e = np.exp(-np.abs(z)) ** 2  # e^{-2|z|}, squared so that 2|z| cannot overflow
    return _scalar_or_array(4.0 * e / (1.0 + e) ** 2)


def relu(z: ArrayLike) -> np.ndarray | float:
    """The rectified linear unit: the input where it is positive, zero elsewhere.

    .. math::

        \\operatorname{ReLU}(z) = \\max(0, z)

    Parameters
    ----------
    z : float or array_like
        Any shape; applied entry by entry. As for :func:`sigmoid`, infinities
        pass through (``relu(inf)`` is ``inf``).

    Returns
    -------
    float or ndarray
        :math:`\\max(0, z)`, with the shape of ``z``.

    Raises
    ------
    TypeError
        If ``z`` is not real (a string, a complex number or a boolean).

    Examples
    --------
    >>> relu(-2.0), relu(3.5)
    (0.0, 3.5)
    >>> print(relu(np.array([-1.0, 0.0, 0.5])))
    [0.  0.  0.5]

    Introduced in: Module 3, *ReLU, Softmax and Cross-Entropy* (``book/m3/activations.md``).
    """
    return _scalar_or_array(np.maximum(_as_float(z), 0.0))


def d_relu(z: ArrayLike) -> np.ndarray | float:
    """Derivative of the rectified linear unit: 1 where the input is positive, 0 elsewhere.

    .. math::

        \\operatorname{ReLU}'(z) = \\begin{cases} 1, & z > 0, \\\\ 0, & z \\le 0. \\end{cases}

    At the kink :math:`z = 0` the derivative does not exist: the slope is 0 on
    the left and 1 on the right. Any value in :math:`[0, 1]` is a valid
    *subgradient* there; this function returns 0, as PyTorch and JAX do. An
    input that is exactly 0 is rare in training, so the choice hardly matters.

    Parameters
    ----------
    z : float or array_like
        Any shape; applied entry by entry.

    Returns
    -------
    float or ndarray
        0.0 or 1.0 in each entry, with the shape of ``z``.

    Raises
    ------
    TypeError
        If ``z`` is not real.

    Examples
    --------
    >>> print(d_relu(np.array([-1.0, 0.0, 0.5])))
    [0. 0. 1.]

    Introduced in: Module 3, *ReLU, Softmax and Cross-Entropy* (``book/m3/activations.md``).
    """
    return _scalar_or_array((_as_float(z) > 0).astype(np.float64))


# ---------------------------------------------------------------------------
# Softmax and cross-entropy: scores of K classes, one column per example
# ---------------------------------------------------------------------------


def _check_scores(z: Any, axis: Any, name: str = "z", max_ndim: int | None = None) -> tuple[np.ndarray, int]:
    """``z`` as a finite float64 array with at least one class along ``axis``; the axis made non-negative."""
    try:
        arr = np.asarray(z)
    except (ValueError, TypeError) as exc:  # e.g. a ragged list of lists
        raise TypeError(f"{name} must be an array of real numbers, got {type(z).__name__}: {exc}") from exc
    if arr.dtype == bool or arr.dtype.kind not in "iuf":
        raise TypeError(f"{name} must be an array of real numbers, got {type(z).__name__} with dtype {arr.dtype}")
    arr = arr.astype(np.float64, copy=False)
    if arr.ndim == 0 or (max_ndim is not None and arr.ndim > max_ndim):
        allowed = "1-D (K,) or 2-D (K, N)" if max_ndim == 2 else "at least 1-D"
        raise ValueError(f"{name} must be {allowed}, the scores of K classes, got shape {arr.shape}")
    axis = check_integer(axis, "axis", minimum=-arr.ndim, what=f"the axis of the classes in {name}")
    if axis >= arr.ndim:
        raise ValueError(f"axis={axis} is out of range for {name} of shape {arr.shape} ({arr.ndim}-D)")
    axis = int(axis) % arr.ndim
    if arr.shape[axis] == 0:
        raise ValueError(f"{name} must have at least one class along axis {axis}, got shape {arr.shape}")
    bad = ~np.isfinite(arr)
    if bad.any():
        index = tuple(int(i) for i in np.argwhere(bad)[0])
        raise ValueError(f"{name} must be finite, got {arr[index]} at index {index}")
    return arr, axis


def _check_targets(y: Any, z: np.ndarray, axis: int) -> np.ndarray:
    """``y`` of the shape of ``z``, non-negative, each example's entries summing to 1 along ``axis``."""
    y, _ = _check_scores(y, axis, name="y")
    if y.shape != z.shape:
        raise ValueError(f"y must have the shape of z, {z.shape}, one target per score, got shape {y.shape}")
    if (y < 0).any():
        index = tuple(int(i) for i in np.argwhere(y < 0)[0])
        raise ValueError(f"y must be non-negative (one-hot labels or probabilities), got {y[index]} at index {index}")
    totals = y.sum(axis=axis)
    off = np.abs(totals - 1.0) > 1e-6
    if off.any():
        k = tuple(int(i) for i in np.argwhere(off)[0]) if totals.ndim else ()
        where = f" for example {k[0]}" if k else ""
        raise ValueError(
            f"each example's targets y must sum to 1 along axis {axis} (one-hot labels or probabilities), "
            f"got a sum of {float(totals[k]):.6g}{where}"
        )
    return y


def _log_softmax(z: np.ndarray, axis: int) -> np.ndarray:
    with np.errstate(over="ignore"):  # scores 1e308 apart: the lower one's shift is -inf, its probability 0
        shifted = z - z.max(axis=axis, keepdims=True)  # the largest score becomes 0: no exponential overflows
    return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))


def softmax(z: ArrayLike, axis: int = 0) -> np.ndarray:
    """Turn scores into probabilities: exponentiate and normalise, computed without overflow.

    .. math::

        p_i = \\frac{e^{z_i}}{\\sum_{j=1}^{K} e^{z_j}}
            = \\frac{e^{z_i - m}}{\\sum_{j=1}^{K} e^{z_j - m}}, \\qquad m = \\max_j z_j .

    Adding a constant to every score leaves :math:`p` unchanged, so the second
    form, with the largest shifted score 0, is evaluated: every exponential
    is at most 1 and cannot overflow. The result equals
    ``scipy.special.softmax(z, axis=axis)``.

    Parameters
    ----------
    z : array_like
        The scores of :math:`K` classes along ``axis``. As everywhere in
        :mod:`mvcalc.nn`, examples are columns: ``z`` of shape ``(K, N)``
        holds one column of scores per example, and the default ``axis=0``
        normalises each column. A 1-D ``z`` of shape ``(K,)`` is one example.
    axis : int, optional
        The axis of the classes; default 0.

    Returns
    -------
    ndarray
        The probabilities, with the shape of ``z``: positive (or 0 where a
        score is more than about 745 below the largest) and summing to 1
        along ``axis``.

    Raises
    ------
    TypeError
        If ``z`` is not an array of real numbers, or ``axis`` not an integer.
    ValueError
        If ``z`` is a scalar, has no class along ``axis``, is not finite, or
        ``axis`` is out of range.

    Examples
    --------
    >>> print(np.round(softmax([2.0, 1.0, 0.1]), 6))
    [0.659001 0.242433 0.098566]
    >>> print(softmax([1000.0, 1000.0]))     # e^1000 would overflow
    [0.5 0.5]
    >>> softmax([[1.0, 0.0], [1.0, 3.0]]).sum(axis=0)
    array([1., 1.])

    Introduced in: Module 3, *ReLU, Softmax and Cross-Entropy* (``book/m3/activations.md``).
    """
    z, axis = _check_scores(z, axis)
    return np.exp(_log_softmax(z, axis))


def log_softmax(z: ArrayLike, axis: int = 0) -> np.ndarray:
    """The logarithm of :func:`softmax`, computed directly by the log-sum-exp trick.

    .. math::

        \\log p_i = z_i - \\log \\sum_{j=1}^{K} e^{z_j}
                  = (z_i - m) - \\log \\sum_{j=1}^{K} e^{z_j - m},
        \\qquad m = \\max_j z_j .

    ``np.log(softmax(z))`` would give :math:`-\\infty` where a probability
    underflows to 0; this form stays finite for every finite score. The result
    equals ``scipy.special.log_softmax(z, axis=axis)``.

    Parameters
    ----------
    z : array_like
        The scores, as for :func:`softmax`: shape ``(K, N)`` with the classes
        along ``axis`` (default 0, one column per example), or ``(K,)``.
    axis : int, optional
        The axis of the classes; default 0.

    Returns
    -------
    ndarray
        :math:`\\log p`, with the shape of ``z``; every entry :math:`\\le 0`.

    Raises
    ------
    TypeError, ValueError
        As for :func:`softmax`.

    Examples
    --------
    >>> print(np.round(log_softmax([2.0, 1.0, 0.1]), 6))
    [-0.41703 -1.41703 -2.31703]
    >>> print(log_softmax([0.0, -1000.0]))    # np.log(softmax(...)) gives -inf here
    [    0. -1000.]

    Introduced in: Module 3, *ReLU, Softmax and Cross-Entropy* (``book/m3/activations.md``).
    """
    z, axis = _check_scores(z, axis)
    return _log_softmax(z, axis)


def _examples(z: np.ndarray, axis: int) -> int:
    return 1 if z.ndim == 1 else z.shape[1 - axis]


def cross_entropy(z: ArrayLike, y: ArrayLike, axis: int = 0) -> float:
    """The mean cross-entropy of scores ``z`` against targets ``y``: the loss of a classifier.

    .. math::

        L = -\\frac{1}{N} \\sum_{k=1}^{N} \\sum_{i=1}^{K} y_{ik} \\log p_{ik},
        \\qquad p_{:,k} = \\operatorname{softmax}(z_{:,k}).

    With one-hot targets only the true class's term survives, and
    :math:`L` is the mean of :math:`-\\log p_{\\text{true}}`. The logarithms come
    from :func:`log_softmax`, so :math:`L` is finite for every finite score.
    For each example this is ``scipy.special.logsumexp(z) - y @ z``.

    Parameters
    ----------
    z : array_like, shape (K, N) or (K,)
        The scores: one column of :math:`K` class scores per example (with
        the default ``axis=0``), or one example.
    y : array_like, the shape of ``z``
        The targets: one-hot labels or probabilities, each example's entries
        non-negative and summing to 1 along ``axis``.
    axis : int, optional
        The axis of the classes; default 0. The mean is over the other axis.

    Returns
    -------
    float
        :math:`L \\ge 0`.

    Raises
    ------
    TypeError
        If ``z`` or ``y`` is not an array of real numbers, or ``axis`` not an
        integer.
    ValueError
        If ``z`` is not 1-D or 2-D, either is not finite, ``y`` does not have
        the shape of ``z``, has a negative entry, or an example whose targets
        do not sum to 1.

    Examples
    --------
    >>> z = np.array([[2.0, 0.5], [1.0, 2.5], [0.1, 0.0]])    # 3 classes, 2 examples
    >>> y = np.array([[1.0, 0.0], [0.0, 1.0], [0.0, 0.0]])    # classes 0 and 1
    >>> print(f"{cross_entropy(z, y):.6f}")
    0.306882

    Introduced in: Module 3, *ReLU, Softmax and Cross-Entropy* (``book/m3/activations.md``).
    """
    z, axis = _check_scores(z, axis, max_ndim=2)
    y = _check_targets(y, z, axis)
    log_p = _log_softmax(z, axis)
    # A class with no target weight adds nothing, even where its log-probability is -inf (0 * -inf is nan)
    loss = float(-(y * np.where(y > 0, log_p, 0.0)).sum() / _examples(z, axis))
    if not np.isfinite(loss):
        raise ValueError(
            "the cross-entropy overflows float64: a target class's score lies about 1e308 or more below the "
            "largest score, so its probability is 0 in float64 and the loss is infinite"
        )
    return loss


def d_cross_entropy(z: ArrayLike, y: ArrayLike, axis: int = 0) -> np.ndarray:
    """The gradient of :func:`cross_entropy` with respect to the scores: probabilities minus targets.

    .. math::

        \\frac{\\partial L}{\\partial z} = \\frac{1}{N}\\,(P - Y),
        \\qquad P = \\operatorname{softmax}(z),

    the softmax Jacobian :math:`\\operatorname{diag}(p) - p p^\\top` and the
    derivative :math:`-y_i / p_i` of :math:`-\\sum_i y_i \\log p_i`, multiplied by
    the chain rule; the sum of each example's targets being 1 makes everything
    else cancel.

    Parameters
    ----------
    z, y, axis
        As for :func:`cross_entropy`.

    Returns
    -------
    ndarray
        :math:`\\partial L / \\partial z`, with the shape of ``z``; each example's
        entries sum to 0.

    Raises
    ------
    TypeError, ValueError
        As for :func:`cross_entropy`.

    Examples
    --------
    >>> print(np.round(d_cross_entropy([2.0, 1.0, 0.1], [1.0, 0.0, 0.0]), 6))
    [-0.340999  0.242433  0.098566]

    Introduced in: Module 3, *ReLU, Softmax and Cross-Entropy* (``book/m3/activations.md``).
    """
    z, axis = _check_scores(z, axis, max_ndim=2)
    y = _check_targets(y, z, axis)
    return (np.exp(_log_softmax(z, axis)) - y) / _examples(z, axis)


# ---------------------------------------------------------------------------
# Validation of networks and data (once, at the public functions)
# ---------------------------------------------------------------------------


def _as_finite_matrix(value: Any, what: str, hint: str = "") -> np.ndarray:
    """``value`` as a finite 2-D float64 array, or a clear error naming ``what`` (``hint`` if it is not 2-D)."""
    try:
        arr = np.asarray(value)
    except (ValueError, TypeError) as exc:  # e.g. a ragged list of lists
        raise TypeError(f"{what} must be a 2-D array of real numbers, got {type(value).__name__}: {exc}") from exc
    if arr.dtype == bool or arr.dtype.kind not in "iuf":
        raise TypeError(
            f"{what} must be a 2-D array of real numbers, got {type(value).__name__} with dtype {arr.dtype}"
        )
    arr = arr.astype(np.float64, copy=False)
    if arr.ndim != 2:
        raise ValueError(f"{what} must be a 2-D array, got shape {arr.shape}{hint}")
    bad = ~np.isfinite(arr)
    if bad.any():
        index = tuple(int(i) for i in np.argwhere(bad)[0])
        raise ValueError(f"{what} must be finite, got {arr[index]} at index {index}")
    return arr


def _check_network(network: Any) -> Network:
    """Check a list of ``(W, b)`` pairs whose shapes chain; return them as float64 arrays."""
    if not isinstance(network, (list, tuple)) or len(network) == 0:
        raise TypeError(
            "network must be a non-empty list of (W, b) pairs, one per layer, such as "
            f"init_network([1, 6, 7, 2], rng); got {type(network).__name__} {network!r:.80}"
        )
    checked = []
    n_in = None
    for l, layer in enumerate(network):
        where = f"network[{l}] (layer {l + 1})"
        if not isinstance(layer, (list, tuple)) or len(layer) != 2:
            raise TypeError(f"{where} must be a pair (W, b), got {type(layer).__name__} {layer!r:.80}")
        W = _as_finite_matrix(layer[0], f"{where}: W")
        n_out = W.shape[0]
        column = f"; it must be a column of shape ({n_out}, 1)"
        b = _as_finite_matrix(layer[1], f"{where}: b", hint=f"{column}: use b.reshape(-1, 1)")
        if n_in is not None and W.shape[1] != n_in:
            raise ValueError(
                f"{where}: W has shape {W.shape}, but layer {l} has {n_in} outputs; W must have shape (n_out, {n_in})"
            )
        if b.shape != (n_out, 1):
            raise ValueError(f"{where}: b has shape {b.shape}{column} to match W of shape {W.shape}")
        checked.append((W, b))
        n_in = n_out
    return checked


def _check_x(network: Network, x: Any) -> np.ndarray:
    """Check ``x`` has shape ``(n_in, N)`` with ``n_in`` the input width of ``network``."""
    n_in = network[0][0].shape[1]
    one_row = ": use x.reshape(1, -1)" if n_in == 1 else ""
    x = _as_finite_matrix(x, "x", hint=f"; expected (n_in, N) = ({n_in}, N){one_row}")
    if x.shape[0] != n_in or x.shape[1] == 0:
        transposed = x.shape[1] == n_in and x.shape[0] > 0
        hint = "; it looks transposed: the examples must be the columns, so pass x.T" if transposed else ""
        raise ValueError(
            f"x must have shape (n_in, N) = ({n_in}, N) with N >= 1 examples as columns, got shape {x.shape}{hint}"
        )
    return x


def _check_y(network: Network, x: np.ndarray, y: Any) -> np.ndarray:
    """Check ``y`` has shape ``(n_out, N)``: one target column per column of ``x``."""
    y = _as_finite_matrix(y, "y")
    expected = (network[-1][0].shape[0], x.shape[1])
    if y.shape != expected:
        raise ValueError(
            f"y must have shape (n_out, N) = {expected}, one target column per example of x, got shape {y.shape}"
        )
    return y


# ---------------------------------------------------------------------------
# The network
# ---------------------------------------------------------------------------


def init_network(sizes: Sequence[int], rng: np.random.Generator, scale: float = 0.5) -> Network:
    """A network with random weights and biases.

    .. math::

        W^{(l)}_{jk} = s\\,\\xi, \\quad b^{(l)}_j = s\\,\\xi,
        \\qquad \\xi \\sim \\mathcal{N}(0, 1),

    with scale :math:`s = 1/2` as in the assignment. The draws are made with
    ``rng.standard_normal`` in a fixed order, layer by layer, first ``W`` then
    ``b``, so one seed always gives the same network.

    Parameters
    ----------
    sizes : sequence of int
        The widths of the layers, input first: ``[1, 6, 7, 2]`` is the
        assignment's network with one input, hidden layers of 6 and 7 units and
        two outputs. At least two entries, each a positive integer.
    rng : numpy.random.Generator
        The source of randomness, e.g. ``np.random.default_rng(0)``.
    scale : float, optional
        The standard deviation :math:`s` of the weights and biases, positive.

    Returns
    -------
    list of (W, b) pairs
        ``len(sizes) - 1`` pairs; pair ``l`` holds ``W`` of shape
        ``(sizes[l+1], sizes[l])`` and ``b`` of shape ``(sizes[l+1], 1)``.

    Raises
    ------
    TypeError
        If ``sizes`` is not a sequence of integers, ``rng`` is not a
        ``numpy.random.Generator`` or ``scale`` is not a number.
    ValueError
        If ``sizes`` has fewer than two entries or an entry below 1, or
        ``scale <= 0``.

    Examples
    --------
    >>> network = init_network([1, 6, 7, 2], np.random.default_rng(0))
    >>> [(W.shape, b.shape) for W, b in network]
    [((6, 1), (6, 1)), ((7, 6), (7, 1)), ((2, 7), (2, 1))]
    >>> print(network[0][0].ravel())
    [ 0.06286511 -0.06605243  0.32021133  0.05245006 -0.26783469  0.18079753]

    Introduced in: Module 3, *Simple Neural Networks* (``book/m3/neural-networks.md``).
    """
    if isinstance(sizes, (str, bytes)) or not isinstance(sizes, Sequence):
        raise TypeError(
            f"sizes must be a list of layer widths such as [1, 6, 7, 2], got {type(sizes).__name__} {sizes!r}"
        )
    if len(sizes) < 2:
        raise ValueError(f"sizes must list at least two layer widths (input and output), got {list(sizes)!r}")
    for l, size in enumerate(sizes):
        check_integer(size, f"sizes[{l}]", what="a layer width")
    rng = check_rng(rng)
    scale = check_step(scale, "scale")
    network = []
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        W = scale * rng.standard_normal((int(n_out), int(n_in)))
        b = scale * rng.standard_normal((int(n_out), 1))
        network.append((W, b))
    return network


def _forward(network: Network, x: np.ndarray) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Feed-forward without checks: the zs and the activations."""
    zs = []
    activations = [x]
    a = x
    for W, b in network:
        z = W @ a + b  # z⁽ˡ⁾ = W⁽ˡ⁾ a⁽ˡ⁻¹⁾ + b⁽ˡ⁾
        a = _sigmoid(z)  # a⁽ˡ⁾ = σ(z⁽ˡ⁾)
        zs.append(z)
        activations.append(a)
    return zs, activations


def feed_forward(network: Network, x: ArrayLike) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Run the network on every example at once, keeping each layer's values.

    .. math::

        a^{(0)} = x, \\qquad z^{(l)} = W^{(l)} a^{(l-1)} + b^{(l)}, \\qquad
        a^{(l)} = \\sigma(z^{(l)}), \\qquad l = 1, \\dots, L.

    The output layer uses :math:`\\sigma` too, so every output lies in
    :math:`(0, 1)`. Backpropagation needs the intermediate values, so they are
    all returned, not only the output.

    Parameters
    ----------
    network : list of (W, b) pairs
        As made by :func:`init_network`; ``W`` of shape ``(n_out, n_in)``,
        ``b`` of shape ``(n_out, 1)``.
    x : array_like, shape (n_in, N)
        The inputs, one column per example.

    Returns
    -------
    zs : list of ndarray
        ``zs[l]`` is :math:`z^{(l+1)}`, of shape ``(width of layer l+1, N)``;
        ``len(zs) == len(network)``.
    activations : list of ndarray
        ``activations[0]`` is ``x`` and ``activations[l+1]`` is
        :math:`a^{(l+1)} = \\sigma(z^{(l+1)})`, of shape ``(width, N)``;
        ``len(activations) == len(network) + 1``. The output is
        ``activations[-1]``.

    Raises
    ------
    TypeError
        If ``network`` is not a list of ``(W, b)`` pairs of real arrays.
    ValueError
        If the shapes do not chain (``W`` of one layer against the previous
        layer's width, ``b`` against ``W``, ``x`` against the input width) or
        any value is not finite.

    Examples
    --------
    >>> network = init_network([1, 6, 7, 2], np.random.default_rng(0))
    >>> x = np.array([[0.0, 0.25, 0.5]])
    >>> zs, activations = feed_forward(network, x)
    >>> [z.shape for z in zs], [a.shape for a in activations]
    ([(6, 3), (7, 3), (2, 3)], [(1, 3), (6, 3), (7, 3), (2, 3)])
    >>> print(np.round(activations[-1], 4))
    [[0.6969 0.6975 0.698 ]
     [0.4372 0.4377 0.4383]]

    Introduced in: Module 3, *Simple Neural Networks* (``book/m3/neural-networks.md``).
    """
    network = _check_network(network)
    x = _check_x(network, x)
    return _forward(network, x)


def cost(network: Network, x: ArrayLike, y: ArrayLike) -> float:
    """The mean squared distance between the network's outputs and the targets.

    .. math::

        C = \\frac{1}{N} \\sum_{k=1}^{N} \\bigl\\| a^{(L)}(x_k) - y_k \\bigr\\|^2
          = \\frac{1}{N} \\bigl\\| A^{(L)} - Y \\bigr\\|_F^2

    Parameters
    ----------
    network : list of (W, b) pairs
        As for :func:`feed_forward`.
    x : array_like, shape (n_in, N)
        The inputs, one column per example.
    y : array_like, shape (n_out, N)
        The targets, one column per example.

    Returns
    -------
    float

    Raises
    ------
    TypeError, ValueError
        As for :func:`feed_forward`; also if ``y`` is not of shape
        ``(n_out, N)`` or not finite.

    Examples
    --------
    A one-layer network with zero weights outputs :math:`\\sigma(0) = 1/2`
    everywhere, so with targets 0 and 1 each example contributes
    :math:`(1/2)^2 + (1/2)^2`:

    >>> network = [(np.zeros((2, 1)), np.zeros((2, 1)))]
    >>> cost(network, [[1.0, 2.0, 3.0]], [[0.0, 0.0, 0.0], [1.0, 1.0, 1.0]])
    0.5

    Introduced in: Module 3, *Training a Network* (``book/m3/training.md``).
    """
    network = _check_network(network)
    x = _check_x(network, x)
    y = _check_y(network, x, y)
    error = _forward(network, x)[1][-1] - y
    return float(np.vdot(error, error)) / x.shape[1]


def _backward(
    network: Network,
    activations: list[np.ndarray],
    error: np.ndarray,
    *,
    factors: Mapping[int, np.ndarray] | None = None,
    untransposed: Collection[int] = (),
) -> Network:
    """Backpropagation without checks, from the forward pass and ``error = a⁽ᴸ⁾ − y``.

    With ``factors`` or ``untransposed`` it computes one of the variations of :func:`backprop_variant`:
    ``factors[l]`` stands where σ′(z⁽ˡ⁾) belongs, and each layer ``l`` in ``untransposed`` carries
    δ⁽ˡ⁾ back with W⁽ˡ⁾ where W⁽ˡ⁾ᵀ belongs. Without them, it is backpropagation itself.
    """
    factors = factors or {}

    def times_sigma_prime(v: np.ndarray, l: int) -> np.ndarray:
        """v ⊙ σ′(z⁽ˡ⁾), with σ′(z) = σ(z)(1 − σ(z)) = a(1 − a) from the activation a⁽ˡ⁾ = activations[l]."""
        if l in factors:
            return v * factors[l]
        a = activations[l]
        return v * a * (1.0 - a)

    n_examples = error.shape[1]
    # δ⁽ᴸ⁾ = ∂C/∂z⁽ᴸ⁾ = 2(a⁽ᴸ⁾ − y) ⊙ σ′(z⁽ᴸ⁾) / N
    delta = times_sigma_prime((2.0 / n_examples) * error, len(network))
    gradients = [None] * len(network)
    for l in reversed(range(len(network))):  # network[l] is layer l+1
        a_previous = activations[l]
        dC_dW = delta @ a_previous.T  # δ⁽ˡ⁾ a⁽ˡ⁻¹⁾ᵀ: sums over the N examples
        dC_db = delta.sum(axis=1, keepdims=True)  # ∂z/∂b = 1: sum δ⁽ˡ⁾ over the examples
        gradients[l] = (dC_dW, dC_db)
        if l > 0:
            W = network[l][0]
            # δ⁽ˡ⁻¹⁾ = (W⁽ˡ⁾ᵀ δ⁽ˡ⁾) ⊙ σ′(z⁽ˡ⁻¹⁾)
            delta = times_sigma_prime((W if l + 1 in untransposed else W.T) @ delta, l)
    return gradients


def backprop(network: Network, x: ArrayLike, y: ArrayLike) -> Network:
    """The gradient of the cost with respect to every weight and bias, by backpropagation.

    The chain rule, applied from the output backwards. With
    :math:`\\delta^{(l)} = \\partial C / \\partial z^{(l)}` (one column per
    example),

    .. math::

        \\begin{aligned}
        \\delta^{(L)} &= \\tfrac{2}{N} \\bigl(a^{(L)} - y\\bigr) \\odot \\sigma'(z^{(L)}), \\\\
        \\delta^{(l)} &= \\bigl(W^{(l+1)\\top} \\delta^{(l+1)}\\bigr) \\odot \\sigma'(z^{(l)}), \\\\
        \\frac{\\partial C}{\\partial W^{(l)}} &= \\delta^{(l)} a^{(l-1)\\top}, \\qquad
        \\frac{\\partial C}{\\partial b^{(l)}} = \\sum_{k=1}^{N} \\delta^{(l)}_{:,k},
        \\end{aligned}

    where :math:`\\odot` is the entrywise product and
    :math:`\\sigma'(z) = \\sigma(z)(1 - \\sigma(z))` is computed from the
    activations :math:`a = \\sigma(z)` that the forward pass already has. For the
    1-6-7-2 network these are the assignment's six Jacobians ``J_W3``, ``J_b3``,
    ``J_W2``, ``J_b2``, ``J_W1`` and ``J_b1``. :func:`backprop_variant` computes
    the same with a chosen mistake in these formulas.

    Parameters
    ----------
    network : list of (W, b) pairs
        As for :func:`feed_forward`.
    x : array_like, shape (n_in, N)
        The inputs, one column per example.
    y : array_like, shape (n_out, N)
        The targets, one column per example.

    Returns
    -------
    list of (dC/dW, dC/db) pairs
        One pair per layer, each of the shape of the matching ``(W, b)``.

    Raises
    ------
    TypeError, ValueError
        As for :func:`cost`.

    Examples
    --------
    >>> from mvcalc.datasets import heart_curve
    >>> x, y = heart_curve()
    >>> network = init_network([1, 6, 7, 2], np.random.default_rng(0))
    >>> gradients = backprop(network, x, y)
    >>> [(dW.shape, db.shape) for dW, db in gradients]
    [((6, 1), (6, 1)), ((7, 6), (7, 1)), ((2, 7), (2, 1))]
    >>> print(np.round(gradients[-1][1].ravel(), 6))   # J_b3
    [ 0.083395 -0.030392]

    Introduced in: Module 3, *Training a Network* (``book/m3/training.md``).
    """
    network = _check_network(network)
    x = _check_x(network, x)
    y = _check_y(network, x, y)
    _, activations = _forward(network, x)
    return _backward(network, activations, activations[-1] - y)


def backprop_variant(
    network: Network,
    x: ArrayLike,
    y: ArrayLike,
    *,
    sigma_prime: Mapping[int, Callable[[np.ndarray, np.ndarray], ArrayLike]] | None = None,
    untransposed: Collection[int] = (),
) -> Network:
    """Backpropagation with the chain rule changed on purpose: what a mistake in it computes.

    The same backward pass as :func:`backprop`, with two changes you choose:

    .. math::

        \\delta^{(l)} = \\bigl(M^{(l+1)} \\delta^{(l+1)}\\bigr) \\odot g_l\\bigl(z^{(l)}, a^{(l)}\\bigr),
        \\qquad M^{(l+1)} = W^{(l+1)\\top} \\text{ or } W^{(l+1)},

    where :math:`g_l = \\sigma'` unless ``sigma_prime`` gives another function
    for layer :math:`l` (the output layer's :math:`\\delta^{(L)}` included), and
    :math:`M^{(l+1)}` is the untransposed :math:`W^{(l+1)}` for the layers in
    ``untransposed``. With neither, the result is :func:`backprop`'s. The
    assignment checker :func:`mvcalc.checks.check_jacobian` uses it to find
    which mistake reproduces a reader's wrong Jacobian: a missing
    :math:`\\sigma'` is ``lambda z, a: 1.0``, :math:`\\sigma'` applied to
    :math:`a` instead of :math:`z` is ``lambda z, a: d_sigmoid(a)``, the tanh
    derivative of the lecture videos is ``lambda z, a: d_tanh(z)``.

    Parameters
    ----------
    network, x, y
        As for :func:`backprop`.
    sigma_prime : dict, optional
        Maps a layer :math:`l` (1 to :math:`L`, the output layer) to a function
        ``g(z, a)`` of that layer's :math:`z^{(l)}` and :math:`a^{(l)}`, both of
        shape ``(width, N)``, whose value (of that shape, or broadcasting to it)
        is used where :math:`\\sigma'(z^{(l)})` belongs.
    untransposed : collection of int, optional
        Layers :math:`l` (2 to :math:`L`) whose :math:`W^{(l)}` carries
        :math:`\\delta^{(l)}` back untransposed. Only a square
        :math:`W^{(l)}` can: any other gives a shape error.

    Returns
    -------
    list of (dC/dW, dC/db) pairs
        As :func:`backprop` returns them, computed with the changes.

    Raises
    ------
    TypeError
        If ``sigma_prime`` is not a dict of functions, a layer is not an
        integer, or ``g`` returns something that is not real numbers; and as
        for :func:`backprop`.
    ValueError
        If a layer is out of range, a :math:`W^{(l)}` in ``untransposed`` is not
        square, or ``g`` returns an array that does not broadcast to the shape
        of :math:`z^{(l)}`; and as for :func:`backprop`.

    Examples
    --------
    Forgetting :math:`\\sigma'(z^{(3)})` in the output layer changes
    ``J_b3``; changing nothing gives :func:`backprop`'s result:

    >>> from mvcalc.datasets import heart_curve
    >>> x, y = heart_curve()
    >>> network = init_network([1, 6, 7, 2], np.random.default_rng(0))
    >>> forgot = backprop_variant(network, x, y, sigma_prime={3: lambda z, a: 1.0})
    >>> print(np.round(forgot[-1][1].ravel(), 6))   # J_b3 without σ′(z⁽³⁾)
    [ 0.395921 -0.123453]
    >>> same = backprop_variant(network, x, y)
    >>> all(np.array_equal(p, q) for P, Q in zip(same, backprop(network, x, y)) for p, q in zip(P, Q))
    True

    Introduced in: Module 3, *Try It Yourself: Backpropagation* (``book/m3/backprop-try.md``).
    """
    network = _check_network(network)
    x = _check_x(network, x)
    y = _check_y(network, x, y)
    n_layers = len(network)
    sigma_prime = {} if sigma_prime is None else sigma_prime
    if not isinstance(sigma_prime, Mapping):
        raise TypeError(
            "sigma_prime must be a dict mapping layers to functions g(z, a), such as {3: lambda z, a: 1.0}; "
            f"got {type(sigma_prime).__name__}"
        )
    if isinstance(untransposed, (str, bytes)) or not isinstance(untransposed, Collection):
        raise TypeError(f"untransposed must be a collection of layers such as (2, 3), got {untransposed!r}")
    for l in sigma_prime:
        check_integer(l, f"sigma_prime's layer {l!r}", what=f"1 to {n_layers}")
        if l > n_layers:
            raise ValueError(f"sigma_prime's layer {l!r} must be 1 to {n_layers}, the layers of the network")
        check_callable(sigma_prime[l], f"sigma_prime[{l}]")
    for l in untransposed:
        check_integer(l, f"the layer {l!r} in untransposed", minimum=2, what=f"2 to {n_layers}")
        W = network[l - 1][0] if l <= n_layers else None
        if W is None or W.shape[0] != W.shape[1]:
            what = "no such layer" if W is None else f"W⁽{l}⁾ has shape {W.shape}"
            raise ValueError(
                f"the layer {l} in untransposed must be 2 to {n_layers} with a square W ({what}): "
                "only a square W can stand where its transpose belongs"
            )
    zs, activations = _forward(network, x)
    factors = {}
    for l, g in sigma_prime.items():
        value = _as_float(g(zs[l - 1], activations[l]), f"sigma_prime[{l}](z, a)")
        try:
            factors[l] = np.broadcast_to(value, zs[l - 1].shape)
        except ValueError:
            raise ValueError(
                f"sigma_prime[{l}](z, a) returned shape {value.shape}, which does not broadcast to the shape "
                f"{zs[l - 1].shape} of z⁽{l}⁾"
            ) from None
    return _backward(network, activations, activations[-1] - y, factors=factors, untransposed=set(untransposed))


def train(
    network: Network,
    x: ArrayLike,
    y: ArrayLike,
    *,
    maxiter: int,
    step: float,
    noise: float = 0.0,
    rng: np.random.Generator | None = None,
    record_every: int | None = None,
) -> scipy.optimize.OptimizeResult:
    """Train a network by (stochastic) steepest descent on the cost, as in the assignment.

    Each iteration uses every example, computes the gradient by :func:`backprop`,
    and moves every parameter :math:`P` (each :math:`W^{(l)}` and each
    :math:`b^{(l)}`) downhill:

    .. math::

        P \\leftarrow P - \\gamma\\,(1 + \\nu\\,\\xi_P)\\,\\frac{\\partial C}{\\partial P},
        \\qquad \\xi_P \\sim \\mathcal{N}(0, 1),

    with step :math:`\\gamma` (the assignment's "aggression") and noise
    :math:`\\nu`. Each block gets its own random factor, drawn afresh every
    iteration: the "stochastic steepest descent" of the assignment, whose
    jitter helps the descent escape flat regions and poor local minima. With
    ``noise=0`` this is plain steepest descent and no randomness is used. The
    :math:`\\xi` are drawn as ``rng.standard_normal(2 * L)`` once per
    iteration, in the order :math:`W^{(1)}, b^{(1)}, W^{(2)}, b^{(2)}, \\dots`

    Parameters
    ----------
    network : list of (W, b) pairs
        The starting network, as for :func:`feed_forward`. It is not modified:
        training works on a copy.
    x : array_like, shape (n_in, N)
        The inputs, one column per example.
    y : array_like, shape (n_out, N)
        The targets, one column per example.
    maxiter : int
        The number of descent steps, positive: training has no stopping rule
        and takes them all unless the parameters stop being finite.
    step : float
        The step size :math:`\\gamma`, positive (the assignment uses 7).
    noise : float, optional
        The size :math:`\\nu \\ge 0` of the random factors (the assignment
        uses 1). Default 0: no noise.
    rng : numpy.random.Generator, optional
        The source of :math:`\\xi`; needed when ``noise > 0``.
    record_every : int, optional
        Record the network's output every this many iterations (and after the
        last) in ``snapshots``, e.g. to draw the curve as it is learnt.

    Returns
    -------
    scipy.optimize.OptimizeResult
        In the vocabulary of every iterative method in mvcalc (see
        :mod:`mvcalc.optimise`):

        - ``x``: the trained network, a list of ``(W, b)`` pairs;
        - ``fun``: its cost, a float;
        - ``jac``: the gradient of the cost there, as :func:`backprop` returns
          it (``None`` if the parameters are not finite);
        - ``nit``: the number of iterations done (``maxiter`` on success);
        - ``nfev`` and ``njev``: the forward and backward passes made;
        - ``status``: 0 when every step was taken and the cost decreased, 2
          when the parameters stopped being finite (the step is far too
          large) and training stopped there, 4 when every step was taken but
          the cost ended no lower than it started; ``success`` is
          ``status == 0``;
        - ``message``: a sentence saying what happened;
        - ``history.fun``: ndarray of shape ``(nit + 1,)``, the cost before
          each iteration and after the last (``history.fun[-1] == fun``);
        - ``snapshots``: list of ``(iteration, output)`` pairs, ``output`` of
          shape ``(n_out, N)`` the network's output :math:`a^{(L)}` on ``x``
          after that many iterations; at iterations 0, ``record_every``,
          ``2 * record_every``, … and the last. Empty if ``record_every`` is None.

    Raises
    ------
    TypeError
        If ``rng`` is given and is not a ``numpy.random.Generator``, or
        ``maxiter`` or ``record_every`` is not an integer; and as for
        :func:`cost`.
    ValueError
        If ``maxiter < 1``, ``step <= 0``, ``noise < 0``, ``noise > 0``
        without an ``rng``, ``record_every < 1``; and as for :func:`cost`.

    Examples
    --------
    >>> from mvcalc.datasets import heart_curve
    >>> x, y = heart_curve()
    >>> network = init_network([1, 6, 7, 2], np.random.default_rng(0))
    >>> result = train(network, x, y, maxiter=2000, step=7.0, noise=1.0,
    ...                rng=np.random.default_rng(1), record_every=500)
    >>> print(f"{result.history.fun[0]:.4f} -> {result.fun:.4f} after {result.nit} iterations")
    0.1554 -> 0.0075 after 2000 iterations
    >>> [iteration for iteration, output in result.snapshots]
    [0, 500, 1000, 1500, 2000]

    Introduced in: Module 3, *Backpropagation: A Network Learns to Draw* (``book/m3/backprop.md``).
    """
    network = _check_network(network)
    x = _check_x(network, x)
    y = _check_y(network, x, y)
    maxiter = check_integer(maxiter, "maxiter")
    step = check_step(step, "step")
    noise = check_real_scalar(noise, "noise")
    if noise < 0:
        raise ValueError(f"noise must be a finite non-negative number, got {noise!r}")
    if rng is not None:
        rng = check_rng(rng)
    elif noise > 0:
        raise ValueError(f"noise={noise!r} > 0 needs a random generator: pass rng=np.random.default_rng(seed)")
    if record_every is not None:
        record_every = check_integer(record_every, "record_every")

    network = [(W.copy(), b.copy()) for W, b in network]  # never modify the caller's network
    n_examples = x.shape[1]
    n_blocks = 2 * len(network)
    costs = []  # grown one cost at a time: maxiter=10**12 is a long run, not a MemoryError up front
    snapshots = []
    with np.errstate(over="ignore", invalid="ignore"):  # a diverging run is reported, not warned about
        for i in range(maxiter + 1):
            # The forward pass gives the cost at the current parameters for free.
            _, activations = _forward(network, x)
            error = activations[-1] - y
            costs.append(float(np.vdot(error, error)) / n_examples)
            success = math.isfinite(costs[i])
            last = i == maxiter or not success
            if record_every is not None and (i % record_every == 0 or last):
                snapshots.append((i, activations[-1].copy()))
            if last:
                break
            gradients = _backward(network, activations, error)
            if noise > 0:
                factors = (step * (1.0 + noise * rng.standard_normal(n_blocks))).tolist()
            else:
                factors = [step] * n_blocks
            for l, ((W, b), (dC_dW, dC_db)) in enumerate(zip(network, gradients)):
                W -= factors[2 * l] * dC_dW  # in place: W is our own copy
                b -= factors[2 * l + 1] * dC_db

    nit = i
    costs = np.array(costs)
    if success and not all(np.isfinite(W).all() and np.isfinite(b).all() for W, b in network):
        success = False
    done = f"{nit} iteration{'' if nit == 1 else 's'}"
    if not success:
        status = DIVERGED
        message = (
            f"Stopped after {done}: the parameters are no longer finite "
            f"(the cost is {float(costs[-1])}); try a smaller step than {step!r}."
        )
    elif costs[-1] >= costs[0]:
        status = NO_DECREASE
        message = (
            f"Completed {done}, but the cost did not decrease: it went from {costs[0]:.4g} to {costs[-1]:.4g}; "
            f"try a smaller step than {step!r}."
        )
    else:
        status = CONVERGED
        message = f"Completed {done}; the cost went from {costs[0]:.4g} to {costs[-1]:.4g}."
    final_gradient = _backward(network, activations, error) if success else None
    return optimize_result(
        x=network,
        fun=float(costs[-1]),
        jac=final_gradient,
        nit=nit,
        nfev=nit + 1,
        njev=nit + (final_gradient is not None),
        status=status,
        message=message,
        history={"fun": costs},
        snapshots=snapshots,
    )
