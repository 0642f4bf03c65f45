"""WCAG 2.1 AA with axe-core (the copy bundled by axe-playwright-python) in headless Chromium, on
every page and the wall, demo and real data: no serious or critical violation from vlboard's own
content. The app's CSP forbids inline scripts, so axe runs through ``page.evaluate`` (CDP).

Left out, with the reason (Streamlit's own chrome, which vlboard cannot change):
- ``list`` / ``listitem`` on ``[data-testid=stSidebarNavItems]``: Streamlit 1.67 renders the sidebar
  navigation as a ``<ul>`` whose children are ``<div>``s wrapping the ``<li>``s.
- the wall (``/ioc``) is measured and reported, not asserted: it is being rebuilt for 4 m (issue 24)
  and its demo badge is 1.93:1 today.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.support.served import CHROMIUM, browser_page, served_app

pytestmark = pytest.mark.skipif(
    not os.path.exists(CHROMIUM) and not os.environ.get("CI"), reason="Debian chromium missing: run `make setup`"
)

TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PAGES = [
    "/tong-quan",
    "/chinh-quyen-so",
    "/co-quan",
    "/phuong-xa",
    "/chi-tiet?code=DA2702-2025-23",
    "/kinh-phi",
    "/nhiem-vu",
    "/doi-chieu-chi-tieu",
    "/nhap-so-lieu",
    "/lich-su-du-lieu",
]
STREAMLIT_CHROME = {"list": "stSidebarNavItems", "listitem": "stSidebarNavItems"}
RUN = """async (tags) => {
  const r = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
  return r.violations.map(v => ({id: v.id, impact: v.impact,
    nodes: v.nodes.map(n => ({target: n.target.join(' '), html: n.html, summary: n.failureSummary}))}));
}"""


def axe_source() -> str:
    import axe_playwright_python

    return (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text(encoding="utf-8")


def settled(page, url: str) -> None:
    from playwright.sync_api import expect

    page.goto(url)
    page.wait_for_selector("[data-testid=stMainBlockContainer]", timeout=60000)
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=60000)
    page.wait_for_timeout(3000)  # elements fade in after a run: measure them at full opacity


def ours(violations: list[dict]) -> list[str]:
    """Serious or critical violations, the Streamlit chrome above left out."""
    out = []
    for v in violations:
        if v["impact"] not in ("serious", "critical"):
            continue
        for n in v["nodes"]:
            chrome = STREAMLIT_CHROME.get(v["id"])
            if chrome and ("stSidebarNav" in n["html"] or n["html"].startswith("<li")):
                continue
            out.append(f"{v['id']}: {n['target']} {n['summary'][:160]}")
    return out


@pytest.mark.parametrize("source", ["", "source=real"])
def test_pages_have_no_serious_violation(shipped_data, source):
    axe = axe_source()
    found = {}
    with served_app(shipped_data.root) as url, browser_page(1366, 768) as page:
        for path in PAGES:
            sep = "&" if "?" in path else "?"
            settled(page, url + path + (sep + source if source else ""))
            assert page.evaluate("document.documentElement.lang") == "vi"
            page.evaluate(axe)
            problems = ours(page.evaluate(RUN, TAGS))
            if problems:
                found[path] = problems
    assert not found, found


def test_wall_is_measured(shipped_data):
    """The wall's violations are reported (it is being rebuilt); its language is Vietnamese."""
    with served_app(shipped_data.root) as url, browser_page(1920, 1080) as page:
        settled(page, url + "/ioc")
        page.evaluate(axe_source())
        violations = page.evaluate(RUN, TAGS)
        assert page.evaluate("document.documentElement.lang") == "vi"
        print({v["id"]: len(v["nodes"]) for v in violations})
    assert all(v["id"] == "color-contrast" for v in violations if v["impact"] in ("serious", "critical"))
