"""Link each entry of the API page back to the page of the book that introduces it.

Every public function and class of ``mvcalc`` ends its docstring with a line like

    Introduced in: Module 1, *The Derivative*.

optionally with the page's path, ``(``book/m1/derivative.md``)``. This Sphinx
extension reads that line when autodoc renders the docstring
(``autodoc-process-docstring``) and replaces it with a cross-reference to the
page, placed right after the docstring's summary line. The page is found from
its title (the ``# Title`` of a page listed in ``_toc.yml``) or its path; the
module number, if given, must be the module the page belongs to.

An "Introduced in" line that names no page of the book, or more than one, or a
public function or class without such a line, is a build warning, so the
``-W`` build fails: a renamed page cannot silently break a back-link.

The extension also gives each object that ``mvcalc`` re-exports at the top level
(documented as ``mvcalc.derivative``) the anchor and cross-reference target of
its defining module as well (``mvcalc.derivatives.derivative``), so both names
link to the same entry.

:func:`book_pages` and :func:`resolve` need no Sphinx: the tests use them.
"""

from __future__ import annotations

import dataclasses
import importlib
import re
from pathlib import Path

import yaml

INTRODUCED = re.compile(r"^\s*Introduced in:\s*(?P<text>.*)$")
_TITLE = re.compile(r"(?<![*\w])\*(?!\*)(?P<title>[^*]+?)\*(?![*\w])")  # *Title*, not **bold**
_PATH = re.compile(r"``(?P<path>book/[\w./-]+?\.md)``")
_MODULE = re.compile(r"\bModule (?P<number>\d+)\b")


class IntroducedInError(ValueError):
    """An "Introduced in" line that does not name exactly one page of the book."""


@dataclasses.dataclass(frozen=True)
class Page:
    """A page of the book: its path without suffix, label, title and module number (or None)."""

    docname: str
    label: str | None
    title: str
    module: int | None

    def reference(self) -> str:
        """reStructuredText for a link to the page, labelled with its module and title."""
        text = f"Module {self.module}, {self.title}" if self.module else self.title
        text = text.replace("<", r"\<").replace("`", "")
        if self.label:
            return f":ref:`{text} <{self.label}>`"
        return f":doc:`{text} </{self.docname}>`"


def _plain(title: str) -> str:
    """A MyST title as text: without inline code marks and emphasis, spaces collapsed."""
    return " ".join(re.sub(r"[`*]", "", title).split())


def book_pages(root: Path) -> list[Page]:
    """Every page of ``root/_toc.yml``, with its label, its title and the module it belongs to."""
    toc = yaml.safe_load((Path(root) / "_toc.yml").read_text(encoding="utf8"))
    pages: list[Page] = []

    def add(entries, module):
        for entry in entries or []:
            if "file" in entry:
                docname = entry["file"].removesuffix(".md")
                source = Path(root) / (docname + ".md")  # a MyST page; other sources have no title here
                text = source.read_text(encoding="utf8") if source.is_file() else ""
                title = re.search(r"^# (.+)$", text, flags=re.M)
                label = re.search(r"^\(([\w-]+)\)=\s*\n# ", text, flags=re.M)
                pages.append(
                    Page(
                        docname, label.group(1) if label else None, _plain(title.group(1)) if title else docname, module
                    )
                )
            add(entry.get("sections"), module)
            add(entry.get("chapters"), module)

    add([{"file": toc["root"]}], None)
    for part in toc.get("parts", []):
        number = _MODULE.match(part.get("caption", "") or "")
        add(part.get("chapters"), int(number.group("number")) if number else None)
    add(toc.get("chapters"), None)
    return pages


def resolve(line: str, pages: list[Page]) -> Page:
    """The page an "Introduced in: ..." line names, or :class:`IntroducedInError`.

    The line names the page by its title in single asterisks, by its path in
    double backquotes, or both; every title and path in it must be the same
    page, and a "Module N" in it must be that page's module.
    """
    match = INTRODUCED.match(line)
    if not match:
        raise IntroducedInError(f"not an 'Introduced in:' line: {line!r}")
    text = match.group("text")
    module = _MODULE.search(text)
    number = int(module.group("number")) if module else None
    named: dict[str, Page] = {}
    for title in (_plain(m.group("title")) for m in _TITLE.finditer(text)):
        titled = [page for page in pages if page.title == title]
        if not titled:
            raise IntroducedInError(f"no page of the book is titled {title!r} (in {line.strip()!r})")
        if len(titled) > 1:  # "Summary": the module number says which
            titled = [page for page in titled if page.module == number] if number else []
            if len(titled) != 1:
                raise IntroducedInError(f"several pages are titled {title!r}: say which module (in {line.strip()!r})")
        named[titled[0].docname] = titled[0]
    by_path = {page.docname + ".md": page for page in pages}
    for path in (m.group("path") for m in _PATH.finditer(text)):
        if path not in by_path:
            raise IntroducedInError(f"no page of the book is {path!r} (in {line.strip()!r})")
        named[by_path[path].docname] = by_path[path]
    if not named:
        raise IntroducedInError(f"names no page: write the page's title as *Title* (in {line.strip()!r})")
    if len(named) > 1:
        raise IntroducedInError(
            f"names {len(named)} pages, {sorted(named)}; name the one that introduces it (in {line.strip()!r})"
        )
    page = next(iter(named.values()))
    if number is not None and number != page.module:
        where = f"Module {page.module}" if page.module else "no module"
        raise IntroducedInError(f"{page.title!r} is in {where}, not Module {number} (in {line.strip()!r})")
    return page


def introduced_lines(doc: str) -> list[str]:
    """The "Introduced in" lines of a docstring."""
    return [line for line in (doc or "").splitlines() if INTRODUCED.match(line)]


# --------------------------------------------------------------------------- Sphinx

_NEEDS_LINK = {"function", "class", "exception"}


def _process_docstring(app, what, name, obj, options, lines) -> None:
    if not name.startswith(app.config.api_links_package + "."):
        return
    from sphinx.util import logging

    logger = logging.getLogger(__name__)
    found = [i for i, line in enumerate(lines) if INTRODUCED.match(line)]
    if not found:
        if what in _NEEDS_LINK:
            logger.warning(
                "[api_links] %s: the docstring has no 'Introduced in: Module N, *Page Title*.' line",
                name,
                type="api_links",
                location=obj_location(obj),
            )
        return
    if len(found) > 1:
        logger.warning(
            "[api_links] %s: %d 'Introduced in' lines, expected one",
            name,
            len(found),
            type="api_links",
            location=obj_location(obj),
        )
    line = lines[found[0]]
    try:
        page = resolve(line, _pages(app))
    except IntroducedInError as error:
        logger.warning("[api_links] %s: %s", name, error, type="api_links", location=obj_location(obj))
        return
    app.env.api_links_docs = getattr(app.env, "api_links_docs", set()) | {app.env.docname}
    for i in reversed(found):
        del lines[i]
    while lines and not lines[-1].strip():
        lines.pop()
    # after the summary: the first paragraph of the docstring
    end = next((i for i, text in enumerate(lines) if not text.strip()), len(lines))
    lines[end:end] = ["", f"Introduced in {page.reference()}."]


def obj_location(obj):
    """``file:line`` of an object's source, for warnings; None if unknown."""
    import inspect

    try:
        return f"{inspect.getsourcefile(obj)}:{inspect.getsourcelines(obj)[1]}"
    except (TypeError, OSError):
        return None


_PAGES: dict[str, list[Page]] = {}


def _pages(app) -> list[Page]:
    """The book's pages, read once per build."""
    if app.srcdir not in _PAGES:
        _PAGES[app.srcdir] = book_pages(Path(app.srcdir))
    return _PAGES[app.srcdir]


def _env_get_outdated(app, env, added, changed, removed):
    """Re-read the pages with back-links on every build: a linked page's title may have changed."""
    return sorted(getattr(env, "api_links_docs", set()) & env.found_docs - set(added) - set(changed))


def _env_merge_info(app, env, docnames, other) -> None:
    env.api_links_docs = getattr(env, "api_links_docs", set()) | getattr(other, "api_links_docs", set())


def _canonical_targets(app, domain, objtype, contentnode) -> None:
    """Give a re-exported object (``mvcalc.derivative``) the target of its defining module's name too."""
    if domain != "py":
        return
    py = app.env.get_domain("py")
    for signode in contentnode.parent.children:
        module, fullname = signode.get("module"), signode.get("fullname")
        if not module or not fullname or not signode.get("ids") or "." in fullname:
            continue
        if module != app.config.api_links_package:
            continue
        try:
            obj = getattr(importlib.import_module(module), fullname)
        except (ImportError, AttributeError):
            continue
        home = getattr(obj, "__module__", None)
        if not home or home == module or not hasattr(obj, "__qualname__"):
            continue
        canonical = f"{home}.{obj.__qualname__}"
        if canonical not in signode["ids"]:
            signode["ids"].append(canonical)
        py.note_object(canonical, objtype, canonical, aliased=True, location=signode)


def setup(app):
    app.add_config_value("api_links_package", "mvcalc", "env")
    app.connect("env-get-outdated", _env_get_outdated)
    app.connect("env-merge-info", _env_merge_info)
    app.connect("autodoc-process-docstring", _process_docstring, priority=400)  # before napoleon
    app.connect("object-description-transform", _canonical_targets)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
