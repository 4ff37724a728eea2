"""A glued negative number is printed with a minus sign, not a hyphen.

``{glue:text}`name:.3f``` formats the value with Python's ``format``, which writes a negative number
with the ASCII hyphen-minus: ``-0.829``. In running text that is a hyphen, shorter and higher than the
minus sign of the maths around it (MathJax typesets ``$-0.829$`` with U+2212), and a screen reader may
not read it as "minus". myst-nb has no option for this, so once each page's glue is resolved, every
hyphen-minus in pasted text that stands before a digit and after no letter, digit or point becomes
U+2212: ``-0.829`` and ``(-1, 2)`` change; ``1e-05`` and ``x-3`` do not.
"""

from __future__ import annotations

import re

from docutils import nodes

MINUS = "\N{MINUS SIGN}"
HYPHEN_BEFORE_DIGIT = re.compile(r"(?<![\w.])-(?=\.?\d)")


def with_minus_signs(text: str) -> str:
    """``text`` with each hyphen-minus that starts a number replaced by U+2212."""
    return HYPHEN_BEFORE_DIGIT.sub(MINUS, text)


def _pasted_text(node) -> bool:
    return isinstance(node, nodes.inline) and "pasted-text" in node.get("classes", [])


def _fix(app, doctree, docname) -> None:
    for pasted in doctree.findall(_pasted_text):
        for text in list(pasted.findall(nodes.Text)):
            fixed = with_minus_signs(str(text))
            if fixed != str(text):
                text.parent.replace(text, nodes.Text(fixed))


def setup(app):
    app.connect("doctree-resolved", _fix)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
