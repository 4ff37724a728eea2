"""Every formula that the pages of Module 3 state, checked against sympy and finite differences.

One test (or one parametrised group) per claim, in the order of the pages:
book/m3/chain-rule.md, neural-networks.md and training.md. The backpropagation
equations are checked on a tiny network written here, independently of mvcalc.nn.
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.optimize
import sympy as sp

import mvcalc

t, x, y, z = sp.symbols("t x y z", real=True)


def is_zero(expr) -> bool:
    return sp.simplify(expr) == 0


def central_gradient(f, p, h=1e-6):
    """Central differences written here, so the checks do not rely on mvcalc.gradient alone."""
    p = np.asarray(p, dtype=float)
    grad = np.empty_like(p)
    for j in range(p.size):
        e = np.zeros_like(p)
        e[j] = h
        grad[j] = (f(p + e) - f(p - e)) / (2 * h)
    return grad


def logistic(v):
    return 1 / (1 + np.exp(-v))


# ---------------------------------------------------------------- chain-rule.md

SADDLE = x**2 - y**2
ELLIPSE = sp.Matrix([2 * sp.cos(t), sp.sin(t)])


def test_ellipse_chain_rule_is_minus_5_sin_2t():
    on_path = dict(zip((x, y), ELLIPSE))
    J_f = sp.Matrix([SADDLE]).jacobian([x, y])
    assert J_f.shape == (1, 2)
    chain = (J_f.subs(on_path) * ELLIPSE.diff(t))[0, 0]
    direct = sp.diff(SADDLE.subs(on_path), t)
    assert is_zero(chain - direct)
    assert is_zero(chain + 5 * sp.sin(2 * t))
    assert is_zero(chain.subs(t, sp.pi / 3) + 5 * sp.sqrt(3) / 2)


def test_ellipse_chain_rule_numerically():
    t0 = np.pi / 3
    path = lambda s: np.array([2 * np.cos(s), np.sin(s)])  # noqa: E731
    J_f = mvcalc.jacobian(lambda v: v[0] ** 2 - v[1] ** 2, path(t0))
    velocity = mvcalc.jacobian(lambda s: path(s[0]), [t0])
    assert J_f.shape == (1, 2) and velocity.shape == (2, 1)
    assert (J_f @ velocity)[0, 0] == pytest.approx(-5 * np.sqrt(3) / 2, abs=1e-8)
    # zero at the ends of the axes, where the ellipse runs along a contour
    for s in (0.0, np.pi / 2, np.pi, 3 * np.pi / 2):
        assert (mvcalc.jacobian(lambda v: v[0] ** 2 - v[1] ** 2, path(s)) @ mvcalc.jacobian(lambda u: path(u[0]), [s]))[
            0, 0
        ] == pytest.approx(0, abs=1e-8)


def test_three_function_chain_on_the_spiral():
    r, th, x1, x2 = sp.symbols("r theta x1 x2", real=True)
    f = sp.Matrix([x1**2 - x2**2])
    x_of_u = sp.Matrix([r * sp.cos(th), r * sp.sin(th)])
    u_of_t = sp.Matrix([1 + t**2, t])
    J_f, J_x, J_u = f.jacobian([x1, x2]), x_of_u.jacobian([r, th]), u_of_t.jacobian([t])
    assert (J_f.shape, J_x.shape, J_u.shape) == ((1, 2), (2, 2), (2, 1))
    at_x, at_u = dict(zip((x1, x2), x_of_u)), dict(zip((r, th), u_of_t))
    # the row times the matrix is the Jacobian of r^2 cos(2 theta)
    row = (J_f.subs(at_x) * J_x).applyfunc(sp.simplify)
    assert is_zero(row[0] - 2 * r * sp.cos(2 * th)) and is_zero(row[1] + 2 * r**2 * sp.sin(2 * th))
    product = (J_f.subs(at_x).subs(at_u) * J_x.subs(at_u) * J_u)[0, 0]
    composition = f[0].subs(at_x).subs(at_u)
    formula = 4 * t * (1 + t**2) * sp.cos(2 * t) - 2 * (1 + t**2) ** 2 * sp.sin(2 * t)
    assert is_zero(product - sp.diff(composition, t))
    assert is_zero(product - formula)

    # numerically, as a product of mvcalc.jacobian's at t = 0.5
    t1 = 0.5
    spiral = lambda s: np.array([1 + s**2, s])  # noqa: E731
    polar = lambda u: np.array([u[0] * np.cos(u[1]), u[0] * np.sin(u[1])])  # noqa: E731
    saddle = lambda v: v[0] ** 2 - v[1] ** 2  # noqa: E731
    chain = (
        mvcalc.jacobian(saddle, polar(spiral(t1)))
        @ mvcalc.jacobian(polar, spiral(t1))
        @ mvcalc.jacobian(lambda s: spiral(s[0]), [t1])
    )[0, 0]
    assert chain == pytest.approx(float(formula.subs(t, t1)), abs=1e-7)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_jacobian_of_a_composition_is_the_product(seed):
    rng = np.random.default_rng(seed)
    A = rng.standard_normal((3, 2))

    def h(v):  # R^2 -> R^3
        return np.tanh(A @ v) + np.array([v[0] * v[1], 0.0, np.sin(v[1])])

    def g(u):  # R^3 -> R^2
        return np.array([u[0] * u[1] - u[2] ** 2, np.exp(0.3 * u[2]) + u[0]])

    p = rng.standard_normal(2)
    product = mvcalc.jacobian(g, h(p)) @ mvcalc.jacobian(h, p)
    assert product.shape == (2, 2)
    np.testing.assert_allclose(product, mvcalc.jacobian(lambda v: g(h(v)), p), atol=1e-7)


def multiplications(shapes, from_left):
    """An independent count: a*b*c for each (a x b)(b x c) product in the chosen order."""
    shapes = list(shapes)
    total = 0
    if from_left:
        rows, inner = shapes[0]
        for _, cols in shapes[1:]:
            total += rows * inner * cols
            inner = cols
    else:
        inner, cols = shapes[-1]
        for rows, _ in reversed(shapes[:-1]):
            total += rows * inner * cols
            inner = rows
    return total


def test_multiplication_counts_of_the_page():
    n, N = 500, 1000
    shapes = [(1, n), (n, n), (n, n), (n, N)]
    assert multiplications(shapes, True) == 2 * n * n + n * N == 1_000_000
    assert multiplications(shapes, False) == 2 * n * n * N + n * N == 500_500_000
    exercise = [(10, 2000), (2000, 2000), (2000, 2)]
    assert multiplications(exercise, True) == 10 * 2000 * 2000 + 10 * 2000 * 2
    assert multiplications(exercise, False) == 2000 * 2000 * 2 + 10 * 2000 * 2
    assert multiplications(exercise, False) < multiplications(exercise, True)


def test_both_orders_give_the_same_product():
    rng = np.random.default_rng(3)
    mats = [rng.standard_normal(s) for s in [(1, 40), (40, 40), (40, 40), (40, 60)]]
    left = ((mats[0] @ mats[1]) @ mats[2]) @ mats[3]
    right = mats[0] @ (mats[1] @ (mats[2] @ mats[3]))
    np.testing.assert_allclose(left, right, rtol=1e-10, atol=1e-10)


def test_exercise_helix():
    helix = sp.Matrix([sp.cos(t), sp.sin(t), t])
    J = sp.Matrix([x * y + z**2]).jacobian([x, y, z])
    chain = (J.subs(dict(zip((x, y, z), helix))) * helix.diff(t))[0, 0]
    assert is_zero(chain - (sp.cos(2 * t) + 2 * t))
    assert is_zero(chain.subs(t, sp.pi / 4) - sp.pi / 2)


def test_exercise_three_chain_with_shapes():
    u1, u2, u3, x1, x2 = sp.symbols("u1 u2 u3 x1 x2", real=True)
    u_of_t = sp.Matrix([t, t**2, t**3])
    x_of_u = sp.Matrix([u1 * u2, u2 * u3])
    f = sp.Matrix([x1**2 - x2])
    J_f, J_x, J_u = f.jacobian([x1, x2]), x_of_u.jacobian([u1, u2, u3]), u_of_t.jacobian([t])
    assert (J_f.shape, J_x.shape, J_u.shape) == ((1, 2), (2, 3), (3, 1))
    at_u = dict(zip((u1, u2, u3), u_of_t))
    at_x = dict(zip((x1, x2), x_of_u.subs(at_u)))
    product = (J_f.subs(at_x) * J_x.subs(at_u) * J_u)[0, 0]
    assert is_zero(product - (6 * t**5 - 5 * t**4))
    assert product.subs(t, 2) == 112


# ---------------------------------------------------------------- neural-networks.md


def test_activation_derivatives():
    s = 1 / (1 + sp.exp(-z))
    assert is_zero((sp.diff(sp.tanh(z), z) - 1 / sp.cosh(z) ** 2).rewrite(sp.exp))
    assert is_zero((sp.diff(sp.tanh(z), z) - (1 - sp.tanh(z) ** 2)).rewrite(sp.exp))
    assert is_zero(sp.diff(s, z) - s * (1 - s))
    assert is_zero((sp.diff(s, z) - 1 / (4 * sp.cosh(z / 2) ** 2)).rewrite(sp.exp))
    assert is_zero((s - (1 + sp.tanh(z / 2)) / 2).rewrite(sp.exp))


def test_activation_derivatives_numerically_and_in_the_library():
    zs = np.linspace(-6, 6, 61)
    np.testing.assert_allclose(mvcalc.derivative(np.tanh, zs), 1 / np.cosh(zs) ** 2, atol=1e-9)
    np.testing.assert_allclose(mvcalc.derivative(logistic, zs), logistic(zs) * (1 - logistic(zs)), atol=1e-9)
    np.testing.assert_allclose(mvcalc.nn.sigmoid(zs), logistic(zs), rtol=1e-14)
    np.testing.assert_allclose(mvcalc.nn.d_tanh(zs), 1 / np.cosh(zs) ** 2, rtol=1e-12)
    np.testing.assert_allclose(mvcalc.nn.d_sigmoid(zs), logistic(zs) * (1 - logistic(zs)), rtol=1e-10)
    assert mvcalc.nn.d_tanh(0.0) == 1.0 and mvcalc.nn.d_sigmoid(0.0) == 0.25  # the peaks of fig-m3-activations


def test_not_gate():
    assert np.tanh(-5 * 1 + 5) == 0.0
    assert np.tanh(5.0) > 0.9999
    assert np.arctanh(0.99) == pytest.approx(2.6467, abs=1e-4)
    # the logistic NOT gate of the exercise: within 0.01 of the targets
    assert logistic(5.0) >= 0.99 and logistic(-10.0 + 5.0) <= 0.01
    assert np.log(99) < 5
    # w = -b does not work for the logistic function: sigma(0) = 1/2
    assert logistic(0.0) == 0.5


@pytest.mark.parametrize("b", [1.0, 2.0, 5.0])
def test_logistic_switch_is_at_one_half_with_slope_w_over_4(b):
    w = -2 * b
    a = lambda v: logistic(w * v + b)  # noqa: E731
    assert a(0.5) == pytest.approx(0.5)
    assert mvcalc.derivative(a, 0.5) == pytest.approx(w / 4, rel=1e-8)


def test_layer_by_hand():
    W = np.array([[1.2, -0.5, 0.8], [-1.5, 0.4, -2.0]])
    b = np.array([-0.3, 0.4])
    a0 = np.array([1.0, 0.5, 0.2])
    z1 = W @ a0 + b
    np.testing.assert_allclose(z1, [0.81, -1.30], atol=1e-12)
    np.testing.assert_allclose(np.round(np.tanh(z1), 2), [0.67, -0.86])
    # the same layer in mvcalc.nn, with the logistic function
    zs, acts = mvcalc.nn.feed_forward([(W, b.reshape(-1, 1))], a0.reshape(-1, 1))
    np.testing.assert_allclose(acts[1].ravel(), logistic(z1))


def test_exercise_layer():
    W = np.array([[0.5, -0.3, 1.0], [-1.2, 0.8, 0.1]])
    b = np.array([0.2, -0.1])
    z1 = W @ np.array([2.0, 1.0, -1.0]) + b
    np.testing.assert_allclose(z1, [-0.1, -1.8], atol=1e-12)
    np.testing.assert_allclose(np.round(logistic(z1), 2), [0.48, 0.14])


@pytest.mark.parametrize("sizes, count", [([1, 6, 7, 2], 77), ([3, 5, 4, 2], 54)])
def test_parameter_counts(sizes, count):
    network = mvcalc.nn.init_network(sizes, np.random.default_rng(0))
    assert sum(W.size + b.size for W, b in network) == count
    assert [W.shape for W, _ in network] == list(zip(sizes[1:], sizes[:-1]))


# ---------------------------------------------------------------- training.md


def test_single_neuron_gradient_formula():
    w, b, a0, yy = sp.symbols("w b a0 y", real=True)
    for act in (sp.tanh, lambda v: 1 / (1 + sp.exp(-v))):
        zz = w * a0 + b
        C = (act(zz) - yy) ** 2
        sigma_prime = sp.diff(act(z), z).subs(z, zz)
        assert is_zero(sp.diff(C, w) - 2 * (act(zz) - yy) * sigma_prime * a0)
        assert is_zero(sp.diff(C, b) - 2 * (act(zz) - yy) * sigma_prime)


def test_single_neuron_at_the_stated_numbers():
    w, b, a0, yy = 2.3, -1.2, 0.0, 1.0
    cost = lambda p: (np.tanh(p[0] * a0 + p[1]) - yy) ** 2  # noqa: E731
    z0 = w * a0 + b
    dC_db = 2 * (np.tanh(z0) - yy) / np.cosh(z0) ** 2
    assert dC_db == pytest.approx(-1.118603, abs=1e-6)
    ws, bs = sp.symbols("w b", real=True)
    C = (sp.tanh(ws * a0 + bs) - yy) ** 2
    assert float(sp.diff(C, ws).subs({ws: w, bs: b})) == 0.0
    assert float(sp.diff(C, bs).subs({ws: w, bs: b})) == pytest.approx(dC_db, rel=1e-12)
    np.testing.assert_allclose(central_gradient(cost, [w, b]), [0.0, dC_db], atol=1e-8)
    np.testing.assert_allclose(mvcalc.gradient(cost, [w, b]), [0.0, dC_db], atol=1e-8)
    # the page's values of a, C, dC/da and da/dz
    assert np.tanh(z0) == pytest.approx(-0.833655, abs=1e-6)
    assert 1 / np.cosh(z0) ** 2 == pytest.approx(0.305020, abs=1e-6)


def test_exercise_neuron_with_input_one_has_equal_derivatives():
    cost = lambda p: (np.tanh(p[0] * 1.0 + p[1]) - 1.0) ** 2  # noqa: E731
    dw, db = central_gradient(cost, [2.3, -1.2])
    assert dw == pytest.approx(db, abs=1e-9) and dw < 0


def test_exercise_logistic_neuron_signs():
    cost = lambda p: logistic(p[0] * 1.5 + p[1]) ** 2  # noqa: E731
    dw, db = central_gradient(cost, [-0.5, 0.4])
    a = logistic(-0.35)
    assert db == pytest.approx(2 * a * a * (1 - a), abs=1e-9)
    assert dw == pytest.approx(1.5 * db, abs=1e-9)
    assert dw > 0 and db > 0


def test_layer_gradient_is_an_outer_product_symbolically():
    Ws = sp.Matrix(2, 3, sp.symbols("W11 W12 W13 W21 W22 W23", real=True))
    bs = sp.Matrix(sp.symbols("b1 b2", real=True))
    xs = sp.Matrix(sp.symbols("x1 x2 x3", real=True))
    ys = sp.Matrix(sp.symbols("y1 y2", real=True))
    zs = Ws * xs + bs
    a = zs.applyfunc(sp.tanh)
    C = sum((a[i] - ys[i]) ** 2 for i in range(2))
    delta = [2 * (a[i] - ys[i]) * (1 - sp.tanh(zs[i]) ** 2) for i in range(2)]
    for i in range(2):
        assert is_zero(sp.diff(C, bs[i]) - delta[i])
        for j in range(3):
            assert is_zero(sp.diff(C, Ws[i, j]) - delta[i] * xs[j])


@pytest.mark.parametrize("activation", ["tanh", "logistic"])
def test_layer_gradient_outer_product_numerically(activation):
    act, dact = {
        "tanh": (np.tanh, lambda v: 1 / np.cosh(v) ** 2),
        "logistic": (logistic, lambda v: logistic(v) * (1 - logistic(v))),
    }[activation]
    rng = np.random.default_rng(5)
    W, b, xv, yv = rng.standard_normal((2, 3)), rng.standard_normal(2), rng.standard_normal(3), rng.uniform(size=2)
    zv = W @ xv + b
    delta = 2 * (act(zv) - yv) * dact(zv)
    cost_of_W = lambda Wf: np.sum((act(Wf.reshape(2, 3) @ xv + b) - yv) ** 2)  # noqa: E731
    J = mvcalc.jacobian(cost_of_W, W.ravel())
    assert J.shape == (1, 6)
    np.testing.assert_allclose(J.reshape(2, 3), np.outer(delta, xv), atol=1e-8)
    # the literal product of three Jacobians, (1 x 2)(2 x 2)(2 x 6)
    dz_dW = np.kron(np.eye(2), xv[None, :])
    product = (2 * (act(zv) - yv))[None, :] @ np.diag(dact(zv)) @ dz_dW
    np.testing.assert_allclose(product.reshape(2, 3), np.outer(delta, xv), rtol=1e-12)
    # the page's tanh layer with target (1, 0)
    if activation == "tanh":
        W0 = np.array([[1.2, -0.5, 0.8], [-1.5, 0.4, -2.0]])
        z0 = W0 @ np.array([1.0, 0.5, 0.2]) + np.array([-0.3, 0.4])
        d0 = 2 * (np.tanh(z0) - np.array([1.0, 0.0])) / np.cosh(z0) ** 2
        np.testing.assert_allclose(d0, [-0.364540, -0.443672], atol=1e-6)


# A tiny network, written here: forward pass, the backpropagation equations of
# m3-thm-backprop, and central differences of the cost over every parameter.


def tiny_forward(params, act, X):
    a, zs, acts = X, [], [X]
    for W, b in params:
        zs.append(W @ a + b)
        a = act(zs[-1])
        acts.append(a)
    return zs, acts


def tiny_cost(params, act, X, Y):
    return np.sum((tiny_forward(params, act, X)[1][-1] - Y) ** 2) / X.shape[1]


def tiny_backprop(params, act, dact, X, Y):
    zs, acts = tiny_forward(params, act, X)
    N = X.shape[1]
    delta = 2 * (acts[-1] - Y) * dact(zs[-1])  # delta^(L)
    grads = [None] * len(params)
    for l in reversed(range(len(params))):
        grads[l] = (delta @ acts[l].T / N, delta.sum(axis=1, keepdims=True) / N)
        if l > 0:
            delta = (params[l][0].T @ delta) * dact(zs[l - 1])  # delta^(l)
    return grads


def tiny_finite_differences(params, act, X, Y, h=1e-6):
    grads = []
    for W, b in params:
        pair = []
        for P in (W, b):
            G = np.zeros_like(P)
            for idx in np.ndindex(P.shape):
                old = P[idx]
                P[idx] = old + h
                up = tiny_cost(params, act, X, Y)
                P[idx] = old - h
                down = tiny_cost(params, act, X, Y)
                P[idx] = old
                G[idx] = (up - down) / (2 * h)
            pair.append(G)
        grads.append(tuple(pair))
    return grads


ACTIVATIONS = {
    "tanh": (np.tanh, lambda v: 1 / np.cosh(v) ** 2),
    "logistic": (logistic, lambda v: logistic(v) * (1 - logistic(v))),
}


@pytest.mark.parametrize("activation", list(ACTIVATIONS))
@pytest.mark.parametrize("sizes, n_examples", [([2, 3, 2], 1), ([1, 4, 3, 2], 5), ([3, 2, 2, 1], 4)])
def test_backprop_equations_against_finite_differences(activation, sizes, n_examples):
    act, dact = ACTIVATIONS[activation]
    rng = np.random.default_rng(11)
    params = [(rng.standard_normal((m, n)), rng.standard_normal((m, 1))) for n, m in zip(sizes[:-1], sizes[1:])]
    X = rng.standard_normal((sizes[0], n_examples))
    Y = rng.uniform(size=(sizes[-1], n_examples))
    bp = tiny_backprop(params, act, dact, X, Y)
    fd = tiny_finite_differences(params, act, X, Y)
    for (dW, db), (fW, fb) in zip(bp, fd):
        np.testing.assert_allclose(dW, fW, atol=1e-7)
        np.testing.assert_allclose(db, fb, atol=1e-7)
    if activation == "logistic":  # the library implements the same equations
        for (dW, db), (lW, lb) in zip(bp, mvcalc.nn.backprop(params, X, Y)):
            np.testing.assert_allclose(dW, lW, rtol=1e-10, atol=1e-14)
            np.testing.assert_allclose(db, lb, rtol=1e-10, atol=1e-14)


def test_exercise_two_neurons_in_a_row():
    w1, b1, w2, b2, xx, yy = sp.symbols("w1 b1 w2 b2 x y", real=True)
    s = lambda v: 1 / (1 + sp.exp(-v))  # noqa: E731
    z1 = w1 * xx + b1
    z2 = w2 * s(z1) + b2
    C = (s(z2) - yy) ** 2
    ds = lambda v: s(v) * (1 - s(v))  # noqa: E731
    by_chain = 2 * (s(z2) - yy) * ds(z2) * w2 * ds(z1) * xx
    values = {w1: 1.5, b1: -0.5, w2: -2, b2: 1, xx: 0.8, yy: 0.2}
    assert float((sp.diff(C, w1) - by_chain).subs(values)) == pytest.approx(0, abs=1e-14)
    network = [(np.array([[1.5]]), np.array([[-0.5]])), (np.array([[-2.0]]), np.array([[1.0]]))]
    library = mvcalc.nn.backprop(network, [[0.8]], [[0.2]])
    assert library[0][0][0, 0] == pytest.approx(float(by_chain.subs(values)), rel=1e-10)


# The cost surface of one tanh neuron on the page's four examples.
XS = np.array([-1.0, 0.0, 1.0, 2.0])
YS = np.array([0.6, -0.8, -0.7, 0.8])


def surface_cost(p):
    return np.mean((np.tanh(p[0] * XS + p[1]) - YS) ** 2)


def surface_gradient(p):
    zz = p[0] * XS + p[1]
    d = 2 * (np.tanh(zz) - YS) / np.cosh(zz) ** 2
    return np.array([np.mean(d * XS), np.mean(d)])


def test_surface_gradient_against_finite_differences():
    for p in ([0.5, -1.0], [3.5, 3.5], [-2.0, 1.0]):
        np.testing.assert_allclose(surface_gradient(p), central_gradient(surface_cost, p), atol=1e-8)


@pytest.mark.parametrize(
    "start, expected, cost",
    [
        ((-1.0, 3.0), (0.073, -0.065), 0.5255),
        ((3.0, -3.5), (1.906, -2.744), 0.6491),
        ((-3.0, -1.0), (-1.688, -1.012), 0.8312),
    ],
)
def test_surface_has_a_lowest_point_and_two_local_minima(start, expected, cost):
    p = np.array(start)
    for _ in range(1000):  # the page's descent, then a precise finish
        p = p - 0.5 * surface_gradient(p)
    res = scipy.optimize.minimize(surface_cost, p, jac=surface_gradient, method="BFGS", options={"gtol": 1e-12})
    assert np.linalg.norm(p - res.x) < 0.01  # the descent had arrived
    np.testing.assert_allclose(res.x, expected, atol=2e-3)
    assert res.fun == pytest.approx(cost, abs=1e-4)
    assert np.all(np.linalg.eigvalsh(mvcalc.hessian(surface_cost, res.x)) > 0)  # a minimum


def test_descent_from_the_plateau_crawls():
    p = np.array([3.5, 3.5])
    for _ in range(1000):
        p = p - 0.5 * surface_gradient(p)
    assert surface_cost(p) > 1.5  # still far above every minimum
    assert np.linalg.norm(surface_gradient(p)) < 0.01


# Why the starting weights are random (m3-thm-symmetry, training.md).


def test_equal_starting_weights_give_equal_gradients_symbolically():
    """Exact arithmetic: a 1-2-1 network whose two hidden units start equal gets equal gradients."""
    w, b, v, c, xx, yy = sp.symbols("w b v c x y", real=True)
    s = lambda u: 1 / (1 + sp.exp(-u))  # noqa: E731
    w1, w2, b1, b2, v1, v2 = sp.symbols("w1 w2 b1 b2 v1 v2", real=True)
    C = (s(v1 * s(w1 * xx + b1) + v2 * s(w2 * xx + b2) + c) - yy) ** 2
    equal = {w1: w, w2: w, b1: b, b2: b, v1: v, v2: v}
    for p, q in ((w1, w2), (b1, b2), (v1, v2)):  # incoming weight, bias, outgoing weight
        assert sp.simplify((sp.diff(C, p) - sp.diff(C, q)).subs(equal)) == 0
    # and with different starting weights the gradients differ
    values = {w1: 0.3, w2: -1.4, b1: 0.1, b2: 0.9, v1: 0.5, v2: -0.8, c: 0.0, xx: 1.0, yy: 1.0}
    assert abs(float((sp.diff(C, w1) - sp.diff(C, w2)).subs(values))) > 1e-3


def hidden_spreads(network, X):
    _, acts = mvcalc.nn.feed_forward(network, X)
    return [float(np.max(np.ptp(a, axis=0))) for a in acts[1:-1]]


def test_hidden_units_stay_identical_from_equal_weights():
    from mvcalc.datasets import heart_curve

    X, Y = heart_curve()
    random_start = mvcalc.nn.init_network([1, 6, 7, 2], np.random.default_rng(0))
    equal_start = [(np.full_like(W, 0.5), np.full_like(b, 0.5)) for W, b in random_start]
    # The first gradient: equal rows of dC/dW and equal entries of dC/db in each hidden layer.
    for dW, db in mvcalc.nn.backprop(equal_start, X, Y)[:-1]:
        assert np.ptp(dW, axis=0).max() < 1e-15 and np.ptp(db) < 1e-15
    equal = mvcalc.nn.train(equal_start, X, Y, maxiter=2000, step=7.0, noise=1.0, rng=np.random.default_rng(1))
    rand = mvcalc.nn.train(random_start, X, Y, maxiter=2000, step=7.0, noise=1.0, rng=np.random.default_rng(1))
    assert max(hidden_spreads(equal.x, X)) < 1e-10  # the units are still copies (rounding only)
    assert min(hidden_spreads(rand.x, X)) > 0.5  # the units differ
    assert equal.fun > 5 * rand.fun  # and a layer of copies fits far worse
    # a layer of copies computes what one unit computes: rows of W1 and W2 are equal
    W1, W2 = equal.x[0][0], equal.x[1][0]
    assert np.ptp(W1, axis=0).max() < 1e-10 and np.ptp(W2, axis=0).max() < 1e-10


# ---------------------------------------------------------------- what the pages state
# Each value below is read from the built page (its glued output) and compared, to the digits the page
# prints, with the test's own value from sympy or a closed form; a wrong number on a page fails here.

from _page_values import assert_states, change_glued_value  # noqa: E402


def _page_chain_rule_numbers():
    assert_states("m3/chain-rule", "m3_ellipse_dfdt", -5 * sp.sin(2 * sp.pi / 3))  # -5 sin 2t at t = pi/3
    formula = 4 * t * (1 + t**2) * sp.cos(2 * t) - 2 * (1 + t**2) ** 2 * sp.sin(2 * t)
    assert_states("m3/chain-rule", "m3_spiral_dfdt", formula.subs(t, sp.Rational(1, 2)))
    n, N = 500, 1000
    shapes = [(1, n), (n, n), (n, n), (n, N)]
    left, right = multiplications(shapes, True), multiplications(shapes, False)
    assert_states("m3/chain-rule", "m3_order_left", left)
    assert_states("m3/chain-rule", "m3_order_right", right)
    assert_states("m3/chain-rule", "m3_order_ratio", sp.Rational(right, left))


def _page_single_neuron(page, prefix, names):
    """The neuron of training.md (tanh, w = 2.3, b = -1.2, input 0, target 1), by sympy."""
    w, b, a0, yy = sp.symbols("w b a0 y", real=True)
    at = {w: sp.Rational(23, 10), b: sp.Rational(-12, 10), a0: 0, yy: 1}
    a = sp.tanh(w * a0 + b)
    C = (a - yy) ** 2
    values = {
        "a": a,
        "C": C,
        "dC_da": 2 * (a - yy),
        "da_dz": sp.diff(sp.tanh(z), z).subs(z, w * a0 + b),
        "dC_dw": sp.diff(C, w),
        "dC_db": sp.diff(C, b),
    }
    for name, key in names.items():
        assert_states(page, f"{prefix}{key}", values[name].subs(at))


TRAINING_NEURON = {name: name for name in ("a", "C", "dC_da", "da_dz", "dC_dw", "dC_db")}
SUMMARY_NEURON = {"a": "a", "da_dz": "slope", "dC_db": "db"}


@pytest.mark.book
def test_page_chain_rule_values_and_multiplication_counts():
    _page_chain_rule_numbers()


@pytest.mark.book
def test_page_activation_maxima_and_not_gate():
    zs = sp.symbols("zs", real=True)
    d_tanh, d_sigmoid = sp.diff(sp.tanh(zs), zs), sp.diff(1 / (1 + sp.exp(-zs)), zs)
    # both derivatives are even bumps whose peak is at 0
    assert_states("m3/neural-networks", "m3_d_tanh_max", d_tanh.subs(zs, 0))
    assert_states("m3/neural-networks", "m3_d_sigmoid_max", sp.simplify(d_sigmoid.subs(zs, 0)))
    assert_states("m3/neural-networks", "m3_not_tanh5", sp.tanh(5))
    assert_states("m3/neural-networks", "m3_not_b_needed", sp.atanh(sp.Rational(99, 100)))
    assert_states("m3/neural-networks", "m3_not_tanh_1", sp.tanh(1))
    assert_states("m3/summary", "m3_summary_not_0", sp.tanh(5))  # w = -5, b = 5, input 0


@pytest.mark.book
def test_page_layer_by_hand():
    W = sp.Matrix([[12, -5, 8], [-15, 4, -20]]) / 10
    b = sp.Matrix([-3, 4]) / 10
    a0 = sp.Matrix([1, sp.Rational(1, 2), sp.Rational(1, 5)])
    z1 = W * a0 + b
    for i in range(2):
        assert_states("m3/neural-networks", f"m3_layer_z{i + 1}", z1[i])
        assert_states("m3/neural-networks", f"m3_layer_a{i + 1}", sp.tanh(z1[i]))


@pytest.mark.book
def test_page_single_neuron_gradient():
    _page_single_neuron("m3/training", "m3_neuron_", TRAINING_NEURON)
    _page_single_neuron("m3/summary", "m3_summary_gradient_", SUMMARY_NEURON)


@pytest.mark.book
def test_page_parameter_counts():
    sizes = [1, 6, 7, 2]
    weights = sum(a * b for a, b in zip(sizes[:-1], sizes[1:]))
    biases = sum(sizes[1:])
    assert_states("m3/neural-networks", "m3_net_parameters", weights + biases)
    assert_states("m3/training", "m3_bp_params", weights + biases)
    assert_states("m3/training", "m3_bp_fd_evals", 2 * (weights + biases))  # two runs per central difference
    assert_states("m3/summary", "m3_summary_weights", weights)
    assert_states("m3/summary", "m3_summary_biases", biases)
    assert_states("m3/summary", "m3_summary_runs", 2 * (weights + biases))


@pytest.mark.book
@pytest.mark.parametrize(
    "doc, name, wrong, check",
    [
        ("m3/chain-rule", "m3_ellipse_dfdt", -4.330227, _page_chain_rule_numbers),
        ("m3/chain-rule", "m3_order_right", 500_000_000, _page_chain_rule_numbers),
        (
            "m3/training",
            "m3_neuron_dC_db",
            1.1186,
            lambda: _page_single_neuron("m3/training", "m3_neuron_", TRAINING_NEURON),
        ),
    ],
)
def test_page_checks_fail_on_a_changed_value(monkeypatch, tmp_path, doc, name, wrong, check):
    check()  # the built page passes
    change_glued_value(monkeypatch, tmp_path, doc, name, wrong)
    with pytest.raises(AssertionError, match=name):
        check()
