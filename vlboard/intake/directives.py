"""Leaders' directives (chỉ đạo, issue 20): issue, progress note, done and reopen, each appending
one row to the ``directive_events`` Delta table and publishing a snapshot, under the write lock,
checked against the live snapshot (stale state, who may, the closure rule with the evidence of
vlboard.intake.directive_evidence). The rules: vlboard.domain.directives. No streamlit."""

from __future__ import annotations

import datetime as dt
import os
import re
import unicodedata

import pandas as pd

from vlboard.domain import directives as rules
from vlboard.domain.vocab import VN_TZ as VN
from vlboard.intake import auth, event_log
from vlboard.intake.directive_evidence import Evidence, evidence
from vlboard.store import snapshots
from vlboard.store.source import Snapshot, Source

UNDONE = "Chưa ghi gì."
MAX_MEETING = 200
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


class DirectiveRefused(Exception):
    """An action refused; the message (Vietnamese) says why. Nothing was written."""


def directives(src: Source) -> pd.DataFrame:
    """One row per issued directive (directives.sql): its target, owner, deadline, state."""
    df = src.q("directives").copy()
    df["deadline"] = pd.to_datetime(df["deadline"]).dt.date
    return df


def notes(src: Source, directive_id: str | None = None) -> pd.DataFrame:
    """The events of the directives, oldest first (only ``directive_id``'s when given)."""
    df = src.q("directive_events")
    return df if directive_id is None else df[df.directive_id == directive_id].reset_index(drop=True)


def of(src: Source, directive_id: str) -> pd.Series:
    hit = directives(src)
    hit = hit[hit.directive_id == directive_id]
    if hit.empty:
        raise DirectiveRefused(f"Không có chỉ đạo «{directive_id}». {UNDONE}")
    return hit.iloc[0]


def follow_up(src: Source, d, include_demo: bool) -> Evidence:
    """What the data did since directive ``d`` (a row of :func:`directives`) was issued."""
    return evidence(src, d.target_type, d.target_code, pd.Timestamp(d.issued_at).date(), include_demo)


def clean(label: str, text: str | None, *, required: bool, limit: int = rules.MAX_TEXT) -> str | None:
    """``text`` as stored: NFC, stripped, no control characters, at most ``limit`` characters."""
    out = unicodedata.normalize("NFC", (text or "").strip())
    if _CONTROL.search(out.replace("\n", "").replace("\t", "")):
        raise DirectiveRefused(f"{label} có ký tự điều khiển không hợp lệ; hãy viết lại. {UNDONE}")
    if len(out) > limit:
        raise DirectiveRefused(f"{label} dài {len(out)} ký tự, quá {limit} ký tự cho phép. {UNDONE}")
    if required and not out:
        raise DirectiveRefused(f"Cần ghi {label.lower()}. {UNDONE}")
    return out or None


def active_agencies(src: Source, today: dt.date | None = None) -> dict[str, str]:
    """Agencies that may own a directive (not dissolved by ``today``): code → short name."""
    a = src.q("agency_list")
    day = pd.Timestamp(today or dt.datetime.now(VN).date())
    a = a[a.valid_to.isna() | (pd.to_datetime(a.valid_to) >= day)]
    return dict(zip(a.code, a.short_name))


def _check_target(src: Source, target_type: str, code: str, owner: str, today: dt.date) -> None:
    if target_type not in rules.TARGETS:
        raise DirectiveRefused(
            f"Loại đối tượng không hợp lệ: «{target_type}» (chỉ nhận: {', '.join(rules.TARGETS)}). {UNDONE}"
        )
    known = {
        "indicator": set(src.q("indicator_list").code),
        "agency": set(src.q("agency_list").code),
        "unit": set(src.q("unit_list").unit_code),
    }
    if code not in known[target_type]:
        raise DirectiveRefused(f"Không có {rules.TARGETS[target_type]} mã «{code}» trong danh mục. {UNDONE}")
    if owner not in known["agency"]:
        raise DirectiveRefused(f"Không có cơ quan chủ trì mã «{owner}» trong danh mục. {UNDONE}")
    if owner not in set(active_agencies(src, today)):
        raise DirectiveRefused(f"Cơ quan «{owner}» đã giải thể hoặc sáp nhập; hãy giao cơ quan kế nhiệm. {UNDONE}")


def _write(data: snapshots.DataDir, event: dict, summary: str, user: auth.User) -> str:
    return event_log.publish(
        data,
        "directive_events",
        event,
        author=user.username,
        action="directive",
        summary=summary,
        directive_action=event["action"],
        directive=event["directive_id"],
    )


def _live(data: snapshots.DataDir) -> Snapshot:
    return event_log.live(data, "chỉ đạo", DirectiveRefused)


def _event(user: auth.User, action: str, directive_id: str, at: dt.datetime, base: str, **fields) -> dict:
    return dict(
        event_id=f"cde-{at:%Y%m%dT%H%M%S}-{os.urandom(4).hex()}",
        directive_id=directive_id,
        at=at,
        username=user.username,
        role=user.role,
        action=action,
        base_snapshot=base,
        **fields,
    )


def issue(
    data: snapshots.DataDir,
    user: auth.User,
    *,
    target_type: str,
    target_code: str,
    owner_agency: str,
    deadline: dt.date,
    text: str,
    meeting: str = "",
    now: dt.datetime | None = None,
) -> tuple[str, str]:
    """Record a directive; returns (snapshot id, directive id). The value and status of its target
    at issue (real figures only) are kept with it."""
    try:
        auth.require_lead(user, "ban hành chỉ đạo")
    except auth.AccessDenied as exc:
        raise DirectiveRefused(f"{exc} {UNDONE}") from exc
    body = clean("Nội dung chỉ đạo", text, required=True)
    where = clean("Cuộc họp", meeting, required=False, limit=MAX_MEETING)
    now = (now or dt.datetime.now(VN)).replace(tzinfo=None)
    if not isinstance(deadline, dt.date) or deadline < now.date():
        raise DirectiveRefused(f"Hạn xử lý phải là một ngày từ hôm nay ({now:%d/%m/%Y}) trở đi. {UNDONE}")
    with snapshots.write_lock(data):
        src = _live(data)
        try:
            _check_target(src, target_type, target_code, owner_agency, now.date())
            ev = evidence(src, target_type, target_code, now.date(), include_demo=False)
        finally:
            src.con.close()
        directive_id = f"cd-{now:%Y%m%d}-{os.urandom(3).hex()}"
        event = _event(
            user,
            "issue",
            directive_id,
            now,
            src.snapshot_id,
            target_type=target_type,
            target_code=target_code,
            owner_agency=owner_agency,
            deadline=deadline,
            meeting=where,
            text=body,
            value_at_issue=ev.movement.now,
            status_at_issue=ev.status_now,
        )
        summary = f"Ban hành chỉ đạo {directive_id} về {rules.TARGETS[target_type]} {target_code}, giao {owner_agency}"
        return _write(data, event, summary, user), directive_id


def act(
    data: snapshots.DataDir,
    user: auth.User,
    action: str,
    directive_id: str,
    *,
    expected_state: str,
    text: str = "",
    now: dt.datetime | None = None,
) -> str:
    """A progress note (``text``), done (``text``: the reason, needed when the data has not moved;
    the movement is judged on real figures only — demo values never close a directive) or reopen
    of a directive whose state the caller saw as ``expected_state``. Returns the new snapshot id;
    DirectiveRefused (nothing written) otherwise."""
    if action not in ("note", "done", "reopen"):
        raise DirectiveRefused(f"Thao tác không hợp lệ: «{action}» (chỉ nhận: note, done, reopen). {UNDONE}")
    label = {"note": "Nội dung báo cáo tiến độ", "done": "Lý do hoàn thành", "reopen": "Lý do mở lại"}[action]
    body = clean(label, text, required=action != "done")
    now = (now or dt.datetime.now(VN)).replace(tzinfo=None)
    with snapshots.write_lock(data):
        src = _live(data)
        try:
            d = of(src, directive_id)
            if not rules.may(user.role, action, owns=user.role == "editor" and user.agency == d.owner_agency):
                who = (
                    "cán bộ của cơ quan chủ trì, lãnh đạo hoặc quản trị viên"
                    if action == "note"
                    else "lãnh đạo hoặc quản trị viên"
                )
                raise DirectiveRefused(
                    f"Chỉ {who} được {rules.ACTIONS[action].lower()} chỉ đạo này. "
                    f"{auth.User._who(user)} không có quyền này. {UNDONE}"
                )
            if d.state != expected_state:
                raise DirectiveRefused(
                    f"Chỉ đạo {directive_id} vừa được người khác chuyển sang «{rules.STATES[d.state]}»; "
                    f"hãy xem lại trạng thái mới. {UNDONE}"
                )
            try:
                rules.state_after(d.state, action)
            except rules.RuleError as exc:
                raise DirectiveRefused(f"{exc} {UNDONE}") from exc
            if action == "done":
                refusal = rules.closure_refusal(follow_up(src, d, include_demo=False).movement, body)
                if refusal:
                    raise DirectiveRefused(f"{refusal} {UNDONE}")
            last = pd.Timestamp(d.last_event_at).to_pydatetime()
            if now <= last:  # keep `at` strictly increasing per directive
                now = last + dt.timedelta(milliseconds=1)
        finally:
            src.con.close()
        event = _event(
            user,
            action,
            directive_id,
            now,
            src.snapshot_id,
            target_type=d.target_type,
            target_code=d.target_code,
            owner_agency=d.owner_agency,
            text=body if action == "note" else None,
            reason=body if action != "note" else None,
        )
        summary = f"{rules.ACTIONS[action]} chỉ đạo {directive_id}" + (f" — {body}" if body else "")
        return _write(data, event, summary, user)
