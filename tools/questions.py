"""Questions the reader answers in the page, checked in the browser (Sphinx extension).

A page computes a question with :mod:`mvcalc.quiz` in a code cell, glues it under a name, and
shows it with a ``{question}`` block that names it::

    ::::{question} q_m1_rules_product
    Differentiate $f(x) = x^2 \\sin x$.

    :::{hint}
    Use the product rule.
    :::

    :::{worked-solution}
    $f'(x) = 2x \\sin x + x^2 \\cos x$.
    :::
    ::::

The block becomes a small form: the reader types a formula, a number, a vector or a matrix, or
ticks options, and ``_static/questions/check.js`` (with mathjs) checks it in the browser, with
no kernel and no server. Hints open one at a time; the worked solution opens last; a question with
variants has a "new numbers" button. The page remembers in ``localStorage`` which questions the
reader got right, and a ``{question-progress}`` block (on each module's summary page) shows the
reader's progress through the module's questions, with a reset button.

The build checks every question with the same ``check.js`` in Node.js: each question's own answer
must be accepted and every common wrong answer listed in the page's code rejected and recognised
(``tools/questions/selfcheck.js``); a failure stops the build. In the single-page build behind the
PDF a question prints as text, and the answers go to a key at the end of the page.
"""

from __future__ import annotations

import base64
import json
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from docutils import nodes
from docutils.parsers.rst import directives
from docutils.statemachine import StringList
from sphinx import addnodes
from sphinx.errors import ExtensionError
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

logger = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
ASSETS = HERE / "questions"
NODE_MODULES = HERE / "mathjax" / "node_modules"
STATIC = "_static/questions"  # under the output directory
MIME = "application/vnd.mvcalc.question+json"  # mvcalc.quiz.MIME_TYPE
IMAGES_KEY = "mvcalc-quiz-images"
# Fields of a variant that are MyST text for the page, not data for the checker.
TEXT_FIELDS = ("stem", "solution", "hints", "feedback", "text", "tex", "alt", "figure_alt")


class question(nodes.container):
    """One question; its attributes carry the key, the kind and the checker's data."""


class question_progress(nodes.General, nodes.Element):
    """Placeholder for the progress through a module's questions, filled in once all pages are read."""


def _parse(directive: SphinxDirective, text: str, container: nodes.Element) -> nodes.Element:
    directive.state.nested_parse(
        StringList(text.splitlines(), source=directive.get_source_info()[0]), directive.content_offset, container
    )
    return container


def _inline(directive: SphinxDirective, text: str) -> list[nodes.Node]:
    """MyST text as inline nodes (for an option's label): one paragraph's children."""
    holder = _parse(directive, text, nodes.container())
    if len(holder.children) == 1 and isinstance(holder[0], nodes.paragraph):
        return list(holder[0].children)
    return list(holder.children)


def _raw(html: str) -> nodes.raw:
    return nodes.raw("", html, format="html")


def _json(data) -> str:
    """JSON that is safe inside a <script> element."""
    return json.dumps(data).replace("</", "<\\/")


def _div(*classes: str) -> nodes.container:
    return nodes.container(classes=list(classes))


def _checker_data(spec: dict) -> list[dict]:
    """The variants as the checker needs them: numbers and flags, without the page's text."""

    def strip(value):
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items() if k not in TEXT_FIELDS}
        if isinstance(value, list):
            return [strip(v) for v in value]
        return value

    return [strip(v) for v in spec["variants"]]


def _attr(text: str) -> str:
    return text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")


def _img(png_b64: str, alt: str, cls: str) -> str:
    """An inline PNG with its own width and height, so the page does not shift as it loads."""
    header = base64.b64decode(png_b64[:44])
    if header[:8] != b"\x89PNG\r\n\x1a\n":
        raise ExtensionError("questions: a question's figure is not a PNG")
    width, height = int.from_bytes(header[16:20], "big"), int.from_bytes(header[20:24], "big")
    return (
        f'<img class="{cls}" src="data:image/png;base64,{png_b64}" width="{width}" height="{height}" '
        f'alt="{_attr(alt)}">'
    )


def _spoken(text: str) -> str:
    """An option's MyST text as plain words and symbols, for its input's accessible name.

    Screen readers read the typeset formulas of the label itself; axe and some browsers do not
    find a name in a label that holds only math, so each input carries this one too.
    """
    text = re.sub(r"\{[\w:-]+\}`([^`<]*)(?:<[^>]*>)?`", r"\1", text)  # {ref}`text <target>` -> text
    text = re.sub(r"\\[dt]?frac\{([^{}]*)\}\{([^{}]*)\}", r"(\1)/(\2)", text)
    text = re.sub(r"\\(left|right|,|;|!|quad|displaystyle)", " ", text)
    text = text.replace("\\cdot", "·").replace("\\times", "×").replace("\\sqrt", "√")
    text = re.sub(r"\\([A-Za-z]+)", r"\1", text)
    text = text.replace("$", "").replace("{", "").replace("}", "").replace("`", "").replace("*", "")
    return " ".join(text.split())


def _tolerance(kind: str, variant: dict) -> str:
    if kind != "numeric":
        return ""
    parts = []
    if variant["rtol"]:
        parts.append(f"{variant['rtol'] * 100:g} %")
    if variant["atol"]:
        parts.append(f"{variant['atol']:g}")
    units = f" Units: {variant['units']}." if variant.get("units") else ""
    return f"Accepted within {' or '.join(parts)} of the answer.{units}"


def _glued(document: nodes.document, key: str) -> tuple[dict, dict] | None:
    """The MIME bundle and metadata the page glued under ``key``, or None if it glued nothing there.

    myst-nb documents ``glue()`` and its ``{glue}`` roles and directives, but no API for another
    extension to read a glued value while the page is parsed (the page's ``.glue.json`` is written
    only after), and it drops the glued outputs from the notebook it renders. So this is the lookup
    its own ``{glue}`` directives make (``myst_nb.ext.glue.utils``, myst-nb 1.x), kept in this one
    function so that a change in myst-nb is mended in one place.
    """
    from myst_nb.core.variables import RetrievalError
    from myst_nb.ext.glue.utils import retrieve_glue_data

    try:
        glued = retrieve_glue_data(document, key)
    except RetrievalError:
        return None
    return glued.data, glued.metadata


class WorkedSolution(SphinxDirective):
    """``{worked-solution}``: the worked solution of the question it sits in."""

    has_content = True

    def run(self):
        box = _div("mvq-solution-body")
        self.state.nested_parse(self.content, self.content_offset, box)
        return [box]


class Question(SphinxDirective):
    """``{question} NAME``: the question glued under NAME, as a form checked in the browser."""

    required_arguments = 1
    has_content = True
    option_spec = {"title": directives.unchanged}

    def run(self):
        key = self.arguments[0]
        glued = _glued(self.state.document, key)
        if glued is None:
            raise self.error(
                f"question {key!r}: nothing is glued under that name on this page; "
                "glue a mvcalc.quiz question with glue(name, q, display=False)"
            )
        data, metadata = glued
        spec = data.get(MIME)
        if not isinstance(spec, dict) or "variants" not in spec or "kind" not in spec:
            raise self.error(f"question {key!r}: what is glued under that name is not a mvcalc.quiz question")
        images = (metadata.get(MIME) or {}).get(IMAGES_KEY, {})
        kind, variants = spec["kind"], spec["variants"]

        count = self.env.temp_data.setdefault("mvq_count", 0) + 1
        self.env.temp_data["mvq_count"] = count
        anchor = "question-" + key.replace("_", "-")
        root = question(classes=["mvq", f"mvq-{kind}"], ids=[anchor])
        root["key"], root["kind"], root["number"] = key, kind, count
        root["title"] = self.options.get("title", "")
        root["data"] = None  # set below: what the checker reads

        body = _parse(self, "\n".join(self.content), nodes.container())
        hints = [n for n in body.children if isinstance(n, nodes.hint)]
        solutions = [n for n in body.children if "mvq-solution-body" in n.get("classes", [])]
        if len(solutions) > 1:
            raise self.error(f"question {key!r} has {len(solutions)} worked solutions; one at most")
        for n in hints + solutions:
            body.remove(n)
        if not body.children and "stem" not in variants[0]:
            raise self.error(f"question {key!r} has no text: write it in the block, or give each variant a stem")

        page_id = self.env.docname
        data = {"key": key, "page": page_id, "kind": kind, "variants": _checker_data(spec)}
        root["data"] = data
        root += _raw(f'<script type="application/json" class="mvq-data">{_json(data)}</script>')
        title = f"Question {count}" + (f": {root['title']}" if root["title"] else "")
        head = nodes.paragraph(classes=["mvq-title"])
        head += nodes.strong(text=title)
        head += nodes.inline(text="answered correctly", classes=["mvq-done-badge", "mvq-hidden"])
        root += head
        root += body.children

        extras = []
        for k, variant in enumerate(variants):
            hidden = ["mvq-hidden"] if k else []
            box = _div("mvq-variant", *hidden)
            if "stem" in variant:
                box += _parse(self, variant["stem"], nodes.container(classes=["mvq-stem"])).children
            if f"v{k}-figure" in images or (k == 0 and "figure" in images):
                png = images.get(f"v{k}-figure", images.get("figure"))
                box += _raw(f'<p class="mvq-figure">{_img(png, variant["figure_alt"], "mvq-image")}</p>')
            if kind == "choice":
                box += self._options(key, k, variant, images)
            root += box
            # what the reader opens or is told about this variant, after the form
            extra = _div("mvq-extra", *hidden)
            feedback = _div("mvq-feedbacks", "mvq-hidden")
            for i, wrong in enumerate(variant.get("wrong", [])):
                feedback += _parse(self, wrong["feedback"], _div("mvq-fb", f"mvq-fb-{i}"))
            for i, option in enumerate(variant.get("options", [])):
                if option.get("feedback"):
                    feedback += _parse(self, option["feedback"], _div("mvq-fb", f"mvq-fb-{i}"))
            extra += feedback
            for hint in variant.get("hints", []):
                extra += _parse(self, hint, _div("mvq-hint", "mvq-hidden"))
            answer = self._answer_text(kind, variant)
            if answer is not None:
                extra += _parse(self, answer, _div("mvq-answer", "mvq-hidden"))
            if "solution" in variant:
                extra += _parse(self, variant["solution"], _div("mvq-solution", "mvq-hidden"))
            extras.append(extra)

        root += _raw(self._form(anchor, kind, variants))
        # the block's own hints and worked solution apply to every variant: each variant's extras
        # hold, in the order the reader opens them, its hints, the block's hints, the answer, its
        # solution and the block's solution
        for extra in extras:
            answer_at = next(
                (i for i, n in enumerate(extra.children) if "mvq-answer" in n.get("classes", [])), len(extra.children)
            )
            for hint in reversed(hints):
                box = _div("mvq-hint", "mvq-hidden", "mvq-common")
                box += [c.deepcopy() for c in hint.children]
                extra.insert(answer_at, box)
            for solution in solutions:
                box = _div("mvq-solution", "mvq-hidden", "mvq-common")
                box += [c.deepcopy() for c in solution.children]
                extra += box
            root += extra
        self.env.mvcalc_questions.setdefault(page_id, []).append(data)
        return [root]

    def _answer_text(self, kind: str, variant: dict) -> str:
        """The answer as MyST, shown with the solution (and printed in the PDF's answer key)."""
        if kind in ("formula", "matrix"):
            return f"The answer: ${variant['tex']}$, which you could type as `{variant['answer']}`."
        if kind == "numeric":
            units = f" {variant['units']}" if variant.get("units") else ""
            return f"The answer: ${variant['tex']}$ = {variant['value']:.6g}{units}."
        right = [o.get("text") or o.get("alt") for o in variant["options"] if o["correct"]]
        if len(right) == 1:
            return f"The answer: {right[0]}"
        return "The answers:\n\n" + "\n".join(f"- {text}" for text in right)

    def _options(self, key: str, k: int, variant: dict, images: dict) -> nodes.Element:
        group = _div("mvq-options")
        kind = "checkbox" if variant["multiple"] else "radio"
        group += _raw(
            f'<fieldset class="mvq-fieldset"><legend class="mvq-legend">'
            f"{'Select all that apply' if variant['multiple'] else 'Choose one'}</legend>"
        )
        for i, option in enumerate(variant["options"]):
            line = _div("mvq-option")
            name = f"{chr(ord('A') + i)}: {_spoken(option['text']) if option['text'] else option['alt']}"
            line += _raw(
                f'<label><input type="{kind}" name="mvq-{key}-{k}" value="{i}" '
                f'aria-label="{_attr(name)}"> <span class="mvq-option-text">'
            )
            image = images.get(f"v{k}-option-{i}", images.get(f"option-{i}") if k == 0 else None)
            if image:
                line += _raw(_img(image, option["alt"], "mvq-image"))
            if option["text"]:
                text = nodes.inline()
                text += _inline(self, option["text"])
                line += text
            line += _raw("</span></label>")
            group += line
        group += _raw("</fieldset>")
        return group

    def _form(self, anchor: str, kind: str, variants: list[dict]) -> str:
        first = variants[0]
        controls = []
        if kind != "choice":
            label = {
                "formula": "Your answer (a formula)",
                "numeric": "Your answer (a number)",
                "matrix": "Your answer (in square brackets)",
            }[kind]
            hint = {
                "formula": "for example 2*x*y + 3, x^2 y or exp(-x^2)",
                "numeric": "a number such as 0.25, 1/4 or sqrt(2)/2",
                "matrix": "a vector [a, b, c]; a matrix [a, b; c, d], rows separated by ;",
            }[kind]
            tolerance = _tolerance(kind, first)
            variables = ", ".join(first.get("variables", []))
            uses = f" Variables: {variables}." if variables else ""
            controls.append(
                f'<label class="mvq-label" for="{anchor}-input">{label}</label>'
                f'<input class="mvq-input" id="{anchor}-input" type="text" autocomplete="off" autocapitalize="off" '
                f'spellcheck="false" maxlength="20000" aria-describedby="{anchor}-help {anchor}-preview">'
                f'<p class="mvq-help" id="{anchor}-help">Type {hint}.{uses} '
                f'<span class="mvq-tolerance">{tolerance}</span></p>'
                f'<div class="mvq-preview" id="{anchor}-preview" aria-live="off"></div>'
            )
        buttons = [
            '<button type="submit" class="mvq-button mvq-check">Check</button>',
            '<button type="button" class="mvq-button mvq-hint-button mvq-hidden">Show a hint</button>',
            '<button type="button" class="mvq-button mvq-solution-button">Show the solution</button>',
        ]
        if len(variants) > 1:
            buttons.append(
                f'<button type="button" class="mvq-button mvq-new">New numbers '
                f'<span class="mvq-variant-count">(1 of {len(variants)})</span></button>'
            )
        return (
            f'<form class="mvq-form" novalidate>{"".join(controls)}'
            f'<div class="mvq-buttons">{"".join(buttons)}</div>'
            f'<div class="mvq-feedback" role="status" aria-live="polite"></div></form>'
            '<noscript><p class="mvq-noscript">Checking answers needs JavaScript.</p></noscript>'
        )


class QuestionProgress(SphinxDirective):
    """``{question-progress}``: the reader's progress through the questions of this module."""

    has_content = False

    def run(self):
        node = question_progress()
        node["module"] = self.env.docname.rsplit("/", 1)[0]
        self.env.mvcalc_progress_pages.add(self.env.docname)
        return [node]


# --- the environment: which page has which questions ---------------------------------------------


def _init_env(app, env, docnames) -> None:
    if not hasattr(env, "mvcalc_questions"):
        env.mvcalc_questions = {}
    if not hasattr(env, "mvcalc_progress_pages"):
        env.mvcalc_progress_pages = set()


def _purge(app, env, docname) -> None:
    env.mvcalc_questions.pop(docname, None)
    env.mvcalc_progress_pages.discard(docname)


def _merge(app, env, docnames, other) -> None:
    for docname in docnames:
        if docname in other.mvcalc_questions:
            env.mvcalc_questions[docname] = other.mvcalc_questions[docname]
        if docname in other.mvcalc_progress_pages:
            env.mvcalc_progress_pages.add(docname)


def _outdated(app, env, added, changed, removed):
    """A progress block lists the questions of other pages: rewrite it when any page changes."""
    _init_env(app, env, [])
    if added or changed or removed:
        return sorted(env.mvcalc_progress_pages - set(added) - set(changed))
    return []


def _module_pages(env, module: str) -> list[str]:
    index = f"{module}/index"
    return [index] + list(env.toctree_includes.get(index, [])) if index in env.found_docs else []


def _fill_progress(app, doctree, docname) -> None:
    env = app.env
    for node in list(doctree.findall(question_progress)):
        pages = [p for p in _module_pages(env, node["module"]) if env.mvcalc_questions.get(p)]
        if not pages:
            raise ExtensionError(f"{docname}: {{question-progress}} finds no questions in {node['module']}")
        data = {p: [q["key"] for q in env.mvcalc_questions[p]] for p in pages}
        total = sum(len(keys) for keys in data.values())
        items = []
        for p in pages:
            uri = app.builder.get_relative_uri(docname, p)
            title = env.titles[p].astext() if p in env.titles else p
            items.append(
                f'<li><a href="{uri}">{title}</a>: <span class="mvq-progress-count" data-page="{p}">'
                f"{len(data[p])} questions</span></li>"
            )
        html = (
            f'<div class="mvq-progress" data-module="{node["module"]}">'
            f'<script type="application/json" class="mvq-progress-data">{_json(data)}</script>'
            f'<p class="mvq-progress-total">This module has {total} questions on {len(pages)} pages. '
            "The pages remember, in this browser only, which ones you answered correctly.</p>"
            f'<progress class="mvq-progress-bar" max="{total}" value="0" aria-label="questions of this module '
            f'answered correctly">0 of {total}</progress>'
            f'<ul class="mvq-progress-pages">{"".join(items)}</ul>'
            '<button type="button" class="mvq-button mvq-reset">Forget my answers to this module</button>'
            '<p class="mvq-reset-status" role="status" aria-live="polite"></p></div>'
        )
        node.replace_self(_raw(html))


# --- the single-page build behind the PDF: text, and an answer key at the end of each page --------


def _answer_key_entry(node: question) -> nodes.Element:
    item = nodes.definition_list_item()
    item += nodes.term(text=f"Question {node['number']}")
    definition = nodes.definition()
    first = next(
        iter(node.findall(lambda n: isinstance(n, nodes.container) and "mvq-extra" in n.get("classes", []))), None
    )
    for box in first.children if first is not None else []:
        if "mvq-answer" in box.get("classes", []) or "mvq-solution" in box.get("classes", []):
            definition += box.children
    if node["kind"] == "choice" and first is not None:
        options = node["data"]["variants"][0]["options"]
        letters = [chr(ord("A") + i) for i, o in enumerate(options) if o["correct"]]
        definition.insert(0, nodes.paragraph(text=f"The answer: {', '.join(letters)}."))
    if not definition.children:
        definition += nodes.paragraph(text="See the page.")
    item += definition
    return item


def _print_version(node: question) -> nodes.Element:
    """The question as text: its title, text and options, without the form."""
    box = nodes.container(classes=["mvq-print"], ids=node["ids"])
    for child in node.children:
        classes = child.get("classes", []) if isinstance(child, nodes.Element) else []
        if isinstance(child, nodes.raw):
            continue
        if "mvq-title" in classes:
            title = nodes.paragraph()
            title += nodes.strong(text=child[0].astext())
            box += title
        elif "mvq-extra" in classes:
            continue
        elif "mvq-variant" in classes:
            if "mvq-hidden" in classes:
                continue  # the PDF shows the first variant
            for part in child.children:
                part_classes = part.get("classes", []) if isinstance(part, nodes.Element) else []
                if "mvq-options" in part_classes:
                    options = nodes.enumerated_list(enumtype="upperalpha", prefix="", suffix=".")
                    for line in part.findall(
                        lambda n: isinstance(n, nodes.container) and "mvq-option" in n.get("classes", [])
                    ):
                        item = nodes.list_item()
                        para = nodes.paragraph()
                        for bit in line.children:
                            if isinstance(bit, nodes.raw):  # the form's <label> and <input>; keep a figure
                                image = re.search(r"<img [^>]*>", bit.astext())
                                if image:
                                    para += _raw(image.group(0))
                                continue
                            para += bit.deepcopy()
                        item += para
                        options += item
                    box += options
                elif isinstance(part, nodes.raw) and "mvq-figure" in part.astext():
                    box += part.deepcopy()
                elif not any(c.startswith("mvq-") for c in part_classes):
                    box += part.deepcopy()
        elif not any(c.startswith("mvq-") for c in classes):
            box += child.deepcopy()
    box += nodes.paragraph(text="The answer is in the key at the end of this section.", classes=["mvq-print-note"])
    return box


def _answer_keys(app, doctree, docname) -> None:
    if app.builder.name != "singlehtml":
        return
    for page, found in _questions_by_page(doctree):
        key = nodes.container(classes=["mvq-answer-key"])
        heading = nodes.paragraph()
        heading += nodes.strong(text="Answers to the questions of this section")
        key += heading
        entries = nodes.definition_list()
        for node in found:
            entries += _answer_key_entry(node)
            node.replace_self(_print_version(node))
        key += entries
        target = (
            page[0]
            if isinstance(page, addnodes.start_of_file) and page.children and isinstance(page[0], nodes.section)
            else page
        )
        target += key


def _questions_by_page(tree: nodes.Node) -> list[tuple[nodes.Element, list[question]]]:
    """Each inlined page of the single-page build (``start_of_file``) with its own questions, in order.

    Walks down the children: Sphinx sets ``start_of_file``'s children without their ``parent``.
    """
    pages: list[tuple[nodes.Element, list[question]]] = []

    def walk(node, current):
        if isinstance(node, addnodes.start_of_file):
            current = (node, [])
            pages.append(current)
        if isinstance(node, question):
            current[1].append(node)
            return
        for child in node.children if isinstance(node, nodes.Element) else ():
            walk(child, current)

    root = (tree, [])
    pages.append(root)
    walk(tree, root)
    return [(page, found) for page, found in pages if found]


# --- the page: scripts only where there are questions; the build's own check ---------------------


def _page_assets(app, pagename, templatename, context, doctree) -> None:
    env = app.env
    if app.builder.name == "singlehtml":
        return
    if env.mvcalc_questions.get(pagename) or pagename in env.mvcalc_progress_pages:
        # added in html-page-context, these go on this page only (Sphinx's add_js_file)
        app.add_css_file("questions/questions.css")
        app.add_js_file("questions/questions.js", loading_method="defer")


def _selfcheck(app, env) -> None:
    questions = [dict(q) for page in sorted(env.mvcalc_questions) for q in env.mvcalc_questions[page]]
    if not questions:
        return
    node = shutil.which("node")
    if node is None:
        raise ExtensionError("questions: Node.js is needed to check the book's questions (see install.md)")
    mathjs = NODE_MODULES / "mathjs"
    if not mathjs.is_dir():
        raise ExtensionError(
            "questions: mathjs is not installed for the build. Run `npm ci --prefix tools/mathjax` (make book does it)."
        )
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "questions.json"
        path.write_text(json.dumps(questions), encoding="utf-8")
        done = subprocess.run([node, str(ASSETS / "selfcheck.js"), str(path)], capture_output=True, text=True)
    if done.returncode != 0:
        raise ExtensionError(
            "questions: the page's checker does not agree with these questions' answers:\n"
            + (done.stdout + done.stderr).strip()
        )
    logger.info(f"questions: {done.stdout.strip()} by the page's checker")


def _copy_assets(app, exception) -> None:
    if exception is not None or app.builder.format != "html" or app.builder.name == "singlehtml":
        return
    target = Path(app.outdir) / STATIC
    target.mkdir(parents=True, exist_ok=True)
    files = {
        ASSETS / "check.js": "check.js",
        ASSETS / "questions.js": "questions.js",
        ASSETS / "questions.css": "questions.css",
        NODE_MODULES / "mathjs" / "lib" / "browser" / "math.js": "math.js",
        NODE_MODULES / "mathjax-full" / "es5" / "tex-chtml.js": "tex-chtml.js",
    }
    for source, name in files.items():
        copy = target / name
        if not copy.is_file() or copy.read_bytes() != source.read_bytes():
            shutil.copyfile(source, copy)


def setup(app):
    app.add_node(
        question, html=(lambda self, node: self.visit_container(node), lambda self, node: self.depart_container(node))
    )
    app.add_node(question_progress)
    app.add_directive("question", Question)
    app.add_directive("worked-solution", WorkedSolution)
    app.add_directive("question-progress", QuestionProgress)
    app.connect("builder-inited", lambda app: _init_env(app, app.env, []))
    app.connect("env-before-read-docs", _init_env)
    app.connect("env-purge-doc", _purge)
    app.connect("env-merge-info", _merge)
    app.connect("env-get-outdated", _outdated)
    app.connect("env-updated", _selfcheck)
    app.connect("doctree-resolved", _fill_progress)
    app.connect("doctree-resolved", _answer_keys)
    app.connect("html-page-context", _page_assets, priority=100)  # before handlers that copy the script list
    app.connect("build-finished", _copy_assets)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
