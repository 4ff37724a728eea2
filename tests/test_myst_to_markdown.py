"""The MyST-to-Markdown converter of the Colab notebooks (``tools/myst_to_markdown.py``).

Each construct the book's pages use is converted on a small input and compared with the
exact Markdown expected, against a fake website (``FakeSite``). The last tests check that the
pages use no role or directive the converter does not know, so that a new one cannot slip
into the notebooks as raw MyST (the build would warn, and ``tests/test_publishing.py`` checks
the published notebooks).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import myst_to_markdown as mm  # noqa: E402
from myst_to_markdown import convert, expand_macros  # noqa: E402

SITE = "https://site.example/book/"
MACROS = {
    "R": (r"\mathbb{R}", 0),
    "dd": (r"\mathrm{d}", 0),
    "T": (r"^{\top}", 0),
    "pd": (r"\frac{\partial #1}{\partial #2}", 2),
    "Jac": ("J_{#1}", 1),
}


class FakeSite:
    """A website with a few labels, glued values and citations; it records warnings."""

    macros = MACROS
    links = {
        ("ref", "m1-functions"): ("Functions", SITE + "m1/functions.html#m1-functions"),
        ("ref", "ex-a"): ("Exercise 1.3", SITE + "m1/p.html#ex-a"),
        ("numref", "fig-a"): ("Fig. 1.4", SITE + "m1/p.html#fig-a"),
        ("numref", "tab-a"): ("Table 2.1", SITE + "m2/p.html#tab-a"),
        ("eq", "eq-a"): ("(1.1)", SITE + "m1/p.html#equation-eq-a"),
        ("prf:ref", "def-a"): ("Definition 1.2", SITE + "m1/p.html#def-a"),
        ("prf:ref", "thm-a"): ("Theorem 2.1", SITE + "m2/p.html#thm-a"),
        ("term", "secant"): ("secant", SITE + "glossary.html#term-secant"),
        ("term", "forward difference"): ("forward difference", SITE + "glossary.html#term-forward-difference"),
        ("doc", "../notation"): ("Notation", SITE + "notation.html"),
    }
    glued = {
        "x": {"text/plain": "0.8775825618836229"},
        "n": {"text/plain": "6"},
        "eps": {"text/markdown": r"$2.2 \times 10^{-16}$", "text/plain": "<Markdown>"},
        "table": {"text/markdown": "| a | b |\n| --- | --- |\n| {glue:text}`n` | $\\R$ |"},
    }

    def __init__(self):
        self.warnings: list[str] = []

    def link(self, role, target):
        return self.links.get((role, target))

    def cite(self, role, keys):
        return {
            ("cite:t", "press2007"): r"Press *et al.* \[[2007](https://site.example/book/references.html#id4)\]",
            ("cite:p", "press2007"): r"\[[Press *et al.*, 2007](https://site.example/book/references.html#id4)\]",
        }.get((role, keys))

    def glue(self, key):
        return self.glued.get(key)

    def image(self, path):
        return SITE + "_images/" + Path(path).name if path.endswith(".png") else None

    def warn(self, message):
        self.warnings.append(message)


@pytest.fixture
def site():
    return FakeSite()


def md(source: str, site: FakeSite) -> str:
    return convert(source, site)


# --- roles -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "source, expected",
    [
        ("On {ref}`m1-functions` we", f"On [Functions]({SITE}m1/functions.html#m1-functions) we"),
        ("see {ref}`the first page <m1-functions>`.", f"see [the first page]({SITE}m1/functions.html#m1-functions)."),
        ("{numref}`fig-a` shows", f"[Fig. 1.4]({SITE}m1/p.html#fig-a) shows"),
        ("by {eq}`eq-a`,", f"by [(1.1)]({SITE}m1/p.html#equation-eq-a),"),
        ("{prf:ref}`def-a`", f"[Definition 1.2]({SITE}m1/p.html#def-a)"),
        ("{ref}`ex-a` asks", f"[Exercise 1.3]({SITE}m1/p.html#ex-a) asks"),
        ("a **{term}`secant`**", f"a **[secant]({SITE}glossary.html#term-secant)**"),
        (
            "the {term}`forward <forward difference>` one",
            f"the [forward]({SITE}glossary.html#term-forward-difference) one",
        ),
        ("see [the notation](../notation.md).", f"see [the notation]({SITE}notation.html)."),
        ("see [it](../notation.md#sets).", f"see [it]({SITE}notation.html#sets)."),
        ("see {cite:t}`press2007`.", r"see Press *et al.* \[[2007](https://site.example/book/references.html#id4)\]."),
        (
            "known {cite:p}`press2007`.",
            r"known \[[Press *et al.*, 2007](https://site.example/book/references.html#id4)\].",
        ),
        ("in **{index}`floating point`**:", "in **floating point**:"),
        ("{index}`Taylor <single: Taylor series>`", "Taylor"),
        ("{math}`\\R^2`", r"$\mathbb{R}^2$"),
    ],
)
def test_roles_become_links_and_text_as_on_the_website(site, source, expected):
    assert md(source, site) == expected
    assert site.warnings == []


@pytest.mark.parametrize(
    "source, expected",
    [
        ("settles on {glue:text}`x:.6f`.", "settles on 0.877583."),
        ("out of {glue:text}`n` games", "out of 6 games"),
        ("{glue:text}`x:.1e`", "8.8e-01"),
        ("$\\varepsilon =$ {glue:md}`eps:myst`.", r"$\varepsilon =$ $2.2 \times 10^{-16}$."),
        ("{glue}`eps`", r"$2.2 \times 10^{-16}$"),
        ("{glue}`x`", "0.8775825618836229"),
    ],
)
def test_glued_values_are_formatted_as_myst_nb_does(site, source, expected):
    assert md(source, site) == expected
    assert site.warnings == []


def test_glue_md_directive_inserts_the_glued_markdown_converted(site):
    assert (
        md("Results:\n\n```{glue:md} table\n:format: myst\n```\n\nDone.", site)
        == "Results:\n\n| a | b |\n| --- | --- |\n| 6 | $\\mathbb{R}$ |\n\nDone."
    )


def test_code_spans_and_code_blocks_are_left_alone(site):
    source = "Write `` {ref}`x` `` or `$\\R$`.\n\n```python\n{ref}`m1-functions` $\\R$\n```"
    assert md(source, site) == source
    assert site.warnings == []


# --- targets, index entries, math -----------------------------------------------------------


def test_targets_and_index_entries_disappear(site):
    source = "(m1-derivative)=\n# The Derivative\n\n```{index} sum rule\n```\n\nText."
    assert md(source, site) == "# The Derivative\n\nText."


def test_a_cell_of_a_target_alone_becomes_empty(site):
    assert md("(m1-x)=\n", site) == ""


def test_macros_are_expanded_in_every_formula(site):
    source = "For $f: \\R^n \\to \\R$, $\\pd{f}{x_i}$ and\n\n$$\nA\\T \\Jac{f}(a) \\dd x\n$$"
    assert md(source, site) == (
        "For $f: \\mathbb{R}^n \\to \\mathbb{R}$, $\\frac{\\partial f}{\\partial x_i}$ and"
        "\n\n$$\nA^{\\top} J_{f}(a) \\mathrm{d} x\n$$"
    )


@pytest.mark.parametrize(
    "tex, expected",
    [
        (r"\pd{f}{x}", r"\frac{\partial f}{\partial x}"),
        (r"\pd{f(x, y)}{y}", r"\frac{\partial f(x, y)}{\partial y}"),
        (r"\pd f x", r"\frac{\partial f}{\partial x}"),
        (r"\pd{\sigma}{z}", r"\frac{\partial \sigma}{\partial z}"),
        (r"\Jac{\pd{g}{x}}", r"J_{\frac{\partial g}{\partial x}}"),
        (r"\Theta \top \text{x} \ddot{x}", r"\Theta \top \text{x} \ddot{x}"),  # longer names are other macros
        (r"a \\R", r"a \\R"),  # a line break, then the letter R
        (r"a \\ \R", r"a \\ \mathbb{R}"),
        (r"\dd x", r"\mathrm{d} x"),
    ],
)
def test_expand_macros(tex, expected):
    assert expand_macros(tex, MACROS) == expected


def test_expand_macros_refuses_a_missing_argument():
    with pytest.raises(ValueError, match="missing an argument"):
        expand_macros(r"\pd{f}", MACROS)


def test_labelled_math_directive_is_numbered_with_a_tag(site):
    source = "```{math}\n:label: eq-a\n\\begin{aligned}\na &= \\R\n\\end{aligned}\n```"
    assert md(source, site) == "$$\n\\begin{aligned}\na &= \\mathbb{R}\n\\end{aligned} \\tag{1.1}\n$$"


def test_labelled_dollar_math_is_numbered_with_a_tag(site):
    assert md("so\n\n$$\nx^2\n$$ (eq-a)\n\nthen", site) == "so\n\n$$\nx^2 \\tag{1.1}\n$$\n\nthen"


def test_a_dollar_in_a_formula_block_does_not_end_inline_math(site):
    assert md("cost $3$ and $4$", site) == "cost $3$ and $4$"


# --- directives ------------------------------------------------------------------------------


def test_definition_is_a_quoted_numbered_box_with_its_formulas_on_one_line(site):
    source = (
        "```{prf:definition} Derivative\n:label: def-a\n\nThe **{term}`secant`** of $f$\nat $x$:\n\n"
        "$$\nf'(x) = \\pd{f}{x}\n$$\n```"
    )
    assert md(source, site) == (
        "> **Definition 1.2** (Derivative)\n>\n"
        f"> The **[secant]({SITE}glossary.html#term-secant)** of $f$\n> at $x$:\n>\n"
        "> $$f'(x) = \\frac{\\partial f}{\\partial x}$$"
    )


def test_inline_formula_broken_over_lines_is_joined_inside_a_quote(site):
    source = "```{prf:theorem} Chain rule\n:label: thm-a\n\nIf $a +\nb$ then.\n```"
    assert md(source, site) == "> **Theorem 2.1** (Chain rule)\n>\n> If $a + b$ then."


def test_exercise_and_its_solution(site):
    source = (
        "```{exercise}\n:label: ex-a\n\nDo {prf:ref}`def-a`.\n```\n\n"
        "```{solution-start} ex-a\n:class: dropdown\n```\n\nExpanding,"
    )
    assert md(source, site) == (
        f"> **Exercise 1.3**\n>\n> Do [Definition 1.2]({SITE}m1/p.html#def-a).\n\n"
        "**Solution to Exercise 1.3**\n\nExpanding,"
    )


def test_solution_end_disappears(site):
    assert md("```{solution-end}\n```\n\nNext.", site) == "Next."


def test_proof_ends_with_a_box(site):
    assert md("```{prf:proof}\nSplit it.\n\n$$\na = b\n$$\n```", site) == "> *Proof.* Split it.\n>\n> $$a = b$$ ∎"


def test_table_gets_its_numbered_caption(site):
    source = ":::{table} Wins out of {glue:text}`n` games.\n:name: tab-a\n\n| a |\n| --- |\n| 1 |\n:::"
    assert md(source, site) == "*Table 2.1: Wins out of 6 games.*\n\n| a |\n| --- |\n| 1 |"


def test_admonitions_and_dropdowns(site):
    assert md("```{note}\nMind $\\R$.\n```", site) == "> **Note**\n>\n> Mind $\\mathbb{R}$."
    assert md(":::{admonition} Why?\nBecause.\n:::", site) == "> **Why?**\n>\n> Because."
    assert md("```{dropdown} More\nHidden.\n```", site) == "<details>\n<summary>More</summary>\n\nHidden.\n\n</details>"


def test_figure_is_an_image_with_its_numbered_caption(site):
    source = "```{figure} images/plot.png\n:name: fig-a\n:alt: A rising line.\n\nThe plot.\n```"
    assert md(source, site) == f"![A rising line.]({SITE}_images/plot.png)\n\n*Fig. 1.4: The plot.*"


def test_glued_figure_links_to_its_figure_on_the_website(site):
    source = "```{glue:figure} plot\n:name: fig-a\n\nThe plot.\n```"
    assert md(source, site) == f"*[Fig. 1.4: The plot.]({SITE}m1/p.html#fig-a)* (the figure is on the website)"


def test_code_cell_figure_caption_is_numbered(site):
    figure = {"caption": "secants of $\\R$ closing in", "name": "fig-a"}
    assert mm.figure_caption(figure, site) == "*Fig. 1.4: secants of $\\mathbb{R}$ closing in*"
    assert mm.figure_caption({"caption": "unnamed"}, site) == "*unnamed*"
    assert mm.figure_caption({"caption": "x", "name": "fig-nowhere"}, site) == "*x*"
    assert site.warnings == ["cannot resolve the label 'fig-nowhere'"]


def test_doc_role_links_to_the_page_with_its_title(site):
    assert md("See {doc}`../notation`.", site) == f"See [Notation]({SITE}notation.html)."


def test_nested_directives_with_longer_fences(site):
    source = "````{exercise}\n:label: ex-a\n\n```{math}\n:label: eq-a\nx\n```\n````"
    assert md(source, site) == "> **Exercise 1.3**\n>\n> $$x \\tag{1.1}$$"


# --- what cannot be converted is reported and left as it is -----------------------------------


@pytest.mark.parametrize(
    "source, warning",
    [
        ("{ref}`nowhere`", "cannot resolve {ref}`nowhere`"),
        ("{glue:text}`missing`", "nothing is glued under 'missing'"),
        ("{cite:p}`unknown2020`", "cannot resolve {cite:p}`unknown2020`"),
        ("{kbd}`Ctrl`", "no plain Markdown for the role {kbd}"),
    ],
)
def test_unknown_roles_and_labels_are_reported_and_kept(site, source, warning):
    assert md(source, site) == source
    assert len(site.warnings) == 1 and warning in site.warnings[0]


def test_unknown_directive_is_reported_and_kept(site):
    source = "```{mermaid}\ngraph TD\n```"
    assert md(source, site) == source
    assert site.warnings == ["no plain Markdown for the directive {mermaid}"]


def test_myst_syntax_pattern_finds_roles_fences_and_targets():
    found = mm.MYST_SYNTAX.findall("a {ref}`x`\n```{note}\n(lbl)=\n:::{table}\nplain `code` and ```python")
    assert len(found) == 4


# --- the book uses only what the converter knows -------------------------------------------------


def _notebook_pages() -> list[Path]:
    return [p for p in sorted((ROOT / "book").rglob("*.md")) if re.search(r"^kernelspec:", p.read_text(), re.M)]


def _outside_code_cells(text: str) -> str:
    return re.sub(r"^```\{code-cell\}.*?^```[ \t]*$", "", text, flags=re.M | re.S)


def test_every_role_the_pages_use_is_converted():
    pages = _notebook_pages()
    assert len(pages) > 20
    used = {name for p in pages for name in re.findall(r"\{([A-Za-z][\w:+-]*)\}`", _outside_code_cells(p.read_text()))}
    assert {"ref", "numref", "glue:text", "prf:ref", "term"} <= used
    assert used <= mm.KNOWN_ROLES, f"roles the Colab notebooks cannot show: {sorted(used - mm.KNOWN_ROLES)}"


def test_every_directive_the_pages_use_is_converted():
    used = {
        name
        for p in _notebook_pages()
        for name in re.findall(r"^[ \t]*(?:`{3,}|:{3,})\{([A-Za-z][\w:+-]*)\}", p.read_text(), re.M)
    }
    used.discard("code-cell")  # a code cell, not Markdown
    assert {"exercise", "solution-start", "prf:theorem", "math", "table"} <= used
    unknown = sorted(used - mm.KNOWN_DIRECTIVES)
    assert not unknown, f"directives the Colab notebooks cannot show: {unknown}"


def test_macros_are_read_from_the_mathjax_config():
    import yaml

    config = yaml.safe_load((ROOT / "_config.yml").read_text())["sphinx"]["config"]["mathjax3_config"]
    macros = mm.macros_from_mathjax(config)
    assert macros["pd"] == ("\\frac{\\partial #1}{\\partial #2}", 2)
    assert macros["R"] == ("\\mathbb{R}", 0)
    with pytest.raises(ValueError, match="unsupported MathJax macro"):
        mm.macros_from_mathjax({"tex": {"macros": {"bad": [1, 2, 3]}}})
