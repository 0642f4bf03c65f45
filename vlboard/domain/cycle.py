"""The reporting cycle of one subject (ward/commune or agency) for one period, as pure rules:
its states, the actions that move it, who may take each action, and how late it is.

chua_nop → (submit) → da_nop → (approve) → da_duyet (locked) → (reopen, admin) → mo_lai → (submit) …
                             → (return)  → tra_lai → (submit) → da_nop …
"""

from __future__ import annotations

import datetime as dt

STATES: dict[str, str] = {
    "chua_nop": "Chưa nộp",
    "da_nop": "Đã nộp",
    "tra_lai": "Trả lại",
    "da_duyet": "Đã duyệt",
    "mo_lai": "Mở lại",
}
ACTIONS: dict[str, str] = {"submit": "Nộp", "approve": "Duyệt", "return": "Trả lại", "reopen": "Mở lại"}
INITIAL = "chua_nop"

# (state, action) → next state; any other pair is refused
TRANSITIONS: dict[tuple[str, str], str] = {
    ("chua_nop", "submit"): "da_nop",
    ("tra_lai", "submit"): "da_nop",
    ("mo_lai", "submit"): "da_nop",
    ("da_nop", "approve"): "da_duyet",
    ("da_nop", "return"): "tra_lai",
    ("da_duyet", "reopen"): "mo_lai",
}
NEEDS_REASON = frozenset({"return", "reopen"})
# states in which no import is taken, with what to do about it
LOCKED: dict[str, str] = {
    "da_nop": "đã nộp, chờ duyệt: đề nghị cán bộ thẩm định trả lại",
    "da_duyet": "đã duyệt và khóa: cần quản trị viên mở lại",
}
# states in which the subject still owes its report (days_late counts)
OWING = frozenset({"chua_nop", "tra_lai", "mo_lai"})
MAX_REASON = 1000


class TransitionError(ValueError):
    """An action that the state does not allow; the message (Vietnamese) names both."""


def transition(state: str, action: str) -> str:
    """The state after ``action``; TransitionError when it is not allowed from ``state``."""
    if state not in STATES:
        raise TransitionError(f"Trạng thái không hợp lệ: «{state}».")
    if action not in ACTIONS:
        raise TransitionError(f"Thao tác không hợp lệ: «{action}» (chỉ nhận: {', '.join(ACTIONS)}).")
    nxt = TRANSITIONS.get((state, action))
    if nxt is None:
        allowed = [ACTIONS[a].lower() for (s, a) in TRANSITIONS if s == state]
        hint = f"; ở trạng thái này chỉ có thể {' hoặc '.join(allowed)}" if allowed else ""
        raise TransitionError(
            f"Không thể {ACTIONS[action].lower()} khi báo cáo đang ở trạng thái «{STATES[state]}»{hint}."
        )
    return nxt


def may(role: str, action: str, *, owns_subject: bool = False, reviews_subject: bool = False) -> bool:
    """Who may take ``action``: submit — the subject's editor (``owns_subject``) or an admin;
    approve/return — a reviewer whose scope covers the subject (``reviews_subject``) or an admin;
    reopen — an admin only."""
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    if role == "admin":
        return True
    if action == "submit":
        return role == "editor" and owns_subject
    if action in ("approve", "return"):
        return role == "reviewer" and reviews_subject
    return False


def days_late(state: str, due: dt.date, today: dt.date) -> int:
    """Days past ``due`` while the subject still owes its report; 0 once submitted or approved."""
    return max(0, (today - due).days) if state in OWING else 0
