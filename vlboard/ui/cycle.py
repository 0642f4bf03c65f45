"""Streamlit parts of the page «Kỳ báo cáo»: the period picker, the figures, the board and the
action form (the rules and the writes are in vlboard.intake.cycle; this module draws and calls)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import cast

import pandas as pd
import streamlit as st

from vlboard.board import cycle as frames
from vlboard.domain import cycle as rules
from vlboard.domain import formatting
from vlboard.domain.periods import label_vi, parse_period, recent
from vlboard.intake import auth, cycle, sendlog
from vlboard.intake.imports import VN
from vlboard.store import snapshots
from vlboard.store.source import Snapshot
from vlboard.ui.data import SnapshotRef, follow_writes

PERIOD_PARAM = "ky"  # ?ky=2026-Q3 (not a filter key: the filter bar keeps it)


def today() -> dt.date:
    return dt.datetime.now(VN).date()


def obliged_periods(live: SnapshotRef, extra: str | None = None) -> list[str]:
    """The recent periods (and ``extra``) in which someone must report, newest quarter first."""
    out = []
    for p in dict.fromkeys(recent(today()) + ([extra] if extra else [])):
        try:
            pp = parse_period(p)
        except ValueError:
            continue
        if not live.q("cycle_board", period=pp.code, period_type=pp.kind, period_end=pp.end).empty:
            out.append(pp.code)
    return out


def pick_period(live: SnapshotRef, filter_period: str | None) -> str | None:
    """The period selectbox: ?ky=, else the filter's period (?period=), else the newest ended
    period with obligations."""
    wanted = st.query_params.get(PERIOD_PARAM) or filter_period
    periods = obliged_periods(live, wanted)
    if not periods:
        st.info("Chưa có kỳ nào có đơn vị phải báo cáo (chưa có chỉ tiêu nào giao cho phường, xã hay cơ quan).")
        return None
    ended = [p for p in periods if parse_period(p).end < today()]
    default = wanted if wanted in periods else (ended[0] if ended else periods[0])
    period = st.selectbox(
        "Kỳ báo cáo",
        periods,
        index=periods.index(default),
        key="cy_period",
        filter_mode=None,
        format_func=lambda p: f"{label_vi(p)} ({p})",
        help="Các kỳ có đơn vị phải báo cáo; mặc định kỳ đang lọc hoặc kỳ vừa kết thúc.",
    )
    return cast(str, period)


def board(live: SnapshotRef, period: str) -> pd.DataFrame:
    return cycle.board(live, period, today())  # type: ignore[arg-type]  # SnapshotRef is a Source


def metrics(b: pd.DataFrame, events: pd.DataFrame) -> None:
    """The counts and the DHIS2 rates, in rows that wrap (two a row on a phone, not one)."""
    s = frames.summary(b, events)
    row = st.container(horizontal=True, gap="medium")
    row.metric("Phải báo cáo", s.expected, width=150)
    row.metric("Đã nộp", s.received, help="Đã nộp hoặc đã duyệt.", width=150)
    row.metric("Chờ duyệt", s.waiting, width=150)
    row.metric("Đã duyệt", s.approved, width=150)
    row.metric("Trả lại", s.returned, width=150)
    row.metric("Trễ hạn", s.late, help="Chưa nộp (hoặc bị trả lại, mở lại) khi đã quá hạn.", width=150)
    row = st.container(horizontal=True, gap="medium")
    row.metric(
        "Tỷ lệ nộp báo cáo",
        s.reporting_rate,
        help=f"Báo cáo đã nộp ÷ báo cáo phải nộp: {s.received}/{s.expected} (cách tính của DHIS2).",
        width=165,
    )
    row.metric(
        "Tỷ lệ nộp đúng hạn",
        s.timeliness,
        help=f"Báo cáo nộp lần đầu không muộn hơn hạn ÷ báo cáo phải nộp: {s.on_time}/{s.expected}.",
        width=165,
    )
    row.metric(
        "Đầy đủ số liệu",
        s.completeness,
        help=f"Giá trị đã nhập ÷ giá trị phải nhập: {formatting.number(s.values_received, 0)}/"
        f"{formatting.number(s.values_expected, 0)}.",
        width=165,
    )


def state_filter(b: pd.DataFrame) -> pd.DataFrame:
    counts = b.state.value_counts()
    present = [s for s in rules.STATES if counts.get(s, 0)]
    chosen = st.multiselect(
        "Lọc theo trạng thái",
        present,
        default=[],
        key="cy_states",
        format_func=lambda s: f"{rules.STATES[s]} ({int(counts.get(s, 0))})",
        placeholder="Tất cả trạng thái",
    )
    return b[b.state.isin(chosen)] if chosen else b


def board_table(b: pd.DataFrame, events: pd.DataFrame, period: str) -> None:
    if b.empty:
        st.caption("Không có đơn vị nào ở trạng thái đã chọn.")
        return
    sent = sendlog.last_sent(sendlog.log_path(snapshots.default_data_dir().root), period)
    st.dataframe(frames.table(frames.order(b), events, sent), hide_index=True, width="stretch")


def reopened(live: SnapshotRef, b: pd.DataFrame, period: str) -> None:
    """For each reopened subject: how many values changed since its approval."""
    data = snapshots.default_data_dir()
    for r in b[b.state == "mo_lai"].itertuples():
        n = cycle.changes_since_approval(cast(Snapshot, live), data, r.subject_type, r.subject_code, period)
        changed = (
            "không còn bản đã duyệt để so sánh"
            if n is None
            else f"{formatting.number(n, 0)} giá trị đã thay đổi từ khi duyệt"
        )
        st.info(
            f"{formatting.md_escape(frames.subject_label(r))} (đã mở lại): {changed}.",
            icon=":material/lock_open:",
        )


def allowed(user: auth.User, row) -> list[str]:
    """The actions ``user`` may take on the board row in its state (domain rules and scopes)."""
    owns = user.role in ("editor", "admin") and user.may_import(row.subject_type, row.subject_code)
    plans = {p.strip() for p in str(row.plans).split(",") if p.strip()}
    reviews = user.role == "reviewer" and (user.plan is None or user.plan in plans)
    return [
        a
        for a in rules.ACTIONS
        if (row.state, a) in rules.TRANSITIONS
        and rules.may(user.role, a, owns_subject=owns, reviews_subject=reviews)
        and not (a == "submit" and int(row.received) == 0)  # nothing received: refused (cycle.act)
    ]


def _nothing_yet(user: auth.User, b: pd.DataFrame, period: str) -> None:
    """The subjects ``user`` would submit but that have received no value yet: say why no button."""
    empty = [
        r
        for r in frames.order(b).itertuples()
        if int(r.received) == 0 and "submit" in allowed(user, r._replace(received=1))
    ]
    if len(empty) == 1:
        r = empty[0]
        st.caption(formatting.md_escape(cycle.empty_submit(r.subject_name, period, int(r.expected))))
    elif empty:
        names = ", ".join(r.subject_name for r in empty[:3]) + (", …" if len(empty) > 3 else "")
        st.caption(
            formatting.md_escape(
                f"{formatting.number(len(empty), 0)} báo cáo chưa có số liệu nào của {label_vi(period)} "
                f"({names}) nên chưa nộp được; nhập số liệu trước khi nộp."
            )
        )


def action_form(data: snapshots.DataDir, user: auth.User, b: pd.DataFrame, period: str) -> None:
    st.subheader("Nộp, duyệt, trả lại, mở lại")
    if done := st.session_state.pop("_cycle_done", None):
        st.success(done, icon=":material/check_circle:")
    if failed := st.session_state.pop("_cycle_error", None):
        st.error(failed, icon=":material/block:")
    if user.via == "anonymous" or user.role == "viewer":
        st.caption(
            "Đăng nhập (khung «Tài khoản» bên trái) bằng tài khoản cán bộ nhập liệu, cán bộ thẩm định "
            "hoặc quản trị để nộp, duyệt, trả lại hay mở lại báo cáo."
        )
        return
    rows = {f"{r.subject_type}:{r.subject_code}": r for r in frames.order(b).itertuples() if allowed(user, r)}
    _nothing_yet(user, b, period)
    if not rows:
        st.caption(
            f"{formatting.md_escape(user.describe())}: không có báo cáo nào của {label_vi(period)} "
            "đang chờ bạn nộp, duyệt hay mở lại."
        )
        return
    key = st.selectbox(
        f"Báo cáo ({len(rows)})",
        list(rows),
        key="cy_subject",
        filter_mode=None,
        format_func=lambda k: f"{frames.subject_label(rows[k])} — {rows[k].state_label}",
    )
    row = rows[cast(str, key)]
    actions = allowed(user, row)
    if any(a in rules.NEEDS_REASON for a in actions):
        st.text_area("Lý do (bắt buộc khi trả lại hoặc mở lại)", key="cy_reason", max_chars=rules.MAX_REASON, height=90)
    cols = st.columns(len(actions))
    for col, action in zip(cols, actions):
        col.button(
            rules.ACTIONS[action],
            key=f"cy_{action}",
            type="primary" if action in ("submit", "approve") else "secondary",
            on_click=_act,  # the state shown now travels with the click: a change in between is refused
            args=(data, user, action, row.subject_type, row.subject_code, row.subject_name, period, row.state),
        )


def _act(data, user, action, subject_type, code, name, period, shown_state) -> None:
    try:
        cycle.act(
            data,
            user,
            action,
            subject_type,
            code,
            period,
            expected_state=shown_state,
            reason=st.session_state.get("cy_reason", "") if action in rules.NEEDS_REASON else "",
        )
    except (cycle.CycleRefused, snapshots.SnapshotError) as exc:
        st.session_state["_cycle_error"] = str(exc)
        return
    follow_writes()
    st.session_state.pop("cy_reason", None)
    st.session_state["_cycle_done"] = f"{cycle.describe(action, formatting.md_escape(name), period)}: đã ghi."


def import_lock(live: SnapshotRef, rows: pd.DataFrame) -> str | None:
    """Why the import of the preview's ``rows`` would be refused by the cycle (submitted or approved), else None."""
    try:
        cycle.check_import(Path(live.path), set(zip(rows.scope_type, rows.scope_code)), set(rows.period))
    except cycle.CycleRefused as exc:
        return str(exc)
    return None


def submit_hint(data: snapshots.DataDir, live: SnapshotRef, user: auth.User, subjects) -> None:
    """After an import: the hint to submit, and a «Nộp báo cáo» button for each subject × period
    of the import the user may submit."""
    if done := st.session_state.pop("_cycle_done", None):
        st.success(done, icon=":material/check_circle:")
    if failed := st.session_state.pop("_cycle_error", None):
        st.error(failed, icon=":material/block:")
    st.info("Khi đã nhập đủ, bấm Nộp báo cáo ở trang Kỳ báo cáo.", icon=":material/fact_check:")
    for subject_type, code, period in subjects:
        b = board(live, period)
        hit = b[(b.subject_type == subject_type) & (b.subject_code == code)]
        if hit.empty:
            continue
        row = next(hit.itertuples())
        if "submit" not in allowed(user, row):
            continue
        name = formatting.md_escape(row.subject_name)
        label = f"Nộp báo cáo {label_vi(period)} của {name} ({row.received}/{row.expected} giá trị)"
        st.button(
            label,
            key=f"cy_submit_{subject_type}_{code}_{period}",
            icon=":material/send:",
            on_click=_act,
            args=(data, user, "submit", subject_type, code, row.subject_name, period, row.state),
        )
