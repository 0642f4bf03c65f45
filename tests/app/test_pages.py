"""AppTest for every page: shipped data, empty snapshot, filters change what is shown, deep links."""

from __future__ import annotations

import html
import json
import re

import pytest
from streamlit.testing.v1 import AppTest

from tests.support.fixtures import ROOT, tiny_tables
from vlboard.store import snapshots
from vlboard.store.source import Snapshot

APP = str(ROOT / "app.py")
PAGES = [
    "views/overview.py",
    "views/pillar.py",
    "views/agencies.py",
    "views/units.py",
    "views/indicator.py",
    "views/budget.py",
    "views/milestones.py",
]


pytestmark = pytest.mark.usefixtures("clear_streamlit_caches")


def open_page(monkeypatch, data, page=None, **params) -> AppTest:
    monkeypatch.setenv("VLBOARD_DATA", str(data.root))
    at = AppTest.from_file(APP, default_timeout=90)
    for k, v in params.items():
        at.query_params[k] = v
    at.run()
    if page:
        at.switch_page(page).run()
    return at


def figures(at: AppTest) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def texts(at: AppTest) -> str:
    return " ".join([m.value for m in at.markdown] + [c.value for c in at.caption] + [t.value for t in at.title])


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_on_shipped_data(monkeypatch, shipped_data, page):
    at = open_page(monkeypatch, shipped_data, page)
    assert not at.exception, at.exception
    assert at.title, "each page has a title"
    assert not at.error


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_on_an_empty_snapshot(monkeypatch, tmp_path, page):
    data = snapshots.DataDir(tmp_path)
    snapshots.write_snapshot(data, tiny_tables(results=[]), author="t", note="empty")
    (tmp_path / "geo").mkdir()
    at = open_page(monkeypatch, data, page)
    assert not at.exception, at.exception


def test_overview_gauges_follow_the_pillar_counts(monkeypatch, shipped_data):
    at = open_page(monkeypatch, shipped_data)
    figs = figures(at)
    gauges = [f for f in figs if f["data"][0]["type"] == "indicator"]
    assert len(gauges) == 3
    assert all("chỉ tiêu có số liệu đạt" in g["data"][0]["title"]["text"] for g in gauges)
    bars = [f for f in figs if f["data"][0]["type"] == "bar"]
    assert bars and any("Đạt" in t["name"] for t in bars[0]["data"])


def test_a_filter_changes_what_is_shown_and_lands_in_the_url(monkeypatch, shipped_data):
    at = open_page(monkeypatch, shipped_data)
    before = [f["data"][0].get("value") for f in figures(at) if f["data"][0]["type"] == "indicator"]
    at.sidebar.radio(key="flt_source").set_value("real").run()
    assert not at.exception
    assert at.query_params["source"] == "real"
    after = [f["data"][0].get("value") for f in figures(at) if f["data"][0]["type"] == "indicator"]
    assert before != after


def test_deep_link_restores_filters(monkeypatch, shipped_data):
    at = open_page(monkeypatch, shipped_data, period="2024-Q4", pillar="xa_hoi_so", status="not_achieved")
    assert not at.exception
    assert at.sidebar.selectbox(key="flt_period").value == "2024-Q4"
    assert at.sidebar.selectbox(key="flt_pillar").value == "xa_hoi_so"
    assert "Quý IV/2024" in texts(at)
    worst = [d.value for d in at.dataframe if "Vì sao" in d.value.columns][0]
    assert worst["Tình trạng"].eq("✖ Chưa đạt").all()


def test_unknown_parameters_fall_back_with_a_visible_note(monkeypatch, shipped_data):
    at = open_page(monkeypatch, shipped_data, period="2099-Q9", plan="<script>alert(1)</script>", foo="bar")
    assert not at.exception
    notes = " ".join(w.value for w in at.warning)
    assert "kỳ" in notes and "kế hoạch" in notes and "foo" in notes
    assert "<script>" not in notes  # escaped, shown as text
    assert at.sidebar.selectbox(key="flt_plan").value == ""


def test_pillar_page_uses_its_navigation_entry(monkeypatch, shipped_data):
    at = open_page(monkeypatch, shipped_data, "views/pillar.py")
    assert "Trụ cột chính quyền số" in texts(at)
    bullets = [f for f in figures(at) if "so với mục tiêu" in f["layout"]["title"]["text"]]
    assert bullets and bullets[0]["layout"]["shapes"], "target marker at 100%"


def test_agency_page_league_and_completeness(monkeypatch, shipped_data):
    # city agencies existed until the 2025 reorganisation: judge 2025-Q2
    at = open_page(monkeypatch, shipped_data, "views/agencies.py", period="2025-Q2")
    frames = {tuple(d.value.columns): d.value for d in at.dataframe}
    reporting = [v for k, v in frames.items() if "Phải báo cáo" in k][0]
    assert (reporting["Đã nhận"] <= reporting["Phải báo cáo"]).all() and len(reporting) > 0
    at.radio(key="agency_role").set_value("partner").run()
    assert not at.exception


def test_units_page_draws_the_map_with_attribution(monkeypatch, shipped_data):
    at = open_page(monkeypatch, shipped_data, "views/units.py")
    maps = [f for f in figures(at) if any(t["type"] == "choropleth" for t in f["data"])]
    assert maps
    notes = " ".join(a.get("text", "") for a in maps[0]["layout"].get("annotations", []))
    assert "thanglequoc/vietnamese-provinces-database" in notes


def test_budget_page_sums_match_the_documents(monkeypatch, shipped_data):
    at = open_page(monkeypatch, shipped_data, "views/budget.py")
    m = {x.label: x.value for x in at.metric}
    assert m["Tổng kinh phí Đề án (QĐ 2702)"] == "174.650 triệu đồng"
    assert m["Năm 2025"] == "60.910 triệu đồng" and m["Giai đoạn 2026–2030"] == "113.740 triệu đồng"
    assert not at.error  # no discrepancy between lines and printed totals
    assert "7.300 triệu đồng" in " ".join(s.value for s in at.subheader)


def test_milestones_page_flags_overdue(monkeypatch, shipped_data):
    at = open_page(monkeypatch, shipped_data, "views/milestones.py")
    m = {x.label: x.value for x in at.metric}
    assert int(m["Quá hạn"]) > 0  # e.g. "Tham mưu triển khai IOC", Quý I/2025
    table = at.dataframe[0].value
    ioc = table[table["Mã"] == "DA2702-PL2-III.3"].iloc[0]
    assert ioc["Tình trạng"] == "Quá hạn" and ioc["Hạn cuối"] == "31/03/2025"


def test_units_page_without_boundaries_falls_back_to_a_table(monkeypatch, tmp_path, shipped_data):
    import shutil

    shutil.copytree(shipped_data.root, tmp_path / "d", ignore=shutil.ignore_patterns("geo"))
    at = open_page(monkeypatch, snapshots.DataDir(tmp_path / "d"), "views/units.py")
    assert not at.exception
    assert "Không đọc được ranh giới" in at.warning[0].value


def test_meeting_pack_from_the_sidebar(monkeypatch, shipped_data):
    monkeypatch.setenv("VLBOARD_NO_PNG", "1")  # tables only: fast, and the app must say so
    at = open_page(monkeypatch, shipped_data, pillar="kinh_te_so")
    at.sidebar.button(key="pack_build").click().run()
    assert not at.exception
    data, name, fmt = at.session_state["pack_file"]
    assert data[:4] == b"%PDF" and name.endswith(".pdf") and fmt == "pdf"
    assert any("chỉ có bảng" in w.value for w in at.sidebar.warning)
    at.sidebar.radio(key="pack_format").set_value("pptx").run()
    at.sidebar.button(key="pack_build").click().run()
    data, name, fmt = at.session_state["pack_file"]
    assert data[:2] == b"PK" and name.endswith(".pptx")


# ----------------------------------------------------------------------- real data (demo hidden)

PLACEHOLDER = re.compile(r"(?<![\w/])(None|nan|NaN|NaT|null|empty|undefined|No data)(?![\w/])")
REAL_PAGES = [*PAGES, "views/pillar.py"]


def shown_text(at: AppTest) -> str:
    """Everything a user reads: text elements, every table cell as the grid shows it, and the
    text of every figure (titles, annotations, axis labels, bar and hover texts)."""
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [t.value for t in at.title]
    parts += [s.value for s in at.subheader] + [i.value for i in at.info] + [w.value for w in at.warning]
    parts += [f"{m.label} {m.value}" for m in at.metric]
    for d in at.dataframe:
        df = d.value
        parts += [str(c) for c in df.columns]
        parts += [
            "None" if v is None or (isinstance(v, float) and v != v) else str(v)
            for v in df.astype(object).to_numpy().ravel()
        ]
        if df.empty:
            parts.append("empty")
    for fig in figures(at):
        lay = fig["layout"]
        parts.append(lay.get("title", {}).get("text", ""))
        parts += [a.get("text", "") for a in lay.get("annotations", [])]
        for trace in fig["data"]:
            for key in ("text", "hovertext", "y", "x", "name"):
                v = trace.get(key)
                if isinstance(v, str):
                    parts.append(v)
                elif isinstance(v, list):
                    parts += [str(x) for x in v if isinstance(x, str) or x is None and key in ("text", "hovertext")]
            title = trace.get("title", {})
            parts.append(title.get("text", "") if isinstance(title, dict) else "")
    return "\n".join(p for p in parts if p)


@pytest.mark.parametrize("page", REAL_PAGES)
def test_every_page_with_real_data_only_shows_no_placeholder(monkeypatch, shipped_data, page):
    at = open_page(monkeypatch, shipped_data, page, source="real")
    assert not at.exception, at.exception
    assert at.query_params["source"] == "real"
    text = shown_text(at)
    hits = {m.group(0) for m in PLACEHOLDER.finditer(text)}
    assert not hits, [line for line in text.splitlines() if PLACEHOLDER.search(line)][:5]
    assert "minh họa" not in " ".join(i.value for i in at.info)  # no demo banner


@pytest.mark.parametrize("page", ["views/overview.py", "views/agencies.py", "views/units.py"])
def test_a_period_without_data_says_so_and_links_the_latest_with_data(monkeypatch, tiny_data, page):
    # tiny data: 2024 holds one document figure with no 2024 target; 2025-Q3 holds judged ward figures
    at = open_page(monkeypatch, tiny_data, page, period="2024")
    assert not at.exception, at.exception
    notes = " ".join(i.value for i in at.info)
    assert "Năm 2024: chưa có" in notes and "Quý III/2025" in notes, notes
    assert "period=2025-Q3" in notes  # the same page and filters, in the newest period with data
    assert not PLACEHOLDER.search(shown_text(at))
    at = open_page(monkeypatch, tiny_data, page, period="2025-Q3")
    assert not any("chưa có" in i.value and "Kỳ gần nhất" in i.value for i in at.info)


def test_overview_gauges_show_the_distribution_and_the_tables_link_to_the_detail(monkeypatch, shipped_data):
    at = open_page(monkeypatch, shipped_data, period="2025-Q3")
    gauges = [f for f in figures(at) if f["data"][0]["type"] == "indicator"]
    assert len(gauges) == 3
    for g in gauges:
        head = g["data"][0]["title"]["text"]
        counts = r"(\d+)/(\d+) chỉ tiêu có số liệu đạt</sub><br><sub>◐ (\d+) gần đạt · ✖ (\d+) chưa đạt"
        k, n, near, bad = map(int, re.search(counts, head).groups())
        assert k + near + bad == n
        assert g["data"][0]["value"] == pytest.approx(100 * k / n)
    worst = [d.value for d in at.dataframe if "Vì sao" in d.value.columns][0]
    from urllib.parse import parse_qs, urlsplit

    for url in worst["Mã"]:
        parts = urlsplit(url)
        assert parts.path == "chi-tiet" and parse_qs(parts.query)["period"] == ["2025-Q3"], url
        assert parse_qs(parts.query)["code"][0] in set(ui_codes(shipped_data))


def ui_codes(data) -> list[str]:
    return list(Snapshot.current(data).q("indicator_list").code)


def test_agency_league_is_the_one_the_wall_and_the_pack_show(monkeypatch, shipped_data):
    from vlboard.board import screens
    from vlboard.domain import filters

    at = open_page(monkeypatch, shipped_data, "views/agencies.py", period="2025-Q2")
    league = [f for f in figures(at) if "Xếp hạng cơ quan" in f["layout"]["title"]["text"]][0]
    on_page = [html.unescape(y) for y in league["data"][0]["y"]]  # plotly labels are HTML-escaped
    src = Snapshot.current(shipped_data)
    f, _ = filters.parse({"period": "2025-Q2"}, screens.filter_options(src, True))
    import datetime as dt

    brief = screens.briefing(src, f, dt.date(2025, 10, 1))
    assert list(brief.league.name.head(len(on_page))) == on_page
    # collective leads printed in the plans are ranked as themselves on every screen: most
    # indicators they lead have no other lead, leaving them out would hide those indicators
    collective = {"UBND 11 phường", "Ban, ngành TPVL và UBND 11 phường", "DN viễn thông", "Khối đảng, đoàn thể TPVL"}
    assert collective <= set(brief.league.name) and collective <= set(on_page)


def test_pillar_chart_draws_every_indicator_with_a_figure(monkeypatch, shipped_data):
    at = open_page(monkeypatch, shipped_data, "views/pillar.py", period="2025-Q3")
    bullets = [f for f in figures(at) if "so với mục tiêu" in f["layout"]["title"]["text"]][0]
    drawn = sum(len(t.get("y") or []) for t in bullets["data"] if t["type"] == "bar")
    total = len([d.value for d in at.dataframe if "Vì sao" in d.value.columns][0])
    assert drawn > 40  # more than the former cut at 40
    assert f"Biểu đồ có {drawn}/{total} chỉ tiêu" in " ".join(c.value for c in at.caption)


@pytest.mark.parametrize("page, applies", [("views/budget.py", False), ("views/milestones.py", False)])
def test_budget_and_tasks_say_the_agency_filter_does_not_apply(monkeypatch, shipped_data, page, applies):
    at = open_page(monkeypatch, shipped_data, page, agency="VP-UBND-T")
    notes = " ".join(i.value for i in at.info)
    assert "không áp dụng" in notes and "cơ quan" in notes, notes
    at = open_page(monkeypatch, shipped_data, page)
    assert "không áp dụng" not in " ".join(i.value for i in at.info)
