"""The directives' frames: the list overdue first (most days late first), then open by deadline,
done last; overdue() — the one route of «Chỉ đạo quá hạn» for the wall and the pack; the table
shown on the pages never holds None or nan."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from vlboard.board import directives as frames

TODAY = dt.date(2026, 12, 5)


class Fake:
    def __init__(self, rows):
        self.rows = rows

    def q(self, name, **params):
        assert name == "directives"
        return pd.DataFrame(self.rows)


def row(did, deadline, state="open", **kw):
    return dict(
        directive_id=did,
        issued_at=pd.Timestamp(2026, 10, 1, 9),
        issued_by="lanh-dao",
        target_type="indicator",
        target_code="C-01",
        target_name="Tỷ lệ người dân có tài khoản",
        owner_agency="A-1",
        owner_name="Phòng VH&TT",
        deadline=deadline,
        meeting=None,
        text=f"Việc {did}",
        state=state,
        done_reason=None,
        n_notes=0,
        **kw,
    )


SRC = Fake(
    [
        row("due-later", dt.date(2027, 3, 1)),
        row("late-2d", dt.date(2026, 12, 3)),
        row("done-old", dt.date(2026, 1, 1), "done"),
        row("late-30d", dt.date(2026, 11, 5)),
        row("due-soon", dt.date(2026, 12, 20)),
    ]
)


def test_listing_order_and_labels():
    df = frames.listing(SRC, TODAY)
    assert list(df.directive_id) == ["late-30d", "late-2d", "due-soon", "due-later", "done-old"]
    assert list(df.days_late) == [30, 2, 0, 0, 0]
    assert list(df.state_label) == ["Quá hạn", "Quá hạn", "Đang thực hiện", "Đang thực hiện", "Đã hoàn thành"]
    assert df.target_label.iloc[0] == "Chỉ tiêu C-01 — Tỷ lệ người dân có tài khoản"
    shown = frames.display(df)
    assert list(shown["Tình trạng"])[:2] == ["Quá hạn (30 ngày)", "Quá hạn (2 ngày)"]
    assert not shown.astype(str).isin(["nan", "None", "NaT", ""]).any().any()


def test_overdue_is_the_wall_and_pack_frame():
    df = frames.overdue(SRC, TODAY)
    assert list(df.columns) == frames.OVERDUE_COLUMNS
    assert list(df.directive_id) == ["late-30d", "late-2d"] and list(df.days_late) == [30, 2]
    assert frames.overdue(Fake([]), TODAY).empty
    assert frames.owned_by(frames.listing(SRC, TODAY), "A-2").empty
