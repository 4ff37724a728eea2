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

import itertools
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

from . import nn
from ._checker import (
    Assignment,
    CheckResult,
    Trial,
    as_result_array,
    call,
    check_function,
    check_many,
    check_name,
    close,
    right_apart_from_shape,
)
from .datasets import heart_curve

__all__ = ["NAMES", "CheckResult", "check_jacobian", "check_all"]

#: The six Jacobians of the assignment, output layer first, as the assignment orders them.
NAMES = ("J_W3", "J_b3", "J_W2", "J_b2", "J_W1", "J_b1")

_SIZES = [1, 6, 7, 2]  # the assignment's network
_SQUARE_SIZES = [1, 2, 2, 2]  # W2 and W3 square: a W used untransposed gives no shape error
_N_PER_TRIAL = (100, 37, 23, 64, 11)  # N varies, so a factor N cannot hide; never 1 or 2
_OUTPUT_LAYER = len(_SIZES) - 1
_SUP = {1: "⁽¹⁾", 2: "⁽²⁾", 3: "⁽³⁾"}


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

    def factor(self, n_examples: int) -> float:
        """The constant the mistakes of sign, 1/N and 2 multiply the Jacobian by."""
        return self.sign * self.two * float(n_examples) ** self.n_power


# What stands where σ′(z⁽ˡ⁾) belongs, for each mistake of _SIGMA_PRIME_MISTAKES: a function g(z, a) of
# nn.backprop_variant, so that every hypothesis is computed by nn's own backpropagation.
_SIGMA_PRIME_FACTORS = {
    "missing": lambda z, a: 1.0,
    "sigma": lambda z, a: a,
    "of_a": lambda z, a: nn.d_sigmoid(a),
    "tanh": lambda z, a: nn.d_tanh(z),
}


def _parse(name: str) -> tuple[str, int]:
    """The kind ("W" or "b") and the layer of a Jacobian's name, such as ("W", 3) for "J_W3"."""
    check_name(name, NAMES)
    return name[2], int(name[3])


def _pick(gradients: nn.Network, kind: str, layer: int) -> np.ndarray:
    """The Jacobian ``kind`` (W or b) of ``layer`` from what :func:`mvcalc.nn.backprop` returns."""
    return gradients[layer - 1][0 if kind == "W" else 1]


def _structural(network: nn.Network, x: np.ndarray, y: np.ndarray, kind: str, layer: int, m: _Mistakes) -> np.ndarray:
    """The Jacobian with the σ′ and transpose mistakes of ``m`` (not its constant factor), by nn's backpropagation."""
    sigma_prime = {l: _SIGMA_PRIME_FACTORS[what] for l, what in m.sigma_prime}
    return _pick(nn.backprop_variant(network, x, y, sigma_prime=sigma_prime, untransposed=m.untransposed), kind, layer)


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


# ---------------------------------------------------------------------------
# The trials and the diagnosis
# ---------------------------------------------------------------------------


def _trial(index: int, seed: int, name: str) -> Trial:
    """Trial 0 is the assignment itself; the others are random networks and data."""
    rng = np.random.default_rng([seed, index])
    if index == 0:
        x, y = heart_curve(100)
        network, about = nn.init_network(_SIZES, rng), "the assignment's data (heart curve, N = 100)"
    else:
        n = _N_PER_TRIAL[index % len(_N_PER_TRIAL)] + 10 * (index // len(_N_PER_TRIAL))
        x = rng.uniform(0.0, 1.0, size=(1, n))
        y = rng.uniform(0.05, 0.95, size=(2, n))
        network, about = nn.init_network(_SIZES, rng, scale=1.0), f"random network and data, N = {n}"
    return Trial((network, x, y), _pick(nn.backprop(network, x, y), *_parse(name)), about)


def _shape_message(arr: np.ndarray, trial: Trial, name: str) -> str:
    """Say what is wrong with the shape, and whether the numbers inside are right."""
    kind, layer = _parse(name)
    expected, n_examples = trial.expected, trial.args[1].shape[1]
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
    return text + right_apart_from_shape(fixed, expected) + "."


def _diagnose(
    values: np.ndarray, network: nn.Network, x: np.ndarray, y: np.ndarray, name: str, untransposed_possible: bool
) -> str | None:
    """Name the simplest hypothesis that reproduces ``values``, or None."""
    kind, layer = _parse(name)
    structural = {}  # one backward pass for each σ′ and transpose mistake, whatever the constant factor
    for m in _hypotheses(layer, untransposed_possible):
        key = _Mistakes(m.sigma_prime, m.untransposed)
        if key not in structural:
            structural[key] = _structural(network, x, y, kind, layer, key)
        if close(values, m.factor(x.shape[1]) * structural[key]):
            return _describe(m, kind, name, x.shape[1])
    return None


def _explain(values: np.ndarray, trial: Trial, index: int, name: str) -> str | None:
    """The mistake that reproduces wrong values of the right shape, or None."""
    network, x, y = trial.args
    found = _diagnose(values, network, x, y, name, untransposed_possible=False)
    if found is None and index > 0 and close(values, x.shape[1] / _N_PER_TRIAL[0] * trial.expected):
        found = (
            f"{name} is right on the assignment's data but not on {trial.about}: there it is "
            f"N/{_N_PER_TRIAL[0]} times the right value, so it divides by a fixed {_N_PER_TRIAL[0]} "
            "instead of by N = x.size."
        )
    return found


def _exception_note(name: str, func: Callable, exc: BaseException, seed: int) -> str:
    """For a shape error in a hidden layer's Jacobian, test the untransposed-W hypothesis on square matrices."""
    kind, layer = _parse(name)
    if layer == _OUTPUT_LAYER or not isinstance(exc, ValueError):
        return ""
    rng = np.random.default_rng([seed, 999])
    network = nn.init_network(_SQUARE_SIZES, rng, scale=1.0)
    x = rng.uniform(0.0, 1.0, size=(1, 20))
    y = rng.uniform(0.05, 0.95, size=(2, 20))
    value, again, _ = call(func, (network, x, y))
    values, _ = as_result_array(value, name, ()) if again is None else (None, "")
    expected = _pick(nn.backprop(network, x, y), kind, layer)
    if values is None or values.shape != expected.shape or not np.all(np.isfinite(values)):
        return ""
    found = _diagnose(values, network, x, y, name, untransposed_possible=True)
    return "" if found is None else f" On a 1-2-2-2 network, where W⁽²⁾ and W⁽³⁾ are square, it runs, and: {found}"


_ASSIGNMENT = Assignment(
    names=NAMES,
    trial=_trial,
    shape_message=_shape_message,
    diagnose=_explain,
    reference=dict.fromkeys(NAMES, "backpropagation"),
    usual=dict.fromkeys(NAMES, "a missing or wrong σ′, a sign, the 1/N or the 2 of the cost"),
    first="the assignment's data",
    others=("random network and data set", "random networks and data sets"),
    globals_hint=(
        "It was right on the assignment's data, so check that the function uses its arguments "
        "network, x and y, not global variables."
    ),
    exception_note=_exception_note,
)


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
    no shape error), and combinations of two, each computed by
    :func:`mvcalc.nn.backprop_variant`, backpropagation with that mistake made
    on purpose. Otherwise it reports the largest discrepancy and where it is.

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
    return check_function(_ASSIGNMENT, name, func, trials, seed)


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
    return check_many(_ASSIGNMENT, funcs, trials=trials, seed=seed)
