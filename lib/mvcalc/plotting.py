"""The book's one shared plotting style.

Every chapter calls :func:`use_style` in its first code cell, so that all
figures share fonts, line widths and colours. The palette is Okabe and Ito's,
which stays distinct under the common forms of colour blindness; figures have
an opaque white background, so they read the same in the light and dark themes.

Introduced in: Module 1, *Functions* (``book/m1/functions.md``), the first page that calls it.
"""

from __future__ import annotations

from functools import cache
from typing import Any

__all__ = ["COLORS", "use_style"]

# matplotlib (and its cycler) are imported by use_style and STYLE, not here: a page run in the browser
# (Pyodide) that only needs COLORS, as mvcalc.sandpit does, does not download matplotlib.

#: Okabe–Ito colours by name, in the order the book uses them.
COLORS = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "green": "#009E73",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
    "sky": "#56B4E9",
    "yellow": "#F0E442",
    "black": "#000000",
}


@cache
def _style() -> dict[str, Any]:
    """The rcParams of the book's style (``STYLE``), built once; imports cycler, which comes with matplotlib."""
    from cycler import cycler

    return {
        "figure.figsize": (6.4, 4.0),
        "figure.dpi": 110,
        "figure.facecolor": "white",
        "savefig.facecolor": "white",
        "axes.facecolor": "white",
        "axes.edgecolor": "#333333",
        "axes.labelcolor": "#222222",
        "axes.prop_cycle": cycler(color=list(COLORS.values())[:6]),
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.grid": True,
        "grid.color": "#dddddd",
        "grid.linewidth": 0.8,
        "lines.linewidth": 2.0,
        "font.size": 11,
        "legend.frameon": False,
        "xtick.color": "#333333",
        "ytick.color": "#333333",
        "image.cmap": "viridis",
        "svg.hashsalt": "mvcalc",  # deterministic SVG ids
    }


def __getattr__(name: str) -> Any:
    """``STYLE``, built on first use (PEP 562), so that importing this module does not import matplotlib."""
    if name == "STYLE":
        return _style()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def use_style() -> None:
    """Apply the book's matplotlib style to every figure that follows.

    Examples
    --------
    >>> use_style()
    >>> import matplotlib as mpl
    >>> mpl.rcParams["lines.linewidth"]
    2.0

    Introduced in: Module 1, *Functions*, the first page whose import cell calls it.
    """
    import matplotlib as mpl

    mpl.rcParams.update(_style())
