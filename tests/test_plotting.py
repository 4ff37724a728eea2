"""Tests of mvcalc.plotting: the shared style and the colour palette."""

from __future__ import annotations

import itertools
import re

import matplotlib as mpl
import matplotlib.colors as mcolors
import numpy as np
import pytest

from mvcalc.plotting import COLORS, use_style

# Okabe and Ito (2008), "Color Universal Design": the reference palette.
OKABE_ITO = {"#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#000000"}


@pytest.fixture
def styled():
    """Apply the style inside an rc_context, so the global rcParams are restored."""
    with mpl.rc_context():
        mpl.rcParams.update(mpl.rcParamsDefault)
        use_style()
        yield mpl.rcParams


def test_use_style_sets_the_documented_rcparams(styled):
    # opaque white backgrounds, so figures read the same in light and dark themes
    assert mcolors.to_hex(styled["figure.facecolor"]) == "#ffffff"
    assert mcolors.to_hex(styled["savefig.facecolor"]) == "#ffffff"
    assert mcolors.to_hex(styled["axes.facecolor"]) == "#ffffff"
    # shared line widths (the docstring's example) and font size
    assert styled["lines.linewidth"] == 2.0
    assert styled["font.size"] == 11
    # the colour cycle is the book's palette, in order
    cycle = [mcolors.to_hex(c["color"]) for c in styled["axes.prop_cycle"]]
    assert cycle == [c.lower() for c in list(COLORS.values())[: len(cycle)]]
    assert len(cycle) >= 4
    # deterministic SVG output
    assert styled["svg.hashsalt"] is not None


def test_use_style_changes_defaults_and_is_idempotent(styled):
    assert styled["lines.linewidth"] != mpl.rcParamsDefault["lines.linewidth"]
    snapshot = dict(styled)
    use_style()
    assert dict(mpl.rcParams) == snapshot


def test_use_style_does_not_leak_out_of_rc_context():
    default = mpl.rcParamsDefault["axes.prop_cycle"]
    with mpl.rc_context():
        mpl.rcParams.update(mpl.rcParamsDefault)
        use_style()
    with mpl.rc_context():
        mpl.rcParams.update(mpl.rcParamsDefault)
        assert mpl.rcParams["axes.prop_cycle"] == default


def test_a_figure_can_be_drawn_with_the_style(styled):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure()
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    (line,) = ax.plot([0, 1], [0, 1])
    fig.canvas.draw()
    assert line.get_linewidth() == 2.0
    assert mcolors.to_hex(line.get_color()) == list(COLORS.values())[0].lower()
    image = np.asarray(fig.canvas.buffer_rgba())
    assert np.all(image[0, 0] == [255, 255, 255, 255])  # opaque white corner


def test_colors_are_valid_hex():
    assert len(COLORS) >= 6
    for name, value in COLORS.items():
        assert isinstance(name, str) and name
        assert re.fullmatch(r"#[0-9A-Fa-f]{6}", value), (name, value)
        assert mcolors.is_color_like(value)


def test_colors_are_okabe_ito():
    assert {v.upper() for v in COLORS.values()} <= OKABE_ITO


def _lab(hex_colour):
    """CIE L*a*b* (D65) of an sRGB colour."""
    rgb = np.array(mcolors.to_rgb(hex_colour))
    linear = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    M = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]])
    xyz = M @ linear / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def test_lab_conversion_reference_values():
    # sanity of the helper against known values
    np.testing.assert_allclose(_lab("#ffffff"), [100, 0, 0], atol=0.05)
    np.testing.assert_allclose(_lab("#000000"), [0, 0, 0], atol=1e-9)
    np.testing.assert_allclose(_lab("#ff0000"), [53.24, 80.09, 67.20], atol=0.1)


def test_palette_colours_are_distinct():
    values = [v.lower() for v in COLORS.values()]
    assert len(set(values)) == len(values)
    assert len(set(COLORS)) == len(COLORS)
    # no two colours closer than ΔE*ab = 20 (a just-noticeable difference is ~2.3;
    # 20 is "clearly different colours" at a glance)
    for (n1, c1), (n2, c2) in itertools.combinations(COLORS.items(), 2):
        assert np.linalg.norm(_lab(c1) - _lab(c2)) > 20, (n1, n2)
