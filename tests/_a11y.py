"""Shared helpers of the accessibility checks (test_accessibility.py, test_dark_mode.py).

WCAG 2.1's contrast: the relative luminance of an sRGB colour and the contrast ratio of
two colours (https://www.w3.org/TR/WCAG21/#dfn-contrast-ratio), and a page of the built
book opened in a given colour scheme.
"""

from __future__ import annotations

import contextlib
from urllib.parse import urlparse

import numpy as np

__all__ = ["SCHEMES", "relative_luminance", "contrast_ratio", "image_contrast", "open_page", "set_scheme"]

#: The two colour schemes a reader's system can ask for; the book follows it (default_mode: auto).
SCHEMES = ("light", "dark")


def relative_luminance(rgb) -> np.ndarray:
    """WCAG relative luminance of sRGB colours given as 0-255 values, shape (..., 3)."""
    c = np.asarray(rgb, dtype=float)[..., :3] / 255.0
    linear = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    return linear @ np.array([0.2126, 0.7152, 0.0722])


def contrast_ratio(a, b) -> np.ndarray:
    """WCAG contrast ratio (1 to 21) of colours ``a`` and ``b`` (broadcast, 0-255, shape (..., 3))."""
    la, lb = relative_luminance(a), relative_luminance(b)
    return (np.maximum(la, lb) + 0.05) / (np.minimum(la, lb) + 0.05)


def image_contrast(pixels, ink_share: float = 0.005) -> tuple[np.ndarray, float]:
    """The background colour of an image and the contrast of its ink against it.

    ``pixels`` is an (h, w, 3) or (h, w, 4) array of 0-255 values, as the reader sees
    them (a screenshot: transparency already shows the page behind). The background is
    the most frequent colour; the ink contrast is the contrast ratio with the background
    that the ``ink_share`` most different pixels reach (the 99.5th percentile by default:
    lines, markers and labels, not the anti-aliased fringe and not one stray pixel).
    """
    rgb = np.asarray(pixels)[..., :3].reshape(-1, 3).astype(np.int64)
    if rgb.size == 0:
        raise ValueError("image_contrast: the image has no pixels")
    keys = (rgb[:, 0] << 16) | (rgb[:, 1] << 8) | rgb[:, 2]
    values, counts = np.unique(keys, return_counts=True)
    key = values[np.argmax(counts)]
    background = np.array([(key >> 16) & 255, (key >> 8) & 255, key & 255])
    ratios = contrast_ratio(rgb, background)
    return background, float(np.quantile(ratios, 1.0 - ink_share))


def set_scheme(tab, scheme: str) -> None:
    """Switch an open page to ``scheme`` as the reader's system setting would; wait until the theme follows."""
    tab.emulate_media(color_scheme=scheme)
    tab.wait_for_function("s => document.documentElement.dataset.theme === s", arg=scheme)
    # the theme's colours change with 0.15 s transitions: check the colours they end on,
    # not one caught half-way
    tab.wait_for_function(
        "() => document.getAnimations().every(a => !(a instanceof CSSTransition) || a.playState !== 'running')"
    )


# The built pages load their images lazily, as the reader scrolls to them: load them
# all now (and wait for the fonts), so that every figure is checked.
LOAD_EVERYTHING = """() => Promise.all(Array.from(document.images).map(i => {
  i.loading = 'eager';
  return i.decode().catch(() => null);
})).then(() => document.fonts.ready).then(() => true)"""


@contextlib.contextmanager
def open_page(browser, url: str, scheme: str, viewport=(1280, 900)):
    """A built page opened in ``scheme`` (no network: only the local server), its fonts loaded."""
    context = browser.new_context(color_scheme=scheme, viewport={"width": viewport[0], "height": viewport[1]})
    try:
        tab = context.new_page()
        tab.route(
            "**/*",
            lambda r: (
                r.continue_()
                if urlparse(r.request.url).hostname == "127.0.0.1" or r.request.url.startswith(("data:", "blob:"))
                else r.abort()
            ),
        )
        tab.goto(url, wait_until="load")
        tab.evaluate(LOAD_EVERYTHING)
        set_scheme(tab, scheme)
        yield tab
    finally:
        context.close()
