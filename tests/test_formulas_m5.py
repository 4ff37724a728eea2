"""Every formula and claim that the pages of Module 5 state, checked against sympy and scipy.

One test (or one parametrised group) per claim, in the order of the pages:
book/m5/newton-raphson.md, gradient-descent.md, sandpit-descent.md and lagrange.md.
The iterations are written again here in a few lines, so that the checks do not
rely on mvcalc.optimise alone; where a page shows the library, it is compared too.
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.optimize
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st

import mvcalc

x, y, lam = sp.symbols("x y lambda", real=True)
a = sp.symbols("a", positive=True)


def newton_iterates(f, fprime, x0, steps):
    xs = [float(x0)]
    for _ in range(steps):
        xs.append(xs[-1] - f(xs[-1]) / fprime(xs[-1]))
    return np.array(xs)


# ---------------------------------------------------------------- newton-raphson.md

CUBIC = x**3 - 2 * x + 2
SEXTIC = x**6 / 6 - 3 * x**4 - sp.Rational(2, 3) * x**3 + sp.Rational(27, 2) * x**2 + 18 * x - 30
SEXTIC_PRIME = x**5 - 12 * x**3 - 2 * x**2 + 27 * x + 18
cubic, cubic_prime = sp.lambdify(x, CUBIC), sp.lambdify(x, sp.diff(CUBIC, x))
sextic, sextic_prime = sp.lambdify(x, SEXTIC), sp.lambdify(x, SEXTIC_PRIME)
SEXTIC_ROOTS = sorted(float(r) for r in sp.Poly(SEXTIC, x).nroots() if r.is_real)


def test_newton_step_is_the_root_of_the_tangent_line():
    x0 = sp.symbols("x_0", real=True)
    f = sp.Function("f")
    tangent = f(x0) + sp.diff(f(x0), x0) * (x - x0)
    (root,) = sp.solve(tangent, x)
    assert sp.simplify(root - (x0 - f(x0) / sp.diff(f(x0), x0))) == 0


def test_cubic_converges_from_minus_two_to_its_real_root():
    (real_root,) = [complex(r).real for r in sp.Poly(CUBIC, x).nroots() if r.is_real]
    assert real_root == pytest.approx(-1.769292354, abs=1e-9)
    xs = newton_iterates(cubic, cubic_prime, -2.0, 6)
    assert xs[1] == pytest.approx(-1.8, abs=1e-15)  # -2 - (-2)/10
    assert xs[-1] == pytest.approx(real_root, abs=1e-14)
    errors = np.abs(xs[:4] - real_root)
    assert np.all(errors[1:] < errors[:-1] ** 2 * 2)  # roughly squared at every step


def test_cubic_cycles_between_zero_and_one():
    step = x - CUBIC / sp.diff(CUBIC, x)
    assert step.subs(x, 0) == 1 and step.subs(x, 1) == 0
    assert list(newton_iterates(cubic, cubic_prime, 0.0, 6)) == [0, 1, 0, 1, 0, 1, 0]


def test_the_cycle_attracts_because_the_step_map_is_flat_at_zero():
    step_map = x - CUBIC / sp.diff(CUBIC, x)
    slope = sp.diff(step_map, x)
    assert sp.simplify(slope - CUBIC * sp.diff(CUBIC, x, 2) / sp.diff(CUBIC, x) ** 2) == 0
    assert slope.subs(x, 0) * slope.subs(x, 1) == 0
    result = mvcalc.newton_raphson(cubic, 0.1, fprime=cubic_prime, maxiter=100)
    assert not result.success and result.message.startswith("cycle")
    result = mvcalc.newton_raphson(cubic, 0.5, fprime=cubic_prime, maxiter=100)
    assert result.success and result.x == pytest.approx(-1.769292354, abs=1e-9)


def test_sextic_derivative_and_its_factors():
    assert sp.expand(sp.diff(SEXTIC, x) - SEXTIC_PRIME) == 0
    assert sp.expand((x - 3) * (x - 2) * (x + 1) ** 2 * (x + 3) - SEXTIC_PRIME) == 0


def test_sextic_real_roots_and_turning_points():
    assert SEXTIC_ROOTS == pytest.approx([-3.760214, 1.063071], abs=1e-6)
    assert SEXTIC_PRIME.subs(x, 2) == 0
    assert SEXTIC.subs(x, 2) == sp.Rational(52, 3)  # a local maximum: f'' < 0
    assert sp.diff(SEXTIC, x, 2).subs(x, 2) < 0
    assert SEXTIC.subs(x, 3) == 6 and sp.diff(SEXTIC, x, 2).subs(x, 3) > 0  # a valley above the axis
    assert SEXTIC.subs(x, -3) == -66


@pytest.mark.parametrize("x0, root", [(-4.0, 0), (1.5, 1), (1.99, 0), (3.1, 0)])
def test_sextic_starts_reach_the_stated_roots(x0, root):
    xs = newton_iterates(sextic, sextic_prime, x0, 100)
    assert xs[-1] == pytest.approx(SEXTIC_ROOTS[root], abs=1e-12)


def test_sextic_far_jump_from_199_and_oscillation_from_31():
    jump = newton_iterates(sextic, sextic_prime, 1.99, 1)[1]
    assert jump == pytest.approx(-36.4746, abs=1e-4)
    xs = newton_iterates(sextic, sextic_prime, 3.1, 100)
    escape = int(np.argmax(xs < 2.0))
    assert escape > 15  # many steps in the valley first
    assert 2.4 < xs[:escape].min() and xs[:escape].max() < 4.5


def test_scipy_newton_with_and_without_fprime():
    assert scipy.optimize.newton(sextic, 3.1, fprime=sextic_prime, maxiter=100) == pytest.approx(SEXTIC_ROOTS[0])
    assert scipy.optimize.newton(sextic, 3.1, maxiter=100) == pytest.approx(SEXTIC_ROOTS[1])
    with pytest.raises(RuntimeError):
        scipy.optimize.newton(sextic, 1.99)


@pytest.mark.parametrize(
    "f, x0, fprime, options, kind",
    [
        (cubic, 0.0, cubic_prime, {}, "cycle"),
        (sextic, 2.0, sextic_prime, {}, "zero derivative"),
        (sextic, 3.1, sextic_prime, {"maxiter": 10}, "did not converge"),
        (np.arctan, 1.5, lambda v: 1 / (1 + v**2), {}, "diverged"),
    ],
)
def test_mvcalc_newton_raphson_names_each_failure(f, x0, fprime, options, kind):
    result = mvcalc.newton_raphson(f, x0, fprime=fprime, **options)
    assert not result.success and result.message.startswith(kind)


def test_babylonian_square_root():
    a_ = sp.symbols("a_", positive=True)
    step = x - (x**2 - a_) / (2 * x)
    assert sp.simplify(step - (x + a_ / x) / 2) == 0
    assert newton_iterates(lambda v: v**2 - 2, lambda v: 2 * v, 1.0, 5)[-1] == pytest.approx(np.sqrt(2), abs=1e-15)


def test_sextic_from_minus_two_goes_right():
    xs = newton_iterates(sextic, sextic_prime, -2.0, 20)
    assert sextic(-2.0) == pytest.approx(-44) and sextic_prime(-2.0) == pytest.approx(20)
    assert xs[1] == pytest.approx(0.2)
    assert xs[-1] == pytest.approx(SEXTIC_ROOTS[1], abs=1e-12)


def test_newton_on_a_derivative_finds_a_maximum_too():
    g = x**4 - 3 * x**2 + x
    g1, g2 = sp.lambdify(x, sp.diff(g, x)), sp.lambdify(x, sp.diff(g, x, 2))
    low = newton_iterates(g1, g2, -2.0, 30)[-1]
    high = newton_iterates(g1, g2, 0.5, 30)[-1]
    assert g2(low) > 0 and g2(high) < 0
    assert low == pytest.approx(
        scipy.optimize.minimize_scalar(sp.lambdify(x, g), bounds=(-2, 0), method="bounded").x, abs=1e-5
    )


# ---------------------------------------------------------------- gradient-descent.md

X2Y = x**2 * y
A_BOWL = np.array([[3.0, 2.0], [2.0, 6.0]])
B_BOWL = np.array([5.0, 8.0])


def descend(grad, s0, gamma, steps):
    s = np.array(s0, dtype=float)
    for _ in range(steps):
        s = s - gamma * grad(s)
    return s


def test_gradient_of_x2y_and_steepest_direction_at_1_2():
    grad = [sp.diff(X2Y, v) for v in (x, y)]
    assert grad == [2 * x * y, x**2]
    g = np.array([float(c.subs({x: 1, y: 2})) for c in grad])
    assert list(g) == [4.0, 1.0]
    best = scipy.optimize.minimize_scalar(
        lambda t: -(g @ [np.cos(t), np.sin(t)]), bounds=(-np.pi, np.pi), method="bounded", options={"xatol": 1e-10}
    )
    assert -best.fun == pytest.approx(np.sqrt(17))
    assert best.x == pytest.approx(np.arctan2(1, 4), abs=1e-6)


def test_directional_derivative_is_the_derivative_along_the_line():
    t = sp.symbols("t", real=True)
    u = sp.Matrix([3, 4]) / 5
    along = X2Y.subs({x: -1 + t * u[0], y: 2 + t * u[1]})
    grad = sp.Matrix([sp.diff(X2Y, v) for v in (x, y)]).subs({x: -1, y: 2})
    assert sp.diff(along, t).subs(t, 0) == (grad.T * u)[0] == sp.Rational(-8, 5)


def test_gradient_is_perpendicular_to_the_contour():
    t = sp.symbols("t", positive=True)
    curve = sp.Matrix([t, 2 / t**2])
    on = {x: curve[0], y: curve[1]}
    grad = sp.Matrix([sp.diff(X2Y, v) for v in (x, y)]).subs(on)
    assert sp.simplify(X2Y.subs(on)) == 2
    assert sp.simplify((grad.T * curve.diff(t))[0]) == 0


def test_x2y_descent_runs_away_or_stops_on_the_line_x_0():
    grad = lambda p: np.array([2 * p[0] * p[1], p[0] ** 2])  # noqa: E731
    away = descend(grad, [1.0, -1.0], 0.1, 9)
    assert away[1] < -30 and away[0] ** 2 * away[1] < -1e5
    stop = descend(grad, [1.0, 1.0], 0.1, 60)
    assert abs(stop[0]) < 1e-3 and stop[1] > 0.5


@pytest.mark.parametrize(
    ("y0", "kind"), [(1.0, "minimum"), (0.3, "minimum"), (-1.0, "maximum"), (-0.3, "maximum"), (0.0, "neither")]
)
def test_points_of_the_line_x_0_are_local_minima_maxima_or_neither(y0, kind):
    """x^2 y at (0, y0): a non-strict local minimum for y0 > 0, a local maximum for y0 < 0, neither at 0."""
    rng = np.random.default_rng(1)
    r = 0.9 * abs(y0) if y0 else 0.1  # a disc that stays on one side of y = 0
    d = rng.uniform(-r, r, size=(20000, 2)) / np.sqrt(2)
    change = d[:, 0] ** 2 * (y0 + d[:, 1])  # f minus f(0, y0) = 0
    if kind == "minimum":
        assert change.min() >= 0 and change.max() > 0
    elif kind == "maximum":
        assert change.max() <= 0 and change.min() < 0
    else:
        assert change.min() < 0 < change.max()
    # not strict: f is equal to its centre value all along the line through the point
    assert float(X2Y.subs({x: 0, y: y0 + 0.01})) == 0.0


def test_x2y_has_no_global_minimum_and_the_descent_stops_at_a_local_one():
    t = sp.symbols("t", positive=True)
    assert sp.limit(X2Y.subs({x: 1, y: -t}), t, sp.oo) == -sp.oo
    grad = lambda p: np.array([2 * p[0] * p[1], p[0] ** 2])  # noqa: E731
    stop = descend(grad, [1.0, 1.0], 0.1, 60)
    # where it stops, y > 0, so the point is a local minimum of value (almost) 0
    assert stop[1] > 0 and abs(stop[0] ** 2 * stop[1]) < 1e-6


def test_bowl_minimum_and_eigenvalues():
    assert np.allclose(np.linalg.solve(A_BOWL, B_BOWL), [1.0, 1.0])
    assert np.allclose(np.linalg.eigvalsh(A_BOWL), [2.0, 7.0])
    f = lambda s: 0.5 * s @ A_BOWL @ s - B_BOWL @ s  # noqa: E731
    assert np.allclose(scipy.optimize.minimize(f, [-2.0, 3.5]).x, [1.0, 1.0], atol=1e-5)
    assert np.allclose(mvcalc.hessian(f, [0.3, -0.2]), A_BOWL, atol=1e-5)


def test_step_size_threshold_is_two_over_lambda_max():
    grad = lambda s: A_BOWL @ s - B_BOWL  # noqa: E731
    threshold = 2 / 7
    below = mvcalc.gradient_descent(grad, [-2.0, 3.5], step=0.999 * threshold, maxiter=50_000)
    above = mvcalc.gradient_descent(grad, [-2.0, 3.5], step=1.001 * threshold, maxiter=50_000)
    assert below.success and np.allclose(below.x, [1.0, 1.0])
    assert not above.success
    assert np.allclose(descend(grad, [-2.0, 3.5], 0.999 * threshold, 20_000), [1.0, 1.0])
    assert np.linalg.norm(descend(grad, [-2.0, 3.5], 1.001 * threshold, 20_000)) > 1e3


def test_best_step_and_its_rate():
    lo, hi = 2.0, 7.0
    gammas = np.linspace(0.01, 2 / hi, 20_001)
    rho = np.maximum(np.abs(1 - gammas * lo), np.abs(1 - gammas * hi))
    assert gammas[np.argmin(rho)] == pytest.approx(2 / (lo + hi), abs=1e-4)
    assert rho.min() == pytest.approx((hi - lo) / (hi + lo), abs=1e-4)


@given(st.lists(st.floats(0.1, 10.0), min_size=2, max_size=4), st.floats(0.05, 1.95))
def test_error_contracts_iff_gamma_below_threshold(eigenvalues, fraction):
    """For any positive definite A, the spectral radius of I - gamma A is below 1 iff gamma < 2/lambda_max."""
    rng = np.random.default_rng(len(eigenvalues))
    q, _ = np.linalg.qr(rng.normal(size=(len(eigenvalues), len(eigenvalues))))
    A = q @ np.diag(eigenvalues) @ q.T
    for gamma in [fraction * 2 / max(eigenvalues), (2 - fraction / 10) / max(eigenvalues) * 1.2]:
        radius = np.max(np.abs(np.linalg.eigvals(np.eye(len(eigenvalues)) - gamma * A)))
        assert (radius < 1) == (gamma < 2 / max(eigenvalues))


def test_mean_squared_error_hessian():
    m, c = sp.symbols("m c", real=True)
    xs = sp.symbols("x1:4", real=True)
    ys = sp.symbols("y1:4", real=True)
    E = sum((yk - m * xk - c) ** 2 for xk, yk in zip(xs, ys)) / 3
    H = sp.hessian(E, (m, c))
    expected = sp.Rational(2, 3) * sp.Matrix([[sum(xk**2 for xk in xs), sum(xs)], [sum(xs), 3]])
    assert sp.simplify(H - expected) == sp.zeros(2, 2)


def test_learning_rate_exercise_data_make_gamma_0_2_diverge_and_rescaling_help():
    """The thirty printed points of the learning-rate exercise: the safe limit 2/lambda_max of the
    mean-squared-error Hessian is below the colleague's 0.2, and rescaling x raises it."""
    scatter = np.random.default_rng(5)
    xd = np.round(scatter.uniform(0.0, 4.0, size=30), 3)
    yd = np.round(1.5 * xd - 2.0 + scatter.normal(0.0, 0.3, size=30), 3)
    assert xd.min() >= 0 and xd.max() <= 4  # so (x - 2)/2 lies in [-1, 1]
    limits = []
    for xs in (xd, (xd - 2.0) / 2.0):
        hess = 2 * np.array([[np.mean(xs**2), np.mean(xs)], [np.mean(xs), 1.0]])
        assert np.allclose(mvcalc.hessian(lambda p: np.mean((yd - p[0] * xs - p[1]) ** 2), [0.3, 0.2]), hess, rtol=1e-5)
        limits.append(2 / np.linalg.eigvalsh(hess)[-1])
        grad = lambda p, xs=xs: (
            -2
            * np.array(
                [
                    np.mean((yd - p[0] * xs - p[1]) * xs),  # noqa: E731
                    np.mean(yd - p[0] * xs - p[1]),
                ]
            )
        )
        assert mvcalc.gradient_descent(grad, [0.0, 0.0], step=0.99 * limits[-1], maxiter=50_000).success
        assert not mvcalc.gradient_descent(grad, [0.0, 0.0], step=1.01 * limits[-1], maxiter=20_000).success
    assert limits[0] < 0.2 < limits[1]


def test_narrow_valley_hessian_at_its_minimum():
    f = (x - 1) ** 2 + 10 * (y - x**2) ** 2
    assert [sp.diff(f, v).subs({x: 1, y: 1}) for v in (x, y)] == [0, 0]
    H = sp.hessian(f, (x, y)).subs({x: 1, y: 1})
    assert H == sp.Matrix([[82, -40], [-40, 20]])
    lams = np.linalg.eigvalsh(np.array(H, dtype=float))
    assert lams[1] / lams[0] == pytest.approx(258.1, abs=0.1)


# ---------------------------------------------------------------- sandpit-descent.md


def test_newton_step_is_the_stationary_point_of_the_quadratic_model():
    d1, d2, h11, h12, h22 = sp.symbols("d1 d2 h11 h12 h22", real=True)
    J = sp.Matrix([[d1, d2]])
    H = sp.Matrix([[h11, h12], [h12, h22]])
    delta = sp.Matrix(sp.symbols("u v", real=True))
    model = (J * delta)[0] + (delta.T * H * delta)[0] / 2
    stationary = sp.solve([sp.diff(model, s) for s in delta], list(delta), dict=True)[0]
    newton = -H.inv() * J.T
    assert all(sp.simplify(stationary[s] - n) == 0 for s, n in zip(delta, newton))


def test_newton_step_reaches_a_quadratic_minimum_in_one_step():
    for A in [A_BOWL, np.diag([7.0 / 1000, 7.0])]:
        s0 = np.array([-2.0, 3.5])
        step = -np.linalg.solve(A, A @ s0 - B_BOWL)
        assert np.allclose(s0 + step, np.linalg.solve(A, B_BOWL), atol=1e-10)


@given(st.floats(0.1, 5.0), st.floats(0.1, 5.0), st.floats(0.0, np.pi), st.floats(0.0, 2 * np.pi))
def test_newton_step_goes_downhill_in_a_bowl_and_uphill_on_a_dome(l1, l2, angle, direction):
    c, s = np.cos(angle), np.sin(angle)
    Q = np.array([[c, -s], [s, c]])
    bowl = Q @ np.diag([l1, l2]) @ Q.T
    J = np.array([np.cos(direction), np.sin(direction)])
    assert J @ (-np.linalg.solve(bowl, J)) < 0
    assert J @ (-np.linalg.solve(-bowl, J)) > 0


@given(st.floats(-3, 3), st.floats(-3, 3), st.floats(-5, 5), st.floats(-5, 5), st.floats(-5, 5))
def test_hybrid_never_steps_uphill(j1, j2, h11, h12, h22):
    J = np.array([j1, j2])
    H = np.array([[h11, h12], [h12, h22]])
    if abs(np.linalg.det(H)) < 1e-6:
        return
    step = -np.linalg.solve(H, J)
    if step @ (-J) <= 0 or np.linalg.norm(step) > 2:
        step = -0.5 * J
    assert step @ J <= 0 and (np.linalg.norm(step) <= 2 or np.allclose(step, -0.5 * J))


def test_finite_difference_readings_match_mvcalc_on_a_pit():
    pit = mvcalc.sandpit.random_pits(np.random.default_rng(0))
    h = 1e-3
    for p in np.random.default_rng(1).uniform(0.5, 5.5, size=(3, 2)):
        d = lambda q: pit.depth(*q)  # noqa: E731
        e1, e2 = np.array([h, 0.0]), np.array([0.0, h])
        J = np.array([d(p + e1) - d(p - e1), d(p + e2) - d(p - e2)]) / (2 * h)
        d_xy = (d(p + e1 + e2) - d(p + e1 - e2) - d(p - e1 + e2) + d(p - e1 - e2)) / (4 * h * h)
        assert np.allclose(J, pit.gradient(p), atol=1e-5)
        assert d_xy == pytest.approx(pit.hessian(p)[0, 1], abs=1e-4)


# ---------------------------------------------------------------- lagrange.md


def test_hand_solution_of_x2y_on_a_circle():
    f, g = x**2 * y, x**2 + y**2 - a**2
    solutions = sp.solve([sp.diff(f, v) - lam * sp.diff(g, v) for v in (x, y)] + [g], [x, y, lam], dict=True)
    assert len(solutions) == 6
    optima = [s for s in solutions if s[x] != 0]
    assert len(optima) == 4
    for s in optima:
        assert sp.simplify(s[lam] - s[y]) == 0
        assert sp.simplify(s[x] ** 2 - 2 * s[y] ** 2) == 0
        assert sp.simplify(abs(s[y]) - a / sp.sqrt(3)) == 0
        assert sp.simplify(abs(s[x]) - sp.sqrt(sp.Rational(2, 3)) * a) == 0
    values = {sp.simplify(f.subs(s)) for s in solutions}
    assert values == {0, 2 * a**3 / (3 * sp.sqrt(3)), -2 * a**3 / (3 * sp.sqrt(3))}


def test_x2y_on_the_unit_circle_numerically():
    res = mvcalc.lagrange_multipliers(lambda v: v[0] ** 2 * v[1], lambda v: v[0] ** 2 + v[1] ** 2 - 1, [1.0, 1.0])
    assert res.success
    assert np.allclose(res.x, [np.sqrt(2 / 3), 1 / np.sqrt(3)], atol=1e-8)
    assert res.lam == pytest.approx(1 / np.sqrt(3), abs=1e-8)
    t = np.linspace(0, 2 * np.pi, 200_001)
    assert (np.cos(t) ** 2 * np.sin(t)).max() == pytest.approx(2 / (3 * np.sqrt(3)), abs=1e-9)


QUIZ_F = sp.exp(-(2 * x**2 + y**2 - x * y) / 2)
QUIZ_G = x**2 + 3 * (y + 1) ** 2 - 1


def quiz_stationary_points():
    grad_L = sp.Matrix([sp.diff(QUIZ_F - lam * QUIZ_G, v) for v in (x, y, lam)])
    F = sp.lambdify([(x, y, lam)], list(grad_L))
    J = sp.lambdify([(x, y, lam)], grad_L.jacobian([x, y, lam]))
    points = set()
    for x0 in [-1.0, -0.5, 0.0, 0.5, 1.0]:
        for y0 in [0.0, -0.5, -1.0, -1.5, -2.0]:
            r = scipy.optimize.root(lambda z: np.array(F(z)), [x0, y0, 0.0], jac=lambda z: np.array(J(z), dtype=float))
            if r.success:
                points.add((round(r.x[0], 6), round(r.x[1], 6)))
    f = sp.lambdify([(x, y)], QUIZ_F)
    return sorted(points, key=lambda p: -f(p)), f


def test_quiz_pair_has_four_stationary_points_matching_the_ellipse_parametrisation():
    points, f = quiz_stationary_points()
    assert len(points) == 4
    # on the ellipse x = cos t, y = -1 + sin(t)/sqrt(3), the extrema of f(t) are the same four points
    t = np.linspace(0, 2 * np.pi, 400_001)[:-1]
    values = f((np.cos(t), -1 + np.sin(t) / np.sqrt(3)))
    extrema = np.flatnonzero(np.sign(np.roll(values, -1) - values) != np.sign(values - np.roll(values, 1)))
    found = {(round(np.cos(t[k]), 4), round(-1 + np.sin(t[k]) / np.sqrt(3), 4)) for k in extrema}
    assert found == {(round(px, 4), round(py, 4)) for px, py in points}
    assert f(points[0]) == pytest.approx(values.max(), abs=1e-6)
    assert f(points[-1]) == pytest.approx(values.min(), abs=1e-6)


def test_quiz_pair_agrees_with_constrained_minimize():
    points, f = quiz_stationary_points()
    g = sp.lambdify([(x, y)], QUIZ_G)
    con = {"type": "eq", "fun": g}
    guesses = [(x0, y0) for x0 in [-1.0, 0.0, 1.0] for y0 in [0.0, -1.0, -2.0]]
    highest = max(
        (scipy.optimize.minimize(lambda v: -f(v), g0, constraints=con, method="SLSQP") for g0 in guesses),
        key=lambda r: -r.fun,
    )
    lowest = min(
        (scipy.optimize.minimize(f, g0, constraints=con, method="SLSQP") for g0 in guesses), key=lambda r: r.fun
    )
    assert np.allclose(highest.x, points[0], atol=1e-4)
    assert np.allclose(lowest.x, points[-1], atol=1e-4)


def test_graded_pair_stationary_points_and_unbounded_below():
    f, g = -sp.exp(x - y**2 + x * y), sp.cosh(y) + x - 2
    h = f.subs(x, 2 - sp.cosh(y))
    dh = sp.lambdify(y, sp.diff(h, y))
    low = scipy.optimize.brentq(dh, 0.0, 1.0)
    high = scipy.optimize.brentq(dh, -2.5, -1.0)
    grad_L = sp.Matrix([sp.diff(f - lam * g, v) for v in (x, y, lam)])
    F = sp.lambdify([(x, y, lam)], list(grad_L))
    J = sp.lambdify([(x, y, lam)], grad_L.jacobian([x, y, lam]))
    for guess, expected in [((1.0, 0.0), low), ((0.0, 0.0), low), ((-1.0, -1.0), high), ((-1.0, -2.0), high)]:
        r = scipy.optimize.root(lambda z: np.array(F(z)), [*guess, 0.0], jac=lambda z: np.array(J(z), dtype=float))
        assert r.success and r.x[1] == pytest.approx(expected, abs=1e-8)
    d2h = sp.lambdify(y, sp.diff(h, y, 2))
    assert d2h(low) > 0 and d2h(high) < 0
    assert float(h.subs(y, -3)) < -1000 and float(h.subs(y, -4)) < -1e20


def test_best_can_is_as_tall_as_it_is_wide():
    r, hgt = sp.symbols("r h", positive=True)
    V = 330
    area, volume = 2 * sp.pi * r**2 + 2 * sp.pi * r * hgt, sp.pi * r**2 * hgt - V
    best = sp.solve(
        [sp.diff(area, v) - lam * sp.diff(volume, v) for v in (r, hgt)] + [volume], [r, hgt, lam], dict=True
    )[0]
    assert sp.simplify(best[hgt] - 2 * best[r]) == 0
    assert float(best[r]) == pytest.approx((V / (2 * np.pi)) ** (1 / 3))
    one_d = scipy.optimize.minimize_scalar(lambda q: 2 * np.pi * q**2 + 2 * V / q, bounds=(1, 10), method="bounded")
    assert one_d.x == pytest.approx(float(best[r]), abs=1e-4)


def test_multiplier_is_the_rate_of_change_of_the_best_value():
    c = sp.symbols("c", positive=True)
    best = 2 * c ** sp.Rational(3, 2) / (3 * sp.sqrt(3))  # 2a^3 / (3 sqrt 3) with a^2 = c
    assert sp.simplify(sp.diff(best, c).subs(c, 1) - 1 / sp.sqrt(3)) == 0
    f = lambda v: v[0] ** 2 * v[1]  # noqa: E731
    results = [
        mvcalc.lagrange_multipliers(f, lambda v, c=c_: v[0] ** 2 + v[1] ** 2 - c, [1.0, 1.0]) for c_ in (1.0, 1.001)
    ]
    assert (results[1].fun - results[0].fun) / 1e-3 == pytest.approx(results[0].lam, abs=1e-3)


# ---------------------------------------------------------------- what the pages state
# Each value below is read from the built page (its glued output) and compared, to the digits the page
# prints, with the test's own value (sympy's exact roots and Newton steps, closed forms); a wrong number on a
# page fails here.

from _page_values import assert_states, change_glued_value  # noqa: E402


def _newton_steps_exactly(f_expr, x0, steps):
    """Newton's iterates in exact rational arithmetic."""
    step = sp.Lambda(x, x - f_expr / sp.diff(f_expr, x))
    xs = [sp.Rational(x0)]
    for _ in range(steps):
        xs.append(step(xs[-1]))
    return xs


def _page_cubic_newton():
    (root,) = sp.real_roots(CUBIC)  # one real root, exactly (a CRootOf)
    _, x1, x2 = _newton_steps_exactly(CUBIC, -2, 2)
    assert_states("m5/newton-raphson", "m5_nr_cubic_root", root)
    assert_states("m5/newton-raphson", "m5_nr_cubic_x1", x1)
    assert_states("m5/newton-raphson", "m5_nr_cubic_x2", x2)
    assert_states("m5/newton-raphson", "m5_nr_cubic_err1", abs(x1 - root).evalf(30))
    assert_states("m5/newton-raphson", "m5_nr_cubic_err2", abs(x2 - root).evalf(30))


def _page_bowl_thresholds():
    low, high = sorted(sp.Matrix(A_BOWL.astype(int)).eigenvals(multiple=True))
    assert_states("m5/gradient-descent", "m5_gd_lam_min", low)
    assert_states("m5/gradient-descent", "m5_gd_lam_max", high)
    assert_states("m5/gradient-descent", "m5_gd_threshold", 2 / high)
    assert_states("m5/gradient-descent", "m5_gd_best_gamma", 2 / (low + high))
    assert_states("m5/gradient-descent", "m5_gd_best_rho", (high - low) / (high + low))


@pytest.mark.book
def test_page_newton_on_the_cubic():
    _page_cubic_newton()


@pytest.mark.book
def test_page_sextic_roots_values_and_first_step():
    left, right = sorted(sp.real_roots(SEXTIC), key=float)
    assert_states("m5/newton-raphson", "m5_nr_root_left", left)
    assert_states("m5/newton-raphson", "m5_nr_root_right", right)
    assert_states("m5/newton-raphson", "m5_nr_f_at_2", SEXTIC.subs(x, 2))
    assert_states("m5/newton-raphson", "m5_nr_f_at_3", SEXTIC.subs(x, 3))
    assert_states("m5/newton-raphson", "m5_ex_nr_f_m2", SEXTIC.subs(x, -2))
    assert_states("m5/newton-raphson", "m5_ex_nr_fp_m2", SEXTIC_PRIME.subs(x, -2))
    assert_states("m5/newton-raphson", "m5_ex_nr_x1_m2", _newton_steps_exactly(SEXTIC, -2, 1)[1])


@pytest.mark.book
def test_page_newton_on_a_derivative_stationary_points():
    g = x**4 - 3 * x**2 + x
    lowest, middle, _ = sorted(sp.real_roots(sp.Poly(sp.diff(g, x), x)), key=float)
    assert_states("m5/newton-raphson", "m5_ex_nr_opt_left", lowest)  # from -2: the minimum on the left
    assert_states("m5/newton-raphson", "m5_ex_nr_opt_right", middle)  # from 0.5: the maximum between


@pytest.mark.book
def test_page_gradient_length_and_bowl_step_sizes():
    grad = sp.Matrix([x**2 * y]).jacobian([x, y]).subs({x: 1, y: 2})
    assert_states("m5/gradient-descent", "m5_gd_grad_len", grad.norm())
    _page_bowl_thresholds()


@pytest.mark.book
def test_page_lagrange_unit_circle_and_best_can():
    # x^2 y on the unit circle: at x = sqrt(2/3), y = 1/sqrt(3) it is largest, 2 / (3 sqrt 3)
    assert_states("m5/lagrange", "m5_lag_fmax_unit", 2 / (3 * sp.sqrt(3)))
    assert_states("m5/lagrange", "m5_lag_x_unit", sp.sqrt(sp.Rational(2, 3)))
    assert_states("m5/lagrange", "m5_lag_y_unit", 1 / sp.sqrt(3))
    radius = sp.cbrt(330 / (2 * sp.pi))  # the can of 330 cm^3 with least area has h = 2 r
    assert_states("m5/lagrange", "m5_ex_can_r", radius)
    assert_states("m5/lagrange", "m5_ex_can_h", 2 * radius)


@pytest.mark.book
@pytest.mark.parametrize(
    "doc, name, wrong, check",
    [
        ("m5/newton-raphson", "m5_nr_cubic_x2", -1.7709481865284974, _page_cubic_newton),
        ("m5/newton-raphson", "m5_nr_cubic_err2", 0.00075, _page_cubic_newton),
        ("m5/gradient-descent", "m5_gd_threshold", 2 / 6, _page_bowl_thresholds),
    ],
)
def test_page_checks_fail_on_a_changed_value(monkeypatch, tmp_path, doc, name, wrong, check):
    check()  # the built page passes
    change_glued_value(monkeypatch, tmp_path, doc, name, wrong)
    with pytest.raises(AssertionError, match=name):
        check()
