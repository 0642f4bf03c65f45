"""A leader's phone view measured in headless Chromium at 390×844 (an iPhone 12–15): the overview,
the indicator page and a pillar page, demo and real data (``source=real``).

Asserted on each page: nothing wider than the screen (the document and Streamlit's scrolling main
box, and every element of the main content, apart from what sits inside a box that scrolls
sideways on its own: the data grid, which the phone replaces by cards where it lists indicators);
every chart at least 300×200 px with its legend below its plot area; no «None», «nan» or English
UI words in any visible text, tooltip or label; the smallest visible text ≥ 12 px; the compact
status list (cards: code, status badge, name, value against target, the why-line) shown instead
of the grid, each why-line inside the screen. Screenshots, one per screen height, and the figures
(measure.json) go to artifacts/phone/.
"""

from __future__ import annotations

import json
import os
import re

import pytest

from tests.support.served import ARTIFACTS, CHROMIUM, browser_page, served_app

pytestmark = pytest.mark.skipif(
    not os.path.exists(CHROMIUM) and not os.environ.get("CI"), reason="Debian chromium missing: run `make setup`"
)

W, H = 390, 844
OUT = ARTIFACTS / "phone"
PAGES = ["/tong-quan", "/chi-tiet?code=DA2702-2025-23", "/chinh-quyen-so"]
# what Streamlit and Plotly write in English on a page (tooltips, aria labels, toolbar buttons)
ENGLISH = [
    "Fullscreen",
    "View fullscreen",
    "Close fullscreen",
    "Download",
    "Download as CSV",
    "Search",
    "Show data",
    "Autoscale",
    "Zoom",
    "Pan",
    "Reset axes",
    "Download plot as a png",
    "Produced with Plotly",
    "Stop",
]
MISSING = re.compile(r"(?<![\w-])(None|nan|NaN|undefined|null)(?![\w-])")

MEASURE = """() => {
  const W = innerWidth, main = document.querySelector('[data-testid=stMain]');
  const shown = e => e.checkVisibility({opacityProperty: false, visibilityProperty: true});
  const sideways = e => { for (let a = e.parentElement; a && a !== main; a = a.parentElement) {
      const s = getComputedStyle(a);
      if ((s.overflowX === 'auto' || s.overflowX === 'scroll' || s.overflowX === 'hidden') && a.scrollWidth > a.clientWidth + 1)
        return a.getAttribute('data-testid') || a.className.toString().slice(0, 40); }
    return null; };
  const texts = [];
  const walker = document.createTreeWalker(main, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const t = n.textContent.trim(), el = n.parentElement;
    if (!t || !shown(el)) continue;
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    texts.push({text: t.slice(0, 60), size: parseFloat(getComputedStyle(el).fontSize)});
  }
  const wide = [], inside = new Set();
  for (const e of main.querySelectorAll('*')) {
    const r = e.getBoundingClientRect();
    if (!r.width || (r.right <= W + 1 && r.left >= -1) || !shown(e)) continue;
    const box = sideways(e);
    if (box) { inside.add(box); continue; }
    wide.push((e.getAttribute('data-testid') || e.tagName + '.' + (e.className.baseVal ?? e.className))
      .slice(0, 60) + ' ' + Math.round(r.left) + '–' + Math.round(r.right));
  }
  const charts = [...main.querySelectorAll('.js-plotly-plot')].filter(shown).map(c => {
    const r = c.getBoundingClientRect(), lg = c.querySelector('.legend'),
      plots = [...c.querySelectorAll('.nsewdrag')].map(p => p.getBoundingClientRect().bottom);
    const lr = lg ? lg.getBoundingClientRect() : null;
    return {w: r.width, h: r.height, legendTop: lr && lr.height ? lr.top : null,
      plotBottom: plots.length ? Math.max(...plots) : null, title: (c.querySelector('.gtitle') || {}).textContent || ''};
  });
  const labels = [...document.querySelectorAll('[title], [aria-label], [data-title]')].filter(shown)
    .flatMap(e => ['title', 'aria-label', 'data-title'].map(a => e.getAttribute(a)).filter(Boolean));
  const why = [...main.querySelectorAll('.vl-why')].filter(shown).map(e => e.getBoundingClientRect())
    .map(r => [r.left, r.right]);
  const grids = [...main.querySelectorAll('[class*=st-key-vlgrid-] [data-testid=stDataFrame]')].filter(shown).length;
  return {scrollW: document.documentElement.scrollWidth, mainW: main.scrollWidth, W, text: document.body.innerText,
    minFont: Math.min(...texts.map(t => t.size)), small: texts.filter(t => t.size < 12).slice(0, 10),
    wide: wide.slice(0, 20), inside: [...inside], charts, labels, why, grids,
    cards: main.querySelectorAll('.vl-card').length};
}"""


def settled(page, url: str) -> None:
    """Open a page, wait for the run to end, scroll through it once (charts draw when reached)."""
    from playwright.sync_api import expect

    page.goto(url)
    page.wait_for_selector("[data-testid=stMainBlockContainer] h1", timeout=60_000)
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=60_000)
    page.wait_for_timeout(1500)  # a page that queries again after its title
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=60_000)
    for _ in range(60):
        end = page.evaluate(
            "() => { const m = document.querySelector('[data-testid=stMain]'); m.scrollBy(0, 800);"
            " return m.scrollTop + m.clientHeight >= m.scrollHeight - 2; }"
        )
        page.wait_for_timeout(250)
        if end:
            break
    page.wait_for_timeout(2000)  # elements fade in after a run: measure them at full opacity
    page.evaluate("() => document.querySelector('[data-testid=stMain]').scrollTo(0, 0)")


def screens(page, name: str, limit: int = 12) -> None:
    """One screenshot per screen height, top to bottom (the page scrolls inside Streamlit's main box)."""
    for i in range(limit):
        page.screenshot(path=str(OUT / f"{name}-{i + 1:02d}.png"))
        end = page.evaluate(
            f"() => {{ const m = document.querySelector('[data-testid=stMain]'); m.scrollBy(0, {H - 80});"
            " return m.scrollTop + m.clientHeight >= m.scrollHeight - 2; }"
        )
        if end:
            page.wait_for_timeout(300)
            page.screenshot(path=str(OUT / f"{name}-{i + 2:02d}.png"))
            break
        page.wait_for_timeout(300)


def problems(m: dict) -> list[str]:
    out = []
    if m["scrollW"] > m["W"] + 1 or m["mainW"] > m["W"] + 1:
        out.append(f"page wider than the screen: {m['scrollW']}/{m['mainW']} > {m['W']}")
    out += [f"wider than the screen: {w}" for w in m["wide"]]
    for c in m["charts"]:
        if c["w"] < 300 or c["h"] < 200:
            out.append(f"chart {c['title']!r} {c['w']:.0f}×{c['h']:.0f} px")
        if c["legendTop"] is not None and c["plotBottom"] is not None and c["legendTop"] < c["plotBottom"] - 1:
            out.append(f"legend of {c['title']!r} not below its plot ({c['legendTop']:.0f} < {c['plotBottom']:.0f})")
    if m["minFont"] < 12:
        out.append(f"text under 12 px: {m['small']}")
    words = [m["text"], *m["labels"]]
    out += [f"English: {e!r}" for e in ENGLISH if any(re.search(rf"\b{re.escape(e)}\b", w) for w in words)]
    out += [f"missing value shown: {x.group(0)!r}" for x in (MISSING.search(m["text"]),) if x]
    out += [f"why-line off the screen: {r}" for r in m["why"] if r[0] < -1 or r[1] > m["W"] + 1]
    if m["grids"]:
        out.append(f"{m['grids']} indicator grid(s) shown on the phone instead of cards")
    return out


@pytest.mark.parametrize("source", ["", "source=real"])
def test_phone_pages_fit_390(shipped_data, source):
    OUT.mkdir(parents=True, exist_ok=True)
    found, figures = {}, {}
    with served_app(shipped_data.root) as url, browser_page(W, H) as page:
        for path in PAGES:
            sep = "&" if "?" in path else "?"
            settled(page, url + path + (sep + source if source else ""))
            m = page.evaluate(MEASURE)
            name = re.sub(r"\W+", "-", path.strip("/") + ("-real" if source else "-demo"))
            screens(page, name)
            figures[name] = {
                "min_font_px": m["minFont"],
                "document_width": m["scrollW"],
                "main_width": m["mainW"],
                "charts": [(round(c["w"]), round(c["h"])) for c in m["charts"]],
                "cards": m["cards"],
                "scrolls_sideways_inside": m["inside"],
            }
            if bad := problems(m):
                found[path] = bad
            if path == "/tong-quan" and not source:  # demo: the slowest indicators as cards
                assert m["cards"] >= 3 and len(m["why"]) >= 3, m["cards"]
    (OUT / f"measure{'-real' if source else ''}.json").write_text(
        json.dumps(figures, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    print(json.dumps(figures, ensure_ascii=False))
    assert not found, found
    # the only boxes that may scroll sideways are Streamlit's data grids (tables that are not indicator lists)
    assert all(
        b in ("stDataFrameResizable", "stDataFrame") or "dvn-scroller" in b
        for f in figures.values()
        for b in f["scrolls_sideways_inside"]
    ), figures


def test_hovered_chart_and_grid_show_no_english(shipped_data):
    """On a desktop screen, hover a chart (Plotly's modebar) and a data grid (Streamlit's element
    toolbar): every tooltip and label a user can meet is Vietnamese."""
    with served_app(shipped_data.root) as url, browser_page(1366, 768) as page:
        settled(page, url + "/tong-quan")
        chart = page.locator(".js-plotly-plot").first
        chart.scroll_into_view_if_needed()
        chart.hover()
        page.wait_for_timeout(500)
        # a toolbar button's tooltip is its ::after content (plotly.js CSS), by default its data-title
        titles = page.evaluate(
            "() => [...document.querySelectorAll('.modebar-btn')].filter(e => e.checkVisibility())"
            ".map(e => getComputedStyle(e, '::after').content.replace(/^\"|\"$/g, ''))"
        )
        assert "Tải ảnh PNG" in titles, titles  # the toolbar showed, translated
        grid = page.get_by_test_id("stDataFrame").first
        grid.scroll_into_view_if_needed()
        grid.hover()
        page.wait_for_timeout(500)
        m = page.evaluate(MEASURE)
        words = [m["text"], *m["labels"], *titles]
        english = [e for e in ENGLISH if any(re.search(rf"\b{re.escape(e)}\b", w) for w in words)]
        assert not english, (english, titles)
        assert (
            page.get_by_test_id("stElementToolbar").evaluate_all("es => es.filter(e => e.checkVisibility()).length")
            == 0
        )
