"""The wall's pillar trend lines and its map panel in AppTest: the figures come from the same
frames as the pages (screens.pillar_trend, Briefing.unit_map), on demo and on real data."""

from __future__ import annotations

import datetime as dt
import re
import time

import pytest

from tests.app.test_wall import heading, open_wall, page_text
from vlboard.board import screens, wall
from vlboard.domain import formatting
from vlboard.store import snapshots
from vlboard.store.source import Snapshot

pytestmark = pytest.mark.usefixtures("clear_streamlit_caches")


def test_pillar_tiles_show_the_six_period_trend_and_the_map_names_the_worst_units(monkeypatch, shipped_data):
    at = open_wall(monkeypatch, shipped_data, slides="map", rotate="600")
    assert not at.exception
    src = Snapshot.current(shipped_data)
    f = screens.filters.Filters(period=screens.shown_period(src, include_demo=True), source="all")
    trend = screens.pillar_trend(src, f)
    text = page_text(at)
    for p in wall.MAIN_PILLARS:
        pct = trend[trend.pillar == p].pct.dropna()
        first, last = (formatting.number(round(v)) for v in (pct.iloc[0], pct.iloc[-1]))
        assert f"{len(pct)} kỳ: {first}% → {last}%" in text, p
    assert trend.period.nunique() == 6 and trend.period.iloc[-1] == f.period  # ends at the shown period
    assert "<polyline" in "".join(m.value for m in at.markdown)
    assert heading(at) == wall.TITLES["map"]
    m = screens.briefing(src, f, dt.date.today()).unit_map
    worst = m[m.pct_achieved.notna()].sort_values(["pct_achieved", "name"]).head(5)
    for r in worst.itertuples():
        assert re.search(rf"{round(r.pct_achieved)}%\s+đạt · {re.escape(r.name)} \(\d+/\d+\)", text), r.name
    assert f"chưa có số liệu: {int(m.pct_achieved.isna().sum())}" in text
    assert not at.get("plotly_chart")  # an inline SVG, no chart text to squint at


def test_the_rotation_shows_the_map_instead_of_the_units_list(monkeypatch, shipped_data):
    at = open_wall(monkeypatch, shipped_data, rotate="600")
    total = int(re.search(r"trang 1/(\d+)", page_text(at)).group(1))
    seen = []
    for i in range(total):
        at.session_state["wall"]["pos"] = wall.Position(i, time.monotonic())
        at.run()
        seen.append(heading(at))
    assert wall.TITLES["map"] in seen and wall.TITLES["units"] not in seen


def test_real_data_with_one_judged_period_says_no_trend_yet_and_map_is_skipped(monkeypatch, shipped_data, tmp_path):
    """One real figure judged in 2026 (a clerk's report): one period, no line to draw; no ward
    has a judged figure, so the map panel is not in the rotation and, asked for, says so in a line."""
    import shutil

    import pyarrow as pa

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
        period_end=dt.date(2026, 12, 31),
        unit_code="tinh-86",
        value=95.0,
        as_of=dt.date(2026, 12, 1),
        source="report",
        reported_by="test",
    )
    tables["results"] = pa.concat_tables(
        [tables["results"].select(stored.names).cast(stored), pa.Table.from_pylist([report], schema=stored)]
    )
    snapshots.write_snapshot(data, tables, author="test", note="a judged real figure")
    at = open_wall(monkeypatch, data, source="real", rotate="600")
    assert not at.exception
    text = page_text(at)
    assert re.search(r"đạt 1/1 chỉ tiêu\s+1 đạt\s+·\s+0 gần\s+·\s+0 chưa\s+chưa đủ kỳ để vẽ xu hướng", text)
    assert "<polyline" not in "".join(m.value for m in at.markdown)
    total = int(re.search(r"trang 1/(\d+)", text).group(1))
    seen = []
    for i in range(total):
        at.session_state["wall"]["pos"] = wall.Position(i, time.monotonic())
        at.run()
        seen.append(heading(at))
    assert wall.TITLES["map"] not in seen
    at = open_wall(monkeypatch, data, source="real", slides="map", rotate="600")
    assert "Chưa có phường, xã nào có chỉ tiêu được đánh giá để tô màu bản đồ." in page_text(at)
    assert "<svg" not in "".join(m.value for m in at.markdown)  # one line, no empty map
