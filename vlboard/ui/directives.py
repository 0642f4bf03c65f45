"""Streamlit parts of the page «Chỉ đạo»: the filters and figures, one card per directive (its text,
owner, deadline, the evidence of what the data did since it was issued, the progress notes), the
form to issue (leader, admin) and the form to report progress, mark done or reopen. The rules and
the writes are in vlboard.intake.directives; this module draws and calls. Every text a user wrote
goes through ``md_escape`` or a grid cell: shown as text, never as markup."""

from __future__ import annotations

import datetime as dt
from typing import cast

import pandas as pd
import streamlit as st

from vlboard.board import directives as frames
from vlboard.domain import directives as rules
from vlboard.domain import formatting, status
from vlboard.intake import auth
from vlboard.intake import directives as dirs
from vlboard.intake.imports import VN
from vlboard.store import snapshots
from vlboard.ui.data import SnapshotRef, follow_writes

ALL = "Tất cả"
SHOWN = 30  # cards drawn; the table above lists every directive
esc = formatting.md_escape


def today() -> dt.date:
    return dt.datetime.now(VN).date()


def listing(live: SnapshotRef) -> pd.DataFrame:
    return frames.listing(live, today())  # type: ignore[arg-type]  # SnapshotRef is a Source


def metrics(frame: pd.DataFrame) -> None:
    row = st.container(horizontal=True, gap="medium")
    row.metric("Quá hạn", int(frame.overdue.sum()), width=170)
    row.metric("Đang thực hiện", int((frame.state == "open").sum()), width=170)
    row.metric("Đã hoàn thành", int((frame.state == "done").sum()), width=170)


def pick(frame: pd.DataFrame) -> pd.DataFrame:
    """The state and owner filters of the page."""
    c1, c2 = st.columns(2)
    state = c1.selectbox("Tình trạng", [ALL, "Quá hạn", *rules.STATES.values()], key="cd_state", filter_mode=None)
    owners = dict(zip(frame.owner_agency, frame.owner_name))
    owner = c2.selectbox(
        "Cơ quan chủ trì",
        [ALL, *sorted(owners, key=lambda k: owners[k])],
        key="cd_owner",
        filter_mode=None,
        format_func=lambda k: owners.get(k, k),
    )
    if state != ALL:
        frame = frame[frame.state_label == state]
    if owner != ALL:
        frame = frame[frame.owner_agency == owner]
    return frame.reset_index(drop=True)


def card(live: SnapshotRef, d, events: pd.DataFrame, include_demo: bool) -> None:
    """One directive: its state, deadline, target, text, owner, evidence and notes."""
    ev = dirs.follow_up(live, d, include_demo)  # type: ignore[arg-type]  # SnapshotRef is a Source
    box = st.container(border=True)
    late = f" — trễ {d.days_late} ngày" if d.days_late else ""
    box.markdown(f"**{esc(d.state_label)}{late}** · hạn {d.deadline:%d/%m/%Y} · {esc(d.target_label)}")
    box.markdown(esc(d.text))
    meeting = f" · cuộc họp: {esc(d.meeting)}" if d.meeting else ""
    box.caption(
        f"Giao {esc(d.owner_name)} · ban hành {pd.Timestamp(d.issued_at):%d/%m/%Y} bởi {esc(d.issued_by)}{meeting} · "
        f"mã `{d.directive_id}`"
    )
    moved = ":material/trending_up:" if ev.movement.narrowed else ":material/trending_flat:"
    states = ""
    if ev.status_then and ev.status_now and not ev.share and ev.period_then != ev.period_now:
        states = f" Trạng thái: {status.label(ev.status_then)} → {status.label(ev.status_now)}."
    box.markdown(f"{moved} {esc(ev.text)}{esc(states)}")
    if d.state == "done":
        box.caption(f"Đã hoàn thành — {esc(d.done_reason) or 'theo số liệu'}")
    notes = frames.notes_table(events[events.directive_id == d.directive_id])
    if not notes.empty:
        box.dataframe(notes, hide_index=True, width="stretch")


def cards(live: SnapshotRef, frame: pd.DataFrame, include_demo: bool) -> None:
    events = dirs.notes(live)  # type: ignore[arg-type]  # SnapshotRef is a Source
    for d in frame.head(SHOWN).itertuples(index=False):
        card(live, d, events, include_demo)
    if len(frame) > SHOWN:
        st.caption(f"Hiện {SHOWN}/{len(frame)} chỉ đạo đầu tiên; bảng phía trên liệt kê đủ.")


def _messages(prefix: str) -> None:
    if done := st.session_state.pop(f"_{prefix}_done", None):
        st.success(done, icon=":material/check_circle:")
    if failed := st.session_state.pop(f"_{prefix}_error", None):
        st.error(failed, icon=":material/block:")


def issue_form(live: SnapshotRef, data: snapshots.DataDir, user: auth.User) -> None:
    st.subheader("Ban hành chỉ đạo")
    _messages("cd_issue")
    if not rules.may(user.role, "issue"):
        st.caption("Đăng nhập bằng tài khoản lãnh đạo hoặc quản trị để ban hành chỉ đạo.")
        return
    kind = st.selectbox(
        "Chỉ đạo về", list(rules.TARGETS), key="cd_type", format_func=lambda k: rules.TARGETS[k].capitalize()
    )
    choices = {
        "indicator": lambda q: dict(zip(q.code, q.code + " — " + q.name_vi)),
        "agency": lambda q: dict(zip(q.code, q.short_name)),
        "unit": lambda q: dict(zip(q.unit_code, q.name_vi)),
    }[cast(str, kind)]
    targets = choices(live.q({"indicator": "indicator_list", "agency": "agency_list", "unit": "unit_list"}[kind]))
    st.selectbox("Đối tượng", list(targets), key="cd_target", format_func=lambda k: targets.get(k, k))
    agencies = dirs.active_agencies(live)  # type: ignore[arg-type]  # SnapshotRef is a Source
    st.selectbox("Cơ quan chủ trì", list(agencies), key="cd_owner_new", format_func=lambda k: agencies.get(k, k))
    st.date_input("Hạn xử lý", value=today() + dt.timedelta(days=30), key="cd_deadline", format="DD/MM/YYYY")
    st.text_input("Cuộc họp (nếu có)", key="cd_meeting", max_chars=dirs.MAX_MEETING)
    st.text_area("Nội dung chỉ đạo", key="cd_text", max_chars=rules.MAX_TEXT, height=90)
    st.button("Ban hành", key="cd_issue", type="primary", on_click=_issue, args=(data, user))


def _issue(data: snapshots.DataDir, user: auth.User) -> None:
    s = st.session_state
    try:
        _, did = dirs.issue(
            data,
            user,
            target_type=s["cd_type"],
            target_code=s["cd_target"],
            owner_agency=s["cd_owner_new"],
            deadline=s["cd_deadline"],
            meeting=s.get("cd_meeting", ""),
            text=s.get("cd_text", ""),
        )
    except (dirs.DirectiveRefused, snapshots.SnapshotError) as exc:
        s["_cd_issue_error"] = str(exc)
        return
    follow_writes()
    s["cd_text"] = s["cd_meeting"] = ""
    s["_cd_issue_done"] = f"Đã ban hành chỉ đạo `{did}`."


def allowed(user: auth.User, d) -> list[str]:
    owns = user.role == "editor" and user.agency == d.owner_agency
    acts = ["note", "done"] if d.state == "open" else ["reopen"]
    return [a for a in acts if rules.may(user.role, a, owns=owns)]


def action_form(data: snapshots.DataDir, user: auth.User, frame: pd.DataFrame) -> None:
    st.subheader("Báo cáo tiến độ, hoàn thành, mở lại")
    st.caption("Hoàn thành được xét theo số liệu thật: số liệu minh họa không bao giờ dùng để đóng chỉ đạo.")
    _messages("cd_act")
    rows = {d.directive_id: d for d in frame.itertuples(index=False) if allowed(user, d)}
    if not rows:
        st.caption(
            "Cán bộ của cơ quan chủ trì báo cáo tiến độ; lãnh đạo hoặc quản trị viên đánh dấu hoàn thành "
            "hay mở lại. Không có chỉ đạo nào chờ tài khoản này."
        )
        return
    key = st.selectbox(
        f"Chỉ đạo ({len(rows)})",
        list(rows),
        key="cd_pick",
        filter_mode=None,
        format_func=lambda k: f"{rows[k].deadline:%d/%m/%Y} · {rows[k].text[:80]} ({k})",
    )
    d = rows[cast(str, key)]
    st.text_area(
        f"Nội dung (báo cáo tiến độ; lý do khi hoàn thành mà số liệu chưa chuyển biến — ít nhất {rules.MIN_REASON} ký tự; lý do mở lại)",
        key="cd_body",
        max_chars=rules.MAX_TEXT,
        height=90,
    )
    cols = st.columns(len(allowed(user, d)))
    for col, action in zip(cols, allowed(user, d)):
        col.button(
            rules.ACTIONS[action],
            key=f"cd_{action}",
            type="primary" if action == "note" else "secondary",
            on_click=_act,
            args=(data, user, action, d.directive_id, d.state),
        )


def _act(data, user, action, directive_id, shown_state) -> None:
    s = st.session_state
    try:
        dirs.act(
            data,
            user,
            action,
            directive_id,
            expected_state=shown_state,
            text=s.get("cd_body", ""),
        )
    except (dirs.DirectiveRefused, snapshots.SnapshotError) as exc:
        s["_cd_act_error"] = str(exc)
        return
    follow_writes()
    s["cd_body"] = ""
    s["_cd_act_done"] = f"{rules.ACTIONS[action]} chỉ đạo `{directive_id}`: đã ghi."


def mine(live: SnapshotRef, user: auth.User) -> None:
    """The «Việc của tôi» block: the directives the user's agency owns (a leader: every open one),
    overdue first."""
    every = listing(live)
    own = every[every.state == "open"] if user.role == "leader" else frames.owned_by(every, user.agency)
    if own.empty:
        return
    st.subheader("Chỉ đạo đang theo dõi" if user.role == "leader" else "Chỉ đạo giao cơ quan của tôi")
    st.caption(
        f"{int(own.overdue.sum())} quá hạn, {int((own.state == 'open').sum())} đang thực hiện. "
        "Báo cáo tiến độ ở trang «Chỉ đạo»."
    )
    st.dataframe(frames.display(own), hide_index=True, width="stretch")
    st.page_link("views/directives.py", label="Mở trang Chỉ đạo", icon=":material/flag:")
