"""The formulas that book/m3/backprop.md states, checked independently of the chapter.

The six Jacobians of the cost of the 1-6-7-2 logistic network (theorems bp-thm-layer3,
bp-thm-layer2 and bp-thm-layer1), written out here again from the theorems, with the
forward pass written here too and the logistic function taken from scipy, not from mvcalc.
They are compared with three references: central finite differences of the cost
(mvcalc.gradient), mvcalc.nn.backprop, and autograd, an independent autodiff library. Then the
shapes the chapter spells out, the exercises' claims (a fourth layer, the unit square, the noise)
and the same formulas on networks with other hidden sizes.
"""

from __future__ import annotations

import math

import autograd
import autograd.numpy as anp
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.special import expit
from scipy.stats import norm

import mvcalc
from mvcalc.datasets import heart_curve

NAMES = ("J_W3", "J_b3", "J_W2", "J_b2", "J_W1", "J_b1")
BLOCK = {"J_W3": (2, 0), "J_b3": (2, 1), "J_W2": (1, 0), "J_b2": (1, 1), "J_W1": (0, 0), "J_b1": (0, 1)}
OTHER_SIZES = [(1, 1), (2, 2), (3, 4), (10, 4), (12, 12)]


def sigma_prime(z):
    s = expit(z)
    return s * (1 - s)


def forward(network, x):
    """a0, z1, a1, z2, a2, z3, a3, from the definition bp-def-network."""
    (W1, b1), (W2, b2), (W3, b3) = network
    z1 = W1 @ x + b1
    a1 = expit(z1)
    z2 = W2 @ a1 + b2
    a2 = expit(z2)
    z3 = W3 @ a2 + b3
    a3 = expit(z3)
    return x, z1, a1, z2, a2, z3, a3


def theorem_jacobians(network, x, y):
    """The deltas and the six Jacobians exactly as the three theorems state them."""
    (W1, b1), (W2, b2), (W3, b3) = network
    a0, z1, a1, z2, a2, z3, a3 = forward(network, x)
    N = x.shape[1]
    ones = np.ones((N, 1))
    delta3 = 2 * (a3 - y) * sigma_prime(z3)
    delta2 = (W3.T @ delta3) * sigma_prime(z2)
    delta1 = (W2.T @ delta2) * sigma_prime(z1)
    jacobians = {
        "J_W3": delta3 @ a2.T / N,
        "J_b3": delta3 @ ones / N,
        "J_W2": delta2 @ a1.T / N,
        "J_b2": delta2 @ ones / N,
        "J_W1": delta1 @ a0.T / N,
        "J_b1": delta1 @ ones / N,
    }
    return (delta3, delta2, delta1), jacobians


def cost(network, x, y):
    a3 = forward(network, x)[-1]
    return float(np.sum((a3 - y) ** 2)) / x.shape[1]


def with_block(network, name, value):
    layer, which = BLOCK[name]
    pairs = [[W, b] for W, b in network]
    pairs[layer][which] = value
    return pairs


def finite_difference(network, x, y, name):
    layer, which = BLOCK[name]
    start = network[layer][which]
    g = mvcalc.gradient(lambda p: cost(with_block(network, name, p.reshape(start.shape)), x, y), start.ravel())
    return g.reshape(start.shape)


def autograd_jacobian(network, x, y, name):
    layer, which = BLOCK[name]

    def cost_of(block):
        a = x
        for l, (W, b) in enumerate(network):
            if l == layer:
                W, b = (block, b) if which == 0 else (W, block)
            a = 1 / (1 + anp.exp(-(anp.dot(W, a) + b)))
        return anp.sum((a - y) ** 2) / x.shape[1]

    return autograd.grad(cost_of)(network[layer][which])


def relative(value, reference):
    return np.linalg.norm(value - reference) / np.linalg.norm(reference)


def assignment():
    x, y = heart_curve(100)
    return mvcalc.nn.init_network([1, 6, 7, 2], np.random.default_rng(4)), x, y


def random_problem(hidden, seed, n_examples=37):
    rng = np.random.default_rng(seed)
    network = mvcalc.nn.init_network([1, *hidden, 2], rng, scale=1.0)
    x = rng.uniform(0, 1, size=(1, n_examples))
    y = rng.uniform(0.05, 0.95, size=(2, n_examples))
    return network, x, y


# ------------------------------------------------------------- the 1-6-7-2 network, the heart data


@pytest.mark.parametrize("name", NAMES)
def test_theorem_agrees_with_finite_differences(name):
    network, x, y = assignment()
    _, jacobians = theorem_jacobians(network, x, y)
    assert relative(jacobians[name], finite_difference(network, x, y, name)) < 1e-7


@pytest.mark.parametrize("name", NAMES)
def test_theorem_agrees_with_library_backprop(name):
    network, x, y = assignment()
    _, jacobians = theorem_jacobians(network, x, y)
    layer, which = BLOCK[name]
    np.testing.assert_allclose(jacobians[name], mvcalc.nn.backprop(network, x, y)[layer][which], rtol=1e-12, atol=0)


@pytest.mark.parametrize("name", NAMES)
def test_theorem_agrees_with_autograd(name):
    network, x, y = assignment()
    _, jacobians = theorem_jacobians(network, x, y)
    np.testing.assert_allclose(jacobians[name], autograd_jacobian(network, x, y, name), rtol=1e-12, atol=1e-17)


def test_cost_is_the_mean_squared_distance():
    network, x, y = assignment()
    a3 = forward(network, x)[-1]
    by_examples = np.mean([np.linalg.norm(a3[:, k] - y[:, k]) ** 2 for k in range(x.shape[1])])
    assert cost(network, x, y) == pytest.approx(by_examples, rel=1e-14)
    assert mvcalc.nn.cost(network, x, y) == pytest.approx(by_examples, rel=1e-14)


def test_the_shapes_the_chapter_spells_out():
    network, x, y = assignment()
    N = x.shape[1]
    a0, z1, a1, z2, a2, z3, a3 = forward(network, x)
    (delta3, delta2, delta1), J = theorem_jacobians(network, x, y)
    (W1, _), (W2, _), (W3, _) = network
    assert N == 100
    assert [v.shape for v in (a0, z1, a1, z2, a2, z3, a3)] == [(1, N), (6, N), (6, N), (7, N), (7, N), (2, N), (2, N)]
    assert (W1.shape, W2.shape, W3.shape) == ((6, 1), (7, 6), (2, 7))
    # theorem bp-thm-layer3: delta3 is 2 x N, a2^T is N x 7, J_W3 is 2 x 7, J_b3 is 2 x 1
    assert delta3.shape == (2, N) and a2.T.shape == (N, 7)
    assert J["J_W3"].shape == (2, 7) and J["J_b3"].shape == (2, 1)
    # theorem bp-thm-layer2: W3^T is 7 x 2, delta2 is 7 x N, a1^T is N x 6, J_W2 is 7 x 6, J_b2 is 7 x 1
    assert W3.T.shape == (7, 2) and delta2.shape == (7, N) and a1.T.shape == (N, 6)
    assert J["J_W2"].shape == (7, 6) and J["J_b2"].shape == (7, 1)
    # theorem bp-thm-layer1: W2^T is 6 x 7, delta1 is 6 x N, a0^T is N x 1, J_W1 and J_b1 are 6 x 1
    assert W2.T.shape == (6, 7) and delta1.shape == (6, N) and a0.T.shape == (N, 1)
    assert J["J_W1"].shape == (6, 1) and J["J_b1"].shape == (6, 1)


def test_chain_of_one_example_has_the_stated_factor_shapes():
    """dc_k/dz1_k = 2(a3-y)^T diag(s'(z3)) W3 diag(s'(z2)) W2 diag(s'(z1)): (1x2)(2x2)(2x7)(7x7)(7x6)(6x6)."""
    network, x, y = assignment()
    (W1, _), (W2, _), (W3, _) = network
    a0, z1, a1, z2, a2, z3, a3 = forward(network, x)
    (_, _, delta1), _ = theorem_jacobians(network, x, y)
    k = 17
    factors = [
        2 * (a3[:, k] - y[:, k])[None, :],
        np.diag(sigma_prime(z3[:, k])),
        W3,
        np.diag(sigma_prime(z2[:, k])),
        W2,
        np.diag(sigma_prime(z1[:, k])),
    ]
    assert [f.shape for f in factors] == [(1, 2), (2, 2), (2, 7), (7, 7), (7, 6), (6, 6)]
    row = np.linalg.multi_dot(factors)
    assert row.shape == (1, 6)
    np.testing.assert_allclose(row[0], delta1[:, k], rtol=1e-12)


def test_first_layer_weight_and_bias_jacobians_differ_by_the_input_weights():
    network, x, y = assignment()
    (_, _, delta1), J = theorem_jacobians(network, x, y)
    np.testing.assert_allclose(J["J_W1"][:, 0], (delta1 * x).mean(axis=1), rtol=1e-13)
    np.testing.assert_allclose(J["J_b1"][:, 0], delta1.mean(axis=1), rtol=1e-13)
    assert not np.allclose(J["J_W1"], J["J_b1"])


def test_logistic_derivative_is_sigma_one_minus_sigma_and_at_most_a_quarter():
    z = np.linspace(-30, 30, 2001)
    np.testing.assert_allclose(mvcalc.nn.d_sigmoid(z), expit(z) * (1 - expit(z)), rtol=0, atol=1e-15)
    np.testing.assert_allclose(mvcalc.nn.d_sigmoid(z), expit(z) * expit(-z), rtol=1e-13)  # 1 - s(z) = s(-z)
    assert np.max(mvcalc.nn.d_sigmoid(z)) == 0.25


# ------------------------------------------------------------- other hidden sizes


@pytest.mark.parametrize("hidden", OTHER_SIZES, ids=str)
@pytest.mark.parametrize("name", NAMES)
def test_theorem_on_other_hidden_sizes(hidden, name):
    network, x, y = random_problem(hidden, seed=sum(hidden))
    _, J = theorem_jacobians(network, x, y)
    layer, which = BLOCK[name]
    assert J[name].shape == network[layer][which].shape
    np.testing.assert_allclose(J[name], mvcalc.nn.backprop(network, x, y)[layer][which], rtol=1e-11, atol=1e-16)
    assert relative(J[name], finite_difference(network, x, y, name)) < 1e-6


@given(
    n1=st.integers(1, 12),
    n2=st.integers(1, 12),
    n_examples=st.integers(1, 50),
    seed=st.integers(0, 2**32 - 1),
)
def test_theorem_agrees_with_autograd_for_any_hidden_sizes(n1, n2, n_examples, seed):
    network, x, y = random_problem((n1, n2), seed, n_examples)
    (delta3, delta2, delta1), J = theorem_jacobians(network, x, y)
    assert (delta3.shape, delta2.shape, delta1.shape) == ((2, n_examples), (n2, n_examples), (n1, n_examples))
    for name in NAMES:
        layer, which = BLOCK[name]
        assert J[name].shape == network[layer][which].shape
        np.testing.assert_allclose(J[name], autograd_jacobian(network, x, y, name), rtol=1e-10, atol=1e-15)


def test_exercise_shapes_of_a_1_10_4_2_network():
    network, x, y = random_problem((10, 4), seed=10, n_examples=100)
    (delta3, delta2, delta1), J = theorem_jacobians(network, x, y)
    assert (delta3.shape, delta2.shape, delta1.shape) == ((2, 100), (4, 100), (10, 100))
    assert [J[n].shape for n in NAMES] == [(2, 4), (2, 1), (4, 10), (4, 1), (10, 1), (10, 1)]


# ------------------------------------------------------------- the exercises' other claims


def test_exercise_fourth_layer_recursion():
    """delta4 = 2(a4 - y) s'(z4); delta(l) = (W(l+1)^T delta(l+1)) s'(z(l)); J_W1 = delta1 a0^T / N."""
    x, y = heart_curve(100)
    network = mvcalc.nn.init_network([1, 6, 7, 5, 2], np.random.default_rng(14))
    zs, activations = [], [x]
    for W, b in network:
        zs.append(W @ activations[-1] + b)
        activations.append(expit(zs[-1]))
    delta = 2 * (activations[-1] - y) * sigma_prime(zs[-1])
    shapes = [delta.shape]
    for l in (3, 2, 1):  # network[l] holds W^(l+1)
        delta = (network[l][0].T @ delta) * sigma_prime(zs[l - 1])
        shapes.append(delta.shape)
    assert shapes == [(2, 100), (5, 100), (7, 100), (6, 100)]
    J_W1 = delta @ x.T / 100
    np.testing.assert_allclose(J_W1, mvcalc.nn.backprop(network, x, y)[0][0], rtol=1e-12)


@given(seed=st.integers(0, 2**32 - 1), scale=st.floats(0.1, 5.0))
def test_exercise_unit_square_bound(seed, scale):
    """No logistic-output network gets below the mean squared distance from the targets to the square."""
    x, y = heart_curve(100)
    centred = 2 * y - 1
    bound = np.sum((centred - np.clip(centred, 0, 1)) ** 2) / 100
    network = mvcalc.nn.init_network([1, 6, 7, 2], np.random.default_rng(seed), scale=scale)
    assert mvcalc.nn.cost(network, x, centred) >= bound


@pytest.mark.parametrize(("noise", "probability"), [(1.0, 0.159), (2.0, 0.309)])
def test_exercise_noise_uphill_probability(noise, probability):
    exact = 0.5 * (1 + math.erf(-1 / noise / math.sqrt(2)))
    assert exact == pytest.approx(norm.cdf(-1 / noise), rel=1e-12)
    assert round(exact, 3) == probability


def test_training_lowers_the_cost_with_the_assignment_settings():
    """The chapter trains with step 7 and noise 1; a short run already lowers the cost tenfold."""
    network, x, y = assignment()
    result = mvcalc.nn.train(network, x, y, maxiter=2000, step=7.0, noise=1.0, rng=np.random.default_rng(4))
    assert result.success
    assert result.fun < result.history.fun[0] / 10
