"""Streamlit parts of the page «Việc của tôi»: for the signed-in user, what to report and by when
(clerk), what awaits review (reviewer), what awaits review or could be reopened (admin)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from vlboard.board import cycle as frames
from vlboard.domain import formatting
from vlboard.domain.periods import label_vi, recent
from vlboard.intake import auth
from vlboard.ui import cycle as cycle_ui
from vlboard.ui.data import SnapshotRef


def current_periods() -> list[str]:
    """The current and previous quarter, the current and previous year."""
    return recent(cycle_ui.today(), n_quarters=2, n_years=2)


def boards(live: SnapshotRef, user: auth.User, keep) -> pd.DataFrame:
    """The board rows of the recent periods with obligations for which ``keep(user, row)`` holds."""
    parts = []
    for p in cycle_ui.obliged_periods(live):
        b = cycle_ui.board(live, p)
        parts.append(b[[bool(keep(user, r)) for r in b.itertuples()]])
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=["period", "state", "days_late"])


def _owns(user: auth.User, r) -> bool:
    """The clerk's own subject, in the current or previous periods, or returned or reopened in any."""
    return user.may_import(r.subject_type, r.subject_code) and (
        r.period in current_periods() or r.state in ("tra_lai", "mo_lai")
    )


def _awaits(user: auth.User, r) -> bool:
    return r.state == "da_nop" and "approve" in cycle_ui.allowed(user, r)


def clerk(live: SnapshotRef, user: auth.User) -> None:
    mine = boards(live, user, _owns)
    if mine.empty:
        st.info(
            f"{formatting.md_escape(user.describe())}: không có báo cáo nào phải nộp trong quý này, quý trước, "
            "năm nay và năm trước, và không có báo cáo nào bị trả lại."
        )
        return
    owing = mine[mine.state.isin(["chua_nop", "tra_lai", "mo_lai"])]
    row = st.container(horizontal=True, gap="medium")
    row.metric("Báo cáo phải nộp", len(owing), width=170)
    row.metric("Trễ hạn", int((mine.days_late > 0).sum()), width=170)
    row.metric("Bị trả lại", int((mine.state == "tra_lai").sum()), width=170)
    for r in mine[mine.state == "tra_lai"].itertuples():
        st.warning(
            f"{label_vi(r.period)}: báo cáo bị trả lại — lý do: {formatting.md_escape(str(r.last_reason or '—'))}",
            icon=":material/undo:",
        )
    st.dataframe(frames.my_rows(mine), hide_index=True, width="stretch")
    for p in dict.fromkeys(owing.period):
        st.page_link(
            "views/intake.py",
            label=f"Nhập số liệu {label_vi(p)}",
            icon=":material/upload_file:",
            query_params={"period": p},
        )
    for p in dict.fromkeys(owing.period):
        st.page_link(
            "views/cycle.py",
            label=f"Nộp báo cáo {label_vi(p)} (trang Kỳ báo cáo)",
            icon=":material/fact_check:",
            query_params={cycle_ui.PERIOD_PARAM: p},
        )


def reviewer(live: SnapshotRef, user: auth.User) -> None:
    waiting = boards(live, user, _awaits)
    st.metric("Báo cáo chờ duyệt", len(waiting))
    if waiting.empty:
        st.info("Không có báo cáo nào đang chờ bạn duyệt.")
    else:
        st.dataframe(frames.my_rows(waiting).drop(columns=["Lý do trả lại"]), hide_index=True, width="stretch")
    if user.is_admin:
        approved = boards(live, user, lambda u, r: r.state == "da_duyet")
        st.metric("Báo cáo đã duyệt (có thể mở lại)", len(approved))
    for p in dict.fromkeys(waiting.period if not waiting.empty else []):
        st.page_link(
            "views/cycle.py",
            label=f"Duyệt hoặc trả lại báo cáo {label_vi(p)} (trang Kỳ báo cáo)",
            icon=":material/fact_check:",
            query_params={cycle_ui.PERIOD_PARAM: p},
        )
