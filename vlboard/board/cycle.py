"""The frames of the pages «Kỳ báo cáo» and «Việc của tôi», from the cycle board
(vlboard.intake.cycle.board) and its events: the summary figures and the table rows with
Vietnamese columns. Pure pandas.

Completeness and timeliness as DHIS2 defines them for data sets: reporting rate = reports received
÷ reports expected; reporting rate on time = reports received by the due date ÷ reports expected;
and, one level down, completeness of values = values received ÷ values expected.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from vlboard.domain import cycle as rules
from vlboard.domain import formatting

SUBJECT_KINDS = {"unit": "Phường, xã", "agency": "Cơ quan"}
RECEIVED = frozenset({"da_nop", "da_duyet"})  # a report that has come in (submitted, or approved since)
NONE = "—"
COLUMNS = [
    "Đơn vị báo cáo",
    "Loại",
    "Trạng thái",
    "Hạn nộp",
    "Trễ hạn",
    "Số liệu đã nhập",
    "Thao tác gần nhất",
    "Lý do",
    "Nhắc gần nhất",
]


@dataclass(frozen=True)
class Summary:
    expected: int  # subjects that must report
    received: int  # submitted or approved
    approved: int
    returned: int
    waiting: int  # submitted, awaiting review
    late: int  # still owing past the due date
    on_time: int  # received, first submitted by the due date
    values_expected: int
    values_received: int

    @staticmethod
    def _rate(part: int, whole: int) -> str:
        return formatting.percent(100 * part / whole) if whole else NONE

    @property
    def reporting_rate(self) -> str:
        return self._rate(self.received, self.expected)

    @property
    def timeliness(self) -> str:
        return self._rate(self.on_time, self.expected)

    @property
    def completeness(self) -> str:
        return self._rate(self.values_received, self.values_expected)


def first_submits(events: pd.DataFrame) -> dict[tuple[str, str], dt.datetime]:
    """The first submission of each subject (events of one period)."""
    sub = events[events.action == "submit"].sort_values("at")
    sub = sub.drop_duplicates(["subject_type", "subject_code"], keep="first")
    return {(r.subject_type, r.subject_code): pd.Timestamp(r.at).to_pydatetime() for r in sub.itertuples()}


def on_time(board: pd.DataFrame, events: pd.DataFrame) -> pd.Series:
    """Per board row: received, and first submitted on or before its due date."""
    first = first_submits(events)
    out = []
    for r in board.itertuples():
        at = first.get((r.subject_type, r.subject_code))
        out.append(r.state in RECEIVED and at is not None and at.date() <= r.due_date)
    return pd.Series(out, index=board.index, dtype=bool)


def summary(board: pd.DataFrame, events: pd.DataFrame) -> Summary:
    st = board.state
    return Summary(
        expected=len(board),
        received=int(st.isin(RECEIVED).sum()),
        approved=int((st == "da_duyet").sum()),
        returned=int((st == "tra_lai").sum()),
        waiting=int((st == "da_nop").sum()),
        late=int((board.days_late > 0).sum()),
        on_time=int(on_time(board, events).sum()),
        values_expected=int(board.expected.sum()),
        values_received=int(board.received.sum()),
    )


def when(value) -> str:
    """dd/mm/yyyy HH:MM, «—» for a missing time."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return NONE
    t = pd.Timestamp(value)
    return f"{t:%d/%m/%Y %H:%M}"


def late_text(days: int, state: str, due: dt.date | None = None, submitted: dt.datetime | None = None) -> str:
    """«trễ n ngày» while owing past due; once received, «nộp đúng hạn» or «nộp trễ n ngày» from the
    first submission (``submitted``); «chưa đến hạn» while owing before due."""
    if days > 0:
        return f"trễ {days} ngày"
    if state in RECEIVED:
        if submitted is None or due is None:
            return "đã nộp"
        late = (submitted.date() - due).days
        return f"nộp trễ {late} ngày" if late > 0 else "nộp đúng hạn"
    return "chưa đến hạn" if state in rules.OWING else NONE


def _text(v) -> str:
    return NONE if v is None or (not isinstance(v, str) and pd.isna(v)) or str(v).strip() == "" else str(v)


def subject_label(r) -> str:
    return f"{r.subject_name} ({r.subject_code})"


def table(board: pd.DataFrame, events: pd.DataFrame, reminders: dict[str, str] | None = None) -> pd.DataFrame:
    """The board as text cells with Vietnamese columns (COLUMNS); ``events``: the period's cycle
    events; ``reminders``: last sent reminder time (ISO) by «type:code». Never None/nan: a missing
    value reads «—»."""
    reminders = reminders or {}
    first = first_submits(events)
    rows = []
    for r in board.itertuples():
        who = NONE if _text(r.last_user) == NONE else f"{r.last_user}, {when(r.last_event_at)}"
        rows.append(
            [
                subject_label(r),
                SUBJECT_KINDS.get(r.subject_type, r.subject_type),
                r.state_label,
                formatting.date(r.due_date) if r.due_date is not None else NONE,
                late_text(int(r.days_late), r.state, r.due_date, first.get((r.subject_type, r.subject_code))),
                f"{r.received}/{r.expected}",
                who,
                _text(r.last_reason),
                when(reminders.get(f"{r.subject_type}:{r.subject_code}")),
            ]
        )
    return pd.DataFrame(rows, columns=COLUMNS)


def order(board: pd.DataFrame) -> pd.DataFrame:
    """Awaiting review and returned first, then the latest, then by name."""
    rank = board.state.map({"da_nop": 0, "tra_lai": 1, "mo_lai": 2, "chua_nop": 3, "da_duyet": 4})
    return (
        board.assign(_rank=rank, _late=-board.days_late)
        .sort_values(["_rank", "_late", "subject_name"])
        .drop(columns=["_rank", "_late"])
        .reset_index(drop=True)
    )


def my_rows(board: pd.DataFrame) -> pd.DataFrame:
    """The clerk's «what I must report»: period, state, due date, lateness, missing indicators and
    the reason of a return, as text."""
    rows: list[dict] = []
    for r in board.itertuples():
        rows.append(
            {
                "Kỳ": r.period,
                "Đơn vị báo cáo": subject_label(r),
                "Trạng thái": r.state_label,
                "Hạn nộp": formatting.date(r.due_date),
                "Trễ hạn": late_text(int(r.days_late), r.state),
                "Số liệu đã nhập": f"{r.received}/{r.expected}",
                "Chỉ tiêu còn thiếu": _text(r.missing),
                "Lý do trả lại": _text(r.last_reason) if r.state == "tra_lai" else NONE,
            }
        )
    return pd.DataFrame(rows)
