"""Every formula that the pages of Module 1 state, checked against sympy and mvcalc.

Each test names the page (book/m1/...) and the block or exercise whose formula it checks.
"""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

import mvcalc

x, h, t, m, p = sp.symbols("x h t m p", real=True)
EPS = np.finfo(np.float64).eps


def assert_same(expr_a: sp.Expr, expr_b: sp.Expr) -> None:
    """Assert that two sympy expressions are identical as functions."""
    assert sp.simplify(expr_a - expr_b) == 0, f"{expr_a} != {expr_b}"


def assert_derivative(f_expr: sp.Expr, claimed: sp.Expr, points, rtol=1e-7, atol=1e-9):
    """The claimed derivative equals sympy's, and mvcalc's central difference at the points."""
    assert_same(claimed, sp.diff(f_expr, x))
    f = sp.lambdify(x, f_expr, "numpy")
    claimed_num = sp.lambdify(x, claimed, "numpy")
    points = np.asarray(points, dtype=float)
    np.testing.assert_allclose(mvcalc.derivative(f, points), claimed_num(points),
                               rtol=rtol, atol=atol)


# --- book/m1/functions.md -------------------------------------------------------------------

SPEED = t**2 * (60 - t) / 1600


def test_car_acceleration_jerk_and_distance():
    accel = sp.diff(SPEED, t)
    assert_same(accel, (120 * t - 3 * t**2) / 1600)
    assert_same(sp.diff(SPEED, t, 2), (120 - 6 * t) / 1600)
    distance = sp.integrate(SPEED, (t, 0, t))
    assert_same(sp.diff(distance, t), SPEED)
    assert distance.subs(t, 60) == 675


def test_car_top_speed_and_turning_points():
    accel = sp.diff(SPEED, t)
    assert sp.solve(accel, t) == [0, 40]
    assert SPEED.subs(t, 40) == 20
    assert sp.solve(sp.diff(SPEED, t, 2), t) == [20]
    assert accel.subs(t, 20) == sp.Rational(3, 4)          # the largest acceleration
    assert accel.subs(t, 52) < 0 < accel.subs(t, 10)       # braking / speeding up


def test_car_average_against_instantaneous_acceleration():
    speed = sp.lambdify(t, SPEED, "numpy")
    assert mvcalc.secant_slope(speed, 0.0, 20.0) == pytest.approx(0.5, abs=1e-12)
    assert mvcalc.derivative(speed, 20.0) == pytest.approx(0.75, abs=1e-9)


def test_car_numerical_acceleration_matches_exact():
    speed = sp.lambdify(t, SPEED, "numpy")
    accel = sp.lambdify(t, sp.diff(SPEED, t), "numpy")
    grid = np.linspace(0, 60, 601)
    np.testing.assert_allclose(mvcalc.derivative(speed, grid), accel(grid), atol=1e-8)


@pytest.mark.parametrize(
    "expr, parity, at_two",
    [
        (x**3 - 3 * x, "odd", 2),
        (2 - x**2, "even", -2),
        (2 * sp.sin(2 * x), "odd", 2 * sp.sin(4)),
        (sp.exp(x) - 2, "neither", sp.exp(2) - 2),
    ],
)
def test_matching_formulas_features(expr, parity, at_two):
    is_even = sp.simplify(expr.subs(x, -x) - expr) == 0
    is_odd = sp.simplify(expr.subs(x, -x) + expr) == 0
    assert (is_even, is_odd) == {"even": (True, False), "odd": (False, True),
                                 "neither": (False, False)}[parity]
    assert_same(expr.subs(x, 2), at_two)


# --- book/m1/derivative.md ------------------------------------------------------------------

def rise_over_run(f_expr: sp.Expr) -> sp.Expr:
    return sp.expand(sp.cancel((f_expr.subs(x, x + h) - f_expr) / h))


def test_linear_function_by_the_limit():
    slope, intercept = sp.symbols("m c")
    assert rise_over_run(slope * x + intercept) == slope


def test_five_x_squared_by_the_limit():
    quotient = rise_over_run(5 * x**2)
    assert_same(quotient, 10 * x + 5 * h)
    assert sp.limit(quotient, h, 0) == 10 * x
    assert mvcalc.derivative(lambda s: 5 * s**2, 3.0) == pytest.approx(30.0, abs=1e-8)


def test_secant_slopes_of_five_x_squared_are_30_plus_5h():
    runs = np.array([0.1, 0.01, 0.001])
    slopes = mvcalc.secant_slope(lambda s: 5 * s**2, 3.0, runs)
    np.testing.assert_allclose(slopes, 30 + 5 * runs, atol=1e-10)


def test_sine_secants_tend_to_cos_half():
    slope = mvcalc.secant_slope(np.sin, 0.5, 1e-6)
    assert slope == pytest.approx(np.cos(0.5), abs=1e-6)
    assert mvcalc.derivative(np.sin, 0.5) == pytest.approx(np.cos(0.5), abs=1e-10)


def test_cube_forward_and_central_differences():
    forward = sp.expand(((x + h)**3 - x**3) / h)
    central = sp.expand(((x + h)**3 - (x - h)**3) / (2 * h))
    assert_same(forward, 3 * x**2 + 3 * x * h + h**2)
    assert_same(central, 3 * x**2 + h**2)


def test_truncation_errors_match_the_second_and_third_derivatives():
    """Equation m1-eq-truncation: leading error terms h f''/2 and h^2 f'''/6."""
    for g in [sp.exp(x), sp.sin(x), x**4 - x]:
        forward = (g.subs(x, x + h) - g) / h
        central = (g.subs(x, x + h) - g.subs(x, x - h)) / (2 * h)
        leading_fwd = sp.series(forward - sp.diff(g, x), h, 0, 2).removeO()
        leading_cen = sp.series(central - sp.diff(g, x), h, 0, 3).removeO()
        assert_same(leading_fwd, h / 2 * sp.diff(g, x, 2))
        assert_same(leading_cen, h**2 / 6 * sp.diff(g, x, 3))


def test_limit_definition_exercise_cubic():
    quotient = rise_over_run(x**3 - 4 * x)
    assert_same(quotient, 3 * x**2 + 3 * x * h + h**2 - 4)
    assert sp.limit(quotient, h, 0) == 3 * x**2 - 4


def test_predicted_errors_for_cube_at_two():
    cube = lambda s: s**3  # noqa: E731
    for step in (0.1, 0.01):
        fwd = mvcalc.derivative(cube, 2.0, h=step, method="forward") - 12
        cen = mvcalc.derivative(cube, 2.0, h=step, method="central") - 12
        assert fwd == pytest.approx(6 * step + step**2, rel=1e-9)
        assert cen == pytest.approx(step**2, rel=1e-6)


def test_optimal_steps_of_the_error_model():
    """The minimisers of equation m1-eq-total-error."""
    step, eps, f0, f2, f3 = sp.symbols("h varepsilon F F2 F3", positive=True)
    forward = step / 2 * f2 + 2 * eps * f0 / step
    central = step**2 / 6 * f3 + eps * f0 / step
    (best_fwd,) = sp.solve(sp.diff(forward, step), step)
    (best_cen,) = sp.solve(sp.diff(central, step), step)
    assert_same(best_fwd, 2 * sp.sqrt(eps * f0 / f2))
    assert_same(best_cen, (3 * eps * f0 / f3) ** sp.Rational(1, 3))


@pytest.mark.parametrize("g", [sp.exp(x), sp.sin(x), x**5])
def test_complex_step_expansion(g):
    """Im f(x + ih) / h = f'(x) - h^2 f'''(x) / 6 + O(h^4) for real x."""
    step = sp.symbols("h", positive=True)
    estimate = sp.im(sp.expand_complex(g.subs(x, x + sp.I * step))) / step
    leading = sp.series(estimate, step, 0, 4).removeO()
    assert_same(leading, sp.diff(g, x) - step**2 / 6 * sp.diff(g, x, 3))


def test_default_steps_are_the_bottoms_of_the_vs():
    assert mvcalc.default_step(1.0, "forward") == pytest.approx(np.sqrt(EPS))
    assert mvcalc.default_step(1.0, "backward") == pytest.approx(np.sqrt(EPS))
    assert mvcalc.default_step(1.0, "central") == pytest.approx(np.cbrt(EPS))
    assert mvcalc.default_step(1.0, "complex") == pytest.approx(1e-20)
    assert mvcalc.default_step(100.0, "central") == pytest.approx(100 * np.cbrt(EPS))


def test_default_step_lands_near_the_bottom_of_the_v_for_exp():
    e = np.e
    fwd_model = lambda s: s / 2 * e + 2 * EPS * e / s  # noqa: E731
    cen_model = lambda s: s**2 / 6 * e + EPS * e / s  # noqa: E731
    assert fwd_model(np.sqrt(EPS)) / fwd_model(2 * np.sqrt(EPS)) < 1.3
    assert cen_model(np.cbrt(EPS)) / cen_model(np.cbrt(3 * EPS)) < 1.2
    assert abs(mvcalc.derivative(np.exp, 1.0, method="forward") - e) < 1e-7
    assert abs(mvcalc.derivative(np.exp, 1.0) - e) < 1e-10
    assert abs(mvcalc.derivative(np.exp, 1.0, method="complex") - e) <= 4 * EPS


def test_a_tiny_step_is_worse_than_the_default():
    tiny = abs(mvcalc.derivative(np.exp, 1.0, h=1e-12, method="forward") - np.e)
    default = abs(mvcalc.derivative(np.exp, 1.0, method="forward") - np.e)
    assert tiny > 100 * default


def test_a_fixed_step_vanishes_far_from_zero():
    assert (1e10 + 1e-8) - 1e10 == 0.0


def test_default_step_fails_for_sine_far_from_zero():
    """The exercise on a relative step: sin at x = 1e6."""
    exact = np.cos(1e6)
    assert abs(mvcalc.derivative(np.sin, 1e6) - exact) > 0.1
    assert abs(mvcalc.derivative(np.sin, 1e6, h=np.cbrt(EPS)) - exact) < 1e-9


# --- book/m1/rules.md -----------------------------------------------------------------------

def test_sum_rule_and_power_rule():
    f, g = sp.Function("f")(x), sp.Function("g")(x)
    a = sp.symbols("a")
    assert sp.diff(f + g, x) == sp.diff(f, x) + sp.diff(g, x)
    assert sp.diff(a * f, x) == a * sp.diff(f, x)
    n = sp.symbols("n")
    xp = sp.symbols("x", positive=True)
    assert_same(sp.diff(xp**n, xp), n * xp**(n - 1))


def test_polynomial_example():
    assert_derivative(4 * x**3 - 5 * x**2 + 7 * x - 2, 12 * x**2 - 10 * x + 7,
                      [0.3, 0.9, 1.7, 2.5])


def test_reciprocal_by_the_limit():
    quotient = sp.cancel((1 / (x + h) - 1 / x) / h)
    assert_same(quotient, -1 / (x * (x + h)))
    assert sp.limit(quotient, h, 0) == -1 / x**2
    assert_derivative(1 / x, -1 / x**2, [-2.0, -0.5, 0.5, 2.0], rtol=1e-6)


def test_exponential_constants_and_its_own_derivative():
    a = sp.symbols("a", positive=True)
    assert sp.limit((a**h - 1) / h, h, 0) == sp.log(a)
    assert sp.log(sp.E) == 1
    assert (2.0**1e-6 - 1) / 1e-6 == pytest.approx(np.log(2), abs=1e-6)
    assert (3.0**1e-6 - 1) / 1e-6 == pytest.approx(np.log(3), abs=1e-6)
    assert_derivative(sp.exp(x), sp.exp(x), [0.3, 0.9, 1.7, 2.5])


def test_sine_and_cosine_cycle():
    assert_derivative(sp.sin(x), sp.cos(x), [0.3, 0.9, 1.7, 2.5])
    assert_derivative(sp.cos(x), -sp.sin(x), [0.3, 0.9, 1.7, 2.5])
    cycle = [sp.sin(x), sp.cos(x), -sp.sin(x), -sp.cos(x)]
    for k in range(1, 5):
        assert sp.diff(sp.sin(x), x, k) == cycle[k % 4]
    assert sp.diff(sp.sin(x), x, 100) == sp.sin(x)
    assert sp.diff(sp.sin(x), x, 2027) == -sp.cos(x)
    # Euler's formula: each derivative of e^{ix} multiplies it by i, and i^4 = 1
    assert_same(sp.diff(sp.exp(sp.I * x), x), sp.I * sp.exp(sp.I * x))
    assert sp.I**4 == 1


def test_product_rule_generic_and_the_vanishing_corner():
    f, g = sp.Function("f")(x), sp.Function("g")(x)
    assert sp.diff(f * g, x) == sp.diff(f, x) * g + f * sp.diff(g, x)
    d_f = (x + h)**2 - x**2
    d_g = sp.sin(x + h) - sp.sin(x)
    assert sp.limit((d_f * d_g / h).subs(x, 1), h, 0) == 0
    assert sp.limit((x**2 * d_g / h).subs(x, 1), h, 0) == sp.cos(1)
    assert sp.limit((sp.sin(x) * d_f / h).subs(x, 1), h, 0) == 2 * sp.sin(1)


def test_product_example():
    assert_derivative(x**2 * sp.sin(x), 2 * x * sp.sin(x) + x**2 * sp.cos(x),
                      [0.3, 0.9, 1.7, 2.5])


def test_chain_rule_generic():
    f, g = sp.Function("f"), sp.Function("g")
    u = sp.symbols("u")
    by_chain = sp.diff(f(u), u).subs(u, g(x)) * sp.diff(g(x), x)
    assert sp.simplify(sp.diff(f(g(x)), x).doit() - by_chain.doit()) == 0


def test_pizza_story():
    happiness = 6 * p - p**2
    pizzas = m**2 / 200
    composed = happiness.subs(p, pizzas)
    by_chain = sp.diff(happiness, p).subs(p, pizzas) * sp.diff(pizzas, m)
    assert_same(sp.diff(composed, m), by_chain)
    assert_same(by_chain, (6 - m**2 / 100) * m / 100)
    assert pizzas.subs(m, 20) == 2
    assert sp.diff(happiness, p).subs(p, 2) == 2
    assert sp.diff(pizzas, m).subs(m, 20) == sp.Rational(1, 5)
    assert by_chain.subs(m, 20) == sp.Rational(2, 5)
    best = max(sp.solve(sp.diff(composed, m), m))
    assert best == sp.sqrt(600)
    assert pizzas.subs(m, best) == 3
    numeric = mvcalc.derivative(lambda mon: 6 * (mon**2 / 200) - (mon**2 / 200)**2, 20.0)
    assert numeric == pytest.approx(0.4, abs=1e-9)


@pytest.mark.parametrize(
    "f_expr, claimed, points",
    [
        # power rule exercise
        (2 * x**5 - 3 * x**2 + 4 / x + sp.sqrt(x),
         10 * x**4 - 6 * x - 4 / x**2 + 1 / (2 * sp.sqrt(x)), [0.5, 1.0, 4.0]),
        # product rule exercise
        (x**3 * sp.exp(x), x**2 * sp.exp(x) * (3 + x), [-1.0, 0.5, 2.0]),
        (sp.sin(x) * sp.cos(x), sp.cos(x)**2 - sp.sin(x)**2, [-1.0, 0.5, 2.0]),
        (sp.sin(x) * sp.cos(x), sp.cos(2 * x), [-1.0, 0.5, 2.0]),
        (x**2 * sp.exp(x) * sp.sin(x),
         (2 * x * sp.exp(x) + x**2 * sp.exp(x)) * sp.sin(x) + x**2 * sp.exp(x) * sp.cos(x),
         [-1.0, 0.5, 2.0]),
        # chain rule exercise
        ((3 * x + 1)**4, 12 * (3 * x + 1)**3, [-1.0, 0.5, 2.0]),
        (sp.sin(x**2), 2 * x * sp.cos(x**2), [-1.0, 0.5, 2.0]),
        (sp.exp(-x**2 / 2), -x * sp.exp(-x**2 / 2), [-1.0, 0.5, 2.0]),
        (sp.sqrt(1 + x**2), x / sp.sqrt(1 + x**2), [-1.0, 0.5, 2.0]),
    ],
)
def test_rules_exercises(f_expr, claimed, points):
    assert_derivative(f_expr, claimed, points)


def test_power_rule_exercise_value_at_four():
    claimed = 10 * x**4 - 6 * x - 4 / x**2 + 1 / (2 * sp.sqrt(x))
    assert claimed.subs(x, 4) == 2536


# --- book/m1/beast.md -----------------------------------------------------------------------

BEAST = sp.sin(2 * x**5 + 3 * x) / sp.exp(7 * x)
BEAST_PRIME = ((10 * x**4 + 3) * sp.cos(2 * x**5 + 3 * x)
               - 7 * sp.sin(2 * x**5 + 3 * x)) / sp.exp(7 * x)


def test_beast_steps():
    inner = 2 * x**5 + 3 * x
    assert_same(sp.diff(sp.sin(inner), x), sp.cos(inner) * (10 * x**4 + 3))
    assert_same(sp.diff(sp.exp(-7 * x), x), -7 * sp.exp(-7 * x))
    assert_same(BEAST, sp.sin(inner) * sp.exp(-7 * x))


def test_beast_derivative_against_sympy_and_mvcalc():
    points = [-0.5, 0.0, 0.25, 0.5, 1.0, 1.5]
    assert_derivative(BEAST, BEAST_PRIME, points, rtol=1e-7, atol=1e-8)
    beast = sp.lambdify(x, BEAST, "numpy")
    prime = sp.lambdify(x, BEAST_PRIME, "numpy")
    np.testing.assert_allclose(mvcalc.derivative(beast, points, method="complex"),
                               prime(np.array(points)), rtol=1e-14, atol=1e-15)
    assert BEAST_PRIME.subs(x, 0) == 3


def test_beast_first_turning_point():
    from scipy.optimize import brentq

    prime = sp.lambdify(x, BEAST_PRIME, "numpy")
    top = brentq(prime, 0.0, 0.5, xtol=1e-14)
    assert 0.13 < top < 0.14
    assert np.tan(2 * top**5 + 3 * top) == pytest.approx((10 * top**4 + 3) / 7, rel=1e-9)
    assert prime(top - 0.01) > 0 > prime(top + 0.01)  # a peak


def test_reading_the_cubic():
    cubic = x**3 - 3 * x
    assert_same(sp.diff(cubic, x), 3 * x**2 - 3)
    assert sorted(sp.solve(sp.diff(cubic, x), x)) == [-1, 1]
    assert sp.solve(sp.diff(cubic, x, 2), x) == [0]
    assert sp.diff(cubic, x).subs(x, 0) < 0 < sp.diff(cubic, x).subs(x, 2)


@pytest.mark.parametrize(
    "f_expr, claimed",
    [
        (x**3 / 3 - x, x**2 - 1),
        (sp.exp(-x**2), -2 * x * sp.exp(-x**2)),
        (sp.sin(2 * x), 2 * sp.cos(2 * x)),
        (1 / (1 + sp.exp(-3 * x)), 3 * sp.exp(-3 * x) / (1 + sp.exp(-3 * x))**2),
    ],
)
def test_matching_derivatives(f_expr, claimed):
    assert_derivative(f_expr, claimed, [-2.0, -0.5, 0.7, 2.5])


def test_sigmoid_derivative_is_a_positive_bump():
    sig_prime = sp.lambdify(x, sp.diff(1 / (1 + sp.exp(-3 * x)), x), "numpy")
    xs = np.linspace(-3, 3, 601)
    values = sig_prime(xs)
    assert np.all(values > 0)
    assert xs[np.argmax(values)] == pytest.approx(0.0, abs=1e-12)


@pytest.mark.parametrize(
    "f_expr, claimed",
    [
        ((x**2 + 1)**3 * sp.exp(2 * x),
         6 * x * (x**2 + 1)**2 * sp.exp(2 * x) + 2 * (x**2 + 1)**3 * sp.exp(2 * x)),
        (x / (1 + x**2), (1 - x**2) / (1 + x**2)**2),
        (sp.exp(sp.sin(x**2)), 2 * x * sp.cos(x**2) * sp.exp(sp.sin(x**2))),
        (sp.sin(x)**2 * sp.cos(3 * x),
         2 * sp.sin(x) * sp.cos(x) * sp.cos(3 * x) - 3 * sp.sin(x)**2 * sp.sin(3 * x)),
    ],
)
def test_toolbox_exercise(f_expr, claimed):
    assert_derivative(f_expr, claimed, [-1.2, -0.4, 0.3, 0.8, 1.5])
