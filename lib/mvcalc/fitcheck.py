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

import traceback
from typing import Any, Callable, Mapping

import numpy as np

from ._validation import check_callable, check_integer
from .checks import CheckResult, _as_result_array

__all__ = ["HEIGHTS_NAMES", "CheckResult", "check_heights_function", "check_all_heights"]

#: The three functions the reader writes, in the assignment's order.
HEIGHTS_NAMES = ("dfdmu", "dfdsig", "steepest_step")

_START = (155.0, 6.0)  # the assignment's starting guess
_AGGRESSION = 2000.0  # the assignment's aggression
_RTOL = 1e-7  # relative to the largest entry of the expected array

_SIGNATURES = {
    "dfdmu": "dfdmu(x, mu, sig)",
    "dfdsig": "dfdsig(x, mu, sig)",
    "steepest_step": "steepest_step(x, y, mu, sig, aggression)",
}


# ---------------------------------------------------------------------------
# The reference and its usual mistakes
# ---------------------------------------------------------------------------


def _f(x: np.ndarray, mu: float, sig: float) -> np.ndarray:
    return np.exp(-((x - mu) ** 2) / (2 * sig**2)) / (sig * np.sqrt(2 * np.pi))


def _dfdmu_variants(x: np.ndarray, mu: float, sig: float) -> list[tuple[str, np.ndarray]]:
    """(description, values) of ∂f/∂μ: the right one first, then the usual mistakes."""
    f, d = _f(x, mu, sig), x - mu
    right = f * d / sig**2
    base = [
        ("", right),
        ("divides by σ instead of σ²: ∂f/∂μ = f·(x − μ)/σ², with σ squared, because the exponent "
         "−(x − μ)²/(2σ²) has derivative (x − μ)/σ² with respect to μ", f * d / sig),
        ("divides by σ³ instead of σ²: ∂f/∂μ = f·(x − μ)/σ²; σ³ belongs to ∂f/∂σ", f * d / sig**3),
        ("is missing the factor 1/σ²: ∂f/∂μ = f·(x − μ)/σ²", f * d),
        ("is missing the factor f: the derivative of exp(g) is exp(g)·g′, so ∂f/∂μ = f·(x − μ)/σ², "
         "not (x − μ)/σ²", d / sig**2),
        ("has (x − μ)² where (x − μ) belongs: ∂f/∂μ = f·(x − μ)/σ²", f * d**2 / sig**2),
        ("has an extra factor 1/2: the 2 of (x − μ)² cancels the 2 of 2σ², so ∂f/∂μ = f·(x − μ)/σ²",
         f * d / (2 * sig**2)),
    ]
    return _with_signs(base, "∂f/∂μ = f·(x − μ)/σ², positive where x > μ: moving the peak right raises f there")


def _dfdsig_variants(x: np.ndarray, mu: float, sig: float) -> list[tuple[str, np.ndarray]]:
    """(description, values) of ∂f/∂σ: the right one first, then the usual mistakes."""
    f, d = _f(x, mu, sig), x - mu
    a, b = f * d**2 / sig**3, f / sig
    base = [
        ("", a - b),
        ("is missing the term −f/σ: f = exp(…)/(σ√(2π)) depends on σ twice, in the exponent and in the "
         "prefactor 1/σ, whose derivative gives −f/σ; ∂f/∂σ = f·[(x − μ)²/σ³ − 1/σ]", a),
        ("has +1/σ where −1/σ belongs: the prefactor 1/σ has derivative −1/σ², so "
         "∂f/∂σ = f·[(x − μ)²/σ³ − 1/σ]", a + b),
        ("has the −1/σ term only: the exponent −(x − μ)²/(2σ²) depends on σ too, and gives "
         "f·(x − μ)²/σ³; ∂f/∂σ = f·[(x − μ)²/σ³ − 1/σ]", -b),
        ("divides (x − μ)² by σ² instead of σ³: the derivative of −1/(2σ²) is 1/σ³, so "
         "∂f/∂σ = f·[(x − μ)²/σ³ − 1/σ]", f * d**2 / sig**2 - b),
        ("has −1/σ² where −1/σ belongs: ∂f/∂σ = f·[(x − μ)²/σ³ − 1/σ]", a - f / sig**2),
        ("has (x − μ)²/(2σ³) where (x − μ)²/σ³ belongs: the derivative of −1/(2σ²) is +1/σ³, the 2 "
         "cancels; ∂f/∂σ = f·[(x − μ)²/σ³ − 1/σ]", a / 2 - b),
        ("is missing the factor f: ∂f/∂σ = f·[(x − μ)²/σ³ − 1/σ], not (x − μ)²/σ³ − 1/σ",
         d**2 / sig**3 - 1 / sig),
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
        ("has the wrong sign: ∂χ²/∂p = −2 (y − f)·∂f/∂p (the derivative of (y − f)² with respect to f "
         "is −2 (y − f)), and the step is −aggression·J; one of the two minus signs is lost or doubled",
         -2 * aggression),
        ("has the wrong sign and is missing the 2 of the chain rule: ∂χ²/∂p = −2 (y − f)·∂f/∂p, and the "
         "step is −aggression·J", -aggression),
        ("is not multiplied by −aggression: the step is −aggression·J, not −J", 2.0),
        ("is J itself: the step is −aggression·J", -2.0),
        ("is multiplied by −1/aggression: the step is −aggression·J", 2.0 / aggression),
    ]


def _reference(name: str, x: np.ndarray, y: np.ndarray | None, mu: float, sig: float,
               aggression: float) -> np.ndarray:
    if name == "dfdmu":
        return _dfdmu_variants(x, mu, sig)[0][1]
    if name == "dfdsig":
        return _dfdsig_variants(x, mu, sig)[0][1]
    r = y - _f(x, mu, sig)
    return 2 * aggression * np.array([r @ _dfdmu_variants(x, mu, sig)[0][1], r @ _dfdsig_variants(x, mu, sig)[0][1]])


def _close(values: np.ndarray, expected: np.ndarray) -> bool:
    scale = float(np.max(np.abs(expected))) if expected.size else 0.0
    return values.shape == expected.shape and bool(np.all(np.abs(values - expected) <= _RTOL * scale + 1e-300))


def _diagnose_derivative(name: str, values: np.ndarray, x: np.ndarray, mu: float, sig: float) -> str | None:
    variants = (_dfdmu_variants if name == "dfdmu" else _dfdsig_variants)(x, mu, sig)
    for text, candidate in variants[1:]:
        if _close(values, candidate):
            return f"{name} {text}."
    return None


def _diagnose_step(values: np.ndarray, x: np.ndarray, y: np.ndarray, mu: float, sig: float,
                   aggression: float) -> str | None:
    """Explain each wrong entry of the step [δμ, δσ] by a factor and a derivative, or return None."""
    r = y - _f(x, mu, sig)
    mu_variants, sig_variants = _dfdmu_variants(x, mu, sig), _dfdsig_variants(x, mu, sig)
    copied = ("uses ∂f/∂μ (dfdmu) where ∂f/∂σ (dfdsig) belongs: ∂χ²/∂σ = −2 (y − f)·∂f/∂σ", mu_variants[0][1])
    rows = [("δμ", mu_variants, "dfdmu"), ("δσ", [sig_variants[0], copied, *sig_variants[1:]], "dfdsig")]
    factors = _step_factors(aggression)
    found = []  # (entry, function, what is wrong with the derivative, what is wrong with the factor)
    for k, (entry, variants, func) in enumerate(rows):
        if np.isclose(values[k], 2 * aggression * (r @ variants[0][1]), rtol=_RTOL, atol=1e-300):
            continue
        hit = next(((d_text, f_text) for d_text, derivative in variants for f_text, factor in factors
                    if (d_text or f_text) and np.isclose(values[k], factor * (r @ derivative),
                                                         rtol=_RTOL, atol=1e-300)), None)
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


# ---------------------------------------------------------------------------
# Running the reader's function
# ---------------------------------------------------------------------------


def _trial(index: int, seed: int) -> tuple[np.ndarray, np.ndarray, float, float, float, str]:
    """Trial 0 is the assignment itself; the others are random bins, data and parameters."""
    if index == 0:
        from .datasets import heights

        x, y = heights()
        x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
        return x, y, *_START, _AGGRESSION, (
            f"the heights data at μ = {_START[0]:g}, σ = {_START[1]:g}, aggression {_AGGRESSION:g}")
    rng = np.random.default_rng([seed, index])
    n = int(rng.integers(15, 60))
    mu = float(rng.uniform(-5.0, 5.0))
    sig = float(rng.uniform(0.4, 3.0)) if index % 2 else float(rng.uniform(2.0, 6.0))
    x = np.sort(rng.uniform(mu - 3 * sig, mu + 3 * sig, size=n))
    y = rng.uniform(0.0, 1.5 / (sig * np.sqrt(2 * np.pi)), size=n)
    aggression = float(rng.choice([0.5, 3.0, 40.0, 700.0]))
    return x, y, mu, sig, aggression, (
        f"random data, N = {n}, μ = {mu:.3f}, σ = {sig:.3f}, aggression {aggression:g}")


def _call(name: str, func: Callable, x: np.ndarray, y: np.ndarray, mu: float, sig: float,
          aggression: float) -> tuple[Any, BaseException | None, str]:
    """Call the reader's function on copies; return (result, exception, where it was raised)."""
    try:
        if name == "steepest_step":
            return func(x.copy(), y.copy(), mu, sig, aggression), None, ""
        return func(x.copy(), mu, sig), None, ""
    except Exception as exc:  # the reader's code may raise anything: report it
        frames = traceback.extract_tb(exc.__traceback__)[1:]  # drop this function's own frame
        frame = frames[-1] if frames else None
        where = f" (line {frame.lineno}: {frame.line.strip()})" if frame is not None and frame.line else ""
        if frame is not None and frame.name != getattr(func, "__name__", None) and frame.name != "<lambda>":
            where += f" in {frame.name}"
        return None, exc, where


def _exception_message(name: str, func: Callable, exc: BaseException, where: str, about: str) -> str:
    if isinstance(exc, NotImplementedError):
        tb = traceback.extract_tb(exc.__traceback__)
        raised_in = tb[-1].name if tb else name
        own = getattr(func, "__name__", name)
        if raised_in not in (own, name, "<lambda>"):
            return (f"{name} calls {raised_in}, which is not written yet (it raised NotImplementedError): "
                    f"write {raised_in} first.")
        return f"{name} is not written yet (it raised NotImplementedError{': ' + str(exc) if str(exc) else ''})."
    return f"{name} raised {type(exc).__name__}: {exc}{where} (on {about})."


def _shape_message(name: str, arr: np.ndarray, expected: np.ndarray, n: int) -> str:
    got, want = arr.shape, expected.shape
    text = f"{name} has shape {got}, but it must have shape {want}"
    if name == "steepest_step":
        if arr.size == 2:
            text += "; return a flat array, np.array([dmu, dsig])"
            if _close(arr.reshape(2), expected):
                text += ". Apart from the shape, its values are right"
        elif n in got:
            text += ("; it has one entry per bin: each entry of J is a dot product over the bins, "
                     "−2 (y − f) @ dfdmu(x, mu, sig), not an entrywise product")
        elif arr.size == 1:
            text += "; it returns one number, but the step has two entries, [δμ, δσ]"
    else:
        if arr.size == 1:
            text += "; it returns one number, but the derivative has one entry per bin x"
        elif arr.size == n:
            text += "; reshape it to the shape of x"
    return text + "."


def _wrong_values(name: str, values: np.ndarray, expected: np.ndarray, about: str) -> str:
    diff = np.abs(values - expected)
    index = tuple(int(i) for i in np.unravel_index(np.argmax(diff), diff.shape))
    usual = ("a sign, a power of σ, a missing f, the −1/σ term" if name != "steepest_step"
             else "a sign, the 2 of the chain rule, −aggression, or a mistake in dfdmu or dfdsig")
    text = (f"{name} has the right shape but wrong values, and they match none of the usual mistakes "
            f"({usual}). The largest discrepancy is at index {index}: got {values[index]:.6g}, "
            f"expected {expected[index]:.6g} (on {about})")
    denominator = float(np.vdot(expected, expected))
    if denominator > 0:
        c = float(np.vdot(values, expected)) / denominator
        if _close(values, c * expected):
            text += f". All of it is {c:.6g} times the right value: look for a wrong constant factor"
    return text + "."


def _validate(name: Any, func: Any, trials: Any, seed: Any) -> None:
    if not isinstance(name, str) or name not in HEIGHTS_NAMES:
        raise ValueError(f"name must be one of {', '.join(HEIGHTS_NAMES)}, got {name!r}")
    check_callable(func, "func")
    trials = check_integer(trials, "trials")
    seed = check_integer(seed, "seed", minimum=0)


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
    _validate(name, func, trials, seed)
    formula = {"dfdmu": "∂f/∂μ = f·(x − μ)/σ²", "dfdsig": "∂f/∂σ = f·[(x − μ)²/σ³ − 1/σ]",
               "steepest_step": "−aggression·J, J = [−2 (y − f)·∂f/∂μ, −2 (y − f)·∂f/∂σ]"}[name]
    for index in range(trials):
        x, y, mu, sig, aggression, about = _trial(index, seed)
        expected = _reference(name, x, y, mu, sig, aggression)
        value, exc, where = _call(name, func, x, y, mu, sig, aggression)
        if exc is not None:
            return CheckResult(name, False, _exception_message(name, func, exc, where, about))
        values, problem = _as_result_array(value, name, expected.shape)
        if values is None:
            return CheckResult(name, False, problem)
        if values.shape != expected.shape:
            return CheckResult(name, False, _shape_message(name, values, expected, x.size))
        if not np.all(np.isfinite(values)):
            bad = tuple(int(i) for i in np.argwhere(~np.isfinite(values))[0])
            return CheckResult(name, False, f"{name} returned a non-finite value, {values[bad]}, at index {bad} "
                                            f"(on {about}).")
        if _close(values, expected):
            continue
        if name == "steepest_step":
            found = _diagnose_step(values, x, y, mu, sig, aggression)
            if found is None and index > 0 and _close(values, expected * _AGGRESSION / aggression):
                found = (f"steepest_step uses a fixed aggression {_AGGRESSION:g} instead of its argument "
                         "aggression.")
        else:
            found = _diagnose_derivative(name, values, x, mu, sig)
        if found is not None:
            message = f"{found} (Found on {about}.)"
        else:
            message = _wrong_values(name, values, expected, about)
            if index > 0:
                message += (" It was right on the heights data, so check that the function uses its arguments, "
                            "not global variables.")
        return CheckResult(name, False, message)
    others = trials - 1
    what = "the heights data" + (f" and {others} random data set{'s' if others > 1 else ''}" if others else "")
    plural = "s" if trials > 1 else ""
    return CheckResult(name, True, f"It agrees with {formula} on all {trials} trial{plural} ({what}).")


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
    if not isinstance(funcs, Mapping):
        raise TypeError(f"funcs must be a dict mapping names such as 'dfdmu' to functions, got {type(funcs).__name__}")
    for key, func in funcs.items():
        if not isinstance(key, str) or key not in HEIGHTS_NAMES:
            raise ValueError(f"keys must be among {', '.join(HEIGHTS_NAMES)}, got {key!r}")
        check_callable(func, f"funcs[{key!r}]")
    results = {}
    for key in sorted(funcs, key=HEIGHTS_NAMES.index):
        results[key] = check_heights_function(key, funcs[key], trials=trials, seed=seed)
        print(results[key])
    if len(results) > 1:
        print(f"{sum(r.passed for r in results.values())} of {len(results)} correct.")
    return results
