"""Input at the edge gets the library's own clear error, or is accepted when it is real (issue 16).

Each case here reached numpy's or Python's own error (or a MemoryError) from inside mvcalc before:
a ragged return value, integers beyond float64, fractions in lists, 0-d arrays for numbers, and
counts so large that preallocating for them fails.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

import mvcalc
from mvcalc import nn


def test_a_ragged_return_value_is_named_as_such():
    with pytest.raises(ValueError, match=r"f must return a number or a regular array of numbers, got a ragged list"):
        mvcalc.jacobian(lambda v: [v[0], [v[1], 1.0]], [1.0, 2.0])


def test_a_ragged_argument_is_named_as_such():
    with pytest.raises(ValueError, match=r"x must be a regular array of real numbers, got a ragged list"):
        mvcalc.gradient(lambda v: v[0], [1.0, [2.0, 3.0]])


@pytest.mark.parametrize(
    "call",
    [
        lambda: mvcalc.derivative(lambda x: x**2, 10**400),
        lambda: mvcalc.gradient(lambda v: v[0] ** 2, [10**400, 1]),
        lambda: mvcalc.newton_raphson(lambda x: x, 10**400),
    ],
)
def test_integers_beyond_float64_are_a_value_error_that_says_so(call):
    with pytest.raises(ValueError, match=r"within the range of float64 \(about ±1\.8e308\).*401 digits"):
        call()


def test_big_integers_within_float64_and_fractions_are_real_numbers():
    np.testing.assert_allclose(
        mvcalc.gradient(lambda v: v[0] ** 2 + v[1], [Fraction(1, 3), 10**20 // 10**17]), [2 / 3, 1.0]
    )
    assert mvcalc.derivative(lambda x: x**2, [Fraction(3, 2)]) == pytest.approx([3.0], rel=1e-9)
    assert mvcalc.gradient(lambda v: Fraction(1, 3) * float(v[0]) ** 2, [1.0]) == pytest.approx([2 / 3], rel=1e-8)


def test_an_object_that_is_not_a_number_is_named():
    with pytest.raises(TypeError, match=r"got list holding NoneType None"):
        mvcalc.gradient(lambda v: v[0], [1.0, None])


def test_a_zero_dimensional_array_is_a_number():
    res = mvcalc.newton_raphson(lambda x: x**2 - 2, np.array(1.0))
    assert res.success and res.x == pytest.approx(np.sqrt(2.0))
    np.testing.assert_allclose(mvcalc.taylor_coefficients(np.exp, np.array(0.0), 2), [1.0, 1.0, 0.5], rtol=1e-12)


def test_a_huge_order_is_refused_before_any_work():
    with pytest.raises(ValueError, match=r"n must be at most 1000, got 1000000000"):
        mvcalc.taylor_coefficients(np.sin, 0.0, 10**9)


def test_a_huge_iteration_count_allocates_nothing_up_front():
    """train with maxiter = 10**12 allocated 8 TB for the costs before the first step (a MemoryError).

    Targets of 1e200 make the very first cost overflow, so the run stops at once, and says why.
    """
    network = nn.init_network([1, 3, 1], np.random.default_rng(0))
    x = np.linspace(-1, 1, 5)[None, :]
    res = nn.train(network, x, np.full_like(x, 1e200), maxiter=10**12, step=1.0)
    assert res.success is False and res.nit == 0
    assert "no longer finite" in res.message
