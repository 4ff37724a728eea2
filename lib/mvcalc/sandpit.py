"""The Sandpit: find the lowest point of a hidden landscape with a dip-stick.

A supervisor has dropped her phone into a sand-filled pit on a building site.
The floor of the pit is uneven and the phone has rolled to its lowest point,
but sand hides the floor. All you can do is poke a dip-stick into the sand and
read how deep the floor is there. Each poke costs time, so you want to find
the phone in as few pokes as you can.

That is **optimisation**: finding the minimum of a function whose formula you
cannot see and whose every evaluation is expensive. In ``"gradient"`` mode the
dip-stick also tells you which way the floor slopes downhill, the direction
:math:`-\\nabla d / \\lVert \\nabla d \\rVert` of the depth :math:`d(x, y)`; in
``"depth"`` mode it tells you the depth alone.

The module has four parts, read top to bottom:

- :class:`Landscape`: a floor on the pit :math:`[0, 6]^2`, rescaled so that
  its highest point lies at depth :math:`-1` m and its lowest at :math:`-9` m;
- five landscape generators, from a gentle dome with one well to pits full of
  traps: :func:`dome_with_well`, :func:`random_pits`, :func:`multiple_minima`,
  :func:`rocky_floor` and :func:`narrow_well`;
- the rule that tells a probe it is stuck in a local minimum, written out
  (constants in :data:`STUCK_RULE`) so that the in-page game of
  :mod:`mvcalc.widgets.sandpit` can follow it step for step;
- :class:`Sandpit`, the game, and :func:`plot_pit`, which draws it.

Introduced in: Module 2, *The Sandpit* (``book/m2/sandpit.md``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from ._validation import as_point, as_real_array, check_callable, check_integer, check_rng, check_step
from .multivariate import gradient as _gradient
from .multivariate import hessian as _hessian
from .plotting import COLORS

__all__ = [
    "PIT_SIZE",
    "TOP_DEPTH",
    "BOTTOM_DEPTH",
    "MODES",
    "NARROW_WELL_WIDTH",
    "FLAT_SLOPE",
    "STUCK_RULE",
    "Landscape",
    "dome_with_well",
    "random_pits",
    "multiple_minima",
    "rocky_floor",
    "narrow_well",
    "Probe",
    "GameOver",
    "Sandpit",
    "plot_pit",
]

#: The pit is the square [0, PIT_SIZE]^2, in metres.
PIT_SIZE = 6.0
#: Depth of the highest point of every landscape, in metres.
TOP_DEPTH = -1.0
#: Depth of the lowest point of every landscape (where the phone lies), in metres.
BOTTOM_DEPTH = -9.0
#: Width (standard deviation) of the well that :func:`narrow_well` digs, in metres.
NARROW_WELL_WIDTH = 0.2
#: Below this slope (metres of depth per metre) the dip-stick cannot tell which way is down.
FLAT_SLOPE = 1e-6
#: The dip-stick's modes, ``"gradient"`` (depth and downhill direction) and ``"depth"`` (depth alone).
MODES = ("gradient", "depth")

_SEARCH_POINTS = 161  # grid points per side for the search of the extremes: a step of 3.75 cm
_POLISHED = 6  # how many of the lowest grid minima are polished


# ---------------------------------------------------------------------------
# Landscapes
# ---------------------------------------------------------------------------


def _check_inside(x: np.ndarray, name: str) -> None:
    """Raise ``ValueError`` unless every value of ``x`` lies in [0, PIT_SIZE]."""
    if x.size and (x.min() < 0.0 or x.max() > PIT_SIZE):
        got = f"{x.item():g}" if x.size == 1 else f"values from {x.min():g} to {x.max():g}"
        raise ValueError(f"{name} must lie inside the pit [0, {PIT_SIZE:g}] m, got {got}")


def _check_pit_point(p: Any, name: str = "p") -> np.ndarray:
    """Return ``p`` as a float array of shape (2,) inside the pit, or raise."""
    p = as_point(p, name)
    if p.shape != (2,):
        raise ValueError(f"{name} must be a point (x, y) of shape (2,), got shape {p.shape}")
    _check_inside(p, name)
    return p


def _local_minima(z: np.ndarray) -> np.ndarray:
    """Flat indices of the grid points no higher than any of their 8 neighbours, lowest first."""
    padded = np.pad(z, 1, constant_values=np.inf)
    rows, cols = z.shape
    is_min = np.ones(z.shape, dtype=bool)
    for di in (-1, 0, 1):
        for dj in (-1, 0, 1):
            if di or dj:
                neighbour = padded[1 + di : 1 + di + rows, 1 + dj : 1 + dj + cols]
                is_min &= z <= neighbour
    candidates = np.flatnonzero(is_min)
    return candidates[np.argsort(z.ravel()[candidates], kind="stable")]


def _zoom(f: Callable, start: np.ndarray, step: float) -> tuple[np.ndarray, float]:
    """Polish a grid minimum of ``f(x, y)``: search a 9 x 9 grid around the best point so far,
    a quarter the size each time, staying inside the pit. Twelve rounds shrink the step
    from a few centimetres to a few nanometres."""
    best = start
    best_value = float(f(start[0], start[1]))
    for _ in range(12):
        offsets = np.linspace(-step, step, 9)
        x, y = np.meshgrid(np.clip(best[0] + offsets, 0.0, PIT_SIZE), np.clip(best[1] + offsets, 0.0, PIT_SIZE))
        z = f(x, y)
        k = np.argmin(z)
        if z.flat[k] < best_value:
            best, best_value = np.array([x.flat[k], y.flat[k]]), float(z.flat[k])
        step /= 4
    return best, best_value


def _lowest_point(f: Callable, xs: np.ndarray, z: np.ndarray) -> tuple[np.ndarray, float]:
    """The lowest point of ``f(x, y)`` on the pit: the lowest grid minima, each polished by zooming in."""
    best_point, best_value = None, np.inf
    for index in _local_minima(z)[:_POLISHED]:
        start = np.array([xs[index % xs.size], xs[index // xs.size]])
        point, value = _zoom(f, start, xs[1] - xs[0])
        if value < best_value:
            best_point, best_value = point, value
    return best_point, best_value


class Landscape:
    """The hidden floor of a sand pit: depth as a function of position.

    A raw height function :math:`h(x, y)` on the pit :math:`[0, 6]^2` is
    rescaled linearly so that its highest point lies at depth :math:`-1` m and
    its lowest at :math:`-9` m:

    .. math::

        d(x, y) = -9 + 8\\,\\frac{h(x, y) - h_{\\min}}{h_{\\max} - h_{\\min}}.

    Both extremes of :math:`h` are found when the landscape is made: a search
    on a grid of :math:`161 \\times 161` points (a step of 3.75 cm), then a
    polish of each of the six lowest grid minima by zooming in (a 9 by 9 grid
    around the best point so far, a quarter the size each time, twelve times),
    keeping the best. The search is deterministic and stays inside the pit, so
    it finds extremes on the walls as well as inside. It can miss a feature much
    narrower than the grid step, so a hand-made height function should vary on
    scales of 10 cm or more.

    Parameters
    ----------
    height : callable
        ``height(x, y)`` takes two float arrays of the same shape and returns the
        raw height at each point, an array of that shape. It is never called
        outside the pit by the search, but must be smooth on the pit.
    name : str
        A short name, such as ``"dome with well"``.

    Attributes
    ----------
    height : callable
        The raw height function, before rescaling.
    name : str
    global_minimum : ndarray, shape (2,)
        Where the phone lies: the lowest point of the pit.
    global_min_depth : float
        Its depth, :math:`-9` m.
    global_maximum : ndarray, shape (2,)
        The highest point of the pit.

    Raises
    ------
    TypeError
        If ``height`` is not callable, ``name`` is not a string, or ``height``
        returns something other than real numbers.
    ValueError
        If ``height`` returns an array of the wrong shape, a non-finite value,
        or the same value everywhere (a flat floor has no lowest point).

    Examples
    --------
    >>> bowl = Landscape(lambda x, y: (x - 2)**2 + (y - 4)**2, "bowl")
    >>> bowl
    Landscape('bowl', global minimum at (2.00, 4.00))
    >>> round(bowl.depth(2.0, 4.0), 6), round(bowl.depth(6.0, 0.0), 6)
    (-9.0, -1.0)
    >>> np.round(bowl.gradient([3.0, 4.0]), 4)  # 8 m of depth over h(6, 0) = 32
    array([0.5, 0. ])

    Introduced in: Module 2, *The Sandpit*.
    """

    def __init__(self, height: Callable, name: str) -> None:
        check_callable(height, "height")
        if not isinstance(name, str):
            raise TypeError(f"name must be a string, got {type(name).__name__} {name!r}")
        self.height = height
        self.name = name
        xs = np.linspace(0.0, PIT_SIZE, _SEARCH_POINTS)
        x, y = np.meshgrid(xs, xs)
        z = np.asarray(height(x, y))
        if z.dtype == bool or z.dtype.kind not in "iuf":
            raise TypeError(f"height must return real numbers, got an array of dtype {z.dtype}")
        if z.shape != x.shape:
            raise ValueError(
                f"height(x, y) must return an array of the shape of x and y, "
                f"got shape {z.shape} for inputs of shape {x.shape}"
            )
        if not np.all(np.isfinite(z)):
            raise ValueError("height returned a non-finite value inside the pit")
        z = z.astype(np.float64)
        self.global_minimum, self._h_min = _lowest_point(height, xs, z)
        self.global_maximum, minus_h_max = _lowest_point(lambda u, v: -height(u, v), xs, -z)
        self._h_max = -minus_h_max
        if not self._h_max > self._h_min:
            raise ValueError("height is the same everywhere in the pit: a flat floor has no lowest point")
        self.global_min_depth = BOTTOM_DEPTH
        self.global_minimum.flags.writeable = False  # the phone stays where it is
        self.global_maximum.flags.writeable = False

    def __repr__(self) -> str:
        x, y = self.global_minimum
        return f"Landscape({self.name!r}, global minimum at ({x:.2f}, {y:.2f}))"

    def _depth(self, x: ArrayLike, y: ArrayLike) -> np.ndarray:
        """Depth without checks; also defined just outside the pit, for differences."""
        h = np.asarray(self.height(x, y), dtype=np.float64)
        return BOTTOM_DEPTH + (TOP_DEPTH - BOTTOM_DEPTH) * (h - self._h_min) / (self._h_max - self._h_min)

    def _depth_at(self, p: np.ndarray) -> float:
        """Depth at a point of shape (2,), without checks."""
        return float(self._depth(p[0], p[1]))

    def depth(self, x: ArrayLike, y: ArrayLike) -> float | np.ndarray:
        """Depth of the floor, in metres, at the points ``(x, y)``.

        .. math::

            d(x, y) = -9 + 8\\,\\frac{h(x, y) - h_{\\min}}{h_{\\max} - h_{\\min}} \\in [-9, -1]

        Parameters
        ----------
        x, y : float or array_like
            Coordinates in metres, in :math:`[0, 6]`; any two shapes that
            broadcast together.

        Returns
        -------
        float or ndarray
            A float if ``x`` and ``y`` are both scalars, else an array of their
            broadcast shape.

        Raises
        ------
        TypeError
            If ``x`` or ``y`` is not real.
        ValueError
            If a coordinate is not finite or lies outside the pit, or the shapes
            do not broadcast.

        Examples
        --------
        >>> pit = dome_with_well()
        >>> round(pit.depth(*pit.global_minimum), 6)
        -9.0
        >>> pit.depth([0.0, 3.0, 6.0], 3.0).shape
        (3,)

        Introduced in: Module 2, *The Sandpit*.
        """
        x = as_real_array(x, "x")
        y = as_real_array(y, "y")
        _check_inside(x, "x")
        _check_inside(y, "y")
        try:
            x, y = np.broadcast_arrays(x, y)
        except ValueError as exc:
            raise ValueError(f"x and y must broadcast together, got shapes {x.shape} and {y.shape}") from exc
        d = self._depth(x, y)
        return float(d) if d.ndim == 0 else d

    def __call__(self, p: ArrayLike) -> float:
        """Depth at one point ``p = (x, y)``, so that ``mvcalc.gradient(landscape, p)`` works.

        Parameters
        ----------
        p : array_like, shape (2,)
            The point, inside the pit.

        Returns
        -------
        float

        Raises
        ------
        TypeError, ValueError
            As for :meth:`depth`; also if ``p`` is not of shape (2,). Differences
            taken by ``mvcalc.gradient`` at the very edge of the pit step
            outside it and raise; :meth:`gradient` does not.

        Examples
        --------
        >>> pit = dome_with_well()
        >>> round(pit([1.0, 2.0]), 4) == round(pit.depth(1.0, 2.0), 4)
        True

        Introduced in: Module 2, *The Sandpit*.
        """
        return self._depth_at(_check_pit_point(p))

    def gradient(self, p: ArrayLike) -> np.ndarray:
        """Gradient of the depth, :math:`\\nabla d = (\\partial d/\\partial x, \\partial d/\\partial y)`.

        Computed by :func:`mvcalc.gradient` (central differences). At the edge
        of the pit the differences look a few micrometres past the wall, where
        the floor continues smoothly.

        Parameters
        ----------
        p : array_like, shape (2,)
            The point, inside the pit.

        Returns
        -------
        ndarray, shape (2,)
            In metres of depth per metre; it points uphill.

        Raises
        ------
        TypeError, ValueError
            As for :meth:`__call__`.

        Examples
        --------
        >>> pit = dome_with_well()
        >>> np.round(pit.gradient(pit.global_minimum), 3) + 0.0
        array([0., 0.])

        Introduced in: Module 2, *The Sandpit*.
        """
        return _gradient(self._depth_at, _check_pit_point(p))

    def hessian(self, p: ArrayLike) -> np.ndarray:
        """Hessian of the depth, the 2 x 2 matrix of second partial derivatives.

        Computed by :func:`mvcalc.hessian` (second differences).

        Parameters
        ----------
        p : array_like, shape (2,)
            The point, inside the pit.

        Returns
        -------
        ndarray, shape (2, 2)
            Symmetric; positive definite at the bottom of a well.

        Raises
        ------
        TypeError, ValueError
            As for :meth:`__call__`.

        Examples
        --------
        >>> pit = dome_with_well()
        >>> bool(np.all(np.linalg.eigvalsh(pit.hessian(pit.global_minimum)) > 0))
        True

        Introduced in: Module 2, *The Sandpit*.
        """
        return _hessian(self._depth_at, _check_pit_point(p))

    def grid(self, n: int = 121) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Depths on a regular ``n`` by ``n`` grid over the pit, for contour plots.

        Parameters
        ----------
        n : int, default 121
            Points per side, at least 2; 121 gives a step of 5 cm.

        Returns
        -------
        xs : ndarray, shape (n,)
        ys : ndarray, shape (n,)
        depths : ndarray, shape (n, n)
            ``depths[i, j]`` is the depth at ``(xs[j], ys[i])``: rows follow
            :math:`y`, as ``matplotlib.pyplot.contour(xs, ys, depths)`` expects.

        Raises
        ------
        TypeError
            If ``n`` is not an integer.
        ValueError
            If ``n < 2``.

        Examples
        --------
        >>> xs, ys, depths = dome_with_well().grid(61)
        >>> xs.shape, depths.shape
        ((61,), (61, 61))
        >>> bool(depths.min() >= -9.0 and depths.max() <= -1.0)
        True

        Introduced in: Module 2, *The Sandpit*.
        """
        n = check_integer(n, "n", minimum=2)
        xs = np.linspace(0.0, PIT_SIZE, n)
        ys = xs.copy()
        x, y = np.meshgrid(xs, ys)
        return xs, ys, self._depth(x, y)


def _gaussian(x: ArrayLike, y: ArrayLike, centre: Sequence[float], width: float) -> np.ndarray:
    """The bell :math:`\\exp(-\\lVert (x, y) - c \\rVert^2 / (2 w^2))`, height 1 at its centre."""
    return np.exp(-((x - centre[0]) ** 2 + (y - centre[1]) ** 2) / (2 * width**2))


def dome_with_well() -> Landscape:
    """A gentle dome with one deep well near (1.5, 3.7): the first pit of the game.

    .. math::

        h(x, y) = -\\tfrac{1}{10}\\left[(x - 3)^2 + (y - 3)^2\\right]
        - 5\\exp\\!\\left(-\\frac{(x - 1.5)^2 + (y - 3.7)^2}{2 \\cdot 1^2}\\right),

    rescaled to depths in :math:`[-9, -1]` m. The dome falls away from the
    middle of the pit towards the walls, and the well, 1 m wide, is deeper than
    any corner. A descent started anywhere in about half of the pit reaches the
    well; elsewhere it slides into a corner.
    Deterministic.

    Returns
    -------
    Landscape

    Examples
    --------
    >>> pit = dome_with_well()
    >>> np.round(pit.global_minimum, 1)
    array([1.4, 3.7])

    Introduced in: Module 2, *The Sandpit*.
    """

    def height(x, y):
        dome = -0.1 * ((x - 3.0) ** 2 + (y - 3.0) ** 2)
        return dome - 5.0 * _gaussian(x, y, (1.5, 3.7), 1.0)

    return Landscape(height, "dome with well")


def _random_pits_height(rng: np.random.Generator) -> Callable:
    """The raw height of :func:`random_pits`, drawn from ``rng``."""
    k = np.arange(1, 5)
    kx, ky = (a.ravel() for a in np.meshgrid(k, k))  # the 16 pairs of frequencies
    amplitude = rng.normal(size=16) / (kx**2 + ky**2) ** 0.6
    phase_x, phase_y = rng.uniform(0.0, 2 * np.pi, size=(2, 16))
    wall = 0.3 * np.abs(amplitude).sum()
    omega = np.pi / PIT_SIZE  # frequency 1 is half a wave across the pit

    def height(x, y):
        x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
        waves = np.cos(kx * omega * x[..., None] + phase_x) * np.cos(ky * omega * y[..., None] + phase_y)
        bowl = ((x - 3.0) / 3.0) ** 8 + ((y - 3.0) / 3.0) ** 8
        return waves @ amplitude + wall * bowl

    return height


def _height_range(height: Callable) -> float:
    """Range of ``height`` on a coarse grid over the pit."""
    xs = np.linspace(0.0, PIT_SIZE, 61)
    z = height(*np.meshgrid(xs, xs))
    return float(z.max() - z.min())


def random_pits(rng: np.random.Generator) -> Landscape:
    """A random floor of smooth pits and ridges, with walls that rise at the edges.

    A sum of 16 products of cosines, one for each pair of frequencies
    :math:`k_x, k_y \\in \\{1, 2, 3, 4\\}`, with random amplitudes :math:`a`
    that shrink with frequency and random phases :math:`\\phi, \\psi`, plus a
    high-power bowl that raises the walls:

    .. math::

        \\begin{aligned}
        h(x, y) = {} & \\sum_{k_x, k_y} a_{k_x k_y}
        \\cos\\!\\left(\\frac{k_x \\pi x}{6} + \\phi_{k_x k_y}\\right)
        \\cos\\!\\left(\\frac{k_y \\pi y}{6} + \\psi_{k_x k_y}\\right) \\\\
        & + c\\left[\\left(\\frac{x - 3}{3}\\right)^8 + \\left(\\frac{y - 3}{3}\\right)^8\\right],
        \\end{aligned}

    with :math:`a \\sim \\mathcal{N}(0, 1) / (k_x^2 + k_y^2)^{0.6}` and
    :math:`c = 0.3 \\sum |a|`; rescaled to depths in :math:`[-9, -1]` m.

    Parameters
    ----------
    rng : numpy.random.Generator
        The source of randomness: the same seed gives the same pit.

    Returns
    -------
    Landscape

    Raises
    ------
    TypeError
        If ``rng`` is not a ``numpy.random.Generator``.

    Examples
    --------
    >>> a = random_pits(np.random.default_rng(7))
    >>> b = random_pits(np.random.default_rng(7))
    >>> bool(np.all(a.global_minimum == b.global_minimum))
    True
    >>> a.name
    'random pits'

    Introduced in: Module 2, *The Sandpit*.
    """
    return Landscape(_random_pits_height(check_rng(rng)), "random pits")


def multiple_minima(rng: np.random.Generator) -> Landscape:
    """A rotated grid of bumps and dips: many local minima, one of them deepest.

    Centres :math:`c_{ij}` sit on a square lattice of spacing 2 m, shifted and
    rotated by random amounts; those inside the pit carry a sinc-shaped bump or
    dip, alternating like a chessboard, with random sizes :math:`|a_{ij}|` in
    :math:`[0.5, 1]`:

    .. math::

        h(x, y) = \\sum_{ij} a_{ij}\\, \\operatorname{sinc}\\!\\left(\\lVert (x, y) - c_{ij} \\rVert\\right),
        \\qquad \\operatorname{sinc} u = \\frac{\\sin \\pi u}{\\pi u}.

    One dip, chosen at random away from the walls, is made deeper
    (:math:`a = -1.5`): the phone lies there. Rescaled to depths in
    :math:`[-9, -1]` m.

    Parameters
    ----------
    rng : numpy.random.Generator
        The source of randomness: the same seed gives the same pit.

    Returns
    -------
    Landscape

    Raises
    ------
    TypeError
        If ``rng`` is not a ``numpy.random.Generator``.

    Examples
    --------
    >>> pit = multiple_minima(np.random.default_rng(1))
    >>> pit.name
    'multiple minima'
    >>> round(pit.depth(*pit.global_minimum), 6)
    -9.0

    Introduced in: Module 2, *The Sandpit*.
    """
    rng = check_rng(rng)
    spacing = 2.0
    angle = rng.uniform(0.0, np.pi / 2)
    shift = rng.uniform(0.0, spacing, size=2)
    rotation = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    centres, amplitudes = [], []
    for i in range(-4, 5):
        for j in range(-4, 5):
            centre = 3.0 + rotation @ (spacing * np.array([i, j]) + shift)
            if np.all((centre > 0.3) & (centre < PIT_SIZE - 0.3)):
                sign = -1.0 if (i + j) % 2 == 0 else 1.0
                centres.append(centre)
                amplitudes.append(sign * rng.uniform(0.5, 1.0))
    centres, amplitudes = np.array(centres), np.array(amplitudes)
    away_from_walls = np.all((centres > 0.75) & (centres < PIT_SIZE - 0.75), axis=1)
    dips = np.flatnonzero((amplitudes < 0) & away_from_walls)
    amplitudes[rng.choice(dips)] = -1.5

    def height(x, y):
        x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
        r = np.hypot(x[..., None] - centres[:, 0], y[..., None] - centres[:, 1])
        return np.sinc(r / (spacing / 2)) @ amplitudes

    return Landscape(height, "multiple minima")


def rocky_floor(rng: np.random.Generator) -> Landscape:
    """Random pits strewn with small rocks: a floor whose slopes are rough.

    The height of :func:`random_pits` plus eight small ripples of short
    wavelength :math:`\\lambda \\in [0.3, 0.6]` m, in random directions
    :math:`u` and with random phases :math:`\\phi`:

    .. math::

        h(x, y) = h_{\\text{pits}}(x, y) + \\frac{R}{120} \\sum_{m=1}^{8}
        \\cos\\!\\left(\\frac{2\\pi}{\\lambda_m}\\, u_m \\cdot (x, y) + \\phi_m\\right),

    where :math:`R` is the range of :math:`h_{\\text{pits}}`. The rocks barely
    change the depth, but they change the slope a lot, and they make small
    spurious minima where a descent can get stuck. Rescaled to depths in
    :math:`[-9, -1]` m.

    Parameters
    ----------
    rng : numpy.random.Generator
        The source of randomness: the same seed gives the same pit.

    Returns
    -------
    Landscape

    Raises
    ------
    TypeError
        If ``rng`` is not a ``numpy.random.Generator``.

    Examples
    --------
    >>> pit = rocky_floor(np.random.default_rng(3))
    >>> pit.name
    'rocky floor'

    Introduced in: Module 2, *The Sandpit*.
    """
    pits = _random_pits_height(check_rng(rng))
    size = _height_range(pits) / 120
    angle = rng.uniform(0.0, 2 * np.pi, size=8)
    wavenumber = 2 * np.pi / rng.uniform(0.3, 0.6, size=8)
    phase = rng.uniform(0.0, 2 * np.pi, size=8)
    ux, uy = wavenumber * np.cos(angle), wavenumber * np.sin(angle)

    def height(x, y):
        x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
        rocks = np.cos(ux * x[..., None] + uy * y[..., None] + phase).sum(axis=-1)
        return pits(x, y) + size * rocks

    return Landscape(height, "rocky floor")


def narrow_well(rng: np.random.Generator) -> Landscape:
    """Random pits plus one deep, narrow well at a random spot.

    .. math::

        h(x, y) = h_{\\text{pits}}(x, y) - 1.2\\,R
        \\exp\\!\\left(-\\frac{\\lVert (x, y) - c \\rVert^2}{2 \\cdot 0.2^2}\\right),

    where :math:`R` is the range of :math:`h_{\\text{pits}}` (so the well is
    the deepest point of the pit) and the centre :math:`c` is uniform in
    :math:`[1, 5]^2`. The well is about 0.2 m wide: a metre away the floor
    hardly slopes towards it. Rescaled to depths in :math:`[-9, -1]` m.

    Parameters
    ----------
    rng : numpy.random.Generator
        The source of randomness: the same seed gives the same pit.

    Returns
    -------
    Landscape

    Raises
    ------
    TypeError
        If ``rng`` is not a ``numpy.random.Generator``.

    Examples
    --------
    >>> pit = narrow_well(np.random.default_rng(5))
    >>> pit.name
    'narrow well'

    Introduced in: Module 2, *The Sandpit*.
    """
    pits = _random_pits_height(check_rng(rng))
    depth = 1.2 * _height_range(pits)
    centre = rng.uniform(1.0, PIT_SIZE - 1.0, size=2)

    def height(x, y):
        return pits(x, y) - depth * _gaussian(x, y, centre, NARROW_WELL_WIDTH)

    return Landscape(height, "narrow well")


# ---------------------------------------------------------------------------
# The stuck rule, shared with the in-page game
# ---------------------------------------------------------------------------

#: The constants of the rule that tells a probe it is stuck in a local minimum (see :meth:`Sandpit.probe`).
#: ``mvcalc.widgets.sandpit`` writes them into the page, and ``static/sandpit.js`` follows the same rule.
STUCK_RULE = MappingProxyType(
    {
        "simplex": 0.05,  # side of the first simplex of the descent, in metres
        "xatol": 1e-4,  # the descent has converged when its simplex is this small, in metres ...
        "fatol": 1e-12,  # ... and its depths differ by no more than this, in metres
        "maxiter": 400,  # at most this many iterations of one descent ...
        "maxfev": 400,  # ... and this many depths
        "restarts": 5,  # at most this many descents, each from where the last one stalled
        "ring_radius": 0.01,  # radius of the ring that confirms a local minimum, in metres
        "ring_points": 16,  # points on that ring
        "ring_tolerance": 1e-9,  # a ring point counts as lower only if it is lower by more than this, in metres
    }
)


def _distance(p: Sequence[float], q: Sequence[float]) -> float:
    """The distance from p to q, written out so that JavaScript rounds it the same way."""
    dx, dy = float(p[0]) - float(q[0]), float(p[1]) - float(q[1])
    return math.sqrt(dx * dx + dy * dy)


def _nelder_mead(depth: Callable, start: np.ndarray, centre: np.ndarray, reach: float) -> np.ndarray | None:
    """A Nelder-Mead descent of ``depth(p)`` from ``start``, kept inside the pit.

    The method of ``scipy.optimize.minimize(method="Nelder-Mead", bounds=...)``,
    written out step by step so that ``static/sandpit.js`` can follow it float
    for float: reflect the worst vertex through the midpoint of the other two;
    expand, contract or shrink as the depths there say; clip every new vertex to
    the pit. It needs no derivatives, so rocks cannot fool it with a rough slope;
    its first simplex is a few centimetres across, so it follows the local
    descent. Returns the best vertex once the simplex has converged (or the
    limits of :data:`STUCK_RULE` are reached), or ``None`` as soon as the best
    vertex is farther than ``reach`` from ``centre``.

    It ends where scipy's ends (``tests/test_sandpit_rule.py`` checks it), with
    one difference that no probe of the book reaches: scipy stops in the middle
    of an iteration once ``maxfev`` depths are spent, this only between two.
    """
    rule = STUCK_RULE
    side = rule["simplex"]
    simplex = start + np.array([[0.0, 0.0], [side, 0.0], [0.0, side]])
    simplex[simplex > PIT_SIZE] -= 2 * side  # at the far walls, point the simplex inwards
    values = np.array([depth(vertex) for vertex in simplex])
    evaluations, iterations = 3, 1

    def order() -> None:  # best vertex first; a stable sort, as in JavaScript
        nonlocal simplex, values
        ranks = np.argsort(values, kind="stable")
        simplex, values = simplex[ranks], values[ranks]

    order()
    while evaluations < rule["maxfev"] and iterations < rule["maxiter"]:
        if (
            np.max(np.abs(simplex[1:] - simplex[0])) <= rule["xatol"]
            and np.max(np.abs(values[0] - values[1:])) <= rule["fatol"]
        ):
            break
        mid, worst = (simplex[0] + simplex[1]) / 2, simplex[2]
        reflected = np.clip(2 * mid - worst, 0.0, PIT_SIZE)
        d_reflected = depth(reflected)
        evaluations += 1
        new = None  # the vertex that replaces the worst one; None: shrink towards the best one
        if d_reflected < values[0]:
            expanded = np.clip(3 * mid - 2 * worst, 0.0, PIT_SIZE)
            d_expanded = depth(expanded)
            evaluations += 1
            new = (expanded, d_expanded) if d_expanded < d_reflected else (reflected, d_reflected)
        elif d_reflected < values[1]:
            new = (reflected, d_reflected)
        elif d_reflected < values[2]:
            outside = np.clip(1.5 * mid - 0.5 * worst, 0.0, PIT_SIZE)
            d_outside = depth(outside)
            evaluations += 1
            if d_outside <= d_reflected:
                new = (outside, d_outside)
        else:
            inside = np.clip(0.5 * mid + 0.5 * worst, 0.0, PIT_SIZE)
            d_inside = depth(inside)
            evaluations += 1
            if d_inside < values[2]:
                new = (inside, d_inside)
        if new is None:
            for j in (1, 2):
                simplex[j] = np.clip(simplex[0] + 0.5 * (simplex[j] - simplex[0]), 0.0, PIT_SIZE)
                values[j] = depth(simplex[j])
            evaluations += 2
        else:
            simplex[2], values[2] = new
        iterations += 1
        order()
        if _distance(simplex[0], centre) > reach:
            return None  # the descent has left the probe behind
    return None if _distance(simplex[0], centre) > reach else simplex[0]


def _is_local_minimum(depth: Callable, p: np.ndarray) -> bool:
    """Whether no point of the pit on a small ring around ``p`` is lower than ``p`` (by more than a nanometre)."""
    rule = STUCK_RULE
    here = depth(p) - rule["ring_tolerance"]
    for k in range(rule["ring_points"]):
        angle = k * (2 * math.pi / rule["ring_points"])
        q = np.clip(p + rule["ring_radius"] * np.array([math.cos(angle), math.sin(angle)]), 0.0, PIT_SIZE)
        if depth(q) < here:
            return False
    return True


def _stuck(depth: Callable, probe: np.ndarray, phone: np.ndarray, win_radius: float) -> bool:
    """The stuck rule of :meth:`Sandpit.probe`, for any floor ``depth(p)``; ``static/sandpit.js`` has its twin.

    Descend from the probe with :func:`_nelder_mead`; Nelder-Mead can stall
    against a wall, so restart it where it stopped, up to ``restarts`` times,
    until it ends at a true local minimum (:func:`_is_local_minimum`). The probe
    is stuck if that happens without the descent ever leaving the disc of
    radius ``win_radius`` around the probe, at a minimum farther than
    ``win_radius`` from the phone.
    """
    end = probe
    for _ in range(STUCK_RULE["restarts"]):
        end = _nelder_mead(depth, end, probe, win_radius)
        if end is None:
            return False
        if _is_local_minimum(depth, end):
            return _distance(end, phone) > win_radius
    return False


# ---------------------------------------------------------------------------
# The game
# ---------------------------------------------------------------------------


class GameOver(RuntimeError):
    """Raised by :meth:`Sandpit.probe` once the phone is found or the probes are used up.

    Examples
    --------
    >>> game = Sandpit(dome_with_well(), max_guesses=1)
    >>> _ = game.probe(5.0, 5.0)
    >>> try:
    ...     game.probe(1.0, 1.0)
    ... except GameOver as error:
    ...     print(error)
    the game is over: the probes are used up. Start a new Sandpit to play again.

    Introduced in: Module 2, *The Sandpit*.
    """


@dataclass(frozen=True, eq=False)
class Probe:
    """What one poke of the dip-stick found.

    Attributes
    ----------
    number : int
        1 for the first probe of a game, 2 for the second, ...
    point : ndarray, shape (2,)
        Where the probe went in, ``(x, y)`` in metres.
    depth : float
        The depth of the floor there, in metres, unrounded (messages round it to
        centimetres).
    downhill : ndarray of shape (2,) or None
        In ``"gradient"`` mode, the unit vector :math:`-\\nabla d / \\lVert \\nabla d \\rVert`,
        the direction of steepest descent; ``None`` where the floor is level
        (slope below :math:`10^{-6}`) and in ``"depth"`` mode.
    slope : float or None
        In ``"gradient"`` mode, :math:`\\lVert \\nabla d \\rVert`, metres of
        depth per metre across; ``None`` in ``"depth"`` mode.
    guesses_left : int
        Probes left after this one.
    won : bool
        Whether the probe is within the winning radius of the phone.
    stuck : bool
        Whether the probe sits in a local minimum that is not the phone's: a
        descent started here would not move away.
    message : str
        What the game says, for a person playing it: the reading on its first
        line, then the verdict (probes left, stuck, found, game over).

    Examples
    --------
    >>> game = Sandpit(dome_with_well())
    >>> probe = game.probe(3.0, 3.0)
    >>> probe.number, probe.guesses_left, probe.won
    (1, 24, False)
    >>> print(probe)
    Probe 1 at (3.00, 3.00): depth -2.65 m, downhill (-0.91, +0.42).
    24 probes left.

    Introduced in: Module 2, *The Sandpit*.
    """

    number: int
    point: np.ndarray
    depth: float
    downhill: np.ndarray | None
    slope: float | None
    guesses_left: int
    won: bool
    stuck: bool
    message: str

    def __str__(self) -> str:
        return self.message


class Sandpit:
    """The Sandpit game: find the phone at the lowest point of a hidden landscape.

    Each call of :meth:`probe` pokes the dip-stick into the sand at a point and
    reports a :class:`Probe`. The game is won by a probe within ``win_radius``
    of the lowest point; it is lost when ``max_guesses`` probes have missed.
    A probe that lands in the bottom of some other hollow is told it is stuck
    in a local minimum. From probe ``hurry_at`` on, the game says to hurry up.

    Parameters
    ----------
    landscape : Landscape
        The hidden floor.
    mode : {"gradient", "depth"}, default "gradient"
        ``"gradient"``: the dip-stick reports the depth and the downhill
        direction; ``"depth"``: the depth only.
    max_guesses : int, default 25
        Probes allowed, at least 1.
    win_radius : float, default 0.15
        How close to the phone, in metres, a probe must land to find it.
    hurry_at : int, default 22
        The probe from which the game says to hurry up, at least 1.

    Attributes
    ----------
    landscape : Landscape
    mode : str
    max_guesses : int
    win_radius : float
    hurry_at : int
    history : list of Probe
        Every probe so far, in order.

    Raises
    ------
    TypeError
        If ``landscape`` is not a :class:`Landscape`, ``mode`` is not a string,
        ``max_guesses`` or ``hurry_at`` is not an integer, or ``win_radius`` is
        not a real number.
    ValueError
        If ``mode`` is not one of :data:`MODES`, a count is below 1, or
        ``win_radius`` is not finite and positive.

    Examples
    --------
    >>> pit = dome_with_well()
    >>> game = Sandpit(pit, mode="depth", max_guesses=3)
    >>> print(game.probe(5.0, 1.0))
    Probe 1 at (5.00, 1.00): depth -1.90 m.
    2 probes left.
    >>> print(game.probe(3.0, 5.0))
    Probe 2 at (3.00, 5.00): depth -2.37 m.
    1 probe left.
    >>> x, y = pit.global_minimum
    >>> print(game.probe(x + 0.1, y))
    Probe 3 at (1.54, 3.73): depth -8.96 m.
    You found the phone in 3 probes!
    >>> game.won, game.over
    (True, True)

    Introduced in: Module 2, *The Sandpit*.
    """

    def __init__(
        self,
        landscape: Landscape,
        *,
        mode: str = "gradient",
        max_guesses: int = 25,
        win_radius: float = 0.15,
        hurry_at: int = 22,
    ) -> None:
        if not isinstance(landscape, Landscape):
            raise TypeError(f"landscape must be a Landscape, such as dome_with_well(), got {type(landscape).__name__}")
        if not isinstance(mode, str):
            raise TypeError(f"mode must be a string, one of {MODES}, got {type(mode).__name__} {mode!r}")
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
        self.landscape = landscape
        self.mode = mode
        self.max_guesses = check_integer(max_guesses, "max_guesses")
        self.win_radius = check_step(win_radius, "win_radius")
        self.hurry_at = check_integer(hurry_at, "hurry_at")
        self.history: list[Probe] = []

    def __repr__(self) -> str:
        return (
            f"Sandpit({self.landscape.name!r}, mode={self.mode!r}, "
            f"{len(self.history)} of {self.max_guesses} probes used)"
        )

    @property
    def guesses(self) -> int:
        """Probes used so far."""
        return len(self.history)

    @property
    def guesses_left(self) -> int:
        """Probes left."""
        return self.max_guesses - len(self.history)

    @property
    def won(self) -> bool:
        """Whether a probe has found the phone."""
        return bool(self.history) and self.history[-1].won

    @property
    def over(self) -> bool:
        """Whether the game has ended, won or lost."""
        return self.won or self.guesses_left == 0

    def probe(self, x: float, y: float) -> Probe:
        """Poke the dip-stick into the sand at ``(x, y)``.

        The probe wins if it lies within ``win_radius`` of the phone,
        :math:`\\lVert p - p^\\ast \\rVert \\le r`. Otherwise it is *stuck* if a
        local minimiser started at it (Nelder-Mead, the method of
        ``scipy.optimize.minimize``, kept inside the pit and restarted where it
        stalls) stays within ``win_radius`` of it and ends at a true local
        minimum (no point on a 1 cm ring around it is lower) that is not the
        phone's. A probe on a summit or a saddle, where the slope also
        vanishes, is not stuck. The constants of this rule are
        :data:`STUCK_RULE`; the in-page game (:mod:`mvcalc.widgets.sandpit`)
        follows the same rule with the same constants.

        Parameters
        ----------
        x, y : float
            The point, in metres, inside the pit :math:`[0, 6]^2`.

        Returns
        -------
        Probe

        Raises
        ------
        GameOver
            If the game has already been won or lost.
        TypeError
            If ``x`` or ``y`` is not a real number.
        ValueError
            If ``x`` or ``y`` is not finite or lies outside the pit.

        Examples
        --------
        >>> game = Sandpit(dome_with_well(), max_guesses=2)
        >>> print(game.probe(0.0, 0.0))
        Probe 1 at (0.00, 0.00): depth -3.49 m, downhill (-0.71, -0.70).
        No phone here: stuck in a local minimum. Try somewhere else.
        1 probe left.
        >>> game.probe(6.0, 6.0).message.endswith("The phone was at (1.44, 3.73). Try again!")
        True
        >>> game.probe(3.0, 3.0)
        Traceback (most recent call last):
        ...
        mvcalc.sandpit.GameOver: the game is over: the probes are used up. Start a new Sandpit to play again.

        Introduced in: Module 2, *The Sandpit*.
        """
        if self.over:
            ending = "you found the phone" if self.won else "the probes are used up"
            raise GameOver(f"the game is over: {ending}. Start a new Sandpit to play again.")
        point = np.array([_check_coordinate(x, "x"), _check_coordinate(y, "y")])
        point.flags.writeable = False
        pit = self.landscape
        depth = pit._depth_at(point)
        number = len(self.history) + 1
        left = self.max_guesses - number

        downhill = slope = None
        if self.mode == "gradient":
            g = pit.gradient(point)
            slope = float(np.linalg.norm(g))
            if slope > FLAT_SLOPE:
                downhill = -g / slope
                downhill.flags.writeable = False

        won = bool(np.linalg.norm(point - pit.global_minimum) <= self.win_radius)
        stuck = not won and self._is_stuck(point)

        reading = f"Probe {number} at ({point[0]:.2f}, {point[1]:.2f}): depth {depth:.2f} m"
        if downhill is not None:
            reading += f", downhill ({downhill[0]:+.2f}, {downhill[1]:+.2f})."
        elif self.mode == "gradient":
            reading += ", level ground: no way is downhill."
        else:
            reading += "."
        lines = [reading]
        plural = "" if left == 1 else "s"
        if won:
            lines.append(f"You found the phone in {number} probe{'s' if number > 1 else ''}!")
        else:
            if stuck:
                lines.append("No phone here: stuck in a local minimum. Try somewhere else.")
            if left == 0:
                px, py = pit.global_minimum
                lines.append("Game over: no probes left. The sand is cleared to show the contours.")
                lines.append(f"The phone was at ({px:.2f}, {py:.2f}). Try again!")
            elif number >= self.hurry_at:
                lines.append(f"Hurry up: only {left} probe{plural} left!")
            else:
                lines.append(f"{left} probe{plural} left.")

        result = Probe(number, point, depth, downhill, slope, left, won, stuck, "\n".join(lines))
        self.history.append(result)
        return result

    def _is_stuck(self, point: np.ndarray) -> bool:
        """Whether a descent from ``point`` stays near it and ends in a local minimum that is not the phone's."""
        pit = self.landscape
        return _stuck(pit._depth_at, point, pit.global_minimum, self.win_radius)

    def reveal(self) -> tuple[np.ndarray, float]:
        """Where the phone was, once the game is over.

        Returns
        -------
        point : ndarray, shape (2,)
            The lowest point of the pit.
        depth : float
            Its depth, :math:`-9` m.

        Raises
        ------
        RuntimeError
            If the game is still being played.

        Examples
        --------
        >>> pit = dome_with_well()
        >>> game = Sandpit(pit, max_guesses=1)
        >>> _ = game.probe(5.0, 5.0)
        >>> point, depth = game.reveal()
        >>> np.round(point, 1), depth
        (array([1.4, 3.7]), -9.0)

        Introduced in: Module 2, *The Sandpit*.
        """
        if not self.over:
            raise RuntimeError(f"the pit is revealed only when the game is over: {self.guesses_left} probes are left")
        return self.landscape.global_minimum.copy(), self.landscape.global_min_depth

    def plot(self, ax=None):
        """Draw the pit and the probes so far; the contours appear once the game is over.

        Parameters
        ----------
        ax : matplotlib.axes.Axes, optional
            Where to draw; a new figure if not given.

        Returns
        -------
        matplotlib.axes.Axes

        Examples
        --------
        >>> game = Sandpit(dome_with_well())
        >>> _ = game.probe(3.0, 3.0)
        >>> ax = game.plot()
        >>> ax.get_xlabel()
        'x (m)'

        Introduced in: Module 2, *The Sandpit*.
        """
        if ax is None:
            import matplotlib.pyplot as plt

            _, ax = plt.subplots(figsize=(5, 5))
        return plot_pit(ax, self.landscape, self.history, reveal=self.over)


def _check_coordinate(value: Any, name: str) -> float:
    """Return a probe coordinate as a float if it is one finite real number inside the pit."""
    arr = as_real_array(value, name)
    if arr.ndim != 0:
        raise TypeError(f"{name} must be a single number, got an array of shape {arr.shape}")
    _check_inside(arr, name)
    return float(arr)


# ---------------------------------------------------------------------------
# Drawing
# ---------------------------------------------------------------------------

#: The colour of sand, behind every pit.
SAND = "#EBD9B0"
#: A darker sand, for the contour lines of a revealed pit.
SAND_DARK = "#7A6440"


def plot_pit(ax, landscape: Landscape, probes: Sequence[Probe] | ArrayLike = (), *, reveal: bool = False):
    """Draw the sand pit seen from above, with numbered probes and downhill arrows.

    Probes are black dots numbered in order; a probe stuck in a local minimum is
    a vermillion cross and the winning probe a green dot. A probe that knows the
    downhill direction carries an arrow 0.4 m long along it. With
    ``reveal=True`` the sand is cleared: contour lines of depth and the phone (an
    orange star at the global minimum) appear.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Where to draw.
    landscape : Landscape
        The pit.
    probes : sequence of Probe, or array_like of shape (k, 2)
        The probes to draw, or bare points.
    reveal : bool, default False
        Whether to show the contours and the phone.

    Returns
    -------
    matplotlib.axes.Axes
        ``ax``, for chaining.

    Raises
    ------
    TypeError
        If ``landscape`` is not a :class:`Landscape`.
    ValueError
        If bare points are not of shape (k, 2).

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> game = Sandpit(dome_with_well())
    >>> _ = game.probe(3.0, 3.0)
    >>> _ = game.probe(2.0, 3.2)
    >>> _ = plot_pit(ax, game.landscape, game.history)
    >>> [text.get_text() for text in ax.texts]  # the probe numbers
    ['1', '2']
    >>> plt.close(fig)

    Introduced in: Module 2, *The Sandpit*.
    """
    if not isinstance(landscape, Landscape):
        raise TypeError(f"landscape must be a Landscape, got {type(landscape).__name__}")
    probes = list(probes) if isinstance(probes, (list, tuple)) else probes
    if len(probes) and all(isinstance(p, Probe) for p in probes):
        points = np.array([p.point for p in probes])
        arrows = [p.downhill for p in probes]
        won = [p.won for p in probes]
        stuck = [p.stuck for p in probes]
    else:
        points = as_real_array(probes, "probes") if len(probes) else np.empty((0, 2))
        if points.ndim != 2 or points.shape[1] != 2:
            raise ValueError(f"probes must be Probe objects or points of shape (k, 2), got shape {points.shape}")
        arrows, won, stuck = [None] * len(points), [False] * len(points), [False] * len(points)

    from matplotlib.patches import FancyArrowPatch

    ax.set_facecolor(SAND)
    ax.grid(False)
    if reveal:
        xs, ys, depths = landscape.grid()
        levels = np.arange(-9.0, -0.5, 0.5)
        lines = ax.contour(xs, ys, depths, levels=levels, colors=SAND_DARK, linewidths=0.8, linestyles="solid")
        ax.clabel(lines, lines.levels[::2], fontsize=7, fmt="%g")
        ax.plot(
            *landscape.global_minimum,
            marker="*",
            markersize=16,
            color=COLORS["orange"],
            markeredgecolor=COLORS["black"],
            linestyle="none",
            zorder=4,
        )
    for k, (point, arrow, w, s) in enumerate(zip(points, arrows, won, stuck, strict=True), start=1):
        if arrow is not None:
            ax.add_patch(
                FancyArrowPatch(
                    point,
                    point + 0.4 * arrow,
                    arrowstyle="-|>",
                    mutation_scale=10,
                    color=COLORS["blue"],
                    linewidth=1.5,
                    zorder=3,
                )
            )
        if s:
            ax.plot(*point, marker="X", markersize=9, color=COLORS["vermillion"], linestyle="none", zorder=5)
        else:
            colour = COLORS["green"] if w else COLORS["black"]
            ax.plot(*point, marker="o", markersize=6, color=colour, linestyle="none", zorder=5)
        ax.text(point[0] + 0.08, point[1] + 0.08, str(k), fontsize=8, color=COLORS["black"], zorder=6)
    ax.set_xlim(0.0, PIT_SIZE)
    ax.set_ylim(0.0, PIT_SIZE)
    ax.set_aspect("equal")
    ax.set_xlabel("x (m)")
    ax.set_ylabel("y (m)")
    return ax
