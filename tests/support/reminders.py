"""Hand-built inputs of the reminders' planner: a board frame as vlboard.intake.cycle.board returns it
(the contract's columns), contacts, the shipped ladder, cycle events."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from vlboard.intake import ladder
from vlboard.intake.contacts import Contact

ROOT = Path(__file__).resolve().parents[2]
DUE = dt.date(2026, 10, 10)  # 2026-Q3, 10 days after the quarter
NAMES = {"IND-1": "Tỷ lệ hồ sơ trực tuyến toàn trình", "IND-2": "Tỷ lệ người dân có danh tính số"}


def board_row(code: str = "x2025-29857", name: str = "Xã Lục Sĩ Thành", *, state: str = "chua_nop", **over) -> dict:
    row = {
        "subject_type": "unit",
        "subject_code": code,
        "subject_name": name,
        "period": "2026-Q3",
        "due_date": DUE,
        "expected": 2,
        "received": 0,
        "missing": "IND-1, IND-2",
        "plans": "qd2702-2024",
        "state": state,
        "state_label": {"chua_nop": "Chưa nộp", "da_nop": "Đã nộp", "tra_lai": "Trả lại", "da_duyet": "Đã duyệt"}.get(
            state, "Mở lại"
        ),
        "last_event_at": pd.NaT,
        "last_user": None,
        "last_reason": None,
        "days_late": 0,
    }
    return row | over


def board(*rows: dict) -> pd.DataFrame:
    return pd.DataFrame(list(rows) or [board_row()])


def people(*codes: tuple[str, str]) -> list[Contact]:
    """A clerk and a head per (subject_type, code), one reviewer and one leader's office."""
    out = []
    for kind, code in codes or (("unit", "x2025-29857"),):
        for role in ("clerk", "head"):
            out.append(Contact(kind, code, role, f"Nguyễn Văn {role} {code}", f"{role}.{code.lower()}@example.org"))
    out.append(Contact("office", "S-KHCN", "reviewer", "Trần Thị Thẩm Định", "reviewer.s-khcn@example.org"))
    out.append(Contact("office", "VP-UBND-T", "leader_office", "Văn phòng UBND tỉnh", "leader.vp@example.org"))
    return out


def shipped_ladder() -> ladder.Ladder:
    return ladder.load(ROOT / "data" / "source" / "reminders.toml")


def at(offset_days: int, hour: int = 8) -> dt.datetime:
    """Vietnam local time ``offset_days`` from the due date, at ``hour``."""
    return dt.datetime.combine(DUE + dt.timedelta(days=offset_days), dt.time(hour, 0))


def event(event_id: str, action: str, when: dt.datetime, *, reason: str | None = None, **over) -> dict:
    states = {"submit": ("chua_nop", "da_nop"), "return": ("da_nop", "tra_lai"), "approve": ("da_nop", "da_duyet")}
    a, b = states.get(action, ("da_duyet", "mo_lai"))
    row = {
        "event_id": event_id,
        "at": pd.Timestamp(when),
        "username": "canbo.thamdinh",
        "role": "reviewer",
        "action": action,
        "subject_type": "unit",
        "subject_code": "x2025-29857",
        "period": "2026-Q3",
        "from_state": a,
        "to_state": b,
        "reason": reason,
        "base_snapshot": "20261001T000000000Z-abc",
        "n_values": 2,
    }
    return row | over
