"""Every formula and claim of the refresher page (book/refresher.md), checked against numpy and sympy.

One test (or one parametrised group) per claim, in the order of the page: products and the
transpose, the 2 x 2 determinant, the 2 x 2 inverse, eigenvalues (symmetric and positive definite
matrices), mean, variance and standard deviation, weighted sums of independent errors, the normal
distribution, and covariance.
"""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy import stats

a, b, c, d, lam = sp.symbols("a b c d lambda")
GENERIC = sp.Matrix([[a, b], [c, d]])

entries = st.floats(-10, 10, allow_nan=False, allow_infinity=False)
matrices = arrays(np.float64, (2, 2), elements=entries)

# the matrices of the page
A = np.array([[2.0, 1.0], [-1.0, 3.0]])
X = np.array([1.0, 2.0])
FLIP = np.array([[1.0, 2.0], [2.0, 1.0]])
FLAT = np.array([[1.0, 2.0], [0.5, 1.0]])
S = np.array([[2.0, 1.0], [1.0, 2.0]])


def det2(M):
    return M[0, 0] * M[1, 1] - M[0, 1] * M[1, 0]


# ---------------------------------------------------------------- products and the transpose


@given(arrays(np.float64, (3, 2), elements=entries), arrays(np.float64, (2,), elements=entries))
def test_matrix_vector_product_by_rows_and_by_columns(M, v):
    by_rows = np.array([sum(M[i, j] * v[j] for j in range(2)) for i in range(3)])
    by_columns = v[0] * M[:, 0] + v[1] * M[:, 1]
    np.testing.assert_allclose(M @ v, by_rows, atol=1e-9)
    np.testing.assert_allclose(M @ v, by_columns, atol=1e-9)


@given(arrays(np.float64, (2, 3), elements=entries), arrays(np.float64, (3, 2), elements=entries))
def test_transpose_of_a_product_reverses_it(M, N):
    np.testing.assert_allclose((M @ N).T, N.T @ M.T, atol=1e-9)


def test_the_pages_product_example_and_that_order_matters():
    np.testing.assert_allclose(A @ X, [4.0, 5.0])
    B = np.array([[0.0, 1.0], [1.0, 1.0]])
    assert not np.allclose(A @ B, B @ A)
    for j in range(2):
        np.testing.assert_allclose(A @ np.eye(2)[j], A[:, j])  # A e_j is column j


def test_dot_product_is_a_row_times_a_column():
    x, y = np.array([1.0, -2.0, 3.0]), np.array([4.0, 0.5, -1.0])
    assert x[None, :] @ y[:, None] == pytest.approx(np.sum(x * y))


# ---------------------------------------------------------------- the determinant


def test_determinant_formula_matches_sympy():
    assert sp.expand(GENERIC.det() - (a * d - b * c)) == 0


def shoelace_area(M):
    corners = np.array([[0, 0], [1, 0], [1, 1], [0, 1]], dtype=float) @ M.T
    xs, ys = corners[:, 0], corners[:, 1]
    return 0.5 * abs(xs @ np.roll(ys, -1) - ys @ np.roll(xs, -1))


@given(matrices)
def test_abs_determinant_is_the_area_of_the_image_of_the_unit_square(M):
    assert shoelace_area(M) == pytest.approx(abs(det2(M)), abs=1e-9)


@given(matrices)
def test_sign_of_determinant_is_the_orientation_of_the_columns(M):
    # the turn from a_1 to a_2, measured by angles, is anticlockwise (between 0 and pi) when det > 0
    det = np.linalg.det(M)
    if min(np.linalg.norm(M[:, 0]), np.linalg.norm(M[:, 1])) < 1e-3 or abs(det) < 1e-6:
        return
    turn = (np.arctan2(M[1, 1], M[0, 1]) - np.arctan2(M[1, 0], M[0, 0])) % (2 * np.pi)
    assert (0 < turn < np.pi) == (det > 0)


def test_a_mirror_has_negative_determinant():
    mirror = np.array([[0.0, 1.0], [1.0, 0.0]])  # swaps x1 and x2: reflection in the line x2 = x1
    assert det2(mirror) == -1.0


def test_the_pages_three_determinants():
    assert det2(A) == pytest.approx(7.0)
    assert det2(FLIP) == pytest.approx(-3.0)
    assert det2(FLAT) == 0.0
    assert np.linalg.matrix_rank(FLAT) == 1  # the columns lie on one line: not invertible
    with pytest.raises(np.linalg.LinAlgError):
        np.linalg.inv(FLAT)


def test_singular_matrix_sends_two_points_to_one():
    kernel = np.array([2.0, -1.0])  # FLAT @ kernel = 0
    p = np.array([0.3, 0.7])
    np.testing.assert_allclose(FLAT @ p, FLAT @ (p + kernel))


@given(matrices, matrices)
def test_determinants_multiply(M, N):
    assert det2(M @ N) == pytest.approx(det2(M) * det2(N), rel=1e-9, abs=1e-6)


def test_determinant_of_a_product_symbolically():
    e, f, g, h = sp.symbols("e f g h")
    N = sp.Matrix([[e, f], [g, h]])
    assert sp.expand((GENERIC * N).det() - GENERIC.det() * N.det()) == 0


# ---------------------------------------------------------------- the inverse


def test_inverse_formula_matches_sympy():
    formula = sp.Matrix([[d, -b], [-c, a]]) / (a * d - b * c)
    assert sp.simplify(formula - GENERIC.inv()) == sp.zeros(2, 2)


def test_inverse_proof_product_is_det_times_identity():
    assert sp.expand(GENERIC * sp.Matrix([[d, -b], [-c, a]])) == (a * d - b * c) * sp.eye(2)


@given(matrices)
def test_inverse_formula_matches_numpy(M):
    det = det2(M)
    if abs(det) < 1e-3:
        return
    formula = np.array([[M[1, 1], -M[0, 1]], [-M[1, 0], M[0, 0]]]) / det
    np.testing.assert_allclose(formula @ M, np.eye(2), atol=1e-6)
    np.testing.assert_allclose(formula, np.linalg.inv(M), rtol=1e-6, atol=1e-9)


def test_solve_gives_the_one_solution():
    np.testing.assert_allclose(np.linalg.solve(A, A @ X), X)


def test_exercise_singular_values_and_inverse():
    t = sp.symbols("t")
    M = sp.Matrix([[t, 2], [3, t]])
    assert sp.expand(M.det() - (t**2 - 6)) == 0
    assert set(sp.solve(M.det(), t)) == {sp.sqrt(6), -sp.sqrt(6)}
    assert M.subs(t, 1).inv() == sp.Matrix(
        [[-sp.Rational(1, 5), sp.Rational(2, 5)], [sp.Rational(3, 5), -sp.Rational(1, 5)]]
    )


# ---------------------------------------------------------------- eigenvalues


def test_characteristic_polynomial():
    char = (GENERIC - lam * sp.eye(2)).det()
    assert sp.expand(char - (lam**2 - (a + d) * lam + (a * d - b * c))) == 0


@given(matrices)
def test_eigenvalue_formula_sum_and_product(M):
    tr, det = np.trace(M), det2(M)
    roots = (tr + np.array([-1, 1]) * np.sqrt(complex(tr**2 - 4 * det))) / 2
    found = np.linalg.eigvals(M)
    assert np.sort_complex(np.round(roots, 6)) == pytest.approx(np.sort_complex(np.round(found, 6)), abs=1e-4)
    assert found.sum() == pytest.approx(tr, abs=1e-8)
    assert found.prod() == pytest.approx(det, rel=1e-8, abs=1e-8)


def test_the_pages_A_has_complex_eigenvalues():
    assert np.trace(A) ** 2 - 4 * det2(A) == pytest.approx(-3.0)
    assert np.all(np.abs(np.linalg.eigvals(A).imag) > 0.5)


def test_symmetric_discriminant_is_a_sum_of_squares():
    S_sym = sp.Matrix([[a, b], [b, d]])
    disc = S_sym.trace() ** 2 - 4 * S_sym.det()
    assert sp.expand(disc - ((a - d) ** 2 + 4 * b**2)) == 0


@settings(max_examples=50)
@given(st.integers(2, 5), st.integers(0, 2**31 - 1))
def test_symmetric_matrices_have_real_eigenvalues_and_orthonormal_eigenvectors(n, seed):
    G = np.random.default_rng(seed).normal(size=(n, n))
    Sym = G + G.T
    assert np.allclose(np.linalg.eigvals(Sym).imag, 0.0)
    values, Q = np.linalg.eigh(Sym)
    np.testing.assert_allclose(Q.T @ Q, np.eye(n), atol=1e-10)
    np.testing.assert_allclose(Sym @ Q, Q * values, atol=1e-9)


def test_the_pages_S_eigenvalues_along_the_diagonals():
    values, Q = np.linalg.eigh(S)
    np.testing.assert_allclose(values, [1.0, 3.0])
    np.testing.assert_allclose(np.abs(Q), np.full((2, 2), 1 / np.sqrt(2)))
    assert np.sign(Q[0, 1]) == np.sign(Q[1, 1])  # eigenvalue 3 along x2 = x1
    assert np.sign(Q[0, 0]) == -np.sign(Q[1, 0])  # eigenvalue 1 along x2 = -x1


@given(matrices)
def test_symmetric_maps_unit_circle_to_ellipse_with_half_axes_the_eigenvalues(M):
    Sym = (M + M.T) / 2
    angles = np.linspace(0, 2 * np.pi, 20001)
    lengths = np.linalg.norm(Sym @ np.stack([np.cos(angles), np.sin(angles)]), axis=0)
    values, Q = np.linalg.eigh(Sym)
    # every point of the image lies between the two half-axes, which are reached along the eigenvectors
    assert lengths.max() == pytest.approx(np.abs(values).max(), rel=1e-6, abs=1e-6)
    assert lengths.min() >= np.abs(values).min() - 1e-9
    np.testing.assert_allclose(np.linalg.norm(Sym @ Q, axis=0), np.abs(values), atol=1e-9)


@settings(max_examples=50)
@given(st.integers(0, 2**31 - 1))
def test_quadratic_form_in_eigenvector_coordinates(seed):
    rng = np.random.default_rng(seed)
    G = rng.normal(size=(3, 3))
    Sym = G + G.T
    values, Q = np.linalg.eigh(Sym)
    x = rng.normal(size=3)
    coords = Q.T @ x
    assert x @ Sym @ x == pytest.approx(np.sum(values * coords**2), abs=1e-9)


@given(arrays(np.float64, (3,), elements=st.floats(-5, 5, allow_nan=False)))
def test_two_by_two_positive_definite_test(v):
    a_, b_, d_ = v
    Sym = np.array([[a_, b_], [b_, d_]])
    values = np.linalg.eigvalsh(Sym)
    if min(abs(values).min(), abs(a_), abs(det2(Sym))) < 1e-6:
        return  # on the boundary the two tests may disagree by round-off
    assert bool(np.all(values > 0)) == bool(a_ > 0 and det2(Sym) > 0)


@given(
    arrays(np.float64, (3,), elements=st.floats(-5, 5, allow_nan=False)),
    arrays(np.float64, (2,), elements=st.floats(-5, 5, allow_nan=False)),
)
def test_positive_definite_means_positive_quadratic_form(v, x):
    a_, b_, d_ = v
    Sym = np.array([[a_, b_], [b_, d_]])
    if np.all(np.linalg.eigvalsh(Sym) > 1e-6) and np.linalg.norm(x) > 1e-3:
        assert x @ Sym @ x > 0
        assert x @ Sym @ x / (x @ x) >= np.linalg.eigvalsh(Sym)[0] - 1e-9


@pytest.mark.parametrize(
    "rows, positive",
    [
        ([[3, 1], [1, 2]], True),
        ([[1, 3], [3, 1]], False),
        ([[5, -2], [-2, 1]], True),
        ([[-1, 0], [0, -4]], False),
        ([[2, 1], [1, 2]], True),
        ([[4, -1], [-1, 3]], True),
        ([[-2, 0], [0, -1]], False),
        ([[1, 2], [2, 1]], False),
    ],
)
def test_the_pages_positive_definite_examples(rows, positive):
    assert bool(np.all(np.linalg.eigvalsh(np.array(rows, float)) > 0)) == positive


def test_exercise_hessian_is_a_saddle():
    H = sp.Matrix([[2, 3], [3, 2]])
    assert sorted(H.eigenvals(multiple=True)) == [-1, 5]
    v5, v1 = sp.Matrix([1, 1]), sp.Matrix([1, -1])
    assert H * v5 == 5 * v5 and H * v1 == -v1 and (v5.T * v1)[0] == 0


# ---------------------------------------------------------------- mean, variance, standard deviation

DATA = np.array([2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0])


def test_mean_variance_sd_of_the_pages_data():
    n = DATA.size
    mean = DATA.sum() / n
    var = np.sum((DATA - mean) ** 2) / n
    assert mean == np.mean(DATA) == 5.0
    assert var == pytest.approx(np.var(DATA)) and var == pytest.approx(4.0)
    assert np.sqrt(var) == pytest.approx(np.std(DATA)) and np.sqrt(var) == pytest.approx(2.0)
    assert np.sum((DATA - mean) ** 2) / (n - 1) == pytest.approx(np.var(DATA, ddof=1))


@given(arrays(np.float64, st.integers(2, 30), elements=st.floats(-100, 100, allow_nan=False)))
def test_variance_is_mean_of_squares_minus_square_of_mean(v):
    assert np.mean(v**2) - np.mean(v) ** 2 == pytest.approx(np.var(v), abs=1e-7 * max(1.0, np.mean(v**2)))


def test_dividing_by_n_minus_1_is_unbiased():
    rng = np.random.default_rng(0)
    samples = rng.normal(0.0, 2.0, size=(200_000, 5))
    assert np.var(samples, axis=1, ddof=1).mean() == pytest.approx(4.0, rel=0.01)
    assert np.var(samples, axis=1).mean() == pytest.approx(4.0 * 4 / 5, rel=0.01)


def test_variance_of_a_weighted_sum_of_independent_normals():
    s1, s2, s3 = sp.symbols("sigma_1 sigma_2 sigma_3", positive=True)
    a1, a2, a3 = sp.symbols("a_1 a_2 a_3", real=True)
    from sympy.stats import Normal, variance

    Y = [Normal(f"Y{i}", 0, s) for i, s in enumerate((s1, s2, s3))]
    combo = a1 * Y[0] + a2 * Y[1] + a3 * Y[2]
    assert sp.simplify(variance(combo) - (a1**2 * s1**2 + a2**2 * s2**2 + a3**2 * s3**2)) == 0


def test_the_pages_weighted_sum_simulation():
    rng = np.random.default_rng(1)
    sigmas, weights = np.array([0.5, 1.0, 2.0]), np.array([1.0, -2.0, 0.5])
    combined = rng.normal(0.0, sigmas, size=(200_000, 3)) @ weights
    assert combined.std() == pytest.approx(np.sqrt(np.sum(weights**2 * sigmas**2)), rel=0.01)


def test_difference_of_two_measurements_has_sd_root_two_sigma():
    rng = np.random.default_rng(3)
    e = rng.normal(0.0, 0.03, size=(200_000, 2))
    assert (e[:, 0] - e[:, 1]).std() == pytest.approx(np.sqrt(2) * 0.03, rel=0.01)


def test_uncertainty_of_a_mean_is_sigma_over_root_n():
    sigma, n = sp.symbols("sigma n", positive=True)
    assert sp.simplify(n * (1 / n) ** 2 * sigma**2 - sigma**2 / n) == 0
    rng = np.random.default_rng(2)
    means = rng.normal(12.0, 0.3, size=(100_000, 5)).mean(axis=1)
    assert means.std() == pytest.approx(0.3 / np.sqrt(5), rel=0.01)


def test_normal_density_and_one_sigma_fraction():
    x, mu = sp.symbols("x mu", real=True)
    sigma = sp.symbols("sigma", positive=True)
    density = sp.exp(-((x - mu) ** 2) / (2 * sigma**2)) / (sigma * sp.sqrt(2 * sp.pi))
    assert sp.simplify(sp.integrate(density, (x, -sp.oo, sp.oo))) == 1
    assert float(density.subs({x: 1.3, mu: 0.5, sigma: 2.0})) == pytest.approx(stats.norm.pdf(1.3, 0.5, 2.0))
    within = stats.norm.cdf(1) - stats.norm.cdf(-1)
    assert within == pytest.approx(float(sp.erf(1 / sp.sqrt(2))))
    assert 0.6 < within < 0.7  # "about two thirds"


# ---------------------------------------------------------------- covariance

XD = np.array([1.0, 2.0, 3.0, 4.0, 5.0])
YD = np.array([2.1, 3.9, 6.2, 7.8, 10.0])


def test_covariance_definition_matches_numpy():
    cov = np.mean((XD - XD.mean()) * (YD - YD.mean()))
    np.testing.assert_allclose(np.cov(XD, YD, bias=True), [[np.var(XD), cov], [cov, np.var(YD)]])
    np.testing.assert_allclose(np.cov(XD, YD), np.cov(XD, YD, bias=True) * 5 / 4)  # np.cov divides by N - 1
    assert cov / (XD.std() * YD.std()) == pytest.approx(np.corrcoef(XD, YD)[0, 1])
    assert cov > 0


@settings(max_examples=50)
@given(st.integers(0, 2**31 - 1))
def test_covariance_matrix_is_symmetric_with_variances_on_diagonal_and_no_negative_eigenvalue(seed):
    rng = np.random.default_rng(seed)
    Z = rng.normal(size=(3, 40)) * [[1.0], [2.0], [0.5]]
    Sigma = np.cov(Z, bias=True)
    np.testing.assert_allclose(Sigma, Sigma.T)
    np.testing.assert_allclose(np.diag(Sigma), np.var(Z, axis=1))
    assert np.linalg.eigvalsh(Sigma).min() >= -1e-12
    u = rng.normal(size=3)
    assert u @ Sigma @ u == pytest.approx(np.var(u @ Z))  # u' Sigma u is the variance of u' z


def test_correlation_lies_between_minus_one_and_one():
    rng = np.random.default_rng(4)
    for _ in range(100):
        x, y = rng.normal(size=(2, 10))
        r = np.mean((x - x.mean()) * (y - y.mean())) / (x.std() * y.std())
        assert -1.0 <= r <= 1.0


def test_covariance_question():
    x, y = np.array([0.0, 1.0, 2.0, 3.0]), np.array([1.0, 1.0, 4.0, 6.0])
    assert np.cov(x, y, bias=True)[0, 1] == pytest.approx(2.25)


# ---------------------------------------------------------------- closing.md (where to go next)


def test_gradient_of_a_quadratic_form():
    """Matrix calculus, as the closing page quotes it: the gradient of x'Ax is (A + A')x."""
    M = sp.Matrix(3, 3, lambda i, j: sp.Symbol(f"m{i}{j}"))
    xs = sp.Matrix(sp.symbols("x0:3"))
    form = (xs.T * M * xs)[0]
    gradient = sp.Matrix([sp.diff(form, v) for v in xs])
    assert sp.expand(gradient - (M + M.T) * xs) == sp.zeros(3, 1)


def test_affine_function_of_a_standard_normal():
    """a + b xi, with xi standard normal, is normal with mean a and standard deviation |b|."""
    from sympy.stats import E, Normal, std

    a_, b_ = sp.symbols("a b", real=True)
    xi = Normal("xi", 0, 1)
    assert sp.simplify(E(a_ + b_ * xi) - a_) == 0
    assert sp.simplify(std(a_ + b_ * xi) - sp.Abs(b_)) == 0
    assert stats.norm.cdf(1) - stats.norm.cdf(-1) == pytest.approx(0.682689, abs=1e-6)


# ---------------------------------------------------------------- what the page states
# Each value below is read from the built page (its glued output, or the printed output of a cell) and
# compared, to the digits the page prints, with the test's own exact value from sympy or scipy; a wrong
# number on the page fails here.

import re  # noqa: E402

from _page_values import assert_states, cell_output, change_glued_value  # noqa: E402


def exact(M):
    """A page's float matrix as an exact sympy matrix."""
    return sp.Matrix(M.tolist()).applyfunc(sp.nsimplify)


def _page_determinants_and_trace():
    assert_states("refresher", "refresher_det_A", exact(A).det())
    assert_states("refresher", "refresher_det_flip", exact(FLIP).det())
    assert_states("refresher", "refresher_det_flat", exact(FLAT).det())
    assert_states("refresher", "refresher_tr_A", exact(A).trace())
    assert_states("refresher", "refresher_disc_A", exact(A).trace() ** 2 - 4 * exact(A).det())


@pytest.mark.book
def test_page_determinants_trace_and_discriminant():
    _page_determinants_and_trace()


@pytest.mark.book
def test_page_eigenvalues_of_S():
    low, high = sorted(exact(S).eigenvals(multiple=True))
    assert_states("refresher", "refresher_S_l1", high)
    assert_states("refresher", "refresher_S_l2", low)


@pytest.mark.book
def test_page_mean_sd_normal_fraction_and_covariance():
    data = exact(DATA).T  # a column
    mean = sum(data) / len(data)
    assert_states("refresher", "refresher_mean", mean)
    assert_states("refresher", "refresher_sd", sp.sqrt(sum((v - mean) ** 2 for v in data) / len(data)))
    assert_states("refresher", "refresher_within", 100 * sp.erf(1 / sp.sqrt(2)))  # P(|Z| < 1), in per cent
    xd, yd = exact(XD), exact(YD)
    cov = sum((xi - sp.Rational(3)) * (yi - sum(yd) / 5) for xi, yi in zip(xd, yd)) / 5  # mean of x is 3
    assert_states("refresher", "refresher_cov_xy", cov)


@pytest.mark.book
def test_page_printed_mean_variance_and_sample_variance():
    """The cell that computes them prints them to four decimals: the printed numbers are the exact ones."""
    printed = cell_output("refresher", "variance = np.sum((data - mean) ** 2) / N")
    # each number the cell prints after its name (the "numpy ..." repeats follow a parenthesis, not a name)
    found = [(name, float(v)) for name, v in re.findall(r"(mean|variance|deviation|ddof=1) (-?\d+\.\d{4})", printed)]
    values = [float(v) for v in DATA]
    n = len(values)
    mean = sum(values) / n
    population = sum((v - mean) ** 2 for v in values) / n
    expected = [
        ("mean", mean),
        ("variance", population),
        ("deviation", population**0.5),
        ("variance", population * n / (n - 1)),  # dividing by N - 1
        ("ddof=1", population * n / (n - 1)),
    ]
    assert [name for name, _ in found] == [name for name, _ in expected], printed
    for (name, shown), (_, value) in zip(found, expected):
        assert abs(shown - value) <= 5e-5, f"the refresher prints {name} {shown:.4f}, but it is {value!r}"


@pytest.mark.book
@pytest.mark.parametrize("name, wrong", [("refresher_det_A", 5.0), ("refresher_disc_A", 3.0)])
def test_page_checks_fail_on_a_changed_value(monkeypatch, tmp_path, name, wrong):
    _page_determinants_and_trace()  # the built page passes
    change_glued_value(monkeypatch, tmp_path, "refresher", name, wrong)
    with pytest.raises(AssertionError, match=name):
        _page_determinants_and_trace()
