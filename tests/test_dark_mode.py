"""Every figure, table, exercise, proof and code block of the built book reads in both colour schemes.

The book follows the reader's system setting (``default_mode: auto``). Each page is
opened in a real browser in the light scheme and then switched to the dark one, with
every dropdown solution and hidden code cell opened, and measured as the reader sees it:

* **Images** (figures and cell outputs) and the widgets' SVG graphs, from a screenshot
  of the page: the contrast ratio between the image's background (its most frequent
  colour) and its ink (the 0.5% of pixels that differ most from it) is at least 3, the
  WCAG 2.1 minimum for graphics (1.4.11). The screenshot shows the page through any
  transparency, so a transparent figure with dark ink on the dark page fails.
* **Text** in tables, admonitions (definitions, theorems, examples, exercises,
  solutions, hidden inputs), code cells and outputs and the widgets: the computed text
  colour (``fill`` for SVG text) against the background behind it (the backgrounds of
  its ancestors, composited) reaches 4.5:1, or 3:1 for large text (WCAG 1.4.3).

The screenshots of every image, table, admonition and widget are saved to
``_build/screenshots/{light,dark}/<page>/`` (next to the HTML build) for a maintainer to
look at. The page test needs the built book (marker ``book``); the tests of the measure
itself (``test_image_contrast_*``: it fails dark ink on a dark page) run with the unit tests.
"""

from __future__ import annotations

import base64
import io
import shutil
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from _a11y import SCHEMES, contrast_ratio, image_contrast, open_page, set_scheme
from _book import HTML, html_pages

PAGES = html_pages()
SHOTS = HTML.parent / "screenshots"
MIN_IMAGE_CONTRAST = 3.0  # WCAG 2.1, 1.4.11 non-text contrast
MIN_TEXT_CONTRAST, MIN_LARGE_TEXT_CONTRAST = 4.5, 3.0  # WCAG 2.1, 1.4.3 (AA)

# Open every dropdown solution (sphinx-togglebutton) and every hidden code cell, with CSS
# transitions off (the toggles slide open).
OPEN_ALL = """() => {
  const style = document.createElement('style');
  style.textContent = '*, *::before, *::after { transition: none !important; animation: none !important; }';
  document.head.appendChild(style);
  document.querySelectorAll('button.toggle-button-hidden').forEach(b => b.click());
  document.querySelectorAll('article details').forEach(d => { d.open = true; });
}"""

# Resolves with the article's height once it has been the same over five animation frames.
SETTLE = """async () => {
  const article = document.querySelector('article');
  const frame = () => new Promise(r => requestAnimationFrame(() => r()));
  let last = -1, same = 0;
  for (let i = 0; i < 120 && same < 5; i++) {
    await frame();
    const h = article.getBoundingClientRect().height;
    same = h === last ? same + 1 : 0;
    last = h;
  }
  return last;
}"""

# The images and blocks of the article, with their boxes (document coordinates), and every
# text element of each block whose contrast with the background behind it is too low.
MEASURE = """([minText, minLarge]) => {
  const article = document.querySelector('article');
  const parse = s => {  // rgb(r, g, b), rgba(r, g, b, a) or color(srgb r g b / a), as 0-255 and alpha
    const m = s.match(/^(rgba?|color)\\((srgb )?([^)]+)\\)$/);
    if (!m) return null;
    const v = m[3].split(/[ ,\\/]+/).filter(x => x).map(Number);
    const k = m[1] === 'color' ? 255 : 1;
    return [v[0] * k, v[1] * k, v[2] * k, v.length > 3 ? v[3] : 1];
  };
  const over = (top, bottom) => [0, 1, 2].map(i => top[3] * top[i] + (1 - top[3]) * bottom[i]);
  const background = el => {
    const layers = [];
    for (let e = el; e && e.nodeType === 1; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c && c[3] > 0) layers.push(c);
    }
    let bg = [255, 255, 255];
    for (const c of layers.reverse()) bg = over(c, bg);
    return bg;
  };
  const lum = c => {
    const l = c.map(v => { v /= 255; return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
    return 0.2126 * l[0] + 0.7152 * l[1] + 0.0722 * l[2];
  };
  const ratio = (a, b) => { const x = lum(a), y = lum(b); return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05); };
  const box = e => { const r = e.getBoundingClientRect(); return [r.left + scrollX, r.top + scrollY, r.width, r.height]; };
  const shown = e => { const r = e.getBoundingClientRect(); const s = getComputedStyle(e);
    return r.width >= 2 && r.height >= 2 && s.visibility !== 'hidden' && s.display !== 'none'; };
  const ownText = e => Array.from(e.childNodes).some(n => n.nodeType === 3 && n.textContent.trim());
  const texts = block => Array.from(block.querySelectorAll('*')).filter(e =>
      (e.tagName.toLowerCase() === 'mjx-container' || (ownText(e) && !e.closest('mjx-container')))
      && !e.closest('script, style, title') && shown(e));

  const images = [];
  for (const img of article.querySelectorAll('img, .mvcalc-taylor svg.mvt-plot, .mvcalc-sandpit svg.sp-pit')) {
    if (!shown(img)) continue;
    images.push({kind: img.closest('figure') ? 'figure' : img.tagName.toLowerCase() === 'img' ? 'output' : 'widget',
                 name: img.getAttribute('alt') || img.getAttribute('aria-label') || img.getAttribute('src') || '',
                 box: box(img), page: background(img.parentElement)});
  }
  const kinds = [['table', 'table'], ['div.proof', 'proof'], ['div.exercise', 'exercise'],
                 ['div.solution', 'solution'], ['div.admonition', 'admonition'], ['div.cell_input', 'code'],
                 ['div.cell_output', 'output'], ['.mvcalc-taylor, .mvcalc-sandpit', 'widget']];
  const seen = new Set(), blocks = [];
  for (const [selector, kind] of kinds) {
    for (const block of article.querySelectorAll(selector)) {
      if (seen.has(block) || !shown(block)) continue;
      seen.add(block);
      const low = [];
      for (const e of texts(block)) {
        const s = getComputedStyle(e);
        const svg = e instanceof SVGElement && e.tagName.toLowerCase() !== 'svg';
        const colour = svg ? s.fill : s.color;
        if (svg && colour === 'none') continue;
        const fg = parse(colour), bg = background(e);
        const r = fg ? ratio(over(fg, bg), bg) : 0;  // a colour this cannot read is reported
        const size = parseFloat(s.fontSize), bold = parseInt(s.fontWeight) >= 700;
        const need = size >= 24 || (size >= 18.66 && bold) ? minLarge : minText;
        if (r < need) low.push({text: (e.textContent || '').trim().slice(0, 60), tag: e.tagName.toLowerCase(),
                                ratio: r, need, fg: fg ? fg.slice(0, 3).map(Math.round) : colour,
                                bg: bg.map(Math.round)});
      }
      blocks.push({kind, box: box(block), low});
    }
  }
  return {images, blocks};
}"""


def article_screenshot(tab):
    """A screenshot of the whole article as an (h, w, 3) array, and its top-left corner in the page.

    Chromium's own capture (DevTools protocol), with its fast PNG encoder: lossless, and
    twice as fast as Playwright's ``screenshot`` on a page 15,000 pixels tall.
    """
    from PIL import Image

    x, y, w, h = tab.evaluate(
        "() => { const r = document.querySelector('article').getBoundingClientRect();"
        " return [r.left + scrollX, r.top + scrollY, r.width, r.height]; }"
    )
    cdp = tab.context.new_cdp_session(tab)
    shot = cdp.send(
        "Page.captureScreenshot",
        {
            "format": "png",
            "optimizeForSpeed": True,
            "captureBeyondViewport": True,
            "clip": {"x": x, "y": y, "width": w, "height": h, "scale": 1},
        },
    )
    cdp.detach()
    return np.asarray(Image.open(io.BytesIO(base64.b64decode(shot["data"]))).convert("RGB")), (x, y)


def crop(shot, origin, box):
    x0, y0 = origin
    x, y, w, h = box
    left, top = max(0, round(x - x0)), max(0, round(y - y0))
    return shot[top : top + max(1, round(h)), left : left + max(1, round(w))]


def save(pixels, path):
    from PIL import Image

    Image.fromarray(pixels).save(path, compress_level=1)


def check_scheme(tab, scheme, page_name, saver):
    """The problems of the open page in ``scheme``, as lines of text; saves the screenshots."""
    height = tab.evaluate(SETTLE)
    measured = tab.evaluate(MEASURE, [MIN_TEXT_CONTRAST, MIN_LARGE_TEXT_CONTRAST])
    shot, origin = article_screenshot(tab)
    after = tab.evaluate(SETTLE)
    assert after == height and abs(shot.shape[0] - height) <= 1, f"the page moved: {height}, {after}"
    out = SHOTS / scheme / page_name
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    problems = []
    for n, image in enumerate(measured["images"], 1):
        pixels = crop(shot, origin, image["box"])
        saver.submit(save, pixels, out / f"image-{n:02d}-{image['kind']}.png")
        background, ink = image_contrast(pixels)
        if ink < MIN_IMAGE_CONTRAST:
            behind = float(contrast_ratio(background, image["page"]))
            problems.append(
                f"{scheme}: {image['kind']} {n} ({image['name'][:50]!r}): ink contrast {ink:.2f} < "
                f"{MIN_IMAGE_CONTRAST} on background {background.tolist()}"
                f" ({'the page shows through' if behind < 1.1 else f'{behind:.2f}:1 against the page'})"
            )
    for n, block in enumerate(measured["blocks"], 1):
        if block["kind"] not in ("code", "output"):  # measured, but too many to keep pictures of
            saver.submit(save, crop(shot, origin, block["box"]), out / f"block-{n:03d}-{block['kind']}.png")
        for low in block["low"]:
            problems.append(
                f"{scheme}: {block['kind']} block {n}, <{low['tag']}> {low['text']!r}: contrast "
                f"{low['ratio']:.2f} < {low['need']} (text {low['fg']} on {low['bg']})"
            )
    return problems, measured


@pytest.mark.book
@pytest.mark.parametrize("page", PAGES, ids=[str(p.relative_to(HTML)) for p in PAGES])
def test_page_reads_in_both_schemes(browser, site, page):
    rel = page.relative_to(HTML)
    name = rel.with_suffix("").as_posix().replace("/", "_")
    problems, counts = [], {}
    with open_page(browser, f"{site}/{rel.as_posix()}", SCHEMES[0]) as tab, ThreadPoolExecutor(2) as saver:
        tab.evaluate(OPEN_ALL)
        for scheme in SCHEMES:
            set_scheme(tab, scheme)
            found, measured = check_scheme(tab, scheme, name, saver)
            problems += found
            counts[scheme] = (len(measured["images"]), len(measured["blocks"]))
    assert counts["light"] == counts["dark"], f"the schemes show different images or blocks: {counts}"
    assert not problems, f"{rel}:\n" + "\n".join(problems)


# --------------------------------------------------------------------------- the measure itself


def synthetic_plot(background, ink):
    """A 200 x 300 'figure': a background with a frame, a curve and a label drawn in ``ink``."""
    image = np.empty((200, 300, 3), dtype=np.uint8)
    image[:] = background
    image[20:22, 20:280] = ink  # an axis
    image[20:180, 20:22] = ink  # the other axis
    x = np.arange(20, 280)
    y = (100 + 60 * np.sin(x / 20)).astype(int)
    for dy in (0, 1):
        image[y + dy, x] = ink  # a curve two pixels wide
    image[185:195, 120:180] = ink  # a label
    return image


def test_image_contrast_of_a_readable_figure():
    background, ink = image_contrast(synthetic_plot((255, 255, 255), (0, 0, 0)))
    assert background.tolist() == [255, 255, 255]
    assert ink == pytest.approx(21.0)
    _, ink = image_contrast(synthetic_plot((255, 255, 255), (0, 114, 178)))  # the book's blue
    assert ink == pytest.approx(float(contrast_ratio((0, 114, 178), (255, 255, 255))))
    assert ink > MIN_IMAGE_CONTRAST


def test_image_contrast_fails_dark_ink_on_a_dark_page():
    """A transparent figure with black ink, seen on the dark theme's page (#121212): unreadable."""
    background, ink = image_contrast(synthetic_plot((18, 18, 18), (34, 34, 34)))
    assert background.tolist() == [18, 18, 18]
    assert ink < 1.3 < MIN_IMAGE_CONTRAST
    # and the same figure with an opaque white background reads on any page
    assert image_contrast(synthetic_plot((255, 255, 255), (34, 34, 34)))[1] > 15


def test_image_contrast_ignores_a_few_stray_pixels():
    image = synthetic_plot((18, 18, 18), (30, 30, 30))
    image[5, 5] = image[6, 200] = (255, 255, 255)  # two bright pixels are not ink
    assert image_contrast(image)[1] < MIN_IMAGE_CONTRAST


def test_contrast_ratio_reference_values():
    # WCAG's extremes and a well-known value: #767676 is the lightest grey that passes AA on white
    assert float(contrast_ratio((0, 0, 0), (255, 255, 255))) == pytest.approx(21.0)
    assert float(contrast_ratio((90, 90, 90), (90, 90, 90))) == pytest.approx(1.0)
    assert float(contrast_ratio((0x76,) * 3, (255, 255, 255))) == pytest.approx(4.54, abs=0.01)
    assert float(contrast_ratio((0x77,) * 3, (255, 255, 255))) < 4.5
    with pytest.raises(ValueError):
        image_contrast(np.zeros((0, 0, 3)))
