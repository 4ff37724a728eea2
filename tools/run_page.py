"""Execute one page of the book and check its questions, without building the book.

    .venv/bin/python tools/run_page.py book/m1/rules.md [more pages ...]

Runs every code cell of each page (as the build does, in the page's folder), then checks that
every ``{question}`` block names a question that the page glues, that every glued question is
used once, and prints each question's kind, variants and answer. The build checks the same and
more (the page's own checker accepts each answer and rejects each listed wrong answer), so this is
a quick look while writing, not a replacement for ``make book``.
"""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path

import jupytext
import nbclient

from publish_notebooks import glued_outputs
from questions import MIME

QUESTION = re.compile(r"^(`{3,}|:{3,})\{question\}\s+(\S+)", re.M)


def glued_questions(notebook) -> dict[str, dict]:
    """The question specs glued in an executed notebook, by name."""
    glued = glued_outputs(notebook)
    return {key: bundle[MIME] for key, bundle in glued.items() if isinstance(bundle.get(MIME), dict)}


def run(page: Path) -> list[str]:
    problems = []
    notebook = jupytext.read(page)
    start = time.perf_counter()
    client = nbclient.NotebookClient(
        notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(page.parent)}}
    )
    try:
        client.execute()
    except nbclient.exceptions.CellExecutionError as exc:
        return [f"a cell failed:\n{exc}"]
    seconds = time.perf_counter() - start
    specs = glued_questions(notebook)
    used = [m.group(2) for m in QUESTION.finditer(page.read_text())]
    for key in used:
        if key not in specs:
            problems.append(f"{{question}} {key}: nothing glued under that name (glue(name, quiz..., display=False))")
    for key in sorted(set(used)):
        if used.count(key) > 1:
            problems.append(f"{{question}} {key} is used {used.count(key)} times")
    for key in specs:
        if key not in used:
            problems.append(f"question {key} is glued but no {{question}} block shows it")
    print(f"{page}: executed in {seconds:.1f} s, {len(used)} questions")
    for key in used:
        spec = specs.get(key)
        if spec:
            first = spec["variants"][0]
            answer = first.get("answer", first.get("value", [o["correct"] for o in first.get("options", [])]))
            print(
                f"  {key}: {spec['kind']}, {len(spec['variants'])} variant(s), "
                f"{len(first.get('wrong', []))} wrong answer(s), answer {answer}"
            )
    return problems


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    failed = False
    for name in argv:
        for problem in run(Path(name)):
            failed = True
            print(f"  PROBLEM: {problem}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
