"""tools/prerender_math.py: the formulas typeset once, at build time, by MathJax in Node.js.

These run MathJax for real (``make unit`` installs it with ``npm ci --prefix tools/mathjax``)
on small pages written the way Sphinx writes them, and check what the reader's browser
receives: MathJax's markup, the MathML a screen reader reads, the book's macros, the
equation numbers kept, a stylesheet whose fonts exist, and a TeX error that stops the build.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from xml.etree import ElementTree

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

import prerender_math as pm  # noqa: E402

CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
TEX = CONFIG["sphinx"]["config"]["mathjax3_config"]["tex"]
MATHML = "{http://www.w3.org/1998/Math/MathML}"

PAGE = """<!DOCTYPE html>
<html><head><title>t</title>
</head><body>
<p>Inline <span class="math notranslate nohighlight">\\(\\pd{f}{x} &lt; 1\\)</span> and
<span class="math notranslate nohighlight">\\(x \\in \\R\\)</span>.</p>
<div class="math notranslate nohighlight" id="equation-eq-one">
<span class="eqno">(1.1)<a class="headerlink" href="#equation-eq-one" title="Link to this equation">#</a></span>\\[
\\od{y}{x} = \\Jac{f}\\T v
\\]</div>
<div class="math notranslate nohighlight">
\\[\\begin{split}\\begin{aligned}
a &amp;= b, \\\\
c &amp;= d.
\\end{aligned}\\end{split}\\]</div>
<div class="math notranslate nohighlight" id="equation-nowrap">\\begin{align}
p &amp;= q \\\\
r &amp;= s
\\end{align}</div>
<pre>\\(not a formula: code\\)</pre>
</body></html>
"""


def _mathml(markup: str) -> ElementTree.Element:
    """The hidden MathML of one typeset formula."""
    match = re.search(r"<math .*?</math>", markup, re.DOTALL)
    assert match, f"no MathML in {markup[:200]}"
    return ElementTree.fromstring(match.group(0))


def _tags(element: ElementTree.Element) -> list[str]:
    return [e.tag.removeprefix(MATHML) for e in element.iter()]


def test_the_book_macros_expand_as_defined():
    (page,) = pm.typeset(
        [[{"tex": r"\pd{f}{x}", "display": False}, {"tex": r"\R", "display": False}, {"tex": r"A\T", "display": True}]],
        TEX,
        assistive=True,
    )
    assert not page["errors"]
    frac, reals, transpose = (_mathml(h) for h in page["html"])
    # \pd{f}{x} is \frac{\partial f}{\partial x}
    assert _tags(frac) == ["math", "mfrac", "mrow", "mi", "mi", "mrow", "mi", "mi"]
    assert [e.text for e in frac.iter(MATHML + "mi")] == ["∂", "f", "∂", "x"]
    # \R is a double-struck R
    (r,) = reals.iter(MATHML + "mi")
    assert (r.text, r.get("mathvariant")) == ("R", "double-struck")
    # \T is a superscript transpose sign, and a display formula is a block
    assert transpose.get("display") == "block"
    assert "msup" in _tags(transpose) and "⊤" in "".join(transpose.itertext())
    assert 'display="true"' in page["html"][2] and 'display="true"' not in page["html"][0]


def test_a_tex_error_is_reported_with_its_formula():
    (page,) = pm.typeset(
        [
            [
                {"tex": "x", "display": False},
                {"tex": r"\undefinedmacro + 1", "display": False},
                {"tex": r"\frac{1}{", "display": True},
            ]
        ],
        TEX,
        assistive=False,
    )
    indices = [e["index"] for e in page["errors"]]
    assert indices == [1, 2], page["errors"]
    assert "undefinedmacro" in page["errors"][0]["message"]
    assert "<math" not in page["html"][0], "no hidden MathML was asked for"


def test_each_page_gets_the_styles_of_its_own_characters():
    one, two = pm.typeset(
        [[{"tex": r"\mathbb{R}", "display": False}], [{"tex": "x", "display": False}]], TEX, assistive=False
    )
    # the double-struck R (U+211D) and the italic x (U+1D465) are styled only where they are used
    assert "mjx-c211D" in one["css"] and "mjx-c211D" not in two["css"]
    assert "mjx-c1D465" in two["css"] and "mjx-c1D465" not in one["css"]
    assert pm.FONT_URL in one["css"]


def test_a_page_is_rewritten_once_with_its_fonts_and_numbers(tmp_path):
    page = tmp_path / "book" / "m1" / "page.html"
    page.parent.mkdir(parents=True)
    page.write_text(PAGE, encoding="utf-8")
    assert pm.prerender(tmp_path, [page], TEX, assistive=True) == 5
    pm._copy_fonts(tmp_path)
    html = page.read_text(encoding="utf-8")

    assert html.count("<mjx-container") == 5
    # display formulas take the keyboard focus (a wide one scrolls); inline ones do not
    assert html.count('<mjx-container tabindex="0" ') == 3
    # the bare amsmath environment is typeset as a display formula, with its two rows
    nowrap = html[html.index('id="equation-nowrap">') :]
    assert nowrap.index("<mjx-container") < nowrap.index("</div>") and "\\begin{align}" not in nowrap
    assert _mathml(nowrap).get("display") == "block" and len(list(_mathml(nowrap).iter(MATHML + "mtr"))) == 2
    assert "\\(" not in html.replace("<pre>\\(not a formula: code\\)</pre>", "")
    assert "<pre>\\(not a formula: code\\)</pre>" in html, "only Sphinx's formulas are touched"
    # the equation number and its link stay in front of the typeset formula
    assert re.search(r'id="equation-eq-one">\s*<span class="eqno">\(1\.1\)<a [^>]*>#</a></span><mjx-container', html)
    # '<' in the TeX (written &lt; by Sphinx) reaches MathJax as '<'
    first = html[html.index("<mjx-container") : html.index("</mjx-container>")]
    assert "<mo>&lt;</mo>" in first
    # one stylesheet, in the head, whose fonts are found relative to the page
    style = re.search(r'<style id="mvcalc-mathjax-styles">(.*?)</style>\s*</head>', html, re.DOTALL)
    assert style, "the stylesheet is not at the end of the head"
    urls = re.findall(r'url\("([^"]+)"\)', style.group(1))
    assert urls and all(u.startswith("../../_static/mathjax-fonts/") for u in urls)
    assert all((page.parent / u).is_file() for u in urls)

    # a second build leaves a typeset page alone
    assert pm.prerender(tmp_path, [page], TEX, assistive=True) == 0
    assert page.read_text(encoding="utf-8") == html


def test_fonts_are_found_the_way_the_page_finds_its_static_files(tmp_path):
    # the singlehtml build writes its one page at book/intro.html, with links from the root
    page = tmp_path / "book" / "intro.html"
    page.parent.mkdir(parents=True)
    page.write_text(
        PAGE.replace("<title>t</title>", '<title>t</title><link href="_static/a.css" rel="stylesheet">'),
        encoding="utf-8",
    )
    pm.prerender(tmp_path, [page], TEX, assistive=False)
    urls = re.findall(r'url\("([^"]+)"\)', page.read_text(encoding="utf-8"))
    assert urls and all(u.startswith("_static/mathjax-fonts/") for u in urls), urls[:3]


def test_a_formula_in_an_unknown_form_is_a_warning(tmp_path, monkeypatch):
    warnings = []
    monkeypatch.setattr(pm.logger, "warning", lambda message, **kw: warnings.append((message, kw)))
    page = tmp_path / "odd.html"
    page.write_text(
        '<html><head></head><body><div class="math notranslate nohighlight">$$x$$</div>'
        '<span class="math notranslate nohighlight">\\(y\\)</span></body></html>',
        encoding="utf-8",
    )
    assert pm.prerender(tmp_path, [page], TEX, assistive=False) == 1
    assert len(warnings) == 1 and "1 formulas" in warnings[0][0] and warnings[0][1]["location"] == "odd.html"


def test_a_page_without_formulas_is_left_as_it_is(tmp_path):
    page = tmp_path / "plain.html"
    page.write_text("<html><head></head><body><p>\\(x\\) in prose</p></body></html>", encoding="utf-8")
    before = page.read_text(encoding="utf-8")
    assert pm.prerender(tmp_path, [page], TEX, assistive=True) == 0
    assert page.read_text(encoding="utf-8") == before


def test_missing_node_is_a_clear_error(monkeypatch):
    monkeypatch.setattr(pm.shutil, "which", lambda name: None)
    with pytest.raises(pm.ExtensionError, match="Node.js"):
        pm.typeset([[{"tex": "x", "display": False}]], TEX, assistive=False)
