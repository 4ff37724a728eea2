"""How long the book takes to build and to test.

Measures, in a scratch clone of the committed repository (your own _build is untouched):

- the cold build: ``make book`` from nothing (every chapter executed, in parallel);
- the rebuild with nothing changed;
- the rebuild after one prose edit (a sentence added to one chapter: no code changed,
  so nothing is executed again and one page is re-read);
- the serial sum of every chapter's execution time (what a one-core build would spend
  executing, from the execution cache's records);
- ``make test``, with the book already built.

    .venv/bin/python benchmarks/build_times.py [--skip-test]

Prints a table and writes it as JSON to benchmarks/results/build_times.json.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def timed(command: list[str], cwd: Path) -> float:
    # The copy shares this repository's .venv, whose editable install points at
    # this lib/: put the copy's own lib/ first, so the copy imports its own mvcalc.
    env = {**os.environ, "PYTHONPATH": str(cwd / "lib")}
    start = time.perf_counter()
    run = subprocess.run(command, cwd=cwd, capture_output=True, text=True, env=env)
    elapsed = time.perf_counter() - start
    if run.returncode != 0:
        sys.exit(f"{' '.join(command)} failed:\n{run.stdout[-4000:]}\n{run.stderr[-4000:]}")
    return elapsed


def serial_execution_seconds(cache_dir: Path) -> tuple[float, int]:
    from jupyter_cache import get_cache

    records = get_cache(cache_dir).list_cache_records()
    seconds = [r.data.get("execution_seconds") or 0.0 for r in records]
    return float(sum(seconds)), len(seconds)


def main(argv: list[str]) -> int:
    with tempfile.TemporaryDirectory(prefix="book-bench-") as scratch:
        copy = Path(scratch) / "book"
        # the committed book, as CI sees it (no uncommitted or untracked files)
        subprocess.run(["git", "clone", "--quiet", str(ROOT), str(copy)], check=True)
        os.symlink(ROOT / ".venv", copy / ".venv")  # same environment, no reinstall:
        # the clone's files are newer than .venv's install stamp, and make would
        # reinstall requirements.txt (and point the editable mvcalc at the clone)
        for name in ("requirements.txt", "pyproject.toml"):
            stat = (ROOT / name).stat()
            os.utime(copy / name, (stat.st_atime, stat.st_mtime))
        results = {}
        results["cold build (make book)"] = timed(["make", "book"], copy)
        results["rebuild, nothing changed"] = timed(["make", "book"], copy)
        page = copy / "book" / "m1" / "derivative.md"
        page.write_text(page.read_text() + "\nOne more sentence of prose, for the benchmark.\n")
        results["rebuild after one prose edit"] = timed(["make", "book"], copy)
        serial, count = serial_execution_seconds(copy / "_build" / ".jupyter_cache")
        results[f"serial sum of {count} chapters' execution"] = serial
        if "--skip-test" not in argv:
            results["make test (book already built)"] = timed(["make", "test"], copy)

    width = max(map(len, results))
    print(f"{'what':<{width}}  seconds")
    for name, seconds in results.items():
        print(f"{name:<{width}}  {seconds:7.1f}")
    out = ROOT / "benchmarks" / "results"
    out.mkdir(exist_ok=True)
    (out / "build_times.json").write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
