"""The pure frames of «Kỳ báo cáo»: DHIS2 reporting rate, timeliness and completeness, the lateness
text and the table cells (never None/nan)."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from vlboard.board import cycle as frames

DUE = dt.date(2026, 10, 10)


def board() -> pd.DataFrame:
    rows = [
        ("a", "da_duyet", 10, 10, 0, "td", None),
        ("b", "da_nop", 10, 6, 0, "b-clerk", None),
        ("c", "tra_lai", 10, 3, 20, "td", "Thiếu <b>C-01</b>"),
        ("d", "chua_nop", 10, 0, 56, None, None),
    ]
    return pd.DataFrame(
        [
            dict(
                subject_type="unit",
                subject_code=code,
                subject_name=f"Xã {code}",
                period="2026-Q3",
                due_date=DUE,
                expected=exp,
                received=rec,
                missing="",
                plans="p",
                state=state,
                state_label={"da_duyet": "Đã duyệt", "da_nop": "Đã nộp", "tra_lai": "Trả lại", "chua_nop": "Chưa nộp"}[
                    state
                ],
                last_event_at=pd.Timestamp("2026-10-20 09:05") if user else pd.NaT,
                last_user=user,
                last_reason=reason,
                days_late=late,
            )
            for code, state, exp, rec, late, user, reason in rows
        ]
    )


def events() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "action": ["submit", "approve", "submit", "submit", "return"],
            "subject_type": ["unit"] * 5,
            "subject_code": ["a", "a", "b", "c", "c"],
            "at": pd.to_datetime(
                ["2026-10-09 17:00", "2026-10-12 08:00", "2026-10-15 10:00", "2026-10-01 08:00", "2026-10-20 09:05"]
            ),
        }
    )


def test_summary_follows_dhis2():
    s = frames.summary(board(), events())
    assert (s.expected, s.received, s.approved, s.waiting, s.returned, s.late, s.on_time) == (4, 2, 1, 1, 1, 2, 1)
    # c submitted on time but was returned: not received, so not on time either
    assert (s.reporting_rate, s.timeliness, s.completeness) == ("50%", "25%", "47,5%")


def test_table_cells_are_text_without_gaps():
    t = frames.table(board(), events(), {"unit:d": "2026-10-13T08:00:00"})
    assert not t.isin(["nan", "NaN", "None", "NaT", ""]).any().any()
    by = t.set_index("Đơn vị báo cáo")
    assert by.loc["Xã a (a)", "Trễ hạn"] == "nộp đúng hạn"
    assert by.loc["Xã b (b)", "Trễ hạn"] == "nộp trễ 5 ngày"
    assert by.loc["Xã d (d)", "Trễ hạn"] == "trễ 56 ngày"
    assert by.loc["Xã d (d)", "Nhắc gần nhất"] == "13/10/2026 08:00"
    assert by.loc["Xã d (d)", "Thao tác gần nhất"] == "—"
    assert by.loc["Xã c (c)", "Lý do"] == "Thiếu <b>C-01</b>"  # a cell, shown as text
    assert by.loc["Xã a (a)", "Hạn nộp"] == "10/10/2026"


def test_empty_period_has_no_rates():
    s = frames.summary(board().iloc[0:0], events().iloc[0:0])
    assert (s.reporting_rate, s.timeliness, s.completeness) == ("—", "—", "—")
