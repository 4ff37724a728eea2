"""The formulas and claims of book/m6/heights.md, checked independently of the page.

The derivatives of the Gaussian against sympy, the Jacobian of χ² against
finite differences, and the page's claims about the steepest descent: χ²
falls at every step, σ overshoots, and the end point agrees with
scipy.optimize.curve_fit and mvcalc.levenberg_marquardt to the digits stated.
"""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp
from scipy.optimize import curve_fit

import mvcalc
from mvcalc.datasets import heights

X, Y = heights()
START, AGGRESSION, ITERATIONS = (155.0, 6.0), 2000.0, 50


def f(x, mu, sig):
    return np.exp(-((x - mu) ** 2) / (2 * sig**2)) / (sig * np.sqrt(2 * np.pi))


def dfdmu(x, mu, sig):
    return f(x, mu, sig) * (x - mu) / sig**2


def dfdsig(x, mu, sig):
    return f(x, mu, sig) * ((x - mu) ** 2 / sig**3 - 1 / sig)


def chi2(p):
    return float(np.sum((Y - f(X, p[0], p[1])) ** 2))


def step(mu, sig, aggression):
    r = Y - f(X, mu, sig)
    return -aggression * np.array([-2 * r @ dfdmu(X, mu, sig), -2 * r @ dfdsig(X, mu, sig)])


def descent(aggression=AGGRESSION, iterations=ITERATIONS):
    p = np.array(START)
    path = [p]
    for _ in range(iterations):
        p = p + step(*p, aggression)
        path.append(p)
    return np.array(path)


def test_derivatives_of_the_gaussian_against_sympy():
    x, mu = sp.symbols("x mu", real=True)
    sig = sp.symbols("sigma", positive=True)
    g = sp.exp(-((x - mu) ** 2) / (2 * sig**2)) / (sig * sp.sqrt(2 * sp.pi))
    assert sp.simplify(sp.diff(g, mu) - g * (x - mu) / sig**2) == 0
    assert sp.simplify(sp.diff(g, sig) - g * ((x - mu) ** 2 / sig**3 - 1 / sig)) == 0
    numeric = sp.lambdify((x, mu, sig), sp.diff(g, sig), "numpy")
    assert np.allclose(numeric(X, 171.0, 8.5), dfdsig(X, 171.0, 8.5), rtol=1e-12, atol=1e-18)


@pytest.mark.parametrize("p", [(170.0, 9.0), (155.0, 6.0), (185.0, 4.0)])
def test_model_jacobian_against_finite_differences_and_the_library(p):
    ours = np.column_stack([dfdmu(X, *p), dfdsig(X, *p)])
    assert ours.shape == (X.size, 2)
    numeric = mvcalc.jacobian(lambda q: f(X, q[0], q[1]), np.array(p))
    assert np.max(np.abs(ours - numeric)) <= 1e-7 * np.max(np.abs(ours))
    assert np.allclose(mvcalc.gaussian_jacobian(X, *p), ours, rtol=1e-12, atol=1e-20)


@pytest.mark.parametrize("p", [START, (165.0, 19.7), (178.0, 7.0)])
def test_chi2_jacobian_by_the_chain_rule_against_finite_differences(p):
    J = -step(*p, 1.0)
    numeric = mvcalc.gradient(chi2, np.array(p))
    assert J.shape == (2,)
    assert np.max(np.abs(J - numeric)) <= 1e-6 * np.max(np.abs(J))


def test_first_step_moves_right_and_widens():
    J = -step(*START, 1.0)
    assert np.all(J < 0)


def test_descent_lowers_chi2_at_every_step_and_sigma_overshoots():
    path = descent()
    values = np.array([chi2(p) for p in path])
    assert np.all(np.diff(values) < 0)
    # the page's intermediate points, to the digits it prints
    assert np.allclose(path[1], [155.85, 13.33], atol=0.01)
    assert np.allclose(path[10], [164.86, 19.69], atol=0.01)
    assert np.allclose(path[25], [175.05, 13.12], atol=0.01)
    widest = int(np.argmax(path[:, 1]))
    assert 0 < widest < ITERATIONS and path[widest, 1] > 2.5 * path[-1, 1]


def test_end_point_agrees_with_curve_fit_and_levenberg_marquardt():
    end = descent()[-1]
    p_scipy, _ = curve_fit(f, X, Y, p0=list(START))
    lm = mvcalc.levenberg_marquardt(mvcalc.gaussian, mvcalc.gaussian_jacobian, list(START), X, Y)
    # at least the 4 significant figures the brief asks for; the page reports 7
    assert np.all(np.abs(end / p_scipy - 1) < 1e-7)
    assert np.all(np.abs(end / lm.x - 1) < 1e-7)
    assert chi2(end) <= chi2(p_scipy) * (1 + 1e-9)


def test_library_steepest_descent_takes_the_same_path():
    fit = mvcalc.steepest_descent_fit(
        mvcalc.gaussian, mvcalc.gaussian_jacobian, list(START), X, Y, step=AGGRESSION, maxiter=ITERATIONS
    )
    assert np.allclose(fit.history.x, descent(), rtol=1e-10, atol=0)


def test_aggression_exercise_claims():
    slow, fine, wild = (descent(a)[-1] for a in (500.0, 2000.0, 8000.0))
    p_scipy, _ = curve_fit(f, X, Y, p0=list(START))
    assert np.linalg.norm(fine - p_scipy) < 1e-5
    assert np.linalg.norm(slow - p_scipy) > 1.0
    widths = descent(8000.0)[-6:, 1]
    assert np.ptp(widths) > 5.0  # the width keeps jumping across the valley
    assert abs(descent(8000.0)[-1, 0] - p_scipy[0]) < 0.1  # while the centre settles


def test_least_squares_width_is_below_the_histogram_sd():
    w = 2.5
    mean = np.sum(X * Y * w)
    sd = np.sqrt(np.sum((X - mean) ** 2 * Y * w))
    p_scipy, _ = curve_fit(f, X, Y, p0=list(START))
    assert p_scipy[1] < sd
    assert chi2(p_scipy) < chi2((mean, sd))
