"""The Sandpit's "stuck" rule is one rule: the same in Python and in the in-page game.

``mvcalc.sandpit._stuck`` decides whether a probe is stuck in a local minimum;
``static/sandpit.js`` has its twin, ``isStuck``, with the constants of
:data:`mvcalc.sandpit.STUCK_RULE` from the page's data. These tests run the
JavaScript under ``node`` and the Python on the same floors and the same
probes, borderline ones included, and check that they agree:

- on polynomial floors, which Python and JavaScript evaluate to the same bits,
  both rules must give the same verdict at every probe, and their descents
  must end at the same point, to the last bit;
- the Python descent must end where ``scipy.optimize.minimize``'s Nelder-Mead
  with the same options ends, the method it writes out;
- on the book's own games, the script's rule on the page's interpolated grid
  must judge every probe of a 30 by 30 grid over the pit, and probes around
  every hollow, as ``Sandpit.probe`` does on the landscape itself. (The floors
  differ by the interpolation, so a probe a hair from the edge of a hollow's
  reach could be judged differently; none of these is.)

They need ``node`` and are skipped without it.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from importlib.resources import files

import numpy as np
import pytest
from scipy.optimize import minimize

from mvcalc.sandpit import (
    BOTTOM_DEPTH,
    PIT_SIZE,
    STUCK_RULE,
    TOP_DEPTH,
    Landscape,
    Sandpit,
    _nelder_mead,
    _stuck,
    dome_with_well,
    random_pits,
)
from mvcalc.widgets.sandpit import sandpit_game
from test_widget_sandpit import embedded

NODE = shutil.which("node")
pytestmark = pytest.mark.skipif(NODE is None, reason="the in-page game's rule runs under node")
SCRIPT = str(files("mvcalc.widgets") / "static" / "sandpit.js")
RADIUS = 0.15  # the game's default winning radius

# Polynomial floors, written once for numpy and once for JavaScript: + - * only, so both give the same bits.
FLOORS = {
    # a tilted double well along x: the phone near x = 1.5, a shallower hollow near x = 4.5, a saddle between
    "two hollows": (
        lambda x, y: (x - 1.5) * (x - 1.5) * (x - 4.5) * (x - 4.5) + 2.0 * (y - 3.0) * (y - 3.0) + 0.5 * x,
        "(x - 1.5) * (x - 1.5) * (x - 4.5) * (x - 4.5) + 2.0 * (y - 3.0) * (y - 3.0) + 0.5 * x",
    ),
    # a floor that falls towards every wall: hollows in the corners, a summit in the middle
    "dome": (
        lambda x, y: -((x - 3.1) * (x - 3.1) + 0.8 * (y - 2.9) * (y - 2.9)) - 0.05 * x * y,
        "-((x - 3.1) * (x - 3.1) + 0.8 * (y - 2.9) * (y - 2.9)) - 0.05 * x * y",
    ),
    # a long, narrow valley across the pit, with its lowest point against the wall y = 0
    "valley": (
        lambda x, y: 4.0 * (x - 0.5 * y - 2.0) * (x - 0.5 * y - 2.0) + 0.3 * y,
        "4.0 * (x - 0.5 * y - 2.0) * (x - 0.5 * y - 2.0) + 0.3 * y",
    ),
    # a double well that does not change with y: vertices level with each other tie, in both languages
    "trough": (
        lambda x, y: (x - 1.5) * (x - 1.5) * (x - 4.5) * (x - 4.5) + 0.5 * x + 0.0 * y,
        "(x - 1.5) * (x - 1.5) * (x - 4.5) * (x - 4.5) + 0.5 * x + 0.0 * y",
    ),
    # a level plateau of radius 1 about (3, 3) and a deep well at (5, 5): depths that tie exactly
    "plateau": (
        lambda x, y: (
            np.maximum((x - 3.0) * (x - 3.0) + (y - 3.0) * (y - 3.0) - 1.0, 0.0)
            - 40.0 * np.maximum(0.25 - ((x - 5.0) * (x - 5.0) + (y - 5.0) * (y - 5.0)), 0.0)
        ),
        "Math.max((x - 3.0) * (x - 3.0) + (y - 3.0) * (y - 3.0) - 1.0, 0.0)"
        " - 40.0 * Math.max(0.25 - ((x - 5.0) * (x - 5.0) + (y - 5.0) * (y - 5.0)), 0.0)",
    ),
}

RUNNER = r"""
global.window = { atob: atob };
require(process.argv[1]);
const game = window.mvcalcSandpit;
const job = JSON.parse(require("fs").readFileSync(0, "utf8"));
let depth;
if (job.grid) {
  const floor = new game.Floor(job.grid);
  depth = (p) => floor.at(p[0], p[1]).depth;
} else {
  const height = new Function("x", "y", "return " + job.height + ";");
  const [lo, hi, hMin, hMax] = job.scale;  // as Landscape._depth: lo + (hi - lo) * (h - hMin) / (hMax - hMin)
  depth = (p) => lo + (hi - lo) * (height(p[0], p[1]) - hMin) / (hMax - hMin);
}
const out = job.cases.map(([probe, phone, radius]) => ({
  stuck: game.isStuck(depth, probe, phone, radius, job.rule, job.pit),
  end: game.nelderMead(depth, probe, probe, radius, job.rule, job.pit),
}));
process.stdout.write(JSON.stringify(out));
"""


def run_js(job: dict) -> list[dict]:
    """Run the in-page rule under node on each case ``[probe, phone, radius]`` of ``job``."""
    job = {"rule": dict(STUCK_RULE), "pit": PIT_SIZE, **job}
    done = subprocess.run(
        [NODE, "-e", RUNNER, SCRIPT], input=json.dumps(job), capture_output=True, text=True, check=True, timeout=300
    )
    return json.loads(done.stdout)


@pytest.fixture(scope="module")
def floors():
    return {name: Landscape(height, name) for name, (height, _) in FLOORS.items()}


def ring(centre, radii, count=8):
    """Points at each of ``radii`` from ``centre`` in ``count`` directions, kept inside the pit."""
    angles = np.arange(count) * 2 * np.pi / count + 0.3
    points = [centre + r * np.array([np.cos(a), np.sin(a)]) for r in radii for a in angles]
    return [np.clip(p, 0.0, PIT_SIZE) for p in points]


def local_minima(pit: Landscape, most: int = 6) -> list[np.ndarray]:
    """Up to ``most`` local minima of a floor, where Nelder-Mead from a grid of starts ends."""
    ends = []
    for x in np.linspace(0.25, 5.75, 12):
        for y in np.linspace(0.25, 5.75, 12):
            end = minimize(
                pit, [x, y], method="Nelder-Mead", bounds=[(0, PIT_SIZE)] * 2, options={"xatol": 1e-9, "fatol": 1e-14}
            ).x
            if all(np.linalg.norm(end - e) > 0.05 for e in ends):
                ends.append(end)
    return ends[:most]


def borderline_cases(pit: Landscape) -> list[list]:
    """Probes on either side of every line where the verdict changes, and a few plain ones.

    Around each local minimum: probes at the winning radius from it, a hair inside and
    outside (a descent from there ends just inside or just outside the probe's reach);
    the minimum itself with the phone moved to the winning radius from where the
    descent ends, a hair nearer and farther; the corners and the middles of the walls;
    and 60 random probes.
    """
    phone = pit.global_minimum
    cases = []
    for minimum in local_minima(pit):
        for p in ring(minimum, [0.0, 0.05, 0.14, 0.149, 0.1499, 0.15, 0.1501, 0.151, 0.16, 0.2]):
            cases.append([p, phone, RADIUS])
        end = _nelder_mead(pit._depth_at, np.array(minimum), np.array(minimum), RADIUS)
        for gap in (-1e-9, 0.0, 1e-9) if end is not None else ():
            moved = end + (RADIUS + gap) * np.array([0.6, 0.8])
            cases.append([np.array(minimum), moved, RADIUS])
    for p in [(0, 0), (0, 6), (6, 0), (6, 6), (3, 0), (0, 3), (6, 3), (3, 6), (5.99, 5.99), (0.01, 3)]:
        cases.append([np.array(p, dtype=float), phone, RADIUS])
    rng = np.random.default_rng(14)
    for p in rng.uniform(0.0, PIT_SIZE, size=(60, 2)):
        cases.append([p, phone, RADIUS])
    return cases


def as_json(cases):
    return [[list(map(float, probe)), list(map(float, phone)), radius] for probe, phone, radius in cases]


@pytest.mark.parametrize("name", FLOORS)
def test_python_and_javascript_rules_agree_on_every_probe(floors, name):
    pit = floors[name]
    cases = borderline_cases(pit)
    scale = [BOTTOM_DEPTH, TOP_DEPTH, pit._h_min, pit._h_max]
    js = run_js({"height": FLOORS[name][1], "scale": scale, "cases": as_json(cases)})
    python = [_stuck(pit._depth_at, probe, phone, radius) for probe, phone, radius in cases]
    verdicts = [row["stuck"] for row in js]
    disagree = [(list(case[0]), p, j) for case, p, j in zip(cases, python, verdicts, strict=True) if p != j]
    assert not disagree, f"{len(disagree)} of {len(cases)} probes judged differently: {disagree[:5]}"
    assert any(python) and not all(python)  # the cases reach both verdicts
    for (probe, _, radius), row in zip(cases, js, strict=True):  # and the descents end at the same point, bit for bit
        end = _nelder_mead(pit._depth_at, probe, probe, radius)
        assert (end is None and row["end"] is None) or list(map(float, end)) == row["end"]


def test_the_borderline_cases_straddle_the_verdicts(floors):
    # on the double well, probes a hair either side of the winning radius from the phone's
    # distance to the hollow, and of the reach of the descent, give both verdicts
    pit = floors["two hollows"]
    hollow = next(m for m in local_minima(pit) if m[0] > 3)
    end = _nelder_mead(pit._depth_at, hollow, hollow, RADIUS)
    near = end + (RADIUS - 1e-9) * np.array([0.6, 0.8])
    far = end + (RADIUS + 1e-9) * np.array([0.6, 0.8])
    assert not _stuck(pit._depth_at, hollow, near, RADIUS)  # the "phone" is within reach of the hollow
    assert _stuck(pit._depth_at, hollow, far, RADIUS)
    js = run_js(
        {
            "height": FLOORS["two hollows"][1],
            "scale": [BOTTOM_DEPTH, TOP_DEPTH, pit._h_min, pit._h_max],
            "cases": as_json([[hollow, near, RADIUS], [hollow, far, RADIUS]]),
        }
    )
    assert [row["stuck"] for row in js] == [False, True]


@pytest.mark.parametrize("name", FLOORS)
def test_the_descent_ends_where_scipys_nelder_mead_ends(floors, name):
    # _nelder_mead writes out scipy's method with the rule's options; it must follow it exactly
    pit = floors[name]
    side = STUCK_RULE["simplex"]
    for start in np.random.default_rng(3).uniform(0.0, PIT_SIZE, size=(40, 2)):
        simplex = start + np.array([[0.0, 0.0], [side, 0.0], [0.0, side]])
        simplex[simplex > PIT_SIZE] -= 2 * side
        reference = minimize(
            pit._depth_at,
            start,
            method="Nelder-Mead",
            bounds=[(0.0, PIT_SIZE)] * 2,
            options={
                "initial_simplex": simplex,
                "xatol": STUCK_RULE["xatol"],
                "fatol": STUCK_RULE["fatol"],
                "maxiter": STUCK_RULE["maxiter"],
                "maxfev": STUCK_RULE["maxfev"],
            },
        )
        end = _nelder_mead(pit._depth_at, start, start, np.inf)
        assert np.array_equal(end, reference.x), (start, end, reference.x)


BOOK_GAMES = {  # the games the book's pages embed: the landscape and the mode
    "m2 dome": (dome_with_well, "gradient"),
    "m2 random pits 5": (lambda: random_pits(np.random.default_rng(5)), "depth"),
    "m5 random pits 106": (lambda: random_pits(np.random.default_rng(106)), "gradient"),
}


@pytest.mark.parametrize("game", BOOK_GAMES)
def test_the_page_game_judges_probes_as_sandpit_probe_does(game):
    make, mode = BOOK_GAMES[game]
    pit = make()
    data = embedded(sandpit_game(pit, mode=mode))
    assert data["stuck"] == dict(STUCK_RULE) and data["win_radius"] == RADIUS
    probes = [np.array([x, y]) for x in np.linspace(0.1, 5.9, 30) for y in np.linspace(0.1, 5.9, 30)]
    probes += [m + d for m in local_minima(pit) for d in ring(np.zeros(2), [0.0, 0.1])]
    probes = [np.clip(p, 0.0, PIT_SIZE) for p in probes]
    far = [np.linalg.norm(p - pit.global_minimum) > RADIUS for p in probes]
    probes = [p for p, f in zip(probes, far, strict=True) if f]  # a probe that wins is never judged
    js = run_js({"grid": data, "cases": as_json([[p, data["minimum"], RADIUS] for p in probes])})
    python = [Sandpit(pit, mode=mode).probe(*p).stuck for p in probes]
    assert sum(python) >= 30  # the probes include stuck ones
    disagree = [list(p) for p, verdict, row in zip(probes, python, js, strict=True) if verdict != row["stuck"]]
    assert not disagree, f"{game}: the page judges {len(disagree)} of {len(probes)} probes differently: {disagree[:5]}"
