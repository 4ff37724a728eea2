"""Strict nbval over the executed notebooks the book published.

Re-executes every notebook under ``_build/jupyter_execute`` (each holds the
outputs its page shows: see ``tools/lib_freshness.py``) and compares every
output with the published one. Used by ``make nbval`` and by the test that
shows nbval fails when an output changes, so both run with the same options.

    python tools/run_nbval.py [NOTEBOOK_OR_FOLDER ...] [-- EXTRA PYTEST ARGS]
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SANITIZE = ROOT / "tests" / "nbval_sanitize.cfg"


def nbval_command(targets: list[str], workers: int = 2, extra: list[str] | None = None) -> list[str]:
    """The pytest command line for strict nbval over ``targets``."""
    command = [
        sys.executable,
        "-m",
        "pytest",
        "-p",
        "no:cacheprovider",
        "--nbval",
        "--nbval-current-env",
        "--nbval-sanitize-with",
        str(SANITIZE),
        "--rootdir",
        str(ROOT),
        "-o",
        "filterwarnings=",
        "-o",
        "addopts=",
    ]
    if workers > 1:
        command += ["-n", str(workers), "--dist", "loadfile"]
    return command + (extra or []) + targets


def main(argv: list[str]) -> int:
    extra = argv[argv.index("--") + 1 :] if "--" in argv else []
    targets = (argv[: argv.index("--")] if "--" in argv else argv) or [str(ROOT / "_build" / "jupyter_execute")]
    notebooks = [p for t in targets for p in ([Path(t)] if Path(t).is_file() else Path(t).rglob("*.ipynb"))]
    if not notebooks:
        print(f"nbval: no executed notebooks under {targets}: run `make book` first", file=sys.stderr)
        return 1
    print(f"nbval: re-executing {len(notebooks)} notebooks and comparing every output")
    return subprocess.call(nbval_command(targets, extra=extra), cwd=ROOT)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
