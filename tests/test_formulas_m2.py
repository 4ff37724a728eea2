"""Every formula that the pages of Module 2 state, checked against sympy, and mvcalc against both.

One test (or one parametrised group) per claim, in the order of the pages:
book/m2/partial.md, jacobian.md, hessian.md and reality.md.
"""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

import mvcalc

x, y, z, t = sp.symbols("x y z t", real=True)
r, h, th, rho = sp.symbols("r h t rho", positive=True)  # the can: radius, height, thickness, density


def is_zero(expr) -> bool:
    return sp.simplify(expr) == 0


def numeric(expr, symbols):
    """A numpy function of one array argument, for mvcalc, from a sympy expression."""
    return sp.lambdify([symbols], expr, "numpy")


# ---------------------------------------------------------------- partial.md

CAN_MASS = 2 * sp.pi * r**2 * th * rho + 2 * sp.pi * r * h * th * rho
CAN_PARTIALS = {
    r: 4 * sp.pi * r * th * rho + 2 * sp.pi * h * th * rho,
    h: 2 * sp.pi * r * th * rho,
    th: 2 * sp.pi * r**2 * rho + 2 * sp.pi * r * h * rho,
    rho: 2 * sp.pi * r**2 * th + 2 * sp.pi * r * h * th,
}
DRINK_CAN = np.array([0.033, 0.115, 1.0e-4, 2700.0])


@pytest.mark.parametrize("var", list(CAN_PARTIALS), ids=str)
def test_can_partial_derivatives(var):
    assert is_zero(sp.diff(CAN_MASS, var) - CAN_PARTIALS[var])


def test_can_dm_dh_has_no_h():
    assert h not in sp.diff(CAN_MASS, h).free_symbols


def test_can_gradient_matches_sympy_at_a_drink_can():
    at = dict(zip((r, h, th, rho), DRINK_CAN))
    exact = np.array([float(CAN_PARTIALS[v].subs(at)) for v in (r, h, th, rho)])
    estimate = mvcalc.gradient(numeric(CAN_MASS, (r, h, th, rho)), DRINK_CAN)
    np.testing.assert_allclose(estimate, exact, rtol=1e-8)
    # the numbers the page quotes: about 8.29 g of metal, 0.307 g per mm of radius
    assert float(CAN_MASS.subs(at)) == pytest.approx(8.2855e-3, rel=1e-4)
    assert exact[0] == pytest.approx(0.30706, rel=1e-4)
    assert exact[1] == pytest.approx(0.055983, rel=1e-4)


def test_can_ratio_of_radius_to_height_partials():
    assert is_zero(sp.diff(CAN_MASS, r) / sp.diff(CAN_MASS, h) - (2 + h / r))


F_SIN_EXP = sp.sin(x) * sp.exp(y * z**2)


def test_partials_of_sin_exp():
    expected = [
        sp.cos(x) * sp.exp(y * z**2),
        z**2 * sp.sin(x) * sp.exp(y * z**2),
        2 * y * z * sp.sin(x) * sp.exp(y * z**2),
    ]
    for var, partial in zip((x, y, z), expected):
        assert is_zero(sp.diff(F_SIN_EXP, var) - partial)


PATH = {x: t - 1, y: t**2, z: 1 / t}


def test_total_derivative_by_substitution():
    assert is_zero(sp.diff(F_SIN_EXP.subs(PATH), t) - sp.E * sp.cos(t - 1))


def test_total_derivative_by_chain_terms():
    chain = sum(sp.diff(F_SIN_EXP, v).subs(PATH) * sp.diff(PATH[v], t) for v in (x, y, z))
    assert is_zero(chain - sp.E * sp.cos(t - 1))


def test_y_and_z_chain_terms_cancel():
    y_term = sp.diff(F_SIN_EXP, y).subs(PATH) * sp.diff(PATH[y], t)
    z_term = sp.diff(F_SIN_EXP, z).subs(PATH) * sp.diff(PATH[z], t)
    assert is_zero(y_term + z_term)


@pytest.mark.parametrize("t0", [0.5, 1.0, 2.0, 3.0])
def test_total_derivative_numerically(t0):
    f = numeric(F_SIN_EXP, (x, y, z))
    point = np.array([t0 - 1, t0**2, 1 / t0])
    velocity = np.array([1.0, 2 * t0, -1 / t0**2])
    exact = np.e * np.cos(t0 - 1)
    along_path = mvcalc.derivative(lambda s: np.sin(s - 1) * np.exp(s**2 * (1 / s) ** 2), t0)
    assert along_path == pytest.approx(exact, abs=1e-8)
    assert mvcalc.gradient(f, point) @ velocity == pytest.approx(exact, abs=1e-8)


def test_exercise_partials():
    g = x**3 * y - 2 * y * z**2 + sp.exp(x * z)
    answer = [3 * x**2 * y + z * sp.exp(x * z), x**3 - 2 * z**2, -4 * y * z + x * sp.exp(x * z)]
    for var, partial in zip((x, y, z), answer):
        assert is_zero(sp.diff(g, var) - partial)
    assert [a.subs({x: 1, y: 2, z: 0}) for a in answer] == [6, 1, 1]
    np.testing.assert_allclose(mvcalc.gradient(numeric(g, (x, y, z)), [1.0, 2.0, 0.0]), [6, 1, 1], atol=1e-8)


def test_exercise_total_derivative():
    u, v = sp.symbols("u v")
    f = u**2 * v
    path = {u: sp.cos(t), v: sp.sin(t)}
    direct = sp.diff(f.subs(path), t)
    chain = sum(sp.diff(f, w).subs(path) * sp.diff(path[w], t) for w in (u, v))
    assert is_zero(direct - chain)
    assert is_zero(direct - (-2 * sp.cos(t) * sp.sin(t) ** 2 + sp.cos(t) ** 3))
    assert is_zero(direct.subs(t, sp.pi / 4) + sp.sqrt(2) / 4)


# ---------------------------------------------------------------- jacobian.md


def jacobian_of(exprs, variables):
    return sp.Matrix(exprs).jacobian(list(variables))


def test_jacobian_row_of_x2y_plus_3z():
    f = x**2 * y + 3 * z
    J = jacobian_of([f], (x, y, z))
    assert J == sp.Matrix([[2 * x * y, x**2, 3]])
    assert J.subs({x: 0, y: 0, z: 0}) == sp.Matrix([[0, 0, 3]])
    fn = numeric(f, (x, y, z))
    np.testing.assert_allclose(mvcalc.gradient(fn, [0.0, 0.0, 0.0]), [0, 0, 3], atol=1e-9)
    np.testing.assert_allclose(mvcalc.gradient(fn, [1.0, 2.0, -1.0]), [4, 1, 3], atol=1e-8)
    assert mvcalc.jacobian(fn, [0.0, 0.0, 0.0]).shape == (1, 3)


BUMP = sp.exp(-(x**2 + y**2))


def test_bump_jacobian_and_steepest_flank():
    J = jacobian_of([BUMP], (x, y))
    assert is_zero(J[0] + 2 * x * BUMP) and is_zero(J[1] + 2 * y * BUMP)
    rho_ = sp.symbols("rho", positive=True)
    length = 2 * rho_ * sp.exp(-(rho_**2))
    assert sp.solve(sp.diff(length, rho_), rho_) == [1 / sp.sqrt(2)]


def test_jacobian_points_up_the_steepest_slope():
    f = numeric(BUMP, (x, y))
    a = np.array([1.0, 0.5])
    J = mvcalc.gradient(f, a)
    angles = np.linspace(0, 2 * np.pi, 3600, endpoint=False)
    directions = np.column_stack([np.cos(angles), np.sin(angles)])
    rates = np.array([mvcalc.derivative(lambda s: f(a + s * u), 0.0) for u in directions])
    best = angles[np.argmax(rates)]
    assert np.isclose(np.cos(best), J[0] / np.linalg.norm(J), atol=1e-3)
    assert np.isclose(np.sin(best), J[1] / np.linalg.norm(J), atol=1e-3)
    assert rates.max() == pytest.approx(np.linalg.norm(J), rel=1e-5)
    # zero along the contour: perpendicular to J
    perpendicular = np.array([-J[1], J[0]]) / np.linalg.norm(J)
    assert mvcalc.derivative(lambda s: f(a + s * perpendicular), 0.0) == pytest.approx(0.0, abs=1e-9)


def test_linear_map_jacobian_is_its_matrix():
    A = sp.Matrix([[1, -2], [-2, 3]])
    assert jacobian_of([x - 2 * y, 3 * y - 2 * x], (x, y)) == A
    rng = np.random.default_rng(0)
    An = np.array(A, dtype=float)
    for p in rng.uniform(-10, 10, size=(5, 2)):
        np.testing.assert_allclose(mvcalc.jacobian(lambda v: An @ v, p), An, atol=1e-8)


def test_polar_jacobian_and_determinant():
    theta = sp.symbols("theta", real=True)
    J = jacobian_of([r * sp.cos(theta), r * sp.sin(theta)], (r, theta))
    assert J == sp.Matrix([[sp.cos(theta), -r * sp.sin(theta)], [sp.sin(theta), r * sp.cos(theta)]])
    assert sp.simplify(J.det()) == r
    polar = lambda v: np.array([v[0] * np.cos(v[1]), v[0] * np.sin(v[1])])  # noqa: E731
    for point in ([2.0, np.pi / 3], [0.5, 2.0], [3.0, -1.0]):
        assert np.linalg.det(mvcalc.jacobian(polar, point)) == pytest.approx(point[0], rel=1e-8)


def test_polar_patch_area_ratio():
    r0, d = 2.0, 0.01
    assert 0.5 * ((r0 + d) ** 2 - r0**2) * d / d**2 == pytest.approx(r0 + d / 2)


def test_linearisation_error_is_quadratic():
    polar = lambda v: np.array([v[0] * np.cos(v[1]), v[0] * np.sin(v[1])])  # noqa: E731
    a = np.array([1.0, np.pi / 4])
    J = mvcalc.jacobian(polar, a)

    def gap(w):
        offsets = np.linspace(-w, w, 41)
        steps = [np.array([p, q]) for p in offsets for q in offsets]
        return max(np.linalg.norm(polar(a + d) - polar(a) - J @ d) for d in steps)

    assert 80 < gap(0.5) / gap(0.05) < 120


def test_exercise_row_jacobian():
    f = sp.exp(x) * sp.cos(y) + x * z**2
    J = jacobian_of([f], (x, y, z))
    assert is_zero(J[0] - (sp.exp(x) * sp.cos(y) + z**2))
    value = J.subs({x: 0, y: sp.pi / 2, z: 2})
    assert value == sp.Matrix([[4, -1, 0]])
    estimate = mvcalc.gradient(numeric(f, (x, y, z)), [0.0, np.pi / 2, 2.0])
    np.testing.assert_allclose(estimate, [4, -1, 0], atol=1e-8)
    assert np.linalg.norm(estimate) == pytest.approx(np.sqrt(17))


def test_exercise_matrix_jacobian():
    F = [x**2 * y - z, sp.sin(x * z) + sp.exp(y)]
    J = jacobian_of(F, (x, y, z))
    assert J.shape == (2, 3)
    assert J.subs({x: 1, y: 0, z: sp.pi}) == sp.Matrix([[0, 1, -1], [-sp.pi, 1, -1]])
    Fn = lambda v: np.array([v[0] ** 2 * v[1] - v[2], np.sin(v[0] * v[2]) + np.exp(v[1])])  # noqa: E731
    expected = [[0, 1, -1], [-np.pi, 1, -1]]
    np.testing.assert_allclose(mvcalc.jacobian(Fn, [1.0, 0.0, np.pi]), expected, atol=1e-8)


def test_exercise_spherical_determinant():
    theta, phi = sp.symbols("theta phi", real=True)
    S = [r * sp.sin(theta) * sp.cos(phi), r * sp.sin(theta) * sp.sin(phi), r * sp.cos(theta)]
    det = sp.simplify(jacobian_of(S, (r, theta, phi)).det())
    assert is_zero(det - r**2 * sp.sin(theta))
    assert det.subs({r: 2, theta: sp.pi / 2}) == 4


# ---------------------------------------------------------------- hessian.md


def test_hessian_of_x2yz():
    f = x**2 * y * z
    assert jacobian_of([f], (x, y, z)) == sp.Matrix([[2 * x * y * z, x**2 * z, x**2 * y]])
    H = sp.hessian(f, (x, y, z))
    assert H == sp.Matrix([[2 * y * z, 2 * x * z, 2 * x * y], [2 * x * z, 0, x**2], [2 * x * y, x**2, 0]])
    # the Hessian is the Jacobian of the (transposed) Jacobian
    assert jacobian_of(list(jacobian_of([f], (x, y, z))), (x, y, z)) == H
    exact = np.array([[12, 6, 4], [6, 0, 1], [4, 1, 0]], dtype=float)
    assert np.array(H.subs({x: 1, y: 2, z: 3}), dtype=float).tolist() == exact.tolist()
    fn = numeric(f, (x, y, z))
    np.testing.assert_allclose(mvcalc.hessian(fn, [1.0, 2.0, 3.0]), exact, atol=1e-6)
    nested = mvcalc.jacobian(lambda v: mvcalc.gradient(fn, v), [1.0, 2.0, 3.0])
    np.testing.assert_allclose(nested, exact, atol=1e-4)


def test_hessian_of_sin_exp_is_symmetric():
    H = sp.hessian(F_SIN_EXP, (x, y, z))
    assert sp.simplify(H - H.T) == sp.zeros(3, 3)
    H_num = mvcalc.hessian(numeric(F_SIN_EXP, (x, y, z)), [0.5, 0.3, 0.8])
    assert np.array_equal(H_num, H_num.T)


def test_mixed_partials_differ_without_continuity():
    q = x * y * (x**2 - y**2) / (x**2 + y**2)
    qx_on_y_axis = sp.simplify(sp.diff(q, x).subs(x, 0))
    qy_on_x_axis = sp.simplify(sp.diff(q, y).subs(y, 0))
    assert qx_on_y_axis == -y and qy_on_x_axis == x
    assert sp.diff(qx_on_y_axis, y) == -1 and sp.diff(qy_on_x_axis, x) == 1


def classify(eigenvalues, tol=1e-6):
    if np.all(eigenvalues > tol):
        return "minimum"
    if np.all(eigenvalues < -tol):
        return "maximum"
    if np.any(eigenvalues > tol) and np.any(eigenvalues < -tol):
        return "saddle"
    return "inconclusive"


@pytest.mark.parametrize(
    "expr, hessian, kind",
    [
        (x**2 + y**2, [[2, 0], [0, 2]], "minimum"),
        (-(x**2) - y**2, [[-2, 0], [0, -2]], "maximum"),
        (x**2 - y**2, [[2, 0], [0, -2]], "saddle"),
    ],
)
def test_three_quadratics(expr, hessian, kind):
    H = sp.hessian(expr, (x, y))
    assert H == sp.Matrix(hessian)
    assert jacobian_of([expr], (x, y)).subs({x: 0, y: 0}) == sp.zeros(1, 2)
    H_num = mvcalc.hessian(numeric(expr, (x, y)), [0.0, 0.0])
    assert classify(np.linalg.eigvalsh(H_num)) == kind
    det, h11 = H.det(), H[0, 0]
    if det < 0:
        assert kind == "saddle"
    else:
        assert det > 0 and kind == ("minimum" if h11 > 0 else "maximum")


WORKED = x**3 - 3 * x + y**3 - 3 * y + x * y


def test_worked_example_stationary_points_and_classification():
    J = jacobian_of([WORKED], (x, y))
    points = sp.solve(list(J), [x, y], dict=True)
    assert len(points) == 4
    s37, s33 = sp.sqrt(37), sp.sqrt(33)
    expected = {
        ((-1 + s37) / 6, (-1 + s37) / 6): "minimum",
        ((-1 - s37) / 6, (-1 - s37) / 6): "maximum",
        ((1 + s33) / 6, (1 - s33) / 6): "saddle",
        ((1 - s33) / 6, (1 + s33) / 6): "saddle",
    }
    found = {}
    for p in points:
        match = [k for k in expected if is_zero(p[x] - k[0]) and is_zero(p[y] - k[1])]
        assert len(match) == 1
        found[match[0]] = p
    assert len(found) == 4
    H = sp.hessian(WORKED, (x, y))
    assert H == sp.Matrix([[6 * x, 1], [1, 6 * y]])
    w = numeric(WORKED, (x, y))
    for key, kind in expected.items():
        point = {x: key[0], y: key[1]}
        exact = np.array([float(e) for e in H.subs(point).eigenvals(multiple=True)])
        assert classify(exact) == kind
        numeric_ev = np.linalg.eigvalsh(mvcalc.hessian(w, [float(key[0]), float(key[1])]))
        np.testing.assert_allclose(numeric_ev, np.sort(exact), atol=1e-5)
        assert classify(numeric_ev) == kind
    # both saddles lie on one level, f = -26/27, and det H = 36xy - 1 < 0 there
    for key, kind in expected.items():
        if kind == "saddle":
            assert is_zero(WORKED.subs({x: key[0], y: key[1]}) + sp.Rational(26, 27))
            assert (36 * key[0] * key[1] - 1).evalf() < 0


def test_exercise_hessian():
    f = x**3 + 2 * x * y**2 - y * z + sp.exp(x * z)
    H = sp.hessian(f, (x, y, z))
    assert H == H.T
    expected = sp.Matrix(
        [
            [6 * x + z**2 * sp.exp(x * z), 4 * y, (1 + x * z) * sp.exp(x * z)],
            [4 * y, 4 * x, -1],
            [(1 + x * z) * sp.exp(x * z), -1, x**2 * sp.exp(x * z)],
        ]
    )
    assert sp.simplify(H - expected) == sp.zeros(3, 3)
    value = sp.Matrix([[4, 4, 1], [4, 0, -1], [1, -1, 0]])
    assert H.subs({x: 0, y: 1, z: 2}) == value
    H_num = mvcalc.hessian(numeric(f, (x, y, z)), [0.0, 1.0, 2.0])
    np.testing.assert_allclose(H_num, np.array(value, dtype=float), atol=1e-5)


def test_exercise_classify_quartic():
    f = x**4 + y**4 - 4 * x * y
    points = sp.solve(list(jacobian_of([f], (x, y))), [x, y], dict=True)
    assert sorted((p[x], p[y]) for p in points) == [(-1, -1), (0, 0), (1, 1)]
    H = sp.hessian(f, (x, y))
    assert H.subs({x: 0, y: 0}).det() == -16
    for p in (1, -1):
        Hp = H.subs({x: p, y: p})
        assert Hp.det() == 128 and Hp[0, 0] == 12
        assert f.subs({x: p, y: p}) == -2
    fn = numeric(f, (x, y))
    assert classify(np.linalg.eigvalsh(mvcalc.hessian(fn, [0.0, 0.0]))) == "saddle"
    assert classify(np.linalg.eigvalsh(mvcalc.hessian(fn, [1.0, 1.0]))) == "minimum"


def test_exercise_assessment():
    g = jacobian_of([x**2 - y**2, 2 * x * y], (x, y))
    assert g.subs({x: 1, y: 2}) == sp.Matrix([[2, -4], [4, 2]])
    assert is_zero(g.det() - (4 * x**2 + 4 * y**2)) and g.subs({x: 1, y: 2}).det() == 20
    f = x**3 - 3 * x * y**2
    assert jacobian_of([f], (x, y)).subs({x: 1, y: 2}) == sp.Matrix([[-9, -12]])
    assert sp.hessian(f, (x, y)).subs({x: 1, y: 2}) == sp.Matrix([[6, -12], [-12, -6]])
    assert sp.hessian(f, (x, y)).subs({x: 0, y: 0}) == sp.zeros(2, 2)
    fn = numeric(f, (x, y))
    assert classify(np.linalg.eigvalsh(mvcalc.hessian(fn, [0.0, 0.0]))) == "inconclusive"
    # along the x-axis f = x^3 changes sign, so the origin is not an extremum
    assert fn(np.array([-0.1, 0.0])) < 0 < fn(np.array([0.1, 0.0]))


# ---------------------------------------------------------------- reality.md


class Counted:
    def __init__(self, f):
        self.f, self.calls = f, 0

    def __call__(self, v):
        self.calls += 1
        return self.f(v)


@pytest.mark.parametrize("n", [1, 2, 3, 7, 10])
def test_evaluation_counts(n):
    square = lambda v: float(np.sum(v**2))  # noqa: E731
    for_gradient, for_hessian = Counted(square), Counted(square)
    mvcalc.gradient(for_gradient, np.ones(n))
    mvcalc.hessian(for_hessian, np.ones(n))
    assert for_gradient.calls == 2 * n
    assert for_hessian.calls == 2 * n**2 + 1
    assert 1 + 2 * n + 4 * n * (n - 1) // 2 == 2 * n**2 + 1


@pytest.mark.parametrize("step", [0.1, 0.01, 0.001])
def test_difference_across_a_jump(step):
    with_jump = lambda s: s**2 + (s >= 1.0)  # noqa: E731
    assert mvcalc.derivative(with_jump, 1.0, h=step) == pytest.approx(2 + 1 / (2 * step), rel=1e-9)


def test_best_step_minimises_the_noise_error_model():
    hh, sigma, m3 = sp.symbols("h sigma M", positive=True)
    error = m3 / 6 * hh**2 + sigma / (sp.sqrt(2) * hh)
    best = (3 * sigma / (sp.sqrt(2) * m3)) ** sp.Rational(1, 3)
    assert is_zero(sp.diff(error, hh).subs(hh, best))
    assert sp.diff(error, hh, 2).subs(hh, best).subs({sigma: 1e-3, m3: 1}) > 0
    # the numbers of the page: sin at x = 1 with sigma = 1e-3, and exp at 0 with sigma = 1e-6
    assert float(best.subs({sigma: 1e-3, m3: abs(np.cos(1.0))})) == pytest.approx(0.15776, rel=1e-4)
    assert float(best.subs({sigma: 1e-6, m3: 1})) == pytest.approx(0.012849, rel=1e-4)


def test_noise_in_a_central_difference_scales_like_one_over_h():
    rng = np.random.default_rng(3)
    sigma, trials = 1e-3, 20000

    def noisy_zero(v):
        v = np.asarray(v, dtype=float)
        return sigma * rng.standard_normal(v.shape)

    for step in (1e-3, 1e-2):
        estimates = mvcalc.derivative(noisy_zero, np.zeros(trials), h=step)
        assert np.std(estimates) == pytest.approx(sigma / (np.sqrt(2) * step), rel=0.03)


def test_slice_figure_partial_derivative():
    """partial.md, fig-m2-partial-slice: the slice y = 1 of f and its slope at x = -0.8."""
    xs_, ys_ = sp.symbols("x y")
    f = 3 - xs_**2 - ys_**2 / 2 + xs_ * ys_ / 2
    assert is_zero(sp.diff(f, xs_) - (-2 * xs_ + ys_ / 2))
    assert is_zero(f.subs(ys_, 1) - (sp.Rational(5, 2) - xs_**2 + xs_ / 2))
    assert float(sp.diff(f, xs_).subs({xs_: -0.8, ys_: 1})) == pytest.approx(2.1, abs=1e-12)
    g = sp.lambdify((xs_, ys_), f)
    h = 1e-6
    assert (g(-0.8 + h, 1.0) - g(-0.8 - h, 1.0)) / (2 * h) == pytest.approx(2.1, abs=1e-8)


def test_quadratic_form_eigenvectors_of_the_figure():
    """hessian.md, fig-m2-form-eigenvectors: f = x^T H x / 2 with H = [[3, 1], [1, 2]]."""
    x1, x2 = sp.symbols("x1 x2")
    H = sp.Matrix([[3, 1], [1, 2]])
    v = sp.Matrix([x1, x2])
    f = (v.T * H * v)[0] / 2
    assert is_zero(f - (sp.Rational(3, 2) * x1**2 + x1 * x2 + x2**2))
    assert sp.hessian(f, (x1, x2)) == H
    lams = sorted(H.eigenvals(), key=float, reverse=True)
    assert [sp.simplify(l - e) for l, e in zip(lams, [(5 + sp.sqrt(5)) / 2, (5 - sp.sqrt(5)) / 2])] == [0, 0]
    # the page's numpy eigenvectors, in the page's order, are sympy's, up to sign and length
    w, Q = np.linalg.eigh(np.array([[3.0, 1.0], [1.0, 2.0]]))
    w, Q = w[::-1], Q[:, ::-1]
    for lam_np, q_np, lam in zip(w, Q.T, lams):
        assert lam_np == pytest.approx(float(lam), abs=1e-12)
        q_sym = np.array((H - lam * sp.eye(2)).nullspace()[0].evalf(), dtype=float).ravel()
        q_sym /= np.linalg.norm(q_sym)
        assert abs(abs(q_np @ q_sym) - 1) < 1e-12
        # lambda is the curvature of f along q: second difference of t -> f(t q)
        g = sp.lambdify((x1, x2), f)
        h = 1e-4
        curv = (g(*(h * q_np)) - 2 * g(0.0, 0.0) + g(*(-h * q_np))) / h**2
        assert curv == pytest.approx(lam_np, rel=1e-6)
    assert w[0] > w[1]  # q1 curves most
    assert np.degrees(np.arctan2(abs(Q[1, 0]), abs(Q[0, 0]))) == pytest.approx(31.717, abs=1e-3)


def test_zero_eigenvalue_with_both_signs_is_still_a_saddle():
    """summary.md: the test is inconclusive only when a zero eigenvalue comes with eigenvalues of one sign."""
    x_, y_, z_ = sp.symbols("x y z")
    f = x_**2 - y_**2 + z_**4
    H0 = sp.hessian(f, (x_, y_, z_)).subs({x_: 0, y_: 0, z_: 0})
    assert sorted(H0.eigenvals()) == [-2, 0, 2]
    g = sp.lambdify((x_, y_, z_), f)
    assert g(0.01, 0, 0) > 0 > g(0, 0.01, 0)  # up along x, down along y: a saddle
    # one sign and a zero: x^2 + z^4 (minimum) and x^2 - z^4 (saddle) share the eigenvalues 2, 0
    for h, kind in ((x_**2 + z_**4, "minimum"), (x_**2 - z_**4, "saddle")):
        assert sorted(sp.hessian(h, (x_, z_)).subs({x_: 0, z_: 0}).eigenvals()) == [0, 2]
        hz = sp.lambdify((x_, z_), h)
        assert (hz(0, 0.1) > 0) == (kind == "minimum")


# ---------------------------------------------------------------- what the pages state
# Each value below is read from the built page (its glued output) and compared, to the digits the page
# prints, with the test's own value from sympy or a closed form; a wrong number on a page fails here.

from _page_values import assert_states, change_glued_value  # noqa: E402


def _page_can_numbers():
    at = dict(zip((r, h, th, rho), DRINK_CAN))
    assert_states("m2/partial", "m2_can_mass_g", 1000 * CAN_MASS.subs(at))  # kg to g
    assert_states("m2/partial", "m2_can_dm_dr", CAN_PARTIALS[r].subs(at))
    assert_states("m2/partial", "m2_can_dm_dh", CAN_PARTIALS[h].subs(at))
    # grams per hundredth of a millimetre (1e-5 m) of wall, and grams per g/cm^3 (1000 kg/m^3) of density
    assert_states("m2/partial", "m2_can_dm_dt_hundredth", 1000 * CAN_PARTIALS[th].subs(at) * sp.Rational(1, 10**5))
    assert_states("m2/partial", "m2_can_dm_drho_cm3", 10**6 * CAN_PARTIALS[rho].subs(at))


def _page_worked_stationary_points():
    s37, s33 = sp.sqrt(37), sp.sqrt(33)
    points = {
        "minimum": ((-1 + s37) / 6, (-1 + s37) / 6),
        "maximum": ((-1 - s37) / 6, (-1 - s37) / 6),
        "saddle": ((1 + s33) / 6, (1 - s33) / 6),  # the saddle the page reports
    }
    H = sp.hessian(WORKED, (x, y))
    for kind, (px, py) in points.items():
        at = {x: px, y: py}
        assert jacobian_of([WORKED], (x, y)).subs(at).applyfunc(sp.simplify) == sp.Matrix([[0, 0]])
        low, high = sorted(H.subs(at).eigenvals(multiple=True), key=float)
        for suffix, value in [("x", px), ("y", py), ("f", WORKED.subs(at)), ("l1", low), ("l2", high)]:
            assert_states("m2/hessian", f"m2_ex_{kind}_{suffix}", value)


@pytest.mark.book
def test_page_can_mass_and_partials():
    _page_can_numbers()


@pytest.mark.book
def test_page_slice_slope_and_bump_flank():
    xs_, ys_ = sp.symbols("x y")
    f = 3 - xs_**2 - ys_**2 / 2 + xs_ * ys_ / 2
    assert_states("m2/partial", "m2_slice_slope", sp.diff(f, xs_).subs({xs_: sp.Rational(-4, 5), ys_: 1}))
    rho_ = sp.symbols("rho", positive=True)
    slope = 2 * rho_ * sp.exp(-(rho_**2))  # the length of the bump's gradient at distance rho
    (steepest,) = sp.solve(sp.diff(slope, rho_), rho_)
    assert_states("m2/jacobian", "m2_bump_steepest_distance", steepest)
    assert_states("m2/jacobian", "m2_bump_steepest_slope", slope.subs(rho_, steepest))


@pytest.mark.book
def test_page_polar_patch_area_ratio():
    # the image of [2, 2.01] x [theta, theta + 0.01] has area d * ((r0 + d)^2 - r0^2) / 2, so ratio r0 + d/2
    r0, d = sp.Integer(2), sp.Rational(1, 100)
    assert_states("m2/jacobian", "m2_polar_r0", r0)
    assert_states("m2/jacobian", "m2_polar_area_ratio", sp.integrate(r, (r, r0, r0 + d)) * d / d**2)


@pytest.mark.book
def test_page_quadratic_form_eigenvalues_and_angle():
    H = sp.Matrix([[3, 1], [1, 2]])
    high, low = sorted(H.eigenvals(multiple=True), key=float, reverse=True)
    assert_states("m2/hessian", "m2_form_l1", high)
    assert_states("m2/hessian", "m2_form_l2", low)
    # the eigenvector of the larger eigenvalue is (1, lambda - 3): its angle to the x-axis
    assert_states("m2/hessian", "m2_form_angle", sp.deg(sp.atan(high - 3)))


@pytest.mark.book
def test_page_worked_example_stationary_points():
    _page_worked_stationary_points()


@pytest.mark.book
@pytest.mark.parametrize(
    "doc, name, wrong, check",
    [
        ("m2/partial", "m2_can_dm_dr", 0.317, _page_can_numbers),
        ("m2/hessian", "m2_ex_saddle_l1", -4.8320, _page_worked_stationary_points),
        ("m2/hessian", "m2_ex_minimum_f", 3.1493, _page_worked_stationary_points),  # the sign dropped
    ],
)
def test_page_checks_fail_on_a_changed_value(monkeypatch, tmp_path, doc, name, wrong, check):
    check()  # the built page passes
    change_glued_value(monkeypatch, tmp_path, doc, name, wrong)
    with pytest.raises(AssertionError, match=name):
        check()
