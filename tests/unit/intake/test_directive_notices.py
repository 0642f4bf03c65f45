"""The notices of leaders' directives: a directive issued within events_within_days goes once to
its owner agency's clerk and head, on each configured channel; a done one, an old one or a key the
send log holds is not sent again; an owner without contacts is named."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from vlboard.intake import directive_notices as notices
from vlboard.intake.contacts import Contact
from vlboard.intake.ladder import Ladder

NOW = dt.datetime(2026, 12, 5, 8, 0)
LADDER = Ladder((), dt.time(21, 0), dt.time(7, 0))  # events within 7 days
BOOK = [
    Contact("agency", "A-1", "clerk", "Chị Lan", "lan@vinhlong.gov.vn", "hook-a1"),
    Contact("agency", "A-1", "head", "Anh Minh", "minh@vinhlong.gov.vn"),
    Contact("agency", "A-2", "clerk", "Khác", "khac@vinhlong.gov.vn"),
]


def frame(**over) -> pd.DataFrame:
    row = dict(
        directive_id="cd-1",
        issued_at=pd.Timestamp(2026, 12, 3, 9, 0),
        issued_by="lanh-dao",
        target_label="Chỉ tiêu C-01 — Tỷ lệ người dân có tài khoản",
        owner_agency="A-1",
        owner_name="Phòng VH&TT",
        deadline=dt.date(2027, 1, 15),
        meeting="Giao ban tháng 12",
        text="<b>Đẩy nhanh</b> cấp tài khoản",
        state="open",
    )
    return pd.DataFrame([{**row, **over}])


def test_clerk_and_head_once_per_channel():
    msgs, lacking = notices.plan(
        frame(), BOOK, LADDER, NOW, done=set(), failed=set(), base_url="https://x/", channels=("email", "webhook")
    )
    assert sorted((m.name, m.channel) for m in msgs) == [
        ("Anh Minh", "email"),
        ("Chị Lan", "email"),
        ("Chị Lan", "webhook"),
    ]
    m = next(m for m in msgs if m.role == "head")
    assert m.title == "Chỉ đạo mới giao Phòng VH&TT: hạn 15/01/2027"
    assert "<b>Đẩy nhanh</b> cấp tài khoản" in m.body and "tại Giao ban tháng 12" in m.body
    assert m.link == "https://x/chi-dao?id=cd-1" and lacking == []
    again, _ = notices.plan(frame(), BOOK, LADDER, NOW, done={x.key for x in msgs}, failed=set(), base_url="")
    assert again == []


def test_done_old_and_uncontacted():
    assert notices.plan(frame(state="done"), BOOK, LADDER, NOW, done=set(), failed=set(), base_url="")[0] == []
    old = frame(issued_at=pd.Timestamp(2026, 11, 1))
    assert notices.plan(old, BOOK, LADDER, NOW, done=set(), failed=set(), base_url="")[0] == []
    msgs, lacking = notices.plan(
        frame(owner_agency="A-9", owner_name="Sở X"), BOOK, LADDER, NOW, done=set(), failed=set(), base_url=""
    )
    assert msgs == [] and lacking == [
        "Sở X (A-9): chưa có cán bộ đầu mối trong danh bạ để nhận chỉ đạo",
        "Sở X (A-9): chưa có lãnh đạo đơn vị trong danh bạ để nhận chỉ đạo",
    ]
