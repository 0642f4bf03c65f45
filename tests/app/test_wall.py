"""The wall's playlist (pure), the page in AppTest, and failure handling."""

from __future__ import annotations

import time

import pytest
from streamlit.testing.v1 import AppTest

from tests.support.fixtures import ROOT
from vlboard.board import wall
from vlboard.store import snapshots
from vlboard.store.source import Snapshot

pytestmark = pytest.mark.usefixtures("clear_streamlit_caches")

FACTS = wall.Facts(
    n_offtrack=12,
    n_overdue=3,
    n_missing_reports=5,
    pillar_pct={"chinh_quyen_so": 40.0, "kinh_te_so": 85.0, "xa_hoi_so": None},
    n_agencies=8,
    n_units=124,
    n_changes=0,
)


def test_attention_first_and_longer_green_pillars_brief():
    slides = wall.playlist(FACTS, base=20)
    keys = [s.key for s in slides]
    assert keys[:3] == ["offtrack", "reports", "overdue"]  # largest count first
    assert keys[3] == "summary"
    assert keys.index("pillar:chinh_quyen_so") < keys.index("pillar:kinh_te_so")  # worst pillar first
    assert "pillar:xa_hoi_so" not in keys  # nothing to show
    assert "changes" not in keys
    dwell = {s.key: s.dwell for s in slides}
    assert dwell["offtrack"] == 30 and dwell["summary"] == 20
    assert dwell["pillar:chinh_quyen_so"] == 24 and dwell["pillar:kinh_te_so"] == 10


def test_nothing_wrong_means_no_attention_slides():
    slides = wall.playlist(wall.Facts(pillar_pct={"chinh_quyen_so": 90.0}), base=10)
    assert [s.key for s in slides] == ["summary", "pillar:chinh_quyen_so"]


def test_url_chooses_slides_and_dwell_safely():
    assert wall.parse_only("summary,units,../etc,offtrack") == ["summary", "units", "offtrack"]
    assert wall.parse_only("<script>") is None
    assert [s.key for s in wall.playlist(FACTS, 20, ["units", "heat", "summary"])] == ["units", "heat", "summary"]
    assert wall.clamp_dwell("20") == 20 and wall.clamp_dwell("0.1") == 3 and wall.clamp_dwell("1e9") == 600
    assert wall.clamp_dwell("nan") == wall.DEFAULT_DWELL and wall.clamp_dwell("abc") == wall.DEFAULT_DWELL


def test_advance_waits_for_the_dwell_then_wraps():
    slides = wall.playlist(wall.Facts(pillar_pct={"chinh_quyen_so": 90.0}), base=10)  # dwell 10 and 5
    pos = wall.advance(None, slides, now=100.0)
    assert pos == wall.Position(0, 100.0)
    assert wall.advance(pos, slides, 109.9) == pos
    pos = wall.advance(pos, slides, 110.0)
    assert pos == wall.Position(1, 110.0)
    assert wall.advance(pos, slides, 115.0).index == 0  # wraps round


def open_wall(monkeypatch, data, **params) -> AppTest:
    monkeypatch.setenv("VLBOARD_DATA", str(data.root))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    for k, v in params.items():
        at.query_params[k] = v
    at.run()
    at.switch_page("views/ioc.py").run()
    return at


def page_text(at: AppTest) -> str:
    """The wall's text as the browser shows it (its HTML snippets carry data as character references)."""
    import html

    return " ".join(html.unescape(m.value) for m in at.markdown)


def test_wall_page_shows_clock_data_date_snapshot_and_demo_mark(monkeypatch, shipped_data):
    at = open_wall(monkeypatch, shipped_data, rotate="5")
    assert not at.exception
    text = page_text(at)
    sid = snapshots.current_id(shipped_data)
    assert "Chuyển đổi số tỉnh Vĩnh Long" in text and sid in text and "Số liệu đến ngày" in text
    assert "CÓ DỮ LIỆU MINH HỌA" in text
    assert "trang 1/" in text and "Chỉ tiêu chậm tiến độ" in text  # attention first
    assert not at.sidebar.selectbox  # no filter widgets on the wall


def test_wall_rotates_when_the_dwell_has_passed(monkeypatch, shipped_data):
    at = open_wall(monkeypatch, shipped_data, rotate="5")
    first = [m.value for m in at.markdown if m.value.startswith("## ")][0]
    at.session_state["wall"]["pos"] = wall.Position(0, time.monotonic() - 3600)
    at.run()
    second = [m.value for m in at.markdown if m.value.startswith("## ")][0]
    assert first != second and "trang 2/" in page_text(at)


def test_wall_real_only_hides_the_demo_mark(monkeypatch, shipped_data):
    at = open_wall(monkeypatch, shipped_data, source="real", slides="summary")
    assert not at.exception
    assert "MINH HỌA" not in page_text(at)


def test_wall_keeps_last_good_data_when_the_snapshot_breaks(monkeypatch, tmp_path, shipped_data):
    import shutil

    shutil.copytree(shipped_data.root, tmp_path / "d")
    data = snapshots.DataDir(tmp_path / "d")
    at = open_wall(monkeypatch, data, slides="summary")
    assert not at.exception
    data.current_file.write_text("khong-ton-tai\n", encoding="utf-8")
    at.run()
    assert not at.exception
    assert any("Dữ liệu chưa cập nhật" in w.value for w in at.warning)
    assert snapshots.read_manifest(next(p for p in data.snapshots.iterdir() if not p.name.startswith(".")))
    sid = [p.name for p in data.snapshots.iterdir() if not p.name.startswith(".")][0]
    snapshots.switch_current(data, sid)
    at.run()
    assert not any("Dữ liệu chưa cập nhật" in w.value for w in at.warning)  # recovers by itself


def test_wall_html_snippets_show_data_literally():
    import html

    from vlboard.ui.wall import _html

    hostile = "<img src=x onerror=alert(1)> **đậm** [x](javascript:alert(1)) :red[ĐỎ] &amp; 'q\""
    out = _html(hostile)
    assert html.unescape(out) == hostile  # the browser shows exactly the data
    assert not any(c in out for c in "<>*[]():\"'") and "&amp;" not in out


def test_every_wall_slide_with_real_data_only(monkeypatch, shipped_data):
    """Demo hidden (how the province runs it): every slide draws, results from the newest period
    that has a judged indicator, named in the heading; no None/nan/empty or English placeholder."""
    import re

    placeholder = re.compile(r"(?<![\w/])(None|nan|NaN|NaT|null|empty|undefined|No data)(?![\w/])")
    keys = list(wall.SLIDE_KEYS)
    at = open_wall(monkeypatch, shipped_data, source="real", slides=",".join(keys), rotate="600")
    import json

    from vlboard.board import overview, screens

    src = Snapshot.current(shipped_data)
    period = screens.shown_period(src, include_demo=False)
    f = screens.filters.Filters(period=period, source="real")
    judged = screens.has_judgement(screens.narrow(screens.full_card(src, period, False), src, f))
    seen, charts_on = {}, {}
    for i, key in enumerate(keys):
        at.session_state["wall"]["pos"] = wall.Position(i, time.monotonic())
        at.run()
        assert not at.exception, (key, at.exception)
        text = page_text(at)
        heading = [m.value for m in at.markdown if m.value.startswith("## ")][0]
        assert heading.startswith(f"## {wall.TITLES[key]} — "), heading
        assert not placeholder.search(text), (key, placeholder.search(text).group(0))
        seen[key] = (heading, text)
        charts_on[key] = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    assert "Chưa có kỳ nào" not in seen["overdue"][1]  # tasks do not depend on results
    assert re.search(r"\d+ nhiệm vụ đã quá thời hạn", seen["overdue"][1].replace("</div><div class='wall-big'>", " "))
    assert "hôm nay" in seen["overdue"][0]
    assert "đơn vị, cơ quan chưa gửi đủ báo cáo" in seen["reports"][1]
    # the shipped documents report 2024 figures against 2025/2030 targets with nothing earlier to
    # draw a path from: under the symmetric rule none is judged, and the wall says so with numbers
    assert not judged and seen["summary"][0].endswith(overview.period_label(period))
    assert "chưa có chỉ tiêu nào đủ điều kiện so với mục tiêu" in seen["summary"][1]
    assert re.search(r"\d+ chỉ tiêu có số liệu nhưng chưa đến kỳ đánh giá", seen["summary"][1])
    assert [c["data"][0]["type"] for c in charts_on["summary"]] == ["bar"]  # the status counts still show
    brief = screens.briefing(src, f, __import__("datetime").date.today())
    assert brief.league.empty  # nothing judged with real data: no agency is ranked


def test_wall_shows_gauges_and_the_one_league_once_real_figures_are_judged(monkeypatch, shipped_data, tmp_path):
    """A clerk's 2026 report on a KH 67 indicator (targets 2025 and 2030) is judged on the path:
    the real-data wall then shows the gauges and the same agency league as the agencies page."""
    import html
    import json
    import shutil

    import pyarrow as pa

    from vlboard.board import screens
    from vlboard.store import schema

    data = snapshots.DataDir(tmp_path / "d")
    shutil.copytree(shipped_data.root, data.root)
    _, path, _ = snapshots.current(data)
    tables = snapshots.read_tables(path)
    stored = schema.arrow_schema("results", derived=False)
    report = dict.fromkeys(stored.names)
    report.update(
        result_id="rep-1",
        indicator_code="KH67-2025-04",
        period="2026",
        period_type="year",
        year=2026,
        period_end=__import__("datetime").date(2026, 12, 31),
        unit_code="tinh-86",
        value=95.0,
        as_of=__import__("datetime").date(2026, 12, 1),
        source="report",
        reported_by="test",
    )
    tables["results"] = pa.concat_tables(
        [tables["results"].select(stored.names).cast(stored), pa.Table.from_pylist([report], schema=stored)]
    )
    snapshots.write_snapshot(data, tables, author="test", note="a judged real figure")
    src = Snapshot.current(data)
    period = screens.shown_period(src, include_demo=False)
    assert period == "2026"
    at = open_wall(monkeypatch, data, source="real", slides="summary,agencies", rotate="600")
    assert not at.exception
    gauges = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    assert [g["data"][0]["type"] for g in gauges].count("indicator") == 3
    f = screens.filters.Filters(period=period, source="real")
    brief = screens.briefing(src, f, __import__("datetime").date.today())
    at.session_state["wall"]["pos"] = wall.Position(1, time.monotonic())
    at.run()
    league = [html.unescape(y) for c in at.get("plotly_chart") for y in json.loads(c.proto.spec)["data"][0]["y"]]
    assert league and league == list(brief.league.name.head(10))


def test_wall_summary_shows_the_gauge_distribution(monkeypatch, shipped_data):
    import json

    at = open_wall(monkeypatch, shipped_data, slides="summary")
    figs = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    gauges = [f for f in figs if f["data"][0]["type"] == "indicator"]
    assert len(gauges) == 3 and all("gần đạt" in g["data"][0]["title"]["text"] for g in gauges)
    assert "vạch đen: mốc 80%" in page_text(at)
