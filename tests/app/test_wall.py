"""The wall's playlist (pure), the page in AppTest, and failure handling."""

from __future__ import annotations

import re
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


def test_attention_first_and_longer_then_the_other_panels():
    slides = wall.playlist(FACTS, base=20)
    keys = [s.key for s in slides]
    assert keys[:3] == ["offtrack", "reports", "overdue"]  # largest count first
    assert keys[3:] == ["agencies", "units"]  # nothing in the heat table or changes: skipped
    dwell = {s.key: s.dwell for s in slides}
    assert dwell["offtrack"] == 30 and dwell["overdue"] == 30 and dwell["agencies"] == 20


def test_nothing_wrong_means_no_attention_panels_and_never_an_empty_rotation():
    slides = wall.playlist(wall.Facts(pillar_pct={"chinh_quyen_so": 90.0}, n_agencies=3, n_changes=2), base=10)
    assert [(s.key, s.dwell) for s in slides] == [("agencies", 10), ("changes", 7.5)]
    assert [s.key for s in wall.playlist(wall.Facts(), base=10)] == ["overdue"]  # it says there are none


def test_url_chooses_panels_and_dwell_safely():
    assert wall.parse_only("summary,units,../etc,offtrack") == ["units", "offtrack"]
    assert wall.parse_only("<script>") is None
    assert [s.key for s in wall.playlist(FACTS, 20, ["units", "heat", "agencies"])] == ["units", "heat", "agencies"]
    assert wall.clamp_dwell("20") == 20 and wall.clamp_dwell("0.1") == 3 and wall.clamp_dwell("1e9") == 600
    assert wall.clamp_dwell("nan") == wall.DEFAULT_DWELL and wall.clamp_dwell("abc") == wall.DEFAULT_DWELL


def test_night_window_from_the_url():
    night = wall.parse_night("22-6")
    assert night == (22, 6)
    assert [h for h in range(24) if wall.is_night(night, h)] == [0, 1, 2, 3, 4, 5, 22, 23]
    assert [h for h in range(24) if wall.is_night(wall.parse_night("1-3"), h)] == [1, 2]
    for bad in ("", None, "22", "6-6", "25-3", "a-b", "-1-5", "22-6-1"):
        assert wall.parse_night(bad) is None and not wall.is_night(wall.parse_night(bad), 23)


def test_advance_waits_for_the_dwell_then_wraps():
    slides = wall.playlist(wall.Facts(n_agencies=1, n_changes=1), base=10)  # dwell 10 and 7.5
    pos = wall.advance(None, slides, now=100.0)
    assert pos == wall.Position(0, 100.0)
    assert wall.advance(pos, slides, 109.9) == pos
    pos = wall.advance(pos, slides, 110.0)
    assert pos == wall.Position(1, 110.0)
    assert wall.advance(pos, slides, 117.5).index == 0  # wraps round


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

    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", m.value)) for m in at.markdown)


def heading(at: AppTest) -> str:
    """The rotating panel's title ('Nhiệm vụ quá hạn 2/5')."""
    import html

    titles = [re.search(r"<h2 class='w-ptitle'><span>(.*?)</span>", m.value) for m in at.markdown]
    found = [html.unescape(t.group(1)) for t in titles if t]
    assert len(found) == 1, found
    return found[0]


def test_wall_page_shows_clock_data_date_snapshot_and_demo_mark(monkeypatch, shipped_data):
    at = open_wall(monkeypatch, shipped_data, rotate="5")
    assert not at.exception
    text = page_text(at)
    sid = snapshots.current_id(shipped_data)
    assert "Chuyển đổi số tỉnh Vĩnh Long" in text and sid in text and "Số liệu đến ngày" in text
    assert "CÓ DỮ LIỆU MINH HỌA" in text
    assert "trang 1/" in text and heading(at) == "Chỉ tiêu chậm tiến độ"  # attention first
    # always on screen: the three pillars and the four counts that need action
    for label in ("Chính quyền số", "Kinh tế số", "Xã hội số", "chỉ tiêu chậm tiến độ", "nguy cơ không đạt"):
        assert label in text
    assert "đơn vị thiếu báo cáo" in text and "nhiệm vụ quá hạn" in text
    assert not at.sidebar.selectbox  # no filter widgets on the wall


def test_wall_rotates_when_the_dwell_has_passed(monkeypatch, shipped_data):
    at = open_wall(monkeypatch, shipped_data, rotate="5")
    first = heading(at)
    at.session_state["wall"]["pos"] = wall.Position(0, time.monotonic() - 3600)
    at.run()
    second = heading(at)
    assert first != second and "trang 2/" in page_text(at)


def test_wall_real_only_hides_the_demo_mark(monkeypatch, shipped_data):
    at = open_wall(monkeypatch, shipped_data, source="real", slides="overdue")
    assert not at.exception
    assert "MINH HỌA" not in page_text(at)


def test_wall_rests_at_night(monkeypatch, shipped_data):
    import datetime as dt

    from vlboard.domain.vocab import VN_TZ

    hour = dt.datetime.now(VN_TZ).hour
    at = open_wall(monkeypatch, shipped_data, night=f"{hour}-{(hour + 1) % 24}")
    assert not at.exception
    text = page_text(at)
    assert "Màn hình tạm nghỉ ban đêm" in text and f"Trình chiếu lại lúc {(hour + 1) % 24:02d}:00" in text
    assert "Chính quyền số" not in text  # dark and static: no data drawn
    at = open_wall(monkeypatch, shipped_data, night=f"{(hour + 1) % 24}-{(hour + 2) % 24}")
    assert "Màn hình tạm nghỉ" not in page_text(at) and "Chính quyền số" in page_text(at)


def test_wall_keeps_last_good_data_when_the_snapshot_breaks(monkeypatch, tmp_path, shipped_data):
    import shutil

    shutil.copytree(shipped_data.root, tmp_path / "d")
    data = snapshots.DataDir(tmp_path / "d")
    at = open_wall(monkeypatch, data, slides="agencies")
    assert not at.exception
    data.current_file.write_text("khong-ton-tai\n", encoding="utf-8")
    at.run()
    assert not at.exception
    assert "Dữ liệu chưa cập nhật" in page_text(at) and "Chính quyền số" in page_text(at)  # last good data stays
    assert snapshots.read_manifest(next(p for p in data.snapshots.iterdir() if not p.name.startswith(".")))
    sid = [p.name for p in data.snapshots.iterdir() if not p.name.startswith(".")][0]
    snapshots.switch_current(data, sid)
    at.run()
    assert "Dữ liệu chưa cập nhật" not in page_text(at)  # recovers by itself


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

    from vlboard.board import overview, screens

    src = Snapshot.current(shipped_data)
    period = screens.shown_period(src, include_demo=False)
    f = screens.filters.Filters(period=period, source="real")
    judged = screens.has_judgement(screens.narrow(screens.full_card(src, period, False), src, f))
    seen = {}
    for i, key in enumerate(keys):
        at.session_state["wall"]["pos"] = wall.Position(i, time.monotonic())
        at.run()
        assert not at.exception, (key, at.exception)
        text = page_text(at)
        assert heading(at) == wall.TITLES[key]
        assert not placeholder.search(text), (key, placeholder.search(text).group(0))
        assert "chưa duyệt" not in text  # no report in the shipped data: nothing to mark (issue 19)
        seen[key] = text
        assert not at.get("plotly_chart")  # large HTML text, no chart text to squint at
    brief = screens.briefing(src, f, __import__("datetime").date.today())
    overdue = brief.milestones[brief.milestones["Tình trạng"] == "Quá hạn"]
    assert "Chưa có kỳ nào" not in seen["overdue"]  # tasks do not depend on results
    assert re.search(rf"{len(overdue)}\s+nhiệm vụ quá hạn", seen["overdue"])
    assert "Chủ trì nhiều nhiệm vụ quá hạn nhất" in seen["overdue"]  # the panel's caption
    assert all(f"hạn {d}" in seen["overdue"] for d in overdue["Hạn cuối"].head(5))
    c = brief.completeness
    n_missing = int((c["Đã nhận"] < c["Phải báo cáo"]).sum())
    assert "đơn vị, cơ quan chưa gửi đủ báo cáo" in seen["reports"]
    assert re.search(rf"{n_missing}\s+đơn vị thiếu báo cáo", seen["reports"])  # the real count, always on screen
    assert re.search(rf"{len(overdue)}\s+nhiệm vụ quá hạn", seen["reports"])
    # the shipped documents report 2024 figures against 2025/2030 targets with nothing earlier to
    # draw a path from: under the symmetric rule none is judged, and the wall says so with numbers
    assert not judged and overview.period_label(period) in seen["agencies"]
    assert "chưa có chỉ tiêu nào đủ điều kiện so với mục tiêu" in seen["agencies"]
    assert re.search(r"\d+ chỉ tiêu có số liệu nhưng chưa đến kỳ đánh giá", seen["agencies"])
    assert "chưa đánh giá" in seen["offtrack"] and "chưa dự báo" in seen["offtrack"]  # no misleading 0
    assert brief.league.empty  # nothing judged with real data: no agency is ranked


def test_wall_shows_gauges_and_the_one_league_once_real_figures_are_judged(monkeypatch, shipped_data, tmp_path):
    """A clerk's 2026 report on a KH 67 indicator (targets 2025 and 2030) is judged on the path:
    the real-data wall then shows the gauges and the same agency league as the agencies page."""
    import html
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
    at = open_wall(monkeypatch, data, source="real", slides="offtrack,agencies", rotate="600")
    assert not at.exception
    f = screens.filters.Filters(period=period, source="real")
    brief = screens.briefing(src, f, __import__("datetime").date.today())
    text = page_text(at)
    assert "chưa có chỉ tiêu nào đủ điều kiện" not in text and re.search(
        r"100%\s+Chính quyền số\s+đạt 1/1 chỉ tiêu", text
    )
    assert "Kinh tế số  chưa có chỉ tiêu có số liệu để đánh giá" in text
    at.session_state["wall"]["pos"] = wall.Position(1, time.monotonic())
    at.run()
    rows = [m for t in at.markdown for m in re.findall(r"<div class='w-li'>(.*?)</div>", t.value)]
    league = [html.unescape(r.rsplit(" · ", 1)[-1]) for r in rows]
    assert league and league == list(brief.league.name.head(5))


def test_wall_headline_shows_each_pillars_distribution(monkeypatch, shipped_data):
    from vlboard.domain import rollups

    at = open_wall(monkeypatch, shipped_data, slides="agencies")
    from vlboard.board import screens

    src = Snapshot.current(shipped_data)
    f = screens.filters.Filters(period=screens.shown_period(src, include_demo=True), source="all")
    card = screens.briefing(src, f, __import__("datetime").date.today()).card
    text = page_text(at)
    for p, name in (("chinh_quyen_so", "Chính quyền số"), ("kinh_te_so", "Kinh tế số"), ("xa_hoi_so", "Xã hội số")):
        g = rollups.gauge_counts(card, p)
        n = g.achieved + g.near + g.not_achieved
        assert re.search(
            rf"{round(g.pct)}%\s+{name}\s+đạt {g.achieved}/{n} chỉ tiêu\s+{g.achieved} đạt\s+·\s+{g.near} gần\s+·\s+"
            rf"{g.not_achieved} chưa",
            text,
        ), name


def test_sidebar_opens_the_wall_in_a_new_tab_with_the_plan_and_source(monkeypatch, shipped_data):
    """A Markdown link (Streamlit opens those in a new tab: tests/browser/test_wall_measure.py clicks
    it), relative so it works under the proxy's path prefix."""
    monkeypatch.setenv("VLBOARD_DATA", str(shipped_data.root))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.query_params["source"] = "real"
    at.query_params["plan"] = "qd3100-2023-tpvl"
    at.run()
    assert not at.exception
    links = [m.value for m in at.sidebar.markdown if "Mở màn hình IOC" in m.value]
    assert links == ["[:material/tv: Mở màn hình IOC (thẻ mới)](ioc?plan=qd3100-2023-tpvl&source=real)"]
