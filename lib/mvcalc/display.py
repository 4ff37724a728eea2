"""Small helpers for showing computed numbers in the book's prose.

A number that a page quotes is computed by the page's code and *glued* into
the text (myst-nb's ``glue``), so the text and the output cannot disagree.
Very small or very large numbers read best in scientific notation, typeset.

Introduced in: Module 1, *The Derivative*.
"""

from __future__ import annotations

from numbers import Real

import numpy as np

__all__ = ["sci_latex", "glue_sci"]


def sci_latex(value: float, digits: int = 1) -> str:
    """Inline LaTeX for ``value`` in scientific notation.

    Parameters
    ----------
    value : float
        A finite real number.
    digits : int
        Digits after the decimal point of the mantissa.

    Returns
    -------
    str
        For example ``"$1.5 \\times 10^{-8}$"``.

    Examples
    --------
    >>> sci_latex(1.4901161193847656e-08)
    '$1.5 \\\\times 10^{-8}$'
    >>> sci_latex(-2.5e3, digits=2)
    '$-2.50 \\\\times 10^{3}$'

    Introduced in: Module 1, *The Derivative*.
    """
    if isinstance(value, bool) or not isinstance(value, (Real, np.floating, np.integer)):
        raise TypeError(f"value must be a real number, got {type(value).__name__} {value!r}")
    if not np.isfinite(value):
        raise ValueError(f"value must be finite, got {value!r}")
    if isinstance(digits, bool) or not isinstance(digits, (int, np.integer)) or digits < 0:
        raise ValueError(f"digits must be a non-negative integer, got {digits!r}")
    mantissa, exponent = f"{float(value):.{digits}e}".split("e")
    return rf"${mantissa} \times 10^{{{int(exponent)}}}$"


def glue_sci(name: str, value: float, digits: int = 1) -> None:
    """Glue ``value`` into the page's prose under ``name``, typeset in scientific notation.

    Write ``{glue:md}`name:myst``` in the text where the number should appear.
    Needs myst-nb (the book's build installs it); the rest of mvcalc does not.

    Introduced in: Module 1, *The Derivative*.
    """
    from IPython.display import Markdown
    from myst_nb import glue

    glue(name, Markdown(sci_latex(value, digits)), display=False)
