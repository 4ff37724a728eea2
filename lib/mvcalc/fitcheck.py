"""Check your own derivatives for the heights-fitting assignment, and learn what is wrong.

*Try It Yourself: Fitting Heights*: the assignment fits the Gaussian

.. math::

    f(x; \\mu, \\sigma) = \\frac{1}{\\sigma\\sqrt{2\\pi}}
    \\exp\\left(-\\frac{(x - \\mu)^2}{2\\sigma^2}\\right)

to a histogram of heights by steepest descent on
:math:`\\chi^2 = \\sum_i (y_i - f(x_i))^2`. You write three functions:

- ``dfdmu(x, mu, sig)``: :math:`\\partial f/\\partial\\mu = f\\,(x - \\mu)/\\sigma^2`,
  an array of the shape of ``x``;
- ``dfdsig(x, mu, sig)``: :math:`\\partial f/\\partial\\sigma = f\\,[(x - \\mu)^2/\\sigma^3 - 1/\\sigma]`,
  an array of the shape of ``x``;
- ``steepest_step(x, y, mu, sig, aggression)``: the step
  :math:`[\\delta\\mu, \\delta\\sigma] = -\\text{aggression}\\cdot J`, an array of shape ``(2,)``, with
  :math:`J = [-2(y - f)\\cdot\\partial f/\\partial\\mu,\\ -2(y - f)\\cdot\\partial f/\\partial\\sigma]`.

Hand each to :func:`check_heights_function`, or all of them to
:func:`check_all_heights`. The checker runs your function on the heights data
and on random bins and parameters, compares it with the formulas above, and
when the numbers are wrong it tries the usual mistakes (a sign, :math:`1/\\sigma`
for :math:`1/\\sigma^2`, a missing :math:`f`, the missing :math:`-1/\\sigma` term, the
2 of the chain rule, …) to tell you which one you made.

Introduced in: Module 6, *Try It Yourself: Fitting Heights*.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np

from ._checker import Assignment, CheckResult, Trial, check_function, check_many, close, right_apart_from_shape
from .datasets import heights
from .fitting import gaussian, gaussian_jacobian

__all__ = ["HEIGHTS_NAMES", "CheckResult", "check_heights_function", "check_all_heights"]

#: The three functions the reader writes, in the assignment's order.
HEIGHTS_NAMES = ("dfdmu", "dfdsig", "steepest_step")

_START = (155.0, 6.0)  # the assignment's starting guess
_AGGRESSION = 2000.0  # the assignment's aggression

# What each function must compute, for the message of a pass.
_FORMULAS = {
    "dfdmu": "∂f/∂μ = f·(x − μ)/σ²",
    "dfdsig": "∂f/∂σ = f·[(x − μ)²/σ³ − 1/σ]",
    "steepest_step": "−aggression·J, J = [−2 (y − f)·∂f/∂μ, −2 (y − f)·∂f/∂σ]",
}


# ---------------------------------------------------------------------------
# The reference and its usual mistakes
# ---------------------------------------------------------------------------


def _dfdmu_variants(x: np.ndarray, mu: float, sig: float) -> list[tuple[str, np.ndarray]]:
    """(description, values) of ∂f/∂μ: the right one first, then the usual mistakes."""
    f, d = gaussian(x, mu, sig), x - mu
    right = gaussian_jacobian(x, mu, sig)[..., 0]
    base = [
        ("", right),
        (
            "divides by σ instead of σ²: ∂f/∂μ = f·(x − μ)/σ², with σ squared, because the exponent "
            "−(x − μ)²/(2σ²) has derivative (x − μ)/σ² with respect to μ",
            f * d / sig,
        ),
        ("divides by σ³ instead of σ²: ∂f/∂μ = f·(x − μ)/σ²; σ³ belongs to ∂f/∂σ", f * d / sig**3),
        ("is missing the factor 1/σ²: ∂f/∂μ = f·(x − μ)/σ²", f * d),
        (
            "is missing the factor f: the derivative of exp(g) is exp(g)·g′, so ∂f/∂μ = f·(x − μ)/σ², not (x − μ)/σ²",
            d / sig**2,
        ),
        ("has (x − μ)² where (x − μ) belongs: ∂f/∂μ = f·(x − μ)/σ²", f * d**2 / sig**2),
        (
            "has an extra factor 1/2: the 2 of (x − μ)² cancels the 2 of 2σ², so ∂f/∂μ = f·(x − μ)/σ²",
            f * d / (2 * sig**2),
        ),
    ]
    return _with_signs(base, "∂f/∂μ = f·(x − μ)/σ², positive where x > μ: moving the peak right raises f there")


def _dfdsig_variants(x: np.ndarray, mu: float, sig: float) -> list[tuple[str, np.ndarray]]:
    """(description, values) of ∂f/∂σ: the right one first, then the usual mistakes."""
    f, d = gaussian(x, mu, sig), x - mu
    a, b = f * d**2 / sig**3, f / sig
    base = [
        ("", gaussian_jacobian(x, mu, sig)[..., 1]),
        (
            "is missing the term −f/σ: f = exp(…)/(σ√(2π)) depends on σ twice, in the exponent and in the "
            "prefactor 1/σ, whose derivative gives −f/σ; ∂f/∂σ = f·[(x − μ)²/σ³ − 1/σ]",
            a,
        ),
        (
            "has +1/σ where −1/σ belongs: the prefactor 1/σ has derivative −1/σ², so ∂f/∂σ = f·[(x − μ)²/σ³ − 1/σ]",
            a + b,
        ),
        (
            "has the −1/σ term only: the exponent −(x − μ)²/(2σ²) depends on σ too, and gives "
            "f·(x − μ)²/σ³; ∂f/∂σ = f·[(x − μ)²/σ³ − 1/σ]",
            -b,
        ),
        (
            "divides (x − μ)² by σ² instead of σ³: the derivative of −1/(2σ²) is 1/σ³, so "
            "∂f/∂σ = f·[(x − μ)²/σ³ − 1/σ]",
            f * d**2 / sig**2 - b,
        ),
        ("has −1/σ² where −1/σ belongs: ∂f/∂σ = f·[(x − μ)²/σ³ − 1/σ]", a - f / sig**2),
        (
            "has (x − μ)²/(2σ³) where (x − μ)²/σ³ belongs: the derivative of −1/(2σ²) is +1/σ³, the 2 "
            "cancels; ∂f/∂σ = f·[(x − μ)²/σ³ − 1/σ]",
            a / 2 - b,
        ),
        ("is missing the factor f: ∂f/∂σ = f·[(x − μ)²/σ³ − 1/σ], not (x − μ)²/σ³ − 1/σ", d**2 / sig**3 - 1 / sig),
        ("computes ∂f/∂μ, not ∂f/∂σ: ∂f/∂σ = f·[(x − μ)²/σ³ − 1/σ]", f * d / sig**2),
    ]
    return _with_signs(base, "∂f/∂σ = f·[(x − μ)²/σ³ − 1/σ]")


def _with_signs(base: list[tuple[str, np.ndarray]], right: str) -> list[tuple[str, np.ndarray]]:
    """Each variant, then each variant with the opposite sign."""
    variants = list(base)
    variants.append(("has the wrong sign: " + right, -base[0][1]))
    for text, values in base[1:]:
        variants.append((text + "; and the overall sign is wrong too", -values))
    return variants


# The factor in front of (y − f)·∂f/∂p in the step, with what it means when it is not 2·aggression.
def _step_factors(aggression: float) -> list[tuple[str, float]]:
    return [
        ("", 2 * aggression),
        ("is missing the 2 of the chain rule: ∂χ²/∂p = −2 (y − f)·∂f/∂p, from the square in χ²", aggression),
        (
            "has the wrong sign: ∂χ²/∂p = −2 (y − f)·∂f/∂p (the derivative of (y − f)² with respect to f "
            "is −2 (y − f)), and the step is −aggression·J; one of the two minus signs is lost or doubled",
            -2 * aggression,
        ),
        (
            "has the wrong sign and is missing the 2 of the chain rule: ∂χ²/∂p = −2 (y − f)·∂f/∂p, and the "
            "step is −aggression·J",
            -aggression,
        ),
        ("is not multiplied by −aggression: the step is −aggression·J, not −J", 2.0),
        ("is J itself: the step is −aggression·J", -2.0),
        ("is multiplied by −1/aggression: the step is −aggression·J", 2.0 / aggression),
    ]


def _reference(name: str, x: np.ndarray, y: np.ndarray, mu: float, sig: float, aggression: float) -> np.ndarray:
    """What ``name`` must return: a column of the Gaussian's Jacobian, or the step −aggression·J of χ²."""
    jac = gaussian_jacobian(x, mu, sig)  # columns ∂f/∂μ and ∂f/∂σ
    if name == "steepest_step":
        return 2 * aggression * ((y - gaussian(x, mu, sig)) @ jac)  # −aggression · (−2 (y − f) @ J)
    return jac[..., HEIGHTS_NAMES.index(name)]


def _diagnose_derivative(name: str, values: np.ndarray, x: np.ndarray, mu: float, sig: float) -> str | None:
    variants = (_dfdmu_variants if name == "dfdmu" else _dfdsig_variants)(x, mu, sig)
    for text, candidate in variants[1:]:
        if close(values, candidate):
            return f"{name} {text}."
    return None


def _diagnose_step(
    values: np.ndarray, x: np.ndarray, y: np.ndarray, mu: float, sig: float, aggression: float
) -> str | None:
    """Explain each wrong entry of the step [δμ, δσ] by a factor and a derivative, or return None."""
    r = y - gaussian(x, mu, sig)
    mu_variants, sig_variants = _dfdmu_variants(x, mu, sig), _dfdsig_variants(x, mu, sig)
    copied = ("uses ∂f/∂μ (dfdmu) where ∂f/∂σ (dfdsig) belongs: ∂χ²/∂σ = −2 (y − f)·∂f/∂σ", mu_variants[0][1])
    rows = [("δμ", mu_variants, "dfdmu"), ("δσ", [sig_variants[0], copied, *sig_variants[1:]], "dfdsig")]
    factors = _step_factors(aggression)
    found = []  # (entry, function, what is wrong with the derivative, what is wrong with the factor)
    for k, (entry, variants, func) in enumerate(rows):
        if close(values[k], 2 * aggression * (r @ variants[0][1])):
            continue
        hit = next(
            (
                (d_text, f_text)
                for d_text, derivative in variants
                for f_text, factor in factors
                if (d_text or f_text) and close(values[k], factor * (r @ derivative))
            ),
            None,
        )
        if hit is None:
            return None
        found.append((entry, func, *hit))
    if not found:
        return None
    if len(found) == 2 and not found[0][2] and not found[1][2] and found[0][3] == found[1][3]:
        return f"The whole step {found[0][3]}."  # the same factor is wrong in both rows
    parts = []
    for entry, func, d_text, f_text in found:
        if f_text:
            parts.append(f"{entry} {f_text}")
        if d_text is copied[0]:
            parts.append(f"{entry} {d_text}")
        elif d_text:
            wrong = d_text.split(": ", 1)[0]
            parts.append(f"{entry} is what a {func} that {wrong} gives: check {func} first")
    return "; ".join(parts) + "."


def _explain(values: np.ndarray, trial: Trial, index: int, name: str) -> str | None:
    """The mistake that reproduces wrong values of the right shape, or None."""
    if name != "steepest_step":
        x, mu, sig = trial.args
        return _diagnose_derivative(name, values, x, mu, sig)
    x, y, mu, sig, aggression = trial.args
    found = _diagnose_step(values, x, y, mu, sig, aggression)
    if found is None and index > 0 and close(values, trial.expected * _AGGRESSION / aggression):
        found = f"steepest_step uses a fixed aggression {_AGGRESSION:g} instead of its argument aggression."
    return found


# ---------------------------------------------------------------------------
# The trials
# ---------------------------------------------------------------------------


def _trial(index: int, seed: int, name: str) -> Trial:
    """Trial 0 is the assignment itself; the others are random bins, data and parameters."""
    if index == 0:
        x, y = (np.asarray(a, dtype=float) for a in heights())
        (mu, sig), aggression = _START, _AGGRESSION
        about = f"the heights data at μ = {mu:g}, σ = {sig:g}, aggression {aggression:g}"
    else:
        rng = np.random.default_rng([seed, index])
        n = int(rng.integers(15, 60))
        mu = float(rng.uniform(-5.0, 5.0))
        sig = float(rng.uniform(0.4, 3.0)) if index % 2 else float(rng.uniform(2.0, 6.0))
        x = np.sort(rng.uniform(mu - 3 * sig, mu + 3 * sig, size=n))
        y = rng.uniform(0.0, 1.5 / (sig * np.sqrt(2 * np.pi)), size=n)
        aggression = float(rng.choice([0.5, 3.0, 40.0, 700.0]))
        about = f"random data, N = {n}, μ = {mu:.3f}, σ = {sig:.3f}, aggression {aggression:g}"
    args = (x, y, mu, sig, aggression) if name == "steepest_step" else (x, mu, sig)
    return Trial(args, _reference(name, x, y, mu, sig, aggression), about)


def _shape_message(arr: np.ndarray, trial: Trial, name: str) -> str:
    """Say what is wrong with the shape, and whether the numbers inside are right."""
    expected, n = trial.expected, trial.args[0].size
    got, want = arr.shape, expected.shape
    text = f"{name} has shape {got}, but it must have shape {want}"
    if name == "steepest_step":
        if arr.size == 2:
            text += "; return a flat array, np.array([dmu, dsig])" + right_apart_from_shape(arr.reshape(2), expected)
        elif n in got:
            text += (
                "; it has one entry per bin: each entry of J is a dot product over the bins, "
                "−2 (y − f) @ dfdmu(x, mu, sig), not an entrywise product"
            )
        elif arr.size == 1:
            text += "; it returns one number, but the step has two entries, [δμ, δσ]"
    else:
        if arr.size == 1:
            text += "; it returns one number, but the derivative has one entry per bin x"
        elif arr.size == n:
            text += "; reshape it to the shape of x"
    return text + "."


_ASSIGNMENT = Assignment(
    names=HEIGHTS_NAMES,
    trial=_trial,
    shape_message=_shape_message,
    diagnose=_explain,
    reference=_FORMULAS,
    usual={
        "dfdmu": "a sign, a power of σ, a missing f, the −1/σ term",
        "dfdsig": "a sign, a power of σ, a missing f, the −1/σ term",
        "steepest_step": "a sign, the 2 of the chain rule, −aggression, or a mistake in dfdmu or dfdsig",
    },
    first="the heights data",
    others=("random data set", "random data sets"),
    globals_hint=(
        "It was right on the heights data, so check that the function uses its arguments, not global variables."
    ),
)


def check_heights_function(name: str, func: Callable, *, trials: int = 5, seed: int = 0) -> CheckResult:
    """Check a function of the heights-fitting assignment, and name the mistake if there is one.

    The three functions and what they must return, with
    :math:`f = f(x; \\mu, \\sigma)` the Gaussian and ``x`` the bin centres:

    - ``dfdmu(x, mu, sig)``: :math:`\\partial f/\\partial\\mu = f\\,(x - \\mu)/\\sigma^2`, the
      shape of ``x``;
    - ``dfdsig(x, mu, sig)``:
      :math:`\\partial f/\\partial\\sigma = f\\,[(x - \\mu)^2/\\sigma^3 - 1/\\sigma]`, the shape of ``x``;
    - ``steepest_step(x, y, mu, sig, aggression)``: the array ``[dmu, dsig]`` of shape ``(2,)``,
      :math:`-\\text{aggression}\\cdot J` with
      :math:`J = [-2(y - f)\\cdot\\partial f/\\partial\\mu,\\ -2(y - f)\\cdot\\partial f/\\partial\\sigma]`.

    The first trial is the assignment itself (the heights data of
    :func:`mvcalc.datasets.heights` at the starting guess μ = 155, σ = 6, with
    aggression 2000); the others draw random bins, data, μ, σ (some below 1)
    and aggressions. If the result differs from the formulas above, the
    checker reports, as precisely as it can: a wrong shape (received and
    expected), non-finite values, an exception raised by ``func`` (a
    ``NotImplementedError`` is reported as "not written yet"), or which of the
    usual mistakes reproduces the numbers: the wrong sign; 1/σ or 1/σ³ for
    1/σ² in ∂f/∂μ; a missing factor f; the missing −f/σ term of ∂f/∂σ, or
    +1/σ, or σ² for σ³; the missing 2 of the chain rule; (f − y) for (y − f);
    a step not multiplied by −aggression; ∂f/∂μ used in the σ row of the step;
    a step computed with a wrong ∂f/∂μ or ∂f/∂σ. Otherwise it reports the
    largest discrepancy and where it is.

    Parameters
    ----------
    name : {"dfdmu", "dfdsig", "steepest_step"}
        Which function ``func`` is.
    func : callable
        The reader's function, with the signature above. It receives copies
        of the arrays, so it cannot spoil the checks by changing them.
    trials : int, optional
        How many data sets and parameters to try, at least 1.
    seed : int, optional
        The seed of the random trials (non-negative).

    Returns
    -------
    CheckResult
        ``passed`` (bool) and ``message`` (str); ``str(result)`` is a
        one-paragraph verdict, wrapped to 88 columns.

    Raises
    ------
    ValueError
        If ``name`` is not one of the three names, ``trials < 1`` or ``seed < 0``.
    TypeError
        If ``func`` is not callable, or ``trials`` or ``seed`` is not an integer.

    Examples
    --------
    A correct ``dfdmu``, and a ``dfdsig`` that forgets the prefactor's term:

    >>> def f(x, mu, sig):
    ...     return np.exp(-(x - mu) ** 2 / (2 * sig ** 2)) / np.sqrt(2 * np.pi) / sig
    >>> def dfdmu(x, mu, sig):
    ...     return f(x, mu, sig) * (x - mu) / sig ** 2
    >>> print(check_heights_function("dfdmu", dfdmu))  # doctest: +NORMALIZE_WHITESPACE
    dfdmu: correct. It agrees with ∂f/∂μ = f·(x − μ)/σ² on all 5 trials (the heights data
        and 4 random data sets).
    >>> def dfdsig(x, mu, sig):
    ...     return f(x, mu, sig) * (x - mu) ** 2 / sig ** 3
    >>> result = check_heights_function("dfdsig", dfdsig)
    >>> result.passed
    False
    >>> print(result)  # doctest: +NORMALIZE_WHITESPACE
    dfdsig: not right yet. dfdsig is missing the term −f/σ: f = exp(…)/(σ√(2π)) depends on σ
        twice, in the exponent and in the prefactor 1/σ, whose derivative gives −f/σ; ∂f/∂σ =
        f·[(x − μ)²/σ³ − 1/σ]. (Found on the heights data at μ = 155, σ = 6, aggression 2000.)

    Introduced in: Module 6, *Try It Yourself: Fitting Heights*.
    """
    return check_function(_ASSIGNMENT, name, func, trials, seed)


def check_all_heights(funcs: Mapping[str, Callable], *, trials: int = 5, seed: int = 0) -> dict[str, CheckResult]:
    """Check several functions of the heights assignment at once and print a verdict for each.

    Parameters
    ----------
    funcs : dict
        Maps names among ``"dfdmu"``, ``"dfdsig"`` and ``"steepest_step"`` to
        the reader's functions, as for :func:`check_heights_function`.
    trials, seed : int, optional
        As for :func:`check_heights_function`.

    Returns
    -------
    dict
        The :class:`~mvcalc.checks.CheckResult` of each name, in the assignment's order.

    Raises
    ------
    TypeError
        If ``funcs`` is not a mapping, or a value is not callable.
    ValueError
        If a key is not one of the three names.

    Examples
    --------
    >>> def not_yet(x, mu, sig):
    ...     raise NotImplementedError("write me")
    >>> results = check_all_heights({"dfdsig": not_yet, "dfdmu": not_yet})  # doctest: +NORMALIZE_WHITESPACE
    dfdmu: not right yet. dfdmu is not written yet (it raised NotImplementedError: write me).
    dfdsig: not right yet. dfdsig is not written yet (it raised NotImplementedError: write me).
    0 of 2 correct.
    >>> results["dfdmu"].passed
    False

    Introduced in: Module 6, *Try It Yourself: Fitting Heights*.
    """
    return check_many(_ASSIGNMENT, funcs, trials=trials, seed=seed)
