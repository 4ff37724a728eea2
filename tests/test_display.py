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


@pytest.mark.parametrize("value, error", [(np.nan, ValueError), (np.inf, ValueError), ("1e-8", TypeError),
                                          (True, TypeError), (1j, TypeError)])
def test_sci_latex_rejects_bad_values(value, error):
    with pytest.raises(error, match="value must be"):
        sci_latex(value)


@pytest.mark.parametrize("digits", [-1, 1.5, True])
def test_sci_latex_rejects_bad_digits(digits):
    with pytest.raises(ValueError, match="digits must be a non-negative integer"):
        sci_latex(1.0, digits)
