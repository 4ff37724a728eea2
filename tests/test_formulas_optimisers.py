"""Every formula and claim of book/m5/optimisers.md, checked against sympy, numpy and hand-written loops.

The updates are written again here from their definitions, so that the checks do not rely on
mvcalc.optimisers alone; where the page shows the library, it is compared too.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

import mvcalc
from mvcalc import optimisers

gamma, mu, beta, eps = sp.symbols("gamma mu beta epsilon", positive=True)
g = sp.symbols("g", real=True, nonzero=True)
x, y = sp.symbols("x y", real=True)
A = np.array([[3.0, 2.0], [2.0, 6.0]])
B = np.array([5.0, 8.0])
VALLEY = (x - 1) ** 2 + 10 * (y - x**2) ** 2
valley_grad_sym = sp.lambdify([(x, y)], [sp.diff(VALLEY, x), sp.diff(VALLEY, y)])


def valley_grad(p):
    return np.array(valley_grad_sym(p), dtype=float)


def test_momentum_is_a_gradient_step_plus_mu_times_the_last_step():
    """v_{n+1} = μ v_n + g_n, x_{n+1} = x_n - γ v_{n+1}  ⇔  x_{n+1} = x_n - γ g_n + μ (x_n - x_{n-1})."""
    g0, g1, x0 = sp.symbols("g_0 g_1 x_0")
    v1 = g0
    x1 = x0 - gamma * v1
    v2 = mu * v1 + g1
    x2 = x1 - gamma * v2
    assert sp.simplify(x2 - (x1 - gamma * g1 + mu * (x1 - x0))) == 0


def test_momentum_error_on_a_quadratic_obeys_the_second_order_recurrence():
    a11, a12, a22 = sp.symbols("a11 a12 a22")
    M = sp.Matrix([[a11, a12], [a12, a22]])
    e_prev, e_now = sp.Matrix(sp.symbols("p1 p2")), sp.Matrix(sp.symbols("q1 q2"))
    # x_{n+1} - x* = e_n - γ A e_n + μ (e_n - e_{n-1}), since ∇f = A e
    e_next = e_now - gamma * M * e_now + mu * (e_now - e_prev)
    claimed = ((1 + mu) * sp.eye(2) - gamma * M) * e_now - mu * e_prev
    assert sp.simplify(e_next - claimed) == sp.zeros(2, 1)


def test_the_page_momentum_question():
    x0, x1 = np.array([0.0, 2.0]), np.array([1.0, 2.0])
    grad = A @ x1 - B
    np.testing.assert_allclose(grad, [2.0, 6.0])
    np.testing.assert_allclose(x1 - 0.1 * grad + 0.5 * (x1 - x0), [1.3, 1.4])


def test_nesterov_two_forms_give_the_same_points_and_the_library_follows():
    """Classical (u, y) form against the iterated look-ahead form, on the nonlinear valley."""
    step, m = 0.004, 0.9
    yv, u = np.array([-1.0, 1.5]), np.zeros(2)
    look = [yv + m * u]
    for _ in range(30):
        u = m * u - step * valley_grad(yv + m * u)
        yv = yv + u
        look.append(yv + m * u)
    xv, v = np.array([-1.0, 1.5]), np.zeros(2)
    second = [xv]
    for _ in range(30):
        gx = valley_grad(xv)
        v = m * v + gx
        xv = xv - step * (gx + m * v)
        second.append(xv)
    np.testing.assert_allclose(second, look, rtol=1e-11, atol=1e-12)
    res = optimisers.nesterov(valley_grad, [-1.0, 1.5], step=step, momentum=m, maxiter=30)
    np.testing.assert_allclose(res.history.x, look, rtol=1e-11, atol=1e-12)


def test_rmsprops_first_step_is_gamma_over_root_one_minus_beta():
    d = sp.symbols("d", positive=True)  # d = 1 - β > 0
    for grad in (sp.Symbol("G", positive=True), -sp.Symbol("G", positive=True)):
        s1 = d * grad**2  # s_1 = β s_0 + (1 - β) g², with s_0 = 0
        step = gamma * grad / sp.sqrt(s1)
        assert sp.simplify(sp.Abs(step) - gamma / sp.sqrt(d)) == 0
    assert float((gamma / sp.sqrt(1 - beta)).subs({gamma: 0.01, beta: 0.9})) == pytest.approx(0.0316227766)


def test_adams_first_step_is_gamma_times_g_over_abs_g_plus_eps():
    b1, b2 = sp.symbols("beta_1 beta_2", positive=True)
    m_hat = (1 - b1) * g / (1 - b1)
    v_hat = (1 - b2) * g**2 / (1 - b2)
    step = gamma * m_hat / (sp.sqrt(v_hat) + eps)
    assert sp.simplify(step - gamma * g / (sp.Abs(g) + eps)) == 0
    res = optimisers.adam(lambda p: 1000 * valley_grad(p), [-1.0, 1.5], step=0.01, maxiter=1)
    np.testing.assert_allclose(np.abs(res.history.x[1] - res.history.x[0]), 0.01, rtol=1e-9)


def test_adam_ignores_a_rescaling_of_the_cost_up_to_eps():
    """The page's exercise: a thousand times the cost, the same Adam path; and plain descent diverges."""
    paths = [
        optimisers.adam(lambda p, s=s: s * valley_grad(p), [-1.0, 1.5], step=0.05, maxiter=300, eps=1e-300).history.x
        for s in (1.0, 1000.0)
    ]
    np.testing.assert_allclose(paths[0], paths[1], rtol=1e-12, atol=1e-12)
    big = mvcalc.gradient_descent(lambda p: 1000 * valley_grad(p), [-1.0, 1.5], step=0.019, maxiter=300)
    assert big.status == 2


@settings(max_examples=25, deadline=None)
@given(st.floats(1.0, 100.0), st.floats(0.1, 10.0), st.floats(0.0, np.pi))
def test_the_tuned_heavy_ball_shrinks_the_error_by_root_kappa_ratio(kappa, low, angle):
    rotation = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    H = rotation @ np.diag([low, kappa * low]) @ rotation.T
    lo, hi = low, kappa * low
    step = 4 / (np.sqrt(hi) + np.sqrt(lo)) ** 2
    m = ((np.sqrt(kappa) - 1) / (np.sqrt(kappa) + 1)) ** 2
    I2 = np.eye(2)
    companion = np.block([[(1 + m) * I2 - step * H, -m * I2], [I2, np.zeros((2, 2))]])
    radius = max(abs(np.linalg.eigvals(companion)))
    assert radius == pytest.approx((np.sqrt(kappa) - 1) / (np.sqrt(kappa) + 1), rel=1e-6, abs=1e-7)
    plain = max(abs(1 - 2 / (lo + hi) * lam) for lam in (lo, hi))
    assert plain == pytest.approx((kappa - 1) / (kappa + 1))


def test_the_bowl_is_convex_by_the_tangent_plane_inequality():
    s = sp.Matrix([x, y])
    t = sp.Matrix(sp.symbols("t1 t2", real=True))
    Am, bm = sp.Matrix(A.astype(int)), sp.Matrix(B.astype(int))
    f = lambda v: (v.T * Am * v / 2 - bm.T * v)[0]  # noqa: E731
    grad = Am * s - bm
    gap = sp.expand(f(t) - f(s) - (grad.T * (t - s))[0])
    assert sp.simplify(gap - ((t - s).T * Am * (t - s))[0] / 2) == 0  # a quadratic form of a positive definite A
    assert all(lam > 0 for lam in Am.eigenvals())


def test_the_valley_is_not_convex():
    H = sp.hessian(VALLEY, (x, y)).subs({x: 0, y: 1})
    assert sorted(H.eigenvals()) == [-38, 20]
    H_min = sp.hessian(VALLEY, (x, y)).subs({x: 1, y: 1})
    assert all(lam > 0 for lam in H_min.eigenvals())
    # and a chord lies below the graph: the definition fails, without the Hessian
    f = sp.lambdify([(x, y)], VALLEY)
    p, q = np.array([-0.5, 1.0]), np.array([0.5, 1.0])
    assert f((p + q) / 2) > (f(p) + f(q)) / 2


def test_the_squared_error_of_a_line_is_convex():
    xs = np.random.default_rng(0).uniform(0, 4, size=30)
    hess = 2 * np.array([[np.mean(xs**2), np.mean(xs)], [np.mean(xs), 1.0]])
    assert np.all(np.linalg.eigvalsh(hess) >= 0)
    m, c = sp.symbols("m c")
    xk, yk = sp.symbols("x_k y_k", real=True)
    H = sp.hessian((yk - m * xk - c) ** 2, (m, c))
    assert sp.simplify(H.det()) == 0 and sp.simplify(H.trace()) == 2 * xk**2 + 2  # semidefinite for each example


@pytest.mark.parametrize("size", [1, 2, 5])
def test_a_mini_batch_gradient_averaged_over_all_batches_is_the_full_gradient(size):
    rng = np.random.default_rng(1)
    xs, ys = rng.uniform(0, 4, 8), rng.normal(size=8)
    point = np.array([0.3, -0.7])

    def batch_grad(batch):
        batch = list(batch)
        residual = ys[batch] - point[0] * xs[batch] - point[1]
        return -2 * np.array([np.mean(residual * xs[batch]), np.mean(residual)])

    average = np.mean([batch_grad(b) for b in itertools.combinations(range(8), size)], axis=0)
    np.testing.assert_allclose(average, batch_grad(range(8)), rtol=1e-12)


def test_steps_per_epoch():
    seen = []
    optimisers.sgd(
        lambda p, batch: seen.append(len(batch)) or np.zeros(2),
        [0.0, 0.0],
        n_samples=30,
        batch_size=4,
        rng=np.random.default_rng(0),
        step=0.1,
        maxiter=8,
    )
    assert seen[:8] == [4] * 7 + [2] and int(np.ceil(30 / 4)) == 8
