"""The meeting pack's «Chỉ đạo quá hạn» section (issue 20): the leaders' directives past their
deadline, first in the pack after the cover, from the frame the wall's panel draws
(``board.directives.overdue_panel``), each with its text in full, target, owner, deadline and days
late, meeting, and what the number did since the directive was issued; none overdue → no page, one
line «Không có chỉ đạo quá hạn tại ngày dd/mm/yyyy» among the key messages instead."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from vlboard.board import directives as frames
from vlboard.charts.theme import short
from vlboard.intake import directives as dirs
from vlboard.store.source import Source

MAX_ROWS = 30  # rows printed; the page «Chỉ đạo» lists every directive
CHUNK = 400  # characters of a directive's text per table row: rows of a slide's third at 14 pt
HEADER = [
    "Hạn (quá hạn)",
    "Nội dung chỉ đạo (cuộc họp)",
    "Cơ quan chủ trì",
    "Đối tượng",
    "Số liệu tại ngày ban hành và nay",
]
TARGET_CHARS = 50  # an indicator's long name is cut (its code first); the directive's text never is


def frame(src: Source, today: dt.date, include_demo: bool) -> pd.DataFrame:
    """«Chỉ đạo quá hạn» at ``today`` (the wall's route too)."""
    return frames.overdue_panel(src, today, include_demo, dirs.follow_up)


def table(overdue: pd.DataFrame) -> pd.DataFrame:
    """The section's table: Vietnamese headers, every text as written (shown as text by the
    renderers). A text longer than CHUNK characters goes on, whole, in «(tiếp)» rows under its own,
    so no row is taller than a slide."""
    rows = []
    for r in overdue.itertuples(index=False):
        said = f"{r.text} (cuộc họp: {r.meeting})" if r.meeting else r.text
        first, *more = pieces(said, CHUNK)
        rows.append(
            {
                "Hạn (quá hạn)": f"{r.deadline_text} ({r.days_late} ngày)",
                "Nội dung chỉ đạo (cuộc họp)": first,
                "Cơ quan chủ trì": r.owner_name,
                "Đối tượng": short(r.target_label, TARGET_CHARS),  # the code leads it
                "Số liệu tại ngày ban hành và nay": r.evidence,
            }
        )
        rows += [
            {**dict.fromkeys(rows[-1], ""), "Hạn (quá hạn)": "(tiếp)", "Nội dung chỉ đạo (cuộc họp)": p} for p in more
        ]
    return pd.DataFrame(rows, columns=HEADER)


def pieces(text: str, size: int) -> list[str]:
    """``text`` in pieces of at most ``size`` characters, cut at a space (which is dropped), or
    inside a word only when one word is longer than ``size``."""
    out: list[str] = []
    rest = text
    while len(rest) > size:
        cut = rest.rfind(" ", 0, size + 1)
        cut = cut if cut > 0 else size
        out.append(rest[:cut])
        rest = rest[cut + 1 :] if rest[cut] == " " else rest[cut:]
    return [*out, rest]


def page(overdue: pd.DataFrame, today: dt.date) -> dict:
    """The arguments of the section's ``pack.Page`` (title, lines, table, max_rows)."""
    return dict(title=title(today), lines=lines(overdue), table=table(overdue), max_rows=MAX_ROWS)


def none_line(today: dt.date) -> str:
    return f"Không có chỉ đạo quá hạn tại ngày {today:%d/%m/%Y}."


def title(today: dt.date) -> str:
    return f"{frames.OVERDUE_TITLE} — tại ngày {today:%d/%m/%Y}"


def lines(overdue: pd.DataFrame) -> list[str]:
    """The sentence above the table: how many, the longest delay, and where the full list is."""
    n, most = len(overdue), int(overdue.days_late.max())
    said = f"{n} chỉ đạo của lãnh đạo đã quá hạn mà chưa hoàn thành; trễ lâu nhất {most} ngày."
    if n > MAX_ROWS:
        said += f" Bảng in {MAX_ROWS} chỉ đạo trễ lâu nhất; đủ danh sách ở trang «Chỉ đạo»."
    return [said]
