"""Whether a figure is approved (issue 19: never hide data; mark what is not approved).

The approval code of every result comes from one SQL definition (store/sql/macros/06_approval.sql):
a document figure is official as printed, a demo figure is an illustration, and a report is as
approved as its subject × period in the reporting cycle. Here: the Vietnamese words for it, and the
mark a scorecard row carries when report values behind its status are not approved yet.
"""

from __future__ import annotations

import pandas as pd

from vlboard.domain.vocab import SOURCES

LABELS: dict[str, str] = {
    "approved": "Đã duyệt",
    "submitted": "Chờ duyệt",
    "returned": "Bị trả lại",
    "draft": "Chưa nộp (đang nhập)",
    "document": SOURCES["document"],  # official as printed
    "demo": SOURCES["demo"],
}
UNAPPROVED = frozenset({"submitted", "returned", "draft"})
MARK = "chưa duyệt"
COLUMN = "Duyệt"  # the column a table of indicators gets when one of its rows is marked
NONE_MARKED = "–"


def label(code) -> str:
    """The Vietnamese label of an approval code; «–» for a row without a value."""
    return LABELS.get(code, NONE_MARKED) if isinstance(code, str) else NONE_MARKED


def mark(n) -> str:
    """The mark of a row whose status rests on ``n`` unapproved report values ('' when none)."""
    n = 0 if n is None or pd.isna(n) else int(n)
    if n <= 0:
        return ""
    return MARK if n == 1 else f"{MARK} ({n} giá trị)"


def count(card: pd.DataFrame | None) -> int:
    """How many report values behind a scorecard's statuses are not approved."""
    if card is None or card.empty or "n_unapproved" not in card.columns:
        return 0
    return int(card.n_unapproved.fillna(0).sum())


def caption(n: int) -> str:
    """The line under a page or on the wall's footer ('' when every value is approved)."""
    if n <= 0:
        return ""
    return (
        f"{n} giá trị báo cáo chưa duyệt trong kỳ (đánh dấu «{MARK}»): vẫn hiển thị và tính vào tình trạng; "
        "chọn «Chỉ số liệu đã duyệt» ở bộ lọc nguồn để chỉ xem số đã duyệt."
    )


def message(n: int) -> str:
    """The key message of a meeting pack whose figures include unapproved reports."""
    return (
        f"{n} giá trị báo cáo trong kỳ chưa được duyệt: vẫn được tính vào tình trạng và đánh dấu «{MARK}» "
        "trong các bảng."
    )


def with_column(rows: pd.DataFrame, card: pd.DataFrame | None, after: str = "Tình trạng") -> pd.DataFrame:
    """``rows`` (a table of indicators keyed by column «Mã») with a column «Duyệt» right after
    ``after``, when at least one of its indicators rests on an unapproved report value; unchanged
    otherwise (so a snapshot without reports shows no mark anywhere)."""
    if card is None or "n_unapproved" not in card.columns or "Mã" not in rows.columns:
        return rows
    counts = dict(zip(card.indicator_code, card.n_unapproved))
    marks = [mark(counts.get(code)) for code in rows["Mã"]]
    if not any(marks):
        return rows
    out = rows.copy()
    at = list(out.columns).index(after) + 1 if after in out.columns else len(out.columns)
    out.insert(at, COLUMN, [m or NONE_MARKED for m in marks])
    return out
