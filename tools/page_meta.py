"""A ``<meta name="description">`` on every page of the book.

Search engines show a page's description under its title; Lighthouse's SEO audit
asks for one. The description of a page is, in this order:

1. ``description:`` in the page's front matter, when the automatic one would not do;
2. the first sentences of its ``## Overview`` section (every chapter page has one);
3. the first sentences of the text under its title (module index and summary pages,
   the front and back matter).

Sentences are taken while the total stays within 160 characters, the length search
engines show; if they are short, the next sentence is added, cut at a word and ending
with "…". A parenthesis that holds only a cross-reference ("(Theorem 2.2)") is dropped:
it means nothing on a search results page. Inline math is written in plain text (``$\\chi^2$`` becomes "χ²"); math this cannot
spell out, or a page with no text to take, is a warning (an error in the book's
``-W`` build) that asks for a ``description:`` in the front matter.
"""

from __future__ import annotations

import html
import re

from docutils import nodes
from sphinx.util import logging

logger = logging.getLogger(__name__)

MAX_LENGTH = 160

GREEK = (
    "alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa lambda mu nu xi "
    "pi rho sigma tau upsilon phi varphi chi psi omega Gamma Delta Theta Lambda Xi Pi Sigma "
    "Upsilon Phi Psi Omega"
).split()
GREEK_LETTERS = "αβγδεεζηθϑικλμνξπρστυφφχψωΓΔΘΛΞΠΣΥΦΨΩ"
SYMBOLS = {
    **dict(zip(GREEK, GREEK_LETTERS)),
    "R": "ℝ",
    "top": "ᵀ",
    "T": "ᵀ",
    "nabla": "∇",
    "partial": "∂",
    "to": "→",
    "rightarrow": "→",
    "le": "≤",
    "leq": "≤",
    "ge": "≥",
    "geq": "≥",
    "ne": "≠",
    "neq": "≠",
    "approx": "≈",
    "times": "×",
    "cdot": "·",
    "infty": "∞",
    "pm": "±",
    "in": "∈",
    "ldots": "…",
    "dots": "…",
    "sin": "sin",
    "cos": "cos",
    "tan": "tan",
    "exp": "exp",
    "log": "log",
    "ln": "ln",
    "tanh": "tanh",
    "max": "max",
    "min": "min",
    "dd": "d",
    "quad": " ",
    "qquad": " ",
}
SUPERSCRIPT = str.maketrans("0123456789+-niTx", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻ⁿⁱᵀˣ")
SUBSCRIPT = str.maketrans("0123456789+-ijknx", "₀₁₂₃₄₅₆₇₈₉₊₋ᵢⱼₖₙₓ")
REF_START, REF_END = "\x02", "\x03"
FILL = 100  # below this length, the next sentence is added, cut at a word
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9(\"'“*])")


FUNCTIONS = {"sin", "cos", "tan", "exp", "log", "ln", "tanh", "max", "min"}
RELATIONS = {"to", "rightarrow", "le", "leq", "ge", "geq", "ne", "neq", "approx", "times", "cdot", "pm", "in"}


def _symbol(match: re.Match) -> str:
    name = match.group(1)
    if name not in SYMBOLS:
        return match.group(0)
    if name in RELATIONS:
        return f" {SYMBOLS[name]} "
    following = match.string[match.end() : match.end() + 1]
    return SYMBOLS[name] + (" " if name in FUNCTIONS and (following.isalnum() or following == "\\") else "")


def plain_math(tex: str) -> str | None:
    """Inline TeX as plain Unicode text, or None if it uses what this cannot spell out."""
    text = re.sub(r"\\mathbb\{R\}", "ℝ", tex)
    text = re.sub(r"\\(?:mathrm|mathit|text|operatorname)\{([^{}]*)\}", r"\1", text)
    text = re.sub(r"\\(?:left|right|big|Big)\b", "", text)
    text = re.sub(r"\\[,;:! ]", " ", text)
    text = re.sub(r"\\([A-Za-z]+)\s*", _symbol, text)

    def sup(match):
        body = match.group(1) if match.group(1) is not None else match.group(2)
        out = body.translate(SUPERSCRIPT)
        return out if all(ord(c) > 127 for c in out) else "^" + body

    def sub(match):
        body = match.group(1) if match.group(1) is not None else match.group(2)
        out = body.translate(SUBSCRIPT)
        return out if all(ord(c) > 127 for c in out) else "_" + body

    text = re.sub(r"\^\{([^{}]*)\}|\^(\S)", sup, text)
    text = re.sub(r"_\{([^{}]*)\}|_(\S)", sub, text)
    text = text.replace("{", "").replace("}", "")
    text = re.sub(r"\s+", " ", text).strip()
    return None if "\\" in text else text


def text_of(node: nodes.Node, problems: list[str]) -> str:
    """The text a reader sees in ``node``, with inline math in plain text."""
    if isinstance(node, nodes.math):
        plain = plain_math(node.astext())
        if plain is None:
            problems.append(node.astext())
            return node.astext()
        return plain
    if isinstance(node, (nodes.footnote_reference, nodes.raw, nodes.comment, nodes.system_message, nodes.image)):
        return ""
    if isinstance(node, nodes.Text):
        return str(node)
    text = "".join(text_of(child, problems) for child in node.children)
    if isinstance(node, nodes.reference):
        return REF_START + text + REF_END  # marked, for dropping "(see <reference>)"
    return text


def clean(text: str) -> str:
    """Drop parentheses that hold only a cross-reference, which mean nothing out of the page."""
    text = re.sub(rf"\s*\((?:see )?{REF_START}[^{REF_END}]*{REF_END}\)", "", text)
    text = text.replace(REF_START, "").replace(REF_END, "")
    return re.sub(r"\s+", " ", text).strip()


def first_sentences(text: str, limit: int = MAX_LENGTH) -> str:
    """The leading sentences of ``text`` that fit in ``limit`` characters.

    If they make fewer than FILL characters (or the first sentence alone is too long),
    the next sentence is added, cut at a word so that the whole fits, and ends with "…".
    """
    text = re.sub(r"\s+", " ", text).strip()
    kept = ""
    for sentence in SENTENCE_END.split(text):
        candidate = f"{kept} {sentence}".strip()
        if len(candidate) <= limit:
            kept = candidate
            continue
        if len(kept) < FILL:
            kept = candidate[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:—–-") + "…"
        break
    return kept


def _lead_paragraph(doctree: nodes.document) -> tuple[nodes.paragraph | None, str]:
    """The first paragraph of the Overview section, else the first one under the title."""
    top = next(iter(doctree.findall(nodes.section)), None)
    if top is None:
        return None, ""
    for section in top.children:
        if isinstance(section, nodes.section) and section[0].astext().strip().lower() == "overview":
            paragraph = next(iter(section.findall(nodes.paragraph)), None)
            if paragraph is not None:
                return paragraph, "Overview"
    for child in top.children:
        if isinstance(child, nodes.section):
            break
        if isinstance(child, nodes.paragraph):
            return child, "the text under the title"
    return None, ""


def page_description(app, pagename: str, doctree: nodes.document) -> str | None:
    """The description of a page (see the module's docstring); None, with a warning, if it has none."""
    given = app.env.metadata.get(pagename, {}).get("description")
    if given:
        text = re.sub(r"\s+", " ", str(given)).strip()
        if len(text) > MAX_LENGTH:
            logger.warning(
                f"the front-matter description is {len(text)} characters, more than {MAX_LENGTH}",
                location=pagename,
                type="page_meta",
                subtype="description",
            )
        return text
    paragraph, where = _lead_paragraph(doctree)
    if paragraph is None:
        logger.warning(
            "no description for the page: it has no Overview and no text under its title; "
            "add `description:` to its front matter",
            location=pagename,
            type="page_meta",
            subtype="description",
        )
        return None
    problems: list[str] = []
    description = first_sentences(clean(text_of(paragraph, problems)))
    problems = [tex for tex in problems if tex in description]  # math in the sentences kept
    if problems:
        logger.warning(
            f"the description taken from {where} has math that plain text cannot spell out "
            f"({', '.join(problems)}); add `description:` to the page's front matter",
            location=pagename,
            type="page_meta",
            subtype="description",
        )
    return description


def add_description(app, pagename, templatename, context, doctree) -> None:
    if doctree is None or pagename not in app.env.found_docs:
        return  # generated pages (search, genindex) are not in the book's table of contents
    metatags = context.get("metatags", "")
    if 'name="description"' in metatags:
        return  # the page set one itself (myst's html_meta)
    description = page_description(app, pagename, doctree)
    if description:
        context["metatags"] = metatags + f'\n    <meta name="description" content="{html.escape(description)}" />'


def setup(app):
    app.connect("html-page-context", add_description)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
