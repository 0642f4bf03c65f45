"""«Chỉ đạo quá hạn», the frame the wall's panel and the meeting pack share
(board.directives.overdue_panel): the order (overdue first, most days late first, then by
deadline; done ones never), and each row's movement and evidence lines."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from vlboard.board import directives as frames
from vlboard.domain.directives import Movement
from vlboard.intake.directive_evidence import Evidence

TODAY = dt.date(2026, 12, 5)


class Fake:
    def __init__(self, rows):
        self.rows = rows

    def q(self, name, **params):
        assert name == "directives"
        return pd.DataFrame(self.rows)


def row(did, deadline, state="open", meeting=None, text=None):
    return dict(
        directive_id=did,
        issued_at=pd.Timestamp(2026, 8, 1, 9),
        issued_by="lanh-dao",
        target_type="indicator",
        target_code="C-01",
        target_name="Tỷ lệ người dân có tài khoản",
        owner_agency="A-1",
        owner_name="Phòng VH&TT",
        deadline=deadline,
        meeting=meeting,
        text=text or f"Việc {did}",
        state=state,
        done_reason=None,
        n_notes=0,
    )


def moved(then, now, gap_then, gap_now, p_then="2026-Q2", p_now="2026-Q3", s_then="near", s_now="achieved"):
    return Evidence(Movement(then, now, gap_then, gap_now), dt.date(2026, 8, 1), p_then, p_now, s_then, s_now, "%")


NARROWED = moved(45.0, 52.0, 35.0, 28.0)


def always(ev):
    return lambda src, d, include_demo: ev


D = dt.date


@pytest.mark.parametrize(
    "rows, expected",
    [
        ([("a", D(2026, 12, 1)), ("b", D(2026, 11, 1))], ["b", "a"]),  # most days late first
        ([("a", D(2026, 12, 4)), ("b", D(2026, 12, 5)), ("c", D(2027, 1, 1))], ["a"]),  # due today: not late
        ([("a", D(2026, 1, 1), "done"), ("b", D(2026, 12, 1))], ["b"]),  # done: never overdue
        ([("z", D(2026, 11, 20)), ("a", D(2026, 11, 20))], ["a", "z"]),  # same deadline: by id, stable
        ([("a", D(2027, 1, 1)), ("b", D(2026, 12, 6))], []),
        ([], []),
    ],
)
def test_order_overdue_first_most_days_late_first(rows, expected):
    src = Fake([row(*r) for r in rows])
    got = frames.overdue_panel(src, TODAY, True, always(NARROWED))
    assert list(got.directive_id) == expected
    assert list(got.columns) == frames.PANEL_COLUMNS
    assert list(got.days_late) == sorted(got.days_late, reverse=True)
    assert list(got.directive_id) == list(frames.overdue(src, TODAY).directive_id)  # the same route


def test_a_row_says_who_what_by_when_and_whether_the_number_moved():
    src = Fake([row("a", D(2026, 10, 15), meeting="Giao ban tháng 8/2026")])
    r = frames.overdue_panel(src, TODAY, False, always(NARROWED)).iloc[0]
    assert (r.deadline_text, r.late_text, r.owner_name) == ("15/10/2026", "quá hạn 51 ngày", "Phòng VH&TT")
    assert r.target_label == "Chỉ tiêu C-01 — Tỷ lệ người dân có tài khoản" and r.meeting == "Giao ban tháng 8/2026"
    assert r.movement == "đã cải thiện: 45% → 52%" and r.narrowed
    assert r.evidence.startswith("Từ 01/08/2026: 45% → 52%, khoảng cách tới mục tiêu giảm 7 điểm %.")
    assert "Trạng thái: ◐ Gần đạt → ✔ Đạt." in r.evidence


@pytest.mark.parametrize(
    "ev, said",
    [
        (NARROWED, "đã cải thiện: 45% → 52%"),
        (moved(45.0, 44.0, 35.0, 36.0), "chưa chuyển biến: 45% → 44%"),
        (moved(45.0, 45.0, 35.0, 35.0), "chưa chuyển biến: 45% → 45%"),
        (moved(None, 52.0, None, 28.0, p_then=None), "chưa có số liệu trước ngày ban hành; nay 52%"),
        (moved(45.0, 45.0, 35.0, 35.0, p_now="2026-Q2"), "chưa có số liệu mới sau ngày ban hành (45%)"),
        (moved(None, None, None, None, None, None, None, None), "chưa có số liệu để theo dõi"),
    ],
)
def test_movement_line_never_claims_what_the_data_does_not_say(ev, said):
    assert frames.movement_text(ev) == said
    line = frames.evidence_line(ev)
    assert line and "None" not in line and "nan" not in line


def test_nothing_overdue_is_an_empty_frame_and_no_evidence_is_read():
    def boom(*a):
        raise AssertionError("evidence read for a directive that is not overdue")

    src = Fake([row("a", D(2027, 1, 1)), row("b", D(2026, 1, 1), "done")])
    got = frames.overdue_panel(src, TODAY, True, boom)
    assert got.empty and list(got.columns) == frames.PANEL_COLUMNS
