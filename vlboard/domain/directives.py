"""Leaders' directives (chỉ đạo) as pure rules: the actions and targets, the state a directive's
events fold to, who may take each action, when it is overdue, the order of a list (overdue first,
most days late first, then by deadline) and the closure rule (done only with evidence that the
number moved, or a written reason). Pandas only."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

ACTIONS: dict[str, str] = {"issue": "Ban hành", "note": "Báo cáo tiến độ", "done": "Hoàn thành", "reopen": "Mở lại"}
TARGETS: dict[str, str] = {"indicator": "chỉ tiêu", "agency": "cơ quan", "unit": "địa bàn"}
STATES: dict[str, str] = {"open": "Đang thực hiện", "done": "Đã hoàn thành"}
LEAD_ACTIONS = frozenset({"issue", "done", "reopen"})  # a leader or an admin
MIN_REASON = 10  # characters of a written reason that closes a directive without movement
MAX_TEXT = 2000


class RuleError(ValueError):
    """An action the rules do not allow; the message (Vietnamese) says why."""


@dataclass(frozen=True)
class Movement:
    """What the data did since a directive was issued. ``then``/``now``: the measure (the indicator's
    value, or the share of an agency's or a ward's indicators on track) at the directive's date and
    now; ``gap_then``/``gap_now``: the distance to the target (None for a share: it has no target)."""

    then: float | None
    now: float | None
    gap_then: float | None = None
    gap_now: float | None = None
    by_gap: bool = True  # an indicator: judged by its gap (none without a target); False: a share

    @property
    def change(self) -> float | None:
        """Points the gap narrowed by (positive: closer), or the share's change (positive: higher)."""
        if self.by_gap:
            ok = self.gap_then is not None and self.gap_now is not None
            return self.gap_then - self.gap_now if ok else None  # type: ignore[operator]
        return self.now - self.then if self.then is not None and self.now is not None else None

    @property
    def narrowed(self) -> bool:
        """The gap to the target is smaller now (for a share: the share on track is higher)."""
        change = self.change
        return change is not None and change > 0


def state_after(state: str | None, action: str) -> str:
    """The state after ``action`` (``None``: the directive does not exist yet). RuleError otherwise."""
    if action not in ACTIONS:
        raise RuleError(f"Thao tác không hợp lệ: «{action}» (chỉ nhận: {', '.join(ACTIONS)}).")
    if state is None:
        if action != "issue":
            raise RuleError("Chỉ đạo chưa được ban hành.")
        return "open"
    if action == "issue":
        raise RuleError("Chỉ đạo này đã được ban hành.")
    if action == "reopen":
        if state != "done":
            raise RuleError("Chỉ mở lại được chỉ đạo đã hoàn thành.")
        return "open"
    if state == "done":
        raise RuleError(f"Chỉ đạo đã hoàn thành: không thể {ACTIONS[action].lower()}; hãy mở lại trước.")
    return "done" if action == "done" else "open"


def may(role: str, action: str, *, owns: bool = False) -> bool:
    """issue, done, reopen: a leader or an admin; note: the owner agency's editor (``owns``), a
    leader or an admin."""
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    if role in ("leader", "admin"):
        return True
    return action == "note" and role == "editor" and owns


def days_late(deadline: dt.date, state: str, today: dt.date) -> int:
    """Days past the deadline while not done; 0 otherwise."""
    return max(0, (today - deadline).days) if state != "done" else 0


def overdue(deadline: dt.date, state: str, today: dt.date) -> bool:
    """deadline < today and not done."""
    return days_late(deadline, state, today) > 0


def order_key(deadline: dt.date, state: str, today: dt.date) -> tuple:
    """Sort key: overdue first (most days late first), then open by deadline, then done."""
    late = days_late(deadline, state, today)
    return (0 if late else 1 if state != "done" else 2, -late, deadline)


def closure_refusal(movement: Movement | None, reason: str | None) -> str | None:
    """Why ``done`` is refused, or None: allowed when the gap narrowed since issue or a reason of at
    least MIN_REASON characters is written."""
    if movement is not None and movement.narrowed:
        return None
    if len((reason or "").strip()) >= MIN_REASON:
        return None
    why = (
        "số liệu chưa cho thấy khoảng cách tới mục tiêu thu hẹp kể từ ngày ban hành"
        if movement is not None and movement.then is not None and movement.now is not None
        else "chưa có số liệu trước và sau ngày ban hành để so sánh"
    )
    return (
        f"Chưa thể đánh dấu hoàn thành: {why}. Hãy ghi lý do hoàn thành (ít nhất {MIN_REASON} ký tự) "
        "hoặc chờ số liệu kỳ sau."
    )


def _pct_points(x: float) -> str:
    return f"{abs(x):.1f}".rstrip("0").rstrip(".").replace(".", ",")


def evidence_text(
    since: dt.date, movement: Movement, fmt, unit: str | None, share: bool, latest: str | None = None, new: bool = True
) -> str:
    """The follow-up line of a directive: «Từ 05/12/2026: 45% → 52%, khoảng cách tới mục tiêu giảm
    7 điểm %». ``fmt`` writes a value (vlboard.domain.status.value_text); ``share``: the measure is
    the % of an agency's or a ward's indicators on track; ``latest``: the label of the newest period
    with a measure; ``new``: False when no period has a measure since the directive's date."""
    head = f"Từ {since:%d/%m/%Y}"
    if movement.now is None:
        return f"{head}: chưa có số liệu để theo dõi."
    now = fmt(movement.now, "%" if share else unit)
    what = "tỷ lệ chỉ tiêu đạt " if share else ""
    if movement.then is None:
        return f"{head}: chưa có số liệu trước ngày ban hành; {what}mới nhất {now}."
    then = fmt(movement.then, "%" if share else unit)
    if not new:
        return f"{head}: chưa có số liệu mới sau ngày ban hành; {what}mới nhất {now}" + (
            f" ({latest})." if latest else "."
        )
    change = movement.change
    if change is None or change == 0:
        tail = "chưa thay đổi" if share else "khoảng cách tới mục tiêu chưa thu hẹp"
        return f"{head}: {what}{then} → {now}, {tail}."
    points = "điểm %" if share or (unit or "").startswith("%") else (unit or "").strip()
    amount = f"{_pct_points(change)} {points}".strip()
    if share:
        return f"{head}: {what}{then} → {now}, {'tăng' if change > 0 else 'giảm'} {amount}."
    verb = "giảm" if change > 0 else "tăng"
    return f"{head}: {then} → {now}, khoảng cách tới mục tiêu {verb} {amount}."
