"""Every formula and claim that the pages of Module 6 state, checked against sympy, scipy and simulation.

One test (or one parametrised group) per claim, in the order of the pages:
book/m6/linear-regression.md, nonlinear.md and in-practice.md. The fits are
written again here in a few lines, so the checks do not rely on mvcalc.fitting
alone; where a page shows the library, it is compared too.
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.optimize
import scipy.stats
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

import mvcalc


def closed_form_line(x, y):
    xbar, ybar = np.mean(x), np.mean(y)
    m = np.sum((x - xbar) * y) / np.sum((x - xbar) ** 2)
    return m, ybar - m * xbar


def page_data():
    rng = np.random.default_rng(6)
    x = np.sort(rng.uniform(0.0, 5.0, size=20))
    return x, 1.5 * x - 0.4 + rng.normal(0.0, 0.3, size=20)


# ---------------------------------------------------------------- linear-regression.md


def test_closed_form_line_solves_grad_chi2_symbolically():
    """m = Σ(x−x̄)y/Σ(x−x̄)², c = ȳ − m x̄ is the solution of ∇χ² = 0 (sympy, N = 4 symbolic points)."""
    m, c = sp.symbols("m c")
    xs = sp.symbols("x0:4", real=True)
    ys = sp.symbols("y0:4", real=True)
    chi2 = sum((yi - m * xi - c) ** 2 for xi, yi in zip(xs, ys))
    sol = sp.solve([sp.diff(chi2, m), sp.diff(chi2, c)], [m, c], dict=True)[0]
    xbar, ybar = sum(xs) / 4, sum(ys) / 4
    m_formula = sum((xi - xbar) * yi for xi, yi in zip(xs, ys)) / sum((xi - xbar) ** 2 for xi in xs)
    assert sp.simplify(sol[m] - m_formula) == 0
    assert sp.simplify(sol[c] - (ybar - m_formula * xbar)) == 0


def test_hessian_of_line_chi2_is_positive_definite_with_stated_determinant():
    x, y = page_data()
    H = 2 * np.array([[np.sum(x**2), np.sum(x)], [np.sum(x), len(x)]])
    assert np.isclose(np.linalg.det(H), 4 * len(x) * np.sum((x - x.mean()) ** 2))
    assert np.all(np.linalg.eigvalsh(H) > 0)
    m, c = closed_form_line(x, y)
    chi2 = lambda p: np.sum((y - p[0] * x - p[1]) ** 2)  # noqa: E731
    assert np.allclose(mvcalc.hessian(chi2, [m, c]), H, rtol=1e-5)


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 10_000))
def test_closed_form_line_matches_linregress_and_library(seed):
    rng = np.random.default_rng(seed)
    x = rng.uniform(-5, 5, size=12)
    y = rng.normal(size=12)
    m, c = closed_form_line(x, y)
    ref = scipy.stats.linregress(x, y)
    ours = mvcalc.linear_fit(x, y)
    assert np.isclose(m, ref.slope) and np.isclose(c, ref.intercept)
    assert np.isclose(ours.slope, m) and np.isclose(ours.intercept, c)


def test_line_uncertainties_match_linregress():
    """s/√S_xx and s√(1/N + x̄²/S_xx) with s² = χ²/(N − 2) are linregress's stderr and intercept_stderr."""
    x, y = page_data()
    m, c = closed_form_line(x, y)
    n = len(x)
    s = np.sqrt(np.sum((y - m * x - c) ** 2) / (n - 2))
    sxx = np.sum((x - x.mean()) ** 2)
    ref = scipy.stats.linregress(x, y)
    assert np.isclose(s / np.sqrt(sxx), ref.stderr)
    assert np.isclose(s * np.sqrt(1 / n + x.mean() ** 2 / sxx), ref.intercept_stderr)
    fit = mvcalc.linear_fit(x, y)
    assert np.isclose(fit.stderr, ref.stderr) and np.isclose(fit.intercept_stderr, ref.intercept_stderr)


def test_covariance_is_two_sigma_squared_inverse_hessian():
    x, _ = page_data()
    n, sxx = len(x), np.sum((x - x.mean()) ** 2)
    H = 2 * np.array([[np.sum(x**2), np.sum(x)], [np.sum(x), n]])
    cov = 2 * np.linalg.inv(H)  # σ = 1
    assert np.isclose(cov[0, 0], 1 / sxx)
    assert np.isclose(cov[1, 1], 1 / n + x.mean() ** 2 / sxx)


def test_line_uncertainties_match_a_simulation():
    x, _ = page_data()
    sigma, n = 0.3, len(x)
    sxx = np.sum((x - x.mean()) ** 2)
    rng = np.random.default_rng(99)
    fits = np.array([closed_form_line(x, 1.5 * x - 0.4 + rng.normal(0, sigma, n)) for _ in range(20_000)])
    assert fits[:, 0].std(ddof=1) == pytest.approx(sigma / np.sqrt(sxx), rel=0.03)
    assert fits[:, 1].std(ddof=1) == pytest.approx(sigma * np.sqrt(1 / n + x.mean() ** 2 / sxx), rel=0.03)


def test_weighted_line_formulas_match_curve_fit_and_library():
    x, _ = page_data()
    sig = 0.1 + 0.1 * x
    y = 1.5 * x - 0.4 + np.random.default_rng(7).normal(0.0, sig)
    w = 1 / sig**2
    xw, yw = np.sum(w * x) / np.sum(w), np.sum(w * y) / np.sum(w)
    sw = np.sum(w * (x - xw) ** 2)
    m = np.sum(w * (x - xw) * y) / sw
    c = yw - m * xw
    popt, pcov = scipy.optimize.curve_fit(lambda x, m, c: m * x + c, x, y, sigma=sig, absolute_sigma=True)
    assert np.allclose([m, c], popt)
    assert np.allclose([1 / np.sqrt(sw), np.sqrt(1 / np.sum(w) + xw**2 / sw)], np.sqrt(np.diag(pcov)))
    fit = mvcalc.linear_fit(x, y, yerr=sig)
    assert np.isclose(fit.slope, m) and np.isclose(fit.stderr, 1 / np.sqrt(sw))


def test_chi2_bowl_minimum_is_the_library_fit_and_its_long_axis_trades_slope_for_intercept():
    """Figure fig-m6-lr-bowl: the lowest point of chi^2(m, c) is mvcalc.linear_fit's line, and the
    flattest direction of the bowl (Hessian eigenvector of the smallest eigenvalue) pairs a steeper
    slope with a lower intercept."""
    x, y = page_data()
    fit = mvcalc.linear_fit(x, y)
    chi2 = lambda p: np.sum((y - p[0] * x - p[1]) ** 2)  # noqa: E731
    best = scipy.optimize.minimize(chi2, [1.2, 0.1], method="Nelder-Mead", options={"xatol": 1e-10, "fatol": 1e-12})
    assert np.allclose(best.x, [fit.slope, fit.intercept], atol=1e-6)
    assert fit.fun == pytest.approx(chi2([fit.slope, fit.intercept]))
    H = 2 * np.array([[np.sum(x**2), np.sum(x)], [np.sum(x), len(x)]])
    flat = np.linalg.eigh(H)[1][:, 0]
    assert flat[0] * flat[1] < 0


def test_line_by_hand_exercise_data_allow_chi2_below_0_3():
    xq = np.linspace(0.0, 2.0, 11)
    yq = np.round(0.8 * xq + 0.9 + np.random.default_rng(11).normal(0.0, 0.15, size=11), 3)
    chi2 = lambda m, c: np.sum((yq - m * xq - c) ** 2)  # noqa: E731
    m, c = closed_form_line(xq, yq)
    assert chi2(1.2, 0.1) > 3 and chi2(0.8, 0.9) < 0.3 and chi2(m, c) < chi2(0.8, 0.9)
    ref = scipy.stats.linregress(xq, yq)
    assert np.isclose(ref.slope, m) and np.isclose(ref.intercept, c)


ANSCOMBE_X = [10, 8, 13, 9, 11, 14, 6, 4, 12, 7, 5]
ANSCOMBE = [
    (ANSCOMBE_X, [8.04, 6.95, 7.58, 8.81, 8.33, 9.96, 7.24, 4.26, 10.84, 4.82, 5.68]),
    (ANSCOMBE_X, [9.14, 8.14, 8.74, 8.77, 9.26, 8.10, 6.13, 3.10, 9.13, 7.26, 4.74]),
    (ANSCOMBE_X, [7.46, 6.77, 12.74, 7.11, 7.81, 8.84, 6.08, 5.39, 8.15, 6.42, 5.73]),
    ([8, 8, 8, 8, 8, 8, 8, 19, 8, 8, 8], [6.58, 5.76, 7.71, 8.84, 8.47, 7.04, 5.25, 12.50, 5.56, 7.91, 6.89]),
]


@pytest.mark.parametrize("data", ANSCOMBE, ids=["I", "II", "III", "IV"])
def test_anscombe_sets_share_one_line(data):
    """Each set: mean x 9, mean y 7.50, slope 0.500, intercept 3.00, r ≈ 0.816 (Anscombe 1973)."""
    x, y = np.array(data[0], float), np.array(data[1], float)
    fit = scipy.stats.linregress(x, y)
    assert x.mean() == 9.0 and round(y.mean(), 2) == 7.50
    assert round(fit.slope, 3) == 0.500 and round(fit.intercept, 2) == 3.00
    assert abs(fit.rvalue - 0.816) < 0.002


def test_weighted_mean_and_its_uncertainty():
    yv, sv = np.array([10.1, 9.7, 10.4]), np.array([0.2, 0.4, 0.3])
    w = 1 / sv**2
    res = scipy.optimize.minimize_scalar(lambda c: np.sum(w * (yv - c) ** 2))
    assert np.isclose(res.x, np.sum(w * yv) / np.sum(w))
    fit = mvcalc.levenberg_marquardt(
        lambda x, c: np.full_like(x, c), lambda x, c: np.ones((x.size, 1)), [9.0], np.arange(3.0), yv, yerr=sv
    )
    assert np.isclose(fit.perr[0], 1 / np.sqrt(np.sum(w)))


def test_line_through_origin_slope_and_larger_chi2():
    x, y = page_data()
    m0 = np.sum(x * y) / np.sum(x**2)
    res = scipy.optimize.minimize_scalar(lambda m: np.sum((y - m * x) ** 2))
    assert np.isclose(m0, res.x)
    m, c = closed_form_line(x, y)
    assert np.sum((y - m0 * x) ** 2) >= np.sum((y - m * x - c) ** 2)


# ---------------------------------------------------------------- nonlinear.md

X, XP, S, I, B = sp.symbols("x x_p sigma I b", real=True)
PEAK = B + I * sp.exp(-((X - XP) ** 2) / (2 * S**2)) / (S * sp.sqrt(2 * sp.pi))
G = sp.exp(-((X - XP) ** 2) / (2 * S**2)) / (S * sp.sqrt(2 * sp.pi))
STATED_JACOBIAN = [I * G * (X - XP) / S**2, I * G * ((X - XP) ** 2 / S**3 - 1 / S), G, sp.Integer(1)]


def peak(x, xp, width, area, background):
    return background + area * np.exp(-((x - xp) ** 2) / (2 * width**2)) / (width * np.sqrt(2 * np.pi))


def peak_jacobian(x, xp, width, area, background):
    g = np.exp(-((x - xp) ** 2) / (2 * width**2)) / (width * np.sqrt(2 * np.pi))
    return np.column_stack(
        [area * g * (x - xp) / width**2, area * g * ((x - xp) ** 2 / width**3 - 1 / width), g, np.ones_like(x)]
    )


def peak_data():
    rng = np.random.default_rng(61)
    x = np.linspace(0.0, 10.0, 61)
    sigma = np.full_like(x, 0.05)
    return x, peak(x, 5.0, 0.8, 3.0, 0.5) + rng.normal(0.0, sigma), sigma


@pytest.mark.parametrize("k,param", list(enumerate([XP, S, I, B])), ids=["x_p", "sigma", "I", "b"])
def test_peak_jacobian_matches_sympy(k, param):
    assert sp.simplify(sp.diff(PEAK, param) - STATED_JACOBIAN[k]) == 0


def test_gaussian_derivatives_and_library_jacobian():
    mu, s = sp.symbols("mu sigma", positive=True)
    g = sp.exp(-((X - mu) ** 2) / (2 * s**2)) / (s * sp.sqrt(2 * sp.pi))
    assert sp.simplify(sp.diff(g, mu) - g * (X - mu) / s**2) == 0
    assert sp.simplify(sp.diff(g, s) - g * ((X - mu) ** 2 / s**3 - 1 / s)) == 0
    xs = np.linspace(150, 210, 25)
    dg = sp.lambdify((X, mu, s), [sp.diff(g, mu), sp.diff(g, s)])
    assert np.allclose(mvcalc.gaussian_jacobian(xs, 178.0, 7.5), np.column_stack(dg(xs, 178.0, 7.5)))


def test_chi2_gradient_is_minus_two_jt_w_r():
    x, y, sigma = peak_data()
    p = np.array([4.6, 1.1, 2.5, 0.3])
    chi2 = lambda q: np.sum(((y - peak(x, *q)) / sigma) ** 2)  # noqa: E731
    stated = -2 * peak_jacobian(x, *p).T @ ((y - peak(x, *p)) / sigma**2)
    assert np.allclose(stated, mvcalc.gradient(chi2, p), rtol=1e-5)
    assert np.allclose(stated, scipy.optimize.approx_fprime(p, chi2, 1e-7), rtol=1e-3)


def test_steepest_descent_on_the_peak_reaches_curve_fit():
    x, y, sigma = peak_data()
    p0 = np.array([4.4, 1.3, 2.0, 0.3])
    p = p0.copy()
    for _ in range(2000):
        p = p + 2e-5 * 2 * peak_jacobian(x, *p).T @ ((y - peak(x, *p)) / sigma**2)
    popt, _ = scipy.optimize.curve_fit(peak, x, y, p0=p0, sigma=sigma, absolute_sigma=True)
    assert np.allclose(p, popt, atol=1e-5)
    res = mvcalc.steepest_descent_fit(peak, peak_jacobian, p0, x, y, step=2e-5, maxiter=2000, yerr=sigma)
    assert np.allclose(res.x, p)


def test_decay_exercise_printed_data_steepest_descent_reaches_curve_fit():
    t = np.linspace(0.0, 5.0, 11)
    sig = np.full_like(t, 0.2)
    counts = np.round(8.0 * np.exp(-0.6 * t) + np.random.default_rng(12).normal(0.0, sig), 3)
    A, k = sp.symbols("A k", positive=True)
    ts = sp.symbols("t", real=True)
    assert [sp.diff(A * sp.exp(-k * ts), v) for v in (A, k)] == [sp.exp(-k * ts), -A * ts * sp.exp(-k * ts)]

    def model(t, A, k):
        return A * np.exp(-k * t)

    def jac(t, A, k):
        return np.column_stack([np.exp(-k * t), -A * t * np.exp(-k * t)])

    def limit(p):
        J = jac(t, *p)
        return 2 / np.linalg.eigvalsh(2 * J.T @ (J / sig[:, None] ** 2)).max()

    fit = mvcalc.steepest_descent_fit(model, jac, [5.0, 1.0], t, counts, step=2e-4, maxiter=5000, yerr=sig)
    ref, _ = scipy.optimize.curve_fit(model, t, counts, p0=[5.0, 1.0], sigma=sig, absolute_sigma=True)
    assert np.allclose(fit.x, ref, rtol=1e-4)
    # the safe step shrinks along the way, and the step used is below the limit at the end
    assert limit([5.0, 1.0]) > limit(fit.x) > 2e-4


def test_step_limit_claim_on_the_peak():
    """Below 2/λ_max of 2JᵀWJ at the start the descent lowers χ²; 1.5 times it blows up."""
    x, y, sigma = peak_data()
    p0 = np.array([4.4, 1.3, 2.0, 0.3])
    J = peak_jacobian(x, *p0)
    limit = 2 / np.linalg.eigvalsh(2 * J.T @ (J / sigma[:, None] ** 2)).max()
    chi2 = lambda q: np.sum(((y - peak(x, *q)) / sigma) ** 2)  # noqa: E731
    ok = mvcalc.steepest_descent_fit(peak, peak_jacobian, p0, x, y, step=0.9 * limit, maxiter=200, yerr=sigma)
    assert ok.success and ok.fun < chi2(p0)
    with np.errstate(all="ignore"):
        bad = mvcalc.steepest_descent_fit(peak, peak_jacobian, p0, x, y, step=1.5 * limit, maxiter=200, yerr=sigma)
    assert not bad.success or bad.fun > chi2(p0)


# ---------------------------------------------------------------- in-practice.md


def test_hessian_of_chi2_formula_and_gauss_newton_at_zero_residuals():
    """H = 2JᵀWJ − 2Σ w r Hess(y); at a zero-residual fit H = 2JᵀWJ exactly."""
    true = np.array([5.0, 0.8, 3.0, 0.5])
    x = np.linspace(0.0, 10.0, 41)
    sigma = np.full_like(x, 0.1)
    y = peak(x, *true)  # zero residuals at `true`
    chi2 = lambda q: np.sum(((y - peak(x, *q)) / sigma) ** 2)  # noqa: E731
    J = peak_jacobian(x, *true)
    gn = 2 * J.T @ (J / sigma[:, None] ** 2)
    assert np.allclose(mvcalc.hessian(chi2, true), gn, rtol=1e-4, atol=1e-3 * np.abs(gn).max())
    # away from the fit the residual term is what makes up the difference (sympy second derivatives)
    p = np.array([4.7, 1.0, 2.5, 0.4])
    hess_y = sp.lambdify((X, XP, S, I, B), sp.hessian(PEAK, [XP, S, I, B]))
    r = (y - peak(x, *p)) / sigma**2
    second = sum(ri * np.array(hess_y(xi, *p), float) for xi, ri in zip(x, r))
    J = peak_jacobian(x, *p)
    stated = 2 * J.T @ (J / sigma[:, None] ** 2) - 2 * second
    assert np.allclose(mvcalc.hessian(chi2, p), stated, rtol=1e-4, atol=1e-4 * np.abs(stated).max())


def test_gauss_newton_on_a_linear_model_lands_in_one_step():
    x, y = page_data()
    lin, jac = (lambda x, m, c: m * x + c), (lambda x, m, c: np.column_stack([x, np.ones_like(x)]))
    J = jac(x, 0.0, 0.0)
    step = np.linalg.solve(J.T @ J, J.T @ (y - lin(x, 0.0, 0.0)))
    assert np.allclose(step, closed_form_line(x, y))


def test_levenberg_marquardt_matches_curve_fit_and_covariance():
    x, y, sigma = peak_data()
    p0 = np.array([4.4, 1.3, 2.0, 0.3])
    popt, pcov = scipy.optimize.curve_fit(peak, x, y, p0=p0, sigma=sigma, absolute_sigma=True)
    lm = mvcalc.levenberg_marquardt(peak, peak_jacobian, p0, x, y, yerr=sigma)
    assert lm.success and np.allclose(lm.x, popt, rtol=1e-6)
    J = peak_jacobian(x, *popt)
    cov = np.linalg.inv(J.T @ (J / sigma[:, None] ** 2))
    assert np.allclose(cov, pcov, rtol=1e-4)
    assert np.allclose(lm.perr, np.sqrt(np.diag(pcov)), rtol=1e-4)
    # from the far start, Gauss–Newton fails and Levenberg–Marquardt succeeds
    far = np.array([3.0, 2.0, 2.0, 0.2])
    assert np.allclose(mvcalc.levenberg_marquardt(peak, peak_jacobian, far, x, y, yerr=sigma).x, popt, rtol=1e-6)
    with np.errstate(all="ignore"):
        gn = mvcalc.gauss_newton(peak, peak_jacobian, far, x, y, yerr=sigma)
    chi2 = lambda q: np.sum(((y - peak(x, *q)) / sigma) ** 2)  # noqa: E731
    assert not gn.success or gn.fun > 10 * chi2(popt)


def test_curvature_methods_need_far_fewer_iterations():
    x, y, sigma = peak_data()
    p0 = np.array([4.4, 1.3, 2.0, 0.3])
    popt, _ = scipy.optimize.curve_fit(peak, x, y, p0=p0, sigma=sigma)
    best = np.sum(((y - peak(x, *popt)) / sigma) ** 2)
    sd = mvcalc.steepest_descent_fit(peak, peak_jacobian, p0, x, y, step=2e-5, maxiter=3000, yerr=sigma)
    lm = mvcalc.levenberg_marquardt(peak, peak_jacobian, p0, x, y, yerr=sigma)
    first = lambda h: int(np.nonzero(np.asarray(h) - best <= 1e-6 * best)[0][0])  # noqa: E731
    assert first(lm.history.fun) <= 10 and first(sd.history.fun) >= 50 * first(lm.history.fun)


def test_parameter_uncertainties_match_a_simulation():
    x, y, sigma = peak_data()
    popt, pcov = scipy.optimize.curve_fit(peak, x, y, p0=[4.4, 1.3, 2.0, 0.3], sigma=sigma, absolute_sigma=True)
    rng = np.random.default_rng(17)
    refits = np.array(
        [
            scipy.optimize.curve_fit(
                peak, x, peak(x, *popt) + rng.normal(0, sigma), p0=popt, sigma=sigma, jac=peak_jacobian
            )[0]
            for _ in range(1000)
        ]
    )
    assert np.allclose(refits.std(axis=0, ddof=1), np.sqrt(np.diag(pcov)), rtol=0.08)


def test_absolute_sigma_ratio():
    x, y, sigma = peak_data()
    p, pcov_rel = scipy.optimize.curve_fit(peak, x, y, p0=[4.4, 1.3, 2.0, 0.3], sigma=sigma)
    _, pcov_abs = scipy.optimize.curve_fit(peak, x, y, p0=[4.4, 1.3, 2.0, 0.3], sigma=sigma, absolute_sigma=True)
    chi2 = np.sum(((y - peak(x, *p)) / sigma) ** 2)
    assert np.allclose(np.sqrt(np.diag(pcov_rel) / np.diag(pcov_abs)), np.sqrt(chi2 / (len(x) - 4)), rtol=1e-5)


def test_robust_fit_resists_the_outlier():
    xl = np.linspace(0.0, 10.0, 15)
    yl = 2.0 * xl + 1.0 + np.random.default_rng(15).normal(0.0, 0.5, size=15)
    yl[11] += 12.0
    res = lambda p: yl - (p[0] * xl + p[1])  # noqa: E731
    plain = scipy.optimize.least_squares(res, [1.0, 0.0]).x
    robust = scipy.optimize.least_squares(res, [1.0, 0.0], loss="soft_l1", f_scale=0.5).x
    clean = np.polyfit(np.delete(xl, 11), np.delete(yl, 11), 1)
    assert np.allclose(plain, np.polyfit(xl, yl, 1))
    assert np.abs(robust - clean).max() < 0.1 < np.abs(plain - clean).max()
    huge = scipy.optimize.least_squares(res, [1.0, 0.0], loss="huber", f_scale=20.0).x
    assert np.allclose(huge, plain)  # a scale above every residual is ordinary least squares


# ---------------------------------------------------------------- what the pages state
# Each value below is read from the built page (its glued output) and compared, to the digits the page
# prints, with the test's own fit of the page's data (the closed form, scipy.stats, scipy's least_squares);
# a wrong number on a page fails here.

from _page_values import assert_states, change_glued_value  # noqa: E402


def _page_line_fit():
    x, y = page_data()
    ref = scipy.stats.linregress(x, y)
    chi2 = lambda m, c: np.sum((y - m * x - c) ** 2)  # noqa: E731
    sxx, n = np.sum((x - x.mean()) ** 2), len(x)
    assert_states("m6/linear-regression", "m6_lr_chi2_first", chi2(1.2, 0.1))  # the page's first guess
    assert_states("m6/linear-regression", "m6_lr_m", ref.slope)
    assert_states("m6/linear-regression", "m6_lr_c", ref.intercept)
    assert_states("m6/linear-regression", "m6_lr_chi2_min", chi2(ref.slope, ref.intercept))
    assert_states("m6/linear-regression", "m6_lr_sigma_m", 0.3 / np.sqrt(sxx))  # the true noise is 0.3
    assert_states("m6/linear-regression", "m6_lr_sigma_c", 0.3 * np.sqrt(1 / n + x.mean() ** 2 / sxx))
    assert_states("m6/linear-regression", "m6_lr_s", np.sqrt(chi2(ref.slope, ref.intercept) / (n - 2)))
    assert_states("m6/linear-regression", "m6_lr_m_err", ref.stderr)


def _peak_fit():
    """The peak of nonlinear.md and in-practice.md fitted by scipy's least_squares (not curve_fit)."""
    x, y, sigma = peak_data()
    p0 = np.array([4.4, 1.3, 2.0, 0.3])
    fit = scipy.optimize.least_squares(
        lambda q: (y - peak(x, *q)) / sigma,
        p0,
        jac=lambda q: -peak_jacobian(x, *q) / sigma[:, None],
        xtol=1e-15,
        ftol=1e-15,
        gtol=1e-15,
    )
    J = peak_jacobian(x, *fit.x) / sigma[:, None]
    chi2 = lambda q: np.sum(((y - peak(x, *q)) / sigma) ** 2)  # noqa: E731
    return fit.x, np.linalg.inv(J.T @ J), chi2, p0


def _page_peak_fit():
    best, cov, chi2, p0 = _peak_fit()
    assert_states("m6/nonlinear", "m6_nl_chi2_start", chi2(p0))
    assert_states("m6/nonlinear", "m6_nl_cf_chi2", chi2(best))
    assert_states("m6/nonlinear", "m6_nl_chi2_end", chi2(best))  # steepest descent ends at the minimum
    for k, name in enumerate(["xp", "width", "area", "bg"]):
        assert_states("m6/nonlinear", f"m6_nl_sd_{name}", best[k])
    assert_states("m6/in-practice", "m6_ip_xp", best[0])
    assert_states("m6/in-practice", "m6_ip_xp_err", np.sqrt(cov[0, 0]))


@pytest.mark.book
def test_page_line_fit_chi2_and_uncertainties():
    _page_line_fit()


@pytest.mark.book
def test_page_weighted_line():
    x, _ = page_data()
    sig = 0.1 + 0.1 * x
    y = 1.5 * x - 0.4 + np.random.default_rng(7).normal(0.0, sig)
    popt, pcov = scipy.optimize.curve_fit(lambda x, m, c: m * x + c, x, y, sigma=sig, absolute_sigma=True)
    assert_states("m6/linear-regression", "m6_lr_mw", popt[0])
    assert_states("m6/linear-regression", "m6_lr_mw_err", np.sqrt(pcov[0, 0]))
    assert_states("m6/linear-regression", "m6_lr_mu", np.polyfit(x, y, 1)[0])  # the same data, unweighted


@pytest.mark.book
def test_page_anscombe_line_and_correlation():
    x, y = np.array(ANSCOMBE[0][0], float), np.array(ANSCOMBE[0][1], float)
    slope, intercept = np.polyfit(x, y, 1)
    r = np.corrcoef(x, y)[0, 1]
    assert_states("m6/linear-regression", "m6_lr_ans_m", slope)
    assert_states("m6/linear-regression", "m6_lr_ans_c", intercept)
    assert_states("m6/linear-regression", "m6_lr_ans_r", r)
    assert_states("m6/summary", "m6_sum_anscombe_r", r)


@pytest.mark.book
def test_page_peak_fit_and_its_uncertainty():
    _page_peak_fit()


@pytest.mark.book
def test_page_line_with_and_without_the_outlier():
    xl = np.linspace(0.0, 10.0, 15)
    yl = 2.0 * xl + 1.0 + np.random.default_rng(15).normal(0.0, 0.5, size=15)
    yl[11] += 12.0  # the page's bad reading
    for name, keep in [("plain", np.ones(15, bool)), ("clean", np.arange(15) != 11)]:
        m, c = closed_form_line(xl[keep], yl[keep])
        assert_states("m6/in-practice", f"m6_ip_{name}_m", m)
        assert_states("m6/in-practice", f"m6_ip_{name}_c", c)


@pytest.mark.book
@pytest.mark.parametrize(
    "doc, name, wrong, check",
    [
        ("m6/linear-regression", "m6_lr_m", 1.522, _page_line_fit),
        ("m6/linear-regression", "m6_lr_sigma_m", 0.0440, _page_line_fit),
        ("m6/nonlinear", "m6_nl_cf_chi2", 52.4557, _page_peak_fit),
    ],
)
def test_page_checks_fail_on_a_changed_value(monkeypatch, tmp_path, doc, name, wrong, check):
    check()  # the built page passes
    change_glued_value(monkeypatch, tmp_path, doc, name, wrong)
    with pytest.raises(AssertionError, match=name):
        check()
