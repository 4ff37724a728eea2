"""Small data sets that the book's chapters train and fit on.

Each data set is a function that computes its data, so nothing is downloaded
and the numbers are the same on every machine. Arrays follow the book's
convention for networks: one column per example.

Introduced in: Module 3, *The Backpropagation assignment*.
"""

from __future__ import annotations

from numbers import Integral

import numpy as np

__all__ = ["heart_curve"]


def heart_curve(n: int = 100) -> tuple[np.ndarray, np.ndarray]:
    """The heart curve of the Backpropagation assignment: ``n`` points of a closed curve.

    The input is the distance travelled along the curve,
    :math:`t = 0, \\tfrac{1}{n}, \\dots, \\tfrac{n-1}{n}`, and the output is the
    point of the classic parametric heart curve (one of the hearts in
    E. W. Weisstein's MathWorld entry *Heart Curve*),

    .. math::

        h(t) = \\begin{bmatrix} 16 \\sin^3(2\\pi t) \\\\
        13\\cos(2\\pi t) - 5\\cos(4\\pi t) - 2\\cos(6\\pi t) - \\cos(8\\pi t) \\end{bmatrix},

    shrunk and shifted into the unit square, where a logistic output layer can
    reach it:

    .. math::

        y(t) = \\tfrac{1}{2}\\left(\\tfrac{1}{20} h(t) + 1\\right).

    The first coordinate then lies in :math:`[0.1, 0.9]` and the second in
    about :math:`[0.075, 0.80]`. The curve is closed: :math:`t = 1` would give
    the point at :math:`t = 0` again, which is why the grid stops at
    :math:`(n-1)/n`.

    Parameters
    ----------
    n : int, optional
        The number of points, a positive integer; the assignment uses 100.

    Returns
    -------
    x : ndarray, shape (1, n)
        The inputs :math:`t`, one column per example.
    y : ndarray, shape (2, n)
        The targets: row 0 is the horizontal and row 1 the vertical coordinate.

    Raises
    ------
    TypeError
        If ``n`` is not an integer.
    ValueError
        If ``n < 1``.

    Examples
    --------
    >>> x, y = heart_curve()
    >>> x.shape, y.shape
    ((1, 100), (2, 100))
    >>> print(x[0, :3], y[:, 0])   # the curve starts at the dip of the heart
    [0.   0.01 0.02] [0.5   0.625]
    >>> print(np.round(y.min(axis=1), 3), np.round(y.max(axis=1), 3))
    [0.1   0.075] [0.9   0.798]

    Introduced in: Module 3, *The Backpropagation assignment*.
    """
    if isinstance(n, bool) or not isinstance(n, Integral):
        raise TypeError(f"n must be a positive integer (the number of points), got {type(n).__name__} {n!r}")
    if n < 1:
        raise ValueError(f"n must be a positive integer (the number of points), got {n!r}")
    t = np.arange(int(n), dtype=np.float64) / n
    angle = 2 * np.pi * t
    h = np.vstack(
        [
            16 * np.sin(angle) ** 3,
            13 * np.cos(angle) - 5 * np.cos(2 * angle) - 2 * np.cos(3 * angle) - np.cos(4 * angle),
        ]
    )
    y = (h / 20 + 1) / 2
    return t[None, :], y
