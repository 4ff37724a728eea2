"""Every formula that the pages of Module 4 state, checked against sympy (and numpy where a claim is measured).

One test (or one parametrised group) per claim, in the order of the pages:
book/m4/power-series.md, special-cases.md, linearisation.md and multivariate.md,
with the exercises of each page at the end of its section. The measured slopes
are recomputed here from scratch, with the data the pages use.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import scipy.special
import sympy as sp

import mvcalc

x, u, h, theta = sp.symbols("x u h theta")
x1, x2 = sp.symbols("x1 x2")


def is_zero(expr) -> bool:
    """Whether a sympy expression or matrix simplifies to zero."""
    expr = sp.simplify(expr)
    if isinstance(expr, sp.MatrixBase):
        return bool(expr.is_zero_matrix)
    return expr == 0


def coefficients(expr, a, n, var=x):
    """The Taylor coefficients of expr about a, k = 0..n, exactly (from sympy's series)."""
    series = sp.series(expr.subs(var, u + a), u, 0, n + 1).removeO()
    poly = sp.Poly(series, u)
    return [poly.coeff_monomial(u**k) for k in range(n + 1)]


def fitted_slope(steps, errors):
    return np.polyfit(np.log(steps), np.log(errors), 1)[0]


# ---------------------------------------------------------------- power-series.md


def test_pendulum_period_and_its_small_angle_series():
    T = 2 / sp.pi * sp.elliptic_k(sp.sin(theta / 2) ** 2)
    series = sp.series(T, theta, 0, 6).removeO()
    assert is_zero(series - (1 + theta**2 / 16 + sp.Rational(11, 3072) * theta**4))
    # the numpy version of the page (scipy's ellipk takes the parameter m = k^2)
    for th in (0.3, 1.0, 2.0):
        assert 2 / np.pi * scipy.special.ellipk(np.sin(th / 2) ** 2) == pytest.approx(
            float(T.subs(theta, th)), rel=1e-12
        )


def test_pendulum_approximations_improve_near_the_point_and_degrade_far():
    T = 2 / sp.pi * sp.elliptic_k(sp.sin(theta / 2) ** 2)
    d = [float(sp.diff(T, theta, k).subs(theta, 1).evalf()) for k in range(3)]
    exact = lambda th: 2 / np.pi * scipy.special.ellipk(np.sin(th / 2) ** 2)  # noqa: E731
    approx = lambda k, th: sum(d[j] * (th - 1) ** j / math.factorial(j) for j in range(k + 1))  # noqa: E731
    near = [abs(approx(k, 1.1) - exact(1.1)) for k in range(3)]
    far = [abs(approx(k, 2.0) - exact(2.0)) for k in range(3)]
    assert near[0] > near[1] > near[2]
    assert all(f > 10 * n for f, n in zip(far, near)), "every order is far worse at 2 than at 1.1"


def test_matching_derivatives_gives_k_factorial_a_k():
    a = sp.symbols("a0:6")
    g = sum(a[n] * x**n for n in range(6))
    for k in range(6):
        assert is_zero(sp.diff(g, x, k).subs(x, 0) - sp.factorial(k) * a[k])


@pytest.mark.parametrize(
    ("expr", "a"),
    [(sp.exp(x), 0), (sp.cos(x), 0), (sp.sin(x), 0), (sp.exp(x), 1), (1 / x, 1), (sp.log(x), 1), (sp.sqrt(x), 4)],
)
def test_taylor_coefficients_are_derivatives_over_factorials(expr, a):
    """Theorems 'Maclaurin series' and 'Taylor series': c_n = f^(n)(a)/n!."""
    n = 8
    from_series = coefficients(expr, a, n)
    from_derivatives = [sp.diff(expr, x, k).subs(x, a) / sp.factorial(k) for k in range(n + 1)]
    assert all(is_zero(s - d) for s, d in zip(from_series, from_derivatives))


def test_exponential_series():
    assert all(is_zero(c - 1 / sp.factorial(k)) for k, c in enumerate(coefficients(sp.exp(x), 0, 10)))
    assert all(is_zero(c - sp.E / sp.factorial(k)) for k, c in enumerate(coefficients(sp.exp(x), 1, 6)))
    partial = sum(sp.Rational(1, math.factorial(k)) for k in range(11))
    assert abs(float(partial) - math.e) < 3e-8  # "ten terms after the constant"


def test_cosine_has_only_even_powers():
    c = coefficients(sp.cos(x), 0, 12)
    for k, ck in enumerate(c):
        expected = 0 if k % 2 else sp.Integer(-1) ** (k // 2) / sp.factorial(k)
        assert is_zero(ck - expected)
    assert [sp.diff(sp.cos(x), x, k).subs(x, 0) for k in range(8)] == [1, 0, -1, 0, 1, 0, -1, 0]
    assert is_zero(sp.cos(-x) - sp.cos(x))


def test_cosine_polynomials_cover_more_with_the_order():
    xs = np.linspace(-3 * np.pi, 3 * np.pi, 600)
    reach = []
    for n in (0, 2, 4, 8, 16):
        p = sp.lambdify(x, sp.series(sp.cos(x), x, 0, n + 1).removeO() if n else sp.Integer(1))
        bad = np.abs(p(xs) - np.cos(xs)) >= 0.01
        reach.append(np.min(np.abs(xs[bad])))
    assert reach == sorted(reach) and reach[-1] > 5.5


def test_sine_exercise_and_sqrt_exercise():
    assert all(
        is_zero(c - (0 if k % 2 == 0 else sp.Integer(-1) ** (k // 2) / sp.factorial(k)))
        for k, c in enumerate(coefficients(sp.sin(x), 0, 7))
    )
    assert coefficients(sp.sqrt(x), 4, 2) == [2, sp.Rational(1, 4), -sp.Rational(1, 64)]
    first, second = 2 + 0.2 / 4, 2 + 0.2 / 4 - 0.2**2 / 64
    assert abs(second - math.sqrt(4.2)) < abs(first - math.sqrt(4.2)) / 10


def test_matching_exercise_series():
    assert sp.series(sp.sin(x), x, 0, 4).removeO() == x - x**3 / 6
    assert sp.series(sp.cos(x), x, 0, 3).removeO() == 1 - x**2 / 2
    assert is_zero(sp.series(sp.exp(x), x, 0, 3).removeO() - (1 + x + x**2 / 2))
    assert is_zero(
        sum(c * (x - 1) ** k for k, c in enumerate(coefficients(sp.log(x), 1, 2))) - ((x - 1) - (x - 1) ** 2 / 2)
    )


# ---------------------------------------------------------------- special-cases.md


def test_derivatives_of_the_reciprocal():
    for k in range(1, 8):
        assert is_zero(sp.diff(1 / x, x, k) - sp.Integer(-1) ** k * sp.factorial(k) / x ** (k + 1))
    assert sp.limit(1 / x, x, 0, "+") == sp.oo and sp.limit(sp.log(x), x, 0, "+") == -sp.oo


def test_reciprocal_about_1_and_its_closed_form():
    assert coefficients(1 / x, 1, 10) == [(-1) ** k for k in range(11)]
    for n in range(8):
        p = sum((1 - x) ** k for k in range(n + 1))
        assert is_zero(p - (1 - (1 - x) ** (n + 1)) / x)
        assert is_zero(p - 1 / x + (1 - x) ** (n + 1) / x)  # the error, exactly
        assert p.subs(x, 0) == n + 1  # finite at the asymptote
        assert p.subs(x, -1) > 0  # positive where 1/x < 0
    values_at_3 = [sum((1 - 3) ** k for k in range(n + 1)) for n in range(7)]
    assert values_at_3 == [1, -1, 3, -5, 11, -21, 43]  # the tail flips sign and grows


@pytest.mark.parametrize(("x0", "factor"), [(0.5, 0.5), (1.5, 0.5), (1.9, 0.9), (2.1, 1.1), (2.5, 1.5)])
def test_measured_factor_per_order_is_one_minus_x(x0, factor):
    orders = np.arange(26)
    errors = np.array([abs(np.sum((1 - x0) ** np.arange(n + 1)) - 1 / x0) for n in orders])
    assert np.exp(np.polyfit(orders, np.log(errors), 1)[0]) == pytest.approx(factor, abs=1e-3)


def test_logarithm_about_1():
    c = coefficients(sp.log(x), 1, 10)
    assert c[0] == 0 and all(is_zero(c[k] - sp.Integer(-1) ** (k - 1) / k) for k in range(1, 11))
    for k in range(1, 7):
        assert is_zero(sp.diff(sp.log(x), x, k) - sp.Integer(-1) ** (k - 1) * sp.factorial(k - 1) / x**k)
    # term by term, the integral of the series of 1/x
    integrated = sp.integrate(sum((1 - u) ** k for k in range(6)), (u, 1, x))
    assert is_zero(sp.expand(integrated) - sp.expand(sum(c[k] * (x - 1) ** k for k in range(7))))
    for n in (10, 100, 1000):
        k = np.arange(1, n + 1)
        error = abs(np.sum((-1.0) ** (k - 1) / k) - np.log(2))
        assert 0.4 / n < error < 0.6 / n  # alternating harmonic series: error about 1/(2n)


EVEN_ODD = [
    (sp.cos(x), "even"),
    (sp.sin(x), "odd"),
    (sp.exp(x), "neither"),
    (sp.cosh(x), "even"),
    (sp.sinh(x), "odd"),
    (x * sp.sin(x), "even"),
    (sp.tanh(x), "odd"),
    (sp.exp(-(x**2)), "even"),
    (x + x**2, "neither"),
    (x**2 * sp.cos(x), "even"),
    (x + sp.sin(x), "odd"),
    (x * sp.exp(x), "neither"),
    (sp.cos(x) - 1, "even"),
    (sp.sin(x**2), "even"),
    (sp.sin(x) * sp.exp(x**2), "odd"),
]


@pytest.mark.parametrize(("expr", "kind"), EVEN_ODD, ids=[str(e) for e, _ in EVEN_ODD])
def test_symmetry_from_the_powers(expr, kind):
    """Theorem 'Symmetry from the series', both ways: the definition and the powers agree."""
    c = coefficients(expr, 0, 10)
    only_even = all(c[k] == 0 for k in range(1, 11, 2))
    only_odd = all(c[k] == 0 for k in range(0, 11, 2))
    by_definition = (
        "even" if is_zero(expr.subs(x, -x) - expr) else "odd" if is_zero(expr.subs(x, -x) + expr) else "neither"
    )
    by_powers = "even" if only_even else "odd" if only_odd else "neither"
    assert by_definition == by_powers == kind


def test_exp_splits_into_cosh_and_sinh():
    assert is_zero(sp.cosh(x) + sp.sinh(x) - sp.exp(x))
    c = coefficients(sp.exp(x), 0, 10)
    assert coefficients(sp.cosh(x), 0, 10) == [ck if k % 2 == 0 else 0 for k, ck in enumerate(c)]


@pytest.mark.parametrize(
    ("expr", "has_series"),
    [
        (1 / x, False),
        (sp.log(x), False),
        (sp.log(1 + x), True),
        (sp.sqrt(x), False),
        (1 / (1 - x), True),
        (sp.sin(x) / sp.sqrt(x), False),
    ],
)
def test_which_functions_expand_about_zero(expr, has_series):
    limits = [sp.limit(sp.diff(expr, x, k), x, 0, "+") for k in range(4)]
    assert all(v.is_finite for v in limits) == has_series
    if has_series:
        assert sp.series(expr, x, 0, 4).removeO() != 0


@pytest.mark.parametrize(("x0", "n"), [(1.5, 19), (1.9, 125)])
def test_terms_needed_for_one_in_a_million(x0, n):
    error = lambda k: abs(1 - x0) ** (k + 1) / x0  # noqa: E731
    assert error(n) <= 1e-6 < error(n - 1)


# ---------------------------------------------------------------- linearisation.md


def test_step_form_of_the_series():
    f = sp.Function("f")
    series = sp.series(f(x + h), h, 0, 4).removeO().doit()
    expected = f(x) + f(x).diff(x) * h + f(x).diff(x, 2) * h**2 / 2 + f(x).diff(x, 3) * h**3 / 6
    assert is_zero(series - expected)


SIGMA = 1 / (1 + sp.exp(-x))


def sigma(t):
    return 1 / (1 + np.exp(-t))


def test_logistic_derivatives_at_1():
    d = [float(sp.diff(SIGMA, x, k).subs(x, 1)) for k in range(4)]
    s = 1 / (1 + math.exp(-1))
    assert d[1] == pytest.approx(s * (1 - s), rel=1e-14)
    assert d[2] == pytest.approx(s * (1 - s) * (1 - 2 * s), rel=1e-12)
    assert d[3] == pytest.approx(s * (1 - s) * (1 - 6 * s + 6 * s**2), rel=1e-12)
    assert d[2] < 0 and d[3] < 0


def test_linearisation_error_constants():
    """Error of the linear model / h^2 -> f''/2, of the quadratic model / h^3 -> f'''/6."""
    d = [sp.diff(SIGMA, x, k).subs(x, 1) for k in range(4)]
    linear_error = SIGMA.subs(x, 1 + h) - (d[0] + d[1] * h)
    quadratic_error = linear_error - d[2] / 2 * h**2
    assert is_zero(sp.limit(linear_error / h**2, h, 0) - d[2] / 2)
    assert is_zero(sp.limit(quadratic_error / h**3, h, 0) - d[3] / 6)


def _logistic_errors():
    d = [float(sp.diff(SIGMA, x, k).subs(x, 1)) for k in range(4)]
    steps = np.logspace(-3, -1, 9)
    linear = np.abs(sigma(1 + steps) - (d[0] + d[1] * steps))
    quadratic = np.abs(sigma(1 + steps) - (d[0] + d[1] * steps + d[2] / 2 * steps**2))
    forward = np.abs((sigma(1 + steps) - sigma(1.0)) / steps - d[1])
    central = np.abs((sigma(1 + steps) - sigma(1 - steps)) / (2 * steps) - d[1])
    return steps, linear, quadratic, forward, central, d


def test_measured_slopes_of_the_models_are_2_and_3():
    steps, linear, quadratic, *_ = _logistic_errors()
    assert fitted_slope(steps, linear) == pytest.approx(2, abs=0.03)
    assert fitted_slope(steps, quadratic) == pytest.approx(3, abs=0.03)


def test_measured_slopes_of_the_differences_are_1_and_2():
    steps, _, _, forward, central, d = _logistic_errors()
    assert fitted_slope(steps, forward) == pytest.approx(1, abs=0.03)
    assert fitted_slope(steps, central) == pytest.approx(2, abs=0.03)
    assert forward[0] / steps[0] == pytest.approx(abs(d[2]) / 2, rel=1e-2)
    assert central[0] / steps[0] ** 2 == pytest.approx(abs(d[3]) / 6, rel=1e-2)
    # the same with mvcalc.derivative and a fixed step
    lib = [abs(mvcalc.derivative(sigma, 1.0, h=s, method="forward") - d[1]) for s in steps]
    assert np.allclose(lib, forward, rtol=1e-6)


def test_finite_difference_expansions():
    """Theorem 'Orders of the finite differences', and Module 1's equation m1-eq-truncation."""
    f = sp.Function("f")
    forward = sp.series((f(x + h) - f(x)) / h, h, 0, 3).removeO().doit()
    central = sp.series((f(x + h) - f(x - h)) / (2 * h), h, 0, 4).removeO().doit()
    backward = sp.series((f(x) - f(x - h)) / h, h, 0, 3).removeO().doit()
    d1, d2, d3 = (f(x).diff(x, k) for k in (1, 2, 3))
    assert is_zero(forward - (d1 + d2 * h / 2 + d3 * h**2 / 6))
    assert is_zero(central - (d1 + d3 * h**2 / 6))
    assert is_zero(backward - (d1 - d2 * h / 2 + d3 * h**2 / 6))
    # the central difference has no h^3 term: its next error is O(h^4)
    assert sp.series((f(x + h) - f(x - h)) / (2 * h), h, 0, 4).removeO().doit().coeff(h, 3) == 0
    assert is_zero(((f(x + h) - f(x)) / h + (f(x) - f(x - h)) / h) / 2 - (f(x + h) - f(x - h)) / (2 * h))


def test_tangent_gap_of_exp_tends_to_half_f2_step_squared():
    """The figure's claim: e^(x+h) - (e^x + e^x h) = e^x h^2 / 2 + O(h^3), at x = 0.5."""
    half = sp.Rational(1, 2)
    gap = sp.exp(half + h) - sp.exp(half) * (1 + h)
    assert is_zero(sp.limit(gap / h**2, h, 0) - sp.exp(half) / 2)
    ratios = [float((gap / (sp.exp(half) * h**2 / 2)).subs(h, s)) for s in (0.8, 0.4, 0.1, 0.01)]
    assert ratios == sorted(ratios, reverse=True) and 1 < ratios[-1] < 1.005 and ratios[0] > 1.2


X_FLAT = sp.log(2 + sp.sqrt(3))


def test_logistic_third_derivative_vanishes_at_log_2_plus_sqrt3():
    assert is_zero(sp.diff(SIGMA, x, 3).subs(x, X_FLAT))
    assert float(sp.diff(SIGMA, x, 5).subs(x, X_FLAT)) == pytest.approx(-1 / 9, rel=1e-12)


def test_an_O_bound_does_not_fix_the_halving_ratio():
    """E = C h^k + ... with C != 0 gives E(h)/E(h/2) -> 2^k. With C = 0 (the central difference where
    the third derivative vanishes) the error is still O(h^2), but the ratio tends to 2^4 = 16."""

    def ratios(point):
        exact = float(sp.diff(SIGMA, x).subs(x, point))
        steps = 0.4 / 2.0 ** np.arange(6)
        errors = np.array([abs(mvcalc.derivative(sigma, point, h=s, method="central") - exact) for s in steps])
        assert np.all(errors <= 0.01 * steps**2)  # O(h^2) at both points
        return errors[:-1] / errors[1:]

    assert ratios(1.0)[-1] == pytest.approx(4, rel=1e-3)
    assert ratios(float(X_FLAT))[-1] == pytest.approx(16, rel=1e-3)
    # at the flat point the error is sigma^(5) h^4 / 120 = -h^4 / 1080 to leading order
    point, step = float(X_FLAT), 0.0125
    error = mvcalc.derivative(sigma, point, h=step, method="central") - float(sp.diff(SIGMA, x).subs(x, X_FLAT))
    assert error / step**4 == pytest.approx(-1 / 1080, rel=1e-3)


def test_cube_root_exercise():
    f = x ** sp.Rational(1, 3)
    assert [sp.diff(f, x, k).subs(x, 8) for k in range(3)] == [2, sp.Rational(1, 12), -sp.Rational(1, 144)]
    estimate = 2 + 0.1 / 12
    predicted = -(0.1**2) / 288
    assert 8.1 ** (1 / 3) - estimate == pytest.approx(predicted, rel=0.02)


def test_difference_ratio_exercise():
    errs = {
        m: [abs(mvcalc.derivative(np.sin, 1.0, h=s, method=m) - np.cos(1.0)) for s in (0.1, 0.01)]
        for m in ("forward", "central")
    }
    assert errs["forward"][0] / errs["forward"][1] == pytest.approx(10, rel=0.05)
    assert errs["central"][0] / errs["central"][1] == pytest.approx(100, rel=0.01)


# ---------------------------------------------------------------- multivariate.md

F2 = x1 * sp.exp(-(x1**2) - x2**2)
POINT = {x1: sp.Rational(1, 2), x2: -sp.Rational(1, 2)}


def f2(v):
    return v[0] * np.exp(-(v[0] ** 2) - v[1] ** 2)


def test_the_two_variable_models_are_the_matrix_form():
    """Definition 'Taylor models of a function of two variables' = f + J dx + 1/2 dx^T H dx."""
    g = sp.Function("g")(x1, x2)
    d1, d2 = sp.symbols("d1 d2")
    J = sp.Matrix([g]).jacobian([x1, x2])
    H = sp.hessian(g, (x1, x2))
    dx = sp.Matrix([d1, d2])
    matrix_form = (J * dx)[0] + (dx.T * H * dx)[0] / 2
    written_out = (
        g.diff(x1) * d1
        + g.diff(x2) * d2
        + (g.diff(x1, 2) * d1**2 + 2 * g.diff(x1, x2) * d1 * d2 + g.diff(x2, 2) * d2**2) / 2
    )
    assert is_zero(matrix_form - written_out)


def test_second_order_along_a_line():
    """The proof: g(t) = f(x + t u) has g'(0) = J u and g''(0) = u^T H u (here for the example)."""
    t, a, b = sp.symbols("t a b")
    line = F2.subs({x1: sp.Rational(1, 2) + t * a, x2: -sp.Rational(1, 2) + t * b}, simultaneous=True)
    J = sp.Matrix([F2]).jacobian([x1, x2]).subs(POINT)
    H = sp.hessian(F2, (x1, x2)).subs(POINT)
    direction = sp.Matrix([a, b])
    assert is_zero(sp.diff(line, t).subs(t, 0) - (J * direction)[0])
    assert is_zero(sp.diff(line, t, 2).subs(t, 0) - (direction.T * H * direction)[0])


def test_jacobian_and_hessian_of_the_example():
    e = sp.exp(-(x1**2) - x2**2)
    J = sp.Matrix([F2]).jacobian([x1, x2])
    H = sp.hessian(F2, (x1, x2))
    assert is_zero(J - e * sp.Matrix([[1 - 2 * x1**2, -2 * x1 * x2]]))
    stated_H = e * sp.Matrix(
        [[4 * x1**3 - 6 * x1, -2 * x2 * (1 - 2 * x1**2)], [-2 * x2 * (1 - 2 * x1**2), x1 * (4 * x2**2 - 2)]]
    )
    assert is_zero(H - stated_H)
    half = sp.Rational(1, 2)
    assert is_zero(J.subs(POINT) - sp.exp(-half) * sp.Matrix([[half, half]]))
    assert is_zero(H.subs(POINT) - sp.exp(-half) * sp.Matrix([[-5 * half, half], [half, -half]]))
    eigenvalues = np.linalg.eigvalsh(np.array(H.subs(POINT), dtype=float))
    assert np.all(eigenvalues < 0), "a cap: a paraboloid opening downwards"
    assert float(F2.subs(POINT)) == pytest.approx(float(J.subs(POINT)[0]), rel=1e-15)  # "both slopes are f(x)"


def test_mvcalc_models_agree_with_sympy():
    J = np.array(sp.Matrix([F2]).jacobian([x1, x2]).subs(POINT), dtype=float)
    H = np.array(sp.hessian(F2, (x1, x2)).subs(POINT), dtype=float)
    x0 = np.array([0.5, -0.5])
    assert np.allclose(mvcalc.jacobian(f2, x0), J, atol=1e-9)
    assert np.allclose(mvcalc.hessian(f2, x0), H, atol=1e-6)
    quad = mvcalc.quadratic_model(f2, x0)
    lin = mvcalc.linearise(f2, x0)
    for step in (np.array([0.1, 0.2]), np.array([-0.3, 0.05])):
        by_hand = f2(x0) + J[0] @ step + 0.5 * step @ H @ step
        assert quad(x0 + step) == pytest.approx(by_hand, abs=1e-7)
        assert lin(x0 + step) == pytest.approx(f2(x0) + J[0] @ step, abs=1e-9)


def test_measured_slopes_in_two_dimensions_are_2_and_3():
    x0 = np.array([0.5, -0.5])
    J = np.array(sp.Matrix([F2]).jacobian([x1, x2]).subs(POINT), dtype=float)[0]
    H = np.array(sp.hessian(F2, (x1, x2)).subs(POINT), dtype=float)
    angles = 2 * np.pi * np.arange(16) / 16
    directions = np.stack([np.cos(angles), np.sin(angles)], axis=1)
    distances = np.logspace(-2.5, -0.5, 9)
    e1, e2 = [], []
    for rho in distances:
        steps = rho * directions
        exact = np.array([f2(x0 + s) for s in steps])
        first = f2(x0) + steps @ J
        second = first + 0.5 * np.einsum("ki,ij,kj->k", steps, H, steps)
        e1.append(np.max(np.abs(first - exact)))
        e2.append(np.max(np.abs(second - exact)))
    assert fitted_slope(distances, e1) == pytest.approx(2, abs=0.03)
    assert fitted_slope(distances, e2) == pytest.approx(3, abs=0.03)


def test_exp_cos_exercise_is_a_saddle():
    f = sp.exp(x1) * sp.cos(x2)
    origin = {x1: 0, x2: 0}
    assert sp.Matrix([f]).jacobian([x1, x2]).subs(origin) == sp.Matrix([[1, 0]])
    assert sp.hessian(f, (x1, x2)).subs(origin) == sp.Matrix([[1, 0], [0, -1]])
    model = 1 + x1 + (x1**2 - x2**2) / 2
    expansion = sp.expand(sp.series(sp.series(f, x1, 0, 3).removeO(), x2, 0, 3).removeO())
    second_order = sum(term for term in expansion.args if sp.Poly(term, x1, x2).total_degree() <= 2)
    assert is_zero(second_order - model)


def test_stationary_points_exercise():
    J = sp.Matrix([F2]).jacobian([x1, x2])
    H = sp.hessian(F2, (x1, x2))
    for sign, kind in ((1, "maximum"), (-1, "minimum")):
        at = {x1: sign / sp.sqrt(2), x2: 0}
        assert is_zero(J.subs(at))
        lam = np.linalg.eigvalsh(np.array(H.subs(at), dtype=float))
        assert np.all(lam < 0) if kind == "maximum" else np.all(lam > 0)


def test_vector_step_exercise():
    f = x1**2 * x2 + sp.sin(x2)
    at = {x1: 1, x2: 0}
    assert sp.Matrix([f]).jacobian([x1, x2]).subs(at) == sp.Matrix([[0, 2]])
    assert sp.hessian(f, (x1, x2)).subs(at) == sp.Matrix([[0, 2], [2, 0]])
    dx = np.array([0.1, -0.1])
    estimate = np.array([0.0, 2.0]) @ dx + 0.5 * dx @ np.array([[0.0, 2.0], [2.0, 0.0]]) @ dx
    assert estimate == pytest.approx(-0.22)
    # the error is the third-order terms: dx1^2 dx2 from x1^2 x2, and -dx2^3/6 from sin x2
    assert float(f.subs({x1: 1.1, x2: -0.1})) - estimate == pytest.approx(0.1**2 * -0.1 - (-0.1) ** 3 / 6, rel=1e-3)


# ---------------------------------------------------------------- what the pages state
# Each value below is read from the built page (its glued output) and compared, to the digits the page
# prints, with the test's own value (sympy, mpmath or a closed form); a wrong number on a page fails here.

from _page_values import assert_states, change_glued_value  # noqa: E402


def _page_pendulum_numbers():
    import mpmath

    period = lambda th: 2 / mpmath.pi * mpmath.ellipk(mpmath.sin(th / 2) ** 2)  # noqa: E731
    with mpmath.workdps(30):
        d = [mpmath.diff(period, 1, k) for k in range(3)]  # mpmath's numerical derivatives, not sympy's
    for k, name in enumerate(("T", "dT", "d2T")):
        assert_states("m4/power-series", f"m4_pendulum_{name}", d[k])
    for k in range(3):
        model = lambda th: sum(d[j] * (th - 1) ** j / math.factorial(j) for j in range(k + 1))  # noqa: E731
        assert_states("m4/power-series", f"m4_pendulum_err{k}_near", abs(model(1.1) - period(mpmath.mpf("1.1"))))
        assert_states("m4/power-series", f"m4_pendulum_err{k}_far", abs(model(2) - period(mpmath.mpf(2))))


def _page_reciprocal_numbers():
    def p(n, at):  # the Taylor polynomial of 1/x about 1: the sum of (1 - x)^k
        return sum((1 - sp.Integer(at)) ** k for k in range(n + 1))

    assert_states("m4/special-cases", "m4_recip_p6_at_0", p(6, 0))
    assert_states("m4/special-cases", "m4_recip_p6_at_m1", p(6, -1))
    assert_states("m4/special-cases", "m4_recip_p6_at_3", p(6, 3))
    assert_states("m4/special-cases", "m4_recip_p5_at_3", p(5, 3))
    for x0 in ("0.5", "1.5", "1.9", "2.1", "2.5"):  # the error shrinks or grows by |1 - x| per order
        assert_states("m4/special-cases", f"m4_radius_factor_{x0.replace('.', '_')}", abs(1 - sp.Rational(x0)))


@pytest.mark.book
def test_page_pendulum_period_derivatives_and_errors():
    _page_pendulum_numbers()


@pytest.mark.book
def test_page_exponential_series_errors():
    partial = sum(sp.Rational(1, math.factorial(n)) for n in range(11))
    assert_states("m4/power-series", "m4_exp_err10", (sp.E - partial).evalf(30))
    s = sp.Rational(1, 5)  # the step from 1 to 1.2
    p3 = sp.E * (1 + s + s**2 / 2 + s**3 / 6)
    assert_states("m4/power-series", "m4_exp1_p3_err", (sp.exp(sp.Rational(6, 5)) - p3).evalf(30))


@pytest.mark.book
def test_page_reciprocal_polynomials_and_factors_per_order():
    _page_reciprocal_numbers()


@pytest.mark.book
def test_page_alternating_harmonic_errors():
    import mpmath

    with mpmath.workdps(30):
        error = abs(mpmath.fsum((-1) ** (k - 1) / mpmath.mpf(k) for k in range(1, 1001)) - mpmath.log(2))
    assert_states("m4/special-cases", "m4_log2_err_1000", error)  # the page shows the error after 1000 terms


@pytest.mark.book
def test_page_two_variable_example_and_flat_point():
    assert_states("m4/multivariate", "m4_mv_f0", F2.subs(POINT))
    assert_states("m4/multivariate", "m4_mv_J1", sp.diff(F2, x1).subs(POINT))
    low, high = sorted(sp.hessian(F2, (x1, x2)).subs(POINT).eigenvals(multiple=True), key=float)
    assert_states("m4/multivariate", "m4_mv_eig1", low)
    assert_states("m4/multivariate", "m4_mv_eig2", high)
    assert_states("m4/linearisation", "m4_lin_x_flat", X_FLAT)
    parabola = 1 - (x - 1) + (x - 1) ** 2
    (bottom,) = sp.solve(sp.diff(parabola, x), x)
    assert_states("m4/summary", "m4_summary_bottom_x", bottom)
    assert_states("m4/summary", "m4_summary_bottom_y", parabola.subs(x, bottom))


@pytest.mark.book
@pytest.mark.parametrize(
    "doc, name, wrong, check",
    [
        ("m4/power-series", "m4_pendulum_dT", 0.1418, _page_pendulum_numbers),
        ("m4/special-cases", "m4_recip_p6_at_3", 42.0, _page_reciprocal_numbers),
        ("m4/special-cases", "m4_radius_factor_1_9", 0.901, _page_reciprocal_numbers),
    ],
)
def test_page_checks_fail_on_a_changed_value(monkeypatch, tmp_path, doc, name, wrong, check):
    check()  # the built page passes
    change_glued_value(monkeypatch, tmp_path, doc, name, wrong)
    with pytest.raises(AssertionError, match=name):
        check()
