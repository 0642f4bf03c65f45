"""The reporting cycle of each subject × period (issue 19): its board, its events, and the actions
(submit, approve, return, reopen) that append one row to the ``cycle_events`` Delta table and publish
a snapshot, under the write lock, checked against the live snapshot (stale state, scope, reason).
The states and the rules: vlboard.domain.cycle. No streamlit."""

from __future__ import annotations

import datetime as dt
import os
import re
import unicodedata
from pathlib import Path

import pandas as pd

from vlboard.domain import cycle as rules
from vlboard.domain.periods import label_vi, parse_period
from vlboard.domain.vocab import VN_TZ as VN
from vlboard.intake import auth, commentary, event_log, history
from vlboard.store import snapshots
from vlboard.store.source import Snapshot, Source

SUBJECTS = {"unit": "địa bàn", "agency": "cơ quan"}
BOARD_COLUMNS = [
    "subject_type",
    "subject_code",
    "subject_name",
    "period",
    "due_date",
    "expected",
    "received",
    "missing",
    "plans",
    "state",
    "state_label",
    "last_event_at",
    "last_user",
    "last_reason",
    "days_late",
]
UNDONE = "Chưa ghi gì."
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


class CycleRefused(Exception):
    """An action refused; the message (Vietnamese) says why. Nothing was written."""


def _period(period: str):
    try:
        return parse_period(period)
    except ValueError as exc:
        raise CycleRefused(str(exc)) from exc


def board(src: Source, period: str, today: dt.date | None = None) -> pd.DataFrame:
    """One row per subject obliged to report for ``period`` (columns BOARD_COLUMNS)."""
    p = _period(period)
    df = src.q("cycle_board", period=p.code, period_type=p.kind, period_end=p.end).copy()
    today = today or dt.datetime.now(VN).date()
    df["due_date"] = pd.to_datetime(df["due_date"]).dt.date
    df["state_label"] = df["state"].map(rules.STATES)
    df["last_event_at"] = pd.to_datetime(df["last_event_at"])
    for c in ("last_user", "last_reason"):
        df[c] = df[c].astype(object).where(df[c].notna(), None)
    df["days_late"] = [rules.days_late(s, d, today) for s, d in zip(df["state"], df["due_date"])]
    df["days_late"] = df["days_late"].astype(int)
    return df[BOARD_COLUMNS]


def events(src: Source, period: str | None = None) -> pd.DataFrame:
    """The cycle_events rows, newest first (only ``period``'s when given)."""
    df = src.q("cycle_events")
    return df if period is None else df[df.period == period].reset_index(drop=True)


def clean_reason(action: str, reason: str | None) -> str | None:
    """The reason as stored: NFC, stripped, at most MAX_REASON characters, no control characters;
    required for return and reopen. CycleRefused otherwise."""
    text = unicodedata.normalize("NFC", (reason or "").strip())
    if _CONTROL.search(text):
        raise CycleRefused(f"Lý do có ký tự điều khiển không hợp lệ; hãy viết lại bằng chữ thường. {UNDONE}")
    if len(text) > rules.MAX_REASON:
        raise CycleRefused(f"Lý do dài {len(text)} ký tự, quá {rules.MAX_REASON} ký tự cho phép. {UNDONE}")
    if not text and action in rules.NEEDS_REASON:
        raise CycleRefused(f"Cần ghi lý do khi {rules.ACTIONS[action].lower()} báo cáo. {UNDONE}")
    return text or None


def empty_submit(subject_name: str, period: str, expected: int) -> str:
    """Why a subject that has received none of its values may not submit (the page says it too)."""
    return (
        f"{subject_name} chưa có số liệu nào của {label_vi(period)} (0/{expected} chỉ tiêu phải báo cáo); "
        "nhập số liệu trước khi nộp."
    )


def describe(action: str, subject_name: str, period: str, reason: str | None = None) -> str:
    """«Duyệt báo cáo Quý III/2026 của Phường 1 — lý do: …» (the history's line)."""
    text = f"{rules.ACTIONS[action]} báo cáo {label_vi(period)} của {subject_name}"
    return text + (f" — lý do: {reason}" if reason else "")


def _require(user: auth.User, action: str, row) -> None:
    name = f"{row.subject_name} ({row.subject_code})"
    try:
        if action == "submit":
            auth.require_submit(user, row.subject_type, row.subject_code)
        elif action in ("approve", "return"):
            auth.require_review(user, [p.strip() for p in row.plans.split(",")], name)
        else:
            auth.require_reopen(user)
    except auth.AccessDenied as exc:
        raise CycleRefused(f"{exc} {UNDONE}") from exc


def _subject(b: pd.DataFrame, subject_type: str, subject_code: str, period: str):
    if subject_type not in SUBJECTS:
        raise CycleRefused(f"Loại đối tượng không hợp lệ: «{subject_type}» (chỉ nhận: unit, agency). {UNDONE}")
    hit = b[(b.subject_type == subject_type) & (b.subject_code == subject_code)]
    if hit.empty:
        raise CycleRefused(
            f"{SUBJECTS[subject_type].capitalize()} «{subject_code}» không phải báo cáo {label_vi(period)} ({period}). {UNDONE}"
        )
    return next(hit.itertuples(index=False))


def act(
    data: snapshots.DataDir,
    user: auth.User,
    action: str,
    subject_type: str,
    subject_code: str,
    period: str,
    *,
    expected_state: str,
    reason: str = "",
    now: dt.datetime | None = None,
) -> str:
    """Take ``action`` on the subject × period, whose state the caller saw as ``expected_state``.
    Returns the new snapshot id; CycleRefused (nothing written) on a stale state, an action the
    state does not allow, a user outside the scope, a missing or bad reason, an unknown subject."""
    if action not in rules.ACTIONS:
        raise CycleRefused(f"Thao tác không hợp lệ: «{action}» (chỉ nhận: {', '.join(rules.ACTIONS)}). {UNDONE}")
    p = _period(period)
    text = clean_reason(action, reason)
    now = (now or dt.datetime.now(VN)).replace(tzinfo=None)
    with snapshots.write_lock(data):
        src = event_log.live(data, "kỳ báo cáo", CycleRefused)
        sid = src.snapshot_id
        try:
            row = _subject(board(src, p.code), subject_type, subject_code, p.code)
            _require(user, action, row)
            if row.state != expected_state:
                raise CycleRefused(
                    f"Báo cáo {label_vi(p.code)} của {row.subject_name} vừa được người khác chuyển sang "
                    f"«{rules.STATES[row.state]}» (không còn «{rules.STATES.get(expected_state, expected_state)}»); "
                    f"hãy xem lại trạng thái mới. {UNDONE}"
                )
            try:
                to_state = rules.transition(row.state, action)
            except rules.TransitionError as exc:
                raise CycleRefused(f"{exc} {UNDONE}") from exc
            if action == "submit" and int(row.received) == 0:
                raise CycleRefused(f"{empty_submit(row.subject_name, p.code, int(row.expected))} {UNDONE}")
            if action == "submit":  # every miss explained first (issue 20)
                unexplained = commentary.submit_refusal(src, subject_type, subject_code, p.code)
                if unexplained:
                    raise CycleRefused(f"{unexplained} {UNDONE}")
            last = row.last_event_at
            if not pd.isna(last) and now <= last.to_pydatetime():  # keep `at` strictly increasing
                now = last.to_pydatetime() + dt.timedelta(milliseconds=1)
        finally:
            src.con.close()
        event = dict(
            event_id=f"cyc-{now:%Y%m%dT%H%M%S}-{os.urandom(4).hex()}",
            at=now,
            username=user.username,
            role=user.role,
            action=action,
            subject_type=subject_type,
            subject_code=subject_code,
            period=p.code,
            from_state=row.state,
            to_state=to_state,
            reason=text,
            base_snapshot=sid,
            n_values=int(row.received),
        )

        summary = describe(action, row.subject_name, p.code, text)
        return event_log.publish(
            data,
            "cycle_events",
            event,
            author=user.username,
            action="cycle",
            summary=summary,
            cycle_action=action,
            subject=f"{subject_type}:{subject_code}",
            period=p.code,
            reason=text,
        )


def _states(path: Path) -> dict[tuple[str, str, str], str]:
    ev = snapshots.read_table(path, "cycle_events").to_pandas()
    if ev.empty:
        return {}
    ev = ev.sort_values(["at", "event_id"]).drop_duplicates(["subject_type", "subject_code", "period"], keep="last")
    return {(r.subject_type, r.subject_code, r.period): r.to_state for r in ev.itertuples(index=False)}


def check_import(path: Path, scopes, periods) -> None:
    """Refuse an import into a subject × period that is submitted or approved (the snapshot folder
    ``path`` is the live one, read under the write lock). CycleRefused names subject, period, state."""
    states = _states(path)
    for subject_type, code in sorted(scopes):
        for period in sorted(periods):
            state = states.get((subject_type, code, period), rules.INITIAL)
            if state in rules.LOCKED:
                raise CycleRefused(
                    f"Báo cáo {label_vi(period)} của {SUBJECTS.get(subject_type, subject_type)} {code} "
                    f"{rules.LOCKED[state]}. {UNDONE}"
                )


def changes_since_approval(
    src: Snapshot, data: snapshots.DataDir, subject_type: str, subject_code: str, period: str
) -> int | None:
    """Values of the subject × period that differ between the snapshot of its last approval and
    ``src`` (0 when never approved); None when that snapshot is gone or unreadable (retention keeps
    it, vlboard.store.retention, but a folder restored from an older backup may lack it)."""
    ev = events(src, period)
    ev = ev[(ev.subject_type == subject_type) & (ev.subject_code == subject_code) & (ev.action == "approve")]
    if ev.empty:
        return 0
    base = ev.base_snapshot.iloc[0]
    if not base or not snapshots.snapshot_dir(data, base).is_dir():
        return None
    try:
        diff = history.compare(data, base, src.snapshot_id)
    except (OSError, snapshots.SnapshotError):
        return None
    diff = diff[diff.period == period]
    if subject_type == "unit":
        diff = diff[(diff.unit_code == subject_code) & diff.agency_code.isna()]
    else:
        diff = diff[diff.agency_code == subject_code]
    return len(diff)
