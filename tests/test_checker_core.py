"""Tests of the checkers' shared core (mvcalc._checker) and of mvcalc.nn.backprop_variant.

Both assignment checkers, mvcalc.checks and mvcalc.fitcheck, run on one core; these tests hold them to
the same rules: an answer wrong in the 4th significant digit is rejected by both, and it is the
core's tolerance that rejects it (loosened to 1e-3, the same answers pass). The references are
independent of the checkers: hand-written "reader" functions, and autograd for the variants of
backpropagation with which mvcalc.checks names a mistake.
"""

from __future__ import annotations

import autograd
import autograd.numpy as anp
import numpy as np
import pytest
from autograd.extend import defvjp, primitive

import mvcalc._checker as core
from mvcalc import nn
from mvcalc.checks import check_jacobian
from mvcalc.datasets import heart_curve
from mvcalc.fitcheck import check_heights_function

# ---------------------------------------------------------------------------
# Readers, written out as the assignments write them, independently of mvcalc
# ---------------------------------------------------------------------------


def sigma(z):
    return 1 / (1 + np.exp(-z))


def d_sigma(z):
    return sigma(z) * (1 - sigma(z))


def J_W2(network, x, y):
    (W1, b1), (W2, b2), (W3, b3) = network
    a1 = sigma(W1 @ x + b1)
    z2 = W2 @ a1 + b2
    z3 = W3 @ sigma(z2) + b3
    delta2 = (W3.T @ (2 * (sigma(z3) - y) * d_sigma(z3))) * d_sigma(z2)
    return delta2 @ a1.T / x.size


def J_b3(network, x, y):
    (W1, b1), (W2, b2), (W3, b3) = network
    z3 = W3 @ sigma(W2 @ sigma(W1 @ x + b1) + b2) + b3
    return np.sum(2 * (sigma(z3) - y) * d_sigma(z3), axis=1, keepdims=True) / x.size


def gauss(x, mu, sig, pi=np.pi):
    return np.exp(-((x - mu) ** 2) / (2 * sig**2)) / np.sqrt(2 * pi) / sig


def dfdmu(x, mu, sig):
    return gauss(x, mu, sig) * (x - mu) / sig**2


def dfdsig(x, mu, sig):
    return gauss(x, mu, sig) * ((x - mu) ** 2 / sig**3 - 1 / sig)


def steepest_step(x, y, mu, sig, aggression):
    r = y - gauss(x, mu, sig)
    return -aggression * np.array([-2 * r @ dfdmu(x, mu, sig), -2 * r @ dfdsig(x, mu, sig)])


def times(func, factor):
    """The reader's function, with its whole result off by ``factor``."""
    return lambda *args: func(*args) * factor


def one_entry_off(func, relative):
    """The reader's function with one entry (the one of median size) off by ``relative`` of itself."""

    def wrong(*args):
        values = np.array(func(*args), dtype=float)
        flat = values.reshape(-1)
        k = np.argsort(np.abs(flat))[flat.size // 2]
        flat[k] *= 1 + relative
        return values

    return wrong


def J_W2_e_rounded(network, x, y):
    """J_W2 with e rounded to 2.718 in σ: wrong from the 4th or 5th significant digit on."""
    s = lambda z: 1 / (1 + 2.718 ** (-z))  # noqa: E731
    (W1, b1), (W2, b2), (W3, b3) = network
    a1 = s(W1 @ x + b1)
    z2 = W2 @ a1 + b2
    z3 = W3 @ s(z2) + b3
    delta2 = (W3.T @ (2 * (s(z3) - y) * s(z3) * (1 - s(z3)))) * s(z2) * (1 - s(z2))
    return delta2 @ a1.T / x.size


def dfdmu_pi_rounded(x, mu, sig):
    """dfdmu with π rounded to 3.14 in f: every entry 1.00025 times the right one."""
    return gauss(x, mu, sig, pi=3.14) * (x - mu) / sig**2


def check(name, func):
    return (check_heights_function if name in ("dfdmu", "dfdsig", "steepest_step") else check_jacobian)(name, func)


RIGHT = [("J_W2", J_W2), ("J_b3", J_b3), ("dfdmu", dfdmu), ("dfdsig", dfdsig), ("steepest_step", steepest_step)]

# Answers wrong in the 4th significant digit: off by 4e-4 of themselves (or 2.5e-4 for π = 3.14).
NEAR_MISSES = [(name, times(func, 1 + 4e-4), f"{name} times 1.0004") for name, func in RIGHT]
NEAR_MISSES += [(name, one_entry_off(func, 4e-4), f"{name}, one entry off by 4e-4") for name, func in RIGHT]
NEAR_MISSES += [("dfdmu", dfdmu_pi_rounded, "dfdmu with pi = 3.14")]


# ---------------------------------------------------------------------------
# The tolerance: near misses are rejected, and it is the tolerance that rejects them
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "func"), RIGHT, ids=[name for name, _ in RIGHT])
def test_the_right_answers_pass(name, func):
    result = check(name, func)
    assert result.passed, result.message


@pytest.mark.parametrize(("name", "func", "what"), NEAR_MISSES, ids=[what for _, _, what in NEAR_MISSES])
def test_an_answer_wrong_in_the_4th_digit_is_rejected(name, func, what):
    result = check(name, func)
    assert not result.passed, what
    assert "wrong values" in result.message or "δμ" in result.message or "δσ" in result.message, result.message


def test_a_realistic_near_miss_is_rejected():
    result = check_jacobian("J_W2", J_W2_e_rounded)
    assert not result.passed
    assert "largest discrepancy is at index" in result.message


@pytest.mark.parametrize(("name", "func", "what"), NEAR_MISSES, ids=[what for _, _, what in NEAR_MISSES])
def test_loosening_the_tolerance_to_1e_3_would_accept_the_near_misses(monkeypatch, name, func, what):
    # The same answers as above: what rejects them is the tolerance, not something else in the checker.
    monkeypatch.setattr(core, "RTOL", 1e-3)
    assert check(name, func).passed, what


def test_the_tolerance_is_one_rule_for_both_checkers():
    assert core.RTOL <= 1e-5  # so an error in the 4th digit (1e-4 of the value or more) cannot pass
    expected = np.array([1.0, -2.0, 1e-3])
    assert core.close(expected * (1 + 1e-12), expected)  # rounding differences pass
    assert not core.close(expected * (1 + 1e-4), expected)
    assert not core.close(expected + np.array([0.0, 0.0, 1e-6]), expected)  # a small entry is held to its own size
    assert not core.close(expected[:2], expected)  # another shape is never close
    assert not core.close(np.zeros(3), np.zeros(3) + 1e-300) and core.close(np.zeros(3), np.zeros(3))


# ---------------------------------------------------------------------------
# The checker compares with nn's own backpropagation, and names mistakes with it
# ---------------------------------------------------------------------------


def test_the_reference_is_nn_backprop(monkeypatch):
    right = nn.backprop
    monkeypatch.setattr(nn, "backprop", lambda network, x, y: [(2 * dW, 2 * db) for dW, db in right(network, x, y)])
    assert not check_jacobian("J_W2", J_W2).passed  # a doubled nn.backprop rejects the right answer ...
    assert check_jacobian("J_W2", times(J_W2, 2.0)).passed  # ... and accepts the doubled one


def test_the_mistakes_are_computed_by_nn_backprop_variant(monkeypatch):
    calls = []
    variant = nn.backprop_variant

    def spy(network, x, y, **changes):
        calls.append(changes)
        return variant(network, x, y, **changes)

    monkeypatch.setattr(nn, "backprop_variant", spy)

    def J_b3_no_sigma_prime(network, x, y):
        (W1, b1), (W2, b2), (W3, b3) = network
        a3 = sigma(W3 @ sigma(W2 @ sigma(W1 @ x + b1) + b2) + b3)
        return np.sum(2 * (a3 - y), axis=1, keepdims=True) / x.size

    result = check_jacobian("J_b3", J_b3_no_sigma_prime)
    assert "missing the factor σ′(z⁽³⁾)" in result.message
    assert any(set(c["sigma_prime"]) == {3} for c in calls)
    monkeypatch.setattr(nn, "backprop_variant", lambda *args, **kwargs: pytest.fail("not used"))
    assert check_jacobian("J_b3", J_b3).passed  # a right answer needs no diagnosis


# ---------------------------------------------------------------------------
# nn.backprop_variant against autograd, with σ′ swapped for g in the backward pass only
# ---------------------------------------------------------------------------


def autograd_variant(network, x, y, g_by_layer):
    """The gradient of the cost with σ whose derivative, in layer l, is g_by_layer[l](z, a): by autograd."""
    activations = {}
    for l in range(1, len(network) + 1):
        g = g_by_layer.get(l)

        @primitive
        def act(z):
            return 1 / (1 + np.exp(-z))

        if g is None:
            defvjp(act, lambda ans, z: lambda v: v * ans * (1 - ans))
        else:
            defvjp(act, lambda ans, z, g=g: lambda v: v * g(z, ans))
        activations[l] = act

    def cost(params):
        a = x
        for l, (W, b) in enumerate(zip(params[0::2], params[1::2]), start=1):
            a = activations[l](anp.dot(W, a) + b)
        return anp.sum((a - y) ** 2) / x.shape[1]

    grads = autograd.grad(cost)([p for layer in network for p in layer])
    return list(zip(grads[0::2], grads[1::2]))


def assert_same_gradients(got, expected, rtol=1e-12):
    for (dW, db), (eW, eb) in zip(got, expected, strict=True):
        np.testing.assert_allclose(dW, eW, rtol=rtol, atol=1e-15)
        np.testing.assert_allclose(db, eb, rtol=rtol, atol=1e-15)


X, Y = heart_curve(40)
NETWORK = nn.init_network([1, 6, 7, 2], np.random.default_rng(3), scale=1.0)

VARIANTS = {
    "no change": {},
    "missing σ′ in the output layer": {3: lambda z, a: 1.0},
    "σ for σ′ in layer 2": {2: lambda z, a: a},
    "σ′(a) in layers 1 and 3": {1: lambda z, a: nn.d_sigmoid(a), 3: lambda z, a: nn.d_sigmoid(a)},
    "tanh′ everywhere": {l: lambda z, a: nn.d_tanh(z) for l in (1, 2, 3)},
}


@pytest.mark.parametrize("changes", VARIANTS.values(), ids=VARIANTS.keys())
def test_backprop_variant_matches_autograd(changes):
    got = nn.backprop_variant(NETWORK, X, Y, sigma_prime=changes)
    assert_same_gradients(got, autograd_variant(NETWORK, X, Y, changes))


def test_backprop_variant_without_changes_is_backprop_to_the_last_bit():
    for (dW, db), (eW, eb) in zip(nn.backprop_variant(NETWORK, X, Y), nn.backprop(NETWORK, X, Y)):
        np.testing.assert_array_equal(dW, eW)
        np.testing.assert_array_equal(db, eb)


def test_the_right_sigma_prime_from_z_is_backprop():
    # σ′ from z (not from a): a g that reached the wrong layer would not fit, or would change the values
    got = nn.backprop_variant(NETWORK, X, Y, sigma_prime={l: lambda z, a: nn.d_sigmoid(z) for l in (1, 2, 3)})
    assert_same_gradients(got, nn.backprop(NETWORK, X, Y))


def test_untransposed_matches_a_hand_computation():
    network = nn.init_network([1, 2, 2, 2], np.random.default_rng(4), scale=1.0)
    (W1, b1), (W2, b2), (W3, b3) = network
    z1 = W1 @ X + b1
    z2 = W2 @ sigma(z1) + b2
    z3 = W3 @ sigma(z2) + b3
    delta3 = 2 * (sigma(z3) - Y) * d_sigma(z3) / X.size
    delta2 = (W3 @ delta3) * d_sigma(z2)  # W3 where W3ᵀ belongs
    delta1 = (W2.T @ delta2) * d_sigma(z1)
    got = nn.backprop_variant(network, X, Y, untransposed=[3])
    expected = [
        (delta1 @ X.T, delta1.sum(1, keepdims=True)),
        (delta2 @ sigma(z1).T, delta2.sum(1, keepdims=True)),
        (delta3 @ sigma(z2).T, delta3.sum(1, keepdims=True)),
    ]
    assert_same_gradients(got, expected)
    assert not np.allclose(got[0][0], nn.backprop(network, X, Y)[0][0])  # the change matters


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        (dict(sigma_prime=[lambda z, a: 1.0]), TypeError, "sigma_prime must be a dict mapping layers to functions"),
        (dict(sigma_prime={0: lambda z, a: 1.0}), ValueError, "sigma_prime's layer 0 must be a positive integer"),
        (dict(sigma_prime={4: lambda z, a: 1.0}), ValueError, "sigma_prime's layer 4 must be 1 to 3"),
        (dict(sigma_prime={2.0: lambda z, a: 1.0}), TypeError, "sigma_prime's layer 2.0 must be a positive integer"),
        (dict(sigma_prime={2: "1"}), TypeError, r"sigma_prime\[2\] must be a callable"),
        (dict(sigma_prime={2: lambda z, a: "1"}), TypeError, r"sigma_prime\[2\]\(z, a\) must be a real number"),
        (dict(sigma_prime={2: lambda z, a: z[:3]}), ValueError, r"returned shape \(3, 40\), which does not broadcast"),
        (dict(untransposed=3), TypeError, "untransposed must be a collection of layers"),
        (dict(untransposed=[1]), ValueError, "the layer 1 in untransposed must be an integer of at least 2"),
        (dict(untransposed=[2]), ValueError, r"square W \(W⁽2⁾ has shape \(7, 6\)\)"),
        (dict(untransposed=[5]), ValueError, r"must be 2 to 3 with a square W \(no such layer\)"),
    ],
)
def test_backprop_variant_validation(kwargs, error, match):
    with pytest.raises(error, match=match):
        nn.backprop_variant(NETWORK, X, Y, **kwargs)


# ---------------------------------------------------------------------------
# Calling the reader's function
# ---------------------------------------------------------------------------


def test_the_reader_gets_copies_and_the_line_of_the_error_is_the_readers():
    data = (np.zeros((2, 3)), [(np.ones((1, 1)), np.ones((1, 1)))])

    def vandal(a, network):
        a[...] = 1.0
        network[0][0][...] = 5.0
        return "done"

    assert core.call(vandal, data) == ("done", None, "")
    assert not data[0].any() and data[1][0][0][0, 0] == 1.0

    def helper(a):
        return np.sum(a, axis=5)  # raises inside numpy

    def reader(a, network):
        return helper(a)

    value, exc, where = core.call(reader, data)
    assert value is None and isinstance(exc, np.exceptions.AxisError)
    assert where.startswith(" (line ") and " of helper: return np.sum(a, axis=5)" in where  # not numpy's line


def test_a_stub_called_by_the_readers_function_is_named():
    def not_yet(x):
        raise NotImplementedError

    def reader(x):
        return not_yet(x)

    _, exc, where = core.call(reader, (1.0,))
    message = core.exception_message("dfdmu", reader, exc, where, "the data")
    assert message == (
        "dfdmu calls not_yet, which is not written yet (it raised NotImplementedError): write not_yet first."
    )
