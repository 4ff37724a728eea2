"""Run every code cell of the book under Pyodide and compare what it shows with the executed notebook.

    .venv/bin/python tools/pyodide_cells.py [--write] [--pyodide DIR] [--build _build] [--jobs 2] [--report FILE]
    .venv/bin/python tools/pyodide_cells.py --results FILE.json   # compare an earlier run's raw results again

The book's pages can run their cells in the reader's browser (Pyodide, the self-hosted copy the build
writes to ``_build/html/_static/pyodide/``). This script runs them the same way in Node.js
(``tools/pyodide_cells.mjs``, which loads ``tools/run_in_page/runner.py``, the file the browser runs),
one fresh Python per page, and compares each cell's outputs with those of the executed notebook the
page was made from (``_build/jupyter_execute/book/<page>.ipynb``: its cells and outputs are exactly
the ones the page shows; ``_build/notebooks/`` holds the same behind a Colab setup cell).

What is compared, cell by cell (:func:`compare_cell`), after consecutive prints to one stream are
merged (as the build's ``nb_merge_streams`` and the runner both do):

* the kinds of output, in order: printed text (``stdout``; ``stderr`` too, so a warning that only
  Pyodide prints is a difference), a value's ``text/plain``, Markdown, HTML, a figure, an error;
* the text of printed text, ``text/plain`` and Markdown;
* figures and HTML only by being there (their bytes depend on the fonts and the library versions).

A text that differs is a **numbers-only** difference when it is the same once every number
(:data:`NUMBER`: integers, decimals and e-notation, with their sign) is replaced by ``#`` and white
space is left out (a wider number shifts the columns of a table or an array), and at least one number
is printed differently (a difference in white space alone is a failure). Those
cells are listed in ``book/_pyodide.json`` under ``differs``, however far apart the numbers are (the
report gives the largest relative difference, so that the authors can judge whether a page should
print rounder numbers). Any other difference (an error, an output missing or extra, different words)
is a failure: ``tests/test_pyodide_cells.py`` fails naming the page, the cell and a diff.

``book/_pyodide.json`` (written by ``--write``; committed; the page's Run button reads it)::

    {"pyodide": "0.27.7",
     "pages": {"m2/jacobian": {"packages": ["mvcalc", "numpy", ...], "differs": [2, 5]}, ...}}

* a page is its path under ``book/`` without ``.md``; every page with code cells is there;
* ``packages``: the Pyodide lock packages whose modules the page's cells had imported by the end of
  the run (what the browser must ``loadPackage`` before the first cell);
* ``differs``: the cells whose printed numbers differ under Pyodide, as 0-based indices among the
  page's code cells in page order: every ``{code-cell}`` of the page's source counts, hidden
  (``hide-input``) and removed (``remove-cell``) ones included, exactly as the code cells of the
  executed notebook are numbered. The browser runner numbers the cells it runs the same way.

Keys and lists are sorted and the file ends with a newline, so the same run writes the same bytes.
Without ``--write`` the script prints what differs and exits 1 if a cell fails or the committed file
is stale.
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUNNER_JS = ROOT / "tools" / "pyodide_cells.mjs"
RESULT_FILE = ROOT / "book" / "_pyodide.json"
REGENERATE = ".venv/bin/python tools/pyodide_cells.py --write"
REPORT_ENV = "PYODIDE_CELLS_REPORT"  # where check() also writes its report (the test's run, say)

#: A number as the pages print it: optional sign, digits with an optional decimal point, optional exponent.
NUMBER = re.compile(r"[-+−]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?")
GLUE_PREFIX = "application/papermill.record/"


def pyodide_dir(build: Path) -> Path:
    """Where the Pyodide to test is: ``$PYODIDE_DIR``, else the one the build wrote into the site."""
    env = os.environ.get("PYODIDE_DIR")
    return Path(env) if env else build / "html" / "_static" / "pyodide"


# ---------------------------------------------------------------------------------------------------
# The executed notebooks
# ---------------------------------------------------------------------------------------------------
def _text(value) -> str:
    return "".join(value) if isinstance(value, list) else value


def merge_streams(outputs: list[dict]) -> list[dict]:
    """Consecutive ``stream`` outputs of one stream made one, as ``nb_merge_streams`` shows them."""
    merged: list[dict] = []
    for out in outputs:
        if out["type"] == "stream" and merged and merged[-1]["type"] == "stream" and merged[-1]["name"] == out["name"]:
            merged[-1] = {**merged[-1], "text": merged[-1]["text"] + out["text"]}
        else:
            merged.append(dict(out))
    return merged


def notebook_outputs(outputs: list[dict]) -> tuple[list[dict], dict[str, dict]]:
    """A notebook cell's outputs in runner.py's form, and the values it glued (``{name: {mime: text}}``).

    A value glued with ``display=False`` is not shown (it is a record for the prose); one glued with
    ``display=True`` is both. A display is shown as its richest form, in runner.py's order: HTML,
    Markdown, a figure, then ``text/plain``.
    """
    shown, glued = [], {}
    for out in outputs:
        kind = out["output_type"]
        if kind == "stream":
            shown.append({"type": "stream", "name": out["name"], "text": _text(out["text"])})
            continue
        if kind == "error":
            shown.append({"type": "error", "ename": out["ename"], "evalue": out["evalue"]})
            continue
        data = out.get("data", {})
        scrapbook = out.get("metadata", {}).get("scrapbook")
        if scrapbook:
            prefix = scrapbook.get("mime_prefix", "")
            glued[scrapbook["name"]] = {mime[len(prefix) :]: _glue_text(v) for mime, v in data.items()}
            if prefix == GLUE_PREFIX:
                continue
        if "text/html" in data:
            shown.append({"type": "html", "html": _text(data["text/html"])})
        elif "text/markdown" in data:
            shown.append({"type": "markdown", "text": _text(data["text/markdown"])})
        elif "image/png" in data:
            shown.append({"type": "image"})
        elif "text/plain" in data:
            shown.append({"type": "text", "text": _text(data["text/plain"])})
    return merge_streams(shown), glued


def _glue_text(value) -> str:
    return json.dumps(value, sort_keys=True) if isinstance(value, dict | int | float) else _text(value)


def executed_pages(build: Path) -> dict[str, list[dict]]:
    """``{page: [{"source", "outputs", "glued", "tags"}, ...]}`` for every executed notebook of the book."""
    pages = {}
    book = build / "jupyter_execute" / "book"
    for path in sorted(book.rglob("*.ipynb")):
        nb = json.loads(path.read_text(encoding="utf8"))
        cells = []
        for cell in nb["cells"]:
            if cell["cell_type"] != "code":
                continue
            shown, glued = notebook_outputs(cell.get("outputs", []))
            tags = cell.get("metadata", {}).get("tags", [])
            cells.append({"source": _text(cell["source"]), "outputs": shown, "glued": glued, "tags": tags})
        if cells:
            pages[path.relative_to(book).with_suffix("").as_posix()] = cells
    return pages


# ---------------------------------------------------------------------------------------------------
# The comparison
# ---------------------------------------------------------------------------------------------------
def mask(text: str) -> str:
    """``text`` with every number made ``#`` and white space left out (a wider number shifts columns)."""
    return re.sub(r"\s+", "", NUMBER.sub("#", text))


def numbers_differ(a: str, b: str) -> bool:
    """Whether two texts print at least one number differently (not only white space)."""
    return NUMBER.findall(a) != NUMBER.findall(b)


def _float(token: str) -> float:
    return float(token.replace("−", "-"))


def relative_difference(a: str, b: str) -> float:
    """The largest relative difference between the numbers of two texts that mask alike (0 if none)."""
    worst = 0.0
    for x, y in zip(NUMBER.findall(a), NUMBER.findall(b)):
        u, v = _float(x), _float(y)
        if u != v:
            worst = max(worst, abs(u - v) / max(abs(u), abs(v)))
    return worst


def _kind(out: dict) -> str:
    return f"stream:{out['name']}" if out["type"] == "stream" else out["type"]


def _render(outputs: list[dict]) -> list[str]:
    lines = []
    for out in outputs:
        lines.append(f"--- {_kind(out)}")
        if out["type"] == "error":
            lines += [f"{out['ename']}: {out['evalue']}"] + out.get("traceback", "").splitlines()[-6:]
        elif "text" in out:
            lines += out["text"].splitlines()
    return lines


def compare_cell(expected: list[dict], got: list[dict]) -> tuple[str, str]:
    """``("same" | "numbers" | "fails", detail)`` for one cell's outputs (the notebook's, Pyodide's).

    ``detail`` is, for "numbers", a one-line summary (the largest relative difference and the first
    differing line); for "fails", a unified diff of the two cells' outputs.
    """
    expected, got = merge_streams(expected), merge_streams(got)
    worst, first, differ = 0.0, "", False
    if [_kind(o) for o in expected] == [_kind(o) for o in got] and not any(o["type"] == "error" for o in got):
        for a, b in zip(expected, got):
            if "text" not in a or a["text"] == b["text"]:
                continue
            if mask(a["text"]) != mask(b["text"]) or not numbers_differ(a["text"], b["text"]):
                break
            differ = True
            worst = max(worst, relative_difference(a["text"], b["text"]))
            if not first:
                pairs = zip(a["text"].splitlines(), b["text"].splitlines())
                line_a, line_b = next((p for p in pairs if p[0] != p[1]), ("", ""))
                first = f"{line_a.strip()!r} -> {line_b.strip()!r}"
        else:
            if not differ:
                return "same", ""
            return "numbers", f"largest relative difference {worst:.2g}: {first}"
    diff = difflib.unified_diff(_render(expected), _render(got), "notebook", "pyodide", lineterm="", n=2)
    return "fails", "\n".join(diff)


def compare_glue(expected: dict[str, dict], got: dict[str, dict]) -> tuple[str, str]:
    """The glued values of one cell: "same", "numbers" or "other" (for the report only)."""
    worst, notes = "same", []
    for name, bundle in expected.items():
        mine = got.get(name)
        if mine is None:
            return "other", f"{name}: not glued under Pyodide"
        for mime, text in bundle.items():
            if mime not in mine or mime == "image/png":
                continue
            a, b = re.sub(r"\s+", " ", text).strip(), re.sub(r"\s+", " ", mine[mime]).strip()
            if a == b:
                continue
            if mask(a) == mask(b):
                worst = "numbers" if worst == "same" else worst
                notes.append(f"{name}: {a[:60]!r} -> {b[:60]!r}")
            else:
                worst = "other"
                notes.append(f"{name} ({mime}): {a[:60]!r} -> {b[:60]!r}")
    return worst, "; ".join(notes)


def compare(pages: dict[str, list[dict]], results: dict) -> dict:
    """Compare every page; returns ``{"file": the _pyodide.json dict, "failures": [...], "numbers": [...], ...}``."""
    summary = {"pyodide": results["pyodide"], "pages": {}}
    failures, numbers, glue = [], [], []
    for page, cells in sorted(pages.items()):
        run = results["pages"].get(page)
        if run is None or run.get("error"):
            failures.append((page, None, (run or {}).get("error") or "the page did not run"))
            continue
        if len(run["cells"]) != len(cells):
            failures.append((page, None, f"{len(run['cells'])} cells ran, the notebook has {len(cells)}"))
            continue
        differs = []
        for index, (cell, got) in enumerate(zip(cells, run["cells"])):
            verdict, detail = compare_cell(cell["outputs"], got)
            if verdict == "numbers":
                differs.append(index)
                numbers.append((page, index, detail))
            elif verdict == "fails":
                failures.append((page, index, detail))
            gverdict, gdetail = compare_glue(cell["glued"], run["glued"])
            if gverdict != "same":
                glue.append((page, index, gverdict, gdetail))
        summary["pages"][page] = {"packages": sorted(run["packages"]), "differs": sorted(differs)}
    return {"file": summary, "failures": failures, "numbers": numbers, "glue": glue}


def dumps(summary: dict) -> str:
    """The text of ``book/_pyodide.json``: sorted keys and lists, one line per page, a trailing newline."""
    pages = summary["pages"]
    lines = [f"    {json.dumps(page)}: {json.dumps(pages[page], sort_keys=True)}" for page in sorted(pages)]
    body = ",\n".join(lines)
    return f'{{\n  "pages": {{\n{body}\n  }},\n  "pyodide": {json.dumps(summary["pyodide"])}\n}}\n'


# ---------------------------------------------------------------------------------------------------
# Running
# ---------------------------------------------------------------------------------------------------
def run_pyodide(pages: dict[str, list[dict]], pyodide: Path, jobs: int = 2, hints: dict | None = None) -> dict:
    """Run every page's cells under Pyodide (``tools/pyodide_cells.mjs``); returns its RESULTS dict."""
    node = shutil.which("node")
    if node is None:
        raise RuntimeError("Node.js (node) is needed to run the cells under Pyodide")
    if not (pyodide / "pyodide.mjs").is_file():
        raise RuntimeError(f"no Pyodide in {pyodide}: build the book (make book) or set PYODIDE_DIR")
    hints = hints or {}
    with tempfile.TemporaryDirectory(prefix="pyodide-cells-") as tmp:
        cells = Path(tmp) / "cells.json"
        out = Path(tmp) / "results.json"
        job = {
            page: {"cells": [c["source"] for c in page_cells], "packages": hints.get(page, {}).get("packages", [])}
            for page, page_cells in pages.items()
        }
        cells.write_text(json.dumps({"pages": job}), encoding="utf8")
        command = [node, str(RUNNER_JS), "--pyodide", str(pyodide), "--cells", str(cells), "--out", str(out)]
        subprocess.run(command + ["--jobs", str(jobs)], check=True, cwd=ROOT)
        return json.loads(out.read_text(encoding="utf8"))


def committed() -> dict:
    """The committed ``book/_pyodide.json`` (empty if there is none yet)."""
    return json.loads(RESULT_FILE.read_text(encoding="utf8")) if RESULT_FILE.is_file() else {"pages": {}}


def check(build: Path, pyodide: Path, jobs: int = 2) -> tuple[dict, dict]:
    """Run and compare the whole book; returns (the comparison, the raw results)."""
    pages = executed_pages(build)
    results = run_pyodide(pages, pyodide, jobs, hints=committed().get("pages", {}))
    comparison = compare(pages, results)
    if os.environ.get(REPORT_ENV):  # the report of a test run, e.g. for CI to keep as an artifact
        save_report(Path(os.environ[REPORT_ENV]), comparison, results)
    return comparison, results


def save_report(path: Path, comparison: dict, results: dict) -> None:
    """Write the report to ``path`` and the raw results beside it (``path`` with ``.json``)."""
    path.write_text(report(comparison, results) + "\n", encoding="utf8")
    path.with_suffix(".json").write_text(json.dumps(results), encoding="utf8")


def report(comparison: dict, results: dict) -> str:
    cpu = sum(run.get("cpu_seconds", 0) for run in results["pages"].values())
    lines = [
        f"Pyodide {results['pyodide']}: {len(results['pages'])} pages in {results['seconds']:.0f} s "
        f"(caches {results.get('cache_seconds', 0):.0f} s; the pages' processes used {cpu:.0f} s of CPU)"
    ]
    for page, run in sorted(results["pages"].items()):
        cells = run.get("seconds") or []
        slowest = max(range(len(cells)), key=cells.__getitem__) if cells else None
        lines.append(
            f"  {page}: {run.get('total_seconds', 0):.1f} s (load {run.get('load_seconds', 0):.1f} s, cells "
            f"{sum(cells):.1f} s, slowest cell {slowest}), CPU {run.get('cpu_seconds', 0):.1f} s, {run.get('rss_mb', '?')} MB"
            + (f", run again with every package ({run['retried_for']} was missing)" if run.get("retried_for") else "")
            + (f"\n    printed outside the cells: {run['stray'][:200]!r}" if run.get("stray") else "")
        )
    lines.append(f"Cells whose numbers differ ({len(comparison['numbers'])}):")
    lines += [f"  {page} cell {index}: {detail}" for page, index, detail in comparison["numbers"]]
    lines.append(f"Glued values that differ (the prose; not shown by a re-run) ({len(comparison['glue'])}):")
    lines += [
        f"  {page} cell {index} [{verdict}]: {detail[:300]}" for page, index, verdict, detail in comparison["glue"]
    ]
    lines.append(f"Failures ({len(comparison['failures'])}):")
    for page, index, detail in comparison["failures"]:
        lines.append(f"  {page} cell {index}:\n" + "\n".join("    " + line for line in detail.splitlines()))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--build", type=Path, default=ROOT / "_build", help="the build folder (default _build)")
    parser.add_argument("--pyodide", type=Path, help="the Pyodide folder (default $PYODIDE_DIR or the site's)")
    parser.add_argument("--jobs", type=int, default=2, help="pages run at once (default 2)")
    parser.add_argument("--write", action="store_true", help=f"write {RESULT_FILE.relative_to(ROOT)}")
    parser.add_argument("--report", type=Path, help="also save the report and the raw results (FILE, FILE.json)")
    parser.add_argument("--results", type=Path, help="compare the raw results of an earlier --report, not a new run")
    args = parser.parse_args(argv)
    if args.results:
        results = json.loads(args.results.read_text(encoding="utf8"))
        comparison = compare(executed_pages(args.build), results)
    else:
        comparison, results = check(args.build, args.pyodide or pyodide_dir(args.build), args.jobs)
    text = report(comparison, results)
    print(text)
    if args.report:
        save_report(args.report, comparison, results)
    new = dumps(comparison["file"])
    if args.write:
        RESULT_FILE.write_text(new, encoding="utf8")
        print(f"wrote {RESULT_FILE.relative_to(ROOT)}")
    elif not RESULT_FILE.is_file() or RESULT_FILE.read_text(encoding="utf8") != new:
        print(f"{RESULT_FILE.relative_to(ROOT)} is not what this run found: run {REGENERATE}")
        return 1
    return 1 if comparison["failures"] else 0


if __name__ == "__main__":
    sys.exit(main())
