"""How fast each method fits a Gaussian to the heights data, from the assignment's start.

The problem is the heights assignment's: ``mvcalc.datasets.heights()`` (100 bins),
the normalised Gaussian ``mvcalc.gaussian`` with parameters (μ, σ), the
unweighted χ², and the starting guess (μ, σ) = (155, 6). The target is the
best χ² found by any of the methods (they agree to about 1e-16 relative); a
method has *reached the optimum* when its χ² is within 1e-9 (relative) of it.

- steepest descent, ``mvcalc.steepest_descent_fit`` with the assignment's fixed
  step (aggression) 2000: the number of steps it needs to reach the optimum
  (capped at 10,000), and the time to take exactly that many;
- ``mvcalc.levenberg_marquardt`` and ``mvcalc.gauss_newton`` with their default
  ``tol=1e-10`` (they stop a little after reaching the optimum: the table shows
  both when they reach it and when they stop);
- ``scipy.optimize.curve_fit`` (MINPACK's Levenberg–Marquardt, ``method="lm"``)
  with default tolerances, with a finite-difference Jacobian and with the
  analytic ``mvcalc.gaussian_jacobian``.

Each fit is run once to count, then timed several times; the table shows the
median time per fit.

    .venv/bin/python benchmarks/fit_speed.py

Measured with numpy 2.4.6 and scipy 1.17.1 on the 2-core reference machine,
with other jobs running (load average about 4); medians of 15 timings, stable
to a few per cent over three runs:

    method                         iterations to optimum  stops after  model/jac calls  time per fit
    steepest descent, step 2000                       43           43          44 / 44       3.6 ms
    mvcalc.levenberg_marquardt                        20           24          25 / 18       2.4 ms
    mvcalc.gauss_newton                               13           16          17 / 17       1.8 ms
    curve_fit, numerical Jacobian                      -            -          31 / 0        0.85 ms
    curve_fit, analytic Jacobian                       -            -          11 / 10       0.73 ms

Iterations count trial steps: Levenberg–Marquardt's 20 include 7 rejected
steps (iterations 5–9 and 12–13, while the damping λ grows from 1e-7 to 1e-2
and back), so it has made 13 accepted steps by then; the last 4 iterations
only confirm convergence to ``tol=1e-10``. For ``curve_fit`` MINPACK does not report
iterations; the calls are its ``nfev`` / ``njev``, with the finite-difference
Jacobian's calls counted in ``nfev``. Every method reaches the same optimum,
μ = 178.583 cm, σ = 7.319 cm, χ² = 5.4189e-05 (``curve_fit`` with its default
tolerances to 6e-13, steepest descent after 43 steps to 6e-10 relative).

On this problem the assignment's step is well chosen, so steepest descent
needs only about twice as many iterations as Levenberg–Marquardt and three
times as many as Gauss–Newton. All the fits take a few milliseconds at most;
what they cost is Python calls, not arithmetic: ``mvcalc.gaussian`` checks its
arguments on every call (about 20 µs here, against 3 µs for the bare formula),
and the mvcalc loops check every model and Jacobian value. ``curve_fit`` is
3 times faster than ``mvcalc.levenberg_marquardt`` because MINPACK's loop is
compiled and it needs fewer calls (it stops at looser tolerances).
"""

from __future__ import annotations

import statistics
import time

import numpy as np
import scipy
import scipy.optimize

import mvcalc
from mvcalc import gauss_newton, gaussian, gaussian_jacobian, levenberg_marquardt, steepest_descent_fit
from mvcalc.datasets import heights

P0 = (155.0, 6.0)
STEP = 2000.0
CAP = 10_000
RELATIVE = 1e-9
REPEATS = 15


def median_times(fits, repeats=REPEATS):
    """The median wall time of one call of each ``fit()``, in seconds.

    The fits are timed in turn, round after round (after one warm-up call each),
    so that a busy moment of the machine slows all of them alike.
    """
    for fit in fits.values():
        fit()
    times = {name: [] for name in fits}
    for _ in range(repeats):
        for name, fit in fits.items():
            start = time.perf_counter()
            fit()
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(ts) for name, ts in times.items()}


def first_within(chi2_history, best):
    """The first index whose χ² is within RELATIVE of best, or None."""
    hits = np.flatnonzero(np.asarray(chi2_history) <= best * (1 + RELATIVE))
    return int(hits[0]) if hits.size else None


def main():
    x, y = heights()
    lm = levenberg_marquardt(gaussian, gaussian_jacobian, P0, x, y)
    gn = gauss_newton(gaussian, gaussian_jacobian, P0, x, y)
    sd_long = steepest_descent_fit(gaussian, gaussian_jacobian, P0, x, y, step=STEP, maxiter=CAP)
    cf_num = scipy.optimize.curve_fit(gaussian, x, y, p0=P0, full_output=True)
    cf_jac = scipy.optimize.curve_fit(gaussian, x, y, p0=P0, jac=gaussian_jacobian, full_output=True)
    chi2_of = lambda p: mvcalc.chi_squared(y, gaussian(x, *p))  # noqa: E731
    best = min(lm.fun, gn.fun, sd_long.history.fun.min(), chi2_of(cf_num[0]), chi2_of(cf_jac[0]))

    sd_needed = first_within(sd_long.history.fun, best)
    sd_steps = max(sd_needed if sd_needed is not None else CAP, 1)
    sd = steepest_descent_fit(gaussian, gaussian_jacobian, P0, x, y, step=STEP, maxiter=sd_steps)

    seconds = median_times(
        {
            "sd": lambda: steepest_descent_fit(gaussian, gaussian_jacobian, P0, x, y, step=STEP, maxiter=sd_steps),
            "lm": lambda: levenberg_marquardt(gaussian, gaussian_jacobian, P0, x, y),
            "gn": lambda: gauss_newton(gaussian, gaussian_jacobian, P0, x, y),
            "cf_num": lambda: scipy.optimize.curve_fit(gaussian, x, y, p0=P0),
            "cf_jac": lambda: scipy.optimize.curve_fit(gaussian, x, y, p0=P0, jac=gaussian_jacobian),
        }
    )

    reached = str(sd_needed) if sd_needed is not None else f"> {CAP}"
    calls = f"{sd.nit + 1} / {sd.nit + 1}"
    rows = [(f"steepest descent, step {STEP:g}", reached, str(sd.nit), calls, seconds["sd"], sd.fun)]
    for key, name, fit, res in [
        ("lm", "mvcalc.levenberg_marquardt", levenberg_marquardt, lm),
        ("gn", "mvcalc.gauss_newton", gauss_newton, gn),
    ]:
        # iterations (trial steps, accepted or rejected) until χ² first reached the optimum
        accepted = first_within(res.history.fun, best)
        trial = _iterations_until_accepted(fit, x, y, accepted) if accepted is not None else None
        rows.append((name, str(trial), str(res.nit), f"{res.nfev} / {res.njev}", seconds[key], res.fun))
    for key, name, out in [
        ("cf_num", "curve_fit, numerical Jacobian", cf_num),
        ("cf_jac", "curve_fit, analytic Jacobian", cf_jac),
    ]:
        info = out[2]
        rows.append((name, "-", "-", f"{info['nfev']} / {info.get('njev', 0)}", seconds[key], chi2_of(out[0])))

    print(
        f"heights fit from (mu, sigma) = {P0}; optimum: chi2 = {best:.6e} at "
        f"mu = {lm.x[0]:.4f} cm, sigma = {lm.x[1]:.4f} cm; 'reached' means chi2 within {RELATIVE:g} of it"
    )
    print(f"numpy {np.__version__}, scipy {scipy.__version__}; median of {REPEATS} timings\n")
    header = (
        f"{'method':32s} {'iterations to optimum':>21s} {'stops after':>11s} {'model/jac calls':>15s} "
        f"{'time per fit':>13s} {'rel. chi2 gap':>13s}"
    )
    print(header)
    print("-" * len(header))
    for name, reached, stops, calls, seconds, chi2 in rows:
        gap = (chi2 - best) / best
        print(f"{name:32s} {reached:>21s} {stops:>11s} {calls:>15s} {seconds * 1e3:10.2f} ms {gap:13.1e}")


def _iterations_until_accepted(fit, x, y, accepted):
    """The smallest maxiter with which ``fit`` has made ``accepted`` accepted steps."""
    for maxiter in range(1, 1000):
        res = fit(gaussian, gaussian_jacobian, P0, x, y, maxiter=maxiter)
        if len(res.history.x) - 1 >= accepted:
            return maxiter
    return None  # pragma: no cover


if __name__ == "__main__":
    main()
