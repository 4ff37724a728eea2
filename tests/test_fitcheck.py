"""Tests of mvcalc.fitcheck: the checker names each typical mistake in a reader's heights functions.

The "reader's" functions below are written the way the assignment writes them,
independently of the checker's reference, and each wrong one makes one typical
mistake.
"""

from __future__ import annotations

import numpy as np
import pytest

from mvcalc.checks import CheckResult
from mvcalc.fitcheck import HEIGHTS_NAMES, check_all_heights, check_heights_function


def f(x, mu, sig):
    return np.exp(-((x - mu) ** 2) / (2 * sig**2)) / np.sqrt(2 * np.pi) / sig


def dfdmu(x, mu, sig):
    return f(x, mu, sig) * (x - mu) / sig**2


def dfdsig(x, mu, sig):
    return f(x, mu, sig) * ((x - mu) ** 2 / sig**3 - 1 / sig)


def make_step(dmu=dfdmu, dsig=dfdsig, two=2.0, sigma_sign=1.0, times=None, fixed=None):
    """The assignment's steepest_step, with one ingredient swapped for a mistake."""

    def steepest_step(x, y, mu, sig, aggression):
        r = y - f(x, mu, sig)
        J = np.array([-two * r @ dmu(x, mu, sig), -two * sigma_sign * r @ dsig(x, mu, sig)])
        a = fixed if fixed is not None else aggression
        return J * times(a) if times is not None else -a * J

    return steepest_step


def verdict(name, func):
    result = check_heights_function(name, func)
    assert isinstance(result, CheckResult)
    assert not result.passed
    return result.message


# ---------------------------------------------------------------------------
# Correct functions pass
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("name, func", [("dfdmu", dfdmu), ("dfdsig", dfdsig), ("steepest_step", make_step())])
def test_correct_functions_pass(name, func):
    result = check_heights_function(name, func)
    assert result.passed, result.message
    assert "all 5 trials" in result.message
    assert str(result).startswith(f"{name}: correct.")


def test_python_lists_and_a_list_step_are_accepted():
    result = check_heights_function("steepest_step", lambda *args: list(make_step()(*args)))
    assert result.passed, result.message


# ---------------------------------------------------------------------------
# dfdmu
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "func, words",
    [
        (lambda x, mu, sig: -dfdmu(x, mu, sig), "wrong sign"),
        (lambda x, mu, sig: f(x, mu, sig) * (mu - x) / sig**2, "wrong sign"),
        (lambda x, mu, sig: f(x, mu, sig) * (x - mu) / sig, "divides by σ instead of σ²"),
        (lambda x, mu, sig: f(x, mu, sig) * (x - mu) / sig**3, "divides by σ³ instead of σ²"),
        (lambda x, mu, sig: (x - mu) / sig**2, "missing the factor f"),
        (lambda x, mu, sig: f(x, mu, sig) * (x - mu), "missing the factor 1/σ²"),
        (lambda x, mu, sig: f(x, mu, sig) * (x - mu) / (2 * sig**2), "extra factor 1/2"),
        (lambda x, mu, sig: -f(x, mu, sig) * (x - mu) / sig, "overall sign is wrong too"),
    ],
)
def test_dfdmu_mistakes_are_named(func, words):
    assert words in verdict("dfdmu", func)


# ---------------------------------------------------------------------------
# dfdsig
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "func, words",
    [
        (lambda x, mu, sig: f(x, mu, sig) * (x - mu) ** 2 / sig**3, "missing the term −f/σ"),
        (lambda x, mu, sig: -dfdsig(x, mu, sig), "wrong sign"),
        (lambda x, mu, sig: f(x, mu, sig) * ((x - mu) ** 2 / sig**3 + 1 / sig), "+1/σ where −1/σ belongs"),
        (lambda x, mu, sig: -f(x, mu, sig) / sig, "the −1/σ term only"),
        (lambda x, mu, sig: f(x, mu, sig) * ((x - mu) ** 2 / sig**2 - 1 / sig), "by σ² instead of σ³"),
        (lambda x, mu, sig: f(x, mu, sig) * ((x - mu) ** 2 / sig**3 - 1 / sig**2), "−1/σ² where −1/σ belongs"),
        (lambda x, mu, sig: f(x, mu, sig) * ((x - mu) ** 2 / (2 * sig**3) - 1 / sig), "(x − μ)²/(2σ³)"),
        (lambda x, mu, sig: (x - mu) ** 2 / sig**3 - 1 / sig, "missing the factor f"),
        (dfdmu, "computes ∂f/∂μ, not ∂f/∂σ"),
    ],
)
def test_dfdsig_mistakes_are_named(func, words):
    assert words in verdict("dfdsig", func)


# ---------------------------------------------------------------------------
# steepest_step
# ---------------------------------------------------------------------------


def test_missing_two_of_the_chain_rule():
    message = verdict("steepest_step", make_step(two=1.0))
    assert message.startswith("The whole step is missing the 2 of the chain rule")


def test_sign_of_y_minus_f_in_the_sigma_row():
    message = verdict("steepest_step", make_step(sigma_sign=-1.0))
    assert message.startswith("δσ has the wrong sign") and "(y − f)" in message
    assert "δμ" not in message


def test_whole_step_uphill():
    message = verdict("steepest_step", make_step(times=lambda a: a))  # +aggression·J
    assert message.startswith("The whole step has the wrong sign") and "−aggression·J" in message


def test_step_not_multiplied_by_aggression():
    assert "not multiplied by −aggression" in verdict("steepest_step", make_step(times=lambda a: -1.0))


def test_step_returns_the_jacobian():
    assert "is J itself" in verdict("steepest_step", make_step(times=lambda a: 1.0))


def test_step_ignores_its_aggression_argument():
    message = verdict("steepest_step", make_step(fixed=2000.0))
    assert "fixed aggression 2000 instead of its argument" in message
    assert "random data" in message


def test_sigma_row_copied_from_the_mu_row():
    assert "δσ uses ∂f/∂μ (dfdmu) where ∂f/∂σ (dfdsig) belongs" in verdict("steepest_step", make_step(dsig=dfdmu))


def test_step_with_a_wrong_dfdsig_points_at_dfdsig():
    wrong = make_step(dsig=lambda x, mu, sig: f(x, mu, sig) * (x - mu) ** 2 / sig**3)
    message = verdict("steepest_step", wrong)
    assert "δσ is what a dfdsig that is missing the term −f/σ gives: check dfdsig first" in message


def test_step_with_a_wrong_dfdmu_points_at_dfdmu():
    wrong = make_step(dmu=lambda x, mu, sig: f(x, mu, sig) * (x - mu) / sig)
    assert "δμ is what a dfdmu that divides by σ instead of σ² gives" in verdict("steepest_step", wrong)


def test_entrywise_product_instead_of_dot_product():
    def step(x, y, mu, sig, aggression):
        r = y - f(x, mu, sig)
        return -aggression * np.array([-2 * r * dfdmu(x, mu, sig), -2 * r * dfdsig(x, mu, sig)])

    message = verdict("steepest_step", step)
    assert "has shape (2, 100)" in message and "dot product over the bins" in message


def test_column_step_is_a_shape_error_with_right_values():
    message = verdict("steepest_step", lambda *args: make_step()(*args)[:, None])
    assert "shape (2, 1), but it must have shape (2,)" in message
    assert "Apart from the shape, its values are right" in message


def test_a_step_calling_an_unwritten_derivative_says_which():
    def not_yet(x, mu, sig):
        raise NotImplementedError("write me")

    message = verdict("steepest_step", make_step(dsig=not_yet))
    assert (
        message
        == "steepest_step calls not_yet, which is not written yet (it raised NotImplementedError): write not_yet first."
    )


# ---------------------------------------------------------------------------
# Generic failures
# ---------------------------------------------------------------------------


def test_not_written_yet():
    def dfdmu(x, mu, sig):
        raise NotImplementedError("write me")

    assert verdict("dfdmu", dfdmu) == "dfdmu is not written yet (it raised NotImplementedError: write me)."


def test_exception_is_reported_with_type_message_and_line():
    def dfdsig(x, mu, sig):
        return f(x, mu, sig) * undefined_name  # noqa: F821

    message = verdict("dfdsig", dfdsig)
    assert "raised NameError" in message and "undefined_name" in message and "line" in message


def test_wrong_shape_and_none_and_non_numbers():
    assert "has shape (3,), but it must have shape (100,)" in verdict("dfdmu", lambda x, mu, sig: dfdmu(x, mu, sig)[:3])
    assert "returns one number" in verdict("dfdmu", lambda x, mu, sig: float(np.sum(dfdmu(x, mu, sig))))
    assert "returned None" in verdict("dfdsig", lambda x, mu, sig: None)
    assert "not an array of real numbers" in verdict("dfdsig", lambda x, mu, sig: "df")


def test_not_finite():
    message = verdict("dfdmu", lambda x, mu, sig: np.where(x > mu, np.inf, dfdmu(x, mu, sig)))
    assert "non-finite value" in message


def test_other_errors_give_the_largest_discrepancy_and_a_constant_factor():
    message = verdict("dfdmu", lambda x, mu, sig: 1.3 * dfdmu(x, mu, sig))
    assert "largest discrepancy" in message and "1.3 times the right value" in message


def test_global_variables_are_suspected_when_only_the_heights_trial_passes():
    from mvcalc.datasets import heights

    x0, _ = heights()

    def uses_global_x(x, mu, sig):
        return dfdmu(x0, mu, sig) if x.shape == x0.shape else dfdmu(x0[: x.size], mu, sig)

    assert "not global variables" in verdict("dfdmu", uses_global_x)


def test_reader_cannot_spoil_the_data():
    def mutates(x, mu, sig):
        value = f(x, mu, sig) * (x - mu) ** 2 / sig**3  # missing the −f/σ term
        x[:] = 0
        return value

    # the diagnosis recomputes with the trial's x: it names the mistake only if x is intact
    assert "missing the term −f/σ" in verdict("dfdsig", mutates)


def test_verdicts_are_wrapped_to_88_columns():
    result = check_heights_function("dfdsig", lambda x, mu, sig: f(x, mu, sig) * (x - mu) ** 2 / sig**3)
    assert all(len(line) <= 88 for line in str(result).splitlines())
    assert str(result).startswith("dfdsig: not right yet.")


# ---------------------------------------------------------------------------
# check_all_heights and validation
# ---------------------------------------------------------------------------


def test_check_all_heights_prints_in_order(capsys):
    results = check_all_heights({"steepest_step": make_step(), "dfdmu": dfdmu, "dfdsig": dfdmu})
    assert list(results) == list(HEIGHTS_NAMES)
    out = capsys.readouterr().out
    assert out.index("dfdmu: correct") < out.index("dfdsig: not right yet") < out.index("steepest_step: correct")
    assert out.strip().endswith("2 of 3 correct.")


@pytest.mark.parametrize(
    "kwargs, error",
    [
        (dict(name="dfdx", func=dfdmu), ValueError),
        (dict(name="dfdmu", func=3), TypeError),
        (dict(name="dfdmu", func=dfdmu, trials=0), ValueError),
        (dict(name="dfdmu", func=dfdmu, trials=2.0), TypeError),
        (dict(name="dfdmu", func=dfdmu, seed=-1), ValueError),
        (dict(name="dfdmu", func=dfdmu, seed=True), TypeError),
    ],
)
def test_validation(kwargs, error):
    name, func = kwargs.pop("name"), kwargs.pop("func")
    with pytest.raises(error):
        check_heights_function(name, func, **kwargs)


def test_check_all_validation():
    with pytest.raises(TypeError):
        check_all_heights([dfdmu])
    with pytest.raises(ValueError):
        check_all_heights({"J_W1": dfdmu})
    with pytest.raises(TypeError):
        check_all_heights({"dfdmu": "dfdmu"})


def test_one_trial_and_other_seeds():
    assert "on all 1 trial (the heights data)" in check_heights_function("dfdmu", dfdmu, trials=1).message
    assert check_heights_function("dfdsig", dfdsig, trials=8, seed=3).passed
