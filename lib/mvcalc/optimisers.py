"""The optimisers of modern training: stochastic descent, momentum, Nesterov, RMSProp and Adam.

Plain gradient descent (:func:`mvcalc.gradient_descent`) takes the same step
size in every direction. In a long narrow valley that is too long across the
valley and too short along it. The methods here change the step with what the
descent has seen so far:

- :func:`momentum` (the heavy ball) adds up past gradients, so that steps
  that agree build speed and steps that disagree cancel;
- :func:`nesterov` does the same, with the gradient taken where the momentum
  is about to carry the point;
- :func:`rmsprop` divides each coordinate of the gradient by a running
  root-mean-square of that coordinate, so every coordinate moves at a similar
  pace;
- :func:`adam` combines the two: a running mean of the gradient over a
  running root-mean-square, each corrected for starting at zero;
- :func:`sgd` is gradient descent on an objective that is a mean over
  examples, with the gradient of a random mini-batch in place of the full one.

The four deterministic methods share one loop with :func:`mvcalc.gradient_descent`; each supplies
only its update rule. They take and return what every iterative method of
mvcalc does (see :mod:`mvcalc.optimise`): ``step`` for the learning rate
:math:`\\gamma`, ``gtol`` and ``maxiter``, and an OptimizeResult with
``history.x``, ``history.jac`` and, when ``f`` is given, ``history.fun``. The
constants of each method have the defaults of its paper or of PyTorch, as each
docstring says.

Introduced in: Module 5, *Beyond Plain Descent: Momentum, RMSProp and Adam*
(``book/m5/optimisers.md``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike

from ._descent import DIVERGENCE_BOUND, descent_result, gradient_at, run_descent, scalar_of_vector
from ._results import CONVERGED, DIVERGED, NO_DECREASE
from ._validation import as_point, check_callable, check_integer, check_real_scalar, check_rng, check_step

if TYPE_CHECKING:  # the annotations name scipy's result class; scipy is imported only where it is used
    import scipy.optimize

__all__ = ["sgd", "momentum", "nesterov", "rmsprop", "adam"]


def momentum(
    grad: Callable,
    x0: ArrayLike,
    *,
    step: float,
    momentum: float = 0.9,
    f: Callable | None = None,
    gtol: float = 1e-8,
    maxiter: int = 10_000,
) -> scipy.optimize.OptimizeResult:
    """A minimum by gradient descent with momentum (Polyak's heavy ball).

    .. math::

        v_{i+1} = \\mu\\, v_i + \\nabla f(x_i), \\qquad
        x_{i+1} = x_i - \\gamma\\, v_{i+1}, \\qquad v_0 = 0,

    which is :math:`x_{i+1} = x_i - \\gamma \\nabla f(x_i) + \\mu (x_i - x_{i-1})`:
    a gradient step plus a fraction :math:`\\mu` of the last step. This is
    PyTorch's ``torch.optim.SGD(momentum=μ)`` (with ``dampening=0``).

    Parameters
    ----------
    grad : callable
        ``grad(x)`` takes a float array of shape ``(n,)`` and returns
        :math:`\\nabla f(x)`, shape ``(n,)``.
    x0 : array_like, shape (n,)
        The starting point.
    step : float
        The step size (learning rate) :math:`\\gamma > 0`.
    momentum : float
        The momentum :math:`\\mu`, with :math:`0 \\le \\mu < 1`; 0.9 by default,
        a common choice since Sutskever et al. (2013). With ``momentum=0`` this
        is :func:`mvcalc.gradient_descent`.
    f : callable, optional
        The function being minimised; when it is given, ``fun`` and
        ``history.fun`` record it.
    gtol : float
        Converged when :math:`\\lVert \\nabla f(x) \\rVert < \\text{gtol}`.
    maxiter : int
        The most steps to take.

    Returns
    -------
    scipy.optimize.OptimizeResult
        As :func:`mvcalc.gradient_descent`: ``x``, ``fun``, ``jac``, ``nit``,
        ``nfev``, ``njev``, ``status`` (0 converged, 1 ``maxiter`` reached, 2
        diverged), ``success``, ``message`` and ``history`` (``x`` and ``jac``,
        shape ``(nit + 1, n)``, and ``fun`` with ``f``).

    Raises
    ------
    TypeError
        If ``grad`` or ``f`` is not callable, a number is not real, or
        ``maxiter`` is not an integer.
    ValueError
        If ``x0`` is not a finite 1-D array, ``step <= 0``, ``gtol <= 0``,
        ``momentum`` is outside :math:`[0, 1)`, ``maxiter < 1``, or ``grad`` or
        ``f`` returns the wrong shape or a non-finite value at ``x0``.

    Examples
    --------
    >>> grad = lambda v: np.array([2 * v[0], 20 * v[1]])   # f = x² + 10 y²
    >>> res = momentum(grad, [1.0, 1.0], step=0.05, momentum=0.5)
    >>> print(res.success, res.nit, np.round(res.x, 8) + 0.0)
    True 58 [0. 0.]
    >>> from mvcalc import gradient_descent
    >>> print(gradient_descent(grad, [1.0, 1.0], step=0.05).nit)   # without momentum
    182

    Introduced in: Module 5, *Beyond Plain Descent: Momentum, RMSProp and Adam*.
    """
    step = check_step(step, "step")
    mu = _check_fraction(momentum, "momentum")
    velocity = 0.0

    def update(x: np.ndarray, g: np.ndarray, i: int) -> np.ndarray:
        nonlocal velocity
        velocity = mu * velocity + g
        return x - step * velocity

    return run_descent(grad, x0, update, f=f, gtol=gtol, maxiter=maxiter, step=step)


def nesterov(
    grad: Callable,
    x0: ArrayLike,
    *,
    step: float,
    momentum: float = 0.9,
    f: Callable | None = None,
    gtol: float = 1e-8,
    maxiter: int = 10_000,
) -> scipy.optimize.OptimizeResult:
    """A minimum by Nesterov's accelerated gradient: momentum that looks ahead.

    Classically, with the velocity :math:`u` and a look-ahead point,

    .. math::

        u_{i+1} = \\mu\\, u_i - \\gamma\\, \\nabla f(y_i + \\mu u_i), \\qquad
        y_{i+1} = y_i + u_{i+1}.

    The gradient is taken at :math:`x_i = y_i + \\mu u_i`, where the momentum is
    about to carry the point, and this function iterates that point:

    .. math::

        v_{i+1} = \\mu\\, v_i + \\nabla f(x_i), \\qquad
        x_{i+1} = x_i - \\gamma \\bigl(\\nabla f(x_i) + \\mu\\, v_{i+1}\\bigr), \\qquad v_0 = 0,

    which is PyTorch's ``torch.optim.SGD(momentum=μ, nesterov=True)``.

    Parameters
    ----------
    grad, x0, step, f, gtol, maxiter
        As :func:`momentum`.
    momentum : float
        The momentum :math:`\\mu`, with :math:`0 \\le \\mu < 1`; 0.9 by default.

    Returns
    -------
    scipy.optimize.OptimizeResult
        As :func:`momentum`.

    Raises
    ------
    TypeError, ValueError
        As :func:`momentum`.

    Examples
    --------
    >>> grad = lambda v: np.array([2 * v[0], 20 * v[1]])   # f = x² + 10 y²
    >>> res = nesterov(grad, [1.0, 1.0], step=0.05, momentum=0.5)
    >>> print(res.success, res.nit, np.round(res.x, 8) + 0.0)
    True 69 [0. 0.]

    Introduced in: Module 5, *Beyond Plain Descent: Momentum, RMSProp and Adam*.
    """
    step = check_step(step, "step")
    mu = _check_fraction(momentum, "momentum")
    velocity = 0.0

    def update(x: np.ndarray, g: np.ndarray, i: int) -> np.ndarray:
        nonlocal velocity
        velocity = mu * velocity + g
        return x - step * (g + mu * velocity)

    return run_descent(grad, x0, update, f=f, gtol=gtol, maxiter=maxiter, step=step)


def rmsprop(
    grad: Callable,
    x0: ArrayLike,
    *,
    step: float,
    beta: float = 0.9,
    eps: float = 1e-8,
    f: Callable | None = None,
    gtol: float = 1e-8,
    maxiter: int = 10_000,
) -> scipy.optimize.OptimizeResult:
    """A minimum by RMSProp: each coordinate's step divided by its running root-mean-square gradient.

    .. math::

        s_{i+1} = \\beta\\, s_i + (1 - \\beta)\\, \\nabla f(x_i)^2, \\qquad
        x_{i+1} = x_i - \\gamma\\, \\frac{\\nabla f(x_i)}{\\sqrt{s_{i+1}} + \\varepsilon},
        \\qquad s_0 = 0,

    with the square, the root and the division taken entry by entry. This is
    PyTorch's ``torch.optim.RMSprop`` (its ``alpha`` is :math:`\\beta`).

    Parameters
    ----------
    grad, x0, step, f, gtol, maxiter
        As :func:`momentum`.
    beta : float
        The decay :math:`\\beta` of the running mean of the squared gradient,
        :math:`0 \\le \\beta < 1`; 0.9 by default, as in Hinton's lecture that
        introduced the method (PyTorch's default ``alpha`` is 0.99).
    eps : float
        :math:`\\varepsilon > 0`, which keeps the division finite; ``1e-8`` by
        default, as in PyTorch.

    Returns
    -------
    scipy.optimize.OptimizeResult
        As :func:`momentum`.

    Raises
    ------
    TypeError, ValueError
        As :func:`momentum`, and if ``beta`` is outside :math:`[0, 1)` or
        ``eps <= 0``.

    Examples
    --------
    The first step moves every coordinate by about :math:`\\gamma / \\sqrt{1 - \\beta}`,
    whatever the size of its gradient:

    >>> grad = lambda v: np.array([2 * v[0], 20 * v[1]])   # f = x² + 10 y²
    >>> res = rmsprop(grad, [1.0, 1.0], step=0.01, maxiter=1)
    >>> print(np.round(res.history.x[1], 6))
    [0.968377 0.968377]

    Introduced in: Module 5, *Beyond Plain Descent: Momentum, RMSProp and Adam*.
    """
    step = check_step(step, "step")
    beta = _check_fraction(beta, "beta")
    eps = check_step(eps, "eps")
    mean_square = 0.0

    def update(x: np.ndarray, g: np.ndarray, i: int) -> np.ndarray:
        nonlocal mean_square
        mean_square = beta * mean_square + (1 - beta) * g**2
        return x - step * g / (np.sqrt(mean_square) + eps)

    return run_descent(grad, x0, update, f=f, gtol=gtol, maxiter=maxiter, step=step)


def adam(
    grad: Callable,
    x0: ArrayLike,
    *,
    step: float,
    beta1: float = 0.9,
    beta2: float = 0.999,
    eps: float = 1e-8,
    f: Callable | None = None,
    gtol: float = 1e-8,
    maxiter: int = 10_000,
) -> scipy.optimize.OptimizeResult:
    """A minimum by Adam: a running mean of the gradient over its running root-mean-square.

    With :math:`g_i = \\nabla f(x_i)` and :math:`m_0 = v_0 = 0`, step :math:`t = i + 1` is

    .. math::

        \\begin{aligned}
        m_{t} &= \\beta_1 m_{t-1} + (1 - \\beta_1)\\, g_i, &
        \\hat{m}_t &= m_t / (1 - \\beta_1^t), \\\\
        v_{t} &= \\beta_2 v_{t-1} + (1 - \\beta_2)\\, g_i^2, &
        \\hat{v}_t &= v_t / (1 - \\beta_2^t), \\\\
        x_{i+1} &= x_i - \\gamma\\, \\hat{m}_t / \\bigl(\\sqrt{\\hat{v}_t} + \\varepsilon\\bigr),
        \\end{aligned}

    entry by entry, as in Kingma and Ba (2015), Algorithm 1, and PyTorch's
    ``torch.optim.Adam``. The hats undo the pull towards zero of starting the
    running means at zero.

    Parameters
    ----------
    grad, x0, step, f, gtol, maxiter
        As :func:`momentum`. (The paper's default step is 0.001.)
    beta1, beta2 : float
        The decays of the running means of the gradient and of its square, each
        in :math:`[0, 1)`; 0.9 and 0.999 by default, as in the paper.
    eps : float
        :math:`\\varepsilon > 0`; ``1e-8`` by default, as in the paper.

    Returns
    -------
    scipy.optimize.OptimizeResult
        As :func:`momentum`.

    Raises
    ------
    TypeError, ValueError
        As :func:`momentum`, and if ``beta1`` or ``beta2`` is outside
        :math:`[0, 1)` or ``eps <= 0``.

    Examples
    --------
    The first step moves every coordinate by almost exactly :math:`\\gamma`:

    >>> grad = lambda v: np.array([2 * v[0], 20 * v[1]])   # f = x² + 10 y²
    >>> res = adam(grad, [1.0, 1.0], step=0.01, maxiter=1)
    >>> print(np.round(res.history.x[1], 6))
    [0.99 0.99]

    Introduced in: Module 5, *Beyond Plain Descent: Momentum, RMSProp and Adam*.
    """
    step = check_step(step, "step")
    beta1 = _check_fraction(beta1, "beta1")
    beta2 = _check_fraction(beta2, "beta2")
    eps = check_step(eps, "eps")
    mean, mean_square = 0.0, 0.0

    def update(x: np.ndarray, g: np.ndarray, i: int) -> np.ndarray:
        nonlocal mean, mean_square
        mean = beta1 * mean + (1 - beta1) * g
        mean_square = beta2 * mean_square + (1 - beta2) * g**2
        m_hat = mean / (1 - beta1**i)
        v_hat = mean_square / (1 - beta2**i)
        return x - step * m_hat / (np.sqrt(v_hat) + eps)

    return run_descent(grad, x0, update, f=f, gtol=gtol, maxiter=maxiter, step=step)


def sgd(
    grad: Callable,
    x0: ArrayLike,
    *,
    n_samples: int,
    batch_size: int,
    rng: np.random.Generator,
    step: float,
    f: Callable | None = None,
    maxiter: int = 1000,
) -> scipy.optimize.OptimizeResult:
    """Stochastic (mini-batch) gradient descent on a mean over examples.

    The objective is a mean over ``n_samples`` examples,
    :math:`F(x) = \\frac{1}{N} \\sum_{k=1}^{N} f_k(x)`. Each step uses the
    gradient of the mean over a mini-batch :math:`B_i` of the examples only,

    .. math::

        x_{i+1} = x_i - \\gamma\\, \\frac{1}{\\lvert B_i \\rvert} \\sum_{k \\in B_i} \\nabla f_k(x_i).

    The batches come from shuffling the examples with ``rng`` and cutting them
    into consecutive pieces of ``batch_size`` (the last piece of a pass, an
    *epoch*, may be smaller); each epoch shuffles again. With
    ``batch_size=n_samples`` this is gradient descent on :math:`F`; with
    ``batch_size=1`` it is stochastic gradient descent in the strict sense.

    Parameters
    ----------
    grad : callable
        ``grad(x, batch)`` takes the point, shape ``(n,)``, and an integer
        array of example indices in ``range(n_samples)``, and returns the
        gradient of the mean of :math:`f_k` over those examples, shape ``(n,)``.
    x0 : array_like, shape (n,)
        The starting point.
    n_samples : int
        The number of examples :math:`N`.
    batch_size : int
        The number of examples in a mini-batch, from 1 to ``n_samples``.
    rng : numpy.random.Generator
        The generator that shuffles the examples, such as
        ``np.random.default_rng(0)``.
    step : float
        The step size (learning rate) :math:`\\gamma > 0`.
    f : callable, optional
        The full objective :math:`F(x)`; when it is given, ``fun`` and
        ``history.fun`` record it, and the result is a success only if it
        decreased.
    maxiter : int
        The number of steps to take (a mini-batch gradient does not vanish at
        the minimum, so there is no ``gtol``: the method takes them all).

    Returns
    -------
    scipy.optimize.OptimizeResult
        ``x`` (the last iterate), ``fun`` (:math:`F(x)`, or ``None`` without
        ``f``), ``jac`` (the full gradient at ``x``, ``grad(x, all indices)``),
        ``nit``, ``nfev`` and ``njev`` (calls of ``f`` and ``grad``), ``status``
        (0 took every step and :math:`F` decreased, or no ``f`` was given; 2
        diverged; 4 :math:`F` ended no lower than it started), ``success``,
        ``message``, and ``history``: ``history.x`` (shape ``(nit + 1, n)``),
        ``history.jac`` (the mini-batch gradient each step used, and last the
        full gradient at ``x``) and, with ``f``, ``history.fun``.

    Raises
    ------
    TypeError
        If ``grad`` or ``f`` is not callable, ``rng`` is not a
        ``numpy.random.Generator``, ``step`` is not real, or ``n_samples``,
        ``batch_size`` or ``maxiter`` is not an integer.
    ValueError
        If ``x0`` is not a finite 1-D array, ``step <= 0``, ``n_samples < 1``,
        ``batch_size`` is not between 1 and ``n_samples``, ``maxiter < 1``, or
        ``grad`` or ``f`` returns the wrong shape or a non-finite value at ``x0``.

    Examples
    --------
    The mean of the data minimises the mean of :math:`(x - d_k)^2`:

    >>> data = np.array([1.0, 2.0, 3.0, 6.0])
    >>> grad = lambda x, batch: 2 * (x - data[batch].mean())
    >>> res = sgd(grad, [0.0], n_samples=4, batch_size=2, rng=np.random.default_rng(0), step=0.1, maxiter=200)
    >>> print(res.success, res.nit, f"{res.x[0]:.4f}")   # near the mean, and wandering around it
    True 200 2.8933
    >>> res = sgd(grad, [0.0], n_samples=4, batch_size=4, rng=np.random.default_rng(0), step=0.1, maxiter=200)
    >>> print(f"{res.x[0]:.4f}")   # one batch of everything: gradient descent, which settles
    3.0000

    Introduced in: Module 5, *Beyond Plain Descent: Momentum, RMSProp and Adam*.
    """
    check_callable(grad, "grad")
    if f is not None:
        check_callable(f)
    x = as_point(x0, "x0")
    n_samples = check_integer(n_samples, "n_samples", what="the number of examples")
    batch_size = check_integer(batch_size, "batch_size", what="the examples in a mini-batch")
    if batch_size > n_samples:
        raise ValueError(f"batch_size must be at most n_samples = {n_samples}, got {batch_size}")
    rng = check_rng(rng)
    step = check_step(step, "step")
    maxiter = check_integer(maxiter, "maxiter")
    bound = DIVERGENCE_BOUND * max(1.0, float(np.linalg.norm(x)))
    everything = np.arange(n_samples)

    def batches():
        while True:
            order = rng.permutation(n_samples)
            for start in range(0, n_samples, batch_size):
                yield order[start : start + batch_size]

    def batch_gradient(point, batch, first):
        return gradient_at(lambda p: grad(p, batch), point, first=first)

    values = [scalar_of_vector(f, x, "f")] if f is not None else None
    path, gradients = [x], []
    status, message, njev = CONVERGED, "", 0
    full_start = None  # the norm of the full gradient at x0, once a step past the bound needs it
    for i, batch in zip(range(1, maxiter + 1), batches()):
        g = batch_gradient(x, batch, first=i == 1)
        njev += 1
        if g is None:
            status = DIVERGED
            message = f"diverged at step {i}: grad returned a non-finite value; the step {step:g} may be too large"
            break
        with np.errstate(all="ignore"):
            x_new = x - step * g
        size = float(np.linalg.norm(x_new))
        if not np.isfinite(size):
            status = DIVERGED
            message = f"diverged at step {i}: x is no longer finite; the step {step:g} is too large"
            break
        if size > bound:
            # Far from the start is not diverging by itself: a step may land on a distant minimum. A
            # mini-batch gradient is too noisy to judge by, and near a minimum even the full gradient
            # wanders from step to step; so it diverges when the full gradient is no shorter than at x0.
            if full_start is None:
                full_start = float(np.linalg.norm(batch_gradient(path[0], everything, first=True)))
                njev += 1
            full_new = batch_gradient(x_new, everything, first=False)
            njev += 1
            if full_new is None or float(np.linalg.norm(full_new)) >= full_start:
                status = DIVERGED
                message = (
                    f"diverged at step {i}: ‖x‖ = {size:.3g} exceeds the bound {bound:.3g} and the full "
                    f"gradient is no shorter than at x0; the step {step:g} is too large"
                )
                break
        x = x_new
        path.append(x)
        gradients.append(g)
        if values is not None:
            values.append(scalar_of_vector(f, x, "f"))
    full = batch_gradient(x, everything, first=True)  # x is finite, and so must the full gradient be there
    njev += 1
    gradients.append(full)
    if status == CONVERGED:
        done = f"took maxiter={maxiter} steps of mini-batches of {batch_size} from {n_samples} examples"
        if values is None:
            message = f"{done} (no f was given, so whether the objective decreased is not checked)"
        elif values[-1] < values[0]:
            message = f"{done}; f went from {values[0]:.4g} to {values[-1]:.4g}"
        else:
            status = NO_DECREASE
            message = (
                f"{done}, but f did not decrease: it went from {values[0]:.4g} to {values[-1]:.4g}; "
                f"try a smaller step than {step:g}"
            )
    return descent_result(path, gradients, values, full, njev, status, message)


# ---------------------------------------------------------------------------
# The loop the deterministic methods share, and the checks.
# ---------------------------------------------------------------------------


def _check_fraction(value: object, name: str) -> float:
    """A decay constant: a real number with 0 <= value < 1."""
    value = check_real_scalar(value, name)
    if not 0.0 <= value < 1.0:
        raise ValueError(f"{name} must be in [0, 1) (0 included, 1 excluded), got {value!r}")
    return value
