"""Shared test configuration: tools/ on the import path, a deterministic hypothesis profile, and the browser.

The browser is pytest-playwright's ``browser`` fixture (headless Chromium, one per test worker); this file
only tells it which Chromium to launch.
"""

import os
import sys
from pathlib import Path

import pytest
from hypothesis import settings

# The tests of the build's tools import them by name (``import page_meta``): put tools/ on the path
# here, before any test module is imported, so that no test depends on the order of its imports.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tools"))

# deadline=None: the first call of a test pays for imports and lambdify, which
# would trip hypothesis' per-example deadline. derandomize=True: the examples
# are drawn from a fixed seed, so the suite gives the same result on every run.
# database=None: no .hypothesis/ directory is written into the repository.
settings.register_profile("book", deadline=None, derandomize=True, max_examples=60, database=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "book"))


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """pytest-playwright's ``browser`` fixture, launched on the machine's Chromium (tools/find_browser.py)."""
    from _book import find_chromium

    path = find_chromium()
    if path is None:
        pytest.fail("no Chromium found: run `make browser` or see tools/find_browser.py")
    quiet = ["--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"]
    return {**browser_type_launch_args, "executable_path": path, "args": ["--no-sandbox", "--disable-gpu", *quiet]}


@pytest.fixture(scope="module")
def site():
    """The built book served over HTTP on a free loopback port; yields its base URL."""
    from _book import HTML, serve

    if not (HTML / "index.html").is_file():
        pytest.fail("the book is not built: run `make book` first")
    with serve(HTML) as url:
        yield url


@pytest.fixture
def reader(browser, site):
    """Open a built page in a fresh browser context: ``reader(page)`` gives a ``_questions.Reader``."""
    from _questions import Reader

    readers = []

    def open_page(page):
        r = Reader(browser, site, page)
        readers.append(r)
        return r

    yield open_page
    for r in readers:
        r.close()
