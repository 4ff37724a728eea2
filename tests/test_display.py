"""Tests of mvcalc.display: numbers typeset for the prose."""

import numpy as np
import pytest

from mvcalc.display import sci_latex


@pytest.mark.parametrize(
    "value, digits, expected",
    [
        (1.4901161193847656e-08, 1, r"$1.5 \times 10^{-8}$"),
        (2.220446049250313e-16, 1, r"$2.2 \times 10^{-16}$"),
        (-2500.0, 2, r"$-2.50 \times 10^{3}$"),
        (1.0, 0, r"$1 \times 10^{0}$"),
        (np.float64(9.96e-5), 1, r"$1.0 \times 10^{-4}$"),  # rounding carries into the exponent
    ],
)
def test_sci_latex(value, digits, expected):
    assert sci_latex(value, digits) == expected


@pytest.mark.parametrize(
    "value, error",
    [(np.nan, ValueError), (np.inf, ValueError), ("1e-8", TypeError), (True, TypeError), (1j, TypeError)],
)
def test_sci_latex_rejects_bad_values(value, error):
    with pytest.raises(error, match="value must be"):
        sci_latex(value)


@pytest.mark.parametrize("digits, error", [(-1, ValueError), (1.5, TypeError), (True, TypeError)])
def test_sci_latex_rejects_bad_digits(digits, error):
    with pytest.raises(error, match="digits must be a non-negative integer"):
        sci_latex(1.0, digits)


from mvcalc.display import digits_of_agreement  # noqa: E402


@pytest.mark.parametrize(
    "value, reference, most, expected",
    [
        (3.14159, np.pi, 12, 6),  # |3.14159 - pi| / pi = 8.4e-7
        (1.02, 1.0, 12, 1),  # relative error 0.02: one digit
        ([1.0, 2.0], [1.0, 2.0], 12, 12),  # identical: the cap
        ([1.0 + 1e-9, 0.0], [1.0, 0.0], 7, 7),  # 9 digits, capped at 7
        ([[3.0, 4.0]], [[3.0, 4.0 + 5e-4]], 12, 4),  # 2-norm over all entries: 5e-4 / 5 = 1e-4
    ],
)
def test_digits_of_agreement(value, reference, most, expected):
    assert digits_of_agreement(value, reference, most) == expected


@pytest.mark.parametrize(
    "args, match",
    [
        (([1.0, 2.0], [1.0]), "same shape"),
        (([1.0], [0.0]), "not be all zero"),
        (([1.0], [1.0], 0), "positive integer"),
        (([np.nan], [1.0]), "finite"),
    ],
)
def test_digits_of_agreement_rejects_bad_input(args, match):
    with pytest.raises(ValueError, match=match):
        digits_of_agreement(*args)
