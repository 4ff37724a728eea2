"""Check your own Jacobians for the Backpropagation assignment, and learn what is wrong.

*Try it yourself*: the assignment asks for the six Jacobians of the cost of
the 1-6-7-2 logistic network, ``J_W3``, ``J_b3``, ``J_W2``, ``J_b2``, ``J_W1`` and
``J_b1`` (layer 3 is the output layer). Write each as a function
``func(network, x, y)`` that returns the Jacobian, an array of the shape of the
parameter, and hand it to :func:`check_jacobian`. The checker runs it on
several random networks and data sets, compares with :func:`mvcalc.nn.backprop`,
and when the numbers are wrong it tries the usual mistakes (a missing
:math:`\\sigma'`, a sign, the :math:`1/N` or the 2 of the cost, a weight
matrix not transposed, …) to tell you which one you made.

Inside ``func``, ``network`` is a list of three ``(W, b)`` pairs, so
``W1, b1 = network[0]``, ``W2, b2 = network[1]`` and ``W3, b3 = network[2]``;
``x`` has shape ``(1, N)`` and ``y`` has shape ``(2, N)``.

Introduced in: Module 3, *Try It Yourself: Backpropagation* (``book/m3/backprop-try.md``).
"""

from __future__ import annotations

import textwrap

import itertools
import traceback
from dataclasses import dataclass
from typing import Any, Callable, Mapping

import numpy as np

from . import nn
from ._validation import check_callable, check_integer
from .datasets import heart_curve

__all__ = ["NAMES", "CheckResult", "check_jacobian", "check_all"]

#: The six Jacobians of the assignment, output layer first, as the assignment orders them.
NAMES = ("J_W3", "J_b3", "J_W2", "J_b2", "J_W1", "J_b1")

_SIZES = [1, 6, 7, 2]  # the assignment's network
_SQUARE_SIZES = [1, 2, 2, 2]  # W2 and W3 square: a W used untransposed gives no shape error
_N_PER_TRIAL = (100, 37, 23, 64, 11)  # N varies, so a factor N cannot hide; never 1 or 2
_OUTPUT_LAYER = len(_SIZES) - 1
_SUP = {1: "⁽¹⁾", 2: "⁽²⁾", 3: "⁽³⁾"}


@dataclass(frozen=True)
class CheckResult:
    """The verdict of :func:`check_jacobian` on one function.

    Attributes
    ----------
    name : str
        Which Jacobian was checked, e.g. ``"J_b2"``.
    passed : bool
        True if the function agrees with backpropagation on every trial.
    message : str
        What was found: on success, what was compared; otherwise the mistake,
        as precisely as the checker can name it.

    Introduced in: Module 3, *Try It Yourself: Backpropagation*.
    """

    name: str
    passed: bool
    message: str

    def __str__(self) -> str:
        verdict = "correct" if self.passed else "not right yet"
        # wrapped, so that a verdict reads without scrolling in a notebook or on the page
        return textwrap.fill(f"{self.name}: {verdict}. {self.message}", width=88, subsequent_indent="    ")


# ---------------------------------------------------------------------------
# The reference and its usual mistakes
# ---------------------------------------------------------------------------

# How σ′(z⁽ˡ⁾) can go wrong, with what to say about it.
_SIGMA_PRIME_MISTAKES = {
    "missing": "is missing the factor σ′(z{l}) = ∂a{l}/∂z{l}{layers}, the derivative of the activation",
    "sigma": "uses σ(z{l}) = a{l}{layers} where the derivative σ′(z{l}) = a{l}(1 − a{l}) belongs",
    "of_a": "applies σ′ to a{l} instead of z{l}{layers}: the factor is σ′(z{l}), which equals a{l}(1 − a{l})",
    "tanh": (
        "uses the tanh derivative 1/cosh²(z{l}) of the lecture videos{layers}; this network's activation is "
        "the logistic σ, whose derivative is σ′(z) = σ(z)(1 − σ(z)) = 1/(4cosh²(z/2))"
    ),
}


@dataclass(frozen=True)
class _Mistakes:
    """One hypothesis about what the reader's function computes."""

    sigma_prime: tuple[tuple[int, str], ...] = ()  # (layer, kind of mistake)
    untransposed: tuple[int, ...] = ()  # layers whose W is used where Wᵀ belongs
    sign: float = 1.0
    n_power: int = 0  # the result is N**n_power times the right value
    two: float = 1.0  # 1/2: the 2 is missing; 2: the 2 appears twice

    @property
    def count(self) -> int:
        kinds = {kind for _, kind in self.sigma_prime}
        return len(kinds) + bool(self.untransposed) + (self.sign < 0) + (self.n_power != 0) + (self.two != 1)


def _parse(name: str) -> tuple[str, int]:
    if not isinstance(name, str) or name not in NAMES:
        raise ValueError(f"name must be one of {', '.join(NAMES)}, got {name!r}")
    return name[2], int(name[3])


def _jacobian(network: nn.Network, x: np.ndarray, y: np.ndarray, kind: str, layer: int, m: _Mistakes) -> np.ndarray:
    """The Jacobian ``kind`` (W or b) of ``layer``, computed with the mistakes ``m`` (none: the right one)."""
    zs, activations = nn.feed_forward(network, x)
    n_examples = x.shape[1]
    n_layers = len(network)
    wrong = dict(m.sigma_prime)

    def sigma_prime(l: int) -> np.ndarray | float:
        z, a = zs[l - 1], activations[l]
        return {
            None: lambda: nn.d_sigmoid(z),
            "missing": lambda: 1.0,
            "sigma": lambda: a,
            "of_a": lambda: nn.d_sigmoid(a),
            "tanh": lambda: nn.d_tanh(z),
        }[wrong.get(l)]()

    delta = 2.0 * (activations[-1] - y) * sigma_prime(n_layers)
    for l in range(n_layers, layer, -1):
        W = network[l - 1][0]
        delta = ((W if l in m.untransposed else W.T) @ delta) * sigma_prime(l - 1)
    J = delta @ activations[layer - 1].T if kind == "W" else delta.sum(axis=1, keepdims=True)
    return m.sign * m.two * float(n_examples) ** m.n_power * J / n_examples


def _hypotheses(layer: int, untransposed_possible: bool) -> list[_Mistakes]:
    """Every hypothesis the checker tries, simplest (fewest mistakes) first."""
    layers = list(range(_OUTPUT_LAYER, layer - 1, -1))  # the σ′ factors in the chain
    structural = [_Mistakes()]
    for kind in _SIGMA_PRIME_MISTAKES:
        structural += [_Mistakes(sigma_prime=((l, kind),)) for l in layers]
        if len(layers) > 1:
            structural.append(_Mistakes(sigma_prime=tuple((l, kind) for l in layers)))
    if untransposed_possible:
        above = list(range(layer + 1, _OUTPUT_LAYER + 1))  # the W's used in the backward pass
        choices = [tuple(c) for r in range(1, len(above) + 1) for c in itertools.combinations(above, r)]
        structural += [_Mistakes(sigma_prime=s.sigma_prime, untransposed=u) for s in list(structural) for u in choices]
    hypotheses = [
        _Mistakes(s.sigma_prime, s.untransposed, sign, n_power, two)
        for s in structural
        for sign in (1.0, -1.0)
        for n_power in (0, 1, -1)
        for two in (1.0, 0.5, 2.0)
    ]
    return sorted(hypotheses[1:], key=lambda h: h.count)  # [0] is the right answer


def _describe(m: _Mistakes, kind: str, name: str, n_examples: int) -> str:
    """The mistakes of hypothesis ``m``, in words."""
    parts = []
    by_kind: dict[str, list[int]] = {}
    for l, what in m.sigma_prime:
        by_kind.setdefault(what, []).append(l)
    for what, ls in by_kind.items():
        if len(ls) == 1:
            parts.append(_SIGMA_PRIME_MISTAKES[what].format(l=_SUP[ls[0]], layers=""))
        else:
            every = f" (for every layer l = {', '.join(map(str, ls))})"
            parts.append(_SIGMA_PRIME_MISTAKES[what].format(l="⁽ˡ⁾", layers=every))
    for l in m.untransposed:
        parts.append(
            f"uses W{_SUP[l]} in the backward pass where its transpose belongs: "
            f"δ{_SUP[l - 1]} = (W{_SUP[l]}ᵀ δ{_SUP[l]}) ⊙ σ′(z{_SUP[l - 1]}) "
            "(on the 1-6-7-2 network the untransposed matrix gives a shape error)"
        )
    if m.sign < 0:
        parts.append("has the wrong sign: ∂C/∂a⁽³⁾ = 2(a⁽³⁾ − y), not 2(y − a⁽³⁾)")
    if m.n_power == 1:
        if kind == "b":
            parts.append(
                f"is N = {n_examples} times too big: it sums δ over the examples but the cost "
                "C = (1/N) Σₖ ‖a⁽³⁾(xₖ) − yₖ‖² averages over them, so divide the sum by N (x.size), "
                "i.e. average over axis 1"
            )
        else:
            parts.append(
                f"is N = {n_examples} times too big: the 1/N of the cost C = (1/N) Σₖ ‖a⁽³⁾(xₖ) − yₖ‖² "
                "is missing; divide by N (x.size)"
            )
    if m.n_power == -1:
        parts.append(
            f"is N = {n_examples} times too small: it divides by N twice"
            + (" (for example np.mean over the examples and / x.size as well)" if kind == "b" else "")
        )
    if m.two == 0.5:
        parts.append("is half the right size: the factor 2 of ∂C/∂a⁽³⁾ = 2(a⁽³⁾ − y) is missing")
    if m.two == 2.0:
        parts.append("is twice the right size: the factor 2 of ∂C/∂a⁽³⁾ = 2(a⁽³⁾ − y) appears twice")
    if len(parts) == 1:
        return f"{name} {parts[0]}."
    return f"{name} has {len(parts)} mistakes: it " + "; it ".join(parts) + "."


def _close(received: np.ndarray, expected: np.ndarray) -> bool:
    scale = float(np.max(np.abs(expected), initial=0.0))
    return bool(np.allclose(received, expected, rtol=1e-6, atol=1e-9 * scale + 1e-15))


# ---------------------------------------------------------------------------
# Running the reader's function
# ---------------------------------------------------------------------------


def _trial(index: int, seed: int) -> tuple[nn.Network, np.ndarray, np.ndarray, str]:
    """Trial 0 is the assignment itself; the others are random networks and data."""
    rng = np.random.default_rng([seed, index])
    if index == 0:
        x, y = heart_curve(100)
        return nn.init_network(_SIZES, rng), x, y, "the assignment's data (heart curve, N = 100)"
    n = _N_PER_TRIAL[index % len(_N_PER_TRIAL)] + 10 * (index // len(_N_PER_TRIAL))
    x = rng.uniform(0.0, 1.0, size=(1, n))
    y = rng.uniform(0.05, 0.95, size=(2, n))
    return nn.init_network(_SIZES, rng, scale=1.0), x, y, f"random network and data, N = {n}"


def _call(func: Callable, network: nn.Network, x: np.ndarray, y: np.ndarray) -> tuple[Any, BaseException | None, str]:
    """Call the reader's function on copies; return (result, exception, where it was raised)."""
    copies = [(W.copy(), b.copy()) for W, b in network]
    try:
        return func(copies, x.copy(), y.copy()), None, ""
    except Exception as exc:  # the reader's code may raise anything: report it
        frames = traceback.extract_tb(exc.__traceback__)[1:]  # drop this function's own frame
        code = getattr(func, "__code__", None)
        own = [f for f in frames if code is not None and f.filename == code.co_filename]
        frame = (own or frames or [None])[-1]
        where = f" (line {frame.lineno}: {frame.line.strip()})" if frame is not None and frame.line else ""
        return None, exc, where


def _as_result_array(value: Any, name: str, expected_shape: tuple[int, ...]) -> tuple[np.ndarray | None, str]:
    """The reader's result as a float array, or a message saying why it is not one."""
    if value is None:
        return None, f"{name} returned None: is the `return` statement missing?"
    try:
        arr = np.asarray(value)
    except Exception:  # e.g. a ragged list
        arr = np.asarray(None)
    if arr.dtype == bool or arr.dtype.kind not in "iuf":
        return None, (
            f"{name} returned {type(value).__name__} {value!r:.60}, not an array of real numbers; "
            f"it should return an array of shape {expected_shape}."
        )
    return arr.astype(np.float64), ""


def _shape_message(arr: np.ndarray, name: str, kind: str, layer: int, expected: np.ndarray, n_examples: int) -> str:
    """Say what is wrong with the shape, and whether the numbers inside are right."""
    param = f"{kind}{layer}"
    got, want = arr.shape, expected.shape
    text = f"{name} has shape {got}, but it must have the shape of {param}, {want}"
    fixed = None
    if kind == "W" and got == want[::-1]:
        text += (
            f"; {got} is the shape of {param}ᵀ: the Jacobian is δ{_SUP[layer]} a{_SUP[layer - 1]}ᵀ, "
            f"not a{_SUP[layer - 1]} δ{_SUP[layer]}ᵀ"
        )
        fixed = arr.T
    elif kind == "b" and got == (want[0],):
        text += "; keep the column: sum over the examples with keepdims=True (or reshape to (n, 1))"
        fixed = arr.reshape(want)
    elif kind == "b" and got == (want[0], n_examples):
        text += (
            "; it has one column per example: the bias adds to every example, so its Jacobian sums "
            "over them (axis=1, keepdims=True, and the 1/N of the average)"
        )
    elif kind == "b" and got in ((1, n_examples), (n_examples,)):
        text += "; it was summed over axis 0 (the units) instead of axis 1 (the examples)"
    elif arr.size == 1:
        text += "; it was summed over everything: sum over axis 1 (the examples) only"
    if fixed is not None:
        text += ". Apart from the shape, its values are right" if _close(fixed, expected) else ""
    return text + "."


def _diagnose(
    values: np.ndarray, network: nn.Network, x: np.ndarray, y: np.ndarray, name: str, untransposed_possible: bool
) -> str | None:
    """Name the simplest hypothesis that reproduces ``values``, or None."""
    kind, layer = _parse(name)
    for m in _hypotheses(layer, untransposed_possible):
        if _close(values, _jacobian(network, x, y, kind, layer, m)):
            return _describe(m, kind, name, x.shape[1])
    return None


def _wrong_values(values: np.ndarray, expected: np.ndarray, name: str, about: str) -> str:
    diff = np.abs(values - expected)
    index = tuple(int(i) for i in np.unravel_index(np.argmax(diff), diff.shape))
    text = (
        f"{name} has the right shape but wrong values, and they match none of the usual mistakes "
        "(a missing or wrong σ′, a sign, the 1/N or the 2 of the cost). "
        f"The largest discrepancy is at index {index}: got {values[index]:.6g}, expected {expected[index]:.6g} "
        f"(on {about})"
    )
    denominator = float(np.vdot(expected, expected))
    if denominator > 0:
        c = float(np.vdot(values, expected)) / denominator
        if _close(values, c * expected):
            text += f". All of it is {c:.6g} times the right value: look for a wrong constant factor"
    return text + "."


def check_jacobian(name: str, func: Callable, *, trials: int = 5, seed: int = 0) -> CheckResult:
    """Check a Jacobian of the Backpropagation assignment, and name the mistake if there is one.

    ``func(network, x, y)`` must return the Jacobian ``name`` of the cost

    .. math::

        C = \\frac{1}{N} \\sum_{k=1}^{N} \\bigl\\| a^{(3)}(x_k) - y_k \\bigr\\|^2

    of the 1-6-7-2 logistic network, e.g. for ``"J_W3"`` the array
    :math:`\\partial C / \\partial W^{(3)}` of the shape of :math:`W^{(3)}`.
    The first trial is the assignment itself (the heart curve and a network
    drawn as in the assignment); the others draw random networks and data with
    different :math:`N`. The result of ``func`` is compared with
    :func:`mvcalc.nn.backprop`. If it differs, the checker reports, as
    precisely as it can: a wrong shape (received and expected), non-finite
    values, an exception raised by ``func``, or which of the usual mistakes
    reproduces the numbers: a missing :math:`\\sigma'` (or :math:`\\sigma`,
    :math:`\\sigma'(a)` or the tanh derivative in its place), the wrong sign,
    the :math:`1/N` missing or applied twice (summing instead of averaging
    over the examples), the factor 2 missing or doubled, a weight matrix used
    where its transpose belongs (tested on a 1-2-2-2 network, where that gives
    no shape error), and combinations of two. Otherwise it reports the largest
    discrepancy and where it is.

    Parameters
    ----------
    name : {"J_W3", "J_b3", "J_W2", "J_b2", "J_W1", "J_b1"}
        Which Jacobian ``func`` computes; layer 3 is the output layer.
    func : callable
        ``func(network, x, y)`` with ``network`` a list of three ``(W, b)``
        pairs (``W1, b1 = network[0]`` and so on), ``x`` of shape ``(1, N)``
        and ``y`` of shape ``(2, N)``; returns an array of the shape of the
        parameter (``(2, 7)`` for ``J_W3``, ``(2, 1)`` for ``J_b3``, …).
        It receives copies, so it cannot spoil the checks by changing them.
    trials : int, optional
        How many networks and data sets to try, at least 1.
    seed : int, optional
        The seed of the random networks and data (non-negative).

    Returns
    -------
    CheckResult
        ``passed`` (bool) and ``message`` (str); ``str(result)`` is a
        one-paragraph verdict.

    Raises
    ------
    ValueError
        If ``name`` is not one of the six names, ``trials < 1`` or ``seed < 0``.
    TypeError
        If ``func`` is not callable, or ``trials`` or ``seed`` is not an integer.

    Examples
    --------
    A correct ``J_b3`` (the assignment's notation, with ``d_sigmoid`` for
    :math:`\\sigma'`) and one that forgets to divide by :math:`N`:

    >>> from mvcalc.nn import d_sigmoid, sigmoid
    >>> def J_b3(network, x, y):
    ...     (W1, b1), (W2, b2), (W3, b3) = network
    ...     a1 = sigmoid(W1 @ x + b1)
    ...     a2 = sigmoid(W2 @ a1 + b2)
    ...     z3 = W3 @ a2 + b3
    ...     J = 2 * (sigmoid(z3) - y) * d_sigmoid(z3)
    ...     return np.sum(J, axis=1, keepdims=True) / x.size
    >>> print(check_jacobian("J_b3", J_b3))  # doctest: +NORMALIZE_WHITESPACE
    J_b3: correct. It agrees with backpropagation on all 5 trials (the assignment's data and 4 random networks and data sets).
    >>> def J_b3_summed(network, x, y):
    ...     return J_b3(network, x, y) * x.size
    >>> result = check_jacobian("J_b3", J_b3_summed)
    >>> result.passed
    False
    >>> print(result.message)  # doctest: +NORMALIZE_WHITESPACE
    J_b3 is N = 100 times too big: it sums δ over the examples but the cost C = (1/N) Σₖ ‖a⁽³⁾(xₖ) − yₖ‖²
    averages over them, so divide the sum by N (x.size), i.e. average over axis 1. (Found on the assignment's
    data (heart curve, N = 100).)

    Introduced in: Module 3, *Try It Yourself: Backpropagation*.
    """
    kind, layer = _parse(name)
    check_callable(func, "func")
    trials = check_integer(trials, "trials")
    seed = check_integer(seed, "seed", minimum=0)

    for index in range(trials):
        network, x, y, about = _trial(index, seed)
        expected = _jacobian(network, x, y, kind, layer, _Mistakes())
        value, exc, where = _call(func, network, x, y)
        if exc is not None:
            return CheckResult(name, False, _exception_message(name, func, exc, where, about, kind, layer, seed))
        values, problem = _as_result_array(value, name, expected.shape)
        if values is None:
            return CheckResult(name, False, problem)
        if values.shape != expected.shape:
            return CheckResult(name, False, _shape_message(values, name, kind, layer, expected, x.shape[1]))
        if not np.all(np.isfinite(values)):
            bad = tuple(int(i) for i in np.argwhere(~np.isfinite(values))[0])
            return CheckResult(
                name, False, f"{name} returned a non-finite value, {values[bad]}, at index {bad} (on {about})."
            )
        if _close(values, expected):
            continue
        found = _diagnose(values, network, x, y, name, untransposed_possible=False)
        if found is not None:
            message = f"{found} (Found on {about}.)"
        elif index > 0 and _close(values, x.shape[1] / _N_PER_TRIAL[0] * expected):
            message = (
                f"{name} is right on the assignment's data but not on {about}: there it is "
                f"N/{_N_PER_TRIAL[0]} times the right value, so it divides by a fixed {_N_PER_TRIAL[0]} "
                "instead of by N = x.size."
            )
        else:
            message = _wrong_values(values, expected, name, about)
            if index > 0:
                message += (
                    " It was right on the assignment's data, so check that the function uses its arguments "
                    "network, x and y, not global variables."
                )
        return CheckResult(name, False, message)

    others = trials - 1
    what = "the assignment's data" + (
        f" and {others} random network{'s' if others > 1 else ''} and data set{'s' if others > 1 else ''}"
        if others
        else ""
    )
    plural = "s" if trials > 1 else ""
    return CheckResult(name, True, f"It agrees with backpropagation on all {trials} trial{plural} ({what}).")


def _exception_message(
    name: str, func: Callable, exc: BaseException, where: str, about: str, kind: str, layer: int, seed: int
) -> str:
    """Report the reader's exception; for a shape error, test the untransposed-W hypothesis."""
    if isinstance(exc, NotImplementedError):
        return f"{name} is not written yet (it raised NotImplementedError{': ' + str(exc) if str(exc) else ''})."
    text = f"{name} raised {type(exc).__name__}: {exc}{where} (on {about})."
    if layer < _OUTPUT_LAYER and isinstance(exc, ValueError):
        rng = np.random.default_rng([seed, 999])
        network = nn.init_network(_SQUARE_SIZES, rng, scale=1.0)
        x = rng.uniform(0.0, 1.0, size=(1, 20))
        y = rng.uniform(0.05, 0.95, size=(2, 20))
        value, again, _ = _call(func, network, x, y)
        values, _ = _as_result_array(value, name, ()) if again is None else (None, "")
        expected = _jacobian(network, x, y, kind, layer, _Mistakes())
        if values is not None and values.shape == expected.shape and np.all(np.isfinite(values)):
            found = _diagnose(values, network, x, y, name, untransposed_possible=True)
            if found is not None:
                text += f" On a 1-2-2-2 network, where W⁽²⁾ and W⁽³⁾ are square, it runs, and: {found}"
    return text


def check_all(funcs: Mapping[str, Callable], *, trials: int = 5, seed: int = 0) -> dict[str, CheckResult]:
    """Check several Jacobians at once and print a verdict for each.

    Parameters
    ----------
    funcs : dict
        Maps names among ``"J_W3"``, ``"J_b3"``, ``"J_W2"``, ``"J_b2"``,
        ``"J_W1"``, ``"J_b1"`` to functions ``func(network, x, y)``, as for
        :func:`check_jacobian`.
    trials, seed : int, optional
        As for :func:`check_jacobian`.

    Returns
    -------
    dict
        The :class:`CheckResult` of each name, in the assignment's order.

    Raises
    ------
    TypeError
        If ``funcs`` is not a mapping, or a value is not callable.
    ValueError
        If a key is not one of the six names.

    Examples
    --------
    >>> from mvcalc.nn import backprop
    >>> results = check_all({  # doctest: +NORMALIZE_WHITESPACE
    ...     "J_b1": lambda network, x, y: backprop(network, x, y)[0][1],
    ...     "J_W1": lambda network, x, y: -backprop(network, x, y)[0][0],
    ... })
    J_W1: not right yet. J_W1 has the wrong sign: ∂C/∂a⁽³⁾ = 2(a⁽³⁾ − y), not 2(y − a⁽³⁾). (Found on the assignment's data (heart curve, N = 100).)
    J_b1: correct. It agrees with backpropagation on all 5 trials (the assignment's data and 4 random networks and data sets).
    1 of 2 correct.
    >>> results["J_b1"].passed
    True

    Introduced in: Module 3, *Try It Yourself: Backpropagation*.
    """
    if not isinstance(funcs, Mapping):
        raise TypeError(f"funcs must be a dict mapping names such as 'J_W3' to functions, got {type(funcs).__name__}")
    for key, func in funcs.items():
        _parse(key)
        check_callable(func, f"funcs[{key!r}]")
    results = {}
    for key in sorted(funcs, key=NAMES.index):
        results[key] = check_jacobian(key, funcs[key], trials=trials, seed=seed)
        print(results[key])
    if len(results) > 1:
        print(f"{sum(r.passed for r in results.values())} of {len(results)} correct.")
    return results
