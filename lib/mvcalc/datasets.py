"""Small data sets that the book's chapters train and fit on.

Each data set is a function that computes its data, so nothing is downloaded
and the numbers are the same on every machine. Arrays follow the book's
convention for networks: one column per example.

Introduced in: Module 3, *Backpropagation: A Network Learns to Draw* (:func:`heart_curve`), and
Module 6, *Fitting the Distribution of Heights* (``book/m6/heights.md``, :func:`heights`).
"""

from __future__ import annotations

import numpy as np

from ._validation import check_integer

__all__ = [
    "heart_curve",
    "heights",
    "HEIGHTS_SEED",
    "HEIGHTS_N",
    "HEIGHTS_MEAN",
    "HEIGHTS_SD",
    "HEIGHTS_RESOLUTION",
    "HEIGHTS_BIN_WIDTH",
]

#: The seed of the ``numpy.random.default_rng`` that draws the sample of :func:`heights`.
HEIGHTS_SEED = 2024
#: The number of people in the sample of :func:`heights`.
HEIGHTS_N = 5000
#: The mean (cm) of the normal distribution the heights are drawn from.
HEIGHTS_MEAN = 178.5
#: The standard deviation (cm) of the normal distribution the heights are drawn from.
HEIGHTS_SD = 7.5
#: The heights are recorded to the nearest millimetre (0.1 cm), as a stadiometer reads them.
HEIGHTS_RESOLUTION = 0.1
#: The width (cm) of the histogram's bins.
HEIGHTS_BIN_WIDTH = 2.5


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

    Introduced in: Module 3, *Backpropagation: A Network Learns to Draw*.
    """
    n = check_integer(n, "n", what="the number of points")
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


def heights() -> tuple[np.ndarray, np.ndarray]:
    """The heights data of the Fitting-the-distribution-of-heights assignment: a histogram as a density.

    One hundred bins of width :math:`w = 2.5` cm with left edges
    :math:`50, 52.5, \\dots, 297.5` cm, as in the course; ``x`` holds the bin
    centres (left edge + 1.25 cm) and ``y`` the fraction of people in each bin
    divided by the width, so that the histogram has unit area,

    .. math::

        y_i = \\frac{n_i}{n\\,w}, \\qquad \\sum_i y_i\\, w = 1,

    and can be compared with a normalised Gaussian (:func:`mvcalc.gaussian`).

    **Where the numbers come from.** The course's own data are not available,
    so the histogram is computed from a sample of our own, drawn afresh on
    every call and identical on every machine:

    - ``HEIGHTS_N = 5000`` people, drawn with
      ``np.random.default_rng(HEIGHTS_SEED)`` (``HEIGHTS_SEED = 2024``, numpy's
      PCG64 generator, whose stream is the same on every platform) as
      ``rng.normal(HEIGHTS_MEAN, HEIGHTS_SD, HEIGHTS_N)``, a normal distribution
      with mean 178.5 cm and standard deviation 7.5 cm;
    - recorded to the nearest millimetre (``HEIGHTS_RESOLUTION = 0.1`` cm), as
      a stadiometer reads them, and binned in whole millimetres (integer
      arithmetic, so no height is put in the wrong bin by rounding).

    The population is adult *men*. Measurement surveys put the mean height of
    adult men in western and northern Europe and North America at about
    175–183 cm (for example the NCD Risk Factor Collaboration's estimates,
    *eLife* 2016, about 177 cm in the United Kingdom and the United States,
    180 cm in Germany and 183 cm in the Netherlands), with a standard
    deviation within one population of about 6.5–7.5 cm; women are about 12–14 cm
    shorter (about 163–165 cm in the UK and US). We chose 178.5 cm and 7.5 cm,
    inside those ranges, to match the course's histogram (mean about 178.5 cm
    and SD about 7.54 cm). A mixed sample of women and men would *not* match:
    with realistic means 163 and 177 cm, SDs 7 cm and equal numbers, its mean is
    about 170 cm and its SD about 9.9 cm, and no proportion of women gives a
    mean of 178.5 cm unless the men's mean is even taller. The course's
    histogram is most likely a sample of men.

    Summary of the histogram (from the bin centres): mean 178.55 cm, standard
    deviation 7.49 cm (the raw sample's are 178.50 cm and 7.45 cm; binning adds
    about :math:`w^2/12` to the variance). The least-squares Gaussian
    (:func:`mvcalc.levenberg_marquardt` or :func:`scipy.optimize.curve_fit`,
    unweighted :math:`\\chi^2`) has :math:`\\mu = 178.58` cm,
    :math:`\\sigma = 7.32` cm and :math:`\\chi^2 = 5.42 \\times 10^{-5}`; for
    the course's data, a smaller and noisier sample, :math:`\\chi^2` was about
    :math:`4.4 \\times 10^{-4}`. Unlike the course's data, whose nonzero bins
    run from 160 to 200 cm, a sample of 5,000 has a few people in the tails:
    the nonzero bins have left edges from 147.5 to 207.5 cm.

    Returns
    -------
    x : ndarray, shape (100,)
        The bin centres in cm: :math:`51.25, 53.75, \\dots, 298.75`.
    y : ndarray, shape (100,)
        The density in 1/cm, nonnegative, with ``(y * 2.5).sum() == 1`` (to
        rounding).

    Examples
    --------
    >>> x, y = heights()
    >>> x.shape, y.shape
    ((100,), (100,))
    >>> print(x[:2], x[-1], float(np.sum(y * HEIGHTS_BIN_WIDTH)))
    [51.25 53.75] 298.75 1.0
    >>> mean = np.sum(x * y * HEIGHTS_BIN_WIDTH)
    >>> sd = np.sqrt(np.sum((x - mean) ** 2 * y * HEIGHTS_BIN_WIDTH))
    >>> print(f"mean {mean:.2f} cm, SD {sd:.2f} cm")
    mean 178.55 cm, SD 7.49 cm

    Introduced in: Module 6, *Fitting the Distribution of Heights*.
    """
    rng = np.random.default_rng(HEIGHTS_SEED)
    sample_cm = rng.normal(HEIGHTS_MEAN, HEIGHTS_SD, HEIGHTS_N)
    # As measured, to the nearest mm; np.intp, the platform's index integer, is what np.bincount takes
    # (32 bits in the browser's WebAssembly, where it refuses int64 with "Cannot cast array data").
    millimetres = np.round(sample_cm * 10).astype(np.intp)
    n_bins, first_edge_mm, width_mm = 100, 500, 25
    counts = np.bincount((millimetres - first_edge_mm) // width_mm, minlength=n_bins)
    if counts.size != n_bins or np.any(millimetres < first_edge_mm):  # pragma: no cover - 16 SDs away
        raise RuntimeError("a sampled height fell outside the bins from 50 to 300 cm")
    x = (first_edge_mm + width_mm * np.arange(n_bins) + width_mm / 2) / 10
    y = counts / (HEIGHTS_N * HEIGHTS_BIN_WIDTH)
    return x, y
