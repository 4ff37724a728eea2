"""axe-core's accessibility audit of every built page, in the light and the dark colour scheme.

axe-core (Deque's engine, the one in browsers' developer tools and Lighthouse) is
injected into each page of the table of contents, after the page and its fonts have
loaded (the formulas are typeset when the book is built), with the WCAG 2.0/2.1 level A and AA rules and axe's best
practices. A violation whose impact is serious or critical fails the test; its
message names the rule, the page, the scheme and the elements (CSS selectors).
Minor and moderate findings are not failures (axe's ``region``: the theme puts the
book's title in the sidebar outside any landmark).

No rule is switched off. The fixes live in the book: ``tools/a11y_fixes.py`` and
``book/_static/a11y.css``.
"""

from __future__ import annotations

import pytest

from _a11y import SCHEMES, open_page, set_scheme
from _book import HTML, html_pages

pytestmark = pytest.mark.book

PAGES = html_pages()
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
FAILING_IMPACTS = {"serious", "critical"}


@pytest.fixture(scope="module")
def axe():
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


def serious_violations(axe, tab) -> list[dict]:
    """axe's violations of impact serious or critical on the open page."""
    options = {"runOnly": {"type": "tag", "values": TAGS}, "resultTypes": ["violations"]}
    response = axe.run(tab, options=options).response
    return [v for v in response["violations"] if v["impact"] in FAILING_IMPACTS]


def describe(violations: list[dict], where: str) -> str:
    lines = []
    for v in violations:
        lines.append(f"{v['id']} ({v['impact']}) on {where}: {v['help']} ({len(v['nodes'])} elements)")
        for node in v["nodes"][:8]:
            summary = " ".join(node.get("failureSummary", "").split())
            lines.append(f"    {' '.join(map(str, node['target']))}: {summary[:300]}")
    return "\n".join(lines)


@pytest.mark.parametrize("page", PAGES, ids=[str(p.relative_to(HTML)) for p in PAGES])
def test_page_has_no_serious_violation(browser, site, axe, page):
    """The page in the light scheme, then switched to the dark one as the reader's system would."""
    report = []
    with open_page(browser, f"{site}/{page.relative_to(HTML).as_posix()}", SCHEMES[0]) as tab:
        for scheme in SCHEMES:
            set_scheme(tab, scheme)
            violations = serious_violations(axe, tab)
            if violations:
                report.append(describe(violations, f"{page.relative_to(HTML)} ({scheme} scheme)"))
    assert not report, "\n" + "\n".join(report)


def test_the_audit_finds_violations(browser, axe):
    """A page with an image without alt text and grey-on-grey text fails: the audit is not vacuous."""
    context = browser.new_context()
    tab = context.new_page()
    tab.set_content(
        '<!doctype html><html lang="en"><head><title>t</title></head><body><main>'
        '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" width="10" height="10">'
        '<p style="color:#777;background:#888">grey on grey</p></main></body></html>'
    )
    found = {v["id"]: v for v in serious_violations(axe, tab)}
    context.close()
    assert {"image-alt", "color-contrast"} <= set(found), sorted(found)
    assert found["image-alt"]["impact"] == "critical"
    assert "image-alt (critical) on the test page" in describe([found["image-alt"]], "the test page")
