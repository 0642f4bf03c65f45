"""The reminders' planner (vlboard.intake.reminders) on hand-built board frames: the ladder day by
day, who gets what, submitted subjects skipped, quiet hours, once per key via the send log, retries,
event notifications; and the loaders of contacts.csv and reminders.toml."""

from __future__ import annotations

import csv
import datetime as dt
import unicodedata

import pandas as pd
import pytest

from tests.support import reminders as rs
from vlboard.intake import contacts, dispatch, ladder, reminders, sendlog

BASE = "https://cds.example.org"


def _plan(b, now, log=None, events=None, book=None):
    state = sendlog.read(log) if log else sendlog.LogState(set(), set())
    return reminders.plan(
        b, book or rs.people(), rs.shipped_ladder(), now, done=state.done, failed=state.failed,
        names=rs.NAMES, base_url=BASE, events=events,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("offset", "expected"),
    [
        (-6, []),
        (-5, [("truoc-han-5", "clerk")]),
        (-1, [("truoc-han-5", "clerk")]),
        (0, [("den-han", "clerk")]),
        (3, [("tre-han-3", "clerk"), ("tre-han-3", "head")]),
        (7, [("tre-han-7", "reviewer"), ("tre-han-7", "leader_office")]),
        (8, [("tre-han-7", "reviewer"), ("tre-han-7", "leader_office")]),
        (31, []),  # stop_after_days = 30
    ],
)
def test_ladder_day_by_day(offset, expected):
    made = _plan(rs.board(), rs.at(offset))
    assert [(m.rule, m.role) for m in made.messages] == expected
    addresses = {"clerk": "clerk.x2025-29857@example.org", "head": "head.x2025-29857@example.org"}
    addresses |= {"reviewer": "reviewer.s-khcn@example.org", "leader_office": "leader.vp@example.org"}
    assert [m.address for m in made.messages] == [addresses[r] for _, r in expected]


def test_message_text_names_period_due_date_missing_and_link():
    (m,) = _plan(rs.board(), rs.at(-5)).messages
    assert m.title == "Nhắc báo cáo Quý III/2026: còn 5 ngày đến hạn nộp 10/10/2026 – Xã Lục Sĩ Thành"
    assert "Kính gửi Nguyễn Văn clerk x2025-29857," in m.body
    assert (
        "  - IND-1: Tỷ lệ hồ sơ trực tuyến toàn trình" in m.body and "IND-2: Tỷ lệ người dân có danh tính số" in m.body
    )
    assert "còn thiếu 2 chỉ tiêu" in m.body
    assert f"{BASE}/nhap-so-lieu?period=2026-Q3" in m.body and m.link == f"{BASE}/nhap-so-lieu?period=2026-Q3"
    late = _plan(rs.board(), rs.at(3)).messages[0]
    assert late.title == "Báo cáo Quý III/2026 trễ hạn 3 ngày – Xã Lục Sĩ Thành"
    assert "đã trễ hạn 3 ngày (hạn nộp 10/10/2026)" in late.body
    for text in (m.title, m.body, late.body):
        assert unicodedata.is_normalized("NFC", text) and "None" not in text and "nan" not in text


def test_year_period_label_and_complete_data():
    row = rs.board_row(period="2026", due_date=dt.date(2026, 12, 10), missing="", received=2)
    (m,) = _plan(rs.board(row), dt.datetime(2026, 12, 10, 9)).messages
    assert m.title.startswith("Nhắc báo cáo Năm 2026: hôm nay (10/12/2026) là hạn nộp")
    assert "Đã có đủ số liệu các chỉ tiêu" in m.body


@pytest.mark.parametrize(
    ("state", "reminded"),
    [("chua_nop", True), ("tra_lai", True), ("mo_lai", True), ("da_nop", False), ("da_duyet", False)],
)
def test_submitted_or_approved_subjects_are_skipped(state, reminded):
    row = rs.board_row(state=state, last_reason="Số liệu IND-1 vượt 100%" if state == "tra_lai" else None)
    made = _plan(rs.board(row), rs.at(3))
    assert bool(made.messages) is reminded
    if state == "tra_lai":
        assert "Báo cáo đã bị trả lại với lý do: Số liệu IND-1 vượt 100%" in made.messages[0].body


def test_each_subject_gets_its_own_people_and_a_missing_contact_is_reported():
    a = rs.board_row()
    b = rs.board_row("S-YT", "Sở Y tế", subject_type="agency")
    c = rs.board_row("x2025-00001", "Xã Không Có Danh Bạ")
    made = _plan(rs.board(a, b, c), rs.at(0), book=rs.people(("unit", "x2025-29857"), ("agency", "S-YT")))
    assert sorted(m.address for m in made.messages) == ["clerk.s-yt@example.org", "clerk.x2025-29857@example.org"]
    assert made.no_contact == ["Xã Không Có Danh Bạ (x2025-00001): chưa có cán bộ đầu mối trong danh bạ"]


def test_quiet_hours_vietnam_time():
    lad = rs.shipped_ladder()
    quiet = [dt.datetime(2026, 10, 10, h, m) for h, m in ((21, 0), (23, 59), (0, 0), (6, 59))]
    awake = [dt.datetime(2026, 10, 10, h, m) for h, m in ((7, 0), (12, 0), (20, 59))]
    assert all(lad.is_quiet(t) for t in quiet) and not any(lad.is_quiet(t) for t in awake)


def test_quiet_run_holds_messages_for_the_next_run(tmp_path):
    log = tmp_path / "reminders.jsonl"
    made = _plan(rs.board(), rs.at(0, hour=22))
    summary = dispatch.run(made.messages, log, rs.at(0, hour=22), quiet=True, smtp=None, webhook=None)
    assert (summary.sent, summary.quiet) == (0, 1)
    assert [r["status"] for r in sendlog.records(log)] == ["skipped_quiet"]
    assert [m.key for m in _plan(rs.board(), rs.at(1), log).messages] == [m.key for m in made.messages]


def test_once_per_key_via_the_log_and_failures_retried(tmp_path):
    log = tmp_path / "reminders.jsonl"
    first = _plan(rs.board(), rs.at(3), log).messages
    assert len(first) == 2
    clerk, head = first
    sendlog.append(log, [{"key": clerk.key, "status": "sent"}, {"key": head.key, "status": "failed", "reason": "x"}])
    again = _plan(rs.board(), rs.at(4), log).messages
    assert [(m.key, m.retry) for m in again] == [(head.key, True)]  # clerk done, head retried
    later = _plan(rs.board(), rs.at(7), log).messages  # a newer step: the old failure is still retried
    assert [(m.rule, m.role, m.retry) for m in later] == [
        ("tre-han-3", "head", True), ("tre-han-7", "reviewer", False), ("tre-han-7", "leader_office", False),
    ]  # fmt: skip
    sendlog.append(log, [{"key": m.key, "status": "sent"} for m in later])
    assert _plan(rs.board(), rs.at(8), log).messages == []
    assert sendlog.read(log).failed == set()


def test_a_missed_run_does_not_send_the_skipped_older_steps():
    made = _plan(rs.board(), rs.at(5))  # nothing sent at -5 and 0: only the newest step reached
    assert {m.rule for m in made.messages} == {"tre-han-3"}


def test_event_notifications():
    now = dt.datetime(2026, 10, 12, 9)
    evs = pd.DataFrame(
        [
            rs.event("cyc-1", "submit", now - dt.timedelta(hours=3)),
            rs.event("cyc-2", "return", now - dt.timedelta(hours=2), reason="Thiếu số liệu IND-2"),
            rs.event("cyc-3", "approve", now - dt.timedelta(hours=1)),
            rs.event("cyc-4", "reopen", now - dt.timedelta(hours=1), reason="Sửa lỗi"),
            rs.event("cyc-0", "approve", now - dt.timedelta(days=8)),  # older than events_within_days
        ]
    )
    submitted = rs.board(rs.board_row(state="da_duyet"))
    made = _plan(submitted, now, events=evs)
    got = [(m.rule, m.role, m.address) for m in made.messages]
    assert got == [
        ("su-kien-submit", "reviewer", "reviewer.s-khcn@example.org"),
        ("su-kien-return", "clerk", "clerk.x2025-29857@example.org"),
        ("su-kien-approve", "clerk", "clerk.x2025-29857@example.org"),
    ]
    submit, ret, approve = made.messages
    assert submit.title == "Xã Lục Sĩ Thành đã nộp báo cáo Quý III/2026: chờ thẩm định"
    assert "Lý do: Thiếu số liệu IND-2" in ret.body and "lúc 07:00 ngày 12/10/2026" in ret.body
    assert approve.title == "Báo cáo Quý III/2026 của Xã Lục Sĩ Thành đã được duyệt"
    assert all(m.key.startswith(e) for m, e in zip(made.messages, ("cyc-1|", "cyc-2|", "cyc-3|"), strict=True))
    done = {m.key for m in made.messages}
    state = reminders.plan(
        submitted, rs.people(), rs.shipped_ladder(), now, done=done, failed=set(), names=rs.NAMES,
        base_url=BASE, events=evs,
    )  # fmt: skip
    assert state.messages == []


def test_shipped_contacts_cover_every_commune_and_are_labelled_fake():
    book = contacts.load_default(rs.ROOT / "data" / "source")
    with (rs.ROOT / "data" / "source" / "units.csv").open(encoding="utf-8") as f:
        communes = {r["unit_code"] for r in csv.DictReader(f) if r["level"] == "xa" and not r["valid_to"]}
    assert len(communes) == 124
    for role in ("clerk", "head"):
        assert communes <= {c.subject_code for c in book if c.subject_type == "unit" and c.role == role}
    assert {(c.role, c.subject_code) for c in book if c.subject_type == "office"} == {
        ("reviewer", "S-KHCN"), ("leader_office", "VP-UBND-T"),
    }  # fmt: skip
    assert all(c.email.endswith("@example.org") and c.note == contacts.FAKE_NOTE for c in book)


def test_bad_contact_rows_are_named_by_line_and_column(tmp_path):
    path = tmp_path / "contacts.csv"
    path.write_text(
        "subject_type,subject_code,role,name,email,webhook_id,note\n"
        "unit,x1,clerk,Cán bộ A,a@example.org,,\n"
        "unit,x1,boss,Cán bộ B,b@example.org,,\n"
        "unit,x1,head,Cán bộ C,khong-phai-email,,\n"
        "agency,KHONG-CO,clerk,Cán bộ D,d@example.org,,\n"
        "office,S1,clerk,Cán bộ E,e@example.org,,\n",
        encoding="utf-8",
    )
    known = {"unit": {"x1"}, "agency": {"S1"}, "office": {"S1"}}
    with pytest.raises(contacts.ContactsError) as exc:
        contacts.load(path, known)
    text = str(exc.value)
    assert "có 4 lỗi" in text
    assert "dòng 3, cột role: vai trò «boss» không hợp lệ" in text
    assert "dòng 4, cột email: «khong-phai-email» không phải địa chỉ thư điện tử hợp lệ" in text
    assert "dòng 5, cột subject_code: mã «KHONG-CO» không có trong agencies.csv" in text
    assert "dòng 6, cột role: vai trò «clerk» không dùng cho subject_type office" in text


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "không có bước nhắc nào"),
        ('[[steps]]\nkey = "a"\ndays = "5"\nrecipients = ["clerk"]\n', "bước a, days: «5» phải là số nguyên"),
        ('[[steps]]\nkey = "a"\ndays = 1\nrecipients = ["sep"]\n', "recipients: vai trò «sep» không hợp lệ"),
        (
            '[quiet_hours]\nstart = "25:00"\n[[steps]]\nkey = "a"\ndays = 1\nrecipients = ["clerk"]\n',
            "quiet_hours.start",
        ),
        ("[[steps]\n", "sai cú pháp TOML"),
    ],
)
def test_bad_ladder_settings(tmp_path, text, message):
    path = tmp_path / "reminders.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ladder.LadderError, match=message):
        ladder.load(path)


def test_send_log_survives_a_torn_line(tmp_path):
    log = tmp_path / "reminders.jsonl"
    log.write_text('{"key": "a", "status": "sent"}\n{"key": "b", "sta', encoding="utf-8")  # a crash mid-line
    sendlog.append(log, [{"key": "c", "status": "failed"}, {"key": "d", "status": "sent"}])
    state = sendlog.read(log)
    assert (state.done, state.failed) == ({"a", "d"}, {"c"})
    assert [r["key"] for r in sendlog.records(log)] == ["a", "c", "d"]


def _three_late():
    return rs.board(
        rs.board_row(),
        rs.board_row("x2025-00002", "Xã Hai", received=1, missing="IND-2"),
        rs.board_row("S-YT", "Sở Y tế", subject_type="agency", plans="kh67-2020"),
    )


def test_the_offices_get_one_digest_per_step_period_and_recipient(tmp_path):
    log = tmp_path / "reminders.jsonl"
    book = rs.people(("unit", "x2025-29857"), ("unit", "x2025-00002"), ("agency", "S-YT"))
    made = _plan(_three_late(), rs.at(8), log, book=book)
    assert [(m.rule, m.role, len(m.subjects)) for m in made.messages] == [
        ("tre-han-7", "reviewer", 3), ("tre-han-7", "leader_office", 3),
    ]  # fmt: skip
    review, leader = made.messages
    assert review.key == "tre-han-7|tong-hop:reviewer|2026-Q3|email:reviewer.s-khcn@example.org"
    assert review.title == "Tổng hợp báo cáo Quý III/2026: 3 đơn vị chưa nộp, trễ đến 8 ngày"
    assert "3 đơn vị chưa nộp báo cáo Quý III/2026 (hạn nộp 10/10/2026):" in review.body
    assert "  - Xã Hai (x2025-00002): trễ 8 ngày, chưa nộp, còn thiếu 1/2 chỉ tiêu" in review.body
    assert "  - Sở Y tế (S-YT): trễ 8 ngày, chưa nộp, còn thiếu 2/2 chỉ tiêu" in review.body
    assert review.link == f"{BASE}/ky-bao-cao?ky=2026-Q3" and review.payload()["subjects"][1]["received"] == 1
    assert unicodedata.is_normalized("NFC", review.body) and "None" not in review.body
    sendlog.append(log, [{"key": review.key, "status": "failed"}, {"key": leader.key, "status": "sent"}])
    (again,) = _plan(_three_late(), rs.at(9), log, book=book).messages  # the failed digest, once more
    assert (again.key, again.retry, len(again.subjects)) == (review.key, True, 3)
    dispatch.run([again], log, rs.at(9), quiet=True, smtp=None, webhook=None)
    assert sendlog.records(log)[-1]["subjects"] == ["agency:S-YT", "unit:x2025-00002", "unit:x2025-29857"]
    sendlog.append(log, [{"key": again.key, "status": "sent", "period": "2026-Q3", "at": "2026-10-19T08:00:00",
                          "subjects": ["unit:x2025-00002", "agency:S-YT"]}])  # fmt: skip
    assert _plan(_three_late(), rs.at(10), log, book=book).messages == []
    assert sendlog.last_sent(log, "2026-Q3") == {
        "unit:x2025-00002": "2026-10-19T08:00:00",
        "agency:S-YT": "2026-10-19T08:00:00",
    }


def test_a_reviewer_with_a_plan_hears_only_of_that_plan():
    book = rs.people(("unit", "x2025-29857"), ("unit", "x2025-00002"), ("agency", "S-YT"))
    book.append(
        contacts.Contact("office", "S-KHCN", "reviewer", "Thẩm định KH 67", "kh67@example.org", plan="kh67-2020")
    )
    made = _plan(_three_late(), rs.at(7), book=book)
    digests = {m.address: [s["subject_code"] for s in m.subjects] for m in made.messages if m.role == "reviewer"}
    assert digests == {
        "reviewer.s-khcn@example.org": ["S-YT", "x2025-00002", "x2025-29857"],  # no plan: every plan
        "kh67@example.org": ["S-YT"],
    }
    only = [c for c in book if c.role != "reviewer" or c.plan]  # the one reviewer left covers kh67 only
    assert _plan(rs.board(), rs.at(7), book=only).no_contact == [
        "Xã Lục Sĩ Thành (x2025-29857): chưa có cán bộ thẩm định trong danh bạ"
    ]


def test_contact_plan_column_is_checked(tmp_path):
    path = tmp_path / "contacts.csv"
    path.write_text(
        "subject_type,subject_code,role,name,email,webhook_id,note,plan\n"
        "office,S1,reviewer,Cán bộ A,a@example.org,,,kh67-2020\n"
        "office,S1,reviewer,Cán bộ B,b@example.org,,,kh99\n"
        "unit,x1,clerk,Cán bộ C,c@example.org,,,kh67-2020\n",
        encoding="utf-8",
    )
    known = {"unit": {"x1"}, "agency": {"S1"}, "office": {"S1"}, "plan": {"kh67-2020", "qd2702-2024"}}
    with pytest.raises(contacts.ContactsError) as exc:
        contacts.load(path, known)
    text = str(exc.value)
    assert "có 2 lỗi" in text
    assert "dòng 3, cột plan: mã kế hoạch «kh99» không có trong plans.csv" in text
    assert "dòng 4, cột plan: chỉ dùng cho dòng office" in text
    assert {c.plan for c in contacts.load_default(rs.ROOT / "data" / "source")} == {""}  # shipped: every plan
