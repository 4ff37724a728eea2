"""Fitting: least-squares regression, from a straight line to Levenberg–Marquardt.

A fit chooses the parameters :math:`a` of a model :math:`f(x; a)` that make the
model closest to data :math:`(x_i, y_i)` with uncertainties :math:`\\sigma_i`,
in the sense of least squares:

.. math::

    \\chi^2(a) = \\sum_i \\left(\\frac{y_i - f(x_i; a)}{\\sigma_i}\\right)^2 .

For a straight line the minimum has a closed form (:func:`linear_fit`). For a
model that is nonlinear in its parameters we walk downhill on :math:`\\chi^2`,
whose gradient comes from the multivariate chain rule,

.. math::

    \\nabla \\chi^2 = -2 J^\\top W r, \\qquad
    J_{ik} = \\frac{\\partial f(x_i; a)}{\\partial a_k}, \\quad
    W = \\operatorname{diag}(1/\\sigma_i^2), \\quad r_i = y_i - f(x_i; a),

either by steepest descent (:func:`steepest_descent_fit`) or by using the
curvature as well (:func:`gauss_newton`, :func:`levenberg_marquardt`).

Models and Jacobians follow :func:`scipy.optimize.curve_fit`'s convention:
``model(x, *p)`` returns the model at the data's ``x``, shape ``(N,)``, and
``jac(x, *p)`` returns :math:`J`, shape ``(N, P)``, so :func:`gaussian` and
:func:`gaussian_jacobian` plug straight into this module and into scipy. The
iterative fits return a :class:`scipy.optimize.OptimizeResult` and, like
:mod:`mvcalc.optimise`, stop with ``success=False`` and a message instead of
returning ``nan``.

Introduced in: Module 6, *Linear Regression* (``book/m6/linear-regression.md``),
*Non-Linear Least Squares* (``book/m6/nonlinear.md``), *Least Squares in
Practice* (``book/m6/in-practice.md``) and *Fitting the Distribution of Heights*
(``book/m6/heights.md``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import ArrayLike

from ._results import CONVERGED, DIVERGED, MAXITER, NO_DECREASE, STOPPED, new_result, optimize_result
from ._validation import as_point, as_real_array, call_checked, check_callable, check_integer, check_step

if TYPE_CHECKING:  # the annotations name scipy's result class; scipy is imported only where it is used
    import scipy.optimize

__all__ = [
    "chi_squared",
    "linear_fit",
    "gaussian",
    "gaussian_jacobian",
    "steepest_descent_fit",
    "gauss_newton",
    "levenberg_marquardt",
]


# --------------------------------------------------------------------------- χ²


def chi_squared(y: ArrayLike, y_model: ArrayLike, yerr: ArrayLike | None = None) -> float | np.ndarray:
    """The misfit :math:`\\chi^2` between data and a model.

    .. math::

        \\chi^2 = \\sum_{i=1}^{N} \\left(\\frac{y_i - y_{\\text{model},i}}{\\sigma_i}\\right)^2

    With ``yerr=None`` every :math:`\\sigma_i = 1`: the plain sum of squared
    residuals, as in the heights assignment.

    Parameters
    ----------
    y : array_like, shape (N,)
        The data.
    y_model : array_like, shape (N,) or (..., N)
        The model at the same points. Extra leading axes give one
        :math:`\\chi^2` each, which computes a whole grid of parameters at once
        (for a contour plot of :math:`\\chi^2`).
    yerr : float or array_like of shape (N,), optional
        The uncertainties :math:`\\sigma_i > 0` of the data (named as in
        :func:`matplotlib.pyplot.errorbar`, so that ``sigma`` stays the
        Gaussian's width).

    Returns
    -------
    float or ndarray
        :math:`\\chi^2 \\ge 0`: a float, or an array of shape ``y_model.shape[:-1]``.

    Raises
    ------
    TypeError
        If an argument is not real.
    ValueError
        If an argument is not finite, the lengths differ, or a ``yerr`` is not positive.

    Examples
    --------
    >>> print(chi_squared([1.0, 2.0, 3.0], [1.5, 2.0, 2.0]))
    1.25
    >>> print(chi_squared([1.0, 2.0, 3.0], [1.5, 2.0, 2.0], yerr=0.5))
    5.0
    >>> models = [[1.0, 2.0, 3.0], [2.0, 2.0, 2.0]]   # two models at once
    >>> print(chi_squared([1.0, 2.0, 3.0], models))
    [0. 2.]

    Introduced in: Module 6, *Linear Regression*.
    """
    y = _as_data(y, "y")
    y_model = as_real_array(y_model, "y_model")
    if y_model.ndim == 0 or y_model.shape[-1] != y.size:
        raise ValueError(f"y_model must have the length of y, {y.size}, along its last axis, got shape {y_model.shape}")
    sigma = _yerr_or_ones(yerr, y.size)
    # Divide each residual by its uncertainty before squaring: 1/yerr^2 alone overflows for yerr = 1e-200
    # even where the residuals are as small. Only a chi-squared that float64 cannot hold is an error.
    with np.errstate(over="ignore"):
        chi2 = np.sum(((y - y_model) / sigma) ** 2, axis=-1)
    if not np.all(np.isfinite(chi2)):
        raise ValueError(
            "chi-squared overflows float64: some residuals are more than about 1e154 times their yerr; "
            "check the units of y, y_model and yerr"
        )
    return float(chi2) if chi2.ndim == 0 else chi2


# --------------------------------------------------------------- the straight line


def linear_fit(x: ArrayLike, y: ArrayLike, yerr: ArrayLike | None = None) -> scipy.optimize.OptimizeResult:
    """The least-squares straight line :math:`y = m x + c`, in closed form.

    Setting :math:`\\nabla \\chi^2 = 0` for :math:`\\chi^2 = \\sum_i w_i (y_i - m x_i - c)^2`,
    with weights :math:`w_i = 1/\\sigma_i^2`, gives

    .. math::

        \\begin{aligned}
        m &= \\frac{\\sum_i w_i (x_i - \\bar x) y_i}{\\sum_i w_i (x_i - \\bar x)^2}, &
        c &= \\bar y - m \\bar x, \\\\
        \\bar x &= \\frac{\\sum_i w_i x_i}{\\sum_i w_i}, &
        \\bar y &= \\frac{\\sum_i w_i y_i}{\\sum_i w_i}.
        \\end{aligned}

    Without ``yerr`` every :math:`w_i = 1` and :math:`\\bar x`, :math:`\\bar y`
    are the plain means. The covariance of :math:`(m, c)`, with
    :math:`S = \\sum_i w_i` and :math:`S_{xx} = \\sum_i w_i (x_i - \\bar x)^2`, is

    .. math::

        C = s^2 \\begin{bmatrix} 1/S_{xx} & -\\bar x/S_{xx} \\\\
        -\\bar x/S_{xx} & 1/S + \\bar x^2/S_{xx} \\end{bmatrix},

    where :math:`s^2 = 1` when the uncertainties are given, and otherwise the
    scatter of the residuals estimates them, :math:`s^2 = \\chi^2/(N - 2)`: the
    same standard errors as :func:`scipy.stats.linregress` (``stderr`` and
    ``intercept_stderr``).

    Parameters
    ----------
    x, y : array_like, shape (N,)
        The data; :math:`N \\ge 3` (:math:`N \\ge 2` with ``yerr``) and the
        ``x`` not all equal.
    yerr : float or array_like of shape (N,), optional
        The uncertainties :math:`\\sigma_i > 0` of the ``y``.

    Returns
    -------
    scipy.optimize.OptimizeResult
        Named as :func:`scipy.stats.linregress` names them: ``slope``
        :math:`m`, ``intercept`` :math:`c`, ``stderr`` and ``intercept_stderr``
        (their standard errors :math:`\\sqrt{C_{00}}`, :math:`\\sqrt{C_{11}}`)
        and ``rvalue`` (the correlation coefficient of the data, weighted by
        :math:`w_i`); and as :func:`scipy.optimize.minimize` would return the
        fit: ``x`` (``[slope, intercept]``) and ``fun`` (:math:`\\chi^2` at the
        line); with ``cov`` (:math:`C`, shape (2, 2)) and ``dof`` (:math:`N - 2`).

    Raises
    ------
    TypeError
        If an argument is not real.
    ValueError
        If an argument is not finite or 1-D, the lengths differ, there are too
        few points, the ``x`` are all equal, or a ``yerr`` is not positive.

    Examples
    --------
    >>> res = linear_fit([0, 1, 2, 3], [1.1, 2.9, 5.2, 6.8])
    >>> print(f"m = {res.slope:.3f} ± {res.stderr:.3f}, c = {res.intercept:.3f} ± {res.intercept_stderr:.3f}")
    m = 1.940 ± 0.091, c = 1.090 ± 0.169
    >>> res = linear_fit([0, 1, 2, 3], [1.1, 2.9, 5.2, 6.8], yerr=0.1)
    >>> print(f"m = {res.slope:.3f} ± {res.stderr:.3f}, chi2 = {res.fun:.2f}")
    m = 1.940 ± 0.045, chi2 = 8.20

    Introduced in: Module 6, *Linear Regression*.
    """
    x = _as_data(x, "x")
    y = _as_data(y, "y")
    _check_same_length(x, y)
    n_min = 3 if yerr is None else 2
    if x.size < n_min:
        why = "with yerr" if yerr is not None else "without yerr (the scatter estimates the errors)"
        raise ValueError(f"a straight-line fit {why} needs at least {n_min} points, got {x.size}")
    if np.all(x == x[0]):
        raise ValueError(f"the x must not all be equal (all are {float(x[0])!r}): a vertical line has no slope")
    sigma = _yerr_or_ones(yerr, x.size)
    # Relative weights, largest 1: the same fit as w = 1/sigma^2, with no overflow for sigma = 1e-200.
    # The absolute scale, smallest sigma, comes back in chi-squared and the standard errors.
    unit = np.min(sigma)
    w = (unit / sigma) ** 2

    # Centred sums, as scipy.stats.linregress forms them: x = 1e9 + 1e-3 k loses no digits. The
    # means get one correction pass, which recovers what the first sum rounded away.
    s = np.sum(w)
    x_bar = np.sum(w * x) / s
    x_bar += np.sum(w * (x - x_bar)) / s
    y_bar = np.sum(w * y) / s
    y_bar += np.sum(w * (y - y_bar)) / s
    dx, dy = x - x_bar, y - y_bar
    s_xx = np.sum(w * dx**2)
    if s_xx == 0:
        raise ValueError(f"the x differ by too little to fit a slope (all are about {x_bar!r} in float64)")
    slope = np.sum(w * dx * dy) / s_xx
    intercept = y_bar - slope * x_bar

    with np.errstate(over="ignore"):
        chi2 = float(np.sum(((dy - slope * dx) / sigma) ** 2))
    if not np.isfinite(chi2):
        raise ValueError(
            "chi-squared overflows float64: the residuals are more than about 1e154 times their yerr; "
            "check the units of y and yerr"
        )
    dof = x.size - 2
    s_yy = np.sum(w * dy**2)
    rvalue = np.sum(w * dx * dy) / np.sqrt(s_xx * s_yy) if s_yy > 0 else 0.0
    # The covariance in relative weights; in absolute ones each entry is unit^2 times it (with yerr),
    # or chi2/dof times it (without: then every sigma is 1, so unit = 1).
    relative_cov = np.array([[1 / s_xx, -x_bar / s_xx], [-x_bar / s_xx, 1 / s + x_bar**2 / s_xx]])
    with np.errstate(over="ignore", under="ignore"):
        if yerr is None:
            relative_cov, unit = relative_cov * (chi2 / dof), np.float64(1.0)
        cov = relative_cov * unit**2
    stderr, intercept_stderr = unit * np.sqrt(np.diag(relative_cov))  # no underflow through unit^2
    if not np.all(np.isfinite(cov)):
        raise ValueError(
            f"the covariance of the fit (about {unit:.1e}^2 times {np.max(np.abs(relative_cov)):.1e}) overflows "
            "float64; rescale y and yerr (their units) so that the uncertainties are nearer 1"
        )
    return new_result(
        x=np.array([slope, intercept]),
        slope=float(slope),
        intercept=float(intercept),
        stderr=float(stderr),
        intercept_stderr=float(intercept_stderr),
        rvalue=float(np.clip(rvalue, -1.0, 1.0)),
        cov=cov,
        fun=chi2,
        dof=dof,
    )


# ------------------------------------------------------------------- the Gaussian


def gaussian(x: ArrayLike, mu: ArrayLike, sigma: ArrayLike) -> np.ndarray:
    """The normalised Gaussian (normal probability density) with mean ``mu`` and width ``sigma``.

    .. math::

        f(x; \\mu, \\sigma) = \\frac{1}{\\sigma\\sqrt{2\\pi}}
        \\exp\\!\\left(-\\frac{(x - \\mu)^2}{2\\sigma^2}\\right)

    Its area is 1, so it can be compared with a histogram normalised to unit
    area, such as :func:`mvcalc.datasets.heights`.

    ``x``, ``mu`` and ``sigma`` broadcast together (numpy's rules), so a grid
    of :math:`(\\mu, \\sigma)` can be evaluated at once.

    Parameters
    ----------
    x : array_like
        The points, any shape.
    mu : float or array_like
        The mean :math:`\\mu`.
    sigma : float or array_like
        The standard deviation :math:`\\sigma > 0`.

    Returns
    -------
    ndarray
        :math:`f`, of the broadcast shape of ``x``, ``mu`` and ``sigma``.

    Raises
    ------
    TypeError
        If an argument is not real.
    ValueError
        If an argument is not finite, ``sigma <= 0``, or the shapes do not broadcast.

    Examples
    --------
    >>> print(np.round(gaussian([0.0, 1.0, 2.0], 0.0, 1.0), 6))
    [0.398942 0.241971 0.053991]
    >>> print(f"{gaussian(178.5, 178.5, 7.5):.6f}")   # the peak, 1/(σ√(2π))
    0.053192

    Introduced in: Module 6, *Fitting the Distribution of Heights*.
    """
    return _normal_density(*_gaussian_arguments(x, mu, sigma))


def gaussian_jacobian(x: ArrayLike, mu: ArrayLike, sigma: ArrayLike) -> np.ndarray:
    """The derivatives of :func:`gaussian` with respect to its parameters :math:`\\mu` and :math:`\\sigma`.

    .. math::

        \\frac{\\partial f}{\\partial \\mu} = f \\, \\frac{x - \\mu}{\\sigma^2}, \\qquad
        \\frac{\\partial f}{\\partial \\sigma} = f \\left(\\frac{(x - \\mu)^2}{\\sigma^3}
        - \\frac{1}{\\sigma}\\right)

    Parameters
    ----------
    x : array_like, shape (N,)
        The points (any shape broadcasting with ``mu`` and ``sigma``).
    mu : float or array_like
        The mean :math:`\\mu`.
    sigma : float or array_like
        The standard deviation :math:`\\sigma > 0`.

    Returns
    -------
    ndarray, shape (N, 2)
        The Jacobian :math:`J`: column 0 is :math:`\\partial f/\\partial \\mu`
        and column 1 is :math:`\\partial f/\\partial \\sigma`, one row per point,
        as :func:`scipy.optimize.curve_fit` expects of ``jac``. (In general the
        shape is the broadcast shape of the arguments followed by 2.)

    Raises
    ------
    TypeError
        If an argument is not real.
    ValueError
        If an argument is not finite, ``sigma <= 0``, or the shapes do not broadcast.

    Examples
    --------
    >>> J = gaussian_jacobian([-1.0, 0.0, 1.0], 0.0, 1.0)
    >>> J.shape
    (3, 2)
    >>> print(np.round(J, 6) + 0.0)
    [[-0.241971  0.      ]
     [ 0.       -0.398942]
     [ 0.241971  0.      ]]

    Introduced in: Module 6, *Fitting the Distribution of Heights*.
    """
    x, mu, sigma = _gaussian_arguments(x, mu, sigma)
    f = _normal_density(x, mu, sigma)
    z = _standard_score(x, mu, sigma)
    # df/dmu = f z / sigma and df/dsigma = f (z^2 - 1) / sigma, in the standard score z = (x - mu)/sigma;
    # where f has underflowed to 0 far in the tails, both are 0 (f decays faster than z^2 grows).
    with np.errstate(over="ignore", invalid="ignore"):
        df_dmu = np.where(f == 0, 0.0, f * z / sigma)
        df_dsigma = np.where(f == 0, 0.0, f * (z**2 - 1) / sigma)
    if not (np.all(np.isfinite(df_dmu)) and np.all(np.isfinite(df_dsigma))):
        raise ValueError(
            "the Gaussian's derivatives overflow float64 at these x, mu and sigma (sigma is too small for "
            "float64 to hold f / sigma); rescale x, mu and sigma"
        )
    return np.stack([df_dmu, df_dsigma], axis=-1)


# --------------------------------------------------------------- steepest descent


def steepest_descent_fit(
    model: Callable,
    jac: Callable,
    p0: ArrayLike,
    x: ArrayLike,
    y: ArrayLike,
    *,
    step: float,
    maxiter: int,
    yerr: ArrayLike | None = None,
) -> scipy.optimize.OptimizeResult:
    """Fit a model by steepest descent on :math:`\\chi^2`, with a fixed step, for a fixed number of steps.

    .. math::

        a_{k+1} = a_k - \\gamma \\, \\nabla \\chi^2(a_k), \\qquad
        \\nabla \\chi^2 = -2 J^\\top W \\big(y - f(x; a_k)\\big),

    with :math:`J = ` ``jac(x, *a)`` and :math:`W = \\operatorname{diag}(1/\\sigma_i^2)`
    (the identity without ``yerr``). This is the algorithm of the heights
    assignment, where :math:`\\gamma` is called the *aggression*.

    Parameters
    ----------
    model : callable
        ``model(x, *p)``: the model at the points ``x``, shape (N,).
    jac : callable
        ``jac(x, *p)``: its Jacobian with respect to the parameters, shape (N, P).
    p0 : array_like, shape (P,)
        The starting parameters.
    x, y : array_like, shape (N,)
        The data.
    step : float
        The step size (aggression) :math:`\\gamma > 0`.
    maxiter : int
        The number of steps to take, a positive integer: there is no stopping
        rule, so the fit takes them all unless it diverges.
    yerr : float or array_like of shape (N,), optional
        The uncertainties :math:`\\sigma_i > 0` of the ``y``.

    Returns
    -------
    scipy.optimize.OptimizeResult
        In the vocabulary of :mod:`mvcalc.optimise`: ``x`` (the last
        parameters, shape (P,)), ``fun`` (:math:`\\chi^2` there), ``jac``
        (:math:`\\nabla\\chi^2` there), ``nit`` (steps taken), ``nfev`` and
        ``njev`` (calls of ``model`` and ``jac``), ``status`` (0 when every
        step was taken and :math:`\\chi^2` decreased, 2 when the fit
        diverged, 4 when every step was taken but :math:`\\chi^2` ended no
        lower than it started), ``success``, ``message``, and
        ``history``: ``history.x`` (the parameters, shape ``(nit + 1, P)``,
        from ``p0``) and ``history.fun`` (:math:`\\chi^2` at each, shape
        ``(nit + 1,)``). Without divergence ``nit == maxiter``.

    Raises
    ------
    TypeError
        If ``model`` or ``jac`` is not callable, an argument is not real, or
        ``maxiter`` is not an integer.
    ValueError
        If the data are not finite 1-D arrays of one length, a ``yerr`` is not
        positive, ``step <= 0``, ``maxiter < 1``, or ``model`` or ``jac``
        returns the wrong shape, or a non-finite value at ``p0``.

    Notes
    -----
    Steepest descent has no stopping rule here: it takes ``maxiter`` steps,
    as the assignment does. If a step leads to non-finite parameters, model
    values, Jacobian or :math:`\\chi^2`, or to parameters where ``model`` or
    ``jac`` raises ``ValueError`` (:func:`gaussian` with :math:`\\sigma \\le 0`),
    the step was too large: the fit stops with ``success=False`` and a message
    that says what happened, and ``x`` is the last parameters where the model
    was finite. At ``p0`` these are errors.

    Examples
    --------
    The heights assignment: from :math:`(\\mu, \\sigma) = (155, 6)`, 50 steps of aggression 2000.

    >>> from mvcalc.datasets import heights
    >>> x, y = heights()
    >>> res = steepest_descent_fit(gaussian, gaussian_jacobian, [155, 6], x, y, step=2000, maxiter=50)
    >>> print(res.success, res.nit, np.round(res.x, 2), f"{res.fun:.3e}")
    True 50 [178.58   7.32] 5.419e-05
    >>> print(np.round(res.history.x[[1, 10, 25]], 1))   # σ first overshoots upwards
    [[155.8  13.3]
     [164.9  19.7]
     [175.1  13.1]]

    Introduced in: Module 6, *Non-Linear Least Squares*.
    """
    problem = _Problem(model, jac, p0, x, y, yerr)
    step = check_step(step, "step")
    maxiter = check_integer(maxiter, "maxiter")

    p, f, J, chi2 = problem.start()
    grad = problem.grad(f, J)
    path, values = [p], [chi2]
    status = CONVERGED
    for k in range(1, maxiter + 1):
        p_new = p - step * grad
        f_new = problem.evaluate_model(p_new)
        J_new = problem.evaluate_jac(p_new) if f_new is not None else None
        chi2_new = problem.chi2(f_new) if J_new is not None else np.nan
        if not np.isfinite(chi2_new):
            problem.failure = problem.failure or f"chi-squared is not finite at p = {_fmt(p_new)}"
            status = DIVERGED
            message = (
                f"diverged at step {k}: {problem.failure}; the step {step:g} is too large "
                "(x is the last parameters where the model was finite)"
            )
            break
        p, f, J, chi2 = p_new, f_new, J_new, chi2_new
        grad = problem.grad(f, J)
        path.append(p)
        values.append(chi2)
    if status == CONVERGED and chi2 >= values[0]:
        status = NO_DECREASE
        message = (
            f"took {maxiter} steps of size {step:g}, but chi-squared did not decrease: it went from "
            f"{values[0]:.6g} to {chi2:.6g}; the step is too large"
        )
    elif status == CONVERGED:
        message = f"took {maxiter} steps of size {step:g}: chi-squared went from {values[0]:.6g} to {chi2:.6g}"
    return _fit_result(problem, p, chi2, grad, len(path) - 1, status, message, path, values)


# ----------------------------------------------- Gauss–Newton and Levenberg–Marquardt


def levenberg_marquardt(
    model: Callable,
    jac: Callable,
    p0: ArrayLike,
    x: ArrayLike,
    y: ArrayLike,
    *,
    yerr: ArrayLike | None = None,
    damping: float = 1e-3,
    xtol: float = 1e-10,
    ftol: float = 1e-10,
    maxiter: int = 200,
) -> scipy.optimize.OptimizeResult:
    """Fit a model by the Levenberg–Marquardt method: steepest descent far away, Gauss–Newton near the minimum.

    Near the parameters :math:`a` the model is about linear,
    :math:`f(x; a + \\delta) \\approx f(x; a) + J \\delta`, and :math:`\\chi^2`
    about quadratic, with Hessian about :math:`2 J^\\top W J`. Each iteration
    solves

    .. math::

        \\left(J^\\top W J + \\lambda \\operatorname{diag}(J^\\top W J)\\right) \\delta = J^\\top W r,
        \\qquad r = y - f(x; a),

    and tries :math:`a + \\delta`. If :math:`\\chi^2` decreases the step is
    accepted and :math:`\\lambda \\leftarrow \\lambda/10` (trust the quadratic
    model more: towards Gauss–Newton, :math:`\\lambda = 0`); otherwise it is
    rejected and :math:`\\lambda \\leftarrow 10\\lambda` (a shorter step, turned
    towards steepest descent, :math:`\\delta \\propto -\\nabla\\chi^2` scaled by
    the diagonal).

    Parameters
    ----------
    model : callable
        ``model(x, *p)``: the model at the points ``x``, shape (N,).
    jac : callable
        ``jac(x, *p)``: its Jacobian with respect to the parameters, shape (N, P).
    p0 : array_like, shape (P,)
        The starting parameters; :math:`P \\le N`.
    x, y : array_like, shape (N,)
        The data.
    yerr : float or array_like of shape (N,), optional
        The uncertainties :math:`\\sigma_i > 0` of the ``y``
        (:math:`W = \\operatorname{diag}(1/\\sigma_i^2)`); without them :math:`W = I`.
    damping : float
        The starting damping :math:`\\lambda > 0`.
    xtol : float
        The tolerance on the relative step: a step :math:`\\delta` is small
        when :math:`\\lVert\\delta\\rVert \\le \\text{xtol}\\,(\\lVert a \\rVert + \\text{xtol})`.
    ftol : float
        The tolerance on the relative decrease of :math:`\\chi^2`: small when
        the trial step lowers :math:`\\chi^2` by at most ``ftol`` times
        :math:`\\chi^2`. Converged when a step is small by both tests.
    maxiter : int
        The most iterations (trial steps, accepted or rejected).

    Returns
    -------
    scipy.optimize.OptimizeResult
        In the vocabulary of :mod:`mvcalc.optimise`: ``x`` (the parameters,
        shape (P,)), ``fun`` (:math:`\\chi^2` there), ``jac``
        (:math:`\\nabla\\chi^2` there), ``nit`` (iterations), ``nfev`` and
        ``njev`` (calls of ``model`` and ``jac``), ``status`` (0 converged, 1
        ``maxiter`` reached, 3 :math:`J^\\top W J` singular or no step lowers
        :math:`\\chi^2`), ``success``,
        ``message``, ``history`` (``history.x``, the accepted parameters from
        ``p0``, shape ``(accepted + 1, P)``, and ``history.fun``,
        :math:`\\chi^2` at each); and for the fit, ``cov`` (the covariance of
        the parameters, shape (P, P)), ``perr`` (their standard errors,
        :math:`\\sqrt{\\operatorname{diag} C}`) and ``damping`` (the final
        :math:`\\lambda`).

    Raises
    ------
    TypeError
        If ``model`` or ``jac`` is not callable, an argument is not real, or
        ``maxiter`` is not an integer.
    ValueError
        If the data are not finite 1-D arrays of one length, a ``yerr`` is not
        positive, there are more parameters than data, ``damping <= 0``,
        ``xtol <= 0``, ``ftol <= 0``, ``maxiter < 1``, or ``model`` or ``jac``
        returns the wrong shape, or a non-finite value at ``p0``.

    Notes
    -----
    The covariance is :math:`C = (J^\\top W J)^{-1}` at the optimum. Without
    ``yerr`` it is scaled by :math:`\\chi^2/(N - P)`, the variance of the data
    estimated from the residuals, as :func:`scipy.optimize.curve_fit` does with
    ``absolute_sigma=False``; with ``yerr`` it is not scaled
    (``absolute_sigma=True``; ``curve_fit`` calls the uncertainties ``sigma``).
    With :math:`N = P` and no ``yerr`` there is no scatter to estimate it from
    and ``cov`` is ``inf``, as in ``curve_fit``.

    A trial step where ``model`` or ``jac`` is not finite, or raises
    ``ValueError`` (:func:`gaussian` with :math:`\\sigma \\le 0`), is rejected
    like one that increases :math:`\\chi^2`, but does not count towards
    convergence; at ``p0`` these are errors. The fit stops with ``success=False`` after
    ``maxiter`` iterations, if :math:`J^\\top W J` is singular (a parameter
    that does not change the model), or if every trial step is rejected until
    the damping exceeds :math:`10^{16}` (status 3: usually a ``jac`` that is
    not the model's derivative). A short damped step is not enough to converge:
    the undamped Gauss–Newton step must be short too, within
    :math:`\\sqrt{\\text{xtol}}` of the parameters, so that a large damping far
    from the minimum is never taken for success.

    Examples
    --------
    The heights fit from the assignment's start, :math:`(\\mu, \\sigma) = (155, 6)`:

    >>> from mvcalc.datasets import heights
    >>> x, y = heights()
    >>> res = levenberg_marquardt(gaussian, gaussian_jacobian, [155, 6], x, y)
    >>> print(res.success, res.nit, len(res.history.x) - 1, np.round(res.x, 3), f"{res.fun:.4e}")
    True 24 17 [178.583   7.319] 5.4189e-05
    >>> print(np.round(res.perr, 3))   # the standard errors of μ and σ
    [0.062 0.051]

    Introduced in: Module 6, *Least Squares in Practice*.
    """
    problem, xtol, ftol, maxiter = _least_squares_problem(model, jac, p0, x, y, yerr, xtol, ftol, maxiter)
    damping = check_step(damping, "damping")

    p, f, J, chi2 = problem.start()
    path, values = [p], [chi2]
    nit = 0
    while True:
        nit, delta, stop = _next_step(problem, p, f, J, chi2, nit, maxiter, damping)
        if stop:
            status, message = stop
            break
        p_trial = p + delta
        f_trial = problem.evaluate_model(p_trial)
        chi2_trial = problem.chi2(f_trial) if f_trial is not None else np.inf
        small = _small_step(delta, p, chi2, chi2_trial, xtol, ftol)
        J_trial = problem.evaluate_jac(p_trial) if chi2_trial < chi2 else None
        if J_trial is not None:  # accept: trust the quadratic model more, towards Gauss–Newton
            p, f, J, chi2 = p_trial, f_trial, J_trial, chi2_trial
            path.append(p)
            values.append(chi2)
            damping /= 10
        else:  # reject: a shorter step, turned towards steepest descent
            damping *= 10
        if small and _stationary(problem, p, f, J, xtol):
            status, message = CONVERGED, _CONVERGED_MESSAGE
            break
        if damping > _MAX_DAMPING:  # a step this short comes from the damping, not from a minimum
            status = STOPPED
            message = (
                f"no step lowers chi-squared: every trial step from p = {_fmt(p)} was rejected until the damping "
                f"reached {damping:.3g}, yet the Gauss-Newton step there is not short, so p is not a minimum; "
                "check that jac is the Jacobian of model"
            )
            break
    return _fit_result(
        problem,
        p,
        chi2,
        problem.grad(f, J),
        nit,
        status,
        message,
        path,
        values,
        J=J,
        estimate_scale=yerr is None,
        damping=damping,
    )


def gauss_newton(
    model: Callable,
    jac: Callable,
    p0: ArrayLike,
    x: ArrayLike,
    y: ArrayLike,
    *,
    yerr: ArrayLike | None = None,
    xtol: float = 1e-10,
    ftol: float = 1e-10,
    maxiter: int = 200,
) -> scipy.optimize.OptimizeResult:
    """Fit a model by the Gauss–Newton method: Levenberg–Marquardt with :math:`\\lambda = 0`.

    Each iteration replaces the model by its linearisation
    :math:`f(x; a + \\delta) \\approx f(x; a) + J\\delta`, whose :math:`\\chi^2` is
    quadratic in :math:`\\delta`, and jumps to that quadratic's minimum:

    .. math::

        J^\\top W J \\, \\delta = J^\\top W r, \\qquad r = y - f(x; a).

    Every step is taken, whether :math:`\\chi^2` decreases or not: near the
    minimum this converges in a few steps, but far from it the step can
    overshoot, which is what Levenberg–Marquardt's damping :math:`\\lambda`
    guards against.

    Parameters
    ----------
    model, jac, p0, x, y, yerr, xtol, ftol, maxiter
        As in :func:`levenberg_marquardt`.

    Returns
    -------
    scipy.optimize.OptimizeResult
        As in :func:`levenberg_marquardt`, without ``damping``; here every
        step is taken, so ``history.x`` has ``nit + 1`` rows, and ``status``
        is 2 when a step diverges.

    Raises
    ------
    TypeError, ValueError
        As in :func:`levenberg_marquardt`.

    Notes
    -----
    The fit stops with ``success=False`` if a step leads to a non-finite model,
    Jacobian or :math:`\\chi^2`, or to parameters where ``model`` or ``jac``
    raises ``ValueError`` (``x`` is then the last parameters where the model
    was finite), if
    :math:`J^\\top W J` is singular, or after ``maxiter`` steps.

    Examples
    --------
    >>> from mvcalc.datasets import heights
    >>> x, y = heights()
    >>> res = gauss_newton(gaussian, gaussian_jacobian, [175, 8], x, y)   # a good start
    >>> print(res.success, res.nit, np.round(res.x, 3))
    True 8 [178.583   7.319]

    Introduced in: Module 6, *Least Squares in Practice*.
    """
    problem, xtol, ftol, maxiter = _least_squares_problem(model, jac, p0, x, y, yerr, xtol, ftol, maxiter)

    p, f, J, chi2 = problem.start()
    path, values = [p], [chi2]
    nit = 0
    while True:
        nit, delta, stop = _next_step(problem, p, f, J, chi2, nit, maxiter, 0.0)
        if stop:
            status, message = stop
            break
        p_new = p + delta
        f_new = problem.evaluate_model(p_new)
        chi2_new = problem.chi2(f_new) if f_new is not None else np.inf
        small = _small_step(delta, p, chi2, chi2_new, xtol, ftol)
        J_new = problem.evaluate_jac(p_new) if np.isfinite(chi2_new) else None
        if J_new is None:
            problem.failure = problem.failure or f"chi-squared is not finite at p = {_fmt(p_new)}"
            status = DIVERGED
            message = f"diverged at step {nit}: {problem.failure} (x is the last parameters where the model was finite)"
            break
        p, f, J, chi2 = p_new, f_new, J_new, chi2_new
        path.append(p)
        values.append(chi2)
        if small:
            status, message = CONVERGED, _CONVERGED_MESSAGE
            break
    return _fit_result(
        problem, p, chi2, problem.grad(f, J), nit, status, message, path, values, J=J, estimate_scale=yerr is None
    )


def _next_step(
    problem: _Problem, p: np.ndarray, f: np.ndarray, J: np.ndarray, chi2: float, nit: int, maxiter: int, damping: float
) -> tuple[int, np.ndarray | None, tuple[int, str] | None]:
    """The next iteration's number and trial step δ, or why the fit stops: ``(nit, δ, None)`` or ``(nit, None, stop)``.

    A fit stops before its next step when it fits the data exactly, when it has no iterations left, or
    when the normal equations are singular (that last attempt counts as an iteration).
    """
    if chi2 == 0:
        return nit, None, (CONVERGED, "converged: chi-squared is 0, the model fits the data exactly")
    if nit == maxiter:
        return nit, None, (MAXITER, f"did not converge in maxiter={maxiter} iterations (chi-squared = {chi2:.6g})")
    delta, singular = _normal_equations_step(problem, p, f, J, damping)
    return nit + 1, delta, ((STOPPED, singular) if singular else None)


_CONVERGED_MESSAGE = "converged: the relative step is below xtol and the relative decrease of chi-squared below ftol"


def _least_squares_problem(
    model: Any, jac: Any, p0: Any, x: Any, y: Any, yerr: Any, xtol: Any, ftol: Any, maxiter: Any
) -> tuple[_Problem, float, float, int]:
    """The checked problem and settings of a Gauss–Newton or Levenberg–Marquardt fit."""
    problem = _Problem(model, jac, p0, x, y, yerr)
    xtol = check_step(xtol, "xtol")
    ftol = check_step(ftol, "ftol")
    maxiter = check_integer(maxiter, "maxiter")
    if problem.n_params > problem.y.size:
        raise ValueError(
            f"there are more parameters ({problem.n_params}) than data points ({problem.y.size}): "
            "least squares cannot determine them"
        )
    return problem, xtol, ftol, maxiter


def _normal_equations_step(
    problem: _Problem, p: np.ndarray, f: np.ndarray, J: np.ndarray, damping: float
) -> tuple[np.ndarray | None, str]:
    """The step δ solving (JᵀWJ + λ diag(JᵀWJ)) δ = JᵀW r, or None and why it cannot be solved."""
    A = _normal_matrix(J, problem.w)
    b = J.T @ (problem.w * (problem.y - f))  # J^T W r, minus half the gradient of χ²
    curvature = np.diag(A)
    try:
        if np.any(curvature == 0):
            raise np.linalg.LinAlgError
        return np.linalg.solve(A + damping * np.diag(curvature), b), ""
    except np.linalg.LinAlgError:
        flat = np.flatnonzero(curvature == 0)
        which = f"parameter {flat[0]}" if flat.size else "a combination of the parameters"
        return None, (
            f"singular: J^T W J is singular at p = {_fmt(p)}; the model does not depend on {which} "
            "there (a flat direction of chi-squared)"
        )


#: Beyond this damping a Levenberg–Marquardt step is shorter than rounding: the fit can make no more progress.
_MAX_DAMPING = 1e16


def _stationary(problem: _Problem, p: np.ndarray, f: np.ndarray, J: np.ndarray, xtol: float) -> bool:
    """Whether p is a minimum of χ² to within the tolerance: the undamped (Gauss–Newton) step there is short.

    A damped step can be short only because the damping is large, far from any minimum (a Jacobian
    that is not the model's derivative has every step rejected, and the damping grows): success
    needs the step that the damping did not shorten to be short as well. The step is the shortest
    solution of JᵀWJ δ = JᵀW r, so that a flat direction (parameters that act only together) does
    not hide a minimum.
    """
    A = _normal_matrix(J, problem.w)
    b = J.T @ (problem.w * (problem.y - f))
    delta = np.linalg.lstsq(A, b, rcond=None)[0]
    room = np.sqrt(xtol)
    return bool(np.linalg.norm(delta) <= room * (np.linalg.norm(p) + room))


def _small_step(delta: np.ndarray, p: np.ndarray, chi2: float, chi2_trial: float, xtol: float, ftol: float) -> bool:
    """Whether a step is short (xtol) and changes χ² little (ftol); never for a step that left the model's domain."""
    short = np.linalg.norm(delta) <= xtol * (np.linalg.norm(p) + xtol)
    flat = bool(np.isfinite(chi2_trial)) and chi2 - chi2_trial <= ftol * chi2
    return bool(short and flat)


def _fit_result(
    problem: _Problem,
    p: np.ndarray,
    chi2: float,
    grad: np.ndarray,
    nit: int,
    status: int,
    message: str,
    path: list,
    values: list,
    J: np.ndarray | None = None,
    estimate_scale: bool = False,
    **extra: Any,
) -> scipy.optimize.OptimizeResult:
    """The result of a fit; with ``J``, also the covariance of the parameters and their standard errors."""
    if J is not None:
        cov = _covariance(_normal_matrix(J, problem.w), chi2, problem, estimate_scale)
        extra = {"cov": cov, "perr": np.sqrt(np.diag(cov)), **extra}
    return optimize_result(
        x=p,
        fun=chi2,
        jac=grad,
        nit=nit,
        nfev=problem.nfev,
        njev=problem.njev,
        status=status,
        message=message,
        history={"x": path, "fun": values},
        **extra,
    )


def _normal_matrix(J: np.ndarray, w: np.ndarray) -> np.ndarray:
    """J^T W J: half the Gauss–Newton approximation of the Hessian of χ²."""
    return J.T @ (w[:, None] * J)


def _solvable(A: np.ndarray) -> bool:
    """Whether J^T W J is invertible to working precision."""
    return bool(np.linalg.cond(A) < 1 / np.finfo(np.float64).eps)


def _covariance(A: np.ndarray, chi2: float, problem: _Problem, estimate_scale: bool) -> np.ndarray:
    """(J^T W J)^{-1}, scaled by χ²/(N - P) when the data's uncertainties are estimated from the scatter."""
    n_params = problem.n_params
    if not _solvable(A):
        return np.full((n_params, n_params), np.inf)
    cov = np.linalg.inv(A)
    if estimate_scale:
        dof = problem.y.size - n_params
        cov = cov * (chi2 / dof) if dof > 0 else np.full((n_params, n_params), np.inf)
    return cov


# ------------------------------------------------------------------------ helpers


class _Problem:
    """A least-squares problem: validated data, and the model and Jacobian evaluated with checks."""

    def __init__(self, model: Any, jac: Any, p0: Any, x: Any, y: Any, yerr: Any) -> None:
        self.model = check_callable(model, "model")
        self.jac = check_callable(jac, "jac")
        self.p0 = as_point(p0, "p0")
        self.x = _as_data(x, "x")
        self.y = _as_data(y, "y")
        _check_same_length(self.x, self.y)
        self.w = 1 / _yerr_or_ones(yerr, self.y.size) ** 2
        self.n_params = self.p0.size
        self.nfev = 0
        self.njev = 0
        self.failure = ""  # why the last evaluation that returned None failed

    def start(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
        """The starting parameters, and the model, its Jacobian and χ² there (where a failure is an error)."""
        f = self.evaluate_model(self.p0, first=True)
        J = self.evaluate_jac(self.p0, first=True)
        return self.p0, f, J, self.chi2(f)

    def evaluate_model(self, p: np.ndarray, first: bool = False) -> np.ndarray | None:
        """model(x, *p), shape (N,); None if it fails (see ``_evaluate``)."""
        self.nfev += 1
        return self._evaluate(self.model, "model", p, (self.y.size,), "(N,) like y", first)

    def evaluate_jac(self, p: np.ndarray, first: bool = False) -> np.ndarray | None:
        """jac(x, *p), shape (N, P); None if it fails (see ``_evaluate``)."""
        self.njev += 1
        shape = (self.y.size, self.n_params)
        described = "(N, P): one row per data point, one column per parameter"
        return self._evaluate(self.jac, "jac", p, shape, described, first)

    def _evaluate(
        self, func: Callable, name: str, p: np.ndarray, shape: tuple, described: str, first: bool
    ) -> np.ndarray | None:
        """func(x, *p) as a float array of the given shape.

        A wrong type or shape is always an error. At the starting point (``first``)
        so is a non-finite value or a ``ValueError`` raised by ``func``; at a later
        point they mean the fit has stepped outside where the model is defined:
        return None and say why in ``self.failure``.
        """
        self.failure = ""
        if not np.all(np.isfinite(p)):
            self.failure = f"the parameters {_fmt(p)} are not finite"
            return None
        try:
            value = call_checked(lambda x: func(x, *p), self.x, name, where=lambda: f"at p = {_fmt(p)}", finite=False)
        except ValueError as exc:  # the model's own check (call_checked raises only TypeError here)
            if first:
                raise
            self.failure = f"{name} raised ValueError at p = {_fmt(p)}: {exc}"
            return None
        if value.shape != shape:
            raise ValueError(
                f"{name}(x, *p) must return an array of shape {shape}, {described}; "
                f"got shape {value.shape} at p = {_fmt(p)}"
            )
        if not np.all(np.isfinite(value)):
            if first:
                raise ValueError(f"{name} returned a non-finite value at the starting point p0 = {_fmt(p)}")
            self.failure = f"{name} returned a non-finite value at p = {_fmt(p)}"
            return None
        return value.astype(np.float64)

    def chi2(self, f: np.ndarray) -> float:
        """χ² = Σ w_i (y_i - f_i)²."""
        with np.errstate(all="ignore"):
            return float(np.sum(self.w * (self.y - f) ** 2))

    def grad(self, f: np.ndarray, J: np.ndarray) -> np.ndarray:
        """∇χ² = -2 J^T W (y - f)."""
        return -2 * J.T @ (self.w * (self.y - f))


def _as_data(values: Any, name: str) -> np.ndarray:
    """A finite 1-D float64 array of data, shape (N,) with N >= 1."""
    arr = as_real_array(values, name)
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"{name} must be a 1-D array of shape (N,) with N >= 1, got shape {arr.shape}")
    return arr


def _check_same_length(x: np.ndarray, y: np.ndarray) -> None:
    if x.size != y.size:
        raise ValueError(f"x and y must have the same length, got {x.size} and {y.size}")


def _yerr_or_ones(yerr: Any, n: int) -> np.ndarray:
    """The data's uncertainties as an array of shape (n,): ones if None, a scalar broadcast, each > 0."""
    if yerr is None:
        return np.ones(n)
    yerr = as_real_array(yerr, "yerr")
    if yerr.ndim > 1 or (yerr.ndim == 1 and yerr.size != n):
        raise ValueError(f"yerr must be a number or an array of shape ({n},) like y, got shape {yerr.shape}")
    if np.any(yerr <= 0):
        bad = float(yerr[yerr <= 0].flat[0])
        raise ValueError(f"yerr must be positive (the uncertainties of y), got the value {bad!r}")
    return np.broadcast_to(yerr, (n,)).astype(np.float64)


def _normal_density(x: np.ndarray, mu: np.ndarray, sigma: np.ndarray) -> np.ndarray:
    """The formula of :func:`gaussian`, without the checks."""
    z = _standard_score(x, mu, sigma)
    with np.errstate(over="ignore"):  # z^2 = inf far out in the tails, where the density is 0
        return np.exp(-0.5 * z**2) / (sigma * np.sqrt(2 * np.pi))


def _standard_score(x: np.ndarray, mu: np.ndarray, sigma: np.ndarray) -> np.ndarray:
    """(x - mu) / sigma, formed without overflow in x - mu (x = 1e308, mu = -1e308) where it is representable."""
    with np.errstate(over="ignore"):
        z = (x - mu) / sigma
        overflowed = ~np.isfinite(z)
        if np.any(overflowed):  # x - mu itself overflowed: divide first (inf if z truly is beyond float64)
            z = np.where(overflowed, x / sigma - mu / sigma, z)
    return z


def _gaussian_arguments(x: Any, mu: Any, sigma: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    x = as_real_array(x, "x")
    mu = as_real_array(mu, "mu")
    sigma = as_real_array(sigma, "sigma")
    if np.any(sigma <= 0):
        bad = float(sigma[sigma <= 0].flat[0])
        raise ValueError(f"sigma must be positive (the width of the Gaussian), got {bad!r}")
    try:
        np.broadcast_shapes(x.shape, mu.shape, sigma.shape)
    except ValueError as exc:
        raise ValueError(
            f"x, mu and sigma must broadcast together, got shapes {x.shape}, {mu.shape} and {sigma.shape}"
        ) from exc
    return x, mu, sigma


def _fmt(p: np.ndarray) -> str:
    return np.array2string(np.asarray(p), precision=6)
