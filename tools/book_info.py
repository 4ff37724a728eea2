"""What a reader needs to trust a build: its version, its date, its software.

This local Sphinx extension

* works out the book's version (``mvcalc.__version__`` read from the source), the
  commit it was built from and the build date, once per build (:func:`build_facts`);
* shows them in the footer of every page ("Version 0.1.0, commit abc1234, built
  2026-11-21");
* spells out the status column of myst-nb's ``nb-exec-table`` in words;
* provides the ``build-info`` directive, a table of those facts and of the versions
  of Python and the key packages the build ran with (used on ``book/status.md``);
* makes those facts available to other tools (the notebook publisher pins the
  library to the same commit).

The date is today's date in UTC unless ``SOURCE_DATE_EPOCH`` is set (the
reproducible-builds convention), and the commit comes from ``git`` in the book's
folder, or from ``GITHUB_SHA`` when git is not there; with neither it is
"unknown", which a reader sees rather than a wrong value.
"""

from __future__ import annotations

import datetime as _dt
import functools
import importlib.metadata
import os
import platform
import re
import subprocess
from pathlib import Path

from docutils import nodes
from docutils.parsers.rst import Directive
from sphinx.transforms.post_transforms import SphinxPostTransform

ROOT = Path(__file__).resolve().parent.parent

#: The distributions whose versions the status page lists, in this order.
KEY_PACKAGES = (
    "numpy",
    "scipy",
    "sympy",
    "matplotlib",
    "jupyter-book",
    "sphinx",
    "myst-nb",
    "sphinx-book-theme",
    "jupyter-cache",
    "nbval",
)


def library_version(root: Path = ROOT) -> str:
    """The ``__version__`` string in ``lib/mvcalc/__init__.py`` (read, not imported)."""
    source = (Path(root) / "lib" / "mvcalc" / "__init__.py").read_text()
    match = re.search(r'^__version__\s*=\s*"([^"]+)"', source, flags=re.M)
    if match is None:
        raise ValueError(f'no __version__ = "..." line in {root}/lib/mvcalc/__init__.py')
    return match.group(1)


def commit(root: Path = ROOT) -> str:
    """The full hash of the commit checked out in ``root``, or ``"unknown"``."""
    try:
        out = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, timeout=10, check=True
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        out = ""
    if re.fullmatch(r"[0-9a-f]{40}", out):
        return out
    sha = os.environ.get("GITHUB_SHA", "")
    return sha if re.fullmatch(r"[0-9a-f]{40}", sha) else "unknown"


def build_date() -> str:
    """The build's date, ISO format, UTC; ``SOURCE_DATE_EPOCH`` overrides the clock."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            when = _dt.datetime.fromtimestamp(int(epoch), tz=_dt.timezone.utc)
        except ValueError as err:
            raise ValueError(f"SOURCE_DATE_EPOCH must be whole seconds, got {epoch!r}") from err
    else:
        when = _dt.datetime.now(tz=_dt.timezone.utc)
    return when.date().isoformat()


@functools.cache
def build_facts(root: Path = ROOT) -> dict[str, str]:
    """Version, commit (full and short) and date of this build."""
    sha = commit(root)
    return {
        "version": library_version(root),
        "commit": sha,
        "short_commit": sha[:7] if sha != "unknown" else sha,
        "date": build_date(),
    }


def package_versions() -> list[tuple[str, str]]:
    """(name, version) for Python and each of :data:`KEY_PACKAGES` in this environment."""
    rows = [("Python", platform.python_version())]
    for name in KEY_PACKAGES:
        try:
            rows.append((name, importlib.metadata.version(name)))
        except importlib.metadata.PackageNotFoundError:
            rows.append((name, "not installed"))
    return rows


def _table(rows: list[tuple[str, str]], header: tuple[str, str]) -> nodes.table:
    table = nodes.table(classes=["build-info"])
    group = nodes.tgroup(cols=2)
    table += group
    group += [nodes.colspec(colwidth=1), nodes.colspec(colwidth=1)]
    head, body = nodes.thead(), nodes.tbody()
    group += [head, body]
    for container, cells in [(head, [header])] + [(body, [row]) for row in rows]:
        for cell_texts in cells:
            row = nodes.row()
            for text in cell_texts:
                entry = nodes.entry()
                entry += nodes.paragraph(text=text)
                row += entry
            container += row
    return table


class BuildInfo(Directive):
    """``build-info``: the facts of this build and the versions of its software."""

    has_content = False

    def run(self):
        facts = build_facts()
        env = self.state.document.settings.env
        env.note_dependency(str(ROOT / "lib" / "mvcalc" / "__init__.py"))
        rows = [
            ("book and mvcalc version", facts["version"]),
            ("commit", facts["commit"]),
            ("build date (UTC)", facts["date"]),
        ]
        rows += package_versions()
        return [_table(rows, ("what", "version"))]


def _footer(app, config) -> None:
    facts = build_facts()
    text = f"Version {facts['version']}, commit <code>{facts['short_commit']}</code>, built {facts['date']}."
    options = dict(config.html_theme_options or {})
    extra = options.get("extra_footer", "")
    options["extra_footer"] = f'<p class="build-info">{text}</p>' + (extra or "")
    config.html_theme_options = options


class StatusWords(SphinxPostTransform):
    """Spell out myst-nb's execution status: "ok" and "failed", not the emoji ✅ and ❌.

    An emoji needs a colour-emoji font, which many systems (and the PDF's printer)
    lack; a word reads everywhere, and to a screen reader too.
    """

    default_priority = 9  # after myst-nb's table (8) is filled in

    def run(self, **kwargs) -> None:
        words = {"✅": "ok", "❌": "failed"}
        for text in list(self.document.findall(nodes.Text)):
            if text.astext() in words and isinstance(text.parent, nodes.paragraph):
                text.parent.replace(text, nodes.Text(words[text.astext()]))


def _always_rebuild_status(app, env, added, changed, removed):
    """The status page shows this build's facts: re-write it on every build."""
    return [doc for doc in env.found_docs if doc.endswith("status")]


def setup(app):
    app.add_directive("build-info", BuildInfo)
    app.add_post_transform(StatusWords)
    app.connect("config-inited", _footer)
    app.connect("env-get-outdated", _always_rebuild_status)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
