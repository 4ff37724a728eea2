"""Tests of mvcalc.datasets: the heart curve of the Backpropagation assignment."""

from __future__ import annotations

import numpy as np
import pytest

from mvcalc.datasets import heart_curve


def test_shapes_and_the_t_grid():
    x, y = heart_curve()
    assert x.shape == (1, 100) and y.shape == (2, 100)
    assert x.dtype == y.dtype == np.float64
    np.testing.assert_array_equal(x[0], np.arange(100) / 100)
    assert x[0, 0] == 0 and x[0, -1] == 0.99
    assert heart_curve(7)[0].shape == (1, 7) and heart_curve(np.int64(3))[1].shape == (2, 3)


def test_the_formula_at_known_points():
    # t = 0: (0, 13 - 5 - 2 - 1) = (0, 5); t = 1/4: (16, -5 + 1) ... mapped by (h/20 + 1)/2
    x, y = heart_curve(4)
    h = np.array([[0.0, 16.0, 0.0, -16.0], [5.0, 4.0, -17.0, 4.0]])
    # at t = 1/4: 13 cos(π/2) - 5 cos(π) - 2 cos(3π/2) - cos(2π) = 0 + 5 - 0 - 1 = 4
    np.testing.assert_allclose(y, (h / 20 + 1) / 2, atol=1e-15)


def test_ranges_stated_in_the_assignment():
    _, y = heart_curve(100)
    assert y[0].min() == pytest.approx(0.1, abs=1e-12) and y[0].max() == pytest.approx(0.9, abs=1e-12)
    assert y[1].min() == pytest.approx(0.075, abs=1e-12)  # at t = 1/2, the tip of the heart
    assert 0.79 < y[1].max() < 0.80
    assert np.all((0 < y) & (y < 1))  # inside the range of the logistic output layer


def test_the_curve_is_closed_and_symmetric():
    _, y = heart_curve(100)
    steps = np.linalg.norm(np.diff(y, axis=1), axis=0)
    closing = np.linalg.norm(y[:, 0] - y[:, -1])
    assert closing <= steps.max()  # from the last point back to the first is one ordinary step
    # mirror symmetry about the vertical line through 1/2: t and 1 - t
    mirrored = y[:, (-np.arange(100)) % 100]
    np.testing.assert_allclose(mirrored[0], 1 - y[0], atol=1e-15)
    np.testing.assert_allclose(mirrored[1], y[1], atol=1e-15)
    # a finer grid passes through the points of a coarser one
    np.testing.assert_allclose(heart_curve(200)[1][:, ::2], y, atol=1e-15)


@pytest.mark.parametrize(
    ("n", "error", "match"),
    [
        (0, ValueError, "n must be a positive integer .*got 0"),
        (-5, ValueError, "got -5"),
        (2.5, TypeError, "n must be a positive integer .*got float 2.5"),
        (100.0, TypeError, "got float 100.0"),
        ("100", TypeError, "got str '100'"),
        (True, TypeError, "got bool True"),
    ],
)
def test_validation(n, error, match):
    with pytest.raises(error, match=match):
        heart_curve(n)
