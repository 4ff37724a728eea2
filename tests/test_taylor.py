"""Tests of mvcalc.taylor against independent references.

References: sympy's derivatives at the centre (Taylor coefficients), closed-form
derivatives of exponentials and sines (property tests), exact reproduction of
polynomials, analytic Jacobians, and the convergence order of the local models
measured as the slope of the error on a log-log scale.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

import mvcalc
from mvcalc import linearise, quadratic_model, taylor_coefficients, taylor_polynomial
from mvcalc.taylor import LocalModel, TaylorPolynomial

_x = sp.Symbol("x")

# (name, numpy function, sympy expression, centres a inside the disc of convergence)
FUNCTIONS = [
    ("exp", np.exp, sp.exp(_x), [0.0, 1.0, -2.0, 3.0]),
    ("sin", np.sin, sp.sin(_x), [0.0, 1.0, -2.0, np.pi]),
    ("cos", np.cos, sp.cos(_x), [0.0, 1.5, -2.0, np.pi / 2]),
    ("1/(1-x)", lambda x: 1 / (1 - x), 1 / (1 - _x), [0.0, 0.5, -0.5, 0.9, -3.0]),
    ("log", np.log, sp.log(_x), [1.0, 0.5, 2.0, 10.0]),
    ("x e^x", lambda x: x * np.exp(x), _x * sp.exp(_x), [0.0, 1.0, -1.0]),
    ("tanh", np.tanh, sp.tanh(_x), [0.0, 0.5]),
    ("exp(-x²)", lambda x: np.exp(-(x**2)), sp.exp(-(_x**2)), [0.0, 0.7]),
]
CASES = [(name, f, expr, a) for name, f, expr, centres in FUNCTIONS for a in centres]


def sympy_coefficients(expr: sp.Expr, a: float, n: int) -> np.ndarray:
    """f^(k)(a)/k! for k = 0..n from sympy's symbolic derivatives."""
    return np.array([float(sp.diff(expr, _x, k).subs(_x, a) / sp.factorial(k)) for k in range(n + 1)])


def assert_coefficients_close(computed: np.ndarray, reference: np.ndarray, rtol: float = 1e-10) -> None:
    """Relative error below rtol; zero coefficients within rtol times the largest.

    A coefficient counts as zero if it is below 1e-12 of the largest: sin at the
    float nearest pi is 1.2e-16, not 0, but no float64 method can resolve it.
    """
    scale = np.max(np.abs(reference))
    for k, (c, ref) in enumerate(zip(computed, reference, strict=True)):
        bound = rtol * (abs(ref) if abs(ref) > 1e-12 * scale else scale)
        assert abs(c - ref) <= bound, f"k={k}: got {c!r}, expected {ref!r}"


# ---------------------------------------------------------------------------
# taylor_coefficients against sympy
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "f", "expr", "a"), CASES, ids=[f"{c[0]}@{c[3]:.3g}" for c in CASES])
def test_coefficients_match_sympy_up_to_order_10(name, f, expr, a):
    computed = taylor_coefficients(f, a, 10)
    assert computed.shape == (11,) and computed.dtype == np.float64
    assert_coefficients_close(computed, sympy_coefficients(expr, a, 10))


@pytest.mark.parametrize("n", [0, 1, 2, 5])
def test_every_order_gives_the_exact_coefficients(n):
    # e^x about 0.5: the k-th coefficient is e^0.5 / k!, whatever the order asked for
    short = taylor_coefficients(np.exp, 0.5, n)
    assert short.shape == (n + 1,)
    exact = [math.exp(0.5) / math.factorial(k) for k in range(n + 1)]
    np.testing.assert_allclose(short, exact, rtol=1e-12)


def test_maclaurin_series_of_textbook_functions():
    k = np.arange(11)
    factorials = np.array([math.factorial(j) for j in k], dtype=float)
    np.testing.assert_allclose(taylor_coefficients(np.exp, 0.0, 10), 1 / factorials, rtol=1e-12)
    # cos is even: its odd coefficients vanish (to rounding), the even ones alternate.
    cos = taylor_coefficients(np.cos, 0.0, 10)
    assert np.all(np.abs(cos[1::2]) < 1e-14)
    np.testing.assert_allclose(cos[::2], (-1.0) ** (k[::2] // 2) / factorials[::2], rtol=1e-12)
    # 1/x has no expansion at 0, so expand about 1: coefficients (-1)^k.
    np.testing.assert_allclose(taylor_coefficients(lambda x: 1 / x, 1.0, 10), (-1.0) ** k, rtol=1e-10)


def test_high_order_beyond_ten_still_works():
    c = taylor_coefficients(np.exp, 0.0, 20)
    np.testing.assert_allclose(c, [1 / math.factorial(k) for k in range(21)], rtol=1e-9)


def test_constant_and_zero_functions():
    np.testing.assert_allclose(taylor_coefficients(lambda x: 3.0, 1.0, 3), [3.0, 0.0, 0.0, 0.0], atol=1e-14)
    np.testing.assert_array_equal(taylor_coefficients(lambda x: 0 * x, 0.0, 3), np.zeros(4))


def test_integer_arguments_are_accepted():
    np.testing.assert_allclose(taylor_coefficients(np.exp, 0, np.int64(2)), [1.0, 1.0, 0.5], rtol=1e-12)


# ---------------------------------------------------------------------------
# Property tests
# ---------------------------------------------------------------------------

unit = st.floats(-1.0, 1.0, allow_nan=False)


@settings(max_examples=30)
@given(
    coefficients=st.lists(unit, min_size=1, max_size=7),
    extra=st.integers(0, 3),
    a=st.floats(-1.5, 1.5),
    t=st.lists(st.floats(-2.0, 2.0), min_size=1, max_size=5),
)
def test_taylor_polynomial_reproduces_a_polynomial_of_lower_degree(coefficients, extra, a, t):
    poly = np.polynomial.Polynomial(coefficients)  # accepts complex input
    n = len(coefficients) - 1 + extra
    p = taylor_polynomial(poly, a, n)
    x = a + np.array(t)
    scale = np.sum(np.abs(coefficients)) * (1 + abs(a) + 2) ** (len(coefficients) - 1)
    np.testing.assert_allclose(p(x), poly(x), atol=1e-11 * scale)
    # The coefficients of degree above the polynomial's vanish.
    assert np.all(np.abs(p.coefficients[len(coefficients) :]) <= 1e-11 * scale)


@settings(max_examples=30)
@given(
    b=st.floats(-1.5, 1.5),
    c=st.floats(-1.5, 1.5),
    a=st.floats(-2.0, 2.0),
    n=st.integers(0, 8),
)
def test_derivatives_of_the_taylor_polynomial_match_the_function(b, c, a, n):
    """p^(k)(a) = f^(k)(a) for k <= n, for f = exp(bx) + sin(cx), whose derivatives are closed-form."""
    f = lambda x: np.exp(b * x) + np.sin(c * x)  # noqa: E731
    exact = [b**k * np.exp(b * a) + c**k * np.sin(c * a + k * np.pi / 2) for k in range(n + 1)]
    p = taylor_polynomial(f, a, n)
    # Recover p's derivatives at a from its values alone: interpolate p at n + 1
    # Chebyshev points around a and differentiate the interpolant.
    t = np.cos(np.pi * (np.arange(n + 1) + 0.5) / (n + 1))
    fitted = np.polynomial.Polynomial.fit(t, p(a + t), n, domain=[-1, 1], window=[-1, 1])
    for k in range(n + 1):
        got = fitted.deriv(k)(0.0) if k else fitted(0.0)
        assert got == pytest.approx(exact[k], rel=1e-8, abs=1e-8 * max(1.0, np.exp(abs(b * a))))


# ---------------------------------------------------------------------------
# taylor_polynomial
# ---------------------------------------------------------------------------


def test_taylor_polynomial_is_a_vectorised_callable_with_attributes():
    p = taylor_polynomial(np.cos, 0.0, 4)
    assert isinstance(p, TaylorPolynomial)
    assert p.a == 0.0 and p.n == 4 and p.coefficients.shape == (5,)
    assert isinstance(p(0.5), float)
    assert p(0.5) == pytest.approx(1 - 0.5**2 / 2 + 0.5**4 / 24, rel=1e-12)
    grid = np.linspace(-1, 1, 6).reshape(2, 3)
    np.testing.assert_allclose(p(grid), 1 - grid**2 / 2 + grid**4 / 24, rtol=1e-12)
    assert p(grid).shape == (2, 3)
    assert repr(p) == "TaylorPolynomial(a=0.0, n=4, coefficients=[1, 0, -0.5, 0, 0.0416667])"


def test_taylor_polynomial_error_shrinks_like_the_next_power():
    """The error of the order-n polynomial of exp about 0 behaves like x^(n+1)/(n+1)!."""
    p = taylor_polynomial(np.exp, 0.0, 3)
    for h in [0.1, 0.01]:
        assert np.exp(h) - p(h) == pytest.approx(h**4 / 24, rel=0.05)


def test_taylor_polynomial_about_one_of_one_over_x_misses_the_asymptote():
    p = taylor_polynomial(lambda x: 1 / x, 1.0, 6)
    assert p(1.1) == pytest.approx(1 / 1.1, rel=1e-6)
    assert p(-1.0) > 0  # the series knows nothing of x < 0


def test_taylor_polynomial_rejects_bad_points():
    p = taylor_polynomial(np.exp, 0.0, 2)
    with pytest.raises(TypeError, match="x must be a real number"):
        p("1")
    with pytest.raises(ValueError, match="x must be finite"):
        p(np.nan)


# ---------------------------------------------------------------------------
# taylor_coefficients: bad input
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"f": 3.0}, TypeError, "f must be a callable"),
        ({"a": "0"}, TypeError, "a must be a real number"),
        ({"a": 1 + 0j}, TypeError, "a must be a real number"),
        ({"a": True}, TypeError, "a must be a real number"),
        ({"a": np.array([0.0])}, TypeError, "a must be a real number"),
        ({"a": np.inf}, ValueError, "a must be finite"),
        ({"n": -1}, ValueError, "n must be a non-negative integer"),
        ({"n": 2.0}, TypeError, "n must be a non-negative integer"),
        ({"n": True}, TypeError, "n must be a non-negative integer"),
    ],
)
def test_coefficients_reject_bad_arguments(kwargs, error, match):
    arguments = {"f": np.exp, "a": 0.0, "n": 3} | kwargs
    with pytest.raises(error, match=match):
        taylor_coefficients(arguments["f"], arguments["a"], arguments["n"])


@pytest.mark.parametrize(
    ("f", "a", "error", "match"),
    [
        (math.exp, 0.0, TypeError, "needs f to accept complex input"),
        (np.abs, 1.0, TypeError, "return complex output"),
        (lambda x: np.real(x) ** 2, 1.0, TypeError, "return complex output"),
        (lambda x: np.array(["a"] * x.size), 0.0, TypeError, "f must return numbers"),
        (lambda x: np.ones(3, dtype=complex), 0.0, ValueError, "same shape as its input"),
        (np.log, 0.0, ValueError, "f\\(a\\) is not finite at a = 0.0 \\(f\\(a\\) = -inf\\)"),
        (np.reciprocal, 0.0, ValueError, "no Taylor series about a point where it is undefined"),
        (lambda x: x + 1j, 0.0, ValueError, "f\\(a\\) must be a real number"),
        (lambda x: 1j * x, 0.0, ValueError, "f must be real on the real line"),
        (np.sqrt, 0.0, ValueError, "no convergent power series about a = 0.0"),
        (lambda x: x * np.conj(x), 1.0, ValueError, "no convergent power series"),
    ],
    ids=[
        "math.exp",
        "abs",
        "np.real",
        "strings",
        "wrong shape",
        "log at 0",
        "1/x at 0",
        "complex value",
        "complex coefficients",
        "sqrt at its branch point",
        "not analytic",
    ],
)
def test_coefficients_reject_unsuitable_functions(f, a, error, match):
    with pytest.raises(error, match=match):
        taylor_coefficients(f, a, 3)


def test_polynomial_validates_like_coefficients():
    with pytest.raises(TypeError, match="needs f to accept complex input"):
        taylor_polynomial(math.sin, 0.0, 3)
    with pytest.raises(ValueError, match="n must be a non-negative integer"):
        taylor_polynomial(np.sin, 0.0, -2)


# ---------------------------------------------------------------------------
# linearise and quadratic_model
# ---------------------------------------------------------------------------

RNG_POINTS = np.random.default_rng(0).normal(size=(5, 3))


def test_linearise_is_exact_for_an_affine_function():
    A = np.array([[1.0, -2.0, 0.5], [0.0, 3.0, 1.0]])
    b = np.array([0.5, -1.0])
    f = lambda v: A @ v + b  # noqa: E731
    model = linearise(f, [0.3, -0.2, 1.0])
    assert isinstance(model, LocalModel) and model.order == 1 and model.hessian is None
    np.testing.assert_allclose(model.jacobian, A, atol=1e-9)
    np.testing.assert_allclose(model(RNG_POINTS), RNG_POINTS @ A.T + b, atol=1e-8)
    np.testing.assert_allclose(model(RNG_POINTS[0]), f(RNG_POINTS[0]), atol=1e-8)


def test_quadratic_model_is_exact_for_a_quadratic_function():
    Q = np.array([[2.0, 0.5, 0.0], [0.5, 1.0, -1.0], [0.0, -1.0, 3.0]])
    b = np.array([1.0, -2.0, 0.5])
    f = lambda v: 0.5 * v @ Q @ v + b @ v + 4.0  # noqa: E731
    x0 = np.array([0.2, -0.4, 1.1])
    model = quadratic_model(f, x0)
    assert model.order == 2
    np.testing.assert_allclose(model.value, f(x0), rtol=1e-14)
    np.testing.assert_allclose(model.jacobian, Q @ x0 + b, atol=1e-8)
    np.testing.assert_allclose(model.hessian, Q, atol=1e-6)
    exact = np.array([f(p) for p in RNG_POINTS])
    np.testing.assert_allclose(model(RNG_POINTS), exact, atol=1e-5)
    assert isinstance(model(RNG_POINTS[0]), float)


def _slope_of_error(model, f, x0, direction):
    """The slope of log(error) against log(step) along one direction."""
    steps = 0.1 * 2.0 ** -np.arange(6)
    errors = [abs(np.linalg.norm(np.atleast_1d(model(x0 + s * direction) - f(x0 + s * direction)))) for s in steps]
    return np.polyfit(np.log(steps), np.log(errors), 1)[0]


def smooth(v):
    return np.sin(v[0]) * np.exp(v[1]) + v[0] * v[2] ** 2


def test_linearisation_error_is_second_order():
    x0 = np.array([0.4, -0.3, 0.8])
    direction = np.array([0.6, -0.8, 0.5])
    assert _slope_of_error(linearise(smooth, x0), smooth, x0, direction) == pytest.approx(2.0, abs=0.1)


def test_quadratic_model_error_is_third_order():
    x0 = np.array([0.4, -0.3, 0.8])
    direction = np.array([0.6, -0.8, 0.5])
    assert _slope_of_error(quadratic_model(smooth, x0), smooth, x0, direction) == pytest.approx(3.0, abs=0.1)


def test_vector_valued_linearise_matches_the_analytic_jacobian():
    polar = lambda v: np.array([v[0] * np.cos(v[1]), v[0] * np.sin(v[1])])  # noqa: E731
    r, theta = 2.0, 0.7
    model = linearise(polar, [r, theta])
    expected = np.array([[np.cos(theta), -r * np.sin(theta)], [np.sin(theta), r * np.cos(theta)]])
    np.testing.assert_allclose(model.jacobian, expected, atol=1e-9)
    np.testing.assert_allclose(model.value, polar(np.array([r, theta])), rtol=1e-15)
    assert model([2.1, 0.75]).shape == (2,)
    points = np.array([[2.1, 0.75], [1.9, 0.6], [2.0, 0.7]])
    assert model(points).shape == (3, 2)
    # each row is f(x0) + J (p - x0) with the analytic J, evaluated on all rows at once
    by_hand = polar(np.array([r, theta])) + (points - [r, theta]) @ expected.T
    np.testing.assert_allclose(model(points), by_hand, rtol=1e-9)
    assert _slope_of_error(model, polar, np.array([r, theta]), np.array([1.0, 1.0])) == pytest.approx(2.0, abs=0.1)


def test_scalar_linearise_uses_the_gradient_and_broadcasts():
    f = lambda v: v[0] ** 2 * v[1]  # noqa: E731
    model = linearise(f, [1.0, 2.0])
    np.testing.assert_allclose(model.jacobian, [4.0, 1.0], atol=1e-9)
    assert isinstance(model.value, float)
    assert model(np.ones((4, 2))).shape == (4,)
    assert repr(model) == "LocalModel(linear, x0=[1., 2.], value=2.)"


def test_one_variable_models():
    model = quadratic_model(lambda v: np.exp(v[0]), [0.0])
    assert model([0.1]) == pytest.approx(1 + 0.1 + 0.005, rel=1e-7)
    assert model([[0.1], [0.2]]).shape == (2,)


@pytest.mark.parametrize("build", [linearise, quadratic_model])
@pytest.mark.parametrize(
    ("f", "x0", "error", "match"),
    [
        ("f", [1.0, 2.0], TypeError, "f must be a callable"),
        (lambda v: v @ v, [[1.0, 2.0]], ValueError, "x0 must be a 1-D array"),
        (lambda v: v @ v, [1.0, np.nan], ValueError, "x0 must be finite"),
        (lambda v: v @ v, ["a", "b"], TypeError, "x0 must be a real number"),
        (lambda v: np.outer(v, v), [1.0, 2.0], ValueError, "scalar or a 1-D array"),
        (lambda v: np.log(v[0] - 1), [1.0, 2.0], ValueError, "non-finite"),
        (lambda v: 1j * v[0], [1.0, 2.0], TypeError, "real values"),
    ],
)
def test_models_reject_bad_input(build, f, x0, error, match):
    with np.errstate(divide="ignore"), pytest.raises(error, match=match):
        build(f, x0)


def test_quadratic_model_needs_a_scalar_function():
    with pytest.raises(ValueError, match="quadratic_model needs a scalar f"):
        quadratic_model(lambda v: 2 * v, [1.0, 2.0])


def test_models_reject_points_of_the_wrong_shape():
    model = linearise(lambda v: v @ v, [1.0, 2.0])
    with pytest.raises(ValueError, match=r"x must have shape \(2,\) or \(k, 2\)"):
        model([1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match=r"x must have shape"):
        model(np.ones((2, 2, 2)))
    with pytest.raises(ValueError, match="x must be finite"):
        model([np.inf, 0.0])


def test_top_level_exports():
    for name in ["taylor_coefficients", "taylor_polynomial", "linearise", "quadratic_model"]:
        assert name in mvcalc.__all__ and getattr(mvcalc, name) is getattr(mvcalc.taylor, name)


@pytest.mark.parametrize(
    ("f", "a", "n", "expected"),
    [
        (np.sin, 0.0, 0, [0.0]),
        (lambda z: z**3, 0.0, 2, [0.0, 0.0, 0.0]),
        (lambda z: z**3, 0.0, 4, [0.0, 0.0, 0.0, 1.0, 0.0]),
        (lambda z: 1 / (1 - z), 0.0, 30, np.ones(31)),
        (np.cos, 0.0, 5, [1.0, 0.0, -0.5, 0.0, 1 / 24, 0.0]),
    ],
)
def test_coefficients_that_are_zero_are_not_mistaken_for_complex(f, a, n, expected):
    """Issue 16: when the coefficients asked for are all about zero, rounding noise is not 'complex'."""
    np.testing.assert_allclose(taylor_coefficients(f, a, n), expected, rtol=1e-7, atol=1e-12)


@pytest.mark.parametrize("f", [lambda z: np.exp(1j * z), lambda z: z + 1e-3j * z**2])
def test_a_complex_valued_function_is_still_refused(f):
    with pytest.raises(ValueError, match="f must be real on the real line"):
        taylor_coefficients(f, 0.0, 3)
