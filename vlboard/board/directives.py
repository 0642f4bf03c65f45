"""The frames of leaders' directives (chỉ đạo): the list (overdue first, most days late first, then
by deadline; vlboard.domain.directives.order_key), the overdue ones that the wall and the meeting
pack show as «Chỉ đạo quá hạn» (:func:`overdue`, their one route), and a directive's notes. The
evidence line of each directive is vlboard.intake.directive_evidence (the page joins both)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pandas as pd

from vlboard.domain import directives as rules
from vlboard.domain import formatting, status

if TYPE_CHECKING:
    from vlboard.store.source import Source

COLUMNS = [
    "directive_id",
    "issued_at",
    "issued_by",
    "target_type",
    "target_code",
    "target_name",
    "target_label",
    "owner_agency",
    "owner_name",
    "deadline",
    "meeting",
    "text",
    "state",
    "state_label",
    "days_late",
    "overdue",
    "done_reason",
    "n_notes",
]
OVERDUE_COLUMNS = ["directive_id", "text", "target_label", "owner_name", "deadline", "days_late", "meeting"]
OVERDUE_TITLE = "Chỉ đạo quá hạn"


def _target_label(target_type: str, code: str, name: str) -> str:
    kind = rules.TARGETS.get(target_type, target_type).capitalize()
    return f"{kind} {code} — {name}" if name and name != code else f"{kind} {code}"


def listing(src: Source, today: dt.date) -> pd.DataFrame:
    """Every directive (COLUMNS), overdue first (most days late first), then by deadline, done last."""
    df = src.q("directives").copy()
    if df.empty:
        return pd.DataFrame(columns=COLUMNS)
    df["deadline"] = pd.to_datetime(df["deadline"]).dt.date
    df["days_late"] = [rules.days_late(d, s, today) for d, s in zip(df.deadline, df.state)]
    df["overdue"] = df.days_late > 0
    df["state_label"] = ["Quá hạn" if late else rules.STATES[s] for late, s in zip(df.overdue, df.state)]
    df["target_label"] = [_target_label(*t) for t in zip(df.target_type, df.target_code, df.target_name)]
    for c in ("meeting", "done_reason"):
        df[c] = df[c].astype(object).where(df[c].notna(), "")
    keys = [rules.order_key(d, s, today) for d, s in zip(df.deadline, df.state)]
    order = sorted(range(len(df)), key=lambda i: (keys[i], df.directive_id.iloc[i]))
    return df.iloc[order].reset_index(drop=True)[COLUMNS]


def overdue(src: Source, today: dt.date) -> pd.DataFrame:
    """«Chỉ đạo quá hạn»: the directives past their deadline and not done, most days late first
    (OVERDUE_COLUMNS). The wall and the meeting pack read it from here."""
    df = listing(src, today)
    return df.loc[df.overdue.astype(bool)].reset_index(drop=True)[OVERDUE_COLUMNS]


PANEL_COLUMNS = [
    "directive_id",
    "text",
    "target_label",
    "owner_name",
    "deadline",
    "deadline_text",
    "days_late",
    "late_text",
    "meeting",
    "movement",
    "narrowed",
    "evidence",
]


def overdue_panel(
    src: Source, today: dt.date, include_demo: bool, follow_up: Callable[[Any, Any, bool], Any]
) -> pd.DataFrame:
    """The one frame of «Chỉ đạo quá hạn» that the wall panel and the meeting pack draw
    (PANEL_COLUMNS), most days late first (:func:`overdue`'s order): per directive its text, target,
    owner, deadline (dd/mm/yyyy), «quá hạn N ngày», meeting, the short movement line («đã cải
    thiện: 45% → 52%», «chưa chuyển biến: …») and the full evidence line with the status at issue
    and now. ``follow_up`` is vlboard.intake.directives.follow_up (a directive row → its
    directive_evidence.Evidence); the board layer does not import intake, so the caller passes it."""
    df = listing(src, today)
    df = df.loc[df.overdue.astype(bool)].reset_index(drop=True)
    if df.empty:
        return pd.DataFrame(columns=PANEL_COLUMNS)
    found = [follow_up(src, d, include_demo) for d in df.itertuples(index=False)]
    out = df.assign(
        deadline_text=[f"{d:%d/%m/%Y}" for d in df.deadline],
        late_text=[f"quá hạn {formatting.number(int(n))} ngày" for n in df.days_late],
        movement=[movement_text(ev) for ev in found],
        narrowed=[bool(ev.movement.narrowed) for ev in found],
        evidence=[evidence_line(ev) for ev in found],
    )
    return out[PANEL_COLUMNS]


def _values(ev) -> tuple[str, str]:
    unit = "%" if ev.share else ev.unit
    return status.value_text(ev.movement.then, unit), status.value_text(ev.movement.now, unit)


def movement_text(ev) -> str:
    """The wall's short line: «đã cải thiện: 45% → 52%», «chưa chuyển biến: 45% → 44%», or why
    it cannot be said (no figure, none before the directive, none since)."""
    m = ev.movement
    if m.now is None:
        return "chưa có số liệu để theo dõi"
    then, now = _values(ev)
    if m.then is None:
        return f"chưa có số liệu trước ngày ban hành; nay {now}"
    if ev.period_now == ev.period_then:
        return f"chưa có số liệu mới sau ngày ban hành ({now})"
    what = "tỷ lệ chỉ tiêu đạt " if ev.share else ""
    return f"{'đã cải thiện' if m.narrowed else 'chưa chuyển biến'}: {what}{then} → {now}"


def evidence_line(ev) -> str:
    """directive_evidence's sentence, with the indicator's status at issue and now when both are known."""
    states = ""
    if ev.status_then and ev.status_now and not ev.share and ev.period_then != ev.period_now:
        states = f" Trạng thái: {status.label(ev.status_then)} → {status.label(ev.status_now)}."
    return f"{ev.text}{states}"


def owned_by(frame: pd.DataFrame, agency: str | None) -> pd.DataFrame:
    """The directives an agency owns (open ones first, as in ``frame``)."""
    return frame[frame.owner_agency == agency].reset_index(drop=True) if agency else frame.iloc[0:0]


def notes_table(events: pd.DataFrame) -> pd.DataFrame:
    """A directive's events after its issue, for reading: time, who, what, text."""
    ev = events[events.action != "issue"]
    return pd.DataFrame(
        {
            "Thời điểm": [f"{pd.Timestamp(t):%d/%m/%Y %H:%M}" for t in ev["at"]],
            "Người ghi": list(ev.username),
            "Việc": [rules.ACTIONS[a] for a in ev.action],
            "Nội dung": [
                str(t) if isinstance(t, str) else str(r) if isinstance(r, str) else ""
                for t, r in zip(ev.text, ev.reason)
            ],
        }
    )


def display(frame: pd.DataFrame) -> pd.DataFrame:
    """The list as a table (Vietnamese headers, dates dd/mm/yyyy; text shown as text)."""
    return pd.DataFrame(
        {
            "Tình trạng": [f"{s} ({n} ngày)" if n else s for s, n in zip(frame.state_label, frame.days_late)],
            "Hạn": [f"{d:%d/%m/%Y}" for d in frame.deadline],
            "Nội dung chỉ đạo": list(frame.text),
            "Đối tượng": list(frame.target_label),
            "Cơ quan chủ trì": list(frame.owner_name),
            "Cuộc họp": [m or "—" for m in frame.meeting],
            "Ban hành": [f"{pd.Timestamp(t):%d/%m/%Y}" for t in frame.issued_at],
            "Tiến độ đã báo cáo": [f"{n} lần" for n in frame.n_notes],
        }
    )
