"""Tests of mvcalc.datasets: the heart curve of the Backpropagation assignment and the heights data."""

from __future__ import annotations

import numpy as np
import pytest

from mvcalc import datasets
from mvcalc.datasets import heart_curve, heights


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


# ------------------------------------------------------------------- heights


def test_heights_bins_and_unit_area():
    x, y = heights()
    assert x.shape == y.shape == (100,) and x.dtype == y.dtype == np.float64
    left_edges = 50 + 2.5 * np.arange(100)
    assert left_edges[-1] == 297.5
    np.testing.assert_allclose(x, left_edges + 1.25, rtol=0, atol=1e-12)
    assert np.all(y >= 0)
    assert np.sum(y * datasets.HEIGHTS_BIN_WIDTH) == pytest.approx(1.0, abs=1e-14)
    # a density of counts: each bin holds a whole number of the HEIGHTS_N people
    counts = y * datasets.HEIGHTS_N * datasets.HEIGHTS_BIN_WIDTH
    np.testing.assert_allclose(counts, np.round(counts), atol=1e-9)


def test_heights_is_the_documented_sample_binned_independently():
    # redo the documented recipe with np.histogram instead of integer millimetres
    rng = np.random.default_rng(datasets.HEIGHTS_SEED)
    measured = np.round(rng.normal(datasets.HEIGHTS_MEAN, datasets.HEIGHTS_SD, datasets.HEIGHTS_N), 1)
    density, edges = np.histogram(measured, bins=np.linspace(50, 300, 101), density=True)
    x, y = heights()
    np.testing.assert_allclose(y, density, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(x, (edges[:-1] + edges[1:]) / 2, atol=1e-12)
    assert (datasets.HEIGHTS_SEED, datasets.HEIGHTS_N, datasets.HEIGHTS_RESOLUTION) == (2024, 5000, 0.1)


def test_heights_is_deterministic():
    x1, y1 = heights()
    x2, y2 = heights()
    np.testing.assert_array_equal(x1, x2)
    np.testing.assert_array_equal(y1, y2)
    y1[:] = -1  # the caller's arrays are their own
    assert np.all(heights()[1] >= 0)
    # the counts of a few bins, recorded once: a change of numpy's generator would show here
    counts = np.round(y2 * datasets.HEIGHTS_N * datasets.HEIGHTS_BIN_WIDTH).astype(int)
    assert counts.sum() == 5000
    assert int(counts.max()) == 695 and int(np.argmax(counts)) == 51  # the bin 177.5-180 cm


def test_heights_summary_matches_the_course():
    x, y = heights()
    w = datasets.HEIGHTS_BIN_WIDTH
    mean = np.sum(x * y * w)
    sd = np.sqrt(np.sum((x - mean) ** 2 * y * w))
    # the course's histogram: mean about 178.5 cm and SD about 7.54 cm
    assert mean == pytest.approx(178.5, abs=0.2)
    assert sd == pytest.approx(7.54, abs=0.1)
    nonzero = x[y > 0] - 1.25
    assert nonzero.min() < 160 and nonzero.max() >= 197.5  # a larger sample than the course's reaches the tails
    assert np.all(y[(x < 140) | (x > 220)] == 0)
