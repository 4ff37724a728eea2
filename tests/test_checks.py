"""Tests of mvcalc.checks: the checker names each typical mistake in a reader's Jacobians.

The "reader's" functions below are written the way the assignment writes them
(explicit layers, σ′ as a function, ``x.size`` for N), independently of
mvcalc.nn.backprop, and each wrong one makes one typical mistake.
"""

from __future__ import annotations

import numpy as np
import pytest

from mvcalc.checks import NAMES, CheckResult, check_all, check_jacobian
from mvcalc.datasets import heart_curve


def sigma(z):
    return 1 / (1 + np.exp(-z))


def d_sigma(z):
    return 1 / (2 * np.cosh(z / 2)) ** 2  # the assignment's form of σ′


def layers(network, x):
    (W1, b1), (W2, b2), (W3, b3) = network
    z1 = W1 @ x + b1
    a1 = sigma(z1)
    z2 = W2 @ a1 + b2
    a2 = sigma(z2)
    z3 = W3 @ a2 + b3
    a3 = sigma(z3)
    return x, z1, a1, z2, a2, z3, a3


# ---------------------------------------------------------------------------
# A correct reader, written out layer by layer as in the assignment
# ---------------------------------------------------------------------------


def J_W3(network, x, y):
    a0, z1, a1, z2, a2, z3, a3 = layers(network, x)
    J = 2 * (a3 - y) * d_sigma(z3)
    return J @ a2.T / x.size


def J_b3(network, x, y):
    a0, z1, a1, z2, a2, z3, a3 = layers(network, x)
    J = 2 * (a3 - y) * d_sigma(z3)
    return np.sum(J, axis=1, keepdims=True) / x.size


def delta2(network, x, y):
    (W1, b1), (W2, b2), (W3, b3) = network
    a0, z1, a1, z2, a2, z3, a3 = layers(network, x)
    return (W3.T @ (2 * (a3 - y) * d_sigma(z3))) * d_sigma(z2)


def J_W2(network, x, y):
    a0, z1, a1, z2, a2, z3, a3 = layers(network, x)
    return delta2(network, x, y) @ a1.T / x.size


def J_b2(network, x, y):
    return np.sum(delta2(network, x, y), axis=1, keepdims=True) / x.size


def delta1(network, x, y):
    (W1, b1), (W2, b2), (W3, b3) = network
    a0, z1, a1, z2, a2, z3, a3 = layers(network, x)
    return (W2.T @ delta2(network, x, y)) * d_sigma(z1)


def J_W1(network, x, y):
    return delta1(network, x, y) @ x.T / x.size


def J_b1(network, x, y):
    return np.sum(delta1(network, x, y), axis=1, keepdims=True) / x.size


CORRECT = {"J_W3": J_W3, "J_b3": J_b3, "J_W2": J_W2, "J_b2": J_b2, "J_W1": J_W1, "J_b1": J_b1}


@pytest.mark.parametrize("name", NAMES)
def test_correct_implementations_pass(name):
    result = check_jacobian(name, CORRECT[name])
    assert isinstance(result, CheckResult)
    assert result.passed, result.message
    assert str(result).startswith(f"{name}: correct.")
    assert "all 5 trials" in result.message


def test_backprop_itself_passes_every_check():
    # the checker's reference is backprop: this checks that each name is matched with its entry of backprop's result
    from mvcalc.nn import backprop

    for layer in [3, 2, 1]:
        for k, kind in enumerate("Wb"):
            func = lambda network, x, y, i=layer - 1, k=k: backprop(network, x, y)[i][k]  # noqa: E731
            assert check_jacobian(f"J_{kind}{layer}", func, trials=3, seed=5).passed


# ---------------------------------------------------------------------------
# Typical mistakes, one per function
# ---------------------------------------------------------------------------


def J_W3_no_sigma_prime(network, x, y):
    a0, z1, a1, z2, a2, z3, a3 = layers(network, x)
    return 2 * (a3 - y) @ a2.T / x.size


def J_b3_wrong_sign(network, x, y):
    a0, z1, a1, z2, a2, z3, a3 = layers(network, x)
    return np.sum(2 * (y - a3) * d_sigma(z3), axis=1, keepdims=True) / x.size


def J_b3_summed(network, x, y):
    a0, z1, a1, z2, a2, z3, a3 = layers(network, x)
    return np.sum(2 * (a3 - y) * d_sigma(z3), axis=1, keepdims=True)


def J_b3_averaged_twice(network, x, y):
    a0, z1, a1, z2, a2, z3, a3 = layers(network, x)
    return np.mean(2 * (a3 - y) * d_sigma(z3), axis=1, keepdims=True) / x.size


def J_W3_no_two(network, x, y):
    a0, z1, a1, z2, a2, z3, a3 = layers(network, x)
    return ((a3 - y) * d_sigma(z3)) @ a2.T / x.size


def J_W3_missing_N(network, x, y):
    return J_W3(network, x, y) * x.size


def J_W2_tanh(network, x, y):
    (W1, b1), (W2, b2), (W3, b3) = network
    a0, z1, a1, z2, a2, z3, a3 = layers(network, x)
    d_tanh = lambda z: 1 / np.cosh(z) ** 2  # noqa: E731
    delta = (W3.T @ (2 * (a3 - y) * d_tanh(z3))) * d_tanh(z2)
    return delta @ a1.T / x.size


def J_W2_sigma_prime_of_a(network, x, y):
    (W1, b1), (W2, b2), (W3, b3) = network
    a0, z1, a1, z2, a2, z3, a3 = layers(network, x)
    delta = (W3.T @ (2 * (a3 - y) * d_sigma(z3))) * d_sigma(a2)
    return delta @ a1.T / x.size


def J_b2_no_hidden_sigma_prime(network, x, y):
    (W1, b1), (W2, b2), (W3, b3) = network
    a0, z1, a1, z2, a2, z3, a3 = layers(network, x)
    delta = W3.T @ (2 * (a3 - y) * d_sigma(z3))
    return np.sum(delta, axis=1, keepdims=True) / x.size


def J_W1_untransposed(network, x, y):
    (W1, b1), (W2, b2), (W3, b3) = network
    a0, z1, a1, z2, a2, z3, a3 = layers(network, x)
    delta = (W2 @ delta2(network, x, y)) * d_sigma(z1)  # W2 where W2.T belongs
    return delta @ x.T / x.size


def J_b2_untransposed(network, x, y):
    (W1, b1), (W2, b2), (W3, b3) = network
    a0, z1, a1, z2, a2, z3, a3 = layers(network, x)
    delta = (W3 @ (2 * (a3 - y) * d_sigma(z3))) * d_sigma(z2)  # W3 where W3.T belongs
    return np.sum(delta, axis=1, keepdims=True) / x.size


def J_W3_transposed_result(network, x, y):
    return J_W3(network, x, y).T


def J_b1_no_keepdims(network, x, y):
    return np.sum(delta1(network, x, y), axis=1) / x.size


def J_b1_not_summed(network, x, y):
    return delta1(network, x, y) / x.size


def J_b1_wrong_axis(network, x, y):
    return np.sum(delta1(network, x, y), axis=0, keepdims=True) / x.size


def J_W1_sign_and_no_two(network, x, y):
    return -J_W1(network, x, y) / 2


def J_W1_raises(network, x, y):
    raise KeyError("W4")


def J_W1_returns_none(network, x, y):
    J_W1(network, x, y)


def J_W1_nan(network, x, y):
    J = J_W1(network, x, y)
    J[2, 0] = np.nan
    return J


def J_W1_string(network, x, y):
    return "J_W1"


def J_W1_scrambled(network, x, y):
    return np.roll(J_W1(network, x, y), 1)


def J_W3_hard_coded_N(network, x, y):
    return J_W3(network, x, y) * x.size / 100


def J_W3_doubled(network, x, y):
    return 3.5 * J_W3(network, x, y)


HEART_X, HEART_Y = heart_curve()


def J_b2_uses_globals(network, x, y):
    return J_b2(network, HEART_X, HEART_Y)  # the notebook's global data, not the arguments


MISTAKES = [
    ("J_W3", J_W3_no_sigma_prime, ["missing the factor σ′(z⁽³⁾)"]),
    ("J_b3", J_b3_wrong_sign, ["wrong sign"]),
    ("J_b3", J_b3_summed, ["N = 100 times too big", "sums δ over the examples", "average"]),
    ("J_b3", J_b3_averaged_twice, ["N = 100 times too small", "divides by N twice", "np.mean"]),
    ("J_W3", J_W3_no_two, ["half the right size", "factor 2"]),
    ("J_W3", J_W3_missing_N, ["N = 100 times too big", "1/N of the cost", "is missing"]),
    ("J_W2", J_W2_tanh, ["tanh derivative 1/cosh²(z⁽ˡ⁾)", "(for every layer l = 3, 2)"]),
    ("J_W2", J_W2_sigma_prime_of_a, ["applies σ′ to a⁽²⁾ instead of z⁽²⁾"]),
    ("J_b2", J_b2_no_hidden_sigma_prime, ["missing the factor σ′(z⁽²⁾) = ∂a⁽²⁾/∂z⁽²⁾"]),
    (
        "J_W1",
        J_W1_untransposed,
        ["ValueError", "matmul", "1-2-2-2", "uses W⁽²⁾ in the backward pass", "δ⁽¹⁾ = (W⁽²⁾ᵀ δ⁽²⁾)"],
    ),
    ("J_b2", J_b2_untransposed, ["ValueError", "1-2-2-2", "uses W⁽³⁾ in the backward pass", "δ⁽²⁾ = (W⁽³⁾ᵀ δ⁽³⁾)"]),
    ("J_W3", J_W3_transposed_result, ["shape (7, 2)", "(2, 7)", "W3ᵀ", "its values are right"]),
    ("J_b1", J_b1_no_keepdims, ["shape (6,)", "(6, 1)", "keepdims=True", "its values are right"]),
    ("J_b1", J_b1_not_summed, ["shape (6, 100)", "one column per example", "axis=1"]),
    ("J_b1", J_b1_wrong_axis, ["shape (1, 100)", "axis 0 (the units) instead of axis 1"]),
    ("J_W1", J_W1_sign_and_no_two, ["2 mistakes", "wrong sign", "factor 2"]),
    ("J_W1", J_W1_raises, ["raised KeyError: 'W4'", 'raise KeyError("W4")']),
    ("J_W1", J_W1_returns_none, ["returned None", "return"]),
    ("J_W1", J_W1_nan, ["non-finite", "nan", "index (2, 0)"]),
    ("J_W1", J_W1_string, ["not an array of real numbers", "(6, 1)"]),
    ("J_W1", J_W1_scrambled, ["wrong values", "none of the usual mistakes", "largest discrepancy"]),
    (
        "J_W3",
        J_W3_hard_coded_N,
        ["right on the assignment's data", "N = 37", "N/100 times", "a fixed 100", "N = x.size"],
    ),
    ("J_W3", J_W3_doubled, ["3.5 times the right value"]),
    ("J_b2", J_b2_uses_globals, ["right on the assignment's data", "not global variables"]),
]


@pytest.mark.parametrize(("name", "func", "phrases"), MISTAKES, ids=[f.__name__ for _, f, _ in MISTAKES])
def test_each_mistake_is_named(name, func, phrases):
    result = check_jacobian(name, func)
    assert not result.passed
    assert str(result).startswith(f"{name}: not right yet.")
    for phrase in phrases:
        assert phrase in result.message, result.message


def test_the_functions_get_copies():
    def J_b3_summed_vandal(network, x, y):
        J = J_b3_summed(network, x, y)
        for W, _ in network:  # spoils its own copies only
            W[...] = 0.0
        x[...] = 0.0
        y[...] = 0.0
        return J

    # the diagnosis recomputes with the trial's network and data: it names the mistake only if they are intact
    result = check_jacobian("J_b3", J_b3_summed_vandal)
    assert "N = 100 times too big" in result.message, result.message


def test_trials_and_seed():
    assert "all 1 trial " in check_jacobian("J_b2", J_b2, trials=1).message
    assert check_jacobian("J_b2", J_b2, trials=8, seed=3).passed


def test_check_all_prints_a_verdict_per_function(capsys):
    funcs = {"J_b3": J_b3_summed, "J_W3": J_W3}
    results = check_all(funcs, trials=2)
    lines = capsys.readouterr().out.splitlines()
    assert all(len(line) <= 88 for line in lines), "verdicts are wrapped to read without scrolling"
    out = [line for line in lines if not line.startswith("    ")]  # first lines of the verdicts
    assert out[0].startswith("J_W3: correct.")  # in the assignment's order
    assert out[1].startswith("J_b3: not right yet.")
    assert out[2] == "1 of 2 correct."
    assert results["J_W3"].passed and not results["J_b3"].passed
    check_all(CORRECT, trials=1)
    assert capsys.readouterr().out.splitlines()[-1] == "6 of 6 correct."


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: check_jacobian("J_W4", J_W3), ValueError, "name must be one of J_W3, J_b3"),
        (lambda: check_jacobian("J_W3", "J_W3"), TypeError, "func must be a callable"),
        (lambda: check_jacobian("J_W3", J_W3, trials=0), ValueError, "trials must be a positive integer, got 0"),
        (
            lambda: check_jacobian("J_W3", J_W3, trials=2.0),
            TypeError,
            "trials must be a positive integer, got float 2.0",
        ),
        (lambda: check_jacobian("J_W3", J_W3, seed=-1), ValueError, "seed must be a non-negative integer, got -1"),
        (lambda: check_all([J_W3]), TypeError, "funcs must be a dict"),
        (lambda: check_all({"W3": J_W3}), ValueError, "each key of funcs must be one of J_W3, .*, got .W3."),
        (lambda: check_all({"J_W3": None}), TypeError, r"funcs\['J_W3'\] must be a callable"),
    ],
)
def test_validation(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_a_stub_is_reported_as_not_written_yet():
    def J_b1(network, x, y):
        raise NotImplementedError("write me")

    result = check_jacobian("J_b1", J_b1, trials=1)
    assert not result.passed
    assert "not written yet" in result.message and "write me" in result.message
