"""Small helpers for showing computed numbers in the book's prose.

A number that a page quotes is computed by the page's code and *glued* into
the text (myst-nb's ``glue``), so the text and the output cannot disagree.
Very small or very large numbers read best in scientific notation, typeset.

Introduced in: Module 1, *The Derivative*.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from ._validation import as_real_array, check_integer, check_real_scalar

__all__ = ["sci_latex", "glue_sci", "digits_of_agreement"]


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
    value = check_real_scalar(value, "value")
    digits = check_integer(digits, "digits", minimum=0)
    mantissa, exponent = f"{float(value):.{digits}e}".split("e")
    return rf"${mantissa} \times 10^{{{int(exponent)}}}$"


def digits_of_agreement(value: ArrayLike, reference: ArrayLike, most: int = 15) -> int:
    """How many significant digits ``value`` shares with ``reference``, at most ``most``.

    .. math::

        \\Big\\lfloor -\\log_{10} \\frac{\\lVert v - r \\rVert}{\\lVert r \\rVert} \\Big\\rfloor

    with the 2-norm over all entries. Reporting agreement as a whole number of
    digits, capped below the last digits that round-off decides, keeps a page's
    printed output the same on every machine.

    Parameters
    ----------
    value, reference : array_like
        Arrays of the same shape (or scalars); ``reference`` not all zero.
    most : int
        The cap, a positive integer.

    Returns
    -------
    int

    Examples
    --------
    >>> digits_of_agreement(3.14159, np.pi, most=12)
    6
    >>> digits_of_agreement([1.0, 2.0], [1.0, 2.0], most=12)
    12

    Introduced in: Module 3, *Backpropagation: A Network Learns to Draw*.
    """
    value = as_real_array(value, "value")
    reference = as_real_array(reference, "reference")
    if value.shape != reference.shape:
        raise ValueError(f"value and reference must have the same shape, got {value.shape} and {reference.shape}")
    most = check_integer(most, "most")
    scale = np.linalg.norm(reference)
    if scale == 0:
        raise ValueError("reference must not be all zero: relative agreement is undefined")
    discrepancy = np.linalg.norm(value - reference) / scale
    return int(most) if discrepancy == 0 else int(min(most, np.floor(-np.log10(discrepancy))))


def glue_sci(name: str, value: float, digits: int = 1) -> None:
    """Glue ``value`` into the page's prose under ``name``, typeset in scientific notation.

    Write ``{glue:md}`name:myst``` in the text where the number should appear.
    Needs myst-nb (the book's build installs it); the rest of mvcalc does not.

    Introduced in: Module 1, *The Derivative*.
    """
    from IPython.display import Markdown
    from myst_nb import glue

    glue(name, Markdown(sci_latex(value, digits)), display=False)
