"""Tests of mvcalc.nn against independent references.

References: sympy (the activations and their derivatives, evaluated in high
precision by mpmath), central finite differences (mvcalc.gradient on the
flattened parameter vector) and reverse-mode autodiff (autograd) for the
gradient of the cost, and a hand computation for the cost of a tiny network.
"""

from __future__ import annotations

import math

import autograd
import autograd.numpy as anp
import mpmath
import numpy as np
import pytest
import scipy.optimize
import scipy.special
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st

from mvcalc import gradient
from mvcalc.datasets import heart_curve
from mvcalc.nn import backprop, cost, d_sigmoid, d_tanh, feed_forward, init_network, sigmoid, train

# ---------------------------------------------------------------------------
# Helpers: a network as one parameter vector, and the cost written for autograd
# ---------------------------------------------------------------------------


def flatten(network):
    return np.concatenate([p.ravel() for layer in network for p in layer])


def unflatten(vector, like):
    network, start = [], 0
    for W, b in like:
        layer = []
        for p in (W, b):
            layer.append(vector[start : start + p.size].reshape(p.shape))
            start += p.size
        network.append(tuple(layer))
    return network


def autograd_cost(params, x, y):
    """The cost, written independently with autograd.numpy; params = [W1, b1, W2, b2, ...]."""
    a = x
    for W, b in zip(params[0::2], params[1::2]):
        a = 1 / (1 + anp.exp(-(anp.dot(W, a) + b)))
    return anp.sum((a - y) ** 2) / x.shape[1]


def autograd_gradients(network, x, y):
    grads = autograd.grad(autograd_cost)([p for layer in network for p in layer], x, y)
    return list(zip(grads[0::2], grads[1::2]))


def random_problem(sizes, n_examples, seed, scale=1.0):
    rng = np.random.default_rng(seed)
    network = init_network(sizes, rng, scale=scale)
    x = rng.uniform(-1.0, 1.0, size=(sizes[0], n_examples))
    y = rng.uniform(0.0, 1.0, size=(sizes[-1], n_examples))
    return network, x, y


def relative_error(got, expected):
    got, expected = flatten(got), flatten(expected)
    return np.linalg.norm(got - expected) / max(np.linalg.norm(expected), 1e-300)


ARCHITECTURES = [[1, 2], [3, 4, 1], [1, 6, 7, 2], [2, 5, 3, 4, 2], [4, 1, 1, 3], [1, 64, 64, 2]]

# ---------------------------------------------------------------------------
# Activations
# ---------------------------------------------------------------------------

_z = sp.Symbol("z", real=True)
SYMPY = {
    sigmoid: 1 / (1 + sp.exp(-_z)),
    d_sigmoid: sp.diff(1 / (1 + sp.exp(-_z)), _z),
    d_tanh: 1 / sp.cosh(_z) ** 2,  # sympy's own d/dz tanh z is 1 - tanh² z: the same, see below
}


def test_the_sympy_references_are_the_derivatives():
    assert sp.simplify(sp.diff(sp.tanh(_z), _z) - SYMPY[d_tanh]) == 0
    assert sp.simplify(SYMPY[d_sigmoid] - SYMPY[sigmoid] * (1 - SYMPY[sigmoid])) == 0


POINTS = [-700.0, -100.0, -36.5, -20.0, -3.0, -1.0, -1e-8, 0.0, 1e-8, 0.5, 2.0, 19.0, 40.0, 300.0, 700.0]


@pytest.mark.parametrize("f", list(SYMPY), ids=lambda f: f.__name__)
def test_activations_match_sympy_to_full_relative_precision(f):
    exact = sp.lambdify(_z, SYMPY[f], "mpmath")
    mpmath.mp.dps = 50
    got = f(np.array(POINTS))
    for z, value in zip(POINTS, got):
        expected = float(exact(mpmath.mpf(z)))
        assert value == pytest.approx(expected, rel=1e-13, abs=0), (f.__name__, z)


def test_sigmoid_matches_scipy_expit_and_the_identities():
    z = np.linspace(-50, 50, 1001)
    np.testing.assert_allclose(sigmoid(z), scipy.special.expit(z), rtol=1e-15)
    np.testing.assert_allclose(sigmoid(z) + sigmoid(-z), 1.0, rtol=1e-15)
    np.testing.assert_allclose(d_sigmoid(z), sigmoid(z) * sigmoid(-z), rtol=1e-14)
    np.testing.assert_allclose(d_sigmoid(z), d_tanh(z / 2) / 4, rtol=1e-14)


@pytest.mark.parametrize("f", [sigmoid, d_sigmoid, d_tanh], ids=lambda f: f.__name__)
def test_activations_at_extreme_inputs_are_finite_without_warnings(f):
    z = np.array([-np.inf, -1e308, -1e5, -745.0, -710.0, 710.0, 745.0, 1e5, 1e308, np.inf])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        values = f(z)
    assert np.all(np.isfinite(values)) and np.all(values >= 0)
    tiny = abs(z) > 800
    if f is sigmoid:
        np.testing.assert_array_equal(values[tiny], (z[tiny] > 0).astype(float))
        assert values[3] == pytest.approx(math.exp(-745), rel=0.5)  # 5e-324, the smallest float64
        assert 0 < values[4] < 1e-307 and values[5] == 1.0
    else:
        np.testing.assert_array_equal(values[tiny], 0.0)


@pytest.mark.parametrize("f", [sigmoid, d_sigmoid, d_tanh], ids=lambda f: f.__name__)
def test_activations_keep_shape_and_return_floats_for_scalars(f):
    assert isinstance(f(1), float)
    assert f(np.zeros((2, 3, 4))).shape == (2, 3, 4)
    assert f([[1, 2]]).dtype == np.float64


@pytest.mark.parametrize("f", [sigmoid, d_sigmoid, d_tanh], ids=lambda f: f.__name__)
@pytest.mark.parametrize("bad", ["1.0", 1 + 2j, True, np.array([True])])
def test_activations_reject_non_real_input(f, bad):
    with pytest.raises(TypeError, match="z must be a real number or an array of real numbers"):
        f(bad)


@given(st.floats(min_value=-740, max_value=740))
def test_d_sigmoid_is_the_derivative_of_sigmoid(z):
    h = 1e-6
    slope = (sigmoid(z + h) - sigmoid(z - h)) / (2 * h)
    assert d_sigmoid(z) == pytest.approx(slope, rel=1e-6, abs=1e-12)


# ---------------------------------------------------------------------------
# init_network, feed_forward, cost
# ---------------------------------------------------------------------------


def test_init_network_shapes_scale_and_draw_order():
    network = init_network([1, 6, 7, 2], np.random.default_rng(42))
    assert [(W.shape, b.shape) for W, b in network] == [((6, 1), (6, 1)), ((7, 6), (7, 1)), ((2, 7), (2, 1))]
    rng = np.random.default_rng(42)  # the documented order: W then b, layer by layer, times the scale
    for W, b in network:
        assert W.dtype == b.dtype == np.float64
        np.testing.assert_array_equal(W, 0.5 * rng.standard_normal(W.shape))
        np.testing.assert_array_equal(b, 0.5 * rng.standard_normal(b.shape))
    again = init_network([1, 6, 7, 2], np.random.default_rng(42))
    np.testing.assert_array_equal(flatten(again), flatten(network))
    assert not np.array_equal(flatten(init_network([1, 6, 7, 2], np.random.default_rng(43))), flatten(network))
    np.testing.assert_array_equal(
        flatten(init_network([1, 6, 7, 2], np.random.default_rng(42), scale=2.0)), 4 * flatten(network)
    )


@pytest.mark.parametrize("sizes", ARCHITECTURES, ids=str)
def test_feed_forward_shapes_and_values(sizes):
    network, x, y = random_problem(sizes, 9, seed=1)
    zs, activations = feed_forward(network, x)
    assert len(zs) == len(network) and len(activations) == len(network) + 1
    assert activations[0] is x or np.array_equal(activations[0], x)
    a = x
    for l, (W, b) in enumerate(network):
        z = W @ a + b
        a = 1 / (1 + np.exp(-z))
        assert zs[l].shape == activations[l + 1].shape == (sizes[l + 1], 9)
        np.testing.assert_allclose(zs[l], z, rtol=1e-14, atol=1e-14)
        np.testing.assert_allclose(activations[l + 1], a, rtol=1e-14)


def test_cost_of_a_tiny_network_by_hand():
    # z = (t, -t) for inputs t = 0 and ln 3, so the outputs are (1/2, 1/2) and (3/4, 1/4).
    network = [(np.array([[1.0], [-1.0]]), np.zeros((2, 1)))]
    x = [[0.0, math.log(3)]]
    y = [[0.0, 1.0], [1.0, 0.0]]
    # errors (1/2, -1/2) and (-1/4, 1/4): squared norms 1/2 and 1/8, mean 5/16
    assert cost(network, x, y) == pytest.approx(5 / 16, rel=1e-15)
    assert isinstance(cost(network, x, y), float)


def test_cost_is_the_mean_squared_frobenius_norm():
    network, x, y = random_problem([1, 6, 7, 2], 100, seed=2)
    output = feed_forward(network, x)[1][-1]
    assert cost(network, x, y) == pytest.approx(np.linalg.norm(output - y) ** 2 / 100, rel=1e-14)


# ---------------------------------------------------------------------------
# backprop
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("sizes", ARCHITECTURES[:-1], ids=str)
@pytest.mark.parametrize("seed", [0, 1])
def test_backprop_matches_finite_differences(sizes, seed):
    network, x, y = random_problem(sizes, 11, seed)
    numeric = gradient(lambda v: cost(unflatten(v, network), x, y), flatten(network))
    got = flatten(backprop(network, x, y))
    np.testing.assert_allclose(got, numeric, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("sizes", ARCHITECTURES, ids=str)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_backprop_matches_autograd(sizes, seed):
    network, x, y = random_problem(sizes, 13, seed)
    got = backprop(network, x, y)
    expected = autograd_gradients(network, x, y)
    for (dW, db), (W, b) in zip(got, network):
        assert dW.shape == W.shape and db.shape == b.shape
    assert relative_error(got, expected) < 1e-12


@given(
    sizes=st.lists(st.integers(1, 5), min_size=2, max_size=5),
    n_examples=st.integers(1, 7),
    seed=st.integers(0, 2**32 - 1),
)
def test_backprop_matches_autograd_on_random_networks(sizes, n_examples, seed):
    network, x, y = random_problem(sizes, n_examples, seed)
    assert relative_error(backprop(network, x, y), autograd_gradients(network, x, y)) < 1e-10


def test_backprop_on_the_assignment_matches_the_six_jacobians_of_the_notebook():
    x, y = heart_curve()
    network = init_network([1, 6, 7, 2], np.random.default_rng(0))
    (W1, b1), (W2, b2), (W3, b3) = network
    sig = lambda z: 1 / (1 + np.exp(-z))  # noqa: E731
    d_sig = lambda z: 1 / (2 * np.cosh(z / 2)) ** 2  # noqa: E731 - the notebook's σ′
    z1 = W1 @ x + b1
    a1 = sig(z1)
    z2 = W2 @ a1 + b2
    a2 = sig(z2)
    z3 = W3 @ a2 + b3
    a3 = sig(z3)
    J3 = 2 * (a3 - y) * d_sig(z3)
    J2 = (W3.T @ J3) * d_sig(z2)
    J1 = (W2.T @ J2) * d_sig(z1)
    expected = [(J @ a.T / x.size, np.sum(J, axis=1, keepdims=True) / x.size) for J, a in [(J1, x), (J2, a1), (J3, a2)]]
    assert relative_error(backprop(network, x, y), expected) < 1e-13


# ---------------------------------------------------------------------------
# train
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def assignment():
    x, y = heart_curve()
    return init_network([1, 6, 7, 2], np.random.default_rng(0)), x, y


def test_train_without_noise_decreases_the_cost(assignment):
    network, x, y = assignment
    result = train(network, x, y, maxiter=500, step=7.0)
    assert isinstance(result, scipy.optimize.OptimizeResult)
    assert result.success and result.nit == 500 and "Completed 500 iterations" in result.message
    assert result.history.fun.shape == (501,)
    assert result.history.fun[0] == pytest.approx(cost(network, x, y), rel=1e-14)
    assert result.fun == result.history.fun[-1] == pytest.approx(cost(result.x, x, y), rel=1e-14)
    assert result.fun < 0.5 * result.history.fun[0]
    # with a small step, steepest descent goes down at every iteration
    small = train(network, x, y, maxiter=300, step=0.5)
    assert np.all(np.diff(small.history.fun) < 0)


def test_train_takes_the_documented_noisy_step(assignment):
    network, x, y = assignment
    result = train(network, x, y, maxiter=1, step=7.0, noise=1.0, rng=np.random.default_rng(5))
    epsilon = np.random.default_rng(5).standard_normal(6)  # W1, b1, W2, b2, W3, b3
    factors = 7.0 * (1 + epsilon)
    expected = [
        (W - factors[2 * l] * dW, b - factors[2 * l + 1] * db)
        for l, ((W, b), (dW, db)) in enumerate(zip(network, backprop(network, x, y)))
    ]
    np.testing.assert_allclose(flatten(result.x), flatten(expected), rtol=1e-14)


def test_train_with_noise_is_reproducible_for_a_seed(assignment):
    network, x, y = assignment
    run = lambda seed: train(network, x, y, maxiter=200, step=7.0, noise=1.0, rng=np.random.default_rng(seed))  # noqa: E731
    first, second, other = run(3), run(3), run(4)
    np.testing.assert_array_equal(first.history.fun, second.history.fun)
    np.testing.assert_array_equal(flatten(first.x), flatten(second.x))
    assert not np.array_equal(first.history.fun, other.history.fun)


def test_train_does_not_modify_its_input(assignment):
    network, x, y = assignment
    before = [(W.copy(), b.copy()) for W, b in network]
    x_before, y_before = x.copy(), y.copy()
    result = train(network, x, y, maxiter=20, step=7.0, noise=1.0, rng=np.random.default_rng(0))
    np.testing.assert_array_equal(flatten(network), flatten(before))
    np.testing.assert_array_equal(x, x_before)
    np.testing.assert_array_equal(y, y_before)
    assert all(W is not W0 for (W, _), (W0, _) in zip(result.x, network))


@pytest.mark.parametrize(
    ("iterations", "record_every", "recorded"),
    [(10, 3, [0, 3, 6, 9, 10]), (10, 5, [0, 5, 10]), (10, 1, list(range(11))), (4, 100, [0, 4]), (10, None, [])],
)
def test_train_snapshots_and_costs_have_the_documented_lengths(assignment, iterations, record_every, recorded):
    network, x, y = assignment
    result = train(network, x, y, maxiter=iterations, step=7.0, record_every=record_every)
    assert [i for i, _ in result.snapshots] == recorded
    assert len(result.history.fun) == iterations + 1
    assert all(output.shape == (2, 100) for _, output in result.snapshots)
    if recorded:
        np.testing.assert_array_equal(result.snapshots[0][1], feed_forward(network, x)[1][-1])
        np.testing.assert_allclose(result.snapshots[-1][1], feed_forward(result.x, x)[1][-1], rtol=1e-15)


def test_train_reports_a_diverging_run(assignment):
    network, x, y = assignment
    result = train(network, x, y, maxiter=50, step=1e308, noise=10.0, rng=np.random.default_rng(0), record_every=7)
    assert not result.success
    assert "no longer finite" in result.message and "smaller step" in result.message
    assert result.nit < 50 and len(result.history.fun) == result.nit + 1
    assert result.snapshots[-1][0] == result.nit


# ---------------------------------------------------------------------------
# Validation: every path raises the documented error with a clear message
# ---------------------------------------------------------------------------

NET = [(np.ones((6, 1)), np.ones((6, 1))), (np.ones((2, 6)), np.ones((2, 1)))]
X = np.zeros((1, 5))
Y = np.zeros((2, 5))
RNG = np.random.default_rng(0)


def with_value(layer, index, value):
    network = [(W.copy(), b.copy()) for W, b in NET]
    network[layer][index][0, 0] = value
    return network


VALIDATION = [
    # networks
    (lambda: cost("network", X, Y), TypeError, "network must be a non-empty list of"),
    (lambda: cost([], X, Y), TypeError, "network must be a non-empty list of"),
    (lambda: cost([np.ones((6, 1))], X, Y), TypeError, r"network\[0\] \(layer 1\) must be a pair \(W, b\)"),
    (
        lambda: cost([(np.ones(6), np.ones((6, 1)))], X, Y),
        ValueError,
        r"network\[0\] \(layer 1\): W must be a 2-D array, got shape \(6,\)",
    ),
    (
        lambda: cost([(NET[0][0], np.ones(6))] + NET[1:], X, Y),
        ValueError,
        r"b must be a 2-D array, got shape \(6,\); it must be a column of shape \(6, 1\): use b.reshape\(-1, 1\)",
    ),
    (
        lambda: cost([NET[0], (np.ones((2, 5)), np.ones((2, 1)))], X, Y),
        ValueError,
        r"network\[1\] \(layer 2\): W has shape \(2, 5\), but layer 1 has 6 outputs",
    ),
    (
        lambda: cost(with_value(1, 0, np.nan), X, Y),
        ValueError,
        r"network\[1\] \(layer 2\): W must be finite, got nan at index \(0, 0\)",
    ),
    (lambda: cost(with_value(0, 1, np.inf), X, Y), ValueError, r"network\[0\] \(layer 1\): b must be finite, got inf"),
    (lambda: cost([(np.full((6, 1), "a"), np.ones((6, 1)))], X, Y), TypeError, "W must be a 2-D array of real numbers"),
    # data
    (
        lambda: cost(NET, np.zeros(5), Y),
        ValueError,
        r"x must be a 2-D array, got shape \(5,\); expected \(n_in, N\) = \(1, N\): use x.reshape\(1, -1\)",
    ),
    (
        lambda: cost(NET, np.zeros((2, 5)), Y),
        ValueError,
        r"x must have shape \(n_in, N\) = \(1, N\) with N >= 1 examples as columns, got shape \(2, 5\)$",
    ),
    (
        lambda: cost(NET, np.zeros((5, 1)), Y),
        ValueError,
        r"got shape \(5, 1\); it looks transposed: the examples must be the columns, so pass x.T",
    ),
    (lambda: cost(NET, np.zeros((1, 0)), np.zeros((2, 0))), ValueError, "with N >= 1 examples"),
    (
        lambda: cost(NET, X, np.zeros((2, 4))),
        ValueError,
        r"y must have shape \(n_out, N\) = \(2, 5\).*got shape \(2, 4\)",
    ),
    (lambda: cost(NET, X, np.zeros((3, 5))), ValueError, r"y must have shape \(n_out, N\) = \(2, 5\)"),
    (lambda: cost(NET, [[0.0, np.nan]], np.zeros((2, 2))), ValueError, r"x must be finite, got nan at index \(0, 1\)"),
    (lambda: cost(NET, X, np.full((2, 5), np.inf)), ValueError, "y must be finite"),
    (lambda: backprop(NET, X, np.zeros((2, 4))), ValueError, "y must have shape"),
    (lambda: feed_forward(NET, np.zeros((3, 5))), ValueError, "x must have shape"),
    (lambda: feed_forward(NET, "x"), TypeError, "x must be a 2-D array of real numbers"),
    # init_network
    (lambda: init_network("1672", RNG), TypeError, "sizes must be a list of layer widths"),
    (lambda: init_network([3], RNG), ValueError, "at least two layer widths"),
    (
        lambda: init_network([1, 0, 2], RNG),
        ValueError,
        r"sizes\[1\] must be a positive integer \(a layer width\), got 0",
    ),
    (
        lambda: init_network([1, 2.5, 2], RNG),
        TypeError,
        r"sizes\[1\] must be a positive integer \(a layer width\), got float 2.5",
    ),
    (lambda: init_network([1, 2], 0), TypeError, "rng must be a numpy.random.Generator"),
    (lambda: init_network([1, 2], np.random.RandomState(0)), TypeError, "rng must be a numpy.random.Generator"),
    (lambda: init_network([1, 2], RNG, scale=0.0), ValueError, "scale must be a finite positive number, got 0.0"),
    # train
    (lambda: train(NET, X, Y, maxiter=0, step=1.0), ValueError, "maxiter must be a positive integer, got 0"),
    (lambda: train(NET, X, Y, maxiter=1.5, step=1.0), TypeError, "maxiter must be a positive integer, got float"),
    (lambda: train(NET, X, Y, maxiter=10, step=-7.0), ValueError, "step must be a finite positive number, got -7.0"),
    (lambda: train(NET, X, Y, maxiter=10, step=0), ValueError, "step must be a finite positive number, got 0"),
    (
        lambda: train(NET, X, Y, maxiter=10, step=1.0, noise=-1.0),
        ValueError,
        "noise must be a finite non-negative number, got -1.0",
    ),
    (lambda: train(NET, X, Y, maxiter=10, step=1.0, noise="1"), TypeError, "noise must be a real number, got str"),
    (
        lambda: train(NET, X, Y, maxiter=10, step=1.0, noise=1.0),
        ValueError,
        r"noise=1.0 > 0 needs a random generator: pass rng=np.random.default_rng\(seed\)",
    ),
    (
        lambda: train(NET, X, Y, maxiter=10, step=1.0, noise=1.0, rng=0),
        TypeError,
        "rng must be a numpy.random.Generator",
    ),
    (
        lambda: train(NET, X, Y, maxiter=10, step=1.0, rng=np.random.RandomState(0)),
        TypeError,
        "rng must be a numpy.random.Generator",
    ),
    (
        lambda: train(NET, X, Y, maxiter=10, step=1.0, record_every=0),
        ValueError,
        "record_every must be a positive integer, got 0",
    ),
    (lambda: train(NET, X, np.zeros((1, 5)), maxiter=10, step=1.0), ValueError, "y must have shape"),
]


@pytest.mark.parametrize(("call", "error", "match"), VALIDATION, ids=[m[:40] for _, _, m in VALIDATION])
def test_validation(call, error, match):
    with pytest.raises(error, match=match):
        call()


# ---------------------------------------------------------------------------
# ReLU, softmax and cross-entropy (book/m3/activations.md)
# ---------------------------------------------------------------------------

from mvcalc import jacobian as fd_jacobian  # noqa: E402
from mvcalc.nn import cross_entropy, d_cross_entropy, d_relu, log_softmax, relu, softmax  # noqa: E402

finite_scores = st.floats(min_value=-1e3, max_value=1e3, allow_nan=False)


def test_relu_and_its_derivative_against_sympy():
    zs = sp.Symbol("z", real=True)
    relu_sym = sp.Max(0, zs)
    values = np.array([-3.5, -1e-12, 1e-12, 0.25, 7.0])
    np.testing.assert_array_equal(relu(values), [float(relu_sym.subs(zs, v)) for v in values])
    np.testing.assert_array_equal(d_relu(values), [float(sp.diff(relu_sym, zs).subs(zs, v)) for v in values])
    # at the kink the library's choice is 0, and scalars come back as floats
    assert d_relu(0.0) == 0.0 and relu(0.0) == 0.0 and isinstance(relu(2), float)
    assert relu(np.inf) == np.inf and d_relu(-np.inf) == 0.0


@given(st.lists(finite_scores, min_size=1, max_size=6))
def test_softmax_and_log_softmax_equal_scipy(scores):
    z = np.array(scores)
    np.testing.assert_allclose(softmax(z), scipy.special.softmax(z), rtol=1e-12, atol=1e-300)
    np.testing.assert_allclose(log_softmax(z), scipy.special.log_softmax(z), rtol=1e-12, atol=1e-12)
    assert softmax(z).sum() == pytest.approx(1.0, abs=1e-12)
    assert np.all(np.isfinite(log_softmax(z)))


@pytest.mark.parametrize("axis", [0, 1, -1])
def test_softmax_along_an_axis_and_the_shift_invariance(axis):
    rng = np.random.default_rng(11)
    z = rng.normal(scale=3, size=(4, 6))
    np.testing.assert_allclose(softmax(z, axis=axis), scipy.special.softmax(z, axis=axis), rtol=1e-13)
    np.testing.assert_allclose(softmax(z + 1000.0, axis=axis), softmax(z, axis=axis), rtol=1e-12)
    np.testing.assert_allclose(softmax(z, axis=axis).sum(axis=axis), 1.0, rtol=1e-14)


def test_softmax_of_extreme_scores_stays_finite():
    z = np.array([[1e3, -1e3], [-1e3, 1e3], [999.0, 0.0]])
    p = softmax(z)
    assert np.all(np.isfinite(p)) and np.all(np.isfinite(log_softmax(z)))
    assert p[0, 0] == pytest.approx(1 / (1 + math.exp(-1)), rel=1e-14)
    y = np.array([[0.0, 1.0], [1.0, 0.0], [0.0, 0.0]])  # both examples confidently wrong
    # example 1: logsumexp(1000, -1000, 999) + 1000; example 2: logsumexp(-1000, 1000, 0) + 1000
    assert cross_entropy(z, y) == pytest.approx(2000.0 + math.log1p(math.exp(-1)) / 2, rel=1e-14)
    np.testing.assert_allclose(d_cross_entropy(z, y), (p - y) / 2, atol=1e-15)


@given(st.lists(finite_scores, min_size=2, max_size=5), st.integers(min_value=0, max_value=4))
def test_cross_entropy_is_logsumexp_minus_the_true_score(scores, c):
    z = np.array(scores)
    c = c % z.size
    y = np.zeros_like(z)
    y[c] = 1.0
    expected = scipy.special.logsumexp(z) - z[c]
    assert cross_entropy(z, y) == pytest.approx(expected, rel=1e-12, abs=1e-12)


def test_cross_entropy_with_probability_targets_and_a_batch_mean():
    rng = np.random.default_rng(5)
    z = rng.normal(size=(3, 4))
    y = scipy.special.softmax(rng.normal(size=(3, 4)), axis=0)  # soft targets
    expected = np.mean([-(y[:, k] * scipy.special.log_softmax(z[:, k])).sum() for k in range(4)])
    assert cross_entropy(z, y) == pytest.approx(expected, rel=1e-13)
    assert cross_entropy(z.T, y.T, axis=1) == pytest.approx(expected, rel=1e-13)


@pytest.mark.parametrize("shape", [(4,), (3, 1), (3, 5)])
def test_d_cross_entropy_against_finite_differences(shape):
    rng = np.random.default_rng(sum(shape))
    z = rng.normal(scale=2, size=shape)
    labels = rng.integers(0, shape[0], size=shape[1:] or None)
    y = np.eye(shape[0])[:, labels] if len(shape) == 2 else np.eye(shape[0])[labels]
    numeric = fd_jacobian(lambda flat: cross_entropy(flat.reshape(shape), y), z.ravel()).reshape(shape)
    np.testing.assert_allclose(d_cross_entropy(z, y), numeric, atol=1e-8)
    n = 1 if len(shape) == 1 else shape[1]
    np.testing.assert_allclose(d_cross_entropy(z, y), (scipy.special.softmax(z, axis=0) - y) / n, atol=1e-15)


def test_d_cross_entropy_along_axis_1_is_the_transpose():
    rng = np.random.default_rng(8)
    z = rng.normal(size=(3, 6))
    y = np.eye(3)[:, rng.integers(0, 3, size=6)]
    np.testing.assert_allclose(d_cross_entropy(z.T, y.T, axis=1), d_cross_entropy(z, y).T, rtol=1e-15)


def test_cross_entropy_against_torch():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(9)
    z = rng.normal(scale=3, size=(4, 7))
    labels = rng.integers(0, 4, size=7)
    y = np.eye(4)[:, labels]
    logits = torch.tensor(z.T, dtype=torch.float64, requires_grad=True)  # torch puts examples in rows
    loss = torch.nn.functional.cross_entropy(logits, torch.tensor(labels))
    loss.backward()
    assert cross_entropy(z, y) == pytest.approx(loss.item(), rel=1e-13)
    np.testing.assert_allclose(d_cross_entropy(z, y), logits.grad.numpy().T, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(softmax(z), torch.softmax(logits, dim=1).detach().numpy().T, rtol=1e-13)


ACTIVATION_ERRORS = [
    (lambda: relu("1"), TypeError, "z must be a real number or an array of real numbers, got str"),
    (lambda: d_relu(np.array([1 + 2j])), TypeError, "dtype complex128"),
    (lambda: softmax(3.0), ValueError, r"z must be at least 1-D, the scores of K classes, got shape \(\)"),
    (lambda: softmax([1.0, np.nan]), ValueError, r"z must be finite, got nan at index \(1,\)"),
    (lambda: softmax([[1.0], [np.inf]]), ValueError, r"z must be finite, got inf at index \(1, 0\)"),
    (lambda: softmax([True, False]), TypeError, "z must be an array of real numbers, got list with dtype bool"),
    (lambda: softmax(np.zeros((0, 3))), ValueError, "at least one class along axis 0"),
    (lambda: softmax([1.0, 2.0], axis=1), ValueError, r"axis=1 is out of range for z of shape \(2,\)"),
    (
        lambda: log_softmax([1.0, 2.0], axis=0.5),
        TypeError,
        r"axis must be an integer of at least -1 \(the axis of the classes in z\), got float",
    ),
    (lambda: softmax([[1.0, 2.0], [3.0]]), TypeError, "z must be an array of real numbers"),
    (lambda: cross_entropy(np.zeros((2, 2, 2)), np.zeros((2, 2, 2))), ValueError, r"1-D \(K,\) or 2-D \(K, N\)"),
    (
        lambda: cross_entropy(np.zeros((3, 2)), np.eye(2)),
        ValueError,
        r"y must have the shape of z, \(3, 2\), one target per score, got shape \(2, 2\)",
    ),
    (
        lambda: cross_entropy([0.0, 0.0], [1.5, -0.5]),
        ValueError,
        r"y must be non-negative \(one-hot labels or probabilities\), got -0.5 at index \(1,\)",
    ),
    (
        lambda: d_cross_entropy(np.zeros((2, 2)), [[1.0, 0.0], [1.0, 0.5]]),
        ValueError,
        "each example's targets y must sum to 1 along axis 0 .*got a sum of 2 for example 0",
    ),
    (lambda: d_cross_entropy([0.0, 0.0], [0.5, 0.25]), ValueError, "got a sum of 0.75$"),
    (lambda: cross_entropy([0.0, 1.0], ["a", "b"]), TypeError, "y must be an array of real numbers"),
    (lambda: cross_entropy([0.0, 1.0], [np.nan, 1.0]), ValueError, "y must be finite, got nan"),
]


@pytest.mark.parametrize(("call", "error", "match"), ACTIVATION_ERRORS, ids=[m[:40] for _, _, m in ACTIVATION_ERRORS])
def test_activation_validation(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_scores_a_whole_float64_range_apart_stay_finite_or_say_why():
    """Issue 16: no RuntimeWarning and no nan from finite scores 2e308 apart."""
    import warnings

    z = np.array([1e308, -1e308])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        np.testing.assert_array_equal(softmax(z), [1.0, 0.0])
        assert cross_entropy(z, np.array([1.0, 0.0])) == 0.0
        np.testing.assert_array_equal(d_cross_entropy(z, np.array([0.0, 1.0])), [1.0, -1.0])
        with pytest.raises(ValueError, match="cross-entropy overflows float64"):
            cross_entropy(z, np.array([0.0, 1.0]))
