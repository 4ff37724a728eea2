"""One vocabulary for every iterative method in mvcalc: scipy.optimize's.

Every public iterative method takes ``maxiter`` and tolerances named by their meaning (``xtol``, ``gtol``,
``ftol``) and returns an OptimizeResult with the same fields, including one ``history``. This module walks
every public function of mvcalc that returns an OptimizeResult, so a new method cannot escape the check.
"""

from __future__ import annotations

import inspect
import re

import numpy as np
import pytest
import scipy.optimize

import mvcalc
from mvcalc import fitting, nn, optimise, optimisers
from mvcalc._results import RESULT_FIELDS, STATUS
from mvcalc.datasets import heart_curve, heights

# Functions that return an OptimizeResult but are not iterative methods of mvcalc's own, and why.
NOT_ITERATIVE = {
    "linear_fit": "a closed form: no iterations",
    "lagrange_multipliers": "hands the root-finding to scipy.optimize.root, whose iterations MINPACK does not expose",
}

TOLERANCES = {"xtol", "gtol", "ftol"}
OLD_NAMES = {"max_iter", "iterations", "tol", "sigma", "lam0"}


def _quartic(x):
    return x**4 - 3 * x - 1


def _bowl_gradient(v):
    return np.array([2 * v[0], 20 * v[1]])


def _heights():
    return heights()


_LINE_X = np.linspace(0.0, 4.0, 12)
_LINE_Y = 1.5 * _LINE_X - 2.0


def _line_batch_gradient(p, batch):
    residual = _LINE_Y[batch] - p[0] * _LINE_X[batch] - p[1]
    return -2 * np.array([np.mean(residual * _LINE_X[batch]), np.mean(residual)])


def _line_cost(p):
    return np.mean((_LINE_Y - p[0] * _LINE_X - p[1]) ** 2)


def _deterministic_optimiser_cases():
    bowl = lambda v: v[0] ** 2 + 10 * v[1] ** 2  # noqa: E731
    solved = {"momentum": 0.05, "nesterov": 0.05, "rmsprop": 0.001, "adam": 0.01}
    return {
        name: (
            lambda name=name, step=step: getattr(optimisers, name)(
                _bowl_gradient, [1.0, 1.0], step=step, f=bowl, maxiter=20_000, gtol=1e-6
            ),
            lambda name=name: getattr(optimisers, name)(_bowl_gradient, [1.0, 1.0], step=0.01, maxiter=3),
        )
        for name, step in solved.items()
    }


def _cases():
    """For each iterative method: a problem it solves, and one it cannot (runs out of steps or diverges)."""
    x, y = _heights()
    gauss = (fitting.gaussian, fitting.gaussian_jacobian)
    network = nn.init_network([1, 6, 7, 2], np.random.default_rng(0))
    hx, hy = heart_curve()
    return {
        "newton_raphson": (
            lambda: optimise.newton_raphson(_quartic, 2.0),
            lambda: optimise.newton_raphson(_quartic, 2.0, maxiter=2),
        ),
        "gradient_descent": (
            lambda: optimise.gradient_descent(
                _bowl_gradient, [1.0, 1.0], step=0.05, f=lambda v: v[0] ** 2 + 10 * v[1] ** 2
            ),
            lambda: optimise.gradient_descent(_bowl_gradient, [1.0, 1.0], step=0.11),
        ),
        "steepest_descent_fit": (
            lambda: fitting.steepest_descent_fit(*gauss, [155, 6], x, y, step=2000, maxiter=50),
            lambda: fitting.steepest_descent_fit(*gauss, [178, 7], x, y, step=1e5, maxiter=50),
        ),
        "gauss_newton": (
            lambda: fitting.gauss_newton(*gauss, [175, 8], x, y),
            lambda: fitting.gauss_newton(*gauss, [175, 8], x, y, maxiter=2),
        ),
        "levenberg_marquardt": (
            lambda: fitting.levenberg_marquardt(*gauss, [155, 6], x, y),
            lambda: fitting.levenberg_marquardt(*gauss, [155, 6], x, y, maxiter=3),
        ),
        "train": (
            lambda: nn.train(network, hx, hy, maxiter=20, step=7.0),
            lambda: nn.train(network, hx, hy, maxiter=20, step=1e6),
        ),
        "sgd": (
            lambda: optimisers.sgd(
                _line_batch_gradient,
                [0.0, 0.0],
                n_samples=12,
                batch_size=3,
                rng=np.random.default_rng(0),
                step=0.02,
                f=_line_cost,
                maxiter=200,
            ),
            lambda: optimisers.sgd(
                _line_batch_gradient,
                [0.0, 0.0],
                n_samples=12,
                batch_size=3,
                rng=np.random.default_rng(0),
                step=5.0,
                f=_line_cost,
                maxiter=200,
            ),
        ),
        **_deterministic_optimiser_cases(),
    }


def _public_functions():
    for module in (
        mvcalc,
        optimise,
        optimisers,
        fitting,
        nn,
        mvcalc.autodiff,
        mvcalc.checks,
        mvcalc.fitcheck,
        mvcalc.sandpit,
        mvcalc.taylor,
    ):
        for name in getattr(module, "__all__", dir(module)):
            obj = getattr(module, name)
            if inspect.isfunction(obj) and not name.startswith("_"):
                yield name, obj


def test_every_public_function_returning_an_optimize_result_is_walked_here():
    returning = {
        name for name, func in _public_functions() if "OptimizeResult" in str(func.__annotations__.get("return"))
    }
    assert returning == set(_cases()) | set(NOT_ITERATIVE)


@pytest.mark.parametrize("name", sorted(_cases()))
def test_arguments_use_scipys_names(name):
    func = {n: f for n, f in _public_functions()}[name]
    parameters = set(inspect.signature(func).parameters)
    assert "maxiter" in parameters
    assert not parameters & OLD_NAMES, f"{name} still takes {sorted(parameters & OLD_NAMES)}"
    assert {p for p in parameters if p.endswith("tol")} <= TOLERANCES
    # inspect.getdoc removes the indentation (Python 3.13 removes it from __doc__ itself)
    documented = inspect.getdoc(func).split("Parameters\n----------")[1].split("Returns\n-------")[0]
    for tolerance in parameters & TOLERANCES | {"maxiter"}:  # each is documented, here or by reference
        assert re.search(rf"^(\w+, )*{tolerance}\b", documented, re.MULTILINE), f"{name} does not document {tolerance}"


@pytest.mark.parametrize("outcome", ["solved", "unsolved"])
@pytest.mark.parametrize("name", sorted(_cases()))
def test_results_have_one_shape(name, outcome):
    res = _cases()[name][outcome == "unsolved"]()
    assert isinstance(res, scipy.optimize.OptimizeResult)
    assert set(RESULT_FIELDS) <= set(res), f"{name} lacks {sorted(set(RESULT_FIELDS) - set(res))}"
    assert res.status in STATUS and res.success is (res.status == 0)
    assert res.success is (outcome == "solved"), res.message
    assert isinstance(res.message, str) and res.message
    assert isinstance(res.nit, int) and isinstance(res.nfev, int) and isinstance(res.njev, int)
    assert res.nit >= 1 and res.nfev >= 0 and res.njev >= 0 and res.nfev + res.njev >= res.nit
    history = res.history
    assert isinstance(history, scipy.optimize.OptimizeResult) and set(history) <= {"x", "fun", "jac"}
    assert "fun" in history or "jac" in history
    lengths = {len(column) for column in history.values()}
    assert len(lengths) == 1, f"history's columns differ in length in {name}"
    (length,) = lengths
    if name == "levenberg_marquardt":  # one row per accepted step
        assert 1 <= length <= res.nit + 1
    else:
        assert length == res.nit + 1
    if "x" in history:
        np.testing.assert_array_equal(history.x[-1], res.x)
    if "fun" in history:
        assert history.fun[-1] == res.fun
    if "jac" in history:
        np.testing.assert_array_equal(history.jac[-1], res.jac)


@pytest.mark.parametrize("name", sorted(_cases()))
def test_jac_is_the_derivative_at_x(name):
    """``jac`` is the derivative of the objective at ``x``, checked against a central difference of ``fun``."""
    res = _cases()[name][0]()
    if name == "newton_raphson":
        h = 1e-6
        assert res.jac == pytest.approx((_quartic(res.x + h) - _quartic(res.x - h)) / (2 * h), rel=1e-6)
    elif name in {"gradient_descent", "momentum", "nesterov", "rmsprop", "adam"}:
        np.testing.assert_allclose(res.jac, _bowl_gradient(res.x))
    elif name == "sgd":
        np.testing.assert_allclose(res.jac, _line_batch_gradient(res.x, np.arange(12)))
    elif name == "train":
        hx, hy = heart_curve()
        W, b = res.x[0]
        h = 1e-6
        shifted = [(W.copy(), b.copy()) for W, b in res.x]
        shifted[0][1][0, 0] += h
        up = nn.cost(shifted, hx, hy)
        shifted[0][1][0, 0] -= 2 * h
        down = nn.cost(shifted, hx, hy)
        assert res.jac[0][1][0, 0] == pytest.approx((up - down) / (2 * h), rel=1e-5, abs=1e-10)
    else:
        x, y = _heights()
        h = 1e-5
        for k in range(2):
            step = np.zeros(2)
            step[k] = h
            up = mvcalc.chi_squared(y, fitting.gaussian(x, *(res.x + step)))
            down = mvcalc.chi_squared(y, fitting.gaussian(x, *(res.x - step)))
            assert res.jac[k] == pytest.approx((up - down) / (2 * h), rel=1e-4, abs=1e-12)


def test_the_data_uncertainty_is_not_a_model_parameters_name():
    """``sigma`` is the Gaussian's width; the uncertainties of the data are ``yerr`` everywhere."""
    for name, func in _public_functions():
        parameters = inspect.signature(func).parameters
        if name in {"gaussian", "gaussian_jacobian"}:
            assert "sigma" in parameters and "yerr" not in parameters
        else:
            assert "sigma" not in parameters, f"{name} names a parameter sigma"
    for func in (
        fitting.chi_squared,
        fitting.linear_fit,
        fitting.steepest_descent_fit,
        fitting.gauss_newton,
        fitting.levenberg_marquardt,
    ):
        assert "yerr" in inspect.signature(func).parameters


def test_a_fixed_number_of_steps_that_makes_things_worse_is_not_a_success():
    """The fixed-step methods say ``success=True`` only when the objective went down (status 4 otherwise)."""
    x = np.arange(1.0, 10.0)
    line = lambda x, m: m * x  # noqa: E731
    line_jac = lambda x, m: x[:, None]  # noqa: E731
    worse = fitting.steepest_descent_fit(line, line_jac, [0.0], x, x, step=0.0036, maxiter=3)  # just beyond 2/570
    assert np.all(np.diff(worse.history.fun) > 0) and np.isfinite(worse.fun)
    assert worse.status == 4 and not worse.success and "did not decrease" in worse.message
    better = fitting.steepest_descent_fit(line, line_jac, [0.0], x, x, step=0.0034, maxiter=3)
    assert better.status == 0 and better.success and better.fun < better.history.fun[0]

    hx, hy = heart_curve()
    network = nn.init_network([1, 6, 7, 2], np.random.default_rng(0))
    res = nn.train(network, hx, hy, maxiter=20, step=1e6)  # saturates every unit: finite, and worse
    assert res.fun > res.history.fun[0]
    assert res.status == 4 and not res.success and "did not decrease" in res.message
