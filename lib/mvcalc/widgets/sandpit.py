"""The Sandpit, playable in the published page: no kernel, no server.

:func:`sandpit_game` computes everything the game needs from a
:class:`~mvcalc.sandpit.Landscape` when the page is built, and returns a piece
of HTML that carries it:

- the depths on an ``n`` by ``n`` grid over the pit, quantised to 16 bits
  (steps of 8 m / 65535, about 0.12 mm) and written in base64, so the page
  stays small and is the same on every build;
- where the phone lies, the lowest point of the pit;
- the contour lines of depth every 0.5 m (from matplotlib's contour generator,
  ``contourpy``), as SVG paths with centimetre coordinates, shown once the game
  is over;
- the rules: mode, number of probes, winning radius, when to hurry, the slope
  below which the floor counts as level (:data:`~mvcalc.sandpit.FLAT_SLOPE`) and
  the constants of the stuck rule (:data:`~mvcalc.sandpit.STUCK_RULE`).

The game itself is ``static/sandpit.js``, plain JavaScript with no library. It
follows :class:`~mvcalc.sandpit.Sandpit` rule for rule and message for message:

- a probe reads the depth there, interpolated from the grid by bicubic
  (Catmull-Rom) interpolation, which agrees with
  :meth:`~mvcalc.sandpit.Landscape.depth` to well under a centimetre on a
  5 cm grid; in ``"gradient"`` mode it also shows the downhill direction
  :math:`-\\nabla d / \\lVert \\nabla d \\rVert`, from the derivative of the
  same interpolant;
- a probe within ``win_radius`` of the phone wins; the sand is then cleared to
  show the contours and the phone, as it is after ``max_guesses`` probes;
- a probe is *stuck in a local minimum* by the rule of
  :meth:`~mvcalc.sandpit.Sandpit.probe`, the same rule with the same constants
  (:data:`~mvcalc.sandpit.STUCK_RULE`, written into the data): a Nelder-Mead
  descent from the probe, restarted where it stalls, ends at a local minimum
  without leaving the disc of radius ``win_radius`` around the probe, and that
  minimum is not the phone's. The script's ``isStuck`` follows
  ``mvcalc.sandpit._stuck`` step for step; the one difference is the floor it
  descends, the interpolated grid instead of the landscape's formula, so a
  probe a hair from the edge of a hollow's reach could be judged differently
  (``tests/test_sandpit_rule.py`` runs both rules on the same floors, and on the
  book's games, where they agree at every probe it tries);
- from probe ``hurry_at`` on, the game says to hurry up.

Clicks are rounded to the centimetre, so that ``Sandpit(...).probe(x, y)`` at
the coordinates the page shows gives the same reading.

Introduced in: Module 2, *The Sandpit* (``book/m2/sandpit.md``).
"""

from __future__ import annotations

import base64
import hashlib
import re

import numpy as np

from mvcalc._validation import check_integer
from mvcalc.sandpit import BOTTOM_DEPTH, FLAT_SLOPE, PIT_SIZE, STUCK_RULE, TOP_DEPTH, Landscape, Sandpit

from . import HTMLWidget, escape, static_text, to_json

__all__ = ["sandpit_game", "encode_depths", "decode_depths", "contour_paths", "CONTOUR_STEP", "QUANTUM"]

#: Depth between two contour lines of a revealed pit, in metres (as :func:`mvcalc.sandpit.plot_pit`).
CONTOUR_STEP = 0.5
#: Step of the quantised depths embedded in the page, in metres (8 m over 16 bits).
QUANTUM = (TOP_DEPTH - BOTTOM_DEPTH) / 65535
_CM = 100  # SVG units per metre: the drawing's coordinates are centimetres
_ID = re.compile(r"[A-Za-z][A-Za-z0-9_-]*\Z")


def sandpit_game(
    landscape: Landscape,
    *,
    mode: str = "gradient",
    max_guesses: int = 25,
    win_radius: float = 0.15,
    hurry_at: int = 22,
    grid: int = 121,
    widget_id: str | None = None,
) -> HTMLWidget:
    """The Sandpit game on ``landscape``, as HTML that plays in the browser.

    Display the result (the last expression of a cell) to play: click in the
    pit, or focus it and move the dip-stick with the arrow keys (Shift for
    0.5 m steps), then press Enter. The rules are those of
    :class:`mvcalc.sandpit.Sandpit`, with the same arguments.

    Parameters
    ----------
    landscape : Landscape
        The hidden floor, such as ``dome_with_well()``.
    mode : {"gradient", "depth"}, default "gradient"
        ``"gradient"``: each probe shows the depth and an arrow downhill;
        ``"depth"``: the depth only.
    max_guesses : int, default 25
        Probes allowed, at least 1.
    win_radius : float, default 0.15
        How close to the phone, in metres, a probe must land to find it.
    hurry_at : int, default 22
        The probe from which the game says to hurry up, from 1 to ``max_guesses``.
    grid : int, default 121
        Grid points per side for the embedded depths, at least 11; 121 is a
        step of 5 cm and about 40 KB of page.
    widget_id : str, optional
        The HTML id of the game: a letter, then letters, digits, ``-`` or
        ``_``. By default it is made from the landscape's name and a digest of
        everything embedded, so different games on a page get different ids.

    Returns
    -------
    HTMLWidget
        A string of HTML (with ``_repr_html_``): a ``<style>``, then a
        ``<div class="mvcalc-sandpit">`` holding the data as JSON and the script.
        The same arguments give the same string.

    Raises
    ------
    TypeError
        If ``landscape`` is not a :class:`~mvcalc.sandpit.Landscape`, ``mode``
        or ``widget_id`` is not a string, a count is not an integer, or
        ``win_radius`` is not a real number.
    ValueError
        If ``mode`` is not ``"gradient"`` or ``"depth"``, a count is below 1,
        ``win_radius`` is not finite and positive, ``hurry_at`` exceeds
        ``max_guesses``, ``grid`` is below 11, or ``widget_id`` is not a valid id.

    Examples
    --------
    >>> from mvcalc.sandpit import dome_with_well
    >>> pit = dome_with_well()
    >>> game = sandpit_game(pit, grid=31)
    >>> game.startswith("<style>") and 'class="mvcalc-sandpit"' in game
    True
    >>> game  # doctest: +ELLIPSIS
    <HTMLWidget: ... characters of HTML>
    >>> re.search(r'id="(sandpit-dome-with-well-[0-9a-f]{8})"', game) is not None  # name and digest
    True
    >>> game == sandpit_game(pit, grid=31), game == sandpit_game(pit, grid=31, mode="depth")
    (True, False)

    Introduced in: Module 2, *The Sandpit*.
    """
    rules = Sandpit(landscape, mode=mode, max_guesses=max_guesses, win_radius=win_radius, hurry_at=hurry_at)
    if rules.hurry_at > rules.max_guesses:
        raise ValueError(
            f"hurry_at must be at most max_guesses = {rules.max_guesses}, got {rules.hurry_at}: "
            "the game would end before it says to hurry up"
        )
    n = check_integer(grid, "grid", minimum=11)
    if widget_id is not None:
        if not isinstance(widget_id, str):
            raise TypeError(f"widget_id must be a string, got {type(widget_id).__name__} {widget_id!r}")
        if not _ID.match(widget_id):
            raise ValueError(f"widget_id must be a letter followed by letters, digits, '-' or '_', got {widget_id!r}")

    xs, ys, depths = landscape.grid(n)
    data = {
        "name": landscape.name,
        "mode": rules.mode,
        "max_guesses": rules.max_guesses,
        "win_radius": rules.win_radius,
        "hurry_at": rules.hurry_at,
        "flat_slope": FLAT_SLOPE,
        "stuck": dict(STUCK_RULE),
        "pit": PIT_SIZE,
        "n": n,
        "lo": BOTTOM_DEPTH,
        "hi": TOP_DEPTH,
        "depths": encode_depths(depths),
        "minimum": [round(float(v), 6) for v in landscape.global_minimum],
        "min_depth": float(landscape.global_min_depth),
        "contours": contour_paths(xs, ys, depths),
    }
    text = to_json(data)
    if widget_id is None:
        slug = re.sub(r"[^a-z0-9]+", "-", landscape.name.lower()).strip("-") or "pit"
        widget_id = f"sandpit-{slug}-{hashlib.sha256(text.encode()).hexdigest()[:8]}"
    ident = escape(widget_id)
    label = escape(f"The Sandpit: {landscape.name}, {rules.mode} mode")
    return HTMLWidget(
        f"<style>{static_text('sandpit.css')}</style>\n"
        f'<div class="mvcalc-sandpit" id="{ident}" data-state="loading" role="group" aria-label="{label}">\n'
        f'<script type="application/json" class="mvcalc-sandpit-data">{text}</script>\n'
        "<noscript><p>The Sandpit game needs JavaScript. Without it, play in a notebook with "
        "<code>mvcalc.sandpit.Sandpit</code>.</p></noscript>\n"
        f"<script>{static_text('sandpit.js')}\n"
        f'window.mvcalcSandpit.start(document.currentScript, "{ident}");</script>\n'
        "</div>"
    )


def encode_depths(depths: np.ndarray) -> str:
    """Depths in [-9, -1] m as base64 of little-endian 16-bit integers, row by row.

    .. math::

        q = \\operatorname{round}\\left(65535\\,\\frac{d + 9}{8}\\right), \\qquad d = -9 + 8 q / 65535,

    so a depth comes back within half a :data:`QUANTUM` (0.06 mm).

    Parameters
    ----------
    depths : ndarray, shape (n, n)
        ``depths[i, j]`` at ``(xs[j], ys[i])``, as from :meth:`~mvcalc.sandpit.Landscape.grid`.

    Returns
    -------
    str
        Base64 text of ``2 n^2`` bytes.

    Examples
    --------
    >>> encode_depths(np.array([[-9.0, -1.0], [-5.0, -1.0]]))  # 0, 65535, 32768, 65535
    'AAD//wCA//8='
    >>> bool(np.allclose(decode_depths(encode_depths(np.full((2, 2), -3.0)), 2), -3.0, atol=QUANTUM))
    True

    Introduced in: Module 2, *The Sandpit*.
    """
    q = np.rint((np.clip(depths, BOTTOM_DEPTH, TOP_DEPTH) - BOTTOM_DEPTH) / QUANTUM)
    return base64.b64encode(q.astype("<u2").tobytes()).decode("ascii")


def decode_depths(text: str, n: int) -> np.ndarray:
    """The inverse of :func:`encode_depths`: an array of shape (n, n), in metres (what the page decodes).

    Examples
    --------
    >>> round(float(decode_depths('AAD//wCA//8=', 2)[1, 0]), 4)
    -4.9999

    Introduced in: Module 2, *The Sandpit*.
    """
    q = np.frombuffer(base64.b64decode(text), dtype="<u2").reshape(n, n)
    return BOTTOM_DEPTH + q * QUANTUM


def contour_paths(xs: np.ndarray, ys: np.ndarray, depths: np.ndarray) -> list[list]:
    """Contour lines of depth every :data:`CONTOUR_STEP` m, as SVG path data in centimetres.

    The lines come from ``contourpy`` (matplotlib's contour generator). The
    drawing has its origin at the top left, so a point ``(x, y)`` in metres is
    ``(100 x, 100 (6 - y))``, rounded to whole centimetres.

    Parameters
    ----------
    xs, ys : ndarray, shape (n,)
    depths : ndarray, shape (n, n)
        As from :meth:`~mvcalc.sandpit.Landscape.grid`.

    Returns
    -------
    list of [float, str, float, float]
        For each level with a line, ``[level, d, x, y]``: the level in metres,
        the SVG ``d`` attribute of all its lines, and where to put its label
        (the middle of its longest line, in centimetres of the drawing).

    Examples
    --------
    >>> xs = np.linspace(0, 6, 31)
    >>> x, y = np.meshgrid(xs, xs)
    >>> bowl = -9 + 8 * ((x - 3) ** 2 + (y - 3) ** 2) / 18  # a bowl: circles around (3, 3)
    >>> paths = contour_paths(xs, xs, bowl)
    >>> [level for level, *_ in paths][:3]  # no line at -9 m: the bottom of the bowl is one point
    [-8.5, -8.0, -7.5]
    >>> paths[0][1][:16]  # the circle of depth -8.5 m, radius 1.06 m, from (2.80, 1.96)
    'M280 404l-14 -4 '

    Introduced in: Module 2, *The Sandpit*.
    """
    import contourpy

    generator = contourpy.contour_generator(xs, ys, depths, line_type="Separate")
    result = []
    for level in np.arange(BOTTOM_DEPTH, TOP_DEPTH + CONTOUR_STEP / 2, CONTOUR_STEP):
        pieces, longest = [], None
        for line in generator.lines(level):
            q = np.rint(np.column_stack([line[:, 0], PIT_SIZE - line[:, 1]]) * _CM).astype(int)
            q = q[np.r_[True, np.any(np.diff(q, axis=0) != 0, axis=1)]]  # drop repeated points
            if len(q) < 2:
                continue
            steps = np.diff(q, axis=0)
            pieces.append(f"M{q[0, 0]} {q[0, 1]}l" + " ".join(f"{dx} {dy}" for dx, dy in steps))
            if longest is None or len(q) > len(longest):
                longest = q
        if pieces:
            middle = longest[len(longest) // 2]
            result.append([float(level), "".join(pieces), float(middle[0]), float(middle[1])])
    return result
