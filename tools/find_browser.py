"""Find a Chromium for the real-browser tests, or install Playwright's own.

Order of search: the ``BOOK_CHROMIUM`` environment variable; a system Chromium
or Chrome on PATH or in the usual macOS location; the Chromium that
``playwright install chromium`` downloads. With ``--install`` and nothing found,
run that download (it needs the internet) and search again.

Prints the executable's path; exit status 1 with instructions if there is none.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
MAC_APPS = (
    "/Applications/Chromium.app/Contents/MacOS/Chromium",
    "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
)


def playwright_chromium() -> str | None:
    """The Chromium that Playwright downloaded, if it did."""
    try:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as p:
            path = p.chromium.executable_path
    except Exception:
        return None
    return path if path and Path(path).is_file() else None


def find_chromium() -> str | None:
    """Path of a Chromium-family browser, or None."""
    explicit = os.environ.get("BOOK_CHROMIUM")
    if explicit:
        return explicit if Path(explicit).is_file() else None
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    for app in MAC_APPS:
        if Path(app).is_file():
            return app
    return playwright_chromium()


def main(argv: list[str]) -> int:
    path = find_chromium()
    if path is None and "--install" in argv:
        print("browser: no Chromium found; downloading Playwright's (python -m playwright install chromium)")
        subprocess.run([sys.executable, "-m", "playwright", "install", "chromium"], check=False)
        path = find_chromium()
    if path is None:
        print(
            "browser: no Chromium or Chrome found for the real-browser tests.\n"
            "  Install one (Debian/Ubuntu: sudo apt-get install chromium; macOS: brew install --cask chromium),\n"
            "  or set BOOK_CHROMIUM=/path/to/chrome, or run: .venv/bin/python -m playwright install chromium",
            file=sys.stderr,
        )
        return 1
    print(f"browser: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
