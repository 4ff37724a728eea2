"""The book's conventions, checked on the sources of every page (CONTRIBUTING.md).

These hold for every chapter, now and later: a page that breaks one fails here
with the page and the rule named, before a reader sees it.
"""

from __future__ import annotations

import re

import pytest
import yaml

from _book import ROOT, notebook_pages, toc_files

NOTEBOOKS = notebook_pages()
CHAPTERS = [p for p in NOTEBOOKS if p.parent != ROOT / "book"]  # module pages, not the intro
ALL_PAGES = [
    ROOT / (n if n.endswith(".md") else n + ".md") for n in toc_files(yaml.safe_load((ROOT / "_toc.yml").read_text()))
]


def ids(paths):
    return [str(p.relative_to(ROOT)) for p in paths]


def code_cells(text: str) -> list[tuple[str, str]]:
    """(options block, source) of every ``{code-cell}`` in a MyST notebook."""
    cells = []
    for match in re.finditer(r"```\{code-cell\}[^\n]*\n(.*?)```", text, flags=re.S):
        body = match.group(1)
        options = ""
        if body.startswith("---\n"):
            options, _, body = body[4:].partition("\n---\n")
        elif body.startswith(":"):
            lines = body.splitlines(keepends=True)
            head = [ln for ln in lines if ln.startswith(":")]
            options, body = "".join(head), "".join(lines[len(head) :])
        cells.append((options, body))
    return cells


@pytest.mark.parametrize("page", NOTEBOOKS, ids=ids(NOTEBOOKS))
def test_notebook_front_matter_is_a_myst_notebook(page):
    front = page.read_text().split("\n---", 1)[0]
    assert "format_name: myst" in front, "front matter needs jupytext text_representation format_name: myst"
    assert re.search(r"kernelspec:\s*\n\s+display_name: Python 3\s*\n\s+language: python\s*\n\s+name: python3", front)


@pytest.mark.parametrize("page", CHAPTERS, ids=ids(CHAPTERS))
def test_chapter_anatomy(page):
    text = re.sub(r"```.*?```", "", page.read_text(), flags=re.S)  # headings, not code comments
    headings = re.findall(r"^(#{1,2}) (.+)$", text, flags=re.M)
    titles = [h for level, h in headings if level == "#"]
    sections = [h for level, h in headings if level == "##"]
    assert len(titles) == 1, f"one page title expected, found {titles}"
    assert re.search(r"^\([\w-]+\)=\n# ", page.read_text(), flags=re.M), (
        "the title needs a label above it, like (m1-derivative)="
    )
    assert sections[0] == "Overview", f"the first section must be 'Overview', got {sections[0]!r}"
    assert sections[-1] == "Exercises", f"the last section must be 'Exercises', got {sections[-1]!r}"
    assert "you will be able to" in text.split("## ", 2)[1], "the overview says what the reader will be able to do"
    for section in sections:
        words = section.split()
        capitalised = [w for w in words[1:] if w.isalpha() and w[0].isupper() and not _proper(w)]
        assert not capitalised, f"section headings are in sentence case: {section!r}"


def _proper(word: str) -> bool:
    """Words that keep their capital in a sentence-case heading."""
    return (
        word
        in {
            "Jacobian",
            "Jacobians",
            "Hessian",
            "Hessians",
            "Taylor",
            "Newton",
            "Raphson",
            "Lagrange",
            "Sandpit",
            "Binder",
            "Python",
            "Maclaurin",
            "Nesterov",
            "RMSProp",
            "Adam",
            "I",
        }
        or word.isupper()
    )


@pytest.mark.parametrize("page", CHAPTERS, ids=ids(CHAPTERS))
def test_exercises_have_computed_dropdown_solutions(page):
    text = page.read_text()
    exercises = re.findall(r"```\{exercise\}[^\n]*\n:label: ([\w-]+)", text)
    assert len(exercises) >= 2, "each content page has at least two exercises"
    for label in exercises:
        block = re.search(r"```\{solution-start\} " + re.escape(label) + r"\n(.*?)```\{solution-end\}", text, re.S)
        assert block, f"exercise {label} has no solution-start/solution-end block"
        assert ":class: dropdown" in block.group(1), f"the solution of {label} is not in a dropdown"
        assert "{code-cell}" in block.group(1), f"the solution of {label} computes nothing"


@pytest.mark.parametrize("page", NOTEBOOKS, ids=ids(NOTEBOOKS))
def test_figures_have_caption_name_and_alt_text(page):
    for options, source in code_cells(page.read_text()):
        if "plt.show()" not in source and ".savefig(" not in source:
            continue
        where = source.strip().splitlines()[0][:60]
        assert "hide-input" in options, f"plotting cell not hidden ({where!r})"
        assert re.search(r"caption: \S", options), f"figure without caption ({where!r})"
        assert re.search(r"name: fig-[\w-]+", options), f"figure without a fig- name ({where!r})"
        alt = re.search(r"alt: (.+)", options)
        assert alt and len(alt.group(1).split()) >= 5, f"figure without alt text that says what it shows ({where!r})"


@pytest.mark.parametrize("page", NOTEBOOKS, ids=ids(NOTEBOOKS))
def test_code_follows_the_house_rules(page):
    sources = "\n".join(source for _, source in code_cells(page.read_text()))
    assert not re.search(r"\.set_title\(|plt\.title\(|suptitle\(", sources), (
        "no titles on figures: the caption is the title"
    )
    assert not re.search(r"default_rng\(\s*\)", sources), "seed every random generator"
    assert "np.random.seed(" not in sources and not re.search(r"np\.random\.(rand|randn|normal|uniform)\(", sources), (
        "use a seeded numpy.random.Generator, not the global random state"
    )
    if "plt." in sources:
        assert "use_style()" in sources, "apply the book's plotting style in the import cell"


@pytest.mark.parametrize("page", ALL_PAGES, ids=ids(ALL_PAGES))
def test_math_is_not_bold(page):
    maths = re.findall(r"\$\$.*?\$\$|\$[^$\n]+\$", page.read_text(), flags=re.S)
    bold = [m for m in maths if re.search(r"\\(mathbf|boldsymbol|bm)\b", m)]
    assert not bold, f"vectors and matrices are not bold (notation page): {bold[:3]}"


@pytest.mark.parametrize("page", NOTEBOOKS, ids=ids(NOTEBOOKS))
def test_imports_are_in_the_first_code_cell(page):
    later = [
        line.strip()
        for _, source in code_cells(page.read_text())[1:]
        for line in source.splitlines()
        if re.match(r"(import \w|from [\w.]+ import )", line)
    ]
    assert not later, f"imports belong in the page's first code cell: {later}"


# --- questions (tools/questions.py, CONTRIBUTING.md) --------------------------------------------

QUESTION = re.compile(r"^(:{3,}|`{3,})\{question\}\s+(\S+)", re.M)
CONTENT_PAGES = [p for p in CHAPTERS if p.stem not in {"index", "summary"}]
SUMMARIES = [p for p in CHAPTERS if p.stem == "summary"]


def questions_of(page) -> list[str]:
    return [m.group(2) for m in QUESTION.finditer(page.read_text())]


@pytest.mark.parametrize("page", CONTENT_PAGES, ids=ids(CONTENT_PAGES))
def test_every_content_page_has_at_least_four_questions(page):
    assert len(questions_of(page)) >= 4, f"{len(questions_of(page))} questions; a content page has at least 4"


@pytest.mark.parametrize("page", SUMMARIES, ids=ids(SUMMARIES))
def test_every_summary_is_a_check_yourself_page(page):
    text = page.read_text()
    assert re.search(r"^:{3,}\{question-progress\}", text, re.M), "the summary shows the module's progress"
    assert "## Check yourself" in text
    assert len(questions_of(page)) >= 6, "a summary has at least 6 retrieval questions over its module"


@pytest.mark.parametrize("page", NOTEBOOKS, ids=ids(NOTEBOOKS))
def test_question_cells_are_hidden_and_every_question_is_shown_once(page):
    text = page.read_text()
    shown = questions_of(page)
    assert len(shown) == len(set(shown)), f"a question shown twice: {sorted(k for k in shown if shown.count(k) > 1)}"
    for options, source in code_cells(text):
        if "quiz." in source and "glue(" in source:
            assert "remove-cell" in options, f"a cell that builds questions is shown to the reader: {source[:60]!r}"
    for key in shown:
        assert (
            re.search(r"glue\(\s*[\"']" + re.escape(key) + r"[\"']", text) or f'"{key}"' in text or f"'{key}'" in text
        ), f"{{question}} {key}: the page glues nothing under that name"


def test_the_book_has_at_least_150_questions_and_keys_are_unique():
    keys = [k for page in ALL_PAGES if page.is_file() for k in questions_of(page)]
    assert len(keys) >= 150, f"{len(keys)} questions in the book"
    assert len(keys) == len(set(keys)), "question names are unique in the book (they key the reader's progress)"
