"""The commentary frames (board.commentary) on a format-5 folder: the one-line text next to each
value of the indicator page (by the subject the value belongs to; "" elsewhere, never None or nan),
the misses per subject, and the results table's «Giải trình» column."""

from __future__ import annotations

import pytest

from tests.support.intake import WARD1, filled, intake_tables, run
from tests.unit.intake.conftest import _folder
from vlboard.board import commentary as frames
from vlboard.board import indicator
from vlboard.intake import commentary, imports
from vlboard.store import snapshots
from vlboard.store.source import Snapshot


@pytest.fixture
def folder(tmp_path) -> snapshots.DataDir:
    d = _folder(tmp_path / "data", intake_tables(), "intake", snapshots.FORMAT_DELTA)
    imports.commit(d, WARD1, run(d, filled(d, {"C-01": {"value": 64}}), WARD1))
    return d


def test_text_next_to_each_value(folder):
    before = Snapshot.current(folder)
    rows = before.q("indicator_results", code="C-01")
    assert frames.for_results(before, rows) == [""] * len(rows)
    commentary.explain(folder, WARD1, "C-01", "2025-Q3", "unit", "w1", "Thiếu <b>người</b>", "Tuyển thêm", "31/12/2025")
    src = Snapshot.current(folder)
    rows = src.q("indicator_results", code="C-01")
    notes = frames.for_results(src, rows)
    mine = (rows.period == "2025-Q3") & (rows.unit_code == "w1") & (rows.source == "report")
    assert [n for n, m in zip(notes, mine) if m] == ["Thiếu <b>người</b> — Tuyển thêm; dự kiến đạt 31/12/2025"]
    assert all(n == "" for n, m in zip(notes, mine) if not m)
    table = indicator.results_table(rows, "%", None, notes)
    assert list(table.columns).index("Giải trình") == list(table.columns).index("Đánh giá") + 1
    assert not table["Giải trình"].isna().any()
    assert indicator.results_table(rows, "%")["Giải trình"].eq("").all()


def test_missing_per_subject(folder):
    src = Snapshot.current(folder)
    real = frames.missing(src, "", False)
    assert list(zip(real.period, real.subject_code, real.status_label)) == [
        ("2025-Q2", "w1", "Chưa đạt"),  # the ward's document figure
        ("2025-Q3", "w1", "Gần đạt"),
    ]
    assert not real.isna().any().any()
    counts = frames.per_subject(real)
    assert counts.to_dict("records") == [dict(subject_type="unit", subject_code="w1", subject_name="Phường 1", n=2)]
    assert len(frames.missing(src, "", True)) >= len(real)  # demo figures only when asked
    assert frames.per_subject(real.iloc[0:0]).empty
    cur = frames.current(src)
    assert cur.empty and list(cur.columns) == frames.CURRENT_COLUMNS


def test_one_line_per_indicator_for_the_off_track_screens(folder):
    """by_indicator: the newest explained period up to the screen's period, an agency's first,
    the period named when older, and the overview/wall/pack column «Chưa giải trình» elsewhere."""
    from vlboard.board import overview

    assert frames.by_indicator(Snapshot.current(folder), "2025-Q3") == {}
    commentary.explain(folder, WARD1, "C-01", "2025-Q3", "unit", "w1", "Thiếu <b>người</b>", "Tuyển thêm", "")
    src = Snapshot.current(folder)
    assert frames.by_indicator(src, "2025-Q3") == {"C-01": "Phường 1: Thiếu <b>người</b> — Tuyển thêm"}
    assert frames.by_indicator(src, "2025-Q4") == {"C-01": "Phường 1: Thiếu <b>người</b> — Tuyển thêm (Quý III/2025)"}
    assert frames.by_indicator(src, "2025-Q2") == {}  # never an explanation written for a later period
    assert frames.by_indicator(src, None) == {}
    card = src.con.sql(
        "select 'C-01' as indicator_code, 'x' as name_vi, 'not_achieved' as status, "
        "'Chưa đạt' as status_label, 0.5 as attainment, 'vì' as explanation "
        "union all select 'C-02', 'y', 'near', 'Gần đạt', 0.9, 'vì'"
    ).df()
    shown = overview.off_track(card, explained=frames.by_indicator(src, "2025-Q3"))
    assert shown.set_index("Mã")["Giải trình"].to_dict() == {
        "C-01": "Phường 1: Thiếu <b>người</b> — Tuyển thêm",
        "C-02": "Chưa giải trình",
    }
    assert "Giải trình" not in overview.off_track(card).columns  # the narrative's use: no column
