"""Tests of mvcalc.derivatives against independent references.

References: sympy (symbolic derivatives, lambdified to numpy), exact rational
arithmetic (fractions.Fraction) for polynomials, and the truncation/round-off
error model of each finite-difference method.
"""

from __future__ import annotations

import math
import warnings
from fractions import Fraction

import numpy as np
import pytest
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st

from mvcalc import default_step, derivative, secant_slope

EPS = np.finfo(np.float64).eps
METHODS = ("forward", "backward", "central", "complex")

# ---------------------------------------------------------------------------
# A named set of smooth one-variable functions of unit scale (|f|, |f''|,
# |f'''| of order one on [-2, 2]); all are analytic, so the complex step
# applies to every one of them.
# ---------------------------------------------------------------------------
_x = sp.Symbol("x", real=True)

FUNCTIONS_1D = [
    ("sin", sp.sin(_x)),
    ("exp", sp.exp(_x)),
    ("x³ − 2x", _x**3 - 2 * _x),
    ("log(1+x²)", sp.log(1 + _x**2)),
    ("tanh", sp.tanh(_x)),
    ("sigmoid", 1 / (1 + sp.exp(-_x))),
    ("gaussian", sp.exp(-(_x**2) / 2)),
    ("sqrt(1+x²)", sp.sqrt(1 + _x**2)),
    ("x·sin(x)", _x * sp.sin(_x)),
    ("atan", sp.atan(_x)),
]
POINTS_1D = (-1.7, -0.6, 0.0, 0.45, 1.3, 2.0)

# Tolerances on |error| / max(|f'(x)|, 1), from each method's error model with
# the step that balances the two terms (f and its derivatives of order one):
#   forward/backward: (h/2)|f''| + 2 eps|f|/h with h = sqrt(eps) = 1.5e-8
#                     -> a few times 1.5e-8; allow 1e-7.
#   central:          (h^2/6)|f'''| + eps|f|/h with h = eps^(1/3) = 6.1e-6
#                     -> 6e-12|f'''| + 3.7e-11|f| ~ 1e-10; allow 1e-9.
#   complex:          (h^2/6)|f'''| with h = 1e-20 is ~1e-41, and there is no
#                     subtraction, so only the rounding of evaluating f at a
#                     complex point remains (tens of eps); allow 1e-14.
TOLERANCE = {"forward": 1e-7, "backward": 1e-7, "central": 1e-9, "complex": 1e-14}


def _numeric(expr):
    """f and f' as numpy functions: f by lambdify, f' by symbolic differentiation."""
    f = sp.lambdify(_x, expr, "numpy")
    df = sp.lambdify(_x, sp.diff(expr, _x), "numpy")
    return f, df


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("expr", [e for _, e in FUNCTIONS_1D], ids=[n for n, _ in FUNCTIONS_1D])
def test_matches_sympy_at_several_points(expr, method):
    f, df = _numeric(expr)
    for x in POINTS_1D:
        exact = float(df(x))
        got = derivative(f, x, method=method)
        assert isinstance(got, float)
        assert abs(got - exact) / max(abs(exact), 1.0) <= TOLERANCE[method], (x, got, exact)


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("expr", [e for _, e in FUNCTIONS_1D], ids=[n for n, _ in FUNCTIONS_1D])
def test_matches_sympy_on_an_array_of_points(expr, method):
    f, df = _numeric(expr)
    x = np.linspace(-2.0, 2.0, 41)
    got = derivative(f, x, method=method)
    exact = df(x)
    assert got.shape == x.shape
    assert np.all(np.abs(got - exact) / np.maximum(np.abs(exact), 1.0) <= TOLERANCE[method])


# ---------------------------------------------------------------------------
# The default step sits at the bottom of the error curve.
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("method", ["forward", "backward", "central"])
@pytest.mark.parametrize("x0", [-0.8, 0.3, 0.9])
@pytest.mark.parametrize("name", ["sin", "exp"])
def test_default_step_is_near_the_minimum_of_the_error_curve(name, x0, method):
    f, df = {"sin": (np.sin, np.cos), "exp": (np.exp, np.exp)}[name]
    # Round-off error is noise: measure the RMS error over 201 nearby points,
    # so that one lucky step cannot set the minimum.
    xs = x0 + np.linspace(-0.05, 0.05, 201)

    def rms_error(h):
        return np.sqrt(np.mean((derivative(f, xs, h=h, method=method) - df(xs)) ** 2))

    grid = np.logspace(-13, -1, 121)
    errors = np.array([rms_error(h) for h in grid])
    # The error curve has an interior minimum (truncation on the right,
    # round-off on the left), so the grid brackets the best step.
    assert 0 < errors.argmin() < grid.size - 1
    default_error = np.sqrt(np.mean((derivative(f, xs, method=method) - df(xs)) ** 2))
    assert default_error <= 3.0 * errors.min()
    # and the default is much better than a step 100 times larger or smaller.
    h0 = default_step(x0, method)
    assert default_error * 10 < min(rms_error(100 * h0), rms_error(h0 / 100))


def test_default_step_has_the_shape_of_x_and_grows_with_x():
    x = np.array([[0.0, 0.5], [-3.0, 100.0]])
    for method in METHODS:
        h = default_step(x, method)
        assert h.shape == x.shape
        assert np.all(h > 0)
        # unit-scale points share one step; beyond |x| = 1 it scales with |x|
        assert h[0, 0] == h[0, 1]
        assert h[1, 1] / h[0, 0] == pytest.approx(100.0)
        assert h[1, 0] / h[0, 0] == pytest.approx(3.0)
    assert isinstance(default_step(0.0), float)
    # the step balances truncation and round-off: ~sqrt(eps) one-sided, ~eps^(1/3) central
    assert default_step(0.0, "forward") == pytest.approx(math.sqrt(EPS), rel=0.5)
    assert default_step(0.0, "central") == pytest.approx(EPS ** (1 / 3), rel=0.5)
    assert default_step(0.0, "complex") < 1e-15


@pytest.mark.parametrize("method", METHODS)
def test_derivative_uses_default_step(method):
    for x in (0.3, -2.5, 40.0):
        assert derivative(np.exp, x, method=method) == derivative(np.exp, x, h=default_step(x, method), method=method)


# ---------------------------------------------------------------------------
# Order of accuracy, in the truncation regime (h from 1e-2 down to 6e-4).
# ---------------------------------------------------------------------------
ORDER = {"forward": 1, "backward": 1, "central": 2, "complex": 2}


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("name", ["sin", "exp"])
def test_order_of_accuracy(name, method):
    f, df = {"sin": (np.sin, np.cos), "exp": (np.exp, np.exp)}[name]
    x = 0.7
    steps = 1e-2 / 2.0 ** np.arange(5)
    errors = np.array([derivative(f, x, h=h, method=method) - df(x) for h in steps])
    ratios = errors[:-1] / errors[1:]
    # halving h halves a first-order error and quarters a second-order one
    assert np.allclose(ratios, 2.0 ** ORDER[method], rtol=0.05), ratios


# Leading error terms from Taylor's theorem:
#   forward  - f' ≈ +h f''/2,   backward - f' ≈ -h f''/2,
#   central  - f' ≈ +h² f'''/6, complex  - f' ≈ -h² f'''/6.
@pytest.mark.parametrize("method", METHODS)
def test_leading_error_term(method):
    x, h = 0.4, 1e-3
    f2, f3 = -math.sin(x), -math.cos(x)  # f = sin
    predicted = {
        "forward": h * f2 / 2,
        "backward": -h * f2 / 2,
        "central": h**2 * f3 / 6,
        "complex": -(h**2) * f3 / 6,
    }[method]
    error = derivative(np.sin, x, h=h, method=method) - math.cos(x)
    assert error == pytest.approx(predicted, rel=0.02)


# ---------------------------------------------------------------------------
# Vectorisation
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("shape", [(), (1,), (5,), (2, 3), (2, 3, 4), (0,)], ids=str)
def test_vectorised_over_shapes(shape, method):
    rng = np.random.default_rng(7)
    x = rng.uniform(-3, 3, size=shape)
    got = derivative(np.sin, x, method=method)
    if shape == ():
        assert isinstance(got, float)
    else:
        assert isinstance(got, np.ndarray)
        assert got.shape == shape
        assert got.dtype == np.float64
    np.testing.assert_allclose(got, np.cos(x), rtol=0, atol=3 * TOLERANCE[method])
    # each element is what a scalar call would give, bit for bit
    elementwise = np.array([derivative(np.sin, float(v), method=method) for v in np.ravel(x)])
    assert np.array_equal(np.ravel(got), elementwise)


def test_accepts_lists_and_integers():
    got = derivative(lambda x: x**2, [1, 2, -3])
    np.testing.assert_allclose(got, [2.0, 4.0, -6.0], rtol=1e-9)
    assert derivative(lambda x: x**2, 3) == pytest.approx(6.0, rel=1e-9)


def test_constant_function_returning_a_scalar():
    got = derivative(lambda x: 4.0, np.array([0.5, 1.5]))
    assert got.shape == (2,)
    assert np.all(got == 0.0)


def test_caller_array_is_not_modified():
    x = np.array([0.1, 0.2, 0.3])
    before = x.copy()

    def f(t):
        t += 1.0  # a careless f that mutates its argument
        return t**2

    for method in METHODS:
        derivative(f, x, method=method)
        assert np.array_equal(x, before)


# ---------------------------------------------------------------------------
# secant_slope
# ---------------------------------------------------------------------------
def test_secant_slope_on_a_quadratic_examples():
    # ((x + h)^2 - x^2) / h = 2x + h
    assert secant_slope(lambda x: x**2, 1.0, 0.5) == 2.5
    assert secant_slope(lambda x: x**2, 3.0, -1.0) == 5.0
    got = secant_slope(lambda x: x**2, 1.0, [1.0, 0.5, 0.25, -0.5])
    assert np.array_equal(got, [3.0, 2.5, 2.25, 1.5])


@given(
    a=st.integers(-64, 64),
    b=st.integers(-64, 64),
    c=st.integers(-64, 64),
    xi=st.integers(-256, 256),
    hi=st.integers(-256, 256).filter(lambda v: v != 0),
)
def test_secant_slope_exact_on_dyadic_quadratics(a, b, c, xi, hi):
    # With x = xi/16 and h = hi/64 every intermediate value is a dyadic rational
    # with few bits, so float arithmetic is exact and so must the slope be:
    # (p(x+h) - p(x)) / h = 2ax + b + ah for p = a x^2 + b x + c.
    x, h = xi / 16, hi / 64
    exact = Fraction(2 * a) * Fraction(x) + b + a * Fraction(h)
    got = secant_slope(lambda t: a * t**2 + b * t + c, x, h)
    assert Fraction(got) == exact


@given(
    x=st.floats(-10, 10),
    h=st.floats(1e-6, 1.0) | st.floats(-1.0, -1e-6),
)
def test_secant_slope_of_square_within_rounding(x, h):
    got = secant_slope(np.square, x, h)
    # three roundings (two squares, one subtraction) of values <= (|x|+|h|)^2,
    # plus the rounding of x + h (|x| eps, amplified by |2x + h| / |h|), all over |h|
    bound = 4 * EPS * ((abs(x) + abs(h)) ** 2 + abs(x) * abs(2 * x + h)) / abs(h)
    assert abs(got - (2 * x + h)) <= bound


def test_secant_slope_broadcasts_and_converges_to_derivative():
    x = np.array([[0.0], [0.5], [1.0]])
    h = np.array([1e-1, 1e-3, -1e-3, 1e-5])
    got = secant_slope(np.exp, x, h)
    assert got.shape == (3, 4)
    # exactly, (e^(x+h) - e^x) / h = e^x expm1(h) / h; the rounding of the two
    # values of exp, over |h| >= 1e-5, leaves a relative error below ~1e-10.
    np.testing.assert_allclose(got, np.exp(x) * np.expm1(h) / h, rtol=1e-10)
    # and it approaches the derivative e^x as h shrinks, with error ~ h e^x / 2
    assert np.all(np.abs(got - np.exp(x)) <= 0.6 * np.abs(h) * np.exp(x) + 1e-10)


# ---------------------------------------------------------------------------
# Property-based: random polynomials against their exact derivative.
# ---------------------------------------------------------------------------
polynomials = st.lists(st.integers(-10, 10), min_size=1, max_size=6)  # degree <= 5
points = st.floats(-2.0, 2.0)


def _horner(coeffs, t):
    acc = 0.0 * t
    for c in reversed(coeffs):
        acc = acc * t + c
    return acc


def _exact_derivative(coeffs, x):
    xf = Fraction(x)
    return float(sum(k * c * xf ** (k - 1) for k, c in enumerate(coeffs) if k))


def _bound_of_kth_derivative(coeffs, k, r):
    """Bound of |p^(k)| on [-r, r]."""
    return sum(abs(c) * math.perm(j, k) * r ** (j - k) for j, c in enumerate(coeffs) if j >= k)


@pytest.mark.parametrize("method", ["forward", "backward", "central"])
@given(coeffs=polynomials, x=points)
def test_random_polynomial_real_methods(method, coeffs, x):
    # The step the method should use (theory, not read back from the library)
    h = (math.sqrt(EPS) if method != "central" else EPS ** (1 / 3)) * max(1.0, abs(x))
    r = abs(x) + 2 * h
    M = [_bound_of_kth_derivative(coeffs, k, r) for k in range(6)]
    # Taylor: forward/backward error = sum_{k>=2} h^(k-1)/k! p^(k);
    #         central error          = sum_{k=3,5} h^(k-1)/k! p^(k).
    orders = range(2, 6) if method != "central" else (3, 5)
    truncation = sum(h ** (k - 1) / math.factorial(k) * M[k] for k in orders)
    # Horner's rule in float64 errs by at most 2*deg*eps*sum|c_j||x|^j per value;
    # two values over a denominator of h (one-sided) or 2h (central).
    roundoff = 2 * (2 * 5 * EPS * M[0]) / h
    got = derivative(lambda t: _horner(coeffs, t), x, method=method)
    exact = _exact_derivative(coeffs, x)
    assert abs(got - exact) <= 2 * (truncation + roundoff) + 4 * EPS * abs(exact)


@given(coeffs=polynomials, x=points)
def test_random_polynomial_complex_step(coeffs, x):
    got = derivative(lambda t: _horner(coeffs, t), x, method="complex")
    exact = _exact_derivative(coeffs, x)
    # no subtraction: only the rounding of complex Horner, relative to the
    # condition scale sum k|c_k||x|^(k-1) of the derivative
    scale = max(1.0, _bound_of_kth_derivative(coeffs, 1, abs(x)))
    assert abs(got - exact) <= 1e-13 * scale


@given(x=st.floats(-3.0, 3.0), h=st.floats(1e-200, 1e-8))
def test_complex_step_is_exact_to_rounding_for_any_tiny_step(x, h):
    got = derivative(lambda t: np.exp(np.sin(t)), x, h=h, method="complex")
    exact = math.cos(x) * math.exp(math.sin(x))
    assert abs(got - exact) <= 1e-13 * max(1.0, abs(exact))


# ---------------------------------------------------------------------------
# Bad input: each raises the documented error with a message that says what
# was wrong.
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("fn", [derivative, secant_slope])
def test_f_not_callable(fn):
    args = (1.0,) if fn is derivative else (1.0, 0.1)
    with pytest.raises(TypeError, match=r"f must be a callable"):
        fn(3.0, *args)
    with pytest.raises(TypeError, match=r"f must be a callable.*str"):
        fn("sin", *args)


@pytest.mark.parametrize(
    "x",
    [1 + 2j, np.array([1.0, 2j]), "1.0", True, np.array([True, False]), None, [1.0, "a"]],
    ids=["complex", "complex array", "str", "bool", "bool array", "None", "mixed list"],
)
def test_x_not_real(x):
    with pytest.raises(TypeError, match=r"x must be a real number"):
        derivative(np.sin, x)
    with pytest.raises(TypeError, match=r"x must be a real number"):
        secant_slope(np.sin, x, 0.1)
    with pytest.raises(TypeError, match=r"x must be a real number"):
        default_step(x)


@pytest.mark.parametrize("x", [np.nan, np.inf, -np.inf, [0.0, np.nan], [[1.0], [np.inf]]], ids=str)
def test_x_not_finite(x):
    with pytest.raises(ValueError, match=r"x must be finite"):
        derivative(np.sin, x)
    with pytest.raises(ValueError, match=r"x must be finite"):
        secant_slope(np.sin, x, 0.1)


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("h", [0, 0.0, -1e-3, -1, np.nan, np.inf], ids=str)
def test_h_not_positive(h, method):
    with pytest.raises(ValueError, match=r"h must be a finite positive number"):
        derivative(np.sin, 1.0, h=h, method=method)


@pytest.mark.parametrize("h", ["0.1", 1j, True, [0.1]], ids=str)
def test_h_not_a_number(h):
    with pytest.raises(TypeError, match=r"h must be a positive real number"):
        derivative(np.sin, 1.0, h=h)


def test_secant_slope_bad_run():
    with pytest.raises(ValueError, match=r"h must be non-zero"):
        secant_slope(np.sin, 1.0, 0.0)
    with pytest.raises(ValueError, match=r"h must be non-zero"):
        secant_slope(np.sin, [1.0, 2.0], [0.1, 0.0])
    with pytest.raises(ValueError, match=r"h must be finite"):
        secant_slope(np.sin, 1.0, np.nan)
    with pytest.raises(TypeError, match=r"h must be a real number"):
        secant_slope(np.sin, 1.0, 0.1j)


@pytest.mark.parametrize("method", ["centre", "Central", "", "complex-step", None])
def test_unknown_method(method):
    with pytest.raises(ValueError, match=r"method must be one of .*forward.*backward.*central.*complex"):
        derivative(np.sin, 1.0, method=method)
    with pytest.raises(ValueError, match=r"method must be one of"):
        default_step(1.0, method)


@pytest.mark.parametrize("method", ["forward", "backward", "central"])
def test_f_returning_wrong_shape(method):
    with pytest.raises(ValueError, match=r"same shape as its input \(\).*got shape \(2,\)"):
        derivative(lambda x: np.array([x, x]), 1.0, method=method)
    with pytest.raises(ValueError, match=r"same shape as its input \(3,\).*got shape \(1,\)"):
        derivative(lambda x: x[:1], np.zeros(3), method=method)
    with pytest.raises(ValueError, match=r"same shape as its input \(3,\).*got shape \(3, 3\)"):
        derivative(lambda x: np.outer(x, x), np.ones(3), method=method)
    with pytest.raises(ValueError, match=r"same shape as its input"):
        secant_slope(lambda x: np.array([x, x]), 1.0, 0.1)


def test_f_returning_wrong_shape_complex_method():
    with pytest.raises(ValueError, match=r"same shape as its input \(3,\).*got shape \(1,\)"):
        derivative(lambda x: x[:1], np.zeros(3), method="complex")


@pytest.mark.parametrize("method", ["forward", "backward", "central"])
def test_f_returning_non_finite_outside_its_domain(method):
    # sqrt(x) + 1/x at 0: the backward and central steps leave the domain of
    # sqrt (nan); the forward one evaluates 1/0 (inf) at x itself.
    def f(x):
        with np.errstate(all="ignore"):
            return np.sqrt(x) + 1 / x

    with pytest.raises(ValueError, match=r"f returned a non-finite value"):
        derivative(f, 0.0, method=method)


@pytest.mark.parametrize("method", METHODS)
def test_f_returning_non_finite(method):
    def overflowing(x):
        with np.errstate(over="ignore"):
            return np.exp(1000 * x)

    with pytest.raises(ValueError, match=r"f returned a non-finite value"):
        derivative(overflowing, 1.0, method=method)
    with pytest.raises(ValueError, match=r"f returned a non-finite value"):
        derivative(overflowing, [0.0, 0.5, 1.0], method=method)
    with pytest.raises(ValueError, match=r"f returned a non-finite value"):
        derivative(lambda x: np.full_like(x, np.nan), 1.0, method=method)


def test_f_returning_non_finite_secant():
    with pytest.raises(ValueError, match=r"non-finite"):
        secant_slope(lambda x: np.full_like(x, np.inf), 1.0, 0.1)


def test_f_returning_non_numbers():
    with pytest.raises(TypeError, match=r"f must return numbers"):
        derivative(lambda x: "one", 1.0)


@pytest.mark.parametrize(
    "f",
    [np.abs, np.real, lambda x: np.asarray(x).real ** 2],
    ids=["abs", "real", "real part squared"],
)
def test_complex_method_needs_complex_output(f):
    with pytest.raises(TypeError, match=r"method='complex' needs f to accept complex input"):
        derivative(f, 1.0, method="complex")


def test_complex_method_with_math_function_that_drops_imaginary_part():
    # math.sin converts a complex 0-d array to float (numpy warns and drops the
    # imaginary part); derivative must then refuse, not return 0.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", np.exceptions.ComplexWarning)
        with pytest.raises(TypeError, match=r"accept complex input.*not math\.sin"):
            derivative(lambda x: math.sin(x), 1.0, method="complex")


@pytest.mark.parametrize("f", [np.floor, lambda x: np.logaddexp(x, 0.0)], ids=["floor", "softplus by logaddexp"])
def test_complex_method_on_function_rejecting_complex_input(f):
    with pytest.raises(TypeError, match=r"complex"):
        derivative(f, np.array([0.5, 1.0]), method="complex")


@pytest.mark.parametrize("method", ["forward", "backward", "central"])
def test_real_method_on_complex_valued_f(method):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", np.exceptions.ComplexWarning)
        with pytest.raises(TypeError, match=r"real"):
            derivative(lambda x: (1 + 1j) * x, 1.0, method=method)


@pytest.mark.parametrize("method", ["forward", "backward", "central"])
def test_step_too_small_to_move_x_is_an_error_not_nan(method):
    # 1e-17 is below half the float64 spacing at 1.0, so 1.0 + 1e-17 == 1.0.
    with pytest.raises(ValueError, match=r"too small to move x"):
        derivative(np.sin, 1.0, h=1e-17, method=method)


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize(
    "reduction", [lambda t: np.sum(t**2), lambda t: np.linalg.norm(t), lambda t: np.prod(np.sin(t))]
)
def test_a_reduction_is_an_error_not_an_elementwise_derivative(method, reduction):
    """One number that changes with x is not one value per entry: derivative refuses it (issue 16)."""
    if method == "complex" and reduction(np.array([1j])).dtype.kind != "c":  # the norm is real for complex input
        with pytest.raises(TypeError, match="needs f to accept complex input and return complex output"):
            derivative(reduction, [1.0, 2.0, 3.0], method=method)
    else:
        with pytest.raises(ValueError, match=r"one value per entry.*mvcalc\.gradient"):
            derivative(reduction, [1.0, 2.0, 3.0], method=method)
    with pytest.raises(ValueError, match=r"one value per entry"):
        secant_slope(reduction, [1.0, 2.0, 3.0], 0.1)


def test_a_reduction_at_symmetric_points_is_still_refused():
    # sum(t**2) takes the same value at x + h and x - h for x = (-1, 1), but not at x itself
    with pytest.raises(ValueError, match="one value per entry"):
        derivative(lambda t: np.sum(t**2), [-1.0, 1.0])


def test_one_number_for_one_entry_is_that_entry_s_value():
    assert derivative(lambda t: np.sum(t**2), [3.0]) == pytest.approx([6.0], rel=1e-9)
