"""Commentary (giải trình) on a figure, as pure rules (issue 20): which statuses require one, what
a valid explanation is, and its one-line Vietnamese text.

An explanation belongs to one indicator × period × reporting subject. It is required when the
figure is a miss (``near`` «Gần đạt», ``not_achieved`` «Chưa đạt»: the same list as
``vl_commentary_misses`` in store/sql/macros/75_commentary.sql), optional otherwise. Its texts are
NFC-normalised and trimmed, never otherwise changed: a control character or a bidi override is
refused with a message, not removed."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from vlboard.domain.formatting import date as vn_date

REQUIRED = frozenset({"near", "not_achieved"})
STATUS_LABELS = {"near": "Gần đạt", "not_achieved": "Chưa đạt"}
MAX_TEXT = 1000
LABELS = {"cause": "Nguyên nhân chưa đạt", "remedy": "Giải pháp khắc phục", "back_by": "Dự kiến đạt (dd/mm/yyyy)"}
# C0/C1 controls except tab and newline, and the bidi embeddings, overrides and isolates
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_DATE = re.compile(r"^\s*(\d{1,2})/(\d{1,2})/(\d{4})\s*$")


class CommentaryError(ValueError):
    """An explanation refused; the message (Vietnamese) names the field and what is wrong;
    ``field`` is its key (cause, remedy, back_by)."""

    def __init__(self, message: str, field: str = "cause"):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Explanation:
    cause: str | None
    remedy: str | None
    back_by: dt.date | None

    @property
    def empty(self) -> bool:
        return self.cause is None and self.remedy is None and self.back_by is None


def requires(status: str | None) -> bool:
    """Is an explanation required for a figure of this ``year_status``?"""
    return status in REQUIRED


def text(field: str, value: object) -> str | None:
    """A cause or remedy as stored: NFC, trimmed, at most MAX_TEXT characters; None when empty."""
    label = LABELS[field]
    if value is None or (isinstance(value, float) and value != value):
        return None
    if not isinstance(value, str):
        value = str(value)
    out = unicodedata.normalize("NFC", value).strip()
    bad = _CONTROL.search(out)
    if bad:
        raise CommentaryError(
            f"«{label}» có ký tự điều khiển không hợp lệ (U+{ord(bad.group()):04X}); hãy viết lại bằng chữ thường",
            field,
        )
    if len(out) > MAX_TEXT:
        raise CommentaryError(f"«{label}» dài {len(out)} ký tự, quá {MAX_TEXT} ký tự cho phép", field)
    return out or None


def back_by(value: object, period_end: dt.date) -> dt.date | None:
    """The expected date to be back on track: a date (or dd/mm/yyyy text) not before the period's end."""
    label = LABELS["back_by"]
    if value is None or (isinstance(value, str) and not value.strip()) or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, dt.datetime):
        day = value.date()
    elif isinstance(value, dt.date):
        day = value
    else:
        m = _DATE.match(str(value))
        if not m:
            raise CommentaryError(f"«{label}»: «{value}» không phải ngày dạng dd/mm/yyyy", "back_by")
        try:
            day = dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        except ValueError:
            raise CommentaryError(f"«{label}»: «{value}» không phải một ngày có thật", "back_by") from None
    if day < period_end:
        raise CommentaryError(
            f"«{label}»: {vn_date(day)} trước ngày cuối kỳ báo cáo ({vn_date(period_end)})", "back_by"
        )
    return day


def explanation(cause: object, remedy: object, back: object, *, status: str | None, period_end: dt.date) -> Explanation:
    """The explanation as stored, checked: for a miss both cause and remedy are required."""
    out = Explanation(text("cause", cause), text("remedy", remedy), back_by(back, period_end))
    if requires(status) and not out.empty:
        for field in ("cause", "remedy"):
            if getattr(out, field) is None:
                raise CommentaryError(
                    f"cần ghi «{LABELS[field]}» khi giải trình chỉ tiêu {STATUS_LABELS[status or ''].lower()}", field
                )
    if out.cause is None and not out.empty:
        raise CommentaryError(f"cần ghi «{LABELS['cause']}» khi có giải trình", "cause")
    return out


def one_line(cause: str | None, remedy: str | None, back: dt.date | None) -> str:
    """«cause — remedy; dự kiến đạt dd/mm/yyyy» (empty string when nothing is written)."""
    parts = " — ".join(t for t in (cause, remedy) if t)
    if back is not None:
        parts += ("; " if parts else "") + f"dự kiến đạt {vn_date(back)}"
    return parts
