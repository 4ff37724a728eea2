"""Interactive figures that work in the published page with no kernel and no server.

Each widget is computed by Python when the page executes (the data come from
``mvcalc``), and is returned as an :class:`HTMLWidget`: a piece of HTML that
carries its own data (as JSON) and its own JavaScript (from ``static/``), so it
runs in the static book, offline, and in a live notebook alike.

Modules:

- :mod:`mvcalc.widgets.sandpit`: the playable Sandpit (Module 2 and Module 5);
- :mod:`mvcalc.widgets.taylor`: the Taylor-series explorer (Module 4).
"""

from __future__ import annotations

import html
import json
from importlib import resources

__all__ = ["HTMLWidget", "static_text", "to_json"]


class HTMLWidget(str):
    """A string of HTML that Jupyter and myst-nb display as HTML (via ``_repr_html_``).

    Introduced in: Module 2, *The Sandpit*, whose game is the book's first interactive figure.
    """

    def _repr_html_(self) -> str:
        return str(self)

    def __repr__(self) -> str:  # the text/plain output: short and deterministic
        return f"<{type(self).__name__}: {len(self)} characters of HTML>"


def static_text(name: str) -> str:
    """The text of a file shipped in ``mvcalc/widgets/static`` (JavaScript or CSS).

    Introduced in: Module 2, *The Sandpit*, whose game is the book's first interactive figure.
    """
    return resources.files(__package__).joinpath("static", name).read_text(encoding="utf8")


def to_json(data) -> str:
    """Compact, deterministic JSON for embedding in a ``<script type="application/json">``.

    Introduced in: Module 2, *The Sandpit*, whose game is the book's first interactive figure.
    """
    text = json.dumps(data, separators=(",", ":"), sort_keys=True, allow_nan=False)
    return text.replace("</", "<\\/")  # never close the script element early


def escape(text: str) -> str:
    """HTML-escape text for attributes and content."""
    return html.escape(text, quote=True)
