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


# --- the methods on the network ----------------------------------------------------------------------------------
# The page trains the 1-6-7-2 network of Module 3 on the heart curve with every method. Here the five updates are
# written again by hand, the parameters are packed by a flatten of this file's own (np.split, not the page's
# slicing), the gradient comes from mvcalc.nn.backprop and the cost from mvcalc.nn.cost at every iterate.

NET_SIZES = [1, 6, 7, 2]
NET_TARGET, NET_BUDGET = 0.02, 300
NET_GRIDS = {  # the page's grids and constants: mu = 0.9; RMSProp beta = 0.9; Adam 0.9, 0.999; eps = 1e-8
    "gd": [3.5, 7.0, 14.0],
    "mom": [1.75, 3.5, 7.0],
    "nest": [1.75, 3.5, 7.0],
    "rms": [0.08, 0.16, 0.32],
    "adam": [0.08, 0.16, 0.32],
}


def _net_problem():
    x_heart, y_heart = mvcalc.datasets.heart_curve()
    start = mvcalc.nn.init_network(NET_SIZES, np.random.default_rng(0))
    shapes = [block.shape for layer in start for block in layer]
    cuts = np.cumsum([r * c for r, c in shapes])[:-1]

    def to_network(theta):
        blocks = [piece.reshape(shape) for piece, shape in zip(np.split(theta, cuts), shapes)]
        return list(zip(blocks[0::2], blocks[1::2]))

    def grad(theta):
        return np.concatenate([block.ravel() for layer in mvcalc.nn.backprop(to_network(theta), x_heart, y_heart)
                               for block in layer])  # fmt: skip

    def cost(theta):
        return mvcalc.nn.cost(to_network(theta), x_heart, y_heart)

    theta0 = np.concatenate([block.ravel() for layer in start for block in layer])
    return theta0, grad, cost


def _by_hand(kind, step, theta0, grad, steps):
    """The iterates of one of the five methods, from its definition on the page."""
    mu, beta, b1, b2, eps = 0.9, 0.9, 0.9, 0.999, 1e-8
    x, v, s, m = theta0.copy(), np.zeros_like(theta0), np.zeros_like(theta0), np.zeros_like(theta0)
    path = [x]
    for t in range(1, steps + 1):
        g = grad(x)
        if kind == "gd":
            x = x - step * g
        elif kind == "mom":
            v = mu * v + g
            x = x - step * v
        elif kind == "nest":
            v = mu * v + g
            x = x - step * (g + mu * v)
        elif kind == "rms":
            s = beta * s + (1 - beta) * g**2
            x = x - step * g / (np.sqrt(s) + eps)
        else:
            m = b1 * m + (1 - b1) * g
            s = b2 * s + (1 - b2) * g**2
            x = x - step * (m / (1 - b1**t)) / (np.sqrt(s / (1 - b2**t)) + eps)
        path.append(x)
    return np.array(path)


def test_the_network_has_77_parameters_and_a_flattened_gradient_in_their_order():
    theta0, grad, cost = _net_problem()
    assert theta0.size == sum(n_out * n_in + n_out for n_in, n_out in zip(NET_SIZES[:-1], NET_SIZES[1:])) == 77
    direction = np.random.default_rng(2).standard_normal(77)
    for h in (1e-4, 1e-5):
        central = (cost(theta0 + h * direction) - cost(theta0 - h * direction)) / (2 * h)
        assert central == pytest.approx(grad(theta0) @ direction, rel=1e-7)


@pytest.mark.parametrize(
    ("kind", "method", "kwargs"),
    [
        ("gd", mvcalc.gradient_descent, {"step": 7.0}),
        ("mom", optimisers.momentum, {"step": 3.5, "momentum": 0.9}),
        ("nest", optimisers.nesterov, {"step": 3.5, "momentum": 0.9}),
        ("rms", optimisers.rmsprop, {"step": 0.16, "beta": 0.9}),
        ("adam", optimisers.adam, {"step": 0.16}),
    ],
)
def test_the_library_follows_the_hand_written_updates_on_the_network(kind, method, kwargs):
    theta0, grad, _ = _net_problem()
    ours = method(grad, theta0, maxiter=25, **kwargs).history.x
    np.testing.assert_allclose(ours, _by_hand(kind, kwargs["step"], theta0, grad, 25), rtol=1e-10, atol=1e-12)


def test_momentum_on_a_constant_slope_moves_gamma_over_one_minus_mu_per_step():
    """The page's question: v_n = g (1 + μ + ... + μ^(n-1)) → g / (1 - μ), so the step tends to γ g / (1 - μ)."""
    n, k = sp.symbols("n k", positive=True, integer=True)
    d = sp.symbols("d", positive=True)  # d = 1 - μ > 0
    v_n = sp.summation((1 - d) ** k, (k, 0, n - 1))
    assert sp.simplify(v_n - (1 - (1 - d) ** n) / d) == 0
    assert sp.limit(v_n.subs(d, sp.Rational(1, 10)), n, sp.oo) == 10
    res = optimisers.momentum(lambda p: np.array([1.0]), [0.0], step=3.5, momentum=0.9, maxiter=400)
    assert np.diff(res.history.x[:, 0])[-1] == pytest.approx(-3.5 / (1 - 0.9), rel=1e-12)


def test_a_running_mean_remembers_about_one_over_one_minus_beta_steps():
    """A gradient 1/(1 - β) steps old keeps the weight β^(1/(1 - β)) of the newest, which tends to 1/e."""
    b = sp.symbols("b", positive=True)
    assert sp.limit(b ** (1 / (1 - b)), b, 1, dir="-") == sp.exp(-1)
    for decay, steps in ((0.9, 10), (0.999, 1000)):
        assert 1 / (1 - decay) == pytest.approx(steps)
        assert decay**steps == pytest.approx(np.exp(-1), abs=0.02)


def _network_table():
    """For each method: its kept step, iterations to cost < 0.02 (None if not in 300) and every step's costs."""
    theta0, grad, cost = _net_problem()
    runs = {}
    for kind, steps in NET_GRIDS.items():
        for step in steps:
            costs = np.array([cost(p) for p in _by_hand(kind, step, theta0, grad, NET_BUDGET)])
            below = np.flatnonzero(costs < NET_TARGET)
            runs[kind, step] = (int(below[0]) if below.size else None, costs)
    kept = {
        kind: min(steps, key=lambda s, k=kind: (NET_BUDGET + 1 if runs[k, s][0] is None else runs[k, s][0], runs[k, s][1][-1]))
        for kind, steps in NET_GRIDS.items()
    }  # fmt: skip
    return cost(theta0), kept, runs


@pytest.mark.book
def test_page_network_comparison():
    from _page_values import assert_states

    page = "m5/optimisers"
    cost0, kept, runs = _network_table()
    assert_states(page, "m5_opt_net_params", 77)
    assert_states(page, "m5_opt_net_cost0", cost0)
    for kind in NET_GRIDS:
        hits, costs = runs[kind, kept[kind]]
        assert_states(page, f"m5_opt_net_{kind}_step", kept[kind])
        assert_states(page, f"m5_opt_net_{kind}_final", costs[-1])
        if kind == "gd":
            assert hits is None  # the page says plain descent does not reach the target in 300 steps
        else:
            assert_states(page, f"m5_opt_net_{kind}_hits", hits)
    assert_states(page, "m5_opt_net_gd7_final", runs["gd", 7.0][1][-1])
    assert_states(page, "m5_opt_net_nest7_final", runs["nest", 7.0][1][-1])
    assert_states(page, "m5_opt_net_rms032_final", runs["rms", 0.32][1][-1])
    assert_states(page, "m5_opt_net_ratio", runs["gd", kept["gd"]][1][-1] / runs["adam", kept["adam"]][1][-1])
    assert all(runs[kind, kept[kind]][0] is not None for kind in ("mom", "nest", "rms", "adam"))
