"""mvcalc.autodiff against independent references: autograd, central differences and mvcalc.nn.backprop."""

from __future__ import annotations

import autograd
import autograd.numpy as anp
import numpy as np
import pytest

from mvcalc import autodiff as ad
from mvcalc import nn
from mvcalc.datasets import heart_curve

UNARY = {
    "exp": (ad.exp, anp.exp),
    "sin": (ad.sin, anp.sin),
    "cos": (ad.cos, anp.cos),
    "tanh": (ad.tanh, anp.tanh),
    "sigmoid": (ad.sigmoid, lambda v: 1 / (1 + anp.exp(-v))),
    "relu": (ad.relu, lambda v: anp.maximum(v, 0.0)),
    "log": (lambda v: ad.log(v * v + 1), lambda v: anp.log(v * v + 1)),
}
BINARY = {
    "+": lambda a, b: a + b,
    "-": lambda a, b: a - b,
    "*": lambda a, b: a * b,
    "/": lambda a, b: a / (b * b + 1),
}


def random_expression(rng, n, depth):
    """A random expression in v[0..n-1], as a pair of functions: one for mvcalc.autodiff, one for autograd."""
    if depth == 0:
        k = int(rng.integers(n))
        c = float(rng.uniform(-1.5, 1.5))
        return (lambda v: c * v[k]), (lambda v: c * v[k])
    kind = rng.choice(["unary", "binary", "power", "neg"])
    left = random_expression(rng, n, depth - 1)
    if kind == "unary":
        mine, theirs = UNARY[rng.choice(sorted(UNARY))]
        return (lambda v: mine(left[0](v))), (lambda v: theirs(left[1](v)))
    if kind == "power":
        p = int(rng.integers(2, 4))
        return (lambda v: left[0](v) ** p), (lambda v: left[1](v) ** p)
    if kind == "neg":
        return (lambda v: -left[0](v)), (lambda v: -left[1](v))
    right = random_expression(rng, n, depth - 1)
    op = BINARY[rng.choice(sorted(BINARY))]
    return (lambda v: op(left[0](v), right[0](v))), (lambda v: op(left[1](v), right[1](v)))


def central(f, x, h=1e-6):
    x = np.asarray(x, dtype=float)
    out = np.empty_like(x)
    for j in range(x.size):
        e = np.zeros_like(x)
        e[j] = h
        out[j] = (f(x + e) - f(x - e)) / (2 * h)
    return out


@pytest.mark.parametrize("seed", range(40))
def test_reverse_and_forward_mode_agree_with_autograd_on_random_expressions(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 5))
    mine, theirs = random_expression(rng, n, depth=int(rng.integers(2, 5)))
    x = rng.uniform(-1, 1, n)
    expected = autograd.grad(theirs)(x)
    np.testing.assert_allclose(ad.grad(mine)(x), expected, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(ad.jacobian(mine)(x)[0], expected, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(ad.grad(mine)(x), central(theirs, x), rtol=1e-5, atol=1e-6)


def test_every_operation_against_finite_differences():
    for name, (mine, theirs) in UNARY.items():
        for x0 in (-0.7, 0.3, 1.9):
            for op in BINARY.values():
                f = lambda v, mine=mine, op=op: op(mine(v[0]), v[1]) ** 2  # noqa: E731
                g = lambda v, theirs=theirs, op=op: op(theirs(v[0]), v[1]) ** 2  # noqa: E731
                x = np.array([x0, 0.4])
                np.testing.assert_allclose(ad.grad(f)(x), central(g, x), rtol=1e-6, atol=1e-8, err_msg=name)


def test_a_shared_node_gets_the_sum_of_its_paths():
    x = ad.Var(1.3)
    u = ad.sin(x)
    f = u * u + u  # u is used three times
    f.backward()
    assert x.grad == pytest.approx((2 * np.sin(1.3) + 1) * np.cos(1.3), rel=1e-14)
    order = ad.topological_order(f)
    assert len(order) == len({id(node) for node in order}) == 4
    position = {id(node): k for k, node in enumerate(order)}
    assert all(position[id(p)] < position[id(node)] for node in order for p in node.parents)


def test_backward_twice_gives_the_same_gradient():
    x = ad.Var(0.5)
    f = ad.exp(x) * x
    f.backward()
    first = x.grad
    f.backward()
    assert x.grad == first == pytest.approx(np.exp(0.5) * 1.5)


def test_beast_derivative():
    beast = lambda x: ad.sin(2 * x**5 + 3 * x) / ad.exp(7 * x)  # noqa: E731
    exact = lambda x: ((10 * x**4 + 3) * np.cos(2 * x**5 + 3 * x) - 7 * np.sin(2 * x**5 + 3 * x)) / np.exp(7 * x)  # noqa: E731
    for x0 in np.linspace(-0.5, 1.5, 9):
        assert ad.grad(beast)(x0) == pytest.approx(exact(x0), rel=1e-12, abs=1e-14)
        assert ad.jacobian(beast)(x0)[0, 0] == pytest.approx(exact(x0), rel=1e-12, abs=1e-14)


def test_network_gradients_equal_backprop():
    x, y = heart_curve()
    for seed in range(3):
        network = nn.init_network([1, 6, 7, 2], np.random.default_rng(seed))
        for (dW, db), (eW, eb) in zip(ad.network_gradients(network, x, y), nn.backprop(network, x, y), strict=True):
            np.testing.assert_allclose(dW, eW, rtol=0, atol=1e-12)
            np.testing.assert_allclose(db, eb, rtol=0, atol=1e-12)


def test_tensor_broadcasting_sum_and_matmul_against_autograd():
    rng = np.random.default_rng(3)
    A, B, c, r = rng.normal(size=(3, 4)), rng.normal(size=(4, 5)), rng.normal(size=(3, 1)), rng.normal(size=5)

    def theirs(A, B, c, r):
        M = anp.tanh(A @ B + c) * r - anp.sin(A @ B) / (c * c + 1)
        return anp.sum(M.T**2) + anp.sum(anp.exp(anp.sum(M, axis=0) / 10))

    def mine(A, B, c, r):
        M = ad.tanh(A @ B + c) * r - ad.sin(A @ B) / (c * c + 1)
        return (M.T**2).sum() + ad.exp(M.sum(axis=0) / 10).sum()

    tensors = [ad.Tensor(v) for v in (A, B, c, r)]
    out = mine(*tensors)
    out.backward()
    assert out.value == pytest.approx(theirs(A, B, c, r), rel=1e-14)
    for k, t in enumerate(tensors):
        expected = autograd.grad(theirs, k)(A, B, c, r)
        assert t.grad.shape == expected.shape
        np.testing.assert_allclose(t.grad, expected, rtol=1e-12, atol=1e-14)


def test_jacobian_of_a_vector_function_against_autograd():
    f_mine = lambda v: [v[0] * ad.sin(v[1]), ad.exp(v[0] - v[2]), v[1] ** 3 / (1 + v[2] ** 2)]  # noqa: E731
    f_theirs = lambda v: anp.array([v[0] * anp.sin(v[1]), anp.exp(v[0] - v[2]), v[1] ** 3 / (1 + v[2] ** 2)])  # noqa: E731
    x = np.array([0.3, -1.1, 0.8])
    np.testing.assert_allclose(ad.jacobian(f_mine)(x), autograd.jacobian(f_theirs)(x), rtol=1e-13)


def test_operation_counts_follow_n_and_m():
    for n in (1, 4, 16):
        counts = ad.count_operations(lambda v: sum(ad.sin(vi) for vi in v[1:]) + ad.sin(v[0]), np.ones(n))
        assert counts["n"] == n and counts["m"] == 1
        assert counts["forward"] == n * counts["nodes"]
        assert counts["reverse"] == 2 * counts["nodes"]
    for m in (1, 4, 16):
        counts = ad.count_operations(lambda t, m=m: [ad.sin(k * t) for k in range(1, m + 1)], 0.5)
        assert counts["n"] == 1 and counts["m"] == m
        assert counts["forward"] == counts["nodes"] == 2 * m
        assert counts["reverse"] == counts["nodes"] + 2 * m


def test_relu_for_numbers_var_dual_and_tensor():
    """ReLU and its derivative (0 at the kink, like nn.d_relu) in every kind of node."""
    for v in (-1.5, 0.0, 2.5):
        x = ad.Var(v)
        (3.0 * ad.relu(x)).backward()
        assert x.grad == 3.0 * nn.d_relu(v)
        d = ad.relu(ad.Dual(v, 2.0))
        assert (d.value, d.deriv) == (nn.relu(v), 2.0 * nn.d_relu(v))
        assert ad.relu(v) == nn.relu(v) and isinstance(ad.relu(v), float)
    z = np.array([[-2.0, 0.0, 0.5], [1.0, -0.1, 3.0]])
    np.testing.assert_array_equal(ad.relu(z), nn.relu(z))
    G = np.arange(6.0).reshape(2, 3)
    T = ad.Tensor(z)
    (ad.relu(T) * G).sum().backward()
    np.testing.assert_array_equal(T.grad, G * nn.d_relu(z))
    # away from the kink autograd's maximum agrees; at it, autograd splits the tie (1/2) where we take 0
    theirs = autograd.grad(lambda a: anp.sum(anp.maximum(a, 0.0) * G))(z)
    off_kink = z != 0
    np.testing.assert_array_equal(T.grad[off_kink], theirs[off_kink])
    assert T.grad[0, 1] == 0.0 and theirs[0, 1] == 0.5 * G[0, 1]


def test_softmax_cross_entropy_by_tensor_autodiff_is_p_minus_y_over_n():
    """The array autodiff, with exp, log and sum, differentiates a stable cross-entropy to (P - Y)/N."""
    rng = np.random.default_rng(4)
    z = rng.normal(scale=3, size=(4, 6))
    y = np.eye(4)[:, rng.integers(0, 4, size=6)]
    Z = ad.Tensor(z)
    shifted = Z - z.max(axis=0, keepdims=True)  # a constant shift: no derivative flows through it
    log_p = shifted - ad.log(ad.exp(shifted).sum(axis=0, keepdims=True))
    loss = -(log_p * y).sum() / 6
    loss.backward()
    assert float(loss.value) == pytest.approx(nn.cross_entropy(z, y), rel=1e-14)
    np.testing.assert_allclose(Z.grad, nn.d_cross_entropy(z, y), rtol=1e-12, atol=1e-16)
    np.testing.assert_allclose(
        Z.grad, autograd.grad(lambda a: -anp.sum(y * (a - anp.log(anp.sum(anp.exp(a), axis=0)))) / 6)(z), atol=1e-15
    )


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda: ad.Var("1"), TypeError, "value must be a real number"),
        (lambda: ad.Var(float("nan")), ValueError, "finite"),
        (lambda: ad.Var(1.0) / 0, ValueError, "division by a Var whose value is 0"),
        (lambda: ad.Var(2.0) ** ad.Var(1.0), TypeError, "exponent must be a real number"),
        (lambda: ad.Var(-2.0) ** 0.5, ValueError, "no real derivative"),
        (lambda: ad.log(ad.Var(-1.0)), ValueError, "log needs a positive argument"),
        (lambda: ad.Dual(1.0, "a"), TypeError, "deriv must be a real number"),
        (lambda: ad.Dual(1.0) / ad.Dual(0.0), ValueError, "division by a Dual"),
        (lambda: ad.sin("x"), TypeError, "sin needs a real number"),
        (lambda: ad.relu("x"), TypeError, "relu needs a real number, a Var, a Dual or a Tensor"),
        (lambda: ad.Tensor([[1.0, np.inf]]), ValueError, "finite"),
        (lambda: ad.Tensor(np.ones((2, 3))) @ ad.Tensor(np.ones((2, 3))), ValueError, "@ needs matrices"),
        (lambda: ad.Tensor(np.ones(3)).backward(), ValueError, "sum it first"),
        (lambda: ad.grad(3.0), TypeError, "f must be a callable"),
        (lambda: ad.grad(lambda v: np.sin(v[0]))([1.0]), TypeError, "use ad.sin, not np.sin"),
        (lambda: ad.grad(lambda v: [v[0], v[1]])([1.0, 2.0]), ValueError, "use jacobian"),
        (lambda: ad.grad(lambda v: v[0])(np.ones((2, 2))), ValueError, "1-D array"),
        (lambda: ad.jacobian(lambda v: v)([1.0, "a"]), TypeError, "real numbers"),
        (lambda: ad.topological_order(1.0), TypeError, "Var or a Tensor"),
        (lambda: ad.network_gradients([(np.ones((2, 1)), np.ones(2))], [[1.0]], [[1.0], [0.0]]), ValueError, "b"),
    ],
)
def test_bad_input_is_refused(call, error, message):
    with pytest.raises(error, match=message):
        call()
