"""The rules of commentary (giải trình), table-driven: which statuses require one, the texts
(required for a miss, at most 1000 characters, NFC, control characters refused — never removed),
the expected date (dd/mm/yyyy, not before the period's end) and the one-line text."""

from __future__ import annotations

import datetime as dt

import pytest

from vlboard.domain import commentary as rules
from vlboard.domain.status import STATUSES

END = dt.date(2025, 9, 30)


@pytest.mark.parametrize(
    ("status", "required"),
    [
        ("not_achieved", True),
        ("near", True),
        ("achieved", False),
        ("no_data", False),
        ("qualitative", False),
        ("not_due", False),
        ("no_target", False),
        (None, False),
    ],
)
def test_required_by_status(status, required):
    assert rules.requires(status) is required


def test_every_required_status_is_a_known_status_with_a_label():
    assert set(STATUSES) >= rules.REQUIRED and set(rules.STATUS_LABELS) == rules.REQUIRED


@pytest.mark.parametrize(
    ("value", "stored"),
    [
        (None, None),
        ("", None),
        ("   \n ", None),
        ("  Thiếu nhân lực  ", "Thiếu nhân lực"),
        ("Cafe\u0301", "Café"),  # NFD → NFC
        ("dòng 1\ndòng 2\tcột", "dòng 1\ndòng 2\tcột"),  # line breaks and tabs are text
        ("<script>alert(1)</script>", "<script>alert(1)</script>"),  # kept as typed: shown as text
        ('=HYPERLINK("http://x")', '=HYPERLINK("http://x")'),
        ("**x** مرحبا 🎉", "**x** مرحبا 🎉"),
        ("x" * 1000, "x" * 1000),
        (12, "12"),
    ],
)
def test_text_kept(value, stored):
    assert rules.text("cause", value) == stored


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("x" * 1001, "dài 1001 ký tự, quá 1000"),
        ("a\x00b", "U\\+0000"),
        ("a\x1bb", "U\\+001B"),
        ("a\x85b", "U\\+0085"),
        ("\u202eexe.txt", "U\\+202E"),
        ("a\u2066b", "U\\+2066"),
    ],
)
def test_text_refused(value, fragment):
    with pytest.raises(rules.CommentaryError, match=f"«Giải pháp khắc phục».*{fragment}") as exc:
        rules.text("remedy", value)
    assert exc.value.field == "remedy"


@pytest.mark.parametrize(
    ("value", "day"),
    [
        (None, None),
        ("", None),
        ("30/09/2025", END),
        ("1/1/2026", dt.date(2026, 1, 1)),
        (" 31/12/2025 ", dt.date(2025, 12, 31)),
        (dt.date(2026, 3, 31), dt.date(2026, 3, 31)),
        (dt.datetime(2026, 3, 31, 0, 0), dt.date(2026, 3, 31)),
    ],
)
def test_back_by_accepted(value, day):
    assert rules.back_by(value, END) == day


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("29/09/2025", "29/09/2025 trước ngày cuối kỳ báo cáo \\(30/09/2025\\)"),
        ("2025-12-31", "không phải ngày dạng dd/mm/yyyy"),
        ("12/31/2025", "không phải một ngày có thật"),
        ("31/02/2026", "không phải một ngày có thật"),
        ("quý 4", "không phải ngày dạng dd/mm/yyyy"),
    ],
)
def test_back_by_refused(value, fragment):
    with pytest.raises(rules.CommentaryError, match=fragment) as exc:
        rules.back_by(value, END)
    assert exc.value.field == "back_by"


@pytest.mark.parametrize(
    ("status", "cause", "remedy", "field"),
    [
        ("not_achieved", "Thiếu người", None, "remedy"),
        ("near", None, "Bổ sung", "cause"),
        ("achieved", None, "Bổ sung", "cause"),  # a remedy without a cause: never
        (None, None, "Bổ sung", "cause"),
    ],
)
def test_explanation_refused(status, cause, remedy, field):
    with pytest.raises(rules.CommentaryError) as exc:
        rules.explanation(cause, remedy, None, status=status, period_end=END)
    assert exc.value.field == field


@pytest.mark.parametrize(
    ("status", "cause", "remedy", "back"),
    [
        ("not_achieved", "Thiếu người", "Bổ sung", "31/12/2025"),
        ("near", "Thiếu người", "Bổ sung", None),
        ("achieved", "Vượt nhờ chiến dịch", None, None),  # optional, a cause alone
        ("qualitative", None, None, None),  # nothing written: empty
        ("not_achieved", None, None, None),  # empty: the caller decides (the submit rule counts it)
    ],
)
def test_explanation_accepted(status, cause, remedy, back):
    e = rules.explanation(cause, remedy, back, status=status, period_end=END)
    assert e.empty is (cause is None and remedy is None and back is None)


@pytest.mark.parametrize(
    ("cause", "remedy", "back", "line"),
    [
        ("A", "B", dt.date(2025, 12, 31), "A — B; dự kiến đạt 31/12/2025"),
        ("A", None, None, "A"),
        (None, None, dt.date(2026, 1, 5), "dự kiến đạt 05/01/2026"),
        (None, None, None, ""),
    ],
)
def test_one_line(cause, remedy, back, line):
    assert rules.one_line(cause, remedy, back) == line
