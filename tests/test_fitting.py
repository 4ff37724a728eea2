"""Tests of mvcalc.fitting against independent references: scipy.stats.linregress,
numpy.polyfit, sympy, scipy.optimize.curve_fit and scipy.optimize.least_squares."""

from __future__ import annotations

import math
import warnings

import mpmath
import numpy as np
import pytest
import scipy.optimize
import scipy.stats
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

import mvcalc
from mvcalc.datasets import heights
from mvcalc.fitting import (
    chi_squared,
    gauss_newton,
    gaussian,
    gaussian_jacobian,
    levenberg_marquardt,
    linear_fit,
    steepest_descent_fit,
)

# ----------------------------------------------------------------- test problems


def peak(x, b, intensity, x_p, width):
    """A Gaussian peak on a flat background: b + I/(σ√(2π)) exp(-(x - x_p)²/(2σ²))."""
    return b + intensity * np.exp(-((x - x_p) ** 2) / (2 * width**2)) / (width * np.sqrt(2 * np.pi))


def peak_jacobian(x, b, intensity, x_p, width):
    g = np.exp(-((x - x_p) ** 2) / (2 * width**2)) / (width * np.sqrt(2 * np.pi))
    return np.column_stack(
        [
            np.ones_like(x),
            g,
            intensity * g * (x - x_p) / width**2,
            intensity * g * ((x - x_p) ** 2 / width**3 - 1 / width),
        ]
    )


def noisy_gaussian(seed):
    rng = np.random.default_rng(seed)
    x = np.linspace(0.0, 10.0, 60)
    mu, sigma = rng.uniform(4.0, 6.0), rng.uniform(1.0, 2.0)
    y = gaussian(x, mu, sigma) + rng.normal(0.0, 0.005, x.size)
    return x, y, (mu, sigma)


def noisy_peak(seed):
    rng = np.random.default_rng(seed)
    x = np.linspace(0.0, 20.0, 81)
    sigma = np.full(x.size, 0.3)
    y = peak(x, 2.0, 30.0, 9.0, 1.5) + rng.normal(0.0, 0.3, x.size)
    return x, y, sigma


def curve_fit(model, x, y, p0, jac, sigma=None):
    """scipy's fit at tight tolerances, the reference optimum."""
    return scipy.optimize.curve_fit(
        model, x, y, p0=p0, jac=jac, sigma=sigma, absolute_sigma=sigma is not None, xtol=1e-14, ftol=1e-14, gtol=1e-14
    )


def least_squares(model, x, y, p0, jac, sigma=1.0):
    res = scipy.optimize.least_squares(
        lambda p: (model(x, *p) - y) / sigma,
        p0,
        jac=lambda p: jac(x, *p) / np.reshape(sigma, (-1, 1)) if np.ndim(sigma) else jac(x, *p) / sigma,
        method="lm",
        xtol=1e-15,
        ftol=1e-15,
        gtol=1e-15,
    )
    assert res.success
    return res.x


# ------------------------------------------------------------------------- χ²


def test_chi_squared_by_hand():
    assert chi_squared([1.0, 2.0, 3.0], [1.5, 2.0, 2.0]) == pytest.approx(1.25)
    assert chi_squared([1.0, 2.0, 3.0], [1.5, 2.0, 2.0], yerr=0.5) == pytest.approx(5.0)
    assert chi_squared([1.0, 2.0], [0.0, 0.0], yerr=[1.0, 2.0]) == pytest.approx(1 + 1)
    assert isinstance(chi_squared([1.0], [1.0]), float)


def test_chi_squared_on_a_grid_of_models_matches_one_at_a_time():
    x, y = heights()
    mu, sig = np.meshgrid(np.linspace(150, 200, 7), np.linspace(2, 35, 5))
    grid = chi_squared(y, gaussian(x, mu[..., None], sig[..., None]))
    assert grid.shape == mu.shape
    one_by_one = [[chi_squared(y, gaussian(x, m, s)) for m, s in zip(mr, sr)] for mr, sr in zip(mu, sig)]
    np.testing.assert_allclose(grid, one_by_one, rtol=1e-14)


@given(
    st.lists(st.floats(-1e6, 1e6), min_size=1, max_size=20).flatmap(
        lambda y: st.tuples(st.just(y), st.lists(st.floats(-1e6, 1e6), min_size=len(y), max_size=len(y)))
    )
)
def test_chi_squared_is_a_nonnegative_sum_of_squares(pair):
    y, y_model = pair
    chi2 = chi_squared(y, y_model)
    assert chi2 >= 0
    assert chi2 == pytest.approx(math.fsum((a - b) ** 2 for a, b in zip(y, y_model)), rel=1e-12, abs=1e-300)
    assert chi_squared(y, y_model, yerr=2.0) == pytest.approx(chi2 / 4, rel=1e-15, abs=1e-300)
    assert chi_squared(y, y) == 0


# ----------------------------------------------------------------- linear_fit


@pytest.mark.parametrize("seed", range(5))
def test_linear_fit_matches_linregress(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(3, 40))
    x = rng.uniform(-10, 10, n)
    y = rng.normal(0, 3) * x + rng.normal(0, 5) + rng.normal(0, rng.uniform(0.1, 3), n)
    ours, ref = linear_fit(x, y), scipy.stats.linregress(x, y)
    assert ours.slope == pytest.approx(ref.slope, rel=1e-10)
    assert ours.intercept == pytest.approx(ref.intercept, rel=1e-10, abs=1e-12)
    assert ours.stderr == pytest.approx(ref.stderr, rel=1e-9)
    assert ours.intercept_stderr == pytest.approx(ref.intercept_stderr, rel=1e-9)
    assert ours.rvalue == pytest.approx(ref.rvalue, rel=1e-10)
    for field in ("slope", "intercept", "rvalue", "stderr", "intercept_stderr"):  # linregress's own names
        assert hasattr(ref, field) and field in ours
    np.testing.assert_array_equal(ours.x, [ours.slope, ours.intercept])
    assert ours.fun == pytest.approx(np.sum((y - ref.slope * x - ref.intercept) ** 2), rel=1e-10)
    assert ours.dof == n - 2


ANSCOMBE_X = [10, 8, 13, 9, 11, 14, 6, 4, 12, 7, 5]
ANSCOMBE = {
    "I": (ANSCOMBE_X, [8.04, 6.95, 7.58, 8.81, 8.33, 9.96, 7.24, 4.26, 10.84, 4.82, 5.68]),
    "II": (ANSCOMBE_X, [9.14, 8.14, 8.74, 8.77, 9.26, 8.10, 6.13, 3.10, 9.13, 7.26, 4.74]),
    "III": (ANSCOMBE_X, [7.46, 6.77, 12.74, 7.11, 7.81, 8.84, 6.08, 5.39, 8.15, 6.42, 5.73]),
    "IV": ([8, 8, 8, 8, 8, 8, 8, 19, 8, 8, 8], [6.58, 5.76, 7.71, 8.84, 8.47, 7.04, 5.25, 12.50, 5.56, 7.91, 6.89]),
}


@pytest.mark.parametrize("name", ANSCOMBE)
def test_anscombes_quartet_all_give_the_same_line(name):
    x, y = ANSCOMBE[name]
    ours, ref = linear_fit(x, y), scipy.stats.linregress(x, y)
    assert round(ours.slope, 3) == 0.500 and round(ours.intercept, 2) == 3.00
    assert ours.slope == pytest.approx(ref.slope, rel=1e-12)
    assert ours.intercept == pytest.approx(ref.intercept, rel=1e-12)
    assert ours.stderr == pytest.approx(ref.stderr, rel=1e-10)
    assert ours.intercept_stderr == pytest.approx(ref.intercept_stderr, rel=1e-10)
    assert round(ours.stderr, 3) == 0.118  # all four share the slope's standard error too


@pytest.mark.parametrize("seed", range(4))
def test_weighted_linear_fit_matches_polyfit_unscaled(seed):
    rng = np.random.default_rng(100 + seed)
    n = int(rng.integers(2, 30))
    x = np.sort(rng.uniform(0, 10, n))
    x[-1] += 1.0  # not all equal
    sigma = rng.uniform(0.1, 2.0, n)
    y = 1.5 * x - 2 + rng.normal(0, sigma)
    ours = linear_fit(x, y, yerr=sigma)
    coef, cov = np.polyfit(x, y, 1, w=1 / sigma, cov="unscaled")
    np.testing.assert_allclose(ours.x, coef, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(ours.cov, cov, rtol=1e-9, atol=1e-14)
    assert ours.stderr == pytest.approx(np.sqrt(cov[0, 0]), rel=1e-9)
    assert ours.intercept_stderr == pytest.approx(np.sqrt(cov[1, 1]), rel=1e-9)
    assert ours.fun == pytest.approx(chi_squared(y, np.polyval(coef, x), sigma), rel=1e-9)
    weighted = np.cov(x, y, aweights=1 / sigma**2)  # the weighted correlation, by numpy
    assert ours.rvalue == pytest.approx(weighted[0, 1] / np.sqrt(weighted[0, 0] * weighted[1, 1]), rel=1e-9)


def test_unweighted_covariance_matches_polyfit_scaled_and_a_scalar_sigma_is_a_constant_weight():
    x = np.arange(8.0)
    y = np.array([0.3, 1.9, 4.2, 5.8, 8.1, 10.2, 11.7, 14.1])
    coef, cov = np.polyfit(x, y, 1, cov=True)  # scaled by χ²/(N - 2)
    np.testing.assert_allclose(linear_fit(x, y).cov, cov, rtol=1e-10)
    with_sigma = linear_fit(x, y, yerr=0.5)
    np.testing.assert_allclose(with_sigma.x, coef, rtol=1e-12)
    np.testing.assert_allclose(with_sigma.cov, np.polyfit(x, y, 1, w=np.full(8, 2.0), cov="unscaled")[1], rtol=1e-10)


@given(
    st.floats(-100, 100),
    st.floats(-100, 100),
    st.lists(st.integers(-1000, 1000), min_size=2, max_size=30, unique=True),
)
def test_linear_fit_recovers_an_exact_line(m, c, xs):
    x = np.array(xs, dtype=float) / 10
    y = m * x + c
    res = linear_fit(x, y, yerr=1.0) if len(xs) == 2 else linear_fit(x, y)
    scale = 1 + abs(m) * np.abs(x).max() + abs(c)
    assert res.slope == pytest.approx(m, abs=1e-9 * scale)
    assert res.intercept == pytest.approx(c, abs=1e-9 * scale)
    assert res.fun <= 1e-18 * scale**2 * len(xs)


# ------------------------------------------------------------------ the Gaussian


def test_gaussian_and_its_jacobian_match_sympy():
    xs, mu, s = sp.symbols("x mu sigma", real=True)
    g = sp.exp(-((xs - mu) ** 2) / (2 * s**2)) / (s * sp.sqrt(2 * sp.pi))
    g_num = sp.lambdify((xs, mu, s), g)
    dg = sp.lambdify((xs, mu, s), [sp.diff(g, mu), sp.diff(g, s)])
    x = np.linspace(140.0, 220.0, 41)
    for m, sig in [(178.5, 7.5), (155.0, 6.0), (0.3, 0.2)]:
        np.testing.assert_allclose(gaussian(x, m, sig), g_num(x, m, sig), rtol=1e-13, atol=1e-300)
        expected = np.column_stack(dg(x, m, sig))
        np.testing.assert_allclose(gaussian_jacobian(x, m, sig), expected, rtol=1e-12, atol=1e-300)


def test_gaussian_is_the_normal_density_and_broadcasts():
    x = np.linspace(-5, 5, 11)
    np.testing.assert_allclose(gaussian(x, 0.5, 2.0), scipy.stats.norm.pdf(x, 0.5, 2.0), rtol=1e-14)
    assert gaussian_jacobian(x, 0.5, 2.0).shape == (11, 2)
    mu = np.array([[1.0], [2.0], [3.0]])
    assert gaussian(x, mu, 1.5).shape == (3, 11)
    assert gaussian_jacobian(x, mu, 1.5).shape == (3, 11, 2)
    np.testing.assert_allclose(gaussian_jacobian(x, mu, 1.5)[1], gaussian_jacobian(x, 2.0, 1.5))
    assert np.ndim(gaussian(1.0, 0.0, 1.0)) == 0 and gaussian(1.0, 0.0, 1.0) == pytest.approx(0.24197072451914337)


@settings(max_examples=30)
@given(st.floats(-50, 50), st.floats(0.1, 20), st.floats(-3, 3))
def test_gaussian_jacobian_matches_central_differences(mu, sigma, z):
    x = np.array([mu + z * sigma])
    h = 1e-6 * max(1.0, abs(mu), sigma)
    d_mu = (gaussian(x, mu + h, sigma) - gaussian(x, mu - h, sigma)) / (2 * h)
    d_sigma = (gaussian(x, mu, sigma + h) - gaussian(x, mu, sigma - h)) / (2 * h)
    scale = gaussian(mu, mu, sigma) / sigma
    np.testing.assert_allclose(gaussian_jacobian(x, mu, sigma)[0], [d_mu[0], d_sigma[0]], atol=1e-6 * scale)


# --------------------------------------------------------------- the heights fit


@pytest.fixture(scope="module")
def heights_fits():
    x, y = heights()
    p0 = [155.0, 6.0]
    return {
        "data": (x, y),
        "sd": steepest_descent_fit(gaussian, gaussian_jacobian, p0, x, y, step=2000, maxiter=50),
        "lm": levenberg_marquardt(gaussian, gaussian_jacobian, p0, x, y),
        "curve_fit": curve_fit(gaussian, x, y, p0, gaussian_jacobian),
        "least_squares": least_squares(gaussian, x, y, p0, gaussian_jacobian),
    }


def test_heights_fit_agrees_with_scipy(heights_fits):
    popt, pcov = heights_fits["curve_fit"]
    lm, sd = heights_fits["lm"], heights_fits["sd"]
    for ours in (lm.x, sd.x, heights_fits["least_squares"]):
        np.testing.assert_allclose(ours, popt, rtol=1e-6)
    np.testing.assert_allclose(lm.perr, np.sqrt(np.diag(pcov)), rtol=1e-5)
    np.testing.assert_allclose(lm.cov, pcov, rtol=1e-5, atol=1e-12)  # μ and σ are uncorrelated: cov[0, 1] ≈ 0
    x, y = heights_fits["data"]
    assert lm.fun == pytest.approx(chi_squared(y, gaussian(x, *popt)), rel=1e-9)
    assert lm.success and sd.success


def test_heights_steepest_descent_path(heights_fits):
    sd = heights_fits["sd"]
    assert sd.nit == 50 and sd.history.x.shape == (51, 2) and sd.history.fun.shape == (51,)
    np.testing.assert_array_equal(sd.history.x[0], [155.0, 6.0])
    np.testing.assert_array_equal(sd.history.x[-1], sd.x)
    x, y = heights_fits["data"]
    for p, chi2 in zip(sd.history.x[::10], sd.history.fun[::10]):
        assert chi2 == pytest.approx(chi_squared(y, gaussian(x, *p)), rel=1e-12)
    # the first step by hand: p - γ ∇χ², ∇χ² = -2 Jᵀ (y - f)
    grad = -2 * gaussian_jacobian(x, 155.0, 6.0).T @ (y - gaussian(x, 155.0, 6.0))
    np.testing.assert_allclose(sd.history.x[1], [155.0, 6.0] - 2000 * grad, rtol=1e-14)
    # σ overshoots upwards before coming back, as in the course's notebook, where the path passes
    # (155.9, 13.3), (165.0, 19.6) and (175.1, 12.9) after 1, 10 and 25 steps: ours is close
    assert sd.history.x[:, 1].max() > 19 and sd.history.x[-1, 1] < 8
    np.testing.assert_allclose(sd.history.x[[1, 10, 25]], [[155.9, 13.3], [165.0, 19.6], [175.1, 12.9]], atol=0.3)


def test_heights_levenberg_marquardt_needs_fewer_iterations_than_steepest_descent(heights_fits):
    """Measured: LM stops after 24 iterations (17 accepted steps) at tol 1e-10 and is within 1e-9 of
    the best χ² after 13 accepted steps; steepest descent needs 43 steps of 2000 to get there."""
    lm = heights_fits["lm"]
    x, y = heights_fits["data"]
    best = lm.fun
    lm_reached = int(np.argmax(lm.history.fun <= best * (1 + 1e-9)))
    assert lm.nit < 30 and lm_reached < 16
    long_sd = steepest_descent_fit(gaussian, gaussian_jacobian, [155.0, 6.0], x, y, step=2000, maxiter=200)
    sd_reached = int(np.argmax(long_sd.history.fun <= best * (1 + 1e-9)))
    assert 35 < sd_reached < 60 and sd_reached > 2 * lm_reached
    # after as many steps as LM takes iterations, steepest descent's χ² is still far above the optimum
    assert long_sd.history.fun[lm.nit] > 2 * best
    # LM's χ² never increases along its path (it only accepts improvements); descent's is not monotonic here
    assert np.all(np.diff(lm.history.fun) <= 0)


def test_gauss_newton_from_the_assignments_start_and_where_it_diverges(heights_fits):
    x, y = heights_fits["data"]
    lm = heights_fits["lm"]
    gn = gauss_newton(gaussian, gaussian_jacobian, [155.0, 6.0], x, y)
    assert gn.success and "damping" not in gn and gn.history.x.shape == (gn.nit + 1, 2)
    np.testing.assert_allclose(gn.x, lm.x, rtol=1e-9)
    np.testing.assert_allclose(gn.cov, lm.cov, rtol=1e-6, atol=1e-12)
    # from a narrow guess far from the data, the full Gauss–Newton step jumps to a negative width
    far = gauss_newton(gaussian, gaussian_jacobian, [140.0, 3.0], x, y)
    assert not far.success
    assert far.message.startswith("diverged at step 6: model raised ValueError")
    assert "sigma must be positive" in far.message
    assert far.x[1] > 0 and np.all(np.isfinite(far.x))
    # Levenberg–Marquardt rejects such steps and converges from there
    rescued = levenberg_marquardt(gaussian, gaussian_jacobian, [140.0, 3.0], x, y)
    assert rescued.success
    np.testing.assert_allclose(rescued.x, lm.x, rtol=1e-8)
    assert rescued.nfev > len(rescued.history.x)  # some trial steps were rejected


# --------------------------------------------------------- noisy Gaussians, peaks


@pytest.mark.parametrize("seed", range(4))
def test_fits_of_noisy_gaussians_agree_with_scipy(seed):
    x, y, true = noisy_gaussian(seed)
    p0 = [true[0] - 0.7, true[1] * 1.3]
    popt, pcov = curve_fit(gaussian, x, y, p0, gaussian_jacobian)
    lm = levenberg_marquardt(gaussian, gaussian_jacobian, p0, x, y)
    sd = steepest_descent_fit(gaussian, gaussian_jacobian, p0, x, y, step=1.0, maxiter=300)
    assert lm.success and lm.nit < 20
    np.testing.assert_allclose(lm.x, popt, rtol=1e-7)
    np.testing.assert_allclose(lm.x, least_squares(gaussian, x, y, p0, gaussian_jacobian), rtol=1e-7)
    np.testing.assert_allclose(sd.x, popt, rtol=1e-5)
    np.testing.assert_allclose(lm.perr, np.sqrt(np.diag(pcov)), rtol=1e-5)
    assert lm.nfev == lm.nit + 1 and lm.njev == len(lm.history.x)


@pytest.mark.parametrize("seed", [1, 2])
def test_fits_of_a_peak_on_a_background_agree_with_scipy(seed):
    x, y, sigma = noisy_peak(seed)
    p0 = [1.0, 20.0, 8.0, 2.0]
    popt, pcov = curve_fit(peak, x, y, p0, peak_jacobian, sigma=sigma)  # absolute_sigma=True
    lm = levenberg_marquardt(peak, peak_jacobian, p0, x, y, yerr=sigma)
    assert lm.success and lm.nit < 30
    np.testing.assert_allclose(lm.x, popt, rtol=1e-6)
    np.testing.assert_allclose(lm.x, least_squares(peak, x, y, p0, peak_jacobian, sigma), rtol=1e-6)
    np.testing.assert_allclose(lm.perr, np.sqrt(np.diag(pcov)), rtol=1e-5)
    np.testing.assert_allclose(lm.cov, pcov, rtol=1e-5, atol=1e-12)
    assert lm.fun == pytest.approx(chi_squared(y, peak(x, *popt), sigma), rel=1e-9)
    # without sigma, the covariance is scaled by χ²/(N - P), as curve_fit's absolute_sigma=False
    popt_u, pcov_u = curve_fit(peak, x, y, p0, peak_jacobian)
    lm_u = levenberg_marquardt(peak, peak_jacobian, p0, x, y)
    np.testing.assert_allclose(lm_u.x, popt_u, rtol=1e-6)
    np.testing.assert_allclose(lm_u.perr, np.sqrt(np.diag(pcov_u)), rtol=1e-5)
    # steepest descent gets there too, with a step below 2/λ_max of the Hessian, but slowly
    sd = steepest_descent_fit(peak, peak_jacobian, p0, x, y, step=3e-4, maxiter=6000, yerr=sigma)
    assert sd.success
    np.testing.assert_allclose(sd.x, popt, rtol=1e-4)


@settings(max_examples=25)
@given(st.floats(2.0, 8.0), st.floats(0.5, 2.5), st.floats(-0.3, 0.3), st.floats(0.8, 1.25))
def test_levenberg_marquardt_recovers_noise_free_parameters(mu, sigma, shift, stretch):
    x = np.linspace(0.0, 10.0, 40)
    y = gaussian(x, mu, sigma)
    res = levenberg_marquardt(gaussian, gaussian_jacobian, [mu + shift * sigma, sigma * stretch], x, y)
    assert res.success
    np.testing.assert_allclose(res.x, [mu, sigma], rtol=1e-8)
    assert res.fun < 1e-20


# -------------------------------------------------------------- failures, not nan


def test_steepest_descent_with_too_large_a_step_stops_with_the_last_finite_parameters():
    x = np.arange(10.0)
    line = lambda x, a: a * x  # noqa: E731
    line_jac = lambda x, a: x[:, None]  # noqa: E731
    res = steepest_descent_fit(line, line_jac, [0.0], x, x, step=1.0, maxiter=1000)  # λ_max = 2Σx² = 570
    assert not res.success
    assert res.message.startswith("diverged at step") and "the step 1 is too large" in res.message
    assert np.all(np.isfinite(res.x)) and np.all(np.isfinite(res.history.x)) and np.isfinite(res.fun)
    assert res.history.x.shape == (res.nit + 1, 1) and res.nit < 1000
    # a small enough step converges: the exact slope is 1
    good = steepest_descent_fit(line, line_jac, [0.0], x, x, step=1e-3, maxiter=100)
    assert good.success and good.x[0] == pytest.approx(1.0, rel=1e-12)
    assert "took 100 steps of size 0.001" in good.message


def test_steepest_descent_that_makes_the_width_negative_stops_with_the_models_reason():
    x, y = heights()
    res = steepest_descent_fit(gaussian, gaussian_jacobian, [178.0, 7.0], x, y, step=1e5, maxiter=50)
    assert not res.success and "sigma must be positive" in res.message
    assert res.x[1] > 0


def test_levenberg_marquardt_rejects_steps_into_a_region_where_the_model_is_undefined():
    x = np.linspace(1.0, 5.0, 9)  # y = x: the best slope is a = 1

    def line_with_a_gap(gap):
        return lambda x, a: np.full_like(x, np.nan) if gap[0] < a < gap[1] else a * x

    def jac(x, a):
        return x[:, None]

    # from a = 4 with λ = 2 the first trial is a = 3, in the gap: rejected, then shorter steps jump it
    res = levenberg_marquardt(line_with_a_gap((2.9, 3.1)), jac, [4.0], x, x, damping=2.0)
    assert res.success and res.x[0] == pytest.approx(1.0, rel=1e-9)
    assert res.nfev > len(res.history.x) and not np.any((2.9 < res.history.x) & (res.history.x < 3.1))
    # a wide gap cannot be jumped by ever shorter steps: stuck at its edge, and it says so
    stuck = levenberg_marquardt(line_with_a_gap((1.5, 2.5)), jac, [4.0], x, x, damping=0.5, maxiter=100)
    assert not stuck.success and stuck.message.startswith("did not converge")
    assert stuck.x[0] == pytest.approx(2.5, abs=1e-6)


def test_levenberg_marquardt_maxiter_and_singular_model():
    x, y = heights()
    res = levenberg_marquardt(gaussian, gaussian_jacobian, [155.0, 6.0], x, y, maxiter=3)
    assert not res.success and res.nit == 3
    assert res.message.startswith("did not converge in maxiter=3 iterations")
    flat = levenberg_marquardt(
        lambda x, a, b: a * x, lambda x, a, b: np.column_stack([x, np.zeros_like(x)]), [1.0, 1.0], x, y
    )
    assert not flat.success and "singular" in flat.message and "parameter 1" in flat.message
    assert np.all(np.isinf(flat.cov))


def test_parameters_that_only_act_together():
    x = np.linspace(1.0, 5.0, 9)
    y = 2 * x + 0.01 * np.sin(x)
    model = lambda x, a, b: (a + b) * x  # noqa: E731
    jac = lambda x, a, b: np.column_stack([x, x])  # noqa: E731
    gn = gauss_newton(model, jac, [0.0, 0.0], x, y)
    assert not gn.success and "singular" in gn.message and "a combination of the parameters" in gn.message
    # the damping makes LM's system solvable: it finds a best a + b, but the covariance is infinite
    lm = levenberg_marquardt(model, jac, [0.0, 0.0], x, y)
    assert lm.success and lm.x.sum() == pytest.approx(np.sum(x * y) / np.sum(x * x), rel=1e-8)  # through 0
    assert np.all(np.isinf(lm.cov)) and np.all(np.isinf(lm.perr))


def test_exact_fit_and_no_spare_degrees_of_freedom():
    x = np.array([1.0, 2.0])
    line = lambda x, a, b: a * x + b  # noqa: E731
    line_jac = lambda x, a, b: np.column_stack([x, np.ones(2)])  # noqa: E731
    res = levenberg_marquardt(line, line_jac, [0.0, 0.0], x, 3 * x + 1)
    assert res.success and res.x == pytest.approx([3.0, 1.0], rel=1e-12)
    assert np.all(np.isinf(res.cov))  # N = P: nothing to estimate the scatter from, as in curve_fit


def test_exported_at_the_top_level():
    assert len(mvcalc.fitting.__all__) == 7 and "levenberg_marquardt" in mvcalc.fitting.__all__
    for name in mvcalc.fitting.__all__:
        assert getattr(mvcalc, name) is getattr(mvcalc.fitting, name) and name in mvcalc.__all__


# ------------------------------------------------------------------- validation

X3, Y3 = [0.0, 1.0, 2.0], [1.0, 2.0, 2.5]


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: chi_squared([1, 2], [1, 2, 3]), ValueError, r"y_model must have the length of y, 2.*shape \(3,\)"),
        (lambda: chi_squared([1, np.nan], [1, 2]), ValueError, "y must be finite"),
        (lambda: chi_squared([1, 2], [1, 2], yerr=0), ValueError, r"yerr must be positive .*got the value 0.0"),
        (lambda: chi_squared([1, 2], [1, 2], yerr=[1, -1]), ValueError, "got the value -1.0"),
        (lambda: chi_squared([1, 2], [1, 2], yerr=[1, 2, 3]), ValueError, r"yerr must be a number or .*\(2,\)"),
        (lambda: chi_squared([1, 2], [1, 2], yerr=[1, np.inf]), ValueError, "yerr must be finite"),
        (lambda: chi_squared("12", [1, 2]), TypeError, "y must be a real number"),
        (lambda: chi_squared([[1, 2]], [1, 2]), ValueError, r"y must be a 1-D array .*got shape \(1, 2\)"),
        (lambda: linear_fit([1, 2, 3], [1, 2]), ValueError, "x and y must have the same length, got 3 and 2"),
        (lambda: linear_fit([1, 2], [1, 2]), ValueError, "needs at least 3 points, got 2"),
        (lambda: linear_fit([1], [1], yerr=1), ValueError, "with yerr needs at least 2 points, got 1"),
        (lambda: linear_fit([2, 2, 2], [1, 2, 3]), ValueError, r"the x must not all be equal \(all are 2.0\)"),
        (lambda: linear_fit([1, 2, np.inf], [1, 2, 3]), ValueError, "x must be finite"),
        (lambda: linear_fit([1, 2, 3], [1, 2, 3], yerr=[1, 0, 1]), ValueError, "yerr must be positive"),
        (lambda: linear_fit([], []), ValueError, r"x must be a 1-D array of shape \(N,\) with N >= 1"),
        (lambda: gaussian([1.0], 0.0, 0.0), ValueError, r"sigma must be positive \(the width .*\), got 0.0"),
        (lambda: gaussian_jacobian([1.0], 0.0, -2), ValueError, "got -2.0"),
        (lambda: gaussian([1.0], np.nan, 1.0), ValueError, "mu must be finite"),
        (lambda: gaussian([1.0], "0", 1.0), TypeError, "mu must be a real number"),
        (
            lambda: gaussian([1.0, 2.0], [0.0, 1.0, 2.0], 1.0),
            ValueError,
            r"broadcast together, got shapes \(2,\), \(3,\)",
        ),
    ],
)
def test_validation_of_the_closed_forms(call, error, match):
    with pytest.raises(error, match=match):
        call()


def _bad_fits(fit):
    """Bad arguments for steepest_descent_fit, levenberg_marquardt and gauss_newton alike."""
    g, J = gaussian, gaussian_jacobian
    return [
        (lambda: fit("g", J, [1, 1], X3, Y3), TypeError, "model must be a callable function"),
        (lambda: fit(g, None, [1, 1], X3, Y3), TypeError, "jac must be a callable function"),
        (lambda: fit(g, J, [1, 1], X3, Y3[:2]), ValueError, "x and y must have the same length, got 3 and 2"),
        (lambda: fit(g, J, [1, 1], X3, [1, np.nan, 2]), ValueError, "y must be finite"),
        (lambda: fit(g, J, [1, 1], X3, Y3, yerr=[1, 1, 0]), ValueError, "yerr must be positive"),
        (lambda: fit(g, J, [[1, 1]], X3, Y3), ValueError, r"p0 must be a 1-D array of shape \(n,\)"),
        (lambda: fit(g, J, [1, np.inf], X3, Y3), ValueError, "p0 must be finite"),
        (
            lambda: fit(lambda x, m, s: 1.0, J, [1, 1], X3, Y3),
            ValueError,
            r"model\(x, \*p\) must .*\(3,\).*got shape \(\)",
        ),
        (
            lambda: fit(g, lambda x, m, s: J(x, m, s).T, [1, 1], X3, Y3),
            ValueError,
            r"jac.*\(3, 2\).*got shape \(2, 3\)",
        ),
        (lambda: fit(g, lambda x, m: J(x, m, 1.0)[:, :1], [1, 1], X3, Y3), TypeError, "positional argument"),
        (
            lambda: fit(lambda x, m, s: x * np.nan, J, [1, 1], X3, Y3),
            ValueError,
            r"model returned a non-finite .*p0 = \[1. 1.\]",
        ),
        (
            lambda: fit(g, lambda x, m, s: J(x, m, s) / 0.0, [1, 1], X3, Y3),
            ValueError,
            "jac returned a non-finite value at",
        ),
        (
            lambda: fit(lambda x, m, s: x > 1, J, [1, 1], X3, Y3),
            TypeError,
            "model must return numbers, got an array of dtype bool",
        ),
        (lambda: fit(g, J, [1, -1], X3, Y3), ValueError, "sigma must be positive"),  # the model's own check at p0
    ]


def _steepest(model, jac, p0, x, y, yerr=None):
    return steepest_descent_fit(model, jac, p0, x, y, step=1.0, maxiter=5, yerr=yerr)


def _lm(model, jac, p0, x, y, yerr=None):
    return levenberg_marquardt(model, jac, p0, x, y, yerr=yerr)


def _gn(model, jac, p0, x, y, yerr=None):
    return gauss_newton(model, jac, p0, x, y, yerr=yerr)


@pytest.mark.parametrize(
    "fit", [_steepest, _lm, _gn], ids=["steepest_descent_fit", "levenberg_marquardt", "gauss_newton"]
)
@pytest.mark.parametrize("case", range(len(_bad_fits(_lm))))
def test_validation_of_the_fits(fit, case):
    call, error, match = _bad_fits(fit)[case]
    with pytest.raises(error, match=match):
        call()


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"step": 0}, ValueError, "step must be a finite positive number, got 0.0"),
        ({"step": -1.0}, ValueError, "step must be a finite positive number"),
        ({"step": "1"}, TypeError, "step must be a positive real number"),
        ({"maxiter": 0}, ValueError, "maxiter must be a positive integer, got 0"),
        ({"maxiter": 2.5}, TypeError, "maxiter must be a positive integer, got float 2.5"),
        ({"maxiter": True}, TypeError, "got bool True"),
    ],
)
def test_validation_of_steepest_descent_settings(kwargs, error, match):
    settings_ = {"step": 1.0, "maxiter": 5} | kwargs
    with pytest.raises(error, match=match):
        steepest_descent_fit(gaussian, gaussian_jacobian, [1, 1], X3, Y3, **settings_)


@pytest.mark.parametrize(
    ("fit", "kwargs", "error", "match"),
    [
        (levenberg_marquardt, {"damping": 0}, ValueError, "damping must be a finite positive number"),
        (levenberg_marquardt, {"xtol": -1e-9}, ValueError, "xtol must be a finite positive number"),
        (gauss_newton, {"ftol": 0}, ValueError, "ftol must be a finite positive number"),
        (levenberg_marquardt, {"maxiter": 0}, ValueError, "maxiter must be a positive integer, got 0"),
        (gauss_newton, {"maxiter": 10.0}, TypeError, "maxiter must be a positive integer, got float"),
    ],
)
def test_validation_of_least_squares_settings(fit, kwargs, error, match):
    with pytest.raises(error, match=match):
        fit(gaussian, gaussian_jacobian, [1, 1], X3, Y3, **kwargs)


def test_more_parameters_than_data():
    model = lambda x, a, b, c: a + b * x + c * x**2  # noqa: E731
    jac = lambda x, a, b, c: np.column_stack([np.ones_like(x), x, x**2])  # noqa: E731
    for fit in (levenberg_marquardt, gauss_newton):
        with pytest.raises(ValueError, match=r"more parameters \(3\) than data points \(2\)"):
            fit(model, jac, [0, 0, 0], [1.0, 2.0], [1.0, 2.0])


def _heights_jacobian_missing_a_term(x, mu, sigma):
    """The heights fit's Jacobian without the −f/σ term of ∂f/∂σ: a reader's likely mistake."""
    J = gaussian_jacobian(x, mu, sigma).copy()
    J[:, 1] += gaussian(x, mu, sigma) / sigma
    return J


def test_levenberg_marquardt_does_not_claim_success_where_every_step_is_rejected():
    x, y = heights()
    wrong = levenberg_marquardt(gaussian, _heights_jacobian_missing_a_term, [155.0, 6.0], x, y)
    assert not wrong.success and wrong.status == 3
    assert "no step lowers chi-squared" in wrong.message and "check that jac is the Jacobian of model" in wrong.message
    np.testing.assert_array_equal(wrong.x, [155.0, 6.0])  # it never moved: every step was rejected
    # a huge starting damping makes every first step tiny, but with the right Jacobian the fit goes on
    slow = levenberg_marquardt(gaussian, gaussian_jacobian, [155.0, 6.0], x, y, damping=1e10)
    right = levenberg_marquardt(gaussian, gaussian_jacobian, [155.0, 6.0], x, y)
    assert slow.success and right.success and slow.nit > right.nit
    np.testing.assert_allclose(slow.x, right.x, rtol=1e-8)
    reference = scipy.optimize.curve_fit(gaussian, x, y, p0=[155.0, 6.0], jac=gaussian_jacobian)[0]
    np.testing.assert_allclose(right.x, reference, rtol=1e-6)


def _exact_line(x, y):
    """Slope, intercept and slope standard error of the unweighted fit, in exact rational arithmetic."""
    from fractions import Fraction

    xs, ys = [Fraction(float(v)) for v in x], [Fraction(float(v)) for v in y]
    n = len(xs)
    x_bar, y_bar = sum(xs) / n, sum(ys) / n
    s_xx = sum((a - x_bar) ** 2 for a in xs)
    slope = sum((a - x_bar) * (b - y_bar) for a, b in zip(xs, ys)) / s_xx
    intercept = y_bar - slope * x_bar
    chi2 = sum((b - slope * a - intercept) ** 2 for a, b in zip(xs, ys))
    return float(slope), float(intercept), float(chi2 / (n - 2) / s_xx) ** 0.5


def test_linear_fit_on_offset_x_loses_no_digits():
    """Issue 16: x = 1e9 + 1e-3 k lost about three digits when the sums were not centred in y."""
    k = np.arange(20.0)
    x, y = 1e9 + 1e-3 * k, 2.5 * k + 3 + 0.01 * np.sin(k)
    slope, intercept, stderr = _exact_line(x, y)
    res = linear_fit(x, y)
    assert res.slope == pytest.approx(slope, rel=1e-9)
    assert res.intercept == pytest.approx(intercept, rel=1e-9)
    assert res.stderr == pytest.approx(stderr, rel=1e-3)
    assert res.slope == pytest.approx(scipy.stats.linregress(x, y).slope, rel=1e-8)


@settings(max_examples=60, deadline=None)
@given(
    offset=st.sampled_from([0.0, 1e3, -1e6, 1e9]),
    spread=st.sampled_from([1e-3, 1.0, 1e4]),
    y_scale=st.sampled_from([1e-150, 1e-8, 1.0, 1e8, 1e100]),
    seed=st.integers(0, 2**16),
)
def test_linear_fit_agrees_with_linregress_on_offset_and_scaled_data(offset, spread, y_scale, seed):
    rng = np.random.default_rng(seed)
    t = np.sort(rng.uniform(0, 1, size=12))
    x = offset + spread * t
    if np.unique(x).size < 3:
        return
    y = y_scale * (2.0 * t - 1.0 + 0.1 * rng.standard_normal(12))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no RuntimeWarning leaks out of the fit
        res = linear_fit(x, y)
    theirs = scipy.stats.linregress(x, y)
    slope, intercept, stderr = _exact_line(x, y)
    assert res.slope == pytest.approx(slope, rel=1e-6, abs=1e-300)
    assert res.intercept == pytest.approx(intercept, rel=1e-6, abs=1e-9 * abs(slope) * max(1.0, abs(offset)))
    assert res.stderr == pytest.approx(stderr, rel=1e-3)
    assert res.slope == pytest.approx(theirs.slope, rel=1e-4)
    assert np.all(np.isfinite([res.slope, res.intercept, res.stderr, res.intercept_stderr, res.fun]))


@pytest.mark.parametrize("tiny", [1e-200, 1e-160])
def test_linear_fit_with_tiny_uncertainties_stays_finite(tiny):
    y = np.array([1.1, 2.9, 5.2, 6.8])
    res = linear_fit([0, 1, 2, 3], y * tiny * 10, yerr=tiny * np.array([1.0, 2.0, 1.0, 3.0]))
    reference = linear_fit([0, 1, 2, 3], y * 10, yerr=[1.0, 2.0, 1.0, 3.0])
    assert res.slope == pytest.approx(reference.slope * tiny, rel=1e-12)
    assert res.stderr == pytest.approx(reference.stderr * tiny, rel=1e-12)
    assert res.fun == pytest.approx(reference.fun, rel=1e-12)


def test_linear_fit_says_when_chi_squared_cannot_be_represented():
    with pytest.raises(ValueError, match="chi-squared overflows float64"):
        linear_fit([0, 1, 2, 3], [1.1, 2.9, 5.2, 6.8], yerr=1e-200)


def test_linear_fit_says_when_the_covariance_cannot_be_represented():
    # an intercept 1000 away from tightly spaced x, with scatter 1e149: its variance is about 1e310
    rng = np.random.default_rng(0)
    x = 1e3 + 1e-3 * np.linspace(0, 1, 12)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValueError, match="the covariance of the fit .* overflows float64"):
            linear_fit(x, 1e150 * rng.standard_normal(12))


@pytest.mark.parametrize(
    ("x", "mu", "sigma"),
    [([0.0, 1.0], 0.0, 1e200), ([0.0, 1e-200], 0.0, 1e-200), ([1e200, 1e308], -1e308, 1.0), ([1e308], -1e308, 1e10)],
)
def test_gaussian_is_finite_for_finite_arguments_of_any_scale(x, mu, sigma):
    """Issue 16: (x - mu)^2 / (2 sigma^2) overflowed or gave 0/0 for sigma = 1e+-200; now z = (x - mu)/sigma first."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = gaussian(np.array(x), mu, sigma)
    z = [(mpmath.mpf(v) - mu) / sigma for v in x]
    expected = [float(mpmath.exp(-(t**2) / 2) / (sigma * mpmath.sqrt(2 * mpmath.pi))) for t in z]
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=0)


def test_gaussian_jacobian_underflows_to_zero_in_the_tails_and_refuses_what_overflows():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        J = gaussian_jacobian(np.array([0.0, 1e200]), 0.0, 1.0)
        np.testing.assert_allclose(J[1], [0.0, 0.0])
        with pytest.raises(ValueError, match="derivatives overflow float64"):
            gaussian_jacobian(np.array([0.0, 1e-200]), 0.0, 1e-200)


def test_chi_squared_with_tiny_uncertainties():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert chi_squared([1e-200, 2e-200], [1e-200, 2.1e-200], yerr=1e-200) == pytest.approx(0.01, rel=1e-12)
        with pytest.raises(ValueError, match="chi-squared overflows float64"):
            chi_squared([1.0, 2.0], [1.0, 2.1], yerr=1e-200)
