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
    np.testing.assert_allclose(mvcalc.derivative(f, points), claimed_num(points), rtol=rtol, atol=atol)


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
    assert accel.subs(t, 20) == sp.Rational(3, 4)  # the largest acceleration
    assert accel.subs(t, 52) < 0 < accel.subs(t, 10)  # braking / speeding up


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
    assert (is_even, is_odd) == {"even": (True, False), "odd": (False, True), "neither": (False, False)}[parity]
    assert_same(expr.subs(x, 2), at_two)


def test_toolkit_composition_and_inverse():
    f_expr, g_expr = x**2 + 3, 2 * x - 1
    assert sp.expand(f_expr.subs(x, g_expr)) == 4 * x**2 - 4 * x + 4
    assert sp.expand(g_expr.subs(x, f_expr)) == 2 * x**2 + 5
    y = sp.symbols("y")
    (inverse,) = sp.solve(sp.Eq(y, g_expr), x)
    assert_same(inverse, (y + 1) / 2)
    assert sp.simplify(inverse.subs(y, g_expr)) == x
    assert f_expr.subs(x, 2) == f_expr.subs(x, -2) == 7  # no inverse: two inputs share an output


@pytest.mark.parametrize("a, b, k", [(1.5, 1, 2), (-2, -1, 3), (3, 2, 0.5)])
def test_toolkit_shifts_and_scalings_move_the_peak(a, b, k):
    bump = sp.exp(-(x**2))

    def peak(expr):
        (where,) = sp.solve(sp.diff(expr, x), x)
        return pytest.approx((float(where), float(expr.subs(x, where))))

    assert peak(bump) == (0, 1)
    assert peak(bump.subs(x, x - a)) == (a, 1)  # f(x - a): right by a
    assert peak(bump + b) == (0, 1 + b)  # f(x) + b: up by b
    assert peak(k * bump) == (0, k)  # k f(x): taller by k
    assert peak(bump.subs(x, k * x)) == (0, 1)  # f(kx): same peak, narrower
    # f(kx) at x = p / k is f(p): features arrive k times sooner
    p_ = sp.Rational(3, 4)
    assert float(bump.subs(x, k * x).subs(x, p_ / k)) == pytest.approx(float(bump.subs(x, p_)))


def test_peak_question_answers():
    for a, k, b in [(-3, 2, -2), (2, 4, 3), (1, 3, -1)]:
        expr = k * sp.exp(-((x - a) ** 2)) + b
        (where,) = sp.solve(sp.diff(expr, x), x)
        assert where == a and expr.subs(x, where) == k + b


# --- book/m1/limits.md ----------------------------------------------------------------------


def test_limit_of_the_removable_gap():
    assert sp.limit((x**2 - 1) / (x - 1), x, 1) == 2
    assert sp.cancel((x**2 - 1) / (x - 1)) == x + 1
    for a, b in [(-3, 1), (2, 4), (5, -4)]:
        assert sp.limit(sp.expand((x - a) * (x + b)) / (x - a), x, a) == a + b


def test_step_function_has_different_one_sided_limits():
    s = sp.Heaviside(x, 1)
    assert sp.limit(s, x, 0, dir="-") == 0
    assert sp.limit(s, x, 0, dir="+") == 1


def test_difference_quotient_of_the_square_at_one():
    quotient = sp.cancel(((1 + h) ** 2 - 1) / h)
    assert quotient == h + 2
    assert sp.limit(quotient, h, 0) == 2
    runs = np.array([0.5, 0.1, 0.01, 0.001])
    np.testing.assert_allclose(mvcalc.secant_slope(lambda s: s**2, 1.0, runs), 2 + runs, rtol=1e-9)
    np.testing.assert_allclose(mvcalc.secant_slope(lambda s: s**2, 1.0, -runs), 2 - runs, rtol=1e-9)
    for a, c in [(-3, 2), (1, 5), (3, 4)]:
        q = sp.cancel((c * (a + h) ** 2 - c * a**2) / h)
        assert sp.limit(q, h, 0) == 2 * a * c


def test_kinks_of_abs_and_relu():
    u = sp.symbols("u", real=True)
    assert (sp.limit(sp.Abs(u) / u, u, 0, dir="-"), sp.limit(sp.Abs(u) / u, u, 0, dir="+")) == (-1, 1)
    assert (sp.limit(sp.Max(0, u) / u, u, 0, dir="-"), sp.limit(sp.Max(0, u) / u, u, 0, dir="+")) == (0, 1)
    relu = lambda s: np.maximum(0.0, s)  # noqa: E731
    for run in (0.1, 1e-3, 1e-6):
        assert mvcalc.secant_slope(np.abs, 0.0, run) == 1 and mvcalc.secant_slope(np.abs, 0.0, -run) == -1
        assert mvcalc.secant_slope(relu, 0.0, run) == 1 and mvcalc.secant_slope(relu, 0.0, -run) == 0
    # a central difference returns the average of the two sides: a number without a meaning
    assert mvcalc.derivative(np.abs, 0.0) == 0.0
    assert mvcalc.derivative(relu, 0.0) == pytest.approx(0.5, abs=1e-12)


def test_which_functions_have_a_derivative_at_zero():
    u = sp.symbols("u", real=True)
    for expr, differentiable in [
        (sp.Abs(u), False),
        (sp.Max(0, u), False),
        (u * sp.Abs(u), True),
        (sp.Abs(u) + u, False),
    ]:
        quotient = expr / u
        lo, hi = sp.limit(quotient, u, 0, dir="-"), sp.limit(quotient, u, 0, dir="+")
        assert (lo == hi) is differentiable
    assert sp.limit(u * sp.Abs(u) / u, u, 0) == 0


def test_one_sided_slopes_of_relu_plus_a_line():
    u = sp.symbols("u", real=True)
    for a, b in [(1, -1), (3, 2), (4, -3)]:
        expr = a * sp.Max(0, u) + b * u
        assert sp.limit(expr / u, u, 0, dir="+") == a + b
        assert sp.limit(expr / u, u, 0, dir="-") == b


def test_sine_quotient_and_kinks_of_abs_x_squared_minus_one():
    assert sp.limit(sp.sin(h) / h, h, 0) == 1
    assert np.sin(0.1) / 0.1 < 1
    v = sp.symbols("v", real=True)
    f_abs = sp.Abs(v**2 - 1)
    for a in (-1, 1):
        quotient = (f_abs.subs(v, a + h) - f_abs.subs(v, a)) / h
        assert (sp.limit(quotient, h, 0, dir="-"), sp.limit(quotient, h, 0, dir="+")) == (-2, 2)


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
    forward = sp.expand(((x + h) ** 3 - x**3) / h)
    central = sp.expand(((x + h) ** 3 - (x - h) ** 3) / (2 * h))
    assert_same(forward, 3 * x**2 + 3 * x * h + h**2)
    assert_same(central, 3 * x**2 + h**2)


def test_limit_definition_exercise_cubic():
    quotient = rise_over_run(x**3 - 4 * x)
    assert_same(quotient, 3 * x**2 + 3 * x * h + h**2 - 4)
    assert sp.limit(quotient, h, 0) == 3 * x**2 - 4


def test_central_difference_of_abs_at_zero_is_zero_for_every_step():
    hp = sp.symbols("h", positive=True)
    assert sp.simplify((sp.Abs(hp) - sp.Abs(-hp)) / (2 * hp)) == 0
    for step in (0.5, 1e-3, 1e-8):
        assert mvcalc.derivative(np.abs, 0.0, h=step) == 0.0


def test_sqrt_exercise_by_the_limit():
    quotient = (sp.sqrt(4 + h) - 2) / h
    assert sp.simplify(quotient - 1 / (sp.sqrt(4 + h) + 2)) == 0
    assert sp.limit(quotient, h, 0) == sp.Rational(1, 4)
    slopes = mvcalc.secant_slope(np.sqrt, 4.0, np.array([1.0, 0.1, 0.01, 0.001]))
    assert np.all(np.diff(slopes) > 0) and np.all(slopes < 0.25)  # from below, closing in
    assert slopes[-1] == pytest.approx(0.25, abs=1e-4)


# --- book/m1/numerics.md (optional) ---------------------------------------------------------


def test_truncation_errors_match_the_second_and_third_derivatives():
    """Equation m1-eq-truncation: leading error terms h f''/2 and h^2 f'''/6."""
    for g in [sp.exp(x), sp.sin(x), x**4 - x]:
        forward = (g.subs(x, x + h) - g) / h
        central = (g.subs(x, x + h) - g.subs(x, x - h)) / (2 * h)
        leading_fwd = sp.series(forward - sp.diff(g, x), h, 0, 2).removeO()
        leading_cen = sp.series(central - sp.diff(g, x), h, 0, 3).removeO()
        assert_same(leading_fwd, h / 2 * sp.diff(g, x, 2))
        assert_same(leading_cen, h**2 / 6 * sp.diff(g, x, 3))


def test_order_question_errors_scale_with_the_order():
    """Truncation-dominated: h / 10 divides a forward error by 10, a central one by 100."""
    for method, order in [("forward", 1), ("central", 2)]:
        e1 = abs(mvcalc.derivative(np.exp, 0.5, h=1e-2, method=method) - np.exp(0.5))
        e2 = abs(mvcalc.derivative(np.exp, 0.5, h=1e-3, method=method) - np.exp(0.5))
        assert e1 / e2 == pytest.approx(10**order, rel=0.02)


def test_complex_step_truncation_has_the_central_size_and_opposite_sign():
    step = sp.symbols("h", positive=True)
    g = sp.exp(x)
    complex_err = sp.series(
        sp.im(sp.expand_complex(g.subs(x, x + sp.I * step))) / step - sp.diff(g, x), step, 0, 3
    ).removeO()
    central_err = sp.series(
        (g.subs(x, x + step) - g.subs(x, x - step)) / (2 * step) - sp.diff(g, x), step, 0, 3
    ).removeO()
    assert_same(complex_err, -central_err)


def test_big_x_default_step_is_almost_a_period_of_the_sine():
    step = mvcalc.default_step(1e6)
    assert step == pytest.approx(np.cbrt(EPS) * 1e6)
    assert 0.9 * 2 * np.pi < step < 2 * np.pi


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
    assert_same(sp.diff(xp**n, xp), n * xp ** (n - 1))


def test_polynomial_example():
    assert_derivative(4 * x**3 - 5 * x**2 + 7 * x - 2, 12 * x**2 - 10 * x + 7, [0.3, 0.9, 1.7, 2.5])


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
    d_f = (x + h) ** 2 - x**2
    d_g = sp.sin(x + h) - sp.sin(x)
    assert sp.limit((d_f * d_g / h).subs(x, 1), h, 0) == 0
    assert sp.limit((x**2 * d_g / h).subs(x, 1), h, 0) == sp.cos(1)
    assert sp.limit((sp.sin(x) * d_f / h).subs(x, 1), h, 0) == 2 * sp.sin(1)


def test_product_example():
    assert_derivative(x**2 * sp.sin(x), 2 * x * sp.sin(x) + x**2 * sp.cos(x), [0.3, 0.9, 1.7, 2.5])


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
    numeric = mvcalc.derivative(lambda mon: 6 * (mon**2 / 200) - (mon**2 / 200) ** 2, 20.0)
    assert numeric == pytest.approx(0.4, abs=1e-9)


@pytest.mark.parametrize(
    "f_expr, claimed, points",
    [
        # power rule exercise
        (
            2 * x**5 - 3 * x**2 + 4 / x + sp.sqrt(x),
            10 * x**4 - 6 * x - 4 / x**2 + 1 / (2 * sp.sqrt(x)),
            [0.5, 1.0, 4.0],
        ),
        # product rule exercise
        (x**3 * sp.exp(x), x**2 * sp.exp(x) * (3 + x), [-1.0, 0.5, 2.0]),
        (sp.sin(x) * sp.cos(x), sp.cos(x) ** 2 - sp.sin(x) ** 2, [-1.0, 0.5, 2.0]),
        (sp.sin(x) * sp.cos(x), sp.cos(2 * x), [-1.0, 0.5, 2.0]),
        (
            x**2 * sp.exp(x) * sp.sin(x),
            (2 * x * sp.exp(x) + x**2 * sp.exp(x)) * sp.sin(x) + x**2 * sp.exp(x) * sp.cos(x),
            [-1.0, 0.5, 2.0],
        ),
        # chain rule exercise
        ((3 * x + 1) ** 4, 12 * (3 * x + 1) ** 3, [-1.0, 0.5, 2.0]),
        (sp.sin(x**2), 2 * x * sp.cos(x**2), [-1.0, 0.5, 2.0]),
        (sp.exp(-(x**2) / 2), -x * sp.exp(-(x**2) / 2), [-1.0, 0.5, 2.0]),
        (sp.sqrt(1 + x**2), x / sp.sqrt(1 + x**2), [-1.0, 0.5, 2.0]),
    ],
)
def test_rules_exercises(f_expr, claimed, points):
    assert_derivative(f_expr, claimed, points)


def test_power_rule_exercise_value_at_four():
    claimed = 10 * x**4 - 6 * x - 4 / x**2 + 1 / (2 * sp.sqrt(x))
    assert claimed.subs(x, 4) == 2536


def test_quotient_rule_from_the_product_and_chain_rules():
    f, g = sp.Function("f")(x), sp.Function("g")(x)
    assert_same(sp.diff(1 / g, x), -sp.diff(g, x) / g**2)
    by_product_and_chain = sp.diff(f, x) * (1 / g) + f * (-sp.diff(g, x) / g**2)
    quotient_rule = (sp.diff(f, x) * g - f * sp.diff(g, x)) / g**2
    assert_same(by_product_and_chain, quotient_rule)
    assert_same(sp.diff(f / g, x), quotient_rule)
    # the check f/1: g = 1 gives back f'
    assert quotient_rule.subs(g, 1).doit() == sp.diff(f, x)


def test_tan_by_the_quotient_rule():
    assert_derivative(sp.tan(x), 1 / sp.cos(x) ** 2, [-1.0, 0.3, 0.9, 1.3])
    by_rule = (sp.cos(x) * sp.cos(x) - sp.sin(x) * (-sp.sin(x))) / sp.cos(x) ** 2
    assert_same(by_rule, 1 / sp.cos(x) ** 2)


def test_logarithm_is_the_inverse_of_exp_with_derivative_one_over_x():
    xp = sp.symbols("x", positive=True)
    assert sp.exp(sp.log(xp)) == xp
    # differentiate e^{ln x} = x: e^{ln x} (ln x)' = 1
    d = sp.symbols("d")
    (solved,) = sp.solve(sp.Eq(sp.exp(sp.log(xp)) * d, 1), d)
    assert solved == 1 / xp
    assert sp.diff(sp.log(xp), xp) == 1 / xp
    points = np.array([0.3, 0.9, 1.7, 2.5])
    np.testing.assert_allclose(mvcalc.derivative(np.log, points), 1 / points, rtol=1e-7)
    # the mirrored tangent at (e, 1) has the reciprocal slope of the tangent at (1, e)
    assert mvcalc.derivative(np.log, np.e) * mvcalc.derivative(np.exp, 1.0) == pytest.approx(1.0, rel=1e-9)


def test_exponential_constant_and_general_power_rule_via_the_logarithm():
    a, n = sp.symbols("a n", positive=True)
    xp = sp.symbols("x", positive=True)
    assert_same(sp.diff(sp.exp(xp * sp.log(a)), xp), a**xp * sp.log(a))
    assert_same(sp.diff(sp.exp(n * sp.log(xp)), xp), n * xp ** (n - 1))


def test_logarithm_chain_rule_question_shape():
    for a, k, b in [(1, 2, 1), (3, 4, 7), (5, 3, 2)]:
        inner = a * x**k + b
        assert_same(sp.diff(sp.log(inner), x), k * a * x ** (k - 1) / inner)


def test_power_rule_domains():
    """Power rule: every x for n = 1, 2, ...; x != 0 for negative whole n; x > 0 for other n."""
    assert_derivative(x**3, 3 * x**2, [-2.0, -0.5, 0.5, 2.0])
    assert_derivative(x**-3, -3 * x**-4, [-2.0, -0.5, 0.5, 2.0], rtol=1e-6)
    xp = sp.symbols("x", positive=True)
    assert_same(sp.diff(xp ** sp.Rational(1, 2), xp), xp ** sp.Rational(-1, 2) / 2)
    # sqrt(x) has no derivative at 0: its rise over run is 1/sqrt(h), which grows without bound
    hp = sp.symbols("h", positive=True)
    assert sp.limit(sp.sqrt(hp) / hp, hp, 0) == sp.oo


# --- book/m1/beast.md -----------------------------------------------------------------------

BEAST = sp.sin(2 * x**5 + 3 * x) / sp.exp(7 * x)
BEAST_PRIME = ((10 * x**4 + 3) * sp.cos(2 * x**5 + 3 * x) - 7 * sp.sin(2 * x**5 + 3 * x)) / sp.exp(7 * x)


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
    np.testing.assert_allclose(
        mvcalc.derivative(beast, points, method="complex"), prime(np.array(points)), rtol=1e-14, atol=1e-15
    )
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
        (sp.exp(-(x**2)), -2 * x * sp.exp(-(x**2))),
        (sp.sin(2 * x), 2 * sp.cos(2 * x)),
        (1 / (1 + sp.exp(-3 * x)), 3 * sp.exp(-3 * x) / (1 + sp.exp(-3 * x)) ** 2),
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
        (
            (x**2 + 1) ** 3 * sp.exp(2 * x),
            6 * x * (x**2 + 1) ** 2 * sp.exp(2 * x) + 2 * (x**2 + 1) ** 3 * sp.exp(2 * x),
        ),
        (x / (1 + x**2), (1 - x**2) / (1 + x**2) ** 2),
        (sp.exp(sp.sin(x**2)), 2 * x * sp.cos(x**2) * sp.exp(sp.sin(x**2))),
        (
            sp.sin(x) ** 2 * sp.cos(3 * x),
            2 * sp.sin(x) * sp.cos(x) * sp.cos(3 * x) - 3 * sp.sin(x) ** 2 * sp.sin(3 * x),
        ),
    ],
)
def test_toolbox_exercise(f_expr, claimed):
    assert_derivative(f_expr, claimed, [-1.2, -0.4, 0.3, 0.8, 1.5])


@pytest.mark.parametrize("f_expr, changes_sign", [(x**3 - 3 * x, True), (x**3, True), (-(x**3), True), (x**4, False)])
def test_inflection_point_is_where_the_second_derivative_changes_sign(f_expr, changes_sign):
    """An inflection point: f'' changes sign; there f' has a local extremum (not always the steepest f)."""
    second = sp.diff(f_expr, x, 2)
    assert second.subs(x, 0) == 0
    assert bool(second.subs(x, -sp.Rational(1, 10)) * second.subs(x, sp.Rational(1, 10)) < 0) is changes_sign
    if changes_sign:
        slope = sp.lambdify(x, sp.diff(f_expr, x), "numpy")
        near = np.linspace(-0.5, 0.5, 101)
        values = slope(near)
        assert np.argmin(values) == 50 or np.argmax(values) == 50  # f' has a local extremum at 0


def test_x_cubed_is_least_steep_at_its_inflection_point():
    slope = sp.diff(x**3, x)
    assert slope.subs(x, 0) == 0
    assert sp.solve(sp.diff(x**3, x, 2), x) == [0]
    assert all(abs(slope.subs(x, s)) > 0 for s in [-1, -sp.Rational(1, 10), sp.Rational(1, 10), 1])
    assert slope.subs(x, 1) == 3


def test_inflection_question_family():
    for a in (-3, -1, 2, 3):
        for d in (-9, 4):
            f = x**3 - 3 * a * x**2 + d * x
            assert sp.solve(sp.diff(f, x, 2), x) == [a]
            slope = sp.diff(f, x)
            assert slope.subs(x, a) < slope.subs(x, a + 1) and slope.subs(x, a) < slope.subs(x, a - 1)


# --- book/m1/summary.md ---------------------------------------------------------------------


def test_summary_kink_and_log_ratio():
    u = sp.symbols("u", real=True)
    kinked = sp.Abs(u - 2) + u
    quotient = (kinked.subs(u, 2 + h) - kinked.subs(u, 2)) / h
    assert sp.limit(quotient, h, 0, dir="-") == 0
    assert sp.limit(quotient, h, 0, dir="+") == 2
    assert_derivative(sp.log(x) / x, (1 - sp.log(x)) / x**2, [0.5, 1.0, 2.5])


def test_summary_gradient_check_digits():
    g_expr = sp.exp(sp.sin(x)) / (1 + x**2)
    claimed = sp.exp(sp.sin(x)) * sp.cos(x) / (1 + x**2) - 2 * x * sp.exp(sp.sin(x)) / (1 + x**2) ** 2
    assert_same(claimed, sp.diff(g_expr, x))
    g_num, g_prime = sp.lambdify(x, g_expr, "numpy"), sp.lambdify(x, claimed, "numpy")
    points = np.array([0.0, 1.0, 2.0])
    exact = g_prime(points)
    np.testing.assert_allclose(mvcalc.derivative(g_num, points), exact, rtol=1e-8)
    np.testing.assert_allclose(mvcalc.derivative(g_num, points, method="complex"), exact, rtol=1e-14)


def test_beast_central_discrepancy_at_zero_is_its_truncation_error():
    third = sp.diff(BEAST, x, 3).subs(x, 0)
    assert third == 414
    step = mvcalc.default_step(0.0)
    beast = sp.lambdify(x, BEAST, "numpy")
    gap = abs(mvcalc.derivative(beast, 0.0) - 3.0)
    assert gap == pytest.approx(step**2 / 6 * 414, rel=0.01)


# --- what the pages state -------------------------------------------------------------------
# Each value below is read from the built page (its glued output) and compared, to the digits the page
# prints, with the test's own value from sympy or a closed form; a wrong number on a page fails here.

from _page_values import assert_states, change_glued_value  # noqa: E402


def _page_accelerations():
    accel = sp.diff(SPEED, t)
    for i, when in enumerate([10, 40, 52]):  # the page's t_marks
        assert_states("m1/functions", f"m1_accel_{i}", accel.subs(t, when))


def _page_pizza_numbers():
    happiness, pizzas = 6 * p - p**2, m**2 / 200
    composed = happiness.subs(p, pizzas)
    assert_states("m1/rules", "m1_dh_dp", sp.diff(happiness, p).subs(p, pizzas.subs(m, 20)))
    assert_states("m1/rules", "m1_dp_dm", sp.diff(pizzas, m).subs(m, 20))
    assert_states("m1/rules", "m1_dh_dm", sp.diff(composed, m).subs(m, 20))
    best = max(sp.solve(sp.diff(composed, m), m))
    assert_states("m1/rules", "m1_best_budget", best)
    assert_states("m1/rules", "m1_best_pizzas", pizzas.subs(m, best))


@pytest.mark.book
def test_page_car_speed_acceleration_and_trip():
    _page_accelerations()
    (t_top,) = [r for r in sp.solve(sp.diff(SPEED, t), t) if r > 0]
    assert_states("m1/functions", "m1_t_top", t_top)
    assert_states("m1/functions", "m1_v_top", SPEED.subs(t, t_top))
    assert_states("m1/functions", "m1_v_top_kmh", SPEED.subs(t, t_top) * sp.Rational(36, 10))
    assert_states("m1/functions", "m1_trip", sp.integrate(SPEED, (t, 0, 60)))


@pytest.mark.book
def test_page_derivative_values():
    assert_states("m1/derivative", "m1_secant_limit", sp.cos(sp.Rational(1, 2)))
    assert_states("m1/derivative", "m1_5x2_at_3", sp.diff(5 * x**2, x).subs(x, 3))
    assert_states("m1/limits", "m1_limits_square_limit", sp.limit(((1 + h) ** 2 - 1) / h, h, 0))
    # the central difference of relu at its kink averages the one-sided slopes 0 and 1
    assert_states("m1/limits", "m1_limits_relu_central", sp.Rational(1, 2))


@pytest.mark.book
def test_page_exponential_constants_and_logarithm_slopes():
    assert_states("m1/rules", "m1_const_2", sp.log(2))
    assert_states("m1/rules", "m1_const_3", sp.log(3))
    assert_states("m1/rules", "m1_e", sp.E)
    assert_states("m1/rules", "m1_log_exp_slope", sp.diff(sp.exp(x), x).subs(x, 1))
    assert_states("m1/rules", "m1_log_slope", sp.diff(sp.log(x), x).subs(x, sp.E))


@pytest.mark.book
def test_page_pizza_chain_rule():
    _page_pizza_numbers()


@pytest.mark.book
def test_page_beast_and_cubic_turning_points():
    assert_states("m1/beast", "m1_beast_prime_0", BEAST_PRIME.subs(x, 0))
    left, right = sorted(sp.solve(sp.diff(x**3 - 3 * x, x), x))
    assert_states("m1/beast", "m1_turn_left", left)
    assert_states("m1/beast", "m1_turn_right", right)
    peak, trough = sorted(sp.solve(sp.diff(x**3 / 6 - x, x), x))
    assert_states("m1/summary", "m1_summary_peak", peak)
    assert_states("m1/summary", "m1_summary_trough", trough)


@pytest.mark.book
def test_page_machine_epsilon_and_its_powers():
    eps = sp.Rational(1, 2**52)  # float64 has a 52-bit fraction
    assert_states("m1/numerics", "m1_eps", eps)
    assert_states("m1/numerics", "m1_digits", -sp.log(eps, 10))
    assert_states("m1/numerics", "m1_sqrt_eps", sp.sqrt(eps))
    assert_states("m1/numerics", "m1_cbrt_eps", sp.cbrt(eps))
    assert_states("m1/numerics", "m1_eps_two_thirds", eps ** sp.Rational(2, 3))


@pytest.mark.book
@pytest.mark.parametrize(
    "doc, name, wrong, check",
    [
        ("m1/functions", "m1_accel_2", -1.17 + 0.001, _page_accelerations),  # one unit of the 3rd printed decimal
        ("m1/rules", "m1_best_budget", 24.51, _page_pizza_numbers),
        ("m1/rules", "m1_dh_dm", 0.41, _page_pizza_numbers),
    ],
)
def test_page_checks_fail_on_a_changed_value(monkeypatch, tmp_path, doc, name, wrong, check):
    check()  # the built page passes
    change_glued_value(monkeypatch, tmp_path, doc, name, wrong)
    with pytest.raises(AssertionError, match=name):
        check()
