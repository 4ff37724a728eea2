"""Every formula that book/m3/autodiff.md states, checked against sympy, autograd and finite differences."""

from __future__ import annotations

import autograd
import autograd.numpy as anp
import numpy as np
import pytest
import sympy as sp

from mvcalc import autodiff as ad
from mvcalc import nn
from mvcalc.datasets import heart_curve

t, u, w, x, y = sp.symbols("t u w x y", real=True)
eps = sp.Symbol("epsilon")

ELEMENTARY = [(ad.exp, sp.exp), (ad.sin, sp.sin), (ad.cos, sp.cos), (ad.tanh, sp.tanh), (ad.log, sp.log)]


def test_the_graph_of_xy_plus_sin_x_and_its_adjoints():
    """xy + sin x: local derivatives y, x, cos x, 1, 1, and df/dx = y + cos x (two paths), df/dy = x."""
    f = x * y + sp.sin(x)
    X, Y = ad.Var(2.0), ad.Var(3.0)
    v3, v4 = X * Y, ad.sin(X)
    out = v3 + v4
    assert v3.local == (3.0, 2.0) and v4.local == pytest.approx((np.cos(2.0),)) and out.local == (1.0, 1.0)
    out.backward()
    at = {x: 2, y: 3}
    assert X.grad == pytest.approx(float(sp.diff(f, x).subs(at)), rel=1e-15)
    assert Y.grad == pytest.approx(float(sp.diff(f, y).subs(at)), rel=1e-15)
    assert sp.simplify(sp.diff(f, x) - (y + sp.cos(x))) == 0


def test_local_derivative_of_a_quotient():
    assert sp.simplify(sp.diff(u / w, w) + u / w**2) == 0
    U, W = ad.Var(1.5), ad.Var(-0.7)
    (U / W).backward()
    assert W.grad == pytest.approx(-1.5 / 0.7**2, rel=1e-14) and U.grad == pytest.approx(1 / -0.7, rel=1e-14)


@pytest.mark.parametrize("mine, theirs", ELEMENTARY)
def test_dual_numbers_carry_the_derivative(mine, theirs):
    """f(a + b eps) = f(a) + f'(a) b eps: the Taylor series of f about a, cut after eps^1."""
    a, b = sp.Rational(7, 10), sp.Rational(-3, 2)
    series = sp.series(theirs(a + b * eps), eps, 0, 2).removeO()
    assert sp.simplify(series - (theirs(a) + sp.diff(theirs(x), x).subs(x, a) * b * eps)) == 0
    out = mine(ad.Dual(0.7, -1.5))
    assert out.value == pytest.approx(float(theirs(a)), rel=1e-14)
    assert out.deriv == pytest.approx(float(sp.diff(theirs(x), x).subs(x, a) * b), rel=1e-14)


def test_dual_product_rule_and_the_question_on_t2_sin_t():
    a, b, c, d = sp.symbols("a b c d")
    assert sp.expand((a + b * eps) * (c + d * eps)).coeff(eps, 1) == a * d + b * c
    out = ad.Dual(1.0, 1.0) ** 2 * ad.sin(ad.Dual(1.0, 1.0))
    assert out.deriv == pytest.approx(float(2 * sp.sin(1) + sp.cos(1)), rel=1e-14)


def test_the_beast_derivative_by_both_modes():
    f = sp.sin(2 * x**5 + 3 * x) / sp.exp(7 * x)
    df = sp.lambdify(x, sp.diff(f, x))
    beast = lambda v: ad.sin(2 * v**5 + 3 * v) / ad.exp(7 * v)  # noqa: E731
    for x0 in (0.1, 0.5, 1.0):
        assert ad.grad(beast)(x0) == pytest.approx(df(x0), rel=1e-12)
        assert ad.jacobian(beast)(x0)[0, 0] == pytest.approx(df(x0), rel=1e-12)


def test_matrix_product_vjps_and_broadcast_bias():
    """C = AB: A-bar = C-bar B^T, B-bar = A^T C-bar; a broadcast bias column gets the sum over columns."""
    rng = np.random.default_rng(0)
    A, B, G, b = rng.normal(size=(3, 4)), rng.normal(size=(4, 5)), rng.normal(size=(3, 5)), rng.normal(size=(3, 1))
    TA, TB, Tb = ad.Tensor(A), ad.Tensor(B), ad.Tensor(b)
    ((TA @ TB + Tb) * G).sum().backward()
    np.testing.assert_allclose(TA.grad, G @ B.T, rtol=1e-13)
    np.testing.assert_allclose(TB.grad, A.T @ G, rtol=1e-13)
    np.testing.assert_allclose(Tb.grad, G.sum(axis=1, keepdims=True), rtol=1e-13)
    np.testing.assert_allclose(Tb.grad, autograd.grad(lambda c: anp.sum((A @ B + c) * G))(b), rtol=1e-13)


def test_network_gradient_equals_backprop_autograd_and_finite_differences():
    hx, hy = heart_curve()
    network = nn.init_network([1, 6, 7, 2], np.random.default_rng(0))
    mine = ad.network_gradients(network, hx, hy)

    def cost(params):
        a = hx
        for W, b in params:
            a = 1 / (1 + anp.exp(-(W @ a + b)))
        return anp.sum((a - hy) ** 2) / hx.shape[1]

    theirs = autograd.grad(cost)(network)
    for P, Q, R in zip(mine, nn.backprop(network, hx, hy), theirs, strict=True):
        for p, q, r in zip(P, Q, R, strict=True):
            np.testing.assert_allclose(p, q, rtol=0, atol=1e-12)
            np.testing.assert_allclose(p, r, rtol=0, atol=1e-12)
    h = 1e-6
    up = [(W.copy(), b.copy()) for W, b in network]
    down = [(W.copy(), b.copy()) for W, b in network]
    up[1][0][2, 3] += h
    down[1][0][2, 3] -= h
    fd = (nn.cost(up, hx, hy) - nn.cost(down, hx, hy)) / (2 * h)
    assert mine[1][0][2, 3] == pytest.approx(fd, rel=1e-6)
    assert sum(W.size + b.size for W, b in network) == 6 + 6 + 42 + 7 + 14 + 2


def test_the_cost_of_each_mode():
    """R^n -> R: forward n k, reverse 2k. The recurrence R -> R^m: forward 2m, reverse 2m + m(m + 1)."""

    def sum_of_squares(v):
        total = v[0] * v[0]
        for vi in v[1:]:
            total = total + vi * vi
        return total

    def recurrence(s, m):
        outputs, z = [], s
        for _ in range(m):
            z = ad.sin(z) + s
            outputs.append(z)
        return outputs

    for n in (1, 10, 100):
        c = ad.count_operations(sum_of_squares, np.ones(n))
        k = 2 * n - 1
        assert (c["nodes"], c["forward"], c["reverse"]) == (k, n * k, 2 * k)
    for m in (1, 10, 100):
        c = ad.count_operations(lambda s, m=m: recurrence(s, m), 0.5)
        assert (c["nodes"], c["forward"], c["reverse"]) == (2 * m, 2 * m, 2 * m + m * (m + 1))
