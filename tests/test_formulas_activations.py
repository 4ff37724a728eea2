"""Every formula that book/m3/activations.md states, checked against sympy, autograd and finite differences.

The first tests recompute each formula on their own; the tests marked ``book`` read the numbers the built
page glues and compare them, to the digits the page prints, with an independent value.
"""

from __future__ import annotations

import autograd
import autograd.numpy as anp
import numpy as np
import pytest
import scipy.special
import sympy as sp

import mvcalc
from mvcalc import nn

z = sp.Symbol("z", real=True)
SCORES = (2, 1, sp.Rational(1, 10))  # the page's example scores


def softmax_sym(zs):
    total = sum(sp.exp(zj) for zj in zs)
    return sp.Matrix([sp.exp(zi) / total for zi in zs])


def test_relu_derivative_is_a_step_and_the_one_sided_slopes_at_the_kink():
    relu = sp.Max(0, z)
    assert sp.diff(relu, z).subs(z, sp.Rational(3, 2)) == 1
    assert sp.diff(relu, z).subs(z, -sp.Rational(3, 2)) == 0
    assert sp.limit(relu / z, z, 0, "+") == 1 and sp.limit(relu / z, z, 0, "-") == 0
    assert nn.d_relu(0.0) == 0.0  # the library's subgradient at the kink, in [0, 1]


def test_sigmoid_derivative_is_at_most_one_quarter_with_its_maximum_at_zero():
    d_sigma = sp.diff(1 / (1 + sp.exp(-z)), z)
    assert sp.solve(sp.Eq(sp.diff(d_sigma, z), 0), z) == [0]
    assert sp.simplify(d_sigma.subs(z, 0)) == sp.Rational(1, 4)
    assert sp.diff(d_sigma, z, 2).subs(z, 0) < 0  # a maximum
    grid = np.linspace(-30, 30, 6001)
    assert nn.d_sigmoid(grid).max() == 0.25 and np.all(nn.d_sigmoid(grid) <= 0.25)
    assert sp.diff(sp.tanh(z), z).subs(z, 0) == 1


def test_a_chain_of_sigmoid_factors_is_bounded_by_a_power_of_one_quarter():
    rng = np.random.default_rng(0)
    for n_layers in (1, 5, 14):
        products = np.prod(nn.d_sigmoid(rng.normal(scale=2, size=(1000, n_layers))), axis=1)
        assert products.max() <= 0.25**n_layers


def test_softmax_is_invariant_to_a_common_shift():
    zs = sp.symbols("z1:4", real=True)
    c = sp.Symbol("c", real=True)
    shifted = softmax_sym([zi + c for zi in zs])
    assert sp.simplify(shifted - softmax_sym(zs)) == sp.zeros(3, 1)


@pytest.mark.parametrize("K", [2, 3, 5])
def test_softmax_jacobian_is_diag_p_minus_p_p_transpose(K):
    zs = sp.symbols(f"z1:{K + 1}", real=True)
    p = softmax_sym(zs)
    J = p.jacobian(zs)
    assert sp.simplify(J - (sp.diag(*p) - p * p.T)) == sp.zeros(K, K)
    assert sp.simplify(J - J.T) == sp.zeros(K, K)
    assert [sp.simplify(sum(J.row(i))) for i in range(K)] == [0] * K
    # and numerically at random scores, by finite differences of the library's softmax
    point = np.random.default_rng(K).normal(scale=2, size=K)
    q = nn.softmax(point)
    np.testing.assert_allclose(mvcalc.jacobian(nn.softmax, point), np.diag(q) - np.outer(q, q), atol=1e-9)


@pytest.mark.parametrize("K", [2, 3, 4])
def test_cross_entropy_gradient_is_p_minus_y(K):
    zs = sp.symbols(f"z1:{K + 1}", real=True)
    ys = sp.symbols(f"y1:{K + 1}", nonnegative=True)
    p = softmax_sym(zs)
    L = -sum(yi * sp.log(pi) for yi, pi in zip(ys, p))
    on_simplex = {ys[-1]: 1 - sum(ys[:-1])}  # the targets sum to 1
    for j in range(K):
        assert sp.simplify((sp.diff(L, zs[j]) - (p[j] - ys[j])).subs(on_simplex)) == 0
    # L = -y.z + logsumexp(z) when the targets sum to 1: the second proof of the page
    lse = sp.log(sum(sp.exp(zi) for zi in zs))
    assert (
        sp.simplify(sp.expand_log((L - (lse - sum(y * zi for y, zi in zip(ys, zs)))).subs(on_simplex), force=True)) == 0
    )
    assert [sp.simplify(sp.diff(lse, zi) - pi) for zi, pi in zip(zs, p)] == [0] * K


def test_batch_gradient_is_the_mean_over_columns():
    rng = np.random.default_rng(2)
    Z = rng.normal(size=(3, 7))
    Y = np.eye(3)[:, rng.integers(0, 3, size=7)]
    loss = lambda A: -anp.sum(Y * (A - scipy.special.logsumexp(A, axis=0, keepdims=True))) / 7  # noqa: E731
    G = autograd.grad(lambda A: -anp.sum(Y * (A - anp.log(anp.sum(anp.exp(A), axis=0)))) / 7)(Z)
    np.testing.assert_allclose(G, (scipy.special.softmax(Z, axis=0) - Y) / 7, atol=1e-15)
    assert loss(Z) == pytest.approx(nn.cross_entropy(Z, Y), rel=1e-14)


def test_two_class_softmax_is_the_logistic_function_of_the_difference():
    z1, z2 = sp.symbols("z1 z2", real=True)
    p1 = softmax_sym([z1, z2])[0]
    assert sp.simplify(p1 - 1 / (1 + sp.exp(-(z1 - z2)))) == 0
    assert sp.simplify(sp.diff(-sp.log(1 / (1 + sp.exp(-z))), z) - (1 / (1 + sp.exp(-z)) - 1)) == 0


def test_zero_weights_give_the_loss_log_k():
    for K in (2, 3, 10):
        y = np.eye(K)[:, [0, K - 1]]
        assert nn.cross_entropy(np.zeros((K, 2)), y) == pytest.approx(float(sp.log(K)), rel=1e-15)


def test_an_off_diagonal_entry_of_the_question():
    p = sp.Matrix([sp.Rational(1, 2), sp.Rational(3, 10), sp.Rational(1, 5)])
    assert (sp.diag(*p) - p * p.T)[0, 1] == -sp.Rational(3, 20)


# ---------------------------------------------------------------- what the page states

from _page_values import assert_states  # noqa: E402

PAGE = "m3/activations"


def _deep_norms_by_autograd(activation, scale=2**0.5, seed=3, depth=15, width=10, n_examples=64):
    """The page's experiment, redone with autograd: ||dC/db^(l)|| per layer, biases zero."""
    rng = np.random.default_rng(seed)
    Ws = [rng.standard_normal((width, width)) * scale / np.sqrt(width) for _ in range(depth)]
    x = rng.standard_normal((width, n_examples))
    y = rng.standard_normal((width, n_examples))

    def cost(biases):
        a = x
        for W, b in zip(Ws, biases):
            a = activation(anp.dot(W, a) + b)
        return anp.sum((a - y) ** 2) / n_examples

    grads = autograd.grad(cost)([np.zeros((width, 1)) for _ in range(depth)])
    return np.array([np.linalg.norm(g) for g in grads])


@pytest.mark.book
def test_page_activation_and_softmax_numbers():
    assert_states(PAGE, "m3_act_d_sigmoid_max", sp.Rational(1, 4))
    assert_states(PAGE, "m3_act_bound14", sp.Rational(1, 4) ** 14)
    p = softmax_sym(sp.symbols("z1:4")).subs(dict(zip(sp.symbols("z1:4"), SCORES)))
    for i in range(3):
        assert_states(PAGE, f"m3_act_p{i + 1}", p[i])
    assert_states(PAGE, "m3_act_J11", p[0] * (1 - p[0]))
    assert_states(PAGE, "m3_act_J12", -p[0] * p[1])
    assert_states(PAGE, "m3_act_loss_example", -sp.log(p[0]))
    assert_states(PAGE, "m3_act_grad1", p[0] - 1)


@pytest.mark.book
def test_page_vanishing_gradient_ratios():
    for key, activation in (
        ("sigmoid", lambda v: 1 / (1 + anp.exp(-v))),
        ("tanh", anp.tanh),
        ("relu", lambda v: anp.maximum(v, 0.0)),
    ):
        norms = _deep_norms_by_autograd(activation)
        assert_states(PAGE, f"m3_act_ratio_{key}", norms[0] / norms[-1], slack=1e-6)


@pytest.mark.book
def test_page_classifier_loss_and_accuracy():
    rng = np.random.default_rng(0)
    centres = np.array([[-2.0, 0.0], [1.5, 1.8], [1.0, -2.0]])
    X = np.concatenate([c[:, None] + rng.standard_normal((2, 60)) for c in centres], axis=1)
    labels = np.repeat(np.arange(3), 60)
    Y = np.eye(3)[:, labels]

    def loss(params):
        W, b = params
        Z = anp.dot(W, X) + b
        return -anp.sum(Y * (Z - anp.log(anp.sum(anp.exp(Z), axis=0)))) / X.shape[1]

    params = [np.zeros((3, 2)), np.zeros((3, 1))]
    start = loss(params)
    for _ in range(300):
        gW, gb = autograd.grad(loss)(params)
        params = [params[0] - 0.5 * gW, params[1] - 0.5 * gb]
    accuracy = np.mean((params[0] @ X + params[1]).argmax(axis=0) == labels)
    assert_states(PAGE, "m3_act_loss_start", sp.log(3))
    assert start == pytest.approx(np.log(3), rel=1e-15)
    assert_states(PAGE, "m3_act_loss_end", loss(params), slack=1e-9)
    assert_states(PAGE, "m3_act_accuracy", accuracy)
    assert_states(PAGE, "m3_act_steps", 300)
