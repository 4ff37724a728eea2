"""The book's MyST Markdown as plain Jupyter Markdown, for the Colab notebooks.

Colab (like JupyterLab, VS Code and GitHub) renders CommonMark with ``$...$`` and
``$$...$$`` math, not MyST. ``convert(source, resolver)`` rewrites one Markdown cell of
a page so that it reads like the website:

* cross-references (``{ref}``, ``{numref}``, ``{eq}``, ``{prf:ref}``, ``{term}``,
  ``{doc}`` and links to ``.md`` pages) become links to the rendered page on the website,
  with the text the website shows ("Fig. 1.4", "(1.1)", "Definition 1.3", a section title);
  citations (``{cite:p}``, ``{cite:t}``) become the website's author-year text;
* glued values (``{glue:text}``, ``{glue:md}``, ``{glue}`` and the ``{glue:md}``
  directive) become the value, formatted as on the page;
* exercises, solutions, theorems, definitions, examples and proofs become a bold title line
  ("**Exercise 1.3**", "**Theorem 2.1** (Chain rule)") and their body, in a blockquote
  (display math on one line there, so that the quote marks stay out of the formula);
  admonitions become a quoted bold title, dropdowns a ``<details>`` block, tables and
  figures get their numbered caption in italics (``figure_caption`` writes the caption of a
  code cell's figure, which Jupyter does not show);
* labelled equations (``{math}`` with ``:label:``, ``$$ ... $$ (label)``) become ``$$``
  blocks numbered with ``\\tag`` as on the website; index entries, ``(label)=`` targets
  and the bibliography disappear;
* the book's TeX macros (``\\R``, ``\\pd{f}{x}``... from ``mathjax3_config``) are expanded
  in every formula: a Markdown renderer only knows standard TeX, and a ``\\newcommand`` cell
  would only help renderers that share macros between cells (MathJax does, KaTeX does not).

The ``resolver`` knows the website; the build passes one that reads Sphinx's environment
(``publish_notebooks.SiteResolver``), the tests a small fake. It provides

* ``link(role, target) -> (text, url) | None``: a cross-reference, as the website shows it;
* ``cite(role, keys) -> str | None``: the Markdown of a citation;
* ``glue(key) -> dict | None``: the MIME bundle glued under ``key`` on this page;
* ``image(path) -> str | None``: the address of a figure's image (optional);
* ``warn(message)``: report what cannot be converted (the build makes it an error);
* ``macros``: ``{name: (body, number of arguments)}`` (optional).

Anything the converter does not know is left as it is and reported with ``warn``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Protocol

__all__ = [
    "convert",
    "figure_caption",
    "expand_macros",
    "format_glue_text",
    "Resolver",
    "KNOWN_ROLES",
    "KNOWN_DIRECTIVES",
    "MYST_SYNTAX",
]


class Resolver(Protocol):
    def link(self, role: str, target: str) -> tuple[str, str] | None: ...
    def cite(self, role: str, keys: str) -> str | None: ...
    def glue(self, key: str) -> Mapping[str, str] | None: ...
    def warn(self, message: str) -> None: ...


LINK_ROLES = {"ref", "numref", "eq", "prf:ref", "term", "doc"}
CITE_ROLES = {"cite", "cite:p", "cite:t", "cite:ps", "cite:ts", "cite:alp", "cite:yearpar"}
GLUE_ROLES = {"glue", "glue:", "glue:any", "glue:text", "glue:md"}
KNOWN_ROLES = LINK_ROLES | CITE_ROLES | GLUE_ROLES | {"index", "math"}

ADMONITIONS = {
    "note",
    "tip",
    "hint",
    "important",
    "warning",
    "caution",
    "attention",
    "danger",
    "error",
    "seealso",
    "admonition",
}
PROOF_KINDS = {
    "algorithm",
    "axiom",
    "conjecture",
    "corollary",
    "criterion",
    "definition",
    "example",
    "lemma",
    "observation",
    "property",
    "proposition",
    "remark",
    "theorem",
    "assumption",
}
KNOWN_DIRECTIVES = (
    {
        "exercise",
        "solution",
        "solution-start",
        "solution-end",
        "prf:proof",
        "math",
        "index",
        "bibliography",
        "table",
        "figure",
        "glue:md",
        "glue:figure",
        "dropdown",
        "question",
        "worked-solution",
        "question-progress",
    }
    | ADMONITIONS
    | {f"prf:{kind}" for kind in PROOF_KINDS}
)

#: Where a question's answer starts: ``publish_notebooks`` puts what follows in a collapsed cell of its own.
ANSWER_CELL = "<!-- mvcalc: answer cell -->"
QUESTION_MIME = "application/vnd.mvcalc.question+json"  # mvcalc.quiz.MIME_TYPE
_TYPE_WHAT = {"formula": "a formula", "numeric": "a number", "matrix": "a vector or matrix in square brackets"}

#: MyST syntax that must not survive in a published cell: a role, a directive fence, a target.
MYST_SYNTAX = re.compile(
    r"\{[A-Za-z][\w:+-]*\}`|^[ \t]*(?:`{3,}|~{3,}|:{3,})[ \t]*\{|^\([^)\s]+\)=[ \t]*$", re.MULTILINE
)

_FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,}|:{3,})(?P<info>.*)$")
_DIRECTIVE = re.compile(r"^\s*\{(?P<name>[A-Za-z][\w:+-]*)\}\s*(?P<argument>.*?)\s*$")
_OPTION = re.compile(r"^:(?P<key>[\w-]+):\s*(?P<value>.*?)\s*$")
_TARGET = re.compile(r"^[ \t]*\((?P<label>[^)\s]+)\)=[ \t]*$")
_INLINE = re.compile(
    r"(?P<role>\{(?P<name>[A-Za-z][\w:+-]*)\}`(?P<content>[^`]*)`)"
    r"|(?P<code>(?P<ticks>`+)(?:(?!(?P=ticks)).|\n)+?(?P=ticks)(?!`))"
    r"|(?P<dmath>\$\$(?P<dtex>(?:[^$\\]|\\[\s\S])+?)\$\$(?:[ \t]*\((?P<eqlabel>[^()\s]+)\)[ \t]*(?=\n|$))?)"
    r"|(?P<imath>(?<![\\$])\$(?=[^\s$])(?P<itex>(?:[^$\\\n]|\\[\s\S]|\n(?![ \t]*\n))+?)(?<![\s\\])\$(?!\$))"
    r"|(?P<mdlink>\]\((?P<href>(?![a-z][\w+.-]*:|#)[^)\s]+?\.md(?:#[^)\s]*)?)\))"
)
_EXPLICIT = re.compile(r"^(?P<text>.*?)\s*<(?P<target>[^<>]+)>$", re.DOTALL)


# --- math ------------------------------------------------------------------------------


def _argument(tex: str, i: int) -> tuple[str, int]:
    """One macro argument of ``tex`` at ``i``: a braced group (without its braces) or one token."""
    while i < len(tex) and tex[i] in " \t\n":
        i += 1
    if i >= len(tex):
        raise ValueError("a macro is missing an argument")
    if tex[i] == "{":
        depth, j = 0, i
        while j < len(tex):
            if tex[j] == "\\":
                j += 2
                continue
            depth += {"{": 1, "}": -1}.get(tex[j], 0)
            if depth == 0:
                return tex[i + 1 : j], j + 1
            j += 1
        raise ValueError("unbalanced braces in a macro argument")
    if tex[i] == "\\":
        m = re.compile(r"\\(?:[A-Za-z]+|.)").match(tex, i)
        return m.group(), m.end()
    return tex[i], i + 1


def expand_macros(tex: str, macros: Mapping[str, tuple[str, int]]) -> str:
    """``tex`` with the ``macros`` (``{name: (body, number of arguments)}``) expanded, as MathJax does.

    >>> expand_macros(r"\\pd{f}{x} \\in \\R, A\\T", {"pd": (r"\\frac{\\partial #1}{\\partial #2}", 2),
    ...                                            "R": (r"\\mathbb{R}", 0), "T": (r"^{\\top}", 0)})
    '\\\\frac{\\\\partial f}{\\\\partial x} \\\\in \\\\mathbb{R}, A^{\\\\top}'
    """
    if not macros:
        return tex
    token = re.compile(r"\\(?:(?P<name>[A-Za-z]+)|[\s\S])")
    for _ in range(20):  # macros may use macros; 20 levels is far more than the book's one
        out, pos, changed = [], 0, False
        for m in token.finditer(tex):
            if m.start() < pos:
                continue
            name = m.group("name")
            if name not in macros:
                continue
            body, count = macros[name]
            end = m.end()
            args = []
            for _n in range(count):
                arg, end = _argument(tex, end)
                args.append(arg)
            for n, arg in enumerate(args, start=1):
                body = body.replace(f"#{n}", arg)
            if count == 0 and end < len(tex) and tex[end].isalpha() and body[-1:].isalpha():
                body += " "  # \R x stays two tokens
            out.append(tex[pos : m.start()] + body)
            pos, changed = end, True
        tex = "".join(out) + tex[pos:]
        if not changed:
            return tex
    raise ValueError("macro expansion does not end (a macro that uses itself?)")


def _flat(tex: str) -> str:
    """A formula on one line (TeX reads a line break as a space, unless after a % comment)."""
    if re.search(r"(?<!\\)%", tex):
        return tex
    return " ".join(line.strip() for line in tex.strip().splitlines() if line.strip())


# --- glue --------------------------------------------------------------------------------


def format_glue_text(plain: str, spec: str) -> str:
    """A glued ``text/plain`` value formatted by ``{glue:text}`key:spec```, as myst-nb does it."""
    from myst_nb.core.variables import format_plain_text

    return format_plain_text(plain, spec)


# --- the converter -------------------------------------------------------------------------


class _Converter:
    def __init__(self, resolver):
        self.resolver = resolver
        self.macros = getattr(resolver, "macros", None) or {}

    def warn(self, message: str) -> None:
        self.resolver.warn(message)

    # inline ---------------------------------------------------------------------------------
    def inline(self, text: str, flat_math: bool = False) -> str:
        def replace(m: re.Match) -> str:
            if m.group("role"):
                return self.role(m.group("name"), m.group("content"), m.group(0))
            if m.group("code"):
                return m.group(0)
            if m.group("dmath"):
                tex = self.tex(m.group("dtex"))
                if m.group("eqlabel"):
                    return self.equation(tex, m.group("eqlabel"), flat_math)
                return f"$${_flat(tex) if flat_math else tex}$$"
            if m.group("imath"):
                tex = self.tex(m.group("itex"))
                return f"${_flat(tex) if flat_math else tex}$"
            href = m.group("href")
            page, _, anchor = href.partition("#")
            found = self.resolver.link("doc", page.removesuffix(".md"))
            if found is None:
                self.warn(f"cannot resolve the link to {href!r}")
                return m.group(0)
            return f"]({found[1]}{'#' + anchor if anchor else ''})"

        return _INLINE.sub(replace, text)

    def tex(self, tex: str) -> str:
        try:
            return expand_macros(tex, self.macros)
        except ValueError as exc:
            self.warn(f"{exc} in ${tex}$")
            return tex

    def equation(self, tex: str, label: str, flat_math: bool) -> str:
        found = self.resolver.link("eq", label)
        if found is None:
            self.warn(f"cannot resolve the equation label {label!r}")
            return f"$$\n{tex.strip()}\n$$"
        tag = found[0].strip().removeprefix("(").removesuffix(")")
        body = f"{tex.strip()} \\tag{{{tag}}}"
        return f"$${_flat(body)}$$" if flat_math else f"$$\n{body}\n$$"

    def role(self, name: str, content: str, raw: str) -> str:
        if name in LINK_ROLES:
            explicit = _EXPLICIT.match(content) if name != "eq" else None
            text, target = (explicit["text"], explicit["target"]) if explicit else (None, content)
            found = self.resolver.link(name, target.strip())
            if found is None:
                self.warn(f"cannot resolve {raw}")
                return raw
            label = text if text is not None else found[0]
            label = label.replace("[", r"\[").replace("]", r"\]")
            return f"[{self.inline(label)}]({found[1]})"
        if name in CITE_ROLES:
            found = self.resolver.cite(name, content)
            if found is None:
                self.warn(f"cannot resolve {raw}")
                return raw
            return found
        if name in GLUE_ROLES:
            return self.glue_role(name, content, raw)
        if name == "index":
            explicit = _EXPLICIT.match(content)
            return explicit["text"] if explicit else content
        if name == "math":
            return f"${self.tex(content)}$"
        self.warn(f"no plain Markdown for the role {{{name}}} in {raw}")
        return raw

    def glue_role(self, name: str, content: str, raw: str) -> str:
        key, spec = content, ""
        if name in {"glue:text", "glue:md"} and ":" in content:
            key, spec = content.rsplit(":", 1)
        bundle = self.resolver.glue(key)
        if bundle is None:
            self.warn(f"nothing is glued under {key!r} ({raw})")
            return raw
        if name == "glue:text":
            if "text/plain" not in bundle:
                self.warn(f"no text/plain glued under {key!r} ({raw})")
                return raw
            return format_glue_text(bundle["text/plain"], spec or "s")
        if name == "glue:md" or "text/markdown" in bundle:
            if "text/markdown" not in bundle:
                self.warn(f"no text/markdown glued under {key!r} ({raw})")
                return raw
            return self.inline(_text(bundle["text/markdown"]).strip())
        for mime in ("text/latex", "text/plain"):
            if mime in bundle:
                return self.inline(_text(bundle[mime]).strip())
        self.warn(f"no text glued under {key!r} ({raw})")
        return raw

    # blocks ---------------------------------------------------------------------------------
    def convert(self, source: str) -> str:
        lines = source.split("\n")
        out: list[str] = []
        plain: list[str] = []

        def flush():
            if plain:
                out.append(self.inline("\n".join(plain)))
                plain.clear()

        i = 0
        while i < len(lines):
            line = lines[i]
            fence = _FENCE.match(line)
            if fence:
                char, length = fence["fence"][0], len(fence["fence"])
                closing = re.compile(rf"^[ \t]*{re.escape(char)}{{{length},}}[ \t]*$")
                end = next((j for j in range(i + 1, len(lines)) if closing.match(lines[j])), len(lines))
                body = lines[i + 1 : end]
                directive = _DIRECTIVE.match(fence["info"])
                if directive is None and char == ":":
                    plain.append(line)  # ::: without a directive is text
                    i += 1
                    continue
                flush()
                block = "\n".join(lines[i : end + 1])
                if directive is None:
                    out.append(block)  # a code block: as it is
                else:
                    indent = fence["indent"]
                    body = [b[len(indent) :] if b.startswith(indent) else b.lstrip() for b in body]
                    result = self.directive(directive["name"], directive["argument"], body, block)
                    out.append("\n".join(indent + r if r else r for r in result.split("\n")))
                i = end + 1
                continue
            if _TARGET.match(line):
                i += 1
                continue
            plain.append(line)
            i += 1
        flush()
        text = "\n\n".join(part.strip("\n") for part in out if part.strip())
        return re.sub(r"\n[ \t]*\n(?:[ \t]*\n)+", "\n\n", text).strip()

    def directive(self, name: str, argument: str, lines: list[str], raw: str) -> str:
        options: dict[str, str] = {}
        if lines and lines[0].strip() == "---":
            import yaml

            end = next((j for j in range(1, len(lines)) if lines[j].strip() == "---"), None)
            if end is not None:
                options = {str(k): str(v) for k, v in (yaml.safe_load("\n".join(lines[1:end])) or {}).items()}
                lines = lines[end + 1 :]
        else:
            while lines and _OPTION.match(lines[0]):
                m = _OPTION.match(lines[0])
                options[m["key"]] = m["value"]
                lines = lines[1:]
        content = "\n".join(lines).strip("\n")

        if name == "exercise":
            title = self.number("ref", options.get("label"), "Exercise")
            return self.boxed(title, argument, content)
        if name.startswith("prf:") and name[4:] in PROOF_KINDS:
            title = self.number("prf:ref", options.get("label"), name[4:].title())
            return self.boxed(title, argument, content)
        if name == "prf:proof":
            return self.quote(f"*Proof.* {self.convert(content)}".rstrip() + " ∎" if content.strip() else "*Proof.* ∎")
        if name in {"solution", "solution-start"}:
            exercise = self.number("ref", argument, "the exercise") if argument else "the exercise"
            heading = f"**Solution to {exercise}**"
            return heading + ("\n\n" + self.convert(content) if content.strip() else "")
        if name in {"solution-end", "index", "bibliography"}:
            return ""
        if name == "math":
            tex = self.tex(content)
            if "label" in options:
                return self.equation(tex, options["label"], flat_math=False)
            return f"$$\n{tex.strip()}\n$$"
        if name == "table":
            number = self.number("numref", options.get("name"), "Table")
            caption = f"{number}: {argument}" if argument else number
            return f"*{self.inline(caption)}*\n\n{self.convert(content)}"
        if name == "figure":
            return self.figure(argument, options, content)
        if name == "glue:md":
            bundle = self.resolver.glue(argument)
            if bundle is None or "text/markdown" not in bundle:
                self.warn(f"no text/markdown glued under {argument!r}")
                return raw
            return self.convert(_text(bundle["text/markdown"]))
        if name == "glue:figure":
            return self.glue_figure(argument, options, content)
        if name in ADMONITIONS:
            title = argument if name == "admonition" else name.title()
            if name == "seealso":
                title = "See also"
            return self.boxed(title, "", content)
        if name == "question":
            return self.question(argument, options, content)
        if name == "question-progress":
            return "*On the website this page shows your progress through the module's questions.*"
        if name == "dropdown":
            summary = self.inline(argument) if argument else "Details"
            return f"<details>\n<summary>{summary}</summary>\n\n{self.convert(content)}\n\n</details>"
        self.warn(f"no plain Markdown for the directive {{{name}}}")
        return raw

    def question(self, key: str, options: dict[str, str], content: str) -> str:
        """A question as text, and its answer (with hints and solution) after ANSWER_CELL, collapsed."""
        bundle = self.resolver.glue(key)
        spec = (bundle or {}).get(QUESTION_MIME)
        if not isinstance(spec, dict):
            self.warn(f"no mvcalc.quiz question glued under {key!r}")
            return ""
        count = getattr(self.resolver, "question_count", 0) + 1
        self.resolver.question_count = count
        kind, variant = spec["kind"], spec["variants"][0]
        body, hints, solution = self._question_parts(content)
        title = f"**Question {count}**" + (f": {self.inline(options['title'])}" if options.get("title") else "")
        parts = [title]
        if body:
            parts.append(self.convert(body))
        if variant.get("stem"):
            parts.append(self.convert(variant["stem"]))
        if kind == "choice":
            letters = [chr(ord("A") + i) for i in range(len(variant["options"]))]
            lines = []
            for letter, option in zip(letters, variant["options"]):
                text = self.inline(option["text"]) if option["text"] else ""
                if option.get("alt"):
                    text = (text + " " if text else "") + f"(a figure: {self.inline(option['alt'])})"
                lines.append(f"{letter}. {text}")
            parts.append("\n".join(lines))
            parts.append("*" + ("Select all that apply." if variant["multiple"] else "Choose one.") + "*")
        else:
            units = f" in {variant['units']}" if variant.get("units") else ""
            parts.append(f"*Answer with {_TYPE_WHAT[kind]}{units}. On the website the page checks your answer.*")
        answer = []
        for k, hint in enumerate(variant.get("hints", []) + hints, start=1):
            answer.append(f"*Hint {k}.* {self.convert(hint)}")
        if kind in ("formula", "matrix"):
            answer.append(f"The answer: ${self.tex(variant['tex'])}$, typed as `{variant['answer']}`.")
        elif kind == "numeric":
            units = f" {variant['units']}" if variant.get("units") else ""
            answer.append(f"The answer: ${self.tex(variant['tex'])}$ = {variant['value']:.6g}{units}.")
        else:
            right = [chr(ord("A") + i) for i, o in enumerate(variant["options"]) if o["correct"]]
            answer.append(f"The answer: {', '.join(right)}.")
            for letter, option in zip(letters, variant["options"]):
                if option.get("feedback"):
                    answer.append(f"{letter}: {self.convert(option['feedback'])}")
        for text in [variant.get("solution")] + solution:
            if text:
                answer.append(self.convert(text))
        details = "<details>\n<summary>Answer</summary>\n\n" + "\n\n".join(answer) + "\n\n</details>"
        return self.quote("\n\n".join(parts)) + "\n\n" + ANSWER_CELL + "\n\n" + details

    @staticmethod
    def _question_parts(content: str) -> tuple[str, list[str], list[str]]:
        """A question block's own text, and the bodies of its {hint} and {worked-solution} blocks."""
        hints, solutions, keep = [], [], []
        lines = content.split("\n")
        i = 0
        while i < len(lines):
            fence = _FENCE.match(lines[i])
            directive = _DIRECTIVE.match(fence["info"]) if fence else None
            if directive and directive["name"] in ("hint", "worked-solution"):
                char, length = fence["fence"][0], len(fence["fence"])
                closing = re.compile(rf"^[ \t]*{re.escape(char)}{{{length},}}[ \t]*$")
                end = next((j for j in range(i + 1, len(lines)) if closing.match(lines[j])), len(lines))
                text = "\n".join(lines[i + 1 : end]).strip("\n")
                (hints if directive["name"] == "hint" else solutions).append(text)
                i = end + 1
                continue
            keep.append(lines[i])
            i += 1
        return "\n".join(keep).strip("\n"), hints, solutions

    def number(self, role: str, label: str | None, fallback: str) -> str:
        """The website's name of a numbered thing ("Exercise 1.3"), or ``fallback`` without a label."""
        if not label:
            return fallback
        found = self.resolver.link(role, label)
        if found is None:
            self.warn(f"cannot resolve the label {label!r}")
            return fallback
        return found[0]

    def boxed(self, title: str, subtitle: str, content: str) -> str:
        heading = f"**{title}**" + (f" ({self.inline(subtitle)})" if subtitle else "")
        body = self.convert(content)
        return self.quote(heading + ("\n\n" + body if body else ""))

    def quote(self, markdown: str) -> str:
        """A blockquote, with every formula on one line so that no ``>`` lands inside one."""

        def one_line(m: re.Match) -> str:
            if m.group("d"):
                return f"$${_flat(m.group('dt'))}$$"
            if m.group("i"):
                return f"${_flat(m.group('it'))}$"
            return m.group(0)  # code: as it is

        flat = _MATH_ONLY.sub(one_line, markdown)
        return "\n".join(f"> {line}" if line.strip() else ">" for line in flat.split("\n"))

    def figure(self, path: str, options: dict[str, str], content: str) -> str:
        image = getattr(self.resolver, "image", lambda _p: None)(path)
        if image is None:
            self.warn(f"cannot find the image {path!r}")
            image = path
        alt = options.get("alt", "").replace("]", r"\]").replace("[", r"\[")
        caption = self.convert(content)
        if "name" in options:
            number = self.number("numref", options["name"], "Figure")
            caption = f"{number}: {caption}" if caption else number
        return f"![{alt}]({image})" + (f"\n\n*{caption}*" if caption else "")

    def glue_figure(self, key: str, options: dict[str, str], content: str) -> str:
        caption = self.convert(content)
        found = self.resolver.link("numref", options["name"]) if "name" in options else None
        if found is None:
            found = self.resolver.link("doc", "")  # the page itself
        if found is None:
            self.warn(f"cannot place the glued figure {key!r}")
            return f"*{caption}*" if caption else ""
        text = f"{found[0]}: {caption}" if caption else found[0]
        return f"*[{text}]({found[1]})* (the figure is on the website)"


_MATH_ONLY = re.compile(
    r"(?P<c>(?P<ticks>`+)(?:(?!(?P=ticks)).|\n)+?(?P=ticks)(?!`))"
    r"|(?P<d>\$\$(?P<dt>(?:[^$\\]|\\[\s\S])+?)\$\$)"
    r"|(?P<i>(?<![\\$])\$(?=[^\s$])(?P<it>(?:[^$\\\n]|\\[\s\S]|\n(?![ \t]*\n))+?)(?<![\s\\])\$(?!\$))"
)


def _text(value) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def figure_caption(figure: Mapping, resolver: Resolver) -> str:
    """The caption of a code cell's figure (``mystnb: figure:`` metadata), numbered as on the website.

    Jupyter shows a figure output without its caption; the notebook puts this under it.
    """
    converter = _Converter(resolver)
    caption = converter.inline(str(figure.get("caption", "")).strip())
    name = figure.get("name")
    number = converter.number("numref", name, "") if name else ""
    text = f"{number}: {caption}" if number and caption else number or caption
    return f"*{text}*" if text else ""


def convert(source: str, resolver: Resolver) -> str:
    """The Markdown cell ``source`` (MyST) as plain Jupyter Markdown; see the module's docstring."""
    return _Converter(resolver).convert(source)


def macros_from_mathjax(config: Mapping) -> dict[str, tuple[str, int]]:
    """``{name: (body, arguments)}`` from a ``mathjax3_config`` (``tex: macros:``)."""
    found = ((config or {}).get("tex") or {}).get("macros") or {}
    result = {}
    for name, value in found.items():
        if isinstance(value, str):
            result[name] = (value, 0)
        elif isinstance(value, (list, tuple)) and len(value) == 2 and isinstance(value[1], int):
            result[name] = (str(value[0]), value[1])
        else:
            raise ValueError(f"unsupported MathJax macro {name!r}: {value!r}")
    return result
