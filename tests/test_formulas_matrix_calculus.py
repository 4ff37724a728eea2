"""Every identity that book/m2/matrix-calculus.md states, checked three ways.

Each formula, written here as the page states it, is compared with autograd (reverse-mode
automatic differentiation) and with mvcalc's central differences at seeded random points, for
several random shapes; small cases are also checked symbolically with sympy.
"""

from __future__ import annotations

import autograd
import autograd.numpy as anp
import numpy as np
import pytest
import sympy as sp

import mvcalc

SHAPES = [(2, 3), (4, 4), (7, 5)]  # (m, n): outputs or rows, and inputs
RTOL = 1e-6


def close(formula, reference, rtol=RTOL):
    formula, reference = np.asarray(formula, dtype=float), np.asarray(reference, dtype=float)
    assert formula.shape == reference.shape, (formula.shape, reference.shape)
    scale = max(1.0, float(np.max(np.abs(formula))))
    np.testing.assert_allclose(formula, reference, rtol=0, atol=rtol * scale)


def check_gradient(f, formula, x0):
    """A gradient formula against autograd (to round-off) and finite differences (to RTOL)."""
    close(formula, autograd.grad(f)(x0), rtol=1e-12)
    close(formula, mvcalc.gradient(f, x0))


def check_jacobian(f, formula, x0):
    close(formula, autograd.jacobian(f)(x0), rtol=1e-12)
    close(formula, mvcalc.jacobian(f, x0))


def rng_for(*shape):
    return np.random.default_rng(1300 + 17 * shape[0] + shape[-1])


# ------------------------------------------------------------- linear and quadratic forms


@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_gradient_of_a_linear_form(shape):
    rng = rng_for(*shape)
    n = shape[1]
    a, x0 = rng.normal(size=n), rng.normal(size=n)
    check_gradient(lambda x: anp.dot(a, x), a, x0)


@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_gradient_and_hessian_of_a_quadratic_form(shape):
    rng = rng_for(*shape)
    n = shape[1]
    A, x0 = rng.normal(size=(n, n)), rng.normal(size=n)
    f = lambda x: anp.dot(x, anp.dot(A, x))  # noqa: E731
    check_gradient(f, (A + A.T) @ x0, x0)
    close(A + A.T, autograd.hessian(f)(x0), rtol=1e-12)
    close(A + A.T, mvcalc.hessian(f, x0), rtol=1e-4)
    S = A + A.T
    check_gradient(lambda x: anp.dot(x, anp.dot(S, x)), 2 * S @ x0, x0)
    # only the symmetric part matters: the antisymmetric part's form is zero
    assert abs(x0 @ (A - A.T) @ x0) < 1e-12


def test_quadratic_form_symbolically():
    x = sp.Matrix(sp.symbols("x1:4"))
    A = sp.Matrix(3, 3, sp.symbols("a1:10"))
    f = (x.T * A * x)[0]
    grad = sp.Matrix([sp.diff(f, v) for v in x])
    assert sp.expand(grad - (A + A.T) * x) == sp.zeros(3, 1)
    assert sp.expand(sp.hessian(f, list(x)) - (A + A.T)) == sp.zeros(3, 3)


# ------------------------------------------------------------- least squares, log length


@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_least_squares_gradient_and_hessian(shape):
    rng = rng_for(*shape)
    m, n = shape
    A, b, x0 = rng.normal(size=(m, n)), rng.normal(size=m), rng.normal(size=n)
    f = lambda x: anp.sum((anp.dot(A, x) - b) ** 2)  # noqa: E731
    check_gradient(f, 2 * A.T @ (A @ x0 - b), x0)
    close(2 * A.T @ A, autograd.hessian(f)(x0), rtol=1e-12)
    close(2 * A.T @ A, mvcalc.hessian(f, x0), rtol=1e-4)


def test_least_squares_gradient_is_zero_at_the_normal_equations():
    rng = np.random.default_rng(7)
    A, b = rng.normal(size=(6, 3)), rng.normal(size=6)
    x_ls = np.linalg.solve(A.T @ A, A.T @ b)
    np.testing.assert_allclose(x_ls, np.linalg.lstsq(A, b, rcond=None)[0], rtol=1e-10)
    assert np.linalg.norm(2 * A.T @ (A @ x_ls - b)) < 1e-10


def test_least_squares_symbolically():
    x = sp.Matrix(sp.symbols("x1:3"))
    A = sp.Matrix(3, 2, sp.symbols("a1:7"))
    b = sp.Matrix(sp.symbols("b1:4"))
    r = A * x - b
    f = (r.T * r)[0]
    grad = sp.Matrix([sp.diff(f, v) for v in x])
    assert sp.expand(grad - 2 * A.T * r) == sp.zeros(2, 1)


@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_gradient_of_log_one_plus_length_squared(shape):
    rng = rng_for(*shape)
    x0 = rng.normal(size=shape[1])
    check_gradient(lambda x: anp.log(1 + anp.dot(x, x)), 2 * x0 / (1 + x0 @ x0), x0)


def test_log_length_symbolically():
    x, y = sp.symbols("x y", real=True)
    f = sp.log(1 + x**2 + y**2)
    for v in (x, y):
        assert sp.simplify(sp.diff(f, v) - 2 * v / (1 + x**2 + y**2)) == 0


# ------------------------------------------------------------- elementwise of affine


@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize(
    "phi, dphi",
    [(anp.sin, np.cos), (anp.tanh, lambda z: 1 - np.tanh(z) ** 2)],
    ids=["sin", "tanh"],
)
def test_jacobian_of_an_elementwise_function_of_an_affine_map(shape, phi, dphi):
    rng = rng_for(*shape)
    m, n = shape
    A, b, x0 = rng.normal(size=(m, n)), rng.normal(size=m), rng.normal(size=n)
    z = A @ x0 + b
    formula = dphi(z)[:, None] * A
    np.testing.assert_allclose(formula, np.diag(dphi(z)) @ A, rtol=1e-15)
    check_jacobian(lambda x: phi(anp.dot(A, x) + b), formula, x0)


@pytest.mark.parametrize("phi", [sp.sin, sp.tanh], ids=["sin", "tanh"])
def test_elementwise_jacobian_symbolically(phi):
    x = sp.Matrix(sp.symbols("x1:3"))
    A = sp.Matrix(2, 2, sp.symbols("a1:5"))
    b = sp.Matrix(sp.symbols("b1:3"))
    z = A * x + b
    f = z.applyfunc(phi)
    t = sp.symbols("t")
    dphi = sp.diff(phi(t), t)
    formula = sp.diag(*[dphi.subs(t, zi) for zi in z]) * A
    assert sp.simplify(f.jacobian(x) - formula) == sp.zeros(2, 2)


# ------------------------------------------------------------- with respect to a matrix


@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_derivative_of_the_trace_of_AXB(shape):
    rng = rng_for(*shape)
    p, q = shape
    k = 3
    A, B, X0 = rng.normal(size=(k, p)), rng.normal(size=(q, k)), rng.normal(size=(p, q))
    f = lambda X: anp.trace(anp.dot(A, anp.dot(X, B)))  # noqa: E731
    close(A.T @ B.T, autograd.grad(f)(X0), rtol=1e-12)
    estimate = mvcalc.gradient(lambda v: f(v.reshape(p, q)), X0.ravel()).reshape(p, q)
    close(A.T @ B.T, estimate)


def test_trace_facts():
    rng = np.random.default_rng(3)
    M, N = rng.normal(size=(3, 4)), rng.normal(size=(3, 4))
    assert np.trace(M.T @ N) == pytest.approx(np.sum(M * N), rel=1e-12)
    P, Q = rng.normal(size=(3, 5)), rng.normal(size=(5, 3))
    assert np.trace(P @ Q) == pytest.approx(np.trace(Q @ P), rel=1e-12)


def test_trace_derivative_symbolically():
    X = sp.Matrix(2, 3, sp.symbols("x1:7"))
    A = sp.Matrix(2, 2, sp.symbols("a1:5"))
    B = sp.Matrix(3, 2, sp.symbols("b1:7"))
    f = (A * X * B).trace()
    derivative = sp.Matrix(2, 3, lambda i, j: sp.diff(f, X[i, j]))
    assert sp.expand(derivative - A.T * B.T) == sp.zeros(2, 3)


@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_the_layer_derivatives_with_column_shapes(shape):
    rng = rng_for(*shape)
    m, n = shape
    W, a, b = rng.normal(size=(m, n)), rng.normal(size=(n, 1)), rng.normal(size=(m, 1))
    y = rng.normal(size=(m, 1))

    def cost(W_, a_, b_):
        return anp.sum((anp.tanh(anp.dot(W_, a_) + b_) - y) ** 2)

    out = np.tanh(W @ a + b)
    delta = 2 * (out - y) * (1 - out**2)
    assert delta.shape == (m, 1)
    close(delta @ a.T, autograd.grad(cost, 0)(W, a, b), rtol=1e-12)
    close(delta, autograd.grad(cost, 2)(W, a, b), rtol=1e-12)
    close(W.T @ delta, autograd.grad(cost, 1)(W, a, b), rtol=1e-12)
    close(delta @ a.T, mvcalc.gradient(lambda v: cost(v.reshape(m, n), a, b), W.ravel()).reshape(m, n))
    close(delta, mvcalc.gradient(lambda v: cost(W, a, v.reshape(m, 1)), b.ravel()).reshape(m, 1))
    close(W.T @ delta, mvcalc.gradient(lambda v: cost(W, v.reshape(n, 1), b), a.ravel()).reshape(n, 1))
    # the outer product of Module 3's theorem, written for 1-D arrays
    np.testing.assert_allclose(delta @ a.T, np.outer(delta, a), rtol=1e-15)


def test_the_layer_derivative_symbolically():
    W = sp.Matrix(2, 2, sp.symbols("w1:5"))
    a = sp.Matrix(sp.symbols("a1:3"))
    b = sp.Matrix(sp.symbols("b1:3"))
    y = sp.Matrix(sp.symbols("y1:3"))
    z = W * a + b
    C = sum((sp.tanh(zi) - yi) ** 2 for zi, yi in zip(z, y, strict=True))
    zs = sp.Matrix(sp.symbols("z1:3"))
    C_z = sum((sp.tanh(zi) - yi) ** 2 for zi, yi in zip(zs, y, strict=True))
    delta = sp.Matrix([sp.diff(C_z, v) for v in zs]).subs(dict(zip(zs, z, strict=True)))
    dW = sp.Matrix(2, 2, lambda i, j: sp.diff(C, W[i, j]))
    assert sp.simplify(dW - delta * a.T) == sp.zeros(2, 2)
    assert sp.simplify(sp.Matrix([sp.diff(C, v) for v in a]) - W.T * delta) == sp.zeros(2, 1)


# ------------------------------------------------------------- layouts


@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_the_two_layouts_hold_the_same_numbers(shape):
    rng = rng_for(*shape)
    m, n = shape
    A, b, x0 = rng.normal(size=(m, n)), rng.normal(size=m), rng.normal(size=n)
    r = A @ x0 - b
    f = lambda x: anp.sum((anp.dot(A, x) - b) ** 2)  # noqa: E731
    numerator = (2 * r)[None, :] @ A  # d f/dr times dr/dx, outermost first
    denominator = A.T @ (2 * r)[:, None]  # the same chain, reversed
    np.testing.assert_allclose(numerator, denominator.T, rtol=1e-12)
    close(numerator, mvcalc.jacobian(f, x0))
    close(denominator[:, 0], autograd.grad(f)(x0), rtol=1e-12)
    # d(Ax)/dx: A in numerator layout (the Jacobian), its transpose in denominator layout
    close(A, autograd.jacobian(lambda x: anp.dot(A, x))(x0), rtol=1e-12)


# ------------------------------------------------------------- the quadratic bowl


@pytest.mark.parametrize("n", [2, 4, 6])
def test_the_bowl_gradient_hessian_and_minimum(n):
    rng = np.random.default_rng(50 + n)
    M = rng.normal(size=(n, n))
    A = M @ M.T + n * np.eye(n)
    b, x0 = rng.normal(size=n), rng.normal(size=n)
    f = lambda x: 0.5 * anp.dot(x, anp.dot(A, x)) - anp.dot(b, x)  # noqa: E731
    check_gradient(f, A @ x0 - b, x0)
    close(A, autograd.hessian(f)(x0), rtol=1e-12)
    x_star = np.linalg.solve(A, b)
    assert np.linalg.norm(autograd.grad(f)(x_star)) < 1e-10
    assert np.all(np.linalg.eigvalsh(A) > 0)
    lams = np.linalg.eigvalsh(A)
    run = mvcalc.gradient_descent(lambda x: A @ x - b, np.zeros(n), step=2 / (lams[0] + lams[-1]), gtol=1e-10)
    assert run.success
    np.testing.assert_allclose(run.x, x_star, atol=1e-8)


@pytest.mark.parametrize("n", [2, 3, 5])
def test_the_bowl_with_a_non_symmetric_matrix_uses_its_symmetric_part(n):
    rng = np.random.default_rng(60 + n)
    A, b, x0 = rng.normal(size=(n, n)), rng.normal(size=n), rng.normal(size=n)
    f = lambda x: 0.5 * anp.dot(x, anp.dot(A, x)) - anp.dot(b, x)  # noqa: E731
    check_gradient(f, 0.5 * (A + A.T) @ x0 - b, x0)
    assert not np.allclose(A @ x0 - b, 0.5 * (A + A.T) @ x0 - b)


def test_the_bowl_symbolically():
    x = sp.Matrix(sp.symbols("x1:3"))
    a11, a12, a22, b1, b2 = sp.symbols("a11 a12 a22 b1 b2")
    A = sp.Matrix([[a11, a12], [a12, a22]])
    b = sp.Matrix([b1, b2])
    f = (x.T * A * x)[0] / 2 - (b.T * x)[0]
    grad = sp.Matrix([sp.diff(f, v) for v in x])
    assert sp.expand(grad - (A * x - b)) == sp.zeros(2, 1)
    solution = sp.solve(list(grad), list(x), dict=True)[0]
    assert sp.simplify(sp.Matrix([solution[v] for v in x]) - A.inv() * b) == sp.zeros(2, 1)


# ------------------------------------------------------------- the exercises


def test_exercise_quadratic_plus_linear():
    rng = np.random.default_rng(11)
    for n in (2, 3, 6):
        B, c, x0 = rng.normal(size=(n, n)), rng.normal(size=n), rng.normal(size=n)
        f = lambda x, B=B, c=c: anp.dot(x, anp.dot(B, x)) + anp.dot(c, x)  # noqa: E731
        check_gradient(f, (B + B.T) @ x0 + c, x0)
        close(B + B.T, autograd.hessian(f)(x0), rtol=1e-12)


@pytest.mark.parametrize("n", [2, 3, 5])
def test_exercise_logistic_loss(n):
    rng = np.random.default_rng(20 + n)
    X, labels, w0 = rng.normal(size=(15, n)), rng.choice([-1.0, 1.0], size=15), rng.normal(size=n)

    def loss(w):
        return anp.sum(anp.log(1 + anp.exp(-labels * anp.dot(X, w))))

    formula = -X.T @ (labels * mvcalc.nn.sigmoid(-labels * (X @ w0)))
    check_gradient(loss, formula, w0)


def test_exercise_logistic_loss_symbolically():
    w1, w2, x1, x2, yk = sp.symbols("w1 w2 x1 x2 y", real=True)
    u = -yk * (w1 * x1 + w2 * x2)
    loss = sp.log(1 + sp.exp(u))
    sigma = 1 / (1 + sp.exp(-u))
    for w, x in ((w1, x1), (w2, x2)):
        assert sp.simplify(sp.diff(loss, w) - (-yk * sigma * x)) == 0


@pytest.mark.parametrize("n", [2, 4])
def test_exercise_gaussian_exponent(n):
    rng = np.random.default_rng(30 + n)
    L = rng.normal(size=(n, n))
    P = L @ L.T + n * np.eye(n)
    mu, x0 = rng.normal(size=n), rng.normal(size=n)
    d = x0 - mu

    def expo(x, m, P_):
        return -0.5 * anp.dot(x - m, anp.dot(P_, x - m))

    check_gradient(lambda x: expo(x, mu, P), -P @ d, x0)
    check_gradient(lambda m: expo(x0, m, P), P @ d, mu)
    close(-0.5 * np.outer(d, d), autograd.grad(lambda P_: expo(x0, mu, P_))(P), rtol=1e-12)
    estimate = mvcalc.gradient(lambda v: expo(x0, mu, v.reshape(n, n)), P.ravel()).reshape(n, n)
    close(-0.5 * np.outer(d, d), estimate)
