"""The rules of leaders' directives, table-driven: states, who may act, overdue and its order,
the closure rule (movement of the gap to the target, direction given by the gaps, or a reason)."""

from __future__ import annotations

import datetime as dt

import pytest

from vlboard.domain import directives as rules
from vlboard.domain.directives import Movement
from vlboard.domain.status import target_gap, value_text

D = dt.date
TODAY = D(2026, 12, 5)


@pytest.mark.parametrize(
    ("state", "action", "after"),
    [(None, "issue", "open"), ("open", "note", "open"), ("open", "done", "done"), ("done", "reopen", "open")],
)
def test_allowed_transitions(state, action, after):
    assert rules.state_after(state, action) == after


@pytest.mark.parametrize(
    ("state", "action", "fragment"),
    [
        (None, "note", "chưa được ban hành"),
        ("open", "issue", "đã được ban hành"),
        ("open", "reopen", "Chỉ mở lại được"),
        ("done", "note", "hãy mở lại trước"),
        ("done", "done", "hãy mở lại trước"),
        ("open", "delete", "không hợp lệ"),
    ],
)
def test_refused_transitions(state, action, fragment):
    with pytest.raises(rules.RuleError, match=fragment):
        rules.state_after(state, action)


@pytest.mark.parametrize(
    ("role", "action", "owns", "ok"),
    [
        ("leader", "issue", False, True),
        ("admin", "done", False, True),
        ("editor", "note", True, True),
        ("editor", "note", False, False),
        ("editor", "done", True, False),
        ("reviewer", "note", False, False),
        ("viewer", "issue", False, False),
    ],
)
def test_who_may(role, action, owns, ok):
    assert rules.may(role, action, owns=owns) is ok


@pytest.mark.parametrize(
    ("deadline", "state", "late"),
    [
        (D(2026, 12, 4), "open", 1),
        (D(2026, 12, 5), "open", 0),
        (D(2026, 11, 5), "done", 0),
        (D(2026, 10, 6), "open", 60),
    ],
)
def test_overdue_is_deadline_before_today_and_not_done(deadline, state, late):
    assert rules.days_late(deadline, state, TODAY) == late
    assert rules.overdue(deadline, state, TODAY) is (late > 0)


def test_order_overdue_first_most_late_first_then_deadline_then_done():
    rows = {
        "due-later": (D(2027, 3, 1), "open"),
        "late-2d": (D(2026, 12, 3), "open"),
        "done-old": (D(2026, 1, 1), "done"),
        "late-30d": (D(2026, 11, 5), "open"),
        "due-soon": (D(2026, 12, 20), "open"),
    }
    got = sorted(rows, key=lambda k: rules.order_key(*rows[k], TODAY))
    assert got == ["late-30d", "late-2d", "due-soon", "due-later", "done-old"]


def gaps(then, now, comparator=">=", target=80.0, direction="higher") -> Movement:
    return Movement(
        then,
        now,
        target_gap(then, comparator, target, None, direction),
        target_gap(now, comparator, target, None, direction),
    )


@pytest.mark.parametrize(
    ("movement", "reason", "allowed"),
    [
        (gaps(45.0, 52.0), "", True),  # higher is better, the value rose
        (gaps(52.0, 45.0), "", False),
        (gaps(45.0, 45.0), "", False),
        (gaps(30.0, 20.0, "<=", 10.0, "lower"), "", True),  # lower is better, the value fell
        (gaps(20.0, 30.0, "<=", 10.0, "lower"), "", False),
        (gaps(20.0, 30.0, "<=", 10.0, "lower"), "Đã xong việc, chờ số liệu", True),
        (gaps(45.0, 45.0), "quá ngắn", False),  # 8 characters
        (gaps(45.0, 45.0), "  mười ký tự  ", True),  # 10 after stripping
        (Movement(40.0, 55.0, by_gap=False), "", True),  # an agency's share on track rose
        (Movement(55.0, 40.0, by_gap=False), "", False),
        (Movement(None, 55.0, by_gap=False), "", False),
        (None, "", False),
        (None, "Hoàn thành theo biên bản họp", True),
    ],
)
def test_closure_rule(movement, reason, allowed):
    refusal = rules.closure_refusal(movement, reason)
    assert (refusal is None) is allowed
    if refusal:
        assert "ít nhất 10 ký tự" in refusal


def test_change_is_points_closer():
    assert gaps(45.0, 52.0).change == pytest.approx(7.0)
    assert gaps(30.0, 20.0, "<=", 10.0, "lower").change == pytest.approx(10.0)
    assert Movement(None, 1.0).change is None
    assert Movement(40.0, 60.0).change is None  # an indicator without a target: no gap, no movement
    assert not Movement(40.0, 60.0).narrowed


@pytest.mark.parametrize(
    ("movement", "unit", "share", "text"),
    [
        (gaps(45.0, 52.0), "%", False, "Từ 05/12/2026: 45% → 52%, khoảng cách tới mục tiêu giảm 7 điểm %."),
        (gaps(52.0, 45.0), "%", False, "Từ 05/12/2026: 52% → 45%, khoảng cách tới mục tiêu tăng 7 điểm %."),
        (gaps(45.0, 45.0), "%", False, "Từ 05/12/2026: 45% → 45%, khoảng cách tới mục tiêu chưa thu hẹp."),
        (
            gaps(4.0, 6.0, ">=", 10.0),
            "điểm",
            False,
            "Từ 05/12/2026: 4 điểm → 6 điểm, khoảng cách tới mục tiêu giảm 2 điểm.",
        ),
        (
            Movement(40.0, 55.0, by_gap=False),
            None,
            True,
            "Từ 05/12/2026: tỷ lệ chỉ tiêu đạt 40% → 55%, tăng 15 điểm %.",
        ),
        (Movement(None, 55.0), "%", False, "Từ 05/12/2026: chưa có số liệu trước ngày ban hành; mới nhất 55%."),
        (Movement(None, None), "%", False, "Từ 05/12/2026: chưa có số liệu để theo dõi."),
    ],
)
def test_evidence_text(movement, unit, share, text):
    assert rules.evidence_text(TODAY, movement, value_text, unit, share) == text


def test_evidence_text_without_new_data_names_the_latest_period():
    got = rules.evidence_text(TODAY, gaps(45.0, 45.0), value_text, "%", False, "Năm 2025", new=False)
    assert got == "Từ 05/12/2026: chưa có số liệu mới sau ngày ban hành; mới nhất 45% (Năm 2025)."
