"""mvcalc.widgets.sandpit: the Sandpit game that plays in the published page.

Two parts:

- unit tests of the HTML that :func:`sandpit_game` writes: the data it embeds
  (depths, phone, rules, contours) against the landscape, determinism, ids, and
  every validation error;
- ``book`` tests that open the built Sandpit page in headless Chromium and play
  it, checking each reading against :class:`mvcalc.sandpit.Sandpit` and the
  landscape itself (run after the book is built; ``BOOK_HTML`` picks the build).
"""

from __future__ import annotations

import base64
import json
import math
import re

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from _book import HTML, serve
from mvcalc.sandpit import FLAT_SLOPE, STUCK_RULE, Sandpit, dome_with_well, multiple_minima, random_pits
from mvcalc.widgets import HTMLWidget, static_text
from mvcalc.widgets.sandpit import QUANTUM, decode_depths, encode_depths, sandpit_game

DATA = re.compile(r'<script type="application/json" class="mvcalc-sandpit-data">(.*?)</script>', re.S)


@pytest.fixture(scope="module")
def dome():
    return dome_with_well()


@pytest.fixture(scope="module")
def dome_game(dome):
    return sandpit_game(dome)


def embedded(widget: str) -> dict:
    """The JSON data a widget carries."""
    return json.loads(DATA.search(widget).group(1))


def widget_id(widget: str) -> str:
    return re.search(r'<div class="mvcalc-sandpit" id="([^"]+)"', widget).group(1)


# ---------------------------------------------------------------------------
# The HTML and its data
# ---------------------------------------------------------------------------


def test_is_an_html_widget_with_a_short_repr(dome_game):
    assert isinstance(dome_game, HTMLWidget)
    assert dome_game._repr_html_() == str(dome_game)
    assert repr(dome_game) == f"<HTMLWidget: {len(dome_game)} characters of HTML>"


def test_embedded_grid_is_the_landscapes_grid(dome, dome_game):
    data = embedded(dome_game)
    _, _, depths = dome.grid(121)
    assert data["n"] == 121
    # decoded here by hand, as the page does it: little-endian 16-bit q, d = lo + q (hi - lo) / 65535
    q = np.frombuffer(base64.b64decode(data["depths"]), dtype="<u2").astype(float).reshape(121, 121)
    decoded = data["lo"] + q * ((data["hi"] - data["lo"]) / 65535)
    assert np.max(np.abs(decoded - depths)) <= QUANTUM / 2 + 1e-12
    assert np.array_equal(decoded, decode_depths(data["depths"], 121))


@pytest.mark.parametrize("n", [11, 40, 201])
def test_grid_size_is_honoured(n):
    pit = random_pits(np.random.default_rng(1))
    data = embedded(sandpit_game(pit, grid=n))
    assert data["n"] == n
    assert np.max(np.abs(decode_depths(data["depths"], n) - pit.grid(n)[2])) <= QUANTUM / 2 + 1e-12


def test_embedded_phone_and_rules(dome):
    data = embedded(sandpit_game(dome, mode="depth", max_guesses=12, win_radius=0.3, hurry_at=10))
    assert np.allclose(data["minimum"], dome.global_minimum, atol=1e-6)
    assert data["min_depth"] == dome.global_min_depth == -9.0
    assert (data["mode"], data["max_guesses"], data["win_radius"], data["hurry_at"]) == ("depth", 12, 0.3, 10)
    assert (data["pit"], data["name"]) == (6.0, "dome with well")
    # the page's game takes the constants of its rules from Python, not from constants of its own
    assert data["flat_slope"] == FLAT_SLOPE and data["stuck"] == dict(STUCK_RULE)
    script = static_text("sandpit.js")
    assert "data.flat_slope" in script and "data.stuck" in script and "1e-6" not in script


def test_contours_lie_on_their_levels(dome, dome_game):
    contours = embedded(dome_game)["contours"]
    levels = [c[0] for c in contours]
    assert levels == sorted(levels) and set(levels) <= set(np.arange(-9.0, -0.75, 0.5))
    assert len(levels) >= 14  # every level from -8.5 to -2 m crosses the dome pit
    for level, d, lx, ly in contours:
        for piece in d.split("M")[1:]:
            head, steps = piece.split("l")
            start = np.array(head.split(), dtype=float)
            points = start + np.cumsum(np.r_[[[0, 0]], np.array(steps.split(), dtype=float).reshape(-1, 2)], axis=0)
            x, y = points[:, 0] / 100, 6 - points[:, 1] / 100  # drawing centimetres to metres
            assert np.all((x >= 0) & (x <= 6) & (y >= 0) & (y <= 6))
            # a vertex is rounded to the centimetre: the depth there is the level, to within slope x 7 mm
            assert np.max(np.abs(dome.depth(x, y) - level)) < 0.06, level
        assert 0 <= lx <= 600 and 0 <= ly <= 600


def test_inlines_its_script_and_style_and_fetches_nothing(dome_game):
    assert static_text("sandpit.js") in dome_game
    assert static_text("sandpit.css") in dome_game
    assert "<script src" not in dome_game and "<link" not in dome_game
    script = static_text("sandpit.js")
    assert not re.search(r"\bfetch\(|XMLHttpRequest|import\(|https?://(?!www\.w3\.org/2000/svg)", script)
    assert "aria-live" in script and "tabindex" in script


def test_same_inputs_give_the_same_html():
    a = sandpit_game(multiple_minima(np.random.default_rng(3)), mode="depth")
    b = sandpit_game(multiple_minima(np.random.default_rng(3)), mode="depth")
    assert a == b


def test_ids_differ_between_games_and_can_be_chosen(dome, dome_game):
    games = [
        dome_game,
        sandpit_game(dome, mode="depth"),
        sandpit_game(dome, max_guesses=10, hurry_at=8),
        sandpit_game(random_pits(np.random.default_rng(1))),
        sandpit_game(random_pits(np.random.default_rng(2))),
    ]
    ids = [widget_id(g) for g in games]
    assert len(set(ids)) == len(ids)
    assert ids[0].startswith("sandpit-dome-with-well-") and ids[3].startswith("sandpit-random-pits-")
    assert widget_id(sandpit_game(dome, widget_id="my_game-2")) == "my_game-2"


def test_page_size_is_modest(dome_game):
    assert len(dome_game) < 120_000


@given(arrays(np.float64, (5, 5), elements=st.floats(-9.0, -1.0)))
def test_encoding_round_trips_within_half_a_quantum(depths):
    assert np.max(np.abs(decode_depths(encode_depths(depths), 5) - depths)) <= QUANTUM / 2 + 1e-12


# ---------------------------------------------------------------------------
# Validation
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"mode": 1}, TypeError, "mode must be a string"),
        ({"mode": "slope"}, ValueError, "mode must be one of"),
        ({"max_guesses": 2.5}, TypeError, "max_guesses must be a positive integer, got float"),
        ({"max_guesses": 0}, ValueError, "max_guesses must be a positive integer, got 0"),
        ({"hurry_at": True}, TypeError, "hurry_at must be a positive integer, got bool"),
        ({"hurry_at": 0}, ValueError, "hurry_at must be a positive integer, got 0"),
        ({"max_guesses": 10}, ValueError, r"hurry_at must be at most max_guesses = 10, got 22"),
        ({"win_radius": "0.1"}, TypeError, "win_radius must be a positive real number"),
        ({"win_radius": 0.0}, ValueError, "win_radius must be a finite positive number"),
        ({"win_radius": -0.1}, ValueError, "win_radius must be a finite positive number"),
        ({"win_radius": float("nan")}, ValueError, "win_radius must be a finite positive number"),
        ({"grid": 121.0}, TypeError, "grid must be an integer"),
        ({"grid": 10}, ValueError, "grid must be an integer of at least 11, got 10"),
        ({"widget_id": 7}, TypeError, "widget_id must be a string"),
        ({"widget_id": "1st"}, ValueError, "widget_id must be a letter followed by"),
        ({"widget_id": "two words"}, ValueError, "widget_id must be a letter followed by"),
        ({"widget_id": 'x"><script>'}, ValueError, "widget_id must be a letter followed by"),
    ],
)
def test_bad_arguments_raise(dome, kwargs, error, match):
    with pytest.raises(error, match=match):
        sandpit_game(dome, **kwargs)


def test_landscape_must_be_a_landscape(dome):
    with pytest.raises(TypeError, match="landscape must be a Landscape"):
        sandpit_game(lambda x, y: x + y)
    with pytest.raises(TypeError, match="landscape must be a Landscape"):
        sandpit_game(dome.grid(31)[2])


def test_keyword_only_arguments(dome):
    with pytest.raises(TypeError):
        sandpit_game(dome, "depth")


# ---------------------------------------------------------------------------
# In the browser: the built Sandpit page, played
# ---------------------------------------------------------------------------

MINUS = "\u2212"
READING = re.compile(
    r"Probe (\d+) at \((\d+\.\d\d), (\d+\.\d\d)\): depth ([\u2212-]?\d+\.\d\d) m"
    r"(?:, downhill \(([+\u2212-]\d\.\d\d), ([+\u2212-]\d\.\d\d)\))?"
)


def number(text: str) -> float:
    return float(text.replace(MINUS, "-"))


@pytest.fixture(scope="module")
def page_file():
    path = HTML / "book" / "m2" / "sandpit.html"
    if not path.is_file():
        pytest.fail(f"the book is not built ({path} is missing): run `make book` first")
    return path


@pytest.fixture(scope="module")
def site(page_file):
    with serve(HTML) as url:
        yield f"{url}/book/m2/sandpit.html"


@pytest.fixture(scope="module")
def pits(page_file):
    """The two landscapes of the page, checked against the data the page embeds."""
    text = page_file.read_text(encoding="utf8")
    data = [json.loads(m) for m in DATA.findall(text)]
    pits = {"gradient": dome_with_well(), "depth": random_pits(np.random.default_rng(5))}
    assert sorted(d["mode"] for d in data) == ["depth", "gradient"], "the page should have two games"
    for d in data:
        pit = pits[d["mode"]]
        assert d["name"] == pit.name and np.allclose(d["minimum"], pit.global_minimum, atol=1e-6), (
            "the games on the page are not dome_with_well() and random_pits(default_rng(5)): update the test"
        )
    return pits


class Play:
    """One game on a freshly opened page, with every console error recorded."""

    def __init__(self, tab, mode):
        self.tab = tab
        self.root = tab.locator(f'.mvcalc-sandpit[aria-label$="{mode} mode"]')
        self.root.scroll_into_view_if_needed()

    def count(self) -> int:
        return int(self.root.get_attribute("data-probes"))

    def message(self) -> str:
        return self.root.locator(".sp-message").inner_text()

    def click(self, x: float, y: float) -> str:
        """Click at (x, y) in metres; the message the game shows after it."""
        before, playing = self.count(), self.root.get_attribute("data-state") == "playing"
        self.root.scroll_into_view_if_needed()
        box = self.root.locator(".sp-sand").bounding_box()
        self.tab.mouse.click(box["x"] + x / 6 * box["width"], box["y"] + (1 - y / 6) * box["height"])
        assert self.count() == before + playing, "a click makes a probe while the game is on, and only then"
        return self.message()

    def reading(self, text: str):
        match = READING.search(text)
        assert match, f"no reading in {text!r}"
        k, x, y, depth = int(match[1]), float(match[2]), float(match[3]), number(match[4])
        downhill = None if match[5] is None else np.array([number(match[5]), number(match[6])])
        return k, np.array([x, y]), depth, downhill

    def arrow(self, k: int) -> np.ndarray:
        """The direction of probe k's arrow, in the pit's coordinates (y up), and its length in metres."""
        line = self.root.locator(f'.sp-probe[data-number="{k}"] .sp-arrow')
        x1, y1, x2, y2 = (float(line.get_attribute(a)) for a in ("x1", "y1", "x2", "y2"))
        return np.array([x2 - x1, y1 - y2]) / 100


@pytest.fixture
def tab(browser, site):
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    page = context.new_page()
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))

    def route(r):
        if r.request.url.startswith(("http://127.0.0.1", "data:", "blob:")):
            r.continue_()
        else:
            errors.append(f"fetched {r.request.url}")
            r.abort()

    page.route("**/*", route)
    page.goto(site, wait_until="load")
    yield page
    context.close()
    assert not errors, f"console errors or requests outside the site: {errors}"


@pytest.mark.book
def test_both_games_start(tab, pits):
    for mode in ("gradient", "depth"):
        game = Play(tab, mode)
        assert game.root.get_attribute("data-state") == "playing"
        assert game.root.locator(".sp-left").inner_text() == "25 probes left"
        assert game.root.locator(".sp-message").get_attribute("aria-live") == "polite"
        assert not game.root.locator(".sp-contours").is_visible()
        assert not game.root.locator(".sp-phone").is_visible()
        assert game.root.locator("noscript").count() == 0


@pytest.mark.book
def test_probes_read_the_landscapes_depth_and_slope(tab, pits):
    pit, game = pits["gradient"], Play(tab, "gradient")
    python = Sandpit(pit)
    for k, target in enumerate([(3.0, 3.0), (4.2, 1.7), (0.8, 5.1), (2.3, 3.9)], start=1):
        text = game.click(*target)
        number_, point, depth, downhill = game.reading(text)
        assert number_ == k and np.allclose(point, target, atol=0.03)
        # the depth shown is the landscape's, to the 2 decimals shown
        assert abs(depth - pit.depth(*point)) <= 0.005 + 0.001
        # the arrow and the reading point along -grad d
        truth = -pit.gradient(point) / np.linalg.norm(pit.gradient(point))
        assert np.degrees(np.arccos(np.clip(downhill @ truth / np.linalg.norm(downhill), -1, 1))) < 1.5
        arrow = game.arrow(k)
        assert abs(np.linalg.norm(arrow) - 0.4) < 0.005, "arrows are 0.4 m long"
        assert np.degrees(np.arccos(np.clip(arrow @ truth / np.linalg.norm(arrow), -1, 1))) < 2
        # the verdict matches mvcalc.sandpit.Sandpit at the same point
        expected = python.probe(*point).message.splitlines()[1:]
        assert text.splitlines()[1:] == expected
        assert game.root.locator(".sp-left").inner_text() == f"{25 - k} probes left"
    assert game.root.locator(".sp-probe").count() == 4
    assert game.root.locator(".sp-log li").count() == 4


@pytest.mark.book
def test_a_probe_near_the_phone_wins_and_reveals(tab, pits):
    pit, game = pits["gradient"], Play(tab, "gradient")
    game.click(5.0, 1.0)
    x, y = pit.global_minimum
    text = game.click(x + 0.06, y - 0.04)
    assert "You found the phone in 2 probes!" in text
    assert f"the phone lay at ({x:.2f}, {y:.2f})" in text
    assert game.root.get_attribute("data-state") == "won"
    assert game.root.locator(".sp-contours").is_visible()
    assert game.root.locator(".sp-contour").count() >= 14
    assert game.root.locator(".sp-phone").is_visible()
    assert game.root.locator(".sp-probe.sp-won").count() == 1
    # the phone is drawn where it is
    box, star = game.root.locator(".sp-sand").bounding_box(), game.root.locator(".sp-phone").bounding_box()
    cx = (star["x"] + star["width"] / 2 - box["x"]) / box["width"] * 6
    cy = 6 - (star["y"] + star["height"] / 2 - box["y"]) / box["height"] * 6
    assert math.hypot(cx - x, cy - y) < 0.1
    # the game is over: another click makes no probe
    text = game.click(3.0, 3.0)
    assert game.count() == 2 and "The game is over: you found the phone" in text


@pytest.mark.book
def test_running_out_of_probes_ends_the_game_and_reveals(tab, pits):
    pit, game = pits["depth"], Play(tab, "depth")
    phone = pit.global_minimum
    targets = [(x, y) for x in (0.5, 1.5, 2.5, 3.5, 5.5) for y in (0.5, 1.5, 2.5, 3.5, 5.5)]
    assert min(math.dist(t, phone) for t in targets) > 0.5
    python = Sandpit(pit, mode="depth")
    for k, target in enumerate(targets, start=1):
        text = game.click(*target)
        _, point, depth, downhill = game.reading(text)
        assert downhill is None and abs(depth - pit.depth(*point)) <= 0.006
        assert text.splitlines()[1:] == python.probe(*point).message.splitlines()[1:]
        if k == 22:
            assert "Hurry up: only 3 probes left!" in text
    assert "Game over: no probes left." in text
    assert f"The phone was at ({phone[0]:.2f}, {phone[1]:.2f}). Try again!" in text
    assert game.root.get_attribute("data-state") == "lost"
    assert game.root.locator(".sp-contours").is_visible() and game.root.locator(".sp-phone").is_visible()
    assert game.root.locator(".sp-arrow").count() == 0, "depth mode shows no arrows"

    # New game: the same pit, the sand smoothed over
    game.root.get_by_role("button", name="New game").click()
    assert game.root.get_attribute("data-state") == "playing" and game.count() == 0
    assert game.root.locator(".sp-probe").count() == 0 and game.root.locator(".sp-log li").count() == 0
    assert not game.root.locator(".sp-contours").is_visible() and not game.root.locator(".sp-phone").is_visible()
    assert game.root.locator(".sp-left").inner_text() == "25 probes left"
    text = game.click(3.0, 3.0)
    assert text.startswith("Probe 1 at") and "24 probes left." in text


@pytest.mark.book
def test_keyboard_probes(tab, pits):
    pit, game = pits["gradient"], Play(tab, "gradient")
    svg = game.root.locator(".sp-pit")
    assert svg.get_attribute("tabindex") == "0"
    svg.focus()
    assert "Dip-stick at (3.00, 3.00)." in game.root.locator(".sp-where").inner_text()
    for key in ["ArrowRight", "ArrowRight", "ArrowUp", "Enter"]:
        tab.keyboard.press(key)
    text = game.message()
    k, point, depth, downhill = game.reading(text)
    assert (k, tuple(point)) == (1, (3.2, 3.1))
    assert abs(depth - pit.depth(3.2, 3.1)) <= 0.006
    # to the corner (0, 0) in 0.5 m steps: a local minimum of the dome, as in Sandpit's doctest
    for _ in range(7):
        tab.keyboard.press("Shift+ArrowLeft")
        tab.keyboard.press("Shift+ArrowDown")
    tab.keyboard.press("Space")
    text = game.message()
    assert text.startswith("Probe 2 at (0.00, 0.00)")
    assert "No phone here: stuck in a local minimum. Try somewhere else." in text
    assert game.root.locator(".sp-probe.sp-stuck").count() == 1
    assert "23 probes left." in text


@pytest.mark.book
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_readable_in_light_and_dark_mode(browser, site, pits, scheme, tmp_path):
    context = browser.new_context(viewport={"width": 1100, "height": 900}, color_scheme=scheme)
    tab = context.new_page()
    tab.goto(site, wait_until="load")
    assert tab.evaluate("() => document.documentElement.dataset.theme") == scheme
    game = Play(tab, "gradient")
    game.click(3.0, 3.0)
    colours = tab.evaluate(
        """(root) => {
          const text = getComputedStyle(root.querySelector('.sp-message')).color;
          let e = root, back = 'rgba(0, 0, 0, 0)';
          while (e && (back === 'rgba(0, 0, 0, 0)' || back === 'transparent')) {
            back = getComputedStyle(e).backgroundColor; e = e.parentElement;
          }
          return [text, back];
        }""",
        game.root.element_handle(),
    )
    shot, pit_shot = tmp_path / f"sandpit-{scheme}.png", tmp_path / f"pit-{scheme}.png"
    game.root.screenshot(path=str(shot))
    game.root.locator(".sp-pit").screenshot(path=str(pit_shot))
    context.close()

    text, back = (np.array([float(v) for v in re.findall(r"[\d.]+", c)[:3]]) for c in colours)
    # the commonest colour of the game's screenshot is its background, and of the pit's the sand
    seen_back, seen_sand = commonest(shot), commonest(pit_shot)
    assert np.allclose(seen_back, back, atol=2), f"{scheme}: background {seen_back} on screen, {back} in CSS"
    sand = [0xEB, 0xD9, 0xB0] if scheme == "light" else [0xCD, 0xB9, 0x8D]
    assert np.allclose(seen_sand, sand, atol=2), f"the pit is not sand-coloured: {seen_sand}"
    assert contrast(text, seen_back) >= 4.5, f"{scheme}: text {text} on background {seen_back}"
    assert (luminance(seen_back) > 0.5) == (scheme == "light"), f"{scheme}: background {seen_back}"


def commonest(png) -> np.ndarray:
    """The commonest colour of an image, as RGB."""
    from PIL import Image

    pixels = np.asarray(Image.open(png).convert("RGB")).reshape(-1, 3)
    values, counts = np.unique(pixels, axis=0, return_counts=True)
    return values[np.argmax(counts)].astype(float)


def luminance(rgb: np.ndarray) -> float:
    """Relative luminance of an sRGB colour (WCAG 2)."""
    c = rgb / 255
    c = np.where(c <= 0.03928, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    return float(c @ [0.2126, 0.7152, 0.0722])


def contrast(a: np.ndarray, b: np.ndarray) -> float:
    la, lb = sorted([luminance(a), luminance(b)], reverse=True)
    return (la + 0.05) / (lb + 0.05)
