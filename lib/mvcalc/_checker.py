"""The core the two assignment checkers share: :mod:`mvcalc.checks` and :mod:`mvcalc.fitcheck`.

A checker runs the reader's function on a few trials (the assignment's own data, then random ones),
compares each result with a reference, and when it differs says why as precisely as it can. What
is the same for every assignment lives here, once: calling the reader's function safely, turning
what it returned into an array, the closeness test, the messages for an exception, a non-finite
value or unexplained wrong values, the loop over the trials, and checking several functions at
once. What is particular to an assignment (its trials, its hints about a wrong shape, the usual
mistakes it knows) each checker passes in.
"""

from __future__ import annotations

import copy
import os
import sysconfig
import textwrap
import traceback
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ._validation import check_callable, check_integer

#: The closeness test: each entry within RTOL of itself, plus ATOL of the largest expected entry.
#: Rounding differences between two right ways of computing a result are about 1e-13 here; an answer
#: wrong in the 4th significant digit is off by more than 1e-4, so it is rejected.
RTOL = 1e-6
ATOL = 1e-9


@dataclass(frozen=True)
class CheckResult:
    """The verdict of a checker on one of the reader's functions.

    Returned by :func:`mvcalc.checks.check_jacobian` and
    :func:`mvcalc.fitcheck.check_heights_function`.

    Attributes
    ----------
    name : str
        Which function was checked, e.g. ``"J_b2"``.
    passed : bool
        True if the function agrees with the reference on every trial.
    message : str
        What was found: on success, what was compared; otherwise the mistake,
        as precisely as the checker can name it.

    Introduced in: Module 3, *Try It Yourself: Backpropagation*.
    """

    name: str
    passed: bool
    message: str

    def __str__(self) -> str:
        verdict = "correct" if self.passed else "not right yet"
        # wrapped, so that a verdict reads without scrolling in a notebook or on the page
        return textwrap.fill(f"{self.name}: {verdict}. {self.message}", width=88, subsequent_indent="    ")


# Documented, and found by pickle and autodoc, under the module that introduces it (numpy's set_module).
CheckResult.__module__ = "mvcalc.checks"


@dataclass(frozen=True)
class Trial:
    """One run of the reader's function: its arguments, the right result, and what the data are."""

    args: tuple
    expected: np.ndarray
    about: str  # e.g. "the assignment's data (heart curve, N = 100)", for the messages


def check_name(name: Any, names: Sequence[str], what: str = "name") -> str:
    """Return ``name`` if it is one of ``names``, else raise ``ValueError`` saying which are allowed."""
    if not isinstance(name, str) or name not in names:
        raise ValueError(f"{what} must be one of {', '.join(names)}, got {name!r}")
    return name


def close(received: np.ndarray, expected: np.ndarray) -> bool:
    """True if ``received`` has the shape of ``expected`` and agrees with it to :data:`RTOL` and :data:`ATOL`."""
    received, expected = np.asarray(received), np.asarray(expected)
    if received.shape != expected.shape:
        return False
    scale = float(np.max(np.abs(expected), initial=0.0))
    # RTOL and ATOL are read at each call, so that a test can loosen them and see a near miss pass
    bound = RTOL * np.abs(expected) + ATOL * scale + np.finfo(np.float64).tiny
    return bool(np.all(np.abs(received - expected) <= bound))


# ---------------------------------------------------------------------------
# Calling the reader's function
# ---------------------------------------------------------------------------

# Frames in these folders (numpy, the standard library, mvcalc itself) are not the reader's code.
_LIBRARY_FOLDERS = tuple(
    {os.path.abspath(sysconfig.get_paths()[key]) + os.sep for key in ("stdlib", "platstdlib", "purelib", "platlib")}
    | {os.path.dirname(os.path.abspath(__file__)) + os.sep}
)


def _reader_frame(exc: BaseException) -> traceback.FrameSummary | None:
    """The innermost frame of the traceback that is in the reader's code (else the innermost frame)."""
    frames = traceback.extract_tb(exc.__traceback__)[1:]  # drop the frame of call() itself
    own = [f for f in frames if not os.path.abspath(f.filename).startswith(_LIBRARY_FOLDERS)]
    return (own or frames or [None])[-1]


def call(func: Callable, args: tuple) -> tuple[Any, BaseException | None, str]:
    """Call the reader's function on copies of ``args``; return (result, exception, where it was raised).

    The copies keep the trials intact whatever ``func`` does to its arguments. ``where`` is
    ``" (line 3: J = W @ delta)"``, or ``" (line 3 of helper: ...)"`` when the line is in another
    function of the reader's than ``func``, or ``""`` when no line is known.
    """
    try:
        return func(*copy.deepcopy(args)), None, ""
    except Exception as exc:  # the reader's code may raise anything: report it
        frame = _reader_frame(exc)
        if frame is None or not frame.line:
            return None, exc, ""
        other = frame.name not in (getattr(func, "__name__", None), "<lambda>")
        return None, exc, f" (line {frame.lineno}{' of ' + frame.name if other else ''}: {frame.line.strip()})"


def exception_message(name: str, func: Callable, exc: BaseException, where: str, about: str) -> str:
    """What to say about the reader's exception; a stub's NotImplementedError is "not written yet"."""
    if isinstance(exc, NotImplementedError):
        tb = traceback.extract_tb(exc.__traceback__)
        raised_in = tb[-1].name if tb else name
        if raised_in not in (getattr(func, "__name__", name), name, "<lambda>"):
            return (
                f"{name} calls {raised_in}, which is not written yet (it raised NotImplementedError): "
                f"write {raised_in} first."
            )
        return f"{name} is not written yet (it raised NotImplementedError{': ' + str(exc) if str(exc) else ''})."
    return f"{name} raised {type(exc).__name__}: {exc}{where} (on {about})."


def as_result_array(value: Any, name: str, expected_shape: tuple[int, ...]) -> tuple[np.ndarray | None, str]:
    """The reader's result as a float array, or None and a message saying why it is not one."""
    if value is None:
        return None, f"{name} returned None: is the `return` statement missing?"
    try:
        arr = np.asarray(value)
    except Exception:  # e.g. a ragged list
        arr = np.asarray(None)
    if arr.dtype == bool or arr.dtype.kind not in "iuf":
        return None, (
            f"{name} returned {type(value).__name__} {value!r:.60}, not an array of real numbers; "
            f"it should return an array of shape {expected_shape}."
        )
    return arr.astype(np.float64), ""


def right_apart_from_shape(fixed: np.ndarray | None, expected: np.ndarray) -> str:
    """For a shape message: say so when the result, brought to the right shape (``fixed``), is right."""
    return ". Apart from the shape, its values are right" if fixed is not None and close(fixed, expected) else ""


def _non_finite_message(values: np.ndarray, name: str, about: str) -> str | None:
    bad = np.argwhere(~np.isfinite(values))
    if bad.size == 0:
        return None
    index = tuple(int(i) for i in bad[0])
    return f"{name} returned a non-finite value, {values[index]}, at index {index} (on {about})."


def wrong_values_message(values: np.ndarray, expected: np.ndarray, name: str, about: str, usual: str) -> str:
    """Values of the right shape that no known mistake explains: the largest discrepancy, and a constant factor."""
    diff = np.abs(values - expected)
    index = tuple(int(i) for i in np.unravel_index(np.argmax(diff), diff.shape))
    text = (
        f"{name} has the right shape but wrong values, and they match none of the usual mistakes ({usual}). "
        f"The largest discrepancy is at index {index}: got {values[index]:.6g}, expected {expected[index]:.6g} "
        f"(on {about})"
    )
    denominator = float(np.vdot(expected, expected))
    if denominator > 0:
        c = float(np.vdot(values, expected)) / denominator  # the least-squares factor
        if close(values, c * expected):
            text += f". All of it is {c:.6g} times the right value: look for a wrong constant factor"
    return text + "."


# ---------------------------------------------------------------------------
# The loop over the trials
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Assignment:
    """What a checker knows of its assignment; :func:`check_function` does the rest.

    Attributes
    ----------
    names
        The functions the reader writes, in the assignment's order.
    trial
        ``trial(index, seed, name)``: the trial ``index`` for the function ``name``; trial 0 is the
        assignment's own data, the others are drawn with the seed ``[seed, index]``.
    shape_message
        ``shape_message(values, trial, name)``: what is wrong with a result of the wrong shape.
    diagnose
        ``diagnose(values, trial, index, name)``: the mistake that reproduces wrong values of the
        right shape, in a sentence, or None.
    reference, usual
        For each name: what a right result agrees with, and the usual mistakes (for the message
        when none of them explains the values).
    first, others
        What the first trial is, and the singular and plural of what the others are.
    globals_hint
        The sentence to add when wrong values appear after the first trial was right.
    exception_note
        ``exception_note(name, func, exc, seed)``: text to add after the message of an exception
        (e.g. what the function does on data where it runs), or None.
    """

    names: tuple[str, ...]
    trial: Callable[[int, int, str], Trial]
    shape_message: Callable[[np.ndarray, Trial, str], str]
    diagnose: Callable[[np.ndarray, Trial, int, str], str | None]
    reference: Mapping[str, str]
    usual: Mapping[str, str]
    first: str
    others: tuple[str, str]
    globals_hint: str
    exception_note: Callable[[str, Callable, BaseException, int], str] | None = None


def check_function(assignment: Assignment, name: Any, func: Any, trials: Any, seed: Any) -> CheckResult:
    """Check the reader's function ``name`` on ``trials`` trials; the verdict is at the first that fails."""
    check_name(name, assignment.names)
    check_callable(func, "func")
    trials = check_integer(trials, "trials")
    seed = check_integer(seed, "seed", minimum=0)
    for index in range(trials):
        trial = assignment.trial(index, seed, name)
        value, exc, where = call(func, trial.args)
        if exc is not None:
            message = exception_message(name, func, exc, where, trial.about)
            if assignment.exception_note is not None and not isinstance(exc, NotImplementedError):
                message += assignment.exception_note(name, func, exc, seed)
            return CheckResult(name, False, message)
        values, problem = as_result_array(value, name, trial.expected.shape)
        if values is None:
            return CheckResult(name, False, problem)
        if values.shape != trial.expected.shape:
            return CheckResult(name, False, assignment.shape_message(values, trial, name))
        problem = _non_finite_message(values, name, trial.about)
        if problem is not None:
            return CheckResult(name, False, problem)
        if close(values, trial.expected):
            continue
        found = assignment.diagnose(values, trial, index, name)
        if found is not None:
            return CheckResult(name, False, f"{found} (Found on {trial.about}.)")
        message = wrong_values_message(values, trial.expected, name, trial.about, assignment.usual[name])
        return CheckResult(name, False, message + (f" {assignment.globals_hint}" if index > 0 else ""))
    what = assignment.first + (f" and {trials - 1} {assignment.others[trials > 2]}" if trials > 1 else "")
    plural = "s" if trials > 1 else ""
    reference = assignment.reference[name]
    return CheckResult(name, True, f"It agrees with {reference} on all {trials} trial{plural} ({what}).")


def check_many(assignment: Assignment, funcs: Any, *, trials: int, seed: int) -> dict[str, CheckResult]:
    """Check each function of ``funcs``, print each verdict and a count; return the verdicts.

    ``funcs`` maps names among ``assignment.names`` to functions; they are checked (and printed)
    in the assignment's order.
    """
    names = assignment.names
    if not isinstance(funcs, Mapping):
        raise TypeError(
            f"funcs must be a dict mapping names such as {names[0]!r} to functions, got {type(funcs).__name__}"
        )
    for key, func in funcs.items():
        check_name(key, names, what="each key of funcs")
        check_callable(func, f"funcs[{key!r}]")
    results = {}
    for key in sorted(funcs, key=names.index):
        results[key] = check_function(assignment, key, funcs[key], trials, seed)
        print(results[key])
    if len(results) > 1:
        print(f"{sum(r.passed for r in results.values())} of {len(results)} correct.")
    return results
