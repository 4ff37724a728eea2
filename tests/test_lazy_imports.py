"""mvcalc in the browser: ``import mvcalc`` needs only numpy, and the heights data bins with the platform's integer.

A page run in the reader's browser (Pyodide) downloads only the packages its own cells import, so
mvcalc imports scipy, matplotlib and sympy only inside the functions that use them. Where scipy is
absent, the solvers return mvcalc's own ``OptimizeResult`` (a dict with attribute access, printed as
scipy prints its own), and the one solver that needs scipy, ``lagrange_multipliers``, says so. The
subprocesses below hide those packages with a finder on ``sys.meta_path``, as if they were not installed.
"""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest
import scipy.optimize

import mvcalc
from mvcalc import _results, datasets

# What a page that imports only numpy and mvcalc has in the browser: none of these.
HIDDEN = ("scipy", "matplotlib", "cycler", "contourpy", "sympy", "mpmath", "IPython", "myst_nb")

HIDE = f"""
import sys

HIDDEN = {HIDDEN!r}
ATTEMPTS = []


class Hide:
    def find_spec(self, name, path=None, target=None):
        top = name.partition(".")[0]
        if top in HIDDEN:
            ATTEMPTS.append(name)
            raise ModuleNotFoundError(f"No module named {{top!r}}", name=top)
        return None


sys.meta_path.insert(0, Hide())
"""

# Every part of mvcalc that Modules 1 to 4 and the solvers of Modules 5 and 6 call, without scipy.
CALLS = """
import json
import math

import numpy as np

import mvcalc

after_import = list(ATTEMPTS)

from mvcalc import autodiff as ad
from mvcalc import nn, optimisers
from mvcalc.plotting import COLORS
from mvcalc.sandpit import Sandpit, random_pits
from mvcalc.widgets.taylor import taylor_explorer

out = {"after_import": after_import}
out["derivative"] = float(mvcalc.derivative(np.sin, 0.5))
out["secant_slope"] = float(mvcalc.secant_slope(np.exp, 0.0, 1e-3))
out["gradient"] = mvcalc.gradient(lambda v: v[0] ** 2 * v[1], [1.0, 2.0]).tolist()
out["jacobian"] = mvcalc.jacobian(lambda v: np.array([v[0] * v[1], np.sin(v[0])]), [1.0, 2.0]).tolist()
out["hessian"] = mvcalc.hessian(lambda v: v[0] ** 2 * v[1], [1.0, 2.0]).tolist()
out["taylor"] = mvcalc.taylor_coefficients(np.exp, 0.0, 4).tolist()
out["taylor_polynomial"] = float(mvcalc.taylor_polynomial(np.cos, 0.0, 4)(0.5))
out["linearise"] = float(mvcalc.linearise(lambda v: v[0] * v[1], [1.0, 2.0])([1.1, 2.1]))
out["quadratic_model"] = float(mvcalc.quadratic_model(lambda v: v[0] * v[1], [1.0, 2.0])([1.1, 2.1]))
out["ad_grad"] = ad.grad(lambda v: ad.sin(v[0]) * v[1])([1.0, 2.0]).tolist()
out["sigmoid"] = float(nn.sigmoid(0.3))
x, y = mvcalc.datasets.heart_curve()
network = nn.init_network([1, 6, 7, 2], np.random.default_rng(0))
out["cost"] = nn.cost(network, x, y)
out["backprop"] = nn.backprop(network, x, y)[0][0].tolist()
trained = nn.train(network, x, y, maxiter=20, step=7.0)
out["train"] = [type(trained).__module__, trained.fun, trained.nit, trained.message]
grad = lambda v: np.array([2 * v[0], 20 * v[1]])
descent = mvcalc.gradient_descent(grad, [1.0, 1.0], step=0.05)
out["gradient_descent"] = [type(descent).__module__, descent.x.tolist(), descent.nit, repr(descent)]
out["history"] = type(descent.history).__module__
newton = mvcalc.newton_raphson(lambda t: t**2 - 2, 1.0)
out["newton_raphson"] = [type(newton).__module__, newton.x]
out["adam"] = optimisers.adam(grad, [1.0, 1.0], step=0.1).nit
hx, hy = mvcalc.datasets.heights()
fit = mvcalc.levenberg_marquardt(mvcalc.gaussian, mvcalc.gaussian_jacobian, [170.0, 10.0], hx, hy)
out["levenberg_marquardt"] = [type(fit).__module__, fit.x.tolist()]
line = mvcalc.linear_fit([0, 1, 2, 3], [1.1, 2.9, 5.2, 6.8])
out["linear_fit"] = [type(line).__module__, line.slope, line.stderr]
game = Sandpit(random_pits(np.random.default_rng(1)))
out["sandpit"] = float(game.probe(0.5, 0.5).depth)
out["taylor_explorer"] = taylor_explorer([("cos x", np.cos)], max_order=4, samples=11, widget_id="t")[:30]
out["sci_latex"] = mvcalc.display.sci_latex(12345.0)
out["colors"] = COLORS["blue"]
out["modules"] = sorted({name.partition(".")[0] for name in sys.modules} & set(HIDDEN))
print(json.dumps(out))
"""


def _run(script: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300, check=False)


@pytest.fixture(scope="module")
def without_scipy() -> dict:
    """What CALLS computes with every package of HIDDEN absent."""
    done = _run(HIDE + CALLS)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_import_mvcalc_tries_no_package_beyond_numpy(without_scipy):
    assert without_scipy["after_import"] == []
    assert without_scipy["modules"] == []


def test_import_mvcalc_with_everything_installed_imports_none_of_them():
    script = (
        f"HIDDEN = {HIDDEN!r}\n"
        + """
import sys
import mvcalc, mvcalc.checks, mvcalc.fitcheck, mvcalc.widgets.sandpit, mvcalc.widgets.taylor
mvcalc.derivative(abs, 1.0)
mvcalc.datasets.heights()
print(sorted({name.partition(".")[0] for name in sys.modules} & set(HIDDEN)))
"""
    )
    done = _run(script)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_without_scipy_the_functions_give_what_they_give_with_it(without_scipy):
    out = without_scipy
    assert out["derivative"] == float(mvcalc.derivative(np.sin, 0.5))
    np.testing.assert_allclose(out["gradient"], [4.0, 1.0], rtol=1e-8)
    assert out["gradient"] == mvcalc.gradient(lambda v: v[0] ** 2 * v[1], [1.0, 2.0]).tolist()
    assert out["hessian"] == mvcalc.hessian(lambda v: v[0] ** 2 * v[1], [1.0, 2.0]).tolist()
    assert out["taylor"] == mvcalc.taylor_coefficients(np.exp, 0.0, 4).tolist()
    np.testing.assert_allclose(out["ad_grad"], [np.cos(1.0) * 2.0, np.sin(1.0)], rtol=1e-15)

    x, y = mvcalc.datasets.heart_curve()
    network = mvcalc.nn.init_network([1, 6, 7, 2], np.random.default_rng(0))
    assert out["cost"] == mvcalc.nn.cost(network, x, y)
    trained = mvcalc.nn.train(network, x, y, maxiter=20, step=7.0)
    assert out["train"] == ["mvcalc._results", trained.fun, trained.nit, trained.message]

    descent = mvcalc.gradient_descent(lambda v: np.array([2 * v[0], 20 * v[1]]), [1.0, 1.0], step=0.05)
    assert out["gradient_descent"] == ["mvcalc._results", descent.x.tolist(), descent.nit, repr(descent)]
    assert out["history"] == "mvcalc._results"
    assert out["newton_raphson"] == ["mvcalc._results", mvcalc.newton_raphson(lambda t: t**2 - 2, 1.0).x]
    fit = mvcalc.levenberg_marquardt(mvcalc.gaussian, mvcalc.gaussian_jacobian, [170.0, 10.0], *datasets.heights())
    assert out["levenberg_marquardt"] == ["mvcalc._results", fit.x.tolist()]
    line = mvcalc.linear_fit([0, 1, 2, 3], [1.1, 2.9, 5.2, 6.8])
    assert out["linear_fit"] == ["mvcalc._results", line.slope, line.stderr]
    assert out["taylor_explorer"].startswith('<div class="mvcalc-taylor')
    assert out["colors"] == "#0072B2"


def test_what_needs_a_missing_package_names_it():
    script = (
        HIDE
        + """
import numpy as np
import mvcalc

names = []
try:
    mvcalc.lagrange_multipliers(lambda v: v[0] ** 2 * v[1], lambda v: v[0] ** 2 + v[1] ** 2 - 1, [1.0, 1.0])
except ModuleNotFoundError as e:
    names.append(e.name)
try:
    mvcalc.plotting.use_style()
except ModuleNotFoundError as e:
    names.append(e.name)
try:
    from mvcalc import quiz
except ModuleNotFoundError as e:
    names.append(e.name)
try:  # a bad argument is still a ValueError, before any import
    mvcalc.lagrange_multipliers(lambda v: v[0], lambda v: v[0], [1.0])
except ValueError as e:
    names.append(type(e).__name__)
print(names)
"""
    )
    done = _run(script)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "['scipy', 'matplotlib', 'sympy', 'ValueError']"


# ----------------------------------------------------------------- mvcalc's own OptimizeResult


def _fields() -> dict:
    return {
        "x": np.array([1.0, -2.5e-7]),
        "fun": 3.25,
        "jac": np.array([np.inf, np.nan]),
        "nit": 12,
        "status": 0,
        "success": True,
        "message": "finished: ‖∇f‖ = 1e-09 ≤ gtol = 1e-08",
        "lam": -0.5,
        "slack": 1,  # scipy leaves this key out of the repr
        "history": {"x": np.arange(40.0).reshape(20, 2), "fun": np.linspace(0, 1, 20)},
    }


def _both(fields: dict) -> tuple:
    history = fields.pop("history")
    ours = _results.OptimizeResult(**fields, history=_results.OptimizeResult(**history))
    theirs = scipy.optimize.OptimizeResult(**fields, history=scipy.optimize.OptimizeResult(**history))
    return ours, theirs


def test_our_result_prints_as_scipy_prints_its_own():
    ours, theirs = _both(_fields())
    assert repr(ours) == repr(theirs)
    assert "slack" not in repr(ours) and repr(ours).splitlines()[0] == " message: finished: ‖∇f‖ = 1e-09 ≤ gtol = 1e-08"
    assert repr(_results.OptimizeResult()) == "OptimizeResult()" == repr(scipy.optimize.OptimizeResult())
    assert str(ours) == str(theirs)


def test_our_result_is_a_dict_with_attributes_like_scipys():
    ours, theirs = _both(_fields())
    assert isinstance(ours, dict) and list(ours) == list(theirs)
    assert ours.fun == 3.25 and ours.history.x.shape == (20, 2) and ours.nit == 12
    assert sorted(dir(ours)) == sorted(dir(theirs)) == sorted(theirs)
    ours.extra = 1
    assert ours["extra"] == 1
    del ours.extra
    assert "extra" not in ours
    with pytest.raises(AttributeError, match="hess"):
        ours.hess  # noqa: B018
    assert getattr(ours, "hess", None) is None


def test_results_are_scipys_when_scipy_is_installed_and_ours_when_it_is_not(monkeypatch):
    def descend():
        return mvcalc.gradient_descent(lambda v: np.array([2 * v[0], 20 * v[1]]), [1.0, 1.0], step=0.05)

    with_scipy = descend()
    assert type(with_scipy) is scipy.optimize.OptimizeResult
    assert type(with_scipy.history) is scipy.optimize.OptimizeResult
    monkeypatch.setitem(sys.modules, "scipy.optimize", None)  # `from scipy.optimize import ...` now fails
    without = descend()
    assert type(without) is _results.OptimizeResult and type(without.history) is _results.OptimizeResult
    assert repr(without) == repr(with_scipy)
    assert list(without) == list(with_scipy)
    np.testing.assert_array_equal(without.history.x, with_scipy.history.x)
    assert (without.x.tolist(), without.nit, without.message) == (
        with_scipy.x.tolist(),
        with_scipy.nit,
        with_scipy.message,
    )


# ----------------------------------------------------------------- the heights data on a 32-bit platform


def test_heights_bins_with_the_platform_integer_and_gives_the_same_data_on_32_bits(monkeypatch):
    """In WebAssembly np.intp is 32 bits and np.bincount refuses int64; pretend we are there."""
    expected_x, expected_y = datasets.heights()
    real_bincount = np.bincount
    seen = []

    def bincount_of_wasm(values, *args, **kwargs):  # np.bincount casts "safely" to np.intp only
        seen.append(np.asarray(values).dtype)
        if np.asarray(values).dtype != np.dtype(np.int32):
            raise TypeError(f"Cannot cast array data from {np.asarray(values).dtype!r} to dtype('int32')")
        return real_bincount(values, *args, **kwargs)

    monkeypatch.setattr(np, "intp", np.int32)
    monkeypatch.setattr(np, "bincount", bincount_of_wasm)
    x, y = datasets.heights()
    monkeypatch.undo()

    assert seen == [np.dtype(np.int32)]
    np.testing.assert_array_equal(x, expected_x)
    np.testing.assert_array_equal(y, expected_y)
    # and both are the data binned by hand, with 64-bit integers, from the same sample
    sample = np.random.default_rng(datasets.HEIGHTS_SEED).normal(datasets.HEIGHTS_MEAN, datasets.HEIGHTS_SD, 5000)
    counts = np.zeros(100)
    for mm in np.round(sample * 10).astype(np.int64):
        counts[(mm - 500) // 25] += 1
    np.testing.assert_array_equal(y, counts / (datasets.HEIGHTS_N * datasets.HEIGHTS_BIN_WIDTH))
    assert y.sum() * datasets.HEIGHTS_BIN_WIDTH == pytest.approx(1.0, abs=1e-12)
