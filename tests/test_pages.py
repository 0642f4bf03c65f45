"""AppTest for every page: shipped data, empty snapshot, filters change what is shown, deep links."""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from vlboard import snapshots

from .conftest import ROOT, tiny_tables

APP = str(ROOT / "app.py")
PAGES = ["views/overview.py", "views/pillar.py", "views/agencies.py", "views/units.py",
         "views/indicator.py", "views/budget.py", "views/milestones.py"]


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
