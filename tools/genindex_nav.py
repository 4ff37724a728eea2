"""List the general index (``genindex.html``) in the book's navigation.

Jupyter Book 1 builds the sidebar from ``_toc.yml``, whose entries must be pages of
the book or absolute URLs (sphinx-external-toc). Sphinx's generated index is neither,
so it cannot be listed there. Sphinx itself does accept ``genindex`` as an entry of a
toctree (one of its "virtual" documents), and renders it as a link to the index.

This transform adds that entry, titled "Index", to the last toctree that
sphinx-external-toc puts into the root page: the last part of ``_toc.yml``
("Back matter"). The sidebar of every page then lists the index after the last
page of the book. Previous/next links are not affected: the entry is not an
included document.
"""

from __future__ import annotations

from sphinx import addnodes
from sphinx.transforms import SphinxTransform

ENTRY = ("Index", "genindex")


class GenindexInToc(SphinxTransform):
    """Append ``genindex`` to the root page's last toctree."""

    # after sphinx_external_toc.events.InsertToctrees (100), which creates the toctrees,
    # and before the doctree-read event, where Sphinx collects them
    default_priority = 105

    def apply(self, **kwargs) -> None:
        if self.env.docname != self.config.root_doc:
            return
        toctrees = list(self.document.findall(addnodes.toctree))
        if toctrees and ENTRY not in toctrees[-1]["entries"]:
            toctrees[-1]["entries"].append(ENTRY)


def setup(app):
    app.add_transform(GenindexInToc)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
