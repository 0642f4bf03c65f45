"""Hostile text inside the data, in a real Chromium: names, notes, tasks, an import row and a snapshot
note carry script tags, event handlers, javascript: links and Streamlit markup. Every page must show
them as text: no script runs, no dialog opens, no javascript: link exists, the markup stays literal.

st.dataframe draws on a canvas, so the literal-text checks look at headings, captions, Markdown and
the wall's HTML snippets; the no-script checks cover the whole page.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import pyarrow as pa
import pytest

from tests.support.served import ARTIFACTS, CHROMIUM, browser_page, served_process
from vlboard.store import build, schema, snapshots

# skipped only on a developer machine without Chromium; in CI a missing browser must fail
pytestmark = pytest.mark.skipif(
    not os.path.exists(CHROMIUM) and not os.environ.get("CI"), reason="Debian chromium missing: run `make setup`"
)

SCRIPT = "<script>window.__xss=1</script>"
IMG = '<img src=x onerror="window.__xss=2">'
MD_LINK = "[bấm](javascript:window.__xss=3)"
A_LINK = '<a href="javascript:window.__xss=4">x</a>'
RED, ICON, BOLD = ":red[ĐỎ]", ":material/warning:", "**đậm**"
PAYLOADS = [SCRIPT, IMG, MD_LINK, A_LINK, RED, ICON, BOLD]
ALL = " ".join(PAYLOADS)
NFC_NAME = "Nguyễn Thị Ánh Hồng"  # composed (NFC) Vietnamese
PLANTED = "DA2702-2025-23"  # an indicator with results in the shipped data


def _with(table: pa.Table, column: str, values: list) -> pa.Table:
    i = table.schema.get_field_index(column)
    return table.set_column(i, table.schema.field(i), pa.array(values, type=table.schema.field(i).type))


def _prefixed(table: pa.Table, column: str, first: str | None = None, key: str | None = None) -> pa.Table:
    """Every value gets a payload in front (cycling through PAYLOADS); the row whose ``key`` column
    equals ``first`` gets all of them."""
    keys = table.column(key).to_pylist() if key else [None] * table.num_rows
    old = table.column(column).to_pylist()
    new = [
        f"{ALL} {v or ''}" if (first is not None and k == first) else f"{PAYLOADS[i % len(PAYLOADS)]} {v or ''}"
        for i, (k, v) in enumerate(zip(keys, old))
    ]
    return _with(table, column, new)


def plant(shipped: snapshots.DataDir, root: Path) -> snapshots.DataDir:
    """A copy of the shipped data whose live snapshot carries the payloads."""
    for part in ("source", "documents", "geo"):
        shutil.copytree(shipped.root / part, root / part)
    data = snapshots.DataDir(root)
    base = build.build(data, author="tests")
    t = snapshots.read_tables(data.snapshots / base)
    t["indicators"] = _prefixed(t["indicators"], "name_vi", PLANTED, "code")
    t["agencies"] = _prefixed(_prefixed(t["agencies"], "name_vi"), "short_name")
    t["units"] = _prefixed(t["units"], "name_vi")
    t["plans"] = _with(
        t["plans"], "short_name", [f"{ALL} {NFC_NAME} {v}" for v in t["plans"].column("short_name").to_pylist()]
    )
    codes = t["results"].column("indicator_code").to_pylist()
    for col in ("note", "quote"):
        t["results"] = _with(
            t["results"], col, [ALL if c == PLANTED else v for c, v in zip(codes, t["results"].column(col).to_pylist())]
        )
    t["milestones"] = _prefixed(t["milestones"], "task_vi")
    t["imports"] = pa.Table.from_pylist(
        [
            {
                "import_id": "imp-xss",
                "imported_at": dt.datetime(2026, 1, 5, 3, 0),
                "username": f"{SCRIPT}{NFC_NAME}",
                "role": "editor",
                "scope_type": "unit",
                "scope_code": t["units"].column("unit_code")[0].as_py(),
                "period": "2025-Q3",
                "file_name": f"{IMG}{MD_LINK}.xlsx",
                "file_sha256": "0" * 64,
                "file_bytes": 1,
                "base_snapshot": base,
                "n_new": 1,
                "n_changed": 0,
                "n_unchanged": 0,
            }
        ],
        schema=schema.arrow_schema("imports"),
    )
    snapshots.write_snapshot(data, t, author=A_LINK, note=f"{ALL} {NFC_NAME}")
    return data


# ------------------------------------------------------------------------------------- the browser

PLAN = "qd2702-2024"
# path, what must be drawn before checking, payloads that must show literally (as text, not markup)
PAGES = [
    ("tong-quan", f"/tong-quan?plan={PLAN}", [SCRIPT, IMG, MD_LINK, RED, BOLD, NFC_NAME]),  # caption: filters
    ("co-quan", "/co-quan", "any"),  # subheader: the first agency of the league
    ("phuong-xa", "/phuong-xa", None),
    ("chi-tiet", f"/chi-tiet?code={PLANTED}", [SCRIPT, IMG, MD_LINK, A_LINK, RED, ICON, BOLD]),  # the heading
    ("nhiem-vu", f"/nhiem-vu?plan={PLAN}", [SCRIPT, RED]),
    ("lich-su-du-lieu", "/lich-su-du-lieu", None),  # tables only (canvas): the snapshot note, its author
    ("nhap-so-lieu", "/nhap-so-lieu", None),  # the import row (file name, account) in a canvas table
    ("ioc", f"/ioc?plan={PLAN}&slides=offtrack&rotate=600", [SCRIPT, IMG, A_LINK, RED, ICON, BOLD]),  # header line
]

# every attribute that could run script: javascript: URLs anywhere, inline on* handlers
SCRIPT_ATTRIBUTES = """() => Array.from(document.querySelectorAll('*')).flatMap(el =>
    Array.from(el.attributes).filter(a => /^\\s*javascript:/i.test(a.value) || /^on/i.test(a.name))
        .map(a => `${el.tagName} ${a.name}=${a.value}`))"""

# the payloads' markup that must not have taken effect inside Streamlit's text elements (Streamlit
# itself turns a javascript: link into href="#", so the link would not run, but it must not exist)
TEXT = "[data-testid=stMarkdownContainer], [data-testid=stCaptionContainer]"
MARKUP_TAKEN = f"""() => {{ const out = [];
    for (const c of document.querySelectorAll('{TEXT}')) {{
        for (const a of c.querySelectorAll('a')) if (['bấm', 'x'].includes(a.textContent.trim())) out.push(a.outerHTML);
        for (const s of c.querySelectorAll('.stMarkdownColoredText')) if (s.textContent.includes('ĐỎ')) out.push(s.outerHTML);
        for (const s of c.querySelectorAll('strong, b')) if (s.textContent.trim() === 'đậm') out.push(s.outerHTML);
        for (const s of c.querySelectorAll('span[role=img]')) if (s.textContent.trim() === 'warning') out.push(s.outerHTML);
        for (const s of c.querySelectorAll('img, script')) out.push(s.outerHTML);
    }}
    // Plotly reads <a href>, <b>, <span style> in labels: a data label must never become an element
    for (const a of document.querySelectorAll('.js-plotly-plot svg a')) out.push('chart ' + a.outerHTML);
    return out; }}"""
CHART_TEXT = ".js-plotly-plot svg text"


@pytest.fixture(scope="module")
def browser(shipped_data, tmp_path_factory):
    data = plant(shipped_data, tmp_path_factory.mktemp("xss") / "d")
    ARTIFACTS.mkdir(exist_ok=True)
    dialogs: list[str] = []
    with served_process(data.root) as (url, _proc), browser_page() as page:
        page.on("dialog", lambda d: (dialogs.append(f"{d.type}: {d.message}"), d.dismiss()))
        yield url, page, dialogs


@pytest.mark.parametrize("name, path, literal", PAGES, ids=[p[0] for p in PAGES])
def test_planted_payloads_stay_text(browser, name, path, literal):
    from playwright.sync_api import expect

    url, page, dialogs = browser
    dialogs.clear()
    page.goto(url + path)
    if name == "ioc":
        expect(page.locator("h2").first).to_be_visible(timeout=30_000)
        expect(page.get_by_text("Chuyển đổi số tỉnh Vĩnh Long")).to_be_visible(timeout=30_000)
    else:
        expect(page.locator("h1").first).to_be_visible(timeout=30_000)
        expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=30_000)
    page.wait_for_timeout(1_500)  # let charts, grids and images (an onerror would fire now) settle
    assert page.get_by_test_id("stException").count() == 0, page.inner_text("body")[:2000]

    links = page.locator('a[href^="javascript:" i]')
    for i in range(links.count()):
        if links.nth(i).is_visible():
            links.nth(i).click(timeout=2_000, no_wait_after=True)
    page.wait_for_timeout(300)
    page.screenshot(path=str(ARTIFACTS / f"xss-{name}.png"), full_page=True)
    assert links.count() == 0, [links.nth(i).evaluate("a => a.outerHTML") for i in range(links.count())]
    assert page.evaluate(SCRIPT_ATTRIBUTES) == []
    assert page.evaluate("window.__xss") is None
    assert dialogs == []
    assert page.evaluate(MARKUP_TAKEN) == [], f"payload markup took effect on {name}"

    shown = page.locator(f"{TEXT}, {CHART_TEXT}")
    assert shown.filter(has_text="&lt;").count() == shown.filter(has_text="&amp;").count() == 0, "escaped twice"
    if name == "co-quan":  # agency names on the league chart's axis, as text
        assert page.locator(CHART_TEXT).filter(has_text=SCRIPT).count() >= 1
    text = page.locator(TEXT)  # headings, Markdown, captions, alerts (not the select boxes, not the canvas grids)
    if literal == "any":
        assert any(text.filter(has_text=p).count() for p in PAYLOADS), f"no payload shown as text on {name}"
    elif literal:
        missing = [p for p in literal if text.filter(has_text=p).count() == 0]
        assert not missing, f"shown as markup, not text, on {name}: {missing}"
