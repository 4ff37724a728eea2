"""Tests of mvcalc.optimise against independent references.

References: scipy.optimize.newton (roots), scipy.optimize.minimize and
numpy.linalg.solve (minima of quadratics), scipy.optimize.minimize with an
equality constraint (Lagrange multipliers), and hand solutions from the
syllabus (x³ − 2x + 2, the sextic of the Newton–Raphson quiz, x²y on a circle).
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.optimize
from hypothesis import given, settings
from hypothesis import strategies as st

import mvcalc
from mvcalc import gradient_descent, lagrange_multipliers, newton_raphson
from mvcalc.optimise import DIVERGENCE_BOUND

# ---------------------------------------------------------------------------
# newton_raphson
# ---------------------------------------------------------------------------

# (name, f, f', x0)
ROOT_PROBLEMS = [
    ("cos x − x", lambda x: np.cos(x) - x, lambda x: -np.sin(x) - 1, 1.0),
    ("x² − 2", lambda x: x**2 - 2, lambda x: 2 * x, 1.0),
    ("eˣ − 3", lambda x: np.exp(x) - 3, np.exp, 0.0),
    ("x³ − 2x + 2", lambda x: x**3 - 2 * x + 2, lambda x: 3 * x**2 - 2, -2.0),
    ("tanh x − 1/2", lambda x: np.tanh(x) - 0.5, lambda x: 1 / np.cosh(x) ** 2, 0.0),
    ("x − 10⁴", lambda x: x - 1e4, lambda x: 1.0, 3.0),
    # Issue 16: one step from 0 lands on a root 10⁹ away, past the divergence bound (10⁸); |f| fell, so
    # the step is kept (it used to be "zero derivative: f'(x) = 1, zero to working precision").
    ("x − 10⁹", lambda x: x - 1e9, lambda x: 1.0, 0.0),
]


@pytest.mark.parametrize("with_fprime", [True, False], ids=["fprime", "numerical f'"])
@pytest.mark.parametrize(("name", "f", "fprime", "x0"), ROOT_PROBLEMS, ids=[p[0] for p in ROOT_PROBLEMS])
def test_newton_raphson_matches_scipy(name, f, fprime, x0, with_fprime):
    res = newton_raphson(f, x0, fprime=fprime if with_fprime else None)
    reference = scipy.optimize.newton(f, x0, fprime=fprime, tol=1e-14, maxiter=100)
    assert res.success, res.message
    assert isinstance(res, scipy.optimize.OptimizeResult)
    assert res.x == pytest.approx(reference, rel=1e-12, abs=1e-12)
    assert res.fun == f(res.x)
    assert res.history.x[0] == x0 and res.history.x[-1] == res.x
    assert res.history.x.shape == (res.nit + 1,)
    assert res.message.startswith("converged")


SEXTIC = lambda x: x**6 / 6 - 3 * x**4 - 2 * x**3 / 3 + 27 * x**2 / 2 + 18 * x - 30  # noqa: E731
SEXTIC_PRIME = lambda x: x**5 - 12 * x**3 - 2 * x**2 + 27 * x + 18  # noqa: E731
CUBIC = lambda x: x**3 - 2 * x + 2  # noqa: E731
CUBIC_PRIME = lambda x: 3 * x**2 - 2  # noqa: E731


def test_lecture_example_converges_to_minus_1_769():
    res = newton_raphson(CUBIC, -2.0)
    assert res.success
    assert res.x == pytest.approx(-1.7692923542386314, rel=1e-13)
    assert round(res.x, 3) == -1.769


@pytest.mark.parametrize("fprime", [CUBIC_PRIME, None], ids=["fprime", "numerical f'"])
def test_lecture_example_from_zero_is_reported_as_a_cycle(fprime):
    res = newton_raphson(CUBIC, 0.0, fprime=fprime)
    assert not res.success
    assert res.message.startswith("cycle")
    assert "1 → 0 → 1" in res.message or "0 → 1 → 0" in res.message
    np.testing.assert_allclose(res.history.x[:3], [0.0, 1.0, 0.0], atol=1e-9)
    assert np.isfinite(res.x) and res.x == res.history.x[-1]
    if fprime is not None:  # exact arithmetic: 0 → 1 → 0 repeats exactly
        np.testing.assert_array_equal(res.history.x, [0.0, 1.0, 0.0])


@pytest.mark.parametrize("fprime", [SEXTIC_PRIME, None], ids=["fprime", "numerical f'"])
@pytest.mark.parametrize(
    ("x0", "root", "nit"),
    [(-4.0, -3.760214, 6), (1.5, 1.063071, 5), (1.99, -3.760214, 20), (3.1, -3.760214, 29)],
)
def test_sextic_of_the_quiz(x0, root, nit, fprime):
    res = newton_raphson(SEXTIC, x0, fprime=fprime)
    assert res.success, res.message
    assert res.x == pytest.approx(root, abs=1e-6)
    assert res.nit == nit
    assert abs(res.fun) < 1e-10
    assert res.x == pytest.approx(scipy.optimize.brentq(SEXTIC, root - 0.01, root + 0.01), rel=1e-12)


def test_sextic_from_1_99_jumps_far_away_first():
    res = newton_raphson(SEXTIC, 1.99, fprime=SEXTIC_PRIME)
    assert res.history.x[1] == pytest.approx(-36.475, abs=1e-3)


def test_sextic_from_3_1_oscillates_before_escaping():
    res = newton_raphson(SEXTIC, 3.1, fprime=SEXTIC_PRIME)
    first = res.history.x[:21]
    assert np.all((first > 2.5) & (first < 4.4))
    assert res.history.x[21] < -5
    # scipy's secant method (no fprime) lands on the other root, 1.0631 (as the syllabus notes).
    assert scipy.optimize.newton(SEXTIC, 3.1) == pytest.approx(1.063071, abs=1e-6)


@pytest.mark.parametrize("fprime", [SEXTIC_PRIME, None], ids=["fprime", "numerical f'"])
def test_sextic_at_its_stationary_point_reports_a_zero_derivative(fprime):
    assert SEXTIC_PRIME(2.0) == 0.0
    res = newton_raphson(SEXTIC, 2.0, fprime=fprime)
    assert not res.success
    assert res.message.startswith("zero derivative")
    assert "at x = 2" in res.message
    assert res.x == 2.0 and res.nit == 0 and res.fun == SEXTIC(2.0)
    np.testing.assert_array_equal(res.history.x, [2.0])


def test_divergence_of_arctan_from_two():
    res = newton_raphson(np.arctan, 2.0)
    assert not res.success
    assert res.message.startswith("diverged")
    assert np.isfinite(res.x) and res.x == res.history.x[-1]
    assert np.all(np.isfinite(res.history.x))
    assert np.all(np.abs(res.history.x) <= DIVERGENCE_BOUND * 2.0)
    assert np.all(np.diff(np.abs(res.history.x)) > 0)  # each iterate overshoots further
    # From closer in it converges to the root 0.
    assert newton_raphson(np.arctan, 1.3).x == pytest.approx(0.0, abs=1e-12)


def test_running_out_of_iterations():
    res = newton_raphson(SEXTIC, 3.1, fprime=SEXTIC_PRIME, maxiter=5)
    assert not res.success
    assert res.message.startswith("did not converge in maxiter=5")
    assert res.nit == 5 and res.history.x.shape == (6,)


def test_exact_root_at_the_start():
    res = newton_raphson(lambda x: x - 1.0, 1.0)
    assert res.success and res.nit == 0 and res.x == 1.0
    assert res.message == "converged: f(x) = 0 exactly"


def test_exact_root_on_the_last_allowed_step():
    res = newton_raphson(lambda x: x - 1.0, 0.0, fprime=lambda x: 1.0, maxiter=1)
    assert res.success and res.nit == 1 and res.x == 1.0
    assert res.message == "converged: f(x) = 0 exactly"


@pytest.mark.parametrize("fprime", [lambda x: (1 - x) * np.exp(-x), None], ids=["fprime", "numerical f'"])
def test_underflow_far_out_is_not_a_root(fprime):
    """Issue 16: x e^(-x) from 2 walks away from its root 0, one step of about 1 at a time, until
    e^(-x) underflows. f is then exactly 0 (scipy.optimize.newton reports "converged" at x = 745.4)."""
    f = lambda x: x * np.exp(-x)  # noqa: E731
    reference = scipy.optimize.newton(f, 2.0, fprime=lambda x: (1 - x) * np.exp(-x), maxiter=2000, full_output=True)
    assert reference[1].converged and reference[0] > 700  # the false success this test guards against
    res = newton_raphson(f, 2.0, fprime=fprime, maxiter=2000)
    assert res.success is False and res.status == 3
    assert res.x > 700 and np.all(np.diff(res.history.x[:600]) > 0.99)  # walking away (f' is noise later)
    assert res.message.startswith("zero derivative")
    if fprime is not None:  # f reached 0: the message says why that is not taken as a root
        assert res.fun == 0.0 and res.jac == 0.0
        assert "underflowed" in res.message and "f(x) and f'(x) both evaluate to 0" in res.message


def test_an_exact_root_with_a_flat_derivative_one_step_away_is_a_root():
    """max(0, x − 1) from 3 with its derivative 0 at 1: the step lands exactly on a root, f' = 0 there."""
    res = newton_raphson(lambda x: max(0.0, x - 1.0), 3.0, fprime=lambda x: float(x > 1))
    assert res.success and res.x == 1.0 and res.nit == 1 and res.jac == 0.0
    assert res.message == "converged: f(x) = 0 exactly"


def test_a_flat_tangent_whose_zero_is_no_better_is_a_zero_derivative():
    """x³ − 3x + 3 at its stationary point 1: the numerical f' is about 1e-10, not 0, and its tangent
    crosses zero 10¹⁰ away, where |f| is far larger: a zero derivative, not a step."""
    res = newton_raphson(lambda x: x**3 - 3 * x + 3, 1.0)
    assert res.success is False and res.status == 3 and res.nit == 0
    assert res.message.startswith("zero derivative") and "zero to working precision" in res.message
    assert "where |f| is no smaller" in res.message and 0 < abs(res.jac) < 1e-8


def test_a_long_step_past_the_bound_that_does_not_lower_f_is_divergence():
    res = newton_raphson(np.arctan, 2.0)
    assert res.status == 2 and "|f| did not decrease there" in res.message


def test_newton_never_returns_nan_when_the_derivative_vanishes_on_the_way():
    """x² + 1 has no real root; from 1 the iterates bounce around, and from 0 f' = 0."""
    res = newton_raphson(lambda x: x**2 + 1, 0.0, fprime=lambda x: 2 * x)
    assert not res.success and res.message.startswith("zero derivative") and res.x == 0.0
    res = newton_raphson(lambda x: x**2 + 1, 1.0, fprime=lambda x: 2 * x)
    assert not res.success and np.isfinite(res.x)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"f": "f"}, TypeError, "f must be a callable"),
        ({"fprime": 3}, TypeError, "fprime must be a callable"),
        ({"x0": "1"}, TypeError, "x0 must be a real number"),
        ({"x0": [1.0]}, TypeError, "x0 must be a real number"),
        ({"x0": np.nan}, ValueError, "x0 must be finite"),
        ({"xtol": 0.0}, ValueError, "xtol must be a finite positive number"),
        ({"xtol": -1e-3}, ValueError, "xtol must be a finite positive number"),
        ({"xtol": "small"}, TypeError, "xtol must be a positive real number"),
        ({"maxiter": 0}, ValueError, "maxiter must be a positive integer"),
        ({"maxiter": 2.5}, TypeError, "maxiter must be a positive integer"),
        ({"maxiter": True}, TypeError, "maxiter must be a positive integer"),
        ({"f": lambda x: np.nan}, ValueError, "f returned a non-finite value"),
        ({"f": lambda x: 1j * x}, TypeError, "f must return real values"),
        ({"f": lambda x: np.array([x, x])}, ValueError, "f must return a scalar"),
        ({"f": lambda x: "x"}, TypeError, "f must return numbers"),
        ({"fprime": lambda x: np.inf}, ValueError, "fprime returned a non-finite value"),
        ({"fprime": lambda x: np.ones(2)}, ValueError, "fprime must return a scalar"),
    ],
)
def test_newton_raphson_rejects_bad_input(kwargs, error, match):
    arguments = {"f": CUBIC, "x0": -2.0} | kwargs
    f, x0 = arguments.pop("f"), arguments.pop("x0")
    with pytest.raises(error, match=match):
        newton_raphson(f, x0, **arguments)


# ---------------------------------------------------------------------------
# gradient_descent
# ---------------------------------------------------------------------------

A = np.array([[3.0, 1.0, 0.0], [1.0, 4.0, 1.0], [0.0, 1.0, 2.0]])
B = np.array([1.0, -2.0, 0.5])
LAMBDA_MAX = np.linalg.eigvalsh(A).max()


def quadratic(v):
    return 0.5 * v @ A @ v - B @ v


def quadratic_gradient(v):
    return A @ v - B


def test_gradient_descent_finds_the_minimum_of_a_quadratic():
    x0 = np.array([1.0, 1.0, -1.0])
    res = gradient_descent(quadratic_gradient, x0, step=1 / LAMBDA_MAX)
    assert res.success, res.message
    assert isinstance(res, scipy.optimize.OptimizeResult)
    np.testing.assert_allclose(res.x, np.linalg.solve(A, B), atol=1e-7)
    reference = scipy.optimize.minimize(quadratic, x0, jac=quadratic_gradient, method="BFGS", options={"gtol": 1e-10})
    np.testing.assert_allclose(res.x, reference.x, atol=1e-7)
    norms = np.linalg.norm(res.history.jac, axis=1)
    assert res.history.x.shape == res.history.jac.shape == (res.nit + 1, 3)
    np.testing.assert_array_equal(res.history.x[0], x0)
    np.testing.assert_array_equal(res.history.x[-1], res.x)
    assert norms[-1] < 1e-8 and np.all(norms[:-1] >= 1e-8)
    np.testing.assert_allclose(res.jac, quadratic_gradient(res.x))
    np.testing.assert_allclose(res.history.jac, res.history.x @ A.T - B)


def test_gradient_descent_with_a_numerical_gradient():
    f = lambda v: (v[0] - 1) ** 2 + 2 * (v[1] + 0.5) ** 2  # noqa: E731
    res = gradient_descent(lambda v: mvcalc.gradient(f, v), [0.0, 0.0], step=0.2, gtol=1e-7)
    assert res.success
    np.testing.assert_allclose(res.x, [1.0, -0.5], atol=1e-7)


@settings(max_examples=15)
@given(
    eigenvalues=st.lists(st.floats(0.5, 5.0), min_size=2, max_size=3),
    angle=st.floats(0, np.pi),
    fraction=st.floats(0.3, 1.9),
)
def test_step_below_two_over_lambda_max_converges(eigenvalues, angle, fraction):
    n = len(eigenvalues)
    c, s = np.cos(angle), np.sin(angle)
    rotation = np.eye(n)
    rotation[:2, :2] = [[c, -s], [s, c]]
    H = rotation @ np.diag(eigenvalues) @ rotation.T
    res = gradient_descent(lambda v: H @ v, np.ones(n), step=fraction / max(eigenvalues))
    assert res.success, res.message
    np.testing.assert_allclose(res.x, np.zeros(n), atol=1e-7)


@pytest.mark.parametrize("factor", [2.05, 3.0, 1e3])
def test_step_beyond_two_over_lambda_max_diverges(factor):
    res = gradient_descent(quadratic_gradient, [1.0, 1.0, -1.0], step=factor * 2 / LAMBDA_MAX)
    assert not res.success
    assert res.message.startswith("diverged")
    assert "too large" in res.message
    assert np.all(np.isfinite(res.x)) and np.all(np.isfinite(res.history.x))
    np.testing.assert_array_equal(res.history.x[-1], res.x)
    norms = np.linalg.norm(res.history.jac, axis=1)
    assert norms[-1] > norms[0]


def test_gradient_descent_stops_when_the_gradient_becomes_non_finite():
    res = gradient_descent(lambda v: np.sqrt(v) - 0.5, [1.0], step=3.0)  # x1 = -0.5: sqrt is nan
    assert not res.success
    assert "grad returned a non-finite value" in res.message
    np.testing.assert_array_equal(res.x, [1.0])


def test_gradient_descent_runs_out_of_iterations():
    res = gradient_descent(quadratic_gradient, [1.0, 1.0, -1.0], step=0.01, maxiter=7)
    assert not res.success
    assert res.message.startswith("did not converge in maxiter=7")
    assert res.nit == 7 and res.history.x.shape == (8, 3)


def test_gradient_descent_at_the_minimum_takes_no_step():
    res = gradient_descent(quadratic_gradient, np.linalg.solve(A, B), step=0.1)
    assert res.success and res.nit == 0


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"grad": None}, TypeError, "grad must be a callable"),
        ({"x0": [[1.0, 2.0, 3.0]]}, ValueError, "x0 must be a 1-D array"),
        ({"x0": [1.0, np.inf, 0.0]}, ValueError, "x0 must be finite"),
        ({"x0": "abc"}, TypeError, "x0 must be a real number"),
        ({"step": 0.0}, ValueError, "step must be a finite positive number"),
        ({"step": -0.1}, ValueError, "step must be a finite positive number"),
        ({"step": "big"}, TypeError, "step must be a positive real number"),
        ({"gtol": 0.0}, ValueError, "gtol must be a finite positive number"),
        ({"gtol": np.nan}, ValueError, "gtol must be a finite positive number"),
        ({"maxiter": 0}, ValueError, "maxiter must be a positive integer"),
        ({"maxiter": 10.0}, TypeError, "maxiter must be a positive integer"),
        ({"grad": lambda v: v[:2]}, ValueError, r"grad must return an array of shape \(3,\)"),
        ({"grad": lambda v: v @ v}, ValueError, r"grad must return an array of shape \(3,\)"),
        ({"grad": lambda v: v * np.nan}, ValueError, "grad returned a non-finite value"),
        ({"grad": lambda v: 1j * v}, TypeError, "grad must return real values"),
    ],
)
def test_gradient_descent_rejects_bad_input(kwargs, error, match):
    arguments = {"grad": quadratic_gradient, "x0": [1.0, 1.0, -1.0], "step": 0.1} | kwargs
    grad, x0 = arguments.pop("grad"), arguments.pop("x0")
    with pytest.raises(error, match=match):
        gradient_descent(grad, x0, **arguments)


# ---------------------------------------------------------------------------
# lagrange_multipliers
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("a", [1.0, 2.0])
@pytest.mark.parametrize(("sx", "sy"), [(1, 1), (-1, 1), (1, -1), (-1, -1)])
def test_x2y_on_a_circle_matches_the_hand_solution(a, sx, sy):
    """∇(x²y) = λ∇(x² + y² − a²) gives λ = y, x² = 2y², so y = ±a/√3, x = ±√(2/3) a."""
    f = lambda v: v[0] ** 2 * v[1]  # noqa: E731
    g = lambda v: v[0] ** 2 + v[1] ** 2 - a**2  # noqa: E731
    res = lagrange_multipliers(f, g, [sx * 0.7 * a, sy * 0.7 * a])
    assert res.success, res.message
    assert isinstance(res, scipy.optimize.OptimizeResult)
    x, y = sx * np.sqrt(2 / 3) * a, sy * a / np.sqrt(3)
    np.testing.assert_allclose(res.x, [x, y], rtol=1e-8)
    assert res.lam == pytest.approx(y, rel=1e-8)
    assert res.fun == pytest.approx(x**2 * y, rel=1e-8)
    assert abs(res.constraint) < 1e-9
    assert res.nfev > 0


def test_x2y_on_a_circle_also_has_stationary_points_on_the_y_axis():
    res = lagrange_multipliers(lambda v: v[0] ** 2 * v[1], lambda v: v @ v - 1, [0.1, 1.1])
    assert res.success
    np.testing.assert_allclose(res.x, [0.0, 1.0], atol=1e-8)
    assert res.lam == pytest.approx(0.0, abs=1e-8)


def quiz_f(v):
    return np.exp(-(2 * v[0] ** 2 + v[1] ** 2 - v[0] * v[1]) / 2)


def quiz_g(v):
    return v[0] ** 2 + 3 * (v[1] + 1) ** 2 - 1


def quiz_gradients(v):
    """Hand-written ∂f/∂x, ∂f/∂y, ∂g/∂x, ∂g/∂y of the quiz pair, as the quiz asks."""
    x, y = v
    f = quiz_f(v)
    return np.array([-(2 * x - y / 2) * f, -(y - x / 2) * f]), np.array([2 * x, 6 * (y + 1)])


@pytest.mark.parametrize(("sign", "x0"), [(-1, [0.0, -0.5]), (1, [1.0, -1.0])], ids=["maximum", "minimum"])
def test_quiz_pair_matches_scipy_constrained_minimize(sign, x0):
    res = lagrange_multipliers(quiz_f, quiz_g, x0)
    assert res.success, res.message
    reference = scipy.optimize.minimize(
        lambda v: sign * quiz_f(v),
        [0.5, -0.5],
        constraints=[{"type": "eq", "fun": quiz_g}],
        method="SLSQP",
        options={"ftol": 1e-14},
    )
    assert reference.success
    np.testing.assert_allclose(res.x, reference.x, atol=1e-6)
    assert res.fun == pytest.approx(quiz_f(reference.x), rel=1e-9)
    grad_f, grad_g = quiz_gradients(res.x)
    np.testing.assert_allclose(grad_f, res.lam * grad_g, atol=1e-8)
    assert abs(res.constraint) < 1e-9


def test_three_variables():
    """x + y + z on the unit sphere: x = y = z = ±1/√3 with λ = 1/(2x)."""
    res = lagrange_multipliers(lambda v: v.sum(), lambda v: v @ v - 1, [1.0, 1.0, 1.0], lam0=1.0)
    assert res.success
    np.testing.assert_allclose(res.x, np.full(3, 1 / np.sqrt(3)), rtol=1e-8)
    assert res.lam == pytest.approx(np.sqrt(3) / 2, rel=1e-8)


def test_an_impossible_constraint_fails_with_a_message():
    res = lagrange_multipliers(lambda v: v[0] + v[1], lambda v: v @ v + 1, [1.0, 1.0])
    assert not res.success
    assert "\n" not in res.message and len(res.message) > 0
    assert abs(res.constraint) > 0.5


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"f": 1.0}, TypeError, "f must be a callable"),
        ({"g": "g"}, TypeError, "g must be a callable"),
        ({"x0": [1.0]}, ValueError, "x0 must have at least 2 entries"),
        ({"x0": [[1.0, 1.0]]}, ValueError, "x0 must be a 1-D array"),
        ({"x0": [1.0, np.nan]}, ValueError, "x0 must be finite"),
        ({"lam0": np.inf}, ValueError, "lam0 must be finite"),
        ({"lam0": "1"}, TypeError, "lam0 must be a real number"),
        ({"f": lambda v: v}, ValueError, "f must return a scalar"),
        ({"g": lambda v: np.array([v @ v])}, ValueError, "g must return a scalar"),
        ({"f": lambda v: np.nan * v[0]}, ValueError, "f returned a non-finite value"),
        ({"g": lambda v: 1j * v[0]}, TypeError, "g must return real values"),
    ],
)
def test_lagrange_multipliers_rejects_bad_input(kwargs, error, match):
    arguments = {"f": quiz_f, "g": quiz_g, "x0": [1.0, -1.0]} | kwargs
    f, g, x0 = arguments.pop("f"), arguments.pop("g"), arguments.pop("x0")
    with pytest.raises(error, match=match):
        lagrange_multipliers(f, g, x0, **arguments)


def test_top_level_exports():
    for name in ["newton_raphson", "gradient_descent", "lagrange_multipliers"]:
        assert name in mvcalc.__all__ and getattr(mvcalc, name) is getattr(mvcalc.optimise, name)


def test_zero_derivative_message_does_not_assume_a_turning_point():
    # f(x) = x**3 + 1 has f'(0) = 0 at an inflection, not at a turning point.
    result = mvcalc.newton_raphson(lambda x: x**3 + 1, 0.0, fprime=lambda x: 3 * x**2)
    assert not result.success
    assert "zero derivative" in result.message and "inflection" in result.message


def _ellipse(v):
    return v[0] ** 2 / 4 + v[1] ** 2 - 1


def test_lagrange_reports_no_success_when_the_constraint_is_violated():
    """Issue 16: from (100, 0), MINPACK says "converged" with g = 1321; that is not a solution."""
    res = lagrange_multipliers(lambda v: np.exp(v[0]) + v[1] ** 2, _ellipse, [100.0, 0.0])
    assert abs(res.constraint) > 1.0
    assert res.success is False
    assert res.message.startswith("not a solution: the constraint is violated, g(x) = ")


def test_lagrange_reports_no_success_when_the_constraint_cannot_be_met():
    """A constraint with no zero (x^2 + y^2 + 1 = 0) cannot be met: never success."""
    res = lagrange_multipliers(lambda v: v[0] + v[1], lambda v: v[0] ** 2 + v[1] ** 2 + 1, [1.0, 1.0])
    assert res.success is False
    assert abs(res.constraint) >= 1.0


def test_lagrange_success_means_both_conditions_hold():
    # the minimum of e^x + y^2 on the ellipse is at (-2, 0), where lam = e^-2 / (x / 2) = -e^-2
    res = lagrange_multipliers(lambda v: np.exp(v[0]) + v[1] ** 2, _ellipse, [-1.9, 0.1])
    assert res.success is True, res.message
    np.testing.assert_allclose(res.x, [-2.0, 0.0], atol=1e-7)
    assert res.lam == pytest.approx(-np.exp(-2.0), rel=1e-6)
    assert abs(res.constraint) <= mvcalc.optimise.LAGRANGE_TOL


def test_a_step_that_lands_on_a_distant_minimum_is_not_divergence():
    """Issue 16: from 0, one step of 1 on (x - 1e9)^2 / 2 lands on the minimum, 1e9 from the start."""
    centre = 1e9

    def grad(x):
        return x - centre

    res = gradient_descent(grad, [0.0], step=1.0, maxiter=10)
    assert res.success is True, res.message
    assert res.x == pytest.approx([centre])
    assert res.nit == 1


def test_steps_that_grow_past_the_bound_still_diverge():
    res = gradient_descent(lambda x: 2 * x, [1.0], step=1.5, maxiter=200)  # each step multiplies x by -2
    assert res.status == 2 and res.success is False
    assert "exceeds the bound" in res.message and "the gradient grew" in res.message
    assert np.max(np.abs(res.history.x)) <= DIVERGENCE_BOUND
