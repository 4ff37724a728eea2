"""Tests of mvcalc.sandpit: the landscapes, the game and its drawing.

The reported extremes are checked against independent searches (a dense grid
and scipy.optimize.differential_evolution); the game's rules are checked one
by one; every validation path raises the documented error.
"""

from __future__ import annotations

import dataclasses

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import sympy as sp  # noqa: E402
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from scipy.optimize import differential_evolution, minimize  # noqa: E402

import mvcalc  # noqa: E402
from mvcalc.sandpit import (  # noqa: E402
    GameOver,
    Landscape,
    Probe,
    Sandpit,
    dome_with_well,
    multiple_minima,
    narrow_well,
    plot_pit,
    random_pits,
    rocky_floor,
)

GENERATORS = [random_pits, multiple_minima, rocky_floor, narrow_well]
SEEDS = [0, 1, 2]


def make(generator, seed=0):
    return generator(np.random.default_rng(seed))


@pytest.fixture(scope="module")
def pits():
    """One landscape of each kind, built once for the whole module."""
    return {"dome": dome_with_well(), **{g.__name__: make(g, 1) for g in GENERATORS}}


ALL_KINDS = ["dome", "random_pits", "multiple_minima", "rocky_floor", "narrow_well"]


# ---------------------------------------------------------------------------
# Landscapes: the depth range and the extremes
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ALL_KINDS)
def test_depths_on_a_grid_lie_in_the_range(pits, kind):
    xs, ys, depths = pits[kind].grid(201)
    assert depths.min() >= -9.0 - 1e-9
    assert depths.max() <= -1.0 + 1e-9
    assert depths.min() < -8.9 and depths.max() > -1.1  # the range is used, not just bounded


@pytest.mark.parametrize("kind", ALL_KINDS)
def test_reported_extremes_have_depths_minus_nine_and_minus_one(pits, kind):
    pit = pits[kind]
    assert pit.global_min_depth == -9.0
    assert pit.depth(*pit.global_minimum) == pytest.approx(-9.0, abs=1e-12)
    assert pit.depth(*pit.global_maximum) == pytest.approx(-1.0, abs=1e-12)
    assert pit.global_minimum.shape == (2,)
    assert np.all((0 <= pit.global_minimum) & (pit.global_minimum <= 6))


@pytest.mark.parametrize("kind", ALL_KINDS)
def test_global_minimum_is_the_lowest_point_of_a_dense_grid(pits, kind):
    pit = pits[kind]
    xs, ys, depths = pit.grid(481)  # a step of 1.25 cm: three times finer than the search
    i, j = np.unravel_index(np.argmin(depths), depths.shape)
    assert depths.min() >= -9.0 - 1e-9
    assert np.hypot(xs[j] - pit.global_minimum[0], ys[i] - pit.global_minimum[1]) < 0.02


@pytest.mark.parametrize("kind", ["dome", "multiple_minima", "narrow_well"])
def test_global_minimum_agrees_with_differential_evolution(pits, kind):
    pit = pits[kind]
    result = differential_evolution(
        lambda p: pit.depth(p[0], p[1]), [(0, 6), (0, 6)], seed=12345, vectorized=True, updating="deferred", tol=1e-10
    )
    assert result.fun >= -9.0 - 1e-7
    assert np.linalg.norm(result.x - pit.global_minimum) < 1e-3


def test_global_maximum_agrees_with_differential_evolution(pits):
    pit = pits["random_pits"]
    result = differential_evolution(
        lambda p: -pit.depth(p[0], p[1]), [(0, 6), (0, 6)], seed=12345, vectorized=True, updating="deferred", tol=1e-10
    )
    assert -result.fun <= -1.0 + 1e-7


@settings(max_examples=60, deadline=None)
@given(
    kind=st.sampled_from(ALL_KINDS),
    x=st.floats(0.0, 6.0, allow_nan=False),
    y=st.floats(0.0, 6.0, allow_nan=False),
)
def test_depth_lies_in_range_everywhere_in_the_pit(pits, kind, x, y):
    assert -9.0 - 1e-9 <= pits[kind].depth(x, y) <= -1.0 + 1e-9


# ---------------------------------------------------------------------------
# Landscapes: each generator
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("generator", GENERATORS)
def test_same_seed_same_landscape_other_seed_other_landscape(generator):
    a, b, c = make(generator, 3), make(generator, 3), make(generator, 4)
    assert np.array_equal(a.grid(31)[2], b.grid(31)[2])
    assert np.array_equal(a.global_minimum, b.global_minimum)
    assert not np.allclose(a.grid(31)[2], c.grid(31)[2])


def test_dome_with_well_is_deterministic_with_its_well_near_1_5_3_7():
    a, b = dome_with_well(), dome_with_well()
    assert np.array_equal(a.global_minimum, b.global_minimum)
    assert np.linalg.norm(a.global_minimum - [1.5, 3.7]) < 0.15
    assert a.name == "dome with well"
    # the dome: the highest point is inside, well away from the walls
    assert np.all((1.0 < a.global_maximum) & (a.global_maximum < 5.0))


@pytest.mark.parametrize("seed", SEEDS)
def test_random_pits_have_walls_that_rise_at_the_edges(seed):
    pit = make(random_pits, seed)
    xs, ys, depths = pit.grid(61)
    edge = np.concatenate([depths[0], depths[-1], depths[:, 0], depths[:, -1]])
    assert edge.max() == pytest.approx(depths.max())  # the shallowest points are on the walls
    assert np.min(np.minimum(pit.global_maximum, 6 - pit.global_maximum)) < 0.5


def _local_minima(pit, n=5):
    """Distinct ends of bounded descents started on an n by n grid, checked to be true local minima."""
    ends = []
    ring = 0.01 * np.array([[np.cos(a), np.sin(a)] for a in np.linspace(0, 2 * np.pi, 24, endpoint=False)])
    for x in np.linspace(0.5, 5.5, n):
        for y in np.linspace(0.5, 5.5, n):
            end = minimize(pit._depth_at, [x, y], method="L-BFGS-B", bounds=[(0, 6), (0, 6)]).x
            around = np.clip(end + ring, 0, 6)
            is_minimum = np.all(pit.depth(around[:, 0], around[:, 1]) >= pit.depth(*end))
            if is_minimum and all(np.linalg.norm(end - e) > 0.1 for e in ends):
                ends.append(end)
    return ends


@pytest.mark.parametrize("seed", SEEDS)
def test_multiple_minima_has_several_local_minima_and_one_deepest(seed):
    pit = make(multiple_minima, seed)
    ends = _local_minima(pit)
    assert len(ends) >= 4
    depths = sorted(pit.depth(*e) for e in ends)
    assert depths[0] == pytest.approx(-9.0, abs=1e-6)
    assert depths[1] > -9.0 + 0.5  # the deepest dip is clearly deepest


@pytest.mark.parametrize("seed", SEEDS)
def test_rocky_floor_is_the_same_pits_with_rough_slopes(seed):
    rocky, smooth = make(rocky_floor, seed), make(random_pits, seed)
    xs, ys, rough_depths = rocky.grid(61)
    smooth_depths = smooth.grid(61)[2]
    # the rocks barely change the depths ...
    assert np.corrcoef(rough_depths.ravel(), smooth_depths.ravel())[0, 1] > 0.95
    # ... but they turn the measured slopes and make spurious minima
    points = np.random.default_rng(0).uniform(0.5, 5.5, size=(40, 2))
    angles = []
    for p in points:
        g, h = rocky.gradient(p), smooth.gradient(p)
        angles.append(np.degrees(np.arccos(np.clip(g @ h / np.linalg.norm(g) / np.linalg.norm(h), -1, 1))))
    assert np.median(angles) > 10
    assert _count_grid_minima(rough_depths) > 2 * _count_grid_minima(smooth_depths)


def _count_grid_minima(depths):
    """How many interior grid points lie lower than their eight neighbours."""
    inner = depths[1:-1, 1:-1]
    lower = np.ones(inner.shape, dtype=bool)
    for di in (-1, 0, 1):
        for dj in (-1, 0, 1):
            if di or dj:
                lower &= inner < depths[1 + di : depths.shape[0] - 1 + di, 1 + dj : depths.shape[1] - 1 + dj]
    return int(lower.sum())


@pytest.mark.parametrize("seed", SEEDS)
def test_narrow_well_is_deep_and_narrow(seed):
    pit = make(narrow_well, seed)
    centre = pit.global_minimum
    angles = np.linspace(0, 2 * np.pi, 12, endpoint=False)
    ring = np.clip(centre + 0.6 * np.column_stack([np.cos(angles), np.sin(angles)]), 0, 6)
    assert pit.depth(ring[:, 0], ring[:, 1]).min() > -9.0 + 3.0  # 60 cm away it is 3 m shallower
    assert np.all((0.8 < centre) & (centre < 5.2))


# ---------------------------------------------------------------------------
# Landscapes: the interface
# ---------------------------------------------------------------------------


def test_custom_landscape_rescales_a_bowl():
    bowl = Landscape(lambda x, y: (x - 2) ** 2 + (y - 4) ** 2, "bowl")
    assert np.allclose(bowl.global_minimum, [2, 4], atol=1e-4)
    assert np.allclose(bowl.global_maximum, [6, 0])
    assert bowl.depth(6.0, 0.0) == pytest.approx(-1.0)
    # d = -9 + 8 h / 32, so the gradient is h'(x) / 4
    assert np.allclose(bowl.gradient([3.0, 5.0]), [0.5, 0.5], atol=1e-8)
    assert np.allclose(bowl.hessian([3.0, 5.0]), np.eye(2) * 0.5, atol=1e-5)
    assert repr(bowl) == "Landscape('bowl', global minimum at (2.00, 4.00))"


def test_depth_broadcasts_and_returns_a_float_for_scalars(pits):
    pit = pits["dome"]
    assert isinstance(pit.depth(1.0, 2.0), float)
    grid = pit.depth(np.linspace(0, 6, 3)[:, None], np.linspace(0, 6, 4)[None, :])
    assert grid.shape == (3, 4)
    assert grid[1, 2] == pytest.approx(pit.depth(3.0, 4.0))
    assert pit.depth([1, 2], 3).shape == (2,)


_X, _Y = sp.symbols("x y", real=True)
# The raw height of dome_with_well, as its docstring writes it.
DOME_HEIGHT = -sp.Rational(1, 10) * ((_X - 3) ** 2 + (_Y - 3) ** 2) - 5 * sp.exp(
    -((_X - sp.Rational(3, 2)) ** 2 + (_Y - sp.Rational(37, 10)) ** 2) / 2
)


def closed_form(pit, height):
    """The depth's gradient and Hessian from sympy's derivatives of the raw ``height``, as functions of p.

    d = -9 + 8 (h - h_min) / (h_max - h_min), so the derivatives of d are those of h times
    8 / (h_max - h_min): a scale read off two depths of the pit, not off any derivative.
    """
    h = sp.lambdify((_X, _Y), height, "numpy")
    grad_h = sp.lambdify((_X, _Y), [sp.diff(height, v) for v in (_X, _Y)], "numpy")
    hess_h = sp.lambdify((_X, _Y), sp.hessian(height, (_X, _Y)), "numpy")
    a, b = (1.0, 1.0), (4.0, 2.0)
    scale = (pit.depth(*a) - pit.depth(*b)) / (h(*a) - h(*b))

    def depth(p):
        return pit.depth(*a) + scale * (h(*p) - h(*a))

    def grad(p):
        return scale * np.array(grad_h(*p), dtype=float)

    def hess(p):
        return scale * np.array(hess_h(*p), dtype=float)

    return depth, grad, hess


def test_gradient_and_hessian_match_the_closed_form(pits):
    pit = pits["dome"]
    _, grad, hess = closed_form(pit, DOME_HEIGHT)
    for p in [(2.2, 3.1), (1.5, 3.7), (4.6, 0.8), (0.3, 5.5), (0.0, 0.0), (6.0, 3.0)]:
        assert np.allclose(pit.gradient(p), grad(p), atol=1e-8), p
        assert np.allclose(pit.hessian(p), hess(p), atol=1e-5), p


def test_a_landscape_is_a_function_of_a_point_for_mvcalc(pits):
    pit = pits["dome"]
    _, grad, hess = closed_form(pit, DOME_HEIGHT)
    p = np.array([2.2, 3.1])
    assert isinstance(pit(p), float)
    assert pit(p) == pit.depth(*p)
    assert np.allclose(mvcalc.gradient(pit, p), grad(p), atol=1e-8)
    assert np.allclose(mvcalc.hessian(pit, p), hess(p), atol=1e-5)


def random_pits_height(seed: int):
    """Sympy's raw height of random_pits(default_rng(seed)), from its docstring's formula.

    The amplitudes and phases are drawn as the docstring says, in its order: 16 normal
    draws for a (over the frequency pairs k_x, k_y = 1..4, k_x fastest), then the
    16 phases phi and the 16 phases psi, uniform on [0, 2 pi).
    """
    rng = np.random.default_rng(seed)
    pairs = [(kx, ky) for ky in range(1, 5) for kx in range(1, 5)]
    a = [float(v) / (kx**2 + ky**2) ** 0.6 for v, (kx, ky) in zip(rng.normal(size=16), pairs, strict=True)]
    phi, psi = rng.uniform(0.0, 2 * np.pi, size=(2, 16))
    waves = sum(
        a_k * sp.cos(kx * sp.pi * _X / 6 + float(f)) * sp.cos(ky * sp.pi * _Y / 6 + float(g))
        for a_k, (kx, ky), f, g in zip(a, pairs, phi, psi, strict=True)
    )
    c = 0.3 * sum(abs(v) for v in a)
    return waves + c * (((_X - 3) / 3) ** 8 + ((_Y - 3) / 3) ** 8)


@pytest.mark.parametrize("seed", [1, 4])
def test_random_pits_derivatives_match_the_closed_form(seed):
    pit = random_pits(np.random.default_rng(seed))
    depth, grad, hess = closed_form(pit, random_pits_height(seed))
    for p in np.random.default_rng(seed).uniform(0.0, 6.0, size=(6, 2)):
        assert pit.depth(*p) == pytest.approx(depth(p), abs=1e-9)  # the formula is the pit's
        assert np.allclose(pit.gradient(p), grad(p), atol=1e-7), p
        assert np.allclose(pit.hessian(p), hess(p), atol=1e-4), p


def test_gradient_and_hessian_work_at_the_walls(pits):
    pit = pits["dome"]
    for corner in ([0.0, 0.0], [6.0, 6.0], [0.0, 3.0]):
        assert np.all(np.isfinite(pit.gradient(corner)))
        assert np.all(np.isfinite(pit.hessian(corner)))


def test_grid_is_ordered_rows_by_y(pits):
    pit = pits["narrow_well"]
    xs, ys, depths = pit.grid(11)
    assert xs.shape == ys.shape == (11,) and depths.shape == (11, 11)
    assert xs[0] == 0 and xs[-1] == 6
    assert depths[2, 7] == pytest.approx(pit.depth(xs[7], ys[2]))
    assert pit.grid()[2].shape == (121, 121)


@pytest.mark.parametrize(
    ("args", "error", "match"),
    [
        ((7.0, 1.0), ValueError, r"x must lie inside the pit \[0, 6\] m, got 7"),
        ((1.0, -0.5), ValueError, r"y must lie inside the pit"),
        (([1.0, 6.5], 1.0), ValueError, r"got values from 1 to 6.5"),
        ((np.nan, 1.0), ValueError, r"x must be finite"),
        (("a", 1.0), TypeError, r"x must be a real number"),
        ((1.0, 1 + 2j), TypeError, r"y must be a real number"),
        (([1.0, 2.0], [1.0, 2.0, 3.0]), ValueError, r"must broadcast together"),
    ],
)
def test_depth_validates_its_points(pits, args, error, match):
    with pytest.raises(error, match=match):
        pits["dome"].depth(*args)


@pytest.mark.parametrize("method", ["__call__", "gradient", "hessian"])
@pytest.mark.parametrize(
    ("p", "error", "match"),
    [
        ([1.0, 2.0, 3.0], ValueError, r"p must be a point \(x, y\) of shape \(2,\)"),
        ([[1.0, 2.0]], ValueError, r"shape \(n,\)"),
        ([6.1, 2.0], ValueError, r"p must lie inside the pit"),
        ([np.inf, 2.0], ValueError, r"p must be finite"),
        (["a", "b"], TypeError, r"p must be a real number"),
    ],
)
def test_point_methods_validate_the_point(pits, method, p, error, match):
    with pytest.raises(error, match=match):
        getattr(pits["dome"], method)(p)


def test_mvcalc_gradient_at_the_wall_steps_outside_and_says_so(pits):
    with pytest.raises(ValueError, match="inside the pit"):
        mvcalc.gradient(pits["dome"], [0.0, 3.0])


@pytest.mark.parametrize(
    ("height", "name", "error", "match"),
    [
        ("not a function", "x", TypeError, "height must be a callable"),
        (lambda x, y: x + y, 3, TypeError, "name must be a string"),
        (lambda x, y: np.zeros_like(x), "flat", ValueError, "a flat floor has no lowest point"),
        (lambda x, y: 1.0, "scalar", ValueError, "must return an array of the shape of x and y"),
        (lambda x, y: np.where(x > 3, np.inf, x), "cliff", ValueError, "non-finite"),
        (lambda x, y: x + 1j * y, "complex", TypeError, "must return real numbers"),
        (lambda x, y: x > y, "bool", TypeError, "must return real numbers"),
    ],
)
def test_landscape_validates_its_height_function(height, name, error, match):
    with pytest.raises(error, match=match):
        Landscape(height, name)


@pytest.mark.parametrize("n", [2.5, "10", True])
def test_grid_rejects_a_non_integer_size(pits, n):
    with pytest.raises(TypeError, match="n must be an integer"):
        pits["dome"].grid(n)


def test_grid_rejects_fewer_than_two_points(pits):
    with pytest.raises(ValueError, match="n must be an integer of at least 2, got 1"):
        pits["dome"].grid(1)


@pytest.mark.parametrize("generator", GENERATORS)
@pytest.mark.parametrize("rng", [0, None, np.random.RandomState(0)])
def test_generators_require_a_numpy_generator(generator, rng):
    with pytest.raises(TypeError, match=r"rng must be a numpy.random.Generator"):
        generator(rng)


# ---------------------------------------------------------------------------
# The game
# ---------------------------------------------------------------------------


def test_a_probe_within_the_radius_wins(pits):
    pit = pits["dome"]
    game = Sandpit(pit)
    probe = game.probe(*(pit.global_minimum + [0.1, 0.1]))  # 0.141 m away
    assert probe.won and not probe.stuck
    assert game.won and game.over
    assert "You found the phone in 1 probe!" in probe.message


def test_a_probe_just_outside_the_radius_does_not_win(pits):
    pit = pits["dome"]
    game = Sandpit(pit)
    probe = game.probe(*(pit.global_minimum + [0.16, 0.0]))
    assert not probe.won and not game.won and not game.over
    # a wider radius would have won
    assert Sandpit(pit, win_radius=0.2).probe(*(pit.global_minimum + [0.16, 0.0])).won


@settings(max_examples=30, deadline=None)
@given(
    distance=st.floats(0.0, 1.0),
    angle=st.floats(0.0, 2 * np.pi),
    radius=st.floats(0.05, 0.5),
)
def test_win_exactly_when_within_the_radius(pits, distance, angle, radius):
    pit = pits["dome"]
    point = pit.global_minimum + distance * np.array([np.cos(angle), np.sin(angle)])
    game = Sandpit(pit, mode="depth", win_radius=radius)
    won = game.probe(*point).won
    actual = np.linalg.norm(game.history[0].point - pit.global_minimum)
    assert won == (actual <= radius)


def test_guesses_are_counted(pits):
    game = Sandpit(pits["dome"], max_guesses=10)
    for k in range(1, 4):
        probe = game.probe(5.0, 0.5 + k)
        assert probe.number == k
        assert probe.guesses_left == 10 - k
    assert game.guesses == 3 and game.guesses_left == 7
    assert [p.number for p in game.history] == [1, 2, 3]
    reading, verdict = game.history[-1].message.splitlines()
    assert reading.startswith("Probe 3 at (5.00, 3.50): depth ")
    assert verdict == "7 probes left."
    assert repr(game) == "Sandpit('dome with well', mode='gradient', 3 of 10 probes used)"


def test_hurry_up_then_game_over_then_no_more_probes(pits):
    pit = pits["dome"]
    game = Sandpit(pit, max_guesses=5, hurry_at=3)
    messages = [game.probe(5.5, y).message for y in (0.5, 1.5, 2.5, 3.5, 4.5)]
    assert not any("Hurry" in m for m in messages[:2])
    assert "Hurry up: only 2 probes left!" in messages[2]
    assert "Hurry up: only 1 probe left!" in messages[3]
    assert "Game over" in messages[4] and "contours" in messages[4]
    assert f"({pit.global_minimum[0]:.2f}, {pit.global_minimum[1]:.2f})" in messages[4]
    assert game.over and not game.won
    point, depth = game.reveal()
    assert np.array_equal(point, pit.global_minimum) and depth == -9.0
    with pytest.raises(GameOver, match="the probes are used up"):
        game.probe(1.0, 1.0)
    assert issubclass(GameOver, RuntimeError)
    assert len(game.history) == 5


def test_default_game_hurries_from_probe_22_and_ends_at_25(pits):
    game = Sandpit(pits["dome"], mode="depth")
    probes = [game.probe(5.9, 0.2 * k) for k in range(25)]
    assert [("Hurry up" in p.message) for p in probes].index(True) == 21  # probe 22
    assert "Game over" in probes[24].message and game.over


def test_no_probes_after_a_win(pits):
    pit = pits["dome"]
    game = Sandpit(pit)
    game.probe(*pit.global_minimum)
    with pytest.raises(GameOver, match="you found the phone"):
        game.probe(3.0, 3.0)


def test_reveal_waits_for_the_end(pits):
    game = Sandpit(pits["dome"])
    game.probe(3.0, 3.0)
    with pytest.raises(RuntimeError, match="only when the game is over: 24 probes are left"):
        game.reveal()


def test_downhill_is_the_unit_vector_along_minus_the_gradient(pits):
    pit = pits["random_pits"]
    game = Sandpit(pit, max_guesses=100)
    for p in np.random.default_rng(2).uniform(0.3, 5.7, size=(10, 2)):
        probe = game.probe(*p)
        g = pit.gradient(p)
        assert probe.slope == pytest.approx(np.linalg.norm(g))
        assert np.linalg.norm(probe.downhill) == pytest.approx(1.0)
        assert np.allclose(probe.downhill, -g / np.linalg.norm(g))
        step = p + 1e-3 * probe.downhill
        assert pit.depth(*step) < probe.depth


@settings(max_examples=40, deadline=None)
@given(x=st.floats(0.05, 5.95), y=st.floats(0.05, 5.95))
def test_a_small_step_downhill_goes_deeper(pits, x, y):
    pit = pits["rocky_floor"]
    probe = Sandpit(pit, max_guesses=1, win_radius=1e-9).probe(x, y)
    if probe.downhill is not None and probe.slope > 1e-3:
        assert pit.depth(*(probe.point + 1e-4 * probe.downhill)) < probe.depth


def test_depth_mode_reports_no_direction(pits):
    probe = Sandpit(pits["dome"], mode="depth").probe(2.0, 2.0)
    assert probe.downhill is None and probe.slope is None
    assert "downhill" not in probe.message


def test_level_ground_has_no_downhill_direction_and_a_summit_is_not_stuck():
    hill = Landscape(lambda x, y: -((x - 2) ** 2) - (y - 3) ** 2, "hill")
    assert np.allclose(hill.global_maximum, [2.0, 3.0], atol=1e-4)
    probe = Sandpit(hill).probe(2.0, 3.0)  # the exact summit
    assert probe.downhill is None
    assert probe.slope < 1e-6
    assert "level ground" in probe.message
    assert not probe.stuck


def test_probe_records_the_exact_depth_and_rounds_only_the_message(pits):
    pit = pits["dome"]
    probe = Sandpit(pit).probe(1.234, 5.678)
    assert probe.depth == pit.depth(1.234, 5.678)
    assert f"depth {probe.depth:.2f} m" in probe.message
    assert str(probe) == probe.message


def test_probe_is_frozen(pits):
    probe = Sandpit(pits["dome"]).probe(2.0, 2.0)
    assert isinstance(probe, Probe)
    with pytest.raises(dataclasses.FrozenInstanceError):
        probe.depth = -9.0
    with pytest.raises(ValueError):
        probe.point[0] = 1.0
    with pytest.raises(ValueError):
        probe.downhill[0] = 1.0


def test_stuck_at_a_local_minimum_of_multiple_minima(pits):
    pit = pits["multiple_minima"]
    others = [e for e in _local_minima(pit) if np.linalg.norm(e - pit.global_minimum) > 0.5]
    assert len(others) >= 3
    game = Sandpit(pit, max_guesses=100)
    for local in others:
        probe = game.probe(*np.clip(local + [0.05, -0.05], 0, 6))
        assert probe.stuck and not probe.won
        assert "No phone here: stuck in a local minimum" in probe.message
    # on a slope, or at the phone, nobody is stuck
    slope = game.probe(*np.clip(others[0] + [0.6, 0.0], 0, 6))
    assert not slope.stuck
    phone = game.probe(*pit.global_minimum)
    assert phone.won and not phone.stuck


def test_stuck_in_a_corner_of_the_dome(pits):
    assert Sandpit(pits["dome"]).probe(0.0, 0.0).stuck
    assert not Sandpit(pits["dome"]).probe(0.5, 0.5).stuck  # 0.7 m from the corner


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"mode": "jacobian"}, ValueError, r"mode must be one of \('gradient', 'depth'\), got 'jacobian'"),
        ({"mode": 0}, TypeError, "mode must be a string"),
        ({"max_guesses": 0}, ValueError, "max_guesses must be a positive integer, got 0"),
        ({"max_guesses": 2.5}, TypeError, "max_guesses must be a positive integer"),
        ({"max_guesses": True}, TypeError, "max_guesses must be a positive integer"),
        ({"hurry_at": -1}, ValueError, "hurry_at must be a positive integer, got -1"),
        ({"hurry_at": "22"}, TypeError, "hurry_at must be a positive integer, got str"),
        ({"win_radius": 0.0}, ValueError, "win_radius must be a finite positive number"),
        ({"win_radius": np.inf}, ValueError, "win_radius must be a finite positive number"),
        ({"win_radius": "big"}, TypeError, "win_radius must be a positive real number"),
    ],
)
def test_sandpit_validates_its_settings(pits, kwargs, error, match):
    with pytest.raises(error, match=match):
        Sandpit(pits["dome"], **kwargs)


def test_sandpit_requires_a_landscape():
    with pytest.raises(TypeError, match="landscape must be a Landscape"):
        Sandpit(lambda x, y: x + y)


@pytest.mark.parametrize(
    ("x", "y", "error", "match"),
    [
        (6.5, 1.0, ValueError, r"x must lie inside the pit \[0, 6\] m, got 6.5"),
        (1.0, -0.1, ValueError, r"y must lie inside the pit"),
        (np.nan, 1.0, ValueError, "x must be finite"),
        ("3", 1.0, TypeError, "x must be a real number"),
        (True, 1.0, TypeError, "x must be a real number"),
        (1.0, [1.0, 2.0], TypeError, r"y must be a single number, got an array of shape \(2,\)"),
    ],
)
def test_probe_validates_its_coordinates(pits, x, y, error, match):
    game = Sandpit(pits["dome"])
    with pytest.raises(error, match=match):
        game.probe(x, y)
    assert game.guesses == 0  # a rejected probe costs nothing


def test_probe_accepts_numpy_scalars(pits):
    probe = Sandpit(pits["dome"]).probe(np.float32(2.0), np.int64(3))
    assert np.array_equal(probe.point, [2.0, 3.0])


# ---------------------------------------------------------------------------
# Drawing
# ---------------------------------------------------------------------------


def test_plot_pit_hides_the_contours_until_revealed(pits):
    pit = pits["dome"]
    game = Sandpit(pit)
    game.probe(3.0, 3.0)
    game.probe(0.0, 0.0)
    fig, (hidden, shown) = plt.subplots(1, 2)
    assert plot_pit(hidden, pit, game.history) is hidden
    plot_pit(shown, pit, game.history, reveal=True)
    assert [t.get_text() for t in hidden.texts] == ["1", "2"]
    assert len(hidden.collections) == 0 and len(shown.collections) > 0  # contour sets
    assert len(hidden.patches) == 2  # one downhill arrow per probe
    assert hidden.get_xlim() == (0.0, 6.0) and hidden.get_ylim() == (0.0, 6.0)
    assert hidden.get_xlabel() == "x (m)"
    plt.close(fig)


def test_plot_pit_accepts_bare_points_and_the_game_plots_itself(pits):
    fig, ax = plt.subplots()
    plot_pit(ax, pits["dome"], [[1.0, 2.0], [3.0, 4.0], [5.0, 1.0]])
    assert [t.get_text() for t in ax.texts] == ["1", "2", "3"]
    assert len(ax.patches) == 0
    plt.close(fig)
    game = Sandpit(pits["dome"], mode="depth")
    game.probe(1.0, 1.0)
    ax = game.plot()
    assert len(ax.texts) == 1
    plt.close(ax.figure)


def test_plot_pit_validates_its_input(pits):
    fig, ax = plt.subplots()
    with pytest.raises(TypeError, match="landscape must be a Landscape"):
        plot_pit(ax, "pit")
    with pytest.raises(ValueError, match=r"points of shape \(k, 2\), got shape \(3,\)"):
        plot_pit(ax, pits["dome"], [1.0, 2.0, 3.0])
    plt.close(fig)
